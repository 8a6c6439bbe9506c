//! Interned texts: equal texts get equal ids, so the layout's text words
//! compare as integers.
//!
//! Interning every text of a large snapshot is bound by memory latency, not
//! computation (issue 14: a million members' ids, each member looking up a
//! few random earlier ones). So the table is open addressing over one array
//! of 16-byte [`Slot`]s, four to a cache line, probed linearly: a probe
//! reads one cache line (two only when it runs past the line's end), where
//! a table with its control bytes apart from its slots touches two. A slot
//! holds a text's first 8 bytes, its length and 24 bits of its hash, so a
//! text of up to 8 bytes is found or placed without reading its allocation,
//! and a longer one is read only when all of those match.
//!
//! The hash is foldhash (fast, seeded per process, so crafted texts cannot
//! force collisions); the table is only looked up, never iterated, so its
//! order reaches nothing.

use std::hash::BuildHasher as _;
use std::sync::Arc;

/// Interned texts: ids are indexes into `texts`.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    texts: Vec<Arc<str>>,
    hasher: foldhash::fast::RandomState,
    /// Empty, or a power of two of slots, at most [`MAX_LOAD`] full.
    slots: Vec<Slot>,
}

/// A text's entry in the table; `meta == 0` is an empty slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C, align(16))]
struct Slot {
    /// The hash's top 24 bits (lowest of them set, so never 0) above the
    /// text's length (255 for 255 bytes or more).
    meta: u32,
    id: u32,
    /// The text's first [`HEAD`] bytes, zero-padded.
    head: [u8; HEAD],
}

/// How many bytes of a text its slot holds: a text no longer than this is
/// equal to another exactly when their lengths and heads are.
const HEAD: usize = 8;

/// How many texts ahead [`Interner::adopt_all`] prefetches: enough misses
/// in flight to cover one's latency with the work of probing the others.
const AHEAD: usize = 8;

/// The table grows past this share of full slots (numerator, denominator):
/// linear probing then looks at fewer than four slots on average.
const MAX_LOAD: (usize, usize) = (5, 8);

/// The slot fields of a text with hash `hash`: its meta and head.
fn describe(s: &[u8], hash: u64) -> (u32, [u8; HEAD]) {
    let tag = ((hash >> 40) as u32) | 1;
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX).min(255);
    let mut head = [0; HEAD];
    let n = s.len().min(HEAD);
    if let (Some(dst), Some(src)) = (head.get_mut(..n), s.get(..n)) {
        dst.copy_from_slice(src);
    }
    (tag << 8 | len, head)
}

/// How many slots hold `n` texts within [`MAX_LOAD`] (a power of two).
fn slots_for(n: usize) -> usize {
    let (num, den) = MAX_LOAD;
    n.saturating_mul(den)
        .div_ceil(num)
        .max(16)
        .checked_next_power_of_two()
        .unwrap_or(usize::MAX / 2 + 1)
}

impl Interner {
    fn hash(&self, s: &[u8]) -> u64 {
        self.hasher.hash_one(s)
    }

    /// The id of `s` if interned, else the index of the empty slot where it
    /// goes (`None` when the table has no slots yet).
    fn probe(&self, s: &str, hash: u64) -> Result<u32, Option<usize>> {
        let mask = self.slots.len().wrapping_sub(1);
        let (meta, head) = describe(s.as_bytes(), hash);
        let mut at = hash as usize & mask;
        // INVARIANT: the table is never full (`MAX_LOAD` < 1), so a probe
        // meets an empty slot within `slots.len()` steps.
        for _ in 0..self.slots.len() {
            let Some(slot) = self.slots.get(at) else {
                break;
            };
            if slot.meta == 0 {
                return Err(Some(at));
            }
            if slot.meta == meta
                && slot.head == head
                && (s.len() <= HEAD || self.texts.get(slot.id as usize).is_some_and(|t| **t == *s))
            {
                return Ok(slot.id);
            }
            at = (at + 1) & mask;
        }
        Err(None)
    }

    /// Room for `additional` more texts without growing the table (a
    /// loader that can estimate how many texts it will meet saves the
    /// rehashing).
    pub fn reserve(&mut self, additional: usize) {
        let want = slots_for(self.texts.len().saturating_add(additional));
        if want > self.slots.len() {
            self.rehash(want);
        }
    }

    /// The hash of the text in `slot`, from its head when the head holds
    /// the whole text.
    fn slot_hash(&self, slot: &Slot) -> u64 {
        let len = (slot.meta & 0xFF) as usize;
        match slot.head.get(..len) {
            Some(short) if len <= HEAD => self.hash(short),
            _ => self
                .texts
                .get(slot.id as usize)
                .map_or(0, |t| self.hash(t.as_bytes())),
        }
    }

