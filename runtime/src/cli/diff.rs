//! `polity diff OLD NEW --snapshot S` (what an amendment changes) and
//! `polity diff CHARTER --snapshot BEFORE --snapshot AFTER` (who changed
//! status between two snapshots).
//!
//! Exit status: 0 when the diff was computed (with `--exit-code`, 1 when
//! anything changed), and as `polity eval` otherwise: 1 when a charter does
//! not compile, 2 on usage or I/O errors, 3 when a snapshot does not match
//! a charter's `state`.

use super::compile_or_report as compile;
use super::diff_report::{write_json, write_table, SideName, Sides};
use super::eval::read_snapshot;
use super::{output, EvalFormat};
use crate::api::{CompileOptions, DiffOptions, Program, Side, State};
use crate::snapshot::SnapshotError;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What `polity diff` was asked.
#[derive(Debug)]
pub struct DiffRun {
    /// One charter, or the old and the new.
    pub charters: Vec<PathBuf>,
    /// One snapshot (two charters), or the one before and the one after.
    pub snapshots: Vec<PathBuf>,
    /// Table or JSON.
    pub format: EvalFormat,
    /// Exit 1 when anything changed.
    pub exit_code: bool,
    /// The law, the evaluation and `--reasons`.
    pub options: DiffOptions,
    /// The largest snapshot read.
    pub max_snapshot_bytes: u64,
}

/// One side once loaded: the program, its file, the snapshot's file and
/// the state (or why the snapshot was rejected).
struct Loaded<'a> {
    program: Program,
    charter: &'a Path,
    snapshot: &'a Path,
    /// `the old charter`, `the snapshot after`: how messages name this side.
    role: &'static str,
    state: Result<State, SnapshotError>,
}

pub fn run(run: &DiffRun, compile_options: &CompileOptions) -> i32 {
    if matches!(run.format, EvalFormat::Jsonl | EvalFormat::Csv) {
        stderrln!("error: `polity diff` writes a table or `--format json`");
        return 2;
    }
    let sides = match (run.charters.as_slice(), run.snapshots.as_slice()) {
        ([old, new], [snapshot]) => amendment(run, compile_options, [old, new], snapshot),
        ([charter], [before, after]) => history(run, compile_options, charter, [before, after]),
        _ => {
            stderrln!(
                "error: `polity diff` compares two charters over one snapshot, or one charter over two\n  \
                 usage: polity diff OLD.polity NEW.polity --snapshot S.json\n         \
                 polity diff CHARTER.polity --snapshot BEFORE.json --snapshot AFTER.json"
            );
            return 2;
        }
    };
    let [before, after] = match sides {
        Ok(s) => s,
        Err(code) => return code,
    };
    let code = compare(run, &before, &after);
    // The process ends next (as in `eval`): leave the states and programs
    // to the OS.
    std::mem::forget((before, after));
    code
}

/// The old and the new charter over one snapshot, read once.
fn amendment<'a>(
    run: &DiffRun,
    compile_options: &CompileOptions,
    [old, new]: [&'a PathBuf; 2],
    snapshot: &'a Path,
) -> Result<[Loaded<'a>; 2], i32> {
    let old_program = compile(old, compile_options)?;
    let new_program = compile(new, compile_options)?;
    let bytes = read_snapshot(snapshot, run.max_snapshot_bytes)?;
    let engine = run.options.eval.engine;
    let (old_state, new_state) = std::thread::scope(|s| {
        let other = s.spawn(|| old_program.load_snapshot_for(&bytes, engine));
        let here = new_program.load_snapshot_for(&bytes, engine);
        (other.join(), here)
    });
    let old_state = old_state.unwrap_or_else(|p| std::panic::resume_unwind(p));
    drop(bytes);
    let sides = [
        Loaded {
            program: old_program,
            charter: old,
            snapshot,
            role: "the old charter",
            state: old_state,
        },
        Loaded {
            program: new_program,
            charter: new,
            snapshot,
            role: "the new charter",
            state: new_state,
        },
    ];
    accepted(run, sides)
}

/// One charter over the snapshots before and after.
fn history<'a>(
    run: &DiffRun,
    compile_options: &CompileOptions,
    charter: &'a Path,
    [before, after]: [&'a PathBuf; 2],
) -> Result<[Loaded<'a>; 2], i32> {
    let program = compile(charter, compile_options)?;
    let engine = run.options.eval.engine;
    let load = |snapshot: &Path| -> Result<Result<State, SnapshotError>, i32> {
        let bytes = read_snapshot(snapshot, run.max_snapshot_bytes)?;
        Ok(program.load_snapshot_for(&bytes, engine))
    };
    let (b, a) = std::thread::scope(|s| {
        let other = s.spawn(|| load(before));
        let here = load(after);
        (other.join(), here)
    });
    let b = b.unwrap_or_else(|p| std::panic::resume_unwind(p));
    let sides = [
        Loaded {
            program: program.clone(),
            charter,
            snapshot: before,
            role: "the snapshot before",
            state: b?,
        },
        Loaded {
            program,
            charter,
            snapshot: after,
            role: "the snapshot after",
            state: a?,
        },
    ];
    accepted(run, sides)
}

