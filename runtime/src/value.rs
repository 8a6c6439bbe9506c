//! Runtime values of the reference interpreter and the snapshot loader.
//!
//! *Architecture Invariant:* values are immutable and shared through `Arc`, so a
//! loaded snapshot is `Send + Sync` and cheap to clone. Sets are kept sorted and
//! without duplicates under [`Value`]'s total order, so iteration order never
//! depends on hashing.

pub mod index;
pub mod lists;

use polity_compiler::ir::Program;
use polity_compiler::num::{format_date, CompactDec, Dec};
use polity_compiler::types::Type;
use std::cmp::Ordering;
use std::sync::Arc;

/// A value. Its type is known statically; the value does not carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `none`, the absent value of an optional.
    None,
    /// A Bool.
    Bool(bool),
    /// An Int.
    Int(i64),
    /// A Decimal, in its 32-byte form ([`Value::dec`] makes one).
    Dec(CompactDec),
    /// A Date as days since 1970-01-01.
    Date(i64),
    /// A Duration in seconds.
    Duration(i64),
    /// An Instant in seconds since 1970-01-01T00:00Z.
    Instant(i64),
    /// A calendar Period in months.
    Period(i64),
    /// A Text.
    Text(Arc<str>),
    /// An enum case by index.
    Enum(u32),
    /// A list.
    List(Arc<[Value]>),
    /// A set: sorted ascending, no duplicates.
    Set(Arc<[Value]>),
    /// A record's fields in declaration order.
    Record(Arc<[Value]>),
}

impl Value {
    /// A Decimal value.
    pub fn dec(d: Dec) -> Value {
        Value::Dec(d.into())
    }

    /// A text value.
    pub fn text(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }

    /// A set from any elements: sorts and removes duplicates.
    pub fn set_from(mut items: Vec<Value>) -> Value {
        items.sort();
        items.dedup();
        Value::Set(items.into())
    }

    /// The elements of a list or set (empty for anything else).
    pub fn elements(&self) -> &[Value] {
        match self {
            Value::List(xs) | Value::Set(xs) => xs,
            _ => &[],
        }
    }

    /// The fields of a record (empty for anything else).
    pub fn fields(&self) -> &[Value] {
        match self {
            Value::Record(fs) => fs,
            _ => &[],
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::None => 0,
            Value::Bool(_) => 1,
            Value::Int(_) => 2,
            Value::Dec(_) => 3,
            Value::Date(_) => 4,
            Value::Duration(_) => 5,
            Value::Period(_) => 11,
            Value::Instant(_) => 12,
            Value::Text(_) => 6,
            Value::Enum(_) => 7,
            Value::List(_) => 8,
            Value::Set(_) => 9,
            Value::Record(_) => 10,
        }
    }
}

/// The total order: `none` first; numbers, dates, durations numerically; text by
/// bytes; enums by case order; lists, sets and records lexicographically.
impl Ord for Value {
    fn cmp(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Dec(a), Value::Dec(b)) => a.cmp(b),
            (Value::Int(a), Value::Dec(b)) => Dec::from_int(*a).cmp(&b.get()),
            (Value::Dec(a), Value::Int(b)) => a.get().cmp(&Dec::from_int(*b)),
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            (Value::Duration(a), Value::Duration(b)) => a.cmp(b),
            (Value::Period(a), Value::Period(b)) => a.cmp(b),
            (Value::Instant(a), Value::Instant(b)) => a.cmp(b),
            (Value::Text(a), Value::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Value::Enum(a), Value::Enum(b)) => a.cmp(b),
            (Value::List(a), Value::List(b))
            | (Value::Set(a), Value::Set(b))
            | (Value::Record(a), Value::Record(b)) => a.iter().cmp(b.iter()),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Value) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Renders a value of type `ty` as a charter would write it (`11 days`,
/// `2026-01-15`, `"ana"`, `{Citizen, Founder}`, `none`).
pub fn render(program: &Program, ty: &Type, value: &Value) -> String {
    let mut out = String::new();
    render_into(program, ty, value, usize::MAX, usize::MAX, &mut out);
    out
}

/// `text(x)`: a Text as it is (`ana`), any other value as [`render`] shows
/// it (`11 days`, `["ana"]`); both engines call this, so they agree byte for byte.
pub fn to_text(program: &Program, ty: &Type, value: &Value) -> String {
    match value {
        Value::Text(s) => s.to_string(),
        _ => render(program, ty, value),
    }
}

/// A decimal for people: exact when its expansion terminates (`12.5`),
/// otherwise six digits and the exact fraction (`3.993333… (599/150)`).
fn render_dec(d: Dec, out: &mut String) {
    use std::fmt::Write as _;
    let _ = match d.terminating_places() {
        Some(_) => write!(out, "{d}"),
        None => write!(out, "{}… ({d})", d.truncated(6)),
    };
}

/// Renders into `out`, a list or set (at any depth) showing at most `cap`
/// elements, then how many more, and stopping once `out` holds more than
/// `stop` bytes: what it wrote by then is a prefix of the whole rendering,
/// longer than `stop`, so a caller that only wants short renderings need
/// not render a long one whole.
pub(crate) fn render_into(
    program: &Program,
    ty: &Type,
    value: &Value,
    cap: usize,
    stop: usize,
    out: &mut String,
) {
    use std::fmt::Write as _;
    let ty = ty.strip_optional();
    match value {
        Value::None => out.push_str("none"),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Dec(d) => render_dec(d.get(), out),
        Value::Date(d) => out.push_str(&format_date(*d)),
        Value::Duration(d) => out.push_str(&render_duration(*d)),
        Value::Instant(t) => out.push_str(&polity_compiler::num::format_instant(*t)),
        Value::Period(m) => out.push_str(&render_period(*m)),
        Value::Text(s) => {
            let _ = write!(out, "{s:?}");
        }
        Value::Enum(i) => {
            let name = match ty {
                Type::Enum(id) => program.enum_def(*id).and_then(|e| e.cases.get(*i as usize)),
                _ => None,
            };
            match name {
                Some(n) => out.push_str(n),
                None => {
                    let _ = write!(out, "#{i}");
                }
            }
        }
        Value::List(xs) | Value::Set(xs) => {
            let (open, close) = if matches!(value, Value::Set(_)) {
                ('{', '}')
            } else {
                ('[', ']')
            };
            let elem = ty.element().cloned().unwrap_or(Type::Never);
            out.push(open);
            if !render_elements(program, &elem, xs.iter().take(cap), cap, stop, out) {
                return;
            }
            if xs.len() > cap {
                let _ = write!(out, ", … and {} more", xs.len() - cap);
            }
            out.push(close);
        }
        Value::Record(fs) => {
            let def = match ty {
                Type::Record(id) => program.record(*id),
                _ => None,
            };
            let Some(def) = def else {
                out.push_str("{...}");
                return;
            };
            out.push_str(&def.name);
            out.push_str(" { ");
            for (i, (f, v)) in def.fields.iter().zip(fs.iter()).enumerate() {
                if out.len() > stop {
                    return;
                }
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&f.name);
                out.push_str(": ");
                render_into(program, &f.ty, v, cap, stop, out);
            }
            out.push_str(" }");
        }
    }
}

