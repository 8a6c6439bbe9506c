//! Node builders for the grammar's actions, with the nesting-depth guard.
//!
//! Every expression is built bottom-up together with its depth. A node deeper
//! than [`MAX_EXPR_DEPTH`] is replaced on the spot by [`ExprKind::Error`] and
//! marked too deep; enclosing nodes absorb it, so the outermost expression is
//! reported once (E0008) when it reaches a statement or declaration.
//!
//! *Architecture Invariant:* no tree deeper than [`MAX_EXPR_DEPTH`] (+1) ever
//! exists, not even inside the parser's stack, so no later pass — nor the
//! parser dropping values during error recovery — can overflow the stack by
//! recursing over an expression. Replaced trees are taken apart iteratively
//! ([`dismantle`]).

use super::ast::*;
use crate::span::{FileId, Span};

/// The deepest expression (or type) the parser keeps.
pub const MAX_EXPR_DEPTH: u32 = 128;

/// An expression under construction: the expression and its depth.
#[derive(Debug)]
pub struct Node {
    /// The expression (an `Error` placeholder if it was too deep).
    pub expr: Expr,
    depth: u32,
    too_deep: bool,
}

/// A type under construction, guarded like [`Node`].
#[derive(Debug)]
pub struct TyNode {
    ty: TypeExpr,
    depth: u32,
    too_deep: bool,
}

/// What the grammar threads through every action: the file, recovered
/// errors and too-deep spans.
pub struct ParseState<E> {
    /// The file being parsed.
    pub file: FileId,
    /// Errors the parser recovered from, in order.
    pub recovered: Vec<E>,
    /// Outermost expressions or types replaced because they were too deep.
    pub too_deep: Vec<Span>,
    /// Every parenthesised expression: the span with its parentheses and
    /// the span inside them (the AST keeps only the first).
    pub parens: Vec<(Span, Span)>,
}

impl<E> ParseState<E> {
    /// A fresh state for `file`.
    pub fn new(file: FileId) -> Self {
        ParseState {
            file,
            recovered: Vec::new(),
            too_deep: Vec::new(),
            parens: Vec::new(),
        }
    }

    /// `( e )`: re-spans `e` to include its parentheses, remembering both spans.
    pub fn paren(&mut self, n: Node, span: Span) -> Node {
        self.parens.push((span, n.expr.span));
        paren(n, span)
    }

    /// A span in this file.
    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// Finishes an expression that goes into the AST, reporting it if too deep.
    pub fn finish(&mut self, n: Node) -> Expr {
        if n.too_deep {
            self.too_deep.push(n.expr.span);
        }
        n.expr
    }

    /// Finishes a type that goes into the AST, reporting it if too deep.
    pub fn finish_ty(&mut self, n: TyNode) -> TypeExpr {
        if n.too_deep {
            self.too_deep.push(n.ty.span);
        }
        n.ty
    }
}

/// Depth bookkeeping of a child.
#[derive(Clone, Copy)]
struct Meta {
    depth: u32,
    too_deep: bool,
}

impl Node {
    fn meta(&self) -> Meta {
        Meta {
            depth: self.depth,
            too_deep: self.too_deep,
        }
    }
}

fn join(parts: impl IntoIterator<Item = Meta>) -> Meta {
    parts.into_iter().fold(
        Meta {
            depth: 0,
            too_deep: false,
        },
        |a, b| Meta {
            depth: a.depth.max(b.depth),
            too_deep: a.too_deep || b.too_deep,
        },
    )
}

fn make(kind: ExprKind, span: Span, children: Meta) -> Node {
    let depth = children.depth.saturating_add(1);
    let expr = Expr { kind, span };
    if children.too_deep || depth > MAX_EXPR_DEPTH {
        dismantle(expr);
        Node {
            expr: Expr::error(span),
            depth: 1,
            too_deep: true,
        }
    } else {
        Node {
            expr,
            depth,
            too_deep: false,
        }
    }
}

/// A leaf expression.
pub fn leaf(kind: ExprKind, span: Span) -> Node {
    Node {
        expr: Expr { kind, span },
        depth: 1,
        too_deep: false,
    }
}

/// Re-spans a parenthesised expression to include its parentheses.
pub fn paren(mut n: Node, span: Span) -> Node {
    n.expr.span = span;
    n
}

/// `l op r`
pub fn binary(l: Node, op: BinaryOp, op_span: Span, r: Node) -> Node {
    let meta = join([l.meta(), r.meta()]);
    let span = l.expr.span.to(r.expr.span);
    let kind = ExprKind::Binary {
        op,
        op_span,
        lhs: Box::new(l.expr),
        rhs: Box::new(r.expr),
    };
    make(kind, span, meta)
}

