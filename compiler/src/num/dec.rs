//! [`Dec`]: an exact rational number.
//!
//! A `Dec` is `num / den` in lowest terms with `den > 0`, both fitting in `i128`.
//! Every operation computes the exact result with 256-bit intermediates, reduces
//! it, and reports overflow (`None`) only when the reduced result does not fit.
//! This makes `2/3 * x` and `a / b >= 2/3` exact, holds 10^30 base units, and
//! represents every decimal with up to 18 (in fact 38) fractional digits.

use ethnum::I256;
use std::cmp::Ordering;
use std::fmt;

/// An exact rational number in lowest terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dec {
    num: i128,
    den: i128,
}

/// Why a decimal literal or snapshot string could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseDecError {
    /// Not of the form `-?digits(.digits)?`.
    Syntax,
    /// Too many digits to hold exactly.
    TooLarge,
}

impl Dec {
    /// Zero.
    pub const ZERO: Dec = Dec { num: 0, den: 1 };
    /// One.
    pub const ONE: Dec = Dec { num: 1, den: 1 };

    /// The integer `n`.
    pub const fn from_int(n: i64) -> Dec {
        Dec {
            num: n as i128,
            den: 1,
        }
    }

    /// `num / den`, reduced; `None` when `den == 0`.
    pub fn ratio(num: i128, den: i128) -> Option<Dec> {
        Dec::from_wide(I256::from(num), I256::from(den))
    }

    /// The numerator (in lowest terms; carries the sign).
    pub fn numer(self) -> i128 {
        self.num
    }

    /// The denominator (in lowest terms; always positive).
    pub fn denom(self) -> i128 {
        self.den
    }

    /// Whether this is an integer.
    pub fn is_integer(self) -> bool {
        self.den == 1
    }

    /// Reduces a wide fraction and narrows it; `None` if it does not fit or `den == 0`.
    pub(crate) fn from_wide(num: I256, den: I256) -> Option<Dec> {
        if den == I256::ZERO {
            return None;
        }
        Dec::narrow(num, den).or_else(|| Dec::reduce_wide(num, den))
    }

