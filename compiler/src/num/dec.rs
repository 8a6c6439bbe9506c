//! [`Dec`]: an exact rational number.
//!
//! A `Dec` is `num / den` in lowest terms with `den > 0`, where
//! `|num| <= 2^256 - 1` and `1 <= den <= 2^256 - 1`: every ratio of two EVM
//! `uint256` amounts, either sign. Every operation computes the exact result
//! with intermediates wide enough for any two (three for `mul_div`) such
//! operands, reduces it, and reports overflow (`None`) only when the reduced
//! result does not fit. So `2/3 * x` and `a / b >= 2/3` are exact, and
//! `n * ratio` over 10^36-wei supplies never overflows while its result fits.
//!
//! Two representations, each value having exactly one (so the derived `Eq`
//! and `Hash` are the value's): *small*, numerator and denominator in `i128`,
//! which every operation handles first with 128-bit arithmetic and 256-bit
//! intermediates (the fast path: amounts with up to 38 digits); and *wide*, a
//! sign and two 256-bit magnitudes, computed with 512-bit intermediates
//! (768-bit for `mul_div`) from the `ruint` crate. A value is wide exactly
//! when it is not small.

use super::round::RoundMode;
use ethnum::I256;
use ruint::Uint;
use std::cmp::Ordering;
use std::fmt;

/// A magnitude: a wide numerator or denominator.
type U256 = Uint<256, 4>;
/// Products of two magnitudes.
type U512 = Uint<512, 8>;
/// Sums of two such products.
type U576 = Uint<576, 9>;
/// Products of three magnitudes (`mul_div`).
type U768 = Uint<768, 12>;
/// A decimal text's digits before reduction: 308 digits, enough for 78 on
/// each side of the point (and any text whose value fits, see [`Dec::parse`]).
type U1024 = Uint<1024, 16>;

/// An exact rational number in lowest terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dec(Repr);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Repr {
    /// `num / den`, `den > 0`, in lowest terms.
    Small { num: i128, den: i128 },
    /// `±num / den` (`-` when `neg`) in lowest terms, `num > 0`, `den > 0`,
    /// not both fitting `Small`.
    Wide { neg: bool, num: U256, den: U256 },
}

/// A `Dec` as a sign and two magnitudes (`neg` only when `num > 0`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Parts {
    pub(crate) neg: bool,
    pub(crate) num: U256,
    pub(crate) den: U256,
}

/// Why a decimal literal or snapshot string could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseDecError {
    /// Not of the form `-?digits(.digits)?`.
    Syntax,
    /// Too many digits to hold exactly.
    TooLarge,
}

const fn small(num: i128, den: i128) -> Dec {
    Dec(Repr::Small { num, den })
}

/// `x` in a type at least as wide (every caller's `B >= A`).
fn widen<const A: usize, const LA: usize, const B: usize, const LB: usize>(
    x: Uint<A, LA>,
) -> Uint<B, LB> {
    Uint::wrapping_from_limbs_slice(x.as_limbs())
}

/// `10^k`, if it fits.
fn pow10<const B: usize, const L: usize>(k: u64) -> Option<Uint<B, L>> {
    Uint::from(10u8).checked_pow(Uint::from(k))
}

/// `±a + ±b` in magnitudes; `None` when the sum does not fit `B` bits.
fn signed_add<const B: usize, const L: usize>(
    a_neg: bool,
    a: Uint<B, L>,
    b_neg: bool,
    b: Uint<B, L>,
) -> Option<(bool, Uint<B, L>)> {
    Some(if a_neg == b_neg {
        (a_neg, a.checked_add(b)?)
    } else if a >= b {
        (a_neg, a - b)
    } else {
        (b_neg, b - a)
    })
}

/// A 256-bit magnitude from `ethnum`'s (the small path's intermediates).
fn from_ethnum(x: ethnum::U256) -> U256 {
    let (hi, lo) = x.into_words();
    U256::from_limbs([lo as u64, (lo >> 64) as u64, hi as u64, (hi >> 64) as u64])
}

impl Dec {
    /// Zero.
    pub const ZERO: Dec = small(0, 1);
    /// One.
    pub const ONE: Dec = small(1, 1);

    /// The integer `n`.
    pub const fn from_int(n: i64) -> Dec {
        small(n as i128, 1)
    }

    /// `num / den`, reduced; `None` when `den == 0`.
    pub fn ratio(num: i128, den: i128) -> Option<Dec> {
        Dec::from_wide(I256::from(num), I256::from(den))
    }

    /// The numerator and denominator in lowest terms (the sign on the
    /// numerator), when both fit in `i128`; `None` for a wide value.
    pub fn small_parts(self) -> Option<(i128, i128)> {
        match self.0 {
            Repr::Small { num, den } => Some((num, den)),
            Repr::Wide { .. } => None,
        }
    }

    /// The sign and the magnitudes of the numerator and denominator.
    pub(crate) fn parts(self) -> Parts {
        match self.0 {
            Repr::Small { num, den } => Parts {
                neg: num < 0,
                num: U256::from(num.unsigned_abs()),
                den: U256::from(den.unsigned_abs()),
            },
            Repr::Wide { neg, num, den } => Parts { neg, num, den },
        }
    }

    /// The value of reduced magnitudes (`den > 0`), small when it fits.
    fn pack(neg: bool, num: U256, den: U256) -> Dec {
        if num.is_zero() {
            return Dec::ZERO;
        }
        if let (Ok(n), Ok(d)) = (u128::try_from(num), i128::try_from(den)) {
            let n = if neg {
                0i128.checked_sub_unsigned(n)
            } else {
                i128::try_from(n).ok()
            };
            if let Some(n) = n {
                return small(n, d);
            }
        }
        Dec(Repr::Wide { neg, num, den })
    }

    /// `±num / den` reduced; `None` when `den` is 0 or the reduced fraction
    /// does not fit.
    pub(crate) fn reduce<const B: usize, const L: usize>(
        neg: bool,
        num: Uint<B, L>,
        den: Uint<B, L>,
    ) -> Option<Dec> {
        if den.is_zero() {
            return None;
        }
        let (num, den) = if den == Uint::ONE || num.is_zero() {
            (num, Uint::ONE)
        } else {
            // `g > 0` since `den > 0`.
            let g = num.gcd(den);
            (num / g, den / g)
        };
        Some(Dec::pack(
            neg,
            U256::checked_from_limbs_slice(num.as_limbs())?,
            U256::checked_from_limbs_slice(den.as_limbs())?,
        ))
    }

