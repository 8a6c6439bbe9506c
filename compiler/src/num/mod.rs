//! Exact numbers and calendar arithmetic shared by the compiler and both engines.
//!
//! *Architecture Invariant:* no floating point. Every operation either returns the
//! exact result or `None` (overflow, division by zero, invalid date), and the
//! engines turn `None` into an `error` verdict.

mod date;
mod dec;

pub use date::{civil_from_days, days_from_civil, parse_date, format_date};
pub use dec::{Dec, ParseDecError};
