//! The backend-neutral intermediate representation: the ONE contract between
//! the compiler and the engines. The interpreter and the JIT consume only this.
//!
//! *Architecture Invariant:* an IR [`Program`] is fully resolved and typed.
//! Every name is an index, every operator is specialised to its operand types
//! (`Int` operands widened to `Decimal` by an explicit [`ExprKind::IntToDec`]),
//! every `match` is exhaustive and the call graph is acyclic. An engine never
//! needs to look anything up by name and never meets a type error.
//!
//! *Architecture Invariant:* expression nesting is bounded (the parser rejects
//! deeper input), so engines may recurse over expressions.

use crate::num::{Dec, RoundMode};
use crate::span::{SourceMap, Span};
use crate::types::{EnumId, RecordId, Type, TypeNames};

/// Index of a `state` name in [`Program::state`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StateId(pub u32);
/// Index of a constant in [`Program::consts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConstId(pub u32);
/// Index of a function in [`Program::fns`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FnId(pub u32);
/// Index of a law in [`Program::laws`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LawId(pub u32);
/// A slot in the current frame (a fn, law, const or test body). Parameters
/// come first; `let`s, loop variables and `it` get the following slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalId(pub u32);

/// A compiled charter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Every source file that went into it (spans index into these).
    pub sources: SourceMap,
    /// `charter "Name" { ... }`
    pub charter: Charter,
    /// Record types.
    pub records: Vec<RecordDef>,
    /// Enum types.
    pub enums: Vec<EnumDef>,
    /// The snapshot's top-level names and types.
    pub state: Vec<StateDef>,
    /// Named constants (may depend on state; evaluated at most once per evaluation).
    pub consts: Vec<ConstDef>,
    /// Pure functions.
    pub fns: Vec<FnDef>,
    /// Laws, in source order.
    pub laws: Vec<LawDef>,
    /// Test blocks, in source order.
    pub tests: Vec<TestDef>,
}

/// The charter's name and metadata.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Charter {
    /// The network state's name.
    pub name: String,
    /// Its documentation.
    pub doc: Option<String>,
    /// `key: literal` entries, in order.
    pub meta: Vec<(String, Lit)>,
}

/// A record type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordDef {
    /// Its name.
    pub name: String,
    /// Its documentation.
    pub doc: Option<String>,
    /// Its fields in declaration order; [`ExprKind::Field`] indexes into this.
    pub fields: Vec<FieldDef>,
    /// The index of a field named `id` of type `Text` or `Int`: a law's subject
    /// is reported by it, and `xs[key]` looks elements up by it.
    pub id_field: Option<u32>,
    /// Where it was declared.
    pub span: Span,
}

/// A field of a record type (or a name in `state`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDef {
    /// Its name.
    pub name: String,
    /// Its type as stored (a reference field stores ids: `Text`,
    /// `List<Text>`, `Text?`).
    pub ty: Type,
    /// Its documentation.
    pub doc: Option<String>,
    /// `voter: Member in members`: the state list whose elements the stored
    /// ids name. The snapshot loader checks every id; the checker lowers
    /// reading the field to looking the elements up (`members[id]`).
    pub refers: Option<StateId>,
}

/// An enum type. Cases are numbered from 0 in declaration order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumDef {
    /// Its name.
    pub name: String,
    /// Its documentation.
    pub doc: Option<String>,
    /// Case names, in order.
    pub cases: Vec<String>,
    /// Where it was declared.
    pub span: Span,
}

/// A top-level name of the snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateDef {
    /// Its name (the JSON key).
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Its documentation.
    pub doc: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// `const name: Type = value`, or `figure name: Type = value` (a const the
/// charter publishes: [`ConstDef::figure`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstDef {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Its documentation.
    pub doc: Option<String>,
    /// Its value (evaluated in a frame of `frame_size` slots).
    pub value: Expr,
    /// `private const`: visible only in its own file.
    pub private: bool,
    /// Declared with `figure`: `polity eval` reports its value
    /// ([`Program::figures`]). Otherwise it is an ordinary const: it is
    /// evaluated like one, and other declarations may use it by name.
    pub figure: bool,
    /// Slots its value needs.
    pub frame_size: u32,
    /// Where it was declared.
    pub span: Span,
}

/// `fn name(params) -> ret = body`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnDef {
    /// Its name.
    pub name: String,
    /// Its documentation.
    pub doc: Option<String>,
    /// Parameter names and types; parameter `i` is `LocalId(i)`.
    pub params: Vec<(String, Type)>,
    /// Its result type.
    pub ret: Type,
    /// Its result.
    pub body: Expr,
    /// `private fn`: visible only in its own file.
    pub private: bool,
    /// Slots its body needs (at least `params.len()`).
    pub frame_size: u32,
    /// Where it was declared.
    pub span: Span,
}

/// A law's subject: `name in collection`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LawParam {
    /// The subject's name (it is `LocalId(0)`).
    pub name: String,
    /// The subject's type (the collection's element type).
    pub ty: Type,
    /// The collection evaluated over (in its own frame of the law's `frame_size`).
    pub collection: Expr,
}

