//! The abstract syntax tree: what the charter says, with byte spans, before any
//! checking. Grammar actions only build these nodes; meaning is given later.
//!
//! *Architecture Invariant:* the AST is independent of the parser generator;
//! nothing here mentions lalrpop or tokens.

use crate::span::{FileId, Span};

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The identifier's text.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// A text literal as written (escapes already resolved), with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextLit {
    /// The decoded text.
    pub value: String,
    /// The span of the literal including its quotes.
    pub span: Span,
}

/// One parsed file.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Module {
    /// Which file.
    pub file: FileId,
    /// Its declarations in source order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `charter "Name" { key: value ... }`
    Charter(CharterDecl),
    /// `import std.NAME` or `import "path.polity"`
    Import(ImportDecl),
    /// `enum E { A, B }`
    Enum(EnumDecl),
    /// `record R { field: Type ... }`
    Record(RecordDecl),
    /// `state { name: Type ... }`
    State(StateDecl),
    /// `const name: Type = expr`, or `figure name: Type = expr` (a const
    /// with [`ConstDecl::figure`] set)
    Const(ConstDecl),
    /// `fn name(params) -> Type = expr`
    Fn(FnDecl),
    /// `law name(x in collection) { ... }` or `law name { ... }`
    Law(LawDecl),
    /// `test "name" { ... }`
    Test(TestDecl),
    /// Text that does not parse as a declaration (already reported): kept so
    /// that tools see where it is and everything around it.
    Error(Span),
}

impl Item {
    /// The span of the whole declaration.
    pub fn span(&self) -> Span {
        match self {
            Item::Charter(d) => d.span,
            Item::Import(d) => d.span,
            Item::Enum(d) => d.span,
            Item::Record(d) => d.span,
            Item::State(d) => d.span,
            Item::Const(d) => d.span,
            Item::Fn(d) => d.span,
            Item::Law(d) => d.span,
            Item::Test(d) => d.span,
            Item::Error(span) => *span,
        }
    }
}

/// `charter "Name" { key: value ... }` (entries separated by optional commas).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CharterDecl {
    /// `///` documentation before it.
    pub doc: Option<String>,
    /// The network state's name.
    pub name: TextLit,
    /// Metadata entries, in order.
    pub entries: Vec<(Ident, Expr)>,
    /// The whole declaration.
    pub span: Span,
}

/// What an import names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportTarget {
    /// `import std.voting` — the dotted path after `import` (`["std", "voting"]`).
    Module(Vec<Ident>),
    /// `import "other.polity"` — a file relative to the importing file.
    File(TextLit),
}

/// `import ...`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportDecl {
    /// What is imported.
    pub target: ImportTarget,
    /// The whole declaration.
    pub span: Span,
}

/// `enum E { A, B }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumDecl {
    /// `///` documentation.
    pub doc: Option<String>,
    /// The enum's name.
    pub name: Ident,
    /// Its cases, in order.
    pub cases: Vec<Ident>,
    /// The whole declaration.
    pub span: Span,
}

/// `name: Type` in a record or `state`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDecl {
    /// `///` documentation.
    pub doc: Option<String>,
    /// The field's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
}

/// `record R { field: Type ... }` (commas optional).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordDecl {
    /// `///` documentation.
    pub doc: Option<String>,
    /// The record's name.
    pub name: Ident,
    /// Its fields, in order.
    pub fields: Vec<FieldDecl>,
    /// The whole declaration.
    pub span: Span,
}

/// `state { name: Type ... }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateDecl {
    /// `///` documentation.
    pub doc: Option<String>,
    /// The snapshot's top-level names.
    pub fields: Vec<FieldDecl>,
    /// The whole declaration.
    pub span: Span,
}