    /// Whether this is an integer.
    pub fn is_integer(self) -> bool {
        match self.0 {
            Repr::Small { den, .. } => den == 1,
            Repr::Wide { den, .. } => den == U256::ONE,
        }
    }

    /// Reduces a 256-bit fraction of the small path; `None` if `den == 0`
    /// (every other such fraction fits).
    fn from_wide(num: I256, den: I256) -> Option<Dec> {
        if den == I256::ZERO {
            return None;
        }
        Dec::narrow(num, den).or_else(|| {
            Dec::reduce(
                (num < 0) != (den < 0),
                from_ethnum(num.unsigned_abs()),
                from_ethnum(den.unsigned_abs()),
            )
        })
    }

    /// [`Dec::from_wide`] in 128-bit arithmetic, when the fraction (with a
    /// positive denominator) fits: the same result, several times faster.
    fn narrow(num: I256, den: I256) -> Option<Dec> {
        let (mut n, mut d) = (i128::try_from(num).ok()?, i128::try_from(den).ok()?);
        if d < 0 {
            (n, d) = (n.checked_neg()?, d.checked_neg()?);
        }
        // `d > 0`, so `0 < g <= d` fits in `i128`.
        let g = i128::try_from(gcd128(n.unsigned_abs(), d.unsigned_abs())).ok()?;
        Some(small(n.checked_div(g)?, d.checked_div(g)?))
    }

    /// `self + rhs`.
    pub fn checked_add(self, rhs: Dec) -> Option<Dec> {
        self.add_or_sub(rhs, false)
    }

    /// `self - rhs`, computed directly (not as `self + -rhs`).
    pub fn checked_sub(self, rhs: Dec) -> Option<Dec> {
        self.add_or_sub(rhs, true)
    }

    /// `self + rhs`, or `self - rhs` when `sub`. INVARIANT (small path):
    /// every 256-bit intermediate is a sum of two products of factors below
    /// 2^127 in magnitude, so it stays below 2^255; (wide path) a sum of two
    /// products of 256-bit magnitudes stays below 2^513.
    fn add_or_sub(self, rhs: Dec, sub: bool) -> Option<Dec> {
        let (Repr::Small { num: a, den: b }, Repr::Small { num: c, den: d }) = (self.0, rhs.0)
        else {
            let (x, y) = (self.parts(), rhs.parts());
            let (n1, n2, den): (U576, U576, U576) = if x.den == y.den {
                (widen(x.num), widen(y.num), widen(x.den))
            } else {
                (
                    widen(x.num.widening_mul::<256, 4, 512, 8>(y.den)),
                    widen(y.num.widening_mul::<256, 4, 512, 8>(x.den)),
                    widen(x.den.widening_mul::<256, 4, 512, 8>(y.den)),
                )
            };
            let (neg, num) = signed_add(x.neg, n1, y.neg != sub, n2)?;
            return Dec::reduce(neg, num, den);
        };
        if b == 1 && d == 1 {
            let r = if sub {
                a.checked_sub(c)
            } else {
                a.checked_add(c)
            };
            if let Some(num) = r {
                return Some(small(num, 1));
            }
        }
        let (a, b, mut c, d) = (I256::from(a), I256::from(b), I256::from(c), I256::from(d));
        if sub {
            c = -c;
        }
        if b == d {
            return Dec::from_wide(a + c, b);
        }
        Dec::from_wide(a * d + c * b, b * d)
    }

    /// `self * rhs`.
    pub fn checked_mul(self, rhs: Dec) -> Option<Dec> {
        if let (Repr::Small { num: a, den: b }, Repr::Small { num: c, den: d }) = (self.0, rhs.0) {
            if b == 1 && d == 1 {
                if let Some(num) = a.checked_mul(c) {
                    return Some(small(num, 1));
                }
            } else if let Some(p) = mul_cancelled(a, b, c, d) {
                return Some(p);
            }
        }
        Dec::mul_parts(self.parts(), rhs.parts())
    }

    /// `x * y` with each numerator first divided by its gcd with the other
    /// denominator: both operands being in lowest terms, the products are
    /// then in lowest terms too, so a product that overflows 256 bits is a
    /// result that does not fit.
    fn mul_parts(x: Parts, y: Parts) -> Option<Dec> {
        // Both gcds are positive: each has a positive denominator as operand.
        let (g1, g2) = (x.num.gcd(y.den), y.num.gcd(x.den));
        let num = (x.num / g1).checked_mul(y.num / g2)?;
        let den = (x.den / g2).checked_mul(y.den / g1)?;
        Some(Dec::pack(x.neg != y.neg, num, den))
    }

    /// `self / rhs`; `None` on division by zero or overflow.
    pub fn checked_div(self, rhs: Dec) -> Option<Dec> {
        if let (Repr::Small { num: a, den: b }, Repr::Small { num: c, den: d }) = (self.0, rhs.0) {
            // INVARIANT: products of two factors below 2^127 in magnitude.
            return Dec::from_wide(I256::from(a) * I256::from(d), I256::from(b) * I256::from(c));
        }
        let y = rhs.parts();
        if y.num.is_zero() {
            return None;
        }
        let reciprocal = Parts {
            neg: y.neg,
            num: y.den,
            den: y.num,
        };
        Dec::mul_parts(self.parts(), reciprocal)
    }

    /// `-self` (always fits; an `Option` like the other operations).
    pub fn checked_neg(self) -> Option<Dec> {
        if let Repr::Small { num, den } = self.0 {
            if let Some(num) = num.checked_neg() {
                return Some(small(num, den));
            }
        }
        let p = self.parts();
        Some(Dec::pack(!p.neg, p.num, p.den))
    }

    /// `|self|` (always fits; an `Option` like the other operations).
    pub fn checked_abs(self) -> Option<Dec> {
        let p = self.parts();
        Some(Dec::pack(false, p.num, p.den))
    }

    /// The largest integer `<= self`, if it fits `i128`.
    pub fn floor(self) -> Option<i128> {
        match self.0 {
            Repr::Small { num, den } => Some(num.div_euclid(den)),
            Repr::Wide { .. } => self.wide_integer(RoundMode::Floor),
        }
    }

    /// The smallest integer `>= self`, if it fits `i128`.
    pub fn ceil(self) -> Option<i128> {
        match self.0 {
            // Negated in 256 bits: `ceil(i128::MIN)` is `i128::MIN`, whose `-(-x)` would overflow.
            Repr::Small { num, den } => {
                let ceil = -((-I256::from(num)).div_euclid(I256::from(den)));
                i128::try_from(ceil).ok()
            }
            Repr::Wide { .. } => self.wide_integer(RoundMode::Ceil),
        }
    }

