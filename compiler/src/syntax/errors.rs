//! Parser errors to diagnostics: E0004 (unexpected token), E0005 (unexpected
//! end of file) and E0008 (expression nesting too deep).
//!
//! lalrpop reports what it found and the terminals it expected; this module
//! summarises long expected-lists ("an expression", "an operator") and adds
//! the context a reader needs ("after the requirement's label").

use lalrpop_util::ParseError;

use super::lexer::{Spanned, Tok};
use super::nodes::MAX_EXPR_DEPTH;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

/// What error conversion needs to know about the file.
pub struct Context<'a> {
    /// The file.
    pub file: FileId,
    /// Its text.
    pub text: &'a str,
    /// Its tokens.
    pub tokens: &'a [Spanned],
}

/// Terminals that can start an expression.
const EXPR_START: &[&str] = &[
    "Int",
    "Decimal",
    "Percent",
    "Date",
    "Instant",
    "Duration",
    "Text",
    "Ident",
    "\"(\"",
    "\"[\"",
    "\"{\"",
    "\"-\"",
    "\"not\"",
    "\"if\"",
    "\"match\"",
    "\"true\"",
    "\"false\"",
    "\"none\"",
];

/// Terminals that continue an expression.
const OPERATORS: &[&str] = &[
    "\"+\"",
    "\"-\"",
    "\"*\"",
    "\"/\"",
    "\"div\"",
    "\"mod\"",
    "\"==\"",
    "\"!=\"",
    "\"<\"",
    "\"<=\"",
    "\">\"",
    "\">=\"",
    "\"in\"",
    "\"not in\"",
    "\"??\"",
    "\"and\"",
    "\"or\"",
    "\"where\"",
    "\".\"",
    "\"?.\"",
    "\"[\"",
    "\"with\"",
    "\"(\"",
    "\"{\"",
];

/// Terminals that start a declaration.
const DECLARATIONS: &[&str] = &[
    "\"charter\"",
    "\"import\"",
    "\"enum\"",
    "\"record\"",
    "\"state\"",
    "\"const\"",
    "\"figure\"",
    "\"fn\"",
    "\"law\"",
    "\"test\"",
];

/// Keywords only where a statement or declaration starts, names elsewhere.
const SOFT_KEYWORDS: &[&str] = &["\"when\"", "\"should\"", "\"private\"", "\"figure\""];

/// Keywords the grammar also accepts as names (soft keywords everywhere a
/// name is, every keyword as a field name): where a name is expected they are
/// "a name", not a list of thirty keywords.
fn is_name_keyword(terminal: &str) -> bool {
    let Some(word) = terminal.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return false;
    };
    word.chars().all(|c| c.is_ascii_lowercase()) && word != "not in"
}

/// The expected terminals with name-like keywords folded into `Ident`, when
/// a name is expected at all.
fn fold_names(expected: &[String]) -> Vec<String> {
    if !expected.iter().any(|e| e == "Ident") {
        return expected.to_vec();
    }
    let keywords = expected.iter().filter(|e| is_name_keyword(e)).count();
    // Many keywords at once: a field name (every keyword is one); else only
    // the soft keywords, which are names wherever a name is.
    let all = keywords >= 20;
    expected
        .iter()
        .filter(|e| !(is_name_keyword(e) && (all || SOFT_KEYWORDS.contains(&e.as_str()))))
        .cloned()
        .collect()
}

