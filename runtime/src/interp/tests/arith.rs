//! Exact, checked arithmetic: overflow, division by zero, flooring, exactness,
//! short-circuiting.

use super::*;
use crate::interp::{MAX_DATE, MIN_DATE};
use crate::verdict::ErrorKind;
use polity_compiler::num::days_from_civil;
use proptest::prelude::*;

/// Checks that `e`, written as the whole of `src`, faults with `kind` at the
/// whole span and the given message.
fn check_fault(src: &str, e: Expr, kind: ErrorKind, message: &str) {
    let p = program(src);
    let err = fault(&p, &e.at(sp(src, src)));
    assert_eq!(err.kind, kind, "{src}");
    assert_eq!(err.span, sp(src, src), "{src}");
    assert_eq!(err.message, message, "{src}");
}

#[test]
fn int_overflow_on_each_operator() {
    let max = || int(i64::MAX);
    let min = || int(i64::MIN);
    let cases = [
        ("a + b", bin(BinOp::Add(Num::Int), max(), int(1))),
        ("a - b", bin(BinOp::Sub(Num::Int), min(), int(1))),
        ("a * b", bin(BinOp::Mul(Num::Int), max(), int(2))),
        ("-a", neg(Num::Int, min())),
        (
            "abs(a)",
            builtin(Builtin::Abs(Num::Int), vec![min()], Type::Int),
        ),
        ("a div b", bin(BinOp::IntDiv, min(), int(-1))),
    ];
    for (src, e) in cases {
        check_fault(
            src,
            e,
            ErrorKind::Overflow,
            &format!("integer overflow in `{src}`"),
        );
    }
}

#[test]
fn overflow_message_falls_back_to_the_operator() {
    let p = program("");
    let err = fault(&p, &bin(BinOp::Mul(Num::Int), int(i64::MAX), int(2)));
    assert_eq!(err.message, "integer overflow in `*`");
}

#[test]
fn overflow_is_located_at_the_innermost_operator() {
    let src = "1 + a * b";
    let inner = bin(BinOp::Mul(Num::Int), int(i64::MAX), int(2)).at(sp(src, "a * b"));
    let e = bin(BinOp::Add(Num::Int), int(1), inner).at(sp(src, src));
    let err = fault(&program(src), &e);
    assert_eq!(err.span, sp(src, "a * b"));
    assert_eq!(err.message, "integer overflow in `a * b`");
}

#[test]
fn decimal_and_duration_overflow() {
    let huge = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    check_fault(
        "x * y",
        bin(BinOp::Mul(Num::Dec), dec(huge), dec(huge)),
        ErrorKind::Overflow,
        "decimal overflow in `x * y`",
    );
    check_fault(
        "x + y",
        bin(BinOp::Add(Num::Dec), dec(huge), dec(huge)),
        ErrorKind::Overflow,
        "decimal overflow in `x + y`",
    );
    check_fault(
        "d * n",
        bin(BinOp::MulDurInt, days(i64::MAX), int(2)),
        ErrorKind::Overflow,
        "duration overflow in `d * n`",
    );
    check_fault(
        "-d",
        neg(Num::Duration, days(i64::MIN)),
        ErrorKind::Overflow,
        "duration overflow in `-d`",
    );
}

#[test]
fn floor_ceil_round_outside_int_overflow() {
    let src = "floor(x)";
    let e = builtin(
        Builtin::Floor,
        vec![dec("1000000000000000000000000000000")],
        Type::Int,
    );
    check_fault(
        src,
        e,
        ErrorKind::Overflow,
        "integer overflow in `floor(x)`",
    );
    let p = program("");
    let r = |f, s| eval(&p, &builtin(f, vec![dec(s)], Type::Int)).unwrap();
    assert_eq!(r(Builtin::Floor, "-2.5"), Value::Int(-3));
    assert_eq!(r(Builtin::Ceil, "-2.5"), Value::Int(-2));
    assert_eq!(r(Builtin::Round, "-2.5"), Value::Int(-3));
    assert_eq!(r(Builtin::Round, "2.4"), Value::Int(2));
}