/// `law name(x in xs) { ... }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LawDef {
    /// Its name.
    pub name: String,
    /// Its documentation.
    pub doc: Option<String>,
    /// Its subject, if any.
    pub param: Option<LawParam>,
    /// Its statements in source order.
    pub body: Vec<LawStmt>,
    /// Slots its body needs.
    pub frame_size: u32,
    /// Where it was declared.
    pub span: Span,
}

/// A statement of a law.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LawStmt {
    /// `let name = value`
    Let {
        /// The slot bound.
        local: LocalId,
        /// The name as written.
        name: String,
        /// The value.
        value: Expr,
    },
    /// `require "label": cond unless ...` (or `should "label": ...`, advisory)
    Require(Requirement),
    /// `when cond { ... }`, or `require "label" when cond: ...`: statements
    /// that apply only when `cond` holds.
    When(Guard),
}

/// `when cond { statements }`: when `cond` is false, the requirements inside
/// are not applicable (they neither pass nor fail: the law's verdict is
/// decided by the others) and its `let`s are not evaluated. A fault in `cond`
/// is the law's fault, as in any requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guard {
    /// The precondition (a `Bool`).
    pub cond: Expr,
    /// The precondition as written (`when ...` up to the block or `:`).
    pub span: Span,
    /// The statements it guards, in source order.
    pub body: Vec<LawStmt>,
}

/// The requirements among `stmts`, at any depth, in source order.
fn requirements_in<'a>(stmts: &'a [LawStmt], out: &mut Vec<&'a Requirement>) {
    for s in stmts {
        match s {
            LawStmt::Let { .. } => {}
            LawStmt::Require(r) => out.push(r),
            LawStmt::When(g) => requirements_in(&g.body, out),
        }
    }
}

impl Guard {
    /// The labels of the requirements it guards, at any depth, in source order.
    pub fn body_labels(&self) -> Vec<String> {
        let mut out = Vec::new();
        requirements_in(&self.body, &mut out);
        out.into_iter().map(|r| r.label.clone()).collect()
    }
}

impl LawDef {
    /// Every requirement of the law (advisory ones too), in source order,
    /// including those inside `when` guards.
    pub fn requirements(&self) -> Vec<&Requirement> {
        let mut out = Vec::new();
        requirements_in(&self.body, &mut out);
        out
    }

    /// Whether the law has a guard or an advisory requirement: a subject that
    /// passes may still have something to report (see `LawStmt::When`).
    pub fn may_note(&self) -> bool {
        self.body.iter().any(|s| matches!(s, LawStmt::When(_)))
            || self.requirements().iter().any(|r| r.advisory)
    }

    /// Every expression of the law, in evaluation order: the subject
    /// collection, then [`LawDef::stmt_exprs`].
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut out: Vec<&Expr> = self.param.iter().map(|p| &p.collection).collect();
        out.extend(self.stmt_exprs());
        out
    }

    /// The expressions of the law's statements, in evaluation order: `let`
    /// values, guards, conditions and exceptions (not the subject collection,
    /// which is evaluated in a frame of its own).
    pub fn stmt_exprs(&self) -> Vec<&Expr> {
        fn walk<'a>(stmts: &'a [LawStmt], out: &mut Vec<&'a Expr>) {
            for s in stmts {
                match s {
                    LawStmt::Let { value, .. } => out.push(value),
                    LawStmt::Require(r) => {
                        out.push(&r.cond);
                        out.extend(r.exceptions.iter().map(|x| &x.cond));
                    }
                    LawStmt::When(g) => {
                        out.push(&g.cond);
                        walk(&g.body, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.body, &mut out);
        out
    }
}

/// `require "label": cond` with its exceptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// Its label.
    pub label: String,
    /// The whole statement.
    pub span: Span,
    /// The condition (a `Bool`).
    pub cond: Expr,
    /// `unless` exceptions, in order: if any holds, the requirement passes.
    pub exceptions: Vec<Exception>,
    /// `should "label": ...`: advice. When it does not hold the subject gets
    /// a warning with the reasons, and the verdict is unchanged.
    pub advisory: bool,
}

/// `unless "label": cond`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    /// Its label.
    pub label: String,
    /// The whole clause.
    pub span: Span,
    /// The condition (a `Bool`).
    pub cond: Expr,
}

/// `test "name" { ... }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestDef {
    /// Its name.
    pub name: String,
    /// Its statements in order.
    pub body: Vec<TestStmt>,
    /// Slots its body needs.
    pub frame_size: u32,
    /// Where it was declared.
    pub span: Span,
}

/// A statement of a test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestStmt {
    /// `given name = value`: from here on, the state name has this value.
    Given {
        /// The state name overridden.
        state: StateId,
        /// Its value.
        value: Expr,
        /// The statement.
        span: Span,
    },
    /// `let name = value`
    Let {
        /// The slot bound.
        local: LocalId,
        /// The value.
        value: Expr,
    },
    /// `expect cond`
    Expect {
        /// What must hold (a `Bool`).
        cond: Expr,
        /// The statement.
        span: Span,
    },
}

