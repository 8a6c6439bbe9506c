//! A list's elements by the value of one of their fields: what the
//! interpreter's `xs[key]` (and so every reference field, which reads as
//! `members[id]`) and its loops picking elements by a field
//! ([`polity_compiler::ir::Clause::keyed`]) look into.
//!
//! Each key's positions are one run of a flat array, ascending. The runs
//! are found through a hash table when every key is a text, `none`, or a
//! value that is one number (an Int, a Date, an enum case...): one hash and
//! one comparison per lookup, where an ordered map of texts took about
//! seventeen text comparisons at 10^5 ids, each a cache miss once the ids
//! no longer fit in cache (issue 14: `refs` grew 18–22× per tenfold).
//! Any other key (decimals, records, lists) is found through an ordered
//! map in [`Value`]'s order, as before.
//!
//! *Invariant:* a lookup answers exactly as a search in [`Value`]'s total
//! order would: a key's run holds the elements whose field compares
//! `Equal` to it. Texts are equal by their bytes; numbers of one kind by
//! their number; an integral decimal equals the Int of its value (the
//! only equality across kinds); no other values of different kinds are
//! equal. The tables are seeded per process as the loader's interner is
//! (`foldhash`, so crafted ids cannot make them degrade), and only looked
//! into, never iterated into anything observable.

use super::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The positions of a list's elements by the value of one field.
#[derive(Debug)]
pub struct ValueIndex {
    /// Where each key's run lies in `positions`.
    keys: Keys,
    /// The positions, key by key, each key's ascending.
    positions: Box<[u32]>,
}

/// One key's run: `positions[start..start + len]`.
#[derive(Clone, Copy, Debug)]
struct Run {
    start: u32,
    len: u32,
}

type Hasher = foldhash::fast::RandomState;

#[derive(Debug)]
enum Keys {
    /// Texts, `none` and values that are one number each.
    Hashed {
        texts: HashMap<Arc<str>, Run, Hasher>,
        words: HashMap<(u8, i64), Run, Hasher>,
        none: Option<Run>,
    },
    /// Keys of any other kind, in [`Value`]'s order.
    Ordered(BTreeMap<Value, Run>),
}

/// The kind [`word`] gives an Int.
const INT: u8 = 2;

/// A value that is one number, with its kind: two such values are equal
/// in [`Value`]'s order exactly when both kind and number are.
pub(crate) fn word(v: &Value) -> Option<(u8, i64)> {
    match v {
        Value::Bool(b) => Some((1, i64::from(*b))),
        Value::Int(n) => Some((INT, *n)),
        Value::Date(d) => Some((3, *d)),
        Value::Duration(d) => Some((4, *d)),
        Value::Period(m) => Some((5, *m)),
        Value::Instant(t) => Some((6, *t)),
        Value::Enum(e) => Some((7, i64::from(*e))),
        _ => None,
    }
}

/// The group of each element in order (`u32::MAX`: none), and each
/// group's size.
#[derive(Default)]
struct Groups {
    of: Vec<u32>,
    counts: Vec<u32>,
}

impl Groups {
    /// The next element's key has group `found`, or a new one.
    fn add(&mut self, found: Option<u32>) -> u32 {
        let g = found.unwrap_or(self.counts.len() as u32);
        match self.counts.get_mut(g as usize) {
            Some(c) => *c += 1,
            None => self.counts.push(1),
        }
        self.of.push(g);
        g
    }

    /// The next element has no key.
    fn skip(&mut self) {
        self.of.push(u32::MAX);
    }
}

/// Whether a key can go into the hash tables.
fn hashable(k: &Value) -> bool {
    matches!(k, Value::Text(_) | Value::None) || word(k).is_some()
}

