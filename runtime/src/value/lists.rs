//! The meaning of the whole-collection built-ins on values, shared by the
//! interpreter and the JIT's helpers (neither engine imports the other for
//! it) so that both compute them alike.
//! Elements are equal when [`Value`]'s total order says so. The functions
//! that only compare elements are generic over it, so that the JIT applies
//! them to words ordered as their values are (`jit/abi/words.rs`).

use crate::value::Value;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

/// `union(a, b)` of two sets (sorted, without duplicates).
pub fn union<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            Ordering::Less => {
                out.push(x.clone());
                i += 1;
            }
            Ordering::Greater => {
                out.push(y.clone());
                j += 1;
            }
            Ordering::Equal => {
                out.push(x.clone());
                i += 1;
                j += 1;
            }
        }
    }
    out.extend(a.iter().skip(i).cloned());
    out.extend(b.iter().skip(j).cloned());
    out
}

/// `intersection(a, b)` of two sets.
pub fn intersection<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    a.iter()
        .filter(|x| b.binary_search(x).is_ok())
        .cloned()
        .collect()
}

/// `difference(a, b)` of two sets: the elements of `a` not in `b`.
pub fn difference<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    a.iter()
        .filter(|x| b.binary_search(x).is_err())
        .cloned()
        .collect()
}

/// `distinct(xs)`: each element where it first occurs.
pub fn distinct<T: Ord + Clone>(xs: &[T]) -> Vec<T> {
    first_occurrences(xs, &numbered(xs))
}

/// [`distinct`] of elements equal exactly when they are the same word
/// (int-like values, interned texts' ids), through a hash table.
pub fn distinct_hashed<T: Hash + Eq + Clone>(xs: &[T]) -> Vec<T> {
    first_occurrences(xs, &numbered_hashed(xs))
}

fn first_occurrences<T: Clone>(xs: &[T], numbers: &Numbered) -> Vec<T> {
    let mut next = 0;
    xs.iter()
        .zip(&numbers.of)
        .filter(|(_, &k)| {
            let new = k == next;
            next += usize::from(new);
            new
        })
        .map(|(x, _)| x.clone())
        .collect()
}

/// The keys of a collection numbered by equality: the first distinct key
/// 0, the next new one 1, and so on, in the order they first occur.
struct Numbered {
    /// Each key's number.
    of: Vec<usize>,
    /// How many distinct keys there are.
    distinct: usize,
}

/// [`Numbered`] keys, equal when their total order says so.
fn numbered<K: Ord>(keys: &[K]) -> Numbered {
    let mut index: BTreeMap<&K, usize> = BTreeMap::new();
    number_each(keys, |k, next| *index.entry(k).or_insert(next))
}

/// [`Numbered`] keys that are equal exactly when they hash as equal
/// (`Eq`): one table lookup each instead of a search of an ordered map (at
/// 10^6 texts, a cache miss per level and a byte comparison at each). The
/// table is only looked into, never iterated, so its order (seeded per
/// process) reaches nothing.
fn numbered_hashed<K: Hash + Eq>(keys: &[K]) -> Numbered {
    let mut index: HashMap<&K, usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(keys.len().min(1 << 20), Default::default());
    number_each(keys, |k, next| *index.entry(k).or_insert(next))
}

/// Numbers `keys` with `find`, which gives a key's number, or `next` (the
/// number a new key takes) for a key not seen before.
fn number_each<'k, K>(keys: &'k [K], mut find: impl FnMut(&'k K, usize) -> usize) -> Numbered {
    let mut distinct = 0;
    let of = keys
        .iter()
        .map(|k| {
            let n = find(k, distinct);
            distinct += usize::from(n == distinct);
            n
        })
        .collect();
    Numbered { of, distinct }
}

/// How many of `len` elements `n` stands for in `take`/`drop`: clamped to `0..=len`.
fn clamp(n: i64, len: usize) -> usize {
    usize::try_from(n.max(0)).unwrap_or(usize::MAX).min(len)
}

/// `take(xs, n)`: the first `n` elements.
pub fn take(xs: &[Value], n: i64) -> Vec<Value> {
    xs.iter().take(clamp(n, xs.len())).cloned().collect()
}

/// `drop(xs, n)`: the elements after the first `n`.
pub fn drop(xs: &[Value], n: i64) -> Vec<Value> {
    xs.iter().skip(clamp(n, xs.len())).cloned().collect()
}

