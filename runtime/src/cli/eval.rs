//! `polity eval CHARTER --snapshot FILE`: exit 0 when evaluated, 1 when the
//! charter does not compile, 2 on usage or I/O errors, 3 when the snapshot does
//! not match.

use super::report::write_eval_table;
use super::verdict_json::write_eval_json;
use super::{output, EvalFormat};
use crate::api::files::{read_bounded, ReadError};
use crate::api::json::snapshot_error_json;
use crate::api::{CompileOptions, EvalOptions, LawReport};
use crate::snapshot::SnapshotError;
use std::path::Path;

/// Snapshot files at least this large are read through
/// [`crate::api::Program::read_snapshot_for`] (which drops the text as soon as it is
/// loaded) rather than kept to be read again for its error.
const STREAM_FROM: u64 = 64 << 20;

pub fn run(
    charter: &Path,
    (snapshot, max_snapshot_bytes): (&Path, u64),
    law: Option<&str>,
    format: EvalFormat,
    eval_options: EvalOptions,
    options: &CompileOptions,
) -> i32 {
    let engine = eval_options.engine;
    let program = match super::compile_or_report(charter, options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // A large snapshot is read through `read_snapshot_for`, which reads the
    // text (under the size cap), loads it and drops it at once. One that
    // cannot be loaded so is read again, to report precisely what is wrong
    // with it.
    // Only a regular file is streamed, decided by its metadata before it is
    // opened: opening a pipe here and closing it unread would make its
    // writer fail, and the read below would then wait for another writer.
    let streamed = std::fs::metadata(snapshot)
        .ok()
        .filter(|m| m.is_file() && m.len() >= STREAM_FROM && m.len() <= max_snapshot_bytes)
        .and_then(|_| std::fs::File::open(snapshot).ok())
        .and_then(|f| {
            program.read_snapshot_for(std::io::Read::take(f, max_snapshot_bytes), engine)
        });
    let state = match streamed {
        Some(s) => s,
        None => {
            let bytes = match read_snapshot(snapshot, max_snapshot_bytes) {
                Ok(b) => b,
                Err(code) => return code,
            };
            match program.load_snapshot_for(&bytes, engine) {
                Ok(s) => s,
                Err(e) => return snapshot_rejected(snapshot, &e, format),
            }
        }
    };
    let reports: Box<dyn Iterator<Item = LawReport>> = match law {
        Some(name) => match program.eval_law_options(&state, name, eval_options) {
            Ok(r) => Box::new(std::iter::once(r)),
            Err(e) => {
                stderrln!("error: {e}");
                return 2;
            }
        },
        None => Box::new(program.eval_each_options(&state, eval_options)),
    };
    let reports = reports.inspect(|r| {
        for d in &r.disagreements {
            stderrln!("internal error (the verdicts shown are the interpreter's): {d}");
        }
    });
    // Each law is written as it is evaluated, and its verdicts dropped
    // before the next.
    let sources = &program.ir().sources;
    let mut out = output::stdout();
    let written = match format {
        EvalFormat::Json => write_eval_json(&mut out, program.name(), reports, sources),
        EvalFormat::Table => write_eval_table(&mut out, program.name(), reports, sources),
    };
    let code = output::finish(out, written.map(|()| 0));
    // The process ends next: leave the state (snapshot, native layout,
    // arenas) and the program (IR, machine code) to the OS rather than free
    // them value by value. Embedders still free them on drop.
    std::mem::forget(state);
    std::mem::forget(program);
    code
}

/// Reads a snapshot file (at most `max_bytes`); on failure, prints why
/// and gives exit status 2.
pub(super) fn read_snapshot(snapshot: &Path, max_bytes: u64) -> Result<Vec<u8>, i32> {
    read_bounded(snapshot, max_bytes).map_err(|e| {
        let hint = matches!(e, ReadError::TooLarge { .. })
            .then_some("\n  help: raise the limit with `--max-snapshot-bytes`")
            .unwrap_or_default();
        stderrln!("{}{hint}", super::read_error(snapshot, &e.into()));
        2
    })
}

fn snapshot_rejected(path: &Path, e: &SnapshotError, format: EvalFormat) -> i32 {
    if format == EvalFormat::Json {
        let doc = snapshot_error_json(e, Some(&path.display().to_string()));
        let mut out = output::stdout();
        let written = output::write_json(&mut out, &doc);
        let code = output::finish(out, written.map(|()| 3));
        if code != 3 {
            // the output failed
            return code;
        }
    }
    stderrln!(
        "error: snapshot `{}` does not match the charter's `state`:",
        path.display()
    );
    stderrln!("{e}");
    3
}
