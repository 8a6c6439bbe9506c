//! Builtins and loops: everything that walks a collection.

use super::eval::{elements, ill, text_bytes, Eval, INDEX_FROM};
use super::ops;
use crate::value::{lists, to_text, Value};
use crate::verdict::{ErrorKind, EvalError};
use polity_compiler::ir::{Builtin, ByKey, Clause, Expr, Fold, KeyOp, Loop, LoopKind};
use polity_compiler::types::Type;

/// A collection length as an Int (lengths never reach `i64::MAX`).
fn int_len(n: usize) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

impl Eval<'_, '_> {
    /// `b(args)`: every argument is evaluated, left to right, before `b` applies.
    pub(crate) fn builtin(
        &mut self,
        e: &Expr,
        b: Builtin,
        args: &[Expr],
    ) -> Result<Value, EvalError> {
        let values = self.eval_all(args)?;
        let Some(x) = values.first() else {
            return Err(ill(e.span, "a builtin without arguments"));
        };
        let elems = x.elements();
        let op_error = |this: &Self, f| this.op_error(f, e, b.name());
        match b {
            Builtin::Count => Ok(int_len(elems.len())),
            Builtin::Sum(num) => elems.iter().try_fold(ops::zero(num), |acc, v| {
                ops::add(num, &acc, v).map_err(|f| op_error(self, f))
            }),
            Builtin::Min => elems
                .iter()
                .min()
                .cloned()
                .ok_or_else(|| self.empty_error(e, b)),
            Builtin::Max => elems
                .iter()
                .max()
                .cloned()
                .ok_or_else(|| self.empty_error(e, b)),
            Builtin::MinOf => Ok(values.iter().min().cloned().unwrap_or(Value::None)),
            Builtin::MaxOf => Ok(values.iter().max().cloned().unwrap_or(Value::None)),
            Builtin::All => Ok(Value::Bool(elems.iter().all(|v| *v == Value::Bool(true)))),
            Builtin::Any => Ok(Value::Bool(elems.contains(&Value::Bool(true)))),
            Builtin::Len => match x {
                Value::Text(t) => Ok(int_len(t.chars().count())),
                _ => Ok(int_len(elems.len())),
            },
            Builtin::First => Ok(elems.first().cloned().unwrap_or(Value::None)),
            Builtin::Sorted => {
                self.allocate(e, elements(elems.len()))?;
                let mut items = elems.to_vec();
                items.sort(); // stable
                Ok(Value::List(items.into()))
            }
            Builtin::Range => self.range(e, &values),
            Builtin::Floor | Builtin::Ceil | Builtin::Round => {
                let Value::Dec(d) = x else {
                    return Err(ill(e.span, "rounding a non-Decimal"));
                };
                let n = match b {
                    Builtin::Floor => d.get().floor(),
                    Builtin::Ceil => d.get().ceil(),
                    _ => d.get().round(),
                };
                n.map_or(Err(ops::OpFault::Overflow("integer")), ops::to_int)
                    .map_err(|f| op_error(self, f))
            }
            Builtin::Abs(num) => ops::abs(num, x).map_err(|f| op_error(self, f)),
            Builtin::Calendar(c) => ops::calendar(c, x).map_err(|f| op_error(self, f)),
            Builtin::InstantOf | Builtin::DateOf => {
                ops::convert_time(b == Builtin::InstantOf, x).map_err(|f| op_error(self, f))
            }
            Builtin::Isqrt(_) => ops::isqrt(x).map_err(|f| op_error(self, f)),
            Builtin::Sqrt => ops::sqrt(x).map_err(|f| op_error(self, f)),
            Builtin::MulDiv => {
                let (Some(b), Some(c)) = (values.get(1), values.get(2)) else {
                    return Err(ill(e.span, "`mul_div` without three arguments"));
                };
                ops::mul_div(x, b, c).map_err(|f| op_error(self, f))
            }
            Builtin::Pow => {
                let n = values.get(1).unwrap_or(&Value::None);
                ops::pow(x, n).map_err(|f| op_error(self, f))
            }
            Builtin::RoundTo(mode) => {
                let places = values.get(1).unwrap_or(&Value::None);
                ops::round_to(x, places, mode).map_err(|f| op_error(self, f))
            }
            Builtin::Text => {
                let ty = args.first().map_or(&Type::Never, |a| &a.ty);
                self.made_text(e, to_text(self.ctx.program, ty, x))
            }
            Builtin::Lower | Builtin::Upper => match x {
                Value::Text(t) => self.made_text(e, ops::text_case(b, t)),
                _ => Err(ill(e.span, "changing the case of a non-Text")),
            },
            Builtin::Contains | Builtin::StartsWith | Builtin::EndsWith => {
                match (x, values.get(1)) {
                    (Value::Text(t), Some(Value::Text(part))) => {
                        Ok(Value::Bool(ops::text_test(b, t, part)))
                    }
                    _ => Err(ill(e.span, "searching a non-Text")),
                }
            }
            _ if b.is_whole_collection() => self.whole(e, b, args, &values),
            _ => Err(ill(e.span, "an unknown builtin")),
        }
    }

