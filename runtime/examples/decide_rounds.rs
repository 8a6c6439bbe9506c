//! Decides each of Praxis Nova's benchmark laws a number of times over one
//! snapshot, with the JIT on one thread: a fixed amount of work whose
//! instruction count (under `valgrind --tool=callgrind`) compares two builds
//! of the engine on a busy machine, where times would not.
//!
//! ```text
//! cargo run --release -p polity --example gen_snapshot -- --members 10000 > /tmp/s.json
//! valgrind --tool=callgrind target/release/examples/decide_rounds /tmp/s.json 20
//! ```

use polity::api::{Limits, Program};
use std::process::ExitCode;

const LAWS: [&str; 4] = ["may_vote", "passes", "may_pay", "funded"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(rounds)) = (args.get(1), args.get(2).and_then(|r| r.parse::<u32>().ok()))
    else {
        eprintln!("usage: decide_rounds SNAPSHOT.json ROUNDS");
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
    let mut decided = 0usize;
    for _ in 0..rounds {
        for law in LAWS {
            let Some((id, _)) = program.ir().law(law) else {
                continue;
            };
            if let Some(d) = jit.decide(program.ir(), layout, id, Limits::default(), false) {
                decided += d.len();
            }
        }
    }
    println!("{decided} decisions");
    ExitCode::SUCCESS
}
