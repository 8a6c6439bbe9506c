//! Arbitrary bytes as a snapshot for each example charter and a few corpus
//! charters. Each of the three loaders (into values for the interpreter,
//! into the JIT's native layout, and streaming) must accept exactly when the
//! others do; a rejection is a syntax error or a list of mismatches, each
//! with a JSON path, the same from both precise loaders, and never echoing
//! much of the input. A snapshot that loads is evaluated on both engines
//! with tight limits, which must give identical reports (the JIT also on
//! the state the interpreter's loader made).
//!
//! Must never panic; any panic is a bug (`docs/testing.md`, "Fuzzing").
#![no_main]

use libfuzzer_sys::fuzz_target;
use polity::api::{Engine, EvalOptions, Program};
use polity::snapshot::SnapshotError;
use polity_differential::tight_limits;
use std::sync::OnceLock;

/// The charters, chosen for what their `state` holds: nested records and
/// optionals (the examples), references and ids, keyed lookups, instants
/// and durations, calendar periods, decimals at the edges, group keys.
const CHARTERS: &[(&str, &str)] = &[
    (
        "tidewater",
        include_str!("../../../examples/tidewater/charter.polity"),
    ),
    (
        "praxis-nova",
        include_str!("../../../examples/praxis-nova/charter.polity"),
    ),
    ("references", include_str!("../../eval/references.polity")),
    ("keyed_joins", include_str!("../../eval/keyed_joins.polity")),
    ("instants", include_str!("../../eval/instants.polity")),
    (
        "calendar_periods",
        include_str!("../../eval/calendar_periods.polity"),
    ),
    ("exact_edges", include_str!("../../eval/exact_edges.polity")),
    ("group_by", include_str!("../../eval/group_by.polity")),
];

/// Longest a mismatch's path or message may be: a snapshot error quotes
/// user input cut to a few hundred bytes.
const MAX_ECHO: usize = 1024;

fn programs() -> &'static [(&'static str, Program)] {
    static PROGRAMS: OnceLock<Vec<(&str, Program)>> = OnceLock::new();
    PROGRAMS.get_or_init(|| {
        CHARTERS
            .iter()
            .map(|(name, source)| match Program::compile(name, source) {
                Ok(p) => (*name, p),
                Err(e) => panic!("{name} does not compile:\n{}", e.render(false)),
            })
            .collect()
    })
}

fn check_error(name: &str, e: &SnapshotError) {
    match e {
        SnapshotError::Syntax {
            message,
            line,
            column,
        } => {
            assert!(
                *line >= 1 && *column >= 1,
                "{name}: syntax error at {line}:{column}"
            );
            assert!(
                message.len() <= MAX_ECHO,
                "{name}: a {}-byte message",
                message.len()
            );
        }
        SnapshotError::Mismatch(list) => {
            assert!(!list.is_empty(), "{name}: an empty mismatch list");
            for m in list {
                assert!(!m.path.is_empty(), "{name}: a mismatch without a path: {m}");
                assert!(
                    m.path.len() <= MAX_ECHO && m.message.len() <= MAX_ECHO,
                    "{name}: a mismatch of {} + {} bytes",
                    m.path.len(),
                    m.message.len()
                );
            }
        }
    }
    let _ = e.to_string();
}

fn one(name: &str, program: &Program, bytes: &[u8]) {
    let values = program.load_snapshot_for(bytes, Engine::Interpreter);
    let native = program.load_snapshot_for(bytes, Engine::Jit);
    let streamed = [Engine::Interpreter, Engine::Jit]
        .map(|engine| program.read_snapshot_for(bytes, engine).is_some());
    let (values, native) = match (values, native) {
        (Ok(v), Ok(n)) => (v, n),
        (Err(a), Err(b)) => {
            check_error(name, &a);
            assert_eq!(a, b, "{name}: the loaders reject differently");
            assert_eq!(
                streamed,
                [false, false],
                "{name}: the streaming loader accepts"
            );
            return;
        }
        (a, b) => panic!(
            "{name}: one loader accepts, the other rejects: {:?} / {:?}",
            a.err(),
            b.err()
        ),
    };
    assert_eq!(
        streamed,
        [true, true],
        "{name}: the streaming loader rejects"
    );
    let options = |engine| EvalOptions {
        engine,
        limits: tight_limits(),
        ..EvalOptions::default()
    };
    let interp = program.eval_all_options(&values, options(Engine::Interpreter));
    let jit = program.eval_all_options(&native, options(Engine::Jit));
    assert_eq!(interp, jit, "{name}: the engines disagree");
    // Either state works with either engine: the JIT's layout made from
    // the interpreter's values answers the same.
    let jit_on_values = program.eval_all_options(&values, options(Engine::Jit));
    assert_eq!(interp, jit_on_values, "{name}: the JIT disagrees on values");
    for r in &jit {
        assert!(r.disagreements.is_empty(), "{name}: {:?}", r.disagreements);
    }
}

fuzz_target!(|bytes: &[u8]| {
    for (name, program) in programs() {
        one(name, program, bytes);
    }
});
