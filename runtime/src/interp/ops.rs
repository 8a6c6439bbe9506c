//! Arithmetic on values: every operation is exact and checked.
//!
//! These functions know nothing of spans; they report *what* went wrong as an
//! [`OpFault`], and the evaluator turns it into a located [`EvalError`]
//! (`integer overflow in `a * b``).
//!
//! [`EvalError`]: crate::verdict::EvalError

use crate::value::Value;
use polity_compiler::ir::{BinOp, Builtin, Calendar, Num};
use polity_compiler::num::{add_months, add_months_instant, DAY};
use polity_compiler::num::{Dec, RoundMode, MAX_PLACES};
use std::cmp::Ordering;

/// The first representable date, 0000-01-01, as a day number.
pub const MIN_DATE: i64 = -719_528;
/// The last representable date, 9999-12-31, as a day number.
pub const MAX_DATE: i64 = 2_932_896;

/// Why an operation has no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpFault {
    /// A value of this kind left its range (`integer`, `decimal`, `duration`, `date`).
    Overflow(&'static str),
    /// The divisor was zero.
    DivisionByZero,
    /// The square root of a negative number.
    NegativeRoot,
    /// Rounding to more places than [`MAX_PLACES`] either way.
    Places,
    /// A Date moved by a Duration that is not whole days.
    PartialDay,
    /// The operands do not have the types the operator was specialised to: a
    /// bug in the compiler, never a property of the charter.
    Ill,
}

/// The word naming a numeric kind in overflow messages.
pub fn kind_word(num: Num) -> &'static str {
    match num {
        Num::Int => "integer",
        Num::Dec => "decimal",
        Num::Duration => "duration",
        Num::Period => "period",
    }
}

/// `a op b` for an already evaluated pair of operands.
pub fn binary(op: BinOp, a: &Value, b: &Value) -> Result<Value, OpFault> {
    use Value::{Date, Duration, Int, Text};
    match (op, a, b) {
        (BinOp::Add(n), _, _) => add(n, a, b),
        (BinOp::Sub(n), _, _) => sub(n, a, b),
        (BinOp::Mul(n), _, _) => mul(n, a, b),
        (BinOp::MulDurInt, Duration(d), Int(k)) => d
            .checked_mul(*k)
            .map(Duration)
            .ok_or(OpFault::Overflow("duration")),
        (BinOp::Div, Value::Dec(x), Value::Dec(y)) => div_dec(x.get(), y.get()),
        (BinOp::DivDur, Duration(x), Duration(y)) => {
            // INVARIANT: `ratio` of two i64s only fails on a zero denominator.
            Dec::ratio(i128::from(*x), i128::from(*y))
                .map(Value::dec)
                .ok_or(OpFault::DivisionByZero)
        }
        (BinOp::IntDiv, Int(x), Int(y)) => floor_div(*x, *y).map(Int),
        (BinOp::IntMod, Int(x), Int(y)) => floor_mod(*x, *y).map(Int),
        (BinOp::DecDiv, Value::Dec(x), Value::Dec(y)) => {
            dec_floor(x.get(), y.get(), Dec::checked_floor_div)
        }
        (BinOp::DecMod, Value::Dec(x), Value::Dec(y)) => {
            dec_floor(x.get(), y.get(), Dec::checked_floor_mod)
        }
        (BinOp::MulPeriodInt, Value::Period(p), Int(k)) => p
            .checked_mul(*k)
            .map(Value::Period)
            .ok_or(OpFault::Overflow("period")),
        (BinOp::DateAddPeriod, Date(d), Value::Period(m)) => date(add_months(*d, *m)),
        (BinOp::DateSubPeriod, Date(d), Value::Period(m)) => {
            date(m.checked_neg().and_then(|m| add_months(*d, m)))
        }
        (BinOp::DateAddDur, Date(d), Duration(k)) => date(d.checked_add(whole_days(*k)?)),
        (BinOp::DateSubDur, Date(d), Duration(k)) => date(d.checked_sub(whole_days(*k)?)),
        (BinOp::DateSubDate, Date(x), Date(y)) => x
            .checked_sub(*y)
            .and_then(|days| days.checked_mul(DAY))
            .map(Duration)
            .ok_or(OpFault::Overflow("duration")),
        (BinOp::InstantAddDur, Value::Instant(t), Duration(k)) => instant(t.checked_add(*k)),
        (BinOp::InstantSubDur, Value::Instant(t), Duration(k)) => instant(t.checked_sub(*k)),
        (BinOp::InstantSubInstant, Value::Instant(x), Value::Instant(y)) => x
            .checked_sub(*y)
            .map(Duration)
            .ok_or(OpFault::Overflow("duration")),
        (BinOp::InstantAddPeriod, Value::Instant(t), Value::Period(m)) => {
            instant(add_months_instant(*t, *m))
        }
        (BinOp::InstantSubPeriod, Value::Instant(t), Value::Period(m)) => {
            instant(m.checked_neg().and_then(|m| add_months_instant(*t, m)))
        }
        (BinOp::Concat, Text(x), Text(y)) => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Ok(Value::text(&s))
        }
        (BinOp::ListConcat, Value::List(x), Value::List(y)) => {
            Ok(Value::List(x.iter().chain(y.iter()).cloned().collect()))
        }
        (BinOp::Eq, _, _) => Ok(Value::Bool(a.cmp(b) == Ordering::Equal)),
        (BinOp::Ne, _, _) => Ok(Value::Bool(a.cmp(b) != Ordering::Equal)),
        (BinOp::Lt, _, _) => Ok(Value::Bool(a < b)),
        (BinOp::Le, _, _) => Ok(Value::Bool(a <= b)),
        (BinOp::Gt, _, _) => Ok(Value::Bool(a > b)),
        (BinOp::Ge, _, _) => Ok(Value::Bool(a >= b)),
        _ => Err(OpFault::Ill),
    }
}

