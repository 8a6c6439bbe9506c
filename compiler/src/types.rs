//! Polity's types, as the checker computes them and the IR records them.

use std::fmt;

/// Index of a record type in [`crate::ir::Program::records`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(pub u32);

/// Index of an enum type in [`crate::ir::Program::enums`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnumId(pub u32);

/// A checked type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Type {
    /// `Bool`
    Bool,
    /// `Int`: a checked signed 64-bit integer.
    Int,
    /// `Decimal`: an exact rational ([`crate::num::Dec`]).
    Decimal,
    /// `Date`: a day number.
    Date,
    /// `Duration`: a whole number of seconds (`3 days`, `72 hours`).
    Duration,
    /// `Instant`: a moment in UTC, to the second (`2026-03-01T12:00Z`).
    Instant,
    /// `Period`: a calendar period, a whole number of months (`6 months`,
    /// `5 years`): added to a date with end-of-month clamping, never a
    /// number of days.
    Period,
    /// `Text`: UTF-8.
    Text,
    /// `List<T>`
    List(Box<Type>),
    /// `Set<T>`: ordered, without duplicates.
    Set(Box<Type>),
    /// `T?`: a `T` or `none`. Never nested.
    Optional(Box<Type>),
    /// A record type.
    Record(RecordId),
    /// An enum type.
    Enum(EnumId),
    /// The element type of `[]`, `{}` and `none` before context fixes it; no
    /// value has it. Appears in the IR only inside empty collections and `none`.
    Never,
    /// A type that could not be determined because of an earlier error (never in the IR).
    Error,
}

impl Type {
    /// `List<t>`
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }

    /// `Set<t>`
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }

    /// `t?` (without nesting: `T??` is `T?`).
    pub fn optional(t: Type) -> Type {
        match t {
            Type::Optional(_) => t,
            t => Type::Optional(Box::new(t)),
        }
    }

    /// The element type of a list or set.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) => Some(t),
            _ => None,
        }
    }

    /// Whether a value of this type is one machine word that is its own
    /// value: a Bool, Int, Date, Instant, Duration, Period or enum case.
    pub fn is_int_like(&self) -> bool {
        matches!(
            self,
            Type::Bool
                | Type::Int
                | Type::Date
                | Type::Instant
                | Type::Duration
                | Type::Period
                | Type::Enum(_)
        )
    }

    /// The type inside an optional, or the type itself.
    pub fn strip_optional(&self) -> &Type {
        match self {
            Type::Optional(t) => t,
            t => t,
        }
    }

    /// Whether values of this type are ordered by `<`.
    pub fn is_ordered(&self) -> bool {
        matches!(
            self,
            Type::Int
                | Type::Decimal
                | Type::Date
                | Type::Instant
                | Type::Duration
                | Type::Period
                | Type::Text
        )
    }

    /// Whether this (or something inside it) is [`Type::Error`].
    pub fn has_error(&self) -> bool {
        match self {
            Type::Error => true,
            Type::List(t) | Type::Set(t) | Type::Optional(t) => t.has_error(),
            _ => false,
        }
    }
}

/// Names record and enum ids when displaying types.
pub trait TypeNames {
    /// The name of a record type.
    fn record_name(&self, id: RecordId) -> &str;
    /// The name of an enum type.
    fn enum_name(&self, id: EnumId) -> &str;
}

/// A type with the names needed to print it.
pub struct DisplayType<'a, N: TypeNames + ?Sized> {
    ty: &'a Type,
    names: &'a N,
}

impl Type {
    /// Displays the type as a charter would write it.
    pub fn display<'a, N: TypeNames + ?Sized>(&'a self, names: &'a N) -> DisplayType<'a, N> {
        DisplayType { ty: self, names }
    }
}

impl<N: TypeNames + ?Sized> fmt::Display for DisplayType<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sub = |t: &Type| t.display(self.names).to_string();
        match self.ty {
            Type::Bool => f.write_str("Bool"),
            Type::Int => f.write_str("Int"),
            Type::Decimal => f.write_str("Decimal"),
            Type::Date => f.write_str("Date"),
            Type::Duration => f.write_str("Duration"),
            Type::Period => f.write_str("Period"),
            Type::Instant => f.write_str("Instant"),
            Type::Text => f.write_str("Text"),
            Type::List(t) => write!(f, "List<{}>", sub(t)),
            Type::Set(t) => write!(f, "Set<{}>", sub(t)),
            Type::Optional(t) => write!(f, "{}?", sub(t)),
            Type::Record(id) => f.write_str(self.names.record_name(*id)),
            Type::Enum(id) => f.write_str(self.names.enum_name(*id)),
            Type::Never => f.write_str("Never"),
            Type::Error => f.write_str("{unknown}"),
        }
    }
}
