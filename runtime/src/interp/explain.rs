//! Why a condition is false: the [`Reason`]s of a failure.
//!
//! Explaining re-evaluates parts of the condition in the same frame (evaluation
//! is pure, so the values are the ones that made it fail). A part whose
//! re-evaluation faults is simply left unexplained.

use super::eval::{contains, Eval};
use super::Explain;
use crate::value::Value;
use crate::verdict::{Reason, Subject};
use polity_compiler::ir::{BinOp, Expr, ExprKind, FnId, LocalId, Loop, LoopKind, Program, UnOp};
use polity_compiler::types::Type;

/// How many elements of a collection a reason shows.
const SHOWN: usize = 8;

/// How many failing elements of an `all(...)` a reason shows.
const SHOWN_ELEMENTS: usize = 3;

/// A reason that is only text.
fn note(e: &Expr, text: String) -> Reason {
    Reason {
        expr: text,
        value: String::new(),
        needs: None,
        nested: Vec::new(),
        inner: Vec::new(),
        span: e.span,
    }
}

/// The element of an `any(a op b for ...)` closest to passing: the greatest
/// `a` for `>`/`>=`, the least for `<`/`<=`, while `b` is the same for all.
struct Nearest<'e> {
    a: &'e Expr,
    b: &'e Expr,
    greatest: bool,
    /// The bound every element was compared with, while it is one bound.
    bound: Option<Result<Value, ()>>,
    best: Option<(usize, Value, Value)>,
}

