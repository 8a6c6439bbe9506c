//! The evaluation budget: steps, memory, a deadline and cancellation.
//!
//! A *step* is one iteration of a loop (every element a `for` clause, a
//! `fold` or a `sorted(…, by:)`/`take(…, per:)`/`group_by` visits, whether
//! or not its filter holds) or one call of a fn with parameters or of a law.
//! Both engines count steps at exactly these points, so a charter runs out
//! of steps at the same place in both. Steps are counted per *unit*: one
//! subject's verdict, one constant or parameterless fn (evaluated once per
//! context with a budget of its own, so where it is first needed never
//! matters), a law's collection, one `test` block, one REPL expression.
//! Explaining a verdict that was decided within its budget is not counted
//! (the reasons re-evaluate parts of the law; the verdict is what the budget
//! bounds).
//!
//! *Memory* is counted in abstract bytes of the values an evaluation builds,
//! per unit as steps are, before each is built, at the same IR nodes in
//! both engines ([`ELEMENT_BYTES`] per element of a list or set built and
//! per field of a record built and one more for the record itself; a
//! text's length in bytes for a text built): a record or `with` its fields
//! and itself; a list or set literal its elements; a loop that gathers a
//! list or set each element it adds; `sorted(…, by:)`, `take(…, per:)` and
//! `group_by` their keys, one element per element of the source, before the
//! first key, then `sorted(…, by:)` and `take(…, per:)` the elements
//! chosen, `group_by` the elements and the groups; list `+`, `range`, `sorted`, `flatten`,
//! `union`, `intersection`, `difference`, `distinct`, `take` and `drop`
//! their result's elements; text `+`, `text`, `lower` and `upper` their
//! result's bytes. What is built is counted whether or not it is kept
//! (the count bounds the work of building, as steps bound the work of
//! looping, and the live values with it).
//!
//! The deadline and the cancellation flag are looked at every
//! [`CHECK_EVERY`] steps and before every subject.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The abstract bytes counted per element of a list or set, and per field
/// of a record, that an evaluation builds: the size of the interpreter's
/// [`crate::value::Value`] on a 64-bit machine (a JIT word is 8), so that
/// what a budget lets either engine build fits in about that many bytes
/// of memory. Fixed, not measured, so that every machine gives the same
/// verdicts.
pub const ELEMENT_BYTES: u64 = 48;

/// Steps between two looks at the deadline and the cancellation flag.
pub const CHECK_EVERY: u64 = 1024;

/// A handle that stops evaluation from another thread: clone it into
/// [`super::Limits::cancel`], call [`Cancel::cancel`] from anywhere, and every
/// evaluation under those limits ends within [`CHECK_EVERY`] steps with a
/// `limit` fault.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A handle that has not been cancelled.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Stops every evaluation that holds this handle (or a clone of it).
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl PartialEq for Cancel {
    fn eq(&self, other: &Cancel) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Cancel {}

/// Why evaluation stopped before it was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exhausted {
    /// The unit took more steps than the budget.
    Steps(u64),
    /// The unit built more bytes of values than the memory budget.
    Memory(u64),
    /// The deadline passed.
    Deadline,
    /// The evaluation was cancelled.
    Cancelled,
}

impl Exhausted {
    /// What happened at `text` (a fault's message).
    pub fn message(self, text: &str) -> String {
        match self {
            Exhausted::Steps(max) => format!(
                "`{text}` ran out of steps: one evaluation may take at most {max} steps \
                 (loop iterations and calls; `--max-steps` raises it)"
            ),
            Exhausted::Memory(max) => format!(
                "memory budget of {max} bytes exhausted at `{text}`: one evaluation may build \
                 at most {max} bytes of values (`--max-memory` raises it)"
            ),
            Exhausted::Deadline => {
                format!("stopped at `{text}`: the time limit passed (`--timeout` sets it)")
            }
            Exhausted::Cancelled => format!("stopped at `{text}`: the evaluation was cancelled"),
        }
    }
}

/// When to stop regardless of steps: a deadline and a cancellation flag.
#[derive(Clone, Debug, Default)]
pub struct Stop {
    deadline: Option<Instant>,
    cancel: Option<Cancel>,
}

