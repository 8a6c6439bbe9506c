//! How much memory a loaded snapshot takes, against its JSON size.
//!
//! ```text
//! cargo run --release -p polity --example snapshot_memory -- CHARTER SNAPSHOT [jit|interp]
//! ```
//!
//! Compiles the charter, then streams the snapshot from its file for the
//! engine (default `jit`: straight into the native layout; `interp`: into
//! values) and prints the resident memory before and after, the growth as a
//! multiple of the file's size, and the process's peak resident memory. Run
//! one engine per process: an allocator keeps freed memory, so a second
//! load in the same process would be measured against the first's leftovers.
//! Linux only (it reads `/proc/self/status`).
// Floating point only to print sizes and ratios; nothing is evaluated here.
#![allow(clippy::float_arithmetic)]

use polity::api::{Engine, Program};
use std::process::ExitCode;

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(charter), Some(snapshot)) = (args.first(), args.get(1)) else {
        eprintln!("usage: snapshot_memory CHARTER SNAPSHOT [jit|interp]");
        return ExitCode::from(2);
    };
    let engine = match args.get(2).map(String::as_str) {
        None | Some("jit") => Engine::Jit,
        Some("interp") => Engine::Interpreter,
        Some(other) => {
            eprintln!("unknown engine `{other}`");
            return ExitCode::from(2);
        }
    };
    let program = match Program::compile_file(charter.as_ref()) {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => {
            eprint!("{}", e.render(false));
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("{charter}: {e}");
            return ExitCode::from(2);
        }
    };
    // Compile the machine code first, so that it is not counted as snapshot.
    let _ = program.jit();
    let file = match std::fs::File::open(snapshot) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{snapshot}: {e}");
            return ExitCode::from(2);
        }
    };
    let size = file.metadata().map_or(0, |m| m.len());
    let (Some(before), start) = (status_kib("VmRSS:"), std::time::Instant::now()) else {
        eprintln!("/proc/self/status is not readable here");
        return ExitCode::from(2);
    };
    let Some(state) = program.read_snapshot_for(file, engine) else {
        eprintln!("{snapshot}: not a snapshot of this charter (run `polity eval` for the reasons)");
        return ExitCode::from(3);
    };
    let secs = start.elapsed().as_secs_f64();
    let after = status_kib("VmRSS:").unwrap_or(before);
    let peak = status_kib("VmHWM:").unwrap_or(after);
    let json_mib = size as f64 / (1024.0 * 1024.0);
    let grown = mib(after.saturating_sub(before));
    println!("engine:                {engine:?}");
    println!("snapshot file:         {json_mib:.1} MiB");
    println!("loaded in:             {secs:.2} s");
    println!(
        "resident growth:       {grown:.1} MiB ({:.2}x the file)",
        grown / json_mib
    );
    println!(
        "process peak resident: {:.1} MiB ({:.2}x the file)",
        mib(peak),
        mib(peak) / json_mib
    );
    // Keep the state alive until measured.
    drop(state);
    ExitCode::SUCCESS
}