/// `-x` / `not x`
pub fn unary(op: UnaryOp, span: Span, operand: Node) -> Node {
    let meta = operand.meta();
    make(
        ExprKind::Unary {
            op,
            operand: Box::new(operand.expr),
        },
        span,
        meta,
    )
}

/// `base.name` / `base?.name`
pub fn field(base: Node, name: Ident, optional: bool, span: Span) -> Node {
    let meta = base.meta();
    let kind = ExprKind::Field {
        base: Box::new(base.expr),
        name,
        optional,
    };
    make(kind, span, meta)
}

/// `base[index]`
pub fn index(base: Node, index: Node, span: Span) -> Node {
    let meta = join([base.meta(), index.meta()]);
    let kind = ExprKind::Index {
        base: Box::new(base.expr),
        index: Box::new(index.expr),
    };
    make(kind, span, meta)
}

/// A field initialiser under construction (boxed, as are the other large
/// parser values: the parser moves its whole symbol type, as large as the
/// largest of them, at every step).
pub type InitNode = Box<(Ident, Node)>;

fn inits(fields: Vec<InitNode>) -> (Vec<FieldInit>, Meta) {
    let meta = join(fields.iter().map(|f| f.1.meta()));
    let fields = fields
        .into_iter()
        .map(|f| {
            let (name, n) = *f;
            FieldInit {
                name,
                value: n.expr,
            }
        })
        .collect();
    (fields, meta)
}

/// `base with { f: v }`
pub fn with(base: Node, fields: Vec<InitNode>, span: Span) -> Node {
    let (fields, meta) = inits(fields);
    let meta = join([base.meta(), meta]);
    make(
        ExprKind::With {
            base: Box::new(base.expr),
            fields,
        },
        span,
        meta,
    )
}

/// `Name { f: v }`
pub fn record(name: Ident, fields: Vec<InitNode>, span: Span) -> Node {
    let (fields, meta) = inits(fields);
    make(ExprKind::Record { name, fields }, span, meta)
}

fn exprs(items: Vec<Node>) -> (Vec<Expr>, Meta) {
    let meta = join(items.iter().map(Node::meta));
    (items.into_iter().map(|n| n.expr).collect(), meta)
}

/// `[a, b]`
pub fn list(items: Vec<Node>, span: Span) -> Node {
    let (items, meta) = exprs(items);
    make(ExprKind::List(items), span, meta)
}

/// `{a, b}`
pub fn set(items: Vec<Node>, span: Span) -> Node {
    let (items, meta) = exprs(items);
    make(ExprKind::Set(items), span, meta)
}

/// `f(a, b)`
pub fn call(callee: Ident, args: Vec<Node>, span: Span) -> Node {
    let (args, meta) = exprs(args);
    make(
        ExprKind::Call {
            callee,
            args: CallArgs::List(args),
        },
        span,
        meta,
    )
}

/// A generator under construction: `elem for var in source if filter`.
pub struct GenNode {
    generator: Box<Generator>,
    meta: Meta,
}

/// A `for` clause under construction.
pub struct ClauseNode {
    clause: ForClause,
    meta: Meta,
}

/// `for var in source if filter`, or `for index, var in ...` (`names` as written).
pub fn for_clause(names: (Ident, Option<Ident>), source: Node, filter: Option<Node>) -> ClauseNode {
    let meta = join(std::iter::once(source.meta()).chain(filter.as_ref().map(Node::meta)));
    let (index, var) = match names {
        (index, Some(var)) => (Some(index), var),
        (var, None) => (None, var),
    };
    ClauseNode {
        clause: ForClause {
            index,
            var,
            source: source.expr,
            filter: filter.map(|f| f.expr),
        },
        meta,
    }
}

/// `elem for var in source if filter ...`
pub fn generator(elem: Node, clauses: Vec<ClauseNode>) -> GenNode {
    let meta = join(std::iter::once(elem.meta()).chain(clauses.iter().map(|c| c.meta)));
    GenNode {
        generator: Box::new(Generator {
            elem: elem.expr,
            clauses: clauses.into_iter().map(|c| c.clause).collect(),
        }),
        meta,
    }
}

/// `f(e for x in xs)`
pub fn call_generator(callee: Ident, g: GenNode, span: Span) -> Node {
    make(
        ExprKind::Call {
            callee,
            args: CallArgs::Generator(g.generator),
        },
        span,
        g.meta,
    )
}

/// `[e for x in xs]` / `{e for x in xs}`
pub fn comprehension(kind: CollectionKind, g: GenNode, span: Span) -> Node {
    make(
        ExprKind::Comprehension {
            kind,
            generator: g.generator,
        },
        span,
        g.meta,
    )
}

