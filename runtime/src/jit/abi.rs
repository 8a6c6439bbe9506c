//! Host helpers that generated code calls, and the context it passes them.
//!
//! Every helper is `extern "C"`, takes the [`JitCtx`] first and never unwinds:
//! it uses only checked arithmetic and no indexing, and reports a fault by
//! setting [`JitCtx::flag`] to a fault kind (generated code tests the flag after
//! every fallible helper). Values cross the boundary as layout words
//! ([`crate::layout`]).

use super::code;
use crate::interp::ops::{self, OpFault};
use crate::interp::{elements, text_bytes, Limits, Stop, CHECK_EVERY};
use crate::layout::{self, DecCells, Interner, Layout, Store, Words, NONE};
use crate::value::Value;
use polity_compiler::ir::{BinOp, Calendar, Program};
use polity_compiler::num::{Dec, DecSum, RoundMode};
use polity_compiler::types::Type;
use std::cell::Cell;
use std::cmp::Ordering;
use std::sync::Arc;

mod fold;
mod members;
mod text;
mod words;

/// Fault kind: a value left its range.
pub const OVERFLOW: i64 = 1;
/// Fault kind: division by zero.
pub const DIV_ZERO: i64 = 2;
/// Fault kind: a missing value.
pub const MISSING: i64 = 3;
/// Fault kind: a resource limit.
pub const LIMIT: i64 = 4;
/// Fault kind: outside an operation's domain (the square root of a negative).
pub const DOMAIN: i64 = 6;
/// Not a fault: the subject must be evaluated by the interpreter (an
/// `i64::MIN` would become an `Int?`, whose `none` has the same word).
pub const BAIL: i64 = 5;
/// Fault kind: an internal inconsistency (a helper given words of the wrong
/// type or a handle it never made), which well-typed IR never produces.
pub const INTERNAL: i64 = 7;

/// Byte offset of [`JitCtx::state`], read by generated code.
pub const STATE_OFFSET: i32 = 0;
/// Byte offset of [`JitCtx::memo`].
pub const MEMO_OFFSET: i32 = 8;
/// Byte offset of [`JitCtx::flag`].
pub const FLAG_OFFSET: i32 = 16;
/// Byte offset of [`JitCtx::temp_used`].
pub const TEMP_USED_OFFSET: i32 = 24;
/// Byte offset of [`JitCtx::fuel`].
pub const FUEL_OFFSET: i32 = 32;
/// Byte offset of [`JitCtx::reserve`].
pub const RESERVE_OFFSET: i32 = 40;
/// Byte offset of [`JitCtx::fuel0`].
pub const FUEL0_OFFSET: i32 = 48;
/// Byte offset of [`JitCtx::reserve0`].
pub const RESERVE0_OFFSET: i32 = 56;
/// Byte offset of [`JitCtx::memory`].
pub const MEMORY_OFFSET: i32 = 64;
/// Byte offset of [`JitCtx::memory0`].
pub const MEMORY0_OFFSET: i32 = 72;

/// Blocks and cells made during an evaluation.
#[derive(Debug, Default)]
pub struct Arena {
    blocks: Words,
    cells: DecCells,
}

impl Arena {
    fn clear(&mut self) {
        self.blocks.clear();
        self.cells.clear();
    }

    /// Whether nothing was ever made here.
    fn is_unused(&self) -> bool {
        self.blocks.is_unused() && self.cells.is_unused()
    }

    fn mark(&self) -> ArenaMark {
        (self.blocks.mark(), self.cells.mark())
    }

    fn release(&mut self, (blocks, cells): ArenaMark) {
        self.blocks.release(blocks);
        self.cells.release(cells);
    }
}

/// Where an arena's next block and cell go.
type ArenaMark = ((usize, usize), (usize, usize));

/// The start of a loop iteration whose temporaries die with it: which arena
/// it allocates in (`keep` while a constant is evaluated), where that arena
/// stood, how many texts the context had made, and how many memoised
/// values had been evaluated then.
#[derive(Clone, Copy, Debug)]
struct LoopMark {
    keep: bool,
    at: ArenaMark,
    texts: usize,
    memoised: u64,
}

/// One evaluation's context. Generated code reads the first four fields at
/// fixed offsets (checked by a test); the rest is for helpers.
#[repr(C)]
pub struct JitCtx<'a> {
    /// The layout's state block (`[present, word]` per state name).
    pub state: *const i64,
    /// The memo of constants, then of parameterless fns, then of memoised
    /// state-only expressions (`[status, word]` each; status 0 = not yet,
    /// 1 = value, 2 = fault code in the word, 3 = a memoised expression
    /// that ran out of a budget of its own, evaluated in place at each use:
    /// [`super::translate::MEMO_EXHAUSTED`]).
    pub memo: *mut i64,
    /// The fault kind of the last helper (0 = none).
    pub flag: i64,
    /// Whether the per-subject arena holds anything (1) or not (0): a bulk
    /// entry clears it between subjects only then ([`clear_temp`]).
    pub temp_used: i64,
    /// Steps left before generated code calls [`refuel`] (counted down
    /// once per loop iteration and call, as the interpreter counts steps:
    /// `interp/budget.rs`); below zero, the slow path takes more from
    /// `reserve` and looks at the deadline.
    pub fuel: i64,
    /// The current unit's steps beyond `fuel`.
    pub reserve: i64,
    /// What `fuel` starts each unit (subject) with; a bulk entry copies it
    /// in before each subject.
    pub fuel0: i64,
    /// What `reserve` starts each unit with.
    pub reserve0: i64,
    /// The bytes of values the current unit may still build, counted as
    /// the interpreter counts them (`interp/budget.rs`): inline where the
    /// size is known when compiling, by the helpers that build otherwise.
    /// Below zero, the unit ran out ([`out_of_memory`]).
    pub memory: i64,
    /// What `memory` starts each unit with.
    pub memory0: i64,
    /// The deadline and cancellation flag.
    stop: Stop,
    /// Per memo slot of a memoised state-only expression, the steps and
    /// bytes its evaluation took (charged at every use, where the
    /// interpreter would have evaluated it: [`charge`]); grown to a slot
    /// when its evaluation ends, so that a context whose law memoises
    /// nothing allocates nothing for it (a slot beyond it cost nothing).
    costs: Vec<(i64, i64)>,
    /// The budgets (fuel, reserve, memory) of the units that a constant's
    /// evaluation interrupted.
    units: Vec<(i64, i64, i64)>,
    /// Whether the current unit ran out of steps (so that a memoised
    /// expression's evaluation that did is memoised as a bail-out).
    out_of_steps: bool,
    /// Whether the current unit ran out of memory (the same).
    out_of_memory: bool,
    program: &'a Program,
    types: &'a [Type],
    layout: &'a Layout,
    limits: Limits,
    memo_store: MemoStore,
    /// Per subject; cleared between subjects.
    temp: Arena,
    /// For constants' values, which are memoised across subjects.
    keep: Arena,
    const_depth: u32,
    /// Texts made during evaluation that the layout does not hold; their
    /// ids follow the layout's. Those a subject (or an iteration that keeps
    /// nothing) made are forgotten when it ends, as its arena is cleared,
    /// unless a memoised value was made meanwhile ([`JitCtx::forget_texts`]).
    /// (It hashes as the layout's texts do: [`Interner::sharing_hasher`].)
    extra_texts: Interner,
    /// Where text `+` writes the new text before interning it, kept from one
    /// concatenation to the next (up to [`SCRATCH_KEPT`] bytes): a fold
    /// growing a text made a fresh buffer per step, on fresh pages.
    scratch: String,
    /// How many of `extra_texts` stay whatever ends: those adopted from
    /// another context, made before the temporaries were set aside, or
    /// made while a memoised value was.
    texts_kept: usize,
    /// `memoised` when the current subject began.
    subject_memoised: u64,
    /// A test's own state block (`given`), which [`JitCtx::state`] points
    /// at; empty outside tests.
    test_state: Vec<i64>,
    /// Running decimal sums of the loops being evaluated ([`dec_sum_add`]).
    sums: Vec<DecSum>,
    /// The growing lists of nested loops being evaluated ([`buf_push`]).
    bufs: Vec<Vec<i64>>,
    /// Marks of the arena taken at the start of loop iterations whose
    /// temporaries die with the iteration ([`mark`], [`release`]).
    marks: Vec<LoopMark>,
    /// How many constants, parameterless fns and memoised expressions have
    /// been evaluated (their values live in `keep`): an iteration during
    /// which one was does not free what `keep` gained.
    memoised: u64,
    /// Per membership site of a state-only list or set, the list it tests
    /// and its hash set (`abi/members.rs`).
    kept: Vec<members::Kept>,
    /// The `fold`s being evaluated, innermost last ([`fold::fold_step`]).
    folds: Vec<fold::FoldMark>,
    /// Bytes of blocks, cells and texts made so far (never lowered: a
    /// clock of allocation, by which a `fold` decides when to free what
    /// its steps left dead).
    made: u64,
    /// Values made from the layout's words for the interpreter explaining
    /// one subject ([`JitCtx::value_remembered`]), so that a later site
    /// given one of them takes its word back instead of building it again.
    known: Known,
}