/// A literal value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lit {
    /// `true` / `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal or percent.
    Dec(Dec),
    /// A date as a day number since 1970-01-01.
    Date(i64),
    /// A duration in seconds.
    Duration(i64),
    /// An instant in seconds since 1970-01-01T00:00Z.
    Instant(i64),
    /// A calendar period in months.
    Period(i64),
    /// A text.
    Text(String),
    /// `none`
    None,
    /// An enum case.
    Enum(EnumId, u32),
}

/// An expression: its form, its type and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// The form.
    pub kind: ExprKind,
    /// Its type.
    pub ty: Type,
    /// Its source.
    pub span: Span,
}

/// The numeric kinds that `+`, `-`, `*`, `sum`, `abs` and `-x` are specialised to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Num {
    /// `Int` (overflow is an error)
    Int,
    /// `Decimal` (exact; overflow of the reduced result is an error)
    Dec,
    /// `Duration` in seconds (overflow is an error)
    Duration,
    /// `Period` in months (overflow is an error)
    Period,
}

/// Binary operators, specialised to their operand types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `a + b` (both operands of the kind)
    Add(Num),
    /// `a - b` (both operands of the kind)
    Sub(Num),
    /// `a * b`: Int×Int or Dec×Dec
    Mul(Num),
    /// `Duration * Int` (the duration on the left)
    MulDurInt,
    /// `Period * Int` (the period on the left): months times the Int
    MulPeriodInt,
    /// `Date + Period`: the same day `n` months later, clamped to the end of
    /// the month (`2026-01-31 + 1 month == 2026-02-28`); a result outside
    /// the date range is `Overflow`
    DateAddPeriod,
    /// `Date - Period`: `Date + (-Period)`
    DateSubPeriod,
    /// `a / b` on decimals: exact
    Div,
    /// `Duration / Duration`: an exact decimal ratio
    DivDur,
    /// `a div b` on Int: floors (rounds toward negative infinity)
    IntDiv,
    /// `a mod b` on Int: the remainder of flooring division (sign of `b`)
    IntMod,
    /// `a div b` on Decimal: `floor(a / b)`, exact, as an integer-valued
    /// Decimal (on-chain `a / b` for amounts beyond Int). Division by zero is
    /// `DivisionByZero`; a quotient whose reduced form exceeds `i128` is `Overflow`.
    DecDiv,
    /// `a mod b` on Decimal: `a - b * floor(a / b)` (sign of `b`); faults as [`BinOp::DecDiv`].
    DecMod,
    /// `Date + Duration`: the Duration must be whole days (else a `Domain`
    /// fault: a Date has no time of day)
    DateAddDur,
    /// `Date - Duration`, as `DateAddDur`
    DateSubDur,
    /// `Date - Date` (a Duration of whole days)
    DateSubDate,
    /// `Instant + Duration`
    InstantAddDur,
    /// `Instant - Duration`
    InstantSubDur,
    /// `Instant - Instant` (a Duration)
    InstantSubInstant,
    /// `Instant + Period`: the date moves as `DateAddPeriod`, the time of day stays
    InstantAddPeriod,
    /// `Instant - Period`
    InstantSubPeriod,
    /// `Text + Text`
    Concat,
    /// `List + List`: the elements of the left list, then those of the right.
    /// A `Limit` fault when the result exceeds the collection size limit.
    ListConcat,
    /// `==` (operands of equal type; structural)
    Eq,
    /// `!=`
    Ne,
    /// `<` on an ordered type
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl BinOp {
    /// The operator as written in source.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add(_)
            | BinOp::DateAddDur
            | BinOp::DateAddPeriod
            | BinOp::InstantAddDur
            | BinOp::InstantAddPeriod
            | BinOp::Concat
            | BinOp::ListConcat => "+",
            BinOp::Sub(_)
            | BinOp::DateSubDur
            | BinOp::DateSubPeriod
            | BinOp::DateSubDate
            | BinOp::InstantSubDur
            | BinOp::InstantSubInstant
            | BinOp::InstantSubPeriod => "-",
            BinOp::Mul(_) | BinOp::MulDurInt | BinOp::MulPeriodInt => "*",
            BinOp::Div | BinOp::DivDur => "/",
            BinOp::IntDiv | BinOp::DecDiv => "div",
            BinOp::IntMod | BinOp::DecMod => "mod",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
        }
    }

    /// Whether this is a comparison (`==` ... `>=`).
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

/// Unary operators, specialised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `-x`
    Neg(Num),
    /// `not x`
    Not,
}

