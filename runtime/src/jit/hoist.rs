//! State-only subexpressions, evaluated once per evaluation context (which
//! ones: `interp/state_only.rs`, where the interpreter memoises the same).
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
//! interpreter (whose memo follows the same rule). Its steps and bytes
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

pub(crate) use crate::interp::state_only::{free_locals, heavy, memoisable};

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
