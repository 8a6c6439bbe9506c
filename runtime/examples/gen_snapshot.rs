//! Deterministic generator of large Praxis-Nova-shaped snapshots.
//!
//! ```text
//! cargo run --release -p polity --example gen_snapshot -- \
//!     --members N [--seed S] [--proposals P] [--parcels Q] > snapshot.json
//! ```
//!
//! The output matches the `state` of `examples/praxis-nova/charter.polity`:
//! `now`, `members`, `proposals`, `parcels` and `treasury`. The same arguments
//! always print the same bytes (a splitmix64 stream, no clock, no hashing), so
//! the files can serve as benchmarks and differential-test inputs without being
//! checked in. Everything is written straight into a buffered stdout without
//! per-member allocation, so a million members take a few seconds.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// Every generated snapshot is evaluated on this day (2026-04-14).
const NOW: i64 = days_from_civil(2026, 4, 14);

const USAGE: &str = "usage: gen_snapshot --members N [--seed S] [--proposals P] [--parcels Q]";

const COUNTRIES: [&str; 8] = ["PT", "EE", "SG", "DE", "BR", "JP", "KE", "NZ"];
const JURISDICTIONS: [&str; 5] = ["PT", "EE", "SG", "PA", "UY"];
const CHOICES: [&str; 3] = ["For", "Against", "Abstain"];

/// Role bits, in the order they are written.
const ROLES: [(u8, &str); 4] = [
    (1, "Founder"),
    (2, "Council"),
    (4, "Citizen"),
    (8, "Resident"),
];

fn main() -> ExitCode {
    match Args::parse(std::env::args().skip(1)).and_then(|args| {
        let stdout = io::stdout();
        let mut out = BufWriter::with_capacity(1 << 17, stdout.lock());
        Generator::new(&args, &mut out)
            .snapshot()
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write the snapshot: {e}"))
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen_snapshot: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a snapshot of `members` members with the default numbers of
/// proposals and parcels (benchmarks include this file to reuse it).
#[allow(dead_code)]
pub fn write_snapshot<W: Write>(members: u64, seed: u64, out: &mut W) -> io::Result<()> {
    write_snapshot_on(members, seed, NOW, out)
}

/// As [`write_snapshot`], evaluated on day `now` (days since 1970-01-01):
/// joining and voting dates are drawn relative to it (`gen_history`).
#[allow(dead_code)]
pub fn write_snapshot_on<W: Write>(
    members: u64,
    seed: u64,
    now: i64,
    out: &mut W,
) -> io::Result<()> {
    let args = Args {
        members,
        seed,
        proposals: members / 1000 + 5,
        parcels: members / 2000 + 3,
        now,
    };
    Generator::new(&args, out).snapshot()
}

/// The command line.
struct Args {
    members: u64,
    seed: u64,
    proposals: u64,
    parcels: u64,
    /// The snapshot's day.
    now: i64,
}

impl Args {
    fn parse(argv: impl Iterator<Item = String>) -> Result<Self, String> {
        let (mut members, mut seed, mut proposals, mut parcels) = (None, 1, None, None);
        for (flag, n) in numeric_flags(argv, USAGE)? {
            match flag.as_str() {
                "--members" => members = Some(n),
                "--seed" => seed = n,
                "--proposals" => proposals = Some(n),
                "--parcels" => parcels = Some(n),
                _ => return Err(format!("unknown argument `{flag}`\n{USAGE}")),
            }
        }
        let members = members.ok_or_else(|| format!("`--members` is required\n{USAGE}"))?;
        Ok(Args {
            members,
            seed,
            proposals: proposals.unwrap_or(members / 1000 + 5),
            parcels: parcels.unwrap_or(members / 2000 + 3),
            now: NOW,
        })
    }
}

/// The `--flag N` pairs of a command line, in order; `--help` is an error
/// that shows `usage` (generators that include this file share it).
pub fn numeric_flags(
    mut argv: impl Iterator<Item = String>,
    usage: &str,
) -> Result<Vec<(String, u64)>, String> {
    let mut flags = Vec::new();
    while let Some(flag) = argv.next() {
        if flag == "--help" || flag == "-h" {
            return Err(usage.to_owned());
        }
        let value = argv
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value\n{usage}"))?;
        let n: u64 = value
            .parse()
            .map_err(|_| format!("`{flag}` takes a non-negative integer, not `{value}`"))?;
        flags.push((flag, n));
    }
    Ok(flags)
}

/// splitmix64: tiny, fast, and identical on every platform.
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0), by multiply-high: no modulo bias
    /// worth mentioning and no division.
    pub fn below(&mut self, n: u64) -> u64 {
        let wide = u128::from(self.next()) * u128::from(n);
        u64::try_from(wide >> 64).unwrap_or(0)
    }

    /// True with probability `percent`%.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `xs`, uniformly.
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(xs.len() as u64)).unwrap_or(0);
        xs.get(i).copied().unwrap_or("")
    }
}

