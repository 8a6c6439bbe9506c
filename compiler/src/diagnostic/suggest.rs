//! "Did you mean" suggestions: the closest known name by edit distance.
//!
//! Each lookup does bounded work, so a charter with 10,000 unknown names among
//! 10,000 declared ones checks in linear time rather than comparing every pair
//! in full:
//!
//! - a candidate is compared only when its length is within the current
//!   bound (the name's length / 3, at least 1, shrinking to the best distance
//!   found so far), and the comparison is an edit distance confined to a band
//!   of that width that stops as soon as a row exceeds the bound;
//! - a [`NameIndex`], built once over a large set of names, finds every name
//!   within distance 1 through a table of the names with one character
//!   deleted (a typo of one insertion, deletion, substitution or swap leaves a
//!   common string), so the usual typo costs a few table lookups;
//! - every lookup stops after [`MAX_WORK`] steps: past that (thousands of
//!   names of the same length, none within distance 1) a suggestion may be
//!   missed, never the check slowed down.

use std::collections::BTreeMap;

/// Steps (compared cells and visited candidates) one lookup may take.
pub const MAX_WORK: usize = 8_000;

/// Names longer than this are not put in a [`NameIndex`]'s table of
/// deletions (its size grows with the square of a name's length); they are
/// still found by its scan.
const MAX_INDEXED: usize = 64;

/// The closest candidate to `name` by edit distance, for "did you mean" help.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    closest(name, candidates).map(|(_, c)| c)
}

/// The closest candidate to `name` with its distance (case is ignored; at
/// most a third of the name's characters may differ; ties go to the first
/// name in alphabetical order).
pub fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<(usize, &'a str)> {
    let mut search = Search::new(name);
    for c in candidates {
        if search.exhausted() {
            break;
        }
        search.offer(c);
    }
    search.best
}

/// Edit distance over characters where inserting, deleting or replacing a
/// character, or swapping two adjacent ones (the commonest typo: `aeg` for
/// `age`), each cost one (optimal string alignment).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let bound = a.len().max(b.len());
    let mut work = 0;
    bounded_osa(&a, &b, bound, &mut Rows::default(), &mut work).unwrap_or(bound)
}

/// A set of names prepared for many lookups.
#[derive(Clone, Debug, Default)]
pub struct NameIndex {
    /// The names, sorted, without repeats.
    names: Vec<String>,
    /// The characters each name has (see [`char_mask`]).
    masks: Vec<u64>,
    /// Char length to the names of that length.
    by_len: BTreeMap<usize, Vec<u32>>,
    /// Each lowercase name, and each with one character deleted, to the names.
    near: BTreeMap<Vec<char>, Vec<u32>>,
}

impl NameIndex {
    /// Indexes `names`.
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> NameIndex {
        let mut sorted: Vec<String> = names.into_iter().map(str::to_string).collect();
        sorted.sort();
        sorted.dedup();
        let mut index = NameIndex::default();
        for (i, name) in sorted.iter().enumerate() {
            let id = u32::try_from(i).unwrap_or(u32::MAX);
            let lower = lowercase(name);
            index.masks.push(char_mask(&lower));
            index.by_len.entry(lower.len()).or_default().push(id);
            if lower.len() <= MAX_INDEXED {
                for key in deletions(&lower) {
                    let ids = index.near.entry(key).or_default();
                    if ids.last() != Some(&id) {
                        ids.push(id);
                    }
                }
            }
        }
        index.names = sorted;
        index
    }