/// The sides when both accepted their snapshot; else every rejection is
/// reported (exit 3).
fn accepted<'a>(run: &DiffRun, sides: [Loaded<'a>; 2]) -> Result<[Loaded<'a>; 2], i32> {
    let rejected: Vec<(&Loaded<'_>, &SnapshotError)> = sides
        .iter()
        .filter_map(|s| s.state.as_ref().err().map(|e| (s, e)))
        .collect();
    if rejected.is_empty() {
        return Ok(sides);
    }
    if run.format == EvalFormat::Json {
        let doc = RejectedJson {
            error: "snapshot",
            rejected: rejected
                .iter()
                .map(|(s, e)| RejectionJson::new(s, e))
                .collect(),
        };
        let mut out = output::stdout();
        let written = output::write_json(&mut out, &doc);
        let code = output::finish(out, written.map(|()| 3));
        if code != 3 {
            return Err(code);
        }
    }
    for (side, e) in &rejected {
        if side.role.starts_with("the snapshot") {
            stderrln!(
                "error: {}, `{}`, does not match the `state` of `{}`:\n{e}",
                side.role,
                side.snapshot.display(),
                side.charter.display()
            );
        } else {
            stderrln!(
                "error: snapshot `{}` does not match the `state` of {}, `{}`:\n{e}",
                side.snapshot.display(),
                side.role,
                side.charter.display()
            );
        }
    }
    // Two charters, one of which accepts the snapshot: say which.
    let accepted_by = sides.iter().find(|s| s.state.is_ok());
    if let (Some(ok), [(no, _)]) = (accepted_by, rejected.as_slice()) {
        if ok.charter != no.charter {
            stderrln!(
                "  help: {}, `{}`, accepts it; compare the charters on a snapshot both accept",
                ok.role,
                ok.charter.display()
            );
        }
    }
    Err(3)
}

#[derive(Serialize)]
struct RejectedJson<'a> {
    error: &'static str,
    rejected: Vec<RejectionJson<'a>>,
}

#[derive(Serialize)]
struct RejectionJson<'a> {
    charter: String,
    snapshot: String,
    role: &'static str,
    syntax: Option<SyntaxJson<'a>>,
    mismatches: Vec<MismatchJson<'a>>,
}

#[derive(Serialize)]
struct SyntaxJson<'a> {
    message: &'a str,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct MismatchJson<'a> {
    path: &'a str,
    message: &'a str,
}

impl<'a> RejectionJson<'a> {
    fn new(side: &Loaded<'_>, e: &'a SnapshotError) -> RejectionJson<'a> {
        let (syntax, mismatches) = match e {
            SnapshotError::Syntax {
                message,
                line,
                column,
            } => (
                Some(SyntaxJson {
                    message,
                    line: *line,
                    column: *column,
                }),
                Vec::new(),
            ),
            SnapshotError::Mismatch(ms) => (
                None,
                ms.iter()
                    .map(|m| MismatchJson {
                        path: &m.path,
                        message: &m.message,
                    })
                    .collect(),
            ),
        };
        RejectionJson {
            charter: side.charter.display().to_string(),
            snapshot: side.snapshot.display().to_string(),
            role: side.role,
            syntax,
            mismatches,
        }
    }
}

/// How the output names a side.
fn name<'a>(l: &'a Loaded<'_>) -> SideName<'a> {
    SideName::new(
        &l.program,
        l.charter.display().to_string(),
        l.snapshot.display().to_string(),
    )
}

/// Both sides loaded: the diff, written.
fn compare(run: &DiffRun, before: &Loaded<'_>, after: &Loaded<'_>) -> i32 {
    let (Ok(b), Ok(a)) = (&before.state, &after.state) else {
        return 3;
    };
    let sides = (
        Side {
            program: &before.program,
            state: b,
        },
        Side {
            program: &after.program,
            state: a,
        },
    );
    let diff = match Program::diff(sides.0, sides.1, &run.options) {
        Ok(d) => d,
        Err(e) => {
            stderrln!("error: {e}");
            return 2;
        }
    };
    for d in &diff.disagreements {
        stderrln!("internal error (the verdicts shown are the interpreter's): {d}");
    }
    let sides = Sides {
        before: name(before),
        after: name(after),
    };
    let mut out = output::stdout();
    let written = match run.format {
        EvalFormat::Json => write_json(&mut out, &sides, &diff),
        EvalFormat::Table | EvalFormat::Jsonl | EvalFormat::Csv => {
            write_table(&mut out, &sides, &diff, None)
        }
    };
    let code = if run.exit_code && !diff.is_empty() {
        1
    } else {
        0
    };
    output::finish(out, written.map(|()| code))
}
