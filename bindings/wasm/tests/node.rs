//! The package's API inside WebAssembly (`wasm-pack test --node`): each
//! entry point, its failures as values, and a law evaluated with reasons.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity_wasm::{check, Charter};
use wasm_bindgen_test::wasm_bindgen_test;

const CLUB: &str = r#"charter "Club" { version: 1 }
record Member { id: Text, dues_paid: Bool }
state { members: List<Member> }
law may_vote(m in members) {
  require "dues are paid": m.dues_paid
}
test "bo may not vote" {
  given members = [Member { id: "bo", dues_paid: false }]
  expect not may_vote(members["bo"])
}
"#;

#[wasm_bindgen_test]
fn a_charter_with_an_error_gives_located_diagnostics() {
    let broken = CLUB.replace("m.dues_paid\n", "m.dues_payd\n");
    let c = check("club.polity", &broken);
    assert!(!c.ok);
    let d = &c.diagnostics[0];
    assert!(d.code.starts_with('E'), "{:?}", d);
    assert_eq!(d.severity, "error");
    assert_eq!((d.line, d.column), (5, 30), "{:?}", d);
    assert_eq!((d.end_line, d.end_column), (5, 39), "{:?}", d);
    assert!(d.help.is_some());
    assert!(c.rendered.contains(d.code.as_str()));
    assert!(c.json.unwrap().contains("\"diagnostics\""));
    assert!(Charter::compile("club.polity", &broken).is_err());
    assert!(check("club.polity", CLUB).ok);
}

#[wasm_bindgen_test]
fn a_snapshot_is_loaded_or_its_mismatches_are_given() {
    let mut charter = Charter::compile("club.polity", CLUB).unwrap();
    assert_eq!(charter.name(), "Club");
    assert_eq!(charter.laws(), vec!["may_vote".to_owned()]);
    let bad = charter.load_snapshot(r#"{"members": [{"id": "ana", "dues_paid": 1}]}"#);
    assert!(!bad.ok);
    assert_eq!(bad.mismatches[0].path, "members[0].dues_paid");
    let syntax = charter.load_snapshot("{\"members\": [");
    assert!(syntax.syntax.is_some());
    assert!(charter.eval_json(None).is_err(), "no snapshot yet");
    let good = charter.load_snapshot(
        r#"{"members": [{"id": "ana", "dues_paid": true}, {"id": "bo", "dues_paid": false}]}"#,
    );
    assert!(good.ok);
    let doc = charter.eval_json(Some("may_vote")).unwrap();
    assert!(doc.contains("\"verdict\": \"fail\""), "{doc}");
    assert!(doc.contains("dues are paid"), "{doc}");
    assert!(charter.eval_json(Some("nope")).is_err());
    assert!(charter.test_json().contains("\"outcome\":\"pass\""));
}

#[wasm_bindgen_test]
fn the_repl_answers_expressions_lets_and_law_calls() {
    let mut charter = Charter::compile("club.polity", CLUB).unwrap();
    charter.load_snapshot(r#"{"members": [{"id": "bo", "dues_paid": false}]}"#);
    let a = charter.repl("count(members)");
    assert!(a.ok, "{a:?}");
    assert_eq!(a.output, "1 : Int\n");
    assert!(charter.repl("let n = 2 * count(members)").ok);
    assert_eq!(charter.repl("n + 1").output, "3 : Int\n");
    let v = charter.repl("may_vote(members[\"bo\"])");
    assert!(
        v.output.starts_with("fail\n") && v.output.contains("dues are paid"),
        "{v:?}"
    );
    let e = charter.repl("nope + 1");
    assert!(!e.ok && e.error.contains("nope"), "{e:?}");
    let f = charter.repl("1 / 0");
    assert!(!f.ok && f.error.contains("division"), "{f:?}");
}
