//! Every example network state under `examples/` evaluates to its hand-derived
//! `expected.json` (law by law, subject by subject, failed labels in order), and
//! its `test` blocks pass.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::Program;
use polity::verdict::{Subject, Verdict};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("../examples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("charter.polity").exists())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 2, "expected at least two examples");
    dirs
}

fn subject_json(s: &Subject) -> Json {
    match s {
        Subject::Whole => Json::Null,
        Subject::Id(id) => Json::from(id.clone()),
        Subject::IntId(n) => Json::from(*n),
        Subject::Index(i) => Json::from(*i),
    }
}

fn actual(dir: &Path) -> Json {
    let program = Program::compile_file(&dir.join("charter.polity"))
        .unwrap()
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let state = program
        .load_snapshot(&std::fs::read(dir.join("snapshot.json")).unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    let laws: Vec<Json> = program
        .eval_all(&state)
        .iter()
        .map(|r| {
            let results: Vec<Json> = r
                .results
                .iter()
                .map(|s| {
                    let (verdict, failed): (&str, Vec<Json>) = match &s.verdict {
                        Verdict::Pass => ("pass", vec![]),
                        Verdict::Fail(fs) => ("fail", fs.iter().map(|f| Json::from(f.label.clone())).collect()),
                        Verdict::Error(e) => ("error", vec![Json::from(e.message.clone())]),
                    };
                    serde_json::json!({ "subject": subject_json(&s.subject), "verdict": verdict, "failed": failed })
                })
                .collect();
            serde_json::json!({ "law": r.law, "results": results })
        })
        .collect();
    serde_json::json!({ "charter": program.name(), "laws": laws })
}

#[test]
fn examples_match_their_expected_verdicts() {
    let mut problems = Vec::new();
    for dir in examples() {
        let expected: Json =
            serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
        let actual = actual(&dir);
        let exp_laws = expected["laws"].as_array().unwrap();
        let act_laws = actual["laws"].as_array().unwrap();
        assert_eq!(
            exp_laws.len(),
            act_laws.len(),
            "{}: number of laws",
            dir.display()
        );
        for (e, a) in exp_laws.iter().zip(act_laws) {
            assert_eq!(e["law"], a["law"]);
            let (er, ar) = (
                e["results"].as_array().unwrap(),
                a["results"].as_array().unwrap(),
            );
            if er.len() != ar.len() {
                problems.push(format!(
                    "{} {}: {} results expected, {} found",
                    dir.display(),
                    e["law"],
                    er.len(),
                    ar.len()
                ));
            }
            for (x, y) in er.iter().zip(ar) {
                if x != y {
                    problems.push(format!(
                        "{} {}: expected {x}, found {y}",
                        dir.display(),
                        e["law"]
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn example_tests_pass() {
    for dir in examples() {
        let program = Program::compile_file(&dir.join("charter.polity"))
            .unwrap()
            .unwrap();
        let outcomes = program.run_tests();
        assert!(!outcomes.is_empty(), "{} has no test blocks", dir.display());
        for o in outcomes {
            assert!(
                o.result.is_ok(),
                "{}: test {:?} failed: {:?}",
                dir.display(),
                o.name,
                o.result
            );
        }
    }
}
