//! The schema-driven reader: `DeserializeSeed`s that build [`Value`]s straight
//! from the JSON text, guided by the charter's types, without an intermediate
//! `serde_json::Value` tree.
//!
//! A subtree that does not match its type is recorded as a [`Mismatch`] and
//! skipped with [`Skip`], and reading goes on, so one pass reports every
//! mismatch in document order. Only malformed JSON stops the reader.
//!
//! *Invariant:* paths are kept as a stack of segments and rendered only when a
//! mismatch is recorded, so well-formed input pays no formatting cost.

use super::scalar::{convert, echo, Atom};
use super::Mismatch;
use crate::layout::{self, ambiguous_optional, to_value, to_word, Layout, Store, NONE};
use crate::value::{render, Value};
use polity_compiler::diagnostic::did_you_mean;
use polity_compiler::ir::Program;
use polity_compiler::types::Type;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::btree_map::Entry as BTreeEntry;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};
use std::marker::PhantomData;

/// The key under which serde_json's `arbitrary_precision` hands over a number
/// that is not a plain `i64`/`u64` (a fraction, an exponent, a huge integer):
/// as a one-entry map from this key to the number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// The names and types of an object's fields (a record's, or `state`'s).
pub(super) struct Fields<'s> {
    names: Vec<&'s str>,
    types: Vec<&'s Type>,
}

impl<'s> Fields<'s> {
    fn new(fields: impl Iterator<Item = (&'s str, &'s Type)>) -> Fields<'s> {
        let (names, types) = fields.unzip();
        Fields { names, types }
    }

    /// The index of a field, trying `hint` first: documents usually list
    /// fields in declaration order, so this is one comparison per field.
    fn find(&self, name: &str, hint: usize) -> Option<usize> {
        if self.names.get(hint).is_some_and(|n| *n == name) {
            return Some(hint);
        }
        self.names.iter().position(|n| *n == name)
    }
}

/// What the reader checks against: the program, its objects' fields, and
/// the limits on what one snapshot may hold.
pub(super) struct Schema<'s> {
    program: &'s Program,
    limits: super::LoadLimits,
    records: Vec<Fields<'s>>,
    state: Fields<'s>,
    /// The message for a top-level value that is not an object (without "found").
    root_expected: String,
}

impl<'s> Schema<'s> {
    pub(super) fn new(program: &'s Program, limits: super::LoadLimits) -> Schema<'s> {
        let records = program
            .records
            .iter()
            .map(|r| Fields::new(r.fields.iter().map(|f| (f.name.as_str(), &f.ty))))
            .collect();
        let state = Fields::new(program.state.iter().map(|s| (s.name.as_str(), &s.ty)));
        Schema {
            program,
            limits,
            records,
            root_expected: root_expected(&state.names),
            state,
        }
    }
}

/// "expected an object with the state names `now`, `members`, ..."
fn root_expected(names: &[&str]) -> String {
    const SHOWN: usize = 6;
    let mut out = "expected an object".to_owned();
    for (i, name) in names.iter().take(SHOWN).enumerate() {
        out.push_str(if i == 0 {
            " with the state names "
        } else {
            ", "
        });
        let _ = write!(out, "`{name}`");
    }
    if names.len() > SHOWN {
        out.push_str(", ...");
    }
    out
}

/// One step of a JSON path.
#[derive(Clone, Copy)]
enum Segment<'s> {
    Field(&'s str),
    Index(usize),
}

/// Where a load for the JIT puts the state's top-level lists: each element
/// is converted to the native layout as soon as it is read, so that a large
/// list never exists as a tree of [`Value`]s.
pub(super) struct Sink {
    pub(super) layout: Layout,
    /// Per state name: the word of its list, when it was streamed.
    pub(super) streamed: Vec<Option<i64>>,
    /// The state name being read, while reading one.
    top: Option<usize>,
}

impl Sink {
    pub(super) fn new(layout: Layout, names: usize) -> Sink {
        Sink {
            layout,
            streamed: vec![None; names],
            top: None,
        }
    }
}

/// The reader's mutable state: where it is, and what it found wrong so far.
pub(super) struct Ctx<'s> {
    schema: &'s Schema<'s>,
    path: Vec<Segment<'s>>,
    /// Every mismatch so far, in document order.
    pub(super) mismatches: Vec<Mismatch>,
    /// How many of them are repeated ids (the values are whole then, so
    /// references can still be checked).
    pub(super) repeats: usize,
    /// Set when loading for the JIT.
    pub(super) sink: Option<Sink>,
    /// The values of the objects and collections being read, innermost
    /// last: each pushes its own and takes them off when done, so reading
    /// allocates nothing per object (words when loading for the JIT).
    values: Vec<Value>,
    words: Vec<i64>,
    /// Set when this pass reads one part of a text split in two
    /// (`parallel.rs`); `None` for a whole text.
    pub(super) part: Option<Part<'s>>,
}

