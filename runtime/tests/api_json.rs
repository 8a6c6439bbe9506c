//! `Program::eval_json` is the `polity eval --format json` document byte for
//! byte (what the C ABI and other bindings hand out), and the API's error
//! documents have the command line's shapes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::json::{compile_error_json, snapshot_error_json};
use polity::api::{EvalOptions, Program};
use std::path::Path;
use std::process::Command;

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

#[test]
fn eval_json_is_the_clis_document_byte_for_byte() {
    for name in ["praxis-nova", "tidewater"] {
        let dir = examples().join(name);
        let charter = dir.join("charter.polity");
        let snapshot = dir.join("snapshot.json");
        let cli = Command::new(env!("CARGO_BIN_EXE_polity"))
            .args(["eval", "--format", "json", "--snapshot"])
            .arg(&snapshot)
            .arg(&charter)
            .output()
            .unwrap();
        let program = Program::compile_file(&charter).unwrap().unwrap();
        let state = program
            .load_snapshot(&std::fs::read(&snapshot).unwrap())
            .unwrap();
        let api = program
            .eval_json(&state, None, EvalOptions::default())
            .unwrap();
        assert_eq!(String::from_utf8(cli.stdout).unwrap(), api, "{name}");
        let one = program
            .eval_json(&state, Some("may_vote"), EvalOptions::default())
            .ok();
        if name == "praxis-nova" {
            let one = one.unwrap();
            assert!(one.contains("\"may_vote\"") && !one.contains("\"may_propose\""));
        }
        assert!(program
            .eval_json(&state, Some("no_such_law"), EvalOptions::default())
            .is_err());
    }
}

#[test]
fn error_documents_have_the_clis_shapes() {
    let e = Program::compile("bad.polity", "law x { require \"y\": nope }").unwrap_err();
    let doc = compile_error_json(&e);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["errors"], 1);
    let d = &doc["diagnostics"][0];
    assert!(d["code"].as_str().unwrap().starts_with('E'), "{doc}");
    assert_eq!(d["file"], "bad.polity");
    assert_eq!(d["line"], 1);
    let program = Program::compile("ok.polity", "state { n: Int }").unwrap();
    let e = program.load_snapshot(b"{\"m\": 1}").unwrap_err();
    let doc = snapshot_error_json(&e, None);
    assert_eq!(doc["error"], "snapshot");
    assert!(doc.get("file").is_none());
    assert!(!doc["mismatches"].as_array().unwrap().is_empty(), "{doc}");
    let e = program.load_snapshot(b"{").unwrap_err();
    let doc = snapshot_error_json(&e, Some("s.json"));
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["error", "file", "syntax", "mismatches"]);
}
