//! `polity test [--stdlib] FILE...`: runs every `test` block (with `--stdlib`,
//! those of every `std.*` module first); ends with `N passed, N failed`.

use super::color_stderr;
use super::report::{locate, write_failure};
use crate::api::{CompileOptions, Engine, Program};
use crate::interp::TestFailure;
use std::path::PathBuf;

pub fn run(files: &[PathBuf], stdlib: bool, engine: Engine, options: &CompileOptions) -> i32 {
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut broken = false;
    let std_modules = polity_compiler::stdlib::names().filter(|_| stdlib);
    for name in std_modules {
        let source = polity_compiler::stdlib::source(name).unwrap_or_default();
        match Program::compile(name, source) {
            Ok(p) => report(&p, engine, &mut passed, &mut failed),
            Err(e) => {
                eprint!("{}", e.render(color_stderr()));
                broken = true;
            }
        }
    }
    for path in files {
        let program = match Program::compile_file_with(path, options) {
            Err(e) => {
                eprintln!("{}", super::read_error(path, &e));
                broken = true;
                continue;
            }
            Ok(Err(e)) => {
                eprint!("{}", e.render(color_stderr()));
                broken = true;
                continue;
            }
            Ok(Ok(p)) => p,
        };
        report(&program, engine, &mut passed, &mut failed);
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 || broken {
        1
    } else {
        0
    }
}

/// Runs one program's tests, printing each outcome.
fn report(program: &Program, engine: Engine, passed: &mut usize, failed: &mut usize) {
    let sources = &program.ir().sources;
    for outcome in program.run_tests_with(engine) {
        match &outcome.result {
            Ok(()) => {
                *passed += 1;
                println!("test {} ... ok", outcome.name);
            }
            Err(failure) => {
                *failed += 1;
                println!("test {} ... FAILED", outcome.name);
                let mut out = String::new();
                match failure {
                    TestFailure::Expectation { span, failures } => {
                        let (file, line, column) = locate(sources, *span);
                        let text = sources.snippet(*span);
                        out.push_str(&format!("    {file}:{line}:{column}: {text}\n"));
                        for f in failures {
                            write_failure(&mut out, f, 6);
                        }
                    }
                    TestFailure::Fault(e) => {
                        let (file, line, column) = locate(sources, e.span);
                        out.push_str(&format!(
                            "    {file}:{line}:{column}: error: {}\n",
                            e.message
                        ));
                    }
                }
                print!("{out}");
            }
        }
    }
}