impl ValueIndex {
    /// The index of `list` (records) by field `field`. An element that is
    /// not a record with that field, or past position `u32::MAX` (no list
    /// that long fits in memory), is left out.
    pub fn build(list: &Value, field: u32) -> ValueIndex {
        let keys: Vec<Option<&Value>> = list
            .elements()
            .iter()
            .take(u32::MAX as usize)
            .map(|x| x.fields().get(field as usize))
            .collect();
        // Each distinct key's number, in the order keys first occur; a
        // table's value is its key's number until the runs are placed.
        let mut groups = Groups::default();
        let number = |g: Option<&Run>| g.map(|r| r.start);
        let run = |g: u32| Run { start: g, len: 0 };
        let mut index = if keys.iter().flatten().all(|k| hashable(k)) {
            let (mut texts, mut words) = (HashMap::default(), HashMap::default());
            let mut none = None;
            for k in &keys {
                match k.map(|k| (k, word(k))) {
                    None => groups.skip(),
                    Some((Value::Text(t), _)) => {
                        let g = groups.add(number(texts.get(&**t)));
                        texts.entry(t.clone()).or_insert(run(g));
                    }
                    Some((_, Some(w))) => {
                        let g = groups.add(number(words.get(&w)));
                        words.entry(w).or_insert(run(g));
                    }
                    Some(_) => {
                        let g = groups.add(number(none.as_ref()));
                        none.get_or_insert(run(g));
                    }
                }
            }
            Keys::Hashed { texts, words, none }
        } else {
            let mut ordered = BTreeMap::new();
            for k in &keys {
                let Some(k) = k else {
                    groups.skip();
                    continue;
                };
                let g = groups.add(number(ordered.get(*k)));
                ordered.entry((*k).clone()).or_insert(run(g));
            }
            Keys::Ordered(ordered)
        };
        let Groups {
            of: group_of,
            counts,
        } = groups;
        // A counting sort: runs in group order, positions in list order.
        let mut starts: Vec<u32> = Vec::with_capacity(counts.len());
        let mut total = 0u32;
        for c in &counts {
            starts.push(total);
            total += c;
        }
        let mut positions = vec![0u32; total as usize].into_boxed_slice();
        let mut next = starts.clone();
        for (at, g) in (0u32..).zip(&group_of) {
            if let Some(cursor) = next.get_mut(*g as usize) {
                if let Some(slot) = positions.get_mut(*cursor as usize) {
                    *slot = at;
                }
                *cursor += 1;
            }
        }
        // Each table's value was its group's number; now its run. The
        // order in which the values are visited changes nothing.
        let place = |r: &mut Run| {
            let g = r.start as usize;
            *r = Run {
                start: starts.get(g).copied().unwrap_or(0),
                len: counts.get(g).copied().unwrap_or(0),
            };
        };
        match &mut index {
            Keys::Hashed { texts, words, none } => {
                texts.values_mut().for_each(place);
                words.values_mut().for_each(place);
                none.iter_mut().for_each(place);
            }
            Keys::Ordered(ordered) => ordered.values_mut().for_each(place),
        }
        ValueIndex {
            keys: index,
            positions,
        }
    }

    /// The positions of the elements whose field equals `key`, ascending.
    pub fn of(&self, key: &Value) -> &[u32] {
        let run = match &self.keys {
            Keys::Hashed { texts, words, none } => match key {
                Value::Text(t) => texts.get(&**t),
                Value::None => none.as_ref(),
                // An integral decimal equals the Int of its value; no
                // other key here equals a decimal.
                Value::Dec(d) => d.get().to_i64().and_then(|n| words.get(&(INT, n))),
                _ => word(key).and_then(|w| words.get(&w)),
            },
            Keys::Ordered(ordered) => ordered.get(key),
        };
        let Some(run) = run else {
            return &[];
        };
        let (start, len) = (run.start as usize, run.len as usize);
        self.positions.get(start..start + len).unwrap_or(&[])
    }

    /// The position of the first element whose field equals `key`.
    pub fn first(&self, key: &Value) -> Option<usize> {
        self.of(key).first().map(|at| *at as usize)
    }

