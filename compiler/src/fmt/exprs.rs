//! Expressions: operator chains broken before their operators, brackets
//! broken one element a line, parentheses exactly where they were written.

use super::{Doc, Part, Printer, INDENT};
use crate::span::Span;
use crate::syntax::ast::*;

impl<'a> Printer<'a> {
    /// An expression with the comments before it and the parentheses
    /// written around it (nested pairs written as one).
    pub(super) fn expr(&mut self, e: &'a Expr) -> Doc<'a> {
        let lead = self.leading(e.span.start);
        let (levels, inner) = self.parens.unwrap(e.span);
        let doc = self.bare(e, inner);
        if levels == 0 {
            return lead.append(doc);
        }
        let tail = super::concat(self.leftover(e.span.end));
        lead.append("(").append(doc).append(tail).append(")")
    }

    /// An expression without its parentheses; `inner` is its span inside them.
    fn bare(&mut self, e: &'a Expr, inner: Span) -> Doc<'a> {
        let close = inner.end.saturating_sub(1);
        match &e.kind {
            ExprKind::Int(_)
            | ExprKind::Decimal(_)
            | ExprKind::Percent(_)
            | ExprKind::Date(_)
            | ExprKind::Instant(_)
            | ExprKind::Text(_)
            | ExprKind::Error => Doc::text(self.slice(inner)),
            ExprKind::Duration(digits, _) => {
                let unit = self.slice(inner).split_whitespace().last().unwrap_or("");
                Doc::text(format!("{digits} {unit}"))
            }
            ExprKind::Bool(b) => Doc::text(if *b { "true" } else { "false" }),
            ExprKind::None => Doc::text("none"),
            ExprKind::Name(n) => Doc::text(n.name.as_str()),
            ExprKind::Field {
                base,
                name,
                optional,
            } => self
                .expr(base)
                .append(if *optional { "?." } else { "." })
                .append(name.name.as_str()),
            ExprKind::Call { callee, args } => {
                let args = match args {
                    CallArgs::List(args) => {
                        let parts = self.expr_parts(args);
                        self.seq(("(", ")", false), parts, true, close)
                    }
                    CallArgs::Generator(g) => self.bracketed("(", g, ")"),
                };
                Doc::text(callee.name.as_str()).append(args)
            }
            ExprKind::Index { base, index } => self
                .expr(base)
                .append("[")
                .append(self.expr(index))
                .append("]"),
            ExprKind::Unary { op, operand } => {
                let op = match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Not => "not ",
                };
                Doc::text(op).append(self.expr(operand))
            }
            ExprKind::Binary { .. } => self.chain(e),
            ExprKind::If { .. } => self.if_chain(e, true),
            ExprKind::Match { scrutinee, arms } => self.match_(e, scrutinee, arms, inner),
            ExprKind::Record { name, fields } => {
                let fields = self.inits(fields, name.span.end, close);
                Doc::text(name.name.as_str()).append(" ").append(fields)
            }
            ExprKind::With { base, fields } => {
                let open = base.span.end;
                let base = self.expr(base);
                base.append(" with ")
                    .append(self.inits(fields, open, close))
            }
            ExprKind::List(items) => {
                let parts = self.expr_parts(items);
                self.seq(("[", "]", false), parts, true, close)
            }
            ExprKind::Set(items) => {
                let parts = self.expr_parts(items);
                self.seq(("{", "}", false), parts, true, close)
            }
            ExprKind::Comprehension { kind, generator } => match kind {
                CollectionKind::List => self.bracketed("[", generator, "]"),
                CollectionKind::Set => self.bracketed("{", generator, "}"),
            },
            ExprKind::Where { source, cond } => {
                let source = self.expr(source);
                let cond = Doc::line().append("where ").append(self.expr(cond));
                source.append(cond.nest(INDENT)).group()
            }
            ExprKind::Fold(f) => self.fold(f),
            ExprKind::Named { name, value } => Doc::text(name.name.as_str())
                .append(": ")
                .append(self.expr(value)),
        }
    }

    fn expr_parts(&mut self, items: &'a [Expr]) -> Vec<Part<'a>> {
        items
            .iter()
            .map(|x| -> Part<'a> { (x.span, Box::new(move |p: &mut Self| p.expr(x))) })
            .collect()
    }

    /// `{ name: value, ... }` of a record construction or `with` (whose
    /// `{` comes after `open`): on one line when it fits and was written so.
    fn inits(&mut self, fields: &'a [FieldInit], open: u32, close: u32) -> Doc<'a> {
        let broken = fields
            .first()
            .is_some_and(|f| self.opens_lines(open, f.name.span.start));
        let parts = fields
            .iter()
            .map(|f| -> Part<'a> {
                (
                    f.name.span.to(f.value.span),
                    Box::new(move |p: &mut Self| {
                        Doc::text(f.name.name.as_str())
                            .append(": ")
                            .append(p.expr(&f.value))
                    }),
                )
            })
            .collect();
        self.seq_broken(("{", "}", true), parts, true, close, broken)
    }

    /// `open generator close`, broken inside the brackets when too long.
    fn bracketed(&mut self, open: &'static str, g: &'a Generator, close: &'static str) -> Doc<'a> {
        let g = self.generator(g);
        Doc::text(open)
            .append(Doc::line_().append(g).nest(INDENT))
            .append(Doc::line_())
            .append(close)
            .group()
    }

    /// `elem for x in xs if c ...`, each clause on a line of its own when broken.
    fn generator(&mut self, g: &'a Generator) -> Doc<'a> {
        let elem = self.expr(&g.elem);
        let mut clauses = Doc::nil();
        for c in &g.clauses {
            let mut names = Doc::text("for ");
            if let Some(index) = &c.index {
                names = names.append(index.name.as_str()).append(", ");
            }
            let source = self.expr(&c.source);
            clauses = clauses
                .append(Doc::line())
                .append(names)
                .append(c.var.name.as_str())
                .append(" in ")
                .append(source);
            if let Some(filter) = &c.filter {
                let filter = self.expr(filter);
                clauses = clauses.append(Doc::line()).append("if ").append(filter);
            }
        }
        elem.append(clauses.nest(INDENT)).group()
    }

    /// A chain of operators of one precedence (`a and b and c`): the
    /// operands on one line when they fit, else one a line, each after its
    /// operator.
    fn chain(&mut self, e: &'a Expr) -> Doc<'a> {
        let (first, rest) = self.operands(e);
        // A comment after an operand stays after it (not after the last:
        // that one belongs to what the chain ends).
        let count = rest.len();
        let after = first.span.end;
        let first = self.expr(first);
        let first = first.append(self.trailing_if(count > 0, after));
        let mut tail = Doc::nil();
        for (i, (op, operand)) in rest.into_iter().enumerate() {
            let after = operand.span.end;
            let operand = self.expr(operand);
            let operand = operand.append(self.trailing_if(i + 1 < count, after));
            tail = tail
                .append(Doc::line())
                .append(op.as_str())
                .append(" ")
                .append(operand);
        }
        first.append(tail.nest(INDENT)).group()
    }

    /// The operands of the chain `e` heads, in source order: the first, then
    /// each operator with the operand after it. Parenthesised operands and
    /// operators of another precedence end the chain.
    fn operands(&self, e: &'a Expr) -> (&'a Expr, Vec<(BinaryOp, &'a Expr)>) {
        let mut rest = Vec::new();
        let ExprKind::Binary { op, lhs, rhs, .. } = &e.kind else {
            return (e, rest);
        };
        let level = precedence(*op);
        if *op == BinaryOp::Coalesce {
            // Right-associative: `a ?? b ?? c` is `a ?? (b ?? c)`.
            let mut cur = rhs.as_ref();
            while let ExprKind::Binary { op, lhs, rhs, .. } = &cur.kind {
                if *op != BinaryOp::Coalesce || self.parens.unwrap(cur.span).0 > 0 {
                    break;
                }
                rest.push((*op, lhs.as_ref()));
                cur = rhs;
            }
            rest.push((BinaryOp::Coalesce, cur));
            return (lhs, rest);
        }
        let mut cur = e;
        if level == precedence(BinaryOp::Eq) {
            rest.push((*op, rhs.as_ref()));
            return (lhs, rest);
        }
        while let ExprKind::Binary { op, lhs, rhs, .. } = &cur.kind {
            let nested = !std::ptr::eq(cur, e);
            if precedence(*op) != level || (nested && self.parens.unwrap(cur.span).0 > 0) {
                break;
            }
            rest.push((*op, rhs.as_ref()));
            cur = lhs;
        }
        rest.reverse();
        (cur, rest)
    }

    /// An expression that starts a line of its own: an `if` there has its
    /// `else`s under its `if`, not indented.
    pub(super) fn expr_on_line(&mut self, e: &'a Expr) -> Doc<'a> {
        if !matches!(e.kind, ExprKind::If { .. }) || self.parens.unwrap(e.span).0 > 0 {
            return self.expr(e);
        }
        let lead = self.leading(e.span.start);
        lead.append(self.if_chain(e, false))
    }

    /// `if c then a else if d then b else z`: every `else` on a line of its
    /// own when it does not fit on one (indented when `indent`).
    fn if_chain(&mut self, e: &'a Expr, indent: bool) -> Doc<'a> {
        let ExprKind::If {
            cond,
            then,
            otherwise,
        } = &e.kind
        else {
            return Doc::nil();
        };
        let head = self.if_head(cond, then);
        let mut tail = Doc::nil();
        let mut other = otherwise.as_ref();
        while let ExprKind::If {
            cond,
            then,
            otherwise,
        } = &other.kind
        {
            if self.parens.unwrap(other.span).0 > 0 || self.has_comment_before(other.span.start) {
                // Parentheses or a comment: printed as a whole below.
                break;
            }
            let branch = self.if_head(cond, then);
            tail = tail.append(Doc::line()).append("else ").append(branch);
            other = otherwise;
        }
        let last = self.expr(other);
        tail = tail.append(Doc::line()).append("else ").append(last);
        let tail = if indent { tail.nest(INDENT) } else { tail };
        head.append(tail).group()
    }

    fn if_head(&mut self, cond: &'a Expr, then: &'a Expr) -> Doc<'a> {
        let cond = self.expr(cond);
        let then = self.expr(then);
        Doc::text("if ").append(cond).append(" then ").append(then)
    }

    /// Whether `e` is an `if let`, which the parser reads as a `match`.
    pub(super) fn is_if_let(&self, e: &Expr) -> bool {
        if !matches!(e.kind, ExprKind::Match { .. }) {
            return false;
        }
        let inner = self.parens.unwrap(e.span).1;
        let text = self.slice(inner);
        text.strip_prefix("if")
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    }

    fn match_(
        &mut self,
        e: &'a Expr,
        scrutinee: &'a Expr,
        arms: &'a [MatchArm],
        inner: Span,
    ) -> Doc<'a> {
        if self.is_if_let(e) {
            if let [MatchArm {
                pattern: Pattern::Some(_, name),
                body: then,
                ..
            }, MatchArm {
                body: otherwise, ..
            }] = arms
            {
                let value = self.expr(scrutinee);
                let then = self.expr(then);
                let otherwise = self.expr(otherwise);
                let head = Doc::text("if let ")
                    .append(name.name.as_str())
                    .append(" = ")
                    .append(value)
                    .append(" then ")
                    .append(then);
                let tail = Doc::line().append("else ").append(otherwise);
                return head.append(tail.nest(INDENT)).group();
            }
        }
        let head = Doc::text("match ").append(self.expr(scrutinee));
        let parts = arms
            .iter()
            .map(|arm| -> Part<'a> {
                (
                    arm.span,
                    Box::new(move |p: &mut Self| {
                        pattern(&arm.pattern)
                            .append(" => ")
                            .append(p.expr(&arm.body))
                    }),
                )
            })
            .collect();
        self.block(head, parts, ",", inner)
    }

    fn fold(&mut self, f: &'a FoldExpr) -> Doc<'a> {
        let mut head = Doc::text("fold(").append(f.acc.name.as_str());
        if let Some(t) = &f.acc_ty {
            head = head.append(": ").append(self.ty(t));
        }
        let init = self.expr(&f.init);
        let source = self.expr(&f.source);
        head = head
            .append(" = ")
            .append(init)
            .append(", ")
            .append(f.var.name.as_str())
            .append(" in ")
            .append(source)
            .append(") =>");
        let body = self.expr(&f.body);
        head.append(Doc::line().append(body).nest(INDENT).group())
    }
}

fn pattern<'a>(p: &'a Pattern) -> Doc<'a> {
    match p {
        Pattern::Name(n) => Doc::text(n.name.as_str()),
        Pattern::Qualified(e, c) => Doc::text(e.name.as_str())
            .append(".")
            .append(c.name.as_str()),
        Pattern::Bool(b, _) => Doc::text(if *b { "true" } else { "false" }),
        Pattern::None(_) => Doc::text("none"),
        Pattern::Some(c, x) => Doc::text(c.name.as_str())
            .append("(")
            .append(x.name.as_str())
            .append(")"),
        Pattern::Wildcard(_) => Doc::text("_"),
    }
}

/// Binding strength: a chain holds operators of one level.
fn precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Eq
        | BinaryOp::Ne
        | BinaryOp::Lt
        | BinaryOp::Le
        | BinaryOp::Gt
        | BinaryOp::Ge
        | BinaryOp::In
        | BinaryOp::NotIn => 3,
        BinaryOp::Coalesce => 4,
        BinaryOp::Add | BinaryOp::Sub => 5,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::IntDiv | BinaryOp::Mod => 6,
    }
}
