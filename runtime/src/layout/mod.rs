//! The native data layout that generated code reads directly.
//!
//! Every value is one 64-bit *word*:
//!
//! | type | word |
//! | --- | --- |
//! | `Bool` | 0 or 1 |
//! | `Int`, `Duration` | the number |
//! | `Date` | the day number |
//! | enum | the case index |
//! | `Text` | an interned id: equal texts have equal ids |
//! | `Decimal` | fixed point in the word, `m << 1 \| 1` for `m / 10^6`, when the decimal has at most six places and `m` fits in 63 bits; otherwise the address of a cell holding a [`Dec`] (80 bytes: small, num and den in `i128`, or wide, a sign and two 256-bit magnitudes) |
//! | record | the address of a block of one word per field, in declaration order |
//! | `List`, `Set` | the address of a block `[len, e0, e1, ...]`; sets sorted, no duplicates |
//! | `T?` | `T`'s word, or [`NONE`] |
//!
//! *Architecture Invariant:* [`NONE`] is never the word of a present optional
//! value. For `Int?` and `Duration?`, whose every word is a value, this holds
//! because generated code bails out to the interpreter wherever `i64::MIN`
//! would become one, and a snapshot holding one is evaluated by the interpreter.
//!
//! *Architecture Invariant:* a decimal's word is canonical: it is inline
//! exactly when [`inline_dec`] can encode it ([`DecCells::word`] is the only
//! way decimals become words). So two inline words are equal (and ordered)
//! as their decimals are, an inline word never equals a cell's value, and
//! generated code compares and adds inline words as integers, calling a
//! helper only when a cell is involved or the result leaves the inline range.
//! Cells are aligned (checked at compile time), so a cell's address is
//! even and an inline word odd; [`NONE`] is even, so it is never an inline decimal.
//!
//! The snapshot is converted once per (program, state) into a [`Layout`]; blocks
//! are boxed slices, so their addresses are stable while the layout lives.

mod index;
mod interner;
mod merge;
pub mod raw;

pub use interner::Interner;

use crate::snapshot::Snapshot;
use crate::value::Value;
use index::KeyIndex;
use polity_compiler::ir::Program;
use polity_compiler::num::Dec;
use polity_compiler::types::Type;
use raw as code;
use std::sync::{Arc, OnceLock};

/// The word of `none`.
pub const NONE: i64 = i64::MIN;

/// Whether values of `ty` have a word representation (`T?` is never nested).
pub fn representable(ty: &Type) -> bool {
    match ty {
        Type::Optional(inner) => !matches!(**inner, Type::Optional(_)) && representable(inner),
        Type::List(t) | Type::Set(t) => representable(t),
        Type::Error => false,
        _ => true,
    }
}

/// Whether `ty` is `Int?` or `Duration?`, whose `none` word [`NONE`] is also
/// the word of the value `i64::MIN`: generated code bails out to the
/// interpreter rather than let `i64::MIN` become such an optional.
pub fn ambiguous_optional(ty: &Type) -> bool {
    matches!(ty, Type::Optional(t) if matches!(**t, Type::Int | Type::Duration | Type::Period))
}

/// Whether a value of type `ty` holds `i64::MIN` where an `Int?` or
/// `Duration?` is expected (such a snapshot is evaluated by the interpreter).
pub fn holds_ambiguous(program: &Program, ty: &Type, v: &Value) -> bool {
    match (ty, v) {
        (t, Value::Int(i64::MIN) | Value::Duration(i64::MIN) | Value::Period(i64::MIN)) => {
            ambiguous_optional(t)
        }
        (Type::Optional(t), v) => holds_ambiguous(program, t, v),
        (Type::List(t) | Type::Set(t), Value::List(xs) | Value::Set(xs)) => {
            xs.iter().any(|x| holds_ambiguous(program, t, x))
        }
        (Type::Record(r), Value::Record(fs)) => program.record(*r).is_some_and(|def| {
            def.fields
                .iter()
                .zip(fs.iter())
                .any(|(f, x)| holds_ambiguous(program, &f.ty, x))
        }),
        _ => false,
    }
}

