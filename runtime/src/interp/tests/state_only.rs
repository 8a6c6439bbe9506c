//! Memoising state-only expressions (`state_only.rs`) is unobservable:
//! every law's results — values, faults with their spans and messages,
//! `limit` outcomes, reasons — are those of evaluating each one afresh,
//! under step and memory budgets that run out before, inside and after
//! them.

use crate::api::Program;
use crate::interp::{Explain, Interpreter, Limits};

/// The charter and snapshot of `runtime/tests/state_only.rs`, which holds
/// the two engines to each other on them.
const CHARTER: &str = include_str!("../../../tests/charters/state_only.polity");

include!("../../../tests/charters/state_only_snapshot.rs");

#[test]
fn memoised_results_are_those_of_evaluating_afresh_under_every_budget() {
    let program = Program::compile("memo.polity", CHARTER).unwrap_or_else(|e| panic!("{e}"));
    let state = program
        .load_snapshot(snapshot(60).as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut budgets = vec![Limits::default()];
    for steps in [1, 30, 60, 61, 100, 150, 200, 400, 1_000, 3_000] {
        budgets.push(Limits {
            max_steps: steps,
            ..Limits::default()
        });
    }
    for memory in [16, 100, 500, 1_000, 2_000, 3_000, 5_000, 20_000] {
        budgets.push(Limits {
            max_memory: memory,
            ..Limits::default()
        });
    }
    let mut outcomes = std::collections::BTreeSet::new();
    for limits in budgets {
        for explain in [Explain::None, Explain::Reasons] {
            let memo = Interpreter::new(program.ir(), state.snapshot())
                .with_limits(limits.clone())
                .with_explain(explain);
            let afresh = memo.clone().afresh();
            for (i, law) in program.ir().laws.iter().enumerate() {
                let id = polity_compiler::ir::LawId(i as u32);
                let expected = afresh.eval_law(id);
                assert_eq!(memo.eval_law(id), expected, "{} under {limits:?}", law.name);
                for r in &expected {
                    outcomes.insert(format!("{} {}", law.name, verdict_kind(&r.verdict)));
                }
            }
        }
    }
    // Passes, failures, a division by zero and limits of both budgets
    // (which outcomes each law reaches: `runtime/tests/state_only.rs`).
    assert!(outcomes.len() >= 9, "{outcomes:?}");
}

#[test]
fn a_fault_inside_a_memoised_expression_is_located_there_for_every_subject() {
    let program = Program::compile("memo.polity", CHARTER).unwrap_or_else(|e| panic!("{e}"));
    let state = program
        .load_snapshot(snapshot(20).as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let (id, _) = program.ir().law("shared_fault").expect("the law exists");
    let results = Interpreter::new(program.ir(), state.snapshot()).eval_law(id);
    let faults: Vec<_> = results
        .iter()
        .filter_map(|r| match &r.verdict {
            crate::verdict::Verdict::Error(e) => Some(e),
            _ => None,
        })
        .collect();
    assert!(faults.len() > 5, "{results:?}");
    for e in faults {
        assert_eq!(
            program.ir().sources.snippet(e.span),
            "sum(b.weight for b in ballots) div divisor"
        );
    }
}

fn verdict_kind(v: &crate::verdict::Verdict) -> String {
    match v {
        crate::verdict::Verdict::Error(e) => e.kind.as_str().to_string(),
        v => v.as_str().to_string(),
    }
}
