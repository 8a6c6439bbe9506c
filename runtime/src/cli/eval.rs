//! `polity eval CHARTER --snapshot FILE`: exit 0 when evaluated, 1 when the
//! charter does not compile, 2 on usage or I/O errors, 3 when the snapshot does
//! not match.

use super::report::{eval_json, eval_table};
use super::{color_stderr, EvalFormat};
use crate::api::files::{read_bounded, ReadError};
use crate::api::{CompileOptions, Engine, LawReport, Limits, Program};
use crate::snapshot::SnapshotError;
use serde_json::json;
use std::path::Path;

/// Snapshot files at least this large are streamed rather than read whole.
const STREAM_FROM: u64 = 64 << 20;

pub fn run(
    charter: &Path,
    (snapshot, max_snapshot_bytes): (&Path, u64),
    law: Option<&str>,
    format: EvalFormat,
    engine: Engine,
    options: &CompileOptions,
) -> i32 {
    let program = match Program::compile_file_with(charter, options) {
        Err(e) => {
            eprintln!("{}", super::read_error(charter, &e));
            return 2;
        }
        Ok(Err(e)) => {
            eprint!("{}", e.render(color_stderr()));
            return 1;
        }
        Ok(Ok(p)) => p,
    };
    // A large snapshot is read from the file as a stream, so that its text
    // is never held whole (parsing a stream costs about half as much time
    // again as parsing text in memory, which smaller files keep). One that
    // cannot be read so is read again whole, to report precisely what is
    // wrong with it.
    let streamed = std::fs::File::open(snapshot)
        .ok()
        .filter(|f| {
            f.metadata()
                .is_ok_and(|m| m.len() >= STREAM_FROM && m.len() <= max_snapshot_bytes)
        })
        .and_then(|f| {
            program.read_snapshot_for(std::io::Read::take(f, max_snapshot_bytes), engine)
        });
    let state = match streamed {
        Some(s) => s,
        None => {
            let bytes = match read_bounded(snapshot, max_snapshot_bytes) {
                Ok(b) => b,
                Err(e) => {
                    let hint = matches!(e, ReadError::TooLarge { .. })
                        .then_some("\n  help: raise the limit with `--max-snapshot-bytes`")
                        .unwrap_or_default();
                    eprintln!("{}{hint}", super::read_error(snapshot, &e.into()));
                    return 2;
                }
            };
            match program.load_snapshot_for(&bytes, engine) {
                Ok(s) => s,
                Err(e) => return snapshot_rejected(snapshot, &e, format),
            }
        }
    };
    let reports: Vec<LawReport> = match law {
        Some(name) => match program.eval_law_engine(&state, name, Limits::default(), engine) {
            Ok(r) => vec![r],
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
        None => program.eval_all_with(&state, engine),
    };
    let sources = &program.ir().sources;
    match format {
        EvalFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&eval_json(program.name(), &reports, sources))
                .unwrap_or_default()
        ),
        EvalFormat::Table => print!("{}", eval_table(program.name(), &reports, sources)),
    }
    0
}

fn snapshot_rejected(path: &Path, e: &SnapshotError, format: EvalFormat) -> i32 {
    if format == EvalFormat::Json {
        let doc = match e {
            SnapshotError::Syntax {
                message,
                line,
                column,
            } => json!({ "error": "snapshot", "file": path.display().to_string(),
                "syntax": { "message": message, "line": line, "column": column }, "mismatches": [] }),
            SnapshotError::Mismatch(ms) => {
                json!({ "error": "snapshot", "file": path.display().to_string(),
                "mismatches": ms.iter().map(|m| json!({ "path": m.path, "message": m.message })).collect::<Vec<_>>() })
            }
        };
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    eprintln!(
        "error: snapshot `{}` does not match the charter's `state`:",
        path.display()
    );
    eprintln!("{e}");
    3
}