#[test]
fn dates_stay_within_years_0_to_9999() {
    assert_eq!(days_from_civil(0, 1, 1), Some(MIN_DATE));
    assert_eq!(days_from_civil(9999, 12, 31), Some(MAX_DATE));
    check_fault(
        "d + 1 days",
        bin(BinOp::DateAddDur, date("9999-12-31"), days(1)),
        ErrorKind::Overflow,
        "date out of range in `d + 1 days`",
    );
    check_fault(
        "d - 1 days",
        bin(BinOp::DateSubDur, date("0000-01-01"), days(1)),
        ErrorKind::Overflow,
        "date out of range in `d - 1 days`",
    );
    check_fault(
        "d + n",
        bin(
            BinOp::DateAddDur,
            date("2026-01-01"),
            days(i64::MAX / 86_400),
        ),
        ErrorKind::Overflow,
        "date out of range in `d + n`",
    );
    let p = program("");
    let e = bin(BinOp::DateSubDate, date("2026-03-01"), date("2026-02-01"));
    assert_eq!(eval(&p, &e), Ok(Value::Duration(28 * 86_400)));
    let e = bin(BinOp::DateAddDur, date("2024-02-28"), days(1));
    assert_eq!(eval(&p, &e), Ok(Value::Date(day("2024-02-29"))));
}

#[test]
fn division_by_zero() {
    let cases = [
        ("a / b", bin(BinOp::Div, dec("1"), dec("0"))),
        ("a div b", bin(BinOp::IntDiv, int(1), int(0))),
        ("a mod b", bin(BinOp::IntMod, int(1), int(0))),
        ("d / e", bin(BinOp::DivDur, days(3), days(0))),
    ];
    for (src, e) in cases {
        check_fault(
            src,
            e,
            ErrorKind::DivisionByZero,
            &format!("division by zero in `{src}`"),
        );
    }
}

#[test]
fn div_and_mod_floor() {
    let p = program("");
    let cases = [
        (7, 2, 3, 1),
        (-7, 2, -4, 1),
        (7, -2, -4, -1),
        (-7, -2, 3, -1),
        (6, -3, -2, 0),
        (i64::MIN, 1, i64::MIN, 0),
        (i64::MIN, 2, i64::MIN / 2, 0),
        (i64::MAX, -1, -i64::MAX, 0),
    ];
    for (a, b, q, r) in cases {
        assert_eq!(
            eval(&p, &bin(BinOp::IntDiv, int(a), int(b))),
            Ok(Value::Int(q)),
            "{a} div {b}"
        );
        assert_eq!(
            eval(&p, &bin(BinOp::IntMod, int(a), int(b))),
            Ok(Value::Int(r)),
            "{a} mod {b}"
        );
    }
    // The remainder exists even where the quotient overflows.
    assert_eq!(
        eval(&p, &bin(BinOp::IntMod, int(i64::MIN), int(-1))),
        Ok(Value::Int(0))
    );
}

proptest! {
    #[test]
    fn div_mod_agree_with_wide_flooring(a in any::<i64>(), b in any::<i64>()) {
        prop_assume!(b != 0 && !(a == i64::MIN && b == -1));
        let q = crate::interp::ops::floor_div(a, b).unwrap();
        let r = crate::interp::ops::floor_mod(a, b).unwrap();
        let (a, b, q, r) = (i128::from(a), i128::from(b), i128::from(q), i128::from(r));
        prop_assert_eq!(q * b + r, a);
        let in_range = if b > 0 { (0..b).contains(&r) } else { (b + 1..=0).contains(&r) };
        prop_assert!(in_range);
    }
}

#[test]
fn two_thirds_is_exact() {
    let p = program("");
    let third = |n: i64, d: i64| bin(BinOp::Div, to_dec(int(n)), to_dec(int(d)));
    // yes / cast >= 2/3 with 2 of 3
    assert_eq!(
        eval(&p, &bin(BinOp::Ge, third(2, 3), third(2, 3))),
        Ok(Value::Bool(true))
    );
    // yes >= 2/3 * cast
    let rhs = bin(BinOp::Mul(Num::Dec), third(2, 3), to_dec(int(3)));
    assert_eq!(
        eval(&p, &bin(BinOp::Ge, to_dec(int(2)), rhs)),
        Ok(Value::Bool(true))
    );
    let close = third(666_666_666_666, 1_000_000_000_000);
    assert_eq!(
        eval(&p, &bin(BinOp::Ge, close, third(2, 3))),
        Ok(Value::Bool(false))
    );
    // 0.1 + 0.2 == 0.3
    let sum = bin(BinOp::Add(Num::Dec), dec("0.1"), dec("0.2"));
    assert_eq!(
        eval(&p, &bin(BinOp::Eq, sum, dec("0.3"))),
        Ok(Value::Bool(true))
    );
    let ratio = bin(BinOp::DivDur, days(2), days(3));
    assert_eq!(
        eval(&p, &bin(BinOp::Eq, ratio, third(2, 3))),
        Ok(Value::Bool(true))
    );
}

