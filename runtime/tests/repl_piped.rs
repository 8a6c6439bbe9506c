//! `polity repl` as a script runner: standard input is not a terminal, so it
//! reads line by line, prints plain answers (no prompt, no colour), keeps
//! going after errors and exits 1 when any line failed. Each test snapshots
//! the whole transcript: the script, stdout, stderr and the exit code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PRAXIS: &str = "../examples/praxis-nova";
const TIDEWATER: &str = "../examples/tidewater";

/// Runs `polity repl ARGS` with `script` on stdin; the transcript.
fn repl(args: &[&str], script: &str) -> (String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_polity"))
        .arg("repl")
        .args(args)
        .env("NO_COLOR", "1")
        .env("POLITY_HISTORY", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A session that ends before reading its input (a charter that does not
    // compile) closes the pipe: that write may fail, and the transcript
    // below says what happened.
    let _ = child.stdin.take().unwrap().write_all(script.as_bytes());
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let transcript = format!(
        "--- stdin\n{script}--- stdout\n{}--- stderr\n{}--- exit {code}\n",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (transcript, code)
}

fn example(dir: &str) -> [String; 3] {
    [
        format!("{dir}/charter.polity"),
        "--snapshot".to_string(),
        format!("{dir}/snapshot.json"),
    ]
}

fn in_example(dir: &str, script: &str) -> (String, i32) {
    let args = example(dir);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    repl(&args, script)
}

#[test]
fn the_issue_example_counts_members() {
    let (t, code) = in_example(PRAXIS, "count(members)\n");
    assert_eq!(code, 0, "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn values_types_bindings_and_verdicts() {
    let (t, code) = in_example(
        PRAXIS,
        r#"// a script may carry notes
now

members["ana"].roles
let ana = members["ana"]
tenure(ana)
ana.country ?? "unknown"
may_vote(ana)
may_vote(members["helena"])
may_vote(ana with { roles: {Citizen} })
passes(proposals["p-001"])
[m.id for m in members if m.status == Suspended]
let yes = sum(v.weight for v in proposals["p-001"].votes if v.choice == For)
yes / 3
2/3 * 10%
"#,
    );
    assert_eq!(code, 0, "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn errors_point_into_the_line_and_do_not_end_the_session() {
    let (t, code) = in_example(
        PRAXIS,
        r#"count(memberz)
1 +
members["nobody"]
tenure(members["ana"]) + 1
members["ana"].name
count(members)
"#,
    );
    assert_eq!(code, 1, "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn input_continues_while_brackets_are_open() {
    let (t, code) = in_example(
        PRAXIS,
        "[m.id for m in members\n   if m.status == Suspended\n]\ncount(members where\n  it.country == none)\n",
    );
    assert_eq!(code, 0, "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn commands() {
    let (t, code) = in_example(
        TIDEWATER,
        r#":help
:laws
:type sailors["marisol"]
:type raised
:type may_vote
:type recognised
:type raised(campaigns["c-flores"])
:engine
:engine jit
:engine interp
:laws please
:bogus
:quit
count(sailors)
"#,
    );
    assert_eq!(code, 1, "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn why_explains_the_whole_tree() {
    let (t, code) = in_example(
        TIDEWATER,
        r#":why may_vote(sailors["marisol"])
:why may_spend(motions["m-03-solar-array"])
:why may_spend(motions["m-02-quiet-hours"])
:why refunds_due(campaigns["c-flores"])
:why recognised
:why count(sailors)
"#,
    );
    assert_eq!(code, 1, "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn exceptions_that_applied_are_named() {
    let (t, code) = in_example(
        PRAXIS,
        ":why may_vote(members[\"carla\"])\n:why may_pay(proposals[\"p-001\"])\n",
    );
    assert_eq!(code, 0, "{t}");
    insta::assert_snapshot!(t);
}

/// Without a snapshot, the hint to load one comes only with the fault of a
/// state name that has no value, not with faults no snapshot would change.
#[test]
fn the_snapshot_hint_comes_only_with_a_missing_state_value() {
    let charter = format!("{PRAXIS}/charter.polity");
    let (t, code) = repl(
        &[&charter],
        "100000000000000000000000000000000000000 mod 0.5\npow(10, 78)\n1 div 0\nmin(range(0, 0))\ncount(members)\ncount(citizens())\n",
    );
    assert_eq!(code, 1, "{t}");
    assert_eq!(t.matches("no snapshot is loaded").count(), 2, "{t}");
    insta::assert_snapshot!(t);
}

/// A fresh directory under the system's temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polity-repl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_example(from: &str, to: &Path) {
    for f in ["charter.polity", "snapshot.json"] {
        std::fs::copy(Path::new(from).join(f), to.join(f)).unwrap();
    }
}

#[test]
fn load_snapshot_and_bindings_across_charters() {
    let dir = temp_dir("load");
    copy_example(PRAXIS, &dir);
    let script = format!(
        r#"let n = count(members)
let ana = members["ana"]
:snapshot {d}/missing.json
:load {t}/charter.polity
:snapshot {t}/snapshot.json
n
count(sailors)
:load {d}/charter.polity
:snapshot {d}/snapshot.json
n
"#,
        d = dir.display(),
        t = TIDEWATER
    );
    let charter = dir.join("charter.polity").display().to_string();
    let snapshot = dir.join("snapshot.json").display().to_string();
    let (t, code) = repl(&[&charter, "--snapshot", &snapshot], &script);
    assert_eq!(code, 1, "{t}");
    insta::assert_snapshot!(t.replace(&dir.display().to_string(), "$TMP"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_a_charter_plain_expressions_work() {
    let (t, code) = repl(&[], "1 + 2\n2026-03-01 - 2026-02-01\n20% * 150\n");
    assert_eq!(code, 0, "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn a_charter_that_does_not_compile_is_reported() {
    let dir = temp_dir("broken");
    std::fs::write(
        dir.join("charter.polity"),
        "law x { require \"a\": nope }\n",
    )
    .unwrap();
    let path = dir.join("charter.polity").display().to_string();
    let (t, code) = repl(&[&path], "1\n");
    assert_eq!(code, 1, "{t}");
    insta::assert_snapshot!(t.replace(&dir.display().to_string(), "$TMP"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_compares_the_loaded_charter_with_an_amendment() {
    // The interpreter (the REPL's default), then the JIT, then a charter
    // whose `state` the snapshot does not match, a missing and an
    // unreadable file.
    let (t, code) = in_example(
        PRAXIS,
        ":diff ../examples/praxis-nova/amendment.polity\n\
         :engine jit\n\
         :diff ../examples/praxis-nova/amendment.polity\n\
         :diff ../examples/tidewater/amendment.polity\n\
         :diff\n\
         :diff no/such.polity\n",
    );
    assert_eq!(code, 1, "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn diff_caps_a_long_list_and_needs_a_snapshot() {
    let (t, code) = in_example(
        TIDEWATER,
        ":diff ../runtime/tests/fixtures/diff/tidewater-strict.polity\n",
    );
    assert_eq!(code, 0, "{t}");
    assert!(t.contains("  … and "), "{t}");
    insta::assert_snapshot!(t);
    let (t, code) = repl(
        &["../examples/praxis-nova/charter.polity"],
        ":diff ../examples/praxis-nova/amendment.polity\n",
    );
    assert_eq!(code, 1, "{t}");
    assert!(t.contains("none is loaded"), "{t}");
}

#[test]
fn figures_are_listed_with_values_on_both_engines() {
    let script = ":figures\n:engine interp\n:figures\n";
    let args = [
        "../tests/eval/figures.polity",
        "--snapshot",
        "../tests/eval/figures.json",
        "--max-steps",
        "500",
    ];
    let (t, code) = repl(&args, script);
    assert_eq!(code, 0, "{t}");
    let out = t.split("--- stdout\n").nth(1).unwrap();
    let out = out.split("--- stderr\n").next().unwrap();
    let (jit, interp) = out.split_once("engine: interp\n").unwrap();
    assert_eq!(jit, interp, "the engines list different figures");
    assert!(
        jit.contains("population: Int = 3\n    How many members there are.\n"),
        "{t}"
    );
    assert!(
        jit.contains("many: List<Int> = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … and 15 more]"),
        "{t}"
    );
    assert!(
        jit.contains("overflowing: Int = error: integer overflow in `big * big` at "),
        "{t}"
    );
    insta::assert_snapshot!(t);
}

#[test]
fn a_charter_without_figures_says_so() {
    let (t, code) = repl(&[], ":figures\n");
    assert_eq!(code, 0, "{t}");
    assert!(t.contains("the charter has no figures"), "{t}");
}
