//! `x in xs` over a large state-only list or set of words compared by equality
//! (Ints, enums, dates, durations, Bools; texts, which are interned, so
//! equal texts have equal words), tested many times: a hash set of the
//! list's words (`foldhash`, fixed seed, never iterated), as the
//! interpreter indexes such lists (`interp/members.rs`).
//!
//! Generated code calls [`contains_kept`] only where `xs` is *closed* (it
//! reads no local: `whale_list()`, a memoised expression, a state list's
//! field of a constant), so at that site every evaluation of `xs` in one
//! context has the same value, whatever its address (tests' `given`, which
//! changes the state, forgets every copy). Each site follows one list, by
//! address and length; from its [`SORT_AFTER`]th test at the same list it
//! is hashed. A text made at run time may be forgotten when its subject
//! ends and its id given to another text, so a list holding such a text
//! is never hashed (only ids of the layout's texts and of those kept for
//! good are): it is scanned, as before.

use super::{code, with, JitCtx};
use crate::interp::{SORT_AFTER, SORT_FROM};
use std::collections::HashSet;

/// One site's list and its hash set.
#[derive(Debug, Default)]
pub(super) struct Kept {
    /// The list's address and length.
    list: (i64, usize),
    /// How many times it was tested at this site.
    tests: u32,
    /// Its words hashed, once made.
    hashed: Option<HashSet<i64, foldhash::fast::FixedState>>,
}

/// Whether `x` is a word of the list `xs`; `site_text` is the site's
/// number shifted left by one, with 1 in the low bit when the words are
/// texts.
pub extern "C" fn contains_kept(p: *mut JitCtx<'_>, site_text: i64, xs: i64, x: i64) -> i64 {
    with(p, |c| {
        let items = code::list(xs);
        let site = usize::try_from(site_text >> 1).ok();
        let (Some(site), true) = (site, items.len() >= SORT_FROM) else {
            return i64::from(items.contains(&x));
        };
        // Text ids below this never change their meaning.
        let texts = site_text & 1 == 1;
        let stable = (c.layout.texts.len() as i64).saturating_add(c.texts_kept as i64);
        if c.kept.len() <= site {
            c.kept.resize_with(site + 1, Kept::default);
        }
        let Some(k) = c.kept.get_mut(site) else {
            return i64::from(items.contains(&x));
        };
        let list = (xs, items.len());
        if k.list != list {
            *k = Kept {
                list,
                tests: 0,
                hashed: None,
            };
        }
        k.tests = k.tests.saturating_add(1);
        if k.hashed.is_none()
            && k.tests >= SORT_AFTER
            && (!texts || items.iter().all(|w| *w < stable))
        {
            k.hashed = Some(items.iter().copied().collect());
        }
        let found = match &k.hashed {
            Some(words) => words.contains(&x),
            None => items.contains(&x),
        };
        i64::from(found)
    })
}