#[test]
fn token_amounts_are_exact() {
    let p = program("");
    // 10^12 tokens of 18 decimals, and 10^30 base units.
    let e = bin(
        BinOp::Add(Num::Dec),
        dec("1000000000000"),
        dec("0.000000000000000001"),
    );
    let v = eval(&p, &e).unwrap();
    assert_eq!(
        crate::value::render(&p, &Type::Decimal, &v),
        "1000000000000.000000000000000001"
    );
    let wei = || dec("1000000000000000000000000000000");
    let v = eval(&p, &bin(BinOp::Add(Num::Dec), wei(), wei())).unwrap();
    assert_eq!(
        crate::value::render(&p, &Type::Decimal, &v),
        "2000000000000000000000000000000"
    );
}

#[test]
fn and_or_if_coalesce_short_circuit() {
    let p = program("");
    let x = || int(0);
    let boom = || bin(BinOp::Gt, bin(BinOp::IntDiv, int(1), x()), int(1));
    // x != 0 and y div x > 1, with x = 0
    let e = and(bin(BinOp::Ne, x(), int(0)), boom());
    assert_eq!(eval(&p, &e), Ok(Value::Bool(false)));
    let e = or(bin(BinOp::Eq, x(), int(0)), boom());
    assert_eq!(eval(&p, &e), Ok(Value::Bool(true)));
    let e = ex(
        ExprKind::If(
            b(boolean(true)),
            b(int(1)),
            b(bin(BinOp::IntDiv, int(1), x())),
        ),
        Type::Int,
    );
    assert_eq!(eval(&p, &e), Ok(Value::Int(1)));
    let e = ex(
        ExprKind::Coalesce(b(int(5)), b(bin(BinOp::IntDiv, int(1), x()))),
        Type::Int,
    );
    assert_eq!(eval(&p, &e), Ok(Value::Int(5)));
    let e = ex(ExprKind::Coalesce(b(none(Type::Int)), b(int(7))), Type::Int);
    assert_eq!(eval(&p, &e), Ok(Value::Int(7)));
    // ...but the other side faults when it is evaluated.
    let e = and(bin(BinOp::Eq, x(), int(0)), boom());
    assert_eq!(fault(&p, &e).kind, ErrorKind::DivisionByZero);
}

#[test]
fn text_concat_and_comparisons() {
    let p = program("");
    let e = bin(BinOp::Concat, text("ab"), text("c"));
    assert_eq!(eval(&p, &e), Ok(Value::text("abc")));
    assert_eq!(
        eval(&p, &bin(BinOp::Lt, text("B"), text("a"))),
        Ok(Value::Bool(true))
    );
    assert_eq!(
        eval(&p, &bin(BinOp::Le, days(3), days(3))),
        Ok(Value::Bool(true))
    );
    assert_eq!(
        eval(&p, &bin(BinOp::Ne, dec("1.50"), dec("1.5"))),
        Ok(Value::Bool(false))
    );
    let src = "t + t";
    let limits = Limits {
        max_collection_len: 3,
        ..Limits::default()
    };
    let e = bin(BinOp::Concat, text("ab"), text("cd")).at(sp(src, src));
    let err = eval_limited(&program(src), &limits, &e).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit);
    assert_eq!(err.span, sp(src, src));
}

#[test]
fn ill_typed_ir_is_an_internal_error_not_a_missing_value() {
    // `Add(Int)` over a text: well-typed IR never holds it, so it is a bug
    // in Polity, reported with its own kind.
    check_fault(
        "a + b",
        bin(BinOp::Add(Num::Int), text("a"), int(1)),
        ErrorKind::Internal,
        "internal error: operands of the wrong type (a bug in the compiler, not in the charter)",
    );
    assert_eq!(ErrorKind::Internal.as_str(), "internal");
}
