//! Keyed lookups and joins over lists long enough to be indexed
//! (`value/index.rs` in the interpreter, `layout/index.rs` in the JIT):
//! both engines give identical verdicts, faults (a missing id located at
//! its lookup) and reasons, over snapshots whose ballots name members
//! several times and not at all, whose Int ids have gaps, and whose
//! references are followed; and a test's `given` list with repeated ids
//! finds the first of them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{Engine, Program};
use polity::verdict::Verdict;

const CHARTER: &str = include_str!("charters/keyed.polity");

/// A deterministic snapshot of `n` members: ballots name members (some
/// several times, some never) and ghosts; seats have every other Int id;
/// picks reference members.
fn snapshot(n: usize, seed: u64) -> String {
    let mut x = seed;
    let mut next = move |below: usize| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) as usize) % below.max(1)
    };
    let mut members = Vec::new();
    for i in 0..n {
        let vouchers: Vec<String> = (0..next(4))
            .map(|_| format!("\"m{}\"", next(n + 3)))
            .collect();
        let mentor = match next(3) {
            0 => "null".to_string(),
            _ => format!("\"m{}\"", next(n + 2)),
        };
        members.push(format!(
            r#"{{"id": "m{i}", "stake": {}, "vouched_by": [{}], "mentor": {mentor}}}"#,
            next(6),
            vouchers.join(", ")
        ));
    }
    let ballots: Vec<String> = (0..n * 2)
        .map(|j| {
            let voter = match next(10) {
                0 => format!("ghost{}", next(3)),
                _ => format!("m{}", next(n / 2 + 1)),
            };
            let kind = ["Plain", "Heavy"][next(2)];
            format!(
                r#"{{"id": "b{j}", "voter": "{voter}", "weight": {}, "kind": "{kind}"}}"#,
                next(6)
            )
        })
        .collect();
    let seats: Vec<String> = (0..20)
        .map(|s| format!(r#"{{"id": {}, "holder": "m{}"}}"#, s * 2, next(n)))
        .collect();
    let picks: Vec<String> = (0..n)
        .map(|p| {
            let backers: Vec<String> = (0..next(4)).map(|_| format!("\"m{}\"", next(n))).collect();
            let mentor = match next(2) {
                0 => "null".to_string(),
                _ => format!("\"m{}\"", next(n)),
            };
            format!(
                r#"{{"id": "p{p}", "voter": "m{}", "backers": [{}], "mentor": {mentor}}}"#,
                next(n),
                backers.join(", ")
            )
        })
        .collect();
    format!(
        r#"{{"members": [{}], "ballots": [{}], "seats": [{}], "picks": [{}]}}"#,
        members.join(", "),
        ballots.join(", "),
        seats.join(", "),
        picks.join(", ")
    )
}

#[test]
fn both_engines_agree_on_keyed_lookups_and_joins() {
    let program = Program::compile("keyed.polity", CHARTER).unwrap_or_else(|e| panic!("{e}"));
    if let Some(jit) = program.jit() {
        assert!(jit.fallbacks().is_empty(), "{:?}", jit.fallbacks());
    }
    let mut seen = std::collections::BTreeSet::new();
    for (n, seed) in [(16, 1), (40, 2), (40, 3), (300, 4), (5_000, 5)] {
        let json = snapshot(n, seed);
        let loads = [Engine::Jit, Engine::Interpreter]
            .map(|e| program.load_snapshot_for(json.as_bytes(), e).unwrap());
        let [native, values] = &loads;
        let a = program.eval_all_with(native, Engine::Jit);
        let b = program.eval_all_with(values, Engine::Interpreter);
        assert_eq!(a, b, "{n} members, seed {seed}");
        for report in &b {
            for r in &report.results {
                let kind = match &r.verdict {
                    Verdict::Error(e) => format!("{} at {:?}", e.kind.as_str(), e.span),
                    v => v.as_str().to_string(),
                };
                seen.insert(format!("{} {kind}", report.law));
            }
        }
    }
    // Every law passes and fails somewhere; missing ids fault at their lookup.
    for law in [
        "counted", "mentored", "voted", "vouched", "seated", "followed",
    ] {
        for v in ["pass", "fail"] {
            assert!(seen.contains(&format!("{law} {v}")), "{law} {v}: {seen:?}");
        }
    }
    for law in ["counted", "mentored", "seated"] {
        assert!(
            seen.iter()
                .any(|s| s.starts_with(&format!("{law} missing_value at"))),
            "{law}: {seen:?}"
        );
    }
}

#[test]
fn a_given_list_with_repeated_ids_finds_the_first() {
    let program = Program::compile("keyed.polity", CHARTER).unwrap_or_else(|e| panic!("{e}"));
    let [a, b] = [Engine::Jit, Engine::Interpreter].map(|e| program.run_tests_with(e));
    assert_eq!(a, b);
    assert!(!b.is_empty());
    assert!(b.iter().all(|t| t.result.is_ok()), "{b:?}");
}
