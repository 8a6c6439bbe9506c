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

use super::scalar::{convert, Atom};
use super::Mismatch;
use crate::jit::layout::{holds_ambiguous, to_word, Layout};
use crate::value::Value;
use polity_compiler::diagnostic::did_you_mean;
use polity_compiler::ir::Program;
use polity_compiler::types::Type;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt::{self, Write as _};

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

/// What the reader checks against: the program and its objects' fields.
pub(super) struct Schema<'s> {
    program: &'s Program,
    records: Vec<Fields<'s>>,
    state: Fields<'s>,
    /// The message for a top-level value that is not an object (without "found").
    root_expected: String,
}

impl<'s> Schema<'s> {
    pub(super) fn new(program: &'s Program) -> Schema<'s> {
        let records = program
            .records
            .iter()
            .map(|r| Fields::new(r.fields.iter().map(|f| (f.name.as_str(), &f.ty))))
            .collect();
        let state = Fields::new(program.state.iter().map(|s| (s.name.as_str(), &s.ty)));
        Schema {
            program,
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
    /// Set when loading for the JIT.
    pub(super) sink: Option<Sink>,
}

impl<'s> Ctx<'s> {
    pub(super) fn new(schema: &'s Schema<'s>, sink: Option<Sink>) -> Ctx<'s> {
        Ctx {
            schema,
            path: Vec::new(),
            mismatches: Vec::new(),
            sink,
        }
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

/// Reads the whole snapshot; yields a [`Value::Record`] of the state values.
pub(super) fn root<'c, 's>(ctx: &'c mut Ctx<'s>) -> TypedSeed<'c, 's> {
    TypedSeed {
        ctx,
        shape: Shape::Root,
    }
}

/// Reads one value of a shape.
pub(super) struct TypedSeed<'c, 's> {
    ctx: &'c mut Ctx<'s>,
    shape: Shape<'s>,
}

impl<'de> DeserializeSeed<'de> for TypedSeed<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'s> TypedSeed<'_, 's> {
    /// Converts a scalar (or describes a container that cannot be one),
    /// recording a mismatch and yielding a placeholder when it does not fit.
    fn atom(self, atom: Atom<'_>) -> Value {
        let result = match self.shape {
            Shape::Root => Err(format!(
                "{}, found {}",
                self.ctx.schema.root_expected,
                atom.found()
            )),
            Shape::Type(Type::Optional(_)) if matches!(atom, Atom::Null) => Ok(Value::None),
            Shape::Type(ty) => convert(self.ctx.schema.program, ty.strip_optional(), atom),
        };
        result.unwrap_or_else(|message| {
            self.ctx.mismatch(message);
            Value::None
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

impl<'de> Visitor<'de> for TypedSeed<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(self.atom(Atom::Bool(b)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(self.atom(Atom::I64(n)))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(self.atom(Atom::U64(n)))
    }

    // Not produced under `arbitrary_precision`; handled so nothing is lost if it is.
    fn visit_f64<E>(self, x: f64) -> Result<Value, E> {
        Ok(self.atom(Atom::Number(&x.to_string())))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(self.atom(Atom::Str(s)))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(self.atom(Atom::Null))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(self.atom(Atom::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        match self.collection() {
            Some((elem, is_set)) => read_collection(self.ctx, seq, elem, is_set),
            None => {
                let placeholder = self.atom(Atom::Array);
                drain_seq(seq)?;
                Ok(placeholder)
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let first = map.next_key_seed(KeySeed)?;
        if first.as_ref().is_some_and(|k| k.as_str() == NUMBER_TOKEN) {
            let text: String = map.next_value()?;
            drain_map(map)?;
            return Ok(self.atom(Atom::Number(&text)));
        }
        if let Some(fields) = self.fields() {
            return read_object(self.ctx, map, fields, first);
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

/// Reads a list or set, element by element, with `[i]` on the path.
fn read_collection<'de, 's, A: SeqAccess<'de>>(
    ctx: &mut Ctx<'s>,
    mut seq: A,
    elem: &'s Type,
    is_set: bool,
) -> Result<Value, A::Error> {
    if let Some(top) = ctx.streaming(is_set) {
        return stream_list(ctx, seq, elem, top);
    }
    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
    while let Some(v) = next_element(ctx, &mut seq, elem, items.len())? {
        items.push(v);
    }
    Ok(if is_set {
        Value::set_from(items)
    } else {
        Value::List(items.into())
    })
}

/// Reads element `index` of a list, with its index on the path while it is
/// read (so a mismatch inside it is reported there); `None` at the end.
fn next_element<'de, 's, A: SeqAccess<'de>>(
    ctx: &mut Ctx<'s>,
    seq: &mut A,
    elem: &'s Type,
    index: usize,
) -> Result<Option<Value>, A::Error> {
    ctx.path.push(Segment::Index(index));
    let next = seq.next_element_seed(TypedSeed {
        ctx: &mut *ctx,
        shape: Shape::Type(elem),
    });
    ctx.path.pop();
    next
}

/// Reads a top-level list into the sink's layout, one element at a time;
/// the state's value is left as a placeholder.
fn stream_list<'de, 's, A: SeqAccess<'de>>(
    ctx: &mut Ctx<'s>,
    mut seq: A,
    elem: &'s Type,
    top: usize,
) -> Result<Value, A::Error> {
    let program = ctx.schema.program;
    let mut words = Vec::with_capacity(seq.size_hint().unwrap_or(0));
    while let Some(v) = next_element(ctx, &mut seq, elem, words.len())? {
        if let Some(sink) = ctx.sink.as_mut() {
            sink.layout.ambiguous |= holds_ambiguous(program, elem, &v);
            words.push(to_word(&mut sink.layout, &v));
        }
    }
    if let Some(sink) = ctx.sink.as_mut() {
        let w = sink.layout.list_of(&words);
        if let Some(slot) = sink.streamed.get_mut(top) {
            *slot = Some(w);
        }
    }
    Ok(Value::None)
}

/// Reads an object's fields into declaration order: unknown and duplicate
/// keys are mismatches where they occur, missing ones at the object's end.
fn read_object<'de, 's, A: MapAccess<'de>>(
    ctx: &mut Ctx<'s>,
    mut map: A,
    fields: &'s Fields<'s>,
    first: Option<Key<'de>>,
) -> Result<Value, A::Error> {
    // INVARIANT: `values[i]` is meaningful only once `seen[i]`; unseen fields
    // are filled (or reported missing) at the end.
    let mut values = vec![Value::None; fields.names.len()];
    let mut seen = vec![false; fields.names.len()];
    let mut key = first;
    let mut hint = 0;
    while let Some(k) = key {
        let found = fields.find(k.as_str(), hint);
        let slot = found.and_then(|i| Some((i, seen.get_mut(i)?, values.get_mut(i)?)));
        match slot {
            Some((i, seen, slot)) if !*seen => {
                hint = i + 1;
                *seen = true;
                let (name, ty) = field(fields, i);
                let root = std::ptr::eq(fields, &ctx.schema.state);
                if let (true, Some(sink)) = (root, ctx.sink.as_mut()) {
                    sink.top = Some(i);
                }
                ctx.path.push(Segment::Field(name));
                let value = map.next_value_seed(TypedSeed {
                    ctx: &mut *ctx,
                    shape: Shape::Type(ty),
                });
                ctx.path.pop();
                if let (true, Some(sink)) = (root, ctx.sink.as_mut()) {
                    sink.top = None;
                }
                *slot = value?;
            }
            Some(_) => {
                ctx.mismatch(format!("duplicate field `{}`", k.as_str()));
                map.next_value::<Skip>()?;
            }
            None => {
                ctx.mismatch(unknown_field(k.as_str(), &fields.names));
                map.next_value::<Skip>()?;
            }
        }
        key = map.next_key_seed(KeySeed)?;
    }
    for (i, seen) in seen.iter().enumerate() {
        if !seen {
            absent(ctx, fields, i);
        }
    }
    Ok(Value::Record(values.into()))
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
        Some(close) => format!("unknown field `{name}`, did you mean `{close}`?"),
        None => format!("unknown field `{name}`"),
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
