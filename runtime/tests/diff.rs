//! `polity diff`: what an amendment of each example changes over its
//! snapshot, who changed status between two snapshots, the mismatch error,
//! the exit codes, and the two engines giving the same diff.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::polity;

const PRAXIS: &str = "../examples/praxis-nova";
const TIDEWATER: &str = "../examples/tidewater";
const LATER: &str = "tests/fixtures/diff/praxis-nova-later.json";
const EMAIL: &str = "tests/fixtures/diff/praxis-nova-email.polity";

/// `polity diff OLD NEW --snapshot S` over an example, with `extra` flags.
fn amendment(dir: &str, extra: &[&str]) -> support::Run {
    let (old, new, snap) = (
        format!("{dir}/charter.polity"),
        format!("{dir}/amendment.polity"),
        format!("{dir}/snapshot.json"),
    );
    let mut args = vec!["diff", &old, &new, "--snapshot", &snap];
    args.extend_from_slice(extra);
    polity(&args)
}

/// `polity diff CHARTER --snapshot BEFORE --snapshot LATER` over Praxis Nova.
fn history(extra: &[&str]) -> support::Run {
    let (charter, snap) = (
        format!("{PRAXIS}/charter.polity"),
        format!("{PRAXIS}/snapshot.json"),
    );
    let mut args = vec!["diff", &charter, "--snapshot", &snap, "--snapshot", LATER];
    args.extend_from_slice(extra);
    polity(&args)
}

fn transcript(r: &support::Run) -> String {
    format!(
        "--- stdout\n{}--- stderr\n{}--- exit {}\n",
        r.stdout, r.stderr, r.code
    )
}

