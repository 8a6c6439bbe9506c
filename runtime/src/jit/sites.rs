//! Sites: the expressions the interpreter evaluates while it decides and
//! explains a failing subject, compiled so that it hands them to machine
//! code (`mixed.rs`).
//!
//! A failing subject's explanation is made by the interpreter's walker
//! (`interp/explain.rs`), the specification of every reason; what costs time
//! is not the walk but the values it needs — a requirement's whole
//! condition, then each side of the comparisons that made it false, inside
//! fns, for each element of an `all(...)`. Each such expression that does
//! real work ([`hoist::heavy`]: an aggregate, a loop, a call with arguments,
//! a membership test, an index, decimal arithmetic...) is compiled as a
//! *site*: a function `(ctx, frame) -> (value, fault)` that reads the locals
//! it uses (its free locals) from a frame of words the host fills from the
//! interpreter's slots. So explaining a subject costs a few compiled
//! evaluations of its parts, not an interpretation of the whole law.
//!
//! Which expressions: the ones the walker and a law's run reach, found by
//! following the same structure as `Eval::explain_into`: every statement's
//! expression of every law, and from each: both sides of `and`/`or`, of a
//! comparison and of `in`; a `count`/`sum` operand's source and filter; an
//! `all`/`any`'s source, filter and element; a call's arguments, and the
//! body of the fn it calls (once per fn); a `let`'s value and body; an
//! `if`'s condition and branches. A site that cannot be translated is
//! simply not one (the interpreter evaluates it).

use super::hoist::{free_locals, heavy};
use crate::interp::{parts_of, DERIVED_DEPTH};
use polity_compiler::ir::{with_stack, Expr, ExprKind, LoopKind, Program, UnOp};
use polity_compiler::types::Type;
use std::collections::HashSet;

/// Whether evaluating `e` may take long enough that handing it to compiled
/// code pays for the handing over (converting the locals it reads into
/// words and its value back, about a microsecond): it holds a loop, fold or
/// grouping, a call (whose body may; a constant or a fn without parameters
/// is then read from the compiled code's memo instead of evaluated again by
/// the interpreter), a law call, or reads a state name (which may be a long
/// list). Membership in, or an aggregate
/// of, a record's own short list (`s.id in s.vouched_by`) is left to the
/// interpreter.
fn costly(e: &Expr) -> bool {
    let own = matches!(
        e.kind,
        ExprKind::Loop(_)
            | ExprKind::Fold(_)
            | ExprKind::ByKey(_)
            | ExprKind::CallLaw(..)
            | ExprKind::CallFn(..)
            | ExprKind::Const(_)
            | ExprKind::State(_)
    );
    let mut any = own;
    e.for_each_child(&mut |c| any = any || costly(c));
    any
}

/// An expression compiled as a site.
pub struct Site<'p> {
    /// The expression.
    pub expr: &'p Expr,
    /// The locals it reads from its frame (slot, type).
    pub free: Vec<(u32, &'p Type)>,
}

/// The sites of `program`, each once, in the order the walk meets them.
///
/// Only for the laws `laws` marks (by index): a law left to the
/// interpreter explains without compiled sites.
pub fn find_for<'p>(program: &'p Program, laws: &[bool]) -> Vec<Site<'p>> {
    let mut w = Walk {
        program,
        seen: Vec::new(),
        known: HashSet::new(),
        fns: vec![false; program.fns.len()],
        derived: vec![false; program.fns.len()],
    };
    let chosen = program
        .laws
        .iter()
        .zip(laws)
        .filter_map(|(law, on)| on.then_some(law));
    for law in chosen {
        for e in law.stmt_exprs() {
            w.cond(e);
        }
    }
    w.seen
        .into_iter()
        .map(|expr| Site {
            expr,
            free: free_locals(expr),
        })
        .collect()
}

struct Walk<'p> {
    program: &'p Program,
    seen: Vec<&'p Expr>,
    /// The addresses of `seen`'s expressions.
    known: HashSet<*const Expr>,
    /// Fns whose bodies were walked.
    fns: Vec<bool>,
    /// Fns whose bodies were walked for how their values are computed.
    derived: Vec<bool>,
}

impl<'p> Walk<'p> {
    /// An expression the interpreter evaluates as a whole.
    fn value(&mut self, e: &'p Expr) {
        if heavy(e) && costly(e) && self.known.insert(std::ptr::from_ref(e)) {
            self.seen.push(e);
        }
    }

