//! Diagnostics on very long lines show a window of the line, not all of it.
#![allow(clippy::unwrap_used, missing_docs)]

use polity_compiler::diagnostic::render::render;

#[test]
fn a_diagnostic_on_a_long_line_shows_a_window() {
    let text = format!(
        "charter \"T\" {{ version: 1 }}\nconst x: Int = {} + \"a\"\n",
        vec!["1"; 100].join(" + ")
    );
    let c = polity_compiler::compile("long.polity", &text, &polity_compiler::NoFiles);
    let out = render(&c.diagnostics, &c.sources, false);
    assert!(out.lines().all(|l| l.chars().count() < 160), "{out}");
    assert!(out.contains("--> long.polity:2:414"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn deeply_nested_brackets_are_reported_briefly() {
    let text = format!(
        "charter \"T\" {{ version: 1 }}\nconst x: Int = {}1{}\n",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    let c = polity_compiler::compile("deep.polity", &text, &polity_compiler::NoFiles);
    assert_eq!(c.diagnostics.len(), 1);
    assert_eq!(c.diagnostics[0].code, "E0008");
    let out = render(&c.diagnostics, &c.sources, false);
    assert!(out.len() < 1_000, "{out}");
}
