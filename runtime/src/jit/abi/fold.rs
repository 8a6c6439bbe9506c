//! What a `fold`'s steps leave dead. Each step of `fold(acc = init, x in
//! xs) => body` builds the next accumulator, usually from the previous one,
//! which is then dead (`acc + [x]` copies the list, `acc + "!"` the text,
//! `acc with { … }` the record), as is everything else the step built. The
//! interpreter frees those when their last reference goes; the JIT's arena
//! is a stack that frees only down to a mark. So a fold marks the arena
//! before its first step ([`fold_start`]), and after a step
//! ([`fold_step`]), once the steps since the last compaction made more than
//! twice what the accumulator then held and at least [`SLACK`] bytes, it
//! copies the accumulator's parts made since the mark aside, frees
//! everything made since the mark, and puts the parts back at the mark.
//! A fold then holds at most about three times its live accumulator and
//! [`SLACK`] bytes, as the interpreter holds its live values, and the
//! copying, done only after at least as much was made, costs a constant
//! per byte made.
//!
//! Only parts made since the mark are copied: nothing made before it (the
//! initial value, the source, the state, constants) can point at anything
//! made after it, since values are built after their parts and never
//! changed. Texts the steps made are forgotten, and those the accumulator
//! names interned again (with new ids, which its words are given). A
//! memoised value made during the fold (in the `keep` arena, possibly
//! naming texts made meanwhile) is never freed: the fold starts counting
//! again after it.

use super::{code, with, ArenaMark, JitCtx};
use crate::layout::{self, Store, NONE};
use polity_compiler::ir::Program;
use polity_compiler::num::Dec;
use polity_compiler::types::Type;
use std::collections::HashMap;
use std::sync::Arc;

/// What a decimal cell takes.
pub(super) const CELL_BYTES: u64 = std::mem::size_of::<Dec>() as u64;

/// What an interned text takes besides its bytes (its shared allocation's
/// counts, its place in the interner's list and table), roughly.
const TEXT_OVERHEAD: u64 = 64;

/// What interning the new text `s` takes.
pub(super) fn text_size(s: &str) -> u64 {
    (s.len() as u64).saturating_add(TEXT_OVERHEAD)
}

/// Bytes a fold's steps make before its first compaction, and beyond twice
/// its live accumulator between two: small folds never compact.
const SLACK: u64 = 256 << 10;

/// A `fold` being evaluated: where its arena stood before its first step
/// (its accumulator's parts are put back there), how many texts the
/// context had made and how many memoised values it had evaluated then,
/// the context's [`JitCtx::made`] at the last compaction, and what the
/// accumulator held after it.
#[derive(Clone, Copy, Debug)]
pub(super) struct FoldMark {
    keep: bool,
    at: ArenaMark,
    texts: usize,
    memoised: u64,
    made: u64,
    live: u64,
}

impl JitCtx<'_> {
    /// A fold's mark, taken now.
    fn fold_mark(&self) -> FoldMark {
        let keep = self.const_depth > 0;
        FoldMark {
            keep,
            at: if keep {
                self.keep.mark()
            } else {
                self.temp.mark()
            },
            texts: self.extra_texts.len(),
            memoised: self.memoised,
            made: self.made,
            live: 0,
        }
    }

    /// Frees what the steps of fold `f` made since its mark except the
    /// parts of `root`, its accumulator of type `ty`, which are put back
    /// at the mark: the accumulator's new word, and the bytes it holds.
    fn compact(&mut self, f: &FoldMark, ty: &Type, root: i64) -> (i64, u64) {
        let arena = if f.keep { &self.keep } else { &self.temp };
        let cut = f.texts.max(self.texts_kept);
        let young = Young {
            blocks: arena.blocks.since(f.at.0),
            cells: arena.cells.since(f.at.1),
            texts: (self.layout.texts.len() as i64).saturating_add(cut as i64),
        };
        let mut aside = Aside::default();
        aside.copy(self, &young, ty, root);
        if f.keep {
            self.keep.release(f.at);
        } else {
            self.temp.release(f.at);
        }
        self.extra_texts.truncate(cut);
        aside.put_back(self, root)
    }
}

