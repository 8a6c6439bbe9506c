//! The `polity` binary as users and CI run it: exit codes, output shapes, colour.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::process::{Command, Stdio};
use support::polity;

const PRAXIS: &str = "../examples/praxis-nova/charter.polity";
const PRAXIS_STATE: &str = "../examples/praxis-nova/snapshot.json";

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("polity-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn check_accepts_the_examples() {
    let r = polity(&["check", PRAXIS, "../examples/tidewater/charter.polity"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 2);
    assert!(r.stdout.starts_with("ok: "));
}

#[test]
fn check_reports_every_error_and_exits_1() {
    let bad = temp_file(
        "bad.polity",
        "charter \"T\" { version: 1 }\nconst a: Int = \"x\"\nconst b = membrs\n",
    );
    let r = polity(&["check", &bad]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("error[E0200]") && r.stderr.contains("error[E0100]"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean") || r.stderr.contains("Help"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains('\u{1b}'),
        "no colour when not on a terminal"
    );
    assert!(r.stderr.trim_end().ends_with("2 errors found"));
}

#[test]
fn check_json_has_the_documented_fields() {
    let bad = temp_file(
        "bad_json.polity",
        "charter \"T\" { version: 1 }\nconst a: Int = \"x\"\n",
    );
    let r = polity(&["check", "--format", "json", &bad]);
    assert_eq!(r.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let d = &doc["diagnostics"][0];
    for key in [
        "code", "severity", "message", "file", "line", "column", "span", "help",
    ] {
        assert!(!d[key].is_null(), "missing {key} in {d}");
    }
    assert_eq!(d["code"], "E0200");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 16);
    assert_eq!(d["span"]["start"], 42);
    assert_eq!(doc["ok"], false);
}

#[test]
fn check_usage_and_io_errors_exit_2() {
    assert_eq!(polity(&["check"]).code, 2);
    assert_eq!(polity(&["check", "no/such/file.polity"]).code, 2);
    assert_eq!(polity(&["frobnicate"]).code, 2);
}

#[test]
fn eval_table_lists_failures_with_reasons() {
    let r = polity(&["eval", PRAXIS, "--snapshot", PRAXIS_STATE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn eval_json_has_the_documented_shape() {
    let r = polity(&[
        "eval",
        "../tests/eval/faults.polity",
        "--snapshot",
        "../tests/eval/faults.json",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["charter"], "Faults");
    let law = &doc["laws"][0];
    assert_eq!(law["law"], "arithmetic");
    let results = law["results"].as_array().unwrap();
    assert_eq!(results[0]["subject"], "fine");
    assert_eq!(results[0]["verdict"], "pass");
    assert_eq!(results[1]["verdict"], "error");
    let err = &results[1]["error"];
    assert_eq!(err["kind"], "overflow");
    assert_eq!(err["line"], 7);
    assert!(err["message"].as_str().unwrap().contains("r.a * r.b"));
    let whole = &doc["laws"][1]["results"][0];
    assert!(
        whole["subject"].is_null(),
        "a law without parameter has subject null"
    );
}

const GUARDS: &str = "../tests/eval/guards_advice_optionals.polity";
const GUARDS_STATE: &str = "../tests/eval/guards_advice_optionals.json";

#[test]
fn eval_lists_requirements_not_applicable_and_advice() {
    let guards = [
        "eval",
        GUARDS,
        "--snapshot",
        GUARDS_STATE,
        "--law",
        "passes",
    ];
    let table = polity(&guards);
    assert_eq!(table.code, 0, "{}", table.stderr);
    insta::assert_snapshot!(table.stdout);
    for engine in ["jit", "interp"] {
        let args = [&guards[..], &["--format", "json", "--engine", engine]].concat();
        let r = polity(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let results = doc["laws"][0]["results"].as_array().unwrap();
        let by_id = |id: &str| results.iter().find(|r| r["subject"] == id).unwrap();
        let nopoll = by_id("nopoll");
        assert_eq!(nopoll["verdict"], "fail");
        let na = &nopoll["not_applicable"][0];
        assert_eq!(na["labels"], serde_json::json!(["quorum", "majority"]));
        assert_eq!(na["when"], "p.poll != none");
        assert_eq!(na["reasons"][0]["text"], "p.poll = none, needs != none");
        let late = by_id("late");
        assert_eq!(late["verdict"], "pass");
        assert_eq!(late["warnings"][0]["label"], "paid within ninety days");
        assert_eq!(late["not_applicable"], serde_json::json!([]));
        assert_eq!(by_id("full")["warnings"], serde_json::json!([]));
    }
}

#[test]
fn eval_rejects_a_mismatched_snapshot_with_exit_3() {
    let bad = temp_file(
        "bad.json",
        r#"{"now": "2026-02-30", "members": [{"id": 1}], "proposals": [], "parcels": [], "treasury": {"balance": "lots", "spent_this_month": 0}}"#,
    );
    let r = polity(&["eval", PRAXIS, "--snapshot", &bad]);
    assert_eq!(r.code, 3);
    for needle in [
        "now: impossible date `2026-02-30`",
        "members[0].id: expected Text, found 1",
        "treasury.balance: expected Decimal, found \"lots\"",
        "members[0].joined: missing",
    ] {
        assert!(
            r.stderr.contains(needle),
            "missing {needle:?} in\n{}",
            r.stderr
        );
    }
}

#[test]
fn eval_unknown_law_or_file_exits_2() {
    let r = polity(&["eval", PRAXIS, "--snapshot", PRAXIS_STATE, "--law", "pases"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `passes`"), "{}", r.stderr);
    assert_eq!(polity(&["eval", PRAXIS, "--snapshot", "nope.json"]).code, 2);
    assert_eq!(polity(&["eval", PRAXIS]).code, 2);
}

#[test]
fn eval_of_a_broken_charter_exits_1() {
    let bad = temp_file(
        "broken.polity",
        "charter \"T\" { version: 1 }\nlaw l { require \"x\": 1 }\n",
    );
    assert_eq!(polity(&["eval", &bad, "--snapshot", PRAXIS_STATE]).code, 1);
}

#[test]
fn test_runs_blocks_and_ends_with_the_summary() {
    let r = polity(&["test", PRAXIS, "../examples/tidewater/charter.polity"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let last = r.stdout.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

#[test]
fn test_failures_are_explained_and_exit_1() {
    let charter = "charter \"T\" { version: 1 }\nrecord M { id: Text, age: Int }\nlaw adult(m in members) { require \"is adult\": m.age >= 18 }\nstate { members: List<M> }\ntest \"minors are not adults\" {\n  let kid = M { id: \"k\", age: 12 }\n  expect adult(kid)\n}\ntest \"passes\" { expect 1 + 1 == 2 }\n";
    let file = temp_file("failing.polity", charter);
    let r = polity(&["test", &file]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("test minors are not adults ... FAILED"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("m.age = 12, needs >= 18"), "{}", r.stdout);
    assert_eq!(r.stdout.lines().last(), Some("1 passed, 1 failed"));
}

#[test]
fn reasons_go_inside_the_fns_a_requirement_calls() {
    let r = polity(&[
        "eval",
        "../tests/eval/why_through_fns.polity",
        "--snapshot",
        "../tests/eval/why_through_fns.json",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let close = &doc["laws"][0]["results"][0];
    assert_eq!(close["subject"], "close");
    let mut reason = &close["failed"][0]["reasons"][0];
    let mut calls = Vec::new();
    while let Some(inner) = reason["inner"].get(0) {
        calls.push(reason["expr"].as_str().unwrap().to_string());
        reason = inner;
    }
    assert_eq!(
        calls,
        [
            "threshold_met(m)",
            "carried(m)",
            "decided(t = Tally { yes: 60, no: 40 })",
            "supermajority(yes = 60, no = 40, ratio = 0.666666… (2/3))",
        ]
    );
    assert_eq!(reason["text"], "yes = 60, needs >= 66.666666… (200/3)");
}

#[test]
fn dangling_references_are_snapshot_mismatches() {
    let bad = temp_file(
        "refs_bad.json",
        r#"{"members": [
  {"id": "ana", "stake": 10, "vouched_by": ["bo", "zed"], "mentor": null},
  {"id": "bo", "stake": 5, "vouched_by": ["ana"], "mentor": "nobody"},
  {"id": "bo", "stake": 0, "vouched_by": [], "mentor": "ana"}],
 "proposals": [{"id": "p1", "votes": [{"voter": "ghost", "choice": "For"}]}]}"#,
    );
    for engine in ["jit", "interp"] {
        let r = polity(&[
            "eval",
            "../tests/eval/references.polity",
            "--snapshot",
            &bad,
            "--engine",
            engine,
        ]);
        assert_eq!(r.code, 3, "{}", r.stderr);
        let lines: Vec<&str> = r.stderr.lines().skip(1).collect();
        assert_eq!(
            lines,
            [
                "members[2].id: \"bo\" repeats members[1].id",
                "members[0].vouched_by[1]: \"zed\" is not the id of an element of `members`",
                "members[1].mentor: \"nobody\" is not the id of an element of `members`",
                "proposals[0].votes[0].voter: \"ghost\" is not the id of an element of `members`",
            ],
            "{}",
            r.stderr
        );
    }
}

#[test]
fn private_helpers_stay_in_their_file() {
    let dir = std::env::temp_dir().join(format!("polity-private-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(
        "helpers.polity",
        "private fn twice(x: Int) -> Int = 2 * x\nfn double(x: Int) -> Int = twice(x)\n",
    );
    // The charter has a `twice` of its own: private names do not clash.
    write("main.polity", "charter \"P\" { version: 1 }\nimport \"helpers.polity\"\nrecord R { id: Text, x: Int }\nstate { rows: List<R> }\nprivate fn twice(x: Int) -> Int = x + x\nlaw ok(r in rows) { require \"same\": double(r.x) == twice(r.x) }\n");
    write("s.json", r#"{"rows": [{"id": "a", "x": 3}]}"#);
    let path = |name: &str| dir.join(name).display().to_string();
    let r = polity(&["eval", &path("main.polity"), "--snapshot", &path("s.json")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("law ok: 1 pass, 0 fail"), "{}", r.stdout);
    write(
        "outside.polity",
        "charter \"O\" { version: 1 }\nimport \"helpers.polity\"\nconst four: Int = twice(2)\n",
    );
    let r = polity(&["check", &path("outside.polity")]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("error[E0126]: `twice` is private to")
            && r.stderr.contains("use `double` instead"),
        "{}",
        r.stderr
    );
}

#[test]
fn charters_import_files_relative_to_themselves_once() {
    let dir = std::env::temp_dir().join(format!("polity-import-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("laws")).unwrap();
    std::fs::write(
        dir.join("types.polity"),
        "import \"laws/voting.polity\"\nrecord M { id: Text, age: Int }\n",
    )
    .unwrap();
    std::fs::write(dir.join("laws/voting.polity"), "import \"../types.polity\"\nlaw adult(m in members) { require \"is adult\": m.age >= 18 }\n").unwrap();
    std::fs::write(dir.join("main.polity"), "charter \"Split\" { version: 1 }\nimport \"types.polity\"\nimport \"./types.polity\"\nstate { members: List<M> }\n").unwrap();
    std::fs::write(
        dir.join("s.json"),
        r#"{"members": [{"id": "a", "age": 20}, {"id": "b", "age": 2}]}"#,
    )
    .unwrap();
    let main = dir.join("main.polity").display().to_string();
    let r = polity(&[
        "eval",
        &main,
        "--snapshot",
        &dir.join("s.json").display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["laws"][0]["summary"]["pass"], 1);
    assert_eq!(doc["laws"][0]["summary"]["fail"], 1);
    std::fs::write(
        dir.join("broken.polity"),
        "charter \"B\" { version: 1 }\nimport \"missing.polity\"\n",
    )
    .unwrap();
    let r = polity(&["check", &dir.join("broken.polity").display().to_string()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("E0106") && r.stderr.contains("missing.polity"),
        "{}",
        r.stderr
    );
}

#[test]
fn eval_engines_print_the_same_verdicts() {
    let args = |engine| {
        [
            "eval",
            PRAXIS,
            "--snapshot",
            PRAXIS_STATE,
            "--format",
            "json",
            "--engine",
            engine,
        ]
    };
    let jit = polity(&args("jit"));
    let interp = polity(&args("interp"));
    let default = polity(&[
        "eval",
        PRAXIS,
        "--snapshot",
        PRAXIS_STATE,
        "--format",
        "json",
    ]);
    assert_eq!(
        (jit.code, interp.code),
        (0, 0),
        "{}{}",
        jit.stderr,
        interp.stderr
    );
    assert_eq!(jit.stdout, interp.stdout);
    assert_eq!(default.stdout, jit.stdout);
    assert_eq!(polity(&args("fast")).code, 2);
}

#[cfg(feature = "jit")]
#[test]
fn check_jit_reports_what_runs_as_machine_code() {
    let r = polity(&[
        "check",
        "--jit",
        PRAXIS,
        "../examples/tidewater/charter.polity",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout, @r"
    ok: ../examples/praxis-nova/charter.polity
    jit: 4 laws, 8 figures and 1 test compiled to machine code
    ok: ../examples/tidewater/charter.polity
    jit: 8 laws, 8 figures and 3 tests compiled to machine code
    ");
    let r = polity(&["check", "--jit", "--format", "json", PRAXIS]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["ok"], true);
    let jit = &doc["jit"][0];
    assert_eq!(jit["compiled"], true);
    assert_eq!(jit["laws"], 4);
    assert_eq!(jit["figures"], 8);
    assert_eq!(jit["tests"], 1);
    assert_eq!(jit["interpreted"], serde_json::json!([]));
    // Without --jit, no machine code is mentioned.
    let r = polity(&["check", "--format", "json", PRAXIS]);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(doc.get("jit").is_none());
}

#[test]
fn eval_explains_as_much_as_asked_on_both_engines() {
    let run = |explain: &str, engine: &str| {
        let r = polity(&[
            "eval",
            "../tests/eval/why_through_fns.polity",
            "--snapshot",
            "../tests/eval/why_through_fns.json",
            "--explain",
            explain,
            "--engine",
            engine,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stderr, "", "no disagreement is reported");
        r.stdout
    };
    for explain in ["none", "reasons", "full"] {
        assert_eq!(
            run(explain, "jit"),
            run(explain, "interp"),
            "--explain {explain}"
        );
    }
    let none = run("none", "jit");
    let reasons = run("reasons", "jit");
    let full = run("full", "jit");
    // The same verdicts and labels at every level; `none` has no reason
    // lines, `full` every line of `reasons` and more.
    let labels = |out: &str| -> Vec<String> {
        out.lines()
            .filter(|l| {
                l.starts_with("law ") || l.trim_start().starts_with("- ") || l.starts_with("  fail")
            })
            .map(str::to_string)
            .collect()
    };
    assert_eq!(labels(&none), labels(&reasons));
    assert_eq!(labels(&full), labels(&reasons));
    assert!(none.lines().count() < reasons.lines().count());
    assert!(full.lines().count() > reasons.lines().count());
    insta::assert_snapshot!("explain_none", none);
    insta::assert_snapshot!("explain_full", full);
    assert_eq!(
        polity(&[
            "eval",
            PRAXIS,
            "--snapshot",
            PRAXIS_STATE,
            "--explain",
            "all"
        ])
        .code,
        2
    );
}

/// Two members with one id (a list no field refers to) are a snapshot
/// mismatch naming both elements, exit 3, for both engines; before, they
/// loaded silently and `eval` and `members[key]` answered about different
/// records.
#[test]
fn repeated_ids_are_snapshot_mismatches() {
    let json = std::fs::read_to_string(PRAXIS_STATE).unwrap();
    let json = json.replacen(r#"{"id": "bruno""#, r#"{"id": "ana""#, 1);
    let bad = temp_file("repeated_ids.json", &json);
    for engine in ["jit", "interp"] {
        let r = polity(&["eval", PRAXIS, "--snapshot", &bad, "--engine", engine]);
        assert_eq!(r.code, 3, "{}", r.stderr);
        let lines: Vec<&str> = r.stderr.lines().skip(1).collect();
        assert_eq!(lines, [r#"members[1].id: "ana" repeats members[0].id"#]);
    }
}

/// A charter whose every subject fails, and a snapshot of `n` rows: output
/// far larger than a pipe's and the binary's buffers together.
fn many_failures(n: usize) -> (String, String) {
    let charter = temp_file(
        "many.polity",
        "charter \"Many\" { version: 1 }\nrecord R { id: Text, n: Int }\nstate { rows: List<R> }\nlaw small(r in rows) { require \"is small\": r.n < 0 }\n",
    );
    let rows: Vec<String> = (0..n)
        .map(|i| format!("{{\"id\": \"row{i}\", \"n\": {i}}}"))
        .collect();
    let state = temp_file(
        &format!("many-{n}.json"),
        &format!("{{\"rows\": [{}]}}", rows.join(", ")),
    );
    (charter, state)
}

/// Runs the binary with `stdin` as its input and `stdout` as its output (a
/// pipe's reading end is closed at once); its exit code and stderr.
fn polity_to(args: &[&str], stdin: &str, stdout: Stdio) -> (Option<i32>, String) {
    use std::io::{Read, Write};
    let mut child = Command::new(env!("CARGO_BIN_EXE_polity"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut input = child.stdin.take().unwrap();
    // A command that does not read its input (`check`, `--help`) may have
    // exited before this write: its closed stdin is not the test's concern.
    match input.write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.unwrap(),
    }
    drop(input);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap().code(), stderr)
}

#[test]
fn a_closed_pipe_ends_quietly_with_141() {
    let (charter, state) = many_failures(20_000);
    for format in ["table", "json"] {
        let args = ["eval", &charter, "--snapshot", &state, "--format", format];
        let (code, stderr) = polity_to(&args, "", Stdio::piped());
        assert_eq!(
            (code, stderr.as_str()),
            (Some(141), ""),
            "--format {format}"
        );
    }
    // The REPL answers only after reading its input, so its first answer
    // meets the closed pipe.
    let args = ["repl", PRAXIS, "--snapshot", PRAXIS_STATE];
    let (code, stderr) = polity_to(&args, "count(members)\n1 + 1\n", Stdio::piped());
    assert_eq!((code, stderr.as_str()), (Some(141), ""));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_line_and_exit_2() {
    let (charter, state) = many_failures(3);
    let tests = "../tests/eval/aggregates.polity";
    let runs: [&[&str]; 7] = [
        &["eval", &charter, "--snapshot", &state],
        &["eval", &charter, "--snapshot", &state, "--format", "json"],
        &["check", PRAXIS],
        &["check", "--format", "json", PRAXIS],
        &["test", tests],
        &["repl", PRAXIS, "--snapshot", PRAXIS_STATE],
        &["--help"],
    ];
    for args in runs {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let (code, stderr) = polity_to(args, "count(members)\n", full.into());
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert_eq!(
            stderr, "error: cannot write the output: no space left on device (os error 28)\n",
            "{args:?}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stderr_keeps_the_exit_code() {
    let broken = temp_file(
        "broken-stderr.polity",
        "charter \"B\" { version: 1 }\nlaw x { require \"a\": y }\n",
    );
    for (args, code) in [
        (vec!["check", broken.as_str()], 1),
        (vec!["eval", broken.as_str(), "--snapshot", PRAXIS_STATE], 1),
        (vec!["check", "no-such-file.polity"], 2),
    ] {
        let full = std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_polity"))
            .args(&args)
            .stderr(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}

/// A fresh, empty directory for one test.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("polity-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn imports_stay_inside_the_root_directory() {
    let top = temp_dir("sandbox");
    let root = top.join("root");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::create_dir_all(root.join("folder.polity")).unwrap();
    std::fs::write(top.join("secret.polity"), "the secret first line\n").unwrap();
    std::os::unix::fs::symlink(top.join("secret.polity"), root.join("link.polity")).unwrap();
    std::os::unix::fs::symlink(&top, root.join("up")).unwrap();
    std::fs::write(root.join("notes.txt"), "the notes' first line\n").unwrap();
    // One byte over the 4 MiB cap.
    std::fs::write(root.join("huge.polity"), vec![b' '; (4 << 20) + 1]).unwrap();
    std::fs::write(root.join("ok.polity"), "const k: Int = 1\n").unwrap();
    let imports = [
        "/etc/passwd",
        "../secret.polity",
        "sub/../../secret.polity",
        "link.polity",
        "up/secret.polity",
        "folder.polity",
        "notes.txt",
        "huge.polity",
        "sub/../ok.polity",
    ];
    let text: String = imports
        .iter()
        .map(|i| format!("import \"{i}\"\n"))
        .collect();
    std::fs::write(root.join("main.polity"), text).unwrap();
    let main = root.join("main.polity").display().to_string();
    let r = polity(&["check", "--format", "json", &main]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let found: Vec<(u64, String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let line = d["line"].as_u64().unwrap();
            let code = d["code"].as_str().unwrap().to_string();
            (line, code, d["message"].as_str().unwrap().to_string())
        })
        .collect();
    let codes: Vec<(u64, &str)> = found.iter().map(|(l, c, _)| (*l, c.as_str())).collect();
    assert_eq!(
        codes,
        [
            (1, "E0129"),
            (2, "E0129"),
            (3, "E0129"),
            (4, "E0129"),
            (5, "E0129"),
            (6, "E0106"),
            (7, "E0106"),
            (8, "E0106"),
        ],
        "{found:#?}"
    );
    let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
    assert!(messages[0].ends_with("an absolute path"), "{messages:?}");
    assert!(messages[1].contains("leads out of"), "{messages:?}");
    assert!(messages[3].contains("symbolic link"), "{messages:?}");
    assert!(messages[5].ends_with("not a regular file"), "{messages:?}");
    assert!(messages[6].contains("only `.polity` files"), "{messages:?}");
    assert!(
        messages[7].contains("larger than the limit of 4 MiB"),
        "{messages:?}"
    );
    // Nothing outside the root, and nothing that is not Polity, is quoted.
    assert!(!r.stdout.contains("first line"), "{}", r.stdout);
    // A wider root lets the `..` import in (and reads the file: not Polity).
    let r = polity(&["check", "--root", &top.display().to_string(), &main]);
    assert!(
        !r.stderr.contains("cannot import `../secret.polity`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("cannot import `/etc/passwd`"),
        "{}",
        r.stderr
    );
}

#[test]
fn charter_and_snapshot_reads_are_bounded() {
    let r = polity(&["check", "/dev/zero"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.trim_end(),
        "error: cannot read `/dev/zero`: not a regular file"
    );
    let dir = temp_dir("bounded");
    std::fs::write(dir.join("c.polity"), "state { n: Int }\n").unwrap();
    let charter = dir.join("c.polity").display().to_string();
    // A file over the cap is refused by its size, a pipe by what it sends.
    std::fs::write(dir.join("big.json"), vec![b' '; 70_000]).unwrap();
    let fifo = dir.join("fifo.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            // Fails once the reader has stopped at its cap.
            let _ = f.write_all(&vec![b' '; 1 << 20]);
        })
    };
    for snapshot in [dir.join("big.json"), fifo] {
        let r = polity(&[
            "eval",
            &charter,
            "--snapshot",
            &snapshot.display().to_string(),
            "--max-snapshot-bytes",
            "65536",
        ]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("larger than the limit of 64 KiB")
                && r.stderr.contains("--max-snapshot-bytes"),
            "{}",
            r.stderr
        );
    }
    writer.join().unwrap();
    for not_a_file in ["/dev/zero".to_string(), dir.display().to_string()] {
        let r = polity(&["eval", &charter, "--snapshot", &not_a_file]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    }
}

#[test]
fn check_shows_a_hundred_diagnostics_a_file_and_counts_them_all() {
    let text: String = std::iter::once("charter \"T\" { version: 1 }\n".to_string())
        .chain((0..150).map(|i| format!("const c{i}: Int = \"x\"\n")))
        .collect();
    let bad = temp_file("many_errors.polity", &text);
    let r = polity(&["check", &bad]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.matches("error[E0200]").count(),
        100,
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("error[E0011]: and 50 more errors"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.trim_end().ends_with("150 errors found"),
        "{}",
        r.stderr
    );
    let r = polity(&[
        "check",
        "--max-diagnostics",
        "200",
        "--format",
        "json",
        &bad,
    ]);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 150);
    assert_eq!(doc["errors"], 150);
}

#[test]
fn repl_imports_keep_to_the_root_too() {
    let top = temp_dir("repl-root");
    std::fs::create_dir_all(top.join("app")).unwrap();
    std::fs::write(top.join("shared.polity"), "const k: Int = 42\n").unwrap();
    std::fs::write(top.join("app/main.polity"), "import \"../shared.polity\"\n").unwrap();
    let main = top.join("app/main.polity").display().to_string();
    let run = |extra: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_polity"))
            .arg("repl")
            .arg(&main)
            .args(extra)
            .env("POLITY_HISTORY", "/dev/null")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let _ = std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"k\n");
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        (out.status.code(), stdout, stderr)
    };
    let (code, _, stderr) = run(&[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("error[E0129]"), "{stderr}");
    let (code, stdout, stderr) = run(&["--root", &top.display().to_string()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("42"), "{stdout}");
}

#[test]
fn eval_prints_the_figures_before_the_laws() {
    let r = polity(&["eval", PRAXIS, "--snapshot", PRAXIS_STATE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let figures = r.stdout.split("\nlaw ").next().unwrap();
    assert_eq!(
        figures,
        "Praxis Nova\n\nfigures:\n  population = 42\n  citizen_count = 29\n  voters = 24\n  \
         treasury_balance = 250000\n  land_area_m2 = 7750\n  \
         parcels_funded = [\"lisbon-1\", \"tallinn-2\", \"tartu-5\"]\n  \
         turnout = 0.179310… (26/145)\n  passed = [\"p-001\", \"p-006\", \"p-007\"]\n"
    );
}

#[test]
fn eval_figure_selects_figures_and_law_selects_laws() {
    let only = polity(&[
        "eval",
        PRAXIS,
        "--snapshot",
        PRAXIS_STATE,
        "--figure",
        "turnout",
        "--figure",
        "voters",
    ]);
    assert_eq!(only.code, 0, "{}", only.stderr);
    // In declaration order, and no law without `--law`.
    assert_eq!(
        only.stdout,
        "Praxis Nova\n\nfigures:\n  voters = 24\n  turnout = 0.179310… (26/145)\n"
    );
    let law = polity(&[
        "eval",
        PRAXIS,
        "--snapshot",
        PRAXIS_STATE,
        "--law",
        "funded",
    ]);
    assert!(!law.stdout.contains("figures:"), "{}", law.stdout);
    let both = polity(&[
        "eval",
        PRAXIS,
        "--snapshot",
        PRAXIS_STATE,
        "--law",
        "funded",
        "--figure",
        "voters",
        "--format",
        "json",
    ]);
    assert_eq!(both.code, 0, "{}", both.stderr);
    let doc: serde_json::Value = serde_json::from_str(&both.stdout).unwrap();
    assert_eq!(
        doc["figures"],
        serde_json::json!({ "voters": { "type": "Int", "value": 24 } })
    );
    assert_eq!(doc["laws"].as_array().unwrap().len(), 1);
    assert_eq!(doc["laws"][0]["law"], "funded");
}

#[test]
fn eval_json_figures_are_typed_values_in_declaration_order() {
    let r = polity(&[
        "eval",
        PRAXIS,
        "--snapshot",
        PRAXIS_STATE,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let figures = doc["figures"].as_object().unwrap();
    let names: Vec<&str> = figures.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "population",
            "citizen_count",
            "voters",
            "treasury_balance",
            "land_area_m2",
            "parcels_funded",
            "turnout",
            "passed"
        ]
    );
    assert_eq!(figures["land_area_m2"]["value"], 7750);
    assert_eq!(
        figures["turnout"],
        serde_json::json!({ "type": "Decimal", "value": "26/145" })
    );
    assert_eq!(figures["passed"]["type"], "List<Text>");
    assert_eq!(doc["laws"].as_array().unwrap().len(), 4);
}

#[test]
fn eval_unknown_figure_exits_2_listing_the_figures() {
    let r = polity(&[
        "eval",
        PRAXIS,
        "--snapshot",
        PRAXIS_STATE,
        "--figure",
        "census",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("no figure named `census`; the figures are `population`, `citizen_count`"),
        "{}",
        r.stderr
    );
}

#[test]
fn eval_figures_that_fault_are_errors_with_locations_on_both_engines() {
    let run = |engine: &str| {
        polity(&[
            "eval",
            "../tests/eval/figures.polity",
            "--snapshot",
            "../tests/eval/figures.json",
            "--max-steps",
            "500",
            "--engine",
            engine,
            "--format",
            "json",
        ])
    };
    let (jit, interp) = (run("jit"), run("interp"));
    assert_eq!(jit.code, 0, "{}", jit.stderr);
    assert_eq!(jit.stdout, interp.stdout);
    assert_eq!(jit.stderr, "");
    let doc: serde_json::Value = serde_json::from_str(&jit.stdout).unwrap();
    let runaway = &doc["figures"]["runaway"]["error"];
    assert_eq!(runaway["kind"], "limit");
    assert_eq!(runaway["line"], 34);
    assert_eq!(doc["figures"]["overflowing"]["error"]["kind"], "overflow");
    assert_eq!(doc["figures"]["doubled"]["value"], 6);
}

#[test]
fn max_memory_takes_bytes_with_binary_suffixes_or_none() {
    let charter = temp_file(
        "memory.polity",
        "charter \"M\" { version: 1 }\nstate {\n  n: Int\n}\n\
         law builds { require \"all\": len([x for x in range(0, n)]) == n }\n",
    );
    let snapshot = temp_file("memory.json", r#"{"n": 1024}"#);
    let run = |memory: &str| {
        polity(&[
            "eval",
            &charter,
            "--snapshot",
            &snapshot,
            "--max-memory",
            memory,
        ])
    };
    // `range` and the list build 96 bytes an element: 96 KiB in all.
    for (memory, passes) in [
        ("96K", true),
        ("98303", false),
        ("1M", true),
        ("none", true),
    ] {
        let r = run(memory);
        assert_eq!(r.code, 0, "{memory}: {}", r.stderr);
        assert_eq!(
            r.stdout.contains("1 pass"),
            passes,
            "{memory}: {}",
            r.stdout
        );
    }
    let r = run("98303");
    assert!(
        r.stdout.contains("memory budget of 98303 bytes exhausted"),
        "{}",
        r.stdout
    );
    let r = run("12Q");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is not a number of bytes"),
        "{}",
        r.stderr
    );
}
