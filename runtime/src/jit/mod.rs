//! The Cranelift JIT: charters compiled to machine code, evaluated over a
//! native layout of the snapshot, with the interpreter's meaning.
//!
//! | file | concern |
//! | --- | --- |
//! | `mod.rs` | [`JitProgram`], its options and accessors, the entry points' shared helpers |
//! | `compile.rs` | compilation: ISA and module setup, translating and defining each item, memoising state-only expressions, trampolines |
//! | `calls.rs` | the call graph: which items a law or test reaches, in callee-first order, and how deep calls nest |
//! | `compile_budget.rs` | the charter's compile budget: which items to compile, which to leave to the interpreter, and why |
//! | `decide.rs` | decisions alone: [`Decision`], [`Decisions`], the bulk loop, across cores |
//! | `eval.rs` | a law's verdicts with explanations: [`JitProgram::eval_law`] and its variants |
//! | `run.rs` | one law's evaluation over a slice of subjects, checked against the interpreter |
//! | `figures.rs` | figures: each constant's compiled value, checked against the interpreter's on a fault |
//! | `test_blocks.rs` | `test` blocks: [`TestDecision`], running them checked against the interpreter |
//! | `fault.rs` | typed faults (decoded once from generated code's `i64` codes), fallbacks and disagreements |
//! | `translate.rs` | IR to Cranelift IR, one `translate_*` per form |
//! | `hoist.rs` | which state-only expressions are memoised like constants |
//! | `sites.rs` | which expressions are compiled for the interpreter to explain with |
//! | `mixed.rs` | the interpreter evaluating over compiled sites |
//! | `pipeline.rs` | Cranelift's compilation, overlapping translation, across cores, in two tiers |
//! | `layout.rs` | the snapshot as words, blocks and decimal cells |
//! | `abi.rs` | `extern "C"` host helpers (decimals, texts, generic order), named by the `Helper` enum from one table |
//! | `code.rs` | the only `unsafe`: owns the machine code, frees it on drop |
//!
//! How a verdict is made: each law has its own entry (one subject; it also
//! reports which requirements failed) and a *bulk entry*: one native call
//! that evaluates the law for the subject words of a slice, in order,
//! writing one decision byte per subject, pass or fail. A small law's
//! statements (at most 32 IR nodes) are translated into the loop, their
//! requirements combined branch-free, with no call on that path; a larger
//! law's own entry is called per subject. The bulk entry stops at a subject
//! that faults or bails out (returning its index and the fault code, `site << 3 | kind`)
//! and at a subject that needs a constant or parameterless fn not memoised
//! yet; the host then records the fault, or decides that subject through the
//! law's own entry (which memoises the value), and resumes the bulk entry
//! after it (so it stops once per constant a law reaches). Between
//! subjects the scratch arena is cleared only if the previous subject used
//! it (and never when the law cannot allocate there); memoised constants
//! stay for the whole evaluation context. [`JitProgram::decide`] is this
//! alone ([`Decisions`]: one byte per subject, the [`Fault`]s beside them;
//! once per core for a large collection). Through the API, a passing subject
//! is done; a failing subject is run again through the law's own entry for
//! its failed requirements; and a failing, noted or faulting subject is run
//! by the interpreter over compiled code (`mixed.rs`): the interpreter walks
//! the law's statements and writes the reasons, the specification of every
//! explanation, while each expression it evaluates that does real work (a
//! condition, each side of a comparison that failed, a fn's body...) is
//! computed by a compiled *site* (`sites.rs`), so explaining costs about
//! what deciding does. Its verdict is compared with the JIT's (same failed
//! labels; same error kind and span) and any [`Disagreement`] is recorded
//! ([`JitProgram::eval_law_checked`]) — tests require none — and that
//! verdict is used. With [`crate::interp::Explain::None`] a failing
//! subject's verdict is its failed labels alone.
//!
//! Coverage: every IR form is translated — every `ExprKind`, `BinOp`, `UnOp`,
//! `Builtin`, `LoopKind`, `Lit` and `Pattern`, over every type. Integer,
//! duration and comparison arithmetic is inline; decimals, text ordering and
//! concatenation, `div`/`mod`, date arithmetic, structural comparison of
//! records, lists and sets, `sorted`, set construction, `xs[key]`, `range`,
//! rounding to places and the text builtins (`text(x)` of any type, through
//! the value of its word and the interpreter's renderer) call `extern "C"`
//! helpers (`abi.rs`); so do
//! list `+`, set algebra, `distinct`, `take`/`drop`, `flatten` and the
//! choice of `sorted(xs, by: key)`, `take(xs, n, per: key)` and `group_by`
//! (whose keys are computed inline) call `extern "C"` helpers (`abi.rs`),
//! which for the collection built-ins apply the interpreter's own functions
//! (`value::lists`); `at` and `last` are inline. A loop with several `for`
//! clauses is nested loops, its list or set gathered in a growing buffer
//! (`polity_buf_*`). Membership of integer, enum, date and
//! text elements is an inline scan; `and`/`or` (and `unless`) whose right
//! side cannot fail are branch-free; law and fn calls are direct calls,
//! except that in a bulk entry a call of a small fn (at most 24 IR nodes; at
//! most 256 such nodes per bulk entry) is translated in place, with its own
//! frame and the same fault sites; constants and parameterless fns are
//! memoised per evaluation context, and a memoised value is read inline; so
//! is an expression inside a law or fn that reads only the state and does
//! real work (`10% * treasury.balance`, `sum(x.stake for x in rows)`):
//! each is compiled as a thunk of its own and evaluated the first time a
//! subject reaches it (`hoist.rs`), which turns a law that averages over
//! its own collection from quadratic into linear time. In
//! a bulk entry the state block's loads are marked read-only, so Cranelift
//! hoists them out of the loop.
//!
//! Translation to Cranelift IR is sequential (it declares functions in one
//! module); Cranelift's compilation of the translated functions, most of the
//! time, overlaps it and is spread across cores (`pipeline.rs`).
//!
//! `test` blocks are compiled too, each to one function over a context whose
//! state starts empty: `given` stores its value there (and forgets memoised
//! constants), and the function returns which `expect` failed, if any. As
//! with laws, a test the JIT does not pass is re-run in the interpreter for
//! its explanation, and the two outcomes are compared
//! ([`JitProgram::run_tests_checked`]).
//!
//! Not compiled: [`crate::api::Program::eval_law_on`] (a subject built in
//! memory).
//!
//! What runs in the interpreter instead (the verdicts are the same, only slower):
//! - a subject for which generated code *bails out*: where an `Int` or
//!   `Duration` equal to `i64::MIN` would become an `Int?`/`Duration?` (whose
//!   `none` has that word; see [`crate::layout`]), and every subject of a snapshot
//!   whose `Int?`/`Duration?` values hold `i64::MIN`;
//! - a body of more than `translate::MAX_BODY_NODES` IR nodes, and the
//!   items past the charter's compile budget (`compile_budget.rs`), with
//!   every law, fn and test that reaches one (`polity check --jit` lists
//!   each law and test, with the reason);
//! - every law, when the longest chain of nested calls in the program exceeds
//!   the call-depth limit (the JIT checks depth statically, not at run time);
//! - every law, if Cranelift itself fails, or if calls (counting constants and
//!   parameterless fns) nest more than 1,000 deep (reported by
//!   [`JitProgram::compile`]; [`crate::api::Program::jit`] is then `None`).
//!
//! *Architecture Invariant:* a [`JitProgram`] is immutable after compilation
//! and `Send + Sync`; each evaluation (and each thread of a parallel one) has
//! its own `abi::JitCtx`.
//!
//! *Architecture Invariant (expressions keyed by address):* two maps key an
//! IR expression by its address, which is sound because the IR they point
//! into does not move, change or die while they are used:
//! - `translate::Shared::memoised` (state-only expression to memo slot and
//!   thunk) lives only inside [`JitProgram::compile_with`], which borrows the
//!   `Program` immutably for the whole translation: every `Expr` keeps its
//!   address, none is freed, so no two expressions share a key. The same
//!   key reached again (a small fn's body translated into a bulk entry) is
//!   the same expression, and since it reads only the state it has the same
//!   value there, so sharing its slot is right.
//! - `JitProgram::site_code` (expression to compiled site, `sites.rs`)
//!   outlives that borrow, so it is only consulted with the IR it was
//!   compiled from: [`crate::api::Program`] owns its IR (an `Arc`, never
//!   mutated) together with its `JitProgram`, and every other caller passes
//!   the `Program` it compiled. `JitProgram::compiled_from` checks this
//!   before the interpreter runs over compiled sites (`mixed.rs`), and a
//!   site is used only if its span is the expression's too; a `JitProgram`
//!   given another IR explains in the interpreter alone.

