//! Rounding a [`Dec`] to a number of decimal places, with an explicit mode:
//! `round(x, 2)`, `round(x, 2, half_even)`, `floor(x, 2)`, `ceil(x, 2)`.

use super::dec::Dec;
use ruint::Uint;
use std::cmp::Ordering;

/// Rounding's intermediates: a 256-bit magnitude times `10^38`.
type U512 = Uint<512, 8>;

/// The largest number of places, either way: `10^38` is the largest power of
/// ten below `2^127`, so the scale is a small Decimal's denominator (and a
/// value rounded to 38 places is small when its integer part fits 89 bits).
pub const MAX_PLACES: i64 = 38;

/// How a value between two multiples of `10^-places` is rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoundMode {
    /// The nearest; ties away from zero (`2.5 → 3`, `-2.5 → -3`), as `round(x)`.
    HalfAwayFromZero,
    /// The nearest; ties to the even neighbour (`2.5 → 2`, `3.5 → 4`): banker's rounding.
    HalfEven,
    /// Toward −∞ (`-2.1 → -3`).
    Floor,
    /// Toward +∞ (`-2.9 → -2`).
    Ceil,
    /// Toward zero, dropping the digits (`-2.9 → -2`, `2.9 → 2`).
    TowardZero,
}

impl RoundMode {
    /// Every mode, in the order diagnostics list them.
    pub const ALL: [RoundMode; 5] = [
        RoundMode::HalfAwayFromZero,
        RoundMode::HalfEven,
        RoundMode::Floor,
        RoundMode::Ceil,
        RoundMode::TowardZero,
    ];

    /// The name a charter writes as `round`'s third argument.
    pub fn name(self) -> &'static str {
        match self {
            RoundMode::HalfAwayFromZero => "half_away_from_zero",
            RoundMode::HalfEven => "half_even",
            RoundMode::Floor => "floor",
            RoundMode::Ceil => "ceil",
            RoundMode::TowardZero => "toward_zero",
        }
    }

    /// The mode written `name`, if there is one.
    pub fn from_name(name: &str) -> Option<RoundMode> {
        RoundMode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// `±(a / b)` (`-` when `neg`) rounded to an integer in this mode, as a
    /// sign and a magnitude; `b > 0`.
    fn divide(self, neg: bool, a: U512, b: U512) -> (bool, U512) {
        let (q, r) = a.div_rem(b);
        if r.is_zero() {
            return (neg, q);
        }
        // Whether the magnitude rounds up (away from zero).
        let away = match self {
            RoundMode::Floor => neg,
            RoundMode::Ceil => !neg,
            RoundMode::TowardZero => false,
            // INVARIANT: r < b < 2^384, so `r << 1` does not overflow.
            RoundMode::HalfAwayFromZero | RoundMode::HalfEven => match (r << 1usize).cmp(&b) {
                Ordering::Less => false,
                Ordering::Greater => true,
                Ordering::Equal if self == RoundMode::HalfEven => q.bit(0),
                Ordering::Equal => true,
            },
        };
        // INVARIANT: q < 2^384, so `q + 1` does not overflow.
        (neg, if away { q + U512::ONE } else { q })
    }
}

