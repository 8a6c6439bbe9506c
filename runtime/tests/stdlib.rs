//! The standard library: every `std.*` module compiles on its own, every one
//! of its `test` blocks passes on every engine, and `docs/stdlib.md` matches
//! its doc comments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{Engine, Program};
use polity::interp::TestFailure;
#[cfg(feature = "jit")]
use polity::jit::TestDecision;

#[test]
fn every_stdlib_test_passes() {
    let mut failures = Vec::new();
    for name in polity_compiler::stdlib::names() {
        let source = polity_compiler::stdlib::source(name).unwrap();
        let program = match Program::compile(name, source) {
            Ok(p) => p,
            Err(e) => panic!("`{name}` does not compile:\n{}", e.render(false)),
        };
        for &engine in Engine::ALL {
            let outcomes = program.run_tests_with(engine);
            assert!(!outcomes.is_empty(), "`{name}` has no test blocks");
            for o in outcomes {
                let Err(f) = o.result else { continue };
                let detail = match f {
                    TestFailure::Expectation { span, failures } => format!(
                        "expectation `{}` failed: {failures:?}",
                        program.ir().sources.snippet(span)
                    ),
                    TestFailure::Fault(e) => format!("fault: {}", e.message),
                };
                failures.push(format!("{engine:?}: {name}: test \"{}\": {detail}", o.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The JIT runs every stdlib test itself (none is left to the interpreter)
/// and decides each as the interpreter does.
#[cfg(feature = "jit")]
#[test]
fn the_jit_decides_every_stdlib_test() {
    let limits = polity::api::Limits::default();
    let mut problems = Vec::new();
    let (mut decided, mut total) = (0, 0);
    for name in polity_compiler::stdlib::names() {
        let program =
            Program::compile(name, polity_compiler::stdlib::source(name).unwrap()).unwrap();
        let jit = program.jit().expect("the stdlib compiles to machine code");
        problems.extend(jit.fallbacks().iter().map(|f| format!("{name}: {f}")));
        let layout = jit.test_layout(program.ir());
        total += program.ir().tests.len();
        for (i, test) in program.ir().tests.iter().enumerate() {
            match jit.decide_test(program.ir(), &layout, i, limits.clone()) {
                Some(TestDecision::Pass) => decided += 1,
                other => problems.push(format!("{name}: test \"{}\": {other:?}", test.name)),
            }
        }
        let (outcomes, disagreements) = jit.run_tests_checked(program.ir(), limits.clone());
        problems.extend(disagreements.iter().map(ToString::to_string));
        assert_eq!(
            outcomes,
            polity::interp::run_tests(program.ir(), limits.clone())
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        total > 0 && decided == total,
        "{decided} of {total} decided"
    );
}

#[test]
fn imported_stdlib_tests_stay_in_the_stdlib() {
    let charter = "import std.voting\ntest \"mine\" { expect simple_majority(2, 1) }";
    let program = Program::compile("c.polity", charter).unwrap();
    let names: Vec<String> = program.run_tests().into_iter().map(|o| o.name).collect();
    assert_eq!(names, ["mine"]);
}

#[test]
fn every_module_can_be_imported_together() {
    let imports: String = polity_compiler::stdlib::names()
        .map(|n| format!("import {n}\n"))
        .collect();
    if let Err(e) = Program::compile("all.polity", &imports) {
        panic!("the std modules clash:\n{}", e.render(false));
    }
}

#[test]
fn stdlib_reference_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/stdlib.md");
    let generated = polity_compiler::stdlib::reference();
    if std::env::var_os("UPDATE_STDLIB_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/stdlib.md is out of date with the stdlib's doc comments; regenerate it with\n  \
         UPDATE_STDLIB_DOCS=1 cargo test -p polity --test stdlib"
    );
}

#[test]
fn polity_test_stdlib_runs_every_module() {
    // The binary exists only with the default `cli` feature.
    let Some(exe) = option_env!("CARGO_BIN_EXE_polity") else {
        return;
    };
    let out = std::process::Command::new(exe)
        .args(["test", "--stdlib"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("test ranked choice"), "{stdout}");
    assert!(stdout.trim_end().ends_with(" passed, 0 failed"), "{stdout}");
}
