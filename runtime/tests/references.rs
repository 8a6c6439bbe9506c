//! References between collections, differentially: random snapshots of
//! `tests/eval/references.polity` (valid ones, and ones with dangling or
//! repeated ids) are loaded for both engines. A snapshot is rejected exactly
//! when it has a dangling or repeated id, with one mismatch per injected
//! problem, whichever way it is loaded; an accepted one gets the same
//! verdicts from the interpreter and the JIT, whose own decisions agree.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{Engine, Program};
use polity::snapshot::SnapshotError;
use proptest::prelude::Rng as _;
use proptest::test_runner::{RngAlgorithm, TestRng};

/// A deterministic generator (proptest's, seeded the same every run).
struct Rng(TestRng);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n.max(1)
    }
    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}

/// A snapshot and how many dangling or repeated ids it holds.
fn snapshot(rng: &mut Rng) -> (String, usize) {
    let n = rng.below(8) as usize;
    let mut problems = 0;
    let mut ids: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
    if n > 1 && rng.one_in(6) {
        ids[n - 1] = ids[0].clone();
        problems += 1;
    }
    let some_id = |rng: &mut Rng, problems: &mut usize| -> String {
        if n == 0 || rng.one_in(12) {
            *problems += 1;
            return "ghost".into();
        }
        ids[rng.below(n as u64) as usize].clone()
    };
    let mut members = Vec::new();
    for id in &ids {
        let vouchers: Vec<String> = (0..rng.below(4))
            .map(|_| format!("{:?}", some_id(rng, &mut problems)))
            .collect();
        let mentor = if rng.one_in(3) {
            "null".to_string()
        } else {
            format!("{:?}", some_id(rng, &mut problems))
        };
        let stake = rng.below(4);
        members.push(format!(
            r#"{{"id": "{id}", "stake": {stake}, "vouched_by": [{}], "mentor": {mentor}}}"#,
            vouchers.join(", ")
        ));
    }
    let mut proposals = Vec::new();
    for p in 0..rng.below(4) {
        let votes: Vec<String> = (0..rng.below(5))
            .map(|_| {
                let choice = if rng.one_in(2) { "For" } else { "Against" };
                let voter = some_id(rng, &mut problems);
                format!(r#"{{"voter": "{voter}", "choice": "{choice}"}}"#)
            })
            .collect();
        proposals.push(format!(
            r#"{{"id": "p{p}", "votes": [{}]}}"#,
            votes.join(", ")
        ));
    }
    let json = format!(
        r#"{{"members": [{}], "proposals": [{}]}}"#,
        members.join(", "),
        proposals.join(", ")
    );
    (json, problems)
}

#[test]
fn references_load_and_evaluate_alike_on_both_engines() {
    let text = std::fs::read_to_string("../tests/eval/references.polity").unwrap();
    let program = Program::compile("references.polity", &text).unwrap();
    let jit = program.jit();
    assert!(
        jit.is_some() || !polity::api::HAS_JIT,
        "compiles to machine code"
    );
    if let Some(jit) = jit {
        assert!(jit.fallbacks().is_empty(), "{:?}", jit.fallbacks());
    }
    let mut rng = Rng(TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let (mut accepted, mut rejected) = (0, 0);
    for case in 0..400 {
        let (json, problems) = snapshot(&mut rng);
        let loads = [Engine::Jit, Engine::Interpreter]
            .map(|e| program.load_snapshot_for(json.as_bytes(), e));
        match loads {
            [Ok(native), Ok(values)] => {
                assert_eq!(problems, 0, "case {case} was accepted:\n{json}");
                let a = program.eval_all_with(&native, Engine::Jit);
                let b = program.eval_all_with(&values, Engine::Interpreter);
                assert_eq!(a, b, "case {case}:\n{json}");
                if let Some(jit) = jit {
                    let layout = native.layout(program.ir(), jit);
                    for i in 0..program.ir().laws.len() {
                        let id = polity_compiler::ir::LawId(i as u32);
                        let (_, issues) = jit.eval_law_checked(
                            program.ir(),
                            native.snapshot(),
                            layout,
                            id,
                            Default::default(),
                            Default::default(),
                        );
                        assert!(issues.is_empty(), "case {case}: {issues:?}\n{json}");
                    }
                }
                accepted += 1;
            }
            [Err(SnapshotError::Mismatch(a)), Err(SnapshotError::Mismatch(b))] => {
                assert_eq!(a, b, "case {case}");
                assert_eq!(a.len(), problems, "case {case}: {a:?}\n{json}");
                rejected += 1;
            }
            other => panic!("case {case}: {other:?}\n{json}"),
        }
    }
    // Both outcomes are exercised.
    assert!(
        accepted > 100 && rejected > 50,
        "{accepted} accepted, {rejected} rejected"
    );
}

/// A repeated or dangling Int id is written as the charter writes it.
#[test]
fn int_ids_are_shown_as_written() {
    let charter = r#"
charter "Int ids" { version: 1 }
record Seat { id: Int, holder: Text }
record Claim { seat: Seat in seats }
state { seats: List<Seat>, claims: List<Claim> }
"#;
    let program = Program::compile("int_ids.polity", charter).unwrap();
    let json = br#"{"seats": [{"id": 3, "holder": "a"}, {"id": 3, "holder": "b"}], "claims": [{"seat": 4}]}"#;
    let Err(SnapshotError::Mismatch(m)) = program.load_snapshot(json) else {
        panic!("the snapshot has a repeated and a dangling id");
    };
    let lines: Vec<String> = m.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "seats[1].id: 3 repeats seats[0].id",
            "claims[0].seat: 4 is not the id of an element of `seats`",
        ]
    );
}