/// `const name: Type = expr` (the type may be omitted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstDecl {
    /// `///` documentation.
    pub doc: Option<String>,
    /// The constant's name.
    pub name: Ident,
    /// Its declared type.
    pub ty: Option<TypeExpr>,
    /// Its value.
    pub value: Expr,
    /// `private const`: visible only in its own file (module).
    pub private: bool,
    /// `figure name: Type = expr`: a const the charter publishes, which
    /// `polity eval` prints (never `private`; its type is required).
    pub figure: bool,
    /// The whole declaration.
    pub span: Span,
}

/// A parameter `name: Type`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The parameter's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
}

/// `fn name(params) -> Type = expr` or `fn name(params) -> Type { let ... expr }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnDecl {
    /// `///` documentation.
    pub doc: Option<String>,
    /// The function's name.
    pub name: Ident,
    /// Its parameters.
    pub params: Vec<Param>,
    /// Its result type.
    pub ret: TypeExpr,
    /// `let` bindings before the result (empty for the `= expr` form).
    pub lets: Vec<LetStmt>,
    /// The result.
    pub body: Expr,
    /// `private fn`: visible only in its own file (module).
    pub private: bool,
    /// The whole declaration.
    pub span: Span,
}

/// `x in collection` in a law's head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LawParam {
    /// The subject's name inside the law.
    pub name: Ident,
    /// The collection it ranges over.
    pub collection: Expr,
}

/// `law name(x in collection) { ... }` or `law name { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LawDecl {
    /// `///` documentation.
    pub doc: Option<String>,
    /// The law's name.
    pub name: Ident,
    /// Its subject, if any.
    pub param: Option<LawParam>,
    /// Its statements in order.
    pub body: Vec<LawStmt>,
    /// The whole declaration.
    pub span: Span,
}

/// A statement in a law.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LawStmt {
    /// `let name = expr`
    Let(LetStmt),
    /// `require "label": expr` with its `unless` exceptions (or `should`).
    Require(Require),
    /// `when cond { statements }`: statements that apply only when `cond` holds.
    When(WhenBlock),
    /// A statement that does not parse (already reported).
    Error(Span),
}

/// A precondition: `when cond`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct When {
    /// What must hold for the guarded statements to apply.
    pub cond: Expr,
    /// `when cond`.
    pub span: Span,
}

/// `when cond { statements }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhenBlock {
    /// The precondition.
    pub guard: When,
    /// The statements it guards.
    pub body: Vec<LawStmt>,
}

/// `let name = expr` (or `let name: Type = expr`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetStmt {
    /// The bound name.
    pub name: Ident,
    /// An optional type annotation.
    pub ty: Option<TypeExpr>,
    /// The value.
    pub value: Expr,
    /// The whole statement.
    pub span: Span,
}

/// One line typed at the REPL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplInput {
    /// `let name = expr`: a binding kept for the rest of the session.
    Let(LetStmt),
    /// An expression to evaluate (a law call shows its verdict).
    Expr(Expr),
}

/// `require "label": expr unless "label": expr ...`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Require {
    /// The requirement's label.
    pub label: TextLit,
    /// `require "label" when cond: ...`: applies only when `cond` holds.
    pub guard: Option<When>,
    /// Written `should`: advice that warns and never decides the verdict.
    pub advisory: bool,
    /// The condition that must hold.
    pub cond: Expr,
    /// Exceptions that let it pass.
    pub exceptions: Vec<Unless>,
    /// The whole statement (including exceptions).
    pub span: Span,
}

/// `unless "label": expr`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unless {
    /// The exception's label.
    pub label: TextLit,
    /// When it applies.
    pub cond: Expr,
    /// The whole clause.
    pub span: Span,
}

/// `test "name" { ... }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestDecl {
    /// The test's name.
    pub name: TextLit,
    /// Its statements in order.
    pub body: Vec<TestStmt>,
    /// The whole declaration.
    pub span: Span,
}

/// A statement in a test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestStmt {
    /// `given name = expr`: overrides a `state` name.
    Given {
        /// The state name.
        name: Ident,
        /// Its value in this test.
        value: Expr,
        /// The whole statement.
        span: Span,
    },
    /// `let name = expr`
    Let(LetStmt),
    /// `expect expr`
    Expect {
        /// What must hold.
        cond: Expr,
        /// The whole statement.
        span: Span,
    },
    /// A statement that does not parse (already reported).
    Error(Span),
}

