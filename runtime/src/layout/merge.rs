//! Two layouts made apart joined into one, as if the second's values had
//! been written into the first: what the loader does with the parts of a
//! snapshot read on two threads (`snapshot/parallel.rs`).
//!
//! The second layout's texts got their own ids as it met them; joined,
//! each is given the first's id for the same text, or, if the first has
//! none, the next new one, in the order the second met them. That is the
//! id one pass over the whole text gives it, because the second part's
//! texts all come after the first's.

use super::{raw, Layout, NONE};
use polity_compiler::ir::Program;
use polity_compiler::types::Type;

impl Layout {
    /// Takes in `other` (made from the same program and literals, after
    /// this layout's text): its texts are interned here and its blocks and
    /// cells moved here (their addresses do not change). Returns the new
    /// id of each of `other`'s text ids (the literals keep theirs).
    pub(crate) fn absorb(&mut self, other: Layout, literals: usize) -> Renumbering {
        let mut texts = other.texts.into_texts();
        let ids = self
            .texts
            .adopt_all(texts.split_off(literals.min(texts.len())));
        self.blocks.chunks.extend(other.blocks.chunks);
        self.cells.chunks.extend(other.cells.chunks);
        self.ambiguous |= other.ambiguous;
        Renumbering { literals, ids }
    }
}

/// The new ids of the texts of an absorbed layout ([`Layout::absorb`]).
pub(crate) struct Renumbering {
    literals: usize,
    ids: Vec<i64>,
}

impl Renumbering {
    /// The new id of text id `w`.
    fn text(&self, w: i64) -> i64 {
        match usize::try_from(w)
            .ok()
            .and_then(|i| i.checked_sub(self.literals))
        {
            Some(i) => self.ids.get(i).copied().unwrap_or(w),
            None => w,
        }
    }

    /// The word `w` of type `ty` from the absorbed layout, its texts
    /// renumbered (blocks are changed in place, so this must be called
    /// once per block: on each value the absorbed layout's loader made).
    pub(crate) fn word(&self, program: &Program, ty: &Type, w: i64) -> i64 {
        match ty {
            Type::Text => self.text(w),
            Type::Optional(t) if w != NONE => self.word(program, t, w),
            Type::Record(r) => {
                let Some(def) = program.record(*r) else {
                    return w;
                };
                let words = raw::words_mut(w, def.fields.len());
                for (slot, field) in words.iter_mut().zip(&def.fields) {
                    *slot = self.word(program, &field.ty, *slot);
                }
                w
            }
            Type::List(t) | Type::Set(t) if holds_text(program, t, 0) => {
                for slot in raw::list_mut(w) {
                    *slot = self.word(program, t, *slot);
                }
                w
            }
            _ => w,
        }
    }
}

/// Whether values of `ty` can hold a text (records looked into up to a
/// depth well beyond any charter's; deeper is answered yes, which only
/// costs a walk).
fn holds_text(program: &Program, ty: &Type, depth: usize) -> bool {
    match ty {
        Type::Text => true,
        _ if depth > 64 => true,
        Type::Optional(t) | Type::List(t) | Type::Set(t) => holds_text(program, t, depth + 1),
        Type::Record(r) => program.record(*r).is_none_or(|def| {
            def.fields
                .iter()
                .any(|f| holds_text(program, &f.ty, depth + 1))
        }),
        _ => false,
    }
}
