//! JSON snapshots read into typed values, checked against the charter's `state`.
//!
//! [`load`] reads the bytes in one pass with a schema-driven `DeserializeSeed`
//! (`seed.rs`) that builds [`Value`]s directly; scalars are converted in
//! `scalar.rs`, never through floating point. Every mismatch is reported with
//! its JSON path; only malformed JSON stops the reader early.
//!
//! [`load_native`] reads the same way for the JIT, but writes each element
//! of a top-level list straight into the native layout as it is read (texts
//! interned from the input, no [`Value`] in between), so the snapshot is
//! held once, in the layout; the values of those lists are made from the
//! layout only if something asks for them ([`Snapshot::get`]).
//!
//! [`load_native_in_place`] (what `polity eval` uses) may change the text
//! while it reads it: a large one is then read on two threads when another
//! core is idle (`parallel.rs`), split between two records of a top-level
//! list, with exactly one pass's result and errors.
//!
//! Both read text in memory (serde_json's slice reader: keys and strings
//! are borrowed, and a position is computed only for an error). In every
//! list of records with an `id` field, at any depth, a repeated id is a
//! mismatch naming both elements (`members[7].id: "ana" repeats
//! members[2].id`); echoed input is cut to a few hundred characters.

mod parallel;
mod refs;
mod scalar;
mod seed;
mod syntax;

use crate::layout::{self, holds_ambiguous, to_word, Interner, Layout};
use crate::value::Value;
use polity_compiler::ir::{Program, StateId};
use serde::de::DeserializeSeed;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

/// A snapshot that matches its charter's `state`: one value per state name.
///
/// *Invariant:* every slot of `values` is set, except, in a snapshot loaded
/// by [`load_native`], those of the lists kept only in its layout; such a
/// slot is filled from the layout on first use and never changes after.
#[derive(Clone, Debug)]
pub struct Snapshot {
    values: Vec<OnceLock<Value>>,
    native: Option<Native>,
    /// The interpreter's indexes of state lists by a field, shared by
    /// every evaluation context over this snapshot (`interp::eval`).
    indexes: ValueIndexes,
}

pub use crate::value::index::ValueIndex;

/// Per (state name, field), the [`ValueIndex`] of a state list by the
/// field's value, built the first time an evaluation context over the
/// snapshot looks into the list by that field. Shared, so that the
/// contexts the JIT makes per chunk of subjects to explain (and those of
/// other threads) do not each build it again: at 10^5 records and 4,096
/// subjects a chunk, that was most of a keyed law's time.
#[derive(Clone, Debug, Default)]
struct ValueIndexes(Arc<Mutex<ByField>>);

/// [`ValueIndex`]es by (state name, field).
type ByField = BTreeMap<(u32, u32), Arc<ValueIndex>>;

/// A snapshot's native layout and what is needed to read values back from it.
#[derive(Clone, Debug)]
struct Native {
    program: Arc<Program>,
    layout: Arc<Layout>,
}

impl PartialEq for Snapshot {
    fn eq(&self, other: &Snapshot) -> bool {
        self.values() == other.values()
    }
}

impl Eq for Snapshot {}

impl Snapshot {
    /// A snapshot from already-typed values, one per state name in order
    /// (for tests and embedders that build state in memory).
    pub fn from_values(values: Vec<Value>) -> Snapshot {
        Snapshot {
            values: values.into_iter().map(OnceLock::from).collect(),
            native: None,
            indexes: ValueIndexes::default(),
        }
    }

    /// How many state names have a value.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no state name has a value.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every state value, in `state` order (made from the layout if need be).
    pub fn values(&self) -> Vec<&Value> {
        (0..self.values.len() as u32)
            .filter_map(|i| self.get(StateId(i)))
            .collect()
    }

    /// The value of a state name (made from the layout on first use).
    pub fn get(&self, id: StateId) -> Option<&Value> {
        let i = id.0 as usize;
        let slot = self.values.get(i)?;
        if let Some(v) = slot.get() {
            return Some(v);
        }
        let native = self.native.as_ref()?;
        let ty = &native.program.state.get(i)?.ty;
        let w = native.layout.state_word(i)?;
        Some(slot.get_or_init(|| layout::to_value(&native.program, &*native.layout, ty, w)))
    }

    /// The index of state list `id` by field `field` ([`ValueIndex`]),
    /// built by `build` from the list's value if this is its first use.
    pub(crate) fn value_index(
        &self,
        id: StateId,
        field: u32,
        build: impl FnOnce(&Value) -> ValueIndex,
    ) -> Option<Arc<ValueIndex>> {
        let list = self.get(id)?;
        // Held while building: another context wanting the same index
        // waits for it rather than building it too.
        let mut all = self.indexes.0.lock().unwrap_or_else(|e| e.into_inner());
        Some(
            all.entry((id.0, field))
                .or_insert_with(|| Arc::new(build(list)))
                .clone(),
        )
    }

