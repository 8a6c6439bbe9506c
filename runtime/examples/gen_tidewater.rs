//! Deterministic generator of large Tidewater-shaped snapshots.
//!
//! ```text
//! cargo run --release -p polity --example gen_tidewater -- --sailors N [--seed S] > snapshot.json
//! ```
//!
//! The output matches the `state` of `examples/tidewater/charter.polity`, with
//! the joins its laws make: applicants are vouched for by two to four earlier
//! sailors (members by up to three, a few applicants by themselves), every
//! ballot, approval and pledge names an existing sailor, and moorings and
//! campaigns name existing harbours. Eight motions are each voted on by 10–35 %
//! of the sailors; there is one harbour per 1,000 sailors (at least four), one
//! mooring per 500 and one campaign per 2,000 (at least three). The same
//! arguments always print the same bytes (the splitmix64 stream of
//! `gen_snapshot`), written straight into a buffered stdout.

// `gen_snapshot`'s generator and `main` come along unused; its PRNG and
// calendar are shared.
#[path = "gen_snapshot.rs"]
#[allow(dead_code, unused_imports)]
pub mod gen_snapshot;

use gen_snapshot::{civil_from_days, days_from_civil, numeric_flags, Rng};
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// Every generated snapshot is evaluated on this day.
const NOW: i64 = days_from_civil(2028, 3, 10);
/// The charter's founding day: the earliest `joined`.
const FOUNDED: i64 = days_from_civil(2025, 6, 21);
/// How many motions, whatever the number of sailors (each is voted on by a
/// share of all sailors, so the ballots grow with them).
const MOTIONS: u64 = 8;

const USAGE: &str = "usage: gen_tidewater --sailors N [--seed S]";

const STANDINGS: [&str; 4] = ["Member", "Applicant", "Suspended", "Departed"];
const KINDS: [&str; 3] = ["Ordinary", "Constitutional", "Spending"];
const COUNTRIES: [&str; 6] = ["PT", "TO", "FI", "NZ", "CV", "FJ"];

fn main() -> ExitCode {
    let run = parse(std::env::args().skip(1)).and_then(|(sailors, seed)| {
        let mut out = BufWriter::with_capacity(1 << 17, io::stdout().lock());
        write_tidewater(sailors, seed, &mut out)
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write the snapshot: {e}"))
    });
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen_tidewater: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a snapshot of `sailors` sailors (tests include this file to reuse it).
pub fn write_tidewater<W: Write>(sailors: u64, seed: u64, out: &mut W) -> io::Result<()> {
    Tidewater {
        rng: Rng(seed),
        out,
        sailors,
        harbours: sailors / 1000 + 4,
    }
    .snapshot()
}

/// `(sailors, seed)` from the command line.
fn parse(argv: impl Iterator<Item = String>) -> Result<(u64, u64), String> {
    let (mut sailors, mut seed) = (None, 1);
    for (flag, n) in numeric_flags(argv, USAGE)? {
        match flag.as_str() {
            "--sailors" => sailors = Some(n),
            "--seed" => seed = n,
            _ => return Err(format!("unknown argument `{flag}`\n{USAGE}")),
        }
    }
    Ok((
        sailors.ok_or_else(|| format!("`--sailors` is required\n{USAGE}"))?,
        seed,
    ))
}

struct Tidewater<'a, W: Write> {
    rng: Rng,
    out: &'a mut W,
    sailors: u64,
    harbours: u64,
}