    /// The nearest integer, ties away from zero (`2.5` to `3`, `-2.5` to
    /// `-3`), if it fits `i128`.
    pub fn round(self) -> Option<i128> {
        match self.0 {
            Repr::Small { num, den } => {
                let twice = I256::from(num) * 2;
                let den = I256::from(den);
                let q = if num >= 0 {
                    (twice + den).div_euclid(den * 2)
                } else {
                    -((-twice + den).div_euclid(den * 2))
                };
                i128::try_from(q).ok()
            }
            Repr::Wide { .. } => self.wide_integer(RoundMode::HalfAwayFromZero),
        }
    }

    /// A wide value rounded to an integer in `mode`, if that fits `i128`.
    fn wide_integer(self, mode: RoundMode) -> Option<i128> {
        match self.checked_round_to(0, mode)?.small_parts()? {
            (num, 1) => Some(num),
            _ => None,
        }
    }

    /// `floor(self / rhs)` as an integer-valued `Dec` (`a div b` on decimals);
    /// `None` on division by zero, or when the quotient does not fit.
    pub fn checked_floor_div(self, rhs: Dec) -> Option<Dec> {
        let (x, y) = (self.parts(), rhs.parts());
        if y.num.is_zero() {
            return None;
        }
        let n: U512 = x.num.widening_mul(y.den);
        let m: U512 = y.num.widening_mul(x.den);
        let (q, r) = n.div_rem(m);
        Dec::floored(x.neg != y.neg, q, r)
    }

    /// The floor of `±(q + r/m)` (`0 <= r < m`) as a `Dec`.
    fn floored<const B: usize, const L: usize>(
        neg: bool,
        q: Uint<B, L>,
        r: Uint<B, L>,
    ) -> Option<Dec> {
        let q = if neg && !r.is_zero() {
            q.checked_add(Uint::ONE)?
        } else {
            q
        };
        Dec::reduce(neg, q, Uint::ONE)
    }

    /// `floor(self · b / c)` as an integer-valued `Dec` (Solidity's
    /// `Math.mulDiv`, which rounds down, for non-negative operands), exact
    /// however large `self · b` is: `None` only when `c` is 0 or the result
    /// does not fit. `self · b` is formed in lowest terms (each numerator
    /// first divided by its gcd with the other denominator, so below 2^512),
    /// then divided by `c` with 768-bit intermediates.
    pub fn checked_mul_div_floor(self, b: Dec, c: Dec) -> Option<Dec> {
        let (x, y, z) = (self.parts(), b.parts(), c.parts());
        if z.num.is_zero() {
            return None;
        }
        // Both gcds are positive: each has a positive denominator as operand.
        let (g1, g2) = (x.num.gcd(y.den), y.num.gcd(x.den));
        let pn: U512 = (x.num / g1).widening_mul(y.num / g2);
        let pd: U512 = (x.den / g2).widening_mul(y.den / g1);
        let n: U768 = pn.widening_mul(z.den);
        let m: U768 = pd.widening_mul(z.num);
        let (q, r) = n.div_rem(m);
        Dec::floored(x.neg ^ y.neg ^ z.neg, q, r)
    }

    /// `self - rhs * floor(self / rhs)` (`a mod b` on decimals: the sign of
    /// `rhs`); `None` on division by zero, or when the exact remainder does
    /// not fit. With `self = a/b` and `rhs = c/d` (`b, d > 0`) it is
    /// `(a·d mod c·b) / (b·d)`, each product below 2^512, so neither the
    /// quotient (which may not fit, as in `10^76 mod 0.5`) nor
    /// `rhs * quotient` is ever narrowed.
    pub fn checked_floor_mod(self, rhs: Dec) -> Option<Dec> {
        let (x, y) = (self.parts(), rhs.parts());
        if y.num.is_zero() {
            return None;
        }
        let n: U512 = x.num.widening_mul(y.den);
        let m: U512 = y.num.widening_mul(x.den);
        let r = n.div_rem(m).1;
        if r.is_zero() {
            return Some(Dec::ZERO);
        }
        // Flooring takes the sign of `rhs`: with opposite signs the
        // truncated remainder's complement.
        let r = if x.neg == y.neg { r } else { m - r };
        Dec::reduce(y.neg, r, x.den.widening_mul::<256, 4, 512, 8>(y.den))
    }

    /// `self` to the integer power `n`, exactly: `0^0 = 1`, and a negative `n`
    /// gives `1 / self^|n|`. `None` when the exact result does not fit (the
    /// numerator and denominator of `self^|n|` are those of `self` to the
    /// power `|n|`, so this is exactly when one of them exceeds 2^256 - 1),
    /// or when `self` is 0 and `n < 0` (the caller reports division by zero).
    pub fn checked_pow(self, n: i64) -> Option<Dec> {
        let mut e = n.unsigned_abs();
        let mut base = self;
        let mut acc = Dec::ONE;
        while e > 0 {
            if e & 1 == 1 {
                acc = acc.checked_mul(base)?;
            }
            e >>= 1;
            if e > 0 {
                base = base.checked_mul(base)?;
            }
        }
        if n < 0 {
            Dec::ONE.checked_div(acc)
        } else {
            Some(acc)
        }
    }

    /// `floor(sqrt(self))` as an integer-valued `Dec`; `None` when negative.
    pub fn isqrt(self) -> Option<Dec> {
        let x = self.parts();
        if x.neg {
            return None;
        }
        Some(Dec::pack(false, isqrt(x.num / x.den), U256::ONE))
    }

    /// The square root rounded down to 18 fractional digits:
    /// `isqrt(floor(self * 10^36)) / 10^18`, computed exactly in 512 bits.
    /// `None` when negative.
    pub fn sqrt18(self) -> Option<Dec> {
        let x = self.parts();
        if x.neg {
            return None;
        }
        let scale = U256::from(10u128.pow(36));
        let scaled: U512 = x.num.widening_mul::<256, 4, 512, 8>(scale) / widen(x.den);
        Dec::reduce(false, isqrt(scaled), pow10(18)?)
    }

    /// The integer value, if this is an integer that fits `i64`.
    pub fn to_i64(self) -> Option<i64> {
        match self.0 {
            Repr::Small { num, den: 1 } => i64::try_from(num).ok(),
            _ => None,
        }
    }

    /// Reads `-?digits(.digits)?` exactly (underscores between digits
    /// allowed). Any text whose value fits is read, whatever its number of
    /// digits (78 on each side of the point: every `uint256` amount over
    /// every power of ten up to 10^77): `TooLarge` when the value does not fit.
    pub fn parse(text: &str) -> Result<Dec, ParseDecError> {
        Dec::parse_scaled(text, 0)
    }