    /// The built-ins over whole collections (`lists.rs`), on evaluated arguments.
    fn whole(
        &self,
        e: &Expr,
        b: Builtin,
        args: &[Expr],
        values: &[Value],
    ) -> Result<Value, EvalError> {
        let elems = values.first().map(Value::elements).unwrap_or_default();
        let other = values.get(1).map(Value::elements).unwrap_or_default();
        let n = match values.get(1) {
            Some(Value::Int(n)) => *n,
            _ => 0,
        };
        let set = |items: Vec<Value>| -> Result<Value, EvalError> {
            self.check_len(e, items.len(), "a set", "elements")?;
            self.allocate(e, elements(items.len()))?;
            Ok(Value::Set(items.into()))
        };
        let list = |items: Vec<Value>| -> Result<Value, EvalError> {
            self.allocate(e, elements(items.len()))?;
            Ok(Value::List(items.into()))
        };
        match b {
            Builtin::Union => set(lists::union(elems, other)),
            Builtin::Intersection => set(lists::intersection(elems, other)),
            Builtin::Difference => set(lists::difference(elems, other)),
            Builtin::Distinct => list(lists::distinct(elems)),
            Builtin::Last => Ok(elems.last().cloned().unwrap_or(Value::None)),
            Builtin::Take => list(lists::take(elems, n)),
            Builtin::Drop => list(lists::drop(elems, n)),
            Builtin::At => lists::at(elems, n).cloned().ok_or_else(|| {
                let xs = args
                    .first()
                    .map_or("the list", |a| self.text_of(a, "the list"));
                self.fault(
                    ErrorKind::MissingValue,
                    e.span,
                    format!(
                        "`{xs}` has no element at position {n} (it has {})",
                        elems.len()
                    ),
                )
            }),
            Builtin::Flatten => {
                let len = lists::flat_len(elems);
                self.check_len(e, len, "a list", "elements")?;
                self.allocate(e, elements(len))?;
                Ok(Value::List(lists::flatten(elems).into()))
            }
            _ => Err(ill(e.span, "a builtin that is not over whole collections")),
        }
    }

    /// A text a builtin made at `e`, or a `Limit` fault when it is too long.
    fn made_text(&self, e: &Expr, s: String) -> Result<Value, EvalError> {
        self.check_len(e, s.len(), "a text", "bytes")?;
        self.allocate(e, text_bytes(s.len()))?;
        Ok(Value::text(&s))
    }

    /// `range(a, b)`: the Ints `a..b`, at most `max_collection_len` of them.
    fn range(&self, e: &Expr, values: &[Value]) -> Result<Value, EvalError> {
        let (Some(Value::Int(a)), Some(Value::Int(b))) = (values.first(), values.get(1)) else {
            return Err(ill(e.span, "`range` of non-Ints"));
        };
        let len = usize::try_from((i128::from(*b) - i128::from(*a)).max(0)).unwrap_or(usize::MAX);
        self.check_len(e, len, "a list", "elements")?;
        self.allocate(e, elements(len))?;
        Ok(Value::List((*a..*b).map(Value::Int).collect()))
    }