/// Records, lists and sets made from words of the layout (which live as
/// long as it), by the address of their shared elements ([`identity`]):
/// the word each was made from. Each is held (`pinned`), so no other value
/// can take its address while it is in the map; both are emptied when the
/// subject is explained ([`JitCtx::forget_known`]).
#[derive(Default)]
struct Known {
    words: foldhash::HashMap<usize, i64>,
    pinned: Vec<Value>,
    /// The layout's block ranges ([`Layout::block_ranges`]), once asked.
    ranges: Option<Vec<(usize, usize)>>,
}

/// The address that identifies a record, list or set value (its shared
/// elements), if it has one; an empty list or set has none worth keeping.
pub(super) fn identity(v: &Value) -> Option<usize> {
    match v {
        Value::Record(xs) | Value::List(xs) | Value::Set(xs) if !xs.is_empty() => {
            Some(xs.as_ptr() as usize)
        }
        _ => None,
    }
}

thread_local! {
    /// The memo buffer of the last context this thread dropped, which the
    /// next one reuses: deciding a small collection is a few hundred
    /// nanoseconds, of which an allocation would be a tenth.
    static SPARE_MEMO: Cell<Vec<i64>> = const { Cell::new(Vec::new()) };
}

/// A context's memo buffer, returned to [`SPARE_MEMO`] when dropped.
#[derive(Debug)]
struct MemoStore(Vec<i64>);

impl MemoStore {
    /// `len` zeroed words, in the thread's spare buffer when there is one.
    fn new(len: usize) -> MemoStore {
        let mut words = SPARE_MEMO.try_with(Cell::take).unwrap_or_default();
        words.clear();
        words.resize(len, 0);
        MemoStore(words)
    }
}

impl Drop for MemoStore {
    fn drop(&mut self) {
        let words = std::mem::take(&mut self.0);
        // During the thread's teardown there is nothing to keep it for.
        let _ = SPARE_MEMO.try_with(|spare| spare.set(words));
    }
}

impl<'a> JitCtx<'a> {
    /// A fresh context over a layout, with a memo of `memo_slots` `[status, word]` pairs.
    pub fn new(
        program: &'a Program,
        types: &'a [Type],
        layout: &'a Layout,
        limits: Limits,
        memo_slots: usize,
    ) -> Self {
        // One pair more than the slots: the memo is never empty.
        let mut memo_store = MemoStore::new(memo_slots.saturating_add(1).saturating_mul(2));
        let memo = memo_store.0.as_mut_ptr();
        let (fuel0, reserve0) = split(i64::try_from(limits.max_steps).unwrap_or(i64::MAX));
        let memory0 = i64::try_from(limits.max_memory).unwrap_or(i64::MAX);
        JitCtx {
            state: layout.state.as_ptr(),
            memo,
            flag: 0,
            temp_used: 0,
            fuel: fuel0,
            reserve: reserve0,
            fuel0,
            reserve0,
            memory: memory0,
            memory0,
            stop: limits.stop(),
            costs: Vec::new(),
            units: Vec::new(),
            out_of_steps: false,
            out_of_memory: false,
            program,
            types,
            layout,
            limits,
            memo_store,
            temp: Arena::default(),
            keep: Arena::default(),
            const_depth: 0,
            extra_texts: Interner::sharing_hasher(&layout.texts),
            scratch: String::new(),
            texts_kept: 0,
            subject_memoised: 0,
            test_state: Vec::new(),
            sums: Vec::new(),
            bufs: Vec::new(),
            marks: Vec::new(),
            memoised: 0,
            kept: Vec::new(),
            folds: Vec::new(),
            made: 0,
            known: Known::default(),
        }
    }

    /// A fresh context for a `test` block: every state name starts without
    /// a value and gets one from `given` ([`give`]).
    pub fn for_test(
        program: &'a Program,
        types: &'a [Type],
        layout: &'a Layout,
        limits: Limits,
        memo_slots: usize,
    ) -> Self {
        let mut ctx = JitCtx::new(program, types, layout, limits, memo_slots);
        ctx.test_state = vec![0; program.state.len() * 2];
        ctx.state = ctx.test_state.as_ptr();
        ctx
    }

    /// Frees what the previous subject made (constants' values stay).
    pub fn next_subject(&mut self) {
        self.forget_subject_texts();
        self.temp.clear();
        self.sums.clear();
        self.bufs.clear();
        self.marks.clear();
        self.folds.clear();
        self.temp_used = 0;
        self.flag = 0;
        self.const_depth = 0;
        self.memo = self.memo_store.0.as_mut_ptr();
        self.units.clear();
        self.start_unit();
    }

    /// Moves the temporaries made so far out of the context, so that the
    /// next subject's clearing leaves them alone: their blocks and cells
    /// stay where they are while the returned arena lives. `None` when
    /// nothing was ever made there (a collection read from the state, as
    /// most are): there is nothing to keep, and moving and dropping an
    /// arena is a tenth of deciding a small collection.
    pub fn set_aside_temp(&mut self) -> Option<Arena> {
        self.temp_used = 0;
        self.texts_kept = self.extra_texts.len();
        (!self.temp.is_unused()).then(|| std::mem::take(&mut self.temp))
    }

    /// Forgets the texts made since there were `from` (by a subject or an
    /// iteration that has ended, whose words are dead), unless a memoised
    /// value was made since `memoised` was: its words may name them, so
    /// they are kept for good.
    fn forget_texts(&mut self, from: usize, memoised: u64) {
        if self.memoised == memoised {
            self.extra_texts.truncate(from.max(self.texts_kept));
        } else {
            self.texts_kept = self.extra_texts.len();
        }
    }

    /// [`JitCtx::forget_texts`] for the subject that ends.
    fn forget_subject_texts(&mut self) {
        self.forget_texts(self.texts_kept, self.subject_memoised);
        self.subject_memoised = self.memoised;
    }

    /// The texts this context made (concatenations, texts of values built
    /// in memory), which its words name by id after the layout's own.
    pub fn texts(&self) -> &[Arc<str>] {
        self.extra_texts.texts()
    }

    /// Makes words from another context valid here: its texts get the same
    /// ids in this one. Only for a fresh context, before it makes any text.
    pub fn adopt_texts(&mut self, texts: &[Arc<str>]) {
        if self.extra_texts.is_empty() {
            let mut adopted = Interner::sharing_hasher(&self.layout.texts);
            adopted.reserve(texts.len());
            for t in texts {
                adopted.intern_shared(t, adopted.hash_of(t));
            }
            self.extra_texts = adopted;
            self.texts_kept = self.extra_texts.len();
        }
    }

    /// The word of a value built in memory, kept across subjects.
    pub fn keep_word(&mut self, v: &Value) -> i64 {
        self.const_depth = self.const_depth.saturating_add(1);
        let w = layout::to_word(self, v);
        self.const_depth = self.const_depth.saturating_sub(1);
        w
    }