    /// [`Dec::parse`] of a mantissa, times `10^exp`.
    fn parse_scaled(text: &str, exp: i64) -> Result<Dec, ParseDecError> {
        let (neg, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || b == b'_');
        if int_part.is_empty() || !digits_ok(int_part) || !digits_ok(frac_part) {
            return Err(ParseDecError::Syntax);
        }
        if body.contains('.') && frac_part.is_empty() {
            return Err(ParseDecError::Syntax);
        }
        let digits = int_part.bytes().chain(frac_part.bytes());
        let places = frac_part.bytes().filter(|b| *b != b'_').count();
        let scale = i64::try_from(places)
            .ok()
            .and_then(|p| exp.checked_sub(p))
            .ok_or(ParseDecError::TooLarge)?;
        Dec::from_digits(neg, digits.filter(|b| *b != b'_'), scale)
    }

    /// `±digits · 10^scale`. Trailing zeros are moved into the scale, so the
    /// digits read are not divisible by 10: then `10^k` in the denominator
    /// reduces by at most `5^k`, leaving at least `2^k`, so a denominator
    /// too large for [`U1024`] (`k > 308`) is one that does not fit, and so
    /// is a numerator of more than 308 digits.
    fn from_digits(
        neg: bool,
        digits: impl Iterator<Item = u8>,
        mut scale: i64,
    ) -> Result<Dec, ParseDecError> {
        /// Digits taken at a time, in a `u64`.
        const CHUNK: u32 = 19;
        let too_large = ParseDecError::TooLarge;
        let mut num = U1024::ZERO;
        // Digits read but not yet in `num`: `chunk` (`len` of them), then
        // `zeros` zeros.
        let (mut chunk, mut len, mut zeros) = (0u64, 0u32, 0u64);
        let push = |num: U1024, chunk: u64, len: u32| -> Option<U1024> {
            num.checked_mul(pow10(u64::from(len))?)?
                .checked_add(U1024::from(chunk))
        };
        for b in digits {
            let d = b - b'0';
            if d == 0 {
                zeros += 1;
                continue;
            }
            if zeros > 0 {
                if !num.is_zero() || chunk != 0 {
                    num = push(num, chunk, len).ok_or(too_large.clone())?;
                    num = num
                        .checked_mul(pow10(zeros).ok_or(too_large.clone())?)
                        .ok_or(too_large.clone())?;
                    (chunk, len) = (0, 0);
                }
                zeros = 0;
            }
            if len == CHUNK {
                num = push(num, chunk, len).ok_or(too_large.clone())?;
                (chunk, len) = (0, 0);
            }
            chunk = chunk * 10 + u64::from(d);
            len += 1;
        }
        num = push(num, chunk, len).ok_or(too_large.clone())?;
        if num.is_zero() {
            return Ok(Dec::ZERO);
        }
        scale = scale
            .checked_add(i64::try_from(zeros).map_err(|_| too_large.clone())?)
            .ok_or(too_large.clone())?;
        let power = pow10::<1024, 16>(scale.unsigned_abs()).ok_or(too_large.clone())?;
        let (num, den) = if scale >= 0 {
            (num.checked_mul(power).ok_or(too_large.clone())?, U1024::ONE)
        } else {
            (num, power)
        };
        Dec::reduce(neg, num, den).ok_or(too_large)
    }

    /// Reads a JSON number's text exactly: `-?digits(.digits)?([eE][+-]?digits)?`.
    pub fn parse_json_number(text: &str) -> Result<Dec, ParseDecError> {
        let (mantissa, exp) = match text.find(['e', 'E']) {
            Some(i) => {
                let e: i32 = text
                    .get(i + 1..)
                    .and_then(|s| s.parse().ok())
                    .ok_or(ParseDecError::Syntax)?;
                (text.get(..i).unwrap_or(""), e)
            }
            None => (text, 0),
        };
        Dec::parse_scaled(mantissa, i64::from(exp))
    }

    /// If the decimal expansion terminates (the denominator is `2^a 5^b`),
    /// the number of fractional digits it has: `max(a, b)`, at most 255.
    pub fn terminating_places(self) -> Option<u32> {
        if let Repr::Small { den, .. } = self.0 {
            let mut d = den;
            let (mut twos, mut fives) = (0u32, 0u32);
            while d % 2 == 0 {
                d /= 2;
                twos += 1;
            }
            while d % 5 == 0 {
                d /= 5;
                fives += 1;
            }
            return (d == 1).then_some(twos.max(fives));
        }
        let den = self.parts().den;
        let twos = den.trailing_zeros();
        let (mut d, mut fives) = (den >> twos, 0u32);
        let five = U256::from(5u8);
        loop {
            let (q, r) = d.div_rem(five);
            if !r.is_zero() {
                break;
            }
            d = q;
            fives += 1;
        }
        let twos = u32::try_from(twos).ok()?;
        (d == U256::ONE).then_some(twos.max(fives))
    }

    /// `self` written in decimal, truncated toward zero after `places`
    /// fractional digits (none: no point), with a `-` when `self` is
    /// negative (`-0.333333` for `-1/3` at six places). Exact for every
    /// representable value: computed by long division, 38 digits at a time.
    pub fn truncated(self, places: u32) -> Truncated {
        Truncated { dec: self, places }
    }
}

/// `floor(sqrt(n))` by Newton's method from an upper bound (exact).
fn isqrt<const B: usize, const L: usize>(n: Uint<B, L>) -> Uint<B, L> {
    if n <= Uint::ONE {
        return n;
    }
    // INVARIANT: x starts at 2^ceil(bits/2) >= sqrt(n) and decreases to the
    // floor; `x + n / x` stays below 2^(B/2 + 2), so it never wraps.
    let mut x = Uint::<B, L>::ONE << n.bit_len().div_ceil(2);
    loop {
        let y = (x + n / x) >> 1;
        if y >= x {
            return x;
        }
        x = y;
    }
}

/// `self * rhs` of small values with each numerator first divided by its
/// gcd with the other denominator: both operands being in lowest terms,
/// the products are then in lowest terms too, with no 256-bit product or
/// gcd. `None` when a product overflows 128 bits (then the wide path,
/// which reduces the same way, gives the result).
fn mul_cancelled(a: i128, b: i128, c: i128, d: i128) -> Option<Dec> {
    // 0 < g <= the denominator, which fits in i128.
    let g1 = i128::try_from(gcd128(a.unsigned_abs(), d.unsigned_abs())).ok()?;
    let g2 = i128::try_from(gcd128(c.unsigned_abs(), b.unsigned_abs())).ok()?;
    Some(small(
        (a / g1).checked_mul(c / g2)?,
        (b / g2).checked_mul(d / g1)?,
    ))
}

