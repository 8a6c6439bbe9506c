//! The reference interpreter: the specification of what a charter means.
//!
//! It walks the IR directly, with exact, checked arithmetic and no floating
//! point; it never panics. Every other engine (the Cranelift JIT) must agree
//! with it on every value and on every error's kind and span.
//!
//! | file | concern |
//! | --- | --- |
//! | `mod.rs` | the API: [`Interpreter`], [`Limits`], [`run_tests`] |
//! | `eval.rs` | the evaluation context and one method per expression form |
//! | `ops.rs` | checked arithmetic on values |
//! | `collections.rs` | builtins and loops |
//! | `state_only.rs` | state-only expressions, memoised per evaluation |
//! | `members.rs` | membership in a large list tested many times |
//! | `law.rs` | laws, requirements, exceptions, subjects |
//! | `explain.rs` | the reasons of a failed requirement |
//! | `why.rs` | the full explanation tree of one verdict (the REPL's `:why`) |
//! | `testing.rs` | `test` blocks |
//! | `coverage.rs` | what tests reach (`polity test --coverage`) |
//!
//! *Architecture Invariant:* evaluation is deterministic. The only state is a
//! per-evaluation context (memoised constants, a test's `given` values); an
//! [`Interpreter`] itself holds only shared references and is `Send + Sync`.
//!
//! The interpreter recurses over expressions and calls, so its stack use grows
//! with call depth times expression nesting; `max_call_depth` (default 200)
//! is what bounds it. Each form has its own small method to keep frames lean:
//! a 260-deep call chain hits the limit on a 2 MB test-thread stack in a debug
//! build (about 3 KB per call level).
//!
//! Meaning decided here (beyond the IR's documentation), which the JIT follows:
//! - a fault reports the span of the innermost faulting expression; messages
//!   quote its source text (`integer overflow in `a * b``);
//! - a law call evaluates its argument, then checks the call depth (as does a
//!   fn call after its arguments); a const, and a fn without parameters, is
//!   evaluated at depth 0 in its own frame and its result (value or fault) is
//!   memoised per evaluation, so calling it never counts toward the call depth
//!   and where it is first needed is unobservable (`thunks.rs`);
//! - a law used as a Bool runs all its requirements, so it faults exactly when
//!   its own verdict would be an error;
//! - a loop evaluates `elem` for every element that passes the filter, even
//!   for `count`;
//! - building a value counts its bytes against the memory budget before
//!   it is built (`budget.rs` says what counts where), so a `Limit` for
//!   memory comes before the collection length's `Limit` of the same text
//!   or list `+`, and after that of `range`, `flatten`, set algebra and
//!   the text builtins;
//! - `range`, text and list `+`, `union` and `flatten` fault with `Limit`
//!   when their result would hold more than `max_collection_len` elements
//!   (bytes, for text);
//! - `at(xs, i)` outside `0..len(xs)` faults with `MissingValue`; `take` and
//!   `drop` clamp their count to `0..=len(xs)`.
//! - `fold` evaluates `init`, then its collection, then its body once per
//!   element; a negative `sqrt`/`isqrt` argument faults with `Domain`, and
//!   `pow(0, n < 0)` with `DivisionByZero` (see `docs/numbers-and-folds.md`).

mod budget;
mod collections;
mod coverage;
mod eval;
mod explain;
mod guide;
mod law;
mod members;
pub(crate) mod ops;
pub(crate) mod state_only;
mod testing;
#[cfg(test)]
mod tests;
mod thunks;
mod why;