/// Writes the snapshot as JSON, one record per line.
struct Generator<'a, W: Write> {
    args: &'a Args,
    rng: Rng,
    out: &'a mut W,
}

impl<'a, W: Write> Generator<'a, W> {
    fn new(args: &'a Args, out: &'a mut W) -> Self {
        Generator {
            args,
            rng: Rng(args.seed),
            out,
        }
    }

    fn snapshot(&mut self) -> io::Result<()> {
        self.raw("{\n  \"now\": ")?;
        self.date(self.args.now)?;
        self.raw(",\n  \"members\": [")?;
        for i in 0..self.args.members {
            self.raw(if i == 0 { "\n    " } else { ",\n    " })?;
            self.member(i)?;
        }
        self.raw("\n  ],\n  \"proposals\": [")?;
        for i in 0..self.args.proposals {
            self.raw(if i == 0 { "\n    " } else { ",\n    " })?;
            self.proposal(i)?;
        }
        self.raw("\n  ],\n  \"parcels\": [")?;
        for i in 0..self.args.parcels {
            self.raw(if i == 0 { "\n    " } else { ",\n    " })?;
            self.parcel(i)?;
        }
        self.raw("\n  ],\n  \"treasury\": {\"balance\": ")?;
        let balance = 100_000_000 + self.rng.below(10_000_000_000);
        self.amount(balance)?;
        self.raw(", \"spent_this_month\": ")?;
        let spent = self.rng.below(balance / 10);
        self.amount(spent)?;
        self.raw("}\n}\n")
    }

    fn member(&mut self, i: u64) -> io::Result<()> {
        let status = match self.rng.below(100) {
            0..=74 => "Active",
            75..=84 => "Applicant",
            85..=92 => "Suspended",
            _ => "Exited",
        };
        let mut roles = 0u8;
        for (bit, percent) in [(1, 1), (2, 3), (4, 80), (8, 30)] {
            if self.rng.chance(percent) {
                roles |= bit;
            }
        }
        // A few members sit right on the 90-day probation boundary.
        let tenure = match self.rng.below(100) {
            0..=4 => 89 + self.rng.below(3),
            _ if roles & 1 != 0 => 600 + self.rng.below(100),
            _ => self.rng.below(700),
        };
        self.raw("{\"id\": ")?;
        self.member_id(i)?;
        self.raw(", \"joined\": ")?;
        self.date(self.args.now - tenure as i64)?;
        self.raw(", \"status\": \"")?;
        self.raw(status)?;
        self.raw("\", \"roles\": [")?;
        let mut first = true;
        for (bit, name) in ROLES {
            if roles & bit != 0 {
                self.raw(if first { "\"" } else { ", \"" })?;
                self.raw(name)?;
                self.raw("\"")?;
                first = false;
            }
        }
        self.raw("], \"stake\": ")?;
        let stake = match self.rng.below(10) {
            0 => 0,
            1 => self.rng.below(100_000_000),
            _ => self.rng.below(500_000),
        };
        self.amount(stake)?;
        self.raw(", \"vouched_by\": [")?;
        let vouches = if i == 0 { 0 } else { self.rng.below(4) };
        for k in 0..vouches {
            self.raw(if k == 0 { "" } else { ", " })?;
            let voucher = self.rng.below(i);
            self.member_id(voucher)?;
        }
        self.raw("]")?;
        match self.rng.below(10) {
            0 => self.raw(", \"country\": null")?,
            1 => {} // absent
            _ => {
                self.raw(", \"country\": \"")?;
                let country = self.rng.pick(&COUNTRIES);
                self.raw(country)?;
                self.raw("\"")?;
            }
        }
        self.raw("}")
    }

    fn proposal(&mut self, i: u64) -> io::Result<()> {
        let opened = self.args.now - 15 - self.rng.below(60) as i64;
        let closes = opened + 14 + self.rng.below(45) as i64;
        self.raw("{\"id\": \"p-")?;
        self.padded(i + 1, 4)?;
        self.raw("\", \"opened\": ")?;
        self.date(opened)?;
        self.raw(", \"closes\": ")?;
        self.date(closes)?;
        match self.rng.below(4) {
            0 => {} // absent
            1 => self.raw(", \"amount\": null")?,
            _ => {
                self.raw(", \"amount\": ")?;
                let amount = self.rng.below(5_000_000);
                self.amount(amount)?;
            }
        }
        self.raw(",\n      \"votes\": [")?;
        let voters = self.rng.below(self.args.members.min(200) + 1);
        for k in 0..voters {
            self.raw(if k == 0 { "\n        " } else { ",\n        " })?;
            self.raw("{\"voter\": ")?;
            let voter = self.rng.below(self.args.members);
            self.member_id(voter)?;
            self.raw(", \"choice\": \"")?;
            let choice = self.rng.pick(&CHOICES);
            self.raw(choice)?;
            self.raw("\", \"weight\": ")?;
            let weight = 1 + self.rng.below(500);
            self.amount(weight)?;
            self.raw("}")?;
        }
        self.raw(if voters == 0 { "]}" } else { "\n      ]}" })
    }

