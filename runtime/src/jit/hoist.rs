//! State-only subexpressions, evaluated once per evaluation context.
//!
//! In `law may_pay(p in proposals) { require p.amount <= 10% * treasury.balance }`
//! the product does not depend on the subject: every subject computes the
//! same value, or the same fault. The JIT compiles such an expression as a
//! thunk of its own with a memo slot after the constants' and parameterless
//! fns' ([`crate::jit`]'s memo), so it is evaluated the first time a subject
//! reaches it and read from the memo afterwards, as a constant is. A
//! subject that never reaches it (short-circuit, `if`, an empty loop) never
//! evaluates it, and a fault is memoised with its site, so every subject
//! that reaches it faults with the same kind and span as in the
//! interpreter, which evaluates it afresh each time. Its steps and bytes
//! are charged to each subject at each use, as the interpreter counts them;
//! where a subject has not that much left, or where the expression ran out
//! of a budget in its own unit (memoised as exhausted), it is evaluated
//! again in place, with what the subject has left, and runs out at the
//! interpreter's site (`translate.rs`, `Body::Memo`).
//!
//! An expression is memoised when it is *closed* (it reads no local bound
//! outside it: no subject, parameter, `let` or loop variable) and *heavy*
//! (it contains an aggregate, a loop, a call with arguments, a law call, a
//! membership test, an index, a decimal operation or a constructed value),
//! and it is the largest such expression around it. A heavy expression
//! never counts as one that cannot fail, so `a and e` keeps its branch
//! when `e` is memoised (a memo miss stops a bulk entry).

use polity_compiler::ir::{Clause, Expr, ExprKind, Pattern};
use polity_compiler::types::Type;

/// The largest closed, heavy subexpressions of `roots`, in evaluation order.
/// A root itself is included only with `include_roots` (not for a
/// constant's own body, which is memoised already).
pub fn memoisable<'p>(roots: &[&'p Expr], include_roots: bool) -> Vec<&'p Expr> {
    let mut out = Vec::new();
    for root in roots {
        if include_roots {
            visit(root, &mut out);
        } else {
            root.for_each_child(&mut |c| visit(c, &mut out));
        }
    }
    out
}

fn visit<'p>(e: &'p Expr, out: &mut Vec<&'p Expr>) {
    if heavy(e) && closed(e) {
        out.push(e);
        return;
    }
    e.for_each_child(&mut |c| visit(c, out));
}

/// Whether every local `e` reads is bound inside it.
fn closed(e: &Expr) -> bool {
    let mut free = Vec::new();
    free_in(e, &mut Vec::new(), &mut free);
    free.is_empty()
}

/// The locals `e` reads that are not bound inside it (slot and type, each
/// once, in the order first read).
pub fn free_locals(e: &Expr) -> Vec<(u32, &Type)> {
    let mut free = Vec::new();
    free_in(e, &mut Vec::new(), &mut free);
    free
}

/// Adds to `free` the locals `e` reads that are not in `bound` (those bound
/// by the expressions around the current one, inside the root).
fn free_in<'e>(e: &'e Expr, bound: &mut Vec<u32>, free: &mut Vec<(u32, &'e Type)>) {
    polity_compiler::ir::with_stack(|| free_in_here(e, bound, free));
}

/// [`free_in`] on the current stack.
fn free_in_here<'e>(e: &'e Expr, bound: &mut Vec<u32>, free: &mut Vec<(u32, &'e Type)>) {
    match &e.kind {
        ExprKind::Local(id) => {
            if !bound.contains(&id.0) && !free.iter().any(|(s, _)| *s == id.0) {
                free.push((id.0, &e.ty));
            }
        }
        ExprKind::Let(id, value, body) => {
            free_in(value, bound, free);
            within(bound, &[id.0], |bound| free_in(body, bound, free));
        }
        ExprKind::Loop(l) => free_in_clauses(&l.clauses, &l.elem, bound, free),
        ExprKind::ByKey(k) => {
            free_in(&k.source, bound, free);
            if let Some(n) = &k.count {
                free_in(n, bound, free);
            }
            within(bound, &[k.var.0], |bound| free_in(&k.key, bound, free));
        }
        ExprKind::Fold(f) => {
            free_in(&f.init, bound, free);
            free_in(&f.source, bound, free);
            within(bound, &[f.acc.0, f.var.0], |bound| {
                free_in(&f.body, bound, free)
            });
        }
        ExprKind::Match(x, arms) => {
            free_in(x, bound, free);
            for arm in arms {
                let vars: Vec<u32> = match arm.pattern {
                    Pattern::Some(id) => vec![id.0],
                    _ => Vec::new(),
                };
                within(bound, &vars, |bound| free_in(&arm.body, bound, free));
            }
        }
        _ => e.for_each_child(&mut |c| free_in(c, bound, free)),
    }
}

