//! The Cranelift JIT: charters compiled to machine code, evaluated over a
//! native layout of the snapshot, with the interpreter's meaning.
//!
//! | file | concern |
//! | --- | --- |
//! | `mod.rs` | the engine: [`JitProgram`] compiles once, evaluates laws over subjects |
//! | `translate.rs` | IR to Cranelift IR, one `translate_*` per form |
//! | `hoist.rs` | which state-only expressions are memoised like constants |
//! | `pipeline.rs` | Cranelift's compilation, overlapping translation, across cores, in two tiers |
//! | `layout.rs` | the snapshot as words, blocks and decimal cells |
//! | `abi.rs` | `extern "C"` host helpers (decimals, texts, generic order) |
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
//! alone ([`Decisions`]: one byte per subject, the fault codes beside them;
//! once per core for a large collection). Through the API, a passing subject
//! is done; a failing subject is run again through the law's own entry for
//! its failed requirements; and for a failing or faulting subject the
//! interpreter re-runs that one subject to gather the reasons and the
//! error's message; its verdict is compared with the JIT's (same failed
//! labels; same error kind and span) and any disagreement is recorded
//! ([`JitProgram::eval_law_checked`]) — tests require none — and the
//! interpreter's verdict, the specification, is used.
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
//!   `none` has that word; see [`layout`]), and every subject of a snapshot
//!   whose `Int?`/`Duration?` values hold `i64::MIN`;
//! - every law, when the longest chain of nested calls in the program exceeds
//!   the call-depth limit (the JIT checks depth statically, not at run time);
//! - every law, if Cranelift itself fails, or if calls (counting constants and
//!   parameterless fns) nest more than 1,000 deep (reported by
//!   [`JitProgram::compile`]; [`crate::api::Program::jit`] is then `None`).
//!
//! *Architecture Invariant:* a [`JitProgram`] is immutable after compilation
//! and `Send + Sync`; each evaluation (and each thread of a parallel one) has
//! its own `abi::JitCtx`.

mod abi;
mod code;
mod hoist;
pub mod layout;
mod mixed;
mod pipeline;
mod run;
mod sites;
mod translate;

use crate::interp::{self, Explain, Interpreter, Limits, TestFailure, TestOutcome};
use crate::snapshot::Snapshot;
use crate::value::Value;
use crate::verdict::{ErrorKind, Subject, SubjectResult, Verdict};
use cranelift_codegen::ir::{InstBuilder, MemFlagsData};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::FunctionBuilderContext;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module};
use layout::{Interner, Layout};
use pipeline::{Isas, Pipeline, Tier};
use polity_compiler::ir::{Expr, ExprKind, LawId, Program, TestDef, TestStmt};
use polity_compiler::num::Dec;
use polity_compiler::span::Span;
use polity_compiler::types::Type;
use run::Run;
use std::collections::HashMap;
use std::sync::Arc;
use translate::{Body, Shared};

/// Subjects per thread below which a law is evaluated on one thread (with
/// explanations: a failing subject costs microseconds in the interpreter).
const PARALLEL_MIN: usize = 4096;

/// Subjects per thread below which [`JitProgram::decide`] runs on one
/// thread: a bulk entry decides a simple law in a few nanoseconds per
/// subject, so starting and joining a thread costs more than it saves below
/// tens of thousands (measured: `may_vote` over 10,000 members took 45 µs
/// on one thread, 154 µs on two).
const DECIDE_PARALLEL_MIN: usize = 32_768;

/// The fault code of a subject the JIT could not run (the interpreter decides).
const BAIL_CODE: i64 = abi::BAIL;

/// The number of cores, asked once: `available_parallelism` reads cgroup
/// files on Linux, which costs more than evaluating a small law.
fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

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

/// What generated code decided for one subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Every requirement holds.
    Pass,
    /// Some requirement failed.
    Fail,
    /// Every requirement holds, and the law has notes for the subject (a
    /// `when` precondition that did not hold, or advice not followed).
    Noted,
    /// A fault (its code: `site << 3 | kind`).
    Error(i64),
    /// Generated code bailed out: the interpreter decides this subject.
    Interpret,
}

/// What generated code decided for one `test` block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestDecision {
    /// Every expectation held.
    Pass,
    /// The `expect` at this statement index was false.
    Fail(usize),
    /// A fault (its code: `site << 3 | kind`).
    Error(i64),
    /// Generated code bailed out: the interpreter decides this test.
    Interpret,
}

/// What generated code decided for each subject of a law, in order
/// ([`JitProgram::decide`]): one byte per subject, as the bulk entry wrote
/// it, and the fault codes of the few subjects that faulted or bailed out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decisions {
    bytes: Vec<u8>,
    /// `(subject index, fault code)`, by index.
    faults: Vec<(usize, i64)>,
}