mod abi;
mod calls;
mod chunks;
mod code;
mod compile;
mod compile_budget;
mod decide;
mod eval;
mod fault;
mod figures;
mod hoist;
mod mixed;
mod pipeline;
mod run;
mod sites;
mod subject_fields;
mod test_blocks;
mod translate;

pub use decide::{Decision, Decisions};
pub use fault::{Compiled, Disagreement, Fallback, Fault, FaultKind};
pub use test_blocks::TestDecision;

use crate::cores::threads;
use crate::layout::{Interner, Layout};
use crate::snapshot::Snapshot;
use chunks::{across_cores, across_cores_each};
use pipeline::Pipeline;
use polity_compiler::ir::{Expr, Program};
use polity_compiler::num::Dec;
use polity_compiler::span::Span;
use polity_compiler::types::Type;

/// How many failed bytes a law's own entry writes: one per requirement that
/// decides (advice does not), in source order.
fn requirement_count(l: &polity_compiler::ir::LawDef) -> usize {
    deciding_labels(l).len()
}

/// The labels of a law's requirements that decide, in failed-byte order.
fn deciding_labels(l: &polity_compiler::ir::LawDef) -> Vec<&str> {
    l.requirements()
        .into_iter()
        .filter(|r| !r.advisory)
        .map(|r| r.label.as_str())
        .collect()
}

