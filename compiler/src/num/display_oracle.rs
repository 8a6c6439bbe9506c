//! Tests of `Dec`'s decimal text against an independent oracle: schoolbook
//! long division over vectors of decimal digits, which shares no arithmetic
//! with the 256-bit code it checks.

use super::Dec;
use proptest::prelude::*;

/// A natural number as decimal digits, least significant first, no leading
/// (trailing in the vector) zeros; zero is the empty vector.
type Digits = Vec<u8>;

fn digits_of(mut n: u128) -> Digits {
    let mut out = Vec::new();
    while n > 0 {
        out.push((n % 10) as u8);
        n /= 10;
    }
    out
}

fn trim(mut a: Digits) -> Digits {
    while a.last() == Some(&0) {
        a.pop();
    }
    a
}

fn less(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return a.len() < b.len();
    }
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a - b` for `a >= b`.
fn sub(a: &[u8], b: &[u8]) -> Digits {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i8;
    for (i, &x) in a.iter().enumerate() {
        let mut d = x as i8 - borrow - b.get(i).map_or(0, |&y| y as i8);
        borrow = i8::from(d < 0);
        if d < 0 {
            d += 10;
        }
        out.push(d as u8);
    }
    trim(out)
}

/// `10·r + d`.
fn shift_in(r: &[u8], d: u8) -> Digits {
    let mut out = vec![d];
    out.extend_from_slice(r);
    trim(out)
}

/// One step of long division: the digit `q` with `q·den <= r < (q+1)·den`
/// (at most 9, as `r < 10·den`), and `r - q·den`.
fn divide_step(mut r: Digits, den: &[u8]) -> (u8, Digits) {
    let mut q = 0;
    while !less(&r, den) {
        r = sub(&r, den);
        q += 1;
    }
    (q, r)
}

fn text(a: &[u8]) -> String {
    if a.is_empty() {
        return "0".into();
    }
    a.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

/// `num / den` (`den > 0`, not necessarily in lowest terms) truncated toward
/// zero after `places` fractional digits, with trailing fractional zeros
/// (and then the point) dropped when `canonical`.
fn oracle(num: i128, den: i128, places: u32, canonical: bool) -> String {
    let n = digits_of(num.unsigned_abs());
    let d = digits_of(den.unsigned_abs());
    let (mut int, mut r) = (Vec::new(), Vec::new());
    for &digit in n.iter().rev() {
        let (q, rest) = divide_step(shift_in(&r, digit), &d);
        int.insert(0, q);
        r = rest;
    }
    let mut frac = String::new();
    for _ in 0..places {
        let (q, rest) = divide_step(shift_in(&r, 0), &d);
        frac.push(char::from(b'0' + q));
        r = rest;
    }
    if canonical {
        frac.truncate(frac.trim_end_matches('0').len());
    }
    let sign = if num < 0 { "-" } else { "" };
    let point = if frac.is_empty() { "" } else { "." };
    format!("{sign}{}{point}{frac}", text(&trim(int)))
}

/// `2^a · 5^b` when it fits in `i128`.
fn power_of_ten_factors(a: u32, b: u32) -> Option<i128> {
    2i128.checked_pow(a)?.checked_mul(5i128.checked_pow(b)?)
}

fn numerator() -> impl Strategy<Value = i128> {
    prop_oneof![
        any::<i128>(),
        Just(i128::MIN),
        Just(i128::MAX),
        Just(1),
        Just(-1),
        -1_000_000i128..1_000_000,
        (0u32..=38).prop_map(|k| 10i128.pow(k)),
        (0u32..=126).prop_map(|k| -(1i128 << k)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// A terminating value prints every digit of its expansion: numerators
    /// over `2^a · 5^b` (powers of two down to `2^-126`, of five to `5^-54`).
    #[test]
    fn terminating_values_print_exactly(num in numerator(), a in 0u32..127, b in 0u32..55) {
        let Some(den) = power_of_ten_factors(a, b) else { return Ok(()); };
        let Some(value) = Dec::ratio(num, den) else { return Ok(()); };
        prop_assert_eq!(value.to_string(), oracle(num, den, a.max(b), true));
    }

    /// Every value, terminating or not, truncates exactly at any place.
    #[test]
    fn truncation_is_exact(num in numerator(), den in prop_oneof![1..i128::MAX, 1i128..1000], places in 0u32..90) {
        let Some(value) = Dec::ratio(num, den) else { return Ok(()); };
        prop_assert_eq!(value.truncated(places).to_string(), oracle(num, den, places, false));
    }
}

#[test]
fn the_powers_of_two_that_printed_wrongly() {
    let tiny = Dec::ratio(1, 1 << 80).unwrap_or(Dec::ZERO);
    assert_eq!(
        tiny.to_string(),
        "0.00000000000000000000000082718061255302767487140869206996285356581211090087890625"
    );
    for k in 0..=126 {
        let Some(value) = Dec::ratio(1, 1 << k) else {
            panic!("2^-{k} is representable");
        };
        assert_eq!(value.to_string(), oracle(1, 1 << k, k, true), "2^-{k}");
    }
}

#[test]
fn the_oracle_divides() {
    assert_eq!(oracle(-7, 2, 3, false), "-3.500");
    assert_eq!(oracle(-7, 2, 3, true), "-3.5");
    assert_eq!(oracle(2, 3, 6, false), "0.666666");
    assert_eq!(oracle(0, 5, 0, true), "0");
    assert_eq!(
        oracle(i128::MIN, 1, 0, true),
        "-170141183460469231731687303715884105728"
    );
}
