//! State-only expressions: which ones, and their values memoised per
//! evaluation of a snapshot, in both engines.
//!
//! An expression inside a law or a fn that reads no local bound outside it
//! (no subject, parameter, `let` or loop variable) has the same value, or
//! the same fault, for every subject: `count(ballots where it.voter in
//! whale_list())`, `10% * treasury.balance`. Where it does enough work to
//! pay for a lookup ([`heavy`]), the interpreter evaluates it once, in a
//! unit of its own with a full budget and in the frame it is met in (its
//! own `let`s and loop variables are bound there), and memoises its value
//! or fault with the steps and bytes that took ([`Memos`]). At every use,
//! those steps and bytes are charged to the unit that uses it, as if it had
//! been evaluated there; where that unit has not that much left, or where
//! its own evaluation ran out of a budget, hit a `Limit` of any kind or was
//! stopped, it is evaluated again in place, so that it runs out (or stops)
//! where evaluating it afresh would. Memoising is therefore unobservable:
//! the same verdicts, faults (kind, span, message), `limit` outcomes and
//! reasons as evaluating it each time. It is keyed by the expression and
//! the call depth it is evaluated at (a call inside it checks the depth
//! limit), and is shared by every context of one [`super::Interpreter`]
//! (the JIT's explanations run a fresh context per chunk of subjects). A
//! test (`given` changes the state) and coverage (which counts what is
//! reached) evaluate afresh. The JIT memoises the same expressions
//! (`jit/hoist.rs`) with the same charging rule.

use super::eval::{Ctx, Eval};
use crate::value::Value;
use crate::verdict::{ErrorKind, EvalError};
use polity_compiler::ir::{Clause, Expr, ExprKind, Pattern, Program};
use polity_compiler::types::Type;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

/// `foldhash` with a fixed seed: the maps below are keyed by addresses and
/// only looked up, never iterated.
type Fixed = foldhash::fast::FixedState;

/// An expression (by address) at a call depth.
type Key = (usize, u32);

/// What the first evaluation of a state-only expression, in a unit of its
/// own, gave.
#[derive(Clone, Debug)]
enum Memo {
    /// Its value or fault, and the steps and bytes it took.
    Done {
        result: Result<Value, EvalError>,
        steps: u64,
        bytes: u64,
    },
    /// It ran out of a budget, hit a limit or was stopped: evaluated in
    /// place at every use.
    InPlace,
}

/// The state-only expressions of a program worth memoising, and their
/// memoised outcomes, shared by the contexts of one interpreter (across
/// threads).
#[derive(Debug, Default)]
pub(crate) struct Memos {
    /// The addresses of the expressions memoised ([`roots`]), found the
    /// first time a context asks.
    roots: OnceLock<HashSet<usize, Fixed>>,
    /// Outcomes by expression and depth.
    done: Mutex<HashMap<Key, Memo, Fixed>>,
}

impl Memos {
    /// A fresh memo (for other limits, or another snapshot).
    pub fn new() -> Arc<Memos> {
        Arc::new(Memos::default())
    }

    /// A memo that memoises nothing: every expression evaluated afresh
    /// (the oracle of the tests).
    #[cfg(test)]
    pub fn none() -> Arc<Memos> {
        Arc::new(Memos {
            roots: OnceLock::from(HashSet::default()),
            done: Mutex::default(),
        })
    }

    fn is_root(&self, program: &Program, e: &Expr) -> bool {
        let roots = self.roots.get_or_init(|| roots(program));
        !roots.is_empty() && roots.contains(&address(e))
    }

    fn get(&self, key: Key) -> Option<Memo> {
        self.done.lock().ok()?.get(&key).cloned()
    }

    fn put(&self, key: Key, memo: Memo) {
        if let Ok(mut done) = self.done.lock() {
            done.entry(key).or_insert(memo);
        }
    }
}

fn address(e: &Expr) -> usize {
    std::ptr::from_ref(e) as usize
}

/// The expressions the interpreter memoises: in every law's statements and
/// every fn with parameters' body, the largest closed, heavy expressions
/// ([`memoisable`]: the JIT memoises the same).
fn roots(program: &Program) -> HashSet<usize, Fixed> {
    let laws = program.laws.iter().flat_map(|l| l.stmt_exprs());
    let fns = program.fns.iter().filter(|f| !f.params.is_empty());
    let bodies: Vec<&Expr> = laws.chain(fns.map(|f| &f.body)).collect();
    memoisable(&bodies, true).into_iter().map(address).collect()
}

impl Ctx<'_> {
    /// Whether `e` is memoised in this context.
    #[inline]
    pub(crate) fn memoises(&self, e: &Expr) -> bool {
        self.memo_on() && self.memos.is_root(self.program, e)
    }
}

impl Eval<'_, '_> {
    /// A memoised state-only expression's value: from the memo, its steps
    /// and bytes charged to the current unit, or evaluated in place where
    /// the module's documentation says.
    pub(crate) fn memoised(&mut self, e: &Expr) -> Result<Value, EvalError> {
        let key = (address(e), self.depth);
        let memo = match self.ctx.memos.get(key) {
            Some(m) => m,
            None => {
                let memo = self.first_time(e);
                self.ctx.memos.put(key, memo.clone());
                memo
            }
        };
        match memo {
            Memo::Done {
                result,
                steps,
                bytes,
            } if self.ctx.meter.try_charge(steps, bytes) => result,
            _ => self.eval_fresh(e),
        }
    }

