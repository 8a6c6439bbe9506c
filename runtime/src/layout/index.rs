//! The layout's index of a state list by one field's word: what `xs[key]`
//! and a loop picking elements by a field ([`polity_compiler::ir::Clause::keyed`])
//! look into.
//!
//! Each key's positions are one run of a flat array, ascending, found
//! without a tree: when the keys' words lie close together (a list's ids are
//! interned texts, numbered as the snapshot was read, so a list of records
//! keyed by id covers a nearly dense range) through a table of run starts
//! indexed by the word itself, one read; otherwise by a binary search of the
//! distinct words, sorted. Both keep nearby keys nearby in memory, which
//! matters at a million records: an ordered map took a cache miss per level
//! of its tree and one more for each key's own vector (the Tidewater profile
//! of issue 14: its lookups cost several times more per record at 10^6 than
//! at 10^5), and a hash table scatters the lookups of keys that come in
//! order (ballots by voter, voters by id), a miss each.

/// Positions of a list's elements by the word of one of their fields.
#[derive(Debug)]
pub struct KeyIndex {
    /// Where each key's run lies in `positions`.
    runs: Runs,
    /// The positions, key by key, each key's ascending.
    positions: Box<[u32]>,
}

/// The runs' starts: key `k`'s run is `starts[i]..starts[i + 1]` for its
/// number `i`.
#[derive(Debug)]
enum Runs {
    /// Keys from `min` on: `k`'s number is `k - min`.
    Dense { min: i64, starts: Box<[u32]> },
    /// `k`'s number is its place among `keys`, the distinct keys ascending.
    Sorted {
        keys: Box<[i64]>,
        starts: Box<[u32]>,
    },
}

/// A dense table is used while it has at most this many slots per element
/// (beyond [`DENSE_SLACK`]): at most 16 bytes a record.
const DENSE_PER_ELEMENT: u64 = 4;
/// Slots a dense table may have whatever the number of elements.
const DENSE_SLACK: u64 = 1024;

impl KeyIndex {
    /// The index of `keys`, the field's word of each element in order
    /// (`None`, and an element past `u32::MAX`, is left out: no list that
    /// long is loaded).
    pub fn build(keys: impl Iterator<Item = Option<i64>>) -> KeyIndex {
        let mut pairs: Vec<(i64, u32)> = (0u32..)
            .zip(keys)
            .filter_map(|(at, k)| Some((k?, at)))
            .collect();
        let (Some(min), Some(max)) = (
            pairs.iter().map(|p| p.0).min(),
            pairs.iter().map(|p| p.0).max(),
        ) else {
            return KeyIndex {
                runs: Runs::Sorted {
                    keys: Box::new([]),
                    starts: Box::new([0]),
                },
                positions: Box::new([]),
            };
        };
        let span = max.abs_diff(min);
        let n = pairs.len() as u64;
        if span
            < n.saturating_mul(DENSE_PER_ELEMENT)
                .saturating_add(DENSE_SLACK)
        {
            // A counting sort: runs in key order, positions in list order.
            let slots = span as usize + 1;
            let mut starts = vec![0u32; slots + 1];
            for (k, _) in &pairs {
                if let Some(c) = starts.get_mut(k.abs_diff(min) as usize + 1) {
                    *c += 1;
                }
            }
            for i in 1..starts.len() {
                let before = starts.get(i - 1).copied().unwrap_or(0);
                if let Some(s) = starts.get_mut(i) {
                    *s += before;
                }
            }
            let mut next = starts.clone();
            let mut positions = vec![0u32; pairs.len()].into_boxed_slice();
            for (k, at) in &pairs {
                if let Some(cursor) = next.get_mut(k.abs_diff(min) as usize) {
                    if let Some(slot) = positions.get_mut(*cursor as usize) {
                        *slot = *at;
                    }
                    *cursor += 1;
                }
            }
            return KeyIndex {
                runs: Runs::Dense {
                    min,
                    starts: starts.into_boxed_slice(),
                },
                positions,
            };
        }
        // Positions ascend within each key: the sort is stable.
        pairs.sort_by_key(|p| p.0);
        let mut keys = Vec::new();
        let mut starts = Vec::new();
        for (i, (k, _)) in (0u32..).zip(&pairs) {
            if keys.last() != Some(k) {
                keys.push(*k);
                starts.push(i);
            }
        }
        starts.push(pairs.len() as u32);
        KeyIndex {
            runs: Runs::Sorted {
                keys: keys.into_boxed_slice(),
                starts: starts.into_boxed_slice(),
            },
            positions: pairs.into_iter().map(|p| p.1).collect(),
        }
    }