/// `source where cond`
/// `name: value` among a call's arguments.
pub fn named(name: Ident, value: Node) -> Node {
    let meta = join([value.meta()]);
    let span = name.span.to(value.expr.span);
    make(
        ExprKind::Named {
            name,
            value: Box::new(value.expr),
        },
        span,
        meta,
    )
}

/// `xs where cond`
pub fn where_(source: Node, cond: Node) -> Node {
    let meta = join([source.meta(), cond.meta()]);
    let span = source.expr.span.to(cond.expr.span);
    make(
        ExprKind::Where {
            source: Box::new(source.expr),
            cond: Box::new(cond.expr),
        },
        span,
        meta,
    )
}

/// `if c then a else b`
pub fn if_(cond: Node, then: Node, otherwise: Node, span: Span) -> Node {
    let meta = join([cond.meta(), then.meta(), otherwise.meta()]);
    make(
        ExprKind::If {
            cond: Box::new(cond.expr),
            then: Box::new(then.expr),
            otherwise: Box::new(otherwise.expr),
        },
        span,
        meta,
    )
}

/// `fold(acc: T = init, var in source) => body`
pub fn fold(
    acc: Ident,
    acc_ty: Option<TypeExpr>,
    init: Node,
    var: Ident,
    source: Node,
    body: Node,
    span: Span,
) -> Node {
    let meta = join([init.meta(), source.meta(), body.meta()]);
    make(
        ExprKind::Fold(Box::new(FoldExpr {
            acc,
            acc_ty,
            init: init.expr,
            var,
            source: source.expr,
            body: body.expr,
        })),
        span,
        meta,
    )
}

/// A match arm under construction (boxed, as [`InitNode`]).
pub type ArmNode = Box<(Pattern, Node, Span)>;

/// `match e { p => x }`
pub fn match_(scrutinee: Node, arms: Vec<ArmNode>, span: Span) -> Node {
    let meta = join(std::iter::once(scrutinee.meta()).chain(arms.iter().map(|a| a.1.meta())));
    let arms = arms
        .into_iter()
        .map(|a| {
            let (pattern, body, span) = *a;
            MatchArm {
                pattern,
                body: body.expr,
                span,
            }
        })
        .collect();
    make(
        ExprKind::Match {
            scrutinee: Box::new(scrutinee.expr),
            arms,
        },
        span,
        meta,
    )
}

/// `if let x = opt then a else b`, read as `match opt { some(x) => a, _ => b }`
/// (`_` rather than `none`, so that a value that is not optional is reported
/// once).
pub fn if_let(name: Ident, value: Node, then: Node, otherwise: Node, span: Span) -> Node {
    let some = Ident {
        name: "some".into(),
        span: name.span,
    };
    let (then_span, else_span) = (then.expr.span, otherwise.expr.span);
    let arms = vec![
        Box::new((Pattern::Some(some, name), then, then_span)),
        Box::new((Pattern::Wildcard(else_span), otherwise, else_span)),
    ];
    match_(value, arms, span)
}

/// A pattern from a bare name (`_` is the wildcard).
pub fn name_pattern(name: Ident) -> Pattern {
    if name.name == "_" {
        Pattern::Wildcard(name.span)
    } else {
        Pattern::Name(name)
    }
}

/// A named type `Name<args>`.
pub fn named_type(name: Ident, args: Vec<TyNode>, span: Span) -> TyNode {
    let depth = args
        .iter()
        .map(|a| a.depth)
        .max()
        .unwrap_or(0)
        .saturating_add(1);
    let too_deep = args.iter().any(|a| a.too_deep);
    let ty = TypeExpr {
        kind: TypeExprKind::Named(name, args.into_iter().map(|a| a.ty).collect()),
        span,
    };
    guard_type(ty, depth, too_deep)
}

/// `T?`
pub fn optional_type(inner: TyNode, span: Span) -> TyNode {
    let ty = TypeExpr {
        kind: TypeExprKind::Optional(Box::new(inner.ty)),
        span,
    };
    guard_type(ty, inner.depth.saturating_add(1), inner.too_deep)
}

/// `T in xs`: a reference to elements of the state list `xs`.
pub fn ref_type(inner: TyNode, target: Ident, span: Span) -> TyNode {
    let ty = TypeExpr {
        kind: TypeExprKind::Ref(Box::new(inner.ty), target),
        span,
    };
    guard_type(ty, inner.depth.saturating_add(1), inner.too_deep)
}