/// Whether `v` is a value of type `ty` that compiled code can take as a
/// word: of that type all the way down (a `List<Never>` only empty), and
/// not holding `i64::MIN` where an optional Int, Duration or Period is
/// expected. Compiled code trusts its words' types, so a value from outside
/// it (the interpreter's frame, `mixed.rs`) is checked first.
pub fn fits(program: &Program, ty: &Type, v: &Value) -> bool {
    match (ty, v) {
        (Type::Optional(_), Value::None) => true,
        (Type::Optional(t), v) => !holds_ambiguous(program, ty, v) && fits(program, t, v),
        (Type::Bool, Value::Bool(_))
        | (Type::Int, Value::Int(_))
        | (Type::Decimal, Value::Dec(_))
        | (Type::Date, Value::Date(_))
        | (Type::Duration, Value::Duration(_))
        | (Type::Instant, Value::Instant(_))
        | (Type::Period, Value::Period(_))
        | (Type::Text, Value::Text(_))
        | (Type::Enum(_), Value::Enum(_)) => true,
        (Type::List(t), Value::List(xs)) | (Type::Set(t), Value::Set(xs)) => {
            xs.iter().all(|x| fits(program, t, x))
        }
        (Type::Record(r), Value::Record(fs)) => program.record(*r).is_some_and(|def| {
            def.fields.len() == fs.len()
                && def
                    .fields
                    .iter()
                    .zip(fs.iter())
                    .all(|(f, x)| fits(program, &f.ty, x))
        }),
        _ => false,
    }
}

/// The scale of an inline decimal: its word holds `m` for `m / DEC_SCALE`.
pub const DEC_SCALE: i64 = 1_000_000;

/// The inline word of `d` (`m << 1 | 1` for `d = m / 10^6`), when `d` has at
/// most six decimal places and `m` fits in 63 bits.
pub fn inline_dec(d: Dec) -> Option<i64> {
    let scale = i128::from(DEC_SCALE);
    // `Dec` is in lowest terms with a positive denominator.
    let (num, den) = d.small_parts()?;
    if scale % den != 0 {
        return None;
    }
    let m = i64::try_from(num.checked_mul(scale / den)?).ok()?;
    m.checked_mul(2)?.checked_add(1)
}

// A cell's address is even, so it is never an inline word.
const _: () = assert!(std::mem::align_of::<Dec>() >= 2);

/// Whether `w` is an inline decimal word (else it is a cell's address).
pub const fn is_inline_dec(w: i64) -> bool {
    w & 1 == 1
}

/// The decimal of an inline word.
pub fn from_inline_dec(w: i64) -> Dec {
    // The denominator is positive, so the ratio exists.
    Dec::ratio(i128::from(w >> 1), i128::from(DEC_SCALE)).unwrap_or(Dec::ZERO)
}

/// Somewhere blocks and decimal cells can be put: a layout's storage, or a
/// per-evaluation arena.
pub trait Store {
    /// A zeroed block of `n` words; its address stays valid while the store lives.
    fn words(&mut self, n: usize) -> &mut [i64];
    /// The word of `d` ([`DecCells::word`]).
    fn dec(&mut self, d: Dec) -> i64;
    /// The id of a text.
    fn text(&mut self, s: &str) -> i64;
    /// The text of an id.
    fn text_of(&self, id: i64) -> Option<Arc<str>>;
}

/// Decimal cells in chunks that are never reallocated.
#[derive(Debug, Default)]
pub struct DecCells {
    chunks: Vec<Vec<Dec>>,
}

const DEC_CHUNK: usize = 1024;

impl DecCells {
    /// Stores `d` in a cell, returning its address.
    fn push(&mut self, d: Dec) -> i64 {
        let full = self.chunks.last().is_none_or(|c| c.len() == c.capacity());
        if full {
            self.chunks.push(Vec::with_capacity(DEC_CHUNK));
        }
        match self.chunks.last_mut() {
            // INVARIANT: the chunk has room, so `push` does not reallocate and
            // earlier cells keep their addresses.
            Some(chunk) => {
                chunk.push(d);
                chunk.last().map_or(0, |c| c as *const Dec as i64)
            }
            None => 0,
        }
    }

