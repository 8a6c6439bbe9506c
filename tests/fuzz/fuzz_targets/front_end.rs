//! The front end on arbitrary bytes, as `polity check --jit` takes them:
//! UTF-8 decoding (invalid UTF-8 is one diagnostic), lexing, parsing,
//! name resolution and type checking with the diagnostic cap, rendering
//! the diagnostics (plain and coloured), and, when the charter checks,
//! compiling it to machine code. The same text then goes through the REPL's
//! own parser and checker as one input line against a fixed charter.
//!
//! Must never panic; any panic is a bug (`docs/testing.md`, "Fuzzing").
#![no_main]

use libfuzzer_sys::fuzz_target;
use polity::api::{CompileOptions, Program};
use polity_compiler::diagnostic::render::render;
use polity_compiler::resolve::{load_all, Loaded};
use polity_compiler::span::SourceMap;
use polity_compiler::{syntax, typeck, NoFiles};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The charter REPL lines are checked against: records, enums, a state,
/// fns and laws, and standard-library imports.
const REPL_CHARTER: &str = include_str!("../../../examples/tidewater/charter.polity");

/// The longest message, label or help a diagnostic may have (480 bytes and a
/// short note of what was cut, `diagnostic/limit.rs`).
const MAX_TEXT: usize = 600;

fn repl_charter() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| load_all("charter.polity", REPL_CHARTER, &NoFiles))
}

fn check(bytes: &[u8]) {
    // A small cap, so that the "and N more" summary is reached often.
    let options = CompileOptions {
        max_diagnostics: 5,
        ..CompileOptions::default()
    };
    let (diags, sources) = match std::str::from_utf8(bytes) {
        Ok(text) => match Program::compile_with_options("fuzz.polity", text, &NoFiles, &options) {
            Ok(program) => {
                // `check --jit`: Cranelift must take every checked charter
                // (or leave a law to the interpreter, with a reason).
                let _ = program.jit();
                (program.warnings().to_vec(), program.ir().sources.clone())
            }
            Err(e) => (e.diagnostics, e.sources),
        },
        Err(_) => {
            let mut sources = SourceMap::new();
            let file = sources.add("fuzz.polity", String::from_utf8_lossy(bytes).into_owned());
            let diag = syntax::decode(file, bytes).err();
            (diag.into_iter().collect(), sources)
        }
    };
    // The cap holds per file: at most `max_diagnostics` and one E0011.
    let mut per_file: BTreeMap<_, usize> = BTreeMap::new();
    for d in &diags {
        *per_file.entry(d.span.file).or_default() += 1;
    }
    if let Some((file, n)) = per_file
        .iter()
        .find(|(_, n)| **n > options.max_diagnostics + 1)
    {
        let codes: Vec<_> = diags.iter().map(|d| (d.span.file, d.code)).collect();
        panic!("{n} diagnostics in {file:?}, past the cap: {codes:?}");
    }
    // No diagnostic quotes more than a few hundred bytes of the input.
    for d in &diags {
        let texts = [&d.message, &d.label]
            .into_iter()
            .chain(&d.help)
            .chain(d.secondary.iter().map(|s| &s.message));
        for t in texts {
            assert!(t.len() <= MAX_TEXT, "{}: a {}-byte text", d.code, t.len());
        }
    }
    let _ = render(&diags, &sources, false);
    let _ = render(&diags, &sources, true);
}

/// The text as one REPL input line (an expression or a `let`).
fn repl(text: &str) {
    let charter = repl_charter();
    let mut sources = charter.sources.clone();
    let file = sources.add("<repl>", text);
    let (input, mut diags) = syntax::parse_repl(file, text);
    if let Some(input) = input {
        let (_, more) = typeck::check_repl(&charter.modules, &sources, &[], &input);
        diags.extend(more);
    }
    let _ = render(&diags, &sources, false);
}

fuzz_target!(|bytes: &[u8]| {
    check(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        repl(text);
    }
});
