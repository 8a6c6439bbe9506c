//! Polity's runtime: snapshots, values, the reference interpreter and the
//! embedding API.

pub mod interp;
pub mod snapshot;
pub mod value;
pub mod verdict;
