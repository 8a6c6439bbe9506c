//! `polity lsp` driven as an editor drives it: the real binary, spoken to
//! over its stdin and stdout in Content-Length framed JSON-RPC. Each test
//! starts one server and asks it many questions.
//!
//! Positions are chosen by searching the charter's text, and converted to
//! the protocol's UTF-16 columns here, independently of the server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// How long any one answer may take before the test fails (never met by a
/// working server; a hung one fails the test instead of hanging it).
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// The latest diagnostics published for each URI.
    diagnostics: BTreeMap<String, Value>,
}

fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp-cache")
}

impl Client {
    /// Starts `polity lsp` (without initializing it).
    fn spawn() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_polity"))
            .arg("lsp")
            .env("XDG_CACHE_HOME", cache_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("polity lsp starts");
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, rx) = channel();
        std::thread::spawn(move || loop {
            let mut length = None;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse::<usize>().ok();
                }
            }
            let mut body = vec![0; length.expect("a Content-Length header")];
            stdout.read_exact(&mut body).expect("a whole body");
            let value: Value = serde_json::from_slice(&body).expect("JSON from the server");
            if tx.send(value).is_err() {
                return;
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 0,
            diagnostics: BTreeMap::new(),
        }
    }

    /// Starts and initializes a server; `utf8` offers UTF-8 positions.
    fn start(utf8: bool) -> Client {
        let mut c = Client::spawn();
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let init = c.request(
            "initialize",
            json!({ "processId": null, "rootUri": null,
                    "capabilities": { "general": { "positionEncodings": encodings } } }),
        );
        let want = if utf8 { "utf-8" } else { "utf-16" };
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], want);
        c.notify("initialized", json!({}));
        c
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn next(&mut self) -> Value {
        let msg = self.rx.recv_timeout(PATIENCE).expect("an answer in time");
        if msg["method"] == "textDocument/publishDiagnostics" {
            let uri = msg["params"]["uri"].as_str().unwrap_or("").to_string();
            self.diagnostics
                .insert(uri, msg["params"]["diagnostics"].clone());
        }
        msg
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self.next();
            if msg.get("id") == Some(&json!(id)) {
                return msg;
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Opens (or changes) a document and waits for its diagnostics.
    fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "polity", "version": 1, "text": text } }),
        );
        self.wait_diagnostics(uri)
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) -> Value {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [ { "text": text } ] }),
        );
        self.wait_diagnostics(uri)
    }

    fn wait_diagnostics(&mut self, uri: &str) -> Value {
        loop {
            let msg = self.next();
            if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
                return msg["params"]["diagnostics"].clone();
            }
        }
    }

    fn at(&mut self, method: &str, uri: &str, pos: Value) -> Value {
        self.request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": pos }),
        )
    }

    /// `shutdown` then `exit`; the exit status.
    fn finish(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.exit_status()
    }

    fn exit_status(mut self) -> i32 {
        drop(self.stdin.take());
        let status = self.child.wait().expect("the server ends");
        status.code().unwrap_or(-1)
    }
}

/// The protocol position (UTF-16 columns, or bytes with `utf8`) of byte
/// `offset` of `text`.
fn position_of(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = if utf8 {
        before[start..].len()
    } else {
        before[start..].encode_utf16().count()
    };
    json!({ "line": line, "character": col })
}

/// The position `skip` bytes into the `nth` (from 0) occurrence of `needle`.
fn pos(text: &str, needle: &str, nth: usize, skip: usize) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} in the text"))
        .0;
    position_of(text, at + skip, false)
}

fn file_uri(path: &Path) -> String {
    let path = path.canonicalize().expect("the path exists");
    format!("file://{}", path.display()).replace(' ', "%20")
}

fn example(name: &str) -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .join("charter.polity");
    let text = std::fs::read_to_string(&path).expect("the example");
    (file_uri(&path), text)
}

/// A response made readable and independent of this machine's paths.
fn show(v: &Value) -> String {
    let text = serde_json::to_string_pretty(v).expect("JSON");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository");
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .canonicalize()
        .expect("the temporary directory");
    text.replace(
        &format!("file://{}", cache_dir().display()),
        "file://<cache>",
    )
    .replace(&format!("file://{}", tmp.display()), "file://<tmp>")
    .replace(&format!("file://{}", repo.display()), "file://<repo>")
}