/// What a pass over one part of a split text needs and finds.
pub(super) struct Part<'s> {
    /// The state name whose top-level list the split falls in.
    pub(super) field: usize,
    /// Set when the other part failed: this one stops at its next element.
    pub(super) stop: &'s std::sync::atomic::AtomicBool,
    /// The state names read as the root's fields, by position.
    pub(super) seen: Vec<bool>,
    /// Whether the root object here is only some of the state names (a
    /// name it lacks is not missing: the other part may have it).
    pub(super) partial_root: bool,
    /// For the first part, which ends where an element of `field` ends:
    /// the word of the elements read when the text ended between two of them.
    pub(super) cut: Option<i64>,
    /// How many elements of `field` were whole when the text ended.
    cut_len: Option<usize>,
}

impl<'s> Part<'s> {
    pub(super) fn new(
        field: usize,
        names: usize,
        stop: &'s std::sync::atomic::AtomicBool,
    ) -> Part<'s> {
        Part {
            field,
            stop,
            seen: vec![false; names],
            partial_root: false,
            cut: None,
            cut_len: None,
        }
    }
}

impl<'s> Ctx<'s> {
    pub(super) fn new(schema: &'s Schema<'s>, sink: Option<Sink>) -> Ctx<'s> {
        Ctx {
            schema,
            path: Vec::new(),
            mismatches: Vec::new(),
            repeats: 0,
            sink,
            values: Vec::new(),
            words: Vec::new(),
            part: None,
        }
    }

    /// The root record's values read so far (the slots of the state names
    /// after a pass that stopped inside the root object).
    pub(super) fn take_values(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.values)
    }

    /// Reads the top-level list of state name `top` (whose type is `ty`)
    /// from `deserializer`, which is at its `[`: the list goes to the sink.
    pub(super) fn read_top_list<'de, D: Deserializer<'de>>(
        &mut self,
        top: usize,
        ty: &'s Type,
        deserializer: D,
    ) -> Result<(), D::Error> {
        let name = self.schema.state.names.get(top).copied().unwrap_or("?");
        if let Some(sink) = self.sink.as_mut() {
            sink.top = Some(top);
        }
        self.path.push(Segment::Field(name));
        let read = TypedSeed {
            ctx: &mut *self,
            shape: Shape::Type(ty),
            build: PhantomData::<AsValue>,
        }
        .deserialize(deserializer);
        self.path.pop();
        if let Some(sink) = self.sink.as_mut() {
            sink.top = None;
        }
        read.map(|_| ())
    }

    /// The state name whose list is being read, when it goes to the sink.
    fn streaming(&self, is_set: bool) -> Option<usize> {
        if is_set || self.path.len() != 1 {
            return None;
        }
        self.sink.as_ref().and_then(|s| s.top)
    }

    /// The current JSON path: `members[2].stake`, or `$` at the top.
    fn render_path(&self) -> String {
        if self.path.is_empty() {
            return "$".to_owned();
        }
        let mut out = String::new();
        for (i, seg) in self.path.iter().enumerate() {
            match seg {
                Segment::Field(name) if i == 0 => out.push_str(name),
                Segment::Field(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                Segment::Index(n) => {
                    let _ = write!(out, "[{n}]");
                }
            }
        }
        out
    }

    fn mismatch(&mut self, message: String) {
        let path = self.render_path();
        self.mismatches.push(Mismatch { path, message });
    }
}

