//! State-only expressions evaluated once per evaluation and membership in
//! lists that stay the same (`interp/state_only.rs`, `interp/members.rs`,
//! `jit/abi/members.rs`): both engines give identical verdicts, faults
//! and reasons, under budgets that run out before, inside and after the
//! memoised expressions, and on a collection large enough for the JIT to
//! explain its failing subjects a chunk at a time on both cores.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{Engine, EvalOptions, Limits, Program, State};
use polity::verdict::Verdict;

/// Joins through state-only lists of texts (from the snapshot, made at run
/// time, empty) and of Ints, over ballots whose voters are duplicated and
/// missing; a state-only expression inside a fn with a parameter; one that
/// faults (`divisor` is 0) wherever it is reached.
const CHARTER: &str = include_str!("charters/state_only.polity");

include!("charters/state_only_snapshot.rs");

fn load(n: usize) -> (Program, State) {
    let program = Program::compile("whales.polity", CHARTER).unwrap_or_else(|e| panic!("{e}"));
    let state = program.load_snapshot(snapshot(n).as_bytes()).unwrap();
    (program, state)
}

/// Every law's verdicts on both engines under `limits`: identical, and no
/// disagreement between the JIT's decisions and the interpreter's
/// explanations. Returns `law verdict-kind` per subject.
fn agree(program: &Program, state: &State, limits: &Limits) -> Vec<String> {
    let options = |engine| EvalOptions {
        engine,
        limits: limits.clone(),
        ..EvalOptions::default()
    };
    let interpreted = program.eval_all_options(state, options(Engine::Interpreter));
    let native = program.eval_all_options(state, options(Engine::Jit));
    // (Equal reports: the JIT's disagreements are as empty as the interpreter's.)
    assert_eq!(native, interpreted, "under {limits:?}");
    let mut kinds = Vec::new();
    for report in &interpreted {
        let kind = |v: &Verdict| match v {
            Verdict::Error(e) => e.kind.as_str().to_string(),
            v => v.as_str().to_string(),
        };
        kinds.extend(
            report
                .results
                .iter()
                .map(|r| format!("{} {}", report.law, kind(&r.verdict))),
        );
    }
    kinds
}

#[test]
fn both_engines_agree_under_budgets_that_run_out_inside_memoised_expressions() {
    let (program, state) = load(60);
    let mut seen = std::collections::BTreeSet::new();
    let steps = [1, 30, 61, 100, 150, 200, 400, 1_000, 3_000];
    let memory = [16, 500, 1_000, 2_000, 3_000, 5_000, 20_000];
    let budgets = steps
        .map(|max_steps| Limits {
            max_steps,
            ..Limits::default()
        })
        .into_iter()
        .chain(memory.map(|max_memory| Limits {
            max_memory,
            ..Limits::default()
        }))
        .chain([Limits::default()]);
    for limits in budgets {
        seen.extend(agree(&program, &state, &limits));
    }
    for expected in [
        "backed pass",
        "backed fail",
        "backed limit",
        "shared_fault pass",
        "shared_fault division_by_zero",
        "ints pass",
        "ints fail",
        "ints limit",
    ] {
        assert!(seen.contains(expected), "{expected} not in {seen:?}");
    }
}

#[test]
fn both_engines_agree_when_failing_subjects_are_explained_across_cores() {
    // More subjects than the JIT evaluates on one thread (2 × 4,096): its
    // explanations run in a fresh interpreter context per chunk, which
    // share one memo.
    let (program, state) = load(9_000);
    let kinds = agree(&program, &state, &Limits::default());
    let failing = kinds.iter().filter(|k| *k == "backed fail").count();
    assert!(
        failing > 1_000 && failing < 8_000,
        "{failing} of 9,000 fail"
    );
}
