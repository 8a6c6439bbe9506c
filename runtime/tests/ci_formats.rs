//! The CI formats as CI runs them, through the built binary: `check --format
//! sarif|github`, `test --format junit|json` and `test --coverage`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::polity;

const DIAGNOSTICS: &str = "tests/fixtures/ci/diagnostics.polity";
const WARNING: &str = "tests/fixtures/ci/warning.polity";
const CLEAN: &str = "tests/fixtures/ci/clean.polity";

/// Every error the official SARIF 2.1.0 schema finds in `log`.
fn schema_errors(log: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/sarif-schema-2.1.0.json").unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_is_valid_and_names_rules_results_and_regions() {
    let r = polity(&["check", "--format", "sarif", DIAGNOSTICS, WARNING, CLEAN]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(schema_errors(&log), Vec::<String>::new());
    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["E0102", "E0103", "E0207"]);
    // Every result points at its rule.
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], result["ruleId"].as_str().unwrap());
    }
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn sarif_of_clean_charters_has_no_results_and_exit_0() {
    let r = polity(&["check", "--format", "sarif", CLEAN]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(schema_errors(&log), Vec::<String>::new());
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
}

#[test]
fn the_schema_test_rejects_what_is_not_sarif() {
    // The validation is real: a result without a message, a level that is
    // not one and a line 0 are each found.
    let r = polity(&["check", "--format", "sarif", DIAGNOSTICS]);
    let mut log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let result = &mut log["runs"][0]["results"][0];
    result.as_object_mut().unwrap().remove("message");
    result["level"] = "fatal".into();
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert_eq!(schema_errors(&log).len(), 3, "{:?}", schema_errors(&log));
}

#[test]
fn github_annotations_one_a_line() {
    let r = polity(&["check", "--format", "github", DIAGNOSTICS, WARNING, CLEAN]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    insta::assert_snapshot!(r.stdout);
    let r = polity(&["check", "--format", "github", WARNING]);
    assert_eq!(r.code, 0, "a warning does not fail the check");
    assert!(r.stdout.starts_with("::warning file="), "{}", r.stdout);
}

#[test]
fn an_unreadable_file_is_exit_2_in_the_ci_formats_too() {
    for format in ["sarif", "github"] {
        let r = polity(&[
            "check",
            "--format",
            format,
            "tests/fixtures/ci/missing.polity",
        ]);
        assert_eq!(r.code, 2, "{format}");
        assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
    }
}

const TESTED: &str = "tests/fixtures/ci/tested.polity";
const BROKEN: &str = "tests/fixtures/ci/broken.polity";

/// The XML with every `time="…"` attribute's value replaced by `T`.
fn without_times(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("time=\"") {
        let (head, tail) = rest.split_at(i + "time=\"".len());
        out.push_str(head);
        out.push('T');
        rest = &tail[tail.find('"').unwrap()..];
    }
    out.push_str(rest);
    out
}

#[test]
fn junit_has_a_suite_per_charter_and_a_case_per_test() {
    let r = polity(&["test", "--format", "junit", TESTED, BROKEN]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("error[E0200]"), "{}", r.stderr);
    let report = quick_junit::Report::deserialize_from_str(&r.stdout).unwrap();
    assert_eq!((report.tests, report.failures, report.errors), (4, 1, 2));
    let suites: Vec<(&str, usize)> = report
        .test_suites
        .iter()
        .map(|s| (s.name.as_str(), s.test_cases.len()))
        .collect();
    assert_eq!(suites, [(TESTED, 3), (BROKEN, 1)]);
    insta::assert_snapshot!(without_times(&r.stdout));
}

#[test]
fn json_has_the_documented_shape() {
    let r = polity(&["test", "--format", "json", TESTED, BROKEN]);
    assert_eq!(r.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (&doc["passed"], &doc["failed"], &doc["broken"]),
        (&1.into(), &2.into(), &1.into())
    );
    let outcomes: Vec<&str> = doc["suites"][0]["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["pass", "fail", "error"]);
    assert_eq!(doc["suites"][1]["compiled"], false);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn the_human_format_is_unchanged_and_ends_with_the_count() {
    let r = polity(&["test", TESTED]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.ends_with("1 passed, 2 failed\n"), "{}", r.stdout);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn coverage_names_what_the_tests_left_unreached() {
    let lcov = std::env::temp_dir().join(format!("polity-ci-{}.info", std::process::id()));
    let lcov_arg = lcov.display().to_string();
    let r = polity(&["test", "--coverage", "--coverage-lcov", &lcov_arg, TESTED]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // The summary comes before the closing count, which stays last.
    assert!(r.stdout.ends_with("1 passed, 2 failed\n"), "{}", r.stdout);
    let summary = &r.stdout[r.stdout.find("coverage of").unwrap()..];
    for uncovered in [
        "not reached, line 21: when m.status == Active did not hold",
        "not reached, line 23: unless \"founders vote from day one\" applied",
        "not reached, line 13: else",
        "not reached, line 17: match arm 2",
        "total: 6/10 (60%)",
    ] {
        assert!(summary.contains(uncovered), "{uncovered}\n{summary}");
    }
    insta::assert_snapshot!("coverage_summary", summary);
    let info = std::fs::read_to_string(&lcov).unwrap();
    std::fs::remove_file(&lcov).unwrap();
    assert!(info.starts_with(&format!("TN:\nSF:{TESTED}\n")), "{info}");
    for line in [
        "BRDA:23,2,0,0",
        "BRDA:17,4,1,0",
        "BRF:7",
        "BRH:3",
        "DA:23,0",
        "LF:8",
        "LH:6",
    ] {
        assert!(info.lines().any(|l| l == line), "{line}\n{info}");
    }
    insta::assert_snapshot!("coverage_lcov", info);
}

#[test]
fn coverage_with_a_machine_format_goes_to_stderr() {
    let r = polity(&["test", "--format", "json", "--coverage", TESTED]);
    assert!(r.stderr.starts_with("coverage of"), "{}", r.stderr);
    let _: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
}

#[test]
fn counting_coverage_changes_no_outcome() {
    // Every charter with tests: the same outcomes with and without the recorder.
    let mut charters = vec![TESTED.to_string()];
    for dir in ["../examples", "../tests/eval"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let charter = if path.is_dir() {
                path.join("charter.polity")
            } else {
                path
            };
            let is_polity = charter.extension().is_some_and(|e| e == "polity");
            if is_polity && std::fs::read_to_string(&charter).is_ok_and(|t| t.contains("\ntest ")) {
                charters.push(charter.display().to_string());
            }
        }
    }
    charters.sort();
    assert!(charters.len() >= 3, "{charters:?}");
    let args = |coverage: bool| {
        let mut a = vec!["test", "--format", "json", "--engine", "interp"];
        if coverage {
            a.push("--coverage");
        }
        a.extend(charters.iter().map(String::as_str));
        a
    };
    let plain = polity(&args(false));
    let covered = polity(&args(true));
    assert_eq!(plain.code, covered.code);
    assert_eq!(plain.stdout, covered.stdout);
}

#[test]
fn an_unwritable_lcov_file_is_exit_2() {
    let r = polity(&[
        "test",
        "--coverage-lcov",
        "tests/fixtures/ci/no/such/dir/x.info",
        TESTED,
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("cannot write `tests/fixtures/ci/no/such/dir/x.info`"),
        "{}",
        r.stderr
    );
}