    /// The positions of the elements whose field equals one of `keys`,
    /// ascending and each once: the elements a loop that picks by that
    /// field visits, in the list's order.
    pub fn positions(&self, keys: &[Value]) -> Vec<usize> {
        let each = keys.iter().flat_map(|k| self.of(k));
        super::lists::in_list_order(each.map(|at| *at as usize), keys.len() > 1)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use polity_compiler::num::Dec;
    use std::cmp::Ordering;

    fn dec(s: &str) -> Value {
        Value::dec(Dec::parse(s).unwrap())
    }

    /// What a search in [`Value`]'s order finds: every element whose
    /// field compares `Equal` to `key`, in the list's order.
    fn scan(list: &Value, field: u32, key: &Value) -> Vec<u32> {
        (0u32..)
            .zip(list.elements())
            .filter(|(_, x)| {
                x.fields()
                    .get(field as usize)
                    .is_some_and(|v| v.cmp(key) == Ordering::Equal)
            })
            .map(|(at, _)| at)
            .collect()
    }

    fn records(keys: Vec<Value>) -> Value {
        let rows: Vec<Value> = (0i64..)
            .zip(keys)
            .map(|(i, k)| Value::Record(vec![k, Value::Int(i)].into()))
            .collect();
        Value::List(rows.into())
    }

    /// Texts with duplicated and missing keys, optional texts, Ints
    /// against integral and fractional decimals, enums next to Ints,
    /// decimals at different scales and records (ordered): every key's
    /// positions are those the scan finds, and `positions` of several
    /// keys is their union in the list's order.
    #[test]
    fn every_lookup_answers_as_the_scan() {
        let text = |s: &str| Value::text(s);
        let cases: Vec<(Vec<Value>, Vec<Value>)> = vec![
            (
                (0..60).map(|i| text(&format!("m{}", i % 23))).collect(),
                vec![text("m0"), text("m22"), text("m23"), text(""), Value::None],
            ),
            (
                (0..40)
                    .map(|i| match i % 4 {
                        0 => Value::None,
                        _ => text(&format!("v{}", i % 7)),
                    })
                    .collect(),
                vec![Value::None, text("v1"), text("v0"), Value::Int(1)],
            ),
            (
                (0..50).map(|i| Value::Int(i % 17 - 3)).collect(),
                vec![
                    Value::Int(-3),
                    Value::Int(13),
                    Value::Int(14),
                    dec("4"),
                    dec("4.000"),
                    dec("4.5"),
                    Value::Enum(4),
                    text("4"),
                    Value::None,
                ],
            ),
            (
                (0..30)
                    .map(|i| match i % 3 {
                        0 => Value::Enum(i % 5),
                        _ => Value::Int(i64::from(i % 5)),
                    })
                    .collect(),
                vec![Value::Enum(0), Value::Int(0), Value::Bool(false), dec("1")],
            ),
            (
                (0..40)
                    .map(|i| dec(&format!("{}.{}", i % 9, i % 3)))
                    .collect(),
                vec![dec("1.10"), dec("8.0"), dec("8"), Value::Int(8), dec("9.1")],
            ),
            (
                (0..30)
                    .map(|i| Value::Record(vec![Value::Int(i % 4)].into()))
                    .collect(),
                vec![
                    Value::Record(vec![Value::Int(3)].into()),
                    Value::Record(vec![].into()),
                ],
            ),
            (vec![], vec![text("a"), Value::Int(0)]),
        ];
        for (keys, lookups) in cases {
            let list = records(keys);
            let index = ValueIndex::build(&list, 0);
            for k in &lookups {
                assert_eq!(index.of(k), scan(&list, 0, k).as_slice(), "{k:?}");
                let first = scan(&list, 0, k).first().map(|at| *at as usize);
                assert_eq!(index.first(k), first, "{k:?}");
            }
            let mut union: Vec<usize> = lookups
                .iter()
                .flat_map(|k| scan(&list, 0, k))
                .map(|at| at as usize)
                .collect();
            union.sort_unstable();
            union.dedup();
            assert_eq!(index.positions(&lookups), union);
        }
    }

    /// An element without the field (not a record) is in no run.
    #[test]
    fn elements_without_the_field_are_left_out() {
        let list = Value::List(
            vec![
                Value::Record(vec![Value::text("a")].into()),
                Value::Int(7),
                Value::Record(vec![Value::text("a")].into()),
            ]
            .into(),
        );
        let index = ValueIndex::build(&list, 0);
        assert_eq!(index.of(&Value::text("a")), &[0, 2]);
        assert_eq!(
            ValueIndex::build(&list, 1).of(&Value::text("a")),
            &[] as &[u32]
        );
    }
}