/// A [`Dec`] stored in 32 bytes (what a small `Dec` takes), for containers
/// of many values (the interpreter's `Value`): small values inline, the
/// rare wide ones behind a shared pointer. A `Dec` itself is `Copy` and
/// holds a wide value inline, which takes 80 bytes; a value type twice as
/// large made every record field read of the interpreter slower (issue 16's
/// engines benchmark: 1.5x at 100,000 members).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompactDec(Compact);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Compact {
    // The denominator is positive: its zero is the niche that tells the
    // two apart, so this takes no more room than the two integers.
    Small {
        num: i128,
        den: std::num::NonZeroI128,
    },
    Wide(std::sync::Arc<Dec>),
}

impl CompactDec {
    /// The value.
    pub fn get(&self) -> Dec {
        match &self.0 {
            Compact::Small { num, den } => small(*num, den.get()),
            Compact::Wide(d) => **d,
        }
    }
}

impl From<Dec> for CompactDec {
    fn from(d: Dec) -> CompactDec {
        match d.0 {
            Repr::Small { num, den } => match std::num::NonZeroI128::new(den) {
                Some(den) => CompactDec(Compact::Small { num, den }),
                None => CompactDec(Compact::Wide(std::sync::Arc::new(d))),
            },
            Repr::Wide { .. } => CompactDec(Compact::Wide(std::sync::Arc::new(d))),
        }
    }
}

impl Ord for CompactDec {
    fn cmp(&self, other: &CompactDec) -> Ordering {
        self.get().cmp(&other.get())
    }
}

