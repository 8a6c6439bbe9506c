//! Hostile charters: what the front end reports stays small and quick to
//! produce, whatever the input (issue 15).
#![allow(clippy::unwrap_used, missing_docs)]

use polity_compiler::diagnostic::{error_count, render::render};
use polity_compiler::{compile, compile_with, NoFiles, Options};

/// A charter with `n` type errors, one a line.
fn errors(n: usize) -> String {
    let mut text = String::from("charter \"T\" { version: 1 }\n");
    for i in 0..n {
        text.push_str(&format!("const c{i}: Int = \"x\"\n"));
    }
    text
}

#[test]
fn a_hundred_diagnostics_a_file_then_how_many_more() {
    let c = compile("many.polity", &errors(150), &NoFiles);
    assert_eq!(c.diagnostics.len(), 101);
    assert!(c.diagnostics[..100].iter().all(|d| d.code == "E0200"));
    let last = &c.diagnostics[100];
    assert_eq!(
        (last.code, last.message.as_str()),
        ("E0011", "and 50 more errors")
    );
    assert!(last.is_error());
    assert_eq!(error_count(&c.diagnostics), 150);
    let out = render(&c.diagnostics, &c.sources, false);
    assert_eq!(out.matches("error[E0200]").count(), 100);
    assert!(out.contains("error[E0011]: and 50 more errors"), "{out}");
}

#[test]
fn the_limit_is_an_option() {
    let options = Options { max_diagnostics: 2 };
    let c = compile_with("many.polity", &errors(5), &NoFiles, &options);
    let out = render(&c.diagnostics, &c.sources, false);
    insta::assert_snapshot!(out);
    let all = Options {
        max_diagnostics: 1000,
    };
    let c = compile_with("many.polity", &errors(150), &NoFiles, &all);
    assert_eq!(c.diagnostics.len(), 150);
}

#[test]
fn a_huge_line_of_bad_tokens_gives_a_few_kilobytes() {
    let text = format!(
        "charter \"T\" {{ version: 1 }}\nconst x: Int = {}\n",
        "@ ".repeat(200_000)
    );
    let c = compile("huge.polity", &text, &NoFiles);
    assert_eq!(c.diagnostics.len(), 101);
    let out = render(&c.diagnostics, &c.sources, false);
    // About 330 bytes a diagnostic, whatever the line's length.
    assert!(out.len() < 40_000, "{} bytes", out.len());
    let one = render(&c.diagnostics[..1], &c.sources, false);
    assert!(one.len() < 2_000, "{one}");
}

#[test]
fn a_huge_name_is_quoted_cut_with_its_length() {
    let name = "a".repeat(400_000);
    let text = format!("charter \"T\" {{ version: 1 }}\nconst x: Int = {name} + 1\n");
    let c = compile("name.polity", &text, &NoFiles);
    assert_eq!(c.diagnostics.len(), 1);
    let d = &c.diagnostics[0];
    assert_eq!(
        d.message,
        format!("unknown name `{}…` (400,000 bytes)", "a".repeat(32))
    );
    let out = render(&c.diagnostics, &c.sources, false);
    assert!(out.len() < 2_000, "{out}");
}

#[test]
fn a_span_over_many_lines_is_shown_by_its_first() {
    let body: String = (0..5000).map(|i| format!("  let a{i} = {i}\n")).collect();
    let text = format!(
        "charter \"T\" {{ version: 1 }}\nfn f() -> Int {{\n{body}  true\n}}\nfn f() -> Int = 1\n"
    );
    let c = compile("long.polity", &text, &NoFiles);
    let out = render(&c.diagnostics, &c.sources, false);
    assert!(
        out.len() < 5_000,
        "{} bytes:\n{}",
        out.len(),
        &out[..2000.min(out.len())]
    );
}