/// Built-in functions over ordinary arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `count(xs)`: number of elements of a list or set (Int).
    Count,
    /// `sum(xs)`: sum of a list or set of the numeric kind; 0 when empty.
    Sum(Num),
    /// `min(xs)`: least element; an error when empty.
    Min,
    /// `max(xs)`: greatest element; an error when empty.
    Max,
    /// `min(a, b, ...)`: least argument (all of one ordered type).
    MinOf,
    /// `max(a, b, ...)`: greatest argument.
    MaxOf,
    /// `all(xs)`: every Bool is true; true when empty.
    All,
    /// `any(xs)`: some Bool is true; false when empty.
    Any,
    /// `len(x)`: elements of a list or set, or characters of a text (Int).
    Len,
    /// `first(xs)`: the first element of a list, or `none`.
    First,
    /// `sorted(xs)`: a list in ascending order (stable).
    Sorted,
    /// `range(a, b)`: the Ints `a, a+1, ..., b-1` (empty when `b <= a`).
    Range,
    /// `floor(d)`: greatest Int `<= d`.
    Floor,
    /// `ceil(d)`: least Int `>= d`.
    Ceil,
    /// `round(d)`: nearest Int, ties away from zero.
    Round,
    /// `abs(x)` of the numeric kind.
    Abs(Num),
    /// `isqrt(n)`: `floor(sqrt(n))`, exact. `Num::Int`: Int to Int.
    /// `Num::Dec`: Decimal to an integer-valued Decimal (`floor(sqrt(d))`, for
    /// amounts beyond Int). A negative argument is a `Domain` fault.
    Isqrt(Num),
    /// `sqrt(d)`: the square root of a Decimal rounded down to 18 fractional
    /// digits, `isqrt(floor(d * 10^36)) / 10^18`, computed exactly with 256-bit
    /// integers (never overflows). A negative argument is a `Domain` fault.
    Sqrt,
    /// `mul_div(a, b, c)`: `floor(a · b / c)` of three Decimals as an
    /// integer-valued Decimal, with 256-bit intermediates like Solidity's
    /// `Math.mulDiv` (so `a · b` may exceed Decimal). `DivisionByZero` when
    /// `c` is 0; `Overflow` when the result exceeds `i128`, or when an
    /// intermediate of non-integer operands exceeds 255 bits.
    MulDiv,
    /// A calendar field or start of a Date or an Instant (`year(d)`,
    /// `hour(t)`, `month_start(d)`...).
    Calendar(Calendar),
    /// `instant(d)`: a Date's instant at midnight UTC.
    InstantOf,
    /// `date(t)`: an Instant's Date (UTC).
    DateOf,
    /// `pow(d, n)`: Decimal `d` to the Int power `n`, exact (`pow(0, 0) = 1`;
    /// a negative `n` gives `1 / d^|n|`). `Overflow` when the exact result's
    /// numerator or denominator exceeds `i128` (`pow(10, 39)`);
    /// `DivisionByZero` for `pow(0, n)` with `n < 0`.
    Pow,
    /// `round(d, places)`, `round(d, places, mode)`, `floor(d, places)`,
    /// `ceil(d, places)`: the Decimal `d` rounded to a multiple of
    /// `10^-places` (an Int) in the mode, as a Decimal. A `Domain` fault when
    /// `places` is beyond [`crate::num::MAX_PLACES`] either way; `Overflow`
    /// when the result does not fit.
    RoundTo(RoundMode),
    /// `text(x)`: any value as a Text, as verdicts show it (a Text itself is
    /// unchanged; inside lists, sets and records texts are quoted).
    Text,
    /// `contains(t, part)`: whether the Text `part` occurs in `t`.
    Contains,
    /// `starts_with(t, prefix)` of two Texts.
    StartsWith,
    /// `ends_with(t, suffix)` of two Texts.
    EndsWith,
    /// `lower(t)`: Unicode lowercase (Rust's `str::to_lowercase`).
    Lower,
    /// `upper(t)`: Unicode uppercase (Rust's `str::to_uppercase`).
    Upper,
    /// `union(a, b)`: the elements of either set (a Set).
    Union,
    /// `intersection(a, b)`: the elements of both sets (a Set).
    Intersection,
    /// `difference(a, b)`: the elements of set `a` not in set `b` (a Set).
    Difference,
    /// `distinct(xs)`: a List of the elements of a list or set without
    /// repeats, each where it first occurs.
    Distinct,
    /// `last(xs)`: the last element of a list or set, or `none`.
    Last,
    /// `take(xs, n)`: a List of the first `n` elements of a list or set (all
    /// of them when there are fewer; none when `n <= 0`).
    Take,
    /// `drop(xs, n)`: a List of the elements of a list or set after the first
    /// `n` (none when there are fewer; all when `n <= 0`).
    Drop,
    /// `at(xs, i)`: the element at 0-based position `i` of a list or set; a
    /// `MissingValue` fault when `i < 0` or `i >= len(xs)`.
    At,
    /// `flatten(xss)`: a List of the elements of every inner list or set, in
    /// order. A `Limit` fault past the collection size limit.
    Flatten,
}

