//! Checker errors as typed values, turned into [`Diagnostic`]s in one place.
//!
//! Variant fields are self-describing (`span`, `name`, `expected`, ...); the
//! doc on each variant is its stable code, catalogued in docs/errors.md.
#![allow(missing_docs)]

use crate::diagnostic::Diagnostic;
use crate::num::{RoundMode, MAX_PLACES};
use crate::span::Span;

/// Something the resolver or checker found wrong. Each variant has a stable code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckError {
    /// E0006
    NumberTooLarge { span: Span, text: String },
    /// E0007
    InvalidDate { span: Span, text: String },
    /// E0100
    UnknownName {
        span: Span,
        name: String,
        suggestion: Option<String>,
    },
    /// E0101
    UnknownType {
        span: Span,
        name: String,
        suggestion: Option<String>,
    },
    /// E0102
    Duplicate {
        span: Span,
        what: &'static str,
        name: String,
        first: Span,
    },
    /// E0103
    UnknownField {
        span: Span,
        name: String,
        ty: String,
        suggestion: Option<String>,
    },
    /// E0104
    UnknownCase {
        span: Span,
        name: String,
        enum_name: String,
        suggestion: Option<String>,
    },
    /// E0105
    AmbiguousCase {
        span: Span,
        name: String,
        enums: Vec<String>,
    },
    /// E0106
    ImportFailed {
        span: Span,
        target: String,
        reason: String,
        suggestion: Option<String>,
    },
    /// E0129
    ImportOutsideRoot {
        span: Span,
        target: String,
        reason: String,
    },
    /// E0107
    DuplicateCharter { span: Span, first: Span },
    /// E0109
    ItOutsideWhere { span: Span },
    /// E0110
    Cycle { span: Span, path: Vec<String> },
    /// E0112
    MissingFields {
        span: Span,
        record: String,
        fields: Vec<String>,
    },
    /// E0113
    ArgCount {
        span: Span,
        callee: String,
        expected: String,
        found: usize,
    },
    /// E0114
    UnknownFunction {
        span: Span,
        name: String,
        suggestion: Option<String>,
    },
    /// E0115
    ShadowsBuiltin { span: Span, name: String },
    /// E0116
    NotIndexable { span: Span, ty: String, why: String },
    /// E0117
    MetadataNotLiteral { span: Span },
    /// E0118
    WrongTypeArity {
        span: Span,
        name: String,
        expected: usize,
        found: usize,
    },
    /// E0200
    Mismatch {
        span: Span,
        expected: String,
        found: String,
        help: Option<String>,
    },
    /// E0201
    NotBool {
        span: Span,
        what: &'static str,
        found: String,
    },
    /// E0202
    NonExhaustive { span: Span, missing: Vec<String> },
    /// E0203
    BadOperands {
        span: Span,
        op: String,
        lhs: String,
        rhs: Option<String>,
        help: Option<String>,
    },
    /// E0204
    FieldOfOptional {
        span: Span,
        field: String,
        ty: String,
    },
    /// E0205
    NotACollection {
        span: Span,
        ty: String,
        context: &'static str,
    },
    /// E0206
    NotCallable {
        span: Span,
        name: String,
        what: &'static str,
    },
    /// E0207 (warning)
    UnreachableArm { span: Span },
    /// E0208
    GivenNotState {
        span: Span,
        name: String,
        suggestion: Option<String>,
    },
    /// E0209
    CannotInfer { span: Span, what: &'static str },
    /// E0210
    BadPattern { span: Span, ty: String },
    /// E0211
    NotOrdered {
        span: Span,
        ty: String,
        context: &'static str,
    },
    /// E0212
    GeneratorNotAllowed { span: Span, name: String },
    /// E0214
    UnknownRoundMode {
        span: Span,
        found: Option<String>,
        suggestion: Option<String>,
    },
    /// E0215
    PlacesOutOfRange { span: Span, places: i64 },
    /// E0230
    UnknownConstructor { span: Span, name: String },
    /// E0216
    FigureType {
        span: Span,
        name: String,
        ty: Option<String>,
    },
    /// E0127
    BadRef {
        span: Span,
        target: String,
        problem: String,
    },
    /// E0128
    RefOutsideRecord { span: Span },
    /// E0126
    PrivateName {
        span: Span,
        name: String,
        module: String,
        instead: Vec<String>,
    },
    /// E0122: `enumerate` outside a two-name `for` clause (`in_clause`
    /// false), or two names without `enumerate` (true).
    Enumerate { span: Span, in_clause: bool },
    /// E0123: a named argument (or order word) the call does not take.
    NamedArgument {
        span: Span,
        name: String,
        callee: Option<String>,
    },
}

