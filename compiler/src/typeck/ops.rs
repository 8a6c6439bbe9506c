//! Typing of unary and binary operators: each is specialised to its operand
//! types in the IR, with Int widened to Decimal where the other side is one.

use super::error::CheckError;
use super::expr::{node, poisoned, unify};
use super::Checker;
use crate::ir::{self, BinOp, ExprKind, Num, UnOp};
use crate::span::Span;
use crate::syntax::ast::{self, BinaryOp, UnaryOp};
use crate::types::Type;

/// What an arithmetic operator does on these operand types: the IR operator,
/// the types to convert each side to, and the result type.
fn arith(op: BinaryOp, l: &Type, r: &Type) -> Option<(BinOp, Type, Type, Type)> {
    use Type::{Date, Decimal as Dec, Duration as Dur, Instant, Int, Period, Text};
    let numeric = |t: &Type| matches!(t, Int | Dec);
    let both_int = *l == Int && *r == Int;
    let mixed = numeric(l) && numeric(r) && !both_int;
    let same = |o: BinOp, t: Type| Some((o, t.clone(), t.clone(), t));
    match op {
        BinaryOp::Add if both_int => same(BinOp::Add(Num::Int), Int),
        BinaryOp::Add if mixed => same(BinOp::Add(Num::Dec), Dec),
        BinaryOp::Add => match (l, r) {
            (Dur, Dur) => same(BinOp::Add(Num::Duration), Dur),
            (Date, Dur) => Some((BinOp::DateAddDur, Date, Dur, Date)),
            (Period, Period) => same(BinOp::Add(Num::Period), Period),
            (Date, Period) => Some((BinOp::DateAddPeriod, Date, Period, Date)),
            (Instant, Dur) => Some((BinOp::InstantAddDur, Instant, Dur, Instant)),
            (Instant, Period) => Some((BinOp::InstantAddPeriod, Instant, Period, Instant)),
            (Text, Text) => same(BinOp::Concat, Text),
            (Type::List(_), Type::List(_)) => {
                unify(l, r).map(|t| (BinOp::ListConcat, t.clone(), t.clone(), t))
            }
            _ => None,
        },
        BinaryOp::Sub if both_int => same(BinOp::Sub(Num::Int), Int),
        BinaryOp::Sub if mixed => same(BinOp::Sub(Num::Dec), Dec),
        BinaryOp::Sub => match (l, r) {
            (Dur, Dur) => same(BinOp::Sub(Num::Duration), Dur),
            (Date, Dur) => Some((BinOp::DateSubDur, Date, Dur, Date)),
            (Period, Period) => same(BinOp::Sub(Num::Period), Period),
            (Date, Period) => Some((BinOp::DateSubPeriod, Date, Period, Date)),
            (Instant, Dur) => Some((BinOp::InstantSubDur, Instant, Dur, Instant)),
            (Instant, Period) => Some((BinOp::InstantSubPeriod, Instant, Period, Instant)),
            (Instant, Instant) => Some((BinOp::InstantSubInstant, Instant, Instant, Dur)),
            (Date, Date) => Some((BinOp::DateSubDate, Date, Date, Dur)),
            _ => None,
        },
        BinaryOp::Mul if both_int => same(BinOp::Mul(Num::Int), Int),
        BinaryOp::Mul if mixed => same(BinOp::Mul(Num::Dec), Dec),
        BinaryOp::Mul => match (l, r) {
            (Dur, Int) => Some((BinOp::MulDurInt, Dur, Int, Dur)),
            (Period, Int) => Some((BinOp::MulPeriodInt, Period, Int, Period)),
            _ => None,
        },
        BinaryOp::Div if numeric(l) && numeric(r) => Some((BinOp::Div, Dec, Dec, Dec)),
        BinaryOp::Div => match (l, r) {
            (Dur, Dur) => Some((BinOp::DivDur, Dur, Dur, Dec)),
            _ => None,
        },
        BinaryOp::IntDiv if both_int => same(BinOp::IntDiv, Int),
        BinaryOp::Mod if both_int => same(BinOp::IntMod, Int),
        BinaryOp::IntDiv if mixed => same(BinOp::DecDiv, Dec),
        BinaryOp::Mod if mixed => same(BinOp::DecMod, Dec),
        _ => None,
    }
}