    /// `fold(acc = init, var in source) => body`: `init`, then `source`, then
    /// `body` once per element with `acc` bound to the previous value.
    pub(crate) fn fold(&mut self, e: &Expr, f: &Fold) -> Result<Value, EvalError> {
        let mut acc = self.eval(&f.init)?;
        let source = self.eval(&f.source)?;
        for x in source.elements() {
            self.step(e)?;
            self.set(f.acc, acc);
            self.set(f.var, x.clone());
            acc = self.eval(&f.body)?;
        }
        Ok(acc)
    }

    /// `sorted(xs, by: key)`, `take(xs, n, per: key)`, `group_by(xs, by: key)`:
    /// `source`, then `count`, then the key of every element in order, then
    /// the elements chosen (or grouped).
    pub(crate) fn by_key(&mut self, e: &Expr, k: &ByKey) -> Result<Value, EvalError> {
        let source = self.eval(&k.source)?;
        let n = match &k.count {
            Some(c) => match self.eval(c)? {
                Value::Int(n) => n,
                _ => return Err(ill(e.span, "a count that is not an Int")),
            },
            None => 0,
        };
        let items = source.elements();
        // The keys are a list of their own, one element per element of the
        // source, counted before the first key is evaluated (the JIT's
        // block of key words, `jit::abi::key_block`, at the same point).
        self.allocate(e, elements(items.len()))?;
        let mut keys = Vec::with_capacity(items.len());
        for x in items {
            self.step(e)?;
            self.set(k.var, x.clone());
            keys.push(self.eval(&k.key)?);
        }
        let pick = |chosen: &[usize]| -> Value {
            let list = chosen.iter().filter_map(|i| items.get(*i).cloned());
            Value::List(list.collect())
        };
        // The elements chosen (and, for `group_by`, the groups) are counted
        // before they are gathered, and the keys are dropped once they have
        // chosen (a sorted list has as many elements as its source: counted
        // before ordering, which cannot fault).
        match k.op {
            KeyOp::Sort { desc } => {
                self.allocate(e, elements(items.len()))?;
                let order = lists::sort_order(&keys, desc);
                drop(keys);
                Ok(pick(&order))
            }
            KeyOp::TakePer => {
                let chosen = lists::take_per(&keys, n);
                drop(keys);
                self.allocate(e, elements(chosen.len()))?;
                Ok(pick(&chosen))
            }
            KeyOp::Group => {
                let groups = lists::group(&keys);
                drop(keys);
                let n = groups.iter().map(Vec::len).sum::<usize>();
                self.allocate(e, elements(n.saturating_add(groups.len())))?;
                Ok(Value::List(groups.iter().map(|g| pick(g)).collect()))
            }
        }
    }

    /// `kind(elem for var in source if filter ...)`: for each element in
    /// order, bind it (and its position), skip it unless the filter holds,
    /// then run the next clause, and in the last evaluate `elem` (for every
    /// kind, `count` included, so that a fault in `elem` is never hidden).
    pub(crate) fn run_loop(&mut self, e: &Expr, l: &Loop) -> Result<Value, EvalError> {
        let mut acc = Acc {
            items: Vec::new(),
            count: 0,
            total: match l.kind {
                LoopKind::Sum(num) => ops::zero(num),
                _ => Value::None,
            },
            best: None,
        };
        if let Some(stop) = self.clauses(e, l, &l.clauses, &mut acc)? {
            return Ok(stop);
        }
        match l.kind {
            LoopKind::List => Ok(Value::List(acc.items.into())),
            LoopKind::Set => Ok(Value::set_from(acc.items)),
            LoopKind::Count => Ok(int_len(acc.count)),
            LoopKind::Sum(_) => Ok(acc.total),
            LoopKind::Min => acc.best.ok_or_else(|| self.empty_error(e, Builtin::Min)),
            LoopKind::Max => acc.best.ok_or_else(|| self.empty_error(e, Builtin::Max)),
            LoopKind::All => Ok(Value::Bool(true)),
            LoopKind::Any => Ok(Value::Bool(false)),
        }
    }

