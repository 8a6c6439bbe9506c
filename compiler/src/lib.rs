//! The Polity compiler: charter source in, a checked [`ir::Program`] and
//! [`diagnostic::Diagnostic`]s out.
//!
//! *Architecture Invariant:* this crate is pure. No I/O, no clock, no
//! environment, no `unsafe`: files arrive through the [`Loader`] the caller
//! provides, so compiling the same sources always gives the same result.

pub mod diagnostic;
pub mod ir;
pub mod num;
pub mod span;
pub mod syntax;
pub mod types;
