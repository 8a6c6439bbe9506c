//! `test` blocks in compiled code: what generated code decides for one,
//! and every test's outcome, a test the JIT does not pass re-run in the
//! interpreter for its explanation and the two compared.

use super::fault::{Compiled, Disagreement, Fault};
use super::{abi, JitProgram};
use crate::interp::{self, Limits, TestFailure, TestOutcome};
use crate::layout::Layout;
use crate::snapshot::Snapshot;
use polity_compiler::ir::{Program, TestDef, TestStmt};

/// What generated code decided for one `test` block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestDecision {
    /// Every expectation held.
    Pass,
    /// The `expect` at this statement index was false.
    Fail(usize),
    /// A fault.
    Error(Fault),
    /// Generated code bailed out: the interpreter decides this test.
    Interpret,
}

impl JitProgram {
    /// The layout tests run over: no snapshot, only the program's literals.
    pub fn test_layout(&self, program: &Program) -> Layout {
        Layout::build(program, &Snapshot::from_values(Vec::new()), &self.texts)
    }

    /// What the generated code alone decides for the `test` block at
    /// `index` (for differential tests); `None` when it runs in the
    /// interpreter.
    pub fn decide_test(
        &self,
        program: &Program,
        layout: &Layout,
        index: usize,
        limits: Limits,
    ) -> Option<TestDecision> {
        let entry = self.tests.get(index).copied().flatten()?;
        if self.test_depth > limits.max_call_depth {
            return None;
        }
        let mut ctx = abi::JitCtx::for_test(program, &self.types, layout, limits, self.memo_slots);
        Some(match self.code.call(entry, &mut ctx, 0, None) {
            Some([0, 0]) => TestDecision::Pass,
            Some([k, 0]) => match usize::try_from(k - 1) {
                Ok(stmt) => TestDecision::Fail(stmt),
                Err(_) => TestDecision::Interpret,
            },
            Some([_, f]) => Fault::decode(f).map_or(TestDecision::Interpret, TestDecision::Error),
            None => TestDecision::Interpret,
        })
    }

    /// Every `test` block's outcome (as [`interp::run_tests`]), with every
    /// disagreement between the JIT's decision and the interpreter's outcome
    /// on a test the JIT did not pass (which the interpreter re-runs for its
    /// explanation).
    pub fn run_tests_checked(
        &self,
        program: &Program,
        limits: Limits,
    ) -> (Vec<TestOutcome>, Vec<Disagreement>) {
        let layout = self.test_layout(program);
        let mut problems = Vec::new();
        let outcomes = program
            .tests
            .iter()
            .enumerate()
            .map(|(i, test)| {
                let decision = self.decide_test(program, &layout, i, limits.clone());
                let result = match decision {
                    Some(TestDecision::Pass) => Ok(()),
                    _ => interp::run_test(program, limits.clone(), test),
                };
                if let Some(d) = decision {
                    problems.extend(self.test_disagreement(test, d, &result));
                }
                TestOutcome {
                    name: test.name.clone(),
                    span: test.span,
                    result,
                }
            })
            .collect();
        (outcomes, problems)
    }

    fn test_disagreement(
        &self,
        test: &TestDef,
        decision: TestDecision,
        result: &Result<(), TestFailure>,
    ) -> Option<Disagreement> {
        let agree = match (decision, result) {
            (TestDecision::Pass, Ok(())) | (TestDecision::Interpret, _) => true,
            (TestDecision::Fail(k), Err(TestFailure::Expectation { span, .. })) => {
                matches!(test.body.get(k), Some(TestStmt::Expect { span: s, .. }) if s == span)
            }
            (TestDecision::Error(f), Err(TestFailure::Fault(e))) => {
                e.kind == f.kind.error_kind() && Some(&e.span) == self.fault_site(f)
            }
            _ => false,
        };
        (!agree).then(|| Disagreement {
            item: Compiled::Test(test.name.clone()),
            jit: format!("decided {decision:?}"),
            interpreter: format!("{result:?}"),
        })
    }
}