    fn parcel(&mut self, i: u64) -> io::Result<()> {
        let price = 1_000_000 + self.rng.below(100_000_000);
        self.raw("{\"id\": \"parcel-")?;
        self.padded(i + 1, 4)?;
        self.raw("\", \"jurisdiction\": \"")?;
        let jurisdiction = self.rng.pick(&JURISDICTIONS);
        self.raw(jurisdiction)?;
        self.raw("\", \"area_m2\": ")?;
        let area = 100 + self.rng.below(10_000);
        self.uint(area)?;
        self.raw(", \"price\": ")?;
        self.amount(price)?;
        self.raw(",\n      \"pledges\": [")?;
        let pledges = if self.args.members == 0 {
            0
        } else {
            self.rng.below(21)
        };
        // Some parcels are topped up to exactly their price.
        let exact = self.rng.chance(25);
        let mut total = 0u64;
        for k in 0..pledges {
            let share = price / 10;
            let amount = if exact && k + 1 == pledges && total < price {
                price - total
            } else {
                1 + self.rng.below(share.max(1))
            };
            total = total.saturating_add(amount);
            self.raw(if k == 0 { "\n        " } else { ",\n        " })?;
            self.raw("{\"member\": ")?;
            let member = self.rng.below(self.args.members);
            self.member_id(member)?;
            self.raw(", \"amount\": ")?;
            self.amount(amount)?;
            self.raw("}")?;
        }
        self.raw(if pledges == 0 { "]}" } else { "\n      ]}" })
    }

    fn raw(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(s.as_bytes())
    }

    fn member_id(&mut self, i: u64) -> io::Result<()> {
        self.raw("\"m")?;
        self.uint(i)?;
        self.raw("\"")
    }

    fn uint(&mut self, n: u64) -> io::Result<()> {
        self.padded(n, 1)
    }

    /// `n` in decimal, left-padded with zeros to at least `width` digits.
    fn padded(&mut self, mut n: u64, width: usize) -> io::Result<()> {
        let mut buf = [b'0'; 20];
        let mut start = buf.len();
        while n > 0 || buf.len() - start < width.clamp(1, 20) {
            start -= 1;
            if let Some(digit) = buf.get_mut(start) {
                *digit = b'0' + (n % 10) as u8;
            }
            n /= 10;
        }
        self.out.write_all(buf.get(start..).unwrap_or_default())
    }

    /// An amount in cents as an exact 2-decimal value: half of them as JSON
    /// strings (`"1250.50"`), half as JSON numbers (`1250.50`), since a
    /// snapshot may use either.
    fn amount(&mut self, cents: u64) -> io::Result<()> {
        let quoted = self.rng.chance(50);
        if quoted {
            self.raw("\"")?;
        }
        self.uint(cents / 100)?;
        self.raw(".")?;
        self.padded(cents % 100, 2)?;
        if quoted {
            self.raw("\"")?;
        }
        Ok(())
    }

    fn date(&mut self, days: i64) -> io::Result<()> {
        let (y, m, d) = civil_from_days(days);
        let y = u64::try_from(y).unwrap_or(0);
        self.raw("\"")?;
        self.padded(y, 4)?;
        self.raw("-")?;
        self.padded(m, 2)?;
        self.raw("-")?;
        self.padded(d, 2)?;
        self.raw("\"")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
pub fn civil_from_days(z: i64) -> (i64, u64, u64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u64::try_from(m).unwrap_or(1),
        u64::try_from(d).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_across_leap_days() {
        assert_eq!(civil_from_days(NOW), (2026, 4, 14));
        assert_eq!(civil_from_days(NOW - 90), (2026, 1, 14));
        let leap = days_from_civil(2024, 2, 29);
        assert_eq!(civil_from_days(leap + 1), (2024, 3, 1));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }

    #[test]
    fn same_seed_same_bytes() {
        let args = Args::parse(
            ["--members", "300", "--seed", "7"]
                .map(String::from)
                .into_iter(),
        )
        .expect("valid arguments");
        let render = || {
            let mut out = Vec::new();
            Generator::new(&args, &mut out)
                .snapshot()
                .expect("in memory");
            out
        };
        let a = render();
        assert_eq!(a, render());
        let text = String::from_utf8(a).expect("utf-8");
        assert!(text.contains("\"id\": \"m299\""));
        assert!(text.contains("\"id\": \"p-0005\""));
        assert!(text.contains("\"id\": \"parcel-0003\""));
    }
}