/// The expected terminals with a line's first `[` (`LineBracket`, which the
/// user writes as `[`) shown as `[`, once.
fn one_bracket(expected: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(expected.len());
    for e in expected {
        let e = if e == "LineBracket" {
            "\"[\"".to_string()
        } else {
            e
        };
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// Converts one parser error (none for the never-produced user error).
pub fn convert(ctx: &Context<'_>, err: ParseError<usize, Tok, ()>) -> Option<Diagnostic> {
    match err {
        ParseError::UnrecognizedToken { token, expected } => {
            Some(unexpected(ctx, &token, &one_bracket(expected)))
        }
        ParseError::ExtraToken { token } => Some(unexpected(ctx, &token, &[])),
        ParseError::InvalidToken { location } => {
            let span = Span::new(ctx.file, location, location + 1);
            Some(
                Diagnostic::error("E0004", span, "unexpected token")
                    .with_label("not expected here")
                    .with_help("remove or replace this token"),
            )
        }
        ParseError::UnrecognizedEof { location, expected } => {
            Some(eof(ctx, location, &one_bracket(expected)))
        }
        ParseError::User { error: () } => None,
    }
}

/// Whether an error is only the echo of an earlier one: the parser expected
/// a declaration (it was back at the top level) at a token that is inside
/// brackets. Recovering from the earlier error skipped tokens up to a `}`
/// (which it does without counting brackets) that closed a nested record
/// or set, and took it for the end of the declaration.
pub fn lost_the_brackets(ctx: &Context<'_>, err: &ParseError<usize, Tok, ()>) -> bool {
    let ParseError::UnrecognizedToken {
        token: (start, _, _),
        expected,
    } = err
    else {
        return false;
    };
    let top_level = DECLARATIONS.iter().all(|d| expected.iter().any(|e| e == d));
    top_level && {
        let before = ctx.tokens.iter().take_while(|(s, _, _)| s < start);
        let depth = before.fold(0i64, |depth, (_, t, _)| match t {
            Tok::LParen | Tok::LBracket | Tok::LineBracket | Tok::LBrace => depth + 1,
            Tok::RParen | Tok::RBracket | Tok::RBrace => depth - 1,
            _ => depth,
        });
        depth > 0
    }
}

/// E0008 for an expression replaced because it was too deep.
pub fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::error(
        "E0008",
        span,
        format!("nesting too deep: this expression is more than {MAX_EXPR_DEPTH} levels deep"),
    )
    .with_label("too deeply nested")
    .with_help("split it with `let` bindings or helper functions")
}

fn unexpected(ctx: &Context<'_>, (start, tok, end): &Spanned, expected: &[String]) -> Diagnostic {
    let found = tok.describe();
    let span = Span::new(ctx.file, *start, *end);
    let prev = previous_tokens(ctx, *start);
    let what = summarise(expected);
    let message = match (what.is_empty(), context(&prev, expected)) {
        (true, _) => format!("unexpected {found}"),
        (false, Some(after)) => format!("expected {what} {after}, found {found}"),
        (false, None) => format!("expected {what}, found {found}"),
    };
    let label = if what.is_empty() {
        "not expected here".to_string()
    } else {
        format!("expected {what}")
    };
    Diagnostic::error("E0004", span, message)
        .with_label(label)
        .with_help(help(tok, &prev, expected))
}

fn eof(ctx: &Context<'_>, location: usize, expected: &[String]) -> Diagnostic {
    let at = location.min(ctx.text.len());
    let span = Span::new(ctx.file, at, at);
    let what = summarise(expected);
    let message = if what.is_empty() {
        "unexpected end of file".to_string()
    } else {
        format!("unexpected end of file, expected {what}")
    };
    let closers: Vec<&str> = ["\"}\"", "\")\"", "\"]\""]
        .into_iter()
        .filter(|c| expected.iter().any(|e| e == c))
        .collect();
    let help = match closers.first() {
        Some(c) => format!(
            "the file ends inside an unfinished declaration; add the missing {}",
            shown(c)
        ),
        None => "the file ends in the middle of a declaration; finish it or remove it".to_string(),
    };
    Diagnostic::error("E0005", span, message)
        .with_label("the file ends here")
        .with_help(help)
}

/// The two tokens before the one at `start`, nearest first.
fn previous_tokens<'a>(ctx: &Context<'a>, start: usize) -> Vec<&'a Tok> {
    let idx = ctx.tokens.partition_point(|(s, _, _)| *s < start);
    ctx.tokens
        .get(..idx)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take(2)
        .map(|(_, t, _)| t)
        .collect()
}

