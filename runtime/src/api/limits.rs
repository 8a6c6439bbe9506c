//! Resource limits, re-exported from the interpreter.

pub use crate::interp::Limits;