impl Dec {
    /// `self` rounded to a multiple of `10^-places` in `mode`, exactly
    /// (negative places round to tens, hundreds, ...). `None` when `places`
    /// is beyond [`MAX_PLACES`] either way (the caller reports that first)
    /// or when the rounded value does not fit a `Dec`.
    pub fn checked_round_to(self, places: i64, mode: RoundMode) -> Option<Dec> {
        if places.unsigned_abs() > MAX_PLACES.unsigned_abs() {
            return None;
        }
        let scale = U512::from(10u128.checked_pow(u32::try_from(places.unsigned_abs()).ok()?)?);
        let x = self.parts();
        let (num, den): (U512, U512) = (
            U512::checked_from_limbs_slice(x.num.as_limbs())?,
            U512::checked_from_limbs_slice(x.den.as_limbs())?,
        );
        // INVARIANT: num, den < 2^256 and scale <= 10^38 < 2^127, so the
        // products below fit in 512 bits.
        if places >= 0 {
            let (neg, q) = mode.divide(x.neg, num * scale, den);
            Dec::reduce(neg, q, scale)
        } else {
            let (neg, q) = mode.divide(x.neg, num, den * scale);
            Dec::reduce(neg, q.checked_mul(scale)?, U512::ONE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap_or(Dec::ZERO)
    }

    fn r(s: &str, places: i64, mode: RoundMode) -> Option<String> {
        d(s).checked_round_to(places, mode).map(|x| x.to_string())
    }

    /// The oracle: `num · 10^p / den` (or `num / (den · 10^-p)`) by truncating
    /// `i128` division, then corrected from the sign and the remainder, all
    /// in checked `i128` (`None` when an intermediate does not fit, and the
    /// case is skipped). Written independently of [`RoundMode::divide`].
    fn oracle(num: i128, den: i128, places: i64, mode: RoundMode) -> Option<(i128, i128)> {
        let scale = 10i128.checked_pow(u32::try_from(places.unsigned_abs()).ok()?)?;
        let (a, b) = if places >= 0 {
            (num.checked_mul(scale)?, den)
        } else {
            (num, den.checked_mul(scale)?)
        };
        let trunc = a / b;
        let rem = a % b; // the sign of `a`
        let negative = a < 0;
        let away = if negative { trunc - 1 } else { trunc + 1 };
        let q = if rem == 0 {
            trunc
        } else {
            let twice = rem.unsigned_abs().checked_mul(2)?;
            let half = twice.cmp(&b.unsigned_abs());
            match mode {
                RoundMode::TowardZero => trunc,
                RoundMode::Floor if negative => away,
                RoundMode::Floor => trunc,
                RoundMode::Ceil if negative => trunc,
                RoundMode::Ceil => away,
                _ if half == Ordering::Less => trunc,
                _ if half == Ordering::Greater => away,
                RoundMode::HalfAwayFromZero => away,
                _ if trunc % 2 == 0 => trunc,
                _ => away,
            }
        };
        if places >= 0 {
            Some((q, scale))
        } else {
            Some((q.checked_mul(scale)?, 1))
        }
    }

    #[test]
    fn ties_in_every_mode() {
        use RoundMode::*;
        let cases: &[(&str, i64, [&str; 5])] = &[
            // value, places, [half_away_from_zero, half_even, floor, ceil, toward_zero]
            ("2.5", 0, ["3", "2", "2", "3", "2"]),
            ("-2.5", 0, ["-3", "-2", "-3", "-2", "-2"]),
            ("3.5", 0, ["4", "4", "3", "4", "3"]),
            ("0.5", 0, ["1", "0", "0", "1", "0"]),
            ("-0.5", 0, ["-1", "0", "-1", "0", "0"]),
            ("0.005", 2, ["0.01", "0", "0", "0.01", "0"]),
            ("0.125", 2, ["0.13", "0.12", "0.12", "0.13", "0.12"]),
            ("-0.125", 2, ["-0.13", "-0.12", "-0.13", "-0.12", "-0.12"]),
            ("0.135", 2, ["0.14", "0.14", "0.13", "0.14", "0.13"]),
            ("1.005", 2, ["1.01", "1", "1", "1.01", "1"]),
            ("1250", -2, ["1300", "1200", "1200", "1300", "1200"]),
            ("-1350", -2, ["-1400", "-1400", "-1400", "-1300", "-1300"]),
            ("12.34", 5, ["12.34", "12.34", "12.34", "12.34", "12.34"]),
            ("-0.001", 2, ["0", "0", "-0.01", "0", "0"]),
        ];
        for (value, places, want) in cases {
            for (mode, w) in [HalfAwayFromZero, HalfEven, Floor, Ceil, TowardZero]
                .into_iter()
                .zip(want)
            {
                assert_eq!(
                    r(value, *places, mode).as_deref(),
                    Some(*w),
                    "{value} to {places} places, {mode:?}"
                );
            }
        }
    }

    #[test]
    fn thirds_and_limits() {
        let third = Dec::ratio(1, 3).unwrap_or(Dec::ZERO);
        let two_thirds = Dec::ratio(-2, 3).unwrap_or(Dec::ZERO);
        let at = |x: Dec, p, m| x.checked_round_to(p, m).map(|v| v.to_string());
        assert_eq!(at(third, 2, RoundMode::HalfEven).as_deref(), Some("0.33"));
        assert_eq!(
            at(two_thirds, 3, RoundMode::HalfAwayFromZero).as_deref(),
            Some("-0.667")
        );
        assert_eq!(
            at(two_thirds, 3, RoundMode::TowardZero).as_deref(),
            Some("-0.666")
        );
        // 38 places both ways are allowed; 39 is not.
        assert_eq!(at(third, 38, RoundMode::Floor).map(|s| s.len()), Some(40));
        assert_eq!(at(third, 39, RoundMode::Floor), None);
        assert_eq!(at(third, -39, RoundMode::Floor), None);
        assert_eq!(
            at(Dec::from_int(i64::MAX), -38, RoundMode::Ceil).as_deref(),
            Some(&*format!("1{}", "0".repeat(38)))
        );
        // The largest Decimal, 2^256 - 1: rounding up past it overflows,
        // down does not.
        let max = Dec::parse(&format!("{}", ruint::aliases::U256::MAX)).unwrap_or(Dec::ZERO);
        assert_eq!(max.checked_round_to(-1, RoundMode::Ceil), None);
        assert_eq!(
            at(max, -1, RoundMode::Floor).as_deref(),
            Some("115792089237316195423570985008687907853269984665640564039457584007913129639930")
        );
        let min = max.checked_neg().unwrap_or(Dec::ZERO);
        assert_eq!(min.checked_round_to(-1, RoundMode::Floor), None);
        assert_eq!(min.checked_round_to(0, RoundMode::HalfEven), Some(min));
        // Past i128, as a small value's rounding never could.
        let max128 = Dec::ratio(i128::MAX, 1).unwrap_or(Dec::ZERO);
        assert_eq!(
            at(max128, -1, RoundMode::Ceil).as_deref(),
            Some("170141183460469231731687303715884105730")
        );
        // A fraction whose rounded numerator needs more than 256 bits.
        let big = max.checked_div(Dec::from_int(7)).unwrap_or(Dec::ZERO);
        assert_eq!(big.checked_round_to(20, RoundMode::Floor), None);
        assert!(big.checked_round_to(0, RoundMode::Floor).is_some());
    }

    #[test]
    fn modes_by_name() {
        for m in RoundMode::ALL {
            assert_eq!(RoundMode::from_name(m.name()), Some(m));
        }
        assert_eq!(RoundMode::from_name("half_up"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Every mode agrees with the oracle on random fractions, places from
        /// -6 to 20, and numerators from small to near the limits.
        #[test]
        fn agrees_with_the_oracle(
            num in prop_oneof![-1000i128..1000, -(1i128 << 100)..(1i128 << 100), proptest::num::i128::ANY],
            den in prop_oneof![1i128..20, 1i128..1_000_000_007, Just(8i128), Just(1000i128)],
            places in -6i64..=20,
            m in 0usize..5,
        ) {
            let mode = RoundMode::ALL[m];
            let x = Dec::ratio(num.max(-i128::MAX), den).unwrap_or(Dec::ZERO);
            let (xn, xd) = x.small_parts().unwrap_or((0, 1));
            if let Some((n, s)) = oracle(xn, xd, places, mode) {
                prop_assert_eq!(x.checked_round_to(places, mode), Dec::ratio(n, s));
            }
        }

        /// Exact ties `k + 1/2` at a random scale, in every mode.
        #[test]
        fn ties_agree_with_the_oracle(k in prop_oneof![-20i128..20, -100_000i128..100_000], places in 0i64..=12, m in 0usize..5) {
            let mode = RoundMode::ALL[m];
            let den = 2 * 10i128.pow(places as u32);
            let x = Dec::ratio(2 * k + 1, den).unwrap_or(Dec::ZERO);
            let (xn, xd) = x.small_parts().unwrap_or((0, 1));
            let (n, s) = oracle(xn, xd, places, mode).unwrap_or((0, 1));
            prop_assert_eq!(x.checked_round_to(places, mode), Dec::ratio(n, s));
        }
    }
}
