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

/// How a block of Polity in the documentation is checked (docs/testing.md).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fence {
    /// ```polity: a whole charter, which compiles without errors.
    Charter,
    /// ```polity-fragment: an excerpt of a charter, checked as one (below).
    Fragment,
    /// ```polity-syntax: the shape of a form, with placeholders; not compiled.
    Syntax,
}

/// Code blocks fenced as ```polity or ```polity-* in a Markdown file, with
/// their first line; a ```polity-* fence of any other kind is an error.
fn polity_blocks(path: &Path) -> Vec<(usize, Fence, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<(usize, Fence, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let info = line.trim().strip_prefix("```");
        match &mut current {
            None => {
                let fence = match info {
                    Some("polity") => Fence::Charter,
                    Some("polity-fragment") => Fence::Fragment,
                    Some("polity-syntax") => Fence::Syntax,
                    Some(other) if other.starts_with("polity") => panic!(
                        "{}:{}: unknown fence ```{other} (use polity, polity-fragment or polity-syntax)",
                        path.display(),
                        i + 1
                    ),
                    _ => continue,
                };
                current = Some((i + 1, fence, String::new()));
            }
            Some(_) if info == Some("") => blocks.extend(current.take()),
            Some((_, _, body)) => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    blocks
}

/// Diagnostics that a fragment may have: names it leaves to the charter it
/// is an excerpt of (a state name, a record type). Everything else, such as
/// a call to a fn that does not exist or a wrong argument, is an error.
const LEFT_TO_THE_CHARTER: &[&str] = &["E0100", "E0101"];

/// A fragment compiled as a file, or, when it is a law's statements (it does
/// not parse as a file), inside `law fragment { ... }` after its imports.
fn compile_fragment(name: &str, code: &str) -> polity_compiler::Compilation {
    let c = polity_compiler::compile(name, code, &polity_compiler::NoFiles);
    let syntax_error =
        |c: &polity_compiler::Compilation| c.diagnostics.iter().any(|d| d.code.starts_with("E000"));
    if !syntax_error(&c) {
        return c;
    }
    let (imports, body): (Vec<&str>, Vec<&str>) = code
        .lines()
        .partition(|l| l.trim_start().starts_with("import "));
    let wrapped = format!(
        "{}\nlaw fragment {{\n{}\n}}\n",
        imports.join("\n"),
        body.join("\n")
    );
    let w = polity_compiler::compile(name, &wrapped, &polity_compiler::NoFiles);
    if !syntax_error(&w) {
        return w;
    }
    // Expressions, one per line: each the value of a `let` in a law.
    let lets: Vec<String> = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| format!("  let fragment_{i} = {l}"))
        .collect();
    let wrapped = format!(
        "{}\nlaw fragment {{\n{}\n}}\n",
        imports.join("\n"),
        lets.join("\n")
    );
    let e = polity_compiler::compile(name, &wrapped, &polity_compiler::NoFiles);
    if syntax_error(&e) {
        c
    } else {
        e
    }
}

#[test]
fn polity_code_in_the_docs_compiles() {
    let mut docs = vec![PathBuf::from("../README.md")];
    docs.extend(files_under("../docs", "md"));
    let mut checked = [0; 3];
    for doc in docs {
        for (line, fence, code) in polity_blocks(&doc) {
            let name = format!("{}:{line}", doc.display());
            let c = match fence {
                Fence::Charter => polity_compiler::compile(&name, &code, &polity_compiler::NoFiles),
                Fence::Fragment => compile_fragment(&name, &code),
                Fence::Syntax => {
                    checked[2] += 1;
                    continue;
                }
            };
            let allowed = |d: &polity_compiler::diagnostic::Diagnostic| {
                fence == Fence::Fragment && LEFT_TO_THE_CHARTER.contains(&d.code)
            };
            let errors: Vec<_> = c
                .diagnostics
                .iter()
                .filter(|d| d.is_error() && !allowed(d))
                .collect();
            assert!(
                errors.is_empty(),
                "{name}: a ```{} block does not compile:\n{}",
                if fence == Fence::Charter {
                    "polity"
                } else {
                    "polity-fragment"
                },
                polity_compiler::diagnostic::render::render(&c.diagnostics, &c.sources, false)
            );
            checked[usize::from(fence == Fence::Fragment)] += 1;
        }
    }
    assert!(checked.iter().all(|n| *n > 0), "{checked:?}");
}

/// The fragment check is not vacuous: a fragment may leave names to its
/// charter, but not call what does not exist.
#[test]
fn fragments_are_checked() {
    let ok =
        "import std.treasury\nlet p = payments[\"x\"]\nrequire \"ok\": within_cap([], p, now, 1)\n";
    let c = compile_fragment("ok", ok);
    assert!(
        c.diagnostics
            .iter()
            .all(|d| LEFT_TO_THE_CHARTER.contains(&d.code)),
        "{:?}",
        c.diagnostics
    );
    assert!(!c.diagnostics.is_empty());
    let bad = "import std.treasury\nlaw x(p in payments) {\n  require \"cap\": within_cap([], p, month_beginning(now), 1)\n}\n";
    let c = compile_fragment("bad", bad);
    assert!(
        c.diagnostics.iter().any(|d| d.code == "E0114"),
        "{:?}",
        c.diagnostics
    );
}