    /// [`Dec::from_wide`] in 256-bit arithmetic throughout.
    fn reduce_wide(mut num: I256, mut den: I256) -> Option<Dec> {
        if den == I256::ZERO {
            return None;
        }
        if den < I256::ZERO {
            num = num.checked_neg()?;
            den = den.checked_neg()?;
        }
        let g = gcd(num.unsigned_abs(), den.unsigned_abs());
        if g > ethnum::U256::ONE {
            let g = I256::try_from(g).ok()?;
            num /= g;
            den /= g;
        }
        Some(Dec {
            num: i128::try_from(num).ok()?,
            den: i128::try_from(den).ok()?,
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
        Some(Dec {
            num: n.checked_div(g)?,
            den: d.checked_div(g)?,
        })
    }

    /// `self + rhs`.
    pub fn checked_add(self, rhs: Dec) -> Option<Dec> {
        self.add_or_sub(rhs, false)
    }

    /// `self - rhs`, computed directly (not as `self + -rhs`, whose negation
    /// overflows for a numerator of `i128::MIN` although `-1 - rhs` may fit).
    pub fn checked_sub(self, rhs: Dec) -> Option<Dec> {
        self.add_or_sub(rhs, true)
    }

    /// `self + rhs`, or `self - rhs` when `sub`. INVARIANT: every 256-bit
    /// intermediate is a sum of two products of factors below 2^127 in
    /// magnitude, so it stays below 2^255.
    fn add_or_sub(self, rhs: Dec, sub: bool) -> Option<Dec> {
        if self.den == rhs.den && self.den == 1 {
            let r = if sub {
                self.num.checked_sub(rhs.num)
            } else {
                self.num.checked_add(rhs.num)
            };
            return r.map(|num| Dec { num, den: 1 });
        }
        let (a, b, mut c, d) = self.wide(rhs);
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
        if self.den == 1 && rhs.den == 1 {
            return self.num.checked_mul(rhs.num).map(|num| Dec { num, den: 1 });
        }
        self.mul_cancelled(rhs).or_else(|| self.mul_wide(rhs))
    }

    /// `self * rhs` with each numerator first divided by its gcd with the
    /// other denominator: both operands being in lowest terms, the products
    /// are then in lowest terms too, with no 256-bit product or gcd. `None`
    /// when a product overflows 128 bits (then so does the reduced result,
    /// which these products are).
    fn mul_cancelled(self, rhs: Dec) -> Option<Dec> {
        // 0 < g <= the denominator, which fits in i128.
        let g1 = i128::try_from(gcd128(self.num.unsigned_abs(), rhs.den.unsigned_abs())).ok()?;
        let g2 = i128::try_from(gcd128(rhs.num.unsigned_abs(), self.den.unsigned_abs())).ok()?;
        Some(Dec {
            num: (self.num / g1).checked_mul(rhs.num / g2)?,
            den: (self.den / g2).checked_mul(rhs.den / g1)?,
        })
    }

    /// `self * rhs` through a 256-bit product, reduced.
    fn mul_wide(self, rhs: Dec) -> Option<Dec> {
        let (a, b, c, d) = self.wide(rhs);
        Dec::from_wide(a.checked_mul(c)?, b.checked_mul(d)?)
    }

    /// `self / rhs`; `None` on division by zero or overflow.
    pub fn checked_div(self, rhs: Dec) -> Option<Dec> {
        let (a, b, c, d) = self.wide(rhs);
        Dec::from_wide(a.checked_mul(d)?, b.checked_mul(c)?)
    }

    /// `-self`.
    pub fn checked_neg(self) -> Option<Dec> {
        Some(Dec {
            num: self.num.checked_neg()?,
            den: self.den,
        })
    }

    /// `|self|`.
    pub fn checked_abs(self) -> Option<Dec> {
        Some(Dec {
            num: self.num.checked_abs()?,
            den: self.den,
        })
    }

    /// The largest integer `<= self`.
    pub fn floor(self) -> i128 {
        self.num.div_euclid(self.den)
    }

    /// The smallest integer `>= self`.
    pub fn ceil(self) -> i128 {
        // Negated in 256 bits: `ceil(i128::MIN)` is `i128::MIN`, whose `-(-x)` would overflow.
        let ceil = -((-I256::from(self.num)).div_euclid(I256::from(self.den)));
        ceil.as_i128()
    }

    /// The nearest integer, ties away from zero (`2.5` to `3`, `-2.5` to `-3`).
    pub fn round(self) -> i128 {
        let twice = I256::from(self.num) * 2;
        let den = I256::from(self.den);
        let q = if self.num >= 0 {
            (twice + den).div_euclid(den * 2)
        } else {
            -((-twice + den).div_euclid(den * 2))
        };
        q.as_i128()
    }

    /// `floor(self / rhs)` as an integer-valued `Dec` (`a div b` on decimals);
    /// `None` on division by zero or overflow.
    pub fn checked_floor_div(self, rhs: Dec) -> Option<Dec> {
        let (a, b, c, d) = self.wide(rhs);
        let (n, m) = (a.checked_mul(d)?, b.checked_mul(c)?);
        if m == I256::ZERO {
            return None;
        }
        let (n, m) = if m < I256::ZERO { (-n, -m) } else { (n, m) };
        Dec::from_wide(n.div_euclid(m), I256::ONE)
    }

    /// `floor(self · b / c)` as an integer-valued `Dec`, with 256-bit
    /// intermediates (Solidity's `Math.mulDiv`): `None` when `c` is 0, when
    /// `num(self)·num(b)·den(c)` or `den(self)·den(b)·num(c)` exceeds 255 bits
    /// (never for integers), or when the result exceeds `i128`.
    pub fn checked_mul_div_floor(self, b: Dec, c: Dec) -> Option<Dec> {
        if c.num == 0 {
            return None;
        }
        // INVARIANT: each factor is below 2^127, so each pairwise product fits.
        let n = I256::from(self.num) * I256::from(b.num);
        let d = I256::from(self.den) * I256::from(b.den);
        let (n, d) = (
            n.checked_mul(I256::from(c.den))?,
            d.checked_mul(I256::from(c.num))?,
        );
        let (n, d) = if d < I256::ZERO { (-n, -d) } else { (n, d) };
        Dec::from_wide(n.div_euclid(d), I256::ONE)
    }

    /// `self - rhs * floor(self / rhs)` (`a mod b` on decimals: the sign of
    /// `rhs`); `None` on division by zero, or when the exact remainder does
    /// not fit. With `self = a/b` and `rhs = c/d` (`b, d > 0`) it is
    /// `(a·d mod c·b) / (b·d)`, each product below 2^254, so neither the
    /// quotient (which may exceed `i128`, as in `10^38 mod 0.5`) nor
    /// `rhs * quotient` is ever narrowed.
    pub fn checked_floor_mod(self, rhs: Dec) -> Option<Dec> {
        let (a, b, c, d) = self.wide(rhs);
        let (n, m) = (a * d, c * b);
        let r = n.checked_rem_euclid(m)?;
        // `rem_euclid` is in `[0, |m|)`; flooring takes the sign of `m`.
        let r = if m < I256::ZERO && r != I256::ZERO {
            r + m
        } else {
            r
        };
        Dec::from_wide(r, b * d)
    }

    /// `self` to the integer power `n`, exactly: `0^0 = 1`, and a negative `n`
    /// gives `1 / self^|n|`. `None` when the exact result does not fit (the
    /// numerator and denominator of `self^|n|` are those of `self` to the
    /// power `|n|`, so this is exactly when one of them exceeds `i128`), or
    /// when `self` is 0 and `n < 0` (the caller reports division by zero).
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
        if self.num < 0 {
            return None;
        }
        let floor = I256::from(self.num).div_euclid(I256::from(self.den));
        let r = isqrt_u256(floor.unsigned_abs());
        Dec::from_wide(I256::try_from(r).ok()?, I256::ONE)
    }

    /// The square root rounded down to 18 fractional digits:
    /// `isqrt(floor(self * 10^36)) / 10^18`, computed exactly in 256 bits.
    /// `None` when negative.
    pub fn sqrt18(self) -> Option<Dec> {
        if self.num < 0 {
            return None;
        }
        let scale = I256::from(10u8).pow(36);
        // INVARIANT: |num| < 2^127 and 10^36 < 2^120, so the product fits.
        let scaled = (I256::from(self.num) * scale).div_euclid(I256::from(self.den));
        let r = isqrt_u256(scaled.unsigned_abs());
        Dec::from_wide(I256::try_from(r).ok()?, I256::from(10u8).pow(18))
    }

    /// The integer value, if this is an integer that fits `i64`.
    pub fn to_i64(self) -> Option<i64> {
        if self.den == 1 {
            i64::try_from(self.num).ok()
        } else {
            None
        }
    }

    fn wide(self, rhs: Dec) -> (I256, I256, I256, I256) {
        (
            I256::from(self.num),
            I256::from(self.den),
            I256::from(rhs.num),
            I256::from(rhs.den),
        )
    }

    /// Reads `-?digits(.digits)?` exactly (underscores between digits allowed).
    pub fn parse(text: &str) -> Result<Dec, ParseDecError> {
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
        let mut num = I256::ZERO;
        let mut den = I256::ONE;
        let ten = I256::from(10u8);
        for b in int_part
            .bytes()
            .chain(frac_part.bytes())
            .filter(|b| *b != b'_')
        {
            num = num
                .checked_mul(ten)
                .and_then(|n| n.checked_add(I256::from(b - b'0')))
                .ok_or(ParseDecError::TooLarge)?;
        }
        for _ in frac_part.bytes().filter(|b| *b != b'_') {
            den = den.checked_mul(ten).ok_or(ParseDecError::TooLarge)?;
        }
        if neg {
            num = -num;
        }
        Dec::from_wide(num, den).ok_or(ParseDecError::TooLarge)
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
        let m = Dec::parse(mantissa)?;
        if exp.unsigned_abs() > 76 {
            return if m.num == 0 {
                Ok(Dec::ZERO)
            } else {
                Err(ParseDecError::TooLarge)
            };
        }
        let p = Dec::pow10(exp.unsigned_abs()).ok_or(ParseDecError::TooLarge)?;
        let r = if exp >= 0 {
            m.checked_mul(p)
        } else {
            m.checked_div(p)
        };
        r.ok_or(ParseDecError::TooLarge)
    }

    fn pow10(n: u32) -> Option<Dec> {
        let mut v: i128 = 1;
        for _ in 0..n {
            v = v.checked_mul(10)?;
        }
        Some(Dec { num: v, den: 1 })
    }

    /// If the decimal expansion terminates (the denominator is `2^a 5^b`),
    /// the number of fractional digits it has: `max(a, b)`, at most 127.
    pub fn terminating_places(self) -> Option<u32> {
        let mut d = self.den;
        let (mut twos, mut fives) = (0u32, 0u32);
        while d % 2 == 0 {
            d /= 2;
            twos += 1;
        }
        while d % 5 == 0 {
            d /= 5;
            fives += 1;
        }
        (d == 1).then_some(twos.max(fives))
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
fn isqrt_u256(n: ethnum::U256) -> ethnum::U256 {
    if n < 2 {
        return n;
    }
    let bits = 256 - n.leading_zeros();
    // INVARIANT: x starts at 2^ceil(bits/2) >= sqrt(n) and decreases to the floor.
    let mut x = ethnum::U256::ONE << bits.div_ceil(2);
    loop {
        let y = (x + n / x) >> 1;
        if y >= x {
            return x;
        }
        x = y;
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
    /// Binary GCD on unsigned 256-bit integers.
    gcd: ethnum::U256
);
binary_gcd!(
    /// [`gcd`] of 128-bit integers.
    binary_gcd128: u128
);
binary_gcd!(
    /// [`gcd`] of 64-bit integers.
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
        if self.den == other.den {
            return self.num.cmp(&other.num);
        }
        let (a, b, c, d) = self.wide(*other);
        (a * d).cmp(&(c * b))
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
        let Dec { num, den } = self.dec;
        let den = den.unsigned_abs();
        let abs = num.unsigned_abs();
        let sign = if num < 0 { "-" } else { "" };
        write!(f, "{sign}{}", abs / den)?;
        if self.places == 0 {
            return Ok(());
        }
        f.write_str(".")?;
        // INVARIANT: `rem < den < 2^127` and `10^k <= 10^38 < 2^127`, so
        // `rem · 10^k` fits in 256 bits and the quotient (below `10^k`) in 128.
        let den_wide = ethnum::U256::from(den);
        let mut rem = ethnum::U256::from(abs % den);
        let mut left = self.places;
        while left > 0 {
            let k = left.min(CHUNK);
            let scaled = rem * ethnum::U256::from(10u8).pow(k);
            let digits = (scaled / den_wide).as_u128();
            rem = scaled % den_wide;
            write!(f, "{digits:0>width$}", width = k as usize)?;
            left -= k;
        }
        Ok(())
    }
}

/// Exact decimal text when the expansion terminates (`0.3`, `-12.5`, `1000`,
/// and every power of two down to `2^-126`); otherwise the reduced fraction
/// (`2/3`).
impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.terminating_places() {
            Some(places) => write!(f, "{}", self.truncated(places)),
            None => write!(f, "{}/{}", self.num, self.den),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The 128-bit reduction gives what the 256-bit one gives.
        #[test]
        fn narrow_reduction_equals_wide(n in any::<i128>(), d in any::<i128>(), small in any::<bool>()) {
            let d = if small { d % 1000 } else { d };
            prop_assume!(d != 0);
            let (n, d) = (I256::from(n), I256::from(d));
            if let Some(narrow) = Dec::narrow(n, d) {
                prop_assert_eq!(Some(narrow), Dec::reduce_wide(n, d));
            }
            prop_assert_eq!(Dec::from_wide(n, d), Dec::reduce_wide(n, d));
        }

        /// The remainder-first gcd is the binary one.
        #[test]
        fn gcd128_equals_binary(a in any::<u128>(), b in any::<u128>(), shift in 0u32..128) {
            let (a64, b64) = (a >> shift, b >> (127 - shift));
            prop_assert_eq!(gcd128(a, b), binary_gcd128(a, b));
            prop_assert_eq!(gcd128(a64, b64), binary_gcd128(a64, b64));
            prop_assert_eq!(gcd128(a, b % 1000), binary_gcd128(a, b % 1000));
        }

        /// Multiplying after cancelling gives what reducing the 256-bit
        /// product gives, and fails exactly when that does.
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
            prop_assert_eq!(x.checked_mul(y), x.mul_wide(y));
            if let Some(p) = x.mul_cancelled(y) {
                prop_assert_eq!(Some(p), x.mul_wide(y));
            }
        }
    }

    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap_or(Dec::ZERO)
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
            let r = isqrt_u256(ethnum::U256::from(n)).as_u64();
            assert!(r * r <= n && (r + 1) * (r + 1) > n, "isqrt({n}) = {r}");
        }
        let max = ethnum::U256::MAX;
        let r = isqrt_u256(max);
        assert!(r.checked_mul(r).is_some() && (r + 1).checked_mul(r + 1).is_none());
    }

    #[test]
    fn powers_are_exact_or_none() {
        assert_eq!(d("1.5").checked_pow(3), Some(d("3.375")));
        assert_eq!(d("2").checked_pow(-2), Some(d("0.25")));
        assert_eq!(d("0").checked_pow(0), Some(Dec::ONE));
        assert_eq!(d("0").checked_pow(-1), None);
        assert_eq!(
            d("10").checked_pow(38),
            Some(Dec::ratio(10i128.pow(38), 1).unwrap_or(Dec::ZERO))
        );
        assert_eq!(d("10").checked_pow(39), None);
        assert_eq!(d("1").checked_pow(i64::MIN), Some(Dec::ONE));
    }

    #[test]
    fn mul_div_has_wide_intermediates() {
        let wei = d("1000000000000000000000000000000");
        let shares = d("100000000000000000000");
        assert_eq!(wei.checked_mul(shares), None);
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
        let min = Dec::ratio(i128::MIN, 1).unwrap_or(Dec::ZERO);
        let max = Dec::ratio(i128::MAX, 1).unwrap_or(Dec::ZERO);
        let e38 = d("100000000000000000000000000000000000000");
        assert_eq!(e38.checked_floor_mod(d("0.5")), Some(Dec::ZERO));
        assert_eq!(
            max.checked_neg().and_then(|m| m.checked_floor_mod(d("7"))),
            Some(d("6"))
        );
        assert_eq!(min.checked_floor_mod(d("7")), Some(d("5")));
        assert_eq!(min.checked_floor_mod(d("-7")), Some(d("-2")));
        assert_eq!(min.checked_floor_mod(min), Some(Dec::ZERO));
        assert_eq!(max.checked_floor_mod(min), Some(d("-1")));
        assert_eq!(min.checked_floor_mod(d("0.3")), Some(d("0.1")));
        // The quotient itself must fit.
        assert_eq!(e38.checked_floor_div(d("0.5")), None);
        assert_eq!(min.checked_floor_div(d("-1")), None);
        assert_eq!(min.checked_floor_div(Dec::ONE), Some(min));
        assert_eq!(
            min.checked_floor_div(d("2")),
            d("-85070591730234615865843651857942052864").into()
        );
        assert_eq!(max.checked_floor_div(d("-0.5")), None);
        assert_eq!(max.checked_floor_div(max), Some(Dec::ONE));
    }

    #[test]
    fn subtraction_does_not_negate_first() {
        let min = Dec::ratio(i128::MIN, 1).unwrap_or(Dec::ZERO);
        let max = Dec::ratio(i128::MAX, 1).unwrap_or(Dec::ZERO);
        assert_eq!(d("-1").checked_sub(min), Some(max));
        let half_min = min.checked_div(d("3"));
        assert_eq!(
            half_min.and_then(|h| d("-1").checked_sub(h)),
            Dec::ratio(i128::MIN + 3, 3).and_then(|x| x.checked_neg())
        );
        assert_eq!(Dec::ZERO.checked_sub(min), None);
        assert_eq!(min.ceil(), i128::MIN);
        assert_eq!(min.round(), i128::MIN);
        assert_eq!(max.floor(), i128::MAX);
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
    }

    #[test]
    fn overflow_is_reported() {
        let big = Dec::ratio(i128::MAX, 1).unwrap_or(Dec::ZERO);
        assert_eq!(big.checked_add(Dec::ONE), None);
        assert_eq!(Dec::ONE.checked_div(Dec::ZERO), None);
    }

    #[test]
    fn rounding() {
        assert_eq!(d("2.5").round(), 3);
        assert_eq!(d("-2.5").round(), -3);
        assert_eq!(d("-2.4").round(), -2);
        assert_eq!(d("-2.5").floor(), -3);
        assert_eq!(d("-2.5").ceil(), -2);
        assert_eq!(d("2.1").ceil(), 3);
    }

    #[test]
    fn json_numbers() {
        assert_eq!(Dec::parse_json_number("1.5e2"), Ok(Dec::from_int(150)));
        assert_eq!(Dec::parse_json_number("15e-1"), Ok(d("1.5")));
        assert_eq!(Dec::parse("1."), Err(ParseDecError::Syntax));
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
    }
}
