//! What memoising state-only expressions gains: the same laws decided by the
//! JIT with and without it, over the same snapshot, alternating.
//!
//! ```text
//! cargo run --release -p polity --example memoise_state_only -- CHARTER SNAPSHOT LAW...
//! cargo run --release -p polity --example memoise_state_only -- --average ROWS
//! ```
//!
//! The first form decides each law with both programs in turn, 400 times
//! each, and prints each one's median time per `decide` call and how many
//! expressions each memoised. The second builds in memory a charter whose
//! law compares each of ROWS rows with the average of all of them
//! (`r.stake <= sum(x.stake for x in rows) / count(rows)`) and decides it
//! once with each program: quadratic without memoising, linear with it;
//! then, up to 20,000 rows, with the interpreter, which evaluates the
//! average for every row.
// Floating point only to print times; nothing is evaluated here.
#![allow(clippy::float_arithmetic)]

use polity::api::{Engine, Limits, Program};
use polity::jit::{JitProgram, Options};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const AVERAGE: &str = r#"
charter "Average" { version: 1 }
record Row { id: Text, stake: Int }
state { rows: List<Row> }
law at_most_average(r in rows) {
  require "at most the average stake": r.stake <= sum(x.stake for x in rows) / count(rows)
}
"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--average") => match args.get(1).and_then(|n| n.parse::<usize>().ok()) {
            Some(rows) => average(rows),
            None => Err("usage: --average ROWS".to_string()),
        },
        Some(_) if args.len() >= 3 => compare(&args[0], &args[1], &args[2..]),
        _ => Err("usage: CHARTER SNAPSHOT LAW... | --average ROWS".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("memoise_state_only: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The program compiled without and with memoising.
fn both(program: &Program) -> Result<[JitProgram; 2], String> {
    let without = Options {
        memoise_state_only: false,
        ..Options::default()
    };
    Ok([
        JitProgram::compile_with(program.ir(), without)?,
        JitProgram::compile_with(program.ir(), Options::default())?,
    ])
}

fn compare(charter: &str, snapshot: &str, laws: &[String]) -> Result<(), String> {
    let program = Program::compile_file(charter.as_ref())
        .map_err(|e| format!("{charter}: {e}"))?
        .map_err(|e| e.render(false))?;
    let json = std::fs::read(snapshot).map_err(|e| format!("{snapshot}: {e}"))?;
    let state = program.load_snapshot(&json).map_err(|e| e.to_string())?;
    let jits = both(&program)?;
    let layouts = jits
        .each_ref()
        .map(|j| j.layout(program.ir(), state.snapshot()));
    println!(
        "memoised expressions: {} without, {} with",
        jits[0].memoised(),
        jits[1].memoised()
    );
    for law in laws {
        let (id, _) = program
            .ir()
            .law(law)
            .ok_or_else(|| format!("no law `{law}`"))?;
        let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
        for _ in 0..400 {
            for (i, (jit, layout)) in jits.iter().zip(&layouts).enumerate() {
                let start = Instant::now();
                let decided = jit.decide(program.ir(), layout, id, Limits::default(), false);
                times[i].push(start.elapsed());
                if decided.is_none() {
                    return Err(format!("`{law}` is not decided by machine code"));
                }
            }
        }
        let [without, with] = times.map(|mut t| {
            t.sort();
            t[t.len() / 2]
        });
        println!("{law}: median {without:.1?} without, {with:.1?} with memoising");
    }
    Ok(())
}

fn average(n: usize) -> Result<(), String> {
    let program = Program::compile("average.polity", AVERAGE).map_err(|e| e.render(false))?;
    let rows: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id": "r{i}", "stake": {}}}"#, (i * 7919) % 1000))
        .collect();
    let json = format!(r#"{{"rows": [{}]}}"#, rows.join(","));
    let state = program
        .load_snapshot(json.as_bytes())
        .map_err(|e| e.to_string())?;
    let (id, _) = program
        .ir()
        .law("at_most_average")
        .ok_or("no law `at_most_average`")?;
    for (name, jit) in ["without", "with"].into_iter().zip(both(&program)?) {
        let layout = jit.layout(program.ir(), state.snapshot());
        let start = Instant::now();
        let decided = jit
            .decide(program.ir(), &layout, id, Limits::default(), false)
            .ok_or("the law is not decided by machine code")?;
        println!(
            "{name} memoising: {:.1?} for {} rows ({} pass)",
            start.elapsed(),
            decided.len(),
            decided.passed()
        );
    }
    // The interpreter evaluates the average per row: quadratic, so only
    // for sizes it finishes in seconds.
    if n <= 20_000 {
        let start = Instant::now();
        program
            .eval_law_engine(
                &state,
                "at_most_average",
                Limits::default(),
                Engine::Interpreter,
            )
            .map_err(|e| e.to_string())?;
        println!("the interpreter: {:.1?}", start.elapsed());
    }
    Ok(())
}