    /// The word of `d`: inline when [`inline_dec`] can encode it, else the
    /// address of a new cell.
    pub fn word(&mut self, d: Dec) -> i64 {
        inline_dec(d).unwrap_or_else(|| self.push(d))
    }

    /// Forgets every cell but keeps the first chunk's memory.
    pub fn clear(&mut self) {
        self.chunks.truncate(1);
        if let Some(c) = self.chunks.first_mut() {
            c.clear();
        }
    }

    /// Whether no cell was ever made here (no chunk is held).
    pub fn is_unused(&self) -> bool {
        self.chunks.is_empty()
    }

    /// Where the next cell goes (for [`DecCells::release`]).
    pub fn mark(&self) -> (usize, usize) {
        (self.chunks.len(), self.chunks.last().map_or(0, Vec::len))
    }

    /// Forgets every cell made since `mark`.
    pub fn release(&mut self, mark: (usize, usize)) {
        release_chunks(&mut self.chunks, mark);
    }

    /// The address ranges `[start, end)` of the cells made since `mark`, sorted.
    pub fn since(&self, mark: (usize, usize)) -> Vec<(usize, usize)> {
        ranges_since(&self.chunks, mark)
    }
}

/// The address ranges `[start, end)` of what `chunks` gained since `mark`,
/// sorted by address, so that whether a word points at something made
/// since is a binary search.
fn ranges_since<T>(chunks: &[Vec<T>], (n, len): (usize, usize)) -> Vec<(usize, usize)> {
    let size = std::mem::size_of::<T>();
    let mut ranges: Vec<(usize, usize)> = chunks
        .iter()
        .enumerate()
        .skip(n.saturating_sub(1))
        .map(|(i, c)| {
            let from = if i + 1 == n { len.min(c.len()) } else { 0 };
            let at = c.as_ptr() as usize;
            (at + from * size, at + c.len() * size)
        })
        .filter(|(start, end)| start < end)
        .collect();
    ranges.sort_unstable();
    ranges
}

/// Forgets what `chunks` gained since `mark` (their number, and the length
/// of the last then): later chunks are freed, the last is cut back (its
/// memory, and the addresses of what it held before, stay).
fn release_chunks<T>(chunks: &mut Vec<Vec<T>>, (n, len): (usize, usize)) {
    if n == 0 {
        chunks.truncate(1);
        if let Some(c) = chunks.first_mut() {
            c.clear();
        }
        return;
    }
    chunks.truncate(n);
    if let Some(c) = chunks.last_mut() {
        c.truncate(len);
    }
}

/// Word blocks in chunks that are never reallocated (a block's address is
/// stable), so that a snapshot's many small records and lists cost one
/// allocation per chunk rather than one each.
#[derive(Debug, Default)]
pub struct Words {
    chunks: Vec<Vec<i64>>,
}

const WORD_CHUNK: usize = 1 << 16;

impl Words {
    /// A zeroed block of `n` words.
    pub fn alloc(&mut self, n: usize) -> &mut [i64] {
        let n = n.max(1);
        let room = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= n);
        if !room {
            self.chunks.push(Vec::with_capacity(n.max(WORD_CHUNK)));
        }
        let Some(chunk) = self.chunks.last_mut() else {
            return &mut [];
        };
        // INVARIANT: the chunk has room for `n` more words, so `resize` does
        // not reallocate and earlier blocks keep their addresses.
        let start = chunk.len();
        chunk.resize(start + n, 0);
        chunk.get_mut(start..).unwrap_or_default()
    }

    /// Whether no block was ever made here (no chunk is held).
    pub fn is_unused(&self) -> bool {
        self.chunks.is_empty()
    }

    /// Where the next block goes (for [`Words::release`]).
    pub fn mark(&self) -> (usize, usize) {
        (self.chunks.len(), self.chunks.last().map_or(0, Vec::len))
    }

    /// Forgets every block made since `mark`.
    pub fn release(&mut self, mark: (usize, usize)) {
        release_chunks(&mut self.chunks, mark);
    }

    /// The address ranges `[start, end)` of the blocks made since `mark`, sorted.
    pub fn since(&self, mark: (usize, usize)) -> Vec<(usize, usize)> {
        ranges_since(&self.chunks, mark)
    }

    /// Forgets every block but keeps the first chunk's memory.
    pub fn clear(&mut self) {
        self.chunks.truncate(1);
        if let Some(c) = self.chunks.first_mut() {
            c.clear();
        }
    }
}

