//! The formatter's layout, shown: each input under `tests/fmt/` (odd
//! layout, comments everywhere, long expressions, every form) next to its
//! formatted text, which must also be a fixed point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use polity_compiler::fmt::{format, MAX_WIDTH};
use polity_compiler::span::FileId;

#[test]
fn formatted_inputs() {
    insta::glob!("../../tests/fmt", "*.polity", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let once = format(FileId(0), &text).unwrap();
        assert_eq!(
            format(FileId(0), &once).unwrap(),
            once,
            "{}",
            path.display()
        );
        insta::assert_snapshot!(once);
    });
}

#[test]
fn a_text_with_syntax_errors_is_not_formatted() {
    let errors = format(FileId(0), "law l { require \"a\" true }").unwrap_err();
    assert_eq!(errors[0].code, "E0004");
}

#[test]
fn lines_stay_within_the_width() {
    let names: Vec<String> = (0..40).map(|i| format!("member_{i}")).collect();
    let text = format!(
        "const xs = [{}]\nconst s = {}\n",
        names.join(", "),
        names.join(" + ")
    );
    let out = format(FileId(0), &text).unwrap();
    assert!(out.lines().all(|l| l.len() <= MAX_WIDTH), "{out}");
    assert!(out.lines().count() > 40, "{out}");
}

#[test]
fn blank_lines_are_kept_one_at_most_and_never_at_the_ends() {
    let out = format(
        FileId(0),
        "\n\n\nconst a = 1\n\n\n\nconst b = 2\nconst c = 3\n\n\n",
    )
    .unwrap();
    assert_eq!(out, "const a = 1\n\nconst b = 2\nconst c = 3\n");
    assert_eq!(format(FileId(0), "  \n").unwrap(), "");
}

#[test]
fn parentheses_are_kept_as_written_and_collapsed() {
    let out = format(FileId(0), "const a = ((1 + 2)) * (3)\nconst b = (1) + 2").unwrap();
    assert_eq!(out, "const a = (1 + 2) * (3)\nconst b = (1) + 2\n");
}

#[test]
fn literals_keep_their_spelling() {
    let src = "const a = 1_000\nconst b = 12.50%\nconst c = \"tab\\there \\\"q\\\"\"\nconst d = 1   day\n";
    let out = format(FileId(0), src).unwrap();
    assert_eq!(
        out,
        "const a = 1_000\nconst b = 12.50%\nconst c = \"tab\\there \\\"q\\\"\"\nconst d = 1 day\n"
    );
}

/// Long files (many declarations, comments, list elements or exceptions) are
/// formatted on a small stack: nothing recurses once per element.
#[test]
fn long_files_need_no_deep_stack() {
    let n = 50_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("// note {i}\nconst c{i} = {i}\n"));
    }
    let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    text.push_str(&format!("const xs = [{}]\n", items.join(", ")));
    let unless: Vec<String> = (0..n).map(|i| format!("unless \"u{i}\": true")).collect();
    text.push_str(&format!(
        "law l {{ require \"r\": true {} }}\n",
        unless.join(" ")
    ));
    let out = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || format(FileId(0), &text).map(|o| o.len()))
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert!(out.unwrap() > 1_000_000);
}