/// `a + b` of a numeric kind (also the step of `sum`).
pub fn add(num: Num, a: &Value, b: &Value) -> Result<Value, OpFault> {
    let over = OpFault::Overflow(kind_word(num));
    match (num, a, b) {
        (Num::Int, Value::Int(x), Value::Int(y)) => x.checked_add(*y).map(Value::Int).ok_or(over),
        (Num::Dec, Value::Dec(x), Value::Dec(y)) => {
            x.get().checked_add(y.get()).map(Value::dec).ok_or(over)
        }
        (Num::Duration, Value::Duration(x), Value::Duration(y)) => {
            x.checked_add(*y).map(Value::Duration).ok_or(over)
        }
        (Num::Period, Value::Period(x), Value::Period(y)) => {
            x.checked_add(*y).map(Value::Period).ok_or(over)
        }
        _ => Err(OpFault::Ill),
    }
}

fn sub(num: Num, a: &Value, b: &Value) -> Result<Value, OpFault> {
    let over = OpFault::Overflow(kind_word(num));
    match (num, a, b) {
        (Num::Int, Value::Int(x), Value::Int(y)) => x.checked_sub(*y).map(Value::Int).ok_or(over),
        (Num::Dec, Value::Dec(x), Value::Dec(y)) => {
            x.get().checked_sub(y.get()).map(Value::dec).ok_or(over)
        }
        (Num::Duration, Value::Duration(x), Value::Duration(y)) => {
            x.checked_sub(*y).map(Value::Duration).ok_or(over)
        }
        (Num::Period, Value::Period(x), Value::Period(y)) => {
            x.checked_sub(*y).map(Value::Period).ok_or(over)
        }
        _ => Err(OpFault::Ill),
    }
}

fn mul(num: Num, a: &Value, b: &Value) -> Result<Value, OpFault> {
    let over = OpFault::Overflow(kind_word(num));
    match (num, a, b) {
        (Num::Int, Value::Int(x), Value::Int(y)) => x.checked_mul(*y).map(Value::Int).ok_or(over),
        (Num::Dec, Value::Dec(x), Value::Dec(y)) => {
            x.get().checked_mul(y.get()).map(Value::dec).ok_or(over)
        }
        (Num::Duration, Value::Duration(x), Value::Duration(y)) => {
            x.checked_mul(*y).map(Value::Duration).ok_or(over)
        }
        _ => Err(OpFault::Ill),
    }
}

fn div_dec(x: Dec, y: Dec) -> Result<Value, OpFault> {
    if y == Dec::ZERO {
        return Err(OpFault::DivisionByZero);
    }
    x.checked_div(y)
        .map(Value::dec)
        .ok_or(OpFault::Overflow("decimal"))
}

/// `x div y` or `x mod y` on decimals.
fn dec_floor(x: Dec, y: Dec, f: fn(Dec, Dec) -> Option<Dec>) -> Result<Value, OpFault> {
    if y == Dec::ZERO {
        return Err(OpFault::DivisionByZero);
    }
    f(x, y).map(Value::dec).ok_or(OpFault::Overflow("decimal"))
}

