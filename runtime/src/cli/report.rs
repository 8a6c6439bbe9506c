//! Rendering verdicts for people: the `polity eval` table. The reasons'
//! lines (which `test` and the REPL show too) and diagnostics for tools are
//! `api::reasons`, verdicts for tools `api::verdict_json`.

use crate::api::reasons::write_item;
pub use crate::api::reasons::{
    diagnostic_json, locate, write_exceptions, write_failure, write_reason,
};
use crate::api::LawReport;
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
    reports: impl Iterator<Item = LawReport>,
    sources: &SourceMap,
) -> std::io::Result<()> {
    writeln!(out, "{charter}")?;
    if !figures.is_empty() {
        writeln!(out, "\nfigures:")?;
        for f in figures {
            writeln!(out, "  {f}")?;
        }
    }
    let mut block = String::new();
    for r in reports {
        let (pass, fail, error) = r.counts();
        writeln!(
            out,
            "\nlaw {}: {pass} pass, {fail} fail, {error} error",
            r.law
        )?;
        for s in &r.results {
            block.clear();
            write_subject(&mut block, s, sources);
            out.write_all(block.as_bytes())?;
        }
    }
    Ok(())
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
