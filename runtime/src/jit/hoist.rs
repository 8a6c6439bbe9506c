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
//! interpreter, which evaluates it afresh each time.
//!
//! An expression is memoised when it is *closed* (it reads no local bound
//! outside it: no subject, parameter, `let` or loop variable) and *heavy*
//! (it contains an aggregate, a loop, a call with arguments, a law call, a
//! membership test, an index, a decimal operation or a constructed value),
//! and it is the largest such expression around it. A heavy expression
//! never counts as one that cannot fail, so `a and e` keeps its branch
//! when `e` is memoised (a memo miss stops a bulk entry).

use polity_compiler::ir::{Clause, Expr, ExprKind};
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
    if heavy(e) && closed(e, &mut Vec::new()) {
        out.push(e);
        return;
    }
    e.for_each_child(&mut |c| visit(c, out));
}

/// Whether every local `e` reads is bound inside it (`bound`: those bound
/// by the expressions around the current one, inside `e`).
fn closed(e: &Expr, bound: &mut Vec<u32>) -> bool {
    match &e.kind {
        ExprKind::Local(id) => bound.contains(&id.0),
        ExprKind::Let(id, value, body) => {
            closed(value, bound) && within(bound, &[id.0], |bound| closed(body, bound))
        }
        ExprKind::Loop(l) => closed_clauses(&l.clauses, &l.elem, bound),
        ExprKind::ByKey(k) => {
            closed(&k.source, bound)
                && k.count.as_ref().is_none_or(|n| closed(n, bound))
                && within(bound, &[k.var.0], |bound| closed(&k.key, bound))
        }
        ExprKind::Fold(f) => {
            closed(&f.init, bound)
                && closed(&f.source, bound)
                && within(bound, &[f.acc.0, f.var.0], |bound| closed(&f.body, bound))
        }
        _ => {
            let mut all = true;
            e.for_each_child(&mut |c| all = all && closed(c, bound));
            all
        }
    }
}

/// Whether the loop of `clauses` around `elem` is closed: each clause's
/// source and filter with the variables of the clauses before it bound.
fn closed_clauses(clauses: &[Clause], elem: &Expr, bound: &mut Vec<u32>) -> bool {
    let Some((c, rest)) = clauses.split_first() else {
        return closed(elem, bound);
    };
    let vars: Vec<u32> = std::iter::once(c.var.0)
        .chain(c.index.map(|i| i.0))
        .collect();
    closed(&c.source, bound)
        && within(bound, &vars, |bound| {
            c.filter.as_ref().is_none_or(|f| closed(f, bound)) && closed_clauses(rest, elem, bound)
        })
}

/// `check` with `vars` bound too.
fn within(bound: &mut Vec<u32>, vars: &[u32], check: impl FnOnce(&mut Vec<u32>) -> bool) -> bool {
    let before = bound.len();
    bound.extend_from_slice(vars);
    let r = check(bound);
    bound.truncate(before);
    r
}

/// Whether `e` does enough work that reading a memo instead pays: it
/// contains an aggregate, loop, call with arguments, law call, membership
/// test, index, decimal arithmetic or comparison, or a constructed value.
fn heavy(e: &Expr) -> bool {
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