    /// The closest name to `name` with its distance, as [`closest`] over
    /// every indexed name would find it (within the work bound).
    pub fn closest(&self, name: &str) -> Option<(usize, &str)> {
        let mut search = Search::new(name);
        if search.lower.len() <= MAX_INDEXED {
            let query = search.lower.clone();
            for key in deletions(&query) {
                for &id in self.near.get(&key).into_iter().flatten() {
                    if let Some(c) = self.names.get(id as usize) {
                        search.offer(c);
                    }
                }
            }
            if search.best.is_some_and(|(d, _)| d <= 1) {
                return search.best;
            }
        }
        // Farther: scan the names of nearby lengths, the nearest first,
        // comparing only those with few characters the name lacks.
        let n = search.lower.len();
        let mask = char_mask(&search.lower);
        for diff in 0..=search.limit {
            let lengths = [n.checked_sub(diff), (diff > 0).then_some(n + diff)];
            for len in lengths.into_iter().flatten() {
                for &id in self.by_len.get(&len).into_iter().flatten() {
                    if search.exhausted() {
                        return search.best;
                    }
                    let other = self.masks.get(id as usize).copied().unwrap_or(!0);
                    let apart = (mask & !other)
                        .count_ones()
                        .max((other & !mask).count_ones());
                    let bound = search.best.map_or(search.limit, |(d, _)| d);
                    if apart as usize > bound {
                        search.work += 1;
                        continue;
                    }
                    if let Some(c) = self.names.get(id as usize) {
                        search.offer(c);
                    }
                }
            }
        }
        search.best
    }
}

/// The best of two suggestions (smaller distance, then the name).
pub fn better<'a>(
    a: Option<(usize, &'a str)>,
    b: Option<(usize, &'a str)>,
) -> Option<(usize, &'a str)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y < x { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

/// One lookup in progress.
struct Search<'a> {
    name: String,
    lower: Vec<char>,
    limit: usize,
    best: Option<(usize, &'a str)>,
    work: usize,
    rows: Rows,
    candidate: Vec<char>,
}

impl<'a> Search<'a> {
    fn new(name: &str) -> Search<'a> {
        let lower = lowercase(name);
        Search {
            name: name.to_string(),
            limit: (lower.len() / 3).max(1),
            lower,
            best: None,
            work: 0,
            rows: Rows::default(),
            candidate: Vec::new(),
        }
    }

    fn exhausted(&self) -> bool {
        self.work >= MAX_WORK
    }

    /// Compares one candidate, keeping it if it is the best so far.
    fn offer(&mut self, c: &'a str) {
        self.work += 1;
        if c == self.name {
            return;
        }
        let bound = self.best.map_or(self.limit, |(d, _)| d);
        if c.chars().count().abs_diff(self.lower.len()) > bound {
            return;
        }
        self.candidate.clear();
        self.candidate
            .extend(c.chars().map(|ch| ch.to_ascii_lowercase()));
        let found = bounded_osa(
            &self.lower,
            &self.candidate,
            bound,
            &mut self.rows,
            &mut self.work,
        );
        if let Some(d) = found {
            self.best = better(self.best, Some((d, c)));
        }
    }
}

/// The three rows of the distance table an alignment needs, reused.
#[derive(Default)]
struct Rows {
    before: Vec<usize>,
    prev: Vec<usize>,
    cur: Vec<usize>,
}

/// The optimal string alignment distance of `a` and `b` if it is at most
/// `bound`: only cells within `bound` of the diagonal are computed, and the
/// computation stops at the first row whose every cell exceeds `bound`.
fn bounded_osa(
    a: &[char],
    b: &[char],
    bound: usize,
    rows: &mut Rows,
    work: &mut usize,
) -> Option<usize> {
    if a.len().abs_diff(b.len()) > bound {
        return None;
    }
    let over = bound + 1;
    let m = b.len();
    let at = |row: &[usize], j: usize| row.get(j).copied().unwrap_or(over);
    rows.before.clear();
    rows.before.resize(m + 1, over);
    rows.prev.clear();
    rows.prev.extend((0..=m).map(|j| j.min(over)));
    for (i, ai) in a.iter().enumerate().map(|(i, c)| (i + 1, c)) {
        rows.cur.clear();
        rows.cur.resize(m + 1, over);
        if let Some(first) = rows.cur.first_mut() {
            *first = i.min(over);
        }
        let mut row_min = i.min(over);
        let (lo, hi) = (i.saturating_sub(bound).max(1), (i + bound).min(m));
        for j in lo..=hi {
            *work += 1;
            let bj = b.get(j - 1);
            let cost = usize::from(Some(ai) != bj);
            let mut d = (at(&rows.prev, j) + 1)
                .min(at(&rows.cur, j - 1) + 1)
                .min(at(&rows.prev, j - 1) + cost);
            let swapped = i > 1 && j > 1 && a.get(i - 2) == bj && Some(ai) == b.get(j - 2);
            if swapped {
                d = d.min(at(&rows.before, j - 2) + 1);
            }
            let d = d.min(over);
            row_min = row_min.min(d);
            if let Some(cell) = rows.cur.get_mut(j) {
                *cell = d;
            }
        }
        if row_min > bound {
            return None;
        }
        std::mem::swap(&mut rows.before, &mut rows.prev);
        std::mem::swap(&mut rows.prev, &mut rows.cur);
    }
    let d = at(&rows.prev, m);
    (d <= bound).then_some(d)
}

fn lowercase(name: &str) -> Vec<char> {
    name.chars().map(|c| c.to_ascii_lowercase()).collect()
}

/// The set of characters of a lowercase name, folded into 64 bits. Each
/// character one name has and the other lacks costs at least one edit, and
/// folding only merges characters, so the larger of the two differences is a
/// lower bound of the distance.
fn char_mask(name: &[char]) -> u64 {
    name.iter().fold(0, |mask, &c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + c as u32 - '0' as u32,
            '_' => 36,
            _ => 37 + c as u32 % 27,
        };
        mask | 1 << bit
    })
}