/// A type as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeExpr {
    /// Its shape.
    pub kind: TypeExprKind,
    /// Where it was written.
    pub span: Span,
}

/// The shape of a written type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExprKind {
    /// `Int`, `Member`, `List<T>`, `Set<T>`: a name with optional arguments.
    Named(Ident, Vec<TypeExpr>),
    /// `T?`
    Optional(Box<TypeExpr>),
    /// `Member in members`, `List<Member> in members`: a record field that
    /// refers to elements of a keyed state list by their ids.
    Ref(Box<TypeExpr>, Ident),
    /// Stands in for a type that failed to parse (already reported).
    Error,
}

impl TypeExpr {
    /// A placeholder for a type that failed to parse.
    pub fn error(span: Span) -> TypeExpr {
        TypeExpr {
            kind: TypeExprKind::Error,
            span,
        }
    }
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// Binary operators, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (exact)
    Div,
    /// `div` (integer, floors)
    IntDiv,
    /// `mod` (integer, floors)
    Mod,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and` (short-circuits)
    And,
    /// `or` (short-circuits)
    Or,
    /// `in` (membership)
    In,
    /// `not in`
    NotIn,
    /// `??` (default for an optional)
    Coalesce,
}

impl BinaryOp {
    /// The operator as written in source.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::IntDiv => "div",
            BinaryOp::Mod => "mod",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Coalesce => "??",
        }
    }
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// Duration units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    /// `day` / `days`
    Days,
    /// `week` / `weeks`
    Weeks,
    /// `hour` / `hours`
    Hours,
    /// `minute` / `minutes`
    Minutes,
    /// `second` / `seconds`
    Seconds,
    /// `month` / `months` (a calendar period)
    Months,
    /// `year` / `years` (a calendar period of 12 months)
    Years,
    /// A word of time that is not a unit (`3 hours`): already reported.
    Unknown,
}

/// `field: value` in a record construction or `with`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldInit {
    /// The field's name.
    pub name: Ident,
    /// Its value.
    pub value: Expr,
}

/// `elem for var in source if filter ...`: the inside of a comprehension or
/// aggregate, with one or more `for` clauses (outermost first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generator {
    /// The produced element.
    pub elem: Expr,
    /// The `for` clauses, outermost first (never empty).
    pub clauses: Vec<ForClause>,
}

/// `for var in source if filter`, or `for index, var in enumerate(xs) if filter`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForClause {
    /// The name of the element's position, when two names are written.
    pub index: Option<Ident>,
    /// The loop variable.
    pub var: Ident,
    /// The collection iterated (as written, `enumerate(xs)` included).
    pub source: Expr,
    /// The optional filter.
    pub filter: Option<Expr>,
}

/// A call's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallArgs {
    /// `f(a, b)`
    List(Vec<Expr>),
    /// `sum(v.weight for v in votes if ...)`
    Generator(Box<Generator>),
}

/// A `match` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// `Active` (an enum case, resolved later).
    Name(Ident),
    /// `Status.Active`
    Qualified(Ident, Ident),
    /// `true` / `false`
    Bool(bool, Span),
    /// `none`
    None(Span),
    /// `some(x)`: a present optional, its value bound to `x` (the first name
    /// is the constructor as written, checked to be `some`).
    Some(Ident, Ident),
    /// `_`
    Wildcard(Span),
}

/// `pattern => body`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchArm {
    /// The pattern.
    pub pattern: Pattern,
    /// The arm's result.
    pub body: Expr,
    /// The whole arm.
    pub span: Span,
}

/// `fold(acc = init, x in xs) => body`: `acc` starts at `init` and becomes
/// `body` for each element `x` of `xs` in turn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoldExpr {
    /// The accumulator's name.
    pub acc: Ident,
    /// Its declared type, if written (`fold(acc: T = init, ...)`).
    pub acc_ty: Option<TypeExpr>,
    /// Its first value.
    pub init: Expr,
    /// The element's name.
    pub var: Ident,
    /// The collection iterated.
    pub source: Expr,
    /// The accumulator's next value.
    pub body: Expr,
}

/// Whether a bracketed comprehension builds a list or a set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CollectionKind {
    /// `[...]`
    List,
    /// `{...}`
    Set,
}

/// Expression forms. Literals keep their source text; the checker converts
/// them (so an over-large number is a located diagnostic, not a parse failure).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// `42`, `1_000` (digits as written)
    Int(String),
    /// `0.25` (as written)
    Decimal(String),
    /// `20%`, `12.5%` (the number before `%`, as written)
    Percent(String),
    /// `2026-01-31` (as written)
    Date(String),
    /// `2026-03-01T12:00Z`
    Instant(String),
    /// `30 days`, `2 weeks` (the digits and the unit)
    Duration(String, DurationUnit),
    /// `"text"` (decoded)
    Text(String),
    /// `true` / `false`
    Bool(bool),
    /// `none`
    None,
    /// A name: a local, parameter, state name, const, enum case, law without
    /// parameter, or `it`.
    Name(Ident),
    /// `base.name` or `base?.name`. Also `Enum.Case` (resolved later).
    Field {
        /// What the field is read from.
        base: Box<Expr>,
        /// The field's name.
        name: Ident,
        /// `?.` rather than `.`
        optional: bool,
    },
    /// `f(args)`: a fn, law, builtin or aggregate.
    Call {
        /// The called name.
        callee: Ident,
        /// The arguments.
        args: CallArgs,
    },
    /// `xs[key]`: the element of `xs` whose `id` is `key`.
    Index {
        /// The collection.
        base: Box<Expr>,
        /// The key.
        index: Box<Expr>,
    },
    /// `-x`, `not x`
    Unary {
        /// Which operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// `a op b`
    Binary {
        /// Which operator.
        op: BinaryOp,
        /// Span of the operator token.
        op_span: Span,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `if c then a else b`
    If {
        /// The condition.
        cond: Box<Expr>,
        /// The value when it holds.
        then: Box<Expr>,
        /// The value when it does not.
        otherwise: Box<Expr>,
    },
    /// `match e { p => x, ... }`
    Match {
        /// The value matched on.
        scrutinee: Box<Expr>,
        /// The arms in order.
        arms: Vec<MatchArm>,
    },
    /// `R { f: v, ... }`
    Record {
        /// The record type's name.
        name: Ident,
        /// Field values as written.
        fields: Vec<FieldInit>,
    },
    /// `r with { f: v, ... }`
    With {
        /// The record updated.
        base: Box<Expr>,
        /// The replaced fields.
        fields: Vec<FieldInit>,
    },
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{a, b}`
    Set(Vec<Expr>),
    /// `[e for x in xs if c]` / `{e for x in xs if c}`
    Comprehension {
        /// List or set.
        kind: CollectionKind,
        /// The generator.
        generator: Box<Generator>,
    },
    /// `xs where cond` (with `it` for the element)
    Where {
        /// The collection filtered.
        source: Box<Expr>,
        /// The condition on `it`.
        cond: Box<Expr>,
    },
    /// `fold(acc = init, x in xs) => body` (boxed: the largest form, which
    /// would make every expression as large).
    Fold(Box<FoldExpr>),
    /// `name: value`, a named argument (`sorted(xs, by: it.stake)`); the
    /// parser makes one only among a call's arguments.
    Named {
        /// The argument's name.
        name: Ident,
        /// Its value.
        value: Box<Expr>,
    },
    /// Stands in for an expression that failed to parse (already reported).
    Error,
}

impl Expr {
    /// A placeholder for an expression that failed to parse.
    pub fn error(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }
}
