//! The evaluation budget (`interp/budget.rs`): charters that would run for
//! ever end with a `limit` error, at the same point on both engines; a
//! deadline and a cancellation from another thread stop evaluation; every
//! entry point of the API takes the limits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{Cancel, Engine, EvalOptions, Limits, Program, State};
use polity::verdict::{ErrorKind, EvalError, Verdict};
use std::time::{Duration, Instant};

/// Two laws that take about 10^10 steps each: a quadratic loop, and a
/// chain of fns each calling the previous one twice.
fn hostile() -> String {
    let mut s = String::from(
        "charter \"Hostile\" { version: 1 }\n\
         record Member { id: Text }\n\
         state {\n  members: List<Member>\n}\n\
         law quadratic(m in members) {\n  \
           require \"ok\": sum(count(1 for b in range(0, 100000) if a < b) for a in range(0, 100000)) > 0\n\
         }\n\
         fn f0(x: Int) -> Int = x + 1\n",
    );
    for i in 1..=34 {
        s.push_str(&format!(
            "fn f{i}(x: Int) -> Int = f{}(x) + f{}(x)\n",
            i - 1,
            i - 1
        ));
    }
    s.push_str("law doubling(m in members) {\n  require \"ok\": f34(1) > 0\n}\n");
    s
}

fn compile(text: &str) -> (Program, State) {
    let program =
        Program::compile("hostile.polity", text).unwrap_or_else(|e| panic!("{}", e.render(false)));
    let state = program
        .load_snapshot(br#"{"members": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}"#)
        .unwrap();
    (program, state)
}

fn limited(max_steps: u64) -> Limits {
    Limits {
        max_steps,
        ..Limits::default()
    }
}

/// Every subject's verdict for `law`, which must be a `limit` error.
fn limit_errors(program: &Program, state: &State, law: &str, limits: &Limits) -> Vec<EvalError> {
    let mut out = Vec::new();
    for engine in [Engine::Interpreter, Engine::Jit] {
        let options = EvalOptions {
            engine,
            limits: limits.clone(),
            ..EvalOptions::default()
        };
        let report = program.eval_law_options(state, law, options).unwrap();
        assert!(
            report.disagreements.is_empty(),
            "{:?}",
            report.disagreements
        );
        for r in report.results {
            match r.verdict {
                Verdict::Error(e) if e.kind == ErrorKind::Limit => out.push(e),
                other => panic!("{law} on {engine:?}: {other:?}"),
            }
        }
    }
    out
}

#[test]
fn runaway_charters_end_with_a_limit_error_at_the_same_place_on_both_engines() {
    let (program, state) = compile(&hostile());
    for law in ["quadratic", "doubling"] {
        let errors = limit_errors(&program, &state, law, &limited(100_000));
        assert_eq!(errors.len(), 6);
        // One per subject per engine, all the same: the step budget is per
        // subject, counted alike.
        assert!(errors.windows(2).all(|w| w[0] == w[1]), "{errors:?}");
        assert!(
            errors[0].message.contains("ran out of steps") && errors[0].message.contains("100000"),
            "{}",
            errors[0].message
        );
    }
}

#[test]
fn the_step_budget_is_exact() {
    // `count(1 for x in range(0, n))` takes n steps: it passes with a
    // budget of n and runs out with n - 1, on both engines.
    let text = "charter \"Exact\" { version: 1 }\nstate {\n  n: Int\n}\n\
                law counted { require \"all\": count(1 for x in range(0, n)) == n }\n";
    let program = Program::compile("exact.polity", text).unwrap();
    let state = program.load_snapshot(br#"{"n": 5000}"#).unwrap();
    for engine in [Engine::Interpreter, Engine::Jit] {
        let run = |max_steps| {
            let options = EvalOptions {
                engine,
                limits: limited(max_steps),
                ..EvalOptions::default()
            };
            program
                .eval_law_options(&state, "counted", options)
                .unwrap()
                .results
                .remove(0)
                .verdict
        };
        assert_eq!(run(5000), Verdict::Pass, "{engine:?}");
        assert!(
            matches!(run(4999), Verdict::Error(e) if e.kind == ErrorKind::Limit),
            "{engine:?}"
        );
    }
}

#[test]
fn a_deadline_stops_every_engine_soon_after_it_passes() {
    let (program, state) = compile(&hostile());
    for engine in [Engine::Interpreter, Engine::Jit] {
        let start = Instant::now();
        let options = EvalOptions {
            engine,
            limits: Limits::default()
                .unmetered()
                .with_timeout(Duration::from_millis(200)),
            ..EvalOptions::default()
        };
        let reports = program.eval_all_options(&state, options);
        let took = start.elapsed();
        // No wall-clock assertion beyond "it ended": the verdicts say why.
        for r in reports.iter().flat_map(|r| &r.results) {
            assert!(
                matches!(&r.verdict, Verdict::Error(e) if e.kind == ErrorKind::Limit
                    && e.message.contains("time limit")),
                "{engine:?} after {took:?}: {:?}",
                r.verdict
            );
        }
    }
}

#[test]
fn a_cancellation_from_another_thread_stops_evaluation() {
    let (program, state) = compile(&hostile());
    for engine in [Engine::Interpreter, Engine::Jit] {
        let cancel = Cancel::new();
        let stopper = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(100));
                cancel.cancel();
            })
        };
        let options = EvalOptions {
            engine,
            limits: Limits {
                cancel: Some(cancel),
                ..Limits::default().unmetered()
            },
            ..EvalOptions::default()
        };
        let report = program
            .eval_law_options(&state, "doubling", options)
            .unwrap();
        stopper.join().unwrap();
        for r in &report.results {
            assert!(
                matches!(&r.verdict, Verdict::Error(e) if e.kind == ErrorKind::Limit
                    && e.message.contains("cancelled")),
                "{engine:?}: {:?}",
                r.verdict
            );
        }
    }
}

#[test]
fn every_entry_point_takes_the_limits() {
    let (program, state) = compile(&hostile());
    let limits = limited(1000);
    let is_limit = |v: &Verdict| matches!(v, Verdict::Error(e) if e.kind == ErrorKind::Limit);
    let v = program
        .eval_law_for_with(&state, "quadratic", "a", limits.clone())
        .unwrap();
    assert!(is_limit(&v), "{v:?}");
    let subject = polity::value::Value::Record(vec![polity::value::Value::text("z")].into());
    let v = program
        .eval_law_on_with(&state, "doubling", &subject, limits.clone())
        .unwrap();
    assert!(is_limit(&v), "{v:?}");
    // Tests: a budget per `test` block.
    let text = "charter \"T\" { version: 1 }\nstate {\n  n: Int\n}\n\
                test \"long\" { expect count(1 for x in range(0, 100000)) == 100000 }\n";
    let program = Program::compile("t.polity", text).unwrap();
    for engine in [Engine::Interpreter, Engine::Jit] {
        let outcomes = program.run_tests_limited(engine, limited(1000));
        assert!(
            matches!(&outcomes[0].result,
                Err(polity::interp::TestFailure::Fault(e)) if e.kind == ErrorKind::Limit),
            "{engine:?}: {outcomes:?}"
        );
        let outcomes = program.run_tests_limited(engine, limited(100_000));
        assert_eq!(outcomes[0].result, Ok(()), "{engine:?}");
    }
}