#[test]
fn the_praxis_nova_amendment_as_a_table() {
    let r = amendment(PRAXIS, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(transcript(&r));
}

#[test]
fn the_tidewater_amendment_as_a_table() {
    let r = amendment(TIDEWATER, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(transcript(&r));
}

#[test]
fn the_praxis_nova_amendment_as_json() {
    let r = amendment(PRAXIS, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let laws: Vec<(&str, &str)> = doc["laws"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["law"].as_str().unwrap(), l["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        laws,
        [
            ("may_vote", "changed"),
            ("passes", "unchanged"),
            ("may_pay", "removed"),
            ("funded", "unchanged"),
            ("may_stand", "added"),
        ]
    );
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn the_tidewater_amendment_as_json() {
    let r = amendment(TIDEWATER, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn one_charter_over_two_snapshots_lists_who_changed_and_who_is_new_or_gone() {
    let r = history(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(transcript(&r));
    let json = history(&["--format", "json", "--law", "may_vote"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let moves: Vec<String> = doc["laws"][0]["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {} {}", s["subject"], s["from"], s["to"]))
        .collect();
    assert_eq!(
        moves,
        [
            r#""bruno" "pass" "fail""#,
            r#""gustavo" "fail" "pass""#,
            r#""miguel" "fail" "pass""#,
            r#""zeno" "fail" null"#,
            r#""olga" "fail" "pass""#,
            r#""nour" null "fail""#,
        ]
    );
}

#[test]
fn both_engines_give_the_same_diff() {
    for run in [
        &|e: &[&str]| amendment(PRAXIS, e) as support::Run,
        &|e: &[&str]| amendment(TIDEWATER, e),
        &|e: &[&str]| history(e),
    ] as [&dyn Fn(&[&str]) -> support::Run; 3]
    {
        for format in ["table", "json"] {
            let jit = run(&["--format", format, "--engine", "jit"]);
            let interp = run(&["--format", format, "--engine", "interp"]);
            assert_eq!(jit.code, 0, "{}", jit.stderr);
            assert_eq!(jit.stdout, interp.stdout);
            assert_eq!(jit.stderr, interp.stderr);
        }
    }
}

#[test]
fn a_snapshot_only_one_charter_accepts_is_an_error_naming_it() {
    let old = format!("{PRAXIS}/charter.polity");
    let snap = format!("{PRAXIS}/snapshot.json");
    let r = polity(&["diff", &old, EMAIL, "--snapshot", &snap]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.is_empty());
    let first: Vec<&str> = r.stderr.lines().take(3).collect();
    assert_eq!(
        first,
        [
            "error: snapshot `../examples/praxis-nova/snapshot.json` does not match the `state` of the new charter, `tests/fixtures/diff/praxis-nova-email.polity`:",
            "members[0].email: missing",
            "members[1].email: missing",
        ]
    );
    assert!(
        r.stderr.trim_end().ends_with(
            "help: the old charter, `../examples/praxis-nova/charter.polity`, accepts it; compare the charters on a snapshot both accept"
        ),
        "{}",
        r.stderr
    );
    let json = polity(&["diff", EMAIL, &old, "--snapshot", &snap, "--format", "json"]);
    assert_eq!(json.code, 3);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let rejected = &doc["rejected"];
    assert_eq!(rejected.as_array().unwrap().len(), 1);
    assert_eq!(rejected[0]["role"], "the old charter");
    assert_eq!(rejected[0]["charter"], EMAIL);
    assert_eq!(rejected[0]["mismatches"][0]["path"], "members[0].email");
}

#[test]
fn exit_codes_follow_eval_and_git_diff() {
    // Changes are not failures, unless asked.
    assert_eq!(amendment(PRAXIS, &[]).code, 0);
    assert_eq!(amendment(PRAXIS, &["--exit-code"]).code, 1);
    // A law that did not change.
    let funded = amendment(PRAXIS, &["--exit-code", "--law", "funded"]);
    assert_eq!(funded.code, 0, "{}", funded.stderr);
    assert!(funded
        .stdout
        .contains("law funded: no change (3 pass, 2 fail, 0 error)"));
    assert!(
        funded.stdout.ends_with("\nno verdict changes\n"),
        "{}",
        funded.stdout
    );
    // A law only one side has is a change.
    assert_eq!(
        amendment(PRAXIS, &["--exit-code", "--law", "may_stand"]).code,
        1
    );
    let unknown = amendment(PRAXIS, &["--law", "may_vot"]);
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.stderr,
        "error: no law named `may_vot`; did you mean `may_vote`?\n"
    );
    // Usage: two charters and two snapshots.
    let charter = format!("{PRAXIS}/charter.polity");
    let snap = format!("{PRAXIS}/snapshot.json");
    let both = polity(&[
        "diff",
        &charter,
        &charter,
        "--snapshot",
        &snap,
        "--snapshot",
        &snap,
    ]);
    assert_eq!(both.code, 2);
    assert!(both.stderr.starts_with("error: `polity diff` compares"));
    // A charter that does not compile, or cannot be read.
    let bad = temp_file(
        "bad.polity",
        "charter \"T\" { version: 1 }\nconst a: Int = \"x\"\n",
    );
    assert_eq!(
        polity(&["diff", &charter, &bad, "--snapshot", &snap]).code,
        1
    );
    assert_eq!(
        polity(&["diff", &charter, "no/such.polity", "--snapshot", &snap]).code,
        2
    );
    assert_eq!(
        polity(&["diff", &charter, &charter, "--snapshot", "no/such.json"]).code,
        2
    );
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("polity-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Two small charters: `b` fails where `a` failed, for another reason.
const CLUB_A: &str = "charter \"Club\" { version: 1 }\n\
    record Member { id: Text, age: Int, paid: Bool }\n\
    state { members: List<Member> }\n\
    law may_vote(m in members) {\n  require \"is an adult\": m.age >= 18\n  require \"has paid\": m.paid\n}\n";
const CLUB_B: &str = "charter \"Club\" { version: 2 }\n\
    record Member { id: Text, age: Int, paid: Bool }\n\
    state { members: List<Member> }\n\
    law may_vote(m in members) {\n  require \"is an adult\": m.age >= 16\n  require \"has paid\": m.paid\n}\n";

#[test]
fn reasons_also_lists_subjects_failing_for_other_requirements() {
    let a = temp_file("club_a.polity", CLUB_A);
    let b = temp_file("club_b.polity", CLUB_B);
    let snap = temp_file(
        "club.json",
        r#"{"members": [{"id": "ana", "age": 17, "paid": false}, {"id": "bo", "age": 17, "paid": true}]}"#,
    );
    let plain = polity(&["diff", &a, &b, "--snapshot", &snap]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(
        plain.stdout.contains("law may_vote: 1 member now passes\n"),
        "{}",
        plain.stdout
    );
    assert!(!plain.stdout.contains("ana"), "{}", plain.stdout);
    let reasons = polity(&["diff", &a, &b, "--snapshot", &snap, "--reasons"]);
    assert!(
        reasons
            .stdout
            .contains("law may_vote: 1 member now passes, 1 fails for other reasons\n"),
        "{}",
        reasons.stdout
    );
    assert!(
        reasons.stdout.contains("  ana: fail → fail\n"),
        "{}",
        reasons.stdout
    );
}

#[test]
fn subjects_without_an_id_are_matched_by_position_and_it_says_so() {
    let charter = "charter \"P\" { version: 1 }\n\
        record Plot { area: Int }\n\
        state { plots: List<Plot> }\n\
        law large(p in plots) { require \"at least 100\": p.area >= 100 }\n";
    let path = temp_file("plots.polity", charter);
    let before = temp_file("plots1.json", r#"{"plots": [{"area": 50}, {"area": 150}]}"#);
    let after = temp_file(
        "plots2.json",
        r#"{"plots": [{"area": 120}, {"area": 150}, {"area": 10}]}"#,
    );
    let r = polity(&["diff", &path, "--snapshot", &before, "--snapshot", &after]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("law large: 1 plot now passes, 1 new\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("subjects matched by position"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("  #0: fail → pass\n"), "{}", r.stdout);
    assert!(r.stdout.contains("  #2: new → fail\n"), "{}", r.stdout);
}

/// What a diff says, one line per change as the corpus writes it:
/// `changes LAW SUBJECT: FROM -> TO`, `added LAW`, `removed LAW`.
fn corpus_lines(diff: &polity::api::Diff) -> std::collections::BTreeSet<String> {
    let status = |s: Option<polity::api::Status>, none: &str| {
        s.map_or(none.to_string(), |s| s.as_str().to_string())
    };
    let mut lines = std::collections::BTreeSet::new();
    for law in &diff.laws {
        match (law.before, law.after) {
            (None, _) => lines.insert(format!("added {}", law.law)),
            (_, None) => lines.insert(format!("removed {}", law.law)),
            _ => false,
        };
        for c in &law.changes {
            lines.insert(format!(
                "changes {} {}: {} -> {}",
                law.law,
                c.subject,
                status(c.before_status(), "new"),
                status(c.after_status(), "gone")
            ));
        }
    }
    lines
}

/// `tests/diff/NAME.old.polity` and `NAME.new.polity` over `NAME.json`: the
/// `// changes`, `// added` and `// removed` lines of the new charter are
/// exactly what the diff lists, on both engines, which agree.
#[test]
fn the_diff_corpus() {
    use polity::api::{DiffOptions, Engine, EvalOptions, Program, Side};
    let dir = std::path::Path::new("../tests/diff");
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".new.polity"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    for new in cases {
        let name = new.to_string_lossy().replace(".new.polity", "");
        let old = std::path::PathBuf::from(format!("{name}.old.polity"));
        let json = std::fs::read(format!("{name}.json")).unwrap();
        let text = std::fs::read_to_string(&new).unwrap();
        let expected: std::collections::BTreeSet<String> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("// "))
            .filter(|l| {
                ["changes ", "added ", "removed "]
                    .iter()
                    .any(|k| l.starts_with(k))
            })
            .map(str::to_string)
            .collect();
        let compile = |p: &std::path::Path| Program::compile_file(p).unwrap().unwrap();
        let (a, b) = (compile(&old), compile(&new));
        let diffs: Vec<polity::api::Diff> = Engine::ALL
            .iter()
            .map(|&engine| {
                let sa = a.load_snapshot_for(&json, engine).unwrap();
                let sb = b.load_snapshot_for(&json, engine).unwrap();
                let options = DiffOptions {
                    eval: EvalOptions {
                        engine,
                        ..EvalOptions::default()
                    },
                    ..DiffOptions::default()
                };
                let side = |program, state| Side { program, state };
                Program::diff(side(&a, &sa), side(&b, &sb), &options).unwrap()
            })
            .collect();
        for d in &diffs {
            assert_eq!(corpus_lines(d), expected, "{name}");
            assert!(d.disagreements.is_empty(), "{name}");
        }
        assert_eq!(diffs[0].laws, diffs[1].laws, "{name}: the engines disagree");
    }
}

/// Figures whose value changes, and figures only one charter has, follow
/// the laws in the table and the JSON; unchanged ones are not listed, and
/// a diff of one law compares none.
#[test]
fn figures_that_change_are_listed_after_the_laws() {
    let old = temp_file(
        "figures-old.polity",
        "record Member { id: Text, dues: Int }\n\
         state { members: List<Member> }\n\
         figure paid: Int = count(members where it.dues > 0)\n\
         figure size: Int = count(members)\n\
         figure gone_soon: Int = 7\n\
         law may_vote(m in members) { require \"dues paid\": m.dues > 0 }\n",
    );
    let new = temp_file(
        "figures-new.polity",
        "record Member { id: Text, dues: Int }\n\
         state { members: List<Member> }\n\
         figure paid: Int = count(members where it.dues > 10)\n\
         figure size: Int = count(members)\n\
         figure brand_new: Text = \"yes\"\n\
         law may_vote(m in members) { require \"dues paid\": m.dues > 10 }\n",
    );
    let snapshot = temp_file(
        "figures.json",
        r#"{"members": [{"id": "a", "dues": 5}, {"id": "b", "dues": 20}]}"#,
    );
    for engine in ["jit", "interp"] {
        let r = polity(&[
            "diff",
            &old,
            &new,
            "--snapshot",
            &snapshot,
            "--engine",
            engine,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let figures = r.stdout.split("\nfigures:\n").nth(1).unwrap_or_default();
        assert_eq!(
            figures, "  paid: 2 → 1\n  gone_soon: removed (was 7)\n  brand_new: added, = \"yes\"\n",
            "{engine}: {}",
            r.stdout
        );
        let r = polity(&[
            "diff",
            &old,
            &new,
            "--snapshot",
            &snapshot,
            "--engine",
            engine,
            "--format",
            "json",
        ]);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(
            doc["figures"],
            serde_json::json!([
                { "figure": "paid", "before": { "type": "Int", "value": 2 },
                  "after": { "type": "Int", "value": 1 } },
                { "figure": "gone_soon", "before": { "type": "Int", "value": 7 }, "after": null },
                { "figure": "brand_new", "before": null,
                  "after": { "type": "Text", "value": "yes" } },
            ]),
            "{engine}"
        );
        let r = polity(&[
            "diff",
            &old,
            &new,
            "--snapshot",
            &snapshot,
            "--engine",
            engine,
            "--law",
            "may_vote",
        ]);
        assert!(!r.stdout.contains("figures:"), "{engine}: {}", r.stdout);
    }
}
