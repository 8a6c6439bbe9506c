//! The snapshot generators of `runtime/examples/` (benchmark inputs) match
//! their example charters, and both engines agree over what they generate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The generators' own `main`s come along unused; `gen_tidewater` brings
// `gen_snapshot` with it.
#[path = "../examples/gen_tidewater.rs"]
#[allow(dead_code, unused_imports)]
mod gen_tidewater;

use gen_tidewater::gen_snapshot;

use polity::api::{Engine, Program};

/// Loads `json` for the example's charter and evaluates every law on both
/// engines; the verdicts' counts per law.
fn verdicts(example: &str, json: &[u8]) -> Vec<(String, (usize, usize, usize))> {
    let path = format!("../examples/{example}/charter.polity");
    let program = Program::compile_file(std::path::Path::new(&path))
        .unwrap()
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let state = program
        .load_snapshot(json)
        .unwrap_or_else(|e| panic!("{example}: {e}"));
    let [interp, jit] =
        [Engine::Interpreter, Engine::Jit].map(|e| program.eval_all_with(&state, e));
    assert_eq!(interp, jit, "{example}: the engines disagree");
    jit.iter().map(|r| (r.law.clone(), r.counts())).collect()
}

#[test]
fn generated_tidewater_snapshots_match_the_charter() {
    let mut json = Vec::new();
    gen_tidewater::write_tidewater(300, 7, &mut json).unwrap();
    let counts = verdicts("tidewater", &json);
    let may_join = counts.iter().find(|(law, _)| law == "may_join").unwrap();
    // Every sailor is judged, and the vouching joins both admit and refuse.
    let (pass, fail, error) = may_join.1;
    assert_eq!((pass + fail, error), (300, 0));
    assert!(pass > 0 && fail > 0, "{counts:?}");
    // The same seed gives the same bytes.
    let mut again = Vec::new();
    gen_tidewater::write_tidewater(300, 7, &mut again).unwrap();
    assert_eq!(json, again);
}

#[test]
fn generated_praxis_nova_snapshots_match_the_charter() {
    let mut json = Vec::new();
    gen_snapshot::write_snapshot(300, 7, &mut json).unwrap();
    let counts = verdicts("praxis-nova", &json);
    assert!(
        counts.iter().all(|(_, (_, _, error))| *error == 0),
        "{counts:?}"
    );
}
