//! `polity eval CHARTER --snapshot FILE`: exit 0 when evaluated, 1 when the
//! charter does not compile, 2 on usage or I/O errors, 3 when the snapshot does
//! not match. The charter's figures come first, then the laws' verdicts.

use super::report::{write_eval_table, Laws};
use super::streamed_json::write_eval_json_streamed;
use super::{output, EvalFormat};
pub(crate) use crate::api::figures_json;
use crate::api::files::{read_bounded, ReadError};
use crate::api::json::snapshot_error_json;
use crate::api::{CompileOptions, EvalOptions, FigureOutcome, LawRun, Program, State};
use crate::jit::Disagreement;
use crate::snapshot::SnapshotError;
use std::path::Path;

/// What `--law` and `--figure` select.
#[derive(Clone, Copy, Debug)]
pub struct Select<'a> {
    /// Only this law.
    pub law: Option<&'a str>,
    /// Only these figures (all when empty and no law is named).
    pub figures: &'a [String],
}

impl Select<'_> {
    /// The figures asked for: `None` when only a law is (`--law` alone),
    /// else their names (empty: every figure).
    pub fn figure_list(&self) -> Option<&[String]> {
        (self.law.is_none() || !self.figures.is_empty()).then_some(self.figures)
    }

    /// Whether the law named `name` is evaluated.
    pub fn wants_law(&self, name: &str) -> bool {
        match self.law {
            Some(law) => law == name,
            None => self.figures.is_empty(),
        }
    }

    /// Whether the laws are evaluated at all: not when only figures are asked for.
    fn laws(&self) -> bool {
        self.law.is_some() || self.figures.is_empty()
    }

    /// The figures to evaluate, or the unknown name (exit 2).
    fn figures(
        &self,
        program: &Program,
        state: &State,
        options: &EvalOptions,
    ) -> Result<Vec<FigureOutcome>, i32> {
        if self.law.is_some() && self.figures.is_empty() {
            return Ok(Vec::new());
        }
        if let Err(e) = program.figure_ids(self.figures) {
            stderrln!("error: {e}");
            return Err(2);
        }
        let (all, problems) = program.figures(state, options);
        for d in &problems {
            stderrln!("internal error (the figures shown are the interpreter's): {d}");
        }
        Ok(all
            .into_iter()
            .filter(|f| self.figures.is_empty() || self.figures.contains(&f.name))
            .collect())
    }
}

pub fn run(
    charter: &Path,
    (snapshot, max_snapshot_bytes): (&Path, u64),
    select: Select<'_>,
    format: EvalFormat,
    eval_options: EvalOptions,
    options: &CompileOptions,
) -> i32 {
    let engine = eval_options.engine;
    if matches!(format, EvalFormat::Jsonl | EvalFormat::Csv) {
        stderrln!("error: `--format jsonl` and `--format csv` write a series of snapshots: give them with `--snapshots`");
        return 2;
    }
    let program = match super::compile_or_report(charter, options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // The text is read into one allocation of the file's size (not grown
    // by doubling, which copied a large snapshot several times and held two
    // copies at once) and dropped as soon as it is loaded.
    let state = {
        let mut bytes = match read_snapshot(snapshot, max_snapshot_bytes) {
            Ok(b) => b,
            Err(code) => return code,
        };
        match program.load_snapshot_in_place(&mut bytes, engine) {
            Ok(s) => s,
            Err(e) => return snapshot_rejected(snapshot, &e, format),
        }
    };
    let figures = match select.figures(&program, &state, &eval_options) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let laws: Box<dyn Iterator<Item = LawRun<'_>>> = match select.law {
        Some(name) => match program.law_run_named(&state, name, eval_options) {
            Ok(r) => Box::new(std::iter::once(r)),
            Err(e) => {
                stderrln!("error: {e}");
                return 2;
            }
        },
        None if !select.laws() => Box::new(std::iter::empty()),
        None => Box::new(program.law_runs(&state, eval_options)),
    };
    let mut disagreed = |problems: &[Disagreement]| {
        for d in problems {
            stderrln!("internal error (the verdicts shown are the interpreter's): {d}");
        }
    };
    // Each law is written as it is evaluated (as each chunk of its subjects
    // is done), and its verdicts dropped at once.
    let laws = Laws {
        runs: laws,
        sources: &program.ir().sources,
        disagreed: &mut disagreed,
    };
    let mut out = output::stdout();
    let name = program.name();
    let written = match format {
        EvalFormat::Json => {
            write_eval_json_streamed(&mut out, name, &figures_json(&program, &figures), laws)
        }
        EvalFormat::Table | EvalFormat::Jsonl | EvalFormat::Csv => {
            write_eval_table(&mut out, name, &figure_lines(&program, &figures), laws)
        }
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

/// `polity eval CHARTER --snapshots ...` (`history.rs`).
pub fn run_history(
    charter: &Path,
    history: &super::history::History<'_>,
    select: Select<'_>,
    format: EvalFormat,
    eval_options: EvalOptions,
    options: &CompileOptions,
) -> i32 {
    let format = match format {
        EvalFormat::Table => super::history_out::Format::Table,
        EvalFormat::Jsonl => super::history_out::Format::Jsonl,
        EvalFormat::Csv => super::history_out::Format::Csv,
        EvalFormat::Json => {
            stderrln!("error: a series of snapshots is written as `--format jsonl` (a JSON object a line), `csv` or `table`");
            return 2;
        }
    };
    let program = match super::compile_or_report(charter, options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Err(e) = program.figure_ids(select.figures) {
        stderrln!("error: {e}");
        return 2;
    }
    if let Some(law) = select.law {
        if program.laws().all(|l| l != law) {
            let suggestion = polity_compiler::diagnostic::did_you_mean(law, program.laws())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            stderrln!("error: no law named `{law}`{suggestion}");
            return 2;
        }
    }
    super::history::run(&program, history, select, format, eval_options)
}

/// `name = value` per figure, for the table.
pub fn figure_lines(program: &Program, figures: &[FigureOutcome]) -> Vec<String> {
    figures
        .iter()
        .map(|f| format!("{} = {}", f.name, f.render(program)))
        .collect()
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