impl PartialOrd for CompactDec {
    fn partial_cmp(&self, other: &CompactDec) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Binary GCD, defined once for each width it is needed at.
macro_rules! binary_gcd {
    ($(#[$doc:meta])* $name:ident: $t:ty) => {
        $(#[$doc])*
        fn $name(mut a: $t, mut b: $t) -> $t {
            if a == 0 {
                return b;
            }
            if b == 0 {
                return a;
            }
            let shift = (a | b).trailing_zeros();
            a >>= a.trailing_zeros();
            loop {
                b >>= b.trailing_zeros();
                if a > b {
                    std::mem::swap(&mut a, &mut b);
                }
                b -= a;
                if b == 0 {
                    return a << shift;
                }
            }
        }
    };
}

binary_gcd!(
    /// Binary GCD of 128-bit integers.
    binary_gcd128: u128
);
binary_gcd!(
    /// [`binary_gcd128`] of 64-bit integers.
    gcd64: u64
);

/// The gcd of 128-bit integers: one remainder step (a single hardware
/// division when both fit in 64 bits), which brings the larger below the
/// smaller, then the binary algorithm, in 64 bits whenever the operands
/// fit. Decimals' denominators are mostly small (a power of ten), so the
/// remainder step does most of the work that the binary algorithm would
/// spend a hundred 128-bit iterations on.
pub(crate) fn gcd128(a: u128, b: u128) -> u128 {
    let (a, b) = if a < b { (b, a) } else { (a, b) };
    if b == 0 {
        return a;
    }
    let r = match (u64::try_from(a), u64::try_from(b)) {
        (Ok(a), Ok(b)) => u128::from(a % b),
        _ => a % b,
    };
    if r == 0 {
        return b;
    }
    match (u64::try_from(b), u64::try_from(r)) {
        (Ok(b), Ok(r)) => u128::from(gcd64(b, r)),
        _ => binary_gcd128(b, r),
    }
}

impl Ord for Dec {
    fn cmp(&self, other: &Dec) -> Ordering {
        if let (Repr::Small { num: a, den: b }, Repr::Small { num: c, den: d }) = (self.0, other.0)
        {
            if b == d {
                return a.cmp(&c);
            }
            // INVARIANT: products of two factors below 2^127 in magnitude.
            return (I256::from(a) * I256::from(d)).cmp(&(I256::from(c) * I256::from(b)));
        }
        let (x, y) = (self.parts(), other.parts());
        match (x.neg, y.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (neg, _) => {
                let left: U512 = x.num.widening_mul(y.den);
                let right: U512 = y.num.widening_mul(x.den);
                let o = left.cmp(&right);
                if neg {
                    o.reverse()
                } else {
                    o
                }
            }
        }
    }
}

impl PartialOrd for Dec {
    fn partial_cmp(&self, other: &Dec) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The decimal expansion of a `Dec` truncated toward zero after `places`
/// fractional digits (see [`Dec::truncated`]).
pub struct Truncated {
    dec: Dec,
    places: u32,
}

impl fmt::Display for Truncated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// The most decimal digits a `u128` quotient chunk holds: `10^38 < 2^127`.
        const CHUNK: u32 = 38;
        let Parts { neg, num, den } = self.dec.parts();
        let sign = if neg { "-" } else { "" };
        let (int, rem) = num.div_rem(den);
        write!(f, "{sign}{int}")?;
        if self.places == 0 {
            return Ok(());
        }
        f.write_str(".")?;
        // INVARIANT: `rem < den < 2^256` and `10^k <= 10^38 < 2^127`, so
        // `rem · 10^k` fits in 512 bits and the quotient (below `10^k`) in 128.
        let den: U512 = widen(den);
        let mut rem: U512 = widen(rem);
        let mut left = self.places;
        while left > 0 {
            let k = left.min(CHUNK);
            let scaled = rem * U512::from(10u128.pow(k));
            let (digits, r) = scaled.div_rem(den);
            rem = r;
            let digits = u128::try_from(digits).map_err(|_| fmt::Error)?;
            write!(f, "{digits:0>width$}", width = k as usize)?;
            left -= k;
        }
        Ok(())
    }
}

/// Exact decimal text when the expansion terminates (`0.3`, `-12.5`, `1000`,
/// and every power of two down to `2^-255`); otherwise the reduced fraction
/// (`2/3`).
impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.terminating_places() {
            Some(places) => write!(f, "{}", self.truncated(places)),
            None => {
                let Parts { neg, num, den } = self.parts();
                let sign = if neg { "-" } else { "" };
                write!(f, "{sign}{num}/{den}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `±num / den` from magnitudes, reduced.
    fn wide(neg: bool, num: U256, den: U256) -> Option<Dec> {
        Dec::reduce(neg, num, den)
    }

    /// `2^k - 1`.
    fn ones(k: usize) -> U256 {
        if k >= 256 {
            U256::MAX
        } else {
            (U256::ONE << k) - U256::ONE
        }
    }

    proptest! {
        /// The 128-bit reduction gives what the 256-bit one gives.
        #[test]
        fn narrow_reduction_equals_wide(n in any::<i128>(), d in any::<i128>(), small in any::<bool>()) {
            let d = if small { d % 1000 } else { d };
            prop_assume!(d != 0);
            let by_parts = wide(
                (n < 0) != (d < 0),
                U256::from(n.unsigned_abs()),
                U256::from(d.unsigned_abs()),
            );
            let (n, d) = (I256::from(n), I256::from(d));
            if let Some(narrow) = Dec::narrow(n, d) {
                prop_assert_eq!(Some(narrow), by_parts);
            }
            prop_assert_eq!(Dec::from_wide(n, d), by_parts);
        }

        /// The remainder-first gcd is the binary one.
        #[test]
        fn gcd128_equals_binary(a in any::<u128>(), b in any::<u128>(), shift in 0u32..128) {
            let (a64, b64) = (a >> shift, b >> (127 - shift));
            prop_assert_eq!(gcd128(a, b), binary_gcd128(a, b));
            prop_assert_eq!(gcd128(a64, b64), binary_gcd128(a64, b64));
            prop_assert_eq!(gcd128(a, b % 1000), binary_gcd128(a, b % 1000));
        }

        /// Multiplying small values after cancelling gives what the wide
        /// path gives, and fails exactly when the small result would not fit.
        #[test]
        fn cancelled_product_equals_wide(
            a in any::<i128>(), b in 1..i128::MAX, c in any::<i128>(), d in 1..i128::MAX,
            small in any::<bool>(),
        ) {
            let shrink = |x: i128| if small { x % 1_000_000 } else { x };
            let (Some(x), Some(y)) = (
                Dec::ratio(shrink(a), shrink(b).max(1)),
                Dec::ratio(shrink(c), shrink(d).max(1)),
            ) else {
                return Ok(());
            };
            let by_parts = Dec::mul_parts(x.parts(), y.parts());
            prop_assert_eq!(x.checked_mul(y), by_parts);
            let (Some((a, b)), Some((c, d))) = (x.small_parts(), y.small_parts()) else {
                return Ok(());
            };
            match mul_cancelled(a, b, c, d) {
                Some(p) => prop_assert_eq!(Some(p), by_parts),
                None => prop_assert!(by_parts.is_none_or(|p| p.small_parts().is_none())),
            }
        }

        /// A value has one representation: small exactly when both parts
        /// fit `i128`, whichever way it was made.
        #[test]
        fn representation_is_canonical(neg in any::<bool>(), nb in 0usize..=256, db in 1usize..=256, seed in any::<[u64; 8]>()) {
            let [n0, n1, n2, n3, d0, d1, d2, d3] = seed;
            let num = U256::from_limbs([n0, n1, n2, n3]) & ones(nb);
            let den = (U256::from_limbs([d0, d1, d2, d3]) & ones(db)) | U256::ONE;
            let Some(x) = wide(neg, num, den) else {
                return Ok(());
            };
            let p = x.parts();
            let fits = i128::try_from(p.den).is_ok()
                && u128::try_from(p.num).is_ok_and(|n| if p.neg { n <= 1 << 127 } else { n < 1 << 127 });
            prop_assert_eq!(x.small_parts().is_some(), fits);
            prop_assert_eq!(p.neg, x < Dec::ZERO);
        }
    }

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap_or(Dec::ZERO)
    }

    /// `2^256 - 1`, the largest magnitude.
    fn max() -> Dec {
        Dec::pack(false, U256::MAX, U256::ONE)
    }

    #[test]
    fn roots_floor() {
        assert_eq!(d("2").sqrt18(), Some(d("1.414213562373095048")));
        assert_eq!(d("0.25").sqrt18(), Some(d("0.5")));
        assert_eq!(d("-1").sqrt18(), None);
        assert_eq!(d("99.9").isqrt(), Some(d("9")));
        assert_eq!(
            d("1000000000000000000000000000000").isqrt(),
            Some(d("1000000000000000"))
        );
        for n in 0u64..2000 {
            let r = u64::try_from(isqrt(U256::from(n))).unwrap_or(0);
            assert!(r * r <= n && (r + 1) * (r + 1) > n, "isqrt({n}) = {r}");
        }
        for top in [U256::MAX, U256::MAX >> 1usize, U256::ONE << 255usize] {
            let r = isqrt(top);
            assert!(r.checked_mul(r).is_some_and(|s| s <= top));
            assert!((r + U256::ONE)
                .checked_mul(r + U256::ONE)
                .is_none_or(|s| s > top));
        }
        assert_eq!(
            max().isqrt(),
            Some(d("340282366920938463463374607431768211455"))
        );
        // sqrt of (2^256 - 1) to 18 places: a 512-bit intermediate.
        assert_eq!(
            max().sqrt18().map(|r| r.to_string()),
            Some("340282366920938463463374607431768211455.999999999999999999".into())
        );
    }

    #[test]
    fn powers_are_exact_or_none() {
        assert_eq!(d("1.5").checked_pow(3), Some(d("3.375")));
        assert_eq!(d("2").checked_pow(-2), Some(d("0.25")));
        assert_eq!(d("0").checked_pow(0), Some(Dec::ONE));
        assert_eq!(d("0").checked_pow(-1), None);
        assert_eq!(
            d("10").checked_pow(39).map(|x| x.to_string()),
            Some(format!("1{}", "0".repeat(39)))
        );
        assert_eq!(
            d("10").checked_pow(77).map(|x| x.to_string()),
            Some(format!("1{}", "0".repeat(77)))
        );
        assert_eq!(d("10").checked_pow(78), None);
        assert_eq!(
            d("2").checked_pow(255).map(|x| x.to_string()),
            Some(
                U256::from(1u8)
                    .checked_shl(255)
                    .map(|x| x.to_string())
                    .unwrap_or_default()
            )
        );
        assert_eq!(d("2").checked_pow(256), None);
        assert_eq!(
            d("0.1").checked_pow(77).map(|x| x.to_string()),
            Some(format!("0.{}1", "0".repeat(76)))
        );
        assert_eq!(d("0.1").checked_pow(78), None);
        assert_eq!(d("1").checked_pow(i64::MIN), Some(Dec::ONE));
    }

    #[test]
    fn mul_div_has_wide_intermediates() {
        let wei = d("1000000000000000000000000000000");
        let shares = d("100000000000000000000");
        assert_eq!(
            wei.checked_mul_div_floor(shares, d("300000000000000000000")),
            Some(d("333333333333333333333333333333"))
        );
        assert_eq!(d("7").checked_mul_div_floor(d("-1"), d("2")), Some(d("-4")));
        assert_eq!(d("7").checked_mul_div_floor(d("1"), d("-2")), Some(d("-4")));
        assert_eq!(
            d("1.5").checked_mul_div_floor(d("2.5"), d("0.5")),
            Some(d("7"))
        );
        assert_eq!(d("1").checked_mul_div_floor(d("1"), Dec::ZERO), None);
        // uint256 amounts: (2^256 - 1)^2 / (2^256 - 1), and a product of
        // 10^36-wei supplies over 10^36, both with a 512-bit `a · b`.
        assert_eq!(max().checked_mul_div_floor(max(), max()), Some(max()));
        let supply = d("1000000000000000000000000000000000000");
        assert_eq!(
            supply.checked_mul_div_floor(d("3").checked_mul(supply).unwrap_or(Dec::ZERO), supply),
            d("3").checked_mul(supply)
        );
        // The result does not fit: None, not a wrapped value.
        assert_eq!(max().checked_mul_div_floor(max(), d("0.5")), None);
        // The contract's floor, on an inexact quotient: floor((2^256-1)·3 / 7).
        assert_eq!(
            max()
                .checked_mul_div_floor(d("3"), d("7"))
                .map(|x| x.to_string()),
            Some(
                (U256::MAX.widening_mul::<256, 4, 512, 8>(U256::from(3u8)) / U512::from(7u8))
                    .to_string()
            )
        );
    }

    #[test]
    fn decimal_div_and_mod_floor() {
        assert_eq!(d("7.5").checked_floor_div(d("2")), Some(d("3")));
        assert_eq!(d("-7.5").checked_floor_div(d("2")), Some(d("-4")));
        assert_eq!(d("-7.5").checked_floor_mod(d("2")), Some(d("0.5")));
        assert_eq!(d("1").checked_floor_div(Dec::ZERO), None);
        assert_eq!(d("1").checked_floor_mod(Dec::ZERO), None);
        assert_eq!(d("7").checked_floor_mod(d("-2")), Some(d("-1")));
        assert_eq!(d("-7").checked_floor_mod(d("-2")), Some(d("-1")));
        assert_eq!(d("-6").checked_floor_mod(d("-2")), Some(Dec::ZERO));
    }

    /// Remainders and quotients whose exact value fits never overflow,
    /// however large the quotient or `rhs * quotient` would be.
    #[test]
    fn decimal_div_and_mod_at_the_edges() {
        let (max, min) = (max(), max().checked_neg().unwrap_or(Dec::ZERO));
        let e76 = d("1e76");
        assert_eq!(e76.checked_floor_mod(d("0.5")), Some(Dec::ZERO));
        assert_eq!(max.checked_floor_mod(d("7")), Some(d("1")));
        assert_eq!(min.checked_floor_mod(d("7")), Some(d("6")));
        assert_eq!(min.checked_floor_mod(d("-7")), Some(d("-1")));
        assert_eq!(min.checked_floor_mod(min), Some(Dec::ZERO));
        assert_eq!(max.checked_floor_mod(min), Some(Dec::ZERO));
        assert_eq!(max.checked_floor_mod(d("0.3")), Some(Dec::ZERO));
        assert_eq!(max.checked_floor_mod(d("0.7")), Some(d("0.3")));
        // The quotient itself must fit.
        assert_eq!(e76.checked_floor_div(d("0.5")), d("2e76").into());
        assert_eq!(max.checked_floor_div(d("0.5")), None);
        assert_eq!(min.checked_floor_div(d("-1")), Some(max));
        assert_eq!(min.checked_floor_div(Dec::ONE), Some(min));
        assert_eq!(
            min.checked_floor_div(d("2")).map(|x| x.to_string()),
            Some(format!("-{}", (U256::ONE << 255usize)))
        );
        assert_eq!(max.checked_floor_div(max), Some(Dec::ONE));
    }

    #[test]
    fn subtraction_does_not_negate_first() {
        let min = Dec::ratio(i128::MIN, 1).unwrap_or(Dec::ZERO);
        let max128 = Dec::ratio(i128::MAX, 1).unwrap_or(Dec::ZERO);
        assert_eq!(d("-1").checked_sub(min), Some(max128));
        assert_eq!(
            Dec::ZERO.checked_sub(min).map(|x| x.to_string()),
            Some("170141183460469231731687303715884105728".into())
        );
        assert_eq!(min.ceil(), Some(i128::MIN));
        assert_eq!(min.round(), Some(i128::MIN));
        assert_eq!(max128.floor(), Some(i128::MAX));
        let big_neg = max().checked_neg().unwrap_or(Dec::ZERO);
        assert_eq!(big_neg.checked_sub(Dec::ONE), None);
        assert_eq!(Dec::ONE.checked_sub(big_neg), None);
        assert_eq!(Dec::ZERO.checked_sub(big_neg), Some(max()));
        assert_eq!(max().floor(), None);
    }

    #[test]
    fn tenths_sum_exactly() {
        assert_eq!(d("0.1").checked_add(d("0.2")), Some(d("0.3")));
    }

    #[test]
    fn two_thirds_is_exact() {
        let two_thirds = Dec::ratio(2, 3).unwrap_or(Dec::ZERO);
        assert!(Dec::ratio(2, 3) >= Some(two_thirds));
        let close = Dec::ratio(666_666_666_666, 1_000_000_000_000).unwrap_or(Dec::ZERO);
        assert!(close < two_thirds);
        assert_eq!(
            two_thirds.checked_mul(Dec::from_int(3)),
            Some(Dec::from_int(2))
        );
    }

    #[test]
    fn holds_token_amounts() {
        let big = d("1000000000000.000000000000000001");
        assert_eq!(big.to_string(), "1000000000000.000000000000000001");
        let wei = d("1000000000000000000000000000000");
        assert_eq!(
            wei.checked_add(wei).map(|x| x.to_string()),
            Some("2000000000000000000000000000000".into())
        );
        // uint256's largest value, and a 10^36-wei supply times a ratio.
        let top = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert_eq!(d(top).to_string(), top);
        assert_eq!(Dec::parse(top), Ok(max()));
        assert_eq!(
            Dec::parse(
                "115792089237316195423570985008687907853269984665640564039457584007913129639936"
            ),
            Err(ParseDecError::TooLarge)
        );
        let supply = d("1000000000000000000000000000000000000");
        let quorum = d("0.04");
        assert_eq!(
            supply
                .checked_mul(d("1000"))
                .and_then(|s| s.checked_mul(quorum))
                .map(|x| x.to_string()),
            Some("40000000000000000000000000000000000000".into())
        );
        // (base - s) * yes, each 10^36-sized: a product that overflows i128.
        let base = d("5000000000000000000000000000000000000");
        let s = d("1000000000000000000000000000000000000");
        let yes = d("3000000000000000000000000000000000000");
        assert_eq!(
            base.checked_sub(s)
                .and_then(|x| x.checked_mul(yes))
                .map(|x| x.to_string()),
            Some(format!("12{}", "0".repeat(72)))
        );
    }

    #[test]
    fn overflow_is_reported() {
        assert_eq!(max().checked_add(Dec::ONE), None);
        assert_eq!(max().checked_mul(d("2")), None);
        assert_eq!(
            max()
                .checked_mul(d("0.5"))
                .map(|x| x.small_parts().is_none()),
            Some(true)
        );
        assert_eq!(Dec::ONE.checked_div(Dec::ZERO), None);
        assert_eq!(max().checked_div(Dec::ZERO), None);
        // 1 / (2^256 - 1) fits; 1 / (2^256 - 1) / 2 does not.
        let tiny = Dec::ONE.checked_div(max());
        assert!(tiny.is_some());
        assert_eq!(tiny.and_then(|t| t.checked_div(d("2"))), None);
    }

    #[test]
    fn rounding() {
        assert_eq!(d("2.5").round(), Some(3));
        assert_eq!(d("-2.5").round(), Some(-3));
        assert_eq!(d("-2.4").round(), Some(-2));
        assert_eq!(d("-2.5").floor(), Some(-3));
        assert_eq!(d("-2.5").ceil(), Some(-2));
        assert_eq!(d("2.1").ceil(), Some(3));
        // Wide values whose integer part fits i128.
        let third = Dec::ONE.checked_div(max()).unwrap_or(Dec::ZERO);
        assert_eq!(third.ceil(), Some(1));
        assert_eq!(third.floor(), Some(0));
        assert_eq!(third.checked_neg().and_then(Dec::floor), Some(-1));
    }

    #[test]
    fn json_numbers() {
        assert_eq!(Dec::parse_json_number("1.5e2"), Ok(Dec::from_int(150)));
        assert_eq!(Dec::parse_json_number("15e-1"), Ok(d("1.5")));
        assert_eq!(Dec::parse("1."), Err(ParseDecError::Syntax));
        assert_eq!(
            Dec::parse_json_number("1e77").map(|x| x.to_string()),
            Ok(format!("1{}", "0".repeat(77)))
        );
        assert_eq!(Dec::parse_json_number("2e77"), Err(ParseDecError::TooLarge));
        assert_eq!(
            Dec::parse_json_number("0.001e78"),
            Dec::parse_json_number("1e75")
        );
        assert_eq!(Dec::parse_json_number("0e99999"), Ok(Dec::ZERO));
        assert_eq!(
            Dec::parse_json_number("1e-99999"),
            Err(ParseDecError::TooLarge)
        );
        assert_eq!(
            Dec::parse_json_number("5e-256"),
            Dec::parse("2")
                .map(|two| two.checked_pow(-256))
                .map(|_| Err::<Dec, _>(ParseDecError::TooLarge))
                .unwrap_or(Err(ParseDecError::TooLarge))
        );
        // 78 digits on each side of the point.
        let side = "1".repeat(77);
        let text = format!("{side}.{side}");
        assert_eq!(Dec::parse(&text), Err(ParseDecError::TooLarge));
        let half = format!("{}.5", "9".repeat(76));
        assert_eq!(Dec::parse(&half).map(|x| x.to_string()), Ok(half.clone()));
        let frac = format!("0.{}", "0".repeat(76)) + "1";
        assert_eq!(Dec::parse(&frac).map(|x| x.to_string()), Ok(frac.clone()));
        let leading = format!("{}1", "0".repeat(500));
        assert_eq!(Dec::parse(&leading), Ok(Dec::ONE));
        let trailing = format!("1.{}", "0".repeat(500));
        assert_eq!(Dec::parse(&trailing), Ok(Dec::ONE));
        assert_eq!(Dec::parse("1_000.5"), Ok(d("1000.5")));
    }

    #[test]
    fn display() {
        assert_eq!(d("-0.05").to_string(), "-0.05");
        assert_eq!(d("12.50").to_string(), "12.5");
        assert_eq!(Dec::ratio(1, 3).map(|x| x.to_string()), Some("1/3".into()));
        // Terminating with more digits than 256 bits hold (found by the
        // differential tests: `-0.000000000000000001 / -9223372036854775808`):
        // printed exactly, never overflowing.
        let tiny = Dec::ratio(-1, 9_223_372_036_854_775_808_000_000_000_000_000_000);
        assert_eq!(
            tiny.map(|x| x.to_string()).as_deref(),
            Some("-0.000000000000000000000000000000000000108420217248550443400745280086994171142578125")
        );
        // (2^127 - 1) / 2^100 = 2^27 - 2^-100: 100 fractional digits ending in 5.
        let wide = Dec::ratio(i128::MAX, 1 << 100).map(|x| x.to_string());
        let wide = wide.as_deref().unwrap_or("");
        let (int, frac) = wide.split_once('.').unwrap_or(("", ""));
        assert_eq!((int, frac.len()), ("134217727", 100));
        assert!(frac.starts_with("99999999999999999999999999999921") && frac.ends_with('5'));
        // Wide fractions: the sign once, on the numerator.
        let third = max().checked_div(d("-3")).map(|x| x.to_string());
        assert_eq!(
            third.as_deref(),
            Some("-38597363079105398474523661669562635951089994888546854679819194669304376546645")
        );
        let over = Dec::ONE
            .checked_div(max())
            .and_then(|x| x.checked_neg())
            .map(|x| x.to_string());
        assert_eq!(over, Some(format!("-1/{}", U256::MAX)));
        // 2^-255: 255 fractional digits.
        let p = Dec::ONE.checked_div(Dec::pack(false, U256::ONE << 255usize, U256::ONE));
        assert_eq!(p.and_then(Dec::terminating_places), Some(255));
        assert_eq!(p.map(|x| x.to_string().len()), Some(257));
    }

    #[test]
    fn sizes() {
        // A cell of the JIT; the interpreter's values hold the compact form.
        assert!(std::mem::size_of::<Dec>() <= 80);
        assert_eq!(std::mem::size_of::<CompactDec>(), 32);
        for x in [
            Dec::ZERO,
            d("-2.5"),
            max(),
            Dec::ONE.checked_div(max()).unwrap_or(Dec::ZERO),
        ] {
            assert_eq!(CompactDec::from(x).get(), x);
        }
    }
}
