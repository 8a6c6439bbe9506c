//! Differential testing: random well-typed charters with random conforming
//! snapshots, evaluated on every engine in [`ENGINES`]. Every engine must give
//! exactly the verdicts of the first (verdict, failed labels, reasons, error
//! kind, span and message); nothing may panic; a generated charter must
//! compile and its snapshot must load; and a fresh compilation must give the
//! same verdicts again. A failing case is minimised and printed.
//!
//! - `POLITY_DIFF_CASES` (default 2000): how many cases, split over the
//!   `differential_*` tests;
//! - `POLITY_DIFF_SEED` (default below): the first case's seed; case `i`
//!   uses seed + `i`, so `POLITY_DIFF_SEED=<printed seed> POLITY_DIFF_CASES=1`
//!   reruns one case;
//! - `POLITY_DIFF_VERBOSE`: print each case before running it.
//!
//! See `docs/testing.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::Engine;
use polity_differential::{self as differential, Failure, Rng, Tally};
use std::path::PathBuf;

/// The engines compared, the first being the reference.
const ENGINES: &[Engine] = &[Engine::Interpreter, Engine::Jit];

const DEFAULT_CASES: u64 = 2000;
const DEFAULT_SEED: u64 = 0x9017_7000;
/// The default run is split into this many tests, so they run in parallel.
const PARTS: u64 = 4;
/// Failing cases minimised per test (minimising is slow; the rest are listed).
const MINIMISED: usize = 3;

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(s) => {
            let s = s.trim().replace('_', "");
            let parsed = match s.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => s.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("{name}={s} is not a number"))
        }
        Err(_) => default,
    }
}

/// One generated case: the charter (as data), its snapshot, and their text.
fn case(seed: u64) -> (differential::Charter, differential::Json) {
    differential::case(Rng::new(seed))
}

/// Runs the cases `part`, `part + PARTS`, ... and reports every failure.
fn run_part(part: u64) {
    let cases = env_u64("POLITY_DIFF_CASES", DEFAULT_CASES);
    let base = env_u64("POLITY_DIFF_SEED", DEFAULT_SEED);
    let mut tally = Tally::default();
    let mut failures: Vec<(u64, Failure)> = Vec::new();
    for i in (part..cases).step_by(PARTS as usize) {
        let seed = base.wrapping_add(i);
        if std::env::var_os("POLITY_DIFF_VERBOSE").is_some() {
            eprintln!("case seed {seed:#x}");
        }
        let (charter, json) = case(seed);
        if std::env::var_os("POLITY_DIFF_VERBOSE").is_some() {
            eprintln!("{}\n{}", charter.render(), json.text());
        }
        if let Err(f) = differential::run(&charter.render(), &json.text(), ENGINES, &mut tally) {
            failures.push((seed, f));
        }
    }
    eprintln!(
        "differential part {part}: {} cases, {} failures; verdicts: {} pass, {} fail, errors {:?}; \
         tests: {} pass, {} fail or error",
        cases / PARTS + u64::from(part < cases % PARTS),
        failures.len(),
        tally.pass,
        tally.fail,
        tally.errors,
        tally.tests_passed,
        tally.tests_failed
    );
    if failures.is_empty() {
        return;
    }
    let mut report = String::new();
    for (n, (seed, f)) in failures.iter().enumerate() {
        report.push_str(&format!(
            "\n=== seed {seed:#x}: {:?}\n{}\n",
            f.kind, f.detail
        ));
        if n < MINIMISED {
            let (charter, json) = case(*seed);
            let (charter, json) = differential::minimise(charter, json, &f.kind, ENGINES);
            report.push_str(&format!(
                "--- minimised charter\n{}--- minimised snapshot\n{}\n",
                charter.render(),
                json.text()
            ));
        }
    }
    panic!(
        "{} differential failure(s); rerun one with POLITY_DIFF_SEED=<seed> POLITY_DIFF_CASES=1{report}",
        failures.len()
    );
}