impl<W: Write> Tidewater<'_, W> {
    fn snapshot(&mut self) -> io::Result<()> {
        write!(self.out, "{{\n  \"now\": ")?;
        self.date(NOW)?;
        self.list("sailors", self.sailors, Self::sailor)?;
        self.list("motions", MOTIONS, Self::motion)?;
        self.list("harbours", self.harbours, Self::harbour)?;
        self.list("moorings", self.sailors / 500 + 4, Self::mooring)?;
        self.list("campaigns", self.sailors / 2000 + 3, Self::campaign)?;
        writeln!(
            self.out,
            ",\n  \"treasury\": {{\"balance\": \"184250.75\", \"ledger_total\": \"184249.75\", \"spent_this_month\": \"27500.00\"}}\n}}"
        )
    }

    /// `"name": [` one element per line `]`.
    fn list(
        &mut self,
        name: &str,
        n: u64,
        mut item: impl FnMut(&mut Self, u64) -> io::Result<()>,
    ) -> io::Result<()> {
        write!(self.out, ",\n  \"{name}\": [")?;
        for i in 0..n {
            self.out
                .write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            item(self, i)?;
        }
        self.out.write_all(if n == 0 { b"]" } else { b"\n  ]" })
    }

    fn sailor(&mut self, i: u64) -> io::Result<()> {
        let founder = i < 3;
        let standing = match self.rng.below(100) {
            _ if founder => 0,
            0..78 => 0,
            78..90 => 1,
            90..95 => 2,
            _ => 3,
        };
        let joined = if founder {
            FOUNDED
        } else {
            FOUNDED + self.rng.below((NOW - FOUNDED) as u64) as i64
        };
        write!(self.out, "{{\"id\": \"s{i}\", \"joined\": ")?;
        self.date(joined)?;
        let standing_name = STANDINGS.get(standing).copied().unwrap_or("Member");
        write!(
            self.out,
            ", \"standing\": \"{standing_name}\", \"roles\": ["
        )?;
        let roles = [
            (founder, "Founder"),
            (self.rng.chance(6), "Steward"),
            (self.rng.chance(10), "Navigator"),
        ];
        let mut first = true;
        for (_, role) in roles.iter().filter(|(has, _)| *has) {
            write!(self.out, "{}\"{role}\"", if first { "" } else { ", " })?;
            first = false;
        }
        self.out.write_all(b"], \"dues_paid_through\": ")?;
        if self.rng.chance(5) {
            self.out.write_all(b"null")?;
        } else {
            let paid = NOW - 60 + self.rng.below(150) as i64;
            self.date(paid)?;
        }
        self.out.write_all(b", \"vouched_by\": [")?;
        let vouchers = match (i, standing) {
            (0, _) => 0,
            (_, 1) => 2 + self.rng.below(3),
            _ => self.rng.below(4),
        };
        for k in 0..vouchers {
            // A few applicants vouch for themselves; the rest are vouched
            // for by sailors who joined the list before them.
            let by = if standing == 1 && self.rng.chance(2) {
                i
            } else {
                self.rng.below(i)
            };
            write!(self.out, "{}\"s{by}\"", if k == 0 { "" } else { ", " })?;
        }
        self.out.write_all(b"], \"harbour\": ")?;
        if self.rng.chance(10) {
            self.out.write_all(b"null}")
        } else {
            write!(self.out, "\"h{}\"}}", self.rng.below(self.harbours))
        }
    }

    fn motion(&mut self, i: u64) -> io::Result<()> {
        let kind = self.rng.pick(&KINDS);
        write!(
            self.out,
            "{{\"id\": \"motion-{i}\", \"kind\": \"{kind}\", \"closes\": "
        )?;
        let closes = NOW - 20 + self.rng.below(30) as i64;
        self.date(closes)?;
        self.out.write_all(b", \"amount\": ")?;
        if kind == "Spending" {
            let amount = 100_000 + self.rng.below(5_000_000);
            self.amount(amount)?;
        } else {
            self.out.write_all(b"null")?;
        }
        self.out.write_all(b", \"approvals\": [")?;
        let approvals = if kind == "Spending" && self.sailors > 0 {
            3 + self.rng.below(5)
        } else {
            0
        };
        for k in 0..approvals {
            let by = self.rng.below(self.sailors);
            write!(self.out, "{}\"s{by}\"", if k == 0 { "" } else { ", " })?;
        }
        self.out.write_all(b"],\n      \"ballots\": [")?;
        let turnout = 10 + self.rng.below(26);
        let mut first = true;
        for voter in 0..self.sailors {
            if !self.rng.chance(turnout) {
                continue;
            }
            // Aye 50 %, Nay 35 %, Abstain 15 %; weights 1 to 5, a few halves.
            let choice = match self.rng.below(100) {
                0..50 => "Aye",
                50..85 => "Nay",
                _ => "Abstain",
            };
            let weight = 1 + self.rng.below(5);
            let half = if self.rng.chance(10) { ".5" } else { "" };
            write!(
                self.out,
                "{}{{\"voter\": \"s{voter}\", \"choice\": \"{choice}\", \"weight\": {weight}{half}}}",
                if first { "\n        " } else { ",\n        " }
            )?;
            first = false;
        }
        self.out
            .write_all(if first { b"]}" } else { b"\n      ]}" })
    }

    fn harbour(&mut self, i: u64) -> io::Result<()> {
        let country = self.rng.pick(&COUNTRIES);
        let max = 4000 + self.rng.below(8000);
        write!(
            self.out,
            "{{\"id\": \"h{i}\", \"country\": \"{country}\", \"max_footprint_m2\": {max}}}"
        )
    }

    fn mooring(&mut self, i: u64) -> io::Result<()> {
        let harbour = self.rng.below(self.harbours);
        let area = 200 + self.rng.below(1800);
        write!(
            self.out,
            "{{\"id\": \"mo{i}\", \"harbour\": \"h{harbour}\", \"area_m2\": {area}}}"
        )
    }

    fn campaign(&mut self, i: u64) -> io::Result<()> {
        let harbour = self.rng.below(self.harbours);
        let area = 200 + self.rng.below(3000);
        let target = 1_000_000 + self.rng.below(19_000_000);
        let deadline = NOW - 40 + self.rng.below(60) as i64;
        write!(
            self.out,
            "{{\"id\": \"c{i}\", \"harbour\": \"h{harbour}\", \"area_m2\": {area}, \"target\": "
        )?;
        self.amount(target)?;
        self.out.write_all(b", \"deadline\": ")?;
        self.date(deadline)?;
        self.out.write_all(b",\n      \"pledges\": [")?;
        let pledges = if self.sailors == 0 {
            0
        } else {
            5 + self.rng.below(36)
        };
        for k in 0..pledges {
            // At most 12.5 % of the target, but now and then more.
            let cap = if self.rng.chance(10) {
                target / 4
            } else {
                target / 8
            };
            let sailor = self.rng.below(self.sailors);
            write!(
                self.out,
                "{}{{\"sailor\": \"s{sailor}\", \"amount\": ",
                if k == 0 { "" } else { ", " }
            )?;
            let amount = 1 + self.rng.below(cap);
            self.amount(amount)?;
            self.out.write_all(b", \"pledged\": ")?;
            let pledged = deadline - 60 + self.rng.below(70) as i64;
            self.date(pledged)?;
            self.out.write_all(b"}")?;
        }
        self.out.write_all(b"]}")
    }

    /// An amount in cents as an exact two-decimal JSON string.
    fn amount(&mut self, cents: u64) -> io::Result<()> {
        write!(self.out, "\"{}.{:02}\"", cents / 100, cents % 100)
    }

    fn date(&mut self, days: i64) -> io::Result<()> {
        let (y, m, d) = civil_from_days(days);
        write!(self.out, "\"{y:04}-{m:02}-{d:02}\"")
    }
}