impl Stop {
    /// Stops at `deadline` or when `cancel` is cancelled.
    pub fn new(deadline: Option<Instant>, cancel: Option<Cancel>) -> Stop {
        Stop { deadline, cancel }
    }

    /// Why to stop now, if at all.
    pub fn check(&self) -> Result<(), Exhausted> {
        if self.cancel.as_ref().is_some_and(Cancel::is_cancelled) {
            return Err(Exhausted::Cancelled);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Exhausted::Deadline);
        }
        Ok(())
    }
}

/// The steps left in the current unit, and when to look at the clock.
#[derive(Debug)]
pub(crate) struct Meter {
    /// Steps per unit (`u64::MAX`: unlimited).
    max: u64,
    /// Steps left in the current unit.
    left: Cell<u64>,
    /// Bytes per unit (`u64::MAX`: unlimited).
    max_memory: u64,
    /// Bytes left in the current unit.
    memory: Cell<u64>,
    /// Whether steps count now (not while explaining).
    metered: Cell<bool>,
    /// Steps until the next look at `stop`.
    until_check: Cell<u64>,
    stop: Stop,
}

/// A unit's saved meter, restored when a nested unit ends.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Saved {
    left: u64,
    memory: u64,
    metered: bool,
}

impl Meter {
    pub fn new(max: u64, max_memory: u64, stop: Stop) -> Meter {
        Meter {
            max,
            left: Cell::new(max),
            max_memory,
            memory: Cell::new(max_memory),
            metered: Cell::new(true),
            until_check: Cell::new(CHECK_EVERY),
            stop,
        }
    }

    /// Counts `n` steps; past the budget, the deadline or a cancellation,
    /// why evaluation must stop.
    #[inline]
    pub fn charge(&self, n: u64) -> Result<(), Exhausted> {
        self.take(&self.left, n, Exhausted::Steps(self.max))?;
        let until = self.until_check.get();
        if n < until {
            self.until_check.set(until - n);
            return Ok(());
        }
        self.until_check.set(CHECK_EVERY);
        self.stop.check()
    }

    /// Counts `bytes` of values about to be built; past the memory budget,
    /// why evaluation must stop.
    #[inline]
    pub fn allocate(&self, bytes: u64) -> Result<(), Exhausted> {
        self.take(&self.memory, bytes, Exhausted::Memory(self.max_memory))
    }

    /// How many elements the bytes still unspent could pay for
    /// ([`ELEMENT_BYTES`] each; unbounded while not metered): what a builder
    /// may reserve ahead without holding more than the budget lets it build.
    pub fn elements_left(&self) -> usize {
        if !self.metered.get() {
            return usize::MAX;
        }
        usize::try_from(self.memory.get() / ELEMENT_BYTES).unwrap_or(usize::MAX)
    }

    /// Takes `n` from what is `left` while metered; `out` when there is
    /// not that much left.
    #[inline]
    fn take(&self, left: &Cell<u64>, n: u64, out: Exhausted) -> Result<(), Exhausted> {
        if self.metered.get() {
            let had = left.get();
            if n > had {
                left.set(0);
                return Err(out);
            }
            left.set(had - n);
        }
        Ok(())
    }

    /// The steps and bytes the current unit has taken so far.
    pub fn spent(&self) -> (u64, u64) {
        (
            self.max.saturating_sub(self.left.get()),
            self.max_memory.saturating_sub(self.memory.get()),
        )
    }

    /// Counts `steps` steps and `bytes` bytes at once when the unit has
    /// that much left (and the deadline has not passed, nor the evaluation
    /// been cancelled, where counting them looks), taking nothing and
    /// returning `false` otherwise. While not metered, always `true`.
    pub fn try_charge(&self, steps: u64, bytes: u64) -> bool {
        if !self.metered.get() {
            return true;
        }
        if steps > self.left.get() || bytes > self.memory.get() {
            return false;
        }
        let until = self.until_check.get();
        if steps >= until {
            if self.stop.check().is_err() {
                return false;
            }
            self.until_check.set(CHECK_EVERY);
        } else {
            self.until_check.set(until - steps);
        }
        self.left.set(self.left.get() - steps);
        self.memory.set(self.memory.get() - bytes);
        true
    }

    /// Looks at the deadline and the cancellation flag now.
    pub fn check(&self) -> Result<(), Exhausted> {
        self.stop.check()
    }

