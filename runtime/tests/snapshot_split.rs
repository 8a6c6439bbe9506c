//! The snapshot loader's two-thread read (`runtime/src/snapshot/parallel.rs`)
//! against one pass, on texts small enough to build here: the same values
//! and texts in the same order (so the same text ids), or no result at all
//! where one pass rejects the text, whose error is then one pass's own.

#![cfg(feature = "jit")]
#![allow(clippy::unwrap_used, clippy::panic)]

use polity::layout::Interner;
use polity::snapshot::{load_native_split, load_native_with, LoadLimits, Snapshot, SnapshotError};
use polity_compiler::ir::Program;
use std::sync::Arc;

const CHARTER: &str = r#"charter "Split" { version: 1 }
enum Role { Founder, Citizen }
record Vote { id: Int, choice: Text }
record Member { id: Text, name: Text, tags: Set<Text>, roles: Set<Role>, friends: List<Text>, stake: Decimal, votes: List<Vote>, note: Text? }
record Motion { id: Int, title: Text }
state { now: Date, members: List<Member>, motions: List<Motion>, chair: Text? }
"#;

fn program() -> Arc<Program> {
    let compiled = polity::api::Program::compile("split.polity", CHARTER).unwrap();
    Arc::new(compiled.ir().clone())
}

/// A member whose texts hold what a split point must not be fooled by:
/// brackets, braces, commas, quotes and a whole `},{"id":` inside a text.
fn member(i: usize) -> String {
    let tricky = match i % 4 {
        0 => r#"a [b] {c}, \"d\""#.to_owned(),
        1 => r#"},{\"id\": \"fake\", [\\"#.to_owned(),
        2 => "\\u00e9t\\u00e9 \\n".to_owned(),
        _ => format!("plain {i}"),
    };
    format!(
        r#"{{"id": "m{i}", "name": "{tricky}", "tags": ["t{}", "{tricky}", "m{}"], "roles": ["Citizen"], "friends": ["m{}", "new{i}"], "stake": "{i}.5", "votes": [{{"id": 1, "choice": "For"}}, {{"id": 2, "choice": "{tricky}"}}], "note": {}}}"#,
        i % 7,
        i / 2,
        i / 3,
        if i % 5 == 0 {
            "null".to_owned()
        } else {
            format!(r#""n{}""#, i % 11)
        }
    )
}

/// A snapshot of `n` members, with `sep` between them.
fn snapshot(n: usize, sep: &str) -> String {
    let members: Vec<String> = (0..n).map(member).collect();
    format!(
        r#"{{"now": "2026-04-14", "members": [{}], "motions": [{{"id": 1, "title": "m3"}}, {{"id": 2, "title": "fresh"}}], "chair": "m5"}}"#,
        members.join(sep)
    )
}

fn outcome(result: &Result<Snapshot, SnapshotError>) -> String {
    match result {
        Ok(s) => {
            let texts = s.layout().unwrap().texts.texts().to_vec();
            format!("ok: {:?} {texts:?}", s.values())
        }
        Err(e) => e.to_string(),
    }
}

/// One pass's outcome, and the split read's (`None`: not split), checking
/// that the split read left the text as it was.
fn both(program: &Arc<Program>, json: &str) -> (String, Option<String>) {
    let literals = Interner::default();
    let one = outcome(&load_native_with(
        program,
        json.as_bytes(),
        &literals,
        LoadLimits::default(),
    ));
    let mut bytes = json.as_bytes().to_vec();
    let split = load_native_split(program, &mut bytes, &literals, LoadLimits::default());
    assert_eq!(bytes, json.as_bytes(), "the text was changed");
    (one, split.as_ref().map(outcome))
}

/// Valid snapshots are split, and read exactly as one pass reads them:
/// values, and texts in the order one pass meets them (the second part's
/// texts that the first has keep the first's ids).
#[test]
fn a_split_read_is_one_pass() {
    let program = program();
    for (n, sep) in [
        (4, ","),
        (5, ", "),
        (40, ",\n    "),
        (41, "\n,\n"),
        (200, ","),
    ] {
        let json = snapshot(n, sep);
        let (one, split) = both(&program, &json);
        assert!(one.starts_with("ok: "), "{one}");
        assert_eq!(split.as_deref(), Some(one.as_str()), "{n} members");
    }
    // The list last, and a state name after it in the second part only.
    let json = format!(
        r#"{{"now": "2026-04-14", "chair": "x", "motions": [], "members": [{}]}}"#,
        (0..50).map(member).collect::<Vec<_>>().join(",")
    );
    let (one, split) = both(&program, &json);
    assert_eq!(split.as_deref(), Some(one.as_str()));
}

/// Every kind of error in either part gives no split result, and one pass
/// reports it as always.
#[test]
fn errors_in_either_part_are_left_to_one_pass() {
    let program = program();
    let good = snapshot(60, ",\n");
    let (one, split) = both(&program, &good);
    assert_eq!(
        split.as_deref(),
        Some(one.as_str()),
        "the valid text is split"
    );
    let half = good.len() / 2;
    let late = good[half..].find("\"stake\": \"").unwrap() + half + 10;
    let early = good[..half / 2].find("\"stake\": \"").unwrap() + 10;
    let cases: Vec<(String, &str)> = vec![
        // A type mismatch deep in the second half, and in the first.
        (format!("{}x{}", &good[..late], &good[late..]), "members[3"),
        (format!("{}x{}", &good[..early], &good[early..]), "members["),
        // An id of the second half repeating one of the first, and the reverse.
        (
            good.replacen(r#""id": "m55""#, r#""id": "m2""#, 1),
            "repeats members[2].id",
        ),
        (
            good.replacen(r#""id": "m3","#, r#""id": "m3x","#, 1)
                .replacen(r#""id": "m50""#, r#""id": "m3x""#, 1),
            "repeats members[3].id",
        ),
        // Truncated in the second part, and in the first.
        (good[..good.len() - 40].to_owned(), "end of input"),
        (good[..half - 7].to_owned(), "end of input"),
        // A syntax error in either half.
        (
            good.replacen("},\n{\"id\": \"m50\"", "}\n{\"id\": \"m50\"", 1),
            "expected",
        ),
        (
            good.replacen(r#""m2", "name""#, r#""m2" "name""#, 1),
            "expected",
        ),
        // A state name twice, once in each part; a missing one.
        (
            good.replacen(
                r#""chair": "m5""#,
                r#""chair": "m5", "now": "2026-01-01""#,
                1,
            ),
            "duplicate field `now`",
        ),
        (
            good.replacen(r#""now": "2026-04-14", "#, "", 1),
            "now: missing",
        ),
        // A reference-free unknown field after the list.
        (
            good.replacen(r#""chair""#, r#""chiar""#, 1),
            "did you mean `chair`",
        ),
    ];
    for (json, want) in cases {
        let (one, split) = both(&program, &json);
        assert!(one.contains(want), "{want}: {one}");
        assert!(
            split.is_none() || split.as_deref() == Some(one.as_str()),
            "{want}: {split:?}"
        );
        assert!(split.is_none(), "{want}: an error gave a split result");
    }
}

/// Limits hold across the halves: a list longer than the limit is not
/// split into two that are each within it.
#[test]
fn limits_hold_across_the_halves() {
    let program = program();
    let json = snapshot(30, ",");
    let limits = LoadLimits {
        max_collection_len: 20,
        ..LoadLimits::default()
    };
    let literals = Interner::default();
    let one = load_native_with(&program, json.as_bytes(), &literals, limits).unwrap_err();
    assert!(one.to_string().contains("longer than the limit"), "{one}");
    let mut bytes = json.into_bytes();
    assert!(load_native_split(&program, &mut bytes, &literals, limits).is_none());
}

/// Load time, one pass against split, alternated (run by hand; asserts only
/// that both read the same snapshot):
/// `POLITY_SPLIT_BENCH=big.json cargo test --release -p polity --test snapshot_split -- --ignored --nocapture`
/// with a Praxis Nova snapshot (`gen_snapshot --members N`).
#[test]
#[ignore]
fn split_against_one_pass() {
    let Ok(path) = std::env::var("POLITY_SPLIT_BENCH") else {
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let charter = root.join("examples/praxis-nova/charter.polity");
    let compiled = polity::api::Program::compile_file(&charter)
        .unwrap()
        .unwrap();
    let program = Arc::new(compiled.ir().clone());
    let literals = compiled.jit().unwrap().literals().clone();
    let mut json = std::fs::read(path).unwrap();
    for round in 0..5 {
        let start = std::time::Instant::now();
        let one = load_native_with(&program, &json, &literals, LoadLimits::default()).unwrap();
        let one_secs = start.elapsed().as_secs_f64();
        let start = std::time::Instant::now();
        let split = load_native_split(&program, &mut json, &literals, LoadLimits::default());
        let split_secs = start.elapsed().as_secs_f64();
        let split = split.unwrap().unwrap();
        let texts = |s: &Snapshot| s.layout().unwrap().texts.len();
        assert_eq!(texts(&one), texts(&split));
        println!("round {round}: one pass {one_secs:.3} s, split {split_secs:.3} s");
        std::mem::forget((one, split));
    }
}