    /// Runs `clauses` (the rest of `l`'s) into `acc`; `Some` is the result
    /// of an `all`/`any` that stopped early.
    fn clauses(
        &mut self,
        e: &Expr,
        l: &Loop,
        clauses: &[Clause],
        acc: &mut Acc,
    ) -> Result<Option<Value>, EvalError> {
        let Some((c, rest)) = clauses.split_first() else {
            let v = self.eval(&l.elem)?;
            return self.add(e, l, v, acc);
        };
        let source = self.eval(&c.source)?;
        if l.clauses.len() == 1
            && c.filter.is_none()
            && matches!(l.kind, LoopKind::List | LoopKind::Set)
        {
            // One element per element of the source: room for them at once,
            // not grown by copying (which left up to half as much again of
            // freed buffers resident); but no more than the memory budget
            // can pay for, which would hold more than it lets be built.
            let room = self.ctx.meter.elements_left();
            acc.items.reserve_exact(source.elements().len().min(room));
        }
        for i in self.visit(c, &source)? {
            let Some(x) = source.elements().get(i) else {
                continue;
            };
            self.step(e)?;
            self.bind_clause(c, i, x);
            if let Some(filter) = &c.filter {
                if !self.bool(filter)? {
                    continue;
                }
            }
            if let Some(stop) = self.clauses(e, l, rest, acc)? {
                return Ok(Some(stop));
            }
        }
        Ok(None)
    }

    /// The positions of `source`'s elements that clause `c` visits, in
    /// order: every one; or, for a clause that picks elements of a state
    /// list by a field ([`Clause::keyed`]) over a list long enough to index,
    /// only those whose field matches, through the list's index by that
    /// field (the others would fail the filter's first condition). The whole
    /// filter is still evaluated on each.
    pub(crate) fn visit(&mut self, c: &Clause, source: &Value) -> Result<Visit, EvalError> {
        let all = Visit::All(0..source.elements().len());
        let Some(keyed) = c.keyed() else {
            return Ok(all);
        };
        if source.elements().len() < INDEX_FROM {
            return Ok(all);
        }
        let key = self.eval(keyed.key)?;
        let keys = if keyed.many {
            key.elements().to_vec()
        } else {
            vec![key]
        };
        let picked = self.ctx.positions(keyed.state, source, keyed.field, &keys);
        Ok(Visit::Picked(picked.into_iter()))
    }

    /// Binds a clause's variable to element `x` at position `i` (and its
    /// position variable, if it names one).
    pub(crate) fn bind_clause(&mut self, c: &Clause, i: usize, x: &Value) {
        self.set(c.var, x.clone());
        if let Some(index) = c.index {
            self.set(index, int_len(i));
        }
    }

    /// One element's contribution; `Some` stops an `all`/`any`. A nested
    /// loop's list or set faults with `Limit` as soon as it holds more than
    /// `max_collection_len` elements (a one-clause loop has at most as many
    /// as its source).
    fn add(&self, e: &Expr, l: &Loop, v: Value, acc: &mut Acc) -> Result<Option<Value>, EvalError> {
        match l.kind {
            LoopKind::List | LoopKind::Set => {
                self.allocate(e, elements(1))?;
                acc.items.push(v);
                if l.clauses.len() > 1 {
                    self.check_len(e, acc.items.len(), "a collection", "elements")?;
                }
            }
            LoopKind::Count => acc.count += 1,
            LoopKind::Sum(num) => {
                acc.total =
                    ops::add(num, &acc.total, &v).map_err(|f| self.op_error(f, e, "sum"))?;
            }
            LoopKind::Min => acc.best = Some(acc.best.take().filter(|b| *b <= v).unwrap_or(v)),
            LoopKind::Max => acc.best = Some(acc.best.take().filter(|b| *b >= v).unwrap_or(v)),
            LoopKind::All if v == Value::Bool(false) => return Ok(Some(v)),
            LoopKind::Any if v == Value::Bool(true) => return Ok(Some(v)),
            LoopKind::All | LoopKind::Any => {}
        }
        Ok(None)
    }
}

/// The positions a clause visits ([`Eval::visit`]).
pub(crate) enum Visit {
    /// Every element's.
    All(std::ops::Range<usize>),
    /// Those an index picked, ascending.
    Picked(std::vec::IntoIter<usize>),
}

impl Iterator for Visit {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Visit::All(r) => r.next(),
            Visit::Picked(p) => p.next(),
        }
    }
}

/// What a loop has gathered so far.
struct Acc {
    items: Vec<Value>,
    count: usize,
    total: Value,
    best: Option<Value>,
}