/// The calendar builtins of a Date, each total (they never fault).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Calendar {
    /// `year(d)`: the year (Int).
    Year,
    /// `month(d)`: the month, 1 (January) to 12 (Int).
    Month,
    /// `day(d)`: the day of the month, 1 to 31 (Int).
    Day,
    /// `weekday(d)`: the ISO 8601 day of the week, 1 (Monday) to 7 (Sunday).
    Weekday,
    /// `hour(t)`: an Instant's hour, 0 to 23 (UTC).
    Hour,
    /// `minute(t)`: 0 to 59.
    Minute,
    /// `second(t)`: 0 to 59.
    Second,
    /// `month_start(d)`: the first day of the Date's month.
    MonthStart,
    /// `quarter_start(d)`: the first day of the Date's quarter (January,
    /// April, July or October).
    QuarterStart,
    /// `year_start(d)`: January 1 of the Date's year.
    YearStart,
}

impl Calendar {
    /// Every calendar builtin, in declaration order.
    pub const ALL: [Calendar; 10] = [
        Calendar::Year,
        Calendar::Month,
        Calendar::Day,
        Calendar::Weekday,
        Calendar::Hour,
        Calendar::Minute,
        Calendar::Second,
        Calendar::MonthStart,
        Calendar::QuarterStart,
        Calendar::YearStart,
    ];

    /// The name as written in source.
    pub fn name(self) -> &'static str {
        match self {
            Calendar::Year => "year",
            Calendar::Month => "month",
            Calendar::Day => "day",
            Calendar::Weekday => "weekday",
            Calendar::Hour => "hour",
            Calendar::Minute => "minute",
            Calendar::Second => "second",
            Calendar::MonthStart => "month_start",
            Calendar::QuarterStart => "quarter_start",
            Calendar::YearStart => "year_start",
        }
    }

    /// Its result for the day number `d`.
    pub fn apply(self, d: i64) -> i64 {
        self.apply_instant(d.saturating_mul(crate::num::DAY))
    }

    /// Its result for the instant `t` (seconds since the epoch; the starts
    /// are day numbers).
    pub fn apply_instant(self, t: i64) -> i64 {
        let (d, secs) = (t.div_euclid(crate::num::DAY), t.rem_euclid(crate::num::DAY));
        let (y, m, day) = crate::num::fields(d);
        match self {
            Calendar::Year => y,
            Calendar::Month => m,
            Calendar::Day => day,
            Calendar::Weekday => crate::num::weekday(d),
            Calendar::Hour => secs / 3600,
            Calendar::Minute => secs % 3600 / 60,
            Calendar::Second => secs % 60,
            Calendar::MonthStart => crate::num::period_start(d, 1),
            Calendar::QuarterStart => crate::num::period_start(d, 3),
            Calendar::YearStart => crate::num::period_start(d, 12),
        }
    }

    /// Whether the result is a Date (else an Int).
    pub fn gives_date(self) -> bool {
        matches!(
            self,
            Calendar::MonthStart | Calendar::QuarterStart | Calendar::YearStart
        )
    }
}

impl Builtin {
    /// Whether this is one of the built-ins over whole collections (set
    /// algebra, `distinct`, `last`, `take`, `drop`, `at`, `flatten`).
    pub fn is_whole_collection(self) -> bool {
        matches!(
            self,
            Builtin::Union
                | Builtin::Intersection
                | Builtin::Difference
                | Builtin::Distinct
                | Builtin::Last
                | Builtin::Take
                | Builtin::Drop
                | Builtin::At
                | Builtin::Flatten
        )
    }

    /// The name as written in source.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Count => "count",
            Builtin::Sum(_) => "sum",
            Builtin::Min | Builtin::MinOf => "min",
            Builtin::Max | Builtin::MaxOf => "max",
            Builtin::All => "all",
            Builtin::Any => "any",
            Builtin::Len => "len",
            Builtin::First => "first",
            Builtin::Sorted => "sorted",
            Builtin::Range => "range",
            Builtin::Floor => "floor",
            Builtin::Ceil => "ceil",
            Builtin::Round => "round",
            Builtin::Abs(_) => "abs",
            Builtin::Isqrt(_) => "isqrt",
            Builtin::Sqrt => "sqrt",
            Builtin::Pow => "pow",
            Builtin::MulDiv => "mul_div",
            Builtin::Calendar(c) => c.name(),
            Builtin::InstantOf => "instant",
            Builtin::DateOf => "date",
            Builtin::RoundTo(RoundMode::Floor) => "floor",
            Builtin::RoundTo(RoundMode::Ceil) => "ceil",
            Builtin::RoundTo(_) => "round",
            Builtin::Text => "text",
            Builtin::Contains => "contains",
            Builtin::StartsWith => "starts_with",
            Builtin::EndsWith => "ends_with",
            Builtin::Lower => "lower",
            Builtin::Upper => "upper",
            Builtin::Union => "union",
            Builtin::Intersection => "intersection",
            Builtin::Difference => "difference",
            Builtin::Distinct => "distinct",
            Builtin::Last => "last",
            Builtin::Take => "take",
            Builtin::Drop => "drop",
            Builtin::At => "at",
            Builtin::Flatten => "flatten",
        }
    }
}

