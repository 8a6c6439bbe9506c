//! Builtins, loops, membership, lookup, records and `match`.

use super::*;
use crate::verdict::ErrorKind;

fn empty(ty: Type) -> Expr {
    list(ty, vec![])
}

#[test]
fn empty_aggregates() {
    let p = program("");
    let sum = |n: Num| builtin(Builtin::Sum(n), vec![empty(num_ty(n))], num_ty(n));
    assert_eq!(eval(&p, &sum(Num::Int)), Ok(Value::Int(0)));
    assert_eq!(eval(&p, &sum(Num::Dec)), Ok(Value::dec(Dec::ZERO)));
    assert_eq!(eval(&p, &sum(Num::Duration)), Ok(Value::Duration(0)));
    let on_empty = |f| builtin(f, vec![empty(Type::Bool)], Type::Int);
    assert_eq!(eval(&p, &on_empty(Builtin::Count)), Ok(Value::Int(0)));
    assert_eq!(eval(&p, &on_empty(Builtin::All)), Ok(Value::Bool(true)));
    assert_eq!(eval(&p, &on_empty(Builtin::Any)), Ok(Value::Bool(false)));
    assert_eq!(eval(&p, &on_empty(Builtin::First)), Ok(Value::None));
    let looped = |k| lp(k, 0, empty(Type::Int), None, local(0, Type::Int));
    assert_eq!(
        eval(&p, &looped(LoopKind::Sum(Num::Int))),
        Ok(Value::Int(0))
    );
    assert_eq!(eval(&p, &looped(LoopKind::Count)), Ok(Value::Int(0)));
    assert_eq!(eval(&p, &looped(LoopKind::List)), Ok(vlist(vec![])));
    assert_eq!(
        eval(&p, &looped(LoopKind::Set)),
        Ok(Value::set_from(vec![]))
    );
    let bools = |k| lp(k, 0, empty(Type::Bool), None, local(0, Type::Bool));
    assert_eq!(eval(&p, &bools(LoopKind::All)), Ok(Value::Bool(true)));
    assert_eq!(eval(&p, &bools(LoopKind::Any)), Ok(Value::Bool(false)));
}

#[test]
fn min_and_max_of_nothing_are_missing() {
    let src = "min(xs) max(x for x in xs)";
    let p = program(src);
    let e = builtin(Builtin::Min, vec![empty(Type::Int)], Type::Int).at(sp(src, "min(xs)"));
    let err = fault(&p, &e);
    assert_eq!(err.kind, ErrorKind::MissingValue);
    assert_eq!(err.message, "`min` of an empty collection");
    assert_eq!(err.span, sp(src, "min(xs)"));
    let span = sp(src, "max(x for x in xs)");
    let e = lp(
        LoopKind::Max,
        0,
        empty(Type::Int),
        None,
        local(0, Type::Int),
    )
    .at(span);
    let err = fault(&p, &e);
    assert_eq!((err.kind, err.span), (ErrorKind::MissingValue, span));
    assert_eq!(err.message, "`max` of an empty collection");
}