    fn arena(&mut self) -> &mut Arena {
        if self.const_depth > 0 {
            &mut self.keep
        } else {
            self.temp_used = 1;
            &mut self.temp
        }
    }

    fn ty(&self, id: i64) -> &'a Type {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.types.get(i))
            .unwrap_or(&Type::Never)
    }

    /// The value of word `w` of type `ty`, made in this context.
    pub fn value(&self, ty: &Type, w: i64) -> Value {
        layout::to_value(self.program, self, ty, w)
    }

    /// [`JitCtx::value`], with every record, list and set in it that is
    /// the layout's remembered (with its word) until
    /// [`JitCtx::forget_known`]: given back to compiled code, it is passed
    /// as that word, not built again (its texts interned again, each a
    /// cache miss).
    pub fn value_remembered(&mut self, ty: &Type, w: i64) -> Value {
        let v = self.value(ty, w);
        if self.known.ranges.is_none() {
            self.known.ranges = Some(self.layout.block_ranges());
        }
        if self.known.remember(self.program, ty, &v, w) {
            // Held, so that no value it holds is freed (and its address
            // taken by another) while the map names it.
            self.known.pinned.push(v.clone());
        }
        v
    }

    /// The word of `v` when [`JitCtx::value_remembered`] made it, or made
    /// every element of it (a list or set of the layout's records: a
    /// filter's result); the list's block is then made here from their
    /// words.
    pub fn known_word(&mut self, v: &Value) -> Option<i64> {
        if self.known.words.is_empty() {
            return None;
        }
        let at = identity(v)?;
        if let Some(w) = self.known.words.get(&at) {
            return Some(*w);
        }
        let (Value::List(xs) | Value::Set(xs)) = v else {
            return None;
        };
        let words = xs
            .iter()
            .map(|x| identity(x).and_then(|at| self.known.words.get(&at).copied()))
            .collect::<Option<Vec<i64>>>()?;
        Some(layout::list_block(self, &words))
    }

    /// Forgets the values [`JitCtx::value_remembered`] made (one subject's).
    pub fn forget_known(&mut self) {
        self.known.words.clear();
        self.known.pinned.clear();
    }

    /// The word of a value built in memory, for the current subject only
    /// (freed by [`JitCtx::next_subject`]).
    pub fn temp_word(&mut self, v: &Value) -> i64 {
        layout::to_word(self, v)
    }

    /// Starts a unit (a subject, a test, a constant) with a full budget.
    pub fn start_unit(&mut self) {
        self.fuel = self.fuel0;
        self.reserve = self.reserve0;
        self.memory = self.memory0;
        self.out_of_steps = false;
        self.out_of_memory = false;
    }

    /// Continues the interpreter's unit, which has `left` steps and bytes
    /// (`None`: not counted, while explaining) ([`super::mixed::Mixed`]).
    pub fn set_steps(&mut self, left: Option<(u64, u64)>) {
        let word = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let (steps, memory) = left.map_or((i64::MAX, i64::MAX), |(s, m)| (word(s), word(m)));
        (self.fuel, self.reserve) = split(steps);
        self.memory = memory;
    }

    /// Whether the current unit ran out of steps.
    pub fn out_of_steps(&self) -> bool {
        self.out_of_steps
    }

    /// Whether the current unit ran out of memory.
    pub fn out_of_memory(&self) -> bool {
        self.out_of_memory
    }

    /// The bytes of blocks, cells and texts this context has made so far
    /// (a clock: the difference over a call is what the call made).
    pub fn made(&self) -> u64 {
        self.made
    }

    /// The bytes the current unit may still build.
    pub fn memory_left(&self) -> u64 {
        u64::try_from(self.memory).unwrap_or(0)
    }

    /// Counts `bytes` of values about to be built; `false` (and the unit
    /// is out of memory) past the budget.
    fn allocate(&mut self, bytes: u64) -> bool {
        let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
        if bytes > self.memory {
            self.memory = 0;
            self.out_of_memory = true;
            return false;
        }
        self.memory -= bytes;
        true
    }

    /// [`JitCtx::allocate`] as a helper's outcome: `Err` is the
    /// [`LIMIT`] fault to return.
    fn built(&mut self, bytes: u64) -> Result<(), i64> {
        if self.allocate(bytes) {
            Ok(())
        } else {
            Err(self.fail(LIMIT))
        }
    }

    /// The steps left in the current unit.
    pub fn steps_left(&self) -> u64 {
        u64::try_from(self.fuel.max(0).saturating_add(self.reserve.max(0))).unwrap_or(0)
    }

    /// `fuel` went below zero: takes what it lacks from `reserve`, looks at
    /// the deadline, and refills `fuel`; 0, or the fault kind that ends the
    /// evaluation: [`LIMIT`] for steps (where it ran out, as in the
    /// interpreter), [`BAIL`] for the deadline or a cancellation (the
    /// interpreter then says where it stopped).
    fn refill(&mut self, exhausted_kind: i64) -> i64 {
        let deficit = self.fuel.saturating_neg().max(0);
        if deficit > self.reserve {
            self.fuel = 0;
            self.reserve = 0;
            self.out_of_steps = true;
            return exhausted_kind;
        }
        self.reserve -= deficit;
        if self.stop.check().is_err() {
            self.fuel = 0;
            return BAIL;
        }
        (self.fuel, self.reserve) = split(self.reserve);
        0
    }

    fn fail(&mut self, kind: i64) -> i64 {
        self.flag = kind;
        0
    }

    fn ok(&mut self, w: i64) -> i64 {
        self.flag = 0;
        w
    }
}

impl Known {
    /// Remembers the records, lists and sets of `v` (made from `w`, of
    /// type `ty`) whose words are the layout's; whether it remembered any.
    fn remember(&mut self, program: &Program, ty: &Type, v: &Value, w: i64) -> bool {
        let mut any = match identity(v) {
            Some(at)
                if self
                    .ranges
                    .as_deref()
                    .is_some_and(|r| layout::in_ranges(r, w as usize)) =>
            {
                self.words.insert(at, w);
                true
            }
            _ => false,
        };
        match (ty, v) {
            (Type::Optional(t), v) if w != NONE => any |= self.remember(program, t, v, w),
            (Type::List(t) | Type::Set(t), Value::List(xs) | Value::Set(xs)) if holds_blocks(t) => {
                for (x, xw) in xs.iter().zip(code::list(w)) {
                    any |= self.remember(program, t, x, *xw);
                }
            }
            (Type::Record(r), Value::Record(fs)) => {
                let Some(def) = program.record(*r) else {
                    return any;
                };
                let words = code::words(w, def.fields.len());
                for ((f, x), xw) in def.fields.iter().zip(fs.iter()).zip(words) {
                    if holds_blocks(&f.ty) {
                        any |= self.remember(program, &f.ty, x, *xw);
                    }
                }
            }
            _ => {}
        }
        any
    }
}

/// Whether a value of `ty` can be (or hold) a record, list or set.
fn holds_blocks(ty: &Type) -> bool {
    matches!(
        ty.strip_optional(),
        Type::List(_) | Type::Set(_) | Type::Record(_)
    )
}

impl Store for JitCtx<'_> {
    fn words(&mut self, n: usize) -> &mut [i64] {
        self.made = self.made.saturating_add(8u64.saturating_mul(n as u64));
        self.arena().blocks.alloc(n)
    }

    fn dec(&mut self, d: Dec) -> i64 {
        let w = self.arena().cells.word(d);
        if !layout::is_inline_dec(w) {
            self.made = self.made.saturating_add(fold::CELL_BYTES);
        }
        w
    }

    fn text(&mut self, s: &str) -> i64 {
        self.made_text(s, |texts, hash| texts.intern_hashed(s, hash))
    }

    fn text_of(&self, id: i64) -> Option<Arc<str>> {
        if let Some(t) = self.layout.texts.text(id) {
            return Some(t.clone());
        }
        let i = usize::try_from(id)
            .ok()?
            .checked_sub(self.layout.texts.len())?;
        self.extra_texts.text(i as i64).cloned()
    }
}

