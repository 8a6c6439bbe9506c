//! The scopes of the variables that expressions bind (`for` clauses, `fold`,
//! `some(x)` patterns, `where`'s `it`) and the `let`s of a law's `when`
//! block: which text each is visible in, for completion. The other locals
//! (parameters, `let`s, law subjects) are visible from their binding to the
//! end of their declaration.

use polity_compiler::span::Span;
use polity_compiler::syntax::ast::{self, CallArgs, ExprKind, Item, LawStmt, Pattern, TestStmt};

/// A variable bound inside an expression and the span it is visible in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scoped {
    /// A named variable: where it is bound, and where it is visible.
    Var(Span, Span),
    /// `it`, visible in the condition of a `where` (or a keyed builtin's
    /// argument): the condition's span.
    It(Span),
}

/// Every expression-bound variable of `item`.
pub fn of_item(item: &Item) -> Vec<Scoped> {
    let mut exprs: Vec<&ast::Expr> = Vec::new();
    let mut out = Vec::new();
    match item {
        Item::Charter(c) => exprs.extend(c.entries.iter().map(|(_, e)| e)),
        Item::Const(c) => exprs.push(&c.value),
        Item::Fn(f) => {
            exprs.extend(f.lets.iter().map(|l| &l.value));
            exprs.push(&f.body);
        }
        Item::Law(l) => {
            exprs.extend(l.param.iter().map(|p| &p.collection));
            law_exprs(&l.body, &mut exprs);
            when_lets(&l.body, &mut out);
        }
        Item::Test(t) => {
            for s in &t.body {
                match s {
                    TestStmt::Given { value, .. } => exprs.push(value),
                    TestStmt::Let(l) => exprs.push(&l.value),
                    TestStmt::Expect { cond, .. } => exprs.push(cond),
                    TestStmt::Error(_) => {}
                }
            }
        }
        Item::Import(_) | Item::Enum(_) | Item::Record(_) | Item::State(_) | Item::Error(_) => {}
    }
    while let Some(e) = exprs.pop() {
        visit(e, &mut exprs, &mut out);
    }
    out
}

fn law_exprs<'a>(body: &'a [LawStmt], out: &mut Vec<&'a ast::Expr>) {
    for s in body {
        match s {
            LawStmt::Let(l) => out.push(&l.value),
            LawStmt::Require(r) => {
                out.extend(r.guard.iter().map(|g| &g.cond));
                out.push(&r.cond);
                out.extend(r.exceptions.iter().map(|u| &u.cond));
            }
            LawStmt::When(w) => {
                out.push(&w.guard.cond);
                law_exprs(&w.body, out);
            }
            LawStmt::Error(_) => {}
        }
    }
}

/// The `let`s inside `when` blocks, each visible from the block's `when`
/// to its last statement.
fn when_lets(body: &[LawStmt], out: &mut Vec<Scoped>) {
    for s in body {
        let LawStmt::When(w) = s else { continue };
        let end = w
            .body
            .iter()
            .map(stmt_end)
            .max()
            .unwrap_or(w.guard.span.end);
        let scope = Span {
            end: end.max(w.guard.span.end),
            ..w.guard.span
        };
        for inner in &w.body {
            if let LawStmt::Let(l) = inner {
                out.push(Scoped::Var(l.name.span, scope));
            }
        }
        when_lets(&w.body, out);
    }
}

/// Where a law statement's text ends.
fn stmt_end(s: &LawStmt) -> u32 {
    match s {
        LawStmt::Let(l) => l.span.end,
        LawStmt::Require(r) => r.span.end,
        LawStmt::When(w) => w
            .body
            .iter()
            .map(stmt_end)
            .max()
            .unwrap_or(w.guard.span.end),
        LawStmt::Error(span) => span.end,
    }
}

/// Records what `e` binds and queues its sub-expressions.
fn visit<'a>(e: &'a ast::Expr, todo: &mut Vec<&'a ast::Expr>, out: &mut Vec<Scoped>) {
    let mut generator = |g: &'a ast::Generator, todo: &mut Vec<&'a ast::Expr>| {
        todo.push(&g.elem);
        for c in &g.clauses {
            out.push(Scoped::Var(c.var.span, e.span));
            if let Some(i) = &c.index {
                out.push(Scoped::Var(i.span, e.span));
            }
            todo.push(&c.source);
            todo.extend(c.filter.iter());
        }
    };
    match &e.kind {
        ExprKind::Field { base, .. } => todo.push(base),
        ExprKind::Call { args, .. } => match args {
            CallArgs::List(list) => {
                // `sorted(xs, by: it.stake)` and the like: `it` in the others.
                if let Some((first, rest)) = list.split_first() {
                    todo.push(first);
                    for a in rest {
                        out.push(Scoped::It(a.span));
                        todo.push(a);
                    }
                }
            }
            CallArgs::Generator(g) => generator(g, todo),
        },
        ExprKind::Index { base, index } => todo.extend([&**base, &**index]),
        ExprKind::Unary { operand, .. } => todo.push(operand),
        ExprKind::Binary { lhs, rhs, .. } => todo.extend([&**lhs, &**rhs]),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => todo.extend([&**cond, &**then, &**otherwise]),
        ExprKind::Match { scrutinee, arms } => {
            todo.push(scrutinee);
            for arm in arms {
                if let Pattern::Some(_, x) = &arm.pattern {
                    out.push(Scoped::Var(x.span, arm.span));
                }
                todo.push(&arm.body);
            }
        }
        ExprKind::Record { fields, .. } => todo.extend(fields.iter().map(|f| &f.value)),
        ExprKind::With { base, fields } => {
            todo.push(base);
            todo.extend(fields.iter().map(|f| &f.value));
        }
        ExprKind::List(items) | ExprKind::Set(items) => todo.extend(items.iter()),
        ExprKind::Comprehension { generator: g, .. } => generator(g, todo),
        ExprKind::Where { source, cond } => {
            out.push(Scoped::It(cond.span));
            todo.extend([&**source, &**cond]);
        }
        ExprKind::Fold(f) => {
            out.push(Scoped::Var(f.acc.span, f.body.span));
            out.push(Scoped::Var(f.var.span, f.body.span));
            todo.extend([&f.init, &f.source, &f.body]);
        }
        ExprKind::Named { value, .. } => todo.push(value),
        ExprKind::Int(_)
        | ExprKind::Decimal(_)
        | ExprKind::Percent(_)
        | ExprKind::Date(_)
        | ExprKind::Instant(_)
        | ExprKind::Duration(..)
        | ExprKind::Text(_)
        | ExprKind::Bool(_)
        | ExprKind::None
        | ExprKind::Name(_)
        | ExprKind::Error => {}
    }
}