    /// The native layout, when the snapshot was loaded for the JIT.
    pub fn layout(&self) -> Option<&Arc<Layout>> {
        self.native.as_ref().map(|n| &n.layout)
    }
}

/// One way the JSON differs from the charter's `state`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The JSON path (`members[2].stake`).
    pub path: String,
    /// What is wrong (`expected Decimal, found "lots"`).
    pub message: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a snapshot was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// The text is not JSON (or not UTF-8).
    Syntax {
        /// What the JSON reader said.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The JSON does not match `state`: every mismatch, in document order.
    Mismatch(Vec<Mismatch>),
}

/// `Syntax`: `line:column: message`; `Mismatch`: one `path: message` per line.
impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Syntax {
                message,
                line,
                column,
            } => write!(f, "{line}:{column}: {message}"),
            SnapshotError::Mismatch(mismatches) => {
                for (i, m) in mismatches.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{m}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SnapshotError {}

/// What one snapshot may hold. A text or a collection past its limit is a
/// mismatch at its JSON path (the snapshot is rejected, exit 3 in the CLI),
/// so that a hostile snapshot cannot make the loader build a value larger
/// than the evaluation's own limits allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadLimits {
    /// The most bytes one text may have (default 1 MiB).
    pub max_text_bytes: usize,
    /// The most elements one list or set may have (default 10,000,000, as
    /// [`crate::interp::Limits::max_collection_len`]).
    pub max_collection_len: usize,
}

/// The default [`LoadLimits::max_text_bytes`].
pub const DEFAULT_MAX_TEXT_BYTES: usize = 1 << 20;

impl Default for LoadLimits {
    fn default() -> LoadLimits {
        LoadLimits {
            max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
            max_collection_len: crate::interp::Limits::default().max_collection_len,
        }
    }
}

/// Reads and checks a snapshot.
///
/// Invalid UTF-8 and malformed JSON (including nesting deeper than 128) are
/// [`SnapshotError::Syntax`]; anything that does not match `state` is
/// [`SnapshotError::Mismatch`] listing every mismatch in document order.
pub fn load(program: &Program, json: &[u8]) -> Result<Snapshot, SnapshotError> {
    load_with(program, json, LoadLimits::default())
}

/// [`load`] under `limits`.
pub fn load_with(
    program: &Program,
    json: &[u8],
    limits: LoadLimits,
) -> Result<Snapshot, SnapshotError> {
    let read = read(program, json, None, limits)?;
    let snapshot = Snapshot::from_values(read.root.fields().to_vec());
    checked(program, snapshot, read.repeats)
}

/// The snapshot, unless an id in it was repeated (`repeats`, found while
/// reading) or a reference in it dangles (see `refs.rs`): then every one of
/// those, repeats first.
fn checked(
    program: &Program,
    snapshot: Snapshot,
    mut repeats: Vec<Mismatch>,
) -> Result<Snapshot, SnapshotError> {
    repeats.extend(refs::check(program, &snapshot));
    if repeats.is_empty() {
        Ok(snapshot)
    } else {
        Err(SnapshotError::Mismatch(repeats))
    }
}

/// Reads a snapshot from a stream: into values, or, given a JIT's
/// `literals`, into the native layout as [`load_native`] does. `None` when
/// the stream cannot be read or is not a valid snapshot: use [`load`] or
/// [`load_native`], which say precisely why.
///
/// The text is read whole first and dropped once loaded: parsing text in
/// memory borrows keys and strings from it and computes a position only for
/// an error, where serde_json's stream reader copies every key and string
/// into a buffer (a key allocated per field here) and tracks the line and
/// column as it goes.
pub fn stream(
    program: &Arc<Program>,
    mut reader: impl std::io::Read,
    literals: Option<&Interner>,
) -> Option<Snapshot> {
    let mut json = Vec::new();
    reader.read_to_end(&mut json).ok()?;
    match literals {
        Some(literals) => load_native_in_place(program, &mut json, literals).ok(),
        None => load(program, &json).ok(),
    }
}

/// Reads and checks a snapshot as [`load`] does, into the native layout of a
/// program whose JIT interned `literals`: top-level lists are converted
/// element by element as they are read and kept only in the layout.
///
/// A snapshot whose `Int?` or `Duration?` values hold `i64::MIN` (which the
/// layout cannot tell from `none`) is read again by [`load`], whose values
/// the JIT then leaves to the interpreter.
pub fn load_native(
    program: &Arc<Program>,
    json: &[u8],
    literals: &Interner,
) -> Result<Snapshot, SnapshotError> {
    load_native_with(program, json, literals, LoadLimits::default())
}

