//! The JIT's place when the `jit` feature is off (no Cranelift in the
//! build): types with no values, so that every path that would run machine
//! code is statically unreachable and the API is the same with or without
//! the feature. `Program::jit()` is then always `None` and `Engine::Jit`
//! runs in the interpreter.

use crate::interp::{Explain, Limits, TestOutcome};
use crate::layout::{Interner, Layout};
use crate::snapshot::Snapshot;
use crate::value::Value;
use crate::verdict::{EvalError, SubjectResult, Verdict};
use polity_compiler::ir::{LawId, Program};
use std::fmt;

/// A compiled program, which cannot exist without the `jit` feature.
#[derive(Debug)]
pub enum JitProgram {}

/// A difference between the JIT and the interpreter, which cannot happen
/// without the JIT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disagreement {}

impl fmt::Display for Disagreement {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

/// What a JIT would leave to the interpreter (nothing: there is none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fallback {
    /// The law or test.
    pub item: String,
    /// Why.
    pub reason: String,
}

impl JitProgram {
    /// Always an error: this build has no JIT.
    pub fn compile(_: &Program) -> Result<JitProgram, String> {
        Err("this build of Polity has no JIT (the `jit` feature is off)".into())
    }

    /// Unreachable: no `JitProgram` exists.
    pub fn fallbacks(&self) -> &[Fallback] {
        match *self {}
    }

    /// Unreachable: no `JitProgram` exists.
    pub fn literals(&self) -> &Interner {
        match *self {}
    }

    /// Unreachable: no `JitProgram` exists.
    pub fn layout(&self, _: &Program, _: &Snapshot) -> Layout {
        match *self {}
    }

    /// Unreachable: no `JitProgram` exists.
    #[allow(clippy::too_many_arguments)]
    pub fn eval_law_checked(
        &self,
        _: &Program,
        _: &Snapshot,
        _: &Layout,
        _: LawId,
        _: Limits,
        _: Explain,
    ) -> (Vec<SubjectResult>, Vec<Disagreement>) {
        match *self {}
    }

    /// Unreachable: no `JitProgram` exists.
    pub fn eval_law_each<R>(
        &self,
        _: &Program,
        _: &Snapshot,
        _: &Layout,
        _: (LawId, Limits, Explain),
        _: crate::api::Rendered<'_, '_, R>,
    ) -> (Option<Vec<SubjectResult>>, Vec<Disagreement>) {
        match *self {}
    }

    /// Unreachable: no `JitProgram` exists.
    pub fn eval_law_on(
        &self,
        _: &Program,
        _: &Snapshot,
        _: &Layout,
        _: LawId,
        _: &Value,
        _: Limits,
    ) -> (Verdict, Vec<Disagreement>) {
        match *self {}
    }

    /// Unreachable: no `JitProgram` exists.
    pub fn run_tests_checked(
        &self,
        _: &Program,
        _: Limits,
    ) -> (Vec<TestOutcome>, Vec<Disagreement>) {
        match *self {}
    }

    /// Unreachable: no `JitProgram` exists.
    pub fn eval_figures_checked(
        &self,
        _: &Program,
        _: &Snapshot,
        _: &Layout,
        _: Limits,
    ) -> (Vec<Result<Value, EvalError>>, Vec<Disagreement>) {
        match *self {}
    }
}
