//! Repository hygiene checked as ordinary tests: the error catalog is complete
//! and tested, no debugging leftovers, every module documented, and every
//! `polity` code block in the documentation compiles.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn files_under(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `E` followed by four digits, wherever they occur in `text`.
fn codes_in(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut out = BTreeSet::new();
    for i in 0..b.len().saturating_sub(4) {
        let is_code = b[i] == b'E'
            && b[i + 1..i + 5].iter().all(u8::is_ascii_digit)
            && b.get(i + 5).is_none_or(|c| !c.is_ascii_alphanumeric());
        let starts_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if is_code && starts_word {
            out.insert(text[i..i + 5].to_string());
        }
    }
    out
}

fn emitted_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for f in files_under("../compiler/src", "rs")
        .into_iter()
        .chain(files_under("src", "rs"))
    {
        let text = std::fs::read_to_string(&f).unwrap();
        for line in text.lines().filter(|l| l.contains("\"E0")) {
            codes.extend(codes_in(line));
        }
    }
    codes
}

#[test]
fn every_emitted_code_is_catalogued_and_every_catalogued_code_is_emitted() {
    let catalog = codes_in(&std::fs::read_to_string("../docs/errors.md").unwrap());
    let emitted = emitted_codes();
    let missing: Vec<_> = emitted.difference(&catalog).collect();
    let stale: Vec<_> = catalog.difference(&emitted).collect();
    assert!(
        missing.is_empty(),
        "codes emitted but not in docs/errors.md: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "codes in docs/errors.md that nothing emits: {stale:?}"
    );
}

#[test]
fn every_code_has_a_test_case() {
    let mut tested = BTreeSet::new();
    for f in files_under("../tests/check", "polity") {
        tested.extend(codes_in(&std::fs::read_to_string(&f).unwrap()));
    }
    for f in files_under("../compiler/tests/snapshots", "snap") {
        tested.extend(codes_in(&std::fs::read_to_string(&f).unwrap()));
    }
    let untested: Vec<_> = emitted_codes()
        .into_iter()
        .filter(|c| !tested.contains(c))
        .collect();
    assert!(
        untested.is_empty(),
        "codes without a test case: {untested:?}"
    );
}

#[test]
fn no_debugging_leftovers() {
    let banned = ["todo!(", "dbg!(", "unimplemented!(", "println!(\"DEBUG"];
    for f in files_under("../compiler/src", "rs")
        .into_iter()
        .chain(files_under("src", "rs"))
    {
        let text = std::fs::read_to_string(&f).unwrap();
        for b in banned {
            assert!(!text.contains(b), "{} contains {b}", f.display());
        }
    }
}

#[test]
fn every_module_is_documented() {
    for f in files_under("../compiler/src", "rs")
        .into_iter()
        .chain(files_under("src", "rs"))
    {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            text.trim_start().starts_with("//!"),
            "{} has no `//!` module documentation",
            f.display()
        );
    }
}

/// Code blocks fenced as ```polity in a Markdown file.
fn polity_blocks(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut current {
            None if line.trim() == "```polity" => current = Some((i + 1, String::new())),
            Some((start, body)) if line.trim() == "```" => {
                blocks.push((*start, std::mem::take(body)));
                current = None;
            }
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn polity_code_in_the_docs_compiles() {
    let mut docs = vec![PathBuf::from("../README.md")];
    docs.extend(files_under("../docs", "md"));
    let mut checked = 0;
    for doc in docs {
        for (line, code) in polity_blocks(&doc) {
            let name = format!("{}:{line}", doc.display());
            let c = polity_compiler::compile(&name, &code, &polity_compiler::NoFiles);
            let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
            assert!(errors.is_empty(), "{name}: a `polity` block does not compile (fence fragments as ```polity-fragment):\n{}", polity_compiler::diagnostic::render::render(&c.diagnostics, &c.sources, false));
            checked += 1;
        }
    }
    assert!(checked > 0);
}
