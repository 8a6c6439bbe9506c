//! `polity test --format junit`: the outcomes as JUnit XML through
//! `quick-junit` — `<testsuites>` with one `<testsuite>` per charter and one
//! `<testcase>` per `test` block. An `expect` that did not hold is a
//! `<failure>` (its message the `expect` and where it is, its text the
//! reasons), a fault an `<error>`, and a charter that did not compile one
//! `<testcase name="(compile)">` with an `<error>` holding the diagnostics.
//! Suites carry the time their tests took.

use super::test_report::{Document, Outcome, Suite};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::io::{self, Write};

/// Writes the report for `doc`.
pub fn write(out: &mut impl Write, doc: &Document) -> io::Result<()> {
    let mut report = Report::new("polity test");
    report.add_test_suites(doc.suites.iter().map(suite));
    let xml = report.to_string().map_err(io::Error::other)?;
    writeln!(out, "{xml}")
}

fn suite(s: &Suite) -> TestSuite {
    let mut suite = TestSuite::new(s.name.as_str());
    suite.set_time(s.time);
    if let Some(diagnostics) = &s.diagnostics {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status
            .set_message("the charter does not compile")
            .set_type("compile")
            .set_description(diagnostics.as_str());
        let mut test = TestCase::new("(compile)", status);
        test.set_classname(s.name.as_str());
        suite.add_test_case(test);
    }
    for case in &s.tests {
        let status = match (case.outcome, &case.failure, &case.error) {
            (Outcome::Fail, Some(f), _) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status
                    .set_message(format!("{}:{}:{}: {}", f.file, f.line, f.column, f.expect))
                    .set_type("expect")
                    .set_description(f.reasons.as_str());
                status
            }
            (Outcome::Error, _, Some(e)) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                status
                    .set_message(format!(
                        "{}:{}:{}: error: {}",
                        e.file, e.line, e.column, e.message
                    ))
                    .set_type(e.kind);
                status
            }
            _ => TestCaseStatus::success(),
        };
        let mut test = TestCase::new(case.name.as_str(), status);
        test.set_classname(s.name.as_str());
        suite.add_test_case(test);
    }
    suite
}
