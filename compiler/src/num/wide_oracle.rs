//! Property tests of [`Dec`]'s arithmetic against an outside oracle:
//! `num-rational`'s arbitrary-precision rationals, which share no code with
//! the fixed-width arithmetic they check. On random operands from 1 to 256
//! bits (either sign, numerators and denominators), every operation gives
//! the oracle's exact result when that fits a `Dec` (numerator and
//! denominator below 2^256), and `None` exactly when it does not.

use super::{Dec, RoundMode};
use num_bigint::{BigInt, BigUint, Sign};
use num_rational::BigRational;
use proptest::prelude::*;
use ruint::aliases::U256;
use std::str::FromStr;

/// The oracle's value of a `Dec`, read from its parts' decimal text.
fn of(x: Dec) -> BigRational {
    let p = x.parts();
    let num = BigUint::from_str(&p.num.to_string()).unwrap_or_default();
    let den = BigUint::from_str(&p.den.to_string()).unwrap_or_default();
    let sign = if p.neg { Sign::Minus } else { Sign::Plus };
    BigRational::new(BigInt::from_biguint(sign, num), BigInt::from(den))
}

/// The oracle's result as a `Dec` result: `None` when it does not fit.
fn fitting(r: BigRational) -> Option<BigRational> {
    (r.numer().bits() <= 256 && r.denom().bits() <= 256).then_some(r)
}

/// A magnitude of `bits` bits at most, from random limbs; sometimes a power
/// of ten (token scales) or the largest.
fn magnitude() -> impl Strategy<Value = U256> {
    prop_oneof![
        (0usize..=256, any::<[u64; 4]>()).prop_map(|(bits, limbs)| {
            let x = U256::from_limbs(limbs);
            if bits >= 256 {
                x
            } else {
                x & ((U256::ONE << bits) - U256::ONE)
            }
        }),
        (0u64..=77).prop_map(|k| U256::from(10u8).pow(U256::from(k))),
        Just(U256::MAX),
        (1u64..1000).prop_map(U256::from),
    ]
}

fn dec() -> impl Strategy<Value = Dec> {
    (any::<bool>(), magnitude(), magnitude(), any::<bool>()).prop_map(|(neg, num, den, int)| {
        let den = if int || den.is_zero() { U256::ONE } else { den };
        Dec::reduce(neg, num, den).unwrap_or(Dec::ZERO)
    })
}

fn floor(r: &BigRational) -> BigRational {
    r.floor()
}

/// `r` rounded to an integer in `mode`.
fn round(r: &BigRational, mode: RoundMode) -> BigRational {
    let f = r.floor();
    let frac = r - &f;
    let half = BigRational::new(1.into(), 2.into());
    let one = BigRational::from_integer(1.into());
    let up = f.clone() + &one;
    match mode {
        RoundMode::Floor => f,
        RoundMode::Ceil => r.ceil(),
        RoundMode::TowardZero => r.trunc(),
        RoundMode::HalfAwayFromZero => r.round(),
        RoundMode::HalfEven => match frac.cmp(&half) {
            std::cmp::Ordering::Less => f,
            std::cmp::Ordering::Greater => up,
            std::cmp::Ordering::Equal if f.to_integer() % 2 == BigInt::from(0) => f,
            std::cmp::Ordering::Equal => up,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn add_sub_mul_div_cmp(x in dec(), y in dec()) {
        let (a, b) = (of(x), of(y));
        prop_assert_eq!(x.checked_add(y).map(of), fitting(&a + &b));
        prop_assert_eq!(x.checked_sub(y).map(of), fitting(&a - &b));
        prop_assert_eq!(x.checked_mul(y).map(of), fitting(&a * &b));
        let quotient = (y != Dec::ZERO).then(|| &a / &b).and_then(fitting);
        prop_assert_eq!(x.checked_div(y).map(of), quotient);
        prop_assert_eq!(x.cmp(&y), a.cmp(&b));
        prop_assert_eq!(x == y, a == b);
        prop_assert_eq!(x.checked_neg().map(of), Some(-a.clone()));
    }

    #[test]
    fn floor_div_mod_and_mul_div(x in dec(), y in dec(), z in dec()) {
        let (a, b, c) = (of(x), of(y), of(z));
        let (div, rem) = if y == Dec::ZERO {
            (None, None)
        } else {
            let q = floor(&(&a / &b));
            (fitting(q.clone()), fitting(&a - &b * q))
        };
        prop_assert_eq!(x.checked_floor_div(y).map(of), div);
        prop_assert_eq!(x.checked_floor_mod(y).map(of), rem);
        let md = (z != Dec::ZERO).then(|| floor(&(&a * &b / &c))).and_then(fitting);
        prop_assert_eq!(x.checked_mul_div_floor(y, z).map(of), md);
    }

    #[test]
    fn rounding_and_roots(x in dec(), places in -38i64..=38, m in 0usize..5) {
        let mode = RoundMode::ALL[m];
        let a = of(x);
        let scale = BigRational::from_integer(BigInt::from(10u8).pow(places.unsigned_abs() as u32));
        let rounded = if places >= 0 {
            round(&(&a * &scale), mode) / &scale
        } else {
            round(&(&a / &scale), mode) * &scale
        };
        prop_assert_eq!(x.checked_round_to(places, mode).map(of), fitting(rounded));
        let to_i128 = |r: BigRational| i128::try_from(r.to_integer()).ok();
        prop_assert_eq!(x.floor(), to_i128(a.floor()));
        prop_assert_eq!(x.ceil(), to_i128(a.ceil()));
        prop_assert_eq!(x.round(), to_i128(a.round()));
        if x >= Dec::ZERO {
            let r = x.isqrt().map(of).unwrap_or_default();
            let next = &r + BigRational::from_integer(1.into());
            prop_assert!(r.is_integer() && &r * &r <= a.floor() && &next * &next > a.floor());
            let s = x.sqrt18().map(of).unwrap_or_default();
            let ulp = BigRational::new(1.into(), BigInt::from(10u8).pow(18));
            let above = &s + &ulp;
            prop_assert!(&s * &s <= a && &above * &above > a);
            prop_assert!((&s / &ulp).is_integer());
        } else {
            prop_assert_eq!(x.isqrt(), None);
            prop_assert_eq!(x.sqrt18(), None);
        }
    }

    #[test]
    fn powers(x in dec(), n in -4i64..=4) {
        let a = of(x);
        let expected = if x == Dec::ZERO && n < 0 {
            None
        } else {
            fitting(num_traits_pow(&a, n))
        };
        prop_assert_eq!(x.checked_pow(n).map(of), expected);
    }

    /// Text: a terminating value reads back from its text; any value
    /// truncated to `places` reads back as the oracle's truncation.
    #[test]
    fn text_round_trips(x in dec(), places in 0u32..100) {
        if x.terminating_places().is_some() {
            prop_assert_eq!(Dec::parse(&x.to_string()), Ok(x));
        }
        let scale = BigRational::from_integer(BigInt::from(10u8).pow(places));
        let truncated = (of(x) * &scale).trunc() / &scale;
        let read = Dec::parse(&x.truncated(places).to_string()).ok().map(of);
        prop_assert_eq!(read, fitting(truncated));
    }
}

/// `a^n` by repeated multiplication (the oracle's own arithmetic).
fn num_traits_pow(a: &BigRational, n: i64) -> BigRational {
    let mut r = BigRational::from_integer(1.into());
    for _ in 0..n.unsigned_abs() {
        r *= a;
    }
    if n < 0 {
        r.recip()
    } else {
        r
    }
}