    /// Evaluates `e` in a unit of its own with a full budget.
    fn first_time(&mut self, e: &Expr) -> Memo {
        let ctx = self.ctx;
        let (result, spent) = ctx.unit(|| {
            let r = self.eval_fresh(e);
            (r, ctx.meter.spent())
        });
        let stopped = ctx.meter.check().is_err();
        match result {
            Err(f) if f.kind == ErrorKind::Limit => Memo::InPlace,
            _ if stopped => Memo::InPlace,
            result => Memo::Done {
                result,
                steps: spent.0,
                bytes: spent.1,
            },
        }
    }
}

/// The largest closed, heavy subexpressions of `roots`, in evaluation order.
/// A root itself is included only with `include_roots` (not for a
/// constant's own body, which is memoised already).
pub(crate) fn memoisable<'p>(roots: &[&'p Expr], include_roots: bool) -> Vec<&'p Expr> {
    let mut out = Vec::new();
    for root in roots {
        if include_roots {
            visit(root, &mut out);
        } else {
            root.for_each_child(&mut |c| visit(c, &mut out));
        }
    }
    out
}

fn visit<'p>(e: &'p Expr, out: &mut Vec<&'p Expr>) {
    if heavy(e) && closed(e) {
        out.push(e);
        return;
    }
    e.for_each_child(&mut |c| visit(c, out));
}

/// Whether every local `e` reads is bound inside it.
fn closed(e: &Expr) -> bool {
    let mut free = Vec::new();
    free_in(e, &mut Vec::new(), &mut free);
    free.is_empty()
}

/// The locals `e` reads that are not bound inside it (slot and type, each
/// once, in the order first read).
#[cfg(feature = "jit")]
pub(crate) fn free_locals(e: &Expr) -> Vec<(u32, &Type)> {
    let mut free = Vec::new();
    free_in(e, &mut Vec::new(), &mut free);
    free
}

/// Adds to `free` the locals `e` reads that are not in `bound` (those bound
/// by the expressions around the current one, inside the root).
fn free_in<'e>(e: &'e Expr, bound: &mut Vec<u32>, free: &mut Vec<(u32, &'e Type)>) {
    polity_compiler::ir::with_stack(|| free_in_here(e, bound, free));
}

/// [`free_in`] on the current stack.
fn free_in_here<'e>(e: &'e Expr, bound: &mut Vec<u32>, free: &mut Vec<(u32, &'e Type)>) {
    match &e.kind {
        ExprKind::Local(id) => {
            if !bound.contains(&id.0) && !free.iter().any(|(s, _)| *s == id.0) {
                free.push((id.0, &e.ty));
            }
        }
        ExprKind::Let(id, value, body) => {
            free_in(value, bound, free);
            within(bound, &[id.0], |bound| free_in(body, bound, free));
        }
        ExprKind::Loop(l) => free_in_clauses(&l.clauses, &l.elem, bound, free),
        ExprKind::ByKey(k) => {
            free_in(&k.source, bound, free);
            if let Some(n) = &k.count {
                free_in(n, bound, free);
            }
            within(bound, &[k.var.0], |bound| free_in(&k.key, bound, free));
        }
        ExprKind::Fold(f) => {
            free_in(&f.init, bound, free);
            free_in(&f.source, bound, free);
            within(bound, &[f.acc.0, f.var.0], |bound| {
                free_in(&f.body, bound, free)
            });
        }
        ExprKind::Match(x, arms) => {
            free_in(x, bound, free);
            for arm in arms {
                let vars: Vec<u32> = match arm.pattern {
                    Pattern::Some(id) => vec![id.0],
                    _ => Vec::new(),
                };
                within(bound, &vars, |bound| free_in(&arm.body, bound, free));
            }
        }
        _ => e.for_each_child(&mut |c| free_in(c, bound, free)),
    }
}

/// The free locals of the loop of `clauses` around `elem`: each clause's
/// source and filter with the variables of the clauses before it bound.
fn free_in_clauses<'e>(
    clauses: &'e [Clause],
    elem: &'e Expr,
    bound: &mut Vec<u32>,
    free: &mut Vec<(u32, &'e Type)>,
) {
    let Some((c, rest)) = clauses.split_first() else {
        return free_in(elem, bound, free);
    };
    let vars: Vec<u32> = std::iter::once(c.var.0)
        .chain(c.index.map(|i| i.0))
        .collect();
    free_in(&c.source, bound, free);
    within(bound, &vars, |bound| {
        if let Some(f) = &c.filter {
            free_in(f, bound, free);
        }
        free_in_clauses(rest, elem, bound, free)
    });
}

/// `f` with `vars` bound too.
fn within<R>(bound: &mut Vec<u32>, vars: &[u32], f: impl FnOnce(&mut Vec<u32>) -> R) -> R {
    let before = bound.len();
    bound.extend_from_slice(vars);
    let r = f(bound);
    bound.truncate(before);
    r
}

/// Whether `e` does enough work that reading a memo instead pays: it
/// contains an aggregate, loop, call with arguments, law call, membership
/// test, index, decimal arithmetic or comparison, or a constructed value.
pub(crate) fn heavy(e: &Expr) -> bool {
    let own = match &e.kind {
        ExprKind::Builtin(..)
        | ExprKind::Loop(_)
        | ExprKind::ByKey(_)
        | ExprKind::Fold(_)
        | ExprKind::CallLaw(..)
        | ExprKind::In(..)
        | ExprKind::Index(..)
        | ExprKind::Record(..)
        | ExprKind::With(..)
        | ExprKind::Set(_) => true,
        ExprKind::CallFn(_, args) | ExprKind::List(args) => !args.is_empty(),
        ExprKind::Binary(_, a, b) => is_decimal(&a.ty) || is_decimal(&b.ty),
        _ => false,
    };
    if own {
        return true;
    }
    let mut any = false;
    e.for_each_child(&mut |c| any = any || heavy(c));
    any
}

fn is_decimal(t: &Type) -> bool {
    matches!(t.strip_optional(), Type::Decimal)
}
