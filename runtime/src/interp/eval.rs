//! Expression evaluation: one method per IR form.
//!
//! An [`Eval`] is one frame (a fn, law, const or test body) inside one
//! evaluation context ([`Ctx`]: the program, the state, the limits and the
//! memoised constants). Calls create a new `Eval` one level deeper.

use super::ops::{self, OpFault};
use super::state_only::Memos;
use super::thunks::{self, Thunk};
use super::{Exhausted, Limits, Meter, ELEMENT_BYTES};
use crate::snapshot::{Snapshot, ValueIndex};
use crate::value::{render, Value};
use crate::verdict::{ErrorKind, EvalError};
use polity_compiler::ir::{
    Arm, BinOp, Builtin, Expr, ExprKind, FnId, LawId, Lit, LocalId, Pattern, Program, StateId, UnOp,
};
use polity_compiler::num::MAX_PLACES;
use polity_compiler::span::Span;
use polity_compiler::types::Type;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

/// State lists at least this long are indexed by id for `xs[key]`.
pub(crate) const INDEX_FROM: usize = 16;

/// Where state names get their values.
pub(crate) enum States<'p> {
    /// A loaded snapshot (laws, the REPL).
    Snapshot(&'p Snapshot),
    /// A test: a name has a value only after a `given` for it.
    Test(Vec<Option<Value>>),
}

/// One evaluation context: everything shared by the frames of one evaluation.
pub(crate) struct Ctx<'p> {
    pub program: &'p Program,
    pub limits: Limits,
    states: States<'p>,
    /// `None` until a constant is first needed; its result (even a fault) after.
    consts: RefCell<Vec<Option<Result<Value, EvalError>>>>,
    /// The same for functions without parameters (indexed by fn).
    nullary: RefCell<Vec<Option<Result<Value, EvalError>>>>,
    /// The indexes of state lists by a field that `xs[key]` (the id
    /// field) and loops picking elements by a field
    /// ([`polity_compiler::ir::Clause::keyed`]) look into: per list and
    /// field, the list (kept, so that its identity tells a `given`
    /// replacement apart) and its index, the snapshot's own when the list
    /// is the snapshot's (taken from it once per context, not per lookup),
    /// else built the first time.
    indexes: RefCell<BTreeMap<(StateId, u32), KeptIndex>>,
    /// How much verdicts explain.
    pub explain: super::Explain,
    /// Compiled code for some expressions ([`super::Accel`]).
    pub accel: Option<&'p dyn super::Accel>,
    /// The steps left, the deadline and cancellation (`budget.rs`).
    pub meter: Meter,
    /// Counts what is reached, for `polity test --coverage` (`coverage.rs`).
    pub coverage: Option<&'p super::coverage::Coverage>,
    /// State-only expressions' outcomes, shared with the other contexts of
    /// the same interpreter (`state_only.rs`).
    pub memos: Arc<Memos>,
    /// Large lists tested for membership, by identity (`members.rs`).
    pub(crate) members: RefCell<super::members::Lists>,
    /// Text literals' values, each made once (by the literal's address in
    /// the program): a literal in a loop shares one text, which the memory
    /// budget does not count, rather than allocating a copy per iteration.
    literal_texts: RefCell<BTreeMap<usize, Value>>,
}

/// A list (kept for its identity) and its index by one field.
type KeptIndex = (Value, Arc<ValueIndex>);

