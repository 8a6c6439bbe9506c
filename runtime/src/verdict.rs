//! What evaluating a law produces: a verdict with its reasons. Shared by both
//! engines, which must produce identical verdicts.

use polity_compiler::span::Span;
use std::fmt;

/// Which element of a law's collection a result is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// A law without a parameter: evaluated once over the whole state.
    Whole,
    /// The element's `id` field (Text).
    Id(String),
    /// The element's `id` field (Int).
    IntId(i64),
    /// The element's position (0-based) when its record has no `id`.
    Index(usize),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Whole => f.write_str("(state)"),
            Subject::Id(id) => f.write_str(id),
            Subject::IntId(id) => write!(f, "{id}"),
            Subject::Index(i) => write!(f, "#{i}"),
        }
    }
}

/// The outcome of one law for one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every requirement holds.
    Pass,
    /// These requirements failed, in source order.
    Fail(Vec<Failure>),
    /// Evaluation faulted.
    Error(EvalError),
}

impl Verdict {
    /// `"pass"`, `"fail"` or `"error"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail(_) => "fail",
            Verdict::Error(_) => "error",
        }
    }
}

/// A failed requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The requirement's label.
    pub label: String,
    /// The requirement's span.
    pub span: Span,
    /// The values that made it fail.
    pub reasons: Vec<Reason>,
    /// Labels of its `unless` exceptions, none of which applied.
    pub exceptions: Vec<String>,
    /// Why each exception did not apply, in the order of `exceptions` (empty
    /// when not explained).
    pub exception_reasons: Vec<Vec<Reason>>,
}

/// One value behind a failure: `tenure(m) = 11 days, needs >= 90 days`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// The expression's source text.
    pub expr: String,
    /// Its value, rendered.
    pub value: String,
    /// What it needed (`>= 90 days`), when the failure was a comparison.
    pub needs: Option<String>,
    /// When the expression is a law call that failed: that law's failures.
    pub nested: Vec<Failure>,
    /// When the expression is a call of a Bool-valued fn that was false:
    /// why, inside the fn's body with its arguments bound (the call itself
    /// is `expr`, written with the argument values:
    /// `supermajority(yes = 60, no = 40, ratio = 2/3)`).
    pub inner: Vec<Reason>,
    /// Where the expression is.
    pub span: Span,
}

/// `expr = value, needs ...`; a reason without a value is a note (`where
/// v = "ana"`, `none of 5 elements`) and shows only its text.
impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.line_pieces()
            .into_iter()
            .try_for_each(|p| f.write_str(p))
    }
}

impl Reason {
    /// The pieces of its line, in order (`expr`, ` = `, `value`, `, needs `,
    /// `needs`; a note: its text alone): what [`fmt::Display`] writes, for
    /// writers that copy them without the formatter.
    pub fn line_pieces(&self) -> [&str; 5] {
        match (&self.needs, self.value.is_empty()) {
            (_, true) => [&self.expr, "", "", "", ""],
            (None, false) => [&self.expr, " = ", &self.value, "", ""],
            (Some(needs), false) => [&self.expr, " = ", &self.value, ", needs ", needs],
        }
    }
}

/// What kind of fault ended an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An Int, Decimal, Duration or Date left its range.
    Overflow,
    /// `/`, `div` or `mod` by zero.
    DivisionByZero,
    /// A value that is not there: a `given`-less state name in a test, `min`/`max`
    /// of an empty collection, `xs[key]` with no such element.
    MissingValue,
    /// A resource limit (depth, range size) was exceeded.
    Limit,
    /// An argument outside a function's domain: `sqrt` or `isqrt` of a
    /// negative number.
    Domain,
    /// An inconsistency that well-typed IR never produces (operands of the
    /// wrong type, an unknown fn): a bug in Polity, never in the charter.
    /// Reported instead of panicking, and never as a user's fault kind.
    Internal,
}

impl ErrorKind {
    /// A short stable name (`overflow`, `division_by_zero`, `missing_value`,
    /// `limit`, `domain`, `internal`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Overflow => "overflow",
            ErrorKind::DivisionByZero => "division_by_zero",
            ErrorKind::MissingValue => "missing_value",
            ErrorKind::Limit => "limit",
            ErrorKind::Domain => "domain",
            ErrorKind::Internal => "internal",
        }
    }
}

/// An evaluation fault with its source location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Lowercase, no trailing period (`integer overflow in `a * b``).
    pub message: String,
    /// The expression that faulted.
    pub span: Span,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A law's verdict for one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectResult {
    /// Which element.
    pub subject: Subject,
    /// Its verdict.
    pub verdict: Verdict,
    /// What else the law says about it (empty for an `error` verdict).
    pub notes: Notes,
}

/// What a law says about a subject besides its verdict: requirements that
/// did not apply, and advice that was not followed. Neither changes the
/// verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    /// Each `when` precondition that did not hold, in source order.
    pub not_applicable: Vec<NotApplicable>,
    /// Each `should` requirement that did not hold, with its reasons.
    pub warnings: Vec<Failure>,
}

impl Notes {
    /// Whether there is nothing to say.
    pub fn is_empty(&self) -> bool {
        self.not_applicable.is_empty() && self.warnings.is_empty()
    }
}

/// A `when` precondition that did not hold: the requirements it guards were
/// not applicable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotApplicable {
    /// The labels of the requirements it guards, in source order.
    pub labels: Vec<String>,
    /// The precondition as written (`p.poll != none`), on one line.
    pub cond: String,
    /// Where it is.
    pub span: Span,
    /// Why the precondition was false, as for a failed requirement.
    pub reasons: Vec<Reason>,
}
