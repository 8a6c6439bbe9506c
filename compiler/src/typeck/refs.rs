//! References between collections: `voter: Member in members`.
//!
//! A reference field stores ids (as the snapshot writes them) and reads as
//! the elements they name: the checker lowers `v.voter` to `members[v.voter]`
//! (and a list of ids to a list of elements), so engines need nothing new and
//! the loader checks every stored id against the target's ids.

use super::error::CheckError;
use super::expr::node;
use super::Checker;
use crate::ir::{self, ExprKind, LoopKind, Pattern, StateId};
use crate::resolve::decls::ValueDecl;
use crate::span::Span;
use crate::syntax::ast;
use crate::types::{RecordId, Type};

impl Checker<'_> {
    /// The stored type and target of a reference field whose written type
    /// resolved to `followed` (`R`, `R?`, `List<R>` or `Set<R>`), or `None`
    /// after reporting why it cannot refer to `target`.
    pub(crate) fn resolve_ref(
        &mut self,
        followed: &Type,
        target: &ast::Ident,
        span: Span,
    ) -> Option<(Type, StateId)> {
        if followed.has_error() {
            return None;
        }
        let problem = |p: String| (target.name.clone(), p);
        let found = match self.decls.value(&target.name, target.span.file) {
            Some((ValueDecl::State(i), _)) => Ok(i),
            _ => Err(problem("it is not a `state` name".into())),
        };
        let checked = found.and_then(|i| {
            let elem = match self.state.get(i) {
                Some(Type::List(e)) => (**e).clone(),
                _ => return Err(problem("it is not a list".into())),
            };
            let Type::Record(r) = elem else {
                return Err(problem("its elements are not records".into()));
            };
            let key = self
                .id_type(r)
                .ok_or_else(|| problem("its records have no `id` field of type Text or Int".into()))?;
            let stored = stored_type(followed, r, &key).ok_or_else(|| {
                let want = self.show(&Type::Record(r));
                problem(format!(
                    "its elements are `{want}`, so write `{want}`, `{want}?`, `List<{want}>` or `Set<{want}>`"
                ))
            })?;
            Ok((stored, StateId(i as u32)))
        });
        match checked {
            Ok(r) => Some(r),
            Err((target, problem)) => {
                self.error(CheckError::BadRef {
                    span,
                    target,
                    problem,
                });
                None
            }
        }
    }

    /// The type of record `r`'s `id` field, if it has one.
    fn id_type(&self, r: RecordId) -> Option<Type> {
        let def = self.records.get(r.0 as usize)?;
        let at = def.id_field? as usize;
        def.fields.get(at).map(|f| f.ty.clone())
    }

    /// `stored` (ids, as the field holds them) followed to the elements of
    /// the state list `target` they name.
    pub(crate) fn follow(&mut self, stored: ir::Expr, target: StateId) -> ir::Expr {
        let span = stored.span;
        let Some(Type::List(elem)) = self.state.get(target.0 as usize).cloned() else {
            return stored;
        };
        let elem = *elem;
        let list = node(ExprKind::State(target), Type::list(elem.clone()), span);
        match stored.ty.clone() {
            Type::Optional(inner) => {
                let slot = self.frame.bind("#ref", (*inner).clone());
                let local = node(ExprKind::Local(slot), (*inner).clone(), span);
                let some = self.follow(local, target);
                let ty = Type::optional(some.ty.clone());
                let none = node(ExprKind::Lit(ir::Lit::None), ty.clone(), span);
                let arms = vec![
                    ir::Arm {
                        pattern: Pattern::Some(slot),
                        body: some,
                    },
                    ir::Arm {
                        pattern: Pattern::Wildcard,
                        body: none,
                    },
                ];
                node(ExprKind::Match(Box::new(stored), arms), ty, span)
            }
            Type::List(key) | Type::Set(key) => {
                let is_list = matches!(stored.ty, Type::List(_));
                let slot = self.frame.bind("#ref", (*key).clone());
                let local = node(ExprKind::Local(slot), (*key).clone(), span);
                let one = self.follow(local, target);
                let (kind, ty) = if is_list {
                    (LoopKind::List, Type::list(elem))
                } else {
                    (LoopKind::Set, Type::set(elem))
                };
                let l = ir::Loop {
                    kind,
                    clauses: vec![ir::Clause {
                        var: slot,
                        index: None,
                        source: stored,
                        filter: None,
                    }],
                    elem: one,
                };
                node(ExprKind::Loop(Box::new(l)), ty, span)
            }
            _ => node(
                ExprKind::Index(Box::new(list), Box::new(stored)),
                elem,
                span,
            ),
        }
    }
}

/// `followed` with the record `r` replaced by its id type `key`: what a
/// reference field stores. `None` unless `followed` is `r`, `r?`, `List<r>`
/// or `Set<r>`.
fn stored_type(followed: &Type, r: RecordId, key: &Type) -> Option<Type> {
    match followed {
        Type::Record(x) if *x == r => Some(key.clone()),
        Type::Optional(t) if **t == Type::Record(r) => Some(Type::optional(key.clone())),
        Type::List(t) if **t == Type::Record(r) => Some(Type::list(key.clone())),
        Type::Set(t) if **t == Type::Record(r) => Some(Type::set(key.clone())),
        _ => None,
    }
}
