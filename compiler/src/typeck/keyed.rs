//! The built-ins by a key of each element: `sorted(xs, by: key)`,
//! `sorted(xs, by: key, desc)`, `take(xs, n, per: key)` and
//! `group_by(xs, by: key)`, with `it` bound to the element in `key` (as in
//! `where`).

use super::error::CheckError;
use super::expr::{node, poisoned};
use super::Checker;
use crate::ir::{self, ByKey, ExprKind, KeyOp};
use crate::span::Span;
use crate::syntax::ast;
use crate::types::Type;

/// `desc` (true) or `asc` (false), the order word of `sorted`.
fn order_word(e: &ast::Expr) -> Option<bool> {
    match &e.kind {
        ast::ExprKind::Name(id) if id.name == "desc" => Some(true),
        ast::ExprKind::Name(id) if id.name == "asc" => Some(false),
        _ => None,
    }
}

/// Whether a call of the built-in `name` with these arguments is a by-key form.
pub(crate) fn is_keyed(name: &str, list: &[ast::Expr]) -> bool {
    let named = list
        .iter()
        .any(|a| matches!(a.kind, ast::ExprKind::Named { .. }));
    match name {
        "sorted" => named || list.iter().skip(1).any(|a| order_word(a).is_some()),
        "take" => named,
        "group_by" => true,
        _ => false,
    }
}

/// A by-key call's arguments, sorted out.
struct KeyedArgs<'a> {
    positional: Vec<&'a ast::Expr>,
    key: Option<&'a ast::Expr>,
    desc: bool,
}

impl Checker<'_> {
    /// `sorted(xs, by: key[, desc])`, `take(xs, n, per: key)` or
    /// `group_by(xs, by: key)` (without `by:`, the key is the element).
    pub(crate) fn check_keyed(
        &mut self,
        callee: &ast::Ident,
        list: &[ast::Expr],
        span: Span,
    ) -> ir::Expr {
        let sorting = callee.name == "sorted";
        let Some(args) = self.keyed_args(callee, list, sorting) else {
            return poisoned(span);
        };
        let taking = callee.name == "take";
        let expected = if taking { 2 } else { 1 };
        if !self.arg_count(callee, span, expected, args.positional.len()) {
            return poisoned(span);
        }
        let (Some(xs), n) = (args.positional.first(), args.positional.get(1)) else {
            return poisoned(span);
        };
        let source = self.check_expr(xs, None);
        let count = n.map(|n| {
            let n = self.check_expr(n, Some(&Type::Int));
            self.coerce(n, &Type::Int)
        });
        let context = match callee.name.as_str() {
            "sorted" => "the collection of `sorted`",
            "take" => "the collection of `take`",
            _ => "the collection of `group_by`",
        };
        let elem = self.element_of(&source, context);
        let mark = self.frame.mark();
        let var = self.frame.bind("it", elem.clone());
        let key = match args.key {
            Some(k) => self.check_expr(k, None),
            None => node(ExprKind::Local(var), elem.clone(), source.span),
        };
        self.frame.reset(mark);
        let broken = [Some(&source), count.as_ref(), Some(&key)];
        if broken.iter().flatten().any(|e| e.ty.has_error()) {
            return poisoned(span);
        }
        let ordered = key.ty.is_ordered() || matches!(key.ty, Type::Enum(_) | Type::Never);
        if sorting && !ordered {
            let ty = self.show(&key.ty);
            self.error(CheckError::NotOrdered {
                span: key.span,
                ty,
                context: "a sort key",
            });
            return poisoned(span);
        }
        let (op, ty) = match (sorting, taking) {
            (true, _) => (KeyOp::Sort { desc: args.desc }, Type::list(elem)),
            (_, true) => (KeyOp::TakePer, Type::list(elem)),
            _ => (KeyOp::Group, Type::list(Type::list(elem))),
        };
        let by = ByKey {
            op,
            var,
            source,
            key,
            count,
        };
        node(ExprKind::ByKey(Box::new(by)), ty, span)
    }

    /// Splits the arguments into positional ones, the key (`by:` for
    /// `sorted`, `per:` for `take`, at most once) and `sorted`'s order word;
    /// anything else is E0123.
    fn keyed_args<'a>(
        &mut self,
        callee: &ast::Ident,
        list: &'a [ast::Expr],
        sorting: bool,
    ) -> Option<KeyedArgs<'a>> {
        let key_name = if callee.name == "take" { "per" } else { "by" };
        let mut args = KeyedArgs {
            positional: Vec::new(),
            key: None,
            desc: false,
        };
        let mut ordered = false;
        for a in list {
            let order = order_word(a).filter(|_| sorting && !args.positional.is_empty());
            match (&a.kind, order) {
                (ast::ExprKind::Named { name, value }, _) => {
                    if name.name != key_name || args.key.is_some() {
                        self.error(CheckError::NamedArgument {
                            span: name.span,
                            name: format!("{}:", name.name),
                            callee: Some(callee.name.clone()),
                        });
                        return None;
                    }
                    args.key = Some(value);
                }
                (_, Some(desc)) if !ordered => {
                    ordered = true;
                    args.desc = desc;
                }
                _ => args.positional.push(a),
            }
        }
        Some(args)
    }
}