#[test]
fn differential_0() {
    run_part(0);
}

#[test]
fn differential_1() {
    run_part(1);
}

#[test]
fn differential_2() {
    run_part(2);
}

#[test]
fn differential_3() {
    run_part(3);
}

/// Every corpus eval case and every example, on every engine.
#[test]
fn corpus_and_examples_agree() {
    let mut cases: Vec<(PathBuf, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir("../tests/eval").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "polity") {
            cases.push((path.clone(), path.with_extension("json")));
        }
    }
    for entry in std::fs::read_dir("../examples").unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("charter.polity").exists() {
            cases.push((dir.join("charter.polity"), dir.join("snapshot.json")));
        }
    }
    cases.sort();
    assert!(cases.len() >= 5, "expected the corpus and the examples");
    let mut tally = Tally::default();
    for (charter, snapshot) in &cases {
        let source = std::fs::read_to_string(charter).unwrap();
        let json = std::fs::read_to_string(snapshot).unwrap();
        if let Err(f) = differential::run(&source, &json, ENGINES, &mut tally) {
            panic!("{}: {:?}\n{}", charter.display(), f.kind, f.detail);
        }
    }
}

/// The minimiser shrinks a case to what its failure needs: here, "an
/// evaluation error in a charter that compiles", found among generated cases.
#[test]
fn minimiser_shrinks() {
    let errs = |source: &str, json: &str| {
        let Ok(p) = polity::api::Program::compile("m.polity", source) else {
            return false;
        };
        let Ok(s) = p.load_snapshot(json.as_bytes()) else {
            return false;
        };
        p.eval_all(&s).iter().any(|r| {
            r.results
                .iter()
                .any(|x| matches!(x.verdict, polity::verdict::Verdict::Error(_)))
        })
    };
    let seed = (0..200)
        .find(|s| {
            let (c, j) = case(*s);
            c.render().len() > 1500 && errs(&c.render(), &j.text())
        })
        .expect("some generated case has an error verdict");
    let (charter, json) = case(seed);
    let before = charter.render().len() + json.text().len();
    let (charter, json) =
        differential::minimise_by(charter, json, &mut |c, j| errs(&c.render(), &j.text()));
    let after = charter.render().len() + json.text().len();
    eprintln!(
        "minimised {before} to {after} bytes:\n{}{}",
        charter.render(),
        json.text()
    );
    assert!(errs(&charter.render(), &json.text()));
    assert!(
        after * 3 < before,
        "minimised only from {before} to {after} bytes:\n{}\n{}",
        charter.render(),
        json.text()
    );
}

#[test]
fn generation_is_deterministic() {
    for seed in 0..20 {
        let (a, x) = case(seed);
        let (b, y) = case(seed);
        assert_eq!(a.render(), b.render());
        assert_eq!(x.text(), y.text());
    }
}

/// The `engines` fuzz target's cases (choices drawn from a fuzzer's bytes)
/// are as valid as seeded ones: they compile, load and agree.
#[test]
fn cases_from_bytes_compile_and_agree() {
    let inputs: Vec<Vec<u8>> = (0u8..24)
        .map(|n| match n % 3 {
            0 => vec![0; usize::from(n) * 40],
            1 => vec![0xff; usize::from(n) * 40],
            _ => (0..u32::from(n) * 40)
                .map(|i| (i * 37 % 251) as u8)
                .collect(),
        })
        .collect();
    for bytes in &inputs {
        let (charter, json) = differential::case(Rng::from_bytes(DEFAULT_SEED, bytes));
        let mut tally = Tally::default();
        if let Err(f) = differential::run(&charter.render(), &json.text(), ENGINES, &mut tally) {
            panic!(
                "{} bytes: {:?}\n{}\n{}",
                bytes.len(),
                f.kind,
                f.detail,
                charter.render()
            );
        }
    }
}
