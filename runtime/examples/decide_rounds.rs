//! Decides each of Praxis Nova's benchmark laws a number of times over one
//! snapshot, with the JIT on one thread: a fixed amount of work whose
//! instruction count (under `valgrind --tool=callgrind`) compares two builds
//! of the engine on a busy machine, where times would not.
//!
//! ```text
//! cargo run --release -p polity --example gen_snapshot -- --members 10000 > /tmp/s.json
//! valgrind --tool=callgrind target/release/examples/decide_rounds /tmp/s.json 20
//! ```
//!
//! A third argument names one law to decide instead of the four (with
//! `--toggle-collect='*decide_into*'`, that law's instructions per call).

use polity::api::{Limits, Program};
use polity::jit::Decisions;
use std::process::ExitCode;

const LAWS: [&str; 4] = ["may_vote", "passes", "may_pay", "funded"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(rounds)) = (args.get(1), args.get(2).and_then(|r| r.parse::<u32>().ok()))
    else {
        eprintln!("usage: decide_rounds SNAPSHOT.json ROUNDS [LAW]");
        return ExitCode::from(2);
    };
    let charter = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/praxis-nova/charter.polity"
    );
    let Ok(Ok(program)) = Program::compile_file(std::path::Path::new(charter)) else {
        eprintln!("the example charter does not compile");
        return ExitCode::FAILURE;
    };
    let Ok(json) = std::fs::read(path) else {
        eprintln!("cannot read {path}");
        return ExitCode::FAILURE;
    };
    let Ok(state) = program.load_snapshot(&json) else {
        eprintln!("{path} does not match the charter");
        return ExitCode::FAILURE;
    };
    let Some(jit) = program.jit() else {
        eprintln!("no JIT");
        return ExitCode::FAILURE;
    };
    let layout = state.layout(program.ir(), jit);
    // Into one buffer of decisions reused from call to call, as the
    // engines benchmark decides (`jit_decide/1`).
    let mut decisions = Decisions::default();
    let mut decided = 0usize;
    for _ in 0..rounds {
        for law in LAWS
            .iter()
            .filter(|l| args.get(3).is_none_or(|only| only == *l))
        {
            let Some((id, _)) = program.ir().law(law) else {
                continue;
            };
            if jit.decide_into(program.ir(), layout, id, Limits::default(), &mut decisions) {
                decided += decisions.len();
            }
        }
    }
    println!("{decided} decisions");
    ExitCode::SUCCESS
}