impl<'e> Nearest<'e> {
    fn of(elem: &'e Expr) -> Option<Nearest<'e>> {
        let ExprKind::Binary(op, a, b) = &elem.kind else {
            return None;
        };
        let greatest = match op {
            BinOp::Gt | BinOp::Ge => true,
            BinOp::Lt | BinOp::Le => false,
            _ => return None,
        };
        Some(Nearest {
            a,
            b,
            greatest,
            bound: None,
            best: None,
        })
    }

    /// Considers element `i`, `x` (bound in `eval`'s frame).
    fn offer(&mut self, eval: &mut Eval<'_, '_>, i: usize, x: &Value) {
        let (Ok(a), Ok(b)) = (eval.eval(self.a), eval.eval(self.b)) else {
            self.bound = Some(Err(()));
            return;
        };
        match &self.bound {
            None => self.bound = Some(Ok(b)),
            Some(Ok(first)) if *first == b => {}
            _ => {
                self.bound = Some(Err(()));
                return;
            }
        }
        let closer = match &self.best {
            None => true,
            Some((_, _, best)) if self.greatest => a > *best,
            Some((_, _, best)) => a < *best,
        };
        if closer {
            self.best = Some((i, x.clone(), a));
        }
    }

    /// The closest element and its value, if one bound held throughout and
    /// there was more than one element to choose from.
    fn best(self, tried: usize) -> Option<(usize, Value)> {
        match (self.bound, self.best) {
            (Some(Ok(_)), Some((i, x, _))) if tried > 1 => Some((i, x)),
            _ => None,
        }
    }
}

/// How an element is named, as a law's subject is (its record's `id`, else
/// its position `#2`), a Text id quoted as values are.
fn element_label(program: &Program, ty: &Type, i: usize, x: &Value) -> String {
    let elem = ty.element().cloned().unwrap_or(Type::Never);
    match super::subject_of(program, &elem, i, x) {
        Subject::Id(id) => format!("{id:?}"),
        other => other.to_string(),
    }
}

/// The longest argument value a call's reason shows (longer ones are shown as
/// written in the source).
const SHORT_ARGUMENT: usize = 40;

impl<'p> Eval<'_, 'p> {
    /// The reasons a false `cond` is false.
    pub(crate) fn explain(&mut self, cond: &Expr) -> Vec<Reason> {
        // What explaining evaluates again is not what the evaluation reached.
        let _paused = self.ctx.coverage.map(super::coverage::Coverage::pause);
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
                    let needs = self.show_after(&[op.symbol(), " "], &b.ty, &vb);
                    let mut reason = self.reason(a, self.show(&a.ty, &va), Some(needs));
                    reason.inner = self.filtered(a);
                    if self.ctx.explain == Explain::Full {
                        // (A `count` or `sum`'s filter is shown already.)
                        let mut lets = Vec::new();
                        if !matches!(a.kind, ExprKind::Loop(_)) {
                            let how = self.derive(a, DERIVED_DEPTH, &mut lets);
                            reason.inner.extend(how);
                        }
                        let how = self.derive(b, DERIVED_DEPTH, &mut lets);
                        reason.inner.extend(how);
                    }
                    out.push(reason);
                }
            }
            ExprKind::Loop(l) if matches!(l.kind, LoopKind::All | LoopKind::Any) => {
                self.explain_all_any(e, l, out)
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
            // A law's `let`: why its value is false.
            ExprKind::Local(slot) if self.lets.iter().any(|(s, _, _)| s == slot) => {
                let Some(&(_, name, value)) = self.lets.iter().rev().find(|(s, _, _)| s == slot)
                else {
                    return;
                };
                let mut reason = self.reason(e, "false".into(), None);
                reason.expr = name.to_string();
                reason.inner = self.explain(value);
                out.push(reason);
            }
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

    /// For a `count(...)` or `sum(...)` with a filter: how many elements the
    /// filter let through (a note).
    fn filtered(&mut self, e: &Expr) -> Vec<Reason> {
        let ExprKind::Loop(l) = &e.kind else {
            return Vec::new();
        };
        let ([c], LoopKind::Count | LoopKind::Sum(_)) = (l.clauses.as_slice(), l.kind) else {
            return Vec::new();
        };
        let Some(filter) = &c.filter else {
            return Vec::new();
        };
        let Ok(source) = self.eval(&c.source) else {
            return Vec::new();
        };
        let (mut passed, total) = (0usize, source.elements().len());
        let Ok(visited) = self.visit(c, &source) else {
            return Vec::new();
        };
        for i in visited {
            let Some(x) = source.elements().get(i) else {
                continue;
            };
            self.bind_clause(c, i, x);
            match self.bool(filter) {
                Ok(true) => passed += 1,
                Ok(false) => {}
                Err(_) => return Vec::new(),
            }
        }
        let text = match total {
            0 => "the collection is empty".to_string(),
            1 => format!("{passed} of 1 element passes the filter"),
            _ => format!("{passed} of {total} elements pass the filter"),
        };
        vec![note(e, text)]
    }

    /// A false `all(...)`: the first elements for which it is false (by `id`
    /// or position), each explained; a false `any(...)`: how many elements
    /// were tried. Loops of one `for` clause only.
    fn explain_all_any(&mut self, e: &Expr, l: &Loop, out: &mut Vec<Reason>) {
        let mut reason = self.reason(e, "false".into(), None);
        let [c] = l.clauses.as_slice() else {
            out.push(reason);
            return;
        };
        let Ok(source) = self.eval(&c.source) else {
            out.push(reason);
            return;
        };
        let (mut tried, mut failing) = (0usize, 0usize);
        let mut nearest = Nearest::of(&l.elem);
        let Ok(visited) = self.visit(c, &source) else {
            out.push(reason);
            return;
        };
        for i in visited {
            let Some(x) = source.elements().get(i) else {
                continue;
            };
            self.bind_clause(c, i, x);
            match c.filter.as_ref().map(|f| self.bool(f)) {
                Some(Ok(false)) => continue,
                Some(Err(_)) => break,
                _ => {}
            }
            tried += 1;
            if l.kind == LoopKind::Any {
                if let Some(n) = nearest.as_mut() {
                    n.offer(self, i, x);
                }
            }
            if l.kind != LoopKind::All || !matches!(self.bool(&l.elem), Ok(false)) {
                continue;
            }
            failing += 1;
            if failing <= SHOWN_ELEMENTS {
                let label = element_label(self.ctx.program, &c.source.ty, i, x);
                let mut element = note(e, format!("element {label}"));
                element.inner = self.explain(&l.elem);
                reason.inner.push(element);
            }
        }
        if failing > SHOWN_ELEMENTS {
            let more = failing - SHOWN_ELEMENTS;
            reason.inner.push(note(e, format!("and {more} more")));
        }
        if l.kind == LoopKind::Any {
            let text = match tried {
                0 => "the collection is empty".to_string(),
                1 => "its one element is not".to_string(),
                _ => format!("none of {tried} elements"),
            };
            reason.inner.push(note(e, text));
            // The element closest to passing, when every element is held to
            // the same bound (`v.weight > 10`).
            if let Some((i, x)) = nearest.and_then(|n| n.best(tried)) {
                self.bind_clause(c, i, &x);
                let label = element_label(self.ctx.program, &c.source.ty, i, &x);
                let mut element = note(e, format!("nearest: element {label}"));
                element.inner = self.explain(&l.elem);
                reason.inner.push(element);
            }
        }
        out.push(reason);
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
                match render_short(self.ctx.program, ty, v, SHORT_ARGUMENT) {
                    Some(shown) => format!("{name} = {shown}"),
                    None => super::why::one_line(self.ctx.snippet(arg.span)),
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
        let needs = self.show_after(&[not, "to contain "], &x.ty, &vx);
        out.push(self.reason(xs, self.show(&xs.ty, &vxs), Some(needs)));
    }

    /// How `x`'s value was computed ([`Explain::Full`]): the value of each
    /// call, `let`, constant, aggregate or field read it is made of, each
    /// with how it was computed in turn (a fn's body with its arguments
    /// bound), `depth` levels down. `lets` are the `let`s of fn bodies
    /// entered on the way (slot and value).
    fn derive<'x>(
        &mut self,
        x: &'x Expr,
        depth: u32,
        lets: &mut Vec<(LocalId, &'x Expr)>,
    ) -> Vec<Reason>
    where
        'p: 'x,
    {
        if depth == 0 {
            return Vec::new();
        }
        match &x.kind {
            ExprKind::CallFn(f, args) => {
                let program = self.ctx.program;
                let (Some(def), Ok(values)) = (program.fns.get(f.0 as usize), self.eval_all(args))
                else {
                    return Vec::new();
                };
                let Ok((mut callee, body)) = self.fn_frame(x, *f, values) else {
                    return Vec::new();
                };
                let Ok(v) = callee.eval(body) else {
                    return Vec::new();
                };
                let mut reason = callee.reason(body, callee.show(&def.ret, &v), None);
                reason.expr = format!("{} = {}", def.name, reason.expr);
                reason.inner = callee.derive_parts(body, depth - 1, &mut Vec::new());
                vec![reason]
            }
            ExprKind::Local(slot) => {
                let law_let = self.lets.iter().rev().find(|(s, _, _)| s == slot);
                let value = match (law_let, lets.iter().rev().find(|(s, _)| s == slot)) {
                    (_, Some((_, v))) => *v,
                    (Some((_, _, v)), None) => *v,
                    (None, None) => return Vec::new(),
                };
                self.derive_parts(value, depth, lets)
            }
            ExprKind::Const(id) => {
                let Some(def) = self.ctx.program.consts.get(id.0 as usize) else {
                    return Vec::new();
                };
                let mut frame = Eval::new(self.ctx, def.frame_size, self.depth);
                frame.derive_parts(&def.value, depth, &mut Vec::new())
            }
            ExprKind::Loop(_) => self.filtered(x),
            // A field read is its value: the record it is read from says no
            // more about how it was computed. Inside a form that binds
            // locals (a fold's body, a `match` arm, a key) the parts have
            // no values of their own.
            ExprKind::Field(..)
            | ExprKind::OptField(..)
            | ExprKind::Fold(_)
            | ExprKind::ByKey(_)
            | ExprKind::Match(..) => Vec::new(),
            _ => self.derive_parts(x, depth, lets),
        }
    }

    /// The parts of `x` (the largest calls, `let`s, constants, aggregates,
    /// field reads and indexes inside its arithmetic), each with its value
    /// and how it was computed; for an aggregate, how many elements its
    /// filter let through.
    fn derive_parts<'x>(
        &mut self,
        x: &'x Expr,
        depth: u32,
        lets: &mut Vec<(LocalId, &'x Expr)>,
    ) -> Vec<Reason>
    where
        'p: 'x,
    {
        if depth == 0 {
            return Vec::new();
        }
        if let ExprKind::Let(slot, value, body) = &x.kind {
            let Ok(v) = self.eval(value) else {
                return Vec::new();
            };
            self.set(*slot, v);
            lets.push((*slot, value));
            let out = self.derive_parts(body, depth, lets);
            lets.pop();
            return out;
        }
        if let ExprKind::Loop(_) = &x.kind {
            return self.filtered(x);
        }
        let mut out = Vec::new();
        for part in parts_of(x) {
            if out.len() == SHOWN {
                break;
            }
            // The subject, a parameter or a loop variable is shown where it
            // is used, not as a part.
            if let ExprKind::Local(slot) = &part.kind {
                let bound = lets.iter().any(|(s, _)| s == slot)
                    || self.lets.iter().any(|(s, _, _)| s == slot);
                if !bound {
                    continue;
                }
            }
            let Ok(v) = self.eval(part) else {
                continue;
            };
            let mut reason = self.reason(part, self.show(&part.ty, &v), None);
            reason.inner = self.derive(part, depth - 1, lets);
            out.push(reason);
        }
        out
    }

    fn reason(&self, e: &Expr, value: String, needs: Option<String>) -> Reason {
        Reason {
            expr: super::why::one_line(self.ctx.snippet(e.span)),
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

    /// The pieces of `prefix`, then `v` as [`Eval::show`] renders it, in
    /// one string (a reason's `needs`: every failing comparison makes one,
    /// and `format!`'s machinery cost several times the copying).
    fn show_after(&self, prefix: &[&str], ty: &Type, v: &Value) -> String {
        let len: usize = prefix.iter().map(|p| p.len()).sum();
        let mut out = String::with_capacity(len + 32);
        prefix.iter().for_each(|p| out.push_str(p));
        truncated_into(self.ctx.program, ty, v, usize::MAX, &mut out);
        out
    }
}

/// How many levels of [`Eval::derive`] a full explanation shows.
pub(crate) const DERIVED_DEPTH: u32 = 4;

/// The parts of `x` whose values say how it was computed: the largest
/// subexpressions that are calls, `let`s, constants, aggregates, built-ins,
/// indexes or field reads (not literals, and not the subject or a loop
/// variable on its own).
fn collect_parts<'x>(x: &'x Expr, out: &mut Vec<&'x Expr>) {
    match &x.kind {
        _ if is_part(x) => out.push(x),
        ExprKind::Lit(_) => {}
        // Its arms may bind locals: only what it matches on.
        ExprKind::Match(scrutinee, _) => collect_parts(scrutinee, out),
        // Its body is reached through the `let` (`Eval::derive_parts`).
        ExprKind::Let(_, value, _) => collect_parts(value, out),
        _ => x.for_each_child(&mut |c| collect_parts(c, out)),
    }
}

/// The parts `x`'s value is shown to be computed from
/// ([`Eval::derive_parts`]): those of its operands when `x` is a part
/// itself (a call's arguments, a built-in's), else those inside it; none
/// inside a form that binds locals.
pub(crate) fn parts_of(x: &Expr) -> Vec<&Expr> {
    let mut parts = Vec::new();
    match &x.kind {
        ExprKind::Fold(_) | ExprKind::ByKey(_) => {}
        _ if is_part(x) => x.for_each_child(&mut |c| collect_parts(c, &mut parts)),
        _ => collect_parts(x, &mut parts),
    }
    parts
}

/// Whether `x` is shown as a part of a value ([`collect_parts`]).
fn is_part(x: &Expr) -> bool {
    matches!(
        x.kind,
        ExprKind::CallFn(..)
            | ExprKind::CallLaw(..)
            | ExprKind::Const(_)
            | ExprKind::Loop(_)
            | ExprKind::Builtin(..)
            | ExprKind::Fold(_)
            | ExprKind::ByKey(_)
            | ExprKind::Index(..)
            | ExprKind::Field(..)
            | ExprKind::OptField(..)
            | ExprKind::State(_)
            | ExprKind::Local(_)
    )
}

/// [`render`](crate::value::render), but a list or set shows only its first elements:
/// `[1, 2, 3, 4, 5, 6, 7, 8, … (4 more)]`.
pub fn render_truncated(program: &Program, ty: &Type, v: &Value) -> String {
    // Room for the usual value of a reason (`Exited`, `{Citizen}`, `40
    // days`) at once, rather than grown through 8, 16 and 32 bytes.
    let mut out = String::with_capacity(32);
    truncated_into(program, ty, v, usize::MAX, &mut out);
    out
}

/// [`render_truncated`] when it is at most `max` characters long, else
/// `None`; a long value is not rendered whole to find that out.
pub(crate) fn render_short(program: &Program, ty: &Type, v: &Value, max: usize) -> Option<String> {
    // A record whose names alone pass `max` (a member, a sailor: the usual
    // argument of a Bool fn) is not rendered at all.
    if record_chars_at_least(program, ty, v) > max {
        return None;
    }
    let mut out = String::with_capacity(max + 16);
    truncated_into(program, ty, v, max, &mut out);
    if out.len() > max && out.chars().count() <= max {
        // Stopped past `max` bytes but not characters (characters of more
        // than one byte): only the whole rendering can say.
        out = render_truncated(program, ty, v);
    }
    (out.chars().count() <= max).then_some(out)
}

/// At most as many characters as a record value's rendering has
/// (`Name { field: value, ... }`, each value at least one character); 0
/// for any other value.
fn record_chars_at_least(program: &Program, ty: &Type, v: &Value) -> usize {
    let (Value::Record(fs), Type::Record(id)) = (v, ty.strip_optional()) else {
        return 0;
    };
    let Some(def) = program.record(*id) else {
        return 0;
    };
    let fields: usize = def
        .fields
        .iter()
        .take(fs.len())
        .map(|f| f.name.chars().count() + ": ".len() + 1)
        .sum();
    let separators = ", ".len() * fs.len().min(def.fields.len()).saturating_sub(1);
    def.name.chars().count() + " { ".len() + fields + separators + " }".len()
}

/// [`render_truncated`] into `out`, stopping once `out` holds more than
/// `stop` bytes.
fn truncated_into(program: &Program, ty: &Type, v: &Value, stop: usize, out: &mut String) {
    let (open, close, items) = match v {
        Value::List(xs) if xs.len() > SHOWN => ('[', ']', xs),
        Value::Set(xs) if xs.len() > SHOWN => ('{', '}', xs),
        _ => return crate::value::render_into(program, ty, v, usize::MAX, stop, out),
    };
    let elem = ty
        .strip_optional()
        .element()
        .cloned()
        .unwrap_or(Type::Never);
    out.push(open);
    let shown = items.iter().take(SHOWN);
    if crate::value::render_elements(program, &elem, shown, usize::MAX, stop, out) {
        out.push_str(", … (");
        out.push_str(&(items.len() - SHOWN).to_string());
        out.push_str(" more)");
        out.push(close);
    }
}
