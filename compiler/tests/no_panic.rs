//! No input makes the compiler panic: the full pipeline (lexer, parser,
//! resolver, checker) runs on mutations of real charters, which mostly parse
//! and so exercise the checker with near-miss programs (and the formatter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use proptest::prelude::*;

const SEEDS: &[&str] = &[
    include_str!("../../examples/praxis-nova/charter.polity"),
    include_str!("../../examples/tidewater/charter.polity"),
    include_str!("../../tests/check/ok_praxis_nova_forms.polity"),
    include_str!("../../tests/eval/aggregates.polity"),
    include_str!("../../tests/eval/dates_unless.polity"),
];

/// Fragments that are plausible in a charter but often wrong where they land.
const VOCAB: &[&str] = &[
    "m",
    "members",
    "it",
    "none",
    "Active",
    "Status.Active",
    "Founder",
    "0",
    "-1",
    "9223372036854775807",
    "2.5",
    "20%",
    "2024-02-29",
    "2026-02-30",
    "30 days",
    "\"x\"",
    "[]",
    "{}",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "?.",
    "??",
    "+",
    "-",
    "*",
    "/",
    "div",
    "mod",
    "==",
    "<",
    "and",
    "or",
    "not",
    "in",
    "where",
    "if",
    "then",
    "else",
    "match",
    "=>",
    "_",
    "with",
    "for",
    "count(",
    "sum(",
    "min(",
    "first(",
    "range(0, 3)",
    "law",
    "fn",
    "const",
    "let",
    "require",
    "unless",
    "record",
    "enum",
    "state",
    "test",
    "expect",
    "given",
    ":",
    "=",
    "->",
    "Int",
    "Decimal",
    "List<",
    ">",
    "?",
    "import std.voting",
];

#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Insert { at: usize, word: usize },
    SwapLines { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 1usize..80).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        (any::<usize>(), any::<usize>()).prop_map(|(at, word)| Mutation::Insert { at, word }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
    ]
}

/// The largest char boundary `<= i`.
fn boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let n = text.len().max(1);
    match *m {
        Mutation::Delete { at, len } => {
            let a = boundary(text, at % n);
            let b = boundary(text, a + len);
            format!("{}{}", &text[..a], &text[b..])
        }
        Mutation::Duplicate { at, len } => {
            let a = boundary(text, at % n);
            let b = boundary(text, a + len);
            format!("{}{}{}", &text[..b], &text[a..b], &text[b..])
        }
        Mutation::Insert { at, word } => {
            let a = boundary(text, at % n);
            format!(
                "{} {} {}",
                &text[..a],
                VOCAB[word % VOCAB.len()],
                &text[a..]
            )
        }
        Mutation::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.lines().collect();
            let len = lines.len().max(1);
            if !lines.is_empty() {
                lines.swap(a % len, b % len);
            }
            lines.join("\n")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn mutated_charters_never_panic_the_compiler(seed in 0usize..SEEDS.len(), ms in prop::collection::vec(mutation(), 1..4)) {
        let mut text = SEEDS[seed].to_string();
        for m in &ms {
            text = apply(&text, m);
        }
        let c = polity_compiler::compile("mutant.polity", &text, &polity_compiler::NoFiles);
        for d in &c.diagnostics {
            prop_assert!(d.span.end as usize <= text.len(), "diagnostic outside the file: {d:?}");
            prop_assert!(d.help.is_some(), "diagnostic without help: {d:?}");
        }
        // Rendering must not panic either.
        let _ = polity_compiler::diagnostic::render::render(&c.diagnostics, &c.sources, false);
        // A mutant that compiles has a program; one with errors has none.
        prop_assert_eq!(c.program.is_some(), !c.diagnostics.iter().any(|d| d.is_error()));
        // The formatter neither panics nor loses its fixed point on a mutant
        // that parses.
        if let Ok(once) = polity_compiler::fmt::format(polity_compiler::span::FileId(0), &text) {
            let twice = polity_compiler::fmt::format(polity_compiler::span::FileId(0), &once);
            prop_assert_eq!(twice.as_ref(), Ok(&once), "not a fixed point:\n{}", text);
        }
    }
}