impl Decisions {
    /// How many subjects were decided.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there were no subjects.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The decision for subject `i`.
    pub fn get(&self, i: usize) -> Option<Decision> {
        let b = *self.bytes.get(i)?;
        Some(match b {
            translate::BULK_PASS => Decision::Pass,
            translate::BULK_FAIL => Decision::Fail,
            translate::BULK_NOTED => Decision::Noted,
            _ => {
                let at = self.faults.binary_search_by_key(&i, |(at, _)| *at);
                let code = at.ok().and_then(|k| self.faults.get(k)).map(|(_, f)| *f);
                Self::fault(code)
            }
        })
    }

    /// How many subjects passed (a count over the bytes, without decoding
    /// every decision as [`Decisions::iter`] does).
    pub fn passed(&self) -> usize {
        self.bytes
            .iter()
            .filter(|b| matches!(**b, translate::BULK_PASS | translate::BULK_NOTED))
            .count()
    }

    /// Every subject's decision, in order.
    pub fn iter(&self) -> impl Iterator<Item = Decision> + '_ {
        let mut faults = self.faults.iter().peekable();
        self.bytes.iter().enumerate().map(move |(i, b)| match *b {
            translate::BULK_PASS => Decision::Pass,
            translate::BULK_FAIL => Decision::Fail,
            translate::BULK_NOTED => Decision::Noted,
            _ => Self::fault(faults.next_if(|(at, _)| *at == i).map(|(_, f)| *f)),
        })
    }

    fn fault(code: Option<i64>) -> Decision {
        match code {
            Some(f) if f & 7 != abi::BAIL => Decision::Error(f),
            _ => Decision::Interpret,
        }
    }
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
    fallbacks: Vec<(String, String)>,
    /// The memo's length in `[status, word]` pairs.
    memo_slots: usize,
    /// How many state-only expressions are memoised (`hoist.rs`).
    memoised: usize,
    /// Expressions compiled for the interpreter (`sites.rs`), by address.
    site_code: HashMap<usize, mixed::SiteCode>,
    /// The IR compiled: the address and length of its laws (`mixed.rs`).
    ir: (usize, usize),
}

/// What a compiled item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Item {
    Fn(u32),
    Const(u32),
    Law(u32),
    Test(u32),
}

/// Every fn, const and law an expression refers to.
fn refs(e: &Expr, out: &mut Vec<Item>) {
    match &e.kind {
        ExprKind::Const(c) => out.push(Item::Const(c.0)),
        ExprKind::CallFn(f, _) => out.push(Item::Fn(f.0)),
        ExprKind::CallLaw(l, _) => out.push(Item::Law(l.0)),
        _ => {}
    }
    e.for_each_child(&mut |c| refs(c, out));
}

/// The expressions of an item's body.
fn bodies(program: &Program, item: Item) -> Vec<&Expr> {
    match item {
        Item::Fn(i) => program
            .fns
            .get(i as usize)
            .map(|f| &f.body)
            .into_iter()
            .collect(),
        Item::Const(i) => program
            .consts
            .get(i as usize)
            .map(|c| &c.value)
            .into_iter()
            .collect(),
        Item::Law(i) => program
            .laws
            .get(i as usize)
            .map(|l| l.exprs())
            .unwrap_or_default(),
        Item::Test(i) => {
            let Some(t) = program.tests.get(i as usize) else {
                return Vec::new();
            };
            t.body
                .iter()
                .map(|s| match s {
                    TestStmt::Given { value, .. } | TestStmt::Let { value, .. } => value,
                    TestStmt::Expect { cond, .. } => cond,
                })
                .collect()
        }
    }
}

fn callees(program: &Program, item: Item) -> Vec<Item> {
    let mut out = Vec::new();
    for e in bodies(program, item) {
        refs(e, &mut out);
    }
    out
}

/// The most nested native calls generated code may make (each a small
/// machine frame); a program with longer chains (thousands of constants each
/// using the previous one) is left to the interpreter, which forces such
/// chains in dependency order without recursing.
const MAX_NATIVE_DEPTH: u32 = 1000;

/// Whether calling `item` counts toward the call depth: a const or
/// parameterless fn runs at depth 0 wherever it is needed.
fn counts(program: &Program, item: Item) -> bool {
    match item {
        Item::Const(_) => false,
        Item::Fn(f) => program
            .fns
            .get(f as usize)
            .is_some_and(|d| !d.params.is_empty()),
        Item::Law(_) | Item::Test(_) => true,
    }
}

/// How [`order`] found the program's calls to nest.
struct Depths {
    /// The longest chain of nested calls that count toward the call depth,
    /// from a law, fn or constant.
    call: u32,
    /// The same from a test block (tests are never called).
    test: u32,
    /// The longest chain of nested calls of any kind.
    native: u32,
}

