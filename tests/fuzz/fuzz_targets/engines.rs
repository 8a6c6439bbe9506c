//! Whole evaluation on both engines over a well-typed charter and a
//! conforming snapshot generated from the fuzzer's bytes (the differential
//! tests' generator, `polity-differential`, drawing its choices from the
//! bytes): the interpreter and the JIT must give the same reports at every
//! explanation level, the same test outcomes, the same decisions inside the
//! JIT, and the same again on a fresh compilation, under tight limits.
//!
//! Any failure of the comparison panics with the case's charter and
//! snapshot (`docs/testing.md`, "Fuzzing").
#![no_main]

use libfuzzer_sys::fuzz_target;
use polity::api::Engine;
use polity_differential::{case, run_with, tight_limits, Rng, Tally};

fuzz_target!(|bytes: &[u8]| {
    let (charter, json) = case(Rng::from_bytes(0x9017_7000, bytes));
    let (source, json) = (charter.render(), json.text());
    let engines = [Engine::Interpreter, Engine::Jit];
    if let Err(f) = run_with(
        &source,
        &json,
        &engines,
        tight_limits(),
        &mut Tally::default(),
    ) {
        panic!(
            "{:?}: {}\n--- charter\n{source}\n--- snapshot\n{json}",
            f.kind, f.detail
        );
    }
});