impl<'p> Ctx<'p> {
    pub fn new(program: &'p Program, limits: Limits, states: States<'p>) -> Ctx<'p> {
        Ctx {
            program,
            states,
            consts: RefCell::new(vec![None; program.consts.len()]),
            nullary: RefCell::new(vec![None; program.fns.len()]),
            indexes: RefCell::new(BTreeMap::new()),
            explain: super::Explain::default(),
            accel: None,
            meter: Meter::new(limits.max_steps, limits.max_memory, limits.stop()),
            limits,
            coverage: None,
            memos: Memos::new(),
            members: RefCell::default(),
            literal_texts: RefCell::default(),
        }
    }

    /// The value of the text literal `s`, shared by every evaluation of it
    /// (checked to be `s`: an address says which literal only while it
    /// lives).
    fn text_literal(&self, s: &str) -> Value {
        let mut texts = self.literal_texts.borrow_mut();
        let v = texts.entry(s.as_ptr() as usize).or_insert(Value::None);
        if !matches!(v, Value::Text(t) if **t == *s) {
            *v = Value::text(s);
        }
        v.clone()
    }

    /// Whether state-only expressions are memoised: over a snapshot, not
    /// in a test (whose `given`s change the state) nor while counting
    /// coverage (which must see every evaluation).
    #[inline]
    pub(crate) fn memo_on(&self) -> bool {
        self.coverage.is_none() && matches!(self.states, States::Snapshot(_))
    }

    /// The element of `list` (the value of state name `id`, records whose id
    /// is field `id_field`) with id `key`, through the list's index: the
    /// first with that id.
    fn by_id(&self, id: StateId, list: &Value, id_field: usize, key: &Value) -> Option<Value> {
        let at = self.with_index(id, list, id_field as u32, |index| index.first(key))?;
        list.elements().get(at).cloned()
    }

    /// The positions, ascending, of the elements of `list` (the value of
    /// state name `id`, records) whose field `field` equals one of `keys`.
    pub(crate) fn positions(
        &self,
        id: StateId,
        list: &Value,
        field: u32,
        keys: &[Value],
    ) -> Vec<usize> {
        self.with_index(id, list, field, |index| index.positions(keys))
    }

    /// `f` of the index of `list` (the value of state name `id`) by
    /// `field`: the snapshot's own when `list` is the very value of state
    /// name `id` in a snapshot (not a test's `given`), shared by every
    /// context over the snapshot and so built once; else this context's,
    /// built again when the list is another one.
    fn with_index<R>(
        &self,
        id: StateId,
        list: &Value,
        field: u32,
        f: impl FnOnce(&ValueIndex) -> R,
    ) -> R {
        let same = |v: &Value| std::ptr::eq(v.elements(), list.elements());
        let mut indexes = self.indexes.borrow_mut();
        if let Some((kept, index)) = indexes.get(&(id, field)) {
            if same(kept) {
                return f(index);
            }
        }
        let index = self
            .shared_index(id, list, field)
            .unwrap_or_else(|| Arc::new(ValueIndex::build(list, field)));
        let answer = f(&index);
        indexes.insert((id, field), (list.clone(), index));
        answer
    }

    /// The snapshot's own index of `list` by `field`, when `list` is the
    /// very value of state name `id` in a snapshot.
    fn shared_index(&self, id: StateId, list: &Value, field: u32) -> Option<Arc<ValueIndex>> {
        let States::Snapshot(s) = &self.states else {
            return None;
        };
        let own = s.get(id)?;
        if !std::ptr::eq(own.elements(), list.elements()) {
            return None;
        }
        s.value_index(id, field, |l| ValueIndex::build(l, field))
    }

    /// `given name = value` in a test; constants may depend on it, so they are
    /// evaluated afresh.
    pub fn give(&mut self, id: StateId, value: Value) {
        if let States::Test(values) = &mut self.states {
            if let Some(slot) = values.get_mut(id.0 as usize) {
                *slot = Some(value);
            }
        }
        self.consts.get_mut().iter_mut().for_each(|c| *c = None);
        self.nullary.get_mut().iter_mut().for_each(|c| *c = None);
    }

    /// The source text of a span ("" when unknown).
    pub fn snippet(&self, span: Span) -> &'p str {
        self.program.sources.snippet(span)
    }

    fn state(&self, id: StateId, span: Span) -> Result<Value, EvalError> {
        let value = match &self.states {
            States::Snapshot(s) => s.get(id),
            States::Test(values) => values.get(id.0 as usize).and_then(Option::as_ref),
        };
        // The message is written only when the value is missing: a state
        // name is read for every subject.
        value.cloned().ok_or_else(|| {
            let name = self
                .program
                .state
                .get(id.0 as usize)
                .map_or("?", |s| s.name.as_str());
            let message = match &self.states {
                States::Snapshot(_) => format!("`{name}` has no value in the snapshot"),
                States::Test(_) => {
                    format!("`{name}` has no value in this test; add `given {name} = ...`")
                }
            };
            EvalError {
                kind: ErrorKind::MissingValue,
                message,
                span,
            }
        })
    }

    /// A constant's value, or a parameterless fn's result: evaluated at most
    /// once per context, in its own frame at depth 0, so its value never
    /// depends on where it is first needed (see `thunks`).
    pub(crate) fn thunk(&self, t: Thunk, span: Span) -> Result<Value, EvalError> {
        if let Some(memo) = self.memo(t) {
            return memo;
        }
        // Force what it depends on first, so no evaluation below recurses
        // through a chain of unevaluated constants.
        for dep in thunks::dependencies(self.program, t) {
            if self.memo(dep).is_none() {
                let result = self.evaluate(dep, span);
                self.remember(dep, result);
            }
        }
        let result = self.evaluate(t, span);
        self.remember(t, result.clone());
        result
    }

    fn memo(&self, t: Thunk) -> Option<Result<Value, EvalError>> {
        match t {
            Thunk::Const(i) => self.consts.borrow().get(i as usize).cloned().flatten(),
            Thunk::Fn(i) => self.nullary.borrow().get(i as usize).cloned().flatten(),
        }
    }

    fn remember(&self, t: Thunk, result: Result<Value, EvalError>) {
        let (memo, i) = match t {
            Thunk::Const(i) => (&self.consts, i),
            Thunk::Fn(i) => (&self.nullary, i),
        };
        if let Some(slot) = memo.borrow_mut().get_mut(i as usize) {
            *slot = Some(result);
        }
    }

    fn evaluate(&self, t: Thunk, span: Span) -> Result<Value, EvalError> {
        let (frame_size, body) = match t {
            Thunk::Const(i) => match self.program.consts.get(i as usize) {
                Some(d) => (d.frame_size, &d.value),
                None => return Err(ill(span, "unknown constant")),
            },
            Thunk::Fn(i) => match self.program.fns.get(i as usize) {
                Some(d) => (d.frame_size, &d.body),
                None => return Err(ill(span, "unknown fn")),
            },
        };
        self.unit(|| Eval::new(self, frame_size, 0).eval(body))
    }

    /// Runs `f` as a unit of its own: with a full step budget, after which
    /// the enclosing unit resumes with what it had left.
    pub(crate) fn unit<R>(&self, f: impl FnOnce() -> R) -> R {
        let saved = self.meter.begin();
        let r = f();
        self.meter.end(saved);
        r
    }

    /// Looks at the deadline and cancellation before a subject, whose
    /// verdict is then a `limit` fault at `span`.
    pub(crate) fn may_start(&self, span: Span, what: &str) -> Result<(), EvalError> {
        self.meter.check().map_err(|x| EvalError {
            kind: ErrorKind::Limit,
            message: x.message(what),
            span,
        })
    }
}