/// Every item that a law or test reaches, callees before callers (the call
/// graph is acyclic), and how deep calls nest. Iterative, so that long
/// chains do not exhaust the stack.
fn order(program: &Program) -> (Vec<Item>, Depths) {
    // Per item: (call depth, native depth), once known.
    let mut depth: HashMap<Item, (u32, u32)> = HashMap::new();
    let mut out = Vec::new();
    // Only what a law or a test reaches is compiled: the rest of an imported
    // module's fns would only cost compile time.
    let all = (0..program.laws.len() as u32)
        .map(Item::Law)
        .chain((0..program.tests.len() as u32).map(Item::Test));
    for root in all {
        // (item, its callees, how many of them are done)
        let mut stack: Vec<(Item, Vec<Item>, usize)> = Vec::new();
        if !depth.contains_key(&root) {
            stack.push((root, callees(program, root), 0));
        }
        while let Some((item, cs, next)) = stack.last_mut() {
            if let Some(c) = cs.get(*next).copied() {
                *next += 1;
                let on_stack = stack.iter().any(|(i, _, _)| *i == c);
                if !depth.contains_key(&c) && !on_stack {
                    stack.push((c, callees(program, c), 0));
                }
                continue;
            }
            let item = *item;
            let mut d = (0u32, 0u32);
            for c in cs.iter() {
                let (call, native) = depth.get(c).copied().unwrap_or((0, 0));
                if counts(program, *c) {
                    d.0 = d.0.max(call.saturating_add(1));
                }
                d.1 = d.1.max(native.saturating_add(1));
            }
            depth.insert(item, d);
            out.push(item);
            stack.pop();
        }
    }
    let max = |tests: bool| {
        depth
            .iter()
            .filter(|(i, _)| matches!(i, Item::Test(_)) == tests)
            .map(|(_, d)| d.0)
            .max()
            .unwrap_or(0)
    };
    let depths = Depths {
        call: max(false),
        test: max(true),
        native: depth.values().map(|d| d.1).max().unwrap_or(0),
    };
    (out, depths)
}

/// A module for the host, and the ISAs of the two tiers it compiles for
/// ([`Tier`]).
fn new_module() -> Result<(JITModule, Isas), String> {
    let speed = host_isa(&[("opt_level", "speed")])?;
    let once = host_isa(&[("opt_level", "none"), ("regalloc_algorithm", "single_pass")])?;
    let mut builder = JITBuilder::with_isa(
        Arc::clone(&speed),
        cranelift_module::default_libcall_names(),
    );
    for (name, _, addr) in abi::symbols() {
        builder.symbol(name, addr);
    }
    Ok((JITModule::new(builder), Isas { speed, once }))
}

