//! `polity fmt` keeps its promises on every charter we have and on random
//! ones: the formatted text is a fixed point (formatting it again changes
//! nothing), means the same (it lowers to the same IR, spans aside; or, for a
//! charter that does not check, gives the same diagnostics), and keeps every
//! comment. The random charters are the differential generator's
//! (`tests/differential`, the `polity-differential` crate), laid out oddly and strewn with comments first.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity_compiler::span::FileId;
use polity_compiler::syntax::lexer::lex;
use polity_compiler::{compile, NoFiles};
use polity_differential::{case, Rng};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn format(text: &str) -> Result<String, String> {
    polity_compiler::fmt::format(FileId(0), text)
        .map_err(|d| format!("{:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()))
}

/// What a charter means: its IR without spans and sources, or (when it
/// does not check) its diagnostics without spans.
fn meaning(text: &str) -> String {
    let c = compile("m.polity", text, &NoFiles);
    let shown = match c.program {
        Some(mut p) => {
            p.sources = Default::default();
            format!("{p:?}")
        }
        None => format!(
            "{:?}",
            c.diagnostics
                .iter()
                .map(|d| (d.code, &d.message, &d.help))
                .collect::<Vec<_>>()
        ),
    };
    without_spans(&shown)
}

/// `Span { file: .., start: .., end: .. }` as `Span`.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at + 4]);
        let close = rest[at..].find('}').unwrap();
        rest = &rest[at + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Every comment's text, sorted (a multiset).
fn comments(text: &str) -> Vec<String> {
    let mut all: Vec<String> = lex(FileId(0), text)
        .trivia
        .comments
        .iter()
        .map(|c| text[c.span.range()].trim_end().to_string())
        .collect();
    all.sort();
    all
}

/// The three properties for one text that parses.
fn check_properties(name: &str, text: &str) -> Result<(), String> {
    let once = format(text).map_err(|e| format!("{name}: does not format: {e}"))?;
    let twice = format(&once).map_err(|e| format!("{name}: output does not parse: {e}\n{once}"))?;
    if once != twice {
        return Err(format!(
            "{name}: not idempotent\n--- once\n{once}--- twice\n{twice}"
        ));
    }
    if meaning(text) != meaning(&once) {
        return Err(format!(
            "{name}: meaning changed\n--- source\n{text}\n--- formatted\n{once}"
        ));
    }
    if comments(text) != comments(&once) {
        return Err(format!("{name}: comments changed\n--- formatted\n{once}"));
    }
    // Comments, texts and lines holding a very long token (a 78-digit
    // number, which wide decimals allow) may pass the width.
    let one_token = |l: &str| l.split(' ').any(|t| t.len() > 40);
    if let Some(long) = once
        .lines()
        .find(|l| l.len() > 100 && !l.contains("//") && !l.contains('"') && !one_token(l))
    {
        return Err(format!("{name}: a line over 100 columns: {long}"));
    }
    Ok(())
}

fn polity_files(dir: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from(dir)];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "polity") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn parses(path: &Path, text: &str) -> bool {
    polity_compiler::syntax::parse_lossless(FileId(0), text).is_ok() || {
        // A corpus file meant to show a syntax error: fmt must refuse it.
        assert!(format(text).is_err(), "{}", path.display());
        false
    }
}

#[test]
fn every_corpus_charter_stdlib_module_and_example_keeps_its_meaning() {
    let mut checked = 0;
    for dir in ["../tests", "../stdlib", "../examples", "tests/charters"] {
        for path in polity_files(dir) {
            let text = std::fs::read_to_string(&path).unwrap();
            if !parses(&path, &text) {
                continue;
            }
            check_properties(&path.display().to_string(), &text).unwrap();
            checked += 1;
        }
    }
    assert!(checked > 80, "only {checked} files");
}

/// A generated charter laid out oddly: indentation and blank lines at
/// random, and comments at the ends of lines and on lines of their own.
fn scramble(text: &str, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if rng.chance(1, 6) {
            out.push_str(&format!("{}// note {i}\n", " ".repeat(rng.below(9))));
        }
        if rng.chance(1, 8) {
            out.push('\n');
        }
        out.push_str(&" ".repeat(rng.below(7)));
        out.push_str(line.trim_start());
        if rng.chance(1, 5) {
            out.push_str(&format!(" // after {i}"));
        }
        out.push('\n');
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_charters_keep_their_meaning(seed in any::<u64>(), layout in any::<u64>()) {
        let text = case(Rng::new(seed)).0.render();
        prop_assert_eq!(check_properties("generated", &text), Ok(()));
        let odd = scramble(&text, layout);
        prop_assert_eq!(check_properties("scrambled", &odd), Ok(()));
    }
}

// ---------------------------------------------------------------- the command

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn polity(args: &[&str], stdin: &str) -> Run {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_polity"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polity-fmt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const MESSY: &str = "const  a=1\nlaw l{require \"r\":a==1}\n";
const TIDY: &str = "const a = 1\nlaw l {\n  require \"r\": a == 1\n}\n";

/// What CI runs: the examples and the standard library are formatted.
#[test]
fn the_examples_and_the_stdlib_are_formatted() {
    let r = polity(&["fmt", "--check", "../examples", "../stdlib"], "");
    assert_eq!(
        r.code, 0,
        "run `polity fmt examples stdlib`:\n{}{}",
        r.stdout, r.stderr
    );
    assert_eq!(r.stdout, "");
}

#[test]
fn check_prints_a_diff_and_exits_1_changing_nothing() {
    let dir = temp_dir("check");
    let path = dir.join("messy.polity");
    std::fs::write(&path, MESSY).unwrap();
    let r = polity(&["fmt", "--check", path.to_str().unwrap()], "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    let name = path.display();
    assert!(
        r.stdout
            .starts_with(&format!("--- {name}\n+++ {name} (formatted)\n@@")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\n-const  a=1\n") && r.stdout.contains("\n+const a = 1\n"),
        "{}",
        r.stdout
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), MESSY);
}

#[test]
fn files_and_directories_are_rewritten_in_place() {
    let dir = temp_dir("write");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/a.polity"), MESSY).unwrap();
    std::fs::write(dir.join("b.polity"), TIDY).unwrap();
    std::fs::write(dir.join("notes.txt"), MESSY).unwrap();
    let r = polity(&["fmt", dir.to_str().unwrap()], "");
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("sub/a.polity")).unwrap(),
        TIDY
    );
    assert_eq!(std::fs::read_to_string(dir.join("b.polity")).unwrap(), TIDY);
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        MESSY
    );
    let r = polity(&["fmt", "--check", dir.to_str().unwrap()], "");
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn stdin_and_stdout() {
    let r = polity(&["fmt", "-"], MESSY);
    assert_eq!((r.code, r.stdout.as_str()), (0, TIDY), "{}", r.stderr);
    let dir = temp_dir("stdout");
    let path = dir.join("messy.polity");
    std::fs::write(&path, MESSY).unwrap();
    let r = polity(&["fmt", "--stdout", path.to_str().unwrap()], "");
    assert_eq!((r.code, r.stdout.as_str()), (0, TIDY), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), MESSY);
    let r = polity(&["fmt", "--check", "-"], TIDY);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
}

#[test]
fn syntax_errors_are_shown_and_exit_2_leaving_the_file_alone() {
    let dir = temp_dir("broken");
    let path = dir.join("broken.polity");
    let broken = "const  a=1\nlaw l { require \"r\" a == 1 }\n";
    std::fs::write(&path, broken).unwrap();
    let r = polity(&["fmt", path.to_str().unwrap()], "");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("error[E0004]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("has syntax errors; it was not formatted"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    let r = polity(
        &[
            "fmt",
            "--check",
            dir.join("missing.polity").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: cannot read"), "{}", r.stderr);
}