#[test]
fn aggregates_over_values() {
    let p = program("");
    let xs = || ints(&[3, -1, 4, 1, 5]);
    let f = |b| builtin(b, vec![xs()], Type::Int);
    assert_eq!(eval(&p, &f(Builtin::Min)), Ok(Value::Int(-1)));
    assert_eq!(eval(&p, &f(Builtin::Max)), Ok(Value::Int(5)));
    assert_eq!(eval(&p, &f(Builtin::Sum(Num::Int))), Ok(Value::Int(12)));
    assert_eq!(eval(&p, &f(Builtin::Count)), Ok(Value::Int(5)));
    assert_eq!(eval(&p, &f(Builtin::Len)), Ok(Value::Int(5)));
    assert_eq!(eval(&p, &f(Builtin::First)), Ok(Value::Int(3)));
    let sorted = eval(
        &p,
        &builtin(Builtin::Sorted, vec![xs()], Type::list(Type::Int)),
    );
    assert_eq!(sorted, Ok(vlist([-1, 1, 3, 4, 5].map(Value::Int).to_vec())));
    let of = |b| builtin(b, vec![int(2), int(-7), int(9)], Type::Int);
    assert_eq!(eval(&p, &of(Builtin::MinOf)), Ok(Value::Int(-7)));
    assert_eq!(eval(&p, &of(Builtin::MaxOf)), Ok(Value::Int(9)));
    let len = builtin(Builtin::Len, vec![text("héllo")], Type::Int);
    assert_eq!(eval(&p, &len), Ok(Value::Int(5)));
    // sum(x * 2 for x in xs if x > 0)
    let filter = bin(BinOp::Gt, local(0, Type::Int), int(0));
    let elem = bin(BinOp::Mul(Num::Int), local(0, Type::Int), int(2));
    let e = lp(LoopKind::Sum(Num::Int), 0, xs(), Some(filter.clone()), elem);
    assert_eq!(eval(&p, &e), Ok(Value::Int(26)));
    let e = lp(LoopKind::Count, 0, xs(), Some(filter), local(0, Type::Int));
    assert_eq!(eval(&p, &e), Ok(Value::Int(4)));
    let e = lp(
        LoopKind::Set,
        0,
        ints(&[3, 1, 3]),
        None,
        local(0, Type::Int),
    );
    assert_eq!(
        eval(&p, &e),
        Ok(Value::set_from(vec![Value::Int(1), Value::Int(3)]))
    );
}

#[test]
fn sum_overflow_is_located_at_the_aggregate() {
    let src = "sum(x for x in xs)";
    let e = lp(
        LoopKind::Sum(Num::Int),
        0,
        ints(&[i64::MAX, 1]),
        None,
        local(0, Type::Int),
    );
    let err = fault(&program(src), &e.at(sp(src, src)));
    assert_eq!((err.kind, err.span), (ErrorKind::Overflow, sp(src, src)));
    assert_eq!(err.message, "integer overflow in `sum(x for x in xs)`");
}

#[test]
fn all_and_any_stop_early() {
    let p = program("");
    // all(10 div x > 1 for x in [20, 0]): the first is false, the second would fault.
    let elem = || {
        bin(
            BinOp::Gt,
            bin(BinOp::IntDiv, int(10), local(0, Type::Int)),
            int(1),
        )
    };
    let e = lp(LoopKind::All, 0, ints(&[20, 0]), None, elem());
    assert_eq!(eval(&p, &e), Ok(Value::Bool(false)));
    let e = lp(LoopKind::Any, 0, ints(&[1, 0]), None, elem());
    assert_eq!(eval(&p, &e), Ok(Value::Bool(true)));
    let e = lp(LoopKind::Any, 0, ints(&[20, 0]), None, elem());
    assert_eq!(fault(&p, &e).kind, ErrorKind::DivisionByZero);
}

#[test]
fn range_and_its_limit() {
    let p = program("");
    let range = |a, b| builtin(Builtin::Range, vec![int(a), int(b)], Type::list(Type::Int));
    assert_eq!(
        eval(&p, &range(2, 5)),
        Ok(vlist([2, 3, 4].map(Value::Int).to_vec()))
    );
    assert_eq!(eval(&p, &range(5, 2)), Ok(vlist(vec![])));
    let src = "range(0, 100000000000)";
    let err = fault(&program(src), &range(0, 100_000_000_000).at(sp(src, src)));
    assert_eq!((err.kind, err.span), (ErrorKind::Limit, sp(src, src)));
    assert_eq!(
        err.message,
        "`range(0, 100000000000)` would build a list of 100000000000 elements; the limit is 10000000"
    );
    let err = fault(&p, &range(i64::MIN, i64::MAX));
    assert_eq!(err.kind, ErrorKind::Limit);
    let limits = Limits {
        max_collection_len: 3,
        ..Limits::default()
    };
    assert!(eval_limited(&p, &limits, &range(0, 3)).is_ok());
    assert_eq!(
        eval_limited(&p, &limits, &range(0, 4)).unwrap_err().kind,
        ErrorKind::Limit
    );
}