/// The host's ISA with `settings`; the verifier on in debug builds (tests)
/// and off in release builds.
fn host_isa(settings: &[(&str, &str)]) -> Result<OwnedTargetIsa, String> {
    let mut flags = settings::builder();
    let verify = if cfg!(debug_assertions) {
        "true"
    } else {
        "false"
    };
    for (k, v) in settings
        .iter()
        .copied()
        .chain([("enable_verifier", verify)])
    {
        flags
            .set(k, v)
            .map_err(|e| format!("cranelift setting {k}: {e}"))?;
    }
    cranelift_native::builder()
        .map_err(|e| format!("unsupported host: {e}"))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| format!("cannot configure the host ISA: {e}"))
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
        let (module, isas) = new_module()?;
        std::thread::scope(|s| {
            JitProgram::compile_in(program, module, Pipeline::new(s, isas), options)
        })
    }

    /// Translates `program` into `module`, handing each function to `pipe`
    /// for Cranelift as soon as it is translated.
    fn compile_in(
        program: &Program,
        mut module: JITModule,
        mut pipe: Pipeline<'_, '_>,
        options: Options,
    ) -> Result<JitProgram, String> {
        let mut helpers = HashMap::new();
        for (name, arity, _) in abi::symbols() {
            let mut sig = module.make_signature();
            for _ in 0..=arity {
                sig.params.push(cranelift_codegen::ir::AbiParam::new(
                    cranelift_codegen::ir::types::I64,
                ));
            }
            sig.returns.push(cranelift_codegen::ir::AbiParam::new(
                cranelift_codegen::ir::types::I64,
            ));
            let id = module
                .declare_function(name, Linkage::Import, &sig)
                .map_err(|e| e.to_string())?;
            helpers.insert(name, (id, arity));
        }
        let mut shared = Shared {
            module,
            helpers,
            fns: vec![None; program.fns.len()],
            consts: vec![None; program.consts.len()],
            laws: vec![None; program.laws.len()],
            sites: Vec::new(),
            types: Vec::new(),
            texts: Interner::default(),
            decs: Vec::new(),
            pending: Vec::new(),
            memoised: HashMap::new(),
        };
        let (items, depths) = order(program);
        if depths.native > MAX_NATIVE_DEPTH {
            return Err(format!(
                "calls nest {} deep; the JIT compiles at most {MAX_NATIVE_DEPTH}",
                depths.native
            ));
        }
        let mut fallbacks = Vec::new();
        let mut test_ids = vec![None; program.tests.len()];
        // Memo slots: constants, parameterless fns, then memoised
        // state-only expressions (`hoist.rs`), which add at most one native
        // frame per item on a chain of calls.
        let mut memo_slots = program.consts.len() + program.fns.len();
        let hoisting =
            options.memoise_state_only && depths.native.saturating_mul(2) <= MAX_NATIVE_DEPTH;
        for item in items {
            if hoisting {
                memo_slots += memoise_state_only(&mut shared, program, item, memo_slots);
            }
            let (body, frame, params) = match item {
                Item::Fn(i) => {
                    let Some(f) = program.fns.get(i as usize) else {
                        continue;
                    };
                    if f.params.is_empty() {
                        let slot = program.consts.len() as u32 + i;
                        (Body::Thunk(slot, &f.body, &f.ret), f.frame_size, 0)
                    } else {
                        let n = f.params.len();
                        (Body::Fn(&f.body, n, &f.ret), f.frame_size, n)
                    }
                }
                Item::Const(i) => {
                    let Some(c) = program.consts.get(i as usize) else {
                        continue;
                    };
                    (Body::Thunk(i, &c.value, &c.ty), c.frame_size, 0)
                }
                Item::Law(i) => {
                    let Some(l) = program.laws.get(i as usize) else {
                        continue;
                    };
                    (Body::Law(l), l.frame_size, 2)
                }
                Item::Test(i) => {
                    let Some(t) = program.tests.get(i as usize) else {
                        continue;
                    };
                    (Body::Test(t), t.frame_size, 0)
                }
            };
            match define(&mut shared, program, &body, frame, params) {
                Ok(id) => match item {
                    Item::Fn(i) => set(&mut shared.fns, i, id),
                    Item::Const(i) => set(&mut shared.consts, i, id),
                    Item::Law(i) => set(&mut shared.laws, i, id),
                    Item::Test(i) => set(&mut test_ids, i, id),
                },
                Err(e) => match item {
                    Item::Law(i) => {
                        let name = program.laws.get(i as usize).map_or("?", |l| &l.name);
                        fallbacks.push((name.to_string(), e));
                    }
                    Item::Test(i) => {
                        let name = program.tests.get(i as usize).map_or("?", |t| &t.name);
                        fallbacks.push((format!("test \"{name}\""), e));
                    }
                    Item::Fn(_) | Item::Const(_) => {}
                },
            }
            pipe.feed(&mut shared.pending);
        }
        // Expressions the interpreter hands to compiled code when it
        // explains (`sites.rs`); one that does not translate stays with it.
        let mut site_ids = Vec::new();
        let found = if options.explain_sites {
            sites::find(program)
        } else {
            Vec::new()
        };
        for site in found {
            if let Ok(id) = define(
                &mut shared,
                program,
                &Body::Site(site.expr, &site.free),
                1,
                1,
            ) {
                site_ids.push((id, site));
            }
            pipe.feed(&mut shared.pending);
        }
        // The host enters a law, collection, test or site through one of
        // three trampolines, passing the function's address.
        let trampolines = Trampolines {
            law: trampoline(&mut shared, 2)?,
            thunk: trampoline(&mut shared, 0)?,
            site: trampoline(&mut shared, 1)?,
        };
        let mut entries = Vec::new();
        let mut site_code = HashMap::new();
        for (id, site) in site_ids {
            entries.push((trampolines.site, id));
            let frame = site.free.iter().map(|(s, _)| *s as usize + 1).max();
            site_code.insert(
                site.expr as *const Expr as usize,
                mixed::SiteCode {
                    entry: entries.len() - 1,
                    span: site.expr.span,
                    free: site.free.iter().map(|(s, t)| (*s, (*t).clone())).collect(),
                    frame: frame.unwrap_or(0),
                },
            );
        }
        let mut laws = Vec::new();
        let mut bulk_ids = Vec::new();
        let mut bulks = vec![None; program.laws.len()];
        for (i, def) in program.laws.iter().enumerate() {
            pipe.feed(&mut shared.pending);
            let Some(Some(body)) = shared.laws.get(i).copied() else {
                laws.push(None);
                continue;
            };
            let coll = match &def.param {
                Some(p) => {
                    let c = define(
                        &mut shared,
                        program,
                        &Body::Collection(&p.collection),
                        def.frame_size,
                        0,
                    );
                    match c {
                        Ok(id) => Some(id),
                        Err(e) => {
                            fallbacks.push((def.name.clone(), e));
                            laws.push(None);
                            continue;
                        }
                    }
                }
                None => None,
            };
            match define_bulk(&mut shared, program, def, Some(body)) {
                Ok(id) => {
                    bulk_ids.push(id);
                    if let Some(slot) = bulks.get_mut(i) {
                        *slot = Some(bulk_ids.len() - 1);
                    }
                }
                Err(e) => {
                    fallbacks.push((def.name.clone(), e));
                    laws.push(None);
                    continue;
                }
            }
            entries.push((trampolines.law, body));
            let law_index = entries.len() - 1;
            let coll_index = match coll {
                Some(c) => {
                    entries.push((trampolines.thunk, c));
                    Some(entries.len() - 1)
                }
                None => None,
            };
            laws.push(Some((law_index, coll_index)));
        }
        let mut tests = Vec::new();
        for id in test_ids {
            tests.push(match id {
                Some(id) => {
                    entries.push((trampolines.thunk, id));
                    Some(entries.len() - 1)
                }
                None => None,
            });
        }
        for (id, align, bytes, relocs) in pipe.finish(&mut shared.pending)? {
            shared
                .module
                .define_function_bytes(id, align, &bytes, &relocs)
                .map_err(|e| format!("cranelift: {e:?}"))?;
        }
        let code = code::Code::finalize(shared.module, &entries)?;
        let code = code.with_bulks(&bulk_ids);
        Ok(JitProgram {
            code,
            bulks,
            laws,
            tests,
            sites: shared.sites,
            types: shared.types,
            texts: shared.texts,
            _decs: shared.decs,
            max_depth: depths.call,
            test_depth: depths.test,
            fallbacks,
            memo_slots,
            memoised: shared.memoised.len(),
            site_code,
            ir: (program.laws.as_ptr() as usize, program.laws.len()),
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
    pub fn fallbacks(&self) -> &[(String, String)] {
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

    /// What the generated code alone decides for each subject of `law`, in
    /// order, without explanations (for benchmarks and differential tests);
    /// `None` when the law runs in the interpreter. With `parallel`, large
    /// collections are split across cores.
    pub fn decide(
        &self,
        program: &Program,
        layout: &Layout,
        law: LawId,
        limits: Limits,
        parallel: bool,
    ) -> Option<Decisions> {
        let per_thread = if parallel {
            DECIDE_PARALLEL_MIN
        } else {
            usize::MAX
        };
        self.decide_split(program, layout, law, limits, per_thread)
    }

    /// As [`JitProgram::decide`], split across cores whenever each thread
    /// gets at least `per_thread` subjects.
    pub fn decide_split(
        &self,
        program: &Program,
        layout: &Layout,
        law: LawId,
        limits: Limits,
        per_thread: usize,
    ) -> Option<Decisions> {
        let (body, coll) = self.laws.get(law.0 as usize).copied().flatten()?;
        let bulk = self.bulks.get(law.0 as usize).copied().flatten()?;
        if self.max_depth > limits.max_call_depth || layout.ambiguous {
            return None;
        }
        let types = &self.types;
        let mut ctx = abi::JitCtx::new(program, types, layout, limits, self.memo_slots);
        let words = match coll {
            None => &[0][..],
            Some(coll) => match self.code.call(coll, &mut ctx, 0, None) {
                Some([w, 0]) => code::list(w),
                _ => return None,
            },
        };
        let per = words.len().div_ceil(threads()).max(per_thread.max(1));
        if words.len() <= per {
            // One thread decides them all in the collection's own context,
            // with the subjects' block set aside from the temporaries that
            // each subject clears.
            let _subjects = ctx.set_aside_temp();
            return self.bulk(bulk, body, &mut ctx, words);
        }
        // The subjects' texts are ids of `ctx`; each chunk's context adopts them.
        let texts = ctx.texts();
        let run = |words: &[i64]| {
            let mut ctx = abi::JitCtx::new(program, types, layout, limits, self.memo_slots);
            ctx.adopt_texts(texts);
            self.bulk(bulk, body, &mut ctx, words)
        };
        let parts: Vec<Option<Decisions>> = std::thread::scope(|s| {
            let handles: Vec<_> = words.chunks(per).map(|c| s.spawn(move || run(c))).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        let mut out = Decisions::default();
        for part in parts {
            let part = part?;
            let base = out.bytes.len();
            out.faults
                .extend(part.faults.into_iter().map(|(i, f)| (base + i, f)));
            out.bytes.extend(part.bytes);
        }
        (out.len() == words.len()).then_some(out)
    }

    /// Decides `words` with bulk entry `bulk` of the law whose own entry is
    /// `body`: the bulk entry decides runs of subjects. Where it stops at a
    /// subject, that subject's fault is recorded, or (code 0: a constant not
    /// memoised yet) the law's own entry decides it, memoising the constant;
    /// the bulk entry resumes after it.
    fn bulk(
        &self,
        bulk: usize,
        body: usize,
        ctx: &mut abi::JitCtx<'_>,
        words: &[i64],
    ) -> Option<Decisions> {
        let mut out = Decisions {
            bytes: vec![translate::BULK_FAULT; words.len()],
            faults: Vec::new(),
        };
        let one = |ctx: &mut abi::JitCtx<'_>, out: &mut Decisions, at: usize| {
            let w = *words.get(at)?;
            ctx.next_subject();
            let (byte, fault) = match self.code.call(body, ctx, w, None)? {
                [3, 0] => (translate::BULK_NOTED, 0),
                [p, 0] if p != 0 => (translate::BULK_PASS, 0),
                [_, 0] => (translate::BULK_FAIL, 0),
                [_, f] => (translate::BULK_FAULT, f),
            };
            if let Some(b) = out.bytes.get_mut(at) {
                *b = byte;
            }
            if fault != 0 {
                out.faults.push((at, fault));
            }
            Some(())
        };
        let mut start = 0;
        ctx.next_subject();
        while let (Some(rest), Some(bytes)) = (words.get(start..), out.bytes.get_mut(start..)) {
            if rest.is_empty() {
                break;
            }
            let (done, code) = self.code.bulk(bulk, ctx, rest, bytes)?;
            let at = start + done;
            if at >= words.len() {
                break;
            }
            if code != 0 {
                out.faults.push((at, code));
            } else {
                one(ctx, &mut out, at)?;
                ctx.next_subject();
            }
            start = at + 1;
        }
        Some(out)
    }

    /// The verdict of `law` for one subject built in memory (as
    /// [`Interpreter::eval_law_for`]), with any disagreement between the
    /// JIT's decision and the interpreter's explanation.
    pub fn eval_law_on(
        &self,
        program: &Program,
        snapshot: &Snapshot,
        layout: &Layout,
        law: LawId,
        subject: &Value,
        limits: Limits,
    ) -> (Verdict, Vec<String>) {
        let interp = Interpreter::new(program, snapshot).with_limits(limits);
        let entries = self.laws.get(law.0 as usize).copied().flatten();
        let bulk = self.bulks.get(law.0 as usize).copied().flatten();
        let def = program.laws.get(law.0 as usize);
        let (Some((body, _)), Some(bulk), Some(def)) = (entries, bulk, def) else {
            return (interp.eval_law_for(law, subject), Vec::new());
        };
        let ty = def.param.as_ref().map_or(Type::Never, |p| p.ty.clone());
        if self.max_depth > limits.max_call_depth
            || layout.ambiguous
            || layout::holds_ambiguous(program, &ty, subject)
        {
            return (interp.eval_law_for(law, subject), Vec::new());
        }
        let mut run = Run {
            jit: self,
            program,
            snapshot,
            layout,
            law,
            body,
            bulk,
            limits,
            explain: Explain::default(),
            texts: Vec::new(),
        };
        let mut keep = run.ctx();
        let word = keep.keep_word(subject);
        run.texts = keep.texts().to_vec();
        let (results, problems) = run.chunk(&[(0, word, Some(subject))], &ty);
        match results.into_iter().next() {
            Some(r) => (r.verdict, problems),
            None => (interp.eval_law_for(law, subject), problems),
        }
    }

    /// Every subject's verdict for `law` (as [`Interpreter::eval_law`]).
    pub fn eval_law(
        &self,
        program: &Program,
        snapshot: &Snapshot,
        layout: &Layout,
        law: LawId,
        limits: Limits,
    ) -> Vec<SubjectResult> {
        self.eval_law_checked(program, snapshot, layout, law, limits, Explain::default())
            .0
    }

    /// As [`JitProgram::eval_law`], with every disagreement between the JIT's
    /// decision and the interpreter's verdict on a failing or faulting subject.
    pub fn eval_law_checked(
        &self,
        program: &Program,
        snapshot: &Snapshot,
        layout: &Layout,
        law: LawId,
        limits: Limits,
        explain: Explain,
    ) -> (Vec<SubjectResult>, Vec<String>) {
        let interp = Interpreter::new(program, snapshot)
            .with_limits(limits)
            .with_explain(explain);
        let entries = self.laws.get(law.0 as usize).copied().flatten();
        let bulk = self.bulks.get(law.0 as usize).copied().flatten();
        let def = program.laws.get(law.0 as usize);
        let (Some((body, coll)), Some(bulk), Some(def)) = (entries, bulk, def) else {
            return (interp.eval_law(law), Vec::new());
        };
        if self.max_depth > limits.max_call_depth || layout.ambiguous {
            return (interp.eval_law(law), Vec::new());
        }
        let mut run = Run {
            jit: self,
            program,
            snapshot,
            layout,
            law,
            body,
            bulk,
            limits,
            explain,
            texts: Vec::new(),
        };
        let (Some(coll), Some(param)) = (coll, &def.param) else {
            let (mut results, problems) = run.chunk(&[(0, 0, Some(&Value::None))], &Type::Never);
            for r in &mut results {
                r.subject = Subject::Whole;
            }
            return (results, problems);
        };
        // A state name's elements live in the layout, so a failing subject's
        // value is made from its word; any other collection is evaluated by
        // the interpreter too (its elements may hold texts that only the
        // JIT's evaluation context knows).
        let values = match param.collection.kind {
            ExprKind::State(_) => None,
            _ => match interp.eval_expr(&param.collection, def.frame_size) {
                Ok(v) => Some(v),
                Err(_) => return (interp.eval_law(law), Vec::new()),
            },
        };
        let mut ctx = run.ctx();
        let words = match self.code.call(coll, &mut ctx, 0, None) {
            Some([w, 0]) => code::list(w).to_vec(),
            other => {
                // The interpreter must fault the same way (one error for the
                // whole law); anything else is a disagreement.
                let results = interp.eval_law(law);
                let fault = other.map_or(BAIL_CODE, |[_, f]| f);
                let agree = fault & 7 == abi::BAIL
                    || matches!(results.as_slice(), [SubjectResult { verdict: Verdict::Error(e), .. }]
                        if e.kind == fault_kind(fault) && Some(&e.span) == self.fault_site(fault));
                let problems = if agree {
                    Vec::new()
                } else {
                    vec![format!(
                        "law `{}`: the JIT's collection faulted ({} at {:?}), the interpreter's did not",
                        def.name,
                        fault_kind(fault).as_str(),
                        self.fault_site(fault)
                    )]
                };
                return (results, problems);
            }
        };
        run.texts = ctx.texts().to_vec();
        let subjects: Vec<(usize, i64, Option<&Value>)> = match &values {
            None => words
                .iter()
                .enumerate()
                .map(|(i, w)| (i, *w, None))
                .collect(),
            Some(values) if values.elements().len() == words.len() => words
                .iter()
                .zip(values.elements())
                .enumerate()
                .map(|(i, (w, v))| (i, *w, Some(v)))
                .collect(),
            Some(_) => {
                return (
                    interp.eval_law(law),
                    vec![format!("law `{}`: the JIT's collection differs", def.name)],
                )
            }
        };
        let per = subjects.len().div_ceil(threads()).max(PARALLEL_MIN);
        let chunks: Vec<&[(usize, i64, Option<&Value>)]> = subjects.chunks(per).collect();
        let ty = &param.ty;
        let parts: Vec<(Vec<SubjectResult>, Vec<String>)> = if chunks.len() <= 1 {
            vec![run.chunk(&subjects, ty)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = chunks
                    .iter()
                    .map(|c| s.spawn(|| run.chunk(c, ty)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_default())
                    .collect()
            })
        };
        let mut results = Vec::with_capacity(subjects.len());
        let mut problems = Vec::new();
        for (r, p) in parts {
            results.extend(r);
            problems.extend(p);
        }
        if results.len() != subjects.len() {
            return (interp.eval_law(law), problems);
        }
        (results, problems)
    }

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
            Some([_, f]) if f & 7 == abi::BAIL => TestDecision::Interpret,
            Some([_, f]) => TestDecision::Error(f),
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
    ) -> (Vec<TestOutcome>, Vec<String>) {
        let layout = self.test_layout(program);
        let mut problems = Vec::new();
        let outcomes = program
            .tests
            .iter()
            .enumerate()
            .map(|(i, test)| {
                let decision = self.decide_test(program, &layout, i, limits);
                let result = match decision {
                    Some(TestDecision::Pass) => Ok(()),
                    _ => interp::run_test(program, limits, test),
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
    ) -> Option<String> {
        let agree = match (decision, result) {
            (TestDecision::Pass, Ok(())) | (TestDecision::Interpret, _) => true,
            (TestDecision::Fail(k), Err(TestFailure::Expectation { span, .. })) => {
                matches!(test.body.get(k), Some(TestStmt::Expect { span: s, .. }) if s == span)
            }
            (TestDecision::Error(f), Err(TestFailure::Fault(e))) => {
                e.kind == fault_kind(f) && Some(&e.span) == self.fault_site(f)
            }
            _ => false,
        };
        (!agree).then(|| {
            format!(
                "test \"{}\": the JIT decided {decision:?}, the interpreter {result:?}",
                test.name
            )
        })
    }

    fn fault_site(&self, fault: i64) -> Option<&Span> {
        usize::try_from(fault >> 3)
            .ok()
            .and_then(|i| self.sites.get(i))
    }
}

/// The kind of error a fault code reports.
fn fault_kind(fault: i64) -> ErrorKind {
    match fault & 7 {
        abi::OVERFLOW => ErrorKind::Overflow,
        abi::DIV_ZERO => ErrorKind::DivisionByZero,
        abi::MISSING => ErrorKind::MissingValue,
        abi::DOMAIN => ErrorKind::Domain,
        _ => ErrorKind::Limit,
    }
}

fn set(slots: &mut [Option<FuncId>], i: u32, id: FuncId) {
    if let Some(s) = slots.get_mut(i as usize) {
        *s = Some(id);
    }
}

/// Translates and defines one body; its id, or why it is left to the interpreter.
fn define(
    shared: &mut Shared,
    program: &Program,
    body: &Body<'_>,
    frame: u32,
    params: usize,
) -> Result<FuncId, String> {
    let mut ctx = shared.module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    translate::translate(shared, program, &mut fctx, &mut ctx.func, body, frame)
        .map_err(|e| e.0)?;
    let sig = translate::signature(&shared.module, params);
    // A site runs only for subjects that are explained, so it is compiled
    // for compile time, as a test block is.
    let tier = match body {
        Body::Test(_) | Body::Site(..) => Tier::Once,
        Body::Fn(..) | Body::Thunk(..) | Body::Law(_) | Body::Collection(_) => Tier::Speed,
    };
    declare_and_define(shared, &sig, ctx, tier)
}

/// Compiles the state-only expressions of `item` that are worth memoising
/// (`hoist.rs`) as thunks with memo slots from `first`, so that translating
/// the item (and its bulk entry, and any body it is translated into) reads
/// them from the memo; returns how many. One that does not compile stays
/// where it is.
fn memoise_state_only(shared: &mut Shared, program: &Program, item: Item, first: usize) -> usize {
    let (roots, include_roots, frame) = match item {
        Item::Law(i) => match program.laws.get(i as usize) {
            Some(l) => (l.stmt_exprs(), true, l.frame_size),
            None => return 0,
        },
        Item::Fn(i) => match program.fns.get(i as usize) {
            Some(f) => (vec![&f.body], !f.params.is_empty(), f.frame_size),
            None => return 0,
        },
        Item::Const(i) => match program.consts.get(i as usize) {
            Some(c) => (vec![&c.value], false, c.frame_size),
            None => return 0,
        },
        // A test runs once.
        Item::Test(_) => return 0,
    };
    let mut n = 0;
    for e in hoist::memoisable(&roots, include_roots) {
        let Ok(slot) = u32::try_from(first + n) else {
            break;
        };
        if let Ok(id) = define(shared, program, &Body::Thunk(slot, e, &e.ty), frame, 0) {
            shared.memoised.insert(std::ptr::from_ref(e), (slot, id));
            n += 1;
        }
    }
    n
}

/// Declares an anonymous function with `sig`, to be compiled from `ctx`
/// for `tier` with the others (`pipeline.rs`).
fn declare_and_define(
    shared: &mut Shared,
    sig: &cranelift_codegen::ir::Signature,
    ctx: cranelift_codegen::Context,
    tier: Tier,
) -> Result<FuncId, String> {
    let id = shared
        .module
        .declare_anonymous_function(sig)
        .map_err(|e| e.to_string())?;
    shared.pending.push((id, ctx.func, tier));
    Ok(id)
}

/// Translates and defines the bulk entry of a law ([`translate::translate_bulk`]).
fn define_bulk(
    shared: &mut Shared,
    program: &Program,
    def: &polity_compiler::ir::LawDef,
    own: Option<FuncId>,
) -> Result<FuncId, String> {
    let mut ctx = shared.module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    translate::translate_bulk(shared, program, &mut fctx, &mut ctx.func, def, own)
        .map_err(|e| e.0)?;
    let sig = translate::bulk_signature(&shared.module);
    declare_and_define(shared, &sig, ctx, Tier::Speed)
}

/// The trampolines the host enters generated code through
/// ([`code::Entry`]), one per signature of what it enters.
struct Trampolines {
    /// For a law: `(ctx, subject, failed) -> (value, fault)`.
    law: FuncId,
    /// For a collection or a test: `(ctx) -> (value, fault)`.
    thunk: FuncId,
    /// For a site: `(ctx, frame) -> (value, fault)`.
    site: FuncId,
}

/// An `extern "C"` trampoline `(ctx, subject, failed, out, target)` that
/// calls the function at address `target`, whose signature is
/// [`translate::signature`] with `params` parameters after the context (2:
/// `subject` and `failed`; 0: none), and stores `[value, fault]` at `out`.
/// One trampoline serves every function of that signature, where a wrapper
/// per function would cost a Cranelift compilation each.
fn trampoline(shared: &mut Shared, params: usize) -> Result<FuncId, String> {
    use cranelift_codegen::ir::{types::I64, AbiParam};
    let mut ctx = shared.module.make_context();
    let mut sig = shared.module.make_signature();
    for _ in 0..5 {
        sig.params.push(AbiParam::new(I64));
    }
    let target_sig = translate::signature(&shared.module, params);
    let mut fctx = FunctionBuilderContext::new();
    let config = shared.module.target_config();
    {
        let (mut b, ps) = translate::begin(&mut ctx.func, &mut fctx, sig.clone());
        let sig_ref = b.import_signature(target_sig);
        let (Some(out), Some(target)) = (ps.get(3).copied(), ps.get(4).copied()) else {
            return Err("a trampoline without its parameters".into());
        };
        let args: Vec<_> = ps.iter().take(params + 1).copied().collect();
        let call = b.ins().call_indirect(sig_ref, target, &args);
        let rs = b.inst_results(call).to_vec();
        if let (Some(v), Some(fault)) = (rs.first(), rs.get(1)) {
            b.ins().store(MemFlagsData::trusted(), *v, out, 0);
            b.ins().store(MemFlagsData::trusted(), *fault, out, 8);
        }
        b.ins().return_(&[]);
        b.seal_all_blocks();
        b.finalize(config);
    }
    declare_and_define(shared, &sig, ctx, Tier::Speed)
}