/// What a loop over a collection produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoopKind {
    /// `[elem for ...]`, `xs where c` (a List)
    List,
    /// `{elem for ...}` (a Set)
    Set,
    /// `count(... for ...)`: how many elements pass the filter (Int)
    Count,
    /// `sum(elem for ...)`: 0 when empty
    Sum(Num),
    /// `min(elem for ...)`: an error when empty
    Min,
    /// `max(elem for ...)`: an error when empty
    Max,
    /// `all(elem for ...)`: stops at the first false; true when empty
    All,
    /// `any(elem for ...)`: stops at the first true; false when empty
    Any,
}

/// A loop: `kind(elem for var in source if filter ...)`, with one or more
/// `for` clauses (`[v for p in proposals for v in p.votes if v.weight > 0]`).
///
/// The clauses nest, outermost first. For every element of the first
/// clause's `source` in order (a set iterates in ascending order), bind it to
/// its `var` (and its 0-based position in `source` to `index`), evaluate the
/// clause's `filter` (skip the element when false), then run the next clause
/// the same way — its `source` is evaluated afresh for each element of the
/// clauses around it — and inside the last clause evaluate `elem` and add it
/// to the result. `all`/`any` stop at the first deciding element, however
/// deep. A `where` filter is a one-clause loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loop {
    /// What it produces.
    pub kind: LoopKind,
    /// The `for` clauses, outermost first.
    ///
    /// INVARIANT: never empty.
    pub clauses: Vec<Clause>,
    /// The value produced per element (for `where`, the element itself).
    pub elem: Expr,
}

/// One `for` clause of a [`Loop`]: `for var in source if filter`, or
/// `for index, var in enumerate(source) if filter`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// The loop variable's slot.
    pub var: LocalId,
    /// The slot of the element's 0-based position in `source` (an Int), if
    /// the clause names one.
    pub index: Option<LocalId>,
    /// The collection iterated (a List or Set).
    pub source: Expr,
    /// Elements for which this is false are skipped.
    pub filter: Option<Expr>,
}

/// A clause that picks elements of a state list by a field
/// ([`Clause::keyed`]): its filter's first condition is `var.field == key`
/// or `var.field in keys`, with `key`/`keys` not reading `var`.
#[derive(Clone, Copy, Debug)]
pub struct Keyed<'e> {
    /// The state list iterated.
    pub state: StateId,
    /// The field compared.
    pub field: u32,
    /// `key` (one value) or `keys` (a List or Set of values).
    pub key: &'e Expr,
    /// Whether `key` is a collection of keys (`in`).
    pub many: bool,
}

impl Clause {
    /// Whether this clause iterates a state list of records and its filter
    /// begins (as the left-most operand of its `and`s) with `x.f == key`,
    /// `key == x.f` or `x.f in keys`, where `x` is the clause's variable,
    /// `f` a field whose values are equal exactly when their words are
    /// (an Int, Text, enum, Bool, Date, Instant, Duration or Period), and
    /// `key` does not read `x`. Such a clause can visit only the elements
    /// whose field matches, through an index of the list by that field: the
    /// others would have failed that first condition, before anything else
    /// in the filter was evaluated, and `key` has the same value (or fault)
    /// for every element. Not for a clause that names positions (`for i, x
    /// in enumerate(...)`).
    pub fn keyed(&self) -> Option<Keyed<'_>> {
        let ExprKind::State(state) = self.source.kind else {
            return None;
        };
        if self.index.is_some() || !matches!(self.source.ty, Type::List(_)) {
            return None;
        }
        let mut first = self.filter.as_ref()?;
        while let ExprKind::And(a, _) = &first.kind {
            first = a;
        }
        let field_of = |e: &Expr| match &e.kind {
            ExprKind::Field(r, f) if matches!(r.kind, ExprKind::Local(v) if v == self.var) => {
                Some(*f)
            }
            _ => None,
        };
        let word_equal = |t: &Type| t.is_int_like() || *t == Type::Text;
        let (field, key, many, field_ty) = match &first.kind {
            ExprKind::Binary(BinOp::Eq, a, b) => match (field_of(a), field_of(b)) {
                (Some(f), None) => (f, &**b, false, &a.ty),
                (None, Some(f)) => (f, &**a, false, &b.ty),
                _ => return None,
            },
            ExprKind::In(x, xs) => (field_of(x)?, &**xs, true, &x.ty),
            _ => return None,
        };
        let key_ty = if many { key.ty.element()? } else { &key.ty };
        if !word_equal(field_ty) || key_ty != field_ty || reads(key, self.var) {
            return None;
        }
        Some(Keyed {
            state,
            field,
            key,
            many,
        })
    }
}

/// Whether `e` reads local `slot` anywhere inside it.
fn reads(e: &Expr, slot: LocalId) -> bool {
    if matches!(e.kind, ExprKind::Local(s) if s == slot) {
        return true;
    }
    let mut found = false;
    e.for_each_child(&mut |c| found = found || reads(c, slot));
    found
}