/// A calendar period as a charter writes it: whole years as `N years`
/// (`1 year`), anything else as `N months` (`1 month`).
pub fn render_period(months: i64) -> String {
    let (n, unit) = if months % 12 == 0 && months != 0 {
        (months / 12, "year")
    } else {
        (months, "month")
    };
    let plural = if n.unsigned_abs() == 1 { "" } else { "s" };
    format!("{n} {unit}{plural}")
}

/// `xs` rendered one after another with `, ` between them, each as
/// [`render_into`] renders it; `false` when it stopped, as that does, once
/// `out` held more than `stop` bytes.
pub(crate) fn render_elements<'v>(
    program: &Program,
    elem: &Type,
    xs: impl Iterator<Item = &'v Value>,
    cap: usize,
    stop: usize,
    out: &mut String,
) -> bool {
    for (i, x) in xs.enumerate() {
        if out.len() > stop {
            return false;
        }
        if i > 0 {
            out.push_str(", ");
        }
        render_into(program, elem, x, cap, stop, out);
    }
    true
}

/// A duration as a charter writes it, in the largest unit that divides it
/// exactly: `90 days`, `36 hours`, `90 minutes`, `1 second`.
pub fn render_duration(seconds: i64) -> String {
    let (n, unit) = [(86_400, "day"), (3_600, "hour"), (60, "minute")]
        .into_iter()
        .find(|(size, _)| seconds % size == 0)
        .map_or((seconds, "second"), |(size, unit)| (seconds / size, unit));
    let plural = if n.unsigned_abs() == 1 { "" } else { "s" };
    format!("{n} {unit}{plural}")
}

/// [`render`] for a report line: a list or set (at any depth) shows at most
/// `cap` elements, then how many more (`[1, 2, 3, … and 7 more]`).
pub fn render_capped(program: &Program, ty: &Type, value: &Value, cap: usize) -> String {
    let mut out = String::new();
    render_into(program, ty, value, cap, usize::MAX, &mut out);
    out
}

/// A value of type `ty` as JSON, in the form a snapshot writes it (so it
/// reads back as the same value): numbers for Int and for a Decimal whose
/// expansion terminates (exact: the digits, never a float), the exact
/// fraction as text for one that does not (`"2/3"`), dates, instants,
/// durations and periods as text (`"2026-01-15"`, `"90 days"`,
/// `"6 months"`), enums by case name, lists and sets as arrays, records as
/// objects, `none` as `null`.
pub fn to_json(program: &Program, ty: &Type, value: &Value) -> serde_json::Value {
    use serde_json::Value as Json;
    let ty = ty.strip_optional();
    match value {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(n) => Json::from(*n),
        Value::Dec(d) => {
            let d = d.get();
            let text = d.to_string();
            match d.terminating_places() {
                Some(_) => serde_json::from_str::<serde_json::Number>(&text)
                    .map_or(Json::String(text), Json::Number),
                None => Json::String(text),
            }
        }
        Value::List(xs) | Value::Set(xs) => {
            let elem = ty.element().cloned().unwrap_or(Type::Never);
            Json::Array(xs.iter().map(|x| to_json(program, &elem, x)).collect())
        }
        Value::Record(fs) => {
            let def = match ty {
                Type::Record(id) => program.record(*id),
                _ => None,
            };
            let fields = def.map(|d| d.fields.as_slice()).unwrap_or_default();
            Json::Object(
                fields
                    .iter()
                    .zip(fs.iter())
                    .map(|(f, v)| (f.name.clone(), to_json(program, &f.ty, v)))
                    .collect(),
            )
        }
        Value::Text(s) => Json::String(s.to_string()),
        _ => Json::String(render(program, ty, value)),
    }
}