/// `isqrt(x)`: `floor(sqrt(x))` of an Int or a Decimal.
pub fn isqrt(x: &Value) -> Result<Value, OpFault> {
    match x {
        Value::Int(n) if *n < 0 => Err(OpFault::NegativeRoot),
        Value::Int(n) => {
            let r = Dec::from_int(*n).isqrt().and_then(Dec::to_i64);
            // INVARIANT: the root of a non-negative i64 is an i64.
            r.map(Value::Int).ok_or(OpFault::Ill)
        }
        Value::Dec(d) => d.get().isqrt().map(Value::dec).ok_or(OpFault::NegativeRoot),
        _ => Err(OpFault::Ill),
    }
}

/// `sqrt(d)`: rounded down to 18 fractional digits.
pub fn sqrt(x: &Value) -> Result<Value, OpFault> {
    match x {
        Value::Dec(d) => d
            .get()
            .sqrt18()
            .map(Value::dec)
            .ok_or(OpFault::NegativeRoot),
        _ => Err(OpFault::Ill),
    }
}

/// `mul_div(a, b, c)`: `floor(a · b / c)` with wide intermediates.
pub fn mul_div(a: &Value, b: &Value, c: &Value) -> Result<Value, OpFault> {
    match (a, b, c) {
        (Value::Dec(_), Value::Dec(_), Value::Dec(c)) if c.get() == Dec::ZERO => {
            Err(OpFault::DivisionByZero)
        }
        (Value::Dec(a), Value::Dec(b), Value::Dec(c)) => a
            .get()
            .checked_mul_div_floor(b.get(), c.get())
            .map(Value::dec)
            .ok_or(OpFault::Overflow("decimal")),
        _ => Err(OpFault::Ill),
    }
}

/// `pow(d, n)`: exact, or an overflow; `pow(0, n < 0)` divides by zero.
pub fn pow(d: &Value, n: &Value) -> Result<Value, OpFault> {
    match (d, n) {
        (Value::Dec(d), Value::Int(n)) if d.get() == Dec::ZERO && *n < 0 => {
            Err(OpFault::DivisionByZero)
        }
        (Value::Dec(d), Value::Int(n)) => d
            .get()
            .checked_pow(*n)
            .map(Value::dec)
            .ok_or(OpFault::Overflow("decimal")),
        _ => Err(OpFault::Ill),
    }
}

/// `round(d, places, mode)` and its spellings: exact, a `Places` fault
/// beyond [`MAX_PLACES`], an overflow when the result does not fit.
pub fn round_to(d: &Value, places: &Value, mode: RoundMode) -> Result<Value, OpFault> {
    match (d, places) {
        (Value::Dec(_), Value::Int(p)) if p.unsigned_abs() > MAX_PLACES.unsigned_abs() => {
            Err(OpFault::Places)
        }
        (Value::Dec(d), Value::Int(p)) => d
            .get()
            .checked_round_to(*p, mode)
            .map(Value::dec)
            .ok_or(OpFault::Overflow("decimal")),
        _ => Err(OpFault::Ill),
    }
}

/// `contains(t, part)`, `starts_with(t, part)` or `ends_with(t, part)`.
pub fn text_test(b: Builtin, t: &str, part: &str) -> bool {
    match b {
        Builtin::StartsWith => t.starts_with(part),
        Builtin::EndsWith => t.ends_with(part),
        _ => t.contains(part),
    }
}

/// `lower(t)` or `upper(t)`: Unicode's full case mappings (`"Straße"` upper
/// is `"STRASSE"`), fixed by the Unicode version of the Rust toolchain.
pub fn text_case(b: Builtin, t: &str) -> String {
    match b {
        Builtin::Upper => t.to_uppercase(),
        _ => t.to_lowercase(),
    }
}

/// `x div y`, rounding toward negative infinity: `-7 div 2 == -4`.
pub fn floor_div(x: i64, y: i64) -> Result<i64, OpFault> {
    if y == 0 {
        return Err(OpFault::DivisionByZero);
    }
    // Only `i64::MIN div -1` overflows.
    let q = x.checked_div(y).ok_or(OpFault::Overflow("integer"))?;
    let r = x.wrapping_rem(y);
    // Truncation rounded toward zero; step down when the exact quotient is negative.
    Ok(if r != 0 && ((r < 0) != (y < 0)) {
        q - 1
    } else {
        q
    })
}

