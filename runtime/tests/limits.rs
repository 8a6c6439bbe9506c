//! Pathological but valid charters: long chains of constants and functions
//! compile and evaluate without exhausting a small (2 MiB) thread stack, and
//! memoised parameterless functions make repeated state-wide filters cheap.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{Engine, Program};
use polity::verdict::Verdict;

fn on_small_stack<F: FnOnce() + Send + 'static>(f: F) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn chain(n: usize, reverse: bool, annotated: bool) -> String {
    let ty = if annotated { ": Int" } else { "" };
    let mut decls: Vec<String> = (1..n)
        .map(|i| format!("const c{i}{ty} = c{} + 1", i - 1))
        .collect();
    decls.insert(0, format!("const c0{ty} = 0"));
    if reverse {
        decls.reverse();
    }
    format!(
        "charter \"Chain\" {{ version: 1 }}\n{}\nlaw last {{ require \"counted\": c{} == {} }}\n",
        decls.join("\n"),
        n - 1,
        n - 1
    )
}

fn verdicts(text: &str) -> Vec<Verdict> {
    let program =
        Program::compile("chain.polity", text).unwrap_or_else(|e| panic!("{}", e.render(false)));
    let state = program.load_snapshot(b"{}").unwrap();
    program
        .eval_all(&state)
        .into_iter()
        .flat_map(|r| r.results.into_iter().map(|s| s.verdict))
        .collect()
}

#[test]
fn a_long_annotated_chain_of_constants_in_reverse_order_evaluates() {
    on_small_stack(|| assert_eq!(verdicts(&chain(10_000, true, true)), vec![Verdict::Pass]));
}

#[test]
fn a_long_forward_chain_of_inferred_constants_evaluates() {
    on_small_stack(|| assert_eq!(verdicts(&chain(10_000, false, false)), vec![Verdict::Pass]));
}

#[test]
fn a_long_reverse_chain_of_inferred_constants_asks_for_annotations() {
    on_small_stack(|| {
        let c = polity_compiler::compile(
            "chain.polity",
            &chain(10_000, true, false),
            &polity_compiler::NoFiles,
        );
        assert!(c.program.is_none());
        assert!(
            c.diagnostics.iter().any(|d| d.code == "E0209"),
            "{:?}",
            c.diagnostics.first()
        );
    });
}

#[test]
fn a_long_chain_of_parameterless_functions_evaluates() {
    on_small_stack(|| {
        let mut text = String::from("charter \"Fns\" { version: 1 }\nfn f0() -> Int = 0\n");
        for i in 1..5_000 {
            text.push_str(&format!("fn f{i}() -> Int = f{}() + 1\n", i - 1));
        }
        text.push_str("law last { require \"counted\": f4999() == 4999 }\n");
        assert_eq!(verdicts(&text), vec![Verdict::Pass]);
    });
}

/// Lists built by `+`, `union`, `flatten` and nested loops stop at the
/// collection size limit with a `limit` fault, at the same place on both engines.
#[test]
fn built_collections_stop_at_the_size_limit() {
    use polity::api::Engine;
    use polity::interp::Limits;
    let text = r#"charter "Big" { version: 1 }
state { xs: List<Int> }
law nested { require "r": count([x for x in xs for y in xs]) > 0 }
law nested_set { require "r": count({x * 100 + y for x in xs for y in xs}) > 0 }
law plus { require "r": len(fold(acc = xs, x in xs) => acc + acc) > 0 }
law joined { require "r": len(union({x for x in xs}, {x + 50 for x in xs})) > 0 }
law flat { require "r": len(flatten([xs for x in xs])) > 0 }
law small { require "r": count([x for x in range(0, 5) for y in range(0, 5)]) == 25 }
"#;
    let program =
        Program::compile("big.polity", text).unwrap_or_else(|e| panic!("{}", e.render(false)));
    let xs: Vec<String> = (0..40).map(|i| i.to_string()).collect();
    let json = format!("{{\"xs\": [{}]}}", xs.join(","));
    let state = program.load_snapshot(json.as_bytes()).unwrap();
    let limits = Limits {
        max_collection_len: 60,
        ..Limits::default()
    };
    for law in ["nested", "nested_set", "plus", "joined", "flat", "small"] {
        let run = |engine| {
            let report = program
                .eval_law_engine(&state, law, limits.clone(), engine)
                .unwrap();
            report
                .results
                .into_iter()
                .map(|s| s.verdict)
                .collect::<Vec<_>>()
        };
        let (interp, jit) = (run(Engine::Interpreter), run(Engine::Jit));
        assert_eq!(interp, jit, "{law}");
        match (law, interp.first()) {
            ("small", Some(Verdict::Pass)) => {}
            (_, Some(Verdict::Error(e))) if law != "small" => {
                assert_eq!(e.kind.as_str(), "limit", "{law}: {e:?}");
            }
            (_, v) => panic!("{law}: {v:?}"),
        }
    }
}

