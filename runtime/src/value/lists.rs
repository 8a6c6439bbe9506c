//! The meaning of the whole-collection built-ins on values, shared by the
//! interpreter and the JIT's helpers (neither engine imports the other for
//! it) so that both compute them alike.
//! Elements are equal when [`Value`]'s total order says so. The functions
//! that only compare elements are generic over it, so that the JIT applies
//! them to words ordered as their values are (`jit/abi/words.rs`).

use crate::value::Value;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

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
    let mut seen = BTreeSet::new();
    xs.iter().filter(|x| seen.insert(*x)).cloned().collect()
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
    let mut seen: BTreeMap<&K, i64> = BTreeMap::new();
    let mut kept = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let count = seen.entry(k).or_insert(0);
        if *count < n {
            *count += 1;
            kept.push(i);
        }
    }
    kept
}

/// The groups of `group_by(xs, by: key)`: the positions of the elements of
/// each distinct key, in order, the groups in the order their keys first occur.
pub fn group<K: Ord>(keys: &[K]) -> Vec<Vec<usize>> {
    let mut index: BTreeMap<&K, usize> = BTreeMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let g = *index.entry(k).or_insert(groups.len());
        match groups.get_mut(g) {
            Some(members) => members.push(i),
            None => groups.push(vec![i]),
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
