//! Membership in a large list or set tested many times, without a scan
//! (or a binary search of cold memory) each time.
//!
//! `x in xs` over a list is a scan; over a set, a binary search. A list or
//! set that stays the same while it is tested again and again — a
//! parameterless fn's value (`it.voter in whale_list()`), a memoised
//! state-only expression, a `let` outside the loop, a field of the
//! snapshot — is recognised by its identity (the address of its elements,
//! which [`Lists`] keeps alive, so that no other list can take it): from
//! its [`SORT_AFTER`]th test it gets an index, and every later test is a
//! look into it: a hash set of its texts (by their bytes) or of its
//! numbers of one kind (Ints, Dates, enums...), else a sorted copy
//! searched in [`Value`]'s total order. Each answers exactly as the scan
//! (`Equal` in that order: texts by bytes, decimals exactly, records and
//! collections element by element). Nothing is counted against a budget:
//! as an index, it is how membership is computed, not a value the charter
//! builds.

use super::eval::{contains, Ctx};
use crate::value::index::word;
use crate::value::Value;
use std::collections::HashSet;
use std::sync::Arc;

/// Lists shorter than this are scanned: sorting would not pay.
pub(crate) const SORT_FROM: usize = 32;

/// The test of one list after which it is indexed: a list tested only a
/// few times is scanned (indexing costs a few scans' worth).
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
    /// How it is searched, from the [`SORT_AFTER`]th test.
    index: Option<Index>,
}

/// A list's or set's elements made searchable without a scan.
#[derive(Debug)]
enum Index {
    /// Texts, hashed by their bytes (whose equality is [`Value`]'s).
    Texts(HashSet<Arc<str>, Fixed>),
    /// Values of one kind that are a number each (Ints, Dates, enums...),
    /// hashed by it.
    Words(u8, HashSet<i64, Fixed>),
    /// Any other values, sorted in [`Value`]'s order.
    Sorted(Arc<[Value]>),
}

/// `foldhash` with a fixed seed: only looked up, never iterated.
type Fixed = foldhash::fast::FixedState;

impl Index {
    /// The index of `xs`: hashed when every element is a text, or a
    /// number of the same kind; else sorted.
    fn of(xs: &[Value]) -> Index {
        let texts: Option<HashSet<Arc<str>, Fixed>> = xs
            .iter()
            .map(|v| match v {
                Value::Text(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        if let Some(texts) = texts {
            return Index::Texts(texts);
        }
        let kind = xs.first().and_then(word).map(|(k, _)| k);
        let words: Option<HashSet<i64, Fixed>> = xs
            .iter()
            .map(|v| word(v).filter(|(k, _)| Some(*k) == kind).map(|(_, w)| w))
            .collect();
        match (kind, words) {
            (Some(kind), Some(words)) => Index::Words(kind, words),
            _ => {
                let mut sorted = xs.to_vec();
                sorted.sort();
                Index::Sorted(sorted.into())
            }
        }
    }

    /// Whether `x` is an element; `None` when `x` is not of the kind
    /// hashed (then the caller scans).
    fn contains(&self, x: &Value) -> Option<bool> {
        match (self, x) {
            (Index::Texts(texts), Value::Text(t)) => Some(texts.contains(t)),
            (Index::Words(kind, words), x) => match word(x) {
                Some((k, w)) if k == *kind => Some(words.contains(&w)),
                _ => None,
            },
            (Index::Sorted(sorted), x) => Some(sorted.binary_search(x).is_ok()),
            _ => None,
        }
    }
}

impl Followed {
    fn is(&self, xs: &[Value]) -> bool {
        let mine = self.list.elements();
        std::ptr::eq(mine.as_ptr(), xs.as_ptr()) && mine.len() == xs.len()
    }
}

impl Lists {
    /// Whether `x` is an element of the list or set `xs` (at least
    /// [`SORT_FROM`] long), through its index once it has one.
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
        if f.index.is_none() && f.tests >= SORT_AFTER {
            f.index = Some(Index::of(xs));
        }
        match f.index.as_ref().and_then(|i| i.contains(x)) {
            Some(found) => found,
            None => contains(list, x),
        }
    }

    fn follow(&mut self, list: &Value) {
        let f = Followed {
            list: list.clone(),
            tests: 1,
            index: None,
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
    /// `x in xs`: a scan of a short list, a binary search of a short set;
    /// the same for a long one tested only a few times; else a look into
    /// its index.
    pub(crate) fn contains(&self, xs: &Value, x: &Value) -> bool {
        match xs {
            Value::List(items) | Value::Set(items) if items.len() >= SORT_FROM => {
                match self.members.try_borrow_mut() {
                    Ok(mut lists) => lists.contains(xs, x),
                    Err(_) => contains(xs, x),
                }
            }
            _ => contains(xs, x),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use polity_compiler::num::Dec;

    /// Texts (hashed), decimals (sorted: exactly, written at different
    /// scales), records (sorted) and Ints (hashed), with duplicates, in a
    /// list and in a set, against keys present, missing and equal under
    /// another scale: the index answers as the scan from the first test
    /// to the last.
    #[test]
    fn an_indexed_list_or_set_answers_as_its_scan() {
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
            assert!(lists.followed.first().is_some_and(|f| f.index.is_some()));
            // The same answers from the set of those elements.
            let set = Value::set_from(list.elements().to_vec());
            for k in keys.iter().chain(keys.iter()).chain(&keys) {
                assert_eq!(
                    lists.contains(&set, k),
                    contains(&set, k),
                    "{k:?} in the set"
                );
            }
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