/// A chain of `fns` fns, each a sum of `terms` terms whose first calls the
/// previous fn, and a law requiring the last one's value.
fn deep_and_wide(fns: usize, terms: usize) -> String {
    let mut decls = vec!["fn f0(x: Int) -> Int = x".to_string()];
    for i in 1..fns {
        let ones = vec!["1"; terms - 1].join(" + ");
        decls.push(format!("fn f{i}(x: Int) -> Int = f{}(x) + {ones}", i - 1));
    }
    let total = (fns - 1) * (terms - 1);
    format!(
        "charter \"Deep\" {{ version: 1 }}\n{}\nlaw last {{ require \"summed\": f{}(0) == {total} }}\n",
        decls.join("\n"),
        fns - 1
    )
}

/// Calls 198 deep, each through an expression 124 deep (the issue's hostile
/// charter, which killed the process with SIGSEGV on an 8 MiB stack): on a
/// 2 MiB thread stack, both engines and the explained path evaluate it.
#[test]
fn deep_calls_through_deep_expressions_fit_a_small_stack() {
    on_small_stack(|| {
        let text = deep_and_wide(198, 125);
        let program = Program::compile("deep.polity", &text)
            .unwrap_or_else(|e| panic!("{}", e.render(false)));
        let state = program.load_snapshot(b"{}").unwrap();
        for engine in Engine::ALL {
            let reports = program.eval_all_with(&state, *engine);
            let verdicts: Vec<&Verdict> = reports
                .iter()
                .flat_map(|r| r.results.iter().map(|s| &s.verdict))
                .collect();
            assert_eq!(verdicts, [&Verdict::Pass], "{engine:?}");
        }
        // The same chain one short of the sum: a failure, explained (the
        // explanation walks into every fn).
        let failing = text.replace("== 24428", "== 1");
        assert_ne!(failing, text);
        let program = Program::compile("deep.polity", &failing).unwrap();
        let state = program.load_snapshot(b"{}").unwrap();
        let a = program.eval_all_with(&state, Engine::Interpreter);
        let b = program.eval_all_with(&state, Engine::Jit);
        assert_eq!(a, b);
        assert!(matches!(
            a.first()
                .and_then(|r| r.results.first())
                .map(|r| &r.verdict),
            Some(Verdict::Fail(_))
        ));
    });
}

/// A charter's lines up to a chain of `n` `let`s (`a0` = `first`, each
/// next one more) opened by `head` (a law's or a fn's first line).
#[cfg(feature = "jit")]
fn let_chain(head: &str, first: &str, n: usize) -> Vec<String> {
    let mut lines = vec![
        "charter \"Lets\" { version: 1 }".to_string(),
        "state { base: Int }".to_string(),
        head.to_string(),
        format!("  let a0 = {first}"),
    ];
    lines.extend((1..n).map(|i| format!("  let a{i} = a{} + 1", i - 1)));
    lines
}

/// The program of `lines`, and what its JIT left to the interpreter, each
/// as `check --jit` says it.
#[cfg(feature = "jit")]
fn compiled_with_fallbacks(lines: &[String]) -> (Program, Vec<String>) {
    let program = Program::compile("lets.polity", &lines.join("\n")).unwrap();
    let fallback = program
        .jit()
        .unwrap()
        .fallbacks()
        .iter()
        .map(ToString::to_string)
        .collect();
    (program, fallback)
}

