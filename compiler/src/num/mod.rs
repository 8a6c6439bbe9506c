//! Exact numbers and calendar arithmetic shared by the compiler and both engines.
//!
//! *Architecture Invariant:* no floating point. Every operation either returns the
//! exact result or `None` (overflow, division by zero, invalid date), and the
//! engines turn `None` into an `error` verdict.

mod date;
mod dec;
mod round;
mod sum;

pub use date::{civil_from_days, days_from_civil, format_date, parse_date};
pub use dec::{Dec, ParseDecError};
pub use round::{RoundMode, MAX_PLACES};
pub use sum::DecSum;