/// `at(xs, i)`: the element at 0-based position `i`, if there is one.
pub fn at(xs: &[Value], i: i64) -> Option<&Value> {
    xs.get(usize::try_from(i).ok()?)
}

/// How many elements `flatten(xss)` has.
pub fn flat_len(xss: &[Value]) -> usize {
    xss.iter().map(|xs| xs.elements().len()).sum()
}

/// `flatten(xss)`: the elements of every inner collection, in order.
pub fn flatten(xss: &[Value]) -> Vec<Value> {
    xss.iter()
        .flat_map(|xs| xs.elements().iter().cloned())
        .collect()
}

/// The positions of `keys` in ascending (or, `desc`, descending) order of
/// key; equal keys keep their order either way (a stable sort).
pub fn sort_order<K: Ord>(keys: &[K], desc: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|a, b| {
        let o = keys.get(*a).cmp(&keys.get(*b));
        if desc {
            o.reverse()
        } else {
            o
        }
    });
    order
}

/// The positions `take(xs, n, per: key)` keeps: in order, the first `n`
/// elements of each key.
pub fn take_per<K: Ord>(keys: &[K], n: i64) -> Vec<usize> {
    kept_per(&numbered(keys), n)
}

/// [`take_per`] by keys equal exactly when they are the same word, through
/// a hash table.
pub fn take_per_hashed<K: Hash + Eq>(keys: &[K], n: i64) -> Vec<usize> {
    kept_per(&numbered_hashed(keys), n)
}

fn kept_per(numbers: &Numbered, n: i64) -> Vec<usize> {
    let mut counts = vec![0i64; numbers.distinct];
    let mut kept = Vec::new();
    for (i, k) in numbers.of.iter().enumerate() {
        if let Some(count) = counts.get_mut(*k) {
            if *count < n {
                *count += 1;
                kept.push(i);
            }
        }
    }
    kept
}

/// The groups of `group_by(xs, by: key)`: the positions of the elements of
/// each distinct key, in order, the groups in the order their keys first occur.
pub fn group<K: Ord>(keys: &[K]) -> Vec<Vec<usize>> {
    groups_of(&numbered(keys))
}

/// [`group`] by keys equal exactly when they are the same word, through a
/// hash table.
pub fn group_hashed<K: Hash + Eq>(keys: &[K]) -> Vec<Vec<usize>> {
    groups_of(&numbered_hashed(keys))
}

fn groups_of(numbers: &Numbered) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); numbers.distinct];
    for (i, k) in numbers.of.iter().enumerate() {
        if let Some(members) = groups.get_mut(*k) {
            members.push(i);
        }
    }
    groups
}

/// The positions that several runs of an index hold (each ascending) as
/// one list: ascending and each once when there are `several`. The
/// elements a loop picking by a field visits, in the list's order (both
/// engines' indexes).
pub fn in_list_order<P: Copy + Ord>(positions: impl Iterator<Item = P>, several: bool) -> Vec<P> {
    let mut out: Vec<P> = positions.collect();
    if several {
        out.sort_unstable();
        out.dedup();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Numbering keys through a hash table gives what numbering them
        /// through their order gives, so the JIT's words and the
        /// interpreter's values group, take and deduplicate alike.
        #[test]
        fn hashed_keys_group_take_and_deduplicate_as_ordered_ones(
            keys in prop::collection::vec(-20i64..20, 0..200),
            n in -1i64..4,
        ) {
            prop_assert_eq!(group_hashed(&keys), group(&keys));
            prop_assert_eq!(take_per_hashed(&keys, n), take_per(&keys, n));
            prop_assert_eq!(distinct_hashed(&keys), distinct(&keys));
            let texts: Vec<String> = keys.iter().map(|k| format!("t{}", k.rem_euclid(7))).collect();
            prop_assert_eq!(group_hashed(&texts), group(&texts));
            prop_assert_eq!(distinct_hashed(&texts), distinct(&texts));
        }
    }

    #[test]
    fn groups_come_in_the_order_their_keys_first_occur() {
        let keys = [3, 1, 3, 2, 1, 3];
        assert_eq!(
            group_hashed(&keys),
            vec![vec![0, 2, 5], vec![1, 4], vec![3]]
        );
        assert_eq!(take_per_hashed(&keys, 1), vec![0, 1, 3]);
        assert_eq!(take_per_hashed(&keys, 0), Vec::<usize>::new());
        assert_eq!(distinct_hashed(&keys), vec![3, 1, 2]);
        assert_eq!(group_hashed::<i64>(&[]), Vec::<Vec<usize>>::new());
    }
}