pub(crate) use budget::Meter;
#[cfg(feature = "jit")]
pub(crate) use budget::Stop;
pub use budget::{Cancel, Exhausted, CHECK_EVERY, ELEMENT_BYTES};
pub use coverage::{items as coverage_items, run_tests_covered, Coverage, Item, Point, Section};
#[cfg(feature = "jit")]
pub(crate) use eval::{elements, record_elements, stopped, text_bytes};
pub use explain::render_truncated;
#[cfg(feature = "jit")]
pub(crate) use explain::{parts_of, DERIVED_DEPTH};
pub use law::{subject_named, subject_of};
#[cfg(feature = "jit")]
pub(crate) use members::{SORT_AFTER, SORT_FROM};
pub use ops::{MAX_DATE, MIN_DATE};
pub use testing::{run_test, run_tests, TestFailure, TestOutcome};
pub use why::{Outcome, Why, WhyStep};

use crate::snapshot::Snapshot;
use crate::value::Value;
use crate::verdict::{EvalError, Notes, SubjectResult, Verdict};
use eval::{Ctx, Eval, States};
use polity_compiler::ir::{Expr, LawId, Program};
use std::time::Instant;

/// Resource limits: exceeding one is an `error` verdict of kind `Limit`
/// (see `budget.rs` for how steps are counted, identically by both engines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most fn and law calls active at once (default 200).
    pub max_call_depth: u32,
    /// The most elements a `range`, a list `+`, `union`, `flatten` or a
    /// nested loop may produce, and bytes a text `+`, `text`, `lower` or
    /// `upper` may build (default 10,000,000).
    pub max_collection_len: usize,
    /// The most steps (loop iterations and calls) one evaluation may take:
    /// one subject's verdict, one constant, one test, one REPL expression
    /// (default 100,000,000; `u64::MAX` for no limit).
    pub max_steps: u64,
    /// The most bytes of values one evaluation may build, counted as
    /// `budget.rs` says (16 per element of a list or set and per field of
    /// a record, a text's length) before each is built (default 1 GiB;
    /// `u64::MAX` for no limit).
    pub max_memory: u64,
    /// When to stop: every evaluation still running then ends with a
    /// `limit` fault, and subjects not started yet get one too (default:
    /// none).
    pub deadline: Option<Instant>,
    /// A handle that stops evaluation from another thread (default: none).
    pub cancel: Option<Cancel>,
}

/// The default memory budget per evaluation ([`Limits::max_memory`]): 1 GiB.
pub const DEFAULT_MAX_MEMORY: u64 = 1 << 30;

/// The default step budget per evaluation ([`Limits::max_steps`]): about a
/// second to a few seconds of the interpreter's work.
pub const DEFAULT_MAX_STEPS: u64 = 100_000_000;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_call_depth: 200,
            max_collection_len: 10_000_000,
            max_steps: DEFAULT_MAX_STEPS,
            max_memory: DEFAULT_MAX_MEMORY,
            deadline: None,
            cancel: None,
        }
    }
}

impl Limits {
    /// The same limits, stopping `timeout` from now.
    pub fn with_timeout(self, timeout: std::time::Duration) -> Limits {
        Limits {
            deadline: Instant::now().checked_add(timeout),
            ..self
        }
    }

    /// The same limits with no step or memory budget, deadline or cancellation (the
    /// depth and size limits stay: they keep evaluation inside the stack
    /// and memory).
    pub fn unmetered(self) -> Limits {
        Limits {
            max_steps: u64::MAX,
            max_memory: u64::MAX,
            deadline: None,
            cancel: None,
            ..self
        }
    }

    /// The deadline and cancellation flag.
    pub(crate) fn stop(&self) -> budget::Stop {
        budget::Stop::new(self.deadline, self.cancel.clone())
    }
}

/// How much a verdict explains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Explain {
    /// Verdicts, failed labels, guards that did not apply and errors; no
    /// reasons (for pipelines that only need the outcome).
    None,
    /// Why each failure failed: the comparisons and values that made it
    /// false, through fns, `let`s and collections (the default).
    #[default]
    Reasons,
    /// The reasons, and under each comparison how the numbers on both sides
    /// were computed: the value of every call, `let` and aggregate they
    /// are made of, and inside a fn's body the same again (for auditors).
    Full,
}

