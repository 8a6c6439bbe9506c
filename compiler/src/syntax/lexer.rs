//! Tokens and the lexer: source text to the `(start, token, end)` triples that
//! the lalrpop parser consumes, plus the `///` doc comments and lexical
//! diagnostics collected on the side.
//!
//! logos recognises the raw tokens (`RawTok`); [`lex`] then turns them into
//! parser tokens ([`Tok`]), merging what one regular pattern cannot express
//! alone: `90 days` becomes one [`Tok::Duration`] (charter metadata has no
//! commas, so a duration must not be two tokens) and `not in` one
//! [`Tok::NotIn`] (so `not` alone never continues an expression).
//!
//! Comments and blank lines do not reach the parser: they are kept in a side
//! table, [`Trivia`], so that tools which rewrite or explain source text (the
//! formatter, a language server) see everything that was written.
//!
//! *Architecture Invariant:* lexing never fails and never panics; every
//! problem is a [`Diagnostic`] and lexing continues after it, except past
//! [`MAX_BRACKET_DEPTH`], where it stops so that nothing downstream has to
//! handle absurd nesting.

use std::collections::BTreeMap;

use logos::Logos;

use super::ast::DurationUnit;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

/// The deepest `( [ {` nesting the lexer accepts.
pub const MAX_BRACKET_DEPTH: usize = 128;

/// A token as logos recognises it.
#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(skip r"[ \t\r\n\f]+")]
enum RawTok {
    #[regex(r"//[^\n]*")]
    Comment,
    #[token("charter")]
    Charter,
    #[token("import")]
    Import,
    #[token("enum")]
    Enum,
    #[token("record")]
    Record,
    #[token("state")]
    State,
    #[token("const")]
    Const,
    #[token("fn")]
    Fn,
    #[token("law")]
    Law,
    #[token("test")]
    Test,
    #[token("let")]
    Let,
    #[token("require")]
    Require,
    #[token("unless")]
    Unless,
    #[token("given")]
    Given,
    #[token("expect")]
    Expect,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("not")]
    Not,
    #[token("in")]
    In,
    #[token("where")]
    Where,
    #[token("fold")]
    Fold,
    #[token("if")]
    If,
    #[token("then")]
    Then,
    #[token("else")]
    Else,
    #[token("match")]
    Match,
    #[token("with")]
    With,
    #[token("for")]
    For,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("none")]
    None,
    #[token("div")]
    Div,
    #[token("mod")]
    Mod,
    #[token("when")]
    When,
    #[token("should")]
    Should,
    #[token("private")]
    Private,
    #[token("figure")]
    Figure,
    #[regex("[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    #[regex("[0-9][0-9_]*")]
    Int,
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*")]
    Decimal,
    #[regex(r"[0-9][0-9_]*(\.[0-9][0-9_]*)?%")]
    Percent,
    #[regex("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]")]
    Date,
    #[regex("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9](:[0-9][0-9])?Z")]
    Instant,
    #[token("\"", lex_text)]
    Text(TextScan),
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("?.")]
    QuestionDot,
    #[token("??")]
    QuestionQuestion,
    #[token("?")]
    Question,
    #[token("->")]
    Arrow,
    #[token("=>")]
    FatArrow,
    #[token("=")]
    Assign,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    PercentSign,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
}

/// A text literal as scanned: its decoded value and any problems, with byte
/// ranges relative to the opening quote.
#[derive(Clone, Debug, PartialEq, Default)]
struct TextScan {
    value: String,
    bad_escapes: Vec<(usize, usize)>,
    terminated: bool,
}

/// Scans a text literal after its opening quote. A literal ends at the closing
/// quote, or (unterminated) before the end of the line, so one missing quote
/// does not swallow the rest of the file.
fn lex_text(lex: &mut logos::Lexer<RawTok>) -> TextScan {
    let rest = lex.remainder();
    let mut scan = TextScan::default();
    let mut chars = rest.char_indices();
    let mut consumed = rest.len();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                scan.terminated = true;
                consumed = i + 1;
                break;
            }
            '\n' => {
                consumed = i;
                break;
            }
            '\\' => match chars.next() {
                Some((_, '"')) => scan.value.push('"'),
                Some((_, '\\')) => scan.value.push('\\'),
                Some((_, 'n')) => scan.value.push('\n'),
                Some((_, 't')) => scan.value.push('\t'),
                Some((j, '\n')) => {
                    scan.bad_escapes.push((i + 1, j + 1));
                    consumed = j;
                    break;
                }
                Some((j, other)) => {
                    scan.bad_escapes.push((i + 1, j + 1 + other.len_utf8()));
                }
                None => {
                    scan.bad_escapes.push((i + 1, i + 2));
                    break;
                }
            },
            other => scan.value.push(other),
        }
    }
    lex.bump(consumed);
    scan
}