fn guard_type(ty: TypeExpr, depth: u32, too_deep: bool) -> TyNode {
    if !too_deep && depth <= MAX_EXPR_DEPTH {
        return TyNode {
            ty,
            depth,
            too_deep: false,
        };
    }
    let span = ty.span;
    dismantle_type(ty);
    let name = Ident {
        name: "_".to_string(),
        span,
    };
    TyNode {
        ty: TypeExpr {
            kind: TypeExprKind::Named(name, Vec::new()),
            span,
        },
        depth: 1,
        too_deep: true,
    }
}

fn dismantle_type(ty: TypeExpr) {
    let mut stack = vec![ty];
    while let Some(ty) = stack.pop() {
        match ty.kind {
            TypeExprKind::Named(_, args) => stack.extend(args),
            TypeExprKind::Optional(inner) | TypeExprKind::Ref(inner, _) => stack.push(*inner),
            TypeExprKind::Error => {}
        }
    }
}

/// Drops an expression without recursion: children are moved onto an explicit
/// stack before their parent is dropped.
pub fn dismantle(expr: Expr) {
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match e.kind {
            ExprKind::Field { base, .. } => stack.push(*base),
            ExprKind::Call { args, .. } => match args {
                CallArgs::List(args) => stack.extend(args),
                CallArgs::Generator(g) => push_generator(&mut stack, *g),
            },
            ExprKind::Index { base, index } => stack.extend([*base, *index]),
            ExprKind::Unary { operand, .. } => stack.push(*operand),
            ExprKind::Binary { lhs, rhs, .. } => stack.extend([*lhs, *rhs]),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => stack.extend([*cond, *then, *otherwise]),
            ExprKind::Match { scrutinee, arms } => {
                stack.push(*scrutinee);
                stack.extend(arms.into_iter().map(|a| a.body));
            }
            ExprKind::Record { fields, .. } => stack.extend(fields.into_iter().map(|f| f.value)),
            ExprKind::With { base, fields } => {
                stack.push(*base);
                stack.extend(fields.into_iter().map(|f| f.value));
            }
            ExprKind::List(items) | ExprKind::Set(items) => stack.extend(items),
            ExprKind::Comprehension { generator, .. } => push_generator(&mut stack, *generator),
            ExprKind::Where { source, cond } => stack.extend([*source, *cond]),
            ExprKind::Named { value, .. } => stack.push(*value),
            ExprKind::Fold(f) => {
                let FoldExpr {
                    init, source, body, ..
                } = *f;
                stack.extend([init, source, body]);
            }
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
}

fn push_generator(stack: &mut Vec<Expr>, g: Generator) {
    stack.push(g.elem);
    for c in g.clauses {
        stack.push(c.source);
        stack.extend(c.filter);
    }
}

/// The nesting depth of an expression (a leaf is 1), measured iteratively.
pub fn expr_depth(expr: &Expr) -> usize {
    let mut max = 0;
    let mut stack = vec![(expr, 1usize)];
    while let Some((e, d)) = stack.pop() {
        max = max.max(d);
        stack.extend(children(e).into_iter().map(|c| (c, d + 1)));
    }
    max
}

/// The direct sub-expressions of an expression.
fn children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Field { base, .. }
        | ExprKind::Unary { operand: base, .. }
        | ExprKind::Named { value: base, .. } => vec![base],
        ExprKind::Call { args, .. } => match args {
            CallArgs::List(args) => args.iter().collect(),
            CallArgs::Generator(g) => generator_children(g),
        },
        ExprKind::Index { base: a, index: b }
        | ExprKind::Binary { lhs: a, rhs: b, .. }
        | ExprKind::Where { source: a, cond: b } => vec![a, b],
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => vec![cond, then, otherwise],
        ExprKind::Match { scrutinee, arms } => std::iter::once(&**scrutinee)
            .chain(arms.iter().map(|a| &a.body))
            .collect(),
        ExprKind::Record { fields, .. } => fields.iter().map(|f| &f.value).collect(),
        ExprKind::With { base, fields } => std::iter::once(&**base)
            .chain(fields.iter().map(|f| &f.value))
            .collect(),
        ExprKind::List(items) | ExprKind::Set(items) => items.iter().collect(),
        ExprKind::Comprehension { generator, .. } => generator_children(generator),
        ExprKind::Fold(f) => vec![&f.init, &f.source, &f.body],
        _ => Vec::new(),
    }
}

fn generator_children(g: &Generator) -> Vec<&Expr> {
    let clauses = g
        .clauses
        .iter()
        .flat_map(|c| std::iter::once(&c.source).chain(c.filter.as_ref()));
    std::iter::once(&g.elem).chain(clauses).collect()
}