/// Evaluates an expression the interpreter has reached with something
/// faster (the JIT's compiled code for it), in the interpreter's frame.
///
/// *Contract:* [`Accel::eval`] returns the value the interpreter would
/// compute for `e` in a frame whose slots are `slots` and whose active calls
/// are `depth`, or `None` — and then the interpreter evaluates `e` itself,
/// so that any fault and its message are the interpreter's. The differential
/// tests hold the JIT to this.
pub(crate) trait Accel {
    /// Whether `e` (by address: an expression of the same [`Program`]) may
    /// be evaluated by [`Accel::eval`]; a cheap check, asked often.
    fn has(&self, e: &Expr) -> bool;
    /// The value of `e`, or `None` to leave it to the interpreter; the
    /// steps it takes are counted on `meter` exactly as the interpreter
    /// would count them (and not at all when it returns `None`).
    fn eval(&self, e: &Expr, slots: &[Value], depth: u32, meter: &Meter) -> Option<Value>;
    /// The subject being explained has its verdict: what the accelerator
    /// kept for it may go.
    #[cfg(feature = "jit")]
    fn subject_done(&self) {}
}

/// Evaluates a program's laws over one snapshot. Cheap to create; holds no
/// state between calls.
#[derive(Clone, Debug)]
pub struct Interpreter<'p> {
    program: &'p Program,
    snapshot: &'p Snapshot,
    limits: Limits,
    explain: Explain,
    /// State-only expressions' outcomes, shared by every context this
    /// interpreter (or a clone) makes (`state_only.rs`).
    memos: std::sync::Arc<state_only::Memos>,
}

impl<'p> Interpreter<'p> {
    /// An interpreter with the default [`Limits`].
    pub fn new(program: &'p Program, snapshot: &'p Snapshot) -> Self {
        Interpreter {
            program,
            snapshot,
            limits: Limits::default(),
            explain: Explain::default(),
            memos: state_only::Memos::new(),
        }
    }

    /// The same interpreter with other limits (and a memo of its own:
    /// outcomes depend on the limits).
    pub fn with_limits(self, limits: Limits) -> Self {
        Interpreter {
            limits,
            memos: state_only::Memos::new(),
            ..self
        }
    }

    /// The same interpreter evaluating every state-only expression afresh
    /// (the oracle its memo is tested against).
    #[cfg(test)]
    pub(crate) fn afresh(self) -> Self {
        Interpreter {
            memos: state_only::Memos::none(),
            ..self
        }
    }

    /// The same interpreter, explaining verdicts as much as `explain` says.
    pub fn with_explain(self, explain: Explain) -> Self {
        Interpreter { explain, ..self }
    }

