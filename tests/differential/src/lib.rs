//! Random **well-typed** charters with random conforming snapshots, and the
//! comparison of every engine over one case (verdicts, reasons, errors, tests,
//! determinism), with a greedy minimiser for failing cases.
//!
//! Test support, not part of the product: `runtime/tests/differential.rs`
//! runs it over seeds, and the `engines` fuzz target (`tests/fuzz/`) over a
//! fuzzer's bytes ([`Rng::from_bytes`]). See `docs/testing.md`.
//!
//! A case that breaks an expectation is a bug to report, so this code states
//! its expectations with `unwrap`, `expect` and `panic!` like a test does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod check;
mod collections;
mod expr;
mod forms;
mod gen;
mod minimise;
mod model;
mod snapshot;

pub use check::{run, run_with, tight_limits, Failure, Kind, Tally};
pub use gen::{case, Rng};
pub use minimise::{minimise, minimise_by};
pub use model::{Charter, Json};
