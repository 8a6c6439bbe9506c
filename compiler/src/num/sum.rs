//! [`DecSum`]: an exact running sum of decimals that reduces only when it must.

use super::Dec;

/// The exact sum of a sequence of decimals, kept as a fraction over a common
/// denominator that is not reduced as it goes: adding an amount whose
/// denominator divides the sum's (cents to a sum of cents) is a
/// multiplication and an addition of 128-bit integers, with no greatest
/// common divisor of 256-bit intermediates as [`Dec::checked_add`] needs.
///
/// At every step its value ([`DecSum::value`]) is the sum that adding the
/// same decimals one by one with [`Dec::checked_add`] gives, and
/// [`DecSum::add`] fails at exactly the step where that fails: when the
/// reduced sum does not fit. (An unreduced fraction that does not fit falls
/// back to the reduced sum, so it never fails earlier.)
///
/// A sum that leaves 128 bits is kept as the reduced [`Dec`] itself (wide
/// from then on, with `Dec`'s own addition).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecSum(Sum);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sum {
    // INVARIANT: `den > 0`, and `num / den` is the exact sum so far.
    Common { num: i128, den: i128 },
    // The exact sum, when it is not small.
    Reduced(Dec),
}

impl Default for DecSum {
    fn default() -> DecSum {
        DecSum::ZERO
    }
}

impl DecSum {
    /// The empty sum.
    pub const ZERO: DecSum = DecSum(Sum::Common { num: 0, den: 1 });

    /// Adds `x`; `None` (and the sum unchanged) when the reduced sum does
    /// not fit.
    pub fn add(&mut self, x: Dec) -> Option<()> {
        if let (Sum::Common { num, den }, Some((n, d))) = (self.0, x.small_parts()) {
            if let Some(sum) = common(num, den, n, d) {
                *self = sum;
                return Some(());
            }
        }
        let reduced = self.value().checked_add(x)?;
        *self = DecSum(match reduced.small_parts() {
            Some((num, den)) => Sum::Common { num, den },
            None => Sum::Reduced(reduced),
        });
        Some(())
    }

    /// The sum, in lowest terms.
    pub fn value(self) -> Dec {
        match self.0 {
            // `den > 0`, so the ratio exists, and its reduced form is no larger.
            Sum::Common { num, den } => Dec::ratio(num, den).unwrap_or(Dec::ZERO),
            Sum::Reduced(d) => d,
        }
    }
}

/// `num / den + n / d` over the least common denominator, when the
/// denominators fit in 64 bits and the result in 128.
fn common(num: i128, den: i128, n: i128, d: i128) -> Option<DecSum> {
    if d == den {
        return Some(DecSum(Sum::Common {
            num: num.checked_add(n)?,
            den: d,
        }));
    }
    let (ours, theirs) = (u64::try_from(den).ok()?, u64::try_from(d).ok()?);
    let g = gcd(ours, theirs);
    // lcm = ours · (theirs / g) = theirs · (ours / g)
    let (scale_ours, scale_theirs) = (i128::from(theirs / g), i128::from(ours / g));
    Some(DecSum(Sum::Common {
        num: num
            .checked_mul(scale_ours)?
            .checked_add(n.checked_mul(scale_theirs)?)?,
        den: den.checked_mul(scale_ours)?,
    }))
}

fn gcd(a: u64, b: u64) -> u64 {
    // `gcd128` of values that fit in 64 bits fits in 64 bits.
    u64::try_from(super::dec::gcd128(u128::from(a), u128::from(b))).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }

    /// The sum and the step at which it fails, by `Dec::checked_add` one at
    /// a time and by `DecSum`.
    fn both(xs: &[Dec]) -> (Result<Dec, usize>, Result<Dec, usize>) {
        let mut exact = Dec::ZERO;
        let mut one_by_one = Ok(Dec::ZERO);
        for (i, x) in xs.iter().enumerate() {
            match exact.checked_add(*x) {
                Some(s) => exact = s,
                None => {
                    one_by_one = Err(i);
                    break;
                }
            }
            one_by_one = Ok(exact);
        }
        let mut sum = DecSum::ZERO;
        let mut summed = Ok(Dec::ZERO);
        for (i, x) in xs.iter().enumerate() {
            if sum.add(*x).is_none() {
                summed = Err(i);
                break;
            }
            summed = Ok(sum.value());
        }
        (one_by_one, summed)
    }

    #[test]
    fn cents_and_thirds_sum_exactly() {
        let xs = [
            d("12.50"),
            d("0.25"),
            d("3"),
            d("0.1"),
            d("-0.35"),
            d("7.05"),
        ];
        let (a, b) = both(&xs);
        assert_eq!(a, Ok(d("22.55")));
        assert_eq!(a, b);
        let third = Dec::ratio(1, 3).unwrap();
        assert_eq!(both(&[third, third, third]).1, Ok(Dec::ONE));
    }

    #[test]
    fn fails_at_the_same_step() {
        // 2^256 - 1, the largest Decimal.
        let big =
            d("115792089237316195423570985008687907853269984665640564039457584007913129639935");
        let xs = [d("0.5"), big, d("-0.5"), d("1")];
        let (a, b) = both(&xs);
        assert_eq!(a, Err(1));
        assert_eq!(a, b);
        // Past 128 bits and back: the sum turns wide, then small again.
        let max128 = Dec::ratio(i128::MAX, 1).unwrap();
        let xs = [
            max128,
            max128,
            d("0.5"),
            max128.checked_neg().unwrap(),
            d("-0.5"),
        ];
        let (a, b) = both(&xs);
        assert_eq!(a, Ok(max128));
        assert_eq!(a, b);
        // An unreduced fraction that overflows while the reduced sum fits.
        let near = Dec::ratio(i128::MAX / 3, 7).unwrap();
        let xs = [
            near,
            Dec::ratio(-(i128::MAX / 3), 7).unwrap(),
            d("0.001"),
            near,
        ];
        assert_eq!(both(&xs).0, both(&xs).1);
    }

    use proptest::prelude::*;

    fn dec() -> impl Strategy<Value = Dec> {
        prop_oneof![
            (-100_000i64..100_000, 0u32..4)
                .prop_map(|(n, s)| { Dec::ratio(i128::from(n), 10i128.pow(s)).unwrap() }),
            (any::<i64>(), 1i64..1000)
                .prop_map(|(n, k)| { Dec::ratio(i128::from(n), i128::from(k)).unwrap() }),
            (any::<i128>(), 1i128..4).prop_map(|(n, k)| Dec::ratio(n, k).unwrap()),
            // Wide: up to 60 digits.
            (any::<i128>(), any::<u64>()).prop_map(|(n, m)| d(&format!("{n}{m:020}"))),
            (any::<i64>(), any::<i64>()).prop_map(|(n, k)| {
                Dec::ratio(i128::from(n), i128::from(k.unsigned_abs().max(1))).unwrap()
            }),
        ]
    }

    proptest! {
        /// Every step's value and the failing step equal `checked_add`'s.
        #[test]
        fn equals_adding_one_by_one(xs in proptest::collection::vec(dec(), 0..40)) {
            let (a, b) = both(&xs);
            prop_assert_eq!(a, b);
        }
    }
}
