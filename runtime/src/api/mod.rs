//! The embedding API: compile a charter once into a [`Program`], load
//! snapshots into [`State`]s, and evaluate laws over them.
//!
//! ```
//! use polity::api::Program;
//!
//! let program = Program::compile("club.polity", r#"
//!     charter "Club" { version: 1 }
//!     record Member { id: Text, dues_paid: Bool }
//!     state { members: List<Member> }
//!     law may_vote(m in members) {
//!       require "dues are paid": m.dues_paid
//!     }
//! "#).expect("the charter compiles");
//! let state = program
//!     .load_snapshot(br#"{"members": [{"id": "ana", "dues_paid": true},
//!                                     {"id": "bo", "dues_paid": false}]}"#)
//!     .expect("the snapshot matches");
//! let report = program.eval_law(&state, "may_vote").expect("the law exists");
//! assert_eq!(report.results[0].verdict.as_str(), "pass");
//! assert_eq!(report.results[1].verdict.as_str(), "fail");
//! ```

mod compile;
pub mod diff;
mod eval;
mod figures;
pub mod files;
// The documents the command line prints (`polity eval --format json`,
// `check`, `test`), written here so that embedders get them without the
// `cli` feature (clap, rustyline, the LSP): one writer for both.
pub mod json;
mod limits;
pub(crate) mod reasons;
/// A failure's reasons as the command line prints them under a subject.
pub use reasons::write_failure;
pub(crate) mod test_report;
pub(crate) mod verdict_json;

pub use crate::interp::Explain;
pub use compile::{CompileError, CompileOptions, Program, State};
pub use diff::{Diff, DiffOptions, FigureDiff, LawDiff, Side, Status, SubjectChange};
#[cfg(feature = "cli")]
pub(crate) use eval::add_counts;
pub use eval::{Engine, EvalOptions, LawReport, LawRun, Rendered, UnknownLaw};
pub(crate) use figures::figures_json;
pub use figures::{figures, FigureOutcome, UnknownFigure, SHOWN_ELEMENTS};
pub use files::FsLoader;

/// Whether this build has the JIT (the default `jit` feature). Without it,
/// [`Engine::Jit`] runs the reference interpreter and [`Program::jit`] is
/// always `None`.
pub const HAS_JIT: bool = cfg!(feature = "jit");
pub use limits::{
    Cancel, Limits, LoadLimits, DEFAULT_MAX_MEMORY, DEFAULT_MAX_STEPS, DEFAULT_MAX_TEXT_BYTES,
    ELEMENT_BYTES,
};
