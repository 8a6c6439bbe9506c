//! `polity test [--stdlib] FILE...`: runs every `test` block (with `--stdlib`,
//! those of every `std.*` module first); ends with `N passed, N failed`.
//!
//! `--format junit` and `--format json` write the same outcomes for CI
//! (`junit.rs`, `test_report.rs`) once every charter has run; charters that
//! do not compile are reported on stderr in every format, and in the
//! document too.
//!
//! `--coverage` (a summary) and `--coverage-lcov FILE` run the charters'
//! tests in the reference interpreter, which counts what they reach
//! (`coverage.rs`); the summary goes before the closing count on stdout in
//! the human format, to stderr in the others.

use super::coverage::{self, Report};
use super::test_report::{Document, Outcome, Suite};
use super::{color_stderr, output, TestFormat};
use crate::api::{CompileOptions, Engine, Limits, Program};
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

/// What `polity test` was asked for, besides the files.
pub struct TestRun {
    /// Also the tests of every `std.*` module.
    pub stdlib: bool,
    /// The engine (the interpreter when counting coverage).
    pub engine: Engine,
    /// The output format.
    pub format: TestFormat,
    /// Print the coverage summary.
    pub coverage: bool,
    /// Write the coverage as lcov to this file.
    pub lcov: Option<PathBuf>,
    /// The budget (its time limit is the whole command's).
    pub limits: Limits,
}

impl TestRun {
    fn counts_coverage(&self) -> bool {
        self.coverage || self.lcov.is_some()
    }
}

pub fn run(files: &[PathBuf], run: &TestRun, options: &CompileOptions) -> i32 {
    let mut out = output::stdout();
    let written = run_all(&mut out, files, run, options);
    output::finish(out, written)
}

/// Runs the tests, writing to `out`; the exit code, or the write error.
fn run_all(
    out: &mut impl Write,
    files: &[PathBuf],
    run: &TestRun,
    options: &CompileOptions,
) -> io::Result<i32> {
    let (stdlib, engine, format) = (run.stdlib, run.engine, run.format);
    let mut doc = Document::default();
    let mut reports = Vec::new();
    let std_modules = polity_compiler::stdlib::names().filter(|_| stdlib);
    for name in std_modules {
        let source = polity_compiler::stdlib::source(name).unwrap_or_default();
        let suite = match Program::compile(name, source) {
            Ok(p) => run_program(name.to_string(), &p, engine, &run.limits),
            Err(e) => {
                out.flush()?;
                stderr!("{}", e.render(color_stderr()));
                Suite::broken(name.to_string(), e.render(false))
            }
        };
        add(out, &mut doc, suite, format)?;
    }
    for path in files {
        let name = path.display().to_string();
        let suite = match Program::compile_file_with(path, options) {
            Err(e) => {
                out.flush()?;
                let message = super::read_error(path, &e);
                stderrln!("{message}");
                Suite::broken(name, message)
            }
            Ok(Err(e)) => {
                out.flush()?;
                stderr!("{}", e.render(color_stderr()));
                Suite::broken(name, e.render(false))
            }
            Ok(Ok(p)) if run.counts_coverage() => {
                let start = Instant::now();
                let (outcomes, report) = coverage::run(name.clone(), &p, &run.limits);
                reports.push(report);
                Suite::new(name, &p, &outcomes, start.elapsed())
            }
            Ok(Ok(p)) => run_program(name, &p, engine, &run.limits),
        };
        add(out, &mut doc, suite, format)?;
    }
    let lcov_failed = write_coverage(out, &reports, run)?;
    match format {
        TestFormat::Human => writeln!(out, "{} passed, {} failed", doc.passed, doc.failed)?,
        TestFormat::Json => output::write_json(out, &doc)?,
        TestFormat::Junit => super::junit::write(out, &doc)?,
    }
    Ok(if lcov_failed {
        2
    } else if doc.failed > 0 || doc.broken > 0 {
        1
    } else {
        0
    })
}

/// Prints the coverage summaries and writes the lcov file, as asked; whether
/// the lcov file could not be written (said on stderr).
fn write_coverage(out: &mut impl Write, reports: &[Report], run: &TestRun) -> io::Result<bool> {
    if run.coverage {
        for r in reports {
            if run.format == TestFormat::Human {
                write!(out, "{}", r.summary())?;
            } else {
                stderr!("{}", r.summary());
            }
        }
    }
    let Some(path) = &run.lcov else {
        return Ok(false);
    };
    let lcov: String = reports.iter().map(Report::lcov).collect();
    match std::fs::write(path, lcov) {
        Ok(()) => Ok(false),
        Err(e) => {
            out.flush()?;
            let message = e.to_string().to_lowercase();
            stderrln!("error: cannot write `{}`: {message}", path.display());
            Ok(true)
        }
    }
}

/// Runs one program's tests.
fn run_program(name: String, program: &Program, engine: Engine, limits: &Limits) -> Suite {
    let start = Instant::now();
    let outcomes = program.run_tests_limited(engine, limits.clone());
    Suite::new(name, program, &outcomes, start.elapsed())
}

/// Counts a suite's outcomes into `doc`, writing them for people as they come
/// in the human format.
fn add(
    out: &mut impl Write,
    doc: &mut Document,
    suite: Suite,
    format: TestFormat,
) -> io::Result<()> {
    if !suite.compiled {
        doc.broken += 1;
    }
    for case in &suite.tests {
        if case.outcome == Outcome::Pass {
            doc.passed += 1;
        } else {
            doc.failed += 1;
        }
    }
    if format == TestFormat::Human {
        write_human(out, &suite)?;
    }
    doc.suites.push(suite);
    Ok(())
}

/// `test NAME ... ok`, or `... FAILED` with where and why.
fn write_human(out: &mut impl Write, suite: &Suite) -> io::Result<()> {
    for case in &suite.tests {
        if case.outcome == Outcome::Pass {
            writeln!(out, "test {} ... ok", case.name)?;
            continue;
        }
        writeln!(out, "test {} ... FAILED", case.name)?;
        if let Some(f) = &case.failure {
            writeln!(out, "    {}:{}:{}: {}", f.file, f.line, f.column, f.expect)?;
            for line in f.reasons.lines() {
                writeln!(out, "      {line}")?;
            }
        }
        if let Some(e) = &case.error {
            writeln!(
                out,
                "    {}:{}:{}: error: {}",
                e.file, e.line, e.column, e.message
            )?;
        }
    }
    Ok(())
}
