//! `:diff CHARTER`: the loaded charter against another over the loaded
//! snapshot, as `polity diff` prints it (the loaded charter is the old side).

use super::session::{load_snapshot_of, Reply, Session};
use crate::api::{DiffOptions, EvalOptions, Explain, Program, Side, State};
use crate::cli::diff_report::{write_table, SideName, Sides};
use std::path::Path;

/// The changed subjects shown per law; a last line says how many more
/// there were.
pub const SUBJECTS_SHOWN: usize = 10;

/// Compares the session's charter with the one in `path`; the snapshot's
/// file is read again for that charter's `state`.
pub fn run(s: &Session, path: &Path) -> Reply {
    let Some(snapshot) = &s.snapshot_path else {
        return Reply::error(
            "error: `:diff` compares over a snapshot, and none is loaded\n  \
             help: load one with `:snapshot FILE`\n",
        );
    };
    let other = match compile(s, path) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let whose = format!("the `state` of `{}`", path.display());
    let theirs = match load_snapshot_of(other.ir(), snapshot, &s.files, &whose) {
        Ok(snap) => State::from_snapshot(snap),
        Err(e) => {
            return Reply::error(format!(
                "{e}  help: the loaded charter accepts it; compare the charters on a snapshot both accept\n"
            ))
        }
    };
    let ours = Program::from_ir(s.charter.ir.clone());
    let state = State::from_snapshot(s.snapshot.clone());
    let options = DiffOptions {
        eval: EvalOptions {
            engine: s.engine,
            limits: s.files.budget.limits(),
            explain: Explain::Reasons,
        },
        ..DiffOptions::default()
    };
    let before = Side {
        program: &ours,
        state: &state,
    };
    let after = Side {
        program: &other,
        state: &theirs,
    };
    let diff = match Program::diff(before, after, &options) {
        Ok(d) => d,
        Err(e) => return Reply::error(format!("error: {e}\n")),
    };
    let loaded = s
        .charter_path
        .as_ref()
        .map_or_else(|| "(no charter)".to_string(), |p| p.display().to_string());
    let snapshot = snapshot.display().to_string();
    let sides = Sides {
        before: SideName::new(&ours, loaded, snapshot.clone()),
        after: SideName::new(&other, path.display().to_string(), snapshot),
    };
    let mut out = Vec::new();
    match write_table(&mut out, &sides, &diff, Some(SUBJECTS_SHOWN)) {
        Ok(()) => Reply::out(String::from_utf8_lossy(&out).into_owned()),
        Err(e) => Reply::error(format!("error: {e}\n")),
    }
}

/// The other charter, compiled as the session compiles files.
fn compile(s: &Session, path: &Path) -> Result<Program, Reply> {
    match Program::compile_file_with(path, &s.files.options) {
        Err(e) => Err(Reply::error(format!(
            "{}\n",
            crate::cli::read_error(path, &e)
        ))),
        Ok(Err(e)) => Err(Reply::error(e.render(s.color))),
        Ok(Ok(p)) => Ok(p),
    }
}