/// What a value is read as: the whole snapshot, or a value of a type.
#[derive(Clone, Copy)]
enum Shape<'s> {
    Root,
    Type(&'s Type),
}

/// What the reader makes of each value it reads: a [`Value`] ([`AsValue`]),
/// or, for the elements of a list streamed into the sink, the value's word
/// in the sink's layout ([`AsWord`]), with no [`Value`] in between.
pub(super) trait Build {
    /// What one value becomes.
    type Out: Clone;
    /// The value of an absent optional field, and the placeholder for a
    /// value that did not match (the load fails then anyway).
    const ABSENT: Self::Out;
    /// The stack of values being read (see [`Ctx`]).
    fn stack<'c>(ctx: &'c mut Ctx<'_>) -> &'c mut Vec<Self::Out>;
    /// A scalar of type `ty` (optional or not; `null` is handled before).
    fn scalar(ctx: &mut Ctx<'_>, ty: &Type, atom: Atom<'_>) -> Result<Self::Out, String>;
    /// A list or set of elements of type `elem`: the stack's values from
    /// `base` on, in document order (taken off the stack).
    fn collection(ctx: &mut Ctx<'_>, base: usize, elem: &Type, is_set: bool) -> Self::Out;
    /// A record: the stack's values from `base` on, one per field in
    /// declaration order (taken off the stack).
    fn record(ctx: &mut Ctx<'_>, base: usize) -> Self::Out;
    /// Field `at` of a record of `n` fields (its id, for the repeated-id check).
    fn field(ctx: &Ctx<'_>, record: &Self::Out, at: usize, n: usize) -> Option<Id>;
}

/// Builds [`Value`]s.
pub(super) struct AsValue;

impl Build for AsValue {
    type Out = Value;
    const ABSENT: Value = Value::None;

    fn stack<'c>(ctx: &'c mut Ctx<'_>) -> &'c mut Vec<Value> {
        &mut ctx.values
    }

    fn scalar(ctx: &mut Ctx<'_>, ty: &Type, atom: Atom<'_>) -> Result<Value, String> {
        convert(ctx.schema.program, ty.strip_optional(), atom)
    }

    fn collection(ctx: &mut Ctx<'_>, base: usize, _: &Type, is_set: bool) -> Value {
        let items = ctx.values.drain(base..);
        if is_set {
            Value::set_from(items.collect())
        } else {
            Value::List(items.collect())
        }
    }

    fn record(ctx: &mut Ctx<'_>, base: usize) -> Value {
        Value::Record(ctx.values.drain(base..).collect())
    }

    fn field(_: &Ctx<'_>, record: &Value, at: usize, _: usize) -> Option<Id> {
        record.fields().get(at).cloned().map(Id::Value)
    }
}

/// Builds words in the sink's layout: texts are interned from the input
/// as they are read, records and lists written as blocks.
pub(super) struct AsWord;

impl Build for AsWord {
    type Out = i64;
    const ABSENT: i64 = NONE;

    fn stack<'c>(ctx: &'c mut Ctx<'_>) -> &'c mut Vec<i64> {
        &mut ctx.words
    }

    fn scalar(ctx: &mut Ctx<'_>, ty: &Type, atom: Atom<'_>) -> Result<i64, String> {
        let program = ctx.schema.program;
        let Some(sink) = ctx.sink.as_mut() else {
            return Ok(NONE);
        };
        if let (Type::Text, Atom::Str(s)) = (ty.strip_optional(), atom) {
            return Ok(sink.layout.texts.intern(s));
        }
        let v = convert(program, ty.strip_optional(), atom)?;
        // The layout cannot tell `i64::MIN` in an `Int?` from `none`.
        let min = matches!(
            v,
            Value::Int(i64::MIN) | Value::Duration(i64::MIN) | Value::Period(i64::MIN)
        );
        sink.layout.ambiguous |= min && ambiguous_optional(ty);
        Ok(to_word(&mut sink.layout, &v))
    }

    fn collection(ctx: &mut Ctx<'_>, base: usize, elem: &Type, is_set: bool) -> i64 {
        let program = ctx.schema.program;
        let Some(sink) = ctx.sink.as_mut() else {
            return NONE;
        };
        let w = if !is_set {
            sink.layout
                .list_of(ctx.words.get(base..).unwrap_or_default())
        } else if word_ordered(elem) {
            let mut items = ctx.words.split_off(base);
            items.sort_unstable();
            items.dedup();
            sink.layout.list_of(&items)
        } else {
            // Ordered as their values are (texts by their bytes, not their
            // ids; equal decimals may be in different cells).
            let layout = &sink.layout;
            let mut keyed: Vec<(Value, i64)> = ctx
                .words
                .get(base..)
                .unwrap_or_default()
                .iter()
                .map(|w| (to_value(program, layout, elem, *w), *w))
                .collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            keyed.dedup_by(|a, b| a.0 == b.0);
            let items: Vec<i64> = keyed.into_iter().map(|(_, w)| w).collect();
            sink.layout.list_of(&items)
        };
        ctx.words.truncate(base);
        w
    }

    fn record(ctx: &mut Ctx<'_>, base: usize) -> i64 {
        let Some(sink) = ctx.sink.as_mut() else {
            return NONE;
        };
        let fields = ctx.words.get(base..).unwrap_or_default();
        let block = sink.layout.words(fields.len());
        if let Some(dst) = block.get_mut(..fields.len()) {
            dst.copy_from_slice(fields);
        }
        let w = block.as_ptr() as i64;
        ctx.words.truncate(base);
        w
    }

    fn field(ctx: &Ctx<'_>, record: &i64, at: usize, n: usize) -> Option<Id> {
        let layout = &ctx.sink.as_ref()?.layout;
        layout::fields(layout, *record, n)
            .get(at)
            .copied()
            .map(Id::Word)
    }
}

/// Whether sets of `ty` are ordered as their words are (numbers, days,
/// instants, enum cases and booleans are their words).
fn word_ordered(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Bool
            | Type::Int
            | Type::Date
            | Type::Duration
            | Type::Period
            | Type::Instant
            | Type::Enum(_)
    )
}

/// An element's id: a value, or a word (equal ids have equal words: texts
/// are interned, and an id is a Text or an Int).
pub(super) enum Id {
    Value(Value),
    Word(i64),
}

/// Reads the whole snapshot; yields a [`Value::Record`] of the state values.
pub(super) fn root<'c, 's>(ctx: &'c mut Ctx<'s>) -> TypedSeed<'c, 's, AsValue> {
    TypedSeed {
        ctx,
        shape: Shape::Root,
        build: PhantomData,
    }
}

/// Reads one value of a shape.
pub(super) struct TypedSeed<'c, 's, B> {
    ctx: &'c mut Ctx<'s>,
    shape: Shape<'s>,
    build: PhantomData<B>,
}

impl<'de, B: Build> DeserializeSeed<'de> for TypedSeed<'_, '_, B> {
    type Value = B::Out;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<B::Out, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'s, B: Build> TypedSeed<'_, 's, B> {
    /// Converts a scalar (or describes a container that cannot be one),
    /// recording a mismatch and yielding a placeholder when it does not fit.
    fn atom(self, atom: Atom<'_>) -> B::Out {
        let result = match self.shape {
            Shape::Root => Err(format!(
                "{}, found {}",
                self.ctx.schema.root_expected,
                atom.found()
            )),
            Shape::Type(Type::Optional(_)) if matches!(atom, Atom::Null) => Ok(B::ABSENT),
            Shape::Type(ty) => B::scalar(self.ctx, ty, atom),
        };
        result.unwrap_or_else(|message| {
            self.ctx.mismatch(message);
            B::ABSENT
        })
    }

    /// The fields of the object being read, if the shape is an object.
    fn fields(&self) -> Option<&'s Fields<'s>> {
        let schema = self.ctx.schema;
        match self.shape {
            Shape::Root => Some(&schema.state),
            Shape::Type(ty) => match ty.strip_optional() {
                Type::Record(id) => schema.records.get(id.0 as usize),
                _ => None,
            },
        }
    }

    /// The element type and whether it is a set, if the shape is a collection.
    fn collection(&self) -> Option<(&'s Type, bool)> {
        match self.shape {
            Shape::Type(ty) => match ty.strip_optional() {
                Type::List(elem) => Some((elem, false)),
                Type::Set(elem) => Some((elem, true)),
                _ => None,
            },
            Shape::Root => None,
        }
    }
}

impl<'de, B: Build> Visitor<'de> for TypedSeed<'_, '_, B> {
    type Value = B::Out;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<B::Out, E> {
        Ok(self.atom(Atom::Bool(b)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<B::Out, E> {
        Ok(self.atom(Atom::I64(n)))
    }

    fn visit_u64<E>(self, n: u64) -> Result<B::Out, E> {
        Ok(self.atom(Atom::U64(n)))
    }

    // Not produced under `arbitrary_precision`; handled so nothing is lost if it is.
    fn visit_f64<E>(self, x: f64) -> Result<B::Out, E> {
        Ok(self.atom(Atom::Number(&x.to_string())))
    }

    fn visit_str<E>(self, s: &str) -> Result<B::Out, E> {
        let max = self.ctx.schema.limits.max_text_bytes;
        if s.len() > max {
            self.ctx.mismatch(format!(
                "a text of {} bytes, longer than the limit of {max} bytes on one text",
                s.len()
            ));
            return Ok(B::ABSENT);
        }
        Ok(self.atom(Atom::Str(s)))
    }

    fn visit_unit<E>(self) -> Result<B::Out, E> {
        Ok(self.atom(Atom::Null))
    }

    fn visit_none<E>(self) -> Result<B::Out, E> {
        Ok(self.atom(Atom::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<B::Out, A::Error> {
        match self.collection() {
            Some((elem, is_set)) => read_collection::<B, A>(self.ctx, seq, elem, is_set),
            None => {
                let placeholder = self.atom(Atom::Array);
                drain_seq(seq)?;
                Ok(placeholder)
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<B::Out, A::Error> {
        let first = map.next_key_seed(KeySeed)?;
        if first.as_ref().is_some_and(|k| k.as_str() == NUMBER_TOKEN) {
            let text: String = map.next_value()?;
            drain_map(map)?;
            return Ok(self.atom(Atom::Number(&text)));
        }
        if let Some(fields) = self.fields() {
            return read_object::<B, A>(self.ctx, map, fields, first);
        }
        let placeholder = self.atom(Atom::Object);
        if first.is_some() {
            map.next_value::<Skip>()?;
        }
        drain_map(map)?;
        Ok(placeholder)
    }
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<Skip>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<Skip, Skip>()?.is_some() {}
    Ok(())
}

/// Reads a list or set, element by element, with `[i]` on the path; a
/// top-level list of a load for the JIT goes to the sink as words.
fn read_collection<'de, 's, B: Build, A: SeqAccess<'de>>(
    ctx: &mut Ctx<'s>,
    seq: A,
    elem: &'s Type,
    is_set: bool,
) -> Result<B::Out, A::Error> {
    if let Some(top) = ctx.streaming(is_set) {
        let base = ctx.words.len();
        let w = match read_elements::<AsWord, A>(ctx, seq, elem, is_set, true) {
            Ok(w) => w,
            Err(e) => {
                // The first part of a split text ends between two elements.
                let cut = ctx.part.as_mut().and_then(|p| p.cut_len.take());
                if let Some(n) = cut {
                    ctx.words.truncate(base + n);
                    let w = AsWord::collection(ctx, base, elem, is_set);
                    if let Some(part) = ctx.part.as_mut() {
                        part.cut = Some(w);
                    }
                }
                return Err(e);
            }
        };
        if let Some(slot) = ctx.sink.as_mut().and_then(|s| s.streamed.get_mut(top)) {
            *slot = Some(w);
        }
        return Ok(B::ABSENT);
    }
    read_elements::<B, A>(ctx, seq, elem, is_set, false)
}

/// The elements of a list or set, each read with its index on the path (so
/// a mismatch inside it is reported there). In a collection of records
/// with an `id` field, a repeated id is a mismatch at the later element.
fn read_elements<'de, 's, B: Build, A: SeqAccess<'de>>(
    ctx: &mut Ctx<'s>,
    mut seq: A,
    elem: &'s Type,
    is_set: bool,
    large: bool,
) -> Result<B::Out, A::Error> {
    let mut ids = Ids::new(ctx.schema.program, elem, large);
    let base = B::stack(ctx).len();
    let max = ctx.schema.limits.max_collection_len;
    loop {
        let index = B::stack(ctx).len() - base;
        if index == max {
            if seq.next_element::<Skip>()?.is_none() {
                break;
            }
            return too_long::<B, A>(ctx, seq, base, max);
        }
        let before = ctx.mismatches.len();
        if large && stopped(ctx) {
            return Err(serde::de::Error::custom("stopped: the other part failed"));
        }
        ctx.path.push(Segment::Index(index));
        let next = seq.next_element_seed(TypedSeed {
            ctx: &mut *ctx,
            shape: Shape::Type(elem),
            build: PhantomData::<B>,
        });
        ctx.path.pop();
        let next = match next {
            Ok(next) => next,
            Err(e) => {
                // No element in progress (none left its fields on the
                // stack): the text ended, or was malformed, between two.
                let top = ctx.sink.as_ref().and_then(|s| s.top);
                if large && B::stack(ctx).len() == base + index {
                    if let Some(part) = ctx.part.as_mut().filter(|p| Some(p.field) == top) {
                        part.cut_len = Some(index);
                    }
                }
                return Err(e);
            }
        };
        let Some(v) = next else { break };
        // An element that did not match holds placeholders: no id to compare.
        if let (Some(ids), true) = (ids.as_mut(), ctx.mismatches.len() == before) {
            ids.check::<B>(ctx, &v, index);
        }
        B::stack(ctx).push(v);
    }
    Ok(B::collection(ctx, base, elem, is_set))
}

/// Whether this pass reads part of a split text whose other part failed.
fn stopped(ctx: &Ctx<'_>) -> bool {
    ctx.part
        .as_ref()
        .is_some_and(|p| p.stop.load(std::sync::atomic::Ordering::Relaxed))
}

/// A collection with more than `max` elements, whose element after the
/// first `max` was just skipped: one mismatch at the collection, with how
/// many elements it has (the rest is skipped too, not kept), and a
/// placeholder.
fn too_long<'de, B: Build, A: SeqAccess<'de>>(
    ctx: &mut Ctx<'_>,
    mut seq: A,
    base: usize,
    max: usize,
) -> Result<B::Out, A::Error> {
    let mut len = max.saturating_add(1);
    while seq.next_element::<Skip>()?.is_some() {
        len = len.saturating_add(1);
    }
    B::stack(ctx).truncate(base);
    ctx.mismatch(format!(
        "a collection of {len} elements, longer than the limit of {max} elements on one collection"
    ));
    Ok(B::ABSENT)
}

/// The ids seen so far in one collection of records, with the index where
/// each first occurred.
struct Ids<'s> {
    /// The id field's position, the record's field count, the id's type.
    at: usize,
    fields: usize,
    ty: &'s Type,
    words: HashMap<i64, usize, foldhash::fast::RandomState>,
    /// For a large list of records with Text ids read as words: per text
    /// id, 1 + the index where it first occurred (0: not yet). Text ids are
    /// small and mostly increasing, so this is a dense, cache-friendly map.
    dense: Option<Vec<u32>>,
    values: BTreeMap<Value, usize>,
}

impl<'s> Ids<'s> {
    /// The tracker for a collection of `elem`, if `elem` is a record type
    /// with an `id` field.
    fn new(program: &'s Program, elem: &Type, large: bool) -> Option<Ids<'s>> {
        let Type::Record(r) = elem else {
            return None;
        };
        let def = program.record(*r)?;
        let at = def.id_field? as usize;
        let ty = &def.fields.get(at)?.ty;
        Some(Ids {
            at,
            fields: def.fields.len(),
            ty,
            words: HashMap::default(),
            dense: (large && matches!(ty, Type::Text)).then(Vec::new),
            values: BTreeMap::new(),
        })
    }

    /// Where text id `w` first occurred, or `None` when it is new (then it
    /// is recorded at `index`).
    fn dense_first(&mut self, w: i64, index: usize) -> Option<usize> {
        let dense = self.dense.as_mut()?;
        let at = usize::try_from(w).ok()?;
        if at >= dense.len() {
            dense.resize(at.max(1024).checked_mul(2)?, 0);
        }
        let slot = dense.get_mut(at)?;
        if *slot == 0 {
            *slot = u32::try_from(index).ok()?.checked_add(1)?;
            return None;
        }
        Some(*slot as usize - 1)
    }

    /// Records the id of element `index`, or reports it repeated.
    fn check<B: Build>(&mut self, ctx: &mut Ctx<'_>, record: &B::Out, index: usize) {
        let (first, id) = match B::field(ctx, record, self.at, self.fields) {
            Some(Id::Word(w)) if self.dense.is_some() => match self.dense_first(w, index) {
                Some(first) => (first, Id::Word(w)),
                None => return,
            },
            Some(Id::Word(w)) => match self.words.entry(w) {
                Entry::Occupied(e) => (*e.get(), Id::Word(w)),
                Entry::Vacant(e) => {
                    e.insert(index);
                    return;
                }
            },
            Some(Id::Value(v)) => match self.values.entry(v) {
                BTreeEntry::Occupied(e) => (*e.get(), Id::Value(e.key().clone())),
                BTreeEntry::Vacant(e) => {
                    e.insert(index);
                    return;
                }
            },
            None => return,
        };
        let program = ctx.schema.program;
        let shown = match (&id, ctx.sink.as_ref()) {
            (Id::Value(v), _) => render(program, self.ty, v),
            (Id::Word(w), Some(sink)) => render(
                program,
                self.ty,
                &to_value(program, &sink.layout, self.ty, *w),
            ),
            (Id::Word(w), None) => w.to_string(),
        };
        let list = ctx.render_path();
        ctx.path.push(Segment::Index(index));
        ctx.path.push(Segment::Field("id"));
        ctx.mismatch(format!(
            "{} repeats {list}[{first}].id",
            echo(&shown, "characters")
        ));
        ctx.repeats += 1;
        ctx.path.pop();
        ctx.path.pop();
    }
}

/// Reads an object's fields into declaration order: unknown and duplicate
/// keys are mismatches where they occur, missing ones at the object's end.
fn read_object<'de, 's, B: Build, A: MapAccess<'de>>(
    ctx: &mut Ctx<'s>,
    mut map: A,
    fields: &'s Fields<'s>,
    first: Option<Key<'de>>,
) -> Result<B::Out, A::Error> {
    // INVARIANT: the stack holds this object's fields from `base` on, one
    // per field (nested reads push and take off their own above them);
    // field `i`'s slot is meaningful only once `seen` has `i`; unseen fields
    // are `ABSENT` (or reported missing) at the end.
    let n = fields.names.len();
    let base = B::stack(ctx).len();
    B::stack(ctx).resize(base + n, B::ABSENT);
    let mut seen = Seen::new(n);
    let mut key = first;
    let mut hint = 0;
    while let Some(k) = key {
        match fields.find(k.as_str(), hint) {
            Some(i) if seen.insert(i) => {
                hint = i + 1;
                let (name, ty) = field(fields, i);
                let root = std::ptr::eq(fields, &ctx.schema.state);
                if let (true, Some(sink)) = (root, ctx.sink.as_mut()) {
                    sink.top = Some(i);
                }
                if let (true, Some(part)) = (root, ctx.part.as_mut()) {
                    if let Some(seen) = part.seen.get_mut(i) {
                        *seen = true;
                    }
                }
                ctx.path.push(Segment::Field(name));
                let value = map.next_value_seed(TypedSeed {
                    ctx: &mut *ctx,
                    shape: Shape::Type(ty),
                    build: PhantomData::<B>,
                });
                ctx.path.pop();
                if let (true, Some(sink)) = (root, ctx.sink.as_mut()) {
                    sink.top = None;
                }
                let value = value?;
                if let Some(slot) = B::stack(ctx).get_mut(base + i) {
                    *slot = value;
                }
            }
            Some(_) => {
                ctx.mismatch(format!(
                    "duplicate field `{}`",
                    echo(k.as_str(), "characters")
                ));
                map.next_value::<Skip>()?;
            }
            None => {
                ctx.mismatch(unknown_field(k.as_str(), &fields.names));
                map.next_value::<Skip>()?;
            }
        }
        key = map.next_key_seed(KeySeed)?;
    }
    let partial = std::ptr::eq(fields, &ctx.schema.state)
        && ctx.part.as_ref().is_some_and(|p| p.partial_root);
    for i in 0..n {
        if !seen.contains(i) && !partial {
            absent(ctx, fields, i);
        }
    }
    Ok(B::record(ctx, base))
}

/// Which fields of an object were read: a bit mask, without allocating,
/// for up to 128 fields.
enum Seen {
    Bits(u128),
    Many(Vec<bool>),
}

impl Seen {
    fn new(n: usize) -> Seen {
        if n <= 128 {
            Seen::Bits(0)
        } else {
            Seen::Many(vec![false; n])
        }
    }

    /// Marks field `i`; false if it was marked already.
    fn insert(&mut self, i: usize) -> bool {
        match self {
            Seen::Bits(bits) => {
                let bit = 1u128.checked_shl(i as u32).unwrap_or(0);
                let new = *bits & bit == 0;
                *bits |= bit;
                new
            }
            Seen::Many(seen) => seen.get_mut(i).is_some_and(|s| !std::mem::replace(s, true)),
        }
    }

    fn contains(&self, i: usize) -> bool {
        match self {
            Seen::Bits(bits) => bits & 1u128.checked_shl(i as u32).unwrap_or(0) != 0,
            Seen::Many(seen) => seen.get(i).copied().unwrap_or(false),
        }
    }
}

/// The name and type of field `i` (which exists: `i` came from `find`).
fn field<'s>(fields: &Fields<'s>, i: usize) -> (&'s str, &'s Type) {
    let name = fields.names.get(i).copied().unwrap_or("?");
    let ty = fields.types.get(i).copied().unwrap_or(&Type::Never);
    (name, ty)
}

/// An absent field is `none` if optional (its slot already holds `none`),
/// else a mismatch.
fn absent<'s>(ctx: &mut Ctx<'s>, fields: &Fields<'s>, i: usize) {
    let (name, ty) = field(fields, i);
    if !matches!(ty, Type::Optional(_)) {
        ctx.path.push(Segment::Field(name));
        ctx.mismatch("missing".to_owned());
        ctx.path.pop();
    }
}

/// "unknown field `membrs`, did you mean `members`?"
fn unknown_field(name: &str, known: &[&str]) -> String {
    match did_you_mean(name, known.iter().copied()) {
        Some(close) => format!(
            "unknown field `{}`, did you mean `{close}`?",
            echo(name, "characters")
        ),
        None => format!("unknown field `{}`", echo(name, "characters")),
    }
}

/// An object key, borrowed from the input when it has no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(s))
    }
}

/// Skips any JSON value. Unlike serde's `IgnoredAny` (which serde_json skips
/// iteratively, without its depth limit) this goes through `deserialize_any`,
/// so a too-deep document is a syntax error wherever the depth occurs.
struct Skip;

impl<'de> serde::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Skip, D::Error> {
        deserializer.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_none<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Skip, A::Error> {
        drain_seq(seq).map(|()| Skip)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Skip, A::Error> {
        drain_map(map).map(|()| Skip)
    }
}
