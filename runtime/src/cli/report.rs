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
/// (`name = value`), then law by law as the iterator evaluates them.
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
    // as text (far smaller than the verdicts): each chunk of subjects is
    // written as text on the core that evaluated it, its verdicts dropped
    // there, and the text kept here until the law ends.
    let mut lines = String::new();
    let Laws {
        runs,
        sources,
        disagreed,
    } = laws;
    let render = |chunk: Vec<SubjectResult>| {
        let mut text = String::new();
        let counts = rendered(chunk, |s| write_subject(&mut text, &s, sources));
        (counts, text)
    };
    for law in runs {
        let name = law.law;
        lines.clear();
        let mut counts = (0, 0, 0);
        let problems = law.run_rendered(&render, &mut |(c, text): (Counts, String)| {
            add(&mut counts, c);
            lines.push_str(&text);
        });
        disagreed(&problems);
        let (pass, fail, error) = counts;
        writeln!(out, "\nlaw {name}: {pass} pass, {fail} fail, {error} error")?;
        out.write_all(lines.as_bytes())?;
    }
    Ok(())
}

/// A law's results counted: pass, fail, error.
pub(super) type Counts = (usize, usize, usize);

/// Counts a chunk's results and gives each to `write`, in order, each
/// dropped (its reasons freed) once it is written.
pub(super) fn rendered(chunk: Vec<SubjectResult>, mut write: impl FnMut(SubjectResult)) -> Counts {
    let mut counts = (0, 0, 0);
    add_counts(&chunk, &mut counts);
    chunk.into_iter().for_each(&mut write);
    counts
}

/// Adds a chunk's counts to a law's.
pub(super) fn add(to: &mut Counts, (pass, fail, error): Counts) {
    to.0 += pass;
    to.1 += fail;
    to.2 += error;
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