/// "after the requirement's label" and similar, when the tokens before the
/// error say where we are.
fn context(prev: &[&Tok], expected: &[String]) -> Option<String> {
    let expects = |t: &str| expected.iter().any(|e| e == t);
    match prev {
        [Tok::Text(_), Tok::Require, ..] if expects("\":\"") => {
            Some("after the requirement's label".to_string())
        }
        [Tok::Text(_), Tok::Unless, ..] if expects("\":\"") => {
            Some("after the exception's label".to_string())
        }
        [Tok::Require | Tok::Unless, ..] => Some(format!(
            "after `{}`",
            prev.first().map_or("", |t| t.symbol())
        )),
        [t, ..] if !t.symbol().is_empty() => Some(format!("after `{}`", t.symbol())),
        _ => None,
    }
}

fn help(found: &Tok, prev: &[&Tok], expected: &[String]) -> String {
    let expects = |t: &str| expected.iter().any(|e| e == t);
    match found {
        Tok::Assign if expects("\"==\"") => "use `==` to compare values; `=` only binds names".to_string(),
        Tok::PercentSign => "use `mod` for the remainder; write a percentage without a space, like `20%`".to_string(),
        Tok::Ident(word) if matches!(prev.first(), Some(Tok::Int(_))) => format!(
            "`{word}` is not a unit: a Duration is written `N days` or `N weeks`, a calendar Period `N months` or `N years`"
        ),
        Tok::Require | Tok::Unless | Tok::Let if expects("\"}\"") || expects("\"let\"") => {
            "`require`, `unless` and `let` each start a new statement; the previous one may be incomplete".to_string()
        }
        t if expects("Ident") && !t.symbol().is_empty() && t.symbol().chars().all(|c| c.is_ascii_alphabetic()) => {
            format!("`{}` is a keyword and cannot be used as a name", t.symbol())
        }
        _ if matches!(prev.first(), Some(Tok::Text(_))) && expects("\":\"") => {
            "write a colon between the label and the condition: `require \"label\": condition`".to_string()
        }
        _ if expected.len() == 1 => format!("insert {} before this", summarise(expected)),
        _ if expects("\"charter\"") && expects("\"law\"") => {
            "a declaration starts with `charter`, `import`, `enum`, `record`, `state`, `const`, `figure`, `fn`, `law` or `test`"
                .to_string()
        }
        _ => "check for a missing or misplaced token just before this one".to_string(),
    }
}

/// A readable list of what was expected: long lists are summarised by kind.
fn summarise(expected: &[String]) -> String {
    let expected = &fold_names(expected)[..];
    let has = |set: &[&str]| {
        set.iter()
            .filter(|t| expected.iter().any(|e| e == *t))
            .count()
    };
    let mut parts: Vec<String> = Vec::new();
    let expr = has(EXPR_START) >= 5;
    let ops = has(OPERATORS) >= 5;
    let decls = has(DECLARATIONS) >= 5;
    if decls {
        parts.push("a declaration".to_string());
    }
    if expr {
        parts.push("an expression".to_string());
    }
    if ops {
        parts.push("an operator".to_string());
    }
    for e in expected {
        let covered = (expr && EXPR_START.contains(&e.as_str()))
            || (ops && OPERATORS.contains(&e.as_str()))
            || (decls && (DECLARATIONS.contains(&e.as_str()) || e == "\"private\""));
        if !covered {
            parts.push(shown(e));
        }
    }
    if parts.len() > 7 {
        parts.truncate(6);
        parts.push("another token".to_string());
    }
    join_or(&parts)
}

/// How a terminal's grammar name is shown.
fn shown(terminal: &str) -> String {
    if let Some(sym) = terminal.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return format!("`{sym}`");
    }
    match terminal {
        "Ident" => "a name",
        "Int" => "a whole number",
        "Decimal" => "a decimal number",
        "Percent" => "a percentage",
        "Date" => "a date",
        "Instant" => "an instant",
        "Duration" => "a duration",
        "Text" => "a text literal",
        other => other,
    }
    .to_string()
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn join_or(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