/// A snapshot in the native layout.
#[derive(Debug)]
pub struct Layout {
    /// Two words per state name: `[present, word]`.
    pub state: Box<[i64]>,
    blocks: Words,
    cells: DecCells,
    /// The program's text literals first, then the snapshot's texts.
    pub texts: Interner,
    /// Whether an `Int?` or `Duration?` holds `i64::MIN` (then the
    /// interpreter evaluates this snapshot).
    pub ambiguous: bool,
    /// Per state name holding a list of records, per field: the positions
    /// of the elements by the field's word, built the first time a loop
    /// picks elements of that list by that field
    /// ([`polity_compiler::ir::Clause::keyed`]) or `xs[key]` looks into it
    /// by its id field (the first element with the key): a lookup is then
    /// one probe of a hash table, not a scan.
    fields: Box<[Box<[OnceLock<KeyIndex>]>]>,
}

impl Layout {
    /// The address ranges `[start, end)` of its word blocks, sorted: a word
    /// of a record, list or set is the layout's (and lives as long as it)
    /// exactly when it falls in one ([`in_ranges`]).
    pub fn block_ranges(&self) -> Vec<(usize, usize)> {
        self.blocks.since((0, 0))
    }
}

/// Whether address `at` falls in one of `ranges` (sorted, disjoint).
pub fn in_ranges(ranges: &[(usize, usize)], at: usize) -> bool {
    let i = ranges.partition_point(|(start, _)| *start <= at);
    i.checked_sub(1)
        .and_then(|i| ranges.get(i))
        .is_some_and(|(_, end)| at < *end)
}

impl Store for Layout {
    fn words(&mut self, n: usize) -> &mut [i64] {
        self.blocks.alloc(n)
    }

    fn dec(&mut self, d: Dec) -> i64 {
        self.cells.word(d)
    }

    fn text(&mut self, s: &str) -> i64 {
        self.texts.intern(s)
    }

    fn text_of(&self, id: i64) -> Option<Arc<str>> {
        self.texts.text(id).cloned()
    }
}

/// The elements of a list or set word (for hand-written Rust over the layout).
pub fn elements(_layout: &Layout, w: i64) -> &[i64] {
    code::list(w)
}

/// The field words of a record word with `n` fields.
pub fn fields(_layout: &Layout, w: i64, n: usize) -> &[i64] {
    code::words(w, n)
}

/// The decimal of a `Decimal` word.
pub fn decimal(_layout: &Layout, w: i64) -> Dec {
    code::dec_at(w)
}

impl Layout {
    /// The word of state name `i`, if present.
    pub fn state_word(&self, i: usize) -> Option<i64> {
        match self.state.get(2 * i..2 * i + 2) {
            Some([1, w]) => Some(*w),
            _ => None,
        }
    }

    /// The state name whose value is the very block `w` (a list of the
    /// snapshot, which the layout may have indexed), if one is.
    pub fn state_holding(&self, w: i64) -> Option<usize> {
        (0..self.state.len() / 2).find(|i| self.state_word(*i) == Some(w))
    }