/// A token as the parser sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Tok {
    Charter,
    Import,
    Enum,
    Record,
    State,
    Const,
    Fn,
    Law,
    Test,
    Let,
    Require,
    Unless,
    Given,
    Expect,
    And,
    Or,
    Not,
    /// `not in`, merged by the lexer.
    NotIn,
    In,
    Where,
    Fold,
    If,
    Then,
    Else,
    Match,
    With,
    For,
    True,
    False,
    None,
    Div,
    Mod,
    /// `when` (a soft keyword: also a name)
    When,
    /// `should` (a soft keyword: also a name)
    Should,
    /// `private` (a soft keyword: also a name)
    Private,
    /// `figure` (a soft keyword: also a name)
    Figure,
    /// A name.
    Ident(String),
    /// Digits as written.
    Int(String),
    /// A decimal as written.
    Decimal(String),
    /// The number before `%`, as written.
    Percent(String),
    /// `YYYY-MM-DD` as written.
    Date(String),
    /// `2026-03-01T12:00Z`: an instant in UTC.
    Instant(String),
    /// `90 days`: the digits and the unit.
    Duration((String, DurationUnit)),
    /// Decoded text.
    Text(String),
    LParen,
    RParen,
    LBracket,
    /// A `[` that is the first token on its line: it opens a list (or a
    /// comprehension), never an index, so that a line beginning with a list
    /// after a `let` is not read as indexing the `let`'s value. An index's `[`
    /// is on the line of the value it indexes.
    LineBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Dot,
    QuestionDot,
    QuestionQuestion,
    Question,
    Arrow,
    FatArrow,
    Assign,
    Plus,
    Minus,
    Star,
    Slash,
    PercentSign,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Tok {
    /// How the token is described in a diagnostic ("`(`", "name `foo`"...).
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("name `{s}`"),
            Tok::Int(s) | Tok::Decimal(s) => format!("number `{s}`"),
            Tok::Percent(s) => format!("percentage `{s}%`"),
            Tok::Date(s) => format!("date `{s}`"),
            Tok::Instant(s) => format!("instant `{s}`"),
            Tok::Duration((n, u)) => {
                let unit = match u {
                    DurationUnit::Days => "days",
                    DurationUnit::Weeks => "weeks",
                    DurationUnit::Months => "months",
                    DurationUnit::Years => "years",
                    DurationUnit::Hours => "hours",
                    DurationUnit::Minutes => "minutes",
                    DurationUnit::Seconds => "seconds",
                    DurationUnit::Unknown => "?",
                };
                format!("duration `{n} {unit}`")
            }
            Tok::Text(_) => "text literal".to_string(),
            other => format!("`{}`", other.symbol()),
        }
    }

    /// The fixed spelling of a keyword or punctuation token ("" for others).
    pub fn symbol(&self) -> &'static str {
        match self {
            Tok::Charter => "charter",
            Tok::Import => "import",
            Tok::Enum => "enum",
            Tok::Record => "record",
            Tok::State => "state",
            Tok::Const => "const",
            Tok::Fn => "fn",
            Tok::Law => "law",
            Tok::Test => "test",
            Tok::Let => "let",
            Tok::Require => "require",
            Tok::Unless => "unless",
            Tok::Given => "given",
            Tok::Expect => "expect",
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Not => "not",
            Tok::NotIn => "not in",
            Tok::In => "in",
            Tok::Where => "where",
            Tok::Fold => "fold",
            Tok::If => "if",
            Tok::Then => "then",
            Tok::Else => "else",
            Tok::Match => "match",
            Tok::With => "with",
            Tok::For => "for",
            Tok::True => "true",
            Tok::False => "false",
            Tok::None => "none",
            Tok::Div => "div",
            Tok::Mod => "mod",
            Tok::When => "when",
            Tok::Should => "should",
            Tok::Private => "private",
            Tok::Figure => "figure",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket | Tok::LineBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::Dot => ".",
            Tok::QuestionDot => "?.",
            Tok::QuestionQuestion => "??",
            Tok::Question => "?",
            Tok::Arrow => "->",
            Tok::FatArrow => "=>",
            Tok::Assign => "=",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::PercentSign => "%",
            Tok::EqEq => "==",
            Tok::NotEq => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Ident(_)
            | Tok::Int(_)
            | Tok::Decimal(_)
            | Tok::Percent(_)
            | Tok::Date(_)
            | Tok::Instant(_)
            | Tok::Duration(_)
            | Tok::Text(_) => "",
        }
    }
}