/// Starts a fold (after its initial value and source): the handle of its
/// mark, for [`fold_step`] and [`fold_end`].
pub extern "C" fn fold_start(p: *mut JitCtx<'_>) -> i64 {
    with(p, |c| {
        let mark = c.fold_mark();
        c.folds.push(mark);
        (c.folds.len() - 1) as i64
    })
}

/// The fold `h` has ended: its mark, and those of the folds inside it, go.
pub extern "C" fn fold_end(p: *mut JitCtx<'_>, h: i64) -> i64 {
    with(p, |c| {
        if let Ok(h) = usize::try_from(h) {
            c.folds.truncate(h);
        }
        0
    })
}

/// After a step of fold `h`, whose next accumulator is `w` (of the type
/// numbered `ty`): `w`, or, when it is time to compact, the same value put
/// back at the fold's mark with everything else the steps made freed.
pub extern "C" fn fold_step(p: *mut JitCtx<'_>, h: i64, ty: i64, w: i64) -> i64 {
    with(p, |c| {
        let Some(i) = usize::try_from(h).ok() else {
            return w;
        };
        let Some(f) = c.folds.get(i).copied() else {
            return w;
        };
        if f.keep != (c.const_depth > 0) {
            return w;
        }
        if c.memoised != f.memoised {
            // What the memoised value holds stays: count from here.
            let again = c.fold_mark();
            if let Some(slot) = c.folds.get_mut(i) {
                *slot = again;
            }
            return w;
        }
        let made = c.made.saturating_sub(f.made);
        if made <= f.live.saturating_mul(2).saturating_add(SLACK) {
            return w;
        }
        let ty = c.ty(ty);
        let (w, live) = c.compact(&f, ty, w);
        if let Some(slot) = c.folds.get_mut(i) {
            slot.made = c.made;
            slot.live = live;
        }
        w
    })
}

/// What a fold's steps made since its mark: the address ranges of its
/// blocks and cells (sorted), and the first text id.
struct Young {
    blocks: Vec<(usize, usize)>,
    cells: Vec<(usize, usize)>,
    texts: i64,
}

/// Whether `w` is an address in one of `ranges` (sorted, disjoint).
fn within(ranges: &[(usize, usize)], w: i64) -> bool {
    let Ok(a) = usize::try_from(w) else {
        return false;
    };
    let i = ranges.partition_point(|(_, end)| *end <= a);
    ranges.get(i).is_some_and(|(start, _)| *start <= a)
}

/// Where a word to give a new value is: the accumulator itself, or a word
/// of [`Aside::words`].
#[derive(Clone, Copy)]
enum At {
    Root,
    Word(usize),
}

/// What a word becomes once the parts are put back.
#[derive(Clone, Copy)]
enum Becomes {
    /// The address of the block at this offset of [`Aside::words`].
    Block(usize),
    /// The address of the new cell of [`Aside::cells`] at this index.
    Cell(usize),
    /// The id of the text of [`Aside::texts`] at this index.
    Text(usize),
}

/// The parts of an accumulator made since its fold's mark, copied aside:
/// its blocks back to back, its cells, its texts, each once however often
/// it is referred to, and the words that refer to them.
#[derive(Default)]
struct Aside {
    words: Vec<i64>,
    blocks: HashMap<i64, usize>,
    cells: Vec<Dec>,
    cell_at: HashMap<i64, usize>,
    texts: Vec<Arc<str>>,
    text_at: HashMap<i64, usize>,
    fixes: Vec<(At, Becomes)>,
}

/// Whether a word of type `ty` may point at a block, a cell or a made text.
fn refers(ty: &Type) -> bool {
    match ty {
        Type::Text | Type::Decimal | Type::Record(_) | Type::List(_) | Type::Set(_) => true,
        Type::Optional(t) => refers(t),
        _ => false,
    }
}

