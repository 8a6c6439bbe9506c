//! Unit tests of the interpreter over hand-built IR. Each test writes the
//! source text its spans point into, so snippets and messages are real.

mod arith;
mod blocks;
mod collections;
mod laws;
mod state_only;
mod why;

use super::{Interpreter, Limits};
use crate::snapshot::Snapshot;
use crate::value::Value;
use crate::verdict::EvalError;
use polity_compiler::ir::*;
use polity_compiler::num::{parse_date, Dec};
use polity_compiler::span::{FileId, SourceMap, Span};
use polity_compiler::types::{EnumId, RecordId, Type};

/// An empty program whose only source file is `src`.
pub fn program(src: &str) -> Program {
    let mut sources = SourceMap::new();
    sources.add("test.polity", src);
    Program {
        sources,
        charter: Charter::default(),
        records: vec![],
        enums: vec![],
        state: vec![],
        consts: vec![],
        fns: vec![],
        laws: vec![],
        tests: vec![],
    }
}

/// The span of the first `needle` in `src`.
pub fn sp(src: &str, needle: &str) -> Span {
    let i = src
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in source"));
    Span::new(FileId(0), i, i + needle.len())
}

/// The span of the first `needle` after the first `anchor` in `src`.
pub fn sp_after(src: &str, anchor: &str, needle: &str) -> Span {
    let a = sp(src, anchor).start as usize;
    let i = a + src[a..]
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not after {anchor:?}"));
    Span::new(FileId(0), i, i + needle.len())
}

/// Places an expression at a span.
pub trait At {
    fn at(self, span: Span) -> Expr;
}

impl At for Expr {
    fn at(self, span: Span) -> Expr {
        Expr { span, ..self }
    }
}

pub fn ex(kind: ExprKind, ty: Type) -> Expr {
    Expr {
        kind,
        ty,
        span: Span::default(),
    }
}

pub fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}

pub fn int(n: i64) -> Expr {
    ex(ExprKind::Lit(Lit::Int(n)), Type::Int)
}

pub fn dec(s: &str) -> Expr {
    ex(
        ExprKind::Lit(Lit::Dec(Dec::parse(s).unwrap())),
        Type::Decimal,
    )
}

pub fn boolean(v: bool) -> Expr {
    ex(ExprKind::Lit(Lit::Bool(v)), Type::Bool)
}

pub fn text(s: &str) -> Expr {
    ex(ExprKind::Lit(Lit::Text(s.into())), Type::Text)
}

pub fn day(s: &str) -> i64 {
    parse_date(s).unwrap()
}

pub fn date(s: &str) -> Expr {
    ex(ExprKind::Lit(Lit::Date(day(s))), Type::Date)
}

/// A Duration of `n` days (durations count seconds).
pub fn days(n: i64) -> Expr {
    ex(
        ExprKind::Lit(Lit::Duration(n.saturating_mul(86_400))),
        Type::Duration,
    )
}

pub fn none(ty: Type) -> Expr {
    ex(ExprKind::Lit(Lit::None), Type::optional(ty))
}

pub fn case(e: u32, i: u32) -> Expr {
    ex(
        ExprKind::Lit(Lit::Enum(EnumId(e), i)),
        Type::Enum(EnumId(e)),
    )
}

pub fn local(i: u32, ty: Type) -> Expr {
    ex(ExprKind::Local(LocalId(i)), ty)
}

pub fn state(i: u32, ty: Type) -> Expr {
    ex(ExprKind::State(StateId(i)), ty)
}

pub fn konst(i: u32, ty: Type) -> Expr {
    ex(ExprKind::Const(ConstId(i)), ty)
}

pub fn to_dec(e: Expr) -> Expr {
    let span = e.span;
    ex(ExprKind::IntToDec(b(e)), Type::Decimal).at(span)
}

/// `a op b`, typed by the operator.
pub fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
    let ty = match op {
        BinOp::Add(n) | BinOp::Sub(n) | BinOp::Mul(n) => num_ty(n),
        BinOp::MulDurInt | BinOp::DateSubDate => Type::Duration,
        BinOp::Div | BinOp::DivDur => Type::Decimal,
        BinOp::IntDiv | BinOp::IntMod => Type::Int,
        BinOp::DateAddDur | BinOp::DateSubDur => Type::Date,
        BinOp::Concat => Type::Text,
        _ => Type::Bool,
    };
    ex(ExprKind::Binary(op, b(l), b(r)), ty)
}

pub fn num_ty(n: Num) -> Type {
    match n {
        Num::Int => Type::Int,
        Num::Dec => Type::Decimal,
        Num::Duration => Type::Duration,
        Num::Period => Type::Period,
    }
}

pub fn and(l: Expr, r: Expr) -> Expr {
    ex(ExprKind::And(b(l), b(r)), Type::Bool)
}

pub fn or(l: Expr, r: Expr) -> Expr {
    ex(ExprKind::Or(b(l), b(r)), Type::Bool)
}

pub fn not(e: Expr) -> Expr {
    ex(ExprKind::Unary(UnOp::Not, b(e)), Type::Bool)
}

pub fn neg(n: Num, e: Expr) -> Expr {
    ex(ExprKind::Unary(UnOp::Neg(n), b(e)), num_ty(n))
}

pub fn builtin(f: Builtin, args: Vec<Expr>, ty: Type) -> Expr {
    ex(ExprKind::Builtin(f, args), ty)
}

