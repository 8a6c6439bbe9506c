//! Fault codes from generated code (`site << 3 | kind`), decoded.

use super::{abi, JitProgram};
use crate::verdict::ErrorKind;
use polity_compiler::span::Span;

/// The fault code of a subject the JIT could not run (the interpreter decides).
pub(super) const BAIL_CODE: i64 = abi::BAIL;

impl JitProgram {
    pub(super) fn fault_site(&self, fault: i64) -> Option<&Span> {
        usize::try_from(fault >> 3)
            .ok()
            .and_then(|i| self.sites.get(i))
    }
}

/// The kind of error a fault code reports.
pub(super) fn fault_kind(fault: i64) -> ErrorKind {
    match fault & 7 {
        abi::OVERFLOW => ErrorKind::Overflow,
        abi::DIV_ZERO => ErrorKind::DivisionByZero,
        abi::MISSING => ErrorKind::MissingValue,
        abi::DOMAIN => ErrorKind::Domain,
        _ => ErrorKind::Limit,
    }
}
