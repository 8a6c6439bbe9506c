//! `test` blocks: `given` state, `let` bindings and `expect`ations.

use super::coverage::Coverage;
use super::eval::{Ctx, Eval, States};
use super::Limits;
use crate::verdict::{EvalError, Failure};
use polity_compiler::ir::{Program, TestDef, TestStmt};
use polity_compiler::span::Span;

/// The result of one `test` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestOutcome {
    /// The test's name.
    pub name: String,
    /// The test's span.
    pub span: Span,
    /// `Ok` when every expectation held.
    pub result: Result<(), TestFailure>,
}

/// Why a test failed (it stops at the first failure).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestFailure {
    /// An `expect` whose condition was false.
    Expectation {
        /// The `expect` statement.
        span: Span,
        /// Its explanation: one failure labelled with the condition's source
        /// text, with reasons by the same rules as a requirement's.
        failures: Vec<Failure>,
    },
    /// Evaluation faulted.
    Fault(EvalError),
}

/// Runs every test of the program, in order. Tests see no snapshot: a state
/// name has a value only after a `given` for it.
pub fn run_tests(program: &Program, limits: Limits) -> Vec<TestOutcome> {
    run_tests_in(program, limits, None)
}

/// Runs every test of the program, counting what they reach into
/// `coverage`, if any.
pub(crate) fn run_tests_in(
    program: &Program,
    limits: Limits,
    coverage: Option<&Coverage>,
) -> Vec<TestOutcome> {
    program
        .tests
        .iter()
        .map(|test| TestOutcome {
            name: test.name.clone(),
            span: test.span,
            result: run_test_in(program, limits.clone(), test, coverage),
        })
        .collect()
}

/// Runs one `test` block of the program.
pub fn run_test(program: &Program, limits: Limits, test: &TestDef) -> Result<(), TestFailure> {
    run_test_in(program, limits, test, None)
}

/// Runs one `test` block, counting what it reaches into `coverage`, if any.
fn run_test_in(
    program: &Program,
    limits: Limits,
    test: &TestDef,
    coverage: Option<&Coverage>,
) -> Result<(), TestFailure> {
    let mut ctx = Ctx::new(
        program,
        limits,
        States::Test(vec![None; program.state.len()]),
    );
    ctx.coverage = coverage;
    // The frame outlives each statement; `given` needs the context mutably, so
    // the slots are carried across re-borrows.
    let mut slots = Eval::new(&ctx, test.frame_size, 0).into_slots();
    for stmt in &test.body {
        match stmt {
            TestStmt::Given { state, value, .. } => {
                let mut eval = Eval::with_slots(&ctx, slots, 0);
                let v = eval.eval(value).map_err(TestFailure::Fault)?;
                slots = eval.into_slots();
                ctx.give(*state, v);
            }
            TestStmt::Let { local, value } => {
                let mut eval = Eval::with_slots(&ctx, slots, 0);
                let v = eval.eval(value).map_err(TestFailure::Fault)?;
                eval.set(*local, v);
                slots = eval.into_slots();
            }
            TestStmt::Expect { cond, span } => {
                let mut eval = Eval::with_slots(&ctx, slots, 0);
                if !eval.bool(cond).map_err(TestFailure::Fault)? {
                    let failure = Failure {
                        label: super::why::one_line(ctx.snippet(cond.span)),
                        span: cond.span,
                        reasons: ctx.meter.unmetered(|| eval.explain(cond)),
                        exceptions: Vec::new(),
                        exception_reasons: Vec::new(),
                    };
                    return Err(TestFailure::Expectation {
                        span: *span,
                        failures: vec![failure],
                    });
                }
                slots = eval.into_slots();
            }
        }
    }
    Ok(())
}