/// `fold(acc = init, var in source) => body`: bounded iteration with an
/// accumulator (for multi-round methods), total because `source` is a finite
/// List or Set.
///
/// Evaluate `init`, then `source`; bind `acc` to the value of `init`; for
/// every element of `source` in order (a set in ascending order), bind it to
/// `var`, evaluate `body` and bind `acc` to its value. The result is the last
/// value of `acc` (`init` when `source` is empty). A fault anywhere is the
/// fault of the whole fold; there is no other fault of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fold {
    /// The accumulator's slot (its type is the fold's type).
    pub acc: LocalId,
    /// The accumulator's first value.
    pub init: Expr,
    /// The element's slot.
    pub var: LocalId,
    /// The collection iterated (a List or Set).
    pub source: Expr,
    /// The accumulator's next value, from `acc` and `var`.
    pub body: Expr,
}

/// What [`ByKey`] does with the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyOp {
    /// `sorted(xs, by: key)` (`desc: false`) or `sorted(xs, by: key, desc)`:
    /// the elements ordered by their keys, ascending or descending; elements
    /// with equal keys keep their order in `source` either way (stable).
    Sort {
        /// Descending.
        desc: bool,
    },
    /// `take(xs, n, per: key)`: the elements, in order, of which at most `n`
    /// share each key (the first ones met); none when `n <= 0`.
    TakePer,
    /// `group_by(xs, by: key)`: a List of non-empty Lists, one per distinct
    /// key in the order the keys first occur, each of the elements with that
    /// key in their order in `source`.
    Group,
}

/// `sorted(xs, by: key)`, `sorted(xs, by: key, desc)`, `take(xs, n, per: key)`,
/// `group_by(xs, by: key)`: a List made from the elements of `source` by a
/// key computed per element.
///
/// Evaluate `source`, then `count` (for [`KeyOp::TakePer`]); then, for every
/// element in order (a set in ascending order), bind it to `var` (`it`) and
/// evaluate `key`; then apply `op`. Keys are compared in the values' total
/// order (as `<` and `sorted`), so sorting takes O(n log n) steps and so
/// does counting per key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByKey {
    /// What it does.
    pub op: KeyOp,
    /// The slot of `it`, the element.
    pub var: LocalId,
    /// The collection (a List or Set).
    pub source: Expr,
    /// The key of `it`.
    pub key: Expr,
    /// `n` of [`KeyOp::TakePer`] (an Int).
    pub count: Option<Expr>,
}

/// A `match` arm's pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// An enum case, by index.
    Case(u32),
    /// `true` / `false`
    Bool(bool),
    /// `none`
    None,
    /// `some(x)` on an optional: matches a value, bound to the slot.
    Some(LocalId),
    /// `_`
    Wildcard,
}

/// One `match` arm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arm {
    /// What it matches.
    pub pattern: Pattern,
    /// Its result.
    pub body: Expr,
}

/// Expression forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// A literal.
    Lit(Lit),
    /// A slot of the current frame.
    Local(LocalId),
    /// A snapshot name.
    State(StateId),
    /// A constant.
    Const(ConstId),
    /// A call to a fn (arguments in parameter order).
    CallFn(FnId, Vec<Expr>),
    /// A law used as a Bool: for a law with a parameter, applied to the argument.
    /// A fault inside makes the enclosing evaluation fault too.
    CallLaw(LawId, Option<Box<Expr>>),
    /// A builtin applied to arguments.
    Builtin(Builtin, Vec<Expr>),
    /// `-x`, `not x`
    Unary(UnOp, Box<Expr>),
    /// `a op b` (both operands always evaluated, left first).
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a and b`: `b` evaluated only when `a` is true.
    And(Box<Expr>, Box<Expr>),
    /// `a or b`: `b` evaluated only when `a` is false.
    Or(Box<Expr>, Box<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `match e { ... }`: the first arm whose pattern matches (exhaustive).
    Match(Box<Expr>, Vec<Arm>),
    /// `r.f` on a record (by field index).
    Field(Box<Expr>, u32),
    /// `r?.f`: `none` when `r` is `none`, else `r.f` (the result is optional).
    OptField(Box<Expr>, u32),
    /// `a ?? b`: `a` unless it is `none`, then `b` (evaluated only then).
    Coalesce(Box<Expr>, Box<Expr>),
    /// `R { ... }` with every field's value in declaration order.
    Record(RecordId, Vec<Expr>),
    /// `r with { f: v }`: a copy of `r` with the given fields replaced.
    With(Box<Expr>, Vec<(u32, Expr)>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{a, b}` (duplicates removed, ordered)
    Set(Vec<Expr>),
    /// A comprehension, aggregate or `where` filter.
    Loop(Box<Loop>),
    /// `fold(acc = init, x in xs) => body`.
    Fold(Box<Fold>),
    /// `sorted(xs, by: key)`, `take(xs, n, per: key)`, `group_by(xs, by: key)`.
    ByKey(Box<ByKey>),
    /// `x in xs` (a List or Set); `not in` is `Not(In)`.
    In(Box<Expr>, Box<Expr>),
    /// `xs[key]`: the element of list `xs` whose id field equals `key`; an
    /// error if there is none.
    Index(Box<Expr>, Box<Expr>),
    /// `let` in a fn body: bind the slot, then evaluate the body.
    Let(LocalId, Box<Expr>, Box<Expr>),
    /// An Int used where a Decimal is expected.
    IntToDec(Box<Expr>),
}