    /// Starts a unit with a full budget; [`Meter::end`] with what this
    /// returns resumes the enclosing one.
    pub fn begin(&self) -> Saved {
        Saved {
            left: self.left.replace(self.max),
            memory: self.memory.replace(self.max_memory),
            metered: self.metered.replace(true),
        }
    }

    /// Ends a unit begun by [`Meter::begin`].
    pub fn end(&self, saved: Saved) {
        self.left.set(saved.left);
        self.memory.set(saved.memory);
        self.metered.set(saved.metered);
    }

    /// Runs `f` without counting steps (explanations); the deadline and
    /// cancellation still stop it.
    pub fn unmetered<R>(&self, f: impl FnOnce() -> R) -> R {
        let was = self.metered.replace(false);
        let r = f();
        self.metered.set(was);
        r
    }

    /// The steps taken in the current unit so far.
    #[cfg(test)]
    pub fn used(&self) -> u64 {
        self.max - self.left.get()
    }

    /// The steps and bytes left in the current unit; `None` while they
    /// are not counted.
    #[cfg(feature = "jit")]
    pub fn left(&self) -> Option<(u64, u64)> {
        self.metered
            .get()
            .then(|| (self.left.get(), self.memory.get()))
    }

    /// Continues the current unit with `left` steps and `memory` bytes
    /// (after compiled code took some: `jit/mixed.rs`), and looks at the
    /// deadline.
    #[cfg(feature = "jit")]
    pub fn resume(&self, left: u64, memory: u64) -> Result<(), Exhausted> {
        if self.metered.get() {
            self.left.set(left.min(self.left.get()));
            self.memory.set(memory.min(self.memory.get()));
        }
        self.stop.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_runs_out_after_exactly_its_budget() {
        let m = Meter::new(10, u64::MAX, Stop::default());
        for _ in 0..10 {
            assert_eq!(m.charge(1), Ok(()));
        }
        assert_eq!(m.charge(1), Err(Exhausted::Steps(10)));
    }

    #[test]
    fn nested_units_have_budgets_of_their_own_and_unmetered_work_is_free() {
        let m = Meter::new(5, u64::MAX, Stop::default());
        assert_eq!(m.charge(3), Ok(()));
        let saved = m.begin();
        assert_eq!(m.charge(5), Ok(()));
        assert_eq!(m.charge(1), Err(Exhausted::Steps(5)));
        m.end(saved);
        assert_eq!(m.used(), 3);
        assert_eq!(m.unmetered(|| m.charge(100)), Ok(()));
        assert_eq!(m.charge(2), Ok(()));
        assert_eq!(m.charge(1), Err(Exhausted::Steps(5)));
    }

    #[test]
    fn memory_runs_out_after_exactly_its_budget_per_unit() {
        let m = Meter::new(u64::MAX, 100, Stop::default());
        assert_eq!(m.allocate(60), Ok(()));
        let saved = m.begin();
        assert_eq!(m.allocate(100), Ok(()));
        assert_eq!(m.allocate(1), Err(Exhausted::Memory(100)));
        m.end(saved);
        assert_eq!(m.unmetered(|| m.allocate(1000)), Ok(()));
        assert_eq!(m.allocate(40), Ok(()));
        assert_eq!(m.allocate(1), Err(Exhausted::Memory(100)));
    }

    #[test]
    fn cancellation_is_seen_within_check_every_steps() {
        let cancel = Cancel::new();
        let m = Meter::new(u64::MAX, u64::MAX, Stop::new(None, Some(cancel.clone())));
        cancel.cancel();
        let mut n = 0;
        while m.charge(1).is_ok() {
            n += 1;
        }
        assert!(n < CHECK_EVERY, "{n}");
        assert_eq!(m.charge(CHECK_EVERY), Err(Exhausted::Cancelled));
    }

    #[test]
    fn an_element_is_counted_at_least_at_its_size_in_memory() {
        let size = std::mem::size_of::<crate::value::Value>() as u64;
        assert!(size <= ELEMENT_BYTES, "a value takes {size} bytes");
    }

    #[test]
    fn a_passed_deadline_stops() {
        let m = Meter::new(u64::MAX, u64::MAX, Stop::new(Some(Instant::now()), None));
        assert_eq!(m.check(), Err(Exhausted::Deadline));
    }
}