/// Document symbols as an indented outline: kind, name, the lines of the
/// declaration and the line:column of its name, and the detail.
fn outline(symbols: &Value, depth: usize) -> String {
    let mut out = String::new();
    for s in symbols.as_array().expect("symbols") {
        let at = |p: &Value| format!("{}:{}", p["line"], p["character"]);
        out.push_str(&format!(
            "{}{} {} [{}-{} name {}] {}\n",
            "  ".repeat(depth),
            s["kind"],
            s["name"].as_str().unwrap_or(""),
            s["range"]["start"]["line"],
            s["range"]["end"]["line"],
            at(&s["selectionRange"]["start"]),
            s["detail"].as_str().unwrap_or(""),
        ));
        if let Some(children) = s.get("children") {
            out.push_str(&outline(children, depth + 1));
        }
    }
    out
}

fn hover_text(r: &Value) -> String {
    r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("a hover: {r}"))
        .to_string()
}

fn labels(r: &Value) -> Vec<String> {
    r["result"]
        .as_array()
        .unwrap_or_else(|| panic!("completions: {r}"))
        .iter()
        .map(|i| i["label"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The text a range of `text` covers (UTF-16 columns).
fn covered<'a>(text: &'a str, range: &Value) -> &'a str {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().expect("line") as usize;
        let col = p["character"].as_u64().expect("character") as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= col {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    &text[offset(&range["start"])..offset(&range["end"])]
}

#[test]
fn examples_answer_hover_definition_completion_symbols_formatting_and_rename() {
    let mut c = Client::start(false);
    let (praxis_uri, praxis) = example("praxis-nova");
    let diags = c.open(&praxis_uri, &praxis);
    assert_eq!(diags, json!([]), "the example checks");

    let mut hovers = String::new();
    for (needle, nth, skip) in [
        ("tenure(m)", 0, 0),      // a fn
        ("cast >=", 0, 1),        // a let
        ("m.status", 0, 3),       // a field
        ("== Active", 0, 4),      // an enum case
        ("quorum *", 0, 0),       // a const
        ("members where", 0, 2),  // a state name
        ("p in proposals", 0, 0), // a law subject, where it is bound
        ("v.weight", 0, 0),       // a loop variable
        ("Member {", 1, 0),       // a record type in a construction
        ("passes(p)", 0, 0),      // a law
        ("count(", 0, 1),         // a built-in
        ("it.status", 0, 0),      // `it` in a `where`
        ("state {", 0, 1),        // no name here: nothing
    ] {
        let r = c.at(
            "textDocument/hover",
            &praxis_uri,
            pos(&praxis, needle, nth, skip),
        );
        let shown = match r["result"].is_null() {
            true => "(nothing)".to_string(),
            false => hover_text(&r),
        };
        hovers.push_str(&format!("## {needle}\n{shown}\n\n"));
    }
    insta::assert_snapshot!("praxis_hovers", hovers);

    // Definition of a const's use, and of a field.
    let r = c.at(
        "textDocument/definition",
        &praxis_uri,
        pos(&praxis, ">= probation", 0, 3),
    );
    assert_eq!(covered(&praxis, &r["result"]["range"]), "probation");
    assert_eq!(
        r["result"]["range"]["start"],
        pos(&praxis, "probation: Duration", 0, 0)
    );
    let r = c.at(
        "textDocument/definition",
        &praxis_uri,
        pos(&praxis, "p.votes", 0, 2),
    );
    assert_eq!(covered(&praxis, &r["result"]["range"]), "votes");
    assert_eq!(r["result"]["uri"], praxis_uri);

    // Completion of a field after `.`, and of the names in scope.
    let r = c.at(
        "textDocument/completion",
        &praxis_uri,
        pos(&praxis, "m.status", 0, 2),
    );
    assert_eq!(
        labels(&r),
        [
            "id",
            "joined",
            "status",
            "roles",
            "stake",
            "vouched_by",
            "country"
        ]
    );
    let r = c.at(
        "textDocument/completion",
        &praxis_uri,
        pos(&praxis, "yes >= 2", 0, 0),
    );
    let names = labels(&r);
    for visible in [
        "no", "yes", "cast", "p", "quorum", "tenure", "members", "Member", "Active", "sum",
        "require",
    ] {
        assert!(
            names.iter().any(|n| n == visible),
            "`{visible}` in {names:?}"
        );
    }
    // `v` is bound only inside the `sum(...)`s; `bob` only in the test.
    assert!(!names.iter().any(|n| n == "v" || n == "bob"), "{names:?}");
    let r = c.at(
        "textDocument/completion",
        &praxis_uri,
        pos(&praxis, "v.weight for v", 0, 0),
    );
    assert!(labels(&r).iter().any(|n| n == "v"));

    let r = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": praxis_uri } }),
    );
    insta::assert_snapshot!("praxis_symbols", outline(&r["result"], 0));

    let r = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": praxis_uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(r["result"], json!([]), "the example is formatted already");

    let r = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": praxis_uri }, "position": pos(&praxis, "cast >=", 0, 0), "newName": "turnout" }),
    );
    let edits = r["result"]["changes"][&praxis_uri]
        .as_array()
        .expect("edits")
        .clone();
    assert_eq!(edits.len(), 2, "{r}");
    for e in &edits {
        assert_eq!(covered(&praxis, &e["range"]), "cast");
    }

    // Tidewater imports std.voting and std.treasury.
    let (tide_uri, tide) = example("tidewater");
    assert_eq!(c.open(&tide_uri, &tide), json!([]));
    let r = c.at(
        "textDocument/hover",
        &tide_uri,
        pos(&tide, "simple_majority(", 0, 0),
    );
    let text = hover_text(&r);
    assert!(
        text.contains("fn simple_majority(") && text.contains("in `std.voting`"),
        "{text}"
    );
    insta::assert_snapshot!("tidewater_stdlib_hover", text);
    let r = c.at(
        "textDocument/definition",
        &tide_uri,
        pos(&tide, "simple_majority(", 0, 3),
    );
    let uri = r["result"]["uri"].as_str().expect("a location").to_string();
    assert!(uri.ends_with("/voting.polity"), "{uri}");
    let path = uri.strip_prefix("file://").expect("a file URI");
    let module = std::fs::read_to_string(path).expect("the module's copy is on disk");
    assert_eq!(module, include_str!("../../stdlib/voting.polity"));
    assert_eq!(covered(&module, &r["result"]["range"]), "simple_majority");

    // An import: the module's introduction, and the module itself.
    let r = c.at(
        "textDocument/hover",
        &tide_uri,
        pos(&tide, "import std.voting", 0, 10),
    );
    let text = hover_text(&r);
    assert!(
        text.starts_with("```polity\nimport std.voting\n```\n\n---\n\n"),
        "{text}"
    );
    let intro = include_str!("../../stdlib/voting.polity")
        .lines()
        .next()
        .unwrap_or("");
    assert!(text.contains(intro.trim_start_matches("//! ")), "{text}");
    let r = c.at(
        "textDocument/definition",
        &tide_uri,
        pos(&tide, "import std.voting", 0, 10),
    );
    assert!(
        r["result"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("/voting.polity")),
        "{r}"
    );
    assert_eq!(
        r["result"]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );

    // A `match` case.
    let r = c.at(
        "textDocument/hover",
        &tide_uri,
        pos(&tide, "Constitutional =>", 0, 0),
    );
    assert!(hover_text(&r).contains("Kind.Constitutional"), "{r}");

    // Renaming a law's subject renames every use, and nothing else.
    let law = tide.find("law may_join").expect("may_join");
    let end = law + tide[law..].find("\n}\n").expect("its end");
    let r = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": tide_uri }, "position": pos(&tide, "s in sailors", 0, 0), "newName": "sailor" }),
    );
    let edits = r["result"]["changes"][&tide_uri]
        .as_array()
        .expect("edits")
        .clone();
    let in_law = tide[law..end].matches("s.").count() + tide[law..end].matches("(s)").count() + 1;
    assert_eq!(edits.len(), in_law, "{r}");
    for e in &edits {
        assert_eq!(covered(&tide, &e["range"]), "s");
    }
    // A parameter, used in two lines.
    let r = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": tide_uri }, "position": pos(&tide, "c.target - raised", 0, 0), "newName": "campaign" }),
    );
    assert_eq!(
        r["result"]["changes"][&tide_uri].as_array().map(Vec::len),
        Some(4),
        "{r}"
    );
    // Not a local: refused with a reason.
    let r = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": tide_uri }, "position": pos(&tide, "probation\n", 0, 0), "newName": "x" }),
    );
    assert!(
        r["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("only local names")),
        "{r}"
    );

    assert_eq!(c.finish(), 0);
}

