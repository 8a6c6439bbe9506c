//! The helpers that order or compare a collection's elements: `sorted`,
//! `sorted(…, by:)`, `take(…, per:)`, `group_by`, `union`, `intersection`,
//! `difference`, `distinct` and building a set. They apply the functions of
//! [`lists`] (the interpreter's meaning of each) to the words themselves
//! wherever words are ordered as their values are — Ints and the other
//! int-like types as integers, texts by their bytes — and make values only
//! for the other types. Making a value per element (48 bytes each, beside
//! the 8-byte words) had a collection near the memory budget briefly exist
//! twice, and made `union` of two large sets slower than the interpreter's.

use super::{block_of_words, code, int_like, list_of, with, JitCtx, INTERNAL, LIMIT};
use crate::interp::elements;
use crate::layout::Store;
use crate::value::{lists, Value};
use polity_compiler::types::Type;

/// The words of one collection, in the order of their values.
enum Seen<'c> {
    /// Words ordered as the integers they are.
    Ints(&'c [i64]),
    /// Texts: each one's bytes and its word (equal texts have equal words:
    /// the context interns each text once).
    Texts(Vec<(&'c str, i64)>),
    /// Any other type: the values.
    Values(Vec<Value>),
}

/// What an operation on [`Seen`] elements gave.
enum Out {
    /// Words (of int-like elements or texts).
    Words(Vec<i64>),
    /// Values, to be made words.
    Values(Vec<Value>),
}

/// Elements that go back to being words.
trait Element: Ord + Clone {
    fn out(items: Vec<Self>) -> Out;
}

impl Element for i64 {
    fn out(items: Vec<i64>) -> Out {
        Out::Words(items)
    }
}

impl Element for (&str, i64) {
    fn out(items: Vec<(&str, i64)>) -> Out {
        Out::Words(items.into_iter().map(|(_, w)| w).collect())
    }
}

impl Element for Value {
    fn out(items: Vec<Value>) -> Out {
        Out::Values(items)
    }
}

impl Out {
    fn len(&self) -> usize {
        match self {
            Out::Words(w) => w.len(),
            Out::Values(v) => v.len(),
        }
    }

    /// The block `[len, words...]` of these elements.
    fn block(self, c: &mut JitCtx<'_>) -> i64 {
        match self {
            Out::Words(w) => block_of_words(c, w.into_iter()),
            Out::Values(v) => list_of(c, &v),
        }
    }
}

/// Applies `$f` to the elements of one [`Seen`], as a slice `$k` (of
/// whatever type they are seen as).
macro_rules! on_one {
    ($seen:expr, |$k:ident| $f:expr) => {
        match $seen {
            Seen::Ints(k) => {
                let $k: &[i64] = k;
                $f
            }
            Seen::Texts(k) => {
                let $k: &[(&str, i64)] = &k;
                $f
            }
            Seen::Values(k) => {
                let $k: &[Value] = &k;
                $f
            }
        }
    };
}

impl JitCtx<'_> {
    /// The bytes of text `id` (made here or in the layout), without a copy.
    fn text_bytes_of(&self, id: i64) -> &str {
        if let Some(t) = self.layout.texts.text(id) {
            return t;
        }
        usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_sub(self.layout.texts.len()))
            .and_then(|i| self.extra_texts.text(i as i64))
            .map_or("", |t| t)
    }

    /// The words `ws` of elements of type `elem`, seen in their values' order.
    fn seen<'c>(&'c self, elem: &Type, ws: &'c [i64]) -> Seen<'c> {
        if int_like(elem) {
            Seen::Ints(ws)
        } else if *elem == Type::Text {
            Seen::Texts(ws.iter().map(|w| (self.text_bytes_of(*w), *w)).collect())
        } else {
            Seen::Values(ws.iter().map(|w| self.value(elem, *w)).collect())
        }
    }
}

/// The words `ws` of elements of type `elem` when two are equal exactly
/// when their words are: int-like values, and texts (the context interns
/// each text once, so equal texts have equal words). Equality is then a
/// hash of the word, without a text's bytes.
fn word_keys<'w>(elem: &Type, ws: &'w [i64]) -> Option<&'w [i64]> {
    (int_like(elem) || *elem == Type::Text).then_some(ws)
}

/// The type of the elements of collection type `ty`.
fn element_of<'a>(c: &JitCtx<'a>, ty: i64) -> &'a Type {
    c.ty(ty).element().unwrap_or(&Type::Never)
}

/// `sorted(xs)` for a list of type `ty`: a new, stably sorted list.
pub extern "C" fn sorted(p: *mut JitCtx<'_>, ty: i64, xs: i64) -> i64 {
    with(p, |c| {
        let ws = code::list(xs);
        if let Err(fault) = c.built(elements(ws.len())) {
            return fault;
        }
        let elem = element_of(c, ty);
        let out = on_one!(c.seen(elem, ws), |k| {
            let mut k = k.to_vec();
            k.sort();
            Element::out(k)
        });
        let w = out.block(c);
        c.ok(w)
    })
}