/// [`load_native`] under `limits`.
pub fn load_native_with(
    program: &Arc<Program>,
    json: &[u8],
    literals: &Interner,
    limits: LoadLimits,
) -> Result<Snapshot, SnapshotError> {
    let mut layout = Layout::new(program, literals);
    // About one distinct text per this many bytes of a large snapshot (a
    // member of a generated Praxis Nova snapshot: 165 bytes, one new id):
    // sizing the interner's table up front saves growing it repeatedly.
    layout.texts.reserve(json.len() / TEXT_EVERY);
    let sink = seed::Sink::new(layout, program.state.len());
    let read = read(program, json, Some(sink), limits)?;
    match read.sink.and_then(|sink| native(program, read.root, sink)) {
        Some(snapshot) => checked(program, snapshot, read.repeats),
        None => load_with(program, json, limits),
    }
}

/// [`load_native`] of a text the caller lets it change while it reads:
/// a large one (4 MiB or more) is then read on two threads when another
/// core is idle (`parallel.rs`), with the same result and the same errors
/// as one pass. The text is as it was when this returns.
pub fn load_native_in_place(
    program: &Arc<Program>,
    json: &mut [u8],
    literals: &Interner,
) -> Result<Snapshot, SnapshotError> {
    let limits = LoadLimits::default();
    if json.len() >= parallel::PARALLEL_FROM && parallel::idle_core() {
        if let Some(result) = load_native_split(program, json, literals, limits) {
            return result;
        }
    }
    load_native_with(program, json, literals, limits)
}

/// The two-thread read of [`load_native_in_place`], whatever the text's
/// size: `None` when the text was not split or its parts did not make a
/// snapshot (then one pass says what is wrong). For tests, which compare
/// it with one pass on small texts.
#[doc(hidden)]
pub fn load_native_split(
    program: &Arc<Program>,
    json: &mut [u8],
    literals: &Interner,
    limits: LoadLimits,
) -> Option<Result<Snapshot, SnapshotError>> {
    parallel::load(program, json, literals, limits)
}

/// The interner of a load for the JIT is sized for one text per this many
/// bytes of JSON (an estimate: a snapshot with more texts grows it).
const TEXT_EVERY: usize = 192;

/// The snapshot of a pass that streamed into `sink`: the other state names
/// converted too; `None` if the layout cannot hold the values faithfully.
fn native(program: &Arc<Program>, root: Value, sink: seed::Sink) -> Option<Snapshot> {
    if sink.layout.ambiguous {
        return None;
    }
    let mut layout = sink.layout;
    let mut values = Vec::with_capacity(program.state.len());
    for (i, def) in program.state.iter().enumerate() {
        if let Some(w) = sink.streamed.get(i).copied().flatten() {
            layout.set_state(i, w);
            values.push(OnceLock::new());
            continue;
        }
        let v = root.fields().get(i).cloned().unwrap_or(Value::None);
        layout.ambiguous |= holds_ambiguous(program, &def.ty, &v);
        let w = to_word(&mut layout, &v);
        layout.set_state(i, w);
        values.push(OnceLock::from(v));
    }
    if layout.ambiguous {
        return None;
    }
    Some(Snapshot {
        values,
        native: Some(Native {
            program: program.clone(),
            layout: Arc::new(layout),
        }),
        indexes: ValueIndexes::default(),
    })
}

/// What one pass over the JSON read.
struct Read {
    /// The root record of state values (placeholders for lists that went
    /// to the sink).
    root: Value,
    /// The sink, when reading for the JIT.
    sink: Option<seed::Sink>,
    /// The repeated ids, when nothing else was wrong.
    repeats: Vec<Mismatch>,
}

/// One pass over the JSON: an error unless every mismatch in it (if any)
/// is a repeated id.
fn read(
    program: &Program,
    json: &[u8],
    sink: Option<seed::Sink>,
    limits: LoadLimits,
) -> Result<Read, SnapshotError> {
    let text = std::str::from_utf8(json).map_err(|e| syntax::utf8_error(json, e))?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let schema = seed::Schema::new(program, limits);
    let mut ctx = seed::Ctx::new(&schema, sink);
    let root = seed::root(&mut ctx)
        .deserialize(&mut deserializer)
        .and_then(|root| deserializer.end().map(|()| root))
        .map_err(|e| syntax::json_error(&e))?;
    if ctx.mismatches.len() > ctx.repeats {
        return Err(SnapshotError::Mismatch(ctx.mismatches));
    }
    Ok(Read {
        root,
        sink: ctx.sink,
        repeats: ctx.mismatches,
    })
}
