//! Lexing and parsing: source text to [`ast::Module`] plus diagnostics.
//!
//! [`parse`] is the one entry point: [`lexer`] turns text into tokens (and
//! collects `///` docs), the lalrpop grammar (`grammar.lalrpop`, generated into
//! `OUT_DIR`) builds the AST through [`nodes`], and this module turns the
//! parser's recovered errors into diagnostics and attaches docs.
//!
//! [`parse_lossless`] is the same parse for tools that rewrite or explain the
//! text (`polity fmt`, a language server): it also returns the comments and
//! blank lines ([`lexer::Trivia`]) and where parentheses were
//! ([`lossless::Parens`]); declarations and statements that do not parse are
//! error nodes ([`ast::Item::Error`], [`ast::LawStmt::Error`],
//! [`ast::TestStmt::Error`]), so the rest of a broken charter is still there.
//!
//! *Architecture Invariant:* [`parse`] never panics and never recurses to a
//! depth that depends on the input. Brackets deeper than
//! [`lexer::MAX_BRACKET_DEPTH`] stop lexing; expressions deeper than
//! [`nodes::MAX_EXPR_DEPTH`] are replaced while they are built.

pub mod ast;
pub(crate) mod errors;
pub mod lexer;
pub mod lossless;
pub mod nodes;

use std::collections::BTreeMap;

use lalrpop_util::ErrorRecovery;

use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use lexer::Tok;
use nodes::ParseState;

lalrpop_util::lalrpop_mod!(
    #[allow(
        missing_docs,
        unused_qualifications,
        clippy::all,
        clippy::pedantic,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )]
    grammar,
    "/syntax/grammar.rs"
);

/// Parses one file. Never panics; reports every error it can recover from.
pub fn parse(file: FileId, text: &str) -> (ast::Module, Vec<Diagnostic>) {
    let parsed = parse_lossless(file, text);
    (parsed.module, parsed.diagnostics)
}

/// Parses one file keeping everything written: as [`parse`], with the
/// comments, blank lines and parentheses beside the AST.
pub fn parse_lossless(file: FileId, text: &str) -> lossless::Parsed {
    let out = parse_tokens(
        file,
        text,
        |_| {},
        |state, tokens| grammar::ModuleParser::new().parse(state, tokens),
    );
    let mut items = out.parsed.unwrap_or_default();
    attach_docs(&mut items, &out.docs);
    lossless::Parsed {
        module: ast::Module { file, items },
        diagnostics: out.diagnostics,
        trivia: out.trivia,
        parens: lossless::Parens::new(out.parens),
    }
}

/// Parses a library module whose `test` blocks are not wanted (a standard
/// module imported by a charter): the tokens of every top-level `test`
/// block are dropped before parsing, which halves the work for the
/// standard library, whose tests are about half of its text. Errors inside
/// a dropped block are not reported; the module's own tests parse it whole.
pub fn parse_without_tests(file: FileId, text: &str) -> (ast::Module, Vec<Diagnostic>) {
    let out = parse_tokens(file, text, drop_tests, |state, tokens| {
        grammar::ModuleParser::new().parse(state, tokens)
    });
    let mut items = out.parsed.unwrap_or_default();
    attach_docs(&mut items, &out.docs);
    (ast::Module { file, items }, out.diagnostics)
}

/// Removes every top-level `test NAME { ... }` from `tokens`: from the
/// `test` keyword at depth 0 to the brace that closes its block.
fn drop_tests(tokens: &mut Vec<lexer::Spanned>) {
    let mut out = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    // Inside a dropped test: `None` before its block opens, then its depth.
    let mut dropping: Option<Option<usize>> = None;
    for t in tokens.drain(..) {
        let opens = matches!(
            t.1,
            Tok::LParen | Tok::LBracket | Tok::LineBracket | Tok::LBrace
        );
        let closes = matches!(t.1, Tok::RParen | Tok::RBracket | Tok::RBrace);
        if dropping.is_none() && depth == 0 && t.1 == Tok::Test {
            dropping = Some(None);
        }
        if opens {
            depth += 1;
            if dropping == Some(None) && t.1 == Tok::LBrace {
                dropping = Some(Some(depth));
            }
        }
        let keep = dropping.is_none();
        if closes {
            if dropping == Some(Some(depth)) && t.1 == Tok::RBrace {
                dropping = None;
            }
            depth = depth.saturating_sub(1);
        }
        if keep {
            out.push(t);
        }
    }
    *tokens = out;
}

/// Parses one line typed at the REPL (`file` holds just that line): a
/// `let` binding or an expression. `None` when it does not parse; the
/// diagnostics then say why, pointing into the line.
pub fn parse_repl(file: FileId, text: &str) -> (Option<ast::ReplInput>, Vec<Diagnostic>) {
    let out = parse_tokens(
        file,
        text,
        |_| {},
        |state, tokens| grammar::ReplInputParser::new().parse(state, tokens),
    );
    let ok = !out.diagnostics.iter().any(Diagnostic::is_error);
    (out.parsed.filter(|_| ok).map(|i| *i), out.diagnostics)
}

type Recovery = ErrorRecovery<usize, Tok, ()>;
type ParseResult<T> = Result<T, lalrpop_util::ParseError<usize, Tok, ()>>;

