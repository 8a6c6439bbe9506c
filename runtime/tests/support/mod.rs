//! Running the built `polity` binary as a user does (shared by the tests
//! that drive it).

use std::process::Command;

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `polity ARGS...` in the crate's directory, without `NO_COLOR` (so
/// that colour is decided by the terminal alone).
#[allow(dead_code)]
pub fn polity(args: &[&str]) -> Run {
    polity_in(".", args)
}

/// As [`polity`], in the directory `dir`.
#[allow(dead_code)]
pub fn polity_in(dir: &str, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_polity"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}