#[test]
fn membership_in_lists_and_sets() {
    let p = program("");
    let s = || set(Type::Int, vec![int(5), int(1), int(3), int(1)]);
    assert_eq!(
        eval(&p, &s()),
        Ok(Value::set_from([1, 3, 5].map(Value::Int).to_vec()))
    );
    assert_eq!(eval(&p, &in_(int(3), s())), Ok(Value::Bool(true)));
    assert_eq!(eval(&p, &in_(int(2), s())), Ok(Value::Bool(false)));
    assert_eq!(eval(&p, &in_(int(4), ints(&[9, 4]))), Ok(Value::Bool(true)));
    assert_eq!(
        eval(&p, &not(in_(int(4), ints(&[9])))),
        Ok(Value::Bool(true))
    );
}

/// `record Item { id: Text, n: Int }` and a list of two.
fn items_program(src: &str) -> Program {
    let mut p = program(src);
    p.records.push(record_def(
        "Item",
        &[("id", Type::Text), ("n", Type::Int)],
        Some(0),
    ));
    p
}

fn item(id: &str, n: i64) -> Expr {
    ex(
        ExprKind::Record(RecordId(0), vec![text(id), int(n)]),
        record_ty(0),
    )
}

#[test]
fn index_by_id() {
    let src = "xs[\"zed\"]";
    let p = items_program(src);
    let xs = || list(record_ty(0), vec![item("ana", 1), item("bob", 2)]).at(sp(src, "xs"));
    let index = |key| ex(ExprKind::Index(b(xs()), b(text(key))), record_ty(0)).at(sp(src, src));
    let found = eval(&p, &field(index("bob"), 1, Type::Int));
    assert_eq!(found, Ok(Value::Int(2)));
    let err = fault(&p, &index("zed"));
    assert_eq!(
        (err.kind, err.span),
        (ErrorKind::MissingValue, sp(src, src))
    );
    assert_eq!(err.message, "no element of `xs` has id `\"zed\"`");
}

#[test]
fn records_fields_and_with() {
    let p = items_program("");
    let r = ex(
        ExprKind::With(b(item("ana", 1)), vec![(1, int(9))]),
        record_ty(0),
    );
    assert_eq!(
        eval(&p, &r),
        Ok(rec(vec![Value::text("ana"), Value::Int(9)]))
    );
    let opt = |r: Expr| ex(ExprKind::OptField(b(r), 1), Type::optional(Type::Int));
    assert_eq!(eval(&p, &opt(none(record_ty(0)))), Ok(Value::None));
    assert_eq!(eval(&p, &opt(item("bob", 4))), Ok(Value::Int(4)));
}

#[test]
fn match_takes_the_first_matching_arm() {
    let p = program("");
    let arm = |pattern, n| Arm {
        pattern,
        body: int(n),
    };
    let m = |x, arms| ex(ExprKind::Match(b(x), arms), Type::Int);
    let cases = || {
        vec![
            arm(Pattern::Case(0), 10),
            arm(Pattern::Case(1), 11),
            arm(Pattern::Wildcard, 12),
        ]
    };
    assert_eq!(eval(&p, &m(case(0, 1), cases())), Ok(Value::Int(11)));
    assert_eq!(eval(&p, &m(case(0, 2), cases())), Ok(Value::Int(12)));
    let bools = vec![arm(Pattern::Bool(true), 1), arm(Pattern::Bool(false), 0)];
    assert_eq!(eval(&p, &m(boolean(false), bools)), Ok(Value::Int(0)));
    let opts = vec![arm(Pattern::None, 0), arm(Pattern::Wildcard, 1)];
    assert_eq!(
        eval(&p, &m(none(Type::Int), opts.clone())),
        Ok(Value::Int(0))
    );
    assert_eq!(eval(&p, &m(int(3), opts)), Ok(Value::Int(1)));
    // Only the taken arm is evaluated.
    let lazy = vec![
        arm(Pattern::Bool(true), 1),
        Arm {
            pattern: Pattern::Bool(false),
            body: bin(BinOp::IntDiv, int(1), int(0)),
        },
    ];
    assert_eq!(eval(&p, &m(boolean(true), lazy)), Ok(Value::Int(1)));
}

#[test]
fn let_binds_a_slot() {
    let p = program("");
    let e = ex(
        ExprKind::Let(
            LocalId(1),
            b(int(20)),
            b(bin(BinOp::Add(Num::Int), local(1, Type::Int), int(1))),
        ),
        Type::Int,
    );
    assert_eq!(eval(&p, &e), Ok(Value::Int(21)));
}
