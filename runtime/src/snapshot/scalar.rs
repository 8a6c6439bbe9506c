//! Scalar JSON values (atoms) turned into typed [`Value`]s, and the short
//! renderings of JSON values that mismatch messages quote.

use crate::value::Value;
use polity_compiler::diagnostic::did_you_mean;
use polity_compiler::ir::Program;
use polity_compiler::num::{days_from_civil, Dec, ParseDecError};
use polity_compiler::types::Type;
use std::fmt::Write as _;

/// A JSON value as a mismatch message describes it, or a scalar to convert.
#[derive(Clone, Copy, Debug)]
pub(super) enum Atom<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer that fits `i64`.
    I64(i64),
    /// An integer that fits `u64` (but maybe not `i64`).
    U64(u64),
    /// Any other number, as written.
    Number(&'a str),
    /// A string.
    Str(&'a str),
    /// An object (only described, never converted).
    Object,
    /// An array (only described, never converted).
    Array,
}

/// Strings longer than this many characters are cut with `…` when quoted.
const QUOTE_LIMIT: usize = 40;

impl Atom<'_> {
    /// The rendering after "found": strings quoted, numbers as written.
    pub(super) fn found(self) -> String {
        match self {
            Atom::Null => "null".to_owned(),
            Atom::Bool(b) => b.to_string(),
            Atom::I64(n) => n.to_string(),
            Atom::U64(n) => n.to_string(),
            // serde_json spells every exponent `e+`/`e-`; `1e400` reads better.
            Atom::Number(text) => echo(&text.replacen("e+", "e", 1), "digits"),
            Atom::Str(s) => quote(s),
            Atom::Object => "an object".to_owned(),
            Atom::Array => "an array".to_owned(),
        }
    }
}

/// At most this many characters of any input are echoed in a message.
const ECHO_LIMIT: usize = 200;

/// Input to echo in a message: as it is when short, else its first
/// [`ECHO_LIMIT`] characters, `…` and its length in `unit`s (`digits` for a
/// number, counting only digits): `12345678…(1,000,000 digits)`.
pub(super) fn echo(s: &str, unit: &str) -> String {
    let Some((cut, _)) = s.char_indices().nth(ECHO_LIMIT) else {
        return s.to_owned();
    };
    let len = if unit == "digits" {
        s.bytes().filter(u8::is_ascii_digit).count()
    } else {
        s.chars().count()
    };
    format!("{}…({} {unit})", s.get(..cut).unwrap_or(s), thousands(len))
}