/// A token with its byte range, as lalrpop's external lexer interface wants.
pub type Spanned = (usize, Tok, usize);

/// What a comment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// ...` (and `////...`)
    Line,
    /// `/// ...`, documentation of the declaration that follows
    Doc,
}

/// One comment as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Line or doc comment.
    pub kind: CommentKind,
    /// From its `//` to the end of its line (a trailing `\r` excluded).
    pub span: Span,
}

/// Everything the token stream leaves out: comments and blank lines, in
/// source order. The parser never sees it; tools that must reproduce or
/// explain the text (`polity fmt`, a language server) read it beside the AST.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trivia {
    /// Every comment, doc comments included, by position.
    pub comments: Vec<Comment>,
    /// The start offset of every empty (or whitespace-only) line that lies
    /// between two tokens or comments, or before the first or after the last.
    pub empty_lines: Vec<usize>,
}

impl Trivia {
    /// Whether an empty line starts within `start..end`.
    pub fn has_empty_line(&self, start: usize, end: usize) -> bool {
        let i = self.empty_lines.partition_point(|&l| l < start);
        self.empty_lines.get(i).is_some_and(|&l| l < end)
    }
}

/// Records the empty lines of the whitespace `text[from..to]`; whether it
/// holds a line break at all.
fn empty_lines_in(text: &str, from: usize, to: usize, out: &mut Vec<usize>) -> bool {
    let gap = text.get(from..to).unwrap_or("");
    let mut newlines = gap.match_indices('\n').map(|(i, _)| from + i);
    let Some(mut prev) = newlines.next() else {
        return false;
    };
    for nl in newlines {
        out.push(prev + 1);
        prev = nl;
    }
    true
}

/// The lexer's output.
#[derive(Debug, Default)]
pub struct Lexed {
    /// The tokens in order.
    pub tokens: Vec<Spanned>,
    /// The comments and blank lines between them.
    pub trivia: Trivia,
    /// Doc comment text keyed by the start offset of the token that follows it.
    pub docs: BTreeMap<usize, String>,
    /// Lexical problems.
    pub diagnostics: Vec<Diagnostic>,
    /// Lexing stopped early (nesting too deep); the tokens are incomplete.
    pub aborted: bool,
}

/// Lexes a whole file.
pub fn lex(file: FileId, text: &str) -> Lexed {
    let mut out = Lexed::default();
    let mut doc_lines: Vec<&str> = Vec::new();
    let mut depth = 0usize;
    let mut lexer = RawTok::lexer(text);
    let mut prev_end = 0usize;
    // Whether a line break came after the last token (the file's start counts).
    let mut line_start = true;
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let (start, end) = (range.start, range.end);
        let slice = lexer.slice();
        line_start |= empty_lines_in(text, prev_end, start, &mut out.trivia.empty_lines);
        prev_end = end;
        let raw = match result {
            Ok(raw) => raw,
            Err(()) => {
                out.diagnostics.push(unexpected_char(file, start, slice));
                continue;
            }
        };
        let tok = match raw {
            RawTok::Comment => {
                let kind = match doc_text(slice) {
                    Some(doc) => {
                        doc_lines.push(doc);
                        CommentKind::Doc
                    }
                    None => CommentKind::Line,
                };
                let trimmed = slice.strip_suffix('\r').unwrap_or(slice);
                let span = Span::new(file, start, start + trimmed.len());
                out.trivia.comments.push(Comment { kind, span });
                continue;
            }
            RawTok::Text(scan) => {
                text_problems(file, start, end, &scan, &mut out.diagnostics);
                Tok::Text(scan.value)
            }
            RawTok::LBracket if line_start => Tok::LineBracket,
            other => convert(other, slice),
        };
        line_start = false;
        match tok {
            Tok::LParen | Tok::LBracket | Tok::LineBracket | Tok::LBrace => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    out.diagnostics.push(too_deep_brackets(file, start, end));
                    out.aborted = true;
                    return out;
                }
            }
            Tok::RParen | Tok::RBracket | Tok::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
        if !doc_lines.is_empty() {
            out.docs.insert(start, doc_lines.join("\n"));
            doc_lines.clear();
        }
        if let Some(d) = push_merged(&mut out.tokens, text, (start, tok, end)) {
            out.diagnostics.push(unknown_unit(file, d));
        }
    }
    let _ = empty_lines_in(text, prev_end, text.len(), &mut out.trivia.empty_lines);
    out
}

