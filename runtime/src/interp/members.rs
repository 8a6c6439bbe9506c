//! Membership in a large list tested many times, without a scan each time.
//!
//! `x in xs` over a list is a scan; over a set, a binary search. A list that
//! stays the same while it is tested again and again — a parameterless fn's
//! value (`it.voter in whale_list()`), a memoised state-only expression, a
//! `let` outside the loop, a list field of the snapshot — is recognised by
//! its identity (the address of its elements, which [`Lists`] keeps alive,
//! so that no other list can take it): from its [`SORT_AFTER`]th test a
//! sorted copy is made, and every later test is a binary search of it.
//! Values are sorted and searched in [`Value`]'s total order, whose
//! `Equal` is the scan's equality for every type (texts by bytes, decimals
//! exactly, records and collections element by element), so the answer is
//! the scan's. Nothing is counted against a budget: as an index, the copy
//! is how membership is computed, not a value the charter builds.

use super::eval::{contains, Ctx};
use crate::value::Value;
use std::sync::Arc;

/// Lists shorter than this are scanned: sorting would not pay.
pub(crate) const SORT_FROM: usize = 32;

/// The test of one list after which it is sorted: a list tested only a
/// few times is scanned (sorting costs a few scans' worth).
pub(crate) const SORT_AFTER: u32 = 4;

/// The most lists a context follows at once; a new one replaces the one
/// followed longest.
const FOLLOWED: usize = 8;

/// The large lists a context tested membership in lately.
#[derive(Debug, Default)]
pub(crate) struct Lists {
    followed: Vec<Followed>,
    /// Where the next new list goes once `followed` is full.
    next: usize,
}

#[derive(Debug)]
struct Followed {
    /// The list itself (kept, so that its address names it alone).
    list: Value,
    /// How many times it was tested.
    tests: u32,
    /// Its elements sorted, from the [`SORT_AFTER`]th test.
    sorted: Option<Arc<[Value]>>,
}

impl Followed {
    fn is(&self, xs: &[Value]) -> bool {
        let mine = self.list.elements();
        std::ptr::eq(mine.as_ptr(), xs.as_ptr()) && mine.len() == xs.len()
    }
}

impl Lists {
    /// Whether `x` is an element of the list `xs` (at least [`SORT_FROM`]
    /// long), through its sorted copy once it has one.
    fn contains(&mut self, list: &Value, x: &Value) -> bool {
        let xs = list.elements();
        let Some(at) = self.followed.iter().position(|f| f.is(xs)) else {
            self.follow(list);
            return contains(list, x);
        };
        let Some(f) = self.followed.get_mut(at) else {
            return contains(list, x);
        };
        f.tests = f.tests.saturating_add(1);
        if f.sorted.is_none() && f.tests >= SORT_AFTER {
            let mut sorted = xs.to_vec();
            sorted.sort();
            f.sorted = Some(sorted.into());
        }
        match &f.sorted {
            Some(sorted) => sorted.binary_search(x).is_ok(),
            None => contains(list, x),
        }
    }

    fn follow(&mut self, list: &Value) {
        let f = Followed {
            list: list.clone(),
            tests: 1,
            sorted: None,
        };
        if self.followed.len() < FOLLOWED {
            self.followed.push(f);
            return;
        }
        if let Some(slot) = self.followed.get_mut(self.next) {
            *slot = f;
        }
        self.next = (self.next + 1) % FOLLOWED;
    }
}

impl Ctx<'_> {
    /// `x in xs`: a binary search in a set; a scan of a short list, or of a
    /// long one tested only a few times; else a binary search of its sorted
    /// copy.
    pub(crate) fn contains(&self, xs: &Value, x: &Value) -> bool {
        match xs {
            Value::List(items) if items.len() >= SORT_FROM => match self.members.try_borrow_mut() {
                Ok(mut lists) => lists.contains(xs, x),
                Err(_) => contains(xs, x),
            },
            _ => contains(xs, x),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use polity_compiler::num::Dec;

    /// Texts (compared by bytes), decimals (exactly, written at different
    /// scales), records and Ints, with duplicates, against keys present,
    /// missing and equal under another scale: the sorted copy answers as
    /// the scan from the first test to the last.
    #[test]
    fn a_sorted_list_answers_as_its_scan() {
        let dec = |s: &str| Value::dec(Dec::parse(s).unwrap());
        let text = |s: String| Value::text(&s);
        let record = |i: i64| Value::Record(vec![Value::Int(i % 7), text(format!("r{i}"))].into());
        let lists: Vec<(Vec<Value>, Vec<Value>)> = vec![
            (
                (0..40).map(|i| text(format!("t{}", i % 25))).collect(),
                ["t0", "t24", "t25", "t3", "", "t10 ", "T1"]
                    .map(|s| text(s.into()))
                    .to_vec(),
            ),
            (
                (0..40)
                    .map(|i| dec(&format!("{}.{}", i % 9, i % 3)))
                    .collect(),
                vec![
                    dec("1.10"),
                    dec("2.2"),
                    dec("8.0"),
                    dec("8"),
                    dec("0.30"),
                    dec("9.1"),
                ],
            ),
            (
                (0..50).map(record).collect(),
                vec![
                    record(3),
                    record(49),
                    record(50),
                    Value::Record(vec![].into()),
                ],
            ),
            (
                (0..64).map(|i| Value::Int(i * 3 % 50)).collect(),
                (-2..60).map(Value::Int).collect(),
            ),
        ];
        for (items, keys) in lists {
            let list = Value::List(items.into());
            let mut lists = Lists::default();
            for round in 0..3 {
                for k in &keys {
                    assert_eq!(
                        lists.contains(&list, k),
                        contains(&list, k),
                        "{k:?} in round {round}"
                    );
                }
            }
            assert!(lists.followed.first().is_some_and(|f| f.sorted.is_some()));
        }
    }

    /// A list is followed by identity: an equal list elsewhere in memory is
    /// another list, and following more than [`FOLLOWED`] lists forgets the
    /// oldest.
    #[test]
    fn lists_are_followed_by_identity() {
        let make = || Value::List((0..40).map(Value::Int).collect::<Vec<_>>().into());
        let mut lists = Lists::default();
        let all: Vec<Value> = (0..FOLLOWED + 2).map(|_| make()).collect();
        for l in &all {
            assert!(lists.contains(l, &Value::Int(39)));
            assert!(!lists.contains(l, &Value::Int(40)));
        }
        assert_eq!(lists.followed.len(), FOLLOWED);
        assert!(lists.followed.iter().all(|f| f.tests == 2));
    }
}
