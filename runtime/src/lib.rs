//! Polity's runtime: snapshots, values, the reference interpreter, the
//! embedding API ([`api`]) and, behind the default `cli` feature, the `polity`
//! command line.

pub mod api;
#[cfg(feature = "cli")]
pub mod cli;
mod cores;
pub mod doc;
pub mod interp;
#[cfg(feature = "jit")]
pub mod jit;
/// Without the `jit` feature, the JIT's types have no values (see `nojit.rs`).
#[cfg(not(feature = "jit"))]
#[path = "nojit.rs"]
pub mod jit;
pub mod layout;
pub mod snapshot;
pub mod value;
pub mod verdict;

/// The README's code examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
