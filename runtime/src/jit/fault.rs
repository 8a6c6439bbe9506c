//! Faults from generated code, decoded once at the boundary: generated
//! code and helpers pass a fault as one `i64` code, `site << 3 | kind`
//! (0: none), which the host turns into a [`Fault`] (or, for
//! [`abi::BAIL`], into "the interpreter decides"); and the typed records of
//! what the JIT left to the interpreter ([`Fallback`]) and where its
//! outcome differed from the interpreter's ([`Disagreement`]).

use super::{abi, JitProgram};
use crate::verdict::ErrorKind;
use polity_compiler::span::Span;
use std::fmt;

/// What kind of fault generated code reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// A value left its range.
    Overflow,
    /// Division by zero.
    DivisionByZero,
    /// A missing value.
    Missing,
    /// A resource limit.
    Limit,
    /// Outside an operation's domain.
    Domain,
    /// An internal inconsistency (a helper given words of the wrong type).
    Internal,
    /// Kind bits no helper or generated code writes: an internal
    /// inconsistency too.
    Unknown(u8),
}

impl FaultKind {
    /// The error kind the interpreter reports for the same fault.
    pub fn error_kind(self) -> ErrorKind {
        match self {
            FaultKind::Overflow => ErrorKind::Overflow,
            FaultKind::DivisionByZero => ErrorKind::DivisionByZero,
            FaultKind::Missing => ErrorKind::MissingValue,
            FaultKind::Limit => ErrorKind::Limit,
            FaultKind::Domain => ErrorKind::Domain,
            FaultKind::Internal | FaultKind::Unknown(_) => ErrorKind::Internal,
        }
    }
}

/// A fault from generated code: its kind, and the index of its site (the
/// expression whose span it reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The fault site's index.
    pub site: u32,
    /// What went wrong.
    pub kind: FaultKind,
    /// Whether it is the step budget running out at the site (a `Limit`
    /// the JIT counted exactly as the interpreter does, so its verdict is
    /// made without running the interpreter).
    pub steps: bool,
    /// Whether it is the memory budget running out at the site (counted
    /// exactly as the interpreter counts, as steps are).
    pub memory: bool,
}

impl Fault {
    /// Decodes a non-zero fault code: `None` when generated code bailed
    /// out (the interpreter decides).
    pub(super) fn decode(code: i64) -> Option<Fault> {
        let kind = match code & 7 {
            abi::BAIL => return None,
            abi::OVERFLOW => FaultKind::Overflow,
            abi::DIV_ZERO => FaultKind::DivisionByZero,
            abi::MISSING => FaultKind::Missing,
            abi::LIMIT => FaultKind::Limit,
            abi::DOMAIN => FaultKind::Domain,
            abi::INTERNAL => FaultKind::Internal,
            other => FaultKind::Unknown(u8::try_from(other).unwrap_or(u8::MAX)),
        };
        // A site index that does not fit names no site.
        let site = u32::try_from(code >> 3).unwrap_or(u32::MAX);
        Some(Fault {
            site,
            kind,
            steps: false,
            memory: false,
        })
    }

    /// The fault of a subject that ended with `code`, in a context that
    /// knows whether it ran out of steps or of memory.
    pub(super) fn of_subject(code: i64, out_of_steps: bool, out_of_memory: bool) -> Option<Fault> {
        Fault::decode(code).map(|f| Fault {
            steps: out_of_steps && f.kind == FaultKind::Limit,
            memory: out_of_memory && f.kind == FaultKind::Limit,
            ..f
        })
    }

    /// Why the budget ran out, when this is a budget's `Limit` that the JIT
    /// counted exactly as the interpreter does.
    pub(super) fn exhausted(
        self,
        limits: &crate::interp::Limits,
    ) -> Option<crate::interp::Exhausted> {
        if self.memory {
            Some(crate::interp::Exhausted::Memory(limits.max_memory))
        } else if self.steps {
            Some(crate::interp::Exhausted::Steps(limits.max_steps))
        } else {
            None
        }
    }
}

impl JitProgram {
    /// The span a fault reports.
    pub(super) fn fault_site(&self, fault: Fault) -> Option<&Span> {
        self.sites.get(usize::try_from(fault.site).ok()?)
    }
}

/// What the JIT left to the interpreter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Compiled {
    /// A law, by name.
    Law(String),
    /// A `test` block, by name.
    Test(String),
    /// A figure, by name.
    Figure(String),
}

impl fmt::Display for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Compiled::Law(name) => write!(f, "law `{name}`"),
            Compiled::Test(name) => write!(f, "test \"{name}\""),
            Compiled::Figure(name) => write!(f, "figure `{name}`"),
        }
    }
}

/// A law or test that the JIT did not compile and the interpreter runs,
/// and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fallback {
    /// What was left to the interpreter.
    pub item: Compiled,
    /// Why (what the translator does not support, or Cranelift's error).
    pub reason: String,
}

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.item, self.reason)
    }
}

/// Where the JIT's outcome for a law or test differed from the
/// interpreter's (the interpreter's, the specification, is used). Tests
/// require none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    /// The law or test.
    pub item: Compiled,
    /// What the JIT decided.
    pub jit: String,
    /// What the interpreter decided.
    pub interpreter: String,
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the JIT {}, the interpreter {}",
            self.item, self.jit, self.interpreter
        )
    }
}
