//! Resource limits and the evaluation budget, re-exported from the
//! interpreter: [`Limits`] (depth, sizes, steps, a deadline), and
//! [`Cancel`], a handle that stops evaluation from another thread.

pub use crate::interp::{Cancel, Limits, DEFAULT_MAX_STEPS};