/// `name` itself and `name` with each one of its characters deleted.
fn deletions(name: &[char]) -> impl Iterator<Item = Vec<char>> + '_ {
    std::iter::once(name.to_vec()).chain((0..name.len()).map(move |i| {
        let mut v = name.to_vec();
        v.remove(i);
        v
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let names: Vec<String> = (0..2000)
            .map(|i| format!("value_{i}"))
            .chain(["members".into(), "proposals".into(), "Quorum".into()])
            .collect();
        let index = NameIndex::new(names.iter().map(String::as_str));
        for query in [
            "valeu_5",
            "value_17x",
            "vlue_1999",
            "membrs",
            "proposal",
            "quorum",
            "zzz",
            "value_",
            "alue_12",
            "value_1",
        ] {
            // Every pair in full, as the suggestion is defined.
            let limit = (query.chars().count() / 3).max(1);
            let full = names
                .iter()
                .filter(|c| c.as_str() != query)
                .map(|c| {
                    (
                        edit_distance(&query.to_lowercase(), &c.to_lowercase()),
                        c.as_str(),
                    )
                })
                .filter(|(d, _)| *d <= limit)
                .min();
            assert_eq!(index.closest(query), full, "{query}");
        }
        assert_eq!(index.closest("valeu_5"), Some((1, "value_5")));
        assert_eq!(index.closest("quorum"), Some((0, "Quorum")));
    }

    #[test]
    fn bounded_distances_agree_with_the_full_one() {
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "kitten", "sitting", "aeg", "age",
        ];
        for a in words {
            for b in words {
                let full = edit_distance(a, b);
                let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                for bound in 0..4 {
                    let got = bounded_osa(&a, &b, bound, &mut Rows::default(), &mut 0);
                    assert_eq!(got, (full <= bound).then_some(full), "{a:?} {b:?} {bound}");
                }
            }
        }
    }

    #[test]
    fn a_lookup_does_bounded_work() {
        let names: Vec<String> = (0..100_000).map(|i| format!("name_{i:06}")).collect();
        let mut search = Search::new("zzzzzzzzzzzz");
        for c in &names {
            if search.exhausted() {
                break;
            }
            search.offer(c);
        }
        assert!(search.work < MAX_WORK + 100, "{}", search.work);
    }
}
