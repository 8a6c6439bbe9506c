//! The built-ins over whole collections: set algebra (`union`,
//! `intersection`, `difference`), `distinct`, `last`, `take`, `drop`, `at`
//! and `flatten`; `for` clauses (with `enumerate`).

use super::error::CheckError;
use super::expr::{node, poisoned, unify};
use super::index::LocalKind;
use super::Checker;
use crate::ir::{self, Builtin, ExprKind};
use crate::span::Span;
use crate::syntax::ast;
use crate::types::Type;

/// `xs` of `enumerate(xs)`.
fn enumerated(e: &ast::Expr) -> Option<&ast::Expr> {
    match &e.kind {
        ast::ExprKind::Call {
            callee,
            args: ast::CallArgs::List(args),
        } if callee.name == "enumerate" => match args.as_slice() {
            [xs] => Some(xs),
            _ => None,
        },
        _ => None,
    }
}

/// The collection built-ins this module checks, with their argument counts.
pub(crate) fn collection_builtin(name: &str) -> Option<(Builtin, usize)> {
    Some(match name {
        "union" => (Builtin::Union, 2),
        "intersection" => (Builtin::Intersection, 2),
        "difference" => (Builtin::Difference, 2),
        "distinct" => (Builtin::Distinct, 1),
        "last" => (Builtin::Last, 1),
        "take" => (Builtin::Take, 2),
        "drop" => (Builtin::Drop, 2),
        "at" => (Builtin::At, 2),
        "flatten" => (Builtin::Flatten, 1),
        _ => return None,
    })
}

impl Checker<'_> {
    /// `b(list)` for a built-in of [`collection_builtin`]; the argument count
    /// has been checked.
    pub(crate) fn check_collection_builtin(
        &mut self,
        b: Builtin,
        list: &[ast::Expr],
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        match (b, list) {
            (Builtin::Union | Builtin::Intersection | Builtin::Difference, [x, y]) => {
                self.set_algebra(b, (x, y), span, expect)
            }
            _ => self.positional(b, list, span),
        }
    }

    /// `union(a, b)`, `intersection(a, b)`, `difference(a, b)`: two sets of
    /// one element type.
    fn set_algebra(
        &mut self,
        b: Builtin,
        (x, y): (&ast::Expr, &ast::Expr),
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        let x = self.check_expr(x, expect);
        let y = self.check_expr(y, Some(&x.ty));
        if x.ty.has_error() || y.ty.has_error() {
            return poisoned(span);
        }
        for arg in [&x, &y] {
            if !matches!(arg.ty, Type::Set(_)) {
                return self.wrong_argument(b, arg, "a set");
            }
        }
        let Some(ty) = unify(&x.ty, &y.ty) else {
            let (expected, found) = (self.show(&x.ty), self.show(&y.ty));
            self.error(CheckError::Mismatch {
                span: y.span,
                expected,
                found,
                help: Some(format!("both sets of `{}` must have one type", b.name())),
            });
            return poisoned(span);
        };
        let args = vec![self.coerce(x, &ty), self.coerce(y, &ty)];
        node(ExprKind::Builtin(b, args), ty, span)
    }

    /// `distinct`, `last`, `flatten` of a collection; `take`, `drop`, `at` of a
    /// collection and an Int.
    fn positional(&mut self, b: Builtin, list: &[ast::Expr], span: Span) -> ir::Expr {
        let Some(first) = list.first() else {
            return poisoned(span);
        };
        let xs = self.check_expr(first, None);
        let n = list.get(1).map(|n| self.check_expr(n, Some(&Type::Int)));
        if xs.ty.has_error() || n.as_ref().is_some_and(|n| n.ty.has_error()) {
            return poisoned(span);
        }
        let Some(elem) = xs.ty.element().cloned() else {
            return self.wrong_argument(b, &xs, "a list or set");
        };
        let ty = match b {
            Builtin::Last => Type::optional(elem),
            Builtin::At => elem,
            Builtin::Flatten => match elem {
                Type::List(inner) | Type::Set(inner) => Type::List(inner),
                Type::Never => Type::list(Type::Never),
                _ => return self.wrong_argument(b, &xs, "a list or set of lists or sets"),
            },
            _ => Type::list(elem),
        };
        let mut args = vec![xs];
        if let Some(n) = n {
            args.push(self.coerce(n, &Type::Int));
        }
        node(ExprKind::Builtin(b, args), ty, span)
    }

    /// One `for` clause, binding its variables (the caller resets the frame).
    pub(crate) fn check_clause(&mut self, c: &ast::ForClause) -> ir::Clause {
        let source = match (&c.index, enumerated(&c.source)) {
            (Some(_), Some(inner)) => inner,
            (Some(_), None) => {
                self.error(CheckError::Enumerate {
                    span: c.source.span,
                    in_clause: true,
                });
                &c.source
            }
            (None, _) => &c.source,
        };
        let source = self.check_expr(source, None);
        let elem_ty = self.element_of(&source, "the collection after `in`");
        let var = self.bind_local(&c.var, elem_ty, LocalKind::Bound);
        let index = c
            .index
            .as_ref()
            .map(|i| self.bind_local(i, Type::Int, LocalKind::Bound));
        let filter = c.filter.as_ref().map(|f| self.check_cond(f, "a filter"));
        ir::Clause {
            var,
            index,
            source,
            filter,
        }
    }

    fn wrong_argument(&mut self, b: Builtin, arg: &ir::Expr, wanted: &str) -> ir::Expr {
        let found = self.show(&arg.ty);
        self.error(CheckError::Mismatch {
            span: arg.span,
            expected: wanted.into(),
            found,
            help: Some(format!("`{}` takes {wanted}", b.name())),
        });
        poisoned(arg.span)
    }
}