    /// An empty layout for `program`'s state (no name present yet), its
    /// texts starting with the program's literals.
    pub fn new(program: &Program, literals: &Interner) -> Layout {
        Layout {
            state: vec![0; program.state.len() * 2].into_boxed_slice(),
            blocks: Words::default(),
            cells: DecCells::default(),
            texts: literals.clone(),
            ambiguous: false,
            fields: program
                .state
                .iter()
                .map(|s| {
                    let fields = match s.ty.element() {
                        Some(Type::Record(r)) => program.record(*r).map_or(0, |d| d.fields.len()),
                        _ => 0,
                    };
                    (0..fields).map(|_| OnceLock::new()).collect()
                })
                .collect(),
        }
    }

    /// The positions, ascending, of the elements of the list of state name
    /// `i` (records of `n_fields` words) whose field `field` is one of
    /// `keys` (as words: equal values of the field's types are equal
    /// words); `None` when `i` holds no such list here.
    pub fn positions(
        &self,
        i: usize,
        field: usize,
        n_fields: usize,
        keys: &[i64],
    ) -> Option<Vec<u32>> {
        Some(self.index(i, field, n_fields)?.positions(keys))
    }

    /// The index of the list of state name `i` (records of `n_fields`
    /// words) by field `field`, built on first use; `None` when `i` holds
    /// no such list here.
    fn index(&self, i: usize, field: usize, n_fields: usize) -> Option<&KeyIndex> {
        let w = self.state_word(i)?;
        let index = self.fields.get(i)?.get(field)?.get_or_init(|| {
            let key = move |r: &i64| code::words(*r, n_fields).get(field).copied();
            KeyIndex::build(code::list(w).iter().map(key))
        });
        Some(index)
    }

    /// [`Layout::positions`] for one key, as the index holds them (no copy:
    /// a loop picking most of a list by one key, such as `members where
    /// it.status == Active`, would otherwise copy every position once more).
    pub fn positions_of_key(
        &self,
        i: usize,
        field: usize,
        n_fields: usize,
        key: i64,
    ) -> Option<&[u32]> {
        Some(self.index(i, field, n_fields)?.of(key))
    }

    /// `xs[key]` where `xs` is the list of state name `i` (records of
    /// `n_fields` words whose id is field `id_field`): `Some(found)` from the
    /// index (the first element with the id), or `None` when `i` holds no
    /// list here. Ids are words, so equal ids are equal words (texts are
    /// interned).
    pub fn by_id(
        &self,
        i: usize,
        id_field: usize,
        n_fields: usize,
        key: i64,
    ) -> Option<Option<i64>> {
        let w = self.state_word(i)?;
        let index = self.index(i, id_field, n_fields)?;
        Some(
            index
                .of(key)
                .first()
                .and_then(|at| code::list(w).get(*at as usize).copied()),
        )
    }

    /// Converts a snapshot, interning texts after the program's literals.
    pub fn build(program: &Program, snapshot: &Snapshot, literals: &Interner) -> Layout {
        let mut layout = Layout::new(program, literals);
        for (i, def) in program.state.iter().enumerate() {
            if let Some(v) = snapshot.get(polity_compiler::ir::StateId(i as u32)) {
                layout.ambiguous |= holds_ambiguous(program, &def.ty, v);
                let w = to_word(&mut layout, v);
                layout.set_state(i, w);
            }
        }
        layout
    }

    /// State name `i` has the value `w`.
    pub fn set_state(&mut self, i: usize, w: i64) {
        let pair = i
            .checked_mul(2)
            .and_then(|at| self.state.get_mut(at..at.checked_add(2)?));
        if let Some(pair) = pair {
            pair.copy_from_slice(&[1, w]);
        }
    }

    /// The word of a list (or, already sorted, a set) of element words.
    pub fn list_of(&mut self, words: &[i64]) -> i64 {
        list_block(self, words)
    }
}

/// A block holding `words` after their count.
pub(crate) fn list_block(store: &mut dyn Store, words: &[i64]) -> i64 {
    let block = store.words(words.len() + 1);
    if let Some((len, rest)) = block.split_first_mut() {
        *len = words.len() as i64;
        rest.copy_from_slice(words);
    }
    block.as_ptr() as i64
}