/// A fault that well-typed IR never produces: a compiler bug, reported rather
/// than panicking, as [`ErrorKind::Internal`] (never as a user's fault).
pub(crate) fn ill(span: Span, what: &str) -> EvalError {
    EvalError {
        kind: ErrorKind::Internal,
        message: format!("internal error: {what} (a bug in the compiler, not in the charter)"),
        span,
    }
}

/// Forms that are never worth handing to an [`super::Accel`] (no lookup).
fn cheap(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Lit(_)
            | ExprKind::Local(_)
            | ExprKind::State(_)
            | ExprKind::Const(_)
            | ExprKind::Field(..)
            | ExprKind::OptField(..)
    )
}

/// One frame of evaluation.
pub(crate) struct Eval<'c, 'p> {
    pub ctx: &'c Ctx<'p>,
    slots: Vec<Value>,
    /// How many fn or law calls are active below this frame.
    pub depth: u32,
    /// A law's `let`s seen so far (slot, name, value), when its failures are
    /// explained: a reason about such a name is explained through its value.
    pub lets: Vec<(LocalId, &'p str, &'p Expr)>,
}

impl<'c, 'p> Eval<'c, 'p> {
    pub fn new(ctx: &'c Ctx<'p>, frame_size: u32, depth: u32) -> Eval<'c, 'p> {
        Eval {
            ctx,
            slots: vec![Value::None; frame_size as usize],
            depth,
            lets: Vec::new(),
        }
    }