/// Stack left below which [`with_stack`] continues on a new segment (the
/// deepest stretch between two calls of it, an interpreter's explanation
/// walk or a built-in over values, stays well inside it, in debug builds
/// too).
const STACK_RED_ZONE: usize = 128 * 1024;

/// The size of each new stack segment.
const STACK_GROWTH: usize = 2 * 1024 * 1024;

/// Runs `f`, on a new stack segment when little is left ([`stacker`]).
///
/// Every recursion over expressions goes through here (the walks through
/// [`Expr::for_each_child`], the interpreter's `eval`, the JIT's
/// translation), since an expression nests as deep as a fn's chain of
/// `let`s is long: none overflows a small thread stack (issue 15: 2 MiB,
/// an embedding program's default).
pub fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, f)
}

impl Expr {
    /// Calls `f` on each direct sub-expression, in evaluation order.
    ///
    /// Walks over a deep expression (a fn's chain of thousands of `let`s
    /// is that many nested [`ExprKind::Let`]s) recurse through here, so the
    /// stack grows here on demand ([`with_stack`]).
    pub fn for_each_child<'e>(&'e self, f: &mut dyn FnMut(&'e Expr)) {
        with_stack(|| self.each_child(f));
    }

    /// [`Expr::for_each_child`] on the current stack.
    fn each_child<'e>(&'e self, f: &mut dyn FnMut(&'e Expr)) {
        match &self.kind {
            ExprKind::Lit(_) | ExprKind::Local(_) | ExprKind::State(_) | ExprKind::Const(_) => {}
            ExprKind::CallFn(_, xs)
            | ExprKind::Builtin(_, xs)
            | ExprKind::Record(_, xs)
            | ExprKind::List(xs)
            | ExprKind::Set(xs) => xs.iter().for_each(f),
            ExprKind::CallLaw(_, x) => {
                if let Some(x) = x {
                    f(x);
                }
            }
            ExprKind::Unary(_, x)
            | ExprKind::Field(x, _)
            | ExprKind::OptField(x, _)
            | ExprKind::IntToDec(x) => f(x),
            ExprKind::Binary(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Coalesce(a, b)
            | ExprKind::In(a, b)
            | ExprKind::Index(a, b)
            | ExprKind::Let(_, a, b) => {
                f(a);
                f(b);
            }
            ExprKind::If(c, a, b) => {
                f(c);
                f(a);
                f(b);
            }
            ExprKind::Match(x, arms) => {
                f(x);
                arms.iter().for_each(|a| f(&a.body));
            }
            ExprKind::With(r, ups) => {
                f(r);
                ups.iter().for_each(|(_, x)| f(x));
            }
            ExprKind::Fold(x) => {
                f(&x.init);
                f(&x.source);
                f(&x.body);
            }
            ExprKind::ByKey(x) => {
                f(&x.source);
                if let Some(n) = &x.count {
                    f(n);
                }
                f(&x.key);
            }
            ExprKind::Loop(l) => {
                for c in &l.clauses {
                    f(&c.source);
                    if let Some(x) = &c.filter {
                        f(x);
                    }
                }
                f(&l.elem);
            }
        }
    }
}

impl Program {
    /// The figures (consts declared with `figure`), in declaration order.
    pub fn figures(&self) -> impl Iterator<Item = (ConstId, &ConstDef)> + '_ {
        self.consts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.figure)
            .map(|(i, c)| (ConstId(i as u32), c))
    }

    /// The law named `name`.
    pub fn law(&self, name: &str) -> Option<(LawId, &LawDef)> {
        self.laws
            .iter()
            .enumerate()
            .find(|(_, l)| l.name == name)
            .map(|(i, l)| (LawId(i as u32), l))
    }

    /// The record type with this id.
    pub fn record(&self, id: RecordId) -> Option<&RecordDef> {
        self.records.get(id.0 as usize)
    }

    /// The enum type with this id.
    pub fn enum_def(&self, id: EnumId) -> Option<&EnumDef> {
        self.enums.get(id.0 as usize)
    }
}

impl TypeNames for Program {
    fn record_name(&self, id: RecordId) -> &str {
        self.record(id).map(|r| r.name.as_str()).unwrap_or("?")
    }

    fn enum_name(&self, id: EnumId) -> &str {
        self.enum_def(id).map(|e| e.name.as_str()).unwrap_or("?")
    }
}