/// The word of a value, storing its blocks and cells in `store` (values carry
/// their shape, so no type is needed).
pub fn to_word(store: &mut dyn Store, v: &Value) -> i64 {
    match v {
        Value::None => NONE,
        Value::Bool(b) => i64::from(*b),
        Value::Int(n)
        | Value::Date(n)
        | Value::Duration(n)
        | Value::Period(n)
        | Value::Instant(n) => *n,
        Value::Enum(i) => i64::from(*i),
        Value::Dec(d) => store.dec(d.get()),
        Value::Text(t) => store.text(t),
        Value::List(xs) | Value::Set(xs) => {
            let words: Vec<i64> = xs.iter().map(|x| to_word(store, x)).collect();
            list_block(store, &words)
        }
        Value::Record(fs) => {
            let words: Vec<i64> = fs.iter().map(|x| to_word(store, x)).collect();
            let block = store.words(words.len().max(1));
            if let Some(dst) = block.get_mut(..words.len()) {
                dst.copy_from_slice(&words);
            }
            block.as_ptr() as i64
        }
    }
}

/// The value of a word of type `ty` (for helpers that need the interpreter's
/// total order, and for explanations).
pub fn to_value(program: &Program, store: &dyn Store, ty: &Type, w: i64) -> Value {
    match ty {
        Type::Optional(inner) => {
            if w == NONE {
                Value::None
            } else {
                to_value(program, store, inner, w)
            }
        }
        Type::Bool => Value::Bool(w != 0),
        Type::Int => Value::Int(w),
        Type::Date => Value::Date(w),
        Type::Duration => Value::Duration(w),
        Type::Period => Value::Period(w),
        Type::Instant => Value::Instant(w),
        Type::Enum(_) => Value::Enum(u32::try_from(w).unwrap_or(0)),
        Type::Decimal => Value::dec(code::dec_at(w)),
        Type::Text => Value::Text(store.text_of(w).unwrap_or_else(|| Arc::from(""))),
        Type::List(t) | Type::Set(t) => {
            // Straight into the shared slice (an exact-size iterator): no
            // vector first, copied into it.
            let items: Arc<[Value]> = code::list(w)
                .iter()
                .map(|x| to_value(program, store, t, *x))
                .collect();
            if matches!(ty, Type::Set(_)) {
                Value::Set(items)
            } else {
                Value::List(items)
            }
        }
        Type::Record(r) => record_fields_to_value(program, store, *r, w, &[]),
        Type::Never | Type::Error => Value::None,
    }
}

/// The record of type `r` at word `w`, with only the fields marked in
/// `keep` made (each other field is [`Value::None`]; a field past the end
/// of `keep` is made): for a value whose other fields nothing reads
/// (`jit::subject_fields`).
pub fn record_fields_to_value(
    program: &Program,
    store: &dyn Store,
    r: polity_compiler::types::RecordId,
    w: i64,
    keep: &[bool],
) -> Value {
    let Some(def) = program.record(r) else {
        return Value::None;
    };
    let words = code::words(w, def.fields.len());
    Value::Record(
        def.fields
            .iter()
            .zip(words.iter())
            .zip(keep.iter().chain(std::iter::repeat(&true)))
            .map(|((f, x), k)| {
                if *k {
                    to_value(program, store, &f.ty, *x)
                } else {
                    Value::None
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::in_ranges;

    /// An address is in a range from its start up to, not including, its
    /// end; between, before and after the ranges it is in none.
    #[test]
    fn an_address_is_in_a_range_from_its_start_to_before_its_end() {
        let ranges = [(100, 200), (300, 301), (500, 900)];
        for (at, want) in [
            (0, false),
            (99, false),
            (100, true),
            (199, true),
            (200, false),
            (250, false),
            (300, true),
            (301, false),
            (500, true),
            (899, true),
            (900, false),
            (usize::MAX, false),
        ] {
            assert_eq!(in_ranges(&ranges, at), want, "{at}");
        }
        assert!(!in_ranges(&[], 100));
    }
}