    /// A frame with already bound slots (a test's, carried across `given`s).
    pub fn with_slots(ctx: &'c Ctx<'p>, slots: Vec<Value>, depth: u32) -> Eval<'c, 'p> {
        Eval {
            ctx,
            slots,
            depth,
            lets: Vec::new(),
        }
    }

    /// The frame's slots, to be carried into a later [`Eval::with_slots`].
    pub fn into_slots(self) -> Vec<Value> {
        self.slots
    }

    /// Binds a slot (growing the frame rather than panicking on bad IR).
    pub fn set(&mut self, id: LocalId, value: Value) {
        let i = id.0 as usize;
        if i >= self.slots.len() {
            self.slots.resize(i + 1, Value::None);
        }
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = value;
        }
    }

    fn local(&self, id: LocalId) -> Value {
        self.slots
            .get(id.0 as usize)
            .cloned()
            .unwrap_or(Value::None)
    }

    /// An error located at `span`.
    pub fn fault(&self, kind: ErrorKind, span: Span, message: String) -> EvalError {
        EvalError {
            kind,
            message,
            span,
        }
    }

    /// The source text of `e`, or `fallback` when it has none.
    pub fn text_of(&self, e: &Expr, fallback: &'p str) -> &'p str {
        match self.ctx.snippet(e.span) {
            "" => fallback,
            s => s,
        }
    }

    /// Locates an arithmetic fault at the expression `e` (written with `symbol`).
    pub fn op_error(&self, fault: OpFault, e: &Expr, symbol: &'static str) -> EvalError {
        let text = self.text_of(e, symbol);
        match fault {
            OpFault::Overflow("date") => self.fault(
                ErrorKind::Overflow,
                e.span,
                format!("date out of range in `{text}`"),
            ),
            OpFault::Overflow(kind) => self.fault(
                ErrorKind::Overflow,
                e.span,
                format!("{kind} overflow in `{text}`"),
            ),
            OpFault::DivisionByZero => self.fault(
                ErrorKind::DivisionByZero,
                e.span,
                format!("division by zero in `{text}`"),
            ),
            OpFault::NegativeRoot => self.fault(
                ErrorKind::Domain,
                e.span,
                format!("square root of a negative number in `{text}`"),
            ),
            OpFault::PartialDay => self.fault(
                ErrorKind::Domain,
                e.span,
                format!("`{text}` moves a Date by part of a day; a Date has no time of day (use an Instant)"),
            ),
            OpFault::Places => self.fault(
                ErrorKind::Domain,
                e.span,
                format!("places out of range (-{MAX_PLACES} to {MAX_PLACES}) in `{text}`"),
            ),
            OpFault::Ill => ill(e.span, "operands of the wrong type"),
        }
    }

    /// Evaluates an expression, on a stack that is grown when little of it
    /// is left: expressions nest at most 128 deep and calls at most
    /// `max_call_depth`, but together they can ask for more stack than a
    /// thread has (2 MiB for one an embedder spawns), and every recursion of
    /// the interpreter (calls, laws, constants, explanations) goes through
    /// here.
    pub fn eval(&mut self, e: &Expr) -> Result<Value, EvalError> {
        polity_compiler::ir::with_stack(|| self.eval_here(e))
    }

    fn eval_here(&mut self, e: &Expr) -> Result<Value, EvalError> {
        if !cheap(e) && self.ctx.memoises(e) {
            return self.memoised(e);
        }
        self.eval_fresh(e)
    }

    /// Evaluates `e` itself, not through the memo of state-only expressions.
    pub(crate) fn eval_fresh(&mut self, e: &Expr) -> Result<Value, EvalError> {
        if let Some(accel) = self.ctx.accel {
            if !cheap(e) && accel.has(e) {
                if let Some(v) = accel.eval(e, &self.slots, self.depth, &self.ctx.meter) {
                    return Ok(v);
                }
            }
        }
        match &e.kind {
            ExprKind::Lit(Lit::Text(s)) => Ok(self.ctx.text_literal(s)),
            ExprKind::Lit(lit) => Ok(literal(lit)),
            ExprKind::Local(id) => Ok(self.local(*id)),
            ExprKind::State(id) => self.ctx.state(*id, e.span),
            ExprKind::Const(id) => self.ctx.thunk(Thunk::Const(id.0), e.span),
            ExprKind::CallFn(f, args) => self.call_fn(e, *f, args),
            ExprKind::CallLaw(law, arg) => self.call_law(e, *law, arg.as_deref()),
            ExprKind::Builtin(b, args) => self.builtin(e, *b, args),
            ExprKind::Unary(op, x) => self.unary(e, *op, x),
            ExprKind::Binary(op, a, b) => self.binary(e, *op, a, b),
            ExprKind::And(a, b) => self.and(a, b),
            ExprKind::Or(a, b) => self.or(a, b),
            ExprKind::If(c, a, b) => self.if_then_else(c, a, b),
            ExprKind::Match(x, arms) => self.matching(e, x, arms),
            ExprKind::Field(r, i) => self.field(e, r, *i, false),
            ExprKind::OptField(r, i) => self.field(e, r, *i, true),
            ExprKind::Coalesce(a, b) => self.coalesce(a, b),
            ExprKind::Record(_, fields) => self.record(e, fields),
            ExprKind::With(r, updates) => self.with(e, r, updates),
            ExprKind::List(xs) => self.list(e, xs),
            ExprKind::Set(xs) => self.set_literal(e, xs),
            ExprKind::Loop(l) => self.run_loop(e, l),
            ExprKind::ByKey(k) => self.by_key(e, k),
            ExprKind::Fold(f) => self.fold(e, f),
            ExprKind::In(x, xs) => self.member(x, xs),
            ExprKind::Index(xs, key) => self.index(e, xs, key),
            ExprKind::Let(id, value, body) => self.let_in(*id, value, body),
            ExprKind::IntToDec(x) => self.int_to_dec(e, x),
        }
    }

    // Each form has its own method so that `eval`'s frame stays small: calls
    // recurse through it, and the depth limit must be reached long before a
    // (debug build's) stack runs out.

    fn and(&mut self, a: &Expr, b: &Expr) -> Result<Value, EvalError> {
        match self.bool(a)? {
            true => self.eval(b),
            false => Ok(Value::Bool(false)),
        }
    }

    fn or(&mut self, a: &Expr, b: &Expr) -> Result<Value, EvalError> {
        match self.bool(a)? {
            true => Ok(Value::Bool(true)),
            false => self.eval(b),
        }
    }

    fn if_then_else(&mut self, c: &Expr, a: &Expr, b: &Expr) -> Result<Value, EvalError> {
        let holds = self.bool(c)?;
        self.ctx.cover(super::coverage::Point::If(c.span, holds));
        match holds {
            true => self.eval(a),
            false => self.eval(b),
        }
    }

    /// `r.f`, or `r?.f` (`none` when `r` is) when `optional`.
    fn field(&mut self, e: &Expr, r: &Expr, i: u32, optional: bool) -> Result<Value, EvalError> {
        match self.eval(r)? {
            Value::None if optional => Ok(Value::None),
            r => field(&r, i, e.span),
        }
    }

    fn coalesce(&mut self, a: &Expr, b: &Expr) -> Result<Value, EvalError> {
        match self.eval(a)? {
            Value::None => self.eval(b),
            a => Ok(a),
        }
    }

    fn record(&mut self, e: &Expr, fields: &[Expr]) -> Result<Value, EvalError> {
        let values = self.eval_all(fields)?;
        self.allocate(e, elements(record_elements(values.len())))?;
        Ok(Value::Record(values.into()))
    }

    fn list(&mut self, e: &Expr, xs: &[Expr]) -> Result<Value, EvalError> {
        let values = self.eval_all(xs)?;
        self.allocate(e, elements(values.len()))?;
        Ok(Value::List(values.into()))
    }

    fn set_literal(&mut self, e: &Expr, xs: &[Expr]) -> Result<Value, EvalError> {
        let values = self.eval_all(xs)?;
        self.allocate(e, elements(values.len()))?;
        Ok(Value::set_from(values))
    }

    fn member(&mut self, x: &Expr, xs: &Expr) -> Result<Value, EvalError> {
        let x = self.eval(x)?;
        let xs = self.eval(xs)?;
        Ok(Value::Bool(self.ctx.contains(&xs, &x)))
    }

    fn let_in(&mut self, id: LocalId, value: &Expr, body: &Expr) -> Result<Value, EvalError> {
        let v = self.eval(value)?;
        self.set(id, v);
        self.eval(body)
    }

    fn int_to_dec(&mut self, e: &Expr, x: &Expr) -> Result<Value, EvalError> {
        match self.eval(x)? {
            Value::Int(n) => Ok(Value::dec(polity_compiler::num::Dec::from_int(n))),
            _ => Err(ill(e.span, "`IntToDec` of a non-Int")),
        }
    }

    /// Evaluates a `Bool` expression.
    pub fn bool(&mut self, e: &Expr) -> Result<bool, EvalError> {
        match self.eval(e)? {
            Value::Bool(b) => Ok(b),
            _ => Err(ill(e.span, "a condition that is not a Bool")),
        }
    }

    /// Evaluates expressions left to right.
    pub fn eval_all(&mut self, es: &[Expr]) -> Result<Vec<Value>, EvalError> {
        es.iter().map(|e| self.eval(e)).collect()
    }

    /// Counts one step at `e` (a loop's iteration, a call): past the budget,
    /// the deadline or a cancellation, a `Limit` fault at `e`.
    #[inline]
    pub fn step(&self, e: &Expr) -> Result<(), EvalError> {
        match self.ctx.meter.charge(1) {
            Ok(()) => Ok(()),
            Err(x) => Err(self.exhausted(e, x)),
        }
    }

    /// Counts `bytes` of values about to be built at `e` (`budget.rs`):
    /// past the memory budget, a `Limit` fault at `e`.
    #[inline]
    pub fn allocate(&self, e: &Expr, bytes: u64) -> Result<(), EvalError> {
        match self.ctx.meter.allocate(bytes) {
            Ok(()) => Ok(()),
            Err(x) => Err(self.exhausted(e, x)),
        }
    }

    /// The fault of evaluation stopped at `e`.
    #[cold]
    fn exhausted(&self, e: &Expr, x: Exhausted) -> EvalError {
        stopped(self.ctx.program, e.span, x)
    }

    /// The depth of a call made from this frame, or a `Limit` fault at `e`.
    pub fn deeper(&self, e: &Expr) -> Result<u32, EvalError> {
        self.step(e)?;
        let depth = self.depth.saturating_add(1);
        if depth > self.ctx.limits.max_call_depth {
            let text = self.text_of(e, "a call");
            return Err(self.fault(
                ErrorKind::Limit,
                e.span,
                format!(
                    "call depth limit of {} exceeded in `{text}`",
                    self.ctx.limits.max_call_depth
                ),
            ));
        }
        Ok(depth)
    }

    fn call_fn(&mut self, e: &Expr, f: FnId, args: &[Expr]) -> Result<Value, EvalError> {
        if args.is_empty() && thunks::is_nullary(self.ctx.program, f.0) {
            return self.ctx.thunk(Thunk::Fn(f.0), e.span);
        }
        let args = self.eval_all(args)?;
        let (mut callee, body) = self.fn_frame(e, f, args)?;
        callee.eval(body)
    }

    /// The frame of a call to `f` with its arguments bound, and `f`'s body.
    pub(crate) fn fn_frame(
        &self,
        e: &Expr,
        f: FnId,
        args: Vec<Value>,
    ) -> Result<(Eval<'c, 'p>, &'p Expr), EvalError> {
        let depth = self.deeper(e)?;
        let Some(def) = self.ctx.program.fns.get(f.0 as usize) else {
            return Err(ill(e.span, "unknown fn"));
        };
        let mut callee = Eval::new(self.ctx, def.frame_size, depth);
        for (i, arg) in args.into_iter().enumerate() {
            callee.set(LocalId(i as u32), arg);
        }
        Ok((callee, &def.body))
    }

    fn call_law(&mut self, e: &Expr, law: LawId, arg: Option<&Expr>) -> Result<Value, EvalError> {
        let subject = arg.map(|a| self.eval(a)).transpose()?;
        let depth = self.deeper(e)?;
        let outcome = self.ctx.run_law(e.span, law, subject, depth, false)?;
        Ok(Value::Bool(outcome.failures.is_empty()))
    }

    fn unary(&mut self, e: &Expr, op: UnOp, x: &Expr) -> Result<Value, EvalError> {
        match op {
            UnOp::Not => Ok(Value::Bool(!self.bool(x)?)),
            UnOp::Neg(num) => {
                let v = self.eval(x)?;
                ops::neg(num, &v).map_err(|f| self.op_error(f, e, "-"))
            }
        }
    }

    fn binary(&mut self, e: &Expr, op: BinOp, a: &Expr, b: &Expr) -> Result<Value, EvalError> {
        let a = self.eval(a)?;
        let b = self.eval(b)?;
        self.apply(e, op, &a, &b)
    }

    /// `a op b` on evaluated operands, located at `e`.
    fn apply(&self, e: &Expr, op: BinOp, a: &Value, b: &Value) -> Result<Value, EvalError> {
        match (op, a, b) {
            (BinOp::Concat, Value::Text(x), Value::Text(y)) => {
                self.allocate(e, text_bytes(x.len().saturating_add(y.len())))?;
            }
            (BinOp::ListConcat, _, _) => {
                let n = a.elements().len().saturating_add(b.elements().len());
                self.allocate(e, elements(n))?;
            }
            _ => {}
        }
        let v = ops::binary(op, a, b).map_err(|f| self.op_error(f, e, op.symbol()))?;
        match &v {
            Value::Text(t) => self.check_len(e, t.len(), "a text", "bytes")?,
            Value::List(xs) => self.check_len(e, xs.len(), "a list", "elements")?,
            _ => {}
        }
        Ok(v)
    }

    /// A `Limit` fault when a collection or text built at `e` is too large.
    pub fn check_len(&self, e: &Expr, len: usize, what: &str, unit: &str) -> Result<(), EvalError> {
        let max = self.ctx.limits.max_collection_len;
        if len <= max {
            return Ok(());
        }
        let text = self.text_of(e, "this expression");
        Err(self.fault(
            ErrorKind::Limit,
            e.span,
            format!("`{text}` would build {what} of {len} {unit}; the limit is {max}"),
        ))
    }

    fn matching(&mut self, e: &Expr, x: &Expr, arms: &[Arm]) -> Result<Value, EvalError> {
        let v = self.eval(x)?;
        let arm = arms.iter().find(|arm| match (&arm.pattern, &v) {
            (Pattern::Wildcard, _) | (Pattern::None, Value::None) => true,
            (Pattern::Case(i), Value::Enum(j)) => i == j,
            (Pattern::Bool(a), Value::Bool(b)) => a == b,
            (Pattern::Some(_), v) => !matches!(v, Value::None),
            _ => false,
        });
        self.ctx.cover_arm(e, arms, arm);
        match arm {
            Some(arm) => {
                // An optional's value is the value itself; `some(x)` names it.
                if let Pattern::Some(slot) = arm.pattern {
                    self.set(slot, v);
                }
                self.eval(&arm.body)
            }
            None => Err(ill(e.span, "a `match` with no matching arm")),
        }
    }

    fn with(&mut self, e: &Expr, r: &Expr, updates: &[(u32, Expr)]) -> Result<Value, EvalError> {
        let r = self.eval(r)?;
        let mut fields = r.fields().to_vec();
        for (i, value) in updates {
            let v = self.eval(value)?;
            let slot = fields
                .get_mut(*i as usize)
                .ok_or_else(|| ill(e.span, "`with` on a missing field"))?;
            *slot = v;
        }
        self.allocate(e, elements(record_elements(fields.len())))?;
        Ok(Value::Record(fields.into()))
    }

    fn index(&mut self, e: &Expr, xs: &Expr, key: &Expr) -> Result<Value, EvalError> {
        let list = self.eval(xs)?;
        let k = self.eval(key)?;
        let program = self.ctx.program;
        let id_field = match xs.ty.element() {
            Some(Type::Record(r)) => program.record(*r).and_then(|r| r.id_field),
            _ => None,
        };
        let Some(id_field) = id_field else {
            return Err(ill(e.span, "`xs[key]` on elements without an id"));
        };
        let found = match xs.kind {
            // A state list is looked up through its index.
            ExprKind::State(id) if list.elements().len() >= INDEX_FROM => {
                self.ctx.by_id(id, &list, id_field as usize, &k)
            }
            _ => list
                .elements()
                .iter()
                .find(|x| {
                    x.fields()
                        .get(id_field as usize)
                        .is_some_and(|id| id.cmp(&k) == Ordering::Equal)
                })
                .cloned(),
        };
        match found {
            Some(x) => Ok(x),
            None => Err(self.fault(
                ErrorKind::MissingValue,
                e.span,
                format!(
                    "no element of `{}` has id `{}`",
                    self.text_of(xs, "the list"),
                    render(program, &key.ty, &k)
                ),
            )),
        }
    }

    /// `min`/`max` of nothing.
    pub fn empty_error(&self, e: &Expr, b: Builtin) -> EvalError {
        self.fault(
            ErrorKind::MissingValue,
            e.span,
            format!("`{}` of an empty collection", b.name()),
        )
    }
}

