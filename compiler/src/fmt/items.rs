//! Declarations, statements and types.

use super::{Doc, Part, Printer, INDENT};
use crate::span::Span;
use crate::syntax::ast::*;

impl<'a> Printer<'a> {
    /// The whole file: declarations one after another, then the comments
    /// after the last.
    pub(super) fn module(&mut self, module: &'a Module) -> Doc<'a> {
        let parts = module
            .items
            .iter()
            .map(|item| -> Part<'a> { (item.span(), Box::new(move |p: &mut Self| p.item(item))) })
            .collect();
        self.lines(parts, "", u32::MAX).unwrap_or_else(Doc::nil)
    }

    /// `head { parts }`, the parts one per line (`head {}` when empty).
    pub(super) fn block(
        &mut self,
        head: Doc<'a>,
        parts: Vec<Part<'a>>,
        suffix: &'static str,
        span: Span,
    ) -> Doc<'a> {
        let close = span.end.saturating_sub(1);
        match self.lines(parts, suffix, close) {
            Some(body) => head
                .append(" {")
                .append(Doc::hardline().append(body).nest(INDENT))
                .append(Doc::hardline())
                .append("}"),
            None => head.append(" {}"),
        }
    }

    fn item(&mut self, item: &'a Item) -> Doc<'a> {
        match item {
            Item::Charter(d) => self.charter(d),
            Item::Import(d) => self.import(d),
            Item::Enum(d) => self.enum_(d),
            Item::Record(d) => {
                let head = Doc::text("record ").append(d.name.name.as_str());
                self.fields(head, &d.fields, d.span)
            }
            Item::State(d) => self.fields(Doc::text("state"), &d.fields, d.span),
            Item::Const(d) => self.const_(d),
            Item::Fn(d) => self.fn_(d),
            Item::Law(d) => self.law(d),
            Item::Test(d) => self.test(d),
            Item::Error(span) => Doc::text(self.slice(*span)),
        }
    }

    fn charter(&mut self, d: &'a CharterDecl) -> Doc<'a> {
        let head = Doc::text("charter ").append(self.slice(d.name.span));
        let parts = d
            .entries
            .iter()
            .map(|(key, value)| -> Part<'a> {
                let span = key.span.to(value.span);
                (
                    span,
                    Box::new(move |p: &mut Self| {
                        Doc::text(key.name.as_str())
                            .append(": ")
                            .append(p.expr(value))
                    }),
                )
            })
            .collect();
        self.block(head, parts, "", d.span)
    }

    fn import(&mut self, d: &'a ImportDecl) -> Doc<'a> {
        let target = match &d.target {
            ImportTarget::Module(path) => {
                Doc::intersperse(path.iter().map(|n| n.name.as_str()), ".")
            }
            ImportTarget::File(t) => Doc::text(self.slice(t.span)),
        };
        Doc::text("import ").append(target)
    }

    fn enum_(&mut self, d: &'a EnumDecl) -> Doc<'a> {
        let parts = d
            .cases
            .iter()
            .map(|c| -> Part<'a> {
                (
                    c.span,
                    Box::new(move |_: &mut Self| Doc::text(c.name.as_str())),
                )
            })
            .collect();
        let cases = self.seq(("{", "}", true), parts, true, d.span.end.saturating_sub(1));
        Doc::text("enum ")
            .append(d.name.name.as_str())
            .append(" ")
            .append(cases)
    }

    /// A record's or the state's fields: on one line when they fit and were
    /// written on one line, else one a line without commas.
    fn fields(&mut self, head: Doc<'a>, fields: &'a [FieldDecl], span: Span) -> Doc<'a> {
        let broken = fields
            .first()
            .is_some_and(|f| self.opens_lines(span.start, f.name.span.start));
        let parts = fields
            .iter()
            .map(|f| -> Part<'a> {
                let span = f.name.span.to(f.ty.span);
                (
                    span,
                    Box::new(move |p: &mut Self| {
                        Doc::text(f.name.name.as_str())
                            .append(": ")
                            .append(p.ty(&f.ty))
                    }),
                )
            })
            .collect();
        let close = span.end.saturating_sub(1);
        let body = self.seq_broken(("{", "}", true), parts, false, close, broken);
        head.append(" ").append(body)
    }

    fn private(private: bool) -> Doc<'a> {
        if private {
            Doc::text("private ")
        } else {
            Doc::nil()
        }
    }

