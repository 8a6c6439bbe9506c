//! `polity test [--stdlib] FILE...`: runs every `test` block (with `--stdlib`,
//! those of every `std.*` module first); ends with `N passed, N failed`.

use super::report::{locate, write_failure};
use super::{color_stderr, output};
use crate::api::{CompileOptions, Engine, Limits, Program};
use crate::interp::TestFailure;
use std::io::{self, Write};
use std::path::PathBuf;

pub fn run(
    files: &[PathBuf],
    stdlib: bool,
    (engine, budget): (Engine, super::BudgetArgs),
    options: &CompileOptions,
) -> i32 {
    let mut out = output::stdout();
    // The time limit is the whole command's.
    let run = (engine, budget.limits());
    let written = run_all(&mut out, files, stdlib, &run, options);
    output::finish(out, written)
}

/// Runs the tests, writing to `out`; the exit code, or the write error.
fn run_all(
    out: &mut impl Write,
    files: &[PathBuf],
    stdlib: bool,
    run: &(Engine, Limits),
    options: &CompileOptions,
) -> io::Result<i32> {
    let mut tally = Tally::default();
    let mut broken = false;
    let std_modules = polity_compiler::stdlib::names().filter(|_| stdlib);
    for name in std_modules {
        let source = polity_compiler::stdlib::source(name).unwrap_or_default();
        match Program::compile(name, source) {
            Ok(p) => report(out, &p, run, &mut tally)?,
            Err(e) => {
                out.flush()?;
                stderr!("{}", e.render(color_stderr()));
                broken = true;
            }
        }
    }
    for path in files {
        let program = match Program::compile_file_with(path, options) {
            Err(e) => {
                out.flush()?;
                stderrln!("{}", super::read_error(path, &e));
                broken = true;
                continue;
            }
            Ok(Err(e)) => {
                out.flush()?;
                stderr!("{}", e.render(color_stderr()));
                broken = true;
                continue;
            }
            Ok(Ok(p)) => p,
        };
        report(out, &program, run, &mut tally)?;
    }
    writeln!(out, "{} passed, {} failed", tally.passed, tally.failed)?;
    Ok(if tally.failed > 0 || broken { 1 } else { 0 })
}

/// How many tests passed and failed.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

/// Runs one program's tests, writing each outcome.
fn report(
    out: &mut impl Write,
    program: &Program,
    (engine, limits): &(Engine, Limits),
    tally: &mut Tally,
) -> io::Result<()> {
    let sources = &program.ir().sources;
    for outcome in program.run_tests_limited(*engine, limits.clone()) {
        let failure = match &outcome.result {
            Ok(()) => {
                tally.passed += 1;
                writeln!(out, "test {} ... ok", outcome.name)?;
                continue;
            }
            Err(failure) => failure,
        };
        tally.failed += 1;
        writeln!(out, "test {} ... FAILED", outcome.name)?;
        let mut text = String::new();
        match failure {
            TestFailure::Expectation { span, failures } => {
                let (file, line, column) = locate(sources, *span);
                let snippet = sources.snippet(*span);
                writeln!(out, "    {file}:{line}:{column}: {snippet}")?;
                for f in failures {
                    write_failure(&mut text, f, 6);
                }
            }
            TestFailure::Fault(e) => {
                let (file, line, column) = locate(sources, e.span);
                writeln!(out, "    {file}:{line}:{column}: error: {}", e.message)?;
            }
        }
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}
