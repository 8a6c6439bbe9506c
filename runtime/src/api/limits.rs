//! Resource limits and the evaluation budget, re-exported from the
//! interpreter: [`Limits`] (depth, sizes, steps, memory, a deadline), and
//! [`Cancel`], a handle that stops evaluation from another thread; and what
//! one snapshot may hold, [`LoadLimits`] (text and collection lengths).

pub use crate::interp::{Cancel, Limits, DEFAULT_MAX_MEMORY, DEFAULT_MAX_STEPS, ELEMENT_BYTES};
pub use crate::snapshot::{LoadLimits, DEFAULT_MAX_TEXT_BYTES};
