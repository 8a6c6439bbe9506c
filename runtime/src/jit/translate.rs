//! IR to Cranelift IR: one `translate_*` per IR form.
//!
//! Every compiled function returns `(value, fault)`: fault 0 means the value
//! is good; otherwise it is `site << 3 | kind` ([`super::abi`] kinds), where
//! `site` indexes the spans recorded in [`Shared::sites`]. Generated code never
//! traps: overflow is detected with the overflow-flag instructions
//! (`sadd_overflow` and friends), `MIN / -1` and division by zero are tested
//! before dividing (in a helper), and every fallible helper's flag is tested.
//!
//! A form the translator does not handle is reported as [`Unsupported`]; the
//! function (and everything that calls it) is then left to the interpreter.

use super::abi::{
    self, Helper, FLAG_OFFSET, FUEL0_OFFSET, FUEL_OFFSET, MEMORY0_OFFSET, MEMORY_OFFSET,
    MEMO_OFFSET, NONE_WORD, RESERVE0_OFFSET, RESERVE_OFFSET, SCAN_BELOW, STATE_OFFSET,
    TEMP_USED_OFFSET,
};
use super::pipeline::Tier;
use crate::layout::{ambiguous_optional, inline_dec, representable, Interner, DEC_SCALE};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, AbiParam, Block, FuncRef, InstBuilder, MemFlagsData, Signature,
};
use cranelift_codegen::ir::{InstructionData, Opcode, UserFuncName, Value as CValue};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Module};
use polity_compiler::ir::{
    Arm, BinOp, Builtin, ByKey, Calendar, Expr, ExprKind, Fold, KeyOp, Keyed, Lit, Loop, LoopKind,
    Num, Pattern, Program, TestDef, TestStmt, UnOp,
};
use polity_compiler::num::{Dec, RoundMode};
use polity_compiler::span::Span;
use polity_compiler::types::Type;
use std::collections::HashMap;

const I64: types::Type = types::I64;

/// Why a form is not compiled (it runs in the interpreter instead).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported(pub String);

type Tr<T> = Result<T, Unsupported>;

fn unsupported<T>(what: &str) -> Tr<T> {
    Err(Unsupported(what.to_string()))
}

/// How the reason of an item left to the interpreter because of a fn it
/// calls begins ([`Fx::left_to_interpreter`]).
pub(super) const REACHES: &str = "it reaches fn ";

/// What the functions of one program share while they are translated.
pub struct Shared {
    /// The module receiving the code.
    pub module: JITModule,
    /// The helpers' ids in the module, by [`Helper`] (`helpers[h as usize]`).
    pub helpers: Vec<FuncId>,
    /// Compiled fns, consts and laws (`None`: left to the interpreter).
    pub fns: Vec<Option<FuncId>>,
    /// Why each fn left to the interpreter was (by the fn's index), so
    /// that a law calling it can say so (`polity check --jit`).
    pub fns_left: Vec<Option<String>>,
    /// Compiled constants.
    pub consts: Vec<Option<FuncId>>,
    /// Compiled laws.
    pub laws: Vec<Option<FuncId>>,
    /// Fault sites: index -> span.
    pub sites: Vec<Span>,
    /// Types passed to helpers by index.
    pub types: Vec<Type>,
    /// Interned text literals.
    pub texts: Interner,
    /// Decimal literals, boxed so that their addresses (held by the code)
    /// survive the vector's growth.
    #[allow(clippy::vec_box)]
    pub decs: Vec<Box<Dec>>,
    /// Functions declared and translated but not compiled yet: they are
    /// handed to the compiling pipeline (`pipeline.rs`) as translation goes.
    pub pending: Vec<(FuncId, cranelift_codegen::ir::Function, Tier)>,
    /// State-only expressions compiled as thunks of their own
    /// (`hoist.rs`): the expression's address, its memo slot and thunk.
    /// Sound as a key because the IR is borrowed, unchanged, for the whole
    /// translation (the module doc's invariant on expressions keyed by
    /// address).
    pub memoised: HashMap<*const Expr, (u32, FuncId)>,
    /// Membership sites of state-only lists so far (`abi/members.rs`).
    pub kept_lists: u32,
    /// Per fn (by index), whether a call of it may build a list, set,
    /// record or text ([`builds_calling`]); set as each fn is translated,
    /// callees first.
    pub fn_builds: Vec<bool>,
}

impl Shared {
    fn site(&mut self, span: Span) -> i64 {
        self.sites.push(span);
        (self.sites.len() - 1) as i64
    }

    fn type_id(&mut self, ty: &Type) -> i64 {
        if let Some(i) = self.types.iter().position(|t| t == ty) {
            return i as i64;
        }
        self.types.push(ty.clone());
        (self.types.len() - 1) as i64
    }
}

/// The signature `(ctx, params...) -> (value, fault)`.
pub fn signature(module: &JITModule, params: usize) -> Signature {
    let mut sig = module.make_signature();
    for _ in 0..=params {
        sig.params.push(AbiParam::new(I64));
    }
    sig.returns.push(AbiParam::new(I64));
    sig.returns.push(AbiParam::new(I64));
    sig
}

