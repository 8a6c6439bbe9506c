//! Every example network state under `examples/` evaluates to its hand-derived
//! `expected.json` (its figures, then law by law, subject by subject, failed
//! labels in order), and its `test` blocks pass.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{Engine, Program};
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
    let (jit, problems) = actual_with(dir, Engine::Jit);
    let (interp, _) = actual_with(dir, Engine::Interpreter);
    assert_eq!(jit, interp, "{}: the engines disagree", dir.display());
    assert!(problems.is_empty(), "{}: {problems:#?}", dir.display());
    jit
}

/// The verdicts with `engine`, and any disagreement between the JIT's own
/// decisions and the interpreter's explanations.
fn actual_with(dir: &Path, engine: Engine) -> (Json, Vec<String>) {
    let program = Program::compile_file(&dir.join("charter.polity"))
        .unwrap()
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let state = program
        .load_snapshot(&std::fs::read(dir.join("snapshot.json")).unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    let jit = program.jit();
    assert!(
        jit.is_some() || !polity::api::HAS_JIT,
        "the program compiles to machine code"
    );
    let problems: Vec<String> = jit
        .into_iter()
        .flat_map(|jit| (0..program.ir().laws.len()).map(move |i| (jit, i)))
        .flat_map(|(jit, i)| {
            let id = polity_compiler::ir::LawId(i as u32);
            jit.eval_law_checked(
                program.ir(),
                state.snapshot(),
                state.layout(program.ir(), jit),
                id,
                Default::default(),
                Default::default(),
            )
            .1
        })
        .map(|d| d.to_string())
        .collect();
    let laws: Vec<Json> = program
        .eval_all_with(&state, engine)
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
    let options = polity::api::EvalOptions {
        engine,
        ..Default::default()
    };
    let (figures, figure_problems) = program.figures(&state, &options);
    let problems = problems
        .into_iter()
        .chain(figure_problems.iter().map(|d| d.to_string()))
        .collect();
    let figures: serde_json::Map<String, Json> = figures
        .iter()
        .map(|f| (f.name.clone(), f.to_json(&program)))
        .collect();
    let doc = serde_json::json!({ "charter": program.name(), "figures": figures, "laws": laws });
    (doc, problems)
}

#[test]
fn examples_match_their_expected_verdicts() {
    let mut problems = Vec::new();
    for dir in examples() {
        let expected: Json =
            serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
        let actual = actual(&dir);
        assert_eq!(
            expected["figures"],
            actual["figures"],
            "{}: the figures",
            dir.display()
        );
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
        #[cfg(feature = "jit")]
        {
            let jit = program.jit().expect("the example compiles to machine code");
            let layout = jit.test_layout(program.ir());
            for i in 0..program.ir().tests.len() {
                assert_eq!(
                    jit.decide_test(program.ir(), &layout, i, Default::default()),
                    Some(polity::jit::TestDecision::Pass),
                    "{}: the JIT does not pass test #{i} itself",
                    dir.display()
                );
            }
        }
        let outcomes = program.run_tests_with(Engine::Interpreter);
        assert!(!outcomes.is_empty(), "{} has no test blocks", dir.display());
        assert_eq!(program.run_tests_with(Engine::Jit), outcomes);
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