impl JitCtx<'_> {
    /// The id of text `s`, made at run time: the layout's, or one interned
    /// in this context by `intern` (given `s`'s hash, the same in both:
    /// a long text is hashed once).
    fn made_text(&mut self, s: &str, intern: impl FnOnce(&mut Interner, u64) -> i64) -> i64 {
        let hash = self.layout.texts.hash_of(s);
        if let Some(id) = self.layout.texts.find_hashed(s, hash) {
            return id;
        }
        // In constant time (a hash table), not by comparing with every
        // text made so far.
        let base = self.layout.texts.len() as i64;
        if self.const_depth == 0 {
            // (Forgotten when the subject ends: a bulk entry must clear.)
            self.temp_used = 1;
        }
        let before = self.extra_texts.len();
        let id = intern(&mut self.extra_texts, hash);
        if self.extra_texts.len() > before {
            self.made = self.made.saturating_add(fold::text_size(s));
        }
        base + id
    }

    /// [`Store::text`] of a text already held, without copying it.
    fn text_shared(&mut self, s: &Arc<str>) -> i64 {
        self.made_text(s, |texts, hash| texts.intern_shared(s, hash))
    }
}

/// Marks the arena at the start of a loop iteration whose temporaries die
/// with it (an `all`, `any` or `count` whose element builds a collection);
/// returns the mark's index for [`release`].
pub extern "C" fn mark(p: *mut JitCtx<'_>) -> i64 {
    with(p, |c| {
        let keep = c.const_depth > 0;
        let at = if keep { c.keep.mark() } else { c.temp.mark() };
        c.marks.push(LoopMark {
            keep,
            at,
            texts: c.extra_texts.len(),
            memoised: c.memoised,
        });
        (c.marks.len() - 1) as i64
    })
}

/// Ends the iteration marked `i`: what the arena gained since is freed (a
/// nested `where` inside an `all` over n elements holds one block at a
/// time, not n), and the marks taken after it are dropped.
pub extern "C" fn release(p: *mut JitCtx<'_>, i: i64) -> i64 {
    with(p, |c| {
        let Some(i) = usize::try_from(i).ok() else {
            return 0;
        };
        if let Some(m) = c.marks.get(i).copied() {
            if !m.keep {
                c.temp.release(m.at);
            } else if m.memoised == c.memoised {
                // No memoised value was made in `keep` meanwhile: what it
                // gained is this iteration's.
                c.keep.release(m.at);
            }
            c.forget_texts(m.texts, m.memoised);
            c.marks.truncate(i);
        }
        0
    })
}

/// Runs `f` on the context, or returns 0 if the pointer is null.
/// `left` steps as what generated code counts down before it looks at the
/// deadline (at most [`CHECK_EVERY`]) and the rest.
fn split(left: i64) -> (i64, i64) {
    let fuel = left.min(CHECK_EVERY as i64);
    (fuel, left - fuel)
}

fn with<'c>(p: *mut JitCtx<'c>, f: impl FnOnce(&mut JitCtx<'c>) -> i64) -> i64 {
    code::ctx(p).map_or(0, f)
}

/// A new block of `n` zeroed words.
pub extern "C" fn alloc(p: *mut JitCtx<'_>, n: i64) -> i64 {
    with(p, |c| {
        let n = usize::try_from(n).unwrap_or(0);
        c.words(n).as_ptr() as i64
    })
}

/// `Dec::from_int(n)`.
pub extern "C" fn dec_from_int(p: *mut JitCtx<'_>, n: i64) -> i64 {
    with(p, |c| c.dec(Dec::from_int(n)))
}

fn dec_result(c: &mut JitCtx<'_>, r: Option<Dec>, kind: i64) -> i64 {
    match r {
        Some(d) => {
            let w = c.dec(d);
            c.ok(w)
        }
        None => c.fail(kind),
    }
}

/// `a op b` on decimals: 0 `+`, 1 `-`, 2 `*`, 3 `/`.
pub extern "C" fn dec_bin(p: *mut JitCtx<'_>, op: i64, a: i64, b: i64) -> i64 {
    with(p, |c| {
        let (x, y) = (code::dec_at(a), code::dec_at(b));
        match op {
            0 => dec_result(c, x.checked_add(y), OVERFLOW),
            1 => dec_result(c, x.checked_sub(y), OVERFLOW),
            2 => dec_result(c, x.checked_mul(y), OVERFLOW),
            _ if y == Dec::ZERO => c.fail(DIV_ZERO),
            _ => dec_result(c, x.checked_div(y), OVERFLOW),
        }
    })
}

/// Adds the decimal `x` to a loop's decimal sum `acc`, which is either the
/// sum's inline word (odd: generated code sums inline words itself until
/// the first cell, or the first sum that leaves the inline range) or twice
/// the index of an exact running sum in the context's sums ([`DecSum`],
/// reduced only when it must be): the handle, even, so that generated
/// code tells the two apart by one bit. An inline `acc` first starts an
/// exact sum from its value. Returns the exact sum's handle; an overflow
/// fault exactly where adding one by one would fault.
pub extern "C" fn dec_sum_add(p: *mut JitCtx<'_>, acc: i64, x: i64) -> i64 {
    with(p, |c| {
        let at = if acc & 1 == 1 {
            let mut sum = DecSum::ZERO;
            if sum.add(code::dec_at(acc)).is_none() {
                return c.fail(OVERFLOW);
            }
            c.sums.push(sum);
            c.sums.len() - 1
        } else {
            usize::try_from(acc / 2).unwrap_or(usize::MAX)
        };
        let Ok(h) = i64::try_from(at).map(|h| h.saturating_mul(2)) else {
            return c.fail(INTERNAL);
        };
        match c.sums.get_mut(at).map(|s| s.add(code::dec_at(x))) {
            Some(Some(())) => c.ok(h),
            _ => c.fail(OVERFLOW),
        }
    })
}

/// Ends a loop's exact sum of handle `h` ([`dec_sum_add`]) (and any that a
/// fault left open above it) and returns its value's word.
pub extern "C" fn dec_sum_end(p: *mut JitCtx<'_>, h: i64) -> i64 {
    with(p, |c| {
        let at = usize::try_from(h / 2).unwrap_or(usize::MAX);
        let sum = c.sums.get(at).copied().unwrap_or_default();
        c.sums.truncate(at);
        let w = c.dec(sum.value());
        c.ok(w)
    })
}

/// `-a` (op 0) or `abs(a)` (op 1) on a decimal.
pub extern "C" fn dec_un(p: *mut JitCtx<'_>, op: i64, a: i64) -> i64 {
    with(p, |c| {
        let x = code::dec_at(a);
        let r = if op == 0 {
            x.checked_neg()
        } else {
            x.checked_abs()
        };
        dec_result(c, r, OVERFLOW)
    })
}

/// `Duration / Duration`: an exact ratio.
pub extern "C" fn dec_ratio(p: *mut JitCtx<'_>, x: i64, y: i64) -> i64 {
    with(p, |c| {
        let r = Dec::ratio(i128::from(x), i128::from(y));
        dec_result(c, r, DIV_ZERO)
    })
}

/// `floor` (0), `ceil` (1) or `round` (2) of a decimal, as an Int.
pub extern "C" fn dec_round(p: *mut JitCtx<'_>, mode: i64, a: i64) -> i64 {
    with(p, |c| {
        let d = code::dec_at(a);
        let n = match mode {
            0 => d.floor(),
            1 => d.ceil(),
            _ => d.round(),
        };
        match n.and_then(|n| i64::try_from(n).ok()) {
            Some(n) => c.ok(n),
            None => c.fail(OVERFLOW),
        }
    })
}

