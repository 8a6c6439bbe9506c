//! Checking one REPL line in the scope of a checked charter.
//!
//! The line is checked like the body of a declaration of the charter: every
//! declaration is visible, and the session's earlier `let` bindings are the
//! first locals of the frame (slot `i` holds binding `i`), so the runtime
//! evaluates the line in a frame whose first slots it fills with their values.
//!
//! *Architecture Invariant:* the charter's declarations get the same ids as
//! in the program [`super::check`] built from the same modules, so the IR of a
//! line runs against that program.

use super::{Checker, Decls};
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::span::SourceMap;
use crate::syntax::ast;
use crate::types::Type;

/// A checked REPL line.
#[derive(Clone, Debug)]
pub struct ReplChecked {
    /// The name a `let` line binds (`None` for an expression).
    pub binds: Option<String>,
    /// The value to evaluate; its type is `expr.ty`.
    pub expr: ir::Expr,
    /// Slots its frame needs, the bindings' slots included.
    pub frame_size: u32,
}

/// Checks `input` against the charter whose parsed files are `modules` (which
/// must have checked without errors), with `bindings` (name, type) in scope in
/// this order. `sources` must hold the line's file. `None` when the line has
/// an error; the diagnostics then point into the line.
pub fn check_repl(
    modules: &[ast::Module],
    sources: &SourceMap,
    bindings: &[(String, Type)],
    input: &ast::ReplInput,
) -> (Option<ReplChecked>, Vec<Diagnostic>) {
    // The charter checked cleanly already: what setting up reports again
    // (warnings) is not about this line.
    let mut scratch = Vec::new();
    let mut decls = Decls::collect(modules, &mut scratch);
    // The line is written inside the root charter: it sees its private names.
    let line = match input {
        ast::ReplInput::Let(l) => l.span.file,
        ast::ReplInput::Expr(e) => e.span.file,
    };
    decls.inside.insert(line, crate::span::FileId(0));
    let mut c = Checker::new(&decls, sources, Vec::new());
    for (name, ty) in bindings {
        c.frame.bind(name, ty.clone());
    }
    let (binds, expr) = match input {
        ast::ReplInput::Let(l) => (Some(l.name.name.clone()), c.check_let_value(l)),
        ast::ReplInput::Expr(e) => (None, c.check_expr(e, None)),
    };
    let frame_size = c.frame.size();
    let mut diags = c.diags;
    super::sort_diagnostics(&mut diags);
    let checked = ReplChecked {
        binds,
        expr,
        frame_size,
    };
    let ok = !diags.iter().any(Diagnostic::is_error);
    (ok.then_some(checked), diags)
}
