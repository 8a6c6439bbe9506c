//! The outcomes of `polity test` as data, whatever the format: one
//! [`Suite`] per charter (or `std.*` module) with one [`Case`] per `test`
//! block. `--format json` writes them as they are (the shape below);
//! `--format junit` turns them into JUnit XML (`junit.rs`); the default
//! format writes them for people (`test.rs`).
//!
//! ```text
//! { "passed", "failed", "broken",
//!   "suites": [ { "name", "charter"?, "compiled", "diagnostics"?,
//!     "tests": [ { "name", "line", "column", "outcome": "pass" | "fail" | "error",
//!       "failure"?: { "file", "line", "column", "expect", "reasons" },
//!       "error"?: { "file", "line", "column", "kind", "message" } } ] } ] }
//! ```

use super::reasons::{locate, write_failure};
use crate::api::Program;
use crate::interp::{TestFailure, TestOutcome};
use serde::Serialize;
use std::time::Duration;

/// Everything `polity test` ran.
#[cfg(feature = "cli")]
#[derive(Debug, Default, Serialize)]
pub struct Document {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed or faulted.
    pub failed: usize,
    /// Charters that could not be read or did not compile.
    pub broken: usize,
    /// One per charter, in the order run.
    pub suites: Vec<Suite>,
}

/// The tests of one charter or module.
#[derive(Debug, Serialize)]
pub struct Suite {
    /// The charter's file name as given, or the module's name (`std.voting`).
    pub name: String,
    /// The charter's `charter "Name"`, when it compiled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charter: Option<String>,
    /// Whether it compiled (else it has no tests and `diagnostics` says why).
    pub compiled: bool,
    /// Why it did not compile or could not be read (rendered without colour).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<String>,
    /// Its tests, in source order.
    pub tests: Vec<Case>,
    /// How long its tests took (not in the JSON: it differs run to run).
    #[serde(skip)]
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    pub time: Duration,
}

/// One `test` block.
#[derive(Debug, Serialize)]
pub struct Case {
    /// The test's name.
    pub name: String,
    /// Where the test is declared: its name's line (1-based).
    pub line: usize,
    /// Its column (1-based, in characters).
    pub column: usize,
    /// What happened.
    pub outcome: Outcome,
    /// The `expect` that did not hold, with its reasons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Expectation>,
    /// The fault that ended it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Fault>,
}

/// A test's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every `expect` held.
    Pass,
    /// An `expect` did not hold.
    Fail,
    /// Evaluation faulted (overflow, division by zero, a missing value...).
    Error,
}

/// The `expect` that did not hold.
#[derive(Debug, Serialize)]
pub struct Expectation {
    /// Its file.
    pub file: String,
    /// Its line.
    pub line: usize,
    /// Its column.
    pub column: usize,
    /// Its source text.
    pub expect: String,
    /// Why it did not hold, as `polity test` prints it (lines, nested ones
    /// indented further).
    pub reasons: String,
}

/// The fault that ended a test.
#[derive(Debug, Serialize)]
pub struct Fault {
    /// The faulting expression's file.
    pub file: String,
    /// Its line.
    pub line: usize,
    /// Its column.
    pub column: usize,
    /// `overflow`, `division_by_zero`, ... (as in `docs/errors.md`).
    pub kind: &'static str,
    /// The message.
    pub message: String,
}

impl Suite {
    /// A charter that could not be read or compiled.
    #[cfg(feature = "cli")]
    pub fn broken(name: String, diagnostics: String) -> Suite {
        Suite {
            name,
            charter: None,
            compiled: false,
            diagnostics: Some(diagnostics),
            tests: Vec::new(),
            time: Duration::ZERO,
        }
    }

    /// The outcomes of `program`'s tests, which took `time`.
    pub fn new(name: String, program: &Program, outcomes: &[TestOutcome], time: Duration) -> Suite {
        Suite {
            name,
            charter: Some(program.ir().charter.name.clone()),
            compiled: true,
            diagnostics: None,
            tests: outcomes.iter().map(|o| Case::new(program, o)).collect(),
            time,
        }
    }
}

impl Case {
    fn new(program: &Program, o: &TestOutcome) -> Case {
        let sources = &program.ir().sources;
        let (_, line, column) = locate(sources, o.span);
        let mut case = Case {
            name: o.name.clone(),
            line,
            column,
            outcome: Outcome::Pass,
            failure: None,
            error: None,
        };
        match &o.result {
            Ok(()) => {}
            Err(TestFailure::Expectation { span, failures }) => {
                let (file, line, column) = locate(sources, *span);
                let mut reasons = String::new();
                for f in failures {
                    write_failure(&mut reasons, f, 0);
                }
                case.outcome = Outcome::Fail;
                case.failure = Some(Expectation {
                    file,
                    line,
                    column,
                    expect: sources.snippet(*span).to_string(),
                    reasons,
                });
            }
            Err(TestFailure::Fault(e)) => {
                let (file, line, column) = locate(sources, e.span);
                case.outcome = Outcome::Error;
                case.error = Some(Fault {
                    file,
                    line,
                    column,
                    kind: e.kind.as_str(),
                    message: e.message.clone(),
                });
            }
        }
        case
    }
}