    fn const_(&mut self, d: &'a ConstDecl) -> Doc<'a> {
        let keyword = if d.figure { "figure " } else { "const " };
        let head = Self::private(d.private)
            .append(keyword)
            .append(d.name.name.as_str())
            .append(self.annotation(d.ty.as_ref()));
        self.assign(head, &d.value)
    }

    /// `: Type`, or nothing.
    fn annotation(&mut self, ty: Option<&'a TypeExpr>) -> Doc<'a> {
        match ty {
            Some(t) => Doc::text(": ").append(self.ty(t)),
            None => Doc::nil(),
        }
    }

    /// `head = value`: the value on the same line when it fits, else on the
    /// next line, indented; a value that opens a block of its own (a
    /// `match`, a record, a list) stays on the same line when all of it fits
    /// there.
    pub(super) fn assign(&mut self, head: Doc<'a>, value: &'a Expr) -> Doc<'a> {
        let head = head.append(" =");
        let opens_block = matches!(
            value.kind,
            ExprKind::Record { .. } | ExprKind::List(_) | ExprKind::Set(_)
        ) || (matches!(value.kind, ExprKind::Match { .. })
            && !self.is_if_let(value));
        if opens_block && self.parens.unwrap(value.span).0 == 0 {
            // After ` = ` when every line of it fits there, else below.
            let doc = self.expr(value);
            let below = Doc::hardline().append(doc.clone()).nest(INDENT);
            return head.append(Doc::text(" ").append(doc).union(below));
        }
        let doc = self.expr_on_line(value);
        head.append(Doc::line().append(doc).nest(INDENT).group())
    }

    fn fn_(&mut self, d: &'a FnDecl) -> Doc<'a> {
        let params = d
            .params
            .iter()
            .map(|param| -> Part<'a> {
                (
                    param.name.span.to(param.ty.span),
                    Box::new(move |p: &mut Self| {
                        Doc::text(param.name.name.as_str())
                            .append(": ")
                            .append(p.ty(&param.ty))
                    }),
                )
            })
            .collect();
        let close = d.ret.span.start;
        let params = self.seq(("(", ")", false), params, true, close);
        let ret = self.ty(&d.ret);
        let head = Self::private(d.private)
            .append("fn ")
            .append(d.name.name.as_str())
            .append(params)
            .append(" -> ")
            .append(ret);
        // `fn f() -> T { e }` (no `let`s) is the same as `= e`.
        if d.lets.is_empty() {
            return self.assign(head, &d.body);
        }
        let mut parts: Vec<Part<'a>> = d.lets.iter().map(|l| self.let_part(l)).collect();
        parts.push((
            d.body.span,
            Box::new(move |p: &mut Self| p.expr_on_line(&d.body)),
        ));
        self.block(head, parts, "", d.span)
    }

    fn let_part(&mut self, l: &'a LetStmt) -> Part<'a> {
        (l.span, Box::new(move |p: &mut Self| p.let_(l)))
    }

    fn let_(&mut self, l: &'a LetStmt) -> Doc<'a> {
        let head = Doc::text("let ")
            .append(l.name.name.as_str())
            .append(self.annotation(l.ty.as_ref()));
        self.assign(head, &l.value)
    }

    fn law(&mut self, d: &'a LawDecl) -> Doc<'a> {
        let mut head = Doc::text("law ").append(d.name.name.as_str());
        if let Some(param) = &d.param {
            head = head
                .append("(")
                .append(param.name.name.as_str())
                .append(" in ")
                .append(self.expr(&param.collection))
                .append(")");
        }
        let parts = self.law_stmts(&d.body);
        self.block(head, parts, "", d.span)
    }

    fn law_stmts(&mut self, body: &'a [LawStmt]) -> Vec<Part<'a>> {
        body.iter()
            .map(|s| -> Part<'a> {
                match s {
                    LawStmt::Let(l) => self.let_part(l),
                    LawStmt::Require(r) => (r.span, Box::new(move |p: &mut Self| p.require(r))),
                    LawStmt::When(w) => (
                        self.when_span(w),
                        Box::new(move |p: &mut Self| {
                            let head = p.when(&w.guard);
                            let parts = p.law_stmts(&w.body);
                            let span = p.when_span(w);
                            p.block(head, parts, "", span)
                        }),
                    ),
                    LawStmt::Error(span) => {
                        let span = *span;
                        (span, Box::new(move |p: &mut Self| Doc::text(p.slice(span))))
                    }
                }
            })
            .collect()
    }

    /// A `when` block from its keyword to its closing brace.
    fn when_span(&self, w: &WhenBlock) -> Span {
        let after = w
            .body
            .last()
            .map_or(w.guard.span.end, |s| self.law_stmt_end(s));
        let close = self.brace_after(after as usize);
        Span::new(w.guard.span.file, w.guard.span.start as usize, close)
    }

    /// Where a law statement ends.
    fn law_stmt_end(&self, s: &LawStmt) -> u32 {
        match s {
            LawStmt::Let(l) => l.span.end,
            LawStmt::Require(r) => r.span.end,
            LawStmt::When(w) => self.when_span(w).end,
            LawStmt::Error(span) => span.end,
        }
    }

    /// Just past the first `}` at or after `pos`, past whitespace and
    /// comments (what may separate a block's last statement from its end).
    fn brace_after(&self, pos: usize) -> usize {
        let mut at = pos;
        let text = self.text.as_bytes();
        while let Some(&b) = text.get(at) {
            match b {
                b'}' => return at + 1,
                b'/' => {
                    let rest = self.text.get(at..).unwrap_or("");
                    at += rest.find('\n').unwrap_or(rest.len());
                }
                _ => at += 1,
            }
        }
        at
    }

    fn when(&mut self, w: &'a When) -> Doc<'a> {
        Doc::text("when ").append(self.expr(&w.cond))
    }

    fn require(&mut self, r: &'a Require) -> Doc<'a> {
        let word = if r.advisory { "should " } else { "require " };
        let mut doc = Doc::text(word).append(self.slice(r.label.span));
        if let Some(guard) = &r.guard {
            doc = doc.append(" ").append(self.when(guard));
        }
        let cond = self.expr_on_line(&r.cond);
        // A comment after the condition ends its line, before any `unless`.
        let cond = cond.append(self.trailing_if(!r.exceptions.is_empty(), r.cond.span.end));
        doc = doc
            .append(":")
            .append(Doc::line().append(cond).nest(INDENT).group());
        let mut clauses = vec![doc];
        for u in &r.exceptions {
            let lead = self.leading(u.span.start);
            let clause = Doc::text("unless ")
                .append(self.slice(u.label.span))
                .append(": ")
                .append(self.expr(&u.cond))
                .append(self.trailing(u.cond.span.end));
            clauses.push(Doc::hardline().append(lead).append(clause).nest(INDENT));
        }
        super::concat(clauses)
    }

    fn test(&mut self, d: &'a TestDecl) -> Doc<'a> {
        let head = Doc::text("test ").append(self.slice(d.name.span));
        let parts = d
            .body
            .iter()
            .map(|s| -> Part<'a> {
                match s {
                    TestStmt::Given { name, value, span } => (
                        *span,
                        Box::new(move |p: &mut Self| {
                            let head = Doc::text("given ").append(name.name.as_str());
                            p.assign(head, value)
                        }),
                    ),
                    TestStmt::Let(l) => self.let_part(l),
                    TestStmt::Expect { cond, span } => (
                        *span,
                        Box::new(move |p: &mut Self| Doc::text("expect ").append(p.expr(cond))),
                    ),
                    TestStmt::Error(span) => {
                        let span = *span;
                        (span, Box::new(move |p: &mut Self| Doc::text(p.slice(span))))
                    }
                }
            })
            .collect();
        self.block(head, parts, "", d.span)
    }

    /// A type as written, canonically spaced.
    pub(super) fn ty(&mut self, t: &'a TypeExpr) -> Doc<'a> {
        match &t.kind {
            TypeExprKind::Named(name, args) if args.is_empty() => Doc::text(name.name.as_str()),
            TypeExprKind::Named(name, args) => {
                let args: Vec<Doc<'a>> = args.iter().map(|a| self.ty(a)).collect();
                Doc::text(name.name.as_str())
                    .append("<")
                    .append(Doc::intersperse(args, ", "))
                    .append(">")
            }
            TypeExprKind::Optional(inner) => self.ty(inner).append("?"),
            TypeExprKind::Ref(inner, target) => {
                self.ty(inner).append(" in ").append(target.name.as_str())
            }
            TypeExprKind::Error => Doc::text(self.slice(t.span)),
        }
    }
}