const BROKEN: &str = r#"/// A club.
charter "Club" { version: 1 }

/// Someone in the club.
record Member { id: Text, age: Int, nick: Text? }

state { members: List<Member> }

law adult(m in members) {
  let years = m.age
  require "is an adult": years >= 18
  require "no typo": m.aeg > 1
  require "half typed": m.
}

law broken( {

fn twice(n: Int) -> Int = n * 2
"#;

#[test]
fn a_broken_charter_gets_check_s_diagnostics_and_still_answers() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp-broken");
    std::fs::create_dir_all(&dir).expect("a directory");
    let path = dir.join("club.polity");
    std::fs::write(&path, BROKEN).expect("the charter");
    let uri = file_uri(&path);

    let mut c = Client::start(false);
    let diags = c.open(&uri, BROKEN);

    // Exactly what `polity check` says, located the same.
    let out = Command::new(env!("CARGO_BIN_EXE_polity"))
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .expect("polity check runs");
    let check: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let expected: Vec<Value> = check["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let start = d["span"]["start"].as_u64().expect("start") as usize;
            let end = d["span"]["end"].as_u64().expect("end") as usize;
            json!({
                "code": d["code"],
                "severity": if d["severity"] == "error" { 1 } else { 2 },
                "message": d["message"],
                "start": position_of(BROKEN, start, false),
                "end": position_of(BROKEN, end, false),
            })
        })
        .collect();
    let got: Vec<Value> = diags
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            assert_eq!(d["source"], "polity");
            json!({
                "code": d["code"],
                "severity": d["severity"],
                "message": d["message"],
                "start": d["range"]["start"],
                "end": d["range"]["end"],
            })
        })
        .collect();
    assert!(expected.len() >= 3, "{expected:?}");
    assert_eq!(got, expected);
    insta::assert_snapshot!("broken_diagnostics", show(&diags));

    // The parts that parse still answer.
    let r = c.at("textDocument/hover", &uri, pos(BROKEN, "years >=", 0, 0));
    assert_eq!(hover_text(&r), "```polity\nyears: Int\n```\n\nlet");
    let r = c.at("textDocument/hover", &uri, pos(BROKEN, "Member>", 0, 0));
    assert_eq!(hover_text(&r), "```polity\nrecord Member {\n  id: Text\n  age: Int\n  nick: Text?\n}\n```\n\n---\n\nSomeone in the club.");
    let r = c.at("textDocument/definition", &uri, pos(BROKEN, "m.age", 0, 0));
    assert_eq!(covered(BROKEN, &r["result"]["range"]), "m");
    assert_eq!(r["result"]["range"]["start"]["line"], 8);

    // Completion after the half-typed `m.`.
    let r = c.at("textDocument/completion", &uri, pos(BROKEN, "m.\n", 0, 2));
    assert_eq!(labels(&r), ["id", "age", "nick"]);
    assert_eq!(r["result"][2]["detail"], "Member.nick: Text?");
    // After the typo: the fields there are.
    let r = c.at("textDocument/completion", &uri, pos(BROKEN, "m.aeg", 0, 4));
    assert_eq!(labels(&r), ["id", "age", "nick"]);

    let r = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let names: Vec<&str> = r["result"]
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Club", "Member", "state", "adult", "twice"]);

    // Formatting refuses text that does not parse, saying why.
    let r = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(r["error"]["code"], -32803, "{r}");
    let message = r["error"]["message"].as_str().expect("a message");
    assert!(
        message.starts_with("the charter does not parse"),
        "{message}"
    );

    // Fixing the text clears the diagnostics, and it formats.
    let fixed = BROKEN
        .replace("m.aeg", "m.age")
        .replace("m.\n", "m.age > 0\n")
        .replace("law broken( {\n", "");
    assert_eq!(c.change(&uri, 2, &fixed), json!([]));
    let r = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert!(r["result"].is_array(), "{r}");
    assert_eq!(c.finish(), 0);
}

