//! Compiling and dropping programs frees their machine code. In a test
//! binary of its own: it measures the process's resident memory, which
//! tests running beside it in the same process would change.
#![cfg(feature = "jit")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::Program;

const LOOPS: &str = include_str!("charters/loops.polity");

/// Compiling and dropping programs frees their machine code: resident memory
/// stays flat. `POLITY_JIT_DROPS=10000 cargo test -p polity --test jit_memory -- --ignored`
/// runs the 10,000.
fn compile_and_drop(n: usize) -> (u64, u64) {
    let rss = || -> u64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
        statm
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
            * 4096
    };
    let once = || {
        let p = Program::compile("t.polity", LOOPS).unwrap();
        assert!(p.jit().is_some());
    };
    for _ in 0..n / 10 {
        once();
    }
    let before = rss();
    for _ in 0..n {
        once();
    }
    (before, rss())
}

#[test]
fn dropping_programs_frees_code() {
    let (before, after) = compile_and_drop(2000);
    // Leaking even the smallest code page per program would add 8 MB.
    assert!(
        after < before + 4 * 1024 * 1024,
        "rss grew from {before} to {after}"
    );
}

#[test]
#[ignore]
fn dropping_many_programs_frees_code() {
    let n = std::env::var("POLITY_JIT_DROPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let (before, after) = compile_and_drop(n);
    assert!(
        after < before + 4 * 1024 * 1024,
        "rss grew from {before} to {after}"
    );
}
