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

/// Every subject's verdict for `law` on `engine` under `limits` (the JIT
/// agreeing with the interpreter wherever it asked it).
fn verdicts_on(
    program: &Program,
    state: &State,
    law: &str,
    limits: &Limits,
    engine: Engine,
) -> Vec<Verdict> {
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
    report.results.into_iter().map(|r| r.verdict).collect()
}

/// Every subject's verdict for `law`, which must be a `limit` error.
fn limit_errors(program: &Program, state: &State, law: &str, limits: &Limits) -> Vec<EvalError> {
    let mut out = Vec::new();
    for engine in [Engine::Interpreter, Engine::Jit] {
        for v in verdicts_on(program, state, law, limits, engine) {
            match v {
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

/// The JIT decides runaway charters itself (issue 15): with the `jit`
/// feature only.
#[cfg(feature = "jit")]
mod jit_decides {
    use super::*;
    use polity::jit::{Decision, FaultKind};

    /// Every subject's verdict for `law` under `limits`, which both engines
    /// give alike (messages and spans too), and which the JIT's generated code
    /// decides itself: no subject is left to the interpreter, and a `limit`
    /// verdict is a budget's fault at the site where the interpreter runs out
    /// (`JitProgram::decide` says `Interpret` for a subject it bails out of).
    fn decided_alike(program: &Program, state: &State, law: &str, limits: &Limits) -> Vec<Verdict> {
        let interpreted = verdicts_on(program, state, law, limits, Engine::Interpreter);
        assert_eq!(
            verdicts_on(program, state, law, limits, Engine::Jit),
            interpreted,
            "{law} under {limits:?}"
        );
        let jit = program.jit().expect("the JIT compiles the charter");
        let (id, _) = program.ir().law(law).expect("the law exists");
        let layout = state.layout(program.ir(), jit);
        let decisions = jit
            .decide(program.ir(), layout, id, limits.clone(), false)
            .expect("the JIT decides the law");
        assert_eq!(decisions.len(), interpreted.len());
        for (i, (d, v)) in decisions.iter().zip(&interpreted).enumerate() {
            let alike = match (d, v) {
                (Decision::Pass, Verdict::Pass) | (Decision::Fail, Verdict::Fail(_)) => true,
                (Decision::Error(f), Verdict::Error(e)) => {
                    e.kind == ErrorKind::Limit
                        && f.kind == FaultKind::Limit
                        && (f.steps || f.memory)
                }
                _ => false,
            };
            assert!(
                alike,
                "{law}, subject {i}, under {limits:?}: the JIT decided {d:?}, the interpreter {v:?}"
            );
        }
        interpreted
    }

    /// The `limit` errors of `verdicts` (every one must be one).
    fn all_limits(verdicts: &[Verdict]) -> Vec<&EvalError> {
        verdicts
            .iter()
            .map(|v| match v {
                Verdict::Error(e) if e.kind == ErrorKind::Limit => e,
                other => panic!("not a limit error: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn the_jit_decides_runaway_charters_itself() {
        // The quadratic `sum` and `f34(1)` are memoised state-only expressions
        // that run out in a unit of their own, then in each subject's; the
        // quadratic's inner `count` is a loop counted ahead that the budget
        // cannot cover. Budgets that run out in the first inner loop, in a
        // later one, and at different depths of the chain of calls.
        let (program, state) = compile(&hostile());
        for (law, budgets) in [
            ("quadratic", [1_000, 100_000, 350_000]),
            ("doubling", [1_000, 77_777, 100_000]),
        ] {
            let mut messages = Vec::new();
            for steps in budgets {
                let verdicts = decided_alike(&program, &state, law, &limited(steps));
                let errors = all_limits(&verdicts);
                assert!(errors.windows(2).all(|w| w[0] == w[1]), "{errors:?}");
                assert!(
                    errors[0].message.contains("ran out of steps"),
                    "{}",
                    errors[0].message
                );
                messages.push(errors[0].message.clone());
            }
            messages.dedup();
            assert_eq!(messages.len(), 3, "{law}: {messages:?}");
        }
        // The memory budget: the quadratic's inner `range` is rebuilt for
        // every outer element, and runs out in its fourth.
        let verdicts = decided_alike(&program, &state, "quadratic", &memory_limited(5 << 20));
        for e in all_limits(&verdicts) {
            assert!(e.message.contains("memory budget"), "{}", e.message);
        }
    }

    /// Memoised state-only expressions whose cost fits a full budget but not
    /// always what a subject has left: a subject with a longer id spends more
    /// steps before them (`warm`), so they run out at different points of
    /// different subjects, or not at all. `bounded` builds: its outer `range`
    /// is memoised and charged its bytes, and its inner one is too, at each
    /// use, until the memory budget has not enough left.
    const DEPTHS: &str = "charter \"Depths\" { version: 1 }\n\
        record Member { id: Text }\n\
        state {\n  members: List<Member>\n}\n\
        fn f0(x: Int) -> Int = x + 1\n\
        fn f1(x: Int) -> Int = f0(x) + f0(x)\n\
        fn f2(x: Int) -> Int = f1(x) + f1(x)\n\
        fn f3(x: Int) -> Int = f2(x) + f2(x)\n\
        fn f4(x: Int) -> Int = f3(x) + f3(x)\n\
        fn f5(x: Int) -> Int = f4(x) + f4(x)\n\
        fn f6(x: Int) -> Int = f5(x) + f5(x)\n\
        fn f7(x: Int) -> Int = f6(x) + f6(x)\n\
        fn f8(x: Int) -> Int = f7(x) + f7(x)\n\
        fn f9(x: Int) -> Int = f8(x) + f8(x)\n\
        fn f10(x: Int) -> Int = f9(x) + f9(x)\n\
        law late(m in members) {\n  \
          require \"warm\": count(1 for c in range(0, len(m.id) * 500)) >= 0\n  \
          require \"a\": f10(1) > 0\n  \
          require \"b\": f10(2) > 0\n}\n\
        law bounded(m in members) {\n  \
          require \"ok\": sum(count(1 for b in range(0, 10000) if a < b and m.id != \"\") \
            for a in range(0, 10000)) > 0\n}\n";

    #[test]
    fn a_memoised_expression_runs_out_in_place_where_the_interpreter_does() {
        let program = Program::compile("depths.polity", DEPTHS).unwrap();
        let state = program
            .load_snapshot(br#"{"members": [{"id": "a"}, {"id": "bbbb"}, {"id": "cccccccc"}]}"#)
            .unwrap();
        // `f10(x)` takes 2,047 steps; `warm` 500, 2,000 and 4,000.
        let mut shapes = Vec::new();
        for steps in [1_500, 3_000, 5_000, 7_000, 9_000] {
            let verdicts = decided_alike(&program, &state, "late", &limited(steps));
            shapes.push(
                verdicts
                    .iter()
                    .map(|v| matches!(v, Verdict::Pass))
                    .collect::<Vec<_>>(),
            );
        }
        // Nothing passes with 1,500; the first subject only with 5,000; all
        // with 9,000.
        assert_eq!(shapes[0], [false, false, false]);
        assert_eq!(shapes[2], [true, false, false]);
        assert_eq!(shapes[4], [true, true, true]);
        // 160,000 bytes a `range(0, 10000)`: the outer one does not fit 100 KB
        // (it runs out in its own unit, then in place in every subject), the
        // inner ones run out at the sixth and at the eighteenth use.
        for memory in [100_000, 1_000_000, 3_000_000] {
            let verdicts = decided_alike(&program, &state, "bounded", &memory_limited(memory));
            for e in all_limits(&verdicts) {
                assert!(e.message.contains("memory budget"), "{}", e.message);
            }
        }
    }

    #[test]
    fn a_loop_counted_ahead_runs_for_the_steps_left_and_runs_out_after_them() {
        // Each law takes n steps, counted ahead (its body takes none): with
        // fewer, the loop runs for what is left and the next step runs out.
        let text = "charter \"Ahead\" { version: 1 }\nstate {\n  n: Int\n}\n\
                    law counted { require \"count\": count(1 for x in range(0, n)) == n }\n\
                    law folded { require \"fold\": (fold(s = 0, x in range(0, n)) => s + x) >= 0 }\n\
                    law keyed { require \"sort\": count(sorted(range(0, n), by: 0 - it)) == n }\n\
                    law listed { require \"list\": count([x * 2 for x in range(0, n)]) == n }\n";
        let program = Program::compile("ahead.polity", text).unwrap();
        let state = program.load_snapshot(br#"{"n": 5000}"#).unwrap();
        for law in ["counted", "folded", "keyed", "listed"] {
            for steps in [1, 2_500, 4_999] {
                let verdicts = decided_alike(&program, &state, law, &limited(steps));
                all_limits(&verdicts);
            }
            let verdicts = decided_alike(&program, &state, law, &limited(5_000));
            assert_eq!(verdicts, [Verdict::Pass], "{law}");
        }
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

/// Laws that build without bound: a `range` of 10^9, a comprehension of
/// 10^10 elements, a text doubled 64 times, a record of lists grown in a
/// fold.
const BUILDERS: &str = "charter \"Builders\" { version: 1 }\n\
    record Member { id: Text }\n\
    record Acc { xs: List<Int>, ys: List<Int> }\n\
    state {\n  members: List<Member>\n}\n\
    law big_range(m in members) {\n  require \"ok\": count(range(0, 1000000000)) > 0\n}\n\
    law nested(m in members) {\n  \
      require \"ok\": count([a * b for a in range(0, 100000) for b in range(0, 100000)]) > 0\n}\n\
    law doubling(m in members) {\n  \
      require \"ok\": len(fold(t = m.id, i in range(0, 64)) => t + t) > 0\n}\n\
    law records(m in members) {\n  \
      require \"ok\": len((fold(r = Acc { xs: [], ys: [] }, i in range(0, 100000)) => \
        r with { xs: r.xs + [i], ys: [i] + r.ys }).xs) > 0\n}\n";

/// Folds whose steps each build a new text, list or record from the
/// previous one over thousands of steps: a few hundred MB built, a few KB
/// live at any time (each accumulator is cut back to one element or the
/// subject's id now and then).
const FOLDS: &str = "charter \"Folds\" { version: 1 }\n\
    record Member { id: Text }\n\
    record Acc { xs: List<Int>, ys: List<Int> }\n\
    state {\n  members: List<Member>\n}\n\
    law texts(m in members) {\n  \
      require \"ok\": len(fold(t = m.id, i in range(0, 50000)) => \
        if len(t) > 4000 then m.id else t + text(i) + \"abcdefghijklmnopqrstuvwxyz\") > 0\n}\n\
    law lists(m in members) {\n  \
      require \"ok\": len(fold(xs: List<Int> = [], i in range(0, 10000)) => \
        if len(xs) == 1000 then [i] else xs + [i]) > 0\n}\n\
    law records(m in members) {\n  \
      require \"ok\": len((fold(r = Acc { xs: [], ys: [] }, i in range(0, 10000)) => \
        if len(r.xs) == 500 then Acc { xs: [i], ys: [i] } \
        else r with { xs: r.xs + [i], ys: [i] + r.ys }).ys) > 0\n}\n";

fn memory_limited(max_memory: u64) -> Limits {
    Limits {
        max_memory,
        // Only the memory budget stops these.
        max_collection_len: usize::MAX,
        ..Limits::default()
    }
}

#[test]
fn runaway_builders_end_with_the_same_memory_limit_on_both_engines() {
    let (program, state) = compile(BUILDERS);
    for law in ["big_range", "nested", "doubling", "records"] {
        let errors = limit_errors(&program, &state, law, &memory_limited(1 << 20));
        assert_eq!(errors.len(), 6);
        assert!(errors.windows(2).all(|w| w[0] == w[1]), "{errors:?}");
        assert!(
            errors[0]
                .message
                .contains("memory budget of 1048576 bytes exhausted"),
            "{law}: {}",
            errors[0].message
        );
    }
}

#[test]
fn the_memory_budget_is_exact() {
    // Per subject: `range(0, n)` builds 48 n bytes, the records 144 n (two
    // fields each and the record itself), the list of them 48 n,
    // `upper(m.id)` 1 and `+ "!"` 2: 240 n + 3 in all (`ELEMENT_BYTES` is
    // 48). It passes with a budget of exactly that, and runs out with a
    // byte less, on both engines.
    let text = "charter \"Exact\" { version: 1 }\n\
                record Member { id: Text }\n\
                record Pair { a: Int, b: Int }\n\
                state {\n  n: Int\n  members: List<Member>\n}\n\
                law built(m in members) {\n  \
                  require \"all\": len([Pair { a: x, b: x } for x in range(0, n)]) == n\n  \
                  require \"text\": upper(m.id) + \"!\" != \"\"\n}\n";
    let program = Program::compile("exact.polity", text).unwrap();
    let state = program
        .load_snapshot(br#"{"n": 100, "members": [{"id": "a"}, {"id": "b"}]}"#)
        .unwrap();
    let exact = 240 * 100 + 3;
    for engine in [Engine::Interpreter, Engine::Jit] {
        let run = |max_memory| {
            let options = EvalOptions {
                engine,
                limits: memory_limited(max_memory),
                ..EvalOptions::default()
            };
            let report = program.eval_law_options(&state, "built", options).unwrap();
            assert!(
                report.disagreements.is_empty(),
                "{:?}",
                report.disagreements
            );
            report
                .results
                .into_iter()
                .map(|r| r.verdict)
                .collect::<Vec<_>>()
        };
        assert_eq!(run(exact), vec![Verdict::Pass, Verdict::Pass], "{engine:?}");
        for v in run(exact - 1) {
            assert!(
                matches!(&v, Verdict::Error(e) if e.kind == ErrorKind::Limit
                    && e.message.contains("memory budget")),
                "{engine:?}: {v:?}"
            );
        }
    }
}

#[test]
fn memory_is_a_budget_per_test_block_too() {
    let text = "charter \"T\" { version: 1 }\nstate {\n  n: Int\n}\n\
                test \"builds\" { expect len([x for x in range(0, 1000)]) == 1000 }\n";
    let program = Program::compile("t.polity", text).unwrap();
    for engine in [Engine::Interpreter, Engine::Jit] {
        let outcomes = program.run_tests_limited(engine, memory_limited(96_000 - 1));
        assert!(
            matches!(&outcomes[0].result,
                Err(polity::interp::TestFailure::Fault(e)) if e.kind == ErrorKind::Limit),
            "{engine:?}: {outcomes:?}"
        );
        let outcomes = program.run_tests_limited(engine, memory_limited(96_000));
        assert_eq!(outcomes[0].result, Ok(()), "{engine:?}");
    }
}

/// The peak resident memory, in KiB, of the largest child this process has
/// waited for.
fn children_peak_kib() -> i64 {
    use nix::sys::resource::{getrusage, UsageWho};
    getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss()
}

#[test]
fn a_runaway_builder_stays_within_its_memory_budget() {
    // (The only test here that runs children: the peak is over them all.)
    let dir = std::env::temp_dir().join(format!("polity-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let charter = dir.join("builders.polity");
    std::fs::write(&charter, BUILDERS).unwrap();
    let one = dir.join("one.json");
    std::fs::write(&one, r#"{"members": [{"id": "a"}]}"#).unwrap();
    let four = dir.join("four.json");
    std::fs::write(
        &four,
        r#"{"members": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}]}"#,
    )
    .unwrap();
    let folds = dir.join("folds.polity");
    std::fs::write(&folds, FOLDS).unwrap();
    let keys = dir.join("keys.polity");
    std::fs::write(&keys, KEYED).unwrap();
    let given = dir.join("given.polity");
    std::fs::write(&given, GIVEN).unwrap();
    let eval = |charter: &std::path::Path, snapshot: &std::path::Path, engine, memory| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_polity"))
            .arg("eval")
            .arg(charter)
            .arg("--snapshot")
            .arg(snapshot)
            .args(["--engine", engine, "--max-memory", memory])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    // A test's `given` of records, past its budget (one evaluation).
    let test_given = |engine| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_polity"))
            .arg("test")
            .arg(&given)
            .args(["--engine", engine, "--max-memory", "256M"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("memory budget of 268435456"), "{out:?}");
    };
    // The baseline: the same charter, stopped at once.
    for engine in ["jit", "interp"] {
        eval(&charter, &one, engine, "1K");
    }
    let baseline = children_peak_kib();
    // Folds that build 100 to 240 MB each within a budget of 256 MiB, and
    // hold a few KB at a time: both engines pass every subject, in about
    // what they hold (the JIT frees a fold's dead accumulators as it goes,
    // the interpreter as their last reference goes), not what they built,
    // even with the JIT's subjects on every core at once.
    let mut outs = Vec::new();
    for engine in ["jit", "interp"] {
        let out = eval(&folds, &four, engine, "256M");
        assert_eq!(
            out.matches(": 4 pass, 0 fail, 0 error").count(),
            3,
            "{engine}: {out}"
        );
        outs.push(out);
        let peak = children_peak_kib();
        assert!(
            peak <= baseline + 256 * 1024 / 10,
            "{engine}: folds peaked at {peak} KiB over a baseline of {baseline} KiB"
        );
    }
    assert_eq!(outs[0], outs[1]);
    // One subject: what one evaluation builds is held within its budget.
    let budget_kib = 64 * 1024;
    for engine in ["jit", "interp"] {
        // (`range(0, 10^9)` and the doubled text reach the collection
        // length limit of the command line's defaults first.)
        let out = eval(&charter, &one, engine, "64M");
        assert_eq!(
            out.matches("memory budget of 67108864 bytes").count(),
            2,
            "{out}"
        );
        let peak = children_peak_kib();
        // 48 bytes an element is the interpreter's values' own size (the
        // JIT's words take 8); what either engine built for an iteration
        // that keeps nothing is freed.
        assert!(
            peak <= baseline + 3 * budget_kib / 2,
            "{engine}: a peak of {peak} KiB over a baseline of {baseline} KiB"
        );
    }
    // Within 256 MiB, what is built near the budget is held within it: the
    // keys of `sorted(…, by:)` (counted, and dropped once they have
    // ordered), and a test's `given` of records (each counted with its own
    // allocation). Both end with the memory budget.
    for engine in ["jit", "interp"] {
        let out = eval(&keys, &one, engine, "256M");
        assert_eq!(
            out.matches("memory budget of 268435456").count(),
            1,
            "{out}"
        );
        test_given(engine);
        let peak = children_peak_kib();
        assert!(
            peak <= baseline + 256 * 1024,
            "{engine}: a peak of {peak} KiB over a baseline of {baseline} KiB"
        );
    }
    // Four subjects: the interpreter evaluates them one after another, the
    // JIT on every core at once, each within its own budget. What a
    // subject built is freed when it ends, so the peak is one budget per
    // evaluation running at once (the interpreter keeping what one subject
    // built for the next would pass 256 MiB here).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for engine in ["interp", "jit"] {
        let out = eval(&charter, &four, engine, "64M");
        assert_eq!(
            out.matches("memory budget of 67108864 bytes").count(),
            8,
            "{out}"
        );
        let out = eval(&keys, &four, engine, "256M");
        assert_eq!(
            out.matches("memory budget of 268435456").count(),
            4,
            "{out}"
        );
        let at_once = if engine == "jit" { cores.min(4) } else { 1 } as i64;
        let peak = children_peak_kib();
        assert!(
            peak <= baseline + at_once * 256 * 1024,
            "{engine}: a peak of {peak} KiB over a baseline of {baseline} KiB"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Sorting 2,000,000 elements by a key within 256 MiB: the source and the
/// keys, 96 MB each, are built; the sorted list, 96 MB more, is past it.
const KEYED: &str = "charter \"Keys\" { version: 1 }\n\
    record Member { id: Text }\n\
    state {\n  members: List<Member>\n}\n\
    law sorting(m in members) {\n  \
      require \"ok\": len(sorted(range(0, 2000000), by: -it)) > 0\n}\n";

/// A test's `given` of 2,000,000 records, past 256 MiB (the range, 96 MB,
/// and 192 bytes a record in its list).
const GIVEN: &str = "charter \"Given\" { version: 1 }\n\
    record Member { id: Text, stake: Int }\n\
    state {\n  members: List<Member>\n}\n\
    test \"many\" {\n  \
      given members = [Member { id: \"m\", stake: i } for i in range(0, 2000000)]\n  \
      expect len(members) > 0\n}\n";

#[test]
fn a_law_of_a_few_calls_runs_out_at_the_same_call_on_both_engines() {
    // Each subject takes at most three steps (three calls of small fns,
    // translated in place into the law's bulk entry, where a budget that
    // covers them is not counted per subject): with three every subject
    // passes; with fewer each runs out at the same call on both engines.
    let text = "charter \"Calls\" { version: 1 }\n\
                record Member { id: Text, age: Int }\n\
                state {\n  members: List<Member>\n}\n\
                fn adult(m: Member) -> Bool = m.age >= 18\n\
                fn named(m: Member) -> Bool = m.id != \"\"\n\
                fn young(m: Member) -> Bool = m.age < 200\n\
                law ok(m in members) {\n  \
                  require \"adult\": adult(m)\n  \
                  require \"named\": named(m) and young(m)\n\
                }\n";
    let program = Program::compile("calls.polity", text).unwrap();
    let members: Vec<String> = (0..40)
        .map(|i| format!(r#"{{"id": "m{i}", "age": {}}}"#, 18 + i))
        .collect();
    let json = format!(r#"{{"members": [{}]}}"#, members.join(", "));
    let state = program.load_snapshot(json.as_bytes()).unwrap();
    for engine in [Engine::Interpreter, Engine::Jit] {
        let options = EvalOptions {
            engine,
            limits: limited(3),
            ..EvalOptions::default()
        };
        let report = program.eval_law_options(&state, "ok", options).unwrap();
        assert!(
            report.results.iter().all(|r| r.verdict == Verdict::Pass),
            "{engine:?}"
        );
    }
    for max_steps in [0, 1, 2] {
        let errors = limit_errors(&program, &state, "ok", &limited(max_steps));
        assert_eq!(errors.len(), 80, "{max_steps}");
        assert!(errors.windows(2).all(|w| w[0] == w[1]), "{errors:?}");
    }
    let spans: Vec<_> = [0, 1, 2]
        .iter()
        .map(|n| limit_errors(&program, &state, "ok", &limited(*n))[0].span)
        .collect();
    assert!(spans[0] != spans[1] && spans[1] != spans[2], "{spans:?}");
}

/// Every subject's verdict for `law` under a memory budget of `max_memory`
/// bytes, on `engine`.
fn under_memory(
    program: &Program,
    state: &State,
    law: &str,
    max_memory: u64,
    engine: Engine,
) -> Vec<Verdict> {
    verdicts_on(program, state, law, &memory_limited(max_memory), engine)
}

#[test]
fn the_keys_of_sorted_take_per_and_group_by_are_counted() {
    // Per subject, with n = 100: `range(0, n)` builds 48 n bytes; the keys
    // are a list of n elements, 48 n more; then `sorted` builds the n
    // elements it orders, `take(…, 1, per:)` the 10 it keeps and
    // `group_by` the 10 groups and their n elements (`ELEMENT_BYTES` is 48).
    let text = "charter \"Keys\" { version: 1 }\n\
                state {\n  n: Int\n}\n\
                law sorting { require \"s\": len(sorted(range(0, n), by: 0 - it)) == n }\n\
                law taking { require \"t\": len(take(range(0, n), 1, per: it mod 10)) == 10 }\n\
                law grouping { require \"g\": len(group_by(range(0, n), by: it mod 10)) == 10 }\n\
                law texts { require \"x\": len(sorted(range(0, n), by: text(0 - it))) == n }\n";
    let program = Program::compile("keys.polity", text).unwrap();
    let state = program.load_snapshot(br#"{"n": 100}"#).unwrap();
    // `text(0 - it)` builds "0", then "-1" … "-99": 1 + 9 × 2 + 90 × 3 bytes.
    let texts = 1 + 9 * 2 + 90 * 3;
    for (law, exact) in [
        ("sorting", 48 * 300),
        ("taking", 48 * 210),
        ("grouping", 48 * 310),
        ("texts", 48 * 300 + texts),
    ] {
        for engine in [Engine::Interpreter, Engine::Jit] {
            let verdicts = under_memory(&program, &state, law, exact, engine);
            assert_eq!(verdicts, [Verdict::Pass], "{law} on {engine:?}");
            for v in under_memory(&program, &state, law, exact - 1, engine) {
                assert!(
                    matches!(&v, Verdict::Error(e) if e.kind == ErrorKind::Limit
                        && e.message.contains("memory budget")),
                    "{law} on {engine:?}: {v:?}"
                );
            }
        }
    }
}
