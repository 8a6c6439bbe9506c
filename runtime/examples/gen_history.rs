//! Deterministic generator of a history of Praxis-Nova-shaped snapshots:
//! one file per day, for benchmarking `polity eval --snapshots`.
//!
//! ```text
//! cargo run --release -p polity --example gen_history -- \
//!     --members N --days D [--seed S] DIR
//! ```
//!
//! Writes `DIR/YYYY-MM-DD.json` for `D` consecutive days ending on
//! 2026-04-14, each a `gen_snapshot` snapshot of `N` members dated that day
//! (its `now`), with seed `S + day` so that every day differs. The same
//! arguments always write the same bytes.

#[path = "gen_snapshot.rs"]
#[allow(dead_code, unused_imports)]
pub mod gen_snapshot;

use gen_snapshot::{civil_from_days, days_from_civil, numeric_flags, write_snapshot_on};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The last day of every history.
const LAST: i64 = days_from_civil(2026, 4, 14);

const USAGE: &str = "usage: gen_history --members N --days D [--seed S] DIR";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen_history: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(mut argv: Vec<String>) -> Result<(), String> {
    let dir = match argv.pop() {
        Some(d) if !d.starts_with("--") => PathBuf::from(d),
        _ => return Err(format!("the output directory is required\n{USAGE}")),
    };
    let (mut members, mut days, mut seed) = (None, None, 1);
    for (flag, n) in numeric_flags(argv.into_iter(), USAGE)? {
        match flag.as_str() {
            "--members" => members = Some(n),
            "--days" => days = Some(n),
            "--seed" => seed = n,
            _ => return Err(format!("unknown argument `{flag}`\n{USAGE}")),
        }
    }
    let members = members.ok_or_else(|| format!("`--members` is required\n{USAGE}"))?;
    let days = days.ok_or_else(|| format!("`--days` is required\n{USAGE}"))?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    for d in 0..days {
        let now = LAST - (days - 1 - d) as i64;
        let (y, m, day) = civil_from_days(now);
        let path = dir.join(format!("{y:04}-{m:02}-{day:02}.json"));
        let file = std::fs::File::create(&path)
            .map_err(|e| format!("cannot create `{}`: {e}", path.display()))?;
        let mut out = BufWriter::with_capacity(1 << 17, file);
        write_snapshot_on(members, seed + d, now, &mut out)
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    Ok(())
}