fn mean(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| format!("did you mean `{s}`?"))
}

impl From<CheckError> for Diagnostic {
    fn from(e: CheckError) -> Diagnostic {
        use CheckError::*;
        match e {
            NumberTooLarge { span, text } => Diagnostic::error("E0006", span, format!("number `{text}` is too large"))
                .with_label("does not fit")
                .with_help("Int holds -9223372036854775808 to 9223372036854775807; a Decimal, a numerator and a denominator of up to 2^256 - 1 (78 digits)"),
            InvalidDate { span, text } => Diagnostic::error("E0007", span, format!("`{text}` is not a valid date"))
                .with_label("no such day")
                .with_help("dates are written YYYY-MM-DD and must exist in the Gregorian calendar"),
            UnknownName { span, name, suggestion } => Diagnostic::error("E0100", span, format!("unknown name `{name}`"))
                .with_label("not found in this scope")
                .with_help(mean(&suggestion).unwrap_or_else(|| "declare it as a `const`, a `state` name, a parameter or a `let`".into())),
            UnknownType { span, name, suggestion } => Diagnostic::error("E0101", span, format!("unknown type `{name}`"))
                .with_label("not a type")
                .with_help(mean(&suggestion).unwrap_or_else(|| "the types are Bool, Int, Decimal, Date, Duration, Text, List<T>, Set<T>, T?, and declared records and enums".into())),
            Duplicate { span, what, name, first } => Diagnostic::error("E0102", span, format!("{what} `{name}` is declared twice"))
                .with_label("declared again here")
                .with_secondary(first, "first declared here")
                .with_help("rename or remove one of them"),
            UnknownField { span, name, ty, suggestion } => Diagnostic::error("E0103", span, format!("`{ty}` has no field `{name}`"))
                .with_label("unknown field")
                .with_help(mean(&suggestion).unwrap_or_else(|| format!("check the declaration of `{ty}`"))),
            UnknownCase { span, name, enum_name, suggestion } => Diagnostic::error("E0104", span, format!("`{enum_name}` has no case `{name}`"))
                .with_label("unknown case")
                .with_help(mean(&suggestion).unwrap_or_else(|| format!("check the declaration of `{enum_name}`"))),
            AmbiguousCase { span, name, enums } => {
                let first = enums.first().cloned().unwrap_or_default();
                Diagnostic::error("E0105", span, format!("`{name}` is a case of several enums: {}", quote_list(&enums)))
                    .with_label("ambiguous")
                    .with_help(format!("qualify it, for example `{first}.{name}`"))
            }
            ImportFailed { span, target, reason, suggestion } => Diagnostic::error("E0106", span, format!("cannot import `{target}`: {reason}"))
                .with_label("import failed")
                .with_help(mean(&suggestion).unwrap_or_else(|| "import a `std.*` module or a `.polity` file relative to this one".into())),
            ImportOutsideRoot { span, target, reason } => Diagnostic::error("E0129", span, format!("cannot import `{target}`: {reason}"))
                .with_label("outside the charter's root directory")
                .with_help("imports resolve only inside the charter's root directory (the charter file's directory, or the root given with `--root`); move the file there"),
            DuplicateCharter { span, first } => Diagnostic::error("E0107", span, "more than one `charter` declaration")
                .with_label("second charter")
                .with_secondary(first, "first charter")
                .with_help("a charter has exactly one `charter` block; remove this one"),
            ItOutsideWhere { span } => Diagnostic::error("E0109", span, "`it` used outside of a `where` filter")
                .with_label("no element here")
                .with_help("`it` names the element inside `xs where ...`; elsewhere use a comprehension `[e for x in xs]`"),
            Cycle { span, path } => Diagnostic::error("E0110", span, format!("recursion is not allowed: {}", path.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" calls ")))
                .with_label("part of a cycle")
                .with_help("charters are total: the call graph must be acyclic; compute with aggregates over collections instead"),
            MissingFields { span, record, fields } => Diagnostic::error("E0112", span, format!("missing {} {} in `{record}`", if fields.len() == 1 { "field" } else { "fields" }, quote_list(&fields)))
                .with_label("incomplete record")
                .with_help(format!("give a value for {}", quote_list(&fields))),
            ArgCount { span, callee, expected, found } => Diagnostic::error("E0113", span, format!("`{callee}` takes {expected}, but {found} {} given", if found == 1 { "was" } else { "were" }))
                .with_label("wrong number of arguments")
                .with_help(format!("call `{callee}` with {expected}")),
            UnknownFunction { span, name, suggestion } => Diagnostic::error("E0114", span, format!("unknown function `{name}`"))
                .with_label("not a fn, law or built-in")
                .with_help(mean(&suggestion).unwrap_or_else(|| "declare it with `fn` or `law`".into())),
            ShadowsBuiltin { span, name } => Diagnostic::error("E0115", span, format!("`{name}` is a built-in function and cannot be redeclared"))
                .with_label("reserved name")
                .with_help("choose another name"),
            NotIndexable { span, ty, why } => Diagnostic::error("E0116", span, format!("cannot look up an element of `{ty}` by id"))
                .with_label(why)
                .with_help("`xs[key]` needs a list of records with an `id` field of type Text or Int"),
            MetadataNotLiteral { span } => Diagnostic::error("E0117", span, "charter metadata must be a literal")
                .with_label("not a literal")
                .with_help("write a number, text, date, duration, percent or boolean"),
            WrongTypeArity { span, name, expected, found } => Diagnostic::error("E0118", span, format!("`{name}` takes {expected} type {}, found {found}", if expected == 1 { "argument" } else { "arguments" }))
                .with_label("wrong type arguments")
                .with_help(if expected == 1 { format!("write `{name}<T>`") } else { format!("write `{name}` without type arguments") }),
            Mismatch { span, expected, found, help } => Diagnostic::error("E0200", span, format!("expected `{expected}`, found `{found}`"))
                .with_label(format!("this is `{found}`"))
                .with_help(help.unwrap_or_else(|| format!("give a value of type `{expected}` here"))),
            NotBool { span, what, found } => Diagnostic::error("E0201", span, format!("{what} must be `Bool`, found `{found}`"))
                .with_label("not a condition")
                .with_help("compare it with something, for example `x > 0` or `x == Active`"),
            NonExhaustive { span, missing } => Diagnostic::error("E0202", span, format!("`match` does not cover {}", quote_list(&missing)))
                .with_label("non-exhaustive")
                .with_help(format!("add arms for {} or a `_ =>` arm", quote_list(&missing))),
            BadOperands { span, op, lhs, rhs, help } => {
                let msg = match &rhs {
                    Some(r) => format!("`{op}` cannot be applied to `{lhs}` and `{r}`"),
                    None => format!("`{op}` cannot be applied to `{lhs}`"),
                };
                Diagnostic::error("E0203", span, msg)
                    .with_label("unsupported operands")
                    .with_help(help.unwrap_or_else(|| "see the operator table in docs/language.md".into()))
            }
            FieldOfOptional { span, field, ty } => Diagnostic::error("E0204", span, format!("cannot read `{field}` of an optional `{ty}`"))
                .with_label("may be `none`")
                .with_help(format!("use `?.{field}` (giving an optional) or provide a default with `??`")),
            NotACollection { span, ty, context } => Diagnostic::error("E0205", span, format!("{context} must be a list or set, found `{ty}`"))
                .with_label("not a collection")
                .with_help("iterate over a `List<T>` or `Set<T>`, such as a `state` list"),
            NotCallable { span, name, what } => Diagnostic::error("E0206", span, format!("`{name}` is {what}, not a function"))
                .with_label("cannot be called")
                .with_help(format!("remove the parentheses to use `{name}` as a value")),
            UnreachableArm { span } => Diagnostic::warning("E0207", span, "unreachable `match` arm")
                .with_label("already covered")
                .with_help("remove this arm"),
            GivenNotState { span, name, suggestion } => Diagnostic::error("E0208", span, format!("`given` must name a `state` name, found `{name}`"))
                .with_label("not in `state`")
                .with_help(mean(&suggestion).unwrap_or_else(|| "use `let` to bind a new name".into())),
            CannotInfer { span, what } => Diagnostic::error("E0209", span, format!("cannot tell the type of {what}"))
                .with_label("type unknown")
                .with_help("add a type annotation, for example `let xs: List<Int> = []`"),
            BadPattern { span, ty } => Diagnostic::error("E0210", span, format!("this pattern cannot match a value of type `{ty}`"))
                .with_label("wrong pattern")
                .with_help("match an enum on its cases, a Bool on `true`/`false`, an optional on `some(x)` and `none` (`if let x = ...` needs an optional too), or use `_`"),
            NotOrdered { span, ty, context } => Diagnostic::error("E0211", span, format!("{context} needs ordered values, found `{ty}`"))
                .with_label("not ordered")
                .with_help("Int, Decimal, Date, Duration and Text are ordered"),
            GeneratorNotAllowed { span, name } => Diagnostic::error("E0212", span, format!("`{name}` does not take a `for` generator"))
                .with_label("generator not allowed")
                .with_help("generators work with `count`, `sum`, `min`, `max`, `all` and `any`; build a list with `[e for x in xs]`"),
            BadRef { span, target, problem } => Diagnostic::error("E0127", span, format!("this cannot refer to `{target}`: {problem}"))
                .with_label("not a reference")
                .with_help("a reference names elements of a `state` list of records with an `id` field: `voter: Member in members`, `vouched_by: List<Member> in members`, `mentor: Member? in members`"),
            RefOutsideRecord { span } => Diagnostic::error("E0128", span, "a reference type is written only on a record's field")
                .with_label("not a record field")
                .with_help("use the record type here (`Member`); a field declared `Member in members` already reads as a `Member`"),
            PrivateName { span, name, module, instead } => {
                let help = match instead.as_slice() {
                    [] => format!("it is a helper of `{module}`; use the module's public functions"),
                    names => {
                        let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                        format!("use {} instead, the public part of `{module}` that relies on it", crate::syntax::errors::join_or(&list))
                    }
                };
                Diagnostic::error("E0126", span, format!("`{name}` is private to `{module}`"))
                    .with_label("private")
                    .with_help(help)
            }
            UnknownRoundMode { span, found, suggestion } => {
                let modes: Vec<String> = RoundMode::ALL.iter().map(|m| m.name().to_string()).collect();
                let message = match found {
                    Some(f) => format!("`{f}` is not a rounding mode"),
                    None => "a rounding mode must be written as its name".into(),
                };
                Diagnostic::error("E0214", span, message)
                    .with_label(mean(&suggestion).unwrap_or_else(|| "unknown mode".into()))
                    .with_help(format!("the rounding modes are {}", quote_list(&modes)))
            }
            PlacesOutOfRange { span, places } => Diagnostic::error("E0215", span, format!("cannot round to {places} places"))
                .with_label("out of range")
                .with_help(format!("places go from -{MAX_PLACES} (tens, hundreds, ...) to {MAX_PLACES}")),
            FigureType { span, name, ty } => Diagnostic::error("E0216", span, format!("figure `{name}` has no declared type"))
                .with_label("type missing")
                .with_help(match ty {
                    Some(ty) => format!("a figure is published, so its type is written: `figure {name}: {ty} = ...`"),
                    None => format!("a figure is published, so its type is written: `figure {name}: Type = ...`"),
                }),
            UnknownConstructor { span, name } => Diagnostic::error("E0230", span, format!("`{name}(...)` is not a pattern"))
                .with_label("unknown pattern")
                .with_help("`some(x)` matches an optional that has a value and names it `x`; `none` matches the absent one"),
            Enumerate { span, in_clause: true } => Diagnostic::error("E0122", span, "a `for` clause with two names iterates `enumerate(...)`")
                .with_label("not `enumerate(...)`")
                .with_help("write `for i, x in enumerate(xs)` for each element `x` with its position `i` (from 0), or `for x in xs`"),
            NamedArgument { span, name, callee } => Diagnostic::error("E0123", span, match callee {
                Some(f) => format!("`{f}` does not take `{name}` here"),
                None => format!("`{name}:` is not an argument here"),
            })
                .with_label("unexpected")
                .with_help("named arguments are `sorted(xs, by: key)`, `sorted(xs, by: key, desc)`, `take(xs, n, per: key)` and `group_by(xs, by: key)`, once each"),
            Enumerate { span, .. } => Diagnostic::error("E0122", span, "`enumerate` is only the collection of a `for` clause with two names")
                .with_label("not a function")
                .with_help("write `for i, x in enumerate(xs)` for each element `x` with its position `i` (from 0)"),
        }
    }
}

/// `` `a`, `b` and `c` ``
pub fn quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted.concat(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}
