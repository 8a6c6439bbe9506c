//! Proleptic Gregorian dates as day numbers (days since 1970-01-01).

/// Days since 1970-01-01 of a valid `(year, month, day)`; `None` if impossible.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    // Howard Hinnant's days_from_civil, on eras of 400 years.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `(year, month, day)` of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day `months` calendar months after day number `day` (before, when
/// negative), clamped to the end of the month: `2026-01-31` + 1 month is
/// `2026-02-28`. `None` when the year leaves `i32` (callers check their own
/// date range).
pub fn add_months(day: i64, months: i64) -> Option<i64> {
    let (y, m, d) = civil_from_days(day);
    let index = y
        .checked_mul(12)?
        .checked_add(i64::from(m) - 1)?
        .checked_add(months)?;
    let (y, m) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32);
    if i32::try_from(y).is_err() {
        return None;
    }
    days_from_civil(y, m, d.min(days_in_month(y, m)))
}

/// The ISO 8601 day of the week of a day number: 1 (Monday) to 7 (Sunday).
pub fn weekday(day: i64) -> i64 {
    // 1970-01-01 was a Thursday (4).
    (day + 3).rem_euclid(7) + 1
}

/// `(year, month, day)` as integers, for the calendar fields.
pub fn fields(day: i64) -> (i64, i64, i64) {
    let (y, m, d) = civil_from_days(day);
    (y, i64::from(m), i64::from(d))
}

/// The first day of the month, quarter (`months` = 3) or year (12) of a
/// day number; `months` must divide 12.
pub fn period_start(day: i64, months: u32) -> i64 {
    let (y, m, _) = civil_from_days(day);
    let first = (m - 1) / months.max(1) * months.max(1) + 1;
    days_from_civil(y, first, 1).unwrap_or(day)
}

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Seconds since 1970-01-01T00:00Z of an instant written
/// `YYYY-MM-DDTHH:MMZ` or `YYYY-MM-DDTHH:MM:SSZ` (UTC only); `None` if
/// malformed or impossible.
pub fn parse_instant(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    let time = time.strip_suffix('Z')?;
    instant_of(parse_date(date)?, time, 0)
}

