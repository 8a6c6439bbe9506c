//! Why a condition is false: the [`Reason`]s of a failure.
//!
//! Explaining re-evaluates parts of the condition in the same frame (evaluation
//! is pure, so the values are the ones that made it fail). A part whose
//! re-evaluation faults is simply left unexplained.

use super::eval::{contains, Eval};
use crate::value::{render, Value};
use crate::verdict::Reason;
use polity_compiler::ir::{Expr, ExprKind, FnId, Program, UnOp};
use polity_compiler::types::Type;

/// How many elements of a collection a reason shows.
const SHOWN: usize = 8;

/// The longest argument value a call's reason shows (longer ones are shown as
/// written in the source).
const SHORT_ARGUMENT: usize = 40;

impl Eval<'_, '_> {
    /// The reasons a false `cond` is false.
    pub(crate) fn explain(&mut self, cond: &Expr) -> Vec<Reason> {
        let mut out = Vec::new();
        self.explain_into(cond, &mut out);
        out
    }

    fn explain_into(&mut self, e: &Expr, out: &mut Vec<Reason>) {
        match &e.kind {
            // `b` was evaluated only when `a` held.
            ExprKind::And(a, b) => match self.bool(a) {
                Ok(false) => self.explain_into(a, out),
                Ok(true) => {
                    if let Ok(false) = self.bool(b) {
                        self.explain_into(b, out);
                    }
                }
                Err(_) => {}
            },
            ExprKind::Or(a, b) => {
                if let (Ok(false), Ok(false)) = (self.bool(a), self.bool(b)) {
                    self.explain_into(a, out);
                    self.explain_into(b, out);
                }
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() => {
                if let (Ok(va), Ok(vb)) = (self.eval(a), self.eval(b)) {
                    let needs = format!("{} {}", op.symbol(), self.show(&b.ty, &vb));
                    out.push(self.reason(a, self.show(&a.ty, &va), Some(needs)));
                }
            }
            ExprKind::In(x, xs) => self.explain_in(x, xs, true, out),
            ExprKind::Unary(UnOp::Not, inner) => match &inner.kind {
                ExprKind::In(x, xs) => self.explain_in(x, xs, false, out),
                _ => out.push(self.reason(inner, "true".into(), Some("false".into()))),
            },
            ExprKind::CallLaw(law, arg) => {
                let subject = match arg.as_deref().map(|a| self.eval(a)).transpose() {
                    Ok(s) => s,
                    Err(_) => return,
                };
                let depth = self.depth.saturating_add(1);
                if let Ok(nested) = self.ctx.run_law(e.span, *law, subject, depth, true) {
                    let nested = nested.failures;
                    if !nested.is_empty() {
                        let mut reason = self.reason(e, "fail".into(), None);
                        reason.nested = nested;
                        out.push(reason);
                    }
                }
            }
            ExprKind::CallFn(f, args) => self.explain_call(e, *f, args, out),
            // Through the forms that choose what is evaluated: the part taken.
            ExprKind::Let(slot, value, body) => match self.eval(value) {
                Ok(v) => {
                    self.set(*slot, v);
                    self.explain_into(body, out);
                }
                Err(_) => out.push(self.reason(e, "false".into(), None)),
            },
            ExprKind::If(c, a, b) => match self.bool(c) {
                Ok(true) => self.explain_into(a, out),
                Ok(false) => self.explain_into(b, out),
                Err(_) => {}
            },
            _ => out.push(self.reason(e, "false".into(), None)),
        }
    }

    /// A false call of a Bool-valued fn: the call written with its argument
    /// values, and why inside the fn's body (at any depth, as far as the call
    /// depth limit allows).
    fn explain_call(&mut self, e: &Expr, f: FnId, args: &[Expr], out: &mut Vec<Reason>) {
        let program = self.ctx.program;
        let (Some(def), Ok(values)) = (program.fns.get(f.0 as usize), self.eval_all(args)) else {
            out.push(self.reason(e, "false".into(), None));
            return;
        };
        // An argument shows its value when that is short, else as written.
        let bound: Vec<String> = def
            .params
            .iter()
            .zip(&values)
            .zip(args)
            .map(|(((name, ty), v), arg)| {
                let shown = self.show(ty, v);
                if shown.chars().count() <= SHORT_ARGUMENT {
                    format!("{name} = {shown}")
                } else {
                    self.ctx.snippet(arg.span).to_string()
                }
            })
            .collect();
        let mut reason = self.reason(e, "false".into(), None);
        reason.expr = format!("{}({})", def.name, bound.join(", "));
        if let Ok((mut callee, body)) = self.fn_frame(e, f, values) {
            reason.inner = callee.explain(body);
        }
        out.push(reason);
    }

    /// `xs = [...], needs to contain x` (or `not to contain`).
    fn explain_in(&mut self, x: &Expr, xs: &Expr, wanted: bool, out: &mut Vec<Reason>) {
        let (Ok(vx), Ok(vxs)) = (self.eval(x), self.eval(xs)) else {
            return;
        };
        if contains(&vxs, &vx) == wanted {
            return;
        }
        let not = if wanted { "" } else { "not " };
        let needs = format!("{not}to contain {}", self.show(&x.ty, &vx));
        out.push(self.reason(xs, self.show(&xs.ty, &vxs), Some(needs)));
    }

    fn reason(&self, e: &Expr, value: String, needs: Option<String>) -> Reason {
        Reason {
            expr: self.ctx.snippet(e.span).to_string(),
            value,
            needs,
            nested: Vec::new(),
            inner: Vec::new(),
            span: e.span,
        }
    }

    fn show(&self, ty: &Type, v: &Value) -> String {
        render_truncated(self.ctx.program, ty, v)
    }
}

/// [`render`], but a list or set shows only its first elements:
/// `[1, 2, 3, 4, 5, 6, 7, 8, … (4 more)]`.
pub fn render_truncated(program: &Program, ty: &Type, v: &Value) -> String {
    let (open, close, items) = match v {
        Value::List(xs) if xs.len() > SHOWN => ('[', ']', xs),
        Value::Set(xs) if xs.len() > SHOWN => ('{', '}', xs),
        _ => return render(program, ty, v),
    };
    let elem = ty
        .strip_optional()
        .element()
        .cloned()
        .unwrap_or(Type::Never);
    let shown: Vec<String> = items
        .iter()
        .take(SHOWN)
        .map(|x| render(program, &elem, x))
        .collect();
    format!(
        "{open}{}, … ({} more){close}",
        shown.join(", "),
        items.len() - SHOWN
    )
}