fn arith_help(op: BinaryOp, l: &Type, r: &Type) -> Option<String> {
    match (op, l, r) {
        (BinaryOp::Mul, Type::Int, Type::Duration) => {
            Some("write the duration first, for example `30 days * 2`".into())
        }
        (BinaryOp::Mul, Type::Int, Type::Period) => {
            Some("write the period first, for example `3 months * 2`".into())
        }
        (_, Type::Period, Type::Duration) | (_, Type::Duration, Type::Period) => Some(
            "a calendar period (months, years) is not a number of days: add each to a Date".into(),
        ),
        (_, Type::Instant, Type::Date) | (_, Type::Date, Type::Instant) => Some(
            "a Date has no time of day: compare `instant(d)` with the Instant, or `date(t)` with the Date".into(),
        ),
        (BinaryOp::Add, Type::Period, Type::Date) => {
            Some("write the date first: `date + period`".into())
        }
        (BinaryOp::IntDiv | BinaryOp::Mod, _, _) => {
            Some("`div` and `mod` work on Int and Decimal".into())
        }
        (BinaryOp::Add | BinaryOp::Sub, Type::Set(_), Type::Set(_)) => Some(
            "combine sets with `union(a, b)`, `difference(a, b)` or `intersection(a, b)`".into(),
        ),
        (BinaryOp::Add, Type::Date, Type::Date) => {
            Some("subtract dates to get a Duration, or add a Duration to a Date".into())
        }
        (BinaryOp::Add, Type::Duration, Type::Date) => {
            Some("write the date first: `date + duration`".into())
        }
        (_, Type::Optional(_), _) | (_, _, Type::Optional(_)) => {
            Some("an operand may be `none`: give a default with `??`".into())
        }
        (_, Type::Int | Type::Decimal, Type::Duration) | (_, Type::Duration, Type::Decimal) => {
            Some("a Duration combines with a Duration, or is multiplied by an Int".into())
        }
        _ => None,
    }
}

