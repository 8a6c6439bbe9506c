//! The formatter: a charter's text in, the same charter in the one canonical
//! layout out (`polity fmt`).
//!
//! It works on the lossless parse ([`syntax::parse_lossless`]): the AST gives
//! the structure, the trivia the comments and blank lines, the paren table the
//! parentheses as written. `items.rs` and `exprs.rs` turn the tree into a
//! [`pretty`] document, whose groups are laid out flat when they fit in
//! [`MAX_WIDTH`] columns and broken (one part a line, indented by [`INDENT`])
//! when they do not; `Printer` threads the comments through in source order.
//!
//! The layout: two spaces of indentation; a blank line kept (never more than
//! one) wherever the source had one between declarations or statements;
//! braces of declarations and statements always open a block; lists,
//! arguments, record fields and enum cases on one line when they fit, else
//! one per line; long operator chains broken before each operator.
//!
//! *Architecture Invariant:* formatting never changes meaning (the formatted
//! text lowers to the same IR), never drops a comment, and is idempotent. A
//! text with syntax errors is never formatted: [`format()`] returns its errors.

mod exprs;
mod items;

use std::fmt::Write as _;

use pretty::RcDoc;

use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use crate::syntax::lexer::Comment;
use crate::syntax::lossless::Parsed;
use crate::syntax::{self, lexer::Trivia, lossless::Parens};

/// The widest line the formatter makes (comments and long literals aside).
pub const MAX_WIDTH: usize = 100;

/// Spaces of indentation per level.
pub const INDENT: isize = 2;

type Doc<'a> = RcDoc<'a, ()>;

/// A part of a block laid out one per line, printed when its turn comes (so
/// that the comments before it are taken first).
type Part<'a> = (Span, Box<dyn FnOnce(&mut Printer<'a>) -> Doc<'a> + 'a>);

/// Formats a whole file. The error diagnostics when it does not parse.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = syntax::parse_lossless(file, text);
    if !parsed.is_ok() {
        return Err(parsed
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect());
    }
    Ok(format_parsed(text, &parsed))
}

/// Formats a file already parsed without errors by [`syntax::parse_lossless`].
pub fn format_parsed(text: &str, parsed: &Parsed) -> String {
    let mut printer = Printer {
        text,
        comments: &parsed.trivia.comments,
        next: 0,
        trivia: &parsed.trivia,
        parens: &parsed.parens,
    };
    let doc = printer.module(&parsed.module);
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write!(out, "{}", doc.pretty(MAX_WIDTH));
    tidy(&out)
}

/// No trailing spaces, no blank lines at either end, one final newline.
fn tidy(out: &str) -> String {
    let mut text = String::with_capacity(out.len() + 1);
    for line in out.lines() {
        text.push_str(line.trim_end());
        text.push('\n');
    }
    let trimmed = text.trim_matches('\n');
    if trimmed.is_empty() {
        return String::new();
    }
    format!("{trimmed}\n")
}

/// Walks the tree in source order, emitting every comment before the first
/// thing printed after it.
struct Printer<'a> {
    text: &'a str,
    comments: &'a [Comment],
    /// The first comment not printed yet.
    next: usize,
    trivia: &'a Trivia,
    parens: &'a Parens,
}

impl<'a> Printer<'a> {
    /// The source text of `span`.
    fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The next comment if it starts before `pos`.
    fn comment_before(&mut self, pos: u32) -> Option<Comment> {
        let c = *self.comments.get(self.next)?;
        (c.span.start < pos).then(|| {
            self.next += 1;
            c
        })
    }

    /// Whether a comment not printed yet starts before `pos`.
    fn has_comment_before(&self, pos: u32) -> bool {
        self.comments
            .get(self.next)
            .is_some_and(|c| c.span.start < pos)
    }

