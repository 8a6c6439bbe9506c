//! `polity eval CHARTER --snapshots ...`: a charter over a series of dated
//! snapshots. Each example's monthly history gives its checked-in JSON Lines
//! and CSV on both engines; the last month is the example's own snapshot, so
//! its figures are the hand-derived ones of `expected.json`. Ordering,
//! inputs (files, directories, `.jsonl`), mismatches and `--fail-fast`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::PathBuf;
use support::{polity_in, Run};

/// `polity ARGS...` from the repository's root, so names in the output
/// read `examples/...`.
fn polity(args: &[&str]) -> Run {
    polity_in("..", args)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polity-history-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const CHARTER: &str = "charter \"H\" { version: 1 }\nrecord M { id: Text, n: Int }\n\
    state { day: Int, ms: List<M> }\nfigure total: Int = sum(m.n for m in ms)\n\
    law positive(m in ms) { require \"positive\": m.n > 0 }\n";

#[test]
fn the_examples_histories_give_their_expected_output_on_both_engines() {
    for example in ["praxis-nova", "tidewater"] {
        let charter = format!("examples/{example}/charter.polity");
        let history = format!("examples/{example}/history");
        for format in ["jsonl", "csv"] {
            let expected =
                std::fs::read_to_string(format!("../{history}/expected.{format}")).unwrap();
            for engine in ["jit", "interp"] {
                let r = polity(&[
                    "eval",
                    &charter,
                    "--snapshots",
                    &history,
                    "--format",
                    format,
                    "--engine",
                    engine,
                ]);
                assert_eq!(r.code, 0, "{example} {format} {engine}: {}", r.stderr);
                assert_eq!(r.stderr, "", "{example} {format} {engine}");
                assert_eq!(r.stdout, expected, "{example} {format} {engine}");
            }
        }
        // The last month is the example's snapshot: its figures are the
        // hand-derived ones.
        let last: serde_json::Value = serde_json::from_str(
            std::fs::read_to_string(format!("../{history}/expected.jsonl"))
                .unwrap()
                .lines()
                .last()
                .unwrap(),
        )
        .unwrap();
        let derived: serde_json::Value = serde_json::from_slice(
            &std::fs::read(format!("../examples/{example}/expected.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(last["figures"], derived["figures"], "{example}");
        assert_eq!(
            std::fs::read_dir(format!("../{history}")).unwrap().count(),
            14
        );
    }
}

#[test]
fn snapshots_are_ordered_by_now_or_the_field_named_whatever_the_inputs() {
    let dir = temp_dir("order");
    std::fs::write(dir.join("h.polity"), CHARTER).unwrap();
    // Files named against their order, a directory, and a JSON Lines file.
    std::fs::write(
        dir.join("a.json"),
        r#"{"now": "2026-03-01", "day": 3, "ms": [{"id": "x", "n": 3}]}"#,
    )
    .unwrap();
    std::fs::create_dir(dir.join("more")).unwrap();
    std::fs::write(
        dir.join("more/b.json"),
        r#"{"now": "2026-01-01", "day": 1, "ms": []}"#,
    )
    .unwrap();
    std::fs::write(dir.join("more/notes.txt"), "not a snapshot").unwrap();
    std::fs::write(
        dir.join("c.jsonl"),
        "{\"now\": \"2026-02-01\", \"day\": 2, \"ms\": [{\"id\": \"y\", \"n\": -1}]}\n\n{\"now\": \"2026-04-01\", \"day\": 4, \"ms\": []}\n",
    )
    .unwrap();
    let d = dir.display().to_string();
    let (charter, a, more, c) = (
        format!("{d}/h.polity"),
        format!("{d}/a.json"),
        format!("{d}/more"),
        format!("{d}/c.jsonl"),
    );
    // `now` is not in the charter's state: a snapshot with it is rejected,
    // so these are ordered by `day` (which is).
    let r = polity(&[
        "eval",
        &charter,
        "--snapshots",
        &a,
        &more,
        &c,
        "--order-by",
        "day",
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let rows: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        rows[0],
        "snapshot,day,total,positive.pass,positive.fail,positive.error,positive.limit"
    );
    assert_eq!(rows[1], format!("{d}/more/b.json,1,,,,,"));
    assert_eq!(rows[2], format!("{d}/c.jsonl:1,2,,,,,"));
    assert_eq!(rows[3], format!("{d}/a.json,3,,,,,"));
    assert_eq!(rows[4], format!("{d}/c.jsonl:3,4,,,,,"));
    assert!(
        r.stderr
            .contains(&format!("snapshot `{d}/a.json` does not match")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("$: unknown field `now`"),
        "the mismatch names its JSON path: {}",
        r.stderr
    );
}

#[test]
fn each_snapshot_gives_figures_and_counts_and_a_mismatch_stops_only_itself() {
    let dir = temp_dir("mismatch");
    std::fs::write(dir.join("h.polity"), CHARTER).unwrap();
    let lines = [
        r#"{"day": 1, "ms": [{"id": "a", "n": 2}, {"id": "b", "n": -5}]}"#,
        r#"{"day": 2, "ms": [{"id": "a", "n": "lots"}]}"#,
        r#"{"day": 3, "ms": [{"id": "a", "n": 7}]}"#,
    ];
    std::fs::write(dir.join("s.jsonl"), lines.join("\n")).unwrap();
    let d = dir.display().to_string();
    let (charter, s) = (format!("{d}/h.polity"), format!("{d}/s.jsonl"));
    let r = polity(&[
        "eval",
        &charter,
        "--snapshots",
        &s,
        "--order-by",
        "day",
        "--format",
        "jsonl",
    ]);
    assert_eq!(r.code, 3);
    let docs: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0]["figures"]["total"]["value"], -3);
    assert_eq!(
        docs[0]["laws"]["positive"],
        serde_json::json!({"pass": 1, "fail": 1, "error": 0, "limit": 0})
    );
    assert_eq!(docs[1]["error"]["kind"], "snapshot");
    assert_eq!(docs[1]["error"]["mismatches"][0]["path"], "ms[0].n");
    assert_eq!(docs[2]["order"], 3);
    assert!(
        r.stderr
            .contains(&format!("snapshot `{d}/s.jsonl:2` does not match")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("ms[0].n: expected Int"), "{}", r.stderr);
    // `--fail-fast`: nothing after the first snapshot not evaluated.
    let r = polity(&[
        "eval",
        &charter,
        "--snapshots",
        &s,
        "--order-by",
        "day",
        "--format",
        "jsonl",
        "--fail-fast",
    ]);
    assert_eq!(r.code, 3);
    assert_eq!(r.stdout.lines().count(), 2);
    // The table: a block per snapshot.
    let r = polity(&[
        "eval",
        &charter,
        "--snapshots",
        &s,
        "--order-by",
        "day",
        "--figure",
        "total",
    ]);
    assert!(r.stdout.starts_with("H\n\n== "), "{}", r.stdout);
    assert!(r.stdout.contains("(day 3)\n  total = 7\n"), "{}", r.stdout);
    assert!(!r.stdout.contains("law positive"), "{}", r.stdout);
}

#[test]
fn a_snapshot_without_the_order_field_or_a_bad_format_is_a_usage_error() {
    let dir = temp_dir("usage");
    std::fs::write(dir.join("h.polity"), CHARTER).unwrap();
    std::fs::write(dir.join("s.json"), r#"{"day": 1, "ms": []}"#).unwrap();
    let d = dir.display().to_string();
    let (charter, s) = (format!("{d}/h.polity"), format!("{d}/s.json"));
    let r = polity(&["eval", &charter, "--snapshots", &s]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(&format!("snapshot `{s}` has no `now` to order it by")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--order-by FIELD"), "{}", r.stderr);
    let r = polity(&[
        "eval",
        &charter,
        "--snapshots",
        &s,
        "--order-by",
        "day",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 2);
    let r = polity(&["eval", &charter, "--snapshot", &s, "--format", "csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--snapshots"), "{}", r.stderr);
    let r = polity(&[
        "eval",
        &charter,
        "--snapshots",
        &s,
        "--order-by",
        "day",
        "--figure",
        "nope",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("the figures are `total`"), "{}", r.stderr);
}