/// Seconds since the epoch of an RFC 3339 date-time as snapshots write it:
/// `2026-03-01T12:00:00Z`, `2026-03-01T12:00:00+02:00` (converted to UTC),
/// seconds optional; fractional seconds only if all zeros (`.000`).
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, time) = text.split_once(['T', 't'])?;
    let (clock, offset) = if let Some(t) = time.strip_suffix(['Z', 'z']) {
        (t, 0)
    } else {
        let at = time.rfind(['+', '-'])?;
        let (clock, off) = time.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off.get(1..)?.split_once(':')?;
        let (h, m) = (two_digits(h)?, two_digits(m)?);
        if h > 23 || m > 59 {
            return None;
        }
        (clock, sign * (h * 3600 + m * 60))
    };
    let clock = match clock.split_once('.') {
        Some((c, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => c,
        Some(_) => return None,
        None => clock,
    };
    instant_of(parse_date(date)?, clock, offset)
}

/// The instant of day number `day` at `HH:MM` or `HH:MM:SS`, minus `offset`
/// seconds (a local time's offset from UTC).
fn instant_of(day: i64, clock: &str, offset: i64) -> Option<i64> {
    let mut parts = clock.split(':');
    let h = two_digits(parts.next()?)?;
    let m = two_digits(parts.next()?)?;
    let s = match parts.next() {
        Some(s) => two_digits(s)?,
        None => 0,
    };
    if parts.next().is_some() || h > 23 || m > 59 || s > 59 {
        return None;
    }
    day.checked_mul(DAY)?
        .checked_add(h * 3600 + m * 60 + s)?
        .checked_sub(offset)
}

fn two_digits(s: &str) -> Option<i64> {
    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DDTHH:MMZ` (with `:SS` when the seconds are not zero).
pub fn format_instant(t: i64) -> String {
    let (day, secs) = (t.div_euclid(DAY), t.rem_euclid(DAY));
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let date = format_date(day);
    if s == 0 {
        format!("{date}T{h:02}:{m:02}Z")
    } else {
        format!("{date}T{h:02}:{m:02}:{s:02}Z")
    }
}

/// The instant `months` calendar months after `t`: its date moved as
/// [`add_months`] does, its time of day kept.
pub fn add_months_instant(t: i64, months: i64) -> Option<i64> {
    let (day, secs) = (t.div_euclid(DAY), t.rem_euclid(DAY));
    add_months(day, months)?.checked_mul(DAY)?.checked_add(secs)
}

/// Reads `YYYY-MM-DD` (exactly four, two and two digits); `None` if malformed or impossible.
pub fn parse_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let y: i64 = text.get(0..4)?.parse().ok()?;
    let m: u32 = text.get(5..7)?.parse().ok()?;
    let d: u32 = text.get(8..10)?.parse().ok()?;
    if !text.get(0..4)?.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    days_from_civil(y, m, d)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    match u32::try_from(y) {
        // Years 0 to 9999, as nearly every date is, without the formatting
        // machinery: explanations and JSON output write one per date shown.
        Ok(y) if y <= 9999 => {
            let digits = [
                y / 1000,
                y / 100 % 10,
                y / 10 % 10,
                y % 10,
                m / 10,
                m % 10,
                d / 10,
                d % 10,
            ];
            let mut out = String::with_capacity(10);
            for (i, digit) in digits.into_iter().enumerate() {
                if i == 4 || i == 6 {
                    out.push('-');
                }
                out.push(char::from(b'0' + digit as u8));
            }
            out
        }
        _ => format!("{y:04}-{m:02}-{d:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> i64 {
        parse_date(s).unwrap_or(i64::MIN)
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        let after = |s: &str, n: i64| add_months(d(s), n).map(format_date);
        assert_eq!(after("2026-01-31", 1).as_deref(), Some("2026-02-28"));
        assert_eq!(after("2024-01-31", 1).as_deref(), Some("2024-02-29"));
        assert_eq!(after("2024-02-29", 12).as_deref(), Some("2025-02-28"));
        assert_eq!(after("2024-02-29", 48).as_deref(), Some("2028-02-29"));
        assert_eq!(after("2026-03-31", -1).as_deref(), Some("2026-02-28"));
        assert_eq!(after("2026-05-31", 1).as_deref(), Some("2026-06-30"));
        assert_eq!(after("2026-12-15", 1).as_deref(), Some("2027-01-15"));
        assert_eq!(after("2026-01-15", -1).as_deref(), Some("2025-12-15"));
        assert_eq!(after("2026-01-15", -25).as_deref(), Some("2023-12-15"));
        assert_eq!(add_months(d("0000-01-01"), -1), days_from_civil(-1, 12, 1));
        assert_eq!(add_months(0, i64::MAX), None);
        assert_eq!(add_months(0, i64::MIN), None);
    }

    #[test]
    fn dates_print_as_the_general_format_does() {
        let general = |days: i64| {
            let (y, m, dd) = civil_from_days(days);
            format!("{y:04}-{m:02}-{dd:02}")
        };
        let edges = [d("0000-01-01"), d("9999-12-31")];
        let around = edges.iter().flat_map(|e| (e - 400..e + 400).step_by(1));
        for day in (d("0000-01-01") - 800_000..d("9999-12-31") + 800_000)
            .step_by(97)
            .chain(around)
        {
            assert_eq!(format_date(day), general(day), "day {day}");
        }
        assert_eq!(format_date(d("2026-02-01")), "2026-02-01");
        assert_eq!(format_date(d("0007-10-09")), "0007-10-09");
        assert_eq!(format_date(d("0000-01-01") - 1), "-001-12-31");
        assert_eq!(format_date(d("9999-12-31") + 1), "10000-01-01");
    }

    /// Every day of four centuries against stepping month by month.
    #[test]
    fn months_agree_with_counting_month_lengths() {
        for day in (d("1900-01-01")..d("2300-01-01")).step_by(7) {
            let (y, m, dd) = civil_from_days(day);
            for k in [1i64, 5, 12, 13, -1, -7, -12, -30] {
                // Walk `k` months through (year, month) by hand.
                let (mut yy, mut mm) = (y, i64::from(m));
                for _ in 0..k.abs() {
                    mm += k.signum();
                    if mm == 13 {
                        (yy, mm) = (yy + 1, 1);
                    }
                    if mm == 0 {
                        (yy, mm) = (yy - 1, 12);
                    }
                }
                let want = days_from_civil(yy, mm as u32, dd.min(days_in_month(yy, mm as u32)));
                assert_eq!(
                    add_months(day, k),
                    want,
                    "{} + {k} months",
                    format_date(day)
                );
            }
        }
    }

    #[test]
    fn instants_parse_print_and_convert_exactly() {
        assert_eq!(parse_instant("1970-01-01T00:00Z"), Some(0));
        assert_eq!(parse_instant("1970-01-01T00:00:01Z"), Some(1));
        assert_eq!(
            parse_instant("2026-03-01T12:00Z"),
            Some(d("2026-03-01") * DAY + 43_200)
        );
        for bad in [
            "2026-03-01T24:00Z",
            "2026-03-01T12:60Z",
            "2026-02-30T12:00Z",
            "2026-03-01T12:00",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
        let t = parse_rfc3339("2026-03-01T12:00:00+02:00");
        assert_eq!(t, parse_instant("2026-03-01T10:00Z"));
        assert_eq!(
            parse_rfc3339("2026-03-01T00:30:00-01:00"),
            parse_instant("2026-03-01T01:30Z")
        );
        assert_eq!(
            parse_rfc3339("2026-03-01T12:00:00.000Z"),
            parse_instant("2026-03-01T12:00Z")
        );
        assert_eq!(parse_rfc3339("2026-03-01T12:00:00.5Z"), None);
        assert_eq!(parse_rfc3339("2026-03-01"), None);
        assert_eq!(
            format_instant(d("2026-03-01") * DAY + 43_230),
            "2026-03-01T12:00:30Z"
        );
        assert_eq!(format_instant(-1), "1969-12-31T23:59:59Z");
        let t = parse_instant("2026-01-31T18:30Z").unwrap_or(0);
        assert_eq!(
            add_months_instant(t, 1).map(format_instant).as_deref(),
            Some("2026-02-28T18:30Z")
        );
        // Every minute of a day round-trips through the text form.
        for k in (0..DAY).step_by(61) {
            let t = d("2024-02-29") * DAY + k;
            assert_eq!(parse_rfc3339(&format_instant(t)), Some(t));
        }
    }

    #[test]
    fn calendar_fields_and_starts() {
        assert_eq!(weekday(d("1970-01-01")), 4);
        assert_eq!(weekday(d("2026-12-06")), 7);
        assert_eq!(weekday(d("2026-12-07")), 1);
        assert_eq!(weekday(d("0000-01-01")), 6);
        assert_eq!(fields(d("2026-03-09")), (2026, 3, 9));
        assert_eq!(format_date(period_start(d("2026-03-09"), 1)), "2026-03-01");
        assert_eq!(format_date(period_start(d("2026-03-09"), 3)), "2026-01-01");
        assert_eq!(format_date(period_start(d("2026-08-31"), 3)), "2026-07-01");
        assert_eq!(format_date(period_start(d("2026-12-31"), 3)), "2026-10-01");
        assert_eq!(format_date(period_start(d("2026-12-31"), 12)), "2026-01-01");
        // Consecutive days cycle through the week.
        for day in d("1999-12-25")..d("2000-03-05") {
            assert_eq!(weekday(day + 1), weekday(day) % 7 + 1);
        }
    }

    #[test]
    fn epoch_and_leap_years() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(
            parse_date("2024-02-29").map(format_date),
            Some("2024-02-29".into())
        );
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("1900-02-29"), None);
        assert_eq!(
            parse_date("2000-02-29").map(format_date),
            Some("2000-02-29".into())
        );
        let (a, b) = (parse_date("2026-03-01"), parse_date("2026-02-28"));
        assert_eq!(a.zip(b).map(|(a, b)| a - b), Some(1));
    }

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        for z in -146_097..146_097 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), Some(z));
        }
    }
}