    fn ctx(&self) -> Ctx<'p> {
        let mut ctx = Ctx::new(
            self.program,
            self.limits.clone(),
            States::Snapshot(self.snapshot),
        );
        ctx.explain = self.explain;
        ctx.memos = self.memos.clone();
        ctx
    }

    /// The law's verdict for every element of its collection, in order (one
    /// result for the whole state if it has no parameter, or if evaluating
    /// its collection faulted). An unknown law has no results.
    pub fn eval_law(&self, law: LawId) -> Vec<SubjectResult> {
        self.ctx().eval_law(law)
    }

    /// Where a law is declared (for verdicts that fault before any expression).
    fn law_span(&self, law: LawId) -> polity_compiler::span::Span {
        self.program
            .laws
            .get(law.0 as usize)
            .map(|l| l.span)
            .unwrap_or_default()
    }

    /// The law's verdict for one subject (ignored when the law has no parameter).
    pub fn eval_law_for(&self, law: LawId, subject: &Value) -> Verdict {
        self.eval_law_noted(law, subject).0
    }

    /// The law's verdict for one subject with its notes (requirements not
    /// applicable, advice not followed).
    pub fn eval_law_noted(&self, law: LawId, subject: &Value) -> (Verdict, Notes) {
        let span = self.law_span(law);
        self.ctx().verdict(law, span, Some(subject.clone()))
    }

    /// The law's verdicts and notes for several subjects, in one evaluation
    /// context, so that constants and parameterless fns are evaluated once for
    /// all of them (as in [`Interpreter::eval_law`]).
    pub fn eval_law_many(&self, law: LawId, subjects: &[&Value]) -> Vec<(Verdict, Notes)> {
        self.eval_law_many_in(self.ctx(), law, subjects)
    }

    /// As [`Interpreter::eval_law_many`], evaluating what `accel` has
    /// through it (by the contract of [`Accel`]), and, for a subject with
    /// failed bytes beside it (what generated code found failing, one byte
    /// per deciding requirement), checking again only the failed
    /// requirements and what they read (`law::Guide`).
    #[cfg(feature = "jit")]
    pub(crate) fn eval_law_many_with(
        &self,
        accel: Option<&dyn Accel>,
        law: LawId,
        subjects: &[(&Value, Option<&[u8]>)],
    ) -> Vec<(Verdict, Notes)> {
        let mut ctx = self.ctx();
        ctx.accel = accel;
        let span = self.law_span(law);
        let def = self.program.laws.get(law.0 as usize);
        let mut reads = guide::LetsRead::default();
        let mut verdicts = Vec::with_capacity(subjects.len());
        for (s, failed) in subjects {
            let read = def.zip(*failed).map(|(def, f)| reads.of(def, f));
            let guide = failed
                .zip(read.as_deref())
                .map(|(f, r)| guide::Guide::new(f, r));
            verdicts.push(ctx.verdict_guided(law, span, Some((*s).clone()), guide));
            if let Some(accel) = accel {
                accel.subject_done();
            }
        }
        verdicts
    }

    fn eval_law_many_in<'c>(
        &self,
        ctx: Ctx<'c>,
        law: LawId,
        subjects: &[&Value],
    ) -> Vec<(Verdict, Notes)> {
        let span = self.law_span(law);
        subjects
            .iter()
            .map(|s| ctx.verdict(law, span, Some((*s).clone())))
            .collect()
    }

    /// Every figure's value, or the fault that ended it, in declaration
    /// order ([`Program::figures`]). Each is evaluated as a constant is: in
    /// its own frame at depth 0, with a step budget of its own; all in one
    /// context, so a constant several figures use is evaluated once.
    pub fn eval_figures(&self) -> Vec<Result<Value, EvalError>> {
        let ctx = self.ctx();
        self.program
            .figures()
            .map(|(id, def)| ctx.thunk(thunks::Thunk::Const(id.0), def.span))
            .collect()
    }

    /// A closed expression over the snapshot (for the REPL), in a fresh frame.
    pub fn eval_expr(&self, expr: &Expr, frame_size: u32) -> Result<Value, EvalError> {
        let ctx = self.ctx();
        let mut eval = Eval::new(&ctx, frame_size, 0);
        eval.eval(expr)
    }

    /// An expression over the snapshot whose first locals are already bound:
    /// slot `i` holds `locals[i]` (the REPL's session bindings).
    pub fn eval_expr_in(
        &self,
        expr: &Expr,
        frame_size: u32,
        locals: &[Value],
    ) -> Result<Value, EvalError> {
        let ctx = self.ctx();
        let mut slots = locals.to_vec();
        slots.resize(slots.len().max(frame_size as usize), Value::None);
        Eval::with_slots(&ctx, slots, 0).eval(expr)
    }

    /// The full explanation of a law's verdict for one subject (ignored when
    /// the law has no parameter), with how each compared number was computed
    /// ([`Explain::Full`]); `written` is how the subject was written.
    pub fn why(&self, law: LawId, subject: Option<Value>, written: &str) -> Why {
        // Asked for one subject: with how every compared number was computed.
        let mut ctx = self.ctx();
        ctx.explain = Explain::Full;
        ctx.why(law, subject, written, 0)
    }
}