    /// The comments before `pos`, each on a line of its own, in front of
    /// what follows (which the newline after a comment forces to break).
    fn leading(&mut self, pos: u32) -> Doc<'a> {
        let mut docs = Vec::new();
        while let Some(c) = self.comment_before(pos) {
            docs.push(Doc::text(self.slice(c.span)).append(Doc::hardline()));
        }
        concat(docs)
    }

    /// The comments before `pos`, each after a line break (what is left
    /// inside a part or before a closing bracket).
    fn leftover(&mut self, pos: u32) -> Vec<Doc<'a>> {
        let mut docs = Vec::new();
        while let Some(c) = self.comment_before(pos) {
            docs.push(Doc::hardline().append(self.slice(c.span)));
        }
        docs
    }

    /// A comment on the same line right after `end` (past spaces and a
    /// comma), printed after a space and ending the line.
    fn trailing(&mut self, end: u32) -> Doc<'a> {
        let Some(c) = self.comments.get(self.next).copied() else {
            return Doc::nil();
        };
        let between = self.text.get(end as usize..c.span.start as usize);
        let same_line = between.is_some_and(|g| g.chars().all(|ch| matches!(ch, ' ' | '\t' | ',')));
        if !same_line {
            return Doc::nil();
        }
        self.next += 1;
        Doc::text(" ")
            .append(self.slice(c.span))
            .append(break_parent())
    }

    /// [`Self::trailing`] when `wanted`.
    fn trailing_if(&mut self, wanted: bool, end: u32) -> Doc<'a> {
        if wanted {
            self.trailing(end)
        } else {
            Doc::nil()
        }
    }

    /// Parts one per line (declarations, statements, arms...), each with
    /// its comments, `suffix` after each, a blank line kept where the
    /// source had one; then the comments left before `close`. `None` when
    /// there is nothing at all.
    fn lines(&mut self, parts: Vec<Part<'a>>, suffix: &'static str, close: u32) -> Option<Doc<'a>> {
        let mut out: Vec<Doc<'a>> = Vec::new();
        let mut prev_end: Option<u32> = None;
        for (span, print) in parts {
            self.comment_lines(span.start, &mut prev_end, &mut out);
            let blank = self.blank_between(prev_end, span.start);
            let doc = print(self);
            // Comments inside the part that nothing in it took.
            let doc = doc.append(suffix).append(self.trailing(span.end));
            let rest = concat(self.leftover(span.end));
            out.push(blank.append(doc).append(rest));
            prev_end = Some(span.end);
        }
        self.comment_lines(close, &mut prev_end, &mut out);
        if out.is_empty() {
            return None;
        }
        let count = out.len();
        let mut lines = Vec::with_capacity(2 * count);
        for (i, line) in out.into_iter().enumerate() {
            lines.push(line);
            if i + 1 < count {
                lines.push(Doc::hardline());
            }
        }
        Some(concat(lines))
    }

    /// The comments before `pos` as lines of a block.
    fn comment_lines(&mut self, pos: u32, prev_end: &mut Option<u32>, out: &mut Vec<Doc<'a>>) {
        while let Some(c) = self.comment_before(pos) {
            let blank = self.blank_between(*prev_end, c.span.start);
            out.push(blank.append(self.slice(c.span)));
            *prev_end = Some(c.span.end);
        }
    }

    /// An empty line when the source had one between `prev` and `next`
    /// (never before the first line of a block).
    fn blank_between(&self, prev: Option<u32>, next: u32) -> Doc<'a> {
        match prev {
            Some(p) if self.trivia.has_empty_line(p as usize, next as usize) => Doc::hardline(),
            _ => Doc::nil(),
        }
    }

    /// Whether the text `from..to` (between an opening brace and what
    /// follows it) breaks the line: a record written one field a line stays
    /// so, as the author laid it out.
    fn opens_lines(&self, from: u32, to: u32) -> bool {
        self.text
            .get(from as usize..to as usize)
            .is_some_and(|gap| gap.contains('\n'))
    }

    /// `open parts close`: on one line when it fits (`pad` puts a space
    /// inside the brackets), else one part a line, each followed by a comma
    /// when `commas` (the last too, when broken), or by nothing.
    fn seq(
        &mut self,
        (open, close, pad): (&'static str, &'static str, bool),
        parts: Vec<Part<'a>>,
        commas: bool,
        close_at: u32,
    ) -> Doc<'a> {
        self.seq_broken((open, close, pad), parts, commas, close_at, false)
    }

    /// [`Self::seq`], broken one part a line whatever its width when `broken`.
    fn seq_broken(
        &mut self,
        (open, close, pad): (&'static str, &'static str, bool),
        parts: Vec<Part<'a>>,
        commas: bool,
        close_at: u32,
        broken: bool,
    ) -> Doc<'a> {
        let count = parts.len();
        let mut body = vec![if broken { break_parent() } else { Doc::nil() }];
        for (i, (span, print)) in parts.into_iter().enumerate() {
            let lead = self.leading(span.start);
            let doc = print(self);
            let last = i + 1 == count;
            let sep = match (commas, last) {
                (true, false) => Doc::text(","),
                (true, true) => Doc::text(",").flat_alt(Doc::nil()),
                (false, false) => Doc::nil().flat_alt(Doc::text(",")),
                (false, true) => Doc::nil(),
            };
            let mut part = lead.append(doc).append(sep).append(self.trailing(span.end));
            if !last {
                part = part.append(Doc::line());
            }
            body.push(part);
        }
        let mut empty = count == 0;
        while let Some(c) = self.comment_before(close_at) {
            if !empty {
                body.push(Doc::hardline());
            }
            body.push(Doc::text(self.slice(c.span)).append(break_parent()));
            empty = false;
        }
        if empty {
            return Doc::text(open).append(close);
        }
        let body = concat(body);
        let edge = if pad { Doc::line() } else { Doc::line_() };
        Doc::text(open)
            .append(edge.clone().append(body).nest(INDENT))
            .append(edge)
            .append(close)
            .group()
    }
}

/// The documents one after another, as a balanced tree: a long file's
/// documents nest only logarithmically deep, so dropping them (which
/// recurses) needs no deep stack.
fn concat<'a>(mut docs: Vec<Doc<'a>>) -> Doc<'a> {
    while docs.len() > 1 {
        let mut pairs = Vec::with_capacity(docs.len() / 2 + 1);
        let mut it = docs.into_iter();
        while let Some(a) = it.next() {
            pairs.push(match it.next() {
                Some(b) => a.append(b),
                None => a,
            });
        }
        docs = pairs;
    }
    docs.pop().unwrap_or_else(Doc::nil)
}

/// Nothing when broken; cannot be laid out flat, so it breaks every group
/// around it (after a `//` comment, nothing may follow on the line).
fn break_parent<'a>() -> Doc<'a> {
    Doc::nil().flat_alt(Doc::hardline())
}