/// A law too large to compile well (5,000 `let`s: Cranelift's time and
/// memory grow faster than the law) is left to the interpreter, which
/// evaluates it in linear time, and `check --jit`'s list of fallbacks says
/// so; the verdict is the same on both engines.
#[cfg(feature = "jit")]
#[test]
fn a_law_too_large_to_compile_is_left_to_the_interpreter() {
    let n = 5000;
    let mut lines = let_chain("law chain {", "base", n);
    lines.push(format!("  require \"end\": a{} == {n}", n - 1));
    lines.push("}".to_string());
    let (program, fallback) = compiled_with_fallbacks(&lines);
    assert!(
        fallback
            .iter()
            .any(|f| f.contains("chain") && f.contains("too large to compile")),
        "{fallback:?}"
    );
    let state = program.load_snapshot(br#"{"base": 1}"#).unwrap();
    for engine in Engine::ALL {
        let reports = program.eval_all_with(&state, *engine);
        let verdict = reports
            .first()
            .and_then(|r| r.results.first())
            .map(|r| &r.verdict);
        assert_eq!(verdict, Some(&Verdict::Pass), "{engine:?}");
    }
}

/// A charter past the JIT's compile budget (`jit/compile_budget.rs`): the
/// deep chain of 198 fns of 125 terms (49,500 IR nodes, run once) is left
/// to the interpreter whole, naming the fn where the budget ran out, and
/// of 120 laws of 250 IR nodes each the first ones are compiled and the
/// rest left to the interpreter with the reason; both engines agree.
#[cfg(feature = "jit")]
#[test]
fn a_charter_past_its_compile_budget_leaves_the_rest_to_the_interpreter() {
    let lines = [deep_and_wide(198, 125)];
    let (program, fallback) = compiled_with_fallbacks(&lines);
    assert_eq!(fallback.len(), 1, "{fallback:?}");
    assert!(
        fallback[0].contains("law `last`: it reaches fn `f")
            && fallback[0]
                .contains("too large to compile: it would take the charter's compile budget"),
        "{fallback:?}"
    );
    let state = program.load_snapshot(b"{}").unwrap();
    for engine in Engine::ALL {
        let reports = program.eval_all_with(&state, *engine);
        assert_eq!(reports[0].results[0].verdict, Verdict::Pass, "{engine:?}");
    }
    let ones = vec!["base"; 125].join(" + ");
    let mut lines = vec![
        "charter \"Many\" { version: 1 }".to_string(),
        "state { base: Int }".to_string(),
    ];
    lines.extend(
        (0..120).map(|i| format!("law l{i} {{ require \"sum\": {ones} == {} }}", 125 + i % 2)),
    );
    let (program, fallback) = compiled_with_fallbacks(&lines);
    let left: Vec<&String> = fallback
        .iter()
        .filter(|f| f.contains("compile budget"))
        .collect();
    assert_eq!(left.len(), fallback.len(), "{fallback:?}");
    assert!(
        left.len() > 10 && left.len() < 100,
        "{} left: {fallback:?}",
        left.len()
    );
    assert!(left.iter().all(|f| !f.contains("`l0`")), "{fallback:?}");
    let state = program.load_snapshot(br#"{"base": 1}"#).unwrap();
    let interp = program.eval_all_with(&state, Engine::Interpreter);
    assert_eq!(program.eval_all_with(&state, Engine::Jit), interp);
    let passed = interp
        .iter()
        .filter(|r| r.results[0].verdict == Verdict::Pass)
        .count();
    assert_eq!(passed, 60);
}

/// A law that reaches, through another fn, a fn too large to compile is
/// left to the interpreter too, and `check --jit`'s reason names the fn
/// that is too large and why, once, however long the chain of calls.
#[cfg(feature = "jit")]
#[test]
fn a_law_calling_a_fn_too_large_to_compile_says_which_fn() {
    let n = 5000;
    let mut lines = let_chain("fn big(x: Int) -> Int {", "x", n);
    lines.push(format!("  a{}", n - 1));
    lines.push("}".to_string());
    lines.push("fn mid(x: Int) -> Int = big(x) + 1".to_string());
    lines.push("fn top(x: Int) -> Int = mid(x) + 1".to_string());
    lines.push(format!(
        "law uses {{ require \"end\": top(base) == {} }}",
        n + 2
    ));
    // A failing law explains through the whole chain.
    lines.push("law fails { require \"never\": top(base) == 0 }".to_string());
    let (program, fallback) = compiled_with_fallbacks(&lines);
    let uses = fallback.iter().find(|f| f.contains("`uses`"));
    let uses = uses.unwrap_or_else(|| panic!("{fallback:?}"));
    assert!(
        uses.contains("it reaches fn `big`, which runs in the interpreter: too large to compile"),
        "{uses}"
    );
    assert_eq!(uses.matches("reaches").count(), 1, "{uses}");
    let state = program.load_snapshot(br#"{"base": 1}"#).unwrap();
    let mut fails = Vec::new();
    for engine in Engine::ALL {
        let reports = program.eval_all_with(&state, *engine);
        let verdict = |law: &str| {
            reports
                .iter()
                .find(|r| r.law == law)
                .and_then(|r| r.results.first())
                .map(|r| r.verdict.clone())
        };
        assert_eq!(verdict("uses"), Some(Verdict::Pass), "{engine:?}");
        let failed = verdict("fails");
        assert!(
            matches!(failed, Some(Verdict::Fail(_))),
            "{engine:?}: {failed:?}"
        );
        fails.push(failed);
    }
    assert!(fails.windows(2).all(|w| w[0] == w[1]), "{fails:?}");
}

/// A snapshot's texts and collections stop at `LoadLimits` on both loaders:
/// the one into values (the interpreter's) and the one into the native
/// layout (the JIT's, which streams top-level lists), each past-limit value
/// a mismatch at its JSON path with its size, and nothing else reported
/// for the skipped elements.
#[test]
fn snapshot_texts_and_collections_stop_at_the_load_limits() {
    use polity::api::LoadLimits;
    use polity::snapshot::SnapshotError;
    let charter = "charter \"Caps\" { version: 1 }\n\
                   record Member { id: Text, tags: List<Text> }\n\
                   state { members: List<Member>, motto: Text }\n\
                   law named(m in members) { require \"has an id\": m.id != \"\" }\n";
    let program = Program::compile("caps.polity", charter).unwrap();
    let json = br#"{"members": [
        {"id": "a", "tags": ["x", "y", "z", "w"]},
        {"id": "abcdefghijk", "tags": []},
        {"id": "b", "tags": ["1", "2", "3", "4", "5"]}
    ], "motto": "short"}"#;
    let limits = LoadLimits {
        max_text_bytes: 10,
        max_collection_len: 3,
    };
    for engine in [Engine::Interpreter, Engine::Jit] {
        let err = program
            .load_snapshot_with(json, engine, limits)
            .unwrap_err();
        let SnapshotError::Mismatch(found) = err else {
            panic!("{engine:?}: not a mismatch: {err}")
        };
        let found: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "members[0].tags: a collection of 4 elements, longer than the limit of 3 \
                 elements on one collection",
                "members[1].id: a text of 11 bytes, longer than the limit of 10 bytes on one text",
                "members[2].tags: a collection of 5 elements, longer than the limit of 3 \
                 elements on one collection",
            ],
            "{engine:?}"
        );
        // Within the limits (and by default) the same snapshot shape loads.
        let ok = br#"{"members": [{"id": "a", "tags": ["x", "y", "z"]}], "motto": "0123456789"}"#;
        assert!(
            program.load_snapshot_with(ok, engine, limits).is_ok(),
            "{engine:?}"
        );
        assert!(
            program.load_snapshot_for(json, engine).is_ok(),
            "{engine:?}: default limits"
        );
        let top = br#"{"members": [{"id": "a", "tags": []}, {"id": "b", "tags": []},
            {"id": "c", "tags": []}, {"id": "d", "tags": []}], "motto": ""}"#;
        let SnapshotError::Mismatch(found) =
            program.load_snapshot_with(top, engine, limits).unwrap_err()
        else {
            panic!("{engine:?}: a top-level list past the limit must be a mismatch")
        };
        assert_eq!(found.len(), 1, "{engine:?}: {found:?}");
        assert_eq!(found[0].path, "members", "{engine:?}");
        assert!(
            program.load_snapshot_for(top, engine).is_ok(),
            "{engine:?}: default limits"
        );
    }
}