/// A label and a comment with characters outside ASCII before the names.
const BUERGER: &str = "charter \"Bürger 🌍\" { version: 1 }\n\
record Member { id: Text, age: Int }\n\
state { members: List<Member> }\n\
// Bürger 🌍 zählen\n\
const quorum: Int = 3\n\
law adult(m in members) {\n  \
require \"Bürger 🌍 ist volljährig\": m.age >= 18 and quorum > \"🌍\"\n\
}\n";

#[test]
fn positions_count_utf16_units_unless_utf8_is_agreed() {
    for utf8 in [false, true] {
        let mut c = Client::start(utf8);
        let uri = "untitled:buerger.polity";
        let diags = c.open(uri, BUERGER);
        let diags = diags.as_array().expect("diagnostics").clone();
        assert_eq!(diags.len(), 1, "{diags:?}");
        let at = |needle: &str, skip: usize| {
            let offset = BUERGER.find(needle).expect("needle") + skip;
            position_of(BUERGER, offset, utf8)
        };
        // The mismatch in `quorum > "🌍"` is at the operator.
        let d = &diags[0];
        assert_eq!(d["code"], "E0203");
        assert_eq!(d["range"]["start"], at("> \"🌍", 0), "{d}");
        assert_eq!(d["range"]["end"], at("> \"🌍", 1), "{d}");
        // Hover on `quorum` after the label, and on its declaration after the comment.
        let r = c.at("textDocument/hover", uri, at("quorum > ", 2));
        assert_eq!(hover_text(&r), "```polity\nconst quorum: Int\n```");
        assert_eq!(r["result"]["range"]["start"], at("quorum > ", 0));
        assert_eq!(r["result"]["range"]["end"], at("quorum > ", 6));
        let r = c.at("textDocument/definition", uri, at("quorum > ", 1));
        assert_eq!(r["result"]["uri"], uri);
        assert_eq!(r["result"]["range"]["start"], at("quorum:", 0));
        let r = c.at("textDocument/hover", uri, at("age >= 18", 1));
        assert_eq!(hover_text(&r), "```polity\nMember.age: Int\n```");
        if !utf8 {
            insta::assert_snapshot!("buerger_diagnostic", show(&Value::Array(diags)));
        }
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn nothing_a_client_sends_ends_the_session() {
    let mut c = Client::spawn();
    // Before `initialize`: refused.
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002, "{r}");
    // Malformed JSON: a parse error with a null id.
    c.send_raw(b"Content-Length: 9\r\n\r\n{\"id\": 1,");
    let r = c.next();
    assert_eq!(r["error"]["code"], -32700, "{r}");
    assert_eq!(r["id"], Value::Null);
    // JSON that is not JSON-RPC: invalid request, with its id.
    c.send_raw(b"Content-Length: 10\r\n\r\n{\"id\": 42}");
    let r = c.next();
    assert_eq!(r["error"]["code"], -32600, "{r}");
    assert_eq!(r["id"], 42);
    // A frame without Content-Length.
    c.send_raw(b"Content-Type: x\r\n\r\n");
    let r = c.next();
    assert_eq!(r["error"]["code"], -32700, "{r}");

    let r = c.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(r["result"]["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(r["result"]["capabilities"]["textDocumentSync"], 1);
    c.notify("initialized", json!({}));
    let r = c.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    // Unknown methods; unknown notifications are ignored.
    let r = c.request("textDocument/frobnicate", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    c.notify("$/unknown", json!({}));
    // Bad parameters.
    let r = c.request("textDocument/hover", json!({ "nope": 1 }));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // A document that is not open.
    let r = c.at(
        "textDocument/hover",
        "file:///nowhere.polity",
        json!({ "line": 0, "character": 0 }),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(r["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("not open")));
    // Positions past the end of a line (its end) and of the document (an error).
    let uri = "untitled:tiny.polity";
    let text = "const limit: Int = 3\n";
    assert_eq!(c.open(uri, text), json!([]));
    let r = c.at(
        "textDocument/hover",
        uri,
        json!({ "line": 0, "character": 400 }),
    );
    assert_eq!(r["result"], Value::Null, "{r}");
    let r = c.at(
        "textDocument/hover",
        uri,
        json!({ "line": 0, "character": 7 }),
    );
    assert_eq!(hover_text(&r), "```polity\nconst limit: Int\n```");
    let r = c.at(
        "textDocument/completion",
        uri,
        json!({ "line": 99, "character": 0 }),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // Text that is not a charter at all, and an empty one.
    let diags = c.change(uri, 2, "\u{0}\u{1}}}}{{{ ((( \"unterminated");
    assert!(!diags.as_array().expect("diagnostics").is_empty());
    assert_eq!(c.change(uri, 3, ""), json!([]));
    let r = c.at(
        "textDocument/completion",
        uri,
        json!({ "line": 0, "character": 0 }),
    );
    assert!(labels(&r).iter().any(|l| l == "law"));
    // Closing clears the diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(c.wait_diagnostics(uri), json!([]));
    // After shutdown, requests are refused; exit then ends with 0.
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_status(), 0);

    // `exit` without `shutdown`: status 1.
    let mut c = Client::start(false);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_status(), 1);
}