impl Aside {
    /// Copies the young parts of `root`, of type `ty`, aside (without
    /// recursion: a worklist of the words still to look at).
    fn copy(&mut self, c: &JitCtx<'_>, young: &Young, ty: &Type, root: i64) {
        let mut todo: Vec<(&Type, At)> = vec![(ty, At::Root)];
        while let Some((ty, at)) = todo.pop() {
            let w = match at {
                At::Root => root,
                At::Word(i) => self.words.get(i).copied().unwrap_or(NONE),
            };
            match ty {
                Type::Optional(t) if w != NONE => todo.push((t, at)),
                Type::Text if w >= young.texts => {
                    let next = self.texts.len();
                    let i = *self.text_at.entry(w).or_insert(next);
                    if i == next {
                        self.texts
                            .push(c.text_of(w).unwrap_or_else(|| Arc::from("")));
                    }
                    self.fixes.push((at, Becomes::Text(i)));
                }
                Type::Decimal if !layout::is_inline_dec(w) && within(&young.cells, w) => {
                    let next = self.cells.len();
                    let i = *self.cell_at.entry(w).or_insert(next);
                    if i == next {
                        self.cells.push(code::dec_at(w));
                    }
                    self.fixes.push((at, Becomes::Cell(i)));
                }
                Type::Record(r) if within(&young.blocks, w) => {
                    let fields = record_fields(c.program, *r);
                    // (An arena block has a word at least.)
                    let n = fields.len().max(1);
                    if let Some(off) = self.block(w, code::words(w, n)) {
                        for (k, f) in fields.iter().enumerate().filter(|(_, f)| refers(f)) {
                            todo.push((f, At::Word(off + k)));
                        }
                    }
                    self.fix_block(at, w);
                }
                Type::List(t) | Type::Set(t) if within(&young.blocks, w) => {
                    let items = code::list(w);
                    let mut block = Vec::with_capacity(items.len() + 1);
                    block.push(items.len() as i64);
                    block.extend_from_slice(items);
                    if let Some(off) = self.block(w, &block) {
                        if refers(t) {
                            todo.extend((0..items.len()).map(|k| (&**t, At::Word(off + 1 + k))));
                        }
                    }
                    self.fix_block(at, w);
                }
                _ => {}
            }
        }
    }

    /// Copies the block at `w` (its words `block`) aside unless it already
    /// is: its offset when it is new.
    fn block(&mut self, w: i64, block: &[i64]) -> Option<usize> {
        if self.blocks.contains_key(&w) {
            return None;
        }
        let off = self.words.len();
        self.words.extend_from_slice(block);
        self.blocks.insert(w, off);
        Some(off)
    }

    fn fix_block(&mut self, at: At, w: i64) {
        if let Some(off) = self.blocks.get(&w) {
            self.fixes.push((at, Becomes::Block(*off)));
        }
    }

    /// Puts the parts back in `c` (whose arena and texts were cut back to
    /// the mark): the accumulator's new word, and the bytes its parts take.
    fn put_back(self, c: &mut JitCtx<'_>, root: i64) -> (i64, u64) {
        let cells: Vec<i64> = self.cells.iter().map(|d| c.dec(*d)).collect();
        let texts: Vec<i64> = self.texts.iter().map(|t| c.text_shared(t)).collect();
        let live = (self.words.len() as u64)
            .saturating_mul(8)
            .saturating_add((cells.len() as u64).saturating_mul(CELL_BYTES))
            .saturating_add(self.texts.iter().map(|t| text_size(t)).sum::<u64>());
        let block: &mut [i64] = if self.words.is_empty() {
            &mut []
        } else {
            c.words(self.words.len())
        };
        let base = block.as_ptr() as i64;
        for (slot, w) in block.iter_mut().zip(&self.words) {
            *slot = *w;
        }
        let mut root = root;
        for (at, becomes) in self.fixes {
            let w = match becomes {
                Becomes::Block(off) => base.wrapping_add(8 * off as i64),
                Becomes::Cell(i) => cells.get(i).copied().unwrap_or(0),
                Becomes::Text(i) => texts.get(i).copied().unwrap_or(0),
            };
            match at {
                At::Root => root = w,
                At::Word(i) => {
                    if let Some(slot) = block.get_mut(i) {
                        *slot = w;
                    }
                }
            }
        }
        (root, live)
    }
}

/// The field types of record `r`.
fn record_fields(program: &Program, r: polity_compiler::types::RecordId) -> Vec<&Type> {
    program
        .record(r)
        .map(|d| d.fields.iter().map(|f| &f.ty).collect())
        .unwrap_or_default()
}