/// The free locals of the loop of `clauses` around `elem`: each clause's
/// source and filter with the variables of the clauses before it bound.
fn free_in_clauses<'e>(
    clauses: &'e [Clause],
    elem: &'e Expr,
    bound: &mut Vec<u32>,
    free: &mut Vec<(u32, &'e Type)>,
) {
    let Some((c, rest)) = clauses.split_first() else {
        return free_in(elem, bound, free);
    };
    let vars: Vec<u32> = std::iter::once(c.var.0)
        .chain(c.index.map(|i| i.0))
        .collect();
    free_in(&c.source, bound, free);
    within(bound, &vars, |bound| {
        if let Some(f) = &c.filter {
            free_in(f, bound, free);
        }
        free_in_clauses(rest, elem, bound, free)
    });
}

/// `f` with `vars` bound too.
fn within<R>(bound: &mut Vec<u32>, vars: &[u32], f: impl FnOnce(&mut Vec<u32>) -> R) -> R {
    let before = bound.len();
    bound.extend_from_slice(vars);
    let r = f(bound);
    bound.truncate(before);
    r
}

/// Whether `e` does enough work that reading a memo instead pays: it
/// contains an aggregate, loop, call with arguments, law call, membership
/// test, index, decimal arithmetic or comparison, or a constructed value.
pub fn heavy(e: &Expr) -> bool {
    let own = match &e.kind {
        ExprKind::Builtin(..)
        | ExprKind::Loop(_)
        | ExprKind::ByKey(_)
        | ExprKind::Fold(_)
        | ExprKind::CallLaw(..)
        | ExprKind::In(..)
        | ExprKind::Index(..)
        | ExprKind::Record(..)
        | ExprKind::With(..)
        | ExprKind::Set(_) => true,
        ExprKind::CallFn(_, args) | ExprKind::List(args) => !args.is_empty(),
        ExprKind::Binary(_, a, b) => is_decimal(&a.ty) || is_decimal(&b.ty),
        _ => false,
    };
    if own {
        return true;
    }
    let mut any = false;
    e.for_each_child(&mut |c| any = any || heavy(c));
    any
}

fn is_decimal(t: &Type) -> bool {
    matches!(t.strip_optional(), Type::Decimal)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// The memoisable expressions of a law's requirements, as source text.
    fn found(charter: &str, law: &str) -> Vec<String> {
        let c = polity_compiler::compile("t.polity", charter, &polity_compiler::NoFiles);
        let program = c.program.expect("the charter compiles");
        let (_, def) = program.law(law).expect("the law exists");
        memoisable(&def.stmt_exprs(), true)
            .into_iter()
            .map(|e| program.sources.snippet(e.span).to_string())
            .collect()
    }

    const STATE: &str = "
        record Row { id: Text, amount: Decimal, tags: Set<Text> }
        state { rows: List<Row>, balance: Decimal, limit: Int }
    ";

    #[test]
    fn the_largest_closed_heavy_expressions_are_found() {
        let charter = format!(
            "{STATE}
            law l(r in rows) {{
              require \"a\": r.amount <= 10% * balance
              require \"b\": r.amount * 2 <= sum(x.amount for x in rows) and limit > 0
              require \"c\": count([x for x in rows if x.amount > r.amount]) < limit
              require \"d\": \"t\" in r.tags or count(rows) > limit
            }}"
        );
        assert_eq!(
            found(&charter, "l"),
            [
                "10% * balance",
                "sum(x.amount for x in rows)",
                "count(rows) > limit",
            ]
        );
    }

    #[test]
    fn what_reads_the_subject_or_is_cheap_stays() {
        let charter = format!(
            "{STATE}
            law l(r in rows) {{
              let twice = limit * 2
              require \"a\": r.amount <= balance and limit + 1 > twice
              require \"b\": count([x for x in rows if x.amount > r.amount]) < limit
            }}"
        );
        assert!(found(&charter, "l").is_empty());
    }
}