/// Appends a token, merging `INT days` into a duration and `not in` into one
/// token. `INT hours` (a word of time that is not a unit) is merged too, with
/// [`DurationUnit::Unknown`]; the unit's span and word are returned for E0010.
fn push_merged(
    tokens: &mut Vec<Spanned>,
    text: &str,
    (start, tok, end): Spanned,
) -> Option<(usize, usize, String)> {
    if let Some((_, prev, prev_end)) = tokens.last_mut() {
        let gap = text.get(*prev_end..start).unwrap_or("x");
        let blank = gap.chars().all(|c| c == ' ' || c == '\t');
        match (&*prev, &tok) {
            (Tok::Int(digits), Tok::Ident(word)) if blank => {
                let unit = duration_unit(word);
                let unknown = unit.is_none() && NOT_UNITS.contains(&word.as_str());
                if unit.is_some() || unknown {
                    *prev = Tok::Duration((digits.clone(), unit.unwrap_or(DurationUnit::Unknown)));
                    *prev_end = end;
                    return unknown.then(|| (start, end, word.clone()));
                }
            }
            (Tok::Not, Tok::In) => {
                *prev = Tok::NotIn;
                *prev_end = end;
                return None;
            }
            _ => {}
        }
    }
    tokens.push((start, tok, end));
    None
}

/// Words of time that are not units of Polity: after a number they are a
/// mistaken unit, not a name.
const NOT_UNITS: &[&str] = &[
    "sec",
    "secs",
    "s",
    "min",
    "mins",
    "h",
    "hr",
    "hrs",
    "fortnight",
    "fortnights",
    "quarter",
    "quarters",
    "decade",
    "decades",
    "century",
    "centuries",
    "d",
    "w",
    "wk",
    "wks",
    "mo",
    "mos",
    "y",
    "yr",
    "yrs",
    "ms",
    "millisecond",
    "milliseconds",
];

fn unknown_unit(file: FileId, (start, end, word): (usize, usize, String)) -> Diagnostic {
    Diagnostic::error(
        "E0010",
        Span::new(file, start, end),
        format!("`{word}` is not a unit"),
    )
    .with_label("unknown unit")
    .with_help("a Duration is written `N days`, `N weeks`, `N hours`, `N minutes` or `N seconds`; a calendar Period `N months` or `N years`")
}

fn duration_unit(word: &str) -> Option<DurationUnit> {
    match word {
        "day" | "days" => Some(DurationUnit::Days),
        "week" | "weeks" => Some(DurationUnit::Weeks),
        "month" | "months" => Some(DurationUnit::Months),
        "year" | "years" => Some(DurationUnit::Years),
        "hour" | "hours" => Some(DurationUnit::Hours),
        "minute" | "minutes" => Some(DurationUnit::Minutes),
        "second" | "seconds" => Some(DurationUnit::Seconds),
        _ => None,
    }
}