impl Checker<'_> {
    pub(crate) fn check_unary(&mut self, op: UnaryOp, operand: &ast::Expr, span: Span) -> ir::Expr {
        if let (UnaryOp::Neg, ast::ExprKind::Int(text)) = (op, &operand.kind) {
            return self.int_lit(text, true, span);
        }
        if op == UnaryOp::Not {
            let e = self.check_cond(operand, "the operand of `not`");
            return node(ExprKind::Unary(UnOp::Not, Box::new(e)), Type::Bool, span);
        }
        let e = self.check_expr(operand, None);
        let num = match e.ty {
            Type::Int => Num::Int,
            Type::Decimal => Num::Dec,
            Type::Duration => Num::Duration,
            Type::Period => Num::Period,
            Type::Error => return poisoned(span),
            ref other => {
                let lhs = self.show(other);
                self.error(CheckError::BadOperands {
                    span,
                    op: "-".into(),
                    lhs,
                    rhs: None,
                    help: Some("negate an Int, Decimal, Duration or Period".into()),
                });
                return poisoned(span);
            }
        };
        let ty = e.ty.clone();
        if let ExprKind::Lit(ir::Lit::Dec(d)) = &e.kind {
            if let Some(n) = d.checked_neg() {
                return node(ExprKind::Lit(ir::Lit::Dec(n)), ty, span);
            }
        }
        node(ExprKind::Unary(UnOp::Neg(num), Box::new(e)), ty, span)
    }

    pub(crate) fn check_binary(
        &mut self,
        op: BinaryOp,
        op_span: Span,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let what = if op == BinaryOp::And {
                    "an operand of `and`"
                } else {
                    "an operand of `or`"
                };
                let l = self.check_cond(lhs, what);
                let r = self.check_cond(rhs, what);
                let kind = if op == BinaryOp::And {
                    ExprKind::And(Box::new(l), Box::new(r))
                } else {
                    ExprKind::Or(Box::new(l), Box::new(r))
                };
                node(kind, Type::Bool, span)
            }
            BinaryOp::In | BinaryOp::NotIn => self.check_in(op, lhs, rhs, span),
            BinaryOp::Coalesce => self.check_coalesce(lhs, rhs, span, expect),
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => self.check_comparison(op, op_span, lhs, rhs, span),
            _ => self.check_arith(op, op_span, lhs, rhs, span),
        }
    }

    fn check_arith(
        &mut self,
        op: BinaryOp,
        op_span: Span,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
    ) -> ir::Expr {
        let l = self.check_expr(lhs, None);
        let r = self.check_expr(rhs, None);
        if l.ty.has_error() || r.ty.has_error() {
            return poisoned(span);
        }
        let Some((bin, lt, rt, ty)) = arith(op, &l.ty, &r.ty) else {
            let help = arith_help(op, &l.ty, &r.ty);
            let (lhs, rhs) = (self.show(&l.ty), self.show(&r.ty));
            self.error(CheckError::BadOperands {
                span: op_span,
                op: op.as_str().into(),
                lhs,
                rhs: Some(rhs),
                help,
            });
            return poisoned(span);
        };
        let l = self.coerce(l, &lt);
        let r = self.coerce(r, &rt);
        node(ExprKind::Binary(bin, Box::new(l), Box::new(r)), ty, span)
    }

    fn check_comparison(
        &mut self,
        op: BinaryOp,
        op_span: Span,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
    ) -> ir::Expr {
        let l = self.check_expr(lhs, None);
        let r = self.check_expr(rhs, Some(&l.ty));
        // A bare enum case on the left is disambiguated by the right.
        let l = match &lhs.kind {
            ast::ExprKind::Name(id)
                if l.ty.has_error() && !r.ty.has_error() && self.is_ambiguous_case(id) =>
            {
                // Drop the ambiguity error just reported for `lhs` and retry with a hint.
                if self
                    .diags
                    .last()
                    .is_some_and(|d| d.code == "E0105" && d.span == id.span)
                {
                    self.diags.pop();
                }
                self.check_expr(lhs, Some(&r.ty))
            }
            _ => l,
        };
        if l.ty.has_error() || r.ty.has_error() {
            return poisoned(span);
        }
        let Some(t) = unify(&l.ty, &r.ty) else {
            let (lt, rt) = (self.show(&l.ty), self.show(&r.ty));
            let help = Some(format!(
                "both sides of `{}` must have the same type",
                op.as_str()
            ));
            self.error(CheckError::BadOperands {
                span: op_span,
                op: op.as_str().into(),
                lhs: lt,
                rhs: Some(rt),
                help,
            });
            return poisoned(span);
        };
        let bin = match op {
            BinaryOp::Eq => BinOp::Eq,
            BinaryOp::Ne => BinOp::Ne,
            BinaryOp::Lt => BinOp::Lt,
            BinaryOp::Le => BinOp::Le,
            BinaryOp::Gt => BinOp::Gt,
            _ => BinOp::Ge,
        };
        if !matches!(bin, BinOp::Eq | BinOp::Ne) && !t.is_ordered() {
            let ty = self.show(&t);
            self.error(CheckError::NotOrdered {
                span: op_span,
                ty,
                context: "a comparison with `<`, `<=`, `>` or `>=`",
            });
            return poisoned(span);
        }
        let l = self.coerce(l, &t);
        let r = self.coerce(r, &t);
        node(
            ExprKind::Binary(bin, Box::new(l), Box::new(r)),
            Type::Bool,
            span,
        )
    }

    /// Whether `name` is only a bare enum case shared by several enums.
    fn is_ambiguous_case(&self, id: &ast::Ident) -> bool {
        let name = id.name.as_str();
        self.frame.lookup(name).is_none()
            && self.decls.value(name, id.span.file).is_none()
            && self.cases.get(name).is_some_and(|c| c.len() > 1)
    }

    fn check_in(&mut self, op: BinaryOp, lhs: &ast::Expr, rhs: &ast::Expr, span: Span) -> ir::Expr {
        let coll = self.check_expr(rhs, None);
        let elem = self.element_of(&coll, "the right side of `in`");
        let x = self.check_expr(lhs, Some(&elem));
        let x = if elem == Type::Never {
            x
        } else if let Some(t) = unify(&x.ty, &elem).filter(|t| *t == elem) {
            self.coerce(x, &t)
        } else {
            self.coerce(x, &elem)
        };
        let test = node(ExprKind::In(Box::new(x), Box::new(coll)), Type::Bool, span);
        if op == BinaryOp::NotIn {
            node(ExprKind::Unary(UnOp::Not, Box::new(test)), Type::Bool, span)
        } else {
            test
        }
    }

    fn check_coalesce(
        &mut self,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        let l = self.check_expr(lhs, expect.map(|t| Type::optional(t.clone())).as_ref());
        let inner = match &l.ty {
            Type::Optional(t) => (**t).clone(),
            Type::Error => return poisoned(span),
            other => {
                let lt = self.show(other);
                self.error(CheckError::BadOperands {
                    span,
                    op: "??".into(),
                    lhs: lt,
                    rhs: None,
                    help: Some(
                        "`??` gives a default for an optional value; this value is never `none`"
                            .into(),
                    ),
                });
                return poisoned(span);
            }
        };
        let r = self.check_expr(rhs, Some(&inner).filter(|t| **t != Type::Never).or(expect));
        let ty = match unify(&inner, &r.ty) {
            Some(t) => t,
            None => r.ty.clone(),
        };
        let l = self.coerce(l, &Type::optional(ty.clone()));
        let r = self.coerce(r, &ty);
        node(ExprKind::Coalesce(Box::new(l), Box::new(r)), ty, span)
    }
}