/// A program compiled to machine code. Dropping it frees the code.
#[derive(Debug)]
pub struct JitProgram {
    code: code::Code,
    /// Per law: the index of its bulk entry ([`code::Code::bulk`]).
    bulks: Vec<Option<usize>>,
    /// Per law: the entry index of its body and of its collection.
    laws: Vec<Option<(usize, Option<usize>)>>,
    /// Per `test` block: the entry index of its function.
    tests: Vec<Option<usize>>,
    /// Per figure ([`Program::figures`]): the entry index of its constant.
    figures: Vec<Option<usize>>,
    sites: Vec<Span>,
    types: Vec<Type>,
    texts: Interner,
    /// Decimal literals whose addresses the code holds (kept alive with it;
    /// boxed so that the addresses are stable).
    #[allow(clippy::vec_box)]
    _decs: Vec<Box<Dec>>,
    max_depth: u32,
    /// The longest chain of counted calls made from a test block.
    test_depth: u32,
    /// Why each law (or test) left to the interpreter was left there.
    fallbacks: Vec<Fallback>,
    /// The memo's length in `[status, word]` pairs.
    memo_slots: usize,
    /// How many state-only expressions are memoised (`hoist.rs`).
    memoised: usize,
    /// Expressions compiled for the interpreter (`sites.rs`), by address:
    /// valid only for the IR this was compiled from (see the module doc's
    /// invariant on expressions keyed by address; [`JitProgram::compiled_from`]).
    site_code: foldhash::HashMap<usize, mixed::SiteCode>,
    /// The IR compiled: the address and length of its laws (`mixed.rs`).
    ir: (usize, usize),
}

/// How [`JitProgram::compile_with`] compiles a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Memoise state-only expressions per evaluation context (`hoist.rs`);
    /// on by default. Off, they are evaluated per subject (for measuring
    /// what memoising them gains).
    pub memoise_state_only: bool,
    /// Compile the expressions the interpreter evaluates to explain a
    /// failing subject (`sites.rs`); on by default. Off, failing subjects
    /// are explained by the interpreter alone (for measuring what the
    /// sites cost to compile and gain).
    pub explain_sites: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            memoise_state_only: true,
            explain_sites: true,
        }
    }
}

impl JitProgram {
    /// Compiles every law (and what it calls) that the JIT supports.
    pub fn compile(program: &Program) -> Result<JitProgram, String> {
        JitProgram::compile_with(program, Options::default())
    }

    /// As [`JitProgram::compile`], with `options`.
    pub fn compile_with(program: &Program, options: Options) -> Result<JitProgram, String> {
        let (module, isas) = compile::new_module()?;
        std::thread::scope(|s| {
            JitProgram::compile_in(program, module, Pipeline::new(s, isas), options)
        })
    }

    /// Whether `program` is the IR this was compiled from.
    fn compiled_from(&self, program: &Program) -> bool {
        self.ir == (program.laws.as_ptr() as usize, program.laws.len())
    }

    /// The compiled site of `e`, if it has one.
    fn site(&self, e: &Expr) -> Option<&mixed::SiteCode> {
        self.site_code
            .get(&(e as *const Expr as usize))
            .filter(|s| s.span == e.span)
    }

    /// How many expressions are compiled for the interpreter to explain
    /// with (`sites.rs`).
    pub fn explain_sites(&self) -> usize {
        self.site_code.len()
    }

    /// Laws left to the interpreter, with the reason.
    pub fn fallbacks(&self) -> &[Fallback] {
        &self.fallbacks
    }

    /// How many state-only expressions are memoised per evaluation context
    /// instead of evaluated per subject (`hoist.rs`).
    pub fn memoised(&self) -> usize {
        self.memoised
    }

    /// The program's text literals, which every layout for it interns first.
    pub fn literals(&self) -> &Interner {
        &self.texts
    }

    /// Converts a snapshot into this program's layout.
    pub fn layout(&self, program: &Program, snapshot: &Snapshot) -> Layout {
        Layout::build(program, snapshot, &self.texts)
    }
}
