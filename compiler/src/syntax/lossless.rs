//! What a lossless parse returns beside the AST: for tools that must
//! reproduce or explain the text as written (`polity fmt`, a language server).
//!
//! The AST is what the charter means; it drops comments, blank lines and
//! parentheses (a parenthesised expression is the expression, re-spanned to
//! include them). [`Parsed`] keeps all three, so the text can be rebuilt from
//! the AST without losing anything a reader wrote.

use std::collections::BTreeMap;

use super::ast;
use super::lexer::Trivia;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// A file parsed with everything written kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The declarations; those that do not parse are [`ast::Item::Error`]
    /// nodes (and statements [`ast::LawStmt::Error`], [`ast::TestStmt::Error`]).
    pub module: ast::Module,
    /// The syntax errors (and lexical ones), as [`super::parse`] reports them.
    pub diagnostics: Vec<Diagnostic>,
    /// Comments and blank lines.
    pub trivia: Trivia,
    /// Where expressions were written in parentheses.
    pub parens: Parens,
}

impl Parsed {
    /// Whether the file parsed without errors (warnings allowed).
    pub fn is_ok(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The parenthesised expressions of a file, by the span of their text with
/// the parentheses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parens {
    /// From the span with a pair of parentheses to the span inside them.
    inner: BTreeMap<(u32, u32), Span>,
}

impl Parens {
    /// From the parser's `(outer, inner)` pairs.
    pub fn new(pairs: Vec<(Span, Span)>) -> Parens {
        let inner = pairs
            .into_iter()
            .map(|(outer, inner)| ((outer.start, outer.end), inner))
            .collect();
        Parens { inner }
    }

    /// For an expression's span (which includes any parentheses around it):
    /// how many pairs of parentheses were written around it and the span of
    /// the expression inside them all. `(0, span)` when there were none.
    pub fn unwrap(&self, span: Span) -> (usize, Span) {
        let mut levels = 0;
        let mut at = span;
        while let Some(inner) = self.inner.get(&(at.start, at.end)) {
            // Each level is strictly inside the previous, so this ends.
            if inner.end.saturating_sub(inner.start) >= at.end.saturating_sub(at.start) {
                break;
            }
            levels += 1;
            at = *inner;
        }
        (levels, at)
    }

    /// How many parenthesised expressions there are.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

/// The declaration, law statement or test statement error nodes of a module,
/// in source order: the spans of the text that did not parse.
pub fn error_nodes(module: &ast::Module) -> Vec<Span> {
    let mut out = Vec::new();
    for item in &module.items {
        match item {
            ast::Item::Error(span) => out.push(*span),
            ast::Item::Law(law) => law_errors(&law.body, &mut out),
            ast::Item::Test(test) => out.extend(test.body.iter().filter_map(|s| match s {
                ast::TestStmt::Error(span) => Some(*span),
                _ => None,
            })),
            _ => {}
        }
    }
    out
}

fn law_errors(body: &[ast::LawStmt], out: &mut Vec<Span>) {
    for stmt in body {
        match stmt {
            ast::LawStmt::Error(span) => out.push(*span),
            ast::LawStmt::When(w) => law_errors(&w.body, out),
            _ => {}
        }
    }
}