    /// A condition: evaluated, then explained through its parts. A form the
    /// interpreter evaluates by evaluating its parts (`and`, `or`, `not`, a
    /// comparison, `if`, `let`, a call of a fn whose body is walked) is not
    /// a site itself: its parts are, so it costs one compiled evaluation of
    /// each part either way, and is not compiled twice.
    fn cond(&mut self, e: &'p Expr) {
        with_stack(|| self.cond_here(e));
    }

    /// [`Walk::cond`] on the current stack.
    fn cond_here(&mut self, e: &'p Expr) {
        let composed = match &e.kind {
            ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::Unary(UnOp::Not, _)
            | ExprKind::If(..)
            | ExprKind::Let(..)
            | ExprKind::CallFn(..) => true,
            ExprKind::Binary(op, ..) => op.is_comparison(),
            _ => false,
        };
        if !composed {
            self.value(e);
        }
        match &e.kind {
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                self.cond(a);
                self.cond(b);
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() => {
                self.operand(a);
                self.value(b);
                self.derive(a, DERIVED_DEPTH);
                self.derive(b, DERIVED_DEPTH);
            }
            ExprKind::Loop(l) if matches!(l.kind, LoopKind::All | LoopKind::Any) => {
                for c in &l.clauses {
                    self.value(&c.source);
                    if let Some(f) = &c.filter {
                        self.value(f);
                    }
                }
                self.cond(&l.elem);
            }
            ExprKind::In(x, xs) => {
                self.value(x);
                self.value(xs);
            }
            ExprKind::Unary(UnOp::Not, inner) => self.cond(inner),
            ExprKind::CallLaw(_, Some(arg)) => self.value(arg),
            ExprKind::CallFn(f, args) => {
                for a in args {
                    self.value(a);
                }
                let walked = self
                    .fns
                    .get_mut(f.0 as usize)
                    .map(|w| std::mem::replace(w, true));
                if walked == Some(false) {
                    if let Some(def) = self.program.fns.get(f.0 as usize) {
                        self.cond(&def.body);
                    }
                }
            }
            ExprKind::Let(_, value, body) => {
                self.value(value);
                self.cond(body);
            }
            ExprKind::If(c, a, b) => {
                self.value(c);
                self.cond(a);
                self.cond(b);
            }
            _ => {}
        }
    }

    /// What `--explain full` evaluates to say how `x` was computed
    /// (`Eval::derive`): the parts of its arithmetic, a called fn's body
    /// and its parts, a `let`'s value, `depth` levels down.
    fn derive(&mut self, x: &'p Expr, depth: u32) {
        if depth == 0 {
            return;
        }
        match &x.kind {
            ExprKind::CallFn(f, args) => {
                for a in args {
                    self.value(a);
                }
                let derived = self
                    .derived
                    .get_mut(f.0 as usize)
                    .map(|w| std::mem::replace(w, true));
                if derived == Some(false) {
                    if let Some(def) = self.program.fns.get(f.0 as usize) {
                        self.value(&def.body);
                        self.derive_parts(&def.body, depth - 1);
                    }
                }
            }
            ExprKind::Field(..)
            | ExprKind::OptField(..)
            | ExprKind::Local(_)
            | ExprKind::Const(_)
            | ExprKind::Fold(_)
            | ExprKind::ByKey(_)
            | ExprKind::Match(..) => {}
            _ => self.derive_parts(x, depth),
        }
    }

    fn derive_parts(&mut self, x: &'p Expr, depth: u32) {
        with_stack(|| self.derive_parts_here(x, depth));
    }

    fn derive_parts_here(&mut self, x: &'p Expr, depth: u32) {
        if depth == 0 {
            return;
        }
        match &x.kind {
            ExprKind::Let(_, value, body) => {
                self.value(value);
                self.derive_parts(value, depth);
                self.derive_parts(body, depth);
            }
            ExprKind::Loop(_) => self.operand(x),
            _ => {
                for part in parts_of(x) {
                    self.value(part);
                    self.derive(part, depth - 1);
                }
            }
        }
    }

    /// The left side of a comparison, and, when it is a `count` or `sum`
    /// with a filter, the source and filter the walker counts through.
    fn operand(&mut self, e: &'p Expr) {
        self.value(e);
        if let ExprKind::Loop(l) = &e.kind {
            if let ([c], LoopKind::Count | LoopKind::Sum(_)) = (l.clauses.as_slice(), l.kind) {
                if let Some(f) = &c.filter {
                    self.value(&c.source);
                    self.value(f);
                }
            }
        }
    }
}