/// What is being compiled.
pub enum Body<'p> {
    /// A fn (body, parameter count, result type): its parameters are the first locals.
    Fn(&'p Expr, usize, &'p Type),
    /// A constant or a fn without parameters (memo slot, value, type):
    /// evaluated once per context, its value or fault memoised.
    Thunk(u32, &'p Expr, &'p Type),
    /// A memoised state-only expression (`hoist.rs`; memo slot, expression,
    /// type): a thunk with one parameter, `in_place`, which when not zero
    /// (or when its own evaluation ran out of a budget) evaluates it in the
    /// caller's unit instead, with the caller's budget left, memoising
    /// nothing ([`Fx::translate_thunk`]).
    Memo(u32, &'p Expr, &'p Type),
    /// A law: `(subject, failed)` parameters; returns whether it passed.
    Law(&'p polity_compiler::ir::LawDef),
    /// A law's collection.
    Collection(&'p Expr),
    /// A `test` block: returns 0 when every expectation held, else one more
    /// than the index of the statement whose expectation failed.
    Test(&'p TestDef),
    /// An expression inside a law or fn (`sites.rs`): its one parameter is
    /// the address of a frame of words, from which it reads the locals
    /// given (slot and type) at the offset `slot * 8`.
    Site(&'p Expr, &'p [(u32, &'p Type)]),
}

/// Starts `func` with signature `sig`: a builder positioned in its entry
/// block, and that block's parameters (the function's).
pub(super) fn begin<'f>(
    func: &'f mut cranelift_codegen::ir::Function,
    fctx: &'f mut FunctionBuilderContext,
    sig: cranelift_codegen::ir::Signature,
) -> (FunctionBuilder<'f>, Vec<CValue>) {
    func.signature = sig;
    func.name = UserFuncName::user(0, 0);
    let mut b = FunctionBuilder::new(func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let args = b.block_params(entry).to_vec();
    (b, args)
}

/// The most IR nodes one body (a law's statements, a fn's, a constant's, a
/// test's, a site) is compiled with. Cranelift's time and memory grow faster
/// than linearly with a function's size (a law of 20,000 `let`s took 1.6 s
/// and 800 MB), while the interpreter evaluates such a body in linear time:
/// a larger body is left to it, and `polity check --jit` says so.
pub const MAX_BODY_NODES: usize = 10_000;

/// The IR nodes of `body`, counted up to just past [`MAX_BODY_NODES`].
fn body_nodes(body: &Body<'_>) -> usize {
    let limit = MAX_BODY_NODES + 1;
    let exprs: Vec<&Expr> = match body {
        Body::Fn(e, ..)
        | Body::Thunk(_, e, _)
        | Body::Memo(_, e, _)
        | Body::Collection(e)
        | Body::Site(e, _) => vec![e],
        Body::Law(def) => def.stmt_exprs(),
        Body::Test(def) => def
            .body
            .iter()
            .map(|s| match s {
                TestStmt::Given { value, .. } | TestStmt::Let { value, .. } => value,
                TestStmt::Expect { cond, .. } => cond,
            })
            .collect(),
    };
    let mut n = 0;
    for e in exprs {
        n += nodes(e, limit);
        if n > MAX_BODY_NODES {
            break;
        }
    }
    n
}

/// Translates one body into `func`.
pub fn translate(
    shared: &mut Shared,
    program: &Program,
    fctx: &mut FunctionBuilderContext,
    func: &mut cranelift_codegen::ir::Function,
    body: &Body<'_>,
    frame: u32,
) -> Tr<()> {
    let size = body_nodes(body);
    if size > MAX_BODY_NODES {
        return unsupported(&format!(
            "too large to compile (more than {MAX_BODY_NODES} IR nodes in one body); \
             the interpreter evaluates it in linear time"
        ));
    }
    let params = match body {
        Body::Fn(_, n, _) => *n,
        Body::Thunk(..) | Body::Collection(_) | Body::Test(_) => 0,
        Body::Site(..) | Body::Memo(..) => 1,
        Body::Law(_) => 2,
    };
    let config = shared.module.target_config();
    let (mut b, args) = begin(func, fctx, signature(&shared.module, params));
    let fault_block = b.create_block();
    b.append_block_param(fault_block, I64);
    b.set_cold_block(fault_block);
    let mut vars = Vec::new();
    let zero = b.ins().iconst(I64, 0);
    for _ in 0..frame.max(1) {
        let v = b.declare_var(I64);
        b.def_var(v, zero);
        vars.push(v);
    }
    let ctx = args.first().copied().unwrap_or(zero);
    let mut fx = Fx {
        b,
        shared,
        program,
        ctx,
        vars,
        fault_block,
        refs: HashMap::new(),
        inline_budget: INLINE_BUDGET,
        in_bulk: false,
        allocates: false,
        steps: false,
        bytes: false,
        fixed_steps: Some(0),
        elide_steps: false,
    };
    let result = fx.translate_body(body, &args);
    match result {
        Ok(()) => {
            fx.b.switch_to_block(fault_block);
            let code =
                fx.b.block_params(fault_block)
                    .first()
                    .copied()
                    .unwrap_or(zero);
            let z = fx.b.ins().iconst(I64, 0);
            fx.b.ins().return_(&[z, code]);
            fx.b.seal_all_blocks();
            fx.b.finalize(config);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Flags for a load of a word that nothing writes while generated code runs
/// (the context's state and memo pointers; the state block during a bulk
/// entry): the load never traps and may be shared or hoisted out of a loop.
fn fixed() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

/// The signature of a bulk entry: `(ctx, words, n, out, stop) -> index`.
pub fn bulk_signature(module: &JITModule) -> Signature {
    let mut sig = module.make_signature();
    for _ in 0..5 {
        sig.params.push(AbiParam::new(I64));
    }
    sig.returns.push(AbiParam::new(I64));
    sig
}

/// The memo status of a memoised state-only expression whose evaluation
/// ran out of a budget in a unit of its own (0: not yet, 1: a value, 2: a
/// fault): every use evaluates it in place ([`Fx::translate_thunk`]).
pub const MEMO_EXHAUSTED: i64 = 3;

/// The decision byte of a subject whose requirements all held.
pub const BULK_PASS: u8 = 1;
/// The decision byte of a subject with a failed requirement.
pub const BULK_FAIL: u8 = 0;
/// The decision byte of a subject that faulted or bailed out (the host
/// keeps its fault code beside the bytes).
pub const BULK_FAULT: u8 = 2;
/// The decision byte of a subject whose requirements all held but that has
/// notes: a `when` precondition that did not hold, or advice (`should`) not
/// followed. A law that may note returns this from its own entry too; a call
/// of the law as a Bool keeps only the low bit.
pub const BULK_NOTED: u8 = 3;

/// Translates the bulk entry of `def` into `func`: `(ctx, words, n, out,
/// stop)` evaluates the law for the subject words at `words`, in order,
/// storing a decision byte ([`BULK_PASS`] or [`BULK_FAIL`]) at `out + i`,
/// and returns `n` when all `n` are decided. At a subject that faults (or
/// bails out) it stops, writes the fault code to `stop` and returns the
/// subject's index. A [`small_law`]'s statements are translated in place,
/// with no call of their own on that path: where the subject needs a
/// constant or parameterless fn that is not memoised yet the entry stops
/// likewise with code 0, so that the host runs that subject through the
/// law's own entry (which evaluates and memoises it) and then resumes after
/// it, and a memoised fault is the subject's fault, as a call of the thunk
/// would return. A larger law's entry `own` is called for each subject. Between
/// subjects the per-subject arena is cleared, by a helper, only when the
/// previous subject allocated ([`abi::JitCtx::temp_used`]), and not at all
/// when the law cannot allocate there ([`Fx::allocates`]).
pub fn translate_bulk(
    shared: &mut Shared,
    program: &Program,
    fctx: &mut FunctionBuilderContext,
    func: &mut cranelift_codegen::ir::Function,
    def: &polity_compiler::ir::LawDef,
    own: Option<FuncId>,
) -> Tr<()> {
    let law = (def, own);
    let fixed = bulk_pass(shared, program, (fctx, func), law, None)?;
    // A law whose statements take at most a few steps per subject, each a
    // single call counted once, cannot run out of a budget that covers
    // them (nor reach the deadline's check, which comes only when the fuel
    // a subject starts with is spent): translated again without counting
    // them, and without the per-subject reset of the step budget. Where the
    // budget does not cover them, the entry stops at its first subject and
    // the host decides each one through the law's own entry, which counts.
    let most = crate::interp::CHECK_EVERY;
    if let Some(steps) = fixed.filter(|n| (1..=most).contains(n)) {
        func.clear();
        *fctx = FunctionBuilderContext::new();
        if bulk_pass(shared, program, (fctx, func), law, Some(steps)).is_err() {
            // (Not expected: both passes translate the same statements.)
            func.clear();
            *fctx = FunctionBuilderContext::new();
            bulk_pass(shared, program, (fctx, func), law, None)?;
        }
    }
    Ok(())
}

/// [`translate_bulk`], counting single steps, or (`elide`: the most steps
/// a subject takes) not counting them, behind a check that the budget
/// covers that many; the steps a subject takes at most when each is a
/// single step counted once ([`Fx::fixed_steps`]).
fn bulk_pass(
    shared: &mut Shared,
    program: &Program,
    (fctx, func): (
        &mut FunctionBuilderContext,
        &mut cranelift_codegen::ir::Function,
    ),
    (def, own): (&polity_compiler::ir::LawDef, Option<FuncId>),
    elide: Option<u64>,
) -> Tr<Option<u64>> {
    let config = shared.module.target_config();
    let (mut b, args) = begin(func, fctx, bulk_signature(&shared.module));
    let [ctx, words, n, out, stop] = args.as_slice() else {
        return unsupported("bulk entry parameters");
    };
    let (ctx, words, n, out, stop) = (*ctx, *words, *n, *out, *stop);
    let (header, body, exit, fault) = (
        b.create_block(),
        b.create_block(),
        b.create_block(),
        b.create_block(),
    );
    b.append_block_param(fault, I64);
    b.set_cold_block(fault);
    let i = b.declare_var(I64);
    let zero = b.ins().iconst(I64, 0);
    b.def_var(i, zero);
    let mut vars = Vec::new();
    for _ in 0..def.frame_size.max(1) {
        vars.push(b.declare_var(I64));
    }
    let mut fx = Fx {
        b,
        shared,
        program,
        ctx,
        vars,
        fault_block: fault,
        refs: HashMap::new(),
        inline_budget: INLINE_BUDGET,
        in_bulk: true,
        allocates: false,
        steps: false,
        bytes: false,
        fixed_steps: Some(0),
        elide_steps: elide.is_some(),
    };
    if let Some(steps) = elide.and_then(|n| i64::try_from(n).ok()) {
        // A budget that does not cover them: stop at the first subject
        // (code 0), which the host decides through the law's own entry.
        let fuel = fx.b.ins().load(I64, fixed(), ctx, FUEL0_OFFSET);
        let short = fx.b.ins().icmp_imm_s(IntCC::SignedLessThan, fuel, steps);
        let (counted, go) = (fx.b.create_block(), fx.b.create_block());
        fx.b.set_cold_block(counted);
        fx.b.ins().brif(short, counted, &[], go, &[]);
        fx.b.switch_to_block(counted);
        fx.b.ins().store(MemFlagsData::trusted(), zero, stop, 0);
        fx.b.ins().return_(&[zero]);
        fx.b.switch_to_block(go);
    }
    fx.b.ins().jump(header, &[]);
    // header: while i < n
    fx.b.switch_to_block(header);
    let iv = fx.b.use_var(i);
    let done = fx.b.ins().icmp(IntCC::SignedGreaterThanOrEqual, iv, n);
    fx.b.ins().brif(done, exit, &[], body, &[]);
    // body: the law, from a zeroed frame (as a call of the law has); its
    // decision byte
    fx.b.switch_to_block(body);
    let zero = fx.iconst(0);
    for v in fx.vars.clone() {
        fx.b.def_var(v, zero);
    }
    let off = fx.b.ins().ishl_imm_s(iv, 3);
    let addr = fx.b.ins().iadd(words, off);
    let w = fx.b.ins().load(I64, MemFlagsData::trusted(), addr, 0);
    let passed = match own {
        Some(own) if !small_law(def) => {
            let null = fx.iconst(0);
            // Its steps are counted in its own entry.
            fx.steps = true;
            fx.call_compiled(Some(own), &[w, null])?
        }
        _ => fx.law_stmts(def, w, None)?,
    };
    let iv = fx.b.use_var(i);
    let at = fx.b.ins().iadd(out, iv);
    fx.b.ins().istore8(MemFlagsData::trusted(), passed, at, 0);
    // The next subject has a full budget (the first had one from the
    // host), of what the law counts.
    fx.start_unit();
    if fx.allocates {
        let used =
            fx.b.ins()
                .load(I64, MemFlagsData::trusted(), ctx, TEMP_USED_OFFSET);
        let (clear, step) = (fx.b.create_block(), fx.b.create_block());
        fx.b.set_cold_block(clear);
        fx.b.ins().brif(used, clear, &[], step, &[]);
        fx.b.switch_to_block(clear);
        fx.call_helper(Helper::ClearTemp, &[])?;
        fx.b.ins().jump(step, &[]);
        fx.b.switch_to_block(step);
    }
    let iv = fx.b.ins().iadd_imm_s(iv, 1);
    fx.b.def_var(i, iv);
    fx.b.ins().jump(header, &[]);
    // fault(code): stop at this subject
    fx.b.switch_to_block(fault);
    let code = fx.param(fault);
    fx.b.ins().store(MemFlagsData::trusted(), code, stop, 0);
    let iv = fx.b.use_var(i);
    fx.b.ins().return_(&[iv]);
    fx.b.switch_to_block(exit);
    fx.b.ins().return_(&[n]);
    let fixed_steps = fx.fixed_steps;
    fx.b.seal_all_blocks();
    fx.b.finalize(config);
    Ok(fixed_steps)
}

/// The variables of a law's statements while they are translated.
struct LawVars {
    /// Whether every requirement so far held.
    passed: Variable,
    /// Whether a guard did not hold or advice was not followed (laws that
    /// may note only).
    noted: Option<Variable>,
    /// The failed bytes (a pointer, maybe null at run time), when written.
    failed: Option<CValue>,
    /// The next failed byte: requirements that decide, in source order.
    index: i32,
}

struct Fx<'a, 'f> {
    b: FunctionBuilder<'f>,
    shared: &'a mut Shared,
    program: &'a Program,
    ctx: CValue,
    vars: Vec<Variable>,
    fault_block: Block,
    refs: HashMap<FuncId, FuncRef>,
    /// How many more IR nodes of fn bodies may be translated in place
    /// ([`Fx::inline_fn`], [`INLINE_BUDGET`]).
    inline_budget: usize,
    /// Whether this is a bulk entry ([`translate_bulk`]): the state block
    /// is immutable while it runs (a `test`'s `given` writes it), so that
    /// its loads are [`fixed`]; a memo miss stops it ([`Fx::memoised`]); and
    /// small fns are translated in place ([`Fx::may_inline`]).
    in_bulk: bool,
    /// Whether the code translated so far may allocate in the per-subject
    /// arena: it calls a helper not in [`NON_ALLOCATING`], or a compiled fn
    /// or law (a constant's or parameterless fn's thunk allocates in the
    /// arena kept across subjects).
    allocates: bool,
    /// Whether the code translated so far counts steps (a bulk entry then
    /// gives each subject a full step budget).
    steps: bool,
    /// Whether the code translated so far counts bytes of values built (a
    /// bulk entry then gives each subject a full memory budget).
    bytes: bool,
    /// The steps counted so far when each is a single step counted once
    /// (a call, never a loop's iteration) and nothing else counts against
    /// a budget: an upper bound of the steps any run of the code takes.
    /// `None` once anything else is counted ([`translate_bulk`]).
    fixed_steps: Option<u64>,
    /// Whether single steps are left uncounted ([`translate_bulk`]: the
    /// code takes at most [`Fx::fixed_steps`] steps, which the budget
    /// covers).
    elide_steps: bool,
}

/// Helpers that count bytes of values built (`interp/budget.rs`) or charge
/// a memoised expression's cost.
const COUNTS_BYTES: &[Helper] = &[
    Helper::Concat,
    Helper::Sorted,
    Helper::ListConcat,
    Helper::TakeDrop,
    Helper::Flatten,
    Helper::Whole,
    Helper::SortBy,
    Helper::TakePer,
    Helper::GroupBy,
    Helper::KeyBlock,
    Helper::Range,
    Helper::ToText,
    Helper::TextCase,
    Helper::Charge,
    Helper::OutOfMemory,
];

/// Whether evaluating `e` may build a list, set or record in the arena, or
/// make a text (which the context forgets with the arena's temporaries).
fn builds(e: &Expr) -> bool {
    builds_in(e, None)
}

/// Whether evaluating `e` may allocate anything in the arena that is dead
/// once its value is taken: [`builds`], or a decimal cell (arithmetic on
/// decimals makes one when the result is not inline), or a call of fn `f`
/// with parameters whose body may (`fns[f]`), or of a law. (A
/// parameterless fn's value is memoised, built where constants are.)
pub(super) fn builds_calling(e: &Expr, fns: &[bool]) -> bool {
    builds_in(e, Some(fns))
}

/// [`builds`] (`fns` none), or [`builds_calling`].
fn builds_in(e: &Expr, fns: Option<&[bool]>) -> bool {
    let more = fns.is_some_and(|fns| match &e.kind {
        ExprKind::CallFn(f, args) => !args.is_empty() && fns.get(f.0 as usize) == Some(&true),
        ExprKind::CallLaw(..) => true,
        ExprKind::Binary(..) | ExprKind::Unary(..) | ExprKind::Builtin(..) => {
            matches!(e.ty.strip_optional(), Type::Decimal)
        }
        _ => false,
    });
    let own = more
        || match &e.kind {
            ExprKind::Loop(l) => matches!(l.kind, LoopKind::List | LoopKind::Set),
            ExprKind::ByKey(_)
            | ExprKind::List(_)
            | ExprKind::Set(_)
            | ExprKind::Record(..)
            | ExprKind::With(..)
            | ExprKind::Binary(BinOp::Concat | BinOp::ListConcat, ..)
            | ExprKind::Builtin(..) => true,
            _ => false,
        };
    let mut any = own;
    e.for_each_child(&mut |c| any = any || builds_in(c, fns));
    any
}

/// Helpers that never allocate in an evaluation's arenas (nor make a text:
/// the texts a subject made are forgotten with its arena).
const NON_ALLOCATING: &[Helper] = &[
    Helper::DecCmp,
    Helper::TextCmp,
    Helper::TextLen,
    Helper::Cmp,
    Helper::Contains,
    Helper::ContainsKept,
    Helper::Index,
    Helper::IntDiv,
    Helper::DateAdd,
    Helper::Calendar,
    Helper::DecRound,
    Helper::TextTest,
    Helper::ConstScope,
    Helper::ClearTemp,
    Helper::Mark,
    Helper::Release,
    Helper::Refuel,
    Helper::Ahead,
    Helper::Charge,
    Helper::OutOfMemory,
    Helper::FoldStart,
    Helper::FoldEnd,
];

fn int_like(t: &Type) -> bool {
    abi::int_like(t.strip_optional())
}

/// A loop's state: its accumulator (for a decimal sum, the inline word of
/// the sum or the handle of the helper's exact sum: [`abi::dec_sum_add`])
/// and its count of elements taken.
#[derive(Clone, Copy)]
struct FoldVars {
    acc: Variable,
    count: Variable,
}

/// What every clause of one loop shares while it is emitted.
struct LoopParts<'l> {
    kind: LoopKind,
    /// The type of the aggregated elements.
    elem_ty: &'l Type,
    /// The loop (none for a builtin aggregating a collection's elements).
    l: Option<&'l Loop>,
    vars: FoldVars,
    /// A list or set's block, or (`nested`) its growing buffer's handle.
    out: Option<CValue>,
    /// Where an `all`/`any` that stops early jumps (with 2 + its result).
    exit: Block,
    /// Whether the loop has more than one clause.
    nested: bool,
    /// The handle of the fold mark of a `min` or `max` whose elements are
    /// built in memory ([`abi::fold_step`]): the best so far is kept, the
    /// rest each iteration built is freed.
    best: Option<CValue>,
}

fn has_never(t: &Type) -> bool {
    match t {
        Type::Never => true,
        Type::List(x) | Type::Set(x) | Type::Optional(x) => has_never(x),
        _ => false,
    }
}

/// Whether evaluating `e` may count steps (`interp/budget.rs`): it holds a
/// loop, a `fold`, a keyed sort or grouping, or a call of a fn with
/// parameters or of a law. (Constants and parameterless fns are evaluated
/// in units of their own.) A memoised expression that takes none has
/// nothing to charge at its uses.
fn takes_steps(e: &Expr) -> bool {
    let here = match &e.kind {
        ExprKind::Loop(_) | ExprKind::Fold(_) | ExprKind::ByKey(_) | ExprKind::CallLaw(..) => true,
        ExprKind::CallFn(_, args) => !args.is_empty(),
        _ => false,
    };
    let mut inside = false;
    if !here {
        e.for_each_child(&mut |c| inside = inside || takes_steps(c));
    }
    here || inside
}

/// Whether evaluating `e` may count bytes of values built
/// (`interp/budget.rs`), or steps: a memoised expression that does neither
/// has nothing to charge at its uses.
fn takes_budget(e: &Expr) -> bool {
    takes_steps(e) || builds(e)
}

/// The most IR nodes of a fn body translated in place at its call sites.
const INLINE_NODES: usize = 24;

/// The most IR nodes of a law's statements that its bulk entry translates
/// in place; a larger law's bulk entry calls the law's own entry for each
/// subject (its work per subject dwarfs a call, and translating it twice
/// would cost more compile time than it saves run time).
const LAW_IN_PLACE_NODES: usize = 32;

/// The number of IR nodes in `e`, counting at most up to `limit`.
pub(super) fn nodes(e: &Expr, limit: usize) -> usize {
    fn count(e: &Expr, n: &mut usize, limit: usize) {
        *n += 1;
        if *n <= limit {
            e.for_each_child(&mut |c| count(c, n, limit));
        }
    }
    let mut n = 0;
    count(e, &mut n, limit);
    n
}

/// Whether a law's statements are small enough for its bulk entry to
/// translate them in place ([`LAW_IN_PLACE_NODES`]).
fn small_law(def: &polity_compiler::ir::LawDef) -> bool {
    let mut n = 0;
    for e in def.stmt_exprs() {
        n += nodes(e, LAW_IN_PLACE_NODES);
        if n > LAW_IN_PLACE_NODES {
            return false;
        }
    }
    true
}

/// The most IR nodes translated in place into one bulk entry, all inlined
/// bodies together (so that nested small fns cannot multiply).
const INLINE_BUDGET: usize = 256;

/// The size of a fn body in IR nodes, if it is small enough to translate in
/// place at its call sites.
fn small(body: &Expr) -> Option<usize> {
    let n = nodes(body, INLINE_NODES);
    (n <= INLINE_NODES).then_some(n)
}

/// Whether evaluating `e` can neither fault nor cost much, so that `a and e`
/// may evaluate it unconditionally (branch-free).
fn cannot_fail(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Lit(_) | ExprKind::Local(_) => true,
        ExprKind::Field(r, _) => cannot_fail(r),
        ExprKind::Unary(UnOp::Not, x) => cannot_fail(x),
        ExprKind::And(a, b) | ExprKind::Or(a, b) => cannot_fail(a) && cannot_fail(b),
        ExprKind::Binary(op, a, b) if op.is_comparison() => {
            int_like(&a.ty)
                && int_like(&b.ty)
                && !has_never(&a.ty)
                && cannot_fail(a)
                && cannot_fail(b)
        }
        _ => false,
    }
}

impl Fx<'_, '_> {
    fn func_ref(&mut self, id: FuncId) -> FuncRef {
        if let Some(r) = self.refs.get(&id) {
            return *r;
        }
        let r = self.shared.module.declare_func_in_func(id, self.b.func);
        self.refs.insert(id, r);
        r
    }

    /// The variable of slot `i`. A slot past the declared frame grows it, as
    /// the interpreter's frames do (an unbound slot reads as the zero word,
    /// which the frontend supplies for a use without a definition).
    fn var(&mut self, i: u32) -> Tr<Variable> {
        const MAX_SLOTS: usize = 1 << 16;
        let i = i as usize;
        if i >= MAX_SLOTS {
            return unsupported("a local past 65,536 slots");
        }
        while self.vars.len() <= i {
            let v = self.b.declare_var(I64);
            self.vars.push(v);
        }
        match self.vars.get(i) {
            Some(v) => Ok(*v),
            None => unsupported("a local outside the frame"),
        }
    }

    fn translate_body(&mut self, body: &Body<'_>, args: &[CValue]) -> Tr<()> {
        let params = args.get(1..).unwrap_or(&[]).to_vec();
        match body {
            Body::Fn(e, n, ret) => {
                for (i, a) in params.iter().take(*n).enumerate() {
                    let v = self.var(i as u32)?;
                    self.b.def_var(v, *a);
                }
                let r = self.translate_to(e, ret)?;
                self.ret(r);
            }
            Body::Collection(e) => {
                let r = self.translate_expr(e)?;
                self.ret(r);
            }
            Body::Thunk(i, e, ty) => self.translate_thunk(*i, e, ty, None)?,
            Body::Memo(i, e, ty) => {
                let Some(in_place) = params.first().copied() else {
                    return unsupported("a memoised expression without its mode");
                };
                self.translate_thunk(*i, e, ty, Some(in_place))?;
            }
            Body::Site(e, free) => {
                let Some(frame) = params.first().copied() else {
                    return unsupported("a site without its frame");
                };
                for (slot, _) in free.iter() {
                    let Some(offset) = slot.checked_mul(8).and_then(|o| i32::try_from(o).ok())
                    else {
                        return unsupported("a local past the frame");
                    };
                    let w = self
                        .b
                        .ins()
                        .load(I64, MemFlagsData::trusted(), frame, offset);
                    let v = self.var(*slot)?;
                    self.b.def_var(v, w);
                }
                let r = self.translate_to(e, &e.ty)?;
                self.ret(r);
            }
            Body::Law(def) => self.translate_law(def, &params)?,
            Body::Test(def) => self.translate_test(def)?,
        }
        Ok(())
    }

    /// A test's statements in order: `given` stores the value in the
    /// context's test state (and forgets memoised constants), `let` binds a
    /// slot, and a false `expect` returns its statement's index plus one.
    fn translate_test(&mut self, def: &TestDef) -> Tr<()> {
        for (k, stmt) in def.body.iter().enumerate() {
            match stmt {
                TestStmt::Given { state, value, .. } => {
                    let Some(def) = self.program.state.get(state.0 as usize) else {
                        return unsupported("an unknown state name");
                    };
                    let v = self.translate_to(value, &def.ty)?;
                    let id = self.iconst(i64::from(state.0));
                    self.call_helper(Helper::Give, &[id, v])?;
                }
                TestStmt::Let { local, value } => {
                    let v = self.translate_expr(value)?;
                    let var = self.var(local.0)?;
                    self.b.def_var(var, v);
                }
                TestStmt::Expect { cond, .. } => {
                    let holds = self.translate_expr(cond)?;
                    let (fail, next) = (self.b.create_block(), self.b.create_block());
                    self.b.ins().brif(holds, next, &[], fail, &[]);
                    self.b.switch_to_block(fail);
                    let index = self.iconst(k as i64 + 1);
                    self.ret(index);
                    self.b.switch_to_block(next);
                }
            }
        }
        let passed = self.iconst(0);
        self.ret(passed);
        Ok(())
    }

    fn ret(&mut self, v: CValue) {
        let z = self.b.ins().iconst(I64, 0);
        self.b.ins().return_(&[v, z]);
    }

    /// A constant or parameterless fn: the memo first; else evaluate it in the
    /// `keep` arena and memoise. A memoised state-only expression has the
    /// parameter `in_place` too ([`Body::Memo`]): when it is not zero, or
    /// when its memo says that its evaluation ran out of a budget in a unit
    /// of its own (status [`MEMO_EXHAUSTED`]), the expression is evaluated
    /// again in the caller's unit, with what the caller's budget has left,
    /// as the interpreter evaluates it in place: it then runs out where the
    /// interpreter does, and its fault is the caller's.
    fn translate_thunk(&mut self, i: u32, e: &Expr, ty: &Type, in_place: Option<CValue>) -> Tr<()> {
        let t = MemFlagsData::trusted();
        let memo = self.b.ins().load(I64, t, self.ctx, MEMO_OFFSET);
        let off = i64::from(i) * 16;
        let slot = self.b.ins().iadd_imm_s(memo, off);
        let status = self.b.ins().load(I64, t, slot, 0);
        let word = self.b.ins().load(I64, t, slot, 8);
        let (fresh, done, faulted, eval) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        // Whether this evaluation is in the caller's unit (memoising nothing).
        let placed = self.b.declare_var(I64);
        let z = self.b.ins().iconst(I64, 0);
        self.b.def_var(placed, z);
        let check = self.b.create_block();
        match in_place {
            Some(p) => {
                self.b.def_var(placed, p);
                self.b.ins().brif(p, eval, &[], check, &[]);
            }
            None => {
                self.b.ins().jump(check, &[]);
            }
        }
        self.b.switch_to_block(check);
        let is_new = self.b.ins().icmp_imm_s(IntCC::Equal, status, 0);
        let not_new = self.b.create_block();
        self.b.ins().brif(is_new, fresh, &[], not_new, &[]);
        self.b.switch_to_block(not_new);
        let is_ok = self.b.ins().icmp_imm_s(IntCC::Equal, status, 1);
        self.b.ins().brif(is_ok, done, &[], faulted, &[]);
        self.b.switch_to_block(done);
        self.ret(word);
        self.b.switch_to_block(faulted);
        // Evaluated in place again, from the start (a block after the
        // evaluation jumps here too).
        let again = in_place.map(|_| self.b.create_block());
        if let Some(again) = again {
            let exhausted = self
                .b
                .ins()
                .icmp_imm_s(IntCC::Equal, status, MEMO_EXHAUSTED);
            let give_up = self.b.create_block();
            self.b.ins().brif(exhausted, again, &[], give_up, &[]);
            self.b.switch_to_block(give_up);
        }
        self.b.ins().return_(&[z, word]);
        // Evaluate with faults caught here rather than in the shared fault block.
        self.b.switch_to_block(fresh);
        let scope = i64::from(i) << 1;
        self.helper(Helper::ConstScope, &[scope])?;
        self.b.def_var(placed, z);
        self.b.ins().jump(eval, &[]);
        self.b.switch_to_block(eval);
        let catch = self.b.create_block();
        self.b.append_block_param(catch, I64);
        let outer = std::mem::replace(&mut self.fault_block, catch);
        let v = self.translate_to(e, ty)?;
        self.fault_block = outer;
        if in_place.is_some() {
            let keep = self.b.create_block();
            let p = self.b.use_var(placed);
            let value = self.b.create_block();
            self.b.ins().brif(p, value, &[], keep, &[]);
            self.b.switch_to_block(value);
            self.ret(v);
            self.b.switch_to_block(keep);
        }
        self.helper(Helper::ConstScope, &[scope | 1])?;
        let one = self.b.ins().iconst(I64, 1);
        self.b.ins().store(t, one, slot, 0);
        self.b.ins().store(t, v, slot, 8);
        self.ret(v);
        self.b.switch_to_block(catch);
        let code = self.b.block_params(catch).first().copied().unwrap_or(z);
        if in_place.is_some() {
            let (fault, leave) = (self.b.create_block(), self.b.create_block());
            let p = self.b.use_var(placed);
            self.b.ins().brif(p, fault, &[], leave, &[]);
            self.b.switch_to_block(fault);
            self.b.ins().return_(&[z, code]);
            self.b.switch_to_block(leave);
        }
        // 1 when a memoised expression ran out of a budget of its own.
        let bail = self.helper(Helper::ConstScope, &[scope | 1])?;
        let bail_code = self.iconst(abi::BAIL);
        let code = self.b.ins().select(bail, bail_code, code);
        let (two, exhausted) = (self.iconst(2), self.iconst(MEMO_EXHAUSTED));
        let status = self.b.ins().select(bail, exhausted, two);
        self.b.ins().store(t, status, slot, 0);
        self.b.ins().store(t, code, slot, 8);
        if let Some(again) = again {
            let give_up = self.b.create_block();
            self.b.ins().brif(bail, again, &[], give_up, &[]);
            self.b.switch_to_block(give_up);
        }
        self.b.ins().return_(&[z, code]);
        if let Some(again) = again {
            self.b.switch_to_block(again);
            let one = self.iconst(1);
            self.b.def_var(placed, one);
            self.b.ins().jump(eval, &[]);
        }
        Ok(())
    }

    /// A law: every statement in order; a failed requirement writes 1 to its
    /// byte of `failed` (when not null) and clears the result.
    fn translate_law(&mut self, def: &polity_compiler::ir::LawDef, params: &[CValue]) -> Tr<()> {
        let (Some(subject), Some(failed)) = (params.first(), params.get(1)) else {
            return unsupported("law parameters");
        };
        let p = self.law_stmts(def, *subject, Some(*failed))?;
        self.ret(p);
        Ok(())
    }

    /// A law's statements for `subject`; the result is whether every
    /// requirement held. With `failed` (a pointer, maybe null at run time), a
    /// failed requirement writes 1 to its byte; without, the requirements'
    /// results are combined branch-free (every requirement is evaluated
    /// either way, as the interpreter does).
    fn law_stmts(
        &mut self,
        def: &polity_compiler::ir::LawDef,
        subject: CValue,
        failed: Option<CValue>,
    ) -> Tr<CValue> {
        if def.param.is_some() {
            let v = self.var(0)?;
            self.b.def_var(v, subject);
        }
        let one = self.b.ins().iconst(I64, 1);
        let zero = self.b.ins().iconst(I64, 0);
        let mut st = LawVars {
            passed: self.b.declare_var(I64),
            noted: def.may_note().then(|| self.b.declare_var(I64)),
            failed,
            index: 0,
        };
        self.b.def_var(st.passed, one);
        if let Some(noted) = st.noted {
            self.b.def_var(noted, zero);
        }
        self.stmts(&def.body, &mut st)?;
        let passed = self.b.use_var(st.passed);
        Ok(match st.noted {
            // passed | (passed & noted) << 1: 0 fail, 1 pass, 3 pass with notes.
            Some(noted) => {
                let noted = self.b.use_var(noted);
                let both = self.b.ins().band(passed, noted);
                let both = self.b.ins().ishl_imm_s(both, 1);
                self.b.ins().bor(passed, both)
            }
            None => passed,
        })
    }

    /// Statements of a law (or of a `when` block) into `st`.
    fn stmts(&mut self, stmts: &[polity_compiler::ir::LawStmt], st: &mut LawVars) -> Tr<()> {
        for stmt in stmts {
            match stmt {
                polity_compiler::ir::LawStmt::Let { local, value, .. } => {
                    let v = self.translate_expr(value)?;
                    let var = self.var(local.0)?;
                    self.b.def_var(var, v);
                }
                polity_compiler::ir::LawStmt::Require(r) => {
                    let mut holds = self.translate_expr(&r.cond)?;
                    for x in &r.exceptions {
                        holds = self.or_else(holds, &x.cond)?;
                    }
                    if r.advisory {
                        let Some(noted) = st.noted else {
                            return unsupported("advice in a law that cannot note");
                        };
                        let not = self.b.ins().bxor_imm_s(holds, 1);
                        let n = self.b.use_var(noted);
                        let n = self.b.ins().bor(n, not);
                        self.b.def_var(noted, n);
                        continue;
                    }
                    self.require(holds, st);
                }
                polity_compiler::ir::LawStmt::When(g) => {
                    let Some(noted) = st.noted else {
                        return unsupported("a guard in a law that cannot note");
                    };
                    let c = self.translate_expr(&g.cond)?;
                    let (inside, skip, after) = (
                        self.b.create_block(),
                        self.b.create_block(),
                        self.b.create_block(),
                    );
                    self.b.ins().brif(c, inside, &[], skip, &[]);
                    self.b.switch_to_block(skip);
                    let one = self.iconst(1);
                    self.b.def_var(noted, one);
                    self.b.ins().jump(after, &[]);
                    self.b.switch_to_block(inside);
                    self.stmts(&g.body, st)?;
                    self.b.ins().jump(after, &[]);
                    self.b.switch_to_block(after);
                }
            }
        }
        Ok(())
    }

    /// A requirement's result `holds`: with failed bytes, a failure writes
    /// its byte; without, results are combined branch-free.
    fn require(&mut self, holds: CValue, st: &mut LawVars) {
        let Some(failed) = st.failed else {
            let p = self.b.use_var(st.passed);
            let p = self.b.ins().band(p, holds);
            self.b.def_var(st.passed, p);
            return;
        };
        let (fail, next) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(holds, next, &[], fail, &[]);
        self.b.switch_to_block(fail);
        let zero = self.b.ins().iconst(I64, 0);
        self.b.def_var(st.passed, zero);
        let (write, after) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(failed, write, &[], after, &[]);
        self.b.switch_to_block(write);
        let byte = self.b.ins().iconst(types::I8, 1);
        self.b
            .ins()
            .store(MemFlagsData::trusted(), byte, failed, st.index);
        self.b.ins().jump(after, &[]);
        self.b.switch_to_block(after);
        self.b.ins().jump(next, &[]);
        self.b.switch_to_block(next);
        st.index += 1;
    }

    /// `holds or cond`, evaluating `cond` only when `holds` is false (or
    /// unconditionally, branch-free, when it cannot fail).
    fn or_else(&mut self, holds: CValue, cond: &Expr) -> Tr<CValue> {
        if cannot_fail(cond) {
            let c = self.translate_expr(cond)?;
            return Ok(self.b.ins().bor(holds, c));
        }
        let (rhs, join) = (self.b.create_block(), self.b.create_block());
        self.b.append_block_param(join, I64);
        // (The constant, not `holds`: its comparison then only branches.)
        let yes = self.iconst(1);
        self.b.ins().brif(holds, join, &[yes.into()], rhs, &[]);
        self.b.switch_to_block(rhs);
        let c = self.translate_expr(cond)?;
        self.b.ins().jump(join, &[c.into()]);
        self.b.switch_to_block(join);
        Ok(self.param(join))
    }

    fn param(&self, block: Block) -> CValue {
        self.b
            .block_params(block)
            .first()
            .copied()
            .unwrap_or(self.ctx)
    }

    /// Jumps to the fault block with `site << 3 | kind` when `cond` holds.
    fn fault_if(&mut self, cond: CValue, kind: i64, span: Span) {
        let site = self.shared.site(span);
        self.jump_to_fault_if(cond, |fx| fx.b.ins().iconst(I64, (site << 3) | kind));
    }

    /// Jumps to the fault block when `cond` holds, with the code `code`
    /// makes, through a cold block of its own that makes it and passes it
    /// on: a code given to the fault block on the branch itself is put in a
    /// register before the branch, every time it is not taken.
    fn jump_to_fault_if(&mut self, cond: CValue, code: impl FnOnce(&mut Self) -> CValue) {
        let (faults, next) = (self.b.create_block(), self.b.create_block());
        self.b.set_cold_block(faults);
        self.b.ins().brif(cond, faults, &[], next, &[]);
        self.b.switch_to_block(faults);
        let code = code(self);
        self.b.ins().jump(self.fault_block, &[code.into()]);
        self.b.switch_to_block(next);
    }

    /// Starts a unit (a subject of a bulk entry) with a full budget of
    /// steps, when the code counts steps, and of bytes, when it counts
    /// bytes. (The full budgets are fixed for the context's life: their
    /// loads are hoisted out of the bulk entry's loop.)
    fn start_unit(&mut self) {
        let t = MemFlagsData::trusted();
        if self.steps {
            let fuel = self.b.ins().load(I64, fixed(), self.ctx, FUEL0_OFFSET);
            let reserve = self.b.ins().load(I64, fixed(), self.ctx, RESERVE0_OFFSET);
            self.b.ins().store(t, fuel, self.ctx, FUEL_OFFSET);
            self.b.ins().store(t, reserve, self.ctx, RESERVE_OFFSET);
        }
        if self.bytes {
            let memory = self.b.ins().load(I64, fixed(), self.ctx, MEMORY0_OFFSET);
            self.b.ins().store(t, memory, self.ctx, MEMORY_OFFSET);
        }
    }

    /// Counts one step at `span` (a loop's iteration, a call: the points
    /// where the interpreter counts, `interp/budget.rs`): `fuel` counted
    /// down inline, the slow path ([`abi::refuel`]) when it goes below zero,
    /// which faults with `Limit` at `span` past the budget.
    /// Left uncounted where the code's steps are known to be covered
    /// ([`Fx::elide_steps`]).
    fn count_step(&mut self, span: Span) -> Tr<()> {
        self.fixed_steps = self.fixed_steps.map(|n| n.saturating_add(1));
        if self.elide_steps {
            return Ok(());
        }
        let one = self.iconst(1);
        self.emit_count(one, abi::LIMIT, span)
    }

    /// Counts one step of a loop's iteration at `span` ([`Fx::count_step`]).
    fn count_iteration(&mut self, span: Span) -> Tr<()> {
        self.fixed_steps = None;
        self.elide_unless_fixed()?;
        self.count_step(span)
    }

    /// Steps may be left uncounted only while [`Fx::fixed_steps`] bounds
    /// them: a pass that elides them and then counts something else is
    /// not the pass that measured them.
    fn elide_unless_fixed(&mut self) -> Tr<()> {
        if self.elide_steps {
            return unsupported("steps left uncounted where they are not bounded");
        }
        Ok(())
    }

    /// Counts `n` steps; past the budget, the fault `kind` at `span`.
    fn emit_count(&mut self, n: CValue, kind: i64, span: Span) -> Tr<()> {
        self.steps = true;
        let t = MemFlagsData::trusted();
        let fuel = self.b.ins().load(I64, t, self.ctx, FUEL_OFFSET);
        let left = self.b.ins().isub(fuel, n);
        self.b.ins().store(t, left, self.ctx, FUEL_OFFSET);
        let kind = self.iconst(kind);
        self.slow_if_negative(left, Helper::Refuel, &[kind], span)
    }

    /// A budget's counter after counting down (`left`): when below zero,
    /// the cold path calls `helper` with `args`, whose flag is a fault at
    /// `span`.
    fn slow_if_negative(
        &mut self,
        left: CValue,
        helper: Helper,
        args: &[CValue],
        span: Span,
    ) -> Tr<()> {
        let out = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, left, 0);
        let (slow, next) = (self.b.create_block(), self.b.create_block());
        self.b.set_cold_block(slow);
        self.b.ins().brif(out, slow, &[], next, &[]);
        self.b.switch_to_block(slow);
        self.flagged(helper, args, span)?;
        self.b.ins().jump(next, &[]);
        self.b.switch_to_block(next);
        Ok(())
    }

    /// The steps of a loop of `len` iterations at `span` whose body takes
    /// none, and which never stops early, counted before it runs: the same
    /// count as one per iteration, with one check. The result is the loop's
    /// bound: `len`, or, when the budget has fewer steps left
    /// ([`abi::ahead`]), that many, after which [`Fx::cut_short`] counts the
    /// next iteration's step, which runs out where the interpreter's does.
    /// A covered loop pays nothing per iteration for it, and one comparison
    /// after it.
    fn count_ahead(&mut self, len: CValue, span: Span) -> Tr<CValue> {
        self.fixed_steps = None;
        self.elide_unless_fixed()?;
        let t = MemFlagsData::trusted();
        let fuel = self.b.ins().load(I64, t, self.ctx, FUEL_OFFSET);
        let left = self.b.ins().isub(fuel, len);
        self.b.ins().store(t, left, self.ctx, FUEL_OFFSET);
        self.steps = true;
        let out = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, left, 0);
        let (slow, join) = (self.b.create_block(), self.b.create_block());
        self.b.append_block_param(join, I64);
        self.b.set_cold_block(slow);
        self.b.ins().brif(out, slow, &[], join, &[len.into()]);
        self.b.switch_to_block(slow);
        let covered = self.flagged(Helper::Ahead, &[len], span)?;
        self.b.ins().jump(join, &[covered.into()]);
        self.b.switch_to_block(join);
        Ok(self.param(join))
    }

    /// After a loop counted ahead over the block `src` that ran to `bound`
    /// of its iterations ([`Fx::count_ahead`]): when that was fewer than
    /// its length, the budget has no step left, and counting the next
    /// iteration's runs out. (The length is read again here rather than
    /// kept in a register through the loop.)
    fn cut_short(&mut self, bound: CValue, src: CValue, span: Span) -> Tr<()> {
        let len = self.b.ins().load(I64, MemFlagsData::trusted(), src, 0);
        let short = self.b.ins().icmp(IntCC::SignedLessThan, bound, len);
        let (count, next) = (self.b.create_block(), self.b.create_block());
        self.b.set_cold_block(count);
        self.b.ins().brif(short, count, &[], next, &[]);
        self.b.switch_to_block(count);
        self.count_step(span)?;
        self.b.ins().jump(next, &[]);
        self.b.switch_to_block(next);
        Ok(())
    }

    /// Counts `n` elements' (or fields') bytes of a value about to be built
    /// at `span` (`interp/budget.rs`): `memory` counted down inline, the
    /// slow path ([`abi::out_of_memory`]) when it goes below zero, which
    /// faults with `Limit` at `span`.
    fn count_elements(&mut self, n: usize, span: Span) -> Tr<()> {
        let bytes = crate::interp::elements(n);
        if bytes == 0 {
            return Ok(());
        }
        let Ok(bytes) = i64::try_from(bytes) else {
            return unsupported("a literal too large to count");
        };
        self.counts_bytes()?;
        let t = MemFlagsData::trusted();
        let memory = self.b.ins().load(I64, t, self.ctx, MEMORY_OFFSET);
        let left = self.b.ins().iadd_imm_s(memory, -bytes);
        self.b.ins().store(t, left, self.ctx, MEMORY_OFFSET);
        self.slow_if_negative(left, Helper::OutOfMemory, &[], span)
    }

    /// The code counts bytes of values built (so that a bulk entry resets
    /// the memory budget per subject), which [`Fx::fixed_steps`] does not
    /// bound.
    fn counts_bytes(&mut self) -> Tr<()> {
        self.bytes = true;
        self.fixed_steps = None;
        self.elide_unless_fixed()
    }

    /// Bails out (the interpreter decides) when `flag` is not zero.
    fn bail_if(&mut self, flag: CValue) {
        self.jump_to_fault_if(flag, |fx| fx.b.ins().iconst(I64, abi::BAIL));
    }

    /// Propagates a callee's fault code.
    fn check(&mut self, fault: CValue) {
        let next = self.b.create_block();
        self.b
            .ins()
            .brif(fault, self.fault_block, &[fault.into()], next, &[]);
        self.b.switch_to_block(next);
    }

    /// Calls a helper with immediate or value arguments after the context.
    fn helper(&mut self, name: Helper, imms: &[i64]) -> Tr<CValue> {
        let args: Vec<CValue> = imms.iter().map(|i| self.b.ins().iconst(I64, *i)).collect();
        self.call_helper(name, &args)
    }

    fn call_helper(&mut self, name: Helper, args: &[CValue]) -> Tr<CValue> {
        let Some(id) = self.shared.helpers.get(name as usize).copied() else {
            return unsupported("a helper not declared in the module");
        };
        if args.len() != name.arity() {
            return unsupported("a helper called with the wrong number of arguments");
        }
        self.allocates |= !NON_ALLOCATING.contains(&name);
        if COUNTS_BYTES.contains(&name) {
            self.counts_bytes()?;
        }
        let f = self.func_ref(id);
        let mut all = vec![self.ctx];
        all.extend_from_slice(args);
        let call = self.b.ins().call(f, &all);
        match self.b.inst_results(call).first() {
            Some(v) => Ok(*v),
            None => unsupported("a helper without a result"),
        }
    }

    /// Calls a fallible helper: its flag, when set, is a fault at `span`.
    fn flagged(&mut self, name: Helper, args: &[CValue], span: Span) -> Tr<CValue> {
        let r = self.call_helper(name, args)?;
        let flag = self
            .b
            .ins()
            .load(I64, MemFlagsData::trusted(), self.ctx, FLAG_OFFSET);
        let site = self.shared.site(span);
        self.jump_to_fault_if(flag, |fx| {
            let base = fx.b.ins().iconst(I64, site << 3);
            fx.b.ins().bor(base, flag)
        });
        Ok(r)
    }

    /// `v` of type `from` becomes a value of type `to`: when that makes an
    /// `Int` an `Int?` (or a `Duration` a `Duration?`), `i64::MIN` bails out
    /// to the interpreter (its word is `none`'s).
    fn flow(&mut self, v: CValue, from: &Type, to: &Type) {
        if ambiguous_optional(to) && !matches!(from, Type::Optional(_) | Type::Never) {
            let min = self.b.ins().icmp_imm_s(IntCC::Equal, v, i64::MIN);
            self.bail_if(min);
        }
    }

    /// Translates `e`, which becomes a value of type `to`.
    fn translate_to(&mut self, e: &Expr, to: &Type) -> Tr<CValue> {
        let v = self.translate_expr(e)?;
        self.flow(v, &e.ty, to);
        Ok(v)
    }

    /// Translates expressions that become values of the types `to`.
    fn translate_all_to<'t>(
        &mut self,
        es: &[Expr],
        mut to: impl Iterator<Item = &'t Type>,
    ) -> Tr<Vec<CValue>> {
        let mut out = Vec::with_capacity(es.len());
        for e in es {
            let v = self.translate_expr(e)?;
            if let Some(t) = to.next() {
                self.flow(v, &e.ty, t);
            }
            out.push(v);
        }
        Ok(out)
    }

    fn iconst(&mut self, n: i64) -> CValue {
        self.b.ins().iconst(I64, n)
    }

    fn bool_of(&mut self, c: CValue) -> CValue {
        self.b.ins().uextend(I64, c)
    }

    fn call_compiled(&mut self, id: Option<FuncId>, args: &[CValue]) -> Tr<CValue> {
        let [v, fault] = self.call_with(id, args)?;
        self.check(fault);
        Ok(v)
    }

    /// Why a call of fn `f` cannot be compiled: `f` was left to the
    /// interpreter, for the reason its own translation gave; when that was
    /// a fn it reaches in turn, the reason names that fn (so a chain of
    /// calls gives one short reason, not one nested per link).
    fn left_to_interpreter(&self, f: u32) -> Unsupported {
        let why = self
            .shared
            .fns_left
            .get(f as usize)
            .and_then(Option::as_deref);
        match why {
            Some(why) if why.starts_with(REACHES) => Unsupported(why.to_string()),
            _ => {
                let name = self
                    .program
                    .fns
                    .get(f as usize)
                    .map_or("?", |d| d.name.as_str());
                let why = why.unwrap_or("not compiled");
                Unsupported(format!(
                    "{REACHES}`{name}`, which runs in the interpreter: {why}"
                ))
            }
        }
    }

    /// A call's value and fault code, the fault not yet checked.
    fn call_with(&mut self, id: Option<FuncId>, args: &[CValue]) -> Tr<[CValue; 2]> {
        let Some(id) = id else {
            return unsupported("a call to something left to the interpreter");
        };
        self.allocates = true;
        // The callee counts what it takes against this unit's budgets.
        self.steps = true;
        self.counts_bytes()?;
        let f = self.func_ref(id);
        let mut all = vec![self.ctx];
        all.extend_from_slice(args);
        let call = self.b.ins().call(f, &all);
        let rs = self.b.inst_results(call).to_vec();
        let (Some(v), Some(fault)) = (rs.first().copied(), rs.get(1).copied()) else {
            return unsupported("a call without results");
        };
        Ok([v, fault])
    }

    /// A constant or parameterless fn (memo `slot`, compiled as `id`): its
    /// memoised value read inline when there is one, else a call of its thunk
    /// (which evaluates and memoises it, or returns its memoised fault). In a
    /// bulk entry there is no call: a memoised fault is this subject's fault,
    /// and a value not memoised yet stops the entry with code 0 (the host
    /// runs the subject through the law's own entry).
    fn memoised(&mut self, slot: u32, id: Option<FuncId>) -> Tr<CValue> {
        self.memoised_charged(slot, id, None)
    }

    /// The steps and bytes a memoised state-only expression (compiled as
    /// `id`) took, to its value or its fault, are the using unit's too, as
    /// in the interpreter, which evaluates it in place ([`abi::charge`]).
    /// When the unit has not that much left, the expression is evaluated
    /// again in place ([`Body::Memo`]), with what the unit has left, and
    /// runs out where the interpreter does; its value (if the deadline
    /// rather than the budget stopped the charge) goes to `join`. A bulk
    /// entry stops instead with code 0, and the law's own entry decides the
    /// subject so.
    fn charge(&mut self, slot: u32, id: FuncId, join: Block) -> Tr<()> {
        self.steps = true;
        self.counts_bytes()?;
        let unpaid = self.helper(Helper::Charge, &[i64::from(slot)])?;
        let (again, next) = (self.b.create_block(), self.b.create_block());
        self.b.set_cold_block(again);
        self.b.ins().brif(unpaid, again, &[], next, &[]);
        self.b.switch_to_block(again);
        if self.in_bulk {
            let zero = self.iconst(0);
            self.b.ins().jump(self.fault_block, &[zero.into()]);
        } else {
            let in_place = self.iconst(1);
            let v = self.call_compiled(Some(id), &[in_place])?;
            self.b.ins().jump(join, &[v.into()]);
        }
        self.b.switch_to_block(next);
        Ok(())
    }

    /// [`Fx::memoised`], or with `hoisted` a memoised state-only expression
    /// ([`Body::Memo`]), whose cost is charged at every use when `hoisted`
    /// is `Some(true)` ([`Fx::charge`]).
    fn memoised_charged(
        &mut self,
        slot: u32,
        id: Option<FuncId>,
        hoisted: Option<bool>,
    ) -> Tr<CValue> {
        let Some(fid) = id else {
            return self.call_compiled(id, &[]);
        };
        let charged = hoisted == Some(true);
        let memo = self.b.ins().load(I64, fixed(), self.ctx, MEMO_OFFSET);
        let at = self.b.ins().iadd_imm_s(memo, i64::from(slot) * 16);
        let status = self.b.ins().load(I64, MemFlagsData::trusted(), at, 0);
        let (hit, miss, join) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.append_block_param(join, I64);
        self.b.set_cold_block(miss);
        let known = self.b.ins().icmp_imm_s(IntCC::Equal, status, 1);
        self.b.ins().brif(known, hit, &[], miss, &[]);
        self.b.switch_to_block(hit);
        let w = self.b.ins().load(I64, MemFlagsData::trusted(), at, 8);
        if charged {
            self.charge(slot, fid, join)?;
        }
        self.b.ins().jump(join, &[w.into()]);
        self.b.switch_to_block(miss);
        if self.in_bulk {
            // (Not yet evaluated, or to be evaluated in place: code 0.)
            let faulted = self.b.ins().icmp_imm_s(IntCC::Equal, status, 2);
            let word = self.b.ins().load(I64, MemFlagsData::trusted(), at, 8);
            if charged {
                // A memoised fault is this subject's only if it gets there.
                let (fault, not_yet) = (self.b.create_block(), self.b.create_block());
                self.b.ins().brif(faulted, fault, &[], not_yet, &[]);
                self.b.switch_to_block(fault);
                self.charge(slot, fid, join)?;
                self.b.ins().jump(self.fault_block, &[word.into()]);
                self.b.switch_to_block(not_yet);
                let zero = self.iconst(0);
                self.b.ins().jump(self.fault_block, &[zero.into()]);
            } else {
                let zero = self.iconst(0);
                let code = self.b.ins().select(faulted, word, zero);
                self.b.ins().jump(self.fault_block, &[code.into()]);
            }
            self.b.switch_to_block(join);
            return Ok(self.param(join));
        }
        let allocates = self.allocates;
        // A memoised expression's thunk evaluates it from its memo (`in_place` 0).
        let args: Vec<CValue> = match hoisted {
            Some(_) => vec![self.iconst(0)],
            None => Vec::new(),
        };
        let v = if charged {
            let [v, fault] = self.call_with(id, &args)?;
            self.charge(slot, fid, join)?;
            self.check(fault);
            v
        } else {
            self.call_compiled(id, &args)?
        };
        self.allocates = allocates;
        self.b.ins().jump(join, &[v.into()]);
        self.b.switch_to_block(join);
        Ok(self.param(join))
    }

    /// A call of a small fn translated in place: its arguments `args`
    /// (already evaluated, in order, as for a call) bound to a fresh frame.
    /// Faults inside it jump to the caller's fault block with the same sites
    /// (spans and kinds) a call would have returned; the call-depth limit is
    /// checked statically over the call graph, so inlining does not change it.
    fn inline_fn(&mut self, def: &polity_compiler::ir::FnDef, args: &[CValue]) -> Tr<CValue> {
        let zero = self.iconst(0);
        let mut frame = Vec::new();
        for _ in 0..def.frame_size.max(1) {
            let v = self.b.declare_var(I64);
            self.b.def_var(v, zero);
            frame.push(v);
        }
        let outer = std::mem::replace(&mut self.vars, frame);
        let mut result = Ok(zero);
        for (i, a) in args.iter().take(def.params.len()).enumerate() {
            match self.var(i as u32) {
                Ok(v) => self.b.def_var(v, *a),
                Err(e) => result = Err(e),
            }
        }
        if result.is_ok() {
            result = self.translate_to(&def.body, &def.ret);
        }
        self.vars = outer;
        result
    }

    /// Whether a call of a fn with this body is translated in place (which
    /// then spends its size from the budget): only in a bulk entry, where
    /// the calls are per subject; elsewhere the larger code cost more
    /// compile time than it saved (Tidewater's check and JIT took 60 ms
    /// rather than 37).
    fn may_inline(&mut self, body: &Expr) -> bool {
        if !self.in_bulk {
            return false;
        }
        match small(body) {
            Some(n) if n <= self.inline_budget => {
                self.inline_budget -= n;
                true
            }
            _ => false,
        }
    }

    /// Translates `e`, growing the stack on demand: a body's expressions
    /// nest as deep as its chain of `let`s is long ([`Expr::for_each_child`]).
    fn translate_expr(&mut self, e: &Expr) -> Tr<CValue> {
        polity_compiler::ir::with_stack(|| self.translate_expr_here(e))
    }

    fn translate_expr_here(&mut self, e: &Expr) -> Tr<CValue> {
        if !representable(&e.ty) {
            return unsupported("a type without a word representation");
        }
        if !self.shared.memoised.is_empty() {
            if let Some(&(slot, id)) = self.shared.memoised.get(&std::ptr::from_ref(e)) {
                return self.memoised_charged(slot, Some(id), Some(takes_budget(e)));
            }
        }
        let v = self.translate_kind(e)?;
        // A form whose value is never `none` but which its context typed as an
        // optional (`none != -9223372036854775808`): `i64::MIN` is not `none`.
        let plain = match &e.kind {
            ExprKind::Lit(lit) => !matches!(lit, Lit::None),
            ExprKind::Unary(..) | ExprKind::Binary(..) => true,
            ExprKind::Builtin(b, _) => matches!(
                b,
                Builtin::Count
                    | Builtin::Sum(_)
                    | Builtin::Len
                    | Builtin::Floor
                    | Builtin::Ceil
                    | Builtin::Round
                    | Builtin::Abs(_)
                    | Builtin::Isqrt(_)
            ),
            _ => false,
        };
        if plain {
            self.flow(v, e.ty.strip_optional(), &e.ty);
        }
        Ok(v)
    }

    fn translate_kind(&mut self, e: &Expr) -> Tr<CValue> {
        match &e.kind {
            ExprKind::Lit(lit) => self.translate_lit(lit),
            ExprKind::Local(id) => {
                let v = self.var(id.0)?;
                Ok(self.b.use_var(v))
            }
            ExprKind::State(id) => self.translate_state(id.0, e.span),
            ExprKind::Const(id) => {
                let f = self.shared.consts.get(id.0 as usize).copied().flatten();
                self.memoised(id.0, f)
            }
            ExprKind::CallFn(f, args) => {
                let program = self.program;
                let def = program.fns.get(f.0 as usize);
                let params = def.map(|d| d.params.iter().map(|(_, t)| t));
                let vs = match params {
                    Some(ps) => self.translate_all_to(args, ps)?,
                    None => self.translate_all(args)?,
                };
                let id = self.shared.fns.get(f.0 as usize).copied().flatten();
                if id.is_none() {
                    return Err(self.left_to_interpreter(f.0));
                }
                match def {
                    Some(d) if d.params.is_empty() => {
                        let slot = (program.consts.len() as u32).saturating_add(f.0);
                        self.memoised(slot, id)
                    }
                    Some(d) if id.is_some() && self.may_inline(&d.body) => {
                        self.count_step(e.span)?;
                        self.inline_fn(d, &vs)
                    }
                    _ => {
                        self.count_step(e.span)?;
                        self.call_compiled(id, &vs)
                    }
                }
            }
            ExprKind::CallLaw(law, arg) => {
                let program = self.program;
                let param = program
                    .laws
                    .get(law.0 as usize)
                    .and_then(|l| l.param.as_ref());
                let subject = match (arg, param) {
                    (Some(a), Some(p)) => self.translate_to(a, &p.ty)?,
                    (Some(a), None) => self.translate_expr(a)?,
                    (None, _) => self.iconst(0),
                };
                let null = self.iconst(0);
                let f = self.shared.laws.get(law.0 as usize).copied().flatten();
                self.count_step(e.span)?;
                let r = self.call_compiled(f, &[subject, null])?;
                // A law that may note returns 3 for a pass with notes.
                Ok(match program.laws.get(law.0 as usize) {
                    Some(l) if l.may_note() => self.b.ins().band_imm_s(r, 1),
                    _ => r,
                })
            }
            ExprKind::Builtin(b, args) => self.translate_builtin(e, *b, args),
            ExprKind::Unary(op, x) => self.translate_unary(e, *op, x),
            ExprKind::Binary(op, a, b) => self.translate_binary(e, *op, a, b),
            ExprKind::And(a, b) => self.translate_logic(a, b, true),
            ExprKind::Or(a, b) => self.translate_logic(a, b, false),
            ExprKind::If(c, a, b) => self.translate_if(c, a, b, &e.ty),
            ExprKind::Match(x, arms) => self.translate_match(x, arms, &e.ty),
            ExprKind::Field(r, i) => {
                let r = self.translate_expr(r)?;
                Ok(self.load_field(r, *i))
            }
            ExprKind::OptField(r, i) => self.translate_opt_field(r, *i, &e.ty),
            ExprKind::Coalesce(a, b) => self.translate_coalesce(a, b, &e.ty),
            ExprKind::Record(r, fields) => {
                let program = self.program;
                let types = program.record(*r).map(|d| d.fields.iter().map(|f| &f.ty));
                let vs = match types {
                    Some(ts) => self.translate_all_to(fields, ts)?,
                    None => self.translate_all(fields)?,
                };
                self.count_elements(crate::interp::record_elements(vs.len()), e.span)?;
                self.block_of(&vs, false)
            }
            ExprKind::With(r, updates) => self.translate_with(e, r, updates),
            ExprKind::List(xs) => {
                let elem = e.ty.element().cloned().unwrap_or(Type::Never);
                let vs = self.translate_all_to(xs, std::iter::repeat(&elem))?;
                self.count_elements(vs.len(), e.span)?;
                self.block_of(&vs, true)
            }
            ExprKind::Set(xs) => {
                let elem = e.ty.element().cloned().unwrap_or(Type::Never);
                let vs = self.translate_all_to(xs, std::iter::repeat(&elem))?;
                self.count_elements(vs.len(), e.span)?;
                let list = self.block_of(&vs, true)?;
                let ty = self.shared.type_id(&e.ty);
                let ty = self.iconst(ty);
                self.call_helper(Helper::SetFrom, &[ty, list])
            }
            ExprKind::Loop(l) => self.translate_loop(e, l),
            ExprKind::Fold(f) => self.translate_fold(e, f),
            ExprKind::ByKey(k) => self.translate_by_key(e, k),
            ExprKind::In(x, xs) => {
                let elem = xs.ty.element().cloned().unwrap_or(Type::Never);
                let x = self.translate_to(x, &elem)?;
                let list = self.translate_expr(xs)?;
                if int_like(&elem) || elem == Type::Text {
                    return self.contains_words(xs, list, x, elem == Type::Text);
                }
                let ty = self.shared.type_id(&xs.ty);
                let ty = self.iconst(ty);
                self.call_helper(Helper::Contains, &[ty, list, x])
            }
            ExprKind::Index(xs, key) => {
                let list = self.translate_expr(xs)?;
                let k = self.translate_expr(key)?;
                let ty = self.shared.type_id(&xs.ty);
                let ty = self.iconst(ty);
                self.flagged(Helper::Index, &[ty, list, k], e.span)
            }
            ExprKind::Let(id, value, body) => {
                let v = self.translate_expr(value)?;
                let var = self.var(id.0)?;
                self.b.def_var(var, v);
                self.translate_expr(body)
            }
            ExprKind::IntToDec(x) => {
                // `n` is inline as `2 · n · 10^6 + 1` unless that overflows.
                let n = self.translate_expr(x)?;
                let scale = self.iconst(2 * DEC_SCALE);
                let (m, of) = self.b.ins().smul_overflow(n, scale);
                let fast = self.b.ins().iadd_imm_s(m, 1);
                let ok = self.b.ins().bxor_imm_s(of, 1);
                self.either(ok, fast, |t| t.call_helper(Helper::DecFromInt, &[n]))
            }
        }
    }

    /// `x in xs` for elements whose words are equal exactly when the values
    /// are (integers, enums, dates, texts): an inline scan.
    /// `x in xs` on words compared by equality: over a state-only list or
    /// set (closed: the same value wherever it is evaluated), through the
    /// helper that sorts its words once it is tested repeatedly
    /// (`abi/members.rs`; a set of texts is in the texts' order, not their
    /// words'); else a scan (a record's own short list or set, a literal).
    fn contains_words(&mut self, xs: &Expr, list: CValue, x: CValue, texts: bool) -> Tr<CValue> {
        let literal = matches!(xs.kind, ExprKind::List(_) | ExprKind::Set(_));
        if literal || !super::hoist::free_locals(xs).is_empty() {
            return Ok(self.scan(list, x));
        }
        let site = i64::from(self.shared.kept_lists) << 1 | i64::from(texts);
        self.shared.kept_lists = self.shared.kept_lists.saturating_add(1);
        let site = self.iconst(site);
        self.call_helper(Helper::ContainsKept, &[site, list, x])
    }

    /// Whether `x` is among the words of `list`: a scan that stops at
    /// the first equal word, and holds where it stopped before the end
    /// (one index leaves the loop, not a constant per way out).
    fn scan(&mut self, list: CValue, x: CValue) -> CValue {
        let len = self.b.ins().load(I64, MemFlagsData::trusted(), list, 0);
        let (header, body, exit) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.append_block_param(header, I64);
        self.b.append_block_param(exit, I64);
        let zero = self.iconst(0);
        self.b.ins().jump(header, &[zero.into()]);
        self.b.switch_to_block(header);
        let i = self.param(header);
        let done = self.b.ins().icmp(IntCC::SignedGreaterThanOrEqual, i, len);
        self.b.ins().brif(done, exit, &[i.into()], body, &[]);
        self.b.switch_to_block(body);
        let off = self.b.ins().ishl_imm_s(i, 3);
        let addr = self.b.ins().iadd(list, off);
        let y = self.b.ins().load(I64, MemFlagsData::trusted(), addr, 8);
        let hit = self.b.ins().icmp(IntCC::Equal, x, y);
        let next = self.b.ins().iadd_imm_s(i, 1);
        let cont = self.b.create_block();
        self.b.ins().brif(hit, exit, &[i.into()], cont, &[]);
        self.b.switch_to_block(cont);
        self.b.ins().jump(header, &[next.into()]);
        self.b.switch_to_block(exit);
        let at = self.param(exit);
        let found = self.b.ins().icmp(IntCC::SignedLessThan, at, len);
        self.bool_of(found)
    }

    fn translate_all(&mut self, es: &[Expr]) -> Tr<Vec<CValue>> {
        es.iter().map(|e| self.translate_expr(e)).collect()
    }

    fn translate_lit(&mut self, lit: &Lit) -> Tr<CValue> {
        let w = match lit {
            Lit::Bool(b) => i64::from(*b),
            Lit::Int(n) | Lit::Date(n) | Lit::Duration(n) | Lit::Period(n) | Lit::Instant(n) => *n,
            Lit::Dec(d) => match inline_dec(*d) {
                Some(w) => w,
                None => {
                    let cell = Box::new(*d);
                    let addr = &*cell as *const Dec as i64;
                    self.shared.decs.push(cell);
                    addr
                }
            },
            Lit::Text(s) => self.shared.texts.intern(s),
            Lit::None => NONE_WORD,
            Lit::Enum(_, i) => i64::from(*i),
        };
        Ok(self.iconst(w))
    }

    fn translate_state(&mut self, id: u32, span: Span) -> Tr<CValue> {
        let st = self.b.ins().load(I64, fixed(), self.ctx, STATE_OFFSET);
        let off = i32::try_from(id).ok().and_then(|i| i.checked_mul(16));
        let Some(off) = off else {
            return unsupported("too many state names");
        };
        let flags = if self.in_bulk {
            fixed()
        } else {
            MemFlagsData::trusted()
        };
        let present = self.b.ins().load(I64, flags, st, off);
        let missing = self.b.ins().icmp_imm_s(IntCC::Equal, present, 0);
        self.fault_if(missing, abi::MISSING, span);
        Ok(self.b.ins().load(I64, flags, st, off + 8))
    }

    fn load_field(&mut self, r: CValue, i: u32) -> CValue {
        let off = i32::try_from(i).unwrap_or(0).saturating_mul(8);
        self.b.ins().load(I64, MemFlagsData::trusted(), r, off)
    }

    /// A new block holding `vs` (after its length when `list`).
    fn block_of(&mut self, vs: &[CValue], list: bool) -> Tr<CValue> {
        let skip = usize::from(list);
        let n = self.iconst((vs.len() + skip) as i64);
        let p = self.call_helper(Helper::Alloc, &[n])?;
        if list {
            let len = self.iconst(vs.len() as i64);
            self.b.ins().store(MemFlagsData::trusted(), len, p, 0);
        }
        for (i, v) in vs.iter().enumerate() {
            let off = i32::try_from((i + skip) * 8).unwrap_or(0);
            self.b.ins().store(MemFlagsData::trusted(), *v, p, off);
        }
        Ok(p)
    }

    fn translate_with(&mut self, e: &Expr, r: &Expr, updates: &[(u32, Expr)]) -> Tr<CValue> {
        let n = match &r.ty {
            Type::Record(id) => self.program.record(*id).map_or(0, |d| d.fields.len()),
            _ => return unsupported("`with` on a non-record"),
        };
        let src = self.translate_expr(r)?;
        let mut fields: Vec<CValue> = (0..n as u32).map(|i| self.load_field(src, i)).collect();
        let types: Vec<Type> = match &r.ty {
            Type::Record(id) => self
                .program
                .record(*id)
                .map(|d| d.fields.iter().map(|f| f.ty.clone()).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        for (i, value) in updates {
            let to = types.get(*i as usize).cloned().unwrap_or(Type::Never);
            let v = self.translate_to(value, &to)?;
            match fields.get_mut(*i as usize) {
                Some(slot) => *slot = v,
                None => return unsupported("`with` on a missing field"),
            }
        }
        self.count_elements(crate::interp::record_elements(fields.len()), e.span)?;
        self.block_of(&fields, false)
    }

    fn translate_logic(&mut self, a: &Expr, b: &Expr, and: bool) -> Tr<CValue> {
        let x = self.translate_expr(a)?;
        if cannot_fail(b) {
            let y = self.translate_expr(b)?;
            return Ok(if and {
                self.b.ins().band(x, y)
            } else {
                self.b.ins().bor(x, y)
            });
        }
        let (rhs, join) = (self.b.create_block(), self.b.create_block());
        self.b.append_block_param(join, I64);
        // Where `a` decides, it is 0 (`and`) or 1 (`or`): the join is given
        // the constant, so that `a`'s comparison only branches.
        if and {
            let no = self.iconst(0);
            self.b.ins().brif(x, rhs, &[], join, &[no.into()]);
        } else {
            let yes = self.iconst(1);
            self.b.ins().brif(x, join, &[yes.into()], rhs, &[]);
        }
        self.b.switch_to_block(rhs);
        let y = self.translate_expr(b)?;
        self.b.ins().jump(join, &[y.into()]);
        self.b.switch_to_block(join);
        Ok(self.param(join))
    }

    fn translate_if(&mut self, c: &Expr, a: &Expr, b: &Expr, to: &Type) -> Tr<CValue> {
        let c = self.translate_expr(c)?;
        let (then, other, join) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.append_block_param(join, I64);
        self.b.ins().brif(c, then, &[], other, &[]);
        self.b.switch_to_block(then);
        let x = self.translate_to(a, to)?;
        self.b.ins().jump(join, &[x.into()]);
        self.b.switch_to_block(other);
        let y = self.translate_to(b, to)?;
        self.b.ins().jump(join, &[y.into()]);
        self.b.switch_to_block(join);
        Ok(self.param(join))
    }

    fn translate_match(&mut self, x: &Expr, arms: &[Arm], to: &Type) -> Tr<CValue> {
        let v = self.translate_expr(x)?;
        let join = self.b.create_block();
        self.b.append_block_param(join, I64);
        for arm in arms {
            let test = match arm.pattern {
                Pattern::Case(i) => Some(i64::from(i)),
                Pattern::Bool(b) => Some(i64::from(b)),
                Pattern::None => Some(NONE_WORD),
                Pattern::Wildcard => None,
                // A present optional's word is its value's word.
                Pattern::Some(slot) => {
                    let hit = self.b.ins().icmp_imm_s(IntCC::NotEqual, v, NONE_WORD);
                    let (body, next) = (self.b.create_block(), self.b.create_block());
                    self.b.ins().brif(hit, body, &[], next, &[]);
                    self.b.switch_to_block(body);
                    let var = self.var(slot.0)?;
                    self.b.def_var(var, v);
                    let r = self.translate_to(&arm.body, to)?;
                    self.b.ins().jump(join, &[r.into()]);
                    self.b.switch_to_block(next);
                    continue;
                }
            };
            let Some(test) = test else {
                let r = self.translate_to(&arm.body, to)?;
                self.b.ins().jump(join, &[r.into()]);
                self.b.switch_to_block(join);
                return Ok(self.param(join));
            };
            let hit = self.b.ins().icmp_imm_s(IntCC::Equal, v, test);
            let (body, next) = (self.b.create_block(), self.b.create_block());
            self.b.ins().brif(hit, body, &[], next, &[]);
            self.b.switch_to_block(body);
            let r = self.translate_to(&arm.body, to)?;
            self.b.ins().jump(join, &[r.into()]);
            self.b.switch_to_block(next);
        }
        // Exhaustive: unreachable for checked IR; yield none rather than trap.
        let none = self.iconst(NONE_WORD);
        self.b.ins().jump(join, &[none.into()]);
        self.b.switch_to_block(join);
        Ok(self.param(join))
    }

    /// `r?.field`: `none` when `r` is, else the field, of type `ty` (the
    /// field's type made optional, which may make an `Int` an `Int?`).
    fn translate_opt_field(&mut self, r: &Expr, i: u32, ty: &Type) -> Tr<CValue> {
        let v = self.translate_expr(r)?;
        let field_ty = match r.ty.strip_optional() {
            Type::Record(id) => self
                .program
                .record(*id)
                .and_then(|d| d.fields.get(i as usize))
                .map(|f| f.ty.clone()),
            _ => None,
        };
        let (load, join) = (self.b.create_block(), self.b.create_block());
        self.b.append_block_param(join, I64);
        let none = self.b.ins().icmp_imm_s(IntCC::Equal, v, NONE_WORD);
        self.b.ins().brif(none, join, &[v.into()], load, &[]);
        self.b.switch_to_block(load);
        let f = self.load_field(v, i);
        match &field_ty {
            Some(from) => self.flow(f, from, ty),
            None => return unsupported("a field of something not a record"),
        }
        self.b.ins().jump(join, &[f.into()]);
        self.b.switch_to_block(join);
        Ok(self.param(join))
    }

    fn translate_coalesce(&mut self, a: &Expr, b: &Expr, to: &Type) -> Tr<CValue> {
        let v = self.translate_expr(a)?;
        let (other, join) = (self.b.create_block(), self.b.create_block());
        self.b.append_block_param(join, I64);
        let none = self.b.ins().icmp_imm_s(IntCC::Equal, v, NONE_WORD);
        self.b.ins().brif(none, other, &[], join, &[v.into()]);
        self.b.switch_to_block(other);
        let y = self.translate_to(b, to)?;
        self.b.ins().jump(join, &[y.into()]);
        self.b.switch_to_block(join);
        Ok(self.param(join))
    }

    fn translate_unary(&mut self, e: &Expr, op: UnOp, x: &Expr) -> Tr<CValue> {
        let v = self.translate_expr(x)?;
        match op {
            UnOp::Not => Ok(self.b.ins().bxor_imm_s(v, 1)),
            UnOp::Neg(Num::Dec) => {
                let z = self.iconst(0);
                self.flagged(Helper::DecUn, &[z, v], e.span)
            }
            UnOp::Neg(_) => {
                let min = self.b.ins().icmp_imm_s(IntCC::Equal, v, i64::MIN);
                self.fault_if(min, abi::OVERFLOW, e.span);
                Ok(self.b.ins().ineg(v))
            }
        }
    }

    /// `a + b` etc. on i64 with the overflow flag.
    fn checked(&mut self, op: BinOp, a: CValue, b: CValue, span: Span) -> CValue {
        let (r, of) = match op {
            BinOp::Add(_) => self.b.ins().sadd_overflow(a, b),
            BinOp::Sub(_) => self.b.ins().ssub_overflow(a, b),
            _ => {
                if let Some(r) = self.times_constant(a, b, span) {
                    return r;
                }
                self.b.ins().smul_overflow(a, b)
            }
        };
        self.fault_if(of, abi::OVERFLOW, span);
        r
    }

    /// `a * b` with an overflow fault, when one side is a constant above 1
    /// (`days * 86_400` in a date's difference): the product overflows
    /// exactly when the other side is outside `[MIN / c, MAX / c]`, one
    /// unsigned comparison, and the multiplication is then the plain
    /// one. (The multiplication that sets the overflow flag takes the two
    /// registers of a widening product on x86-64, which a loop over
    /// subjects then spills around.)
    fn times_constant(&mut self, a: CValue, b: CValue, span: Span) -> Option<CValue> {
        let (x, c) = match (self.constant(a), self.constant(b)) {
            (_, Some(c)) if c > 1 => (a, c),
            (Some(c), _) if c > 1 => (b, c),
            _ => return None,
        };
        let (lo, hi) = (i64::MIN / c, i64::MAX / c);
        let width = hi.checked_sub(lo)?;
        let from_lo = self.b.ins().iadd_imm_s(x, lo.checked_neg()?);
        let out = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedGreaterThan, from_lo, width);
        self.fault_if(out, abi::OVERFLOW, span);
        Some(self.b.ins().imul_imm_s(x, c))
    }

    /// The value of `v` when it is an integer constant.
    fn constant(&self, v: CValue) -> Option<i64> {
        let inst = self.b.func.dfg.value_def(v).inst()?;
        match self.b.func.dfg.insts[inst] {
            InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm,
            } => Some(imm.bits()),
            _ => None,
        }
    }

    fn translate_binary(&mut self, e: &Expr, op: BinOp, a: &Expr, b: &Expr) -> Tr<CValue> {
        let x = self.translate_expr(a)?;
        let y = self.translate_expr(b)?;
        let s = e.span;
        match op {
            BinOp::Add(Num::Dec) => self.dec_bin(0, x, y, s),
            BinOp::Sub(Num::Dec) => self.dec_bin(1, x, y, s),
            BinOp::Mul(Num::Dec) => self.dec_bin(2, x, y, s),
            BinOp::Div => self.dec_bin(3, x, y, s),
            BinOp::Add(_)
            | BinOp::Sub(_)
            | BinOp::Mul(_)
            | BinOp::MulDurInt
            | BinOp::MulPeriodInt => Ok(self.checked(op, x, y, s)),
            BinOp::InstantSubInstant => Ok(self.checked(BinOp::Sub(Num::Duration), x, y, s)),
            // Days apart, in seconds: inline, as `now - m.joined` runs per subject.
            BinOp::DateSubDate => {
                let days = self.checked(BinOp::Sub(Num::Int), x, y, s);
                let day = self.iconst(polity_compiler::num::DAY);
                Ok(self.checked(BinOp::Mul(Num::Duration), days, day, s))
            }
            BinOp::DivDur => self.flagged(Helper::DecRatio, &[x, y], s),
            BinOp::DecDiv | BinOp::DecMod => {
                let which = i64::from(op == BinOp::DecMod);
                self.num_op(which, &[x, y], s)
            }
            BinOp::IntDiv | BinOp::IntMod => {
                let which = self.iconst(i64::from(op == BinOp::IntMod));
                self.flagged(Helper::IntDiv, &[which, x, y], s)
            }
            BinOp::DateAddDur
            | BinOp::DateSubDur
            | BinOp::DateAddPeriod
            | BinOp::DateSubPeriod
            | BinOp::InstantAddDur
            | BinOp::InstantSubDur
            | BinOp::InstantAddPeriod
            | BinOp::InstantSubPeriod => {
                let Some(which) = abi::TIME_OPS.iter().position(|o| *o == op) else {
                    return unsupported("an operator on dates without a helper");
                };
                let which = self.iconst(which as i64);
                self.flagged(Helper::DateAdd, &[which, x, y], s)
            }
            BinOp::Concat => self.flagged(Helper::Concat, &[x, y], s),
            BinOp::ListConcat => self.flagged(Helper::ListConcat, &[x, y], s),
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.flow(x, &a.ty, &b.ty);
                self.flow(y, &b.ty, &a.ty);
                let ty = if has_never(&a.ty) { &b.ty } else { &a.ty };
                self.compare(op, ty, x, y)
            }
        }
    }

    /// One of [`abi::num_op`]'s operations on up to three words.
    fn num_op(&mut self, which: i64, args: &[CValue], span: Span) -> Tr<CValue> {
        let mut all = vec![self.iconst(which)];
        for i in 0..3 {
            let v = match args.get(i) {
                Some(v) => *v,
                None => self.iconst(0),
            };
            all.push(v);
        }
        self.flagged(Helper::NumOp, &all, span)
    }

    /// A decimal operation: `+` and `-` of two inline words whose result is
    /// inline are integer operations on the words; the rest is the helper's.
    fn dec_bin(&mut self, op: i64, x: CValue, y: CValue, span: Span) -> Tr<CValue> {
        let slow = |t: &mut Self| {
            let op = t.iconst(op);
            t.flagged(Helper::DecBin, &[op, x, y], span)
        };
        let (fast, of) = match op {
            // (2a + 1) - 1 + (2b + 1) = 2(a + b) + 1
            0 => {
                let x1 = self.b.ins().iadd_imm_s(x, -1);
                self.b.ins().sadd_overflow(x1, y)
            }
            // (2a + 1) - (2b + 1) + 1 = 2(a - b) + 1; the difference is even,
            // so adding one cannot overflow.
            1 => {
                let (d, of) = self.b.ins().ssub_overflow(x, y);
                (self.b.ins().iadd_imm_s(d, 1), of)
            }
            _ => return slow(self),
        };
        // Overflow is exactly a result outside the inline range.
        let inline = self.both_inline(x, y);
        let of = self.bool_of(of);
        let ok = self.b.ins().band_not(inline, of);
        self.either(ok, fast, slow)
    }

    /// 1 when the decimal words `x` and `y` are both inline, else 0.
    fn both_inline(&mut self, x: CValue, y: CValue) -> CValue {
        let both = self.b.ins().band(x, y);
        self.b.ins().band_imm_s(both, 1)
    }

    /// `fast` where `ok` (an integer) is non-zero; otherwise the value that
    /// `slow` computes in a cold block of its own.
    fn either(
        &mut self,
        ok: CValue,
        fast: CValue,
        slow: impl FnOnce(&mut Self) -> Tr<CValue>,
    ) -> Tr<CValue> {
        let (cold, join) = (self.b.create_block(), self.b.create_block());
        self.b.set_cold_block(cold);
        self.b.append_block_param(join, I64);
        self.b.ins().brif(ok, join, &[fast.into()], cold, &[]);
        self.b.switch_to_block(cold);
        let v = slow(self)?;
        self.b.ins().jump(join, &[v.into()]);
        self.b.switch_to_block(join);
        Ok(self.param(join))
    }

    fn cc(op: BinOp) -> IntCC {
        match op {
            BinOp::Eq => IntCC::Equal,
            BinOp::Ne => IntCC::NotEqual,
            BinOp::Lt => IntCC::SignedLessThan,
            BinOp::Le => IntCC::SignedLessThanOrEqual,
            BinOp::Gt => IntCC::SignedGreaterThan,
            _ => IntCC::SignedGreaterThanOrEqual,
        }
    }

    /// `x op y` for values of type `ty`: integer compares where the words are
    /// ordered like the values, a helper's -1/0/1 otherwise.
    fn compare(&mut self, op: BinOp, ty: &Type, x: CValue, y: CValue) -> Tr<CValue> {
        let words_order = int_like(ty);
        let words_equal = words_order || *ty.strip_optional() == Type::Text;
        let direct = words_order || (words_equal && matches!(op, BinOp::Eq | BinOp::Ne));
        if direct {
            let c = self.b.ins().icmp(Self::cc(op), x, y);
            return Ok(self.bool_of(c));
        }
        let slow = |t: &mut Self| {
            let r = t.cmp_words(ty, x, y)?;
            let c = t.b.ins().icmp_imm_s(Self::cc(op), r, 0);
            Ok(t.bool_of(c))
        };
        if *ty.strip_optional() != Type::Decimal {
            return slow(self);
        }
        // Inline decimal words are ordered as their decimals (and `none` is
        // never inline).
        let c = self.b.ins().icmp(Self::cc(op), x, y);
        let fast = self.bool_of(c);
        let ok = self.both_inline(x, y);
        self.either(ok, fast, slow)
    }

    fn cmp_words(&mut self, ty: &Type, x: CValue, y: CValue) -> Tr<CValue> {
        match ty {
            Type::Decimal => self.call_helper(Helper::DecCmp, &[x, y]),
            Type::Text => self.call_helper(Helper::TextCmp, &[x, y]),
            _ => {
                let id = self.shared.type_id(ty);
                let id = self.iconst(id);
                self.call_helper(Helper::Cmp, &[id, x, y])
            }
        }
    }

    fn translate_builtin(&mut self, e: &Expr, b: Builtin, args: &[Expr]) -> Tr<CValue> {
        let vs = self.translate_all(args)?;
        let (Some(x), Some(first)) = (vs.first().copied(), args.first()) else {
            return unsupported("a builtin without arguments");
        };
        let s = e.span;
        match b {
            Builtin::Count => Ok(self.b.ins().load(I64, MemFlagsData::trusted(), x, 0)),
            Builtin::Len if first.ty == Type::Text => self.call_helper(Helper::TextLen, &[x]),
            Builtin::Len => Ok(self.b.ins().load(I64, MemFlagsData::trusted(), x, 0)),
            Builtin::Calendar(c) => {
                let Some(which) = Calendar::ALL.iter().position(|k| *k == c) else {
                    return unsupported("an unknown calendar builtin");
                };
                let of = if first.ty == Type::Instant {
                    abi::OF_INSTANT
                } else {
                    0
                };
                let which = self.iconst(which as i64 | of);
                self.call_helper(Helper::Calendar, &[which, x])
            }
            Builtin::InstantOf | Builtin::DateOf => {
                let which = if b == Builtin::InstantOf {
                    abi::INSTANT_OF
                } else {
                    abi::DATE_OF
                };
                let which = self.iconst(which);
                self.call_helper(Helper::Calendar, &[which, x])
            }
            Builtin::Sum(_) | Builtin::Min | Builtin::Max | Builtin::All | Builtin::Any => {
                let kind = match b {
                    Builtin::Sum(n) => LoopKind::Sum(n),
                    Builtin::Min => LoopKind::Min,
                    Builtin::Max => LoopKind::Max,
                    Builtin::All => LoopKind::All,
                    _ => LoopKind::Any,
                };
                let elem = first.ty.element().cloned().unwrap_or(Type::Never);
                self.aggregate(e, kind, x, &elem, None)
            }
            Builtin::MinOf | Builtin::MaxOf => {
                let mut best = x;
                for v in vs.iter().skip(1) {
                    let op = if b == Builtin::MinOf {
                        BinOp::Lt
                    } else {
                        BinOp::Gt
                    };
                    let better = self.compare(op, &e.ty, *v, best)?;
                    best = self.b.ins().select(better, *v, best);
                }
                Ok(best)
            }
            Builtin::First => Ok(self.end(e, first, x, false)),
            Builtin::Sorted => {
                let ty = self.shared.type_id(&first.ty);
                let ty = self.iconst(ty);
                self.flagged(Helper::Sorted, &[ty, x], s)
            }
            Builtin::Range => {
                let Some(y) = vs.get(1).copied() else {
                    return unsupported("`range` without two arguments");
                };
                self.flagged(Helper::Range, &[x, y], s)
            }
            Builtin::Floor | Builtin::Ceil | Builtin::Round => {
                let mode = match b {
                    Builtin::Floor => 0,
                    Builtin::Ceil => 1,
                    _ => 2,
                };
                let mode = self.iconst(mode);
                self.flagged(Helper::DecRound, &[mode, x], s)
            }
            Builtin::Isqrt(Num::Int) => self.num_op(2, &vs, s),
            Builtin::Isqrt(_) => self.num_op(3, &vs, s),
            Builtin::Sqrt => self.num_op(4, &vs, s),
            Builtin::MulDiv => self.num_op(5, &vs, s),
            Builtin::Pow => self.num_op(6, &vs, s),
            Builtin::RoundTo(mode) => {
                let i = RoundMode::ALL.iter().position(|m| *m == mode);
                let i = i64::try_from(i.unwrap_or(0)).unwrap_or(0);
                self.num_op(abi::ROUND_TO + i, &vs, s)
            }
            Builtin::Text => {
                let ty = self.shared.type_id(&first.ty);
                let ty = self.iconst(ty);
                self.flagged(Helper::ToText, &[ty, x], s)
            }
            Builtin::Lower | Builtin::Upper => {
                let op = self.iconst(i64::from(b == Builtin::Upper));
                self.flagged(Helper::TextCase, &[op, x], s)
            }
            Builtin::Contains | Builtin::StartsWith | Builtin::EndsWith => {
                let Some(y) = vs.get(1).copied() else {
                    return unsupported("a text test without two arguments");
                };
                let op = match b {
                    Builtin::Contains => 0,
                    Builtin::StartsWith => 1,
                    _ => 2,
                };
                let op = self.iconst(op);
                self.call_helper(Helper::TextTest, &[op, x, y])
            }
            Builtin::Abs(Num::Dec) => {
                let one = self.iconst(1);
                self.flagged(Helper::DecUn, &[one, x], s)
            }
            Builtin::Abs(_) => {
                let min = self.b.ins().icmp_imm_s(IntCC::Equal, x, i64::MIN);
                self.fault_if(min, abi::OVERFLOW, s);
                let neg = self.b.ins().ineg(x);
                let is_neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, x, 0);
                Ok(self.b.ins().select(is_neg, neg, x))
            }
            _ if b.is_whole_collection() => self.translate_whole(e, b, first, &vs),
            _ => unsupported("an unknown builtin"),
        }
    }

    /// The built-ins over whole collections: `vs` are the translated
    /// arguments, `first` the first one's expression.
    fn translate_whole(&mut self, e: &Expr, b: Builtin, first: &Expr, vs: &[CValue]) -> Tr<CValue> {
        let (Some(x), y) = (vs.first().copied(), vs.get(1).copied()) else {
            return unsupported("a collection builtin without arguments");
        };
        let y = match y {
            Some(y) => y,
            None => self.iconst(0),
        };
        let s = e.span;
        let op = match b {
            Builtin::Union => 0,
            Builtin::Intersection => 1,
            Builtin::Difference => 2,
            Builtin::Distinct => 3,
            Builtin::Take | Builtin::Drop => {
                let which = self.iconst(i64::from(b == Builtin::Drop));
                return self.flagged(Helper::TakeDrop, &[which, x, y], s);
            }
            Builtin::Flatten => return self.flagged(Helper::Flatten, &[x], s),
            Builtin::Last => return Ok(self.end(e, first, x, true)),
            _ => return Ok(self.at(x, y, s)),
        };
        let ty = self.shared.type_id(&first.ty);
        let (op, ty) = (self.iconst(op), self.iconst(ty));
        self.flagged(Helper::Whole, &[op, ty, x, y], s)
    }

    /// `first(xs)` or (`last`) `last(xs)`: the element at 1 or at `len`
    /// of the block, or `none` when it is empty.
    fn end(&mut self, e: &Expr, xs: &Expr, x: CValue, last: bool) -> CValue {
        let elem = xs.ty.element().cloned().unwrap_or(Type::Never);
        let len = self.b.ins().load(I64, MemFlagsData::trusted(), x, 0);
        let (load, join) = (self.b.create_block(), self.b.create_block());
        self.b.append_block_param(join, I64);
        let none = self.iconst(NONE_WORD);
        self.b.ins().brif(len, load, &[], join, &[none.into()]);
        self.b.switch_to_block(load);
        let at = if last { len } else { self.iconst(1) };
        let off = self.b.ins().ishl_imm_s(at, 3);
        let addr = self.b.ins().iadd(x, off);
        let v = self.b.ins().load(I64, MemFlagsData::trusted(), addr, 0);
        self.flow(v, &elem, &e.ty);
        self.b.ins().jump(join, &[v.into()]);
        self.b.switch_to_block(join);
        self.param(join)
    }

    /// `at(xs, i)`: the element at 0-based `i`, a `MissingValue` fault
    /// outside `0..len` (one unsigned comparison covers a negative `i`).
    fn at(&mut self, x: CValue, i: CValue, span: Span) -> CValue {
        let len = self.b.ins().load(I64, MemFlagsData::trusted(), x, 0);
        let outside = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, i, len);
        self.fault_if(outside, abi::MISSING, span);
        let off = self.b.ins().ishl_imm_s(i, 3);
        let addr = self.b.ins().iadd(x, off);
        self.b.ins().load(I64, MemFlagsData::trusted(), addr, 8)
    }

    /// `sorted(xs, by: key)`, `take(xs, n, per: key)`, `group_by(xs, by: key)`:
    /// `source`, `count`, the key of every element (into a block), then a
    /// helper chooses or groups.
    fn translate_by_key(&mut self, e: &Expr, k: &ByKey) -> Tr<CValue> {
        let src = self.translate_expr(&k.source)?;
        let n = match &k.count {
            Some(c) => self.translate_expr(c)?,
            None => self.iconst(0),
        };
        let len = self.b.ins().load(I64, MemFlagsData::trusted(), src, 0);
        let keys = self.flagged(Helper::KeyBlock, &[len], e.span)?;
        let var = self.var(k.var.0)?;
        let (header, body, exit) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.append_block_param(header, I64);
        // One step per element, counted ahead when a key takes none.
        let per_key = takes_steps(&k.key);
        let bound = if per_key {
            len
        } else {
            self.count_ahead(len, e.span)?
        };
        let zero = self.iconst(0);
        self.b.ins().jump(header, &[zero.into()]);
        self.b.switch_to_block(header);
        let i = self.param(header);
        let done = self.b.ins().icmp(IntCC::SignedGreaterThanOrEqual, i, bound);
        self.b.ins().brif(done, exit, &[], body, &[]);
        self.b.switch_to_block(body);
        if per_key {
            self.count_iteration(e.span)?;
        }
        let off = self.b.ins().ishl_imm_s(i, 3);
        let at = self.b.ins().iadd(src, off);
        let x = self.b.ins().load(I64, MemFlagsData::trusted(), at, 8);
        self.b.def_var(var, x);
        let key = self.translate_expr(&k.key)?;
        let at = self.b.ins().iadd(keys, off);
        self.b.ins().store(MemFlagsData::trusted(), key, at, 8);
        let i1 = self.b.ins().iadd_imm_s(i, 1);
        self.b.ins().jump(header, &[i1.into()]);
        self.b.switch_to_block(exit);
        if !per_key {
            self.cut_short(bound, src, e.span)?;
        }
        let ty = self.shared.type_id(&k.key.ty);
        let ty = self.iconst(ty);
        match k.op {
            KeyOp::Sort { desc } => {
                let desc = self.iconst(i64::from(desc));
                self.flagged(Helper::SortBy, &[ty, src, keys, desc], e.span)
            }
            KeyOp::TakePer => self.flagged(Helper::TakePer, &[ty, src, keys, n], e.span),
            KeyOp::Group => self.flagged(Helper::GroupBy, &[ty, src, keys], e.span),
        }
    }

    /// `fold(acc = init, var in source) => body`: `init`, then `source`, then
    /// `body` per element with `acc` bound to the previous value.
    fn translate_fold(&mut self, e: &Expr, f: &Fold) -> Tr<CValue> {
        let init = self.translate_to(&f.init, &e.ty)?;
        let src = self.translate_expr(&f.source)?;
        let acc = self.var(f.acc.0)?;
        let var = self.var(f.var.0)?;
        let len = self.b.ins().load(I64, MemFlagsData::trusted(), src, 0);
        // One step per element, counted ahead when the body takes none.
        let per_step = takes_steps(&f.body);
        let bound = if per_step {
            len
        } else {
            self.count_ahead(len, e.span)?
        };
        let (header, body, exit) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.append_block_param(header, I64);
        self.b.append_block_param(header, I64);
        self.b.append_block_param(exit, I64);
        let mark = if builds_calling(&f.body, &self.shared.fn_builds) {
            Some(self.call_helper(Helper::FoldStart, &[])?)
        } else {
            None
        };
        let zero = self.iconst(0);
        self.b.ins().jump(header, &[zero.into(), init.into()]);
        self.b.switch_to_block(header);
        let params = self.b.block_params(header).to_vec();
        let (Some(i), Some(value)) = (params.first().copied(), params.get(1).copied()) else {
            return unsupported("a fold without its loop state");
        };
        let done = self.b.ins().icmp(IntCC::SignedGreaterThanOrEqual, i, bound);
        self.b.ins().brif(done, exit, &[value.into()], body, &[]);
        self.b.switch_to_block(body);
        if per_step {
            self.count_iteration(e.span)?;
        }
        self.b.def_var(acc, value);
        let off = self.b.ins().ishl_imm_s(i, 3);
        let addr = self.b.ins().iadd(src, off);
        let x = self.b.ins().load(I64, MemFlagsData::trusted(), addr, 8);
        self.b.def_var(var, x);
        let next = self.translate_to(&f.body, &e.ty)?;
        // What a step built that the next accumulator does not hold is dead.
        let next = match mark {
            Some(h) => {
                let ty = self.shared.type_id(&e.ty);
                let ty = self.iconst(ty);
                self.call_helper(Helper::FoldStep, &[h, ty, next])?
            }
            None => next,
        };
        let i1 = self.b.ins().iadd_imm_s(i, 1);
        self.b.ins().jump(header, &[i1.into(), next.into()]);
        self.b.switch_to_block(exit);
        if let Some(h) = mark {
            self.call_helper(Helper::FoldEnd, &[h])?;
        }
        if !per_step {
            self.cut_short(bound, src, e.span)?;
        }
        Ok(self.param(exit))
    }

    fn translate_loop(&mut self, e: &Expr, l: &Loop) -> Tr<CValue> {
        let Some(first) = l.clauses.first() else {
            return unsupported("a loop without clauses");
        };
        let src = self.translate_expr(&first.source)?;
        let elem_ty = l.elem.ty.clone();
        self.aggregate(e, l.kind, src, &elem_ty, Some(l))
    }

    /// A loop over the list block `src`. With `l`, each element is bound to
    /// the first clause's variable, filtered, then the later clauses run
    /// nested inside, and the innermost maps it; without, the elements
    /// themselves (of type `elem_ty`) are aggregated.
    fn aggregate(
        &mut self,
        e: &Expr,
        kind: LoopKind,
        src: CValue,
        elem_ty: &Type,
        l: Option<&Loop>,
    ) -> Tr<CValue> {
        let nested = l.is_some_and(|l| l.clauses.len() > 1);
        // The first clause's elements, picked through an index when it picks
        // by a field, before the result's block is sized by their number.
        let src = match l
            .and_then(|l| l.clauses.first())
            .and_then(|c| Some((c, c.keyed()?)))
        {
            Some((c, k)) => self.keyed_source(&c.source.ty, src, k)?,
            None => src,
        };
        let out = match kind {
            // A nested loop's size is not known in advance: a growing buffer.
            LoopKind::List | LoopKind::Set if nested => Some(self.helper(Helper::BufNew, &[])?),
            LoopKind::List | LoopKind::Set => {
                let len = self.b.ins().load(I64, MemFlagsData::trusted(), src, 0);
                let n = self.b.ins().iadd_imm_s(len, 1);
                Some(self.call_helper(Helper::Alloc, &[n])?)
            }
            _ => None,
        };
        let acc = self.b.declare_var(I64);
        let init = match kind {
            // A decimal sum starts as the inline word of zero ([`Self::step`]).
            LoopKind::Sum(Num::Dec) => 1,
            LoopKind::All => 1,
            _ => 0,
        };
        let init = self.iconst(init);
        self.b.def_var(acc, init);
        let count = self.b.declare_var(I64);
        let zero = self.iconst(0);
        self.b.def_var(count, zero);
        let vars = FoldVars { acc, count };
        let exit = self.b.create_block();
        self.b.append_block_param(exit, I64);
        // (One clause only: a later clause's source, made during the loop,
        // is still being read when an iteration ends.)
        let best = match l {
            Some(l)
                if matches!(kind, LoopKind::Min | LoopKind::Max)
                    && !nested
                    && !int_like(&l.elem.ty)
                    && self.loop_builds(l, 0) =>
            {
                Some(self.call_helper(Helper::FoldStart, &[])?)
            }
            _ => None,
        };
        let lp = LoopParts {
            kind,
            elem_ty,
            l,
            vars,
            out,
            exit,
            nested,
            best,
        };
        self.clause_loop(e, &lp, src, 0)?;
        let sentinel = self.iconst(0);
        self.b.ins().jump(exit, &[sentinel.into()]);
        self.b.switch_to_block(exit);
        let early = self.param(exit);
        if let Some(h) = best {
            self.call_helper(Helper::FoldEnd, &[h])?;
        }
        self.finish(e, &lp, early)
    }

    /// Whether an iteration of loop `l` at clause `depth` may build
    /// anything: in a filter or source from that clause on, or its element.
    fn loop_builds(&self, l: &Loop, depth: usize) -> bool {
        let fns = &self.shared.fn_builds;
        let builds = |e: &Expr| builds_calling(e, fns);
        l.clauses
            .iter()
            .skip(depth)
            .any(|c| c.filter.as_ref().is_some_and(builds) || builds(&c.source))
            || builds(&l.elem)
    }

    /// The loop of clause `depth` over the block `src`; emission continues
    /// after it (in the block reached when `src` is exhausted).
    fn clause_loop(&mut self, e: &Expr, lp: &LoopParts<'_>, src: CValue, depth: usize) -> Tr<()> {
        // (The first clause's source is picked in `aggregate`.)
        let keyed =
            lp.l.filter(|_| depth > 0)
                .and_then(|l| l.clauses.get(depth))
                .and_then(|c| Some((c, c.keyed()?)));
        let src = match keyed {
            Some((c, k)) => self.keyed_source(&c.source.ty, src, k)?,
            None => src,
        };
        let len = self.b.ins().load(I64, MemFlagsData::trusted(), src, 0);
        // Each element a clause visits is a step (not a builtin's: `sum(xs)`),
        // counted ahead for a one-clause loop that never stops early and
        // whose filter and element take none.
        let ahead = lp.l.is_some_and(|l| {
            l.clauses.len() == 1
                && !matches!(lp.kind, LoopKind::All | LoopKind::Any)
                && !takes_steps(&l.elem)
                && l.clauses
                    .iter()
                    .all(|c| c.filter.as_ref().is_none_or(|f| !takes_steps(f)))
        });
        let bound = if ahead {
            self.count_ahead(len, e.span)?
        } else {
            len
        };
        let i = self.b.declare_var(I64);
        let zero = self.iconst(0);
        self.b.def_var(i, zero);
        let (header, body, next, done) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let iv = self.b.use_var(i);
        let end = self
            .b
            .ins()
            .icmp(IntCC::SignedGreaterThanOrEqual, iv, bound);
        self.b.ins().brif(end, done, &[], body, &[]);
        self.b.switch_to_block(body);
        if lp.l.is_some() && !ahead {
            self.count_iteration(e.span)?;
        }
        // An iteration of an `all`, `any` or `count` keeps nothing it
        // builds: what its element and filter allocate is freed at its end.
        let mark = if self.releases(e, lp, depth) {
            Some(self.call_helper(Helper::Mark, &[])?)
        } else {
            None
        };
        let off = self.b.ins().imul_imm_s(iv, 8);
        let addr = self.b.ins().iadd(src, off);
        let x = self.b.ins().load(I64, MemFlagsData::trusted(), addr, 8);
        let v = match lp.l {
            Some(l) => {
                let Some(c) = l.clauses.get(depth) else {
                    return unsupported("a loop clause out of range");
                };
                let var = self.var(c.var.0)?;
                self.b.def_var(var, x);
                if let Some(index) = c.index {
                    let index = self.var(index.0)?;
                    self.b.def_var(index, iv);
                }
                if let Some(filter) = &c.filter {
                    // What a filter builds is dead once it has decided
                    // (unless the whole iteration's is freed anyway).
                    let own = match mark {
                        None if builds_calling(filter, &self.shared.fn_builds) => {
                            Some(self.call_helper(Helper::Mark, &[])?)
                        }
                        _ => None,
                    };
                    let keep = self.translate_expr(filter)?;
                    if let Some(own) = own {
                        self.call_helper(Helper::Release, &[own])?;
                    }
                    let go = self.b.create_block();
                    self.b.ins().brif(keep, go, &[], next, &[]);
                    self.b.switch_to_block(go);
                }
                if let Some(inner) = l.clauses.get(depth + 1) {
                    let inner_src = self.translate_expr(&inner.source)?;
                    self.clause_loop(e, lp, inner_src, depth + 1)?;
                    None
                } else {
                    let v = self.translate_expr(&l.elem)?;
                    if matches!(lp.kind, LoopKind::List | LoopKind::Set) {
                        let to = e.ty.element().cloned().unwrap_or(Type::Never);
                        self.flow(v, &l.elem.ty, &to);
                    }
                    Some(v)
                }
            }
            None => Some(x),
        };
        if let Some(v) = v {
            self.step(e, lp, v)?;
            if let Some(h) = lp.best {
                let ty = self.shared.type_id(lp.elem_ty);
                let ty = self.iconst(ty);
                let best = self.b.use_var(lp.vars.acc);
                let best = self.call_helper(Helper::FoldStep, &[h, ty, best])?;
                self.b.def_var(lp.vars.acc, best);
            }
        }
        self.b.ins().jump(next, &[]);
        self.b.switch_to_block(next);
        if let Some(mark) = mark {
            self.call_helper(Helper::Release, &[mark])?;
        }
        let iv = self.b.use_var(i);
        let iv = self.b.ins().iadd_imm_s(iv, 1);
        self.b.def_var(i, iv);
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(done);
        if ahead {
            self.cut_short(bound, src, e.span)?;
        }
        Ok(())
    }

    /// The elements a clause that picks a state list's elements by a field
    /// visits ([`Clause::keyed`]): a list at least [`SCAN_BELOW`] long goes
    /// through the layout's index (`polity_candidates`), after its key is
    /// evaluated — only then, as the interpreter evaluates it only for a
    /// list that has elements.
    fn keyed_source(&mut self, ty: &Type, src: CValue, k: Keyed<'_>) -> Tr<CValue> {
        let len = self.b.ins().load(I64, MemFlagsData::trusted(), src, 0);
        let (pick, join) = (self.b.create_block(), self.b.create_block());
        self.b.append_block_param(join, I64);
        let short = self
            .b
            .ins()
            .icmp_imm_s(IntCC::SignedLessThan, len, SCAN_BELOW as i64);
        self.b.ins().brif(short, join, &[src.into()], pick, &[]);
        self.b.switch_to_block(pick);
        let key = self.translate_expr(k.key)?;
        let ty = self.shared.type_id(ty);
        let ty = self.iconst(ty);
        let field = self.iconst(i64::from(k.field) | (i64::from(k.many) << 32));
        let picked = self.call_helper(Helper::Candidates, &[ty, src, field, key])?;
        self.b.ins().jump(join, &[picked.into()]);
        self.b.switch_to_block(join);
        Ok(self.b.block_params(join).first().copied().unwrap_or(src))
    }

    /// Whether an iteration at clause `depth` of loop `lp` frees what it
    /// allocated when it ends: its result keeps nothing an iteration builds
    /// (`all`, `any`, `count`, `sum`; a comprehension, `min` or `max` whose
    /// elements are plain words, such as Ints, dates or enum cases, which
    /// point into no arena), and something under the clause builds a
    /// collection, record or text (else there is nothing to free, and no
    /// helper call is spent per element).
    fn releases(&self, e: &Expr, lp: &LoopParts<'_>, depth: usize) -> bool {
        let Some(l) = lp.l else {
            return false;
        };
        // (A sum keeps its running total in a register or in the context's
        // exact sums, never an element's cell.)
        let keeps_nothing = match lp.kind {
            LoopKind::All | LoopKind::Any | LoopKind::Count | LoopKind::Sum(_) => true,
            // (A comprehension's block is allocated before its first
            // iteration, a nested one's buffer outside the arena; an element
            // that flows into a wider type, an Int into a Decimal, would be
            // a cell made in the iteration.)
            LoopKind::Min | LoopKind::Max => int_like(&l.elem.ty),
            LoopKind::List | LoopKind::Set => {
                int_like(&l.elem.ty) && e.ty.element() == Some(&l.elem.ty)
            }
        };
        keeps_nothing && self.loop_builds(l, depth)
    }

    /// One element's contribution to the loop's result.
    fn step(&mut self, e: &Expr, lp: &LoopParts<'_>, v: CValue) -> Tr<()> {
        let (kind, elem_ty, exit) = (lp.kind, lp.elem_ty, lp.exit);
        let FoldVars { acc, count } = lp.vars;
        let k = self.b.use_var(count);
        let k1 = self.b.ins().iadd_imm_s(k, 1);
        if matches!(kind, LoopKind::List | LoopKind::Set) {
            self.count_elements(1, e.span)?;
        }
        match kind {
            LoopKind::List | LoopKind::Set if lp.nested => {
                if let Some(out) = lp.out {
                    self.flagged(Helper::BufPush, &[out, v], e.span)?;
                }
            }
            LoopKind::List | LoopKind::Set => {
                if let Some(out) = lp.out {
                    let off = self.b.ins().imul_imm_s(k, 8);
                    let addr = self.b.ins().iadd(out, off);
                    self.b.ins().store(MemFlagsData::trusted(), v, addr, 8);
                }
                self.b.def_var(count, k1);
            }
            LoopKind::Count => self.b.def_var(count, k1),
            LoopKind::Sum(Num::Dec) => {
                // While every element so far is inline and so is their sum,
                // `acc` is the sum's inline word (odd). The first element
                // that is a cell, or would take the sum out of the inline
                // range, starts the helper's exact sum from `acc`, and
                // every later element is added there one by one: an
                // overflow faults at the step where the interpreter's
                // does. (No sum of inline decimals can overflow a `Dec`.)
                // From then on `acc` is the exact sum's handle, an even
                // word ([`abi::dec_sum_add`]), so that one test of the low
                // bit of `acc & v` tells both that the sum is still inline
                // and that `v` is, and the loop carries one word for the
                // sum. The cold path is one call that needs nothing of the
                // hot path afterwards, so the hot path keeps the sum in
                // registers.
                let a = self.b.use_var(acc);
                let both = self.b.ins().band(a, v);
                let inline = self.b.ins().band_imm_s(both, 1);
                let (fast, add, slow, next) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                self.b.set_cold_block(slow);
                self.b.ins().brif(inline, add, &[], slow, &[]);
                self.b.switch_to_block(add);
                let a1 = self.b.ins().iadd_imm_s(a, -1);
                let (r, of) = self.b.ins().sadd_overflow(a1, v);
                self.b.ins().brif(of, slow, &[], fast, &[]);
                self.b.switch_to_block(fast);
                self.b.def_var(acc, r);
                self.b.ins().jump(next, &[]);
                self.b.switch_to_block(slow);
                let h = self.flagged(Helper::DecSumAdd, &[a, v], e.span)?;
                self.b.def_var(acc, h);
                self.b.ins().jump(next, &[]);
                self.b.switch_to_block(next);
            }
            LoopKind::Sum(_) => {
                let a = self.b.use_var(acc);
                let r = self.checked(BinOp::Add(Num::Int), a, v, e.span);
                self.b.def_var(acc, r);
            }
            LoopKind::Min | LoopKind::Max => {
                let best = self.b.use_var(acc);
                let op = if kind == LoopKind::Min {
                    BinOp::Lt
                } else {
                    BinOp::Gt
                };
                let better = self.compare(op, elem_ty, v, best)?;
                let first = self.b.ins().icmp_imm_s(IntCC::Equal, k, 0);
                let first = self.bool_of(first);
                let take = self.b.ins().bor(better, first);
                let r = self.b.ins().select(take, v, best);
                self.b.def_var(acc, r);
                self.b.def_var(count, k1);
            }
            LoopKind::All | LoopKind::Any => {
                let stop_on = i64::from(kind == LoopKind::Any);
                let stop = self.b.ins().icmp_imm_s(IntCC::Equal, v, stop_on);
                let go = self.b.create_block();
                let result = self.iconst(stop_on + 2);
                self.b.ins().brif(stop, exit, &[result.into()], go, &[]);
                self.b.switch_to_block(go);
            }
        }
        Ok(())
    }

    /// The loop's result after its last element (`early` is 2 + the result of
    /// an `all`/`any` that stopped early, else 0).
    fn finish(&mut self, e: &Expr, lp: &LoopParts<'_>, early: CValue) -> Tr<CValue> {
        let kind = lp.kind;
        let FoldVars { acc, count } = lp.vars;
        let k = self.b.use_var(count);
        match kind {
            LoopKind::List | LoopKind::Set => {
                let Some(mut out) = lp.out else {
                    return unsupported("a collection loop without a block");
                };
                if lp.nested {
                    out = self.call_helper(Helper::BufEnd, &[out])?;
                } else {
                    self.b.ins().store(MemFlagsData::trusted(), k, out, 0);
                }
                if kind == LoopKind::Set {
                    let ty = self.shared.type_id(&e.ty);
                    let ty = self.iconst(ty);
                    return self.call_helper(Helper::SetFrom, &[ty, out]);
                }
                Ok(out)
            }
            LoopKind::Count => Ok(k),
            LoopKind::Sum(Num::Dec) => {
                let a = self.b.use_var(acc);
                let pure = self.b.ins().band_imm_s(a, 1);
                self.either(pure, a, |t| t.call_helper(Helper::DecSumEnd, &[a]))
            }
            LoopKind::Sum(_) => Ok(self.b.use_var(acc)),
            LoopKind::Min | LoopKind::Max => {
                let empty = self.b.ins().icmp_imm_s(IntCC::Equal, k, 0);
                self.fault_if(empty, abi::MISSING, e.span);
                Ok(self.b.use_var(acc))
            }
            LoopKind::All | LoopKind::Any => {
                let default = i64::from(kind == LoopKind::All);
                let stopped = self.b.ins().iadd_imm_s(early, -2);
                let dflt = self.iconst(default);
                let was_early = self.b.ins().icmp_imm_s(IntCC::NotEqual, early, 0);
                Ok(self.b.ins().select(was_early, stopped, dflt))
            }
        }
    }
}
