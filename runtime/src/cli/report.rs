//! Rendering verdicts for people: the `polity eval` table. The reasons'
//! lines (which `test` and the REPL show too) and diagnostics for tools are
//! `api::reasons`, verdicts for tools `api::verdict_json`.

use crate::api::reasons::write_item;
pub use crate::api::reasons::{
    diagnostic_json, locate, write_exceptions, write_failure, write_reason,
};
use crate::api::{add_counts, LawRun};
use crate::jit::Disagreement;
use crate::verdict::{Notes, SubjectResult, Verdict};
use polity_compiler::span::SourceMap;
use std::fmt::Write as _;

/// What a law says besides the verdict: advice not followed (`!`), then
/// requirements that were not applicable and why.
pub fn write_notes(out: &mut String, notes: &Notes, indent: usize) {
    let pad = " ".repeat(indent);
    for w in &notes.warnings {
        write_item(out, "! advice:", w, indent);
    }
    for n in &notes.not_applicable {
        let list: Vec<String> = n.labels.iter().map(|l| format!("\"{l}\"")).collect();
        let _ = writeln!(out, "{pad}- not applicable: {}", list.join(", "));
        let _ = writeln!(out, "{pad}    (when {} did not hold)", n.cond);
        for r in &n.reasons {
            write_reason(out, r, indent + 4);
        }
    }
}

/// Writes the `polity eval` table for people: the figures' lines
/// (`name = value`), then law by law as the iterator evaluates them (each subject's lines are built in one reused buffer).
pub fn write_eval_table(
    out: &mut impl std::io::Write,
    charter: &str,
    figures: &[String],
    laws: Laws<'_, '_>,
) -> std::io::Result<()> {
    writeln!(out, "{charter}")?;
    if !figures.is_empty() {
        writeln!(out, "\nfigures:")?;
        for f in figures {
            writeln!(out, "  {f}")?;
        }
    }
    // A law's counts come before its subjects' lines, so the lines are kept
    // as text (far smaller than the verdicts) as each chunk of subjects is
    // done, and each chunk's verdicts are dropped at once.
    let mut block = String::new();
    let mut lines = Vec::new();
    let Laws {
        runs,
        sources,
        disagreed,
    } = laws;
    for law in runs {
        let name = law.law;
        lines.clear();
        let mut keep = |s: &SubjectResult| {
            block.clear();
            write_subject(&mut block, s, sources);
            lines.extend_from_slice(block.as_bytes());
        };
        let (problems, whole, (pass, fail, error)) = run_law(law, &mut keep);
        disagreed(&problems);
        writeln!(out, "\nlaw {name}: {pass} pass, {fail} fail, {error} error")?;
        out.write_all(&lines)?;
        for s in &whole {
            block.clear();
            write_subject(&mut block, s, sources);
            out.write_all(block.as_bytes())?;
        }
    }
    Ok(())
}

/// Runs `law`, counting its results (pass, fail, error). A law whose
/// results come as one chunk (the interpreter's, or a small collection)
/// is returned whole, to be written straight out; one that comes in
/// several has every result given to `keep` (to be kept as text) and
/// each chunk dropped at once. Either way no result is held both as a
/// verdict and as text. Also returns the law's disagreements.
pub(super) fn run_law(
    law: LawRun<'_>,
    keep: &mut dyn FnMut(&SubjectResult),
) -> (Vec<Disagreement>, Vec<SubjectResult>, (usize, usize, usize)) {
    let mut counts = (0, 0, 0);
    let mut first = None;
    let mut kept = false;
    let problems = law.run(&mut |chunk| {
        add_counts(&chunk, &mut counts);
        if !kept && first.is_none() {
            first = Some(chunk);
            return;
        }
        kept = true;
        first.take().into_iter().flatten().for_each(|s| keep(&s));
        chunk.iter().for_each(&mut *keep);
    });
    (problems, first.unwrap_or_default(), counts)
}

/// The laws an `eval` document writes, each evaluated as it is written:
/// the runs, the sources their spans point into, and what to tell of each
/// law's disagreements once it is evaluated.
pub struct Laws<'a, 'b> {
    /// The laws, in order.
    pub runs: Box<dyn Iterator<Item = LawRun<'a>> + 'a>,
    /// The program's sources.
    pub sources: &'b SourceMap,
    /// Told each law's disagreements.
    pub disagreed: &'b mut dyn FnMut(&[Disagreement]),
}

/// A subject's lines in the table: nothing for a plain pass.
fn write_subject(out: &mut String, s: &SubjectResult, sources: &SourceMap) {
    match &s.verdict {
        Verdict::Pass if s.notes.is_empty() => {}
        Verdict::Pass => {
            let _ = writeln!(out, "  pass  {}", s.subject);
            write_notes(out, &s.notes, 8);
        }
        Verdict::Fail(fs) => {
            let _ = writeln!(out, "  fail  {}", s.subject);
            for f in fs {
                write_failure(out, f, 8);
            }
            write_notes(out, &s.notes, 8);
        }
        Verdict::Error(e) => {
            let (file, line, column) = locate(sources, e.span);
            let _ = writeln!(
                out,
                "  error {}: {} at {file}:{line}:{column}",
                s.subject, e.message
            );
        }
    }
}