/// What one run of the parser gives: the start symbol's value, the
/// diagnostics, and what the AST leaves out.
struct Outcome<T> {
    parsed: Option<T>,
    diagnostics: Vec<Diagnostic>,
    /// The `///` docs by the offset of the token they precede.
    docs: BTreeMap<usize, String>,
    trivia: lexer::Trivia,
    parens: Vec<(Span, Span)>,
}

/// Lexes `text`, passes the tokens through `filter`, runs one of the
/// grammar's start symbols over them and turns its errors (recovered or
/// final) into diagnostics.
fn parse_tokens<T>(
    file: FileId,
    text: &str,
    filter: impl FnOnce(&mut Vec<lexer::Spanned>),
    run: impl FnOnce(
        &mut ParseState<Recovery>,
        &mut dyn Iterator<Item = Result<lexer::Spanned, ()>>,
    ) -> ParseResult<T>,
) -> Outcome<T> {
    let lexed = lexer::lex(file, text);
    let mut diags = lexed.diagnostics;
    if lexed.aborted {
        return Outcome {
            parsed: None,
            diagnostics: diags,
            docs: lexed.docs,
            trivia: lexed.trivia,
            parens: Vec::new(),
        };
    }
    let mut tokens = lexed.tokens;
    filter(&mut tokens);
    let lexical: Vec<Span> = diags.iter().map(|d| d.span).collect();
    let mut state: ParseState<Recovery> = ParseState::new(file);
    let result = run(&mut state, &mut tokens.iter().cloned().map(Ok::<_, ()>));
    let ctx = errors::Context {
        file,
        text,
        tokens: &tokens,
    };
    let mut parsed = None;
    // The first error is always reported: an echo needs an earlier error.
    let mut parse_errors: Vec<Diagnostic> = state
        .recovered
        .drain(..)
        .enumerate()
        .filter(|(i, rec)| *i == 0 || !errors::lost_the_brackets(&ctx, &rec.error))
        .filter_map(|(_, rec)| errors::convert(&ctx, rec.error))
        .collect();
    match result {
        Ok(p) => parsed = Some(p),
        Err(err) => parse_errors.extend(errors::convert(&ctx, err)),
    }
    parse_errors.retain(|d| !follows_lexical_error(&tokens, &lexical, d.span));
    diags.extend(parse_errors);
    for span in state.too_deep.drain(..) {
        diags.push(errors::too_deep(span));
    }
    dedup(&mut diags);
    Outcome {
        parsed,
        diagnostics: diags,
        docs: lexed.docs,
        trivia: lexed.trivia,
        parens: state.parens,
    }
}

/// Checks that `bytes` are UTF-8, with E0009 at the first invalid byte if not.
// The signature is the agreed contract; decoding happens once per file, so the
// size of the error does not matter.
#[allow(clippy::result_large_err)]
pub fn decode(file: FileId, bytes: &[u8]) -> Result<&str, Diagnostic> {
    std::str::from_utf8(bytes).map_err(|err| {
        let start = err.valid_up_to();
        let len = err
            .error_len()
            .unwrap_or(bytes.len().saturating_sub(start))
            .max(1);
        Diagnostic::error(
            "E0009",
            Span::new(file, start, start + len),
            "source is not valid UTF-8",
        )
        .with_label(format!("invalid byte at offset {start}"))
        .with_help("save the file as UTF-8")
    })
}

/// Whether a parse error at `span` is just the echo of a lexical error right
/// before it (a skipped character, an unterminated text), which already
/// explains it.
fn follows_lexical_error(tokens: &[lexer::Spanned], lexical: &[Span], span: Span) -> bool {
    let at = span.start as usize;
    let idx = tokens.partition_point(|(s, _, _)| *s < at);
    let from = idx
        .checked_sub(1)
        .and_then(|i| tokens.get(i))
        .map_or(0, |(s, _, _)| *s);
    lexical
        .iter()
        .any(|l| (from..=at).contains(&(l.end as usize)))
}

/// Keeps diagnostics in source order, one per code and location.
fn dedup(diags: &mut Vec<Diagnostic>) {
    diags.sort_by_key(|d| (d.span.start, d.span.end));
    diags.dedup_by(|a, b| a.code == b.code && a.span == b.span);
}

/// Gives each declaration the doc comment that directly precedes it.
fn attach_docs(items: &mut [ast::Item], docs: &BTreeMap<usize, String>) {
    if docs.is_empty() {
        return;
    }
    let doc_at = |span: Span| docs.get(&(span.start as usize)).cloned();
    for item in items {
        let span = item.span();
        match item {
            ast::Item::Charter(d) => d.doc = doc_at(span),
            ast::Item::Enum(d) => d.doc = doc_at(span),
            ast::Item::Record(d) => {
                d.doc = doc_at(span);
                attach_field_docs(&mut d.fields, &doc_at);
            }
            ast::Item::State(d) => {
                d.doc = doc_at(span);
                attach_field_docs(&mut d.fields, &doc_at);
            }
            ast::Item::Const(d) => d.doc = doc_at(span),
            ast::Item::Fn(d) => d.doc = doc_at(span),
            ast::Item::Law(d) => d.doc = doc_at(span),
            ast::Item::Import(_) | ast::Item::Test(_) | ast::Item::Error(_) => {}
        }
    }
}

fn attach_field_docs(fields: &mut [ast::FieldDecl], doc_at: &impl Fn(Span) -> Option<String>) {
    for f in fields {
        f.doc = doc_at(f.name.span);
    }
}