fn ord(o: Ordering) -> i64 {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// Compares two decimals: -1, 0 or 1.
pub extern "C" fn dec_cmp(_p: *mut JitCtx<'_>, a: i64, b: i64) -> i64 {
    ord(code::dec_at(a).cmp(&code::dec_at(b)))
}

/// `a div b` (op 0) or `a mod b` (op 1) on Ints, flooring.
pub extern "C" fn int_div(p: *mut JitCtx<'_>, op: i64, a: i64, b: i64) -> i64 {
    with(p, |c| {
        if b == 0 {
            return c.fail(DIV_ZERO);
        }
        let r = a.wrapping_rem(b);
        let adjust = r != 0 && ((r < 0) != (b < 0));
        if op == 0 {
            match a.checked_div(b) {
                Some(q) => c.ok(if adjust { q.wrapping_sub(1) } else { q }),
                None => c.fail(OVERFLOW),
            }
        } else {
            c.ok(if adjust { r.wrapping_add(b) } else { r })
        }
    })
}

/// The operators on dates, instants, durations and periods that generated
/// code leaves to [`date_add`], by index.
pub const TIME_OPS: [BinOp; 9] = [
    BinOp::DateAddDur,
    BinOp::DateSubDur,
    BinOp::DateAddPeriod,
    BinOp::DateSubPeriod,
    BinOp::InstantAddDur,
    BinOp::InstantSubDur,
    BinOp::InstantAddPeriod,
    BinOp::InstantSubPeriod,
    BinOp::InstantSubInstant,
];

/// `a op b` for `op = TIME_OPS[i]`, computed by the interpreter's own
/// arithmetic (so range checks and faults are the same).
pub extern "C" fn date_add(p: *mut JitCtx<'_>, i: i64, a: i64, b: i64) -> i64 {
    with(p, |c| {
        let op = usize::try_from(i)
            .ok()
            .and_then(|i| TIME_OPS.get(i))
            .copied();
        let (a, b) = match op {
            Some(BinOp::DateAddDur | BinOp::DateSubDur) => (Value::Date(a), Value::Duration(b)),
            Some(BinOp::DateAddPeriod | BinOp::DateSubPeriod) => (Value::Date(a), Value::Period(b)),
            Some(BinOp::InstantAddDur | BinOp::InstantSubDur) => {
                (Value::Instant(a), Value::Duration(b))
            }
            Some(BinOp::InstantAddPeriod | BinOp::InstantSubPeriod) => {
                (Value::Instant(a), Value::Period(b))
            }
            Some(BinOp::InstantSubInstant) => (Value::Instant(a), Value::Instant(b)),
            _ => return c.fail(INTERNAL),
        };
        match op.map(|op| ops::binary(op, &a, &b)) {
            Some(Ok(Value::Date(w) | Value::Instant(w) | Value::Duration(w))) => c.ok(w),
            Some(Err(f)) => c.fail(fault_kind(f)),
            _ => c.fail(INTERNAL),
        }
    })
}

/// The fault kind of an arithmetic fault.
fn fault_kind(f: OpFault) -> i64 {
    match f {
        OpFault::Overflow(_) => OVERFLOW,
        OpFault::DivisionByZero => DIV_ZERO,
        OpFault::NegativeRoot | OpFault::Places | OpFault::PartialDay => DOMAIN,
        OpFault::Ill => INTERNAL,
    }
}

/// A calendar field or start (`which` indexes [`Calendar::ALL`]) of a date,
/// or of an instant when `which` has [`OF_INSTANT`]; or [`INSTANT_OF`]
/// (`instant(d)`) or [`DATE_OF`] (`date(t)`). Never faults: every date's
/// midnight is an instant.
pub extern "C" fn calendar(p: *mut JitCtx<'_>, which: i64, x: i64) -> i64 {
    with(p, |_| {
        let day = polity_compiler::num::DAY;
        match which {
            INSTANT_OF => x.saturating_mul(day),
            DATE_OF => x.div_euclid(day),
            _ => {
                let c = usize::try_from(which & !OF_INSTANT)
                    .ok()
                    .and_then(|i| Calendar::ALL.get(i))
                    .copied()
                    .unwrap_or(Calendar::Year);
                if which & OF_INSTANT != 0 {
                    c.apply_instant(x)
                } else {
                    c.apply(x)
                }
            }
        }
    })
}

/// [`calendar`]: the field is of an instant.
pub const OF_INSTANT: i64 = 16;
/// [`calendar`]: `instant(d)`.
pub const INSTANT_OF: i64 = 32;
/// [`calendar`]: `date(t)`.
pub const DATE_OF: i64 = 33;

/// Compares two texts by bytes: -1, 0 or 1.
pub extern "C" fn text_cmp(p: *mut JitCtx<'_>, a: i64, b: i64) -> i64 {
    with(p, |c| {
        if a == b {
            return 0;
        }
        let (x, y) = (c.text_of(a), c.text_of(b));
        ord(x
            .as_deref()
            .map(str::as_bytes)
            .cmp(&y.as_deref().map(str::as_bytes)))
    })
}

/// The number of characters of a text.
pub extern "C" fn text_len(p: *mut JitCtx<'_>, a: i64) -> i64 {
    with(p, |c| {
        let n = c.text_of(a).map_or(0, |t| t.chars().count());
        i64::try_from(n).unwrap_or(i64::MAX)
    })
}

/// `a + b` on texts, a `Limit` fault past `max_collection_len` bytes.
pub extern "C" fn concat(p: *mut JitCtx<'_>, a: i64, b: i64) -> i64 {
    with(p, |c| {
        let (x, y) = (c.text_of(a), c.text_of(b));
        let (x, y) = (x.as_deref().unwrap_or(""), y.as_deref().unwrap_or(""));
        let len = x.len().saturating_add(y.len());
        if let Err(fault) = c.built(text_bytes(len)) {
            return fault;
        }
        if len > c.limits.max_collection_len {
            return c.fail(LIMIT);
        }
        let mut s = std::mem::take(&mut c.scratch);
        s.clear();
        s.push_str(x);
        s.push_str(y);
        let id = c.text(&s);
        if s.capacity() <= SCRATCH_KEPT {
            c.scratch = s;
        }
        c.ok(id)
    })
}

/// The largest buffer text `+` keeps for the next ([`JitCtx::scratch`]).
const SCRATCH_KEPT: usize = 1 << 20;

/// Compares two words of type `ty` in the interpreter's total order.
pub extern "C" fn cmp(p: *mut JitCtx<'_>, ty: i64, a: i64, b: i64) -> i64 {
    with(p, |c| {
        let t = c.ty(ty);
        match t {
            Type::Decimal => dec_cmp(p, a, b),
            Type::Text => text_cmp(p, a, b),
            _ => ord(c.value(t, a).cmp(&c.value(t, b))),
        }
    })
}

/// Whether words of this type are ordered like the integers they are.
pub(super) fn int_like(t: &Type) -> bool {
    t.is_int_like()
}

/// `x in xs` where `xs` has type `ty` (a List or Set).
pub extern "C" fn contains(p: *mut JitCtx<'_>, ty: i64, xs: i64, x: i64) -> i64 {
    with(p, |c| {
        let t = c.ty(ty);
        let elem = t.element().unwrap_or(&Type::Never);
        let items = code::list(xs);
        let found = match elem {
            e if int_like(e) && matches!(t, Type::Set(_)) => items.binary_search(&x).is_ok(),
            // A set of texts is in the texts' order (by bytes, as the
            // interpreter's values): a binary search, not a scan, so `x in
            // s` over a large set built from state stays O(log n).
            Type::Text if matches!(t, Type::Set(_)) => {
                let key = c.text_of(x);
                let key = key.as_deref().map(str::as_bytes);
                items
                    .binary_search_by(|y| {
                        if *y == x {
                            return Ordering::Equal;
                        }
                        c.text_of(*y).as_deref().map(str::as_bytes).cmp(&key)
                    })
                    .is_ok()
            }
            e if int_like(e) || *e == Type::Text => items.contains(&x),
            Type::Decimal => {
                let d = code::dec_at(x);
                items.iter().any(|y| code::dec_at(*y) == d)
            }
            _ => {
                let v = c.value(elem, x);
                items.iter().any(|y| c.value(elem, *y) == v)
            }
        };
        i64::from(found)
    })
}

/// The elements of the record list `xs` (of type `ty`) that a loop picking
/// by a field visits ([`polity_compiler::ir::Clause::keyed`]): when `xs` is
/// a state list of the snapshot, those whose field `field_many & 0xffff_ffff`
/// is `key` (or, when `field_many >> 32` is 1, one of the keys of the list
/// or set `key`), in order, through the layout's index; else `xs` itself
/// (the loop's filter decides, as always).
pub extern "C" fn candidates(
    p: *mut JitCtx<'_>,
    ty: i64,
    xs: i64,
    field_many: i64,
    key: i64,
) -> i64 {
    with(p, |c| {
        let n = match c.ty(ty).element() {
            Some(Type::Record(r)) => c.program.record(*r).map(|d| d.fields.len()),
            _ => None,
        };
        let (field, many) = ((field_many & 0xffff_ffff) as usize, field_many >> 32 == 1);
        let layout = c.layout;
        let found = n.and_then(|n| {
            let i = layout.state_holding(xs)?;
            Some(if many {
                std::borrow::Cow::Owned(layout.positions(i, field, n, code::list(key))?)
            } else {
                // One key: the index's own positions, copied once, into the block.
                std::borrow::Cow::Borrowed(layout.positions_of_key(i, field, n, key)?)
            })
        });
        let all = code::list(xs);
        // Positions are ascending: the last one in range means all are.
        let Some(positions) =
            found.filter(|p| p.last().is_none_or(|at| (*at as usize) < all.len()))
        else {
            return c.ok(xs);
        };
        let picked = positions
            .iter()
            .map(|at| all.get(*at as usize).copied().unwrap_or(NONE));
        let w = block_of_words(c, picked);
        c.ok(w)
    })
}

/// `xs[key]`: the element of the record list `xs` (of type `ty`) whose id
/// field equals `key`, or a `MissingValue` fault.
pub extern "C" fn index(p: *mut JitCtx<'_>, ty: i64, xs: i64, key: i64) -> i64 {
    with(p, |c| {
        let record = match c.ty(ty).element() {
            Some(Type::Record(r)) => c.program.record(*r),
            _ => None,
        };
        let Some((id_field, n)) = record.and_then(|r| r.id_field.map(|f| (f, r.fields.len())))
        else {
            return c.fail(INTERNAL);
        };
        // A state list of the snapshot (the very block): through its index.
        if code::list(xs).len() > SCAN_BELOW {
            let indexed = c
                .layout
                .state_holding(xs)
                .and_then(|i| c.layout.by_id(i, id_field as usize, n, key));
            if let Some(found) = indexed {
                return match found {
                    Some(r) => c.ok(r),
                    None => c.fail(MISSING),
                };
            }
        }
        let found = code::list(xs).iter().find(|r| {
            code::words(**r, n)
                .get(id_field as usize)
                .is_some_and(|id| *id == key)
        });
        match found {
            Some(r) => c.ok(*r),
            None => c.fail(MISSING),
        }
    })
}

fn list_of(c: &mut JitCtx<'_>, items: &[Value]) -> i64 {
    let words: Vec<i64> = items.iter().map(|v| layout::to_word(c, v)).collect();
    let block = c.words(words.len() + 1);
    if let Some((len, rest)) = block.split_first_mut() {
        *len = words.len() as i64;
        rest.copy_from_slice(&words);
    }
    block.as_ptr() as i64
}

/// Lists shorter than this are scanned by `xs[key]` rather than indexed.
pub const SCAN_BELOW: usize = 16;

/// A new block `[len, words...]` of the given elements.
fn block_of_words(c: &mut JitCtx<'_>, items: impl ExactSizeIterator<Item = i64>) -> i64 {
    let block = c.words(items.len() + 1);
    if let Some((len, rest)) = block.split_first_mut() {
        *len = rest.len() as i64;
        for (slot, w) in rest.iter_mut().zip(items) {
            *slot = w;
        }
    }
    block.as_ptr() as i64
}

/// `a + b` on lists: a `Limit` fault past `max_collection_len` elements.
pub extern "C" fn list_concat(p: *mut JitCtx<'_>, a: i64, b: i64) -> i64 {
    with(p, |c| {
        let (x, y) = (code::list(a), code::list(b));
        if let Err(fault) = c.built(elements(x.len().saturating_add(y.len()))) {
            return fault;
        }
        if x.len().saturating_add(y.len()) > c.limits.max_collection_len {
            return c.fail(LIMIT);
        }
        let w = block_of_words(
            c,
            x.iter().chain(y).copied().collect::<Vec<_>>().into_iter(),
        );
        c.ok(w)
    })
}

/// `take(xs, n)` (`which` 0) or `drop(xs, n)` (1) on a list or set block.
pub extern "C" fn take_drop(p: *mut JitCtx<'_>, which: i64, xs: i64, n: i64) -> i64 {
    with(p, |c| {
        let items = code::list(xs);
        let k = usize::try_from(n.max(0))
            .unwrap_or(usize::MAX)
            .min(items.len());
        let (head, tail) = items.split_at(k);
        let part = if which == 0 { head } else { tail };
        if let Err(fault) = c.built(elements(part.len())) {
            return fault;
        }
        let w = block_of_words(c, part.iter().copied());
        c.ok(w)
    })
}

/// `flatten(xss)`: the words of every inner block, in order; a `Limit`
/// fault past `max_collection_len` elements.
pub extern "C" fn flatten(p: *mut JitCtx<'_>, xss: i64) -> i64 {
    with(p, |c| {
        let inner = code::list(xss);
        let len: usize = inner.iter().map(|xs| code::list(*xs).len()).sum();
        if len > c.limits.max_collection_len {
            return c.fail(LIMIT);
        }
        if let Err(fault) = c.built(elements(len)) {
            return fault;
        }
        let words: Vec<i64> = inner
            .iter()
            .flat_map(|xs| code::list(*xs).iter().copied())
            .collect();
        let w = block_of_words(c, words.into_iter());
        c.ok(w)
    })
}

/// The elements of block `xs` at `positions`, in that order.
fn pick(c: &mut JitCtx<'_>, xs: i64, positions: &[usize]) -> i64 {
    let items = code::list(xs);
    let words: Vec<i64> = positions
        .iter()
        .filter_map(|i| items.get(*i).copied())
        .collect();
    block_of_words(c, words.into_iter())
}

/// A new growing list for a nested loop: its handle. (It marks the arena
/// used, so that a bulk entry clears the buffers of a subject that faults.)
pub extern "C" fn buf_new(p: *mut JitCtx<'_>) -> i64 {
    with(p, |c| {
        c.temp_used = 1;
        c.bufs.push(Vec::new());
        c.bufs.len() as i64 - 1
    })
}

/// Appends `w` to the growing list `h`: a `Limit` fault when it would hold
/// more than `max_collection_len` elements (as the interpreter's nested loop).
pub extern "C" fn buf_push(p: *mut JitCtx<'_>, h: i64, w: i64) -> i64 {
    with(p, |c| {
        let max = c.limits.max_collection_len;
        let Some(buf) = usize::try_from(h).ok().and_then(|h| c.bufs.get_mut(h)) else {
            return c.fail(INTERNAL);
        };
        if buf.len() >= max {
            return c.fail(LIMIT);
        }
        buf.push(w);
        c.ok(0)
    })
}

/// The block of the growing list `h`, which is finished (and the handles
/// made after it with it: loops finish innermost first).
pub extern "C" fn buf_end(p: *mut JitCtx<'_>, h: i64) -> i64 {
    with(p, |c| {
        let at = usize::try_from(h).unwrap_or(usize::MAX);
        let words = c.bufs.get_mut(at).map(std::mem::take).unwrap_or_default();
        c.bufs.truncate(at);
        block_of_words(c, words.into_iter())
    })
}

/// `range(a, b)`, a `Limit` fault past `max_collection_len` elements.
pub extern "C" fn range(p: *mut JitCtx<'_>, a: i64, b: i64) -> i64 {
    with(p, |c| {
        let len = (i128::from(b) - i128::from(a)).max(0);
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if len > c.limits.max_collection_len {
            return c.fail(LIMIT);
        }
        if let Err(fault) = c.built(elements(len)) {
            return fault;
        }
        let block = c.words(len + 1);
        if let Some((first, rest)) = block.split_first_mut() {
            *first = len as i64;
            let mut n = a;
            for slot in rest {
                *slot = n;
                n = n.wrapping_add(1);
            }
        }
        let w = block.as_ptr() as i64;
        c.ok(w)
    })
}

/// `given` in a test: state name `id` has the value `w` from here on, and
/// constants and parameterless fns, which may depend on it, are evaluated
/// afresh (as the interpreter's `Ctx::give`). Outside a test it does nothing.
pub extern "C" fn give(p: *mut JitCtx<'_>, id: i64, w: i64) -> i64 {
    with(p, |c| {
        let at = usize::try_from(id).ok().and_then(|i| i.checked_mul(2));
        let Some(range) = at.and_then(|i| Some(i..i.checked_add(2)?)) else {
            return 0;
        };
        if let Some(pair) = c.test_state.get_mut(range) {
            pair.copy_from_slice(&[1, w]);
            c.memo_store.0.fill(0);
            c.kept.clear();
        }
        0
    })
}

/// Entering (`op` = slot << 1) or leaving (`op` = slot << 1 | 1) the
/// evaluation of memo `slot` (a constant, a parameterless fn or a memoised
/// state-only expression): its values are kept across subjects, and it is
/// a unit of its own with a full step budget (as in the interpreter), whose
/// steps are recorded for [`charge`]. Leaving returns 1 when a memoised
/// expression ran out of steps or memory: it is then memoised as
/// exhausted, evaluated in place at every use, so it costs nothing to
/// charge.
pub extern "C" fn const_scope(p: *mut JitCtx<'_>, op: i64) -> i64 {
    with(p, |c| {
        let (leave, slot) = (op & 1 == 1, op >> 1);
        if !leave {
            c.out_of_steps = false;
            c.out_of_memory = false;
            // A unit of its own, with a full budget (as in the interpreter).
            c.units.push((c.fuel, c.reserve, c.memory));
            c.start_unit();
            c.const_depth = c.const_depth.saturating_add(1);
            return 0;
        }
        let full = u64::try_from(c.fuel0 + c.reserve0).unwrap_or(0);
        let used = i64::try_from(full.saturating_sub(c.steps_left())).unwrap_or(i64::MAX);
        let built = c.memory0.saturating_sub(c.memory.max(0));
        let hoisted =
            usize::try_from(slot).is_ok_and(|s| s >= c.program.consts.len() + c.program.fns.len());
        let out = std::mem::take(&mut c.out_of_steps) | std::mem::take(&mut c.out_of_memory);
        let exhausted = out && hoisted;
        let cost = if exhausted { (0, 0) } else { (used, built) };
        if let Ok(i) = usize::try_from(slot) {
            if c.costs.len() <= i && cost != (0, 0) {
                c.costs.resize(i.saturating_add(1), (0, 0));
            }
            if let Some(at) = c.costs.get_mut(i) {
                *at = cost;
            }
        }
        if let Some((fuel, reserve, memory)) = c.units.pop() {
            c.fuel = fuel;
            c.reserve = reserve;
            c.memory = memory;
        }
        c.memoised = c.memoised.wrapping_add(1);
        c.const_depth = c.const_depth.saturating_sub(1);
        // A memoised state-only expression that ran out of its own budget
        // runs out inside a subject's too, but sooner, where the
        // interpreter says: it is evaluated in place, at every use.
        i64::from(exhausted)
    })
}

/// Generated code's slow path of a step: `fuel` is below zero
/// ([`JitCtx::refill`]); past the budget, the fault `kind` ([`LIMIT`] where
/// the step is the interpreter's, [`BAIL`] where steps were charged ahead).
pub extern "C" fn refuel(p: *mut JitCtx<'_>, kind: i64) -> i64 {
    with(p, |c| match c.refill(kind) {
        0 => c.ok(0),
        kind => c.fail(kind),
    })
}

/// The slow path of counting a loop's `n` steps ahead (`fuel` went below
/// zero): the iterations the unit's budget covers. All `n` when it has
/// them (taken as [`refuel`] takes them); else every step it has left,
/// which leaves it none: generated code runs the loop for that many
/// iterations only, and then counts the next one's step, which runs out
/// where the interpreter's does. A passed deadline or a cancellation bails
/// out.
pub extern "C" fn ahead(p: *mut JitCtx<'_>, n: i64) -> i64 {
    with(p, |c| {
        let deficit = c.fuel.saturating_neg().max(0);
        if deficit <= c.reserve {
            return match c.refill(BAIL) {
                0 => c.ok(n),
                kind => c.fail(kind),
            };
        }
        // `fuel` is what it was less `n`.
        let covered = c
            .fuel
            .saturating_add(n)
            .max(0)
            .saturating_add(c.reserve.max(0));
        c.fuel = 0;
        c.reserve = 0;
        if c.stop.check().is_err() {
            return c.fail(BAIL);
        }
        c.ok(covered.min(n))
    })
}

/// The use of a memoised state-only expression (memo `slot`): the steps
/// and bytes its evaluation took are this unit's too, as they are in the
/// interpreter, which evaluates it in place. 1 when the unit has not that
/// much left, which it then still has (or when the deadline passed):
/// generated code then evaluates the expression in place, and it runs out
/// where the interpreter's does.
pub extern "C" fn charge(p: *mut JitCtx<'_>, slot: i64) -> i64 {
    with(p, |c| {
        let (steps, bytes) = usize::try_from(slot)
            .ok()
            .and_then(|i| c.costs.get(i))
            .copied()
            .unwrap_or((0, 0));
        if bytes > c.memory {
            return 1;
        }
        let fuel = c.fuel.saturating_sub(steps);
        if fuel < 0 {
            if fuel.saturating_neg() > c.reserve {
                return 1;
            }
            c.fuel = fuel;
            if c.refill(BAIL) != 0 {
                return 1;
            }
        } else {
            c.fuel = fuel;
        }
        c.memory -= bytes;
        0
    })
}

/// Generated code's slow path of counting bytes inline: `memory` went below
/// zero, the unit is out of memory (a [`LIMIT`] fault where it counted).
pub extern "C" fn out_of_memory(p: *mut JitCtx<'_>) -> i64 {
    with(p, |c| {
        c.memory = 0;
        c.out_of_memory = true;
        c.fail(LIMIT)
    })
}

/// Between two subjects of a bulk entry (which calls this only when
/// [`JitCtx::temp_used`] is set): frees what the previous subject made.
pub extern "C" fn clear_temp(p: *mut JitCtx<'_>) -> i64 {
    with(p, |c| {
        c.forget_subject_texts();
        c.temp.clear();
        // A subject that faulted inside a nested loop left its buffer.
        c.bufs.clear();
        c.temp_used = 0;
        0
    })
}

/// The exact numeric builtins of the standard library, by `which`:
/// 0 decimal `div`, 1 decimal `mod`, 2 `isqrt` of an Int, 3 `isqrt` of a
/// Decimal, 4 `sqrt`, 5 `mul_div(a, b, c)`, 6 `pow(a, b)` (b an Int),
/// [`ROUND_TO`] + i `round(a, b, RoundMode::ALL[i])` (b an Int). The
/// interpreter's own operations compute them, so the results are identical.
pub extern "C" fn num_op(p: *mut JitCtx<'_>, which: i64, a: i64, b: i64, c: i64) -> i64 {
    with(p, |ctx| {
        let dec = |w: i64| Value::dec(code::dec_at(w));
        let r = match which {
            0 => ops::binary(polity_compiler::ir::BinOp::DecDiv, &dec(a), &dec(b)),
            1 => ops::binary(polity_compiler::ir::BinOp::DecMod, &dec(a), &dec(b)),
            2 => ops::isqrt(&Value::Int(a)),
            3 => ops::isqrt(&dec(a)),
            4 => ops::sqrt(&dec(a)),
            5 => ops::mul_div(&dec(a), &dec(b), &dec(c)),
            6 => ops::pow(&dec(a), &Value::Int(b)),
            _ => {
                let mode = which
                    .checked_sub(ROUND_TO)
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| RoundMode::ALL.get(i));
                match mode {
                    Some(m) => ops::round_to(&dec(a), &Value::Int(b), *m),
                    None => Err(OpFault::Ill),
                }
            }
        };
        match r {
            Ok(v) => {
                let w = layout::to_word(ctx, &v);
                ctx.ok(w)
            }
            Err(f) => ctx.fail(fault_kind(f)),
        }
    })
}