/// The text of a `///` doc comment (one leading space stripped), or `None`
/// for an ordinary comment (`//`, `////...`).
fn doc_text(comment: &str) -> Option<&str> {
    let rest = comment.strip_prefix("///")?;
    if rest.starts_with('/') {
        return None;
    }
    // Trailing blanks are not part of the text (nor kept by `polity fmt`).
    let rest = rest.trim_end();
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

fn convert(raw: RawTok, slice: &str) -> Tok {
    match raw {
        RawTok::Charter => Tok::Charter,
        RawTok::Import => Tok::Import,
        RawTok::Enum => Tok::Enum,
        RawTok::Record => Tok::Record,
        RawTok::State => Tok::State,
        RawTok::Const => Tok::Const,
        RawTok::Fn => Tok::Fn,
        RawTok::Law => Tok::Law,
        RawTok::Test => Tok::Test,
        RawTok::Let => Tok::Let,
        RawTok::Require => Tok::Require,
        RawTok::Unless => Tok::Unless,
        RawTok::Given => Tok::Given,
        RawTok::Expect => Tok::Expect,
        RawTok::And => Tok::And,
        RawTok::Or => Tok::Or,
        RawTok::Not => Tok::Not,
        RawTok::In => Tok::In,
        RawTok::Where => Tok::Where,
        RawTok::Fold => Tok::Fold,
        RawTok::If => Tok::If,
        RawTok::Then => Tok::Then,
        RawTok::Else => Tok::Else,
        RawTok::Match => Tok::Match,
        RawTok::With => Tok::With,
        RawTok::For => Tok::For,
        RawTok::True => Tok::True,
        RawTok::False => Tok::False,
        RawTok::None => Tok::None,
        RawTok::Div => Tok::Div,
        RawTok::Mod => Tok::Mod,
        RawTok::When => Tok::When,
        RawTok::Should => Tok::Should,
        RawTok::Private => Tok::Private,
        RawTok::Figure => Tok::Figure,
        RawTok::Ident => Tok::Ident(slice.to_string()),
        RawTok::Int => Tok::Int(slice.to_string()),
        RawTok::Decimal => Tok::Decimal(slice.to_string()),
        RawTok::Percent => Tok::Percent(slice.trim_end_matches('%').to_string()),
        RawTok::Date => Tok::Date(slice.to_string()),
        RawTok::Instant => Tok::Instant(slice.to_string()),
        RawTok::Text(scan) => Tok::Text(scan.value),
        RawTok::LParen => Tok::LParen,
        RawTok::RParen => Tok::RParen,
        RawTok::LBracket => Tok::LBracket,
        RawTok::RBracket => Tok::RBracket,
        RawTok::LBrace => Tok::LBrace,
        RawTok::RBrace => Tok::RBrace,
        RawTok::Comma => Tok::Comma,
        RawTok::Colon => Tok::Colon,
        RawTok::Dot => Tok::Dot,
        RawTok::QuestionDot => Tok::QuestionDot,
        RawTok::QuestionQuestion => Tok::QuestionQuestion,
        RawTok::Question => Tok::Question,
        RawTok::Arrow => Tok::Arrow,
        RawTok::FatArrow => Tok::FatArrow,
        RawTok::Assign => Tok::Assign,
        RawTok::Plus => Tok::Plus,
        RawTok::Minus => Tok::Minus,
        RawTok::Star => Tok::Star,
        RawTok::Slash => Tok::Slash,
        RawTok::PercentSign => Tok::PercentSign,
        RawTok::EqEq => Tok::EqEq,
        RawTok::NotEq => Tok::NotEq,
        RawTok::Lt => Tok::Lt,
        RawTok::Le => Tok::Le,
        RawTok::Gt => Tok::Gt,
        RawTok::Ge => Tok::Ge,
        // Comments never reach here; treat defensively as a harmless token.
        RawTok::Comment => Tok::Comma,
    }
}

fn unexpected_char(file: FileId, start: usize, slice: &str) -> Diagnostic {
    let shown = slice
        .chars()
        .next()
        .map(|c| c.escape_debug().to_string())
        .unwrap_or_default();
    let len = slice.chars().next().map(char::len_utf8).unwrap_or(1);
    let help = if slice.starts_with('!') {
        "use `not` for negation and `!=` for inequality".to_string()
    } else if slice.starts_with('&') || slice.starts_with('|') {
        "use the keywords `and` and `or`".to_string()
    } else if slice.starts_with('\'') {
        "text literals use double quotes: `\"...\"`".to_string()
    } else if !slice.is_ascii() {
        "names are ASCII letters, digits and `_`; other characters may appear only inside text literals".to_string()
    } else {
        "remove this character".to_string()
    };
    Diagnostic::error(
        "E0001",
        Span::new(file, start, start + len),
        format!("unexpected character `{shown}`"),
    )
    .with_label("not part of any token")
    .with_help(help)
}

fn text_problems(
    file: FileId,
    start: usize,
    end: usize,
    scan: &TextScan,
    out: &mut Vec<Diagnostic>,
) {
    // Offsets in `scan` are relative to the byte after the opening quote.
    let base = start + 1;
    for &(s, e) in &scan.bad_escapes {
        out.push(
            Diagnostic::error(
                "E0003",
                Span::new(file, base + s - 1, base + e.max(s) - 1),
                "unknown escape in text",
            )
            .with_label("not a known escape")
            .with_help(
                "the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash",
            ),
        );
    }
    if !scan.terminated {
        out.push(
            Diagnostic::error(
                "E0002",
                Span::new(file, start, end),
                "unterminated text literal",
            )
            .with_label("this text has no closing `\"`")
            .with_help("add a `\"` before the end of the line"),
        );
    }
}

fn too_deep_brackets(file: FileId, start: usize, end: usize) -> Diagnostic {
    Diagnostic::error(
        "E0008",
        Span::new(file, start, end),
        format!("nesting too deep: more than {MAX_BRACKET_DEPTH} open brackets"),
    )
    .with_label("too deeply nested")
    .with_help("split it with `let` bindings or helper functions")
}
