//! Local names of the body being checked, and the frame slots they occupy.

use crate::ir::LocalId;
use crate::span::Span;
use crate::types::Type;

/// The scopes of one body (fn, law, const, test). Slots are never reused, so
/// `size` is simply how many were ever bound.
#[derive(Default)]
pub(crate) struct Frame {
    /// Visible names, innermost last: (name, slot, type, where it is bound
    /// when written in the charter).
    names: Vec<(String, LocalId, Type, Option<Span>)>,
    next: u32,
}

impl Frame {
    /// Binds `name` to a fresh slot.
    pub fn bind(&mut self, name: &str, ty: Type) -> LocalId {
        self.bind_at(name, None, ty)
    }

    /// Binds `name`, written at `def`, to a fresh slot.
    pub fn bind_at(&mut self, name: &str, def: Option<Span>, ty: Type) -> LocalId {
        let id = LocalId(self.next);
        self.next += 1;
        self.names.push((name.to_string(), id, ty, def));
        id
    }

    /// Where the innermost binding of `name` is written, if it is.
    pub fn definition(&self, name: &str) -> Option<Span> {
        self.names
            .iter()
            .rev()
            .find(|(n, _, _, _)| n == name)
            .and_then(|(_, _, _, def)| *def)
    }

    /// The innermost binding of `name`.
    pub fn lookup(&self, name: &str) -> Option<(LocalId, &Type)> {
        self.names
            .iter()
            .rev()
            .find(|(n, _, _, _)| n == name)
            .map(|(_, id, t, _)| (*id, t))
    }

    /// Every visible name (for "did you mean").
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|(n, _, _, _)| n.as_str())
    }

    /// A point to return to when a scope ends.
    pub fn mark(&self) -> usize {
        self.names.len()
    }

    /// Ends the scopes opened since `mark`.
    pub fn reset(&mut self, mark: usize) {
        self.names.truncate(mark);
    }

    /// Slots needed by the body.
    pub fn size(&self) -> u32 {
        self.next
    }
}