/// [`num_op`]'s first rounding: `round(a, places)` in mode `RoundMode::ALL[i]` is `ROUND_TO + i`.
pub const ROUND_TO: i64 = 7;

/// `none`'s word (re-exported for the translator).
pub const NONE_WORD: i64 = NONE;

/// The signatures of helpers, by their number of `i64` parameters after the
/// context; [`HelperFn::ARITY`] is that number.
type F0 = extern "C" fn(*mut JitCtx<'static>) -> i64;
type F1 = extern "C" fn(*mut JitCtx<'static>, i64) -> i64;
type F2 = extern "C" fn(*mut JitCtx<'static>, i64, i64) -> i64;
type F3 = extern "C" fn(*mut JitCtx<'static>, i64, i64, i64) -> i64;
type F4 = extern "C" fn(*mut JitCtx<'static>, i64, i64, i64, i64) -> i64;

/// A helper's function pointer type, which fixes its arity.
trait HelperFn: Copy {
    const ARITY: usize;
    fn address(self) -> *const u8;
}

macro_rules! helper_fn {
    ($($t:ty => $n:literal),*) => {$(
        impl HelperFn for $t {
            const ARITY: usize = $n;
            fn address(self) -> *const u8 {
                self as *const u8
            }
        }
    )*};
}
helper_fn!(F0 => 0, F1 => 1, F2 => 2, F3 => 3, F4 => 4);

/// Declares [`Helper`] from one table: per helper its variant, its symbol
/// name and its function with the pointer type it is called through (so
/// its arity is the function's own: a helper whose function does not have
/// that type does not compile, and neither does a call site naming a helper
/// that is not in the table).
macro_rules! helpers {
    ($($v:ident => $sym:literal, $f:path as $t:ident;)*) => {
        /// An `extern "C"` helper that generated code calls.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Helper {
            $($v,)*
        }

        impl Helper {
            /// Every helper, in declaration order (`ALL[h as usize] == h`).
            pub const ALL: &'static [Helper] = &[$(Helper::$v,)*];

            /// The symbol generated code imports it by.
            pub fn symbol(self) -> &'static str {
                match self {
                    $(Helper::$v => $sym,)*
                }
            }

            /// Its number of `i64` parameters after the context.
            pub fn arity(self) -> usize {
                match self {
                    $(Helper::$v => <$t as HelperFn>::ARITY,)*
                }
            }

            /// The address of its function.
            pub fn address(self) -> *const u8 {
                match self {
                    $(Helper::$v => ($f as $t).address(),)*
                }
            }
        }
    };
}

helpers! {
    Alloc => "polity_alloc", alloc as F1;
    DecFromInt => "polity_dec_from_int", dec_from_int as F1;
    DecBin => "polity_dec_bin", dec_bin as F3;
    DecUn => "polity_dec_un", dec_un as F2;
    DecRatio => "polity_dec_ratio", dec_ratio as F2;
    DecRound => "polity_dec_round", dec_round as F2;
    DecCmp => "polity_dec_cmp", dec_cmp as F2;
    IntDiv => "polity_int_div", int_div as F3;
    DateAdd => "polity_date_add", date_add as F3;
    Calendar => "polity_calendar", calendar as F2;
    TextCmp => "polity_text_cmp", text_cmp as F2;
    TextLen => "polity_text_len", text_len as F1;
    Concat => "polity_concat", concat as F2;
    Cmp => "polity_cmp", cmp as F3;
    Contains => "polity_contains", contains as F3;
    ContainsKept => "polity_contains_kept", members::contains_kept as F3;
    Index => "polity_index", index as F3;
    Candidates => "polity_candidates", candidates as F4;
    Mark => "polity_mark", mark as F0;
    Release => "polity_release", release as F1;
    Sorted => "polity_sorted", words::sorted as F2;
    SetFrom => "polity_set_from", words::set_from as F2;
    Range => "polity_range", range as F2;
    ConstScope => "polity_const_scope", const_scope as F1;
    Refuel => "polity_refuel", refuel as F1;
    Ahead => "polity_ahead", ahead as F1;
    Charge => "polity_charge", charge as F1;
    OutOfMemory => "polity_out_of_memory", out_of_memory as F0;
    Give => "polity_give", give as F2;
    DecSumAdd => "polity_dec_sum_add", dec_sum_add as F2;
    DecSumEnd => "polity_dec_sum_end", dec_sum_end as F1;
    NumOp => "polity_num_op", num_op as F4;
    ClearTemp => "polity_clear_temp", clear_temp as F0;
    ToText => "polity_to_text", text::to_text_of as F2;
    TextCase => "polity_text_case", text::text_case as F2;
    TextTest => "polity_text_test", text::text_test as F3;
    ListConcat => "polity_list_concat", list_concat as F2;
    TakeDrop => "polity_take_drop", take_drop as F3;
    Flatten => "polity_flatten", flatten as F1;
    Whole => "polity_whole", words::whole as F4;
    BufNew => "polity_buf_new", buf_new as F0;
    SortBy => "polity_sort_by", words::sort_by as F4;
    TakePer => "polity_take_per", words::take_per as F4;
    GroupBy => "polity_group_by", words::group_by as F3;
    KeyBlock => "polity_key_block", words::key_block as F1;
    BufPush => "polity_buf_push", buf_push as F2;
    BufEnd => "polity_buf_end", buf_end as F1;
    FoldStart => "polity_fold_start", fold::fold_start as F0;
    FoldStep => "polity_fold_step", fold::fold_step as F3;
    FoldEnd => "polity_fold_end", fold::fold_end as F1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_code_finds_the_fields_it_reads() {
        use std::mem::offset_of;
        let fields = [
            (offset_of!(JitCtx<'static>, state), STATE_OFFSET),
            (offset_of!(JitCtx<'static>, memo), MEMO_OFFSET),
            (offset_of!(JitCtx<'static>, flag), FLAG_OFFSET),
            (offset_of!(JitCtx<'static>, temp_used), TEMP_USED_OFFSET),
            (offset_of!(JitCtx<'static>, fuel), FUEL_OFFSET),
            (offset_of!(JitCtx<'static>, reserve), RESERVE_OFFSET),
            (offset_of!(JitCtx<'static>, fuel0), FUEL0_OFFSET),
            (offset_of!(JitCtx<'static>, reserve0), RESERVE0_OFFSET),
            (offset_of!(JitCtx<'static>, memory), MEMORY_OFFSET),
            (offset_of!(JitCtx<'static>, memory0), MEMORY0_OFFSET),
        ];
        for (actual, used) in fields {
            assert_eq!(actual, used as usize);
        }
    }

    #[test]
    fn every_helper_is_listed_once_under_its_own_symbol() {
        for (i, h) in Helper::ALL.iter().enumerate() {
            assert_eq!(*h as usize, i, "{h:?} out of order in Helper::ALL");
            assert!(h.symbol().starts_with("polity_"), "{h:?}");
            assert!(h.arity() <= 4, "{h:?}");
            assert!(!h.address().is_null(), "{h:?}");
        }
        let symbols: std::collections::BTreeSet<&str> =
            Helper::ALL.iter().map(|h| h.symbol()).collect();
        assert_eq!(symbols.len(), Helper::ALL.len(), "a symbol is used twice");
    }

    #[test]
    fn a_helper_arity_is_its_function_s() {
        assert_eq!(Helper::ClearTemp.arity(), 0);
        assert_eq!(Helper::Alloc.arity(), 1);
        assert_eq!(Helper::Give.arity(), 2);
        assert_eq!(Helper::DecBin.arity(), 3);
        assert_eq!(Helper::NumOp.arity(), 4);
    }
}
