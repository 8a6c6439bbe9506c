//! `polity eval` writes each law as chunks of its subjects are done (the
//! JIT hands them on in subject order across cores): the table and the
//! JSON document must be byte for byte what evaluating every law whole
//! gives — the API's `eval_json` (which keeps each law's verdicts) and the
//! interpreter — over collections of several chunks with failures, notes,
//! warnings, an empty collection and a law without parameter.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{Engine, EvalOptions, Program};
use std::process::Command;

const CHARTER: &str = r#"charter "Streamed" { version: 1 }
record Item { id: Text, amount: Int, budget: Int?, late: Int? }
record Note { id: Text }
state { items: List<Item>, notes: List<Note>, cap: Int }

fn big(x: Item) -> Bool = x.amount > cap

law within_cap(x in items) {
  require "at most the cap": not big(x)
  require "budget within cap" when x.budget != none: (x.budget ?? 0) <= cap
  should "paid within ninety days": (x.late ?? 0) <= 90
    unless "nothing to pay": x.budget == none
}

law noted(n in notes) {
  require "has an id": n.id != ""
}

law whole {
  require "some items": count(items) > 100
}
"#;

const FIGURES: &str = "\n/// How many items.\nfigure item_count: Int = count(items)\n";

/// `n` items, about a third over the cap, some with budgets and lateness.
fn snapshot(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| {
            let amount = (i * 37) % 1000;
            let budget = if i % 3 == 0 {
                format!("{}", (i * 11) % 900)
            } else {
                "null".to_string()
            };
            let late = if i % 7 == 0 { "120" } else { "null" };
            format!(r#"{{"id": "i{i}", "amount": {amount}, "budget": {budget}, "late": {late}}}"#)
        })
        .collect();
    format!(
        r#"{{"items": [{}], "notes": [], "cap": 650}}"#,
        items.join(", ")
    )
}

fn temp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("polity-streamed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn eval(charter: &std::path::Path, state: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_polity"))
        .arg("eval")
        .arg(charter)
        .arg("--snapshot")
        .arg(state)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn streamed_output_is_what_whole_laws_give() {
    // 20,000 items: several chunks, across both cores where there are two.
    let json = snapshot(20_000);
    let state = temp("items.json", &json);
    for (file, source) in [
        ("plain.polity", CHARTER.to_string()),
        ("figures.polity", format!("{CHARTER}{FIGURES}")),
    ] {
        let charter = temp(file, &source);
        let program = Program::compile_file(&charter).unwrap().unwrap();
        let loaded = program.load_snapshot(json.as_bytes()).unwrap();
        let mut tables = Vec::new();
        for engine in ["jit", "interp"] {
            let options = EvalOptions {
                engine: if engine == "jit" {
                    Engine::Jit
                } else {
                    Engine::Interpreter
                },
                ..EvalOptions::default()
            };
            let cli = eval(&charter, &state, &["--format", "json", "--engine", engine]);
            let whole = program.eval_json(&loaded, None, options.clone()).unwrap();
            assert_eq!(cli, whole, "{file} {engine}");
            let one = eval(
                &charter,
                &state,
                &["--format", "json", "--engine", engine, "--law", "noted"],
            );
            let whole = program
                .eval_json(&loaded, Some("noted"), options.clone())
                .unwrap();
            assert_eq!(one, whole, "{file} {engine} --law noted");
            assert!(one.contains("\"results\": []"), "{one}");
            tables.push(eval(&charter, &state, &["--engine", engine]));
        }
        assert_eq!(
            tables[0], tables[1],
            "{file}: the JIT's table and the interpreter's"
        );
        let table = &tables[0];
        assert!(table.contains("law within_cap: "), "{table}");
        assert!(table.contains("  fail  i19999\n") || table.contains("  pass  i19999\n"));
    }
}