/// The fault of evaluation stopped at the expression at `span` (its text
/// quoted on one line, cut): the JIT makes the same for a subject that ran
/// out of steps.
pub(crate) fn stopped(program: &Program, span: Span, x: Exhausted) -> EvalError {
    let text = match program.sources.snippet(span) {
        "" => "this expression",
        s => s,
    };
    EvalError {
        kind: ErrorKind::Limit,
        message: x.message(&cut(&super::why::one_line(text))),
        span,
    }
}

/// The abstract bytes of `n` elements of a list or set, or fields of a
/// record, built (`budget.rs`).
pub(crate) fn elements(n: usize) -> u64 {
    u64::try_from(n)
        .unwrap_or(u64::MAX)
        .saturating_mul(ELEMENT_BYTES)
}

/// The elements a record of `fields` fields built is counted as: its
/// fields and one more for the record itself (its allocation's reference
/// counts and the allocator's header and rounding, 24 to 39 bytes in the
/// interpreter), in both engines.
pub(crate) fn record_elements(fields: usize) -> usize {
    fields.saturating_add(1)
}

/// The abstract bytes of a text of `n` bytes built.
pub(crate) fn text_bytes(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// `text` cut to [`QUOTED`] characters, with `…` where it was cut.
pub(crate) fn cut(text: &str) -> String {
    match text.char_indices().nth(QUOTED) {
        Some((i, _)) => format!("{}…", text.get(..i).unwrap_or(text)),
        None => text.to_string(),
    }
}

/// The most characters of an expression a budget fault quotes.
const QUOTED: usize = 60;

/// The positions of `list`'s elements (records) by the value of field
/// `field`, ascending.
/// Membership: binary search in a (sorted) set, a linear scan of a list.
pub(crate) fn contains(xs: &Value, x: &Value) -> bool {
    match xs {
        Value::Set(items) => items.binary_search(x).is_ok(),
        _ => xs.elements().iter().any(|y| y.cmp(x) == Ordering::Equal),
    }
}

fn field(r: &Value, i: u32, span: Span) -> Result<Value, EvalError> {
    r.fields()
        .get(i as usize)
        .cloned()
        .ok_or_else(|| ill(span, "a field of something that is not a record"))
}

fn literal(lit: &Lit) -> Value {
    match lit {
        Lit::Bool(b) => Value::Bool(*b),
        Lit::Int(n) => Value::Int(*n),
        Lit::Dec(d) => Value::dec(*d),
        Lit::Date(d) => Value::Date(*d),
        Lit::Duration(d) => Value::Duration(*d),
        Lit::Period(m) => Value::Period(*m),
        Lit::Instant(t) => Value::Instant(*t),
        Lit::Text(s) => Value::text(s),
        Lit::None => Value::None,
        Lit::Enum(_, i) => Value::Enum(*i),
    }
}