/// A set (of type `ty`) from the elements of the block `xs`: sorted, no duplicates.
pub extern "C" fn set_from(p: *mut JitCtx<'_>, ty: i64, xs: i64) -> i64 {
    with(p, |c| {
        let elem = element_of(c, ty);
        let out = on_one!(c.seen(elem, code::list(xs)), |k| {
            let mut k = k.to_vec();
            k.sort_unstable();
            k.dedup();
            Element::out(k)
        });
        out.block(c)
    })
}

/// `union` (`op` 0), `intersection` (1) or `difference` (2) of two sets of
/// type `ty`, or `distinct` (3) of a collection of type `ty` (`b` unused),
/// with the values' meaning ([`lists`]). A `Limit` fault when a set would
/// exceed `max_collection_len` elements.
pub extern "C" fn whole(p: *mut JitCtx<'_>, op: i64, ty: i64, a: i64, b: i64) -> i64 {
    with(p, |c| {
        let elem = element_of(c, ty);
        let out = if let (3, Some(k)) = (op, word_keys(elem, code::list(a))) {
            Out::Words(lists::distinct_hashed(k))
        } else {
            let x = c.seen(elem, code::list(a));
            let y = if op == 3 {
                Seen::Values(Vec::new())
            } else {
                c.seen(elem, code::list(b))
            };
            match (x, y) {
                (x, _) if op == 3 => on_one!(x, |k| Element::out(lists::distinct(k))),
                (Seen::Ints(x), Seen::Ints(y)) => set_op(op, x, y),
                (Seen::Texts(x), Seen::Texts(y)) => set_op(op, &x, &y),
                (Seen::Values(x), Seen::Values(y)) => set_op(op, &x, &y),
                _ => return c.fail(INTERNAL),
            }
        };
        if out.len() > c.limits.max_collection_len {
            return c.fail(LIMIT);
        }
        if let Err(fault) = c.built(elements(out.len())) {
            return fault;
        }
        let w = out.block(c);
        c.ok(w)
    })
}

/// `union` (`op` 0), `intersection` (1) or `difference` (2) of two sets.
fn set_op<K: Element>(op: i64, x: &[K], y: &[K]) -> Out {
    Element::out(match op {
        0 => lists::union(x, y),
        1 => lists::intersection(x, y),
        _ => lists::difference(x, y),
    })
}

/// A block of `len` key words for `sorted(…, by:)`, `take(…, per:)` or
/// `group_by` over a block of `len` elements, its length word set: a list
/// the memory budget counts as one element per key, before the first key is
/// evaluated (as the interpreter's `by_key`); a `Limit` fault past it.
pub extern "C" fn key_block(p: *mut JitCtx<'_>, len: i64) -> i64 {
    with(p, |c| {
        let n = usize::try_from(len).unwrap_or(0);
        if let Err(fault) = c.built(elements(n)) {
            return fault;
        }
        let block = c.words(n.saturating_add(1));
        if let Some(first) = block.first_mut() {
            *first = len;
        }
        let w = block.as_ptr() as i64;
        c.ok(w)
    })
}

/// `sorted(xs, by: key)` (`desc` 0) or descending (1): the elements of the
/// block `xs` ordered by the keys (of type `ty`) in the block `keys`. The
/// result, as long as `xs`, is counted before ordering (as the
/// interpreter's).
pub extern "C" fn sort_by(p: *mut JitCtx<'_>, ty: i64, xs: i64, keys: i64, desc: i64) -> i64 {
    with(p, |c| {
        if let Err(fault) = c.built(elements(code::list(xs).len())) {
            return fault;
        }
        let t = c.ty(ty);
        let order = on_one!(c.seen(t, code::list(keys)), |k| {
            lists::sort_order(k, desc != 0)
        });
        let w = super::pick(c, xs, &order);
        c.ok(w)
    })
}

/// `take(xs, n, per: key)`: the elements of the block `xs` kept when at
/// most `n` share each key (of type `ty`) in the block `keys`.
pub extern "C" fn take_per(p: *mut JitCtx<'_>, ty: i64, xs: i64, keys: i64, n: i64) -> i64 {
    with(p, |c| {
        let t = c.ty(ty);
        let ws = code::list(keys);
        let kept = match word_keys(t, ws) {
            Some(k) => lists::take_per_hashed(k, n),
            None => on_one!(c.seen(t, ws), |k| lists::take_per(k, n)),
        };
        if let Err(fault) = c.built(elements(kept.len())) {
            return fault;
        }
        let w = super::pick(c, xs, &kept);
        c.ok(w)
    })
}

/// `group_by(xs, by: key)`: a block of blocks, the elements of the block
/// `xs` grouped by the keys (of type `ty`) in the block `keys`.
pub extern "C" fn group_by(p: *mut JitCtx<'_>, ty: i64, xs: i64, keys: i64) -> i64 {
    with(p, |c| {
        let t = c.ty(ty);
        let ws = code::list(keys);
        let groups = match word_keys(t, ws) {
            Some(k) => lists::group_hashed(k),
            None => on_one!(c.seen(t, ws), |k| lists::group(k)),
        };
        let n = groups.iter().map(Vec::len).sum::<usize>();
        if let Err(fault) = c.built(elements(n.saturating_add(groups.len()))) {
            return fault;
        }
        let blocks: Vec<i64> = groups.iter().map(|g| super::pick(c, xs, g)).collect();
        let w = block_of_words(c, blocks.into_iter());
        c.ok(w)
    })
}