/// `1000000` as `1,000,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `"text"` with JSON escapes, cut at [`QUOTE_LIMIT`] characters (with the
/// text's length then).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(QUOTE_LIMIT) + 4);
    out.push('"');
    for (i, c) in s.chars().enumerate() {
        if i == QUOTE_LIMIT {
            let _ = write!(out, "…\"({} characters)", thousands(s.chars().count()));
            return out;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Converts a scalar to a value of `ty` (which is not optional: the caller
/// handles `null` for optionals), or says why it does not fit.
pub(super) fn convert(program: &Program, ty: &Type, atom: Atom<'_>) -> Result<Value, String> {
    let expected = || format!("expected {}, found {}", ty.display(program), atom.found());
    match (ty, atom) {
        (Type::Bool, Atom::Bool(b)) => Ok(Value::Bool(b)),
        (Type::Int, _) => whole(atom, "Int").ok_or_else(expected)?.map(Value::Int),
        (Type::Duration, Atom::Str(s)) => duration(s).map(Value::Duration),
        (Type::Duration, _) => whole(atom, "Duration")
            .ok_or_else(expected)?
            .and_then(|days| {
                days.checked_mul(polity_compiler::num::DAY)
                    .ok_or_else(|| format!("Duration out of range, found {days} days"))
            })
            .map(Value::Duration),
        (Type::Instant, Atom::Str(s)) => instant(s).map(Value::Instant),
        (Type::Period, Atom::Str(s)) => period(s).map(Value::Period),
        (Type::Period, _) => whole(atom, "Period")
            .ok_or_else(expected)?
            .map(Value::Period),
        (Type::Decimal, _) => decimal(atom).ok_or_else(expected)?.map(Value::dec),
        (Type::Date, Atom::Str(s)) => date(s).map(Value::Date),
        (Type::Text, Atom::Str(s)) => Ok(Value::text(s)),
        (Type::Enum(id), Atom::Str(s)) => enum_case(program, *id, s).map(Value::Enum),
        _ => Err(expected()),
    }
}

/// A Duration written as a charter writes it: `"72 hours"`, `"3 days"`,
/// `"90 minutes"`, `"2 weeks"`, `"30 seconds"` (a JSON number is a count of
/// days).
fn duration(s: &str) -> Result<i64, String> {
    let units = [
        ("second", 1),
        ("minute", 60),
        ("hour", 3_600),
        ("day", 86_400),
        ("week", 604_800),
    ];
    quantity(s, &units, "Duration", "\"72 hours\" or \"3 days\"")
}

/// `"N unit"` (or `"N units"`) in the smallest unit: `units` gives each
/// unit's size.
fn quantity(s: &str, units: &[(&str, i64)], what: &str, example: &str) -> Result<i64, String> {
    let bad = || format!("expected a {what} such as {example}, found {}", quote(s));
    let (n, unit) = s.trim().split_once(' ').ok_or_else(bad)?;
    let n: i64 = n.parse().map_err(|_| bad())?;
    let unit = unit.trim();
    let size = units
        .iter()
        .find(|(u, _)| unit == *u || unit.strip_suffix('s') == Some(u))
        .map(|(_, size)| *size)
        .ok_or_else(bad)?;
    n.checked_mul(size)
        .ok_or_else(|| format!("{what} out of range, found {}", quote(s)))
}

/// An Instant as RFC 3339 text (`"2026-03-01T12:00:00Z"`, an offset such as
/// `+02:00` converted to UTC), within the date range.
fn instant(s: &str) -> Result<i64, String> {
    let day = polity_compiler::num::DAY;
    // 0000-01-01T00:00Z up to the end of 9999-12-31, as dates are.
    let first = days_from_civil(0, 1, 1).unwrap_or(0) * day;
    let end = (days_from_civil(9999, 12, 31).unwrap_or(0) + 1) * day;
    match polity_compiler::num::parse_rfc3339(s) {
        Some(t) if (first..end).contains(&t) => Ok(t),
        Some(_) => Err(format!("Instant out of range, found {}", quote(s))),
        None => Err(format!(
            "expected an Instant in RFC 3339 form such as \"2026-03-01T12:00:00Z\", found {}",
            quote(s)
        )),
    }
}

/// A Period written as a charter writes it, `"6 months"` or `"2 years"`
/// (a JSON number is a count of months).
fn period(s: &str) -> Result<i64, String> {
    let units = [("month", 1), ("year", 12)];
    quantity(s, &units, "Period", "\"6 months\" or \"2 years\"")
}

/// A whole number for Int and Duration: `None` when the atom is not a number
/// at all; `Some(Err)` when it is one but not a whole number within `i64`.
fn whole(atom: Atom<'_>, what: &str) -> Option<Result<i64, String>> {
    let text = match atom {
        Atom::I64(n) => return Some(Ok(n)),
        Atom::U64(n) => {
            return Some(i64::try_from(n).map_err(|_| format!("{what} out of range, found {n}")))
        }
        Atom::Number(text) => text,
        _ => return None,
    };
    Some(match Dec::parse_json_number(text) {
        Ok(d) if d.is_integer() => d
            .to_i64()
            .ok_or_else(|| format!("{what} out of range, found {}", atom.found())),
        Ok(_) => Err(format!("expected {what}, found {}", atom.found())),
        Err(_) if mantissa_is_fractional(text) => {
            Err(format!("expected {what}, found {}", atom.found()))
        }
        Err(_) => Err(format!("{what} out of range, found {}", atom.found())),
    })
}

/// Whether a JSON number that could not be held has a non-zero fractional
/// part before its exponent is applied, a cheap hint for the message only.
fn mantissa_is_fractional(text: &str) -> bool {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let negative_exp = text.contains("e-") || text.contains("E-");
    negative_exp
        || mantissa
            .split_once('.')
            .is_some_and(|(_, frac)| frac.bytes().any(|b| b != b'0'))
}

/// A Decimal from a JSON number or a string `-?digits(.digits)?`: `None` when
/// the atom is neither; `Some(Err)` when it cannot be held exactly.
fn decimal(atom: Atom<'_>) -> Option<Result<Dec, String>> {
    let parsed = match atom {
        Atom::I64(n) => return Some(Ok(Dec::from_int(n))),
        Atom::U64(n) => return Some(Ok(dec_from_u64(n))),
        Atom::Number(text) => match small_decimal(text) {
            Some(d) => Ok(d),
            None => Dec::parse_json_number(text),
        },
        Atom::Str(s) if is_decimal_text(s) => match small_decimal(s) {
            Some(d) => Ok(d),
            None => Dec::parse(s),
        },
        _ => return None,
    };
    // A valid JSON number only fails to parse when it is too large or too
    // precise (its exponent may even overflow `i32`, which reads as `Syntax`).
    Some(parsed.map_err(|_: ParseDecError| {
        format!(
            "too large or too precise for a Decimal, found {}",
            atom.found()
        )
    }))
}

/// The fast path for `-?digits(.digits)?` with at most 38 digits (so the
/// digits fit `i128`): `Dec::parse` accumulates in 256 bits, which dominates
/// loading. `None` means "use the general parser", never "invalid".
fn small_decimal(text: &str) -> Option<Dec> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    // Trailing fractional zeros change nothing but the work of reducing.
    let frac = frac.trim_end_matches('0');
    if int.is_empty() || int.len() + frac.len() > 38 {
        return None;
    }
    let mut num: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        num = num * 10 + i128::from(b - b'0');
    }
    let num = if negative { -num } else { num };
    if frac.is_empty() {
        return i64::try_from(num).ok().map(Dec::from_int);
    }
    let den = 10i128.checked_pow(u32::try_from(frac.len()).ok()?)?;
    Dec::ratio(num, den)
}

fn dec_from_u64(n: u64) -> Dec {
    // INVARIANT: every u64 fits i128 and a denominator of 1 is never zero.
    Dec::ratio(i128::from(n), 1).unwrap_or(Dec::ZERO)
}

/// `-?digits(.digits)?`, strictly: no `+`, no underscores, no exponent.
fn is_decimal_text(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// A Date from `YYYY-MM-DD`: malformed text and impossible dates are told apart.
fn date(s: &str) -> Result<i64, String> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shaped {
        return Err(format!("expected Date (`YYYY-MM-DD`), found {}", quote(s)));
    }
    let field = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let parts = (field(0..4), field(5..7), field(8..10));
    let (Some(y), Some(m), Some(d)) = parts else {
        return Err(format!("expected Date (`YYYY-MM-DD`), found {}", quote(s)));
    };
    days_from_civil(i64::from(y), m, d).ok_or_else(|| format!("impossible date `{s}`"))
}

/// The index of a case of an enum by name.
fn enum_case(
    program: &Program,
    id: polity_compiler::types::EnumId,
    name: &str,
) -> Result<u32, String> {
    let Some(def) = program.enum_def(id) else {
        return Err(format!("unknown case {}", quote(name)));
    };
    if let Some(i) = def.cases.iter().position(|c| c == name) {
        return u32::try_from(i).map_err(|_| "too many enum cases".to_owned());
    }
    let mut message = format!(
        "unknown case `{}` of `{}`, expected one of ",
        echo(name, "characters"),
        def.name
    );
    for (i, case) in def.cases.iter().enumerate() {
        if i > 0 {
            message.push_str(", ");
        }
        let _ = write!(message, "`{case}`");
    }
    if let Some(close) = did_you_mean(name, def.cases.iter().map(String::as_str)) {
        let _ = write!(message, "; did you mean `{close}`?");
    }
    Err(message)
}