pub fn list(elem: Type, xs: Vec<Expr>) -> Expr {
    ex(ExprKind::List(xs), Type::list(elem))
}

pub fn set(elem: Type, xs: Vec<Expr>) -> Expr {
    ex(ExprKind::Set(xs), Type::set(elem))
}

pub fn ints(xs: &[i64]) -> Expr {
    list(Type::Int, xs.iter().map(|&n| int(n)).collect())
}

pub fn in_(x: Expr, xs: Expr) -> Expr {
    ex(ExprKind::In(b(x), b(xs)), Type::Bool)
}

pub fn field(r: Expr, i: u32, ty: Type) -> Expr {
    ex(ExprKind::Field(b(r), i), ty)
}

pub fn call_fn(f: u32, args: Vec<Expr>, ty: Type) -> Expr {
    ex(ExprKind::CallFn(FnId(f), args), ty)
}

pub fn call_law(l: u32, arg: Option<Expr>) -> Expr {
    ex(ExprKind::CallLaw(LawId(l), arg.map(b)), Type::Bool)
}

/// `kind(elem for var in source if filter)`
pub fn lp(kind: LoopKind, var: u32, source: Expr, filter: Option<Expr>, elem: Expr) -> Expr {
    let ty = match kind {
        LoopKind::List => Type::list(elem.ty.clone()),
        LoopKind::Set => Type::set(elem.ty.clone()),
        LoopKind::Count => Type::Int,
        LoopKind::Sum(n) => num_ty(n),
        LoopKind::Min | LoopKind::Max => elem.ty.clone(),
        LoopKind::All | LoopKind::Any => Type::Bool,
    };
    let clause = Clause {
        var: LocalId(var),
        index: None,
        source,
        filter,
    };
    let l = Loop {
        kind,
        clauses: vec![clause],
        elem,
    };
    ex(ExprKind::Loop(Box::new(l)), ty)
}

pub fn require(label: &str, span: Span, cond: Expr, unless: Vec<(&str, Expr)>) -> LawStmt {
    LawStmt::Require(Requirement {
        label: label.into(),
        span,
        cond,
        advisory: false,
        exceptions: unless
            .into_iter()
            .map(|(label, cond)| Exception {
                label: label.into(),
                span,
                cond,
            })
            .collect(),
    })
}

pub fn law(name: &str, param: Option<(Type, Expr)>, body: Vec<LawStmt>, frame_size: u32) -> LawDef {
    LawDef {
        name: name.into(),
        doc: None,
        param: param.map(|(ty, collection)| LawParam {
            name: "x".into(),
            ty,
            collection,
        }),
        body,
        frame_size,
        span: Span::default(),
    }
}

pub fn state_def(name: &str, ty: Type) -> StateDef {
    StateDef {
        name: name.into(),
        ty,
        doc: None,
        span: Span::default(),
    }
}

pub fn record_def(name: &str, fields: &[(&str, Type)], id_field: Option<u32>) -> RecordDef {
    RecordDef {
        name: name.into(),
        doc: None,
        fields: fields
            .iter()
            .map(|(n, t)| FieldDef {
                name: (*n).into(),
                ty: t.clone(),
                doc: None,
                refers: None,
            })
            .collect(),
        id_field,
        span: Span::default(),
    }
}

pub fn enum_def(name: &str, cases: &[&str]) -> EnumDef {
    EnumDef {
        name: name.into(),
        doc: None,
        cases: cases.iter().map(|c| (*c).into()).collect(),
        span: Span::default(),
    }
}

pub fn fn_def(
    name: &str,
    params: Vec<(&str, Type)>,
    ret: Type,
    body: Expr,
    frame_size: u32,
) -> FnDef {
    FnDef {
        name: name.into(),
        doc: None,
        params: params.into_iter().map(|(n, t)| (n.into(), t)).collect(),
        ret,
        body,
        private: false,
        frame_size,
        span: Span::default(),
    }
}

pub fn record_ty(i: u32) -> Type {
    Type::Record(RecordId(i))
}

pub fn rec(fields: Vec<Value>) -> Value {
    Value::Record(fields.into())
}

pub fn vlist(xs: Vec<Value>) -> Value {
    Value::List(xs.into())
}

/// Evaluates a closed expression over a snapshot with default limits.
pub fn eval_with(p: &Program, snapshot: &Snapshot, e: &Expr) -> Result<Value, EvalError> {
    Interpreter::new(p, snapshot).eval_expr(e, 8)
}

/// Evaluates a closed expression with no state.
pub fn eval(p: &Program, e: &Expr) -> Result<Value, EvalError> {
    eval_with(p, &Snapshot::from_values(vec![]), e)
}

/// Evaluates a closed expression with some limits.
pub fn eval_limited(p: &Program, limits: &Limits, e: &Expr) -> Result<Value, EvalError> {
    let snapshot = Snapshot::from_values(vec![]);
    Interpreter::new(p, &snapshot)
        .with_limits(limits.clone())
        .eval_expr(e, 8)
}

/// The fault of a closed expression (the test fails if it has a value).
pub fn fault(p: &Program, e: &Expr) -> EvalError {
    match eval(p, e) {
        Ok(v) => panic!("expected a fault, got {v:?}"),
        Err(err) => err,
    }
}

#[test]
fn interpreter_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Interpreter<'static>>();
}