    /// Moves every text into a table of `n` slots.
    fn rehash(&mut self, n: usize) {
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); n]);
        let mask = n - 1;
        for slot in old.into_iter().filter(|s| s.meta != 0) {
            let hash = self.slot_hash(&slot);
            let mut at = hash as usize & mask;
            while self.slots.get(at).is_some_and(|s| s.meta != 0) {
                at = (at + 1) & mask;
            }
            if let Some(dst) = self.slots.get_mut(at) {
                *dst = slot;
            }
        }
    }

    /// The id of `s`, interning it if new.
    pub fn intern(&mut self, s: &str) -> i64 {
        self.intern_with(s, self.hash(s.as_bytes()), || Arc::from(s))
    }

    /// The ids of `texts`, in order, each interned (its allocation kept)
    /// if new: what interning them one by one gives.
    ///
    /// Each text's home slot is prefetched [`AHEAD`] texts before it is
    /// probed, so the table's cache misses (one per text in a table larger
    /// than the cache, as when a split snapshot's second part is absorbed)
    /// overlap instead of following one another.
    pub(crate) fn adopt_all(&mut self, texts: Vec<Arc<str>>) -> Vec<i64> {
        // Not reserved for all of them: many may be here already (a split
        // snapshot's second part names members of the first), and a table
        // grown for texts that never come costs memory and a rehash.
        let hashes: Vec<u64> = texts.iter().map(|t| self.hash(t.as_bytes())).collect();
        let mut ids = Vec::with_capacity(texts.len());
        for (i, (text, hash)) in texts.iter().zip(&hashes).enumerate() {
            let mask = self.slots.len().wrapping_sub(1);
            if let Some(slot) = hashes
                .get(i + AHEAD)
                .and_then(|h| self.slots.get(*h as usize & mask))
            {
                super::raw::prefetch(slot);
            }
            ids.push(self.intern_shared(text, *hash));
        }
        ids
    }

    /// Every text, by id, given up.
    pub(crate) fn into_texts(self) -> Vec<Arc<str>> {
        self.texts
    }

    /// An empty interner that hashes as `other` does, so that one hash of a
    /// text ([`Interner::hash_of`]) looks it up in both (a context's texts
    /// made at run time beside its layout's).
    pub fn sharing_hasher(other: &Interner) -> Interner {
        Interner {
            texts: Vec::new(),
            hasher: other.hasher.clone(),
            slots: Vec::new(),
        }
    }

    /// The hash of `s` in this interner and in those sharing its hasher.
    pub fn hash_of(&self, s: &str) -> u64 {
        self.hash(s.as_bytes())
    }

    /// [`Interner::find`] of `s` whose [`Interner::hash_of`] is `hash`.
    pub fn find_hashed(&self, s: &str, hash: u64) -> Option<i64> {
        self.probe(s, hash).ok().map(i64::from)
    }

    /// [`Interner::intern`] of `s` whose [`Interner::hash_of`] is `hash`.
    pub fn intern_hashed(&mut self, s: &str, hash: u64) -> i64 {
        self.intern_with(s, hash, || Arc::from(s))
    }

    /// [`Interner::intern_hashed`] without copying `s` (the text is then
    /// shared with its other holders).
    pub fn intern_shared(&mut self, s: &Arc<str>, hash: u64) -> i64 {
        self.intern_with(s, hash, || s.clone())
    }

    /// The id of `s`, whose hash is `hash`, interning `make()` (equal to
    /// `s`) if new.
    fn intern_with(&mut self, s: &str, hash: u64, make: impl FnOnce() -> Arc<str>) -> i64 {
        let at = match self.probe(s, hash) {
            Ok(id) => return i64::from(id),
            Err(at) => at,
        };
        let (num, den) = MAX_LOAD;
        let at = match at {
            Some(at) if (self.texts.len() + 1) * den <= self.slots.len() * num => at,
            _ => {
                self.rehash(slots_for(self.texts.len() + 1).max(self.slots.len() * 2));
                match self.probe(s, hash) {
                    Err(Some(at)) => at,
                    // Not reached: `s` was not interned, and the new table has room.
                    Ok(id) => return i64::from(id),
                    Err(None) => return i64::from(u32::MAX),
                }
            }
        };
        // Ids fit u32: four billion texts would take far more memory than
        // any snapshot loaded here.
        let id = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
        self.texts.push(make());
        let (meta, head) = describe(s.as_bytes(), hash);
        if let Some(slot) = self.slots.get_mut(at) {
            *slot = Slot { meta, id, head };
        }
        i64::from(id)
    }

    /// The id of `s` if interned.
    pub fn find(&self, s: &str) -> Option<i64> {
        self.probe(s, self.hash(s.as_bytes())).ok().map(i64::from)
    }

    /// The text of an id.
    pub fn text(&self, id: i64) -> Option<&Arc<str>> {
        usize::try_from(id).ok().and_then(|i| self.texts.get(i))
    }

    /// How many texts are interned.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Every text, by id.
    pub fn texts(&self) -> &[Arc<str>] {
        &self.texts
    }

    /// An interner of `texts` (distinct), each with its position as its id.
    pub fn of(texts: &[Arc<str>]) -> Interner {
        let mut interner = Interner::default();
        interner.reserve(texts.len());
        for t in texts {
            interner.intern(t);
        }
        interner
    }

    /// Whether no text is interned.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Forgets every text from id `len` on (the ids before keep theirs),
    /// in time proportional to the texts forgotten and their probe runs.
    pub fn truncate(&mut self, len: usize) {
        while self.texts.len() > len {
            let Some(text) = self.texts.pop() else {
                break;
            };
            let id = self.texts.len();
            let mask = self.slots.len().wrapping_sub(1);
            let mut at = self.hash(text.as_bytes()) as usize & mask;
            // Find the forgotten text's slot on its probe run.
            let mut found = None;
            for _ in 0..self.slots.len() {
                match self.slots.get(at) {
                    Some(slot) if slot.meta == 0 => break,
                    Some(slot) if slot.id as usize == id => {
                        found = Some(at);
                        break;
                    }
                    Some(_) => at = (at + 1) & mask,
                    None => break,
                }
            }
            if let Some(hole) = found {
                self.remove_slot(hole, mask);
            }
        }
    }

    /// Empties slot `hole`, moving back each later slot of its probe run
    /// whose home is not between the hole and it (backward-shift deletion),
    /// so every remaining text stays reachable from its home without
    /// tombstones.
    fn remove_slot(&mut self, mut hole: usize, mask: usize) {
        let mut at = (hole + 1) & mask;
        for _ in 0..self.slots.len() {
            let Some(slot) = self.slots.get(at).copied().filter(|s| s.meta != 0) else {
                break;
            };
            let home = self.slot_hash(&slot) as usize & mask;
            if at.wrapping_sub(home) & mask >= at.wrapping_sub(hole) & mask {
                if let Some(dst) = self.slots.get_mut(hole) {
                    *dst = slot;
                }
                hole = at;
            }
            at = (at + 1) & mask;
        }
        if let Some(dst) = self.slots.get_mut(hole) {
            *dst = Slot::default();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::Interner;
    use std::sync::Arc;

    /// An interner rebuilt from another's texts gives every text the same id,
    /// and interning goes on after them (how a context adopts the texts of
    /// the one that made its subjects' words).
    #[test]
    fn an_interner_of_texts_keeps_their_ids() {
        let mut first = Interner::default();
        let words: Vec<String> = (0..1000).map(|i| format!("text number {i}")).collect();
        let ids: Vec<i64> = words.iter().map(|w| first.intern(w)).collect();
        assert_eq!(ids, (0..1000).collect::<Vec<i64>>());
        let mut second = Interner::of(first.texts());
        for (w, id) in words.iter().zip(&ids) {
            assert_eq!(second.find(w), Some(*id));
            assert_eq!(second.intern(w), *id);
        }
        assert_eq!(second.intern("a new one"), 1000);
        assert_eq!(second.text(1000).map(Arc::as_ref), Some("a new one"));
        assert_eq!(second.find("never interned"), None);
    }

    /// Texts that a slot cannot tell apart by its head and length (the
    /// same first 8 bytes, a zero byte against padding, the empty text,
    /// 255 bytes and more) are still told apart, through growth and a
    /// reservation alike.
    #[test]
    fn texts_alike_in_their_first_bytes_stay_apart() {
        let long = "x".repeat(300);
        let mut texts: Vec<String> = vec![
            String::new(),
            "\0".to_owned(),
            "ab".to_owned(),
            "ab\0".to_owned(),
            "abcdefgh".to_owned(),
            "abcdefgh\0".to_owned(),
            long.clone(),
            format!("{long}x"),
            "x".repeat(255),
        ];
        texts.extend((0..5000).map(|i| format!("parcel-{i:04}")));
        for reserve in [0, 10_000] {
            let mut interner = Interner::default();
            interner.reserve(reserve);
            for (i, t) in texts.iter().enumerate() {
                assert_eq!(interner.intern(t), i as i64, "{t:?}");
            }
            for (i, t) in texts.iter().enumerate() {
                assert_eq!(interner.find(t), Some(i as i64), "{t:?}");
                assert_eq!(interner.intern(t), i as i64, "{t:?}");
                assert_eq!(
                    interner.text(i as i64).map(|t| t.to_string()),
                    Some(t.clone())
                );
            }
            assert_eq!(interner.len(), texts.len());
            assert_eq!(interner.find("abcdefgi"), None);
            assert_eq!(interner.find("parcel-5000"), None);
        }
    }

    /// Truncating forgets exactly the texts from the given id on, in any
    /// order of probe runs (a small table, so runs overlap and wrap), and
    /// the texts kept stay found; interning goes on from the cut.
    #[test]
    fn truncating_forgets_the_later_texts_and_keeps_the_rest_found() {
        let texts: Vec<String> = (0..3000)
            .map(|i| match i % 3 {
                0 => format!("{i}"),
                1 => format!("member-{i:06}"),
                _ => format!("{}{i}", "y".repeat(i % 300)),
            })
            .collect();
        let mut interner = Interner::default();
        for t in &texts {
            interner.intern(t);
        }
        for cut in [2500, 1200, 1199, 17, 0] {
            interner.truncate(cut);
            assert_eq!(interner.len(), cut);
            for (i, t) in texts.iter().enumerate() {
                let want = (i < cut).then_some(i as i64);
                assert_eq!(interner.find(t), want, "{t:?} after a cut at {cut}");
            }
        }
        for (i, t) in texts.iter().enumerate().take(100) {
            assert_eq!(interner.intern(t), i as i64);
        }
    }

    /// Adopting texts all at once (prefetching ahead) gives each the id
    /// adopting them one by one gives, keeps the new ones' allocations,
    /// and finds texts already there and repeats within the batch; with
    /// fewer texts than the look-ahead, too.
    #[test]
    fn adopting_a_batch_is_adopting_one_by_one() {
        let mut texts: Vec<Arc<str>> = (0..5000)
            .map(|i| Arc::from(format!("m{}", i % 3700)))
            .collect();
        texts.push(Arc::from(
            "a text longer than a slot's head, read to compare",
        ));
        texts.push(Arc::from("already"));
        for batch in [texts.clone(), texts[..3].to_vec()] {
            let mut one = Interner::default();
            one.intern("already");
            let mut all = one.clone();
            let want: Vec<i64> = batch
                .iter()
                .map(|t| one.intern_shared(t, one.hash_of(t)))
                .collect();
            let got = all.adopt_all(batch.clone());
            assert_eq!(got, want);
            assert_eq!(all.texts(), one.texts());
            for (t, id) in batch.iter().zip(&got) {
                assert_eq!(all.find(t), Some(*id));
            }
            let new = all.text(1).unwrap();
            assert!(batch.iter().any(|t| Arc::ptr_eq(t, new)));
        }
    }

    /// An interner sharing another's hasher finds and interns by one hash
    /// of a text taken in either, as [`Interner::intern`] does; interning a
    /// held text shares it rather than copying it, and forgetting texts so
    /// interned finds their slots (`truncate`).
    #[test]
    fn one_hash_serves_interners_that_share_a_hasher() {
        let mut layout = Interner::default();
        let long = "a text longer than a slot's head".repeat(3);
        layout.intern("short");
        layout.intern(&long);
        let mut made = Interner::sharing_hasher(&layout);
        for s in ["short", long.as_str(), "new", "another new text, long"] {
            let hash = layout.hash_of(s);
            assert_eq!(hash, made.hash_of(s));
            assert_eq!(layout.find_hashed(s, hash), layout.find(s));
        }
        let hash = made.hash_of("new");
        assert_eq!(made.intern_hashed("new", hash), 0);
        assert_eq!(made.intern("new"), 0);
        let held: Arc<str> = Arc::from("another new text, long");
        let id = made.intern_shared(&held, made.hash_of(&held));
        assert_eq!(id, 1);
        assert!(Arc::ptr_eq(made.text(1).unwrap(), &held));
        assert_eq!(made.find(&held), Some(1));
        made.truncate(1);
        assert_eq!(made.find(&held), None);
        assert_eq!(made.find("new"), Some(0));
        assert_eq!(made.intern_shared(&held, made.hash_of(&held)), 1);
    }
}