/// `x mod y`, the remainder of flooring division (sign of `y`): `7 mod -2 == -1`.
pub fn floor_mod(x: i64, y: i64) -> Result<i64, OpFault> {
    if y == 0 {
        return Err(OpFault::DivisionByZero);
    }
    // `wrapping_rem` gives the exact 0 for `i64::MIN mod -1`.
    let r = x.wrapping_rem(y);
    // INVARIANT: `|r| < |y|` with opposite signs, so `r + y` cannot overflow.
    Ok(if r != 0 && ((r < 0) != (y < 0)) {
        r + y
    } else {
        r
    })
}

/// The whole days of a Duration moving a Date (a Date has no time of day).
fn whole_days(seconds: i64) -> Result<i64, OpFault> {
    if seconds % DAY == 0 {
        Ok(seconds / DAY)
    } else {
        Err(OpFault::PartialDay)
    }
}

fn instant(t: Option<i64>) -> Result<Value, OpFault> {
    match t {
        Some(t) if (MIN_DATE * DAY..(MAX_DATE + 1) * DAY).contains(&t) => Ok(Value::Instant(t)),
        _ => Err(OpFault::Overflow("date")),
    }
}

fn date(d: Option<i64>) -> Result<Value, OpFault> {
    match d {
        Some(d) if (MIN_DATE..=MAX_DATE).contains(&d) => Ok(Value::Date(d)),
        _ => Err(OpFault::Overflow("date")),
    }
}

/// `-x` of a numeric kind.
pub fn neg(num: Num, x: &Value) -> Result<Value, OpFault> {
    let over = OpFault::Overflow(kind_word(num));
    match (num, x) {
        (Num::Int, Value::Int(x)) => x.checked_neg().map(Value::Int).ok_or(over),
        (Num::Dec, Value::Dec(x)) => x.get().checked_neg().map(Value::dec).ok_or(over),
        (Num::Duration, Value::Duration(x)) => x.checked_neg().map(Value::Duration).ok_or(over),
        (Num::Period, Value::Period(x)) => x.checked_neg().map(Value::Period).ok_or(over),
        _ => Err(OpFault::Ill),
    }
}

/// `abs(x)` of a numeric kind.
pub fn abs(num: Num, x: &Value) -> Result<Value, OpFault> {
    let over = OpFault::Overflow(kind_word(num));
    match (num, x) {
        (Num::Int, Value::Int(x)) => x.checked_abs().map(Value::Int).ok_or(over),
        (Num::Dec, Value::Dec(x)) => x.get().checked_abs().map(Value::dec).ok_or(over),
        (Num::Duration, Value::Duration(x)) => x.checked_abs().map(Value::Duration).ok_or(over),
        (Num::Period, Value::Period(x)) => x.checked_abs().map(Value::Period).ok_or(over),
        _ => Err(OpFault::Ill),
    }
}

/// The zero of a numeric kind: the `sum` of nothing.
pub fn zero(num: Num) -> Value {
    match num {
        Num::Int => Value::Int(0),
        Num::Dec => Value::dec(Dec::ZERO),
        Num::Duration => Value::Duration(0),
        Num::Period => Value::Period(0),
    }
}

/// An `i128` from `floor`/`ceil`/`round` as an Int.
pub fn to_int(n: i128) -> Result<Value, OpFault> {
    i64::try_from(n)
        .map(Value::Int)
        .map_err(|_| OpFault::Overflow("integer"))
}

/// A calendar builtin of a Date: `year`, `month`, `day`, `weekday` (Ints) or
/// the first day of its month, quarter or year.
pub fn calendar(c: Calendar, x: &Value) -> Result<Value, OpFault> {
    let r = match x {
        Value::Date(d) => c.apply(*d),
        Value::Instant(t) => c.apply_instant(*t),
        _ => return Err(OpFault::Ill),
    };
    Ok(if c.gives_date() {
        Value::Date(r)
    } else {
        Value::Int(r)
    })
}

/// `instant(d)`: midnight of a Date; `date(t)`: an Instant's Date.
pub fn convert_time(to_instant: bool, x: &Value) -> Result<Value, OpFault> {
    match (to_instant, x) {
        (true, Value::Date(d)) => instant(d.checked_mul(DAY)),
        (false, Value::Instant(t)) => Ok(Value::Date(t.div_euclid(DAY))),
        _ => Err(OpFault::Ill),
    }
}
