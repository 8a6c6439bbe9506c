//! Exact numbers and calendar arithmetic shared by the compiler and both engines.
//!
//! *Architecture Invariant:* no floating point. Every operation either returns the
//! exact result or `None` (overflow, division by zero, invalid date), and the
//! engines turn `None` into an `error` verdict.

mod date;
mod dec;
mod round;
mod sum;

#[cfg(test)]
mod display_oracle;
#[cfg(test)]
mod wide_oracle;

pub use date::{
    add_months, add_months_instant, civil_from_days, days_from_civil, fields, format_date,
    format_instant, parse_date, parse_instant, parse_rfc3339, period_start, weekday, DAY,
};
pub use dec::{CompactDec, Dec, ParseDecError, Truncated};
pub use round::{RoundMode, MAX_PLACES};
pub use sum::DecSum;