    /// The positions of the elements whose word is `key`, ascending.
    pub fn of(&self, key: i64) -> &[u32] {
        let (i, starts) = match &self.runs {
            Runs::Dense { min, starts } => match key.checked_sub(*min).map(usize::try_from) {
                Some(Ok(i)) => (i, starts),
                _ => return &[],
            },
            Runs::Sorted { keys, starts } => match keys.binary_search(&key) {
                Ok(i) => (i, starts),
                Err(_) => return &[],
            },
        };
        match (starts.get(i), starts.get(i.wrapping_add(1))) {
            (Some(&s), Some(&e)) => self.positions.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The positions of the elements whose word is one of `keys`,
    /// ascending and each once (the elements a loop picking by the field
    /// visits, in the list's order: as the interpreter's index).
    pub fn positions(&self, keys: &[i64]) -> Vec<u32> {
        let each = keys.iter().flat_map(|k| self.of(*k));
        crate::value::lists::in_list_order(each.copied(), keys.len() > 1)
    }
}

#[cfg(test)]
mod tests {
    use super::KeyIndex;

    #[test]
    fn runs_of_duplicated_and_missing_keys() {
        let words = [7i64, 3, 7, i64::MIN, 3, 7, 9];
        let mut with_gap = words.iter().copied().map(Some).collect::<Vec<_>>();
        with_gap.insert(1, None);
        let index = KeyIndex::build(words.iter().copied().map(Some));
        assert_eq!(index.of(7), &[0, 2, 5]);
        assert_eq!(index.of(3), &[1, 4]);
        assert_eq!(index.of(i64::MIN), &[3]);
        assert_eq!(index.of(9), &[6]);
        assert_eq!(index.of(8), &[] as &[u32]);
        assert_eq!(index.positions(&[9, 3, 8, 3]), vec![1, 4, 6]);
        assert_eq!(index.positions(&[7]), vec![0, 2, 5]);
        assert_eq!(index.positions(&[]), Vec::<u32>::new());
        assert_eq!(KeyIndex::build(std::iter::empty()).of(0), &[] as &[u32]);
        // An element without the field keeps its position but no key.
        let gapped = KeyIndex::build(with_gap.into_iter());
        assert_eq!(gapped.of(7), &[0, 3, 6]);
        assert_eq!(gapped.positions(&[3, 9]), vec![2, 5, 7]);
    }

    #[test]
    fn keys_close_together_are_looked_up_by_their_word() {
        let words = [105i64, 103, 105, 104, 110, 103, 100];
        let index = KeyIndex::build(words.iter().copied().map(Some));
        assert!(matches!(index.runs, super::Runs::Dense { min: 100, .. }));
        assert_eq!(index.of(105), &[0, 2]);
        assert_eq!(index.of(103), &[1, 5]);
        assert_eq!(index.of(100), &[6]);
        assert_eq!(index.of(110), &[4]);
        for missing in [99, 101, 106, 111, i64::MIN, i64::MAX] {
            assert_eq!(index.of(missing), &[] as &[u32], "{missing}");
        }
        assert_eq!(index.positions(&[110, 103, 111, 103]), vec![1, 4, 5]);
    }
}
