//! Rendering verdicts and diagnostics for people (tables) and tools (JSON).

use crate::api::LawReport;
use crate::verdict::{EvalError, Failure, Notes, Subject, Verdict};
use polity_compiler::diagnostic::Diagnostic;
use polity_compiler::span::{SourceMap, Span};
use serde_json::{json, Value as Json};
use std::fmt::Write as _;

/// File name, line and column of a span's start.
pub fn locate(sources: &SourceMap, span: Span) -> (String, usize, usize) {
    let name = sources
        .get(span.file)
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let (line, column) = sources.line_col(span.file, span.start);
    (name, line, column)
}

fn span_json(sources: &SourceMap, span: Span) -> Json {
    let (file, line, column) = locate(sources, span);
    let (end_line, end_column) = sources.line_col(span.file, span.end);
    json!({ "file": file, "line": line, "column": column, "end_line": end_line, "end_column": end_column,
            "span": { "start": span.start, "end": span.end } })
}

/// A diagnostic for `polity check --format json`.
pub fn diagnostic_json(d: &Diagnostic, sources: &SourceMap) -> Json {
    let (file, line, column) = locate(sources, d.span);
    let labels: Vec<Json> = d
        .secondary
        .iter()
        .map(|l| {
            let mut j = span_json(sources, l.span);
            if let Some(o) = j.as_object_mut() {
                o.insert("message".into(), json!(l.message));
            }
            j
        })
        .collect();
    json!({
        "code": d.code, "severity": d.severity.as_str(), "message": d.message,
        "file": file, "line": line, "column": column,
        "span": { "start": d.span.start, "end": d.span.end },
        "label": d.label, "help": d.help, "labels": labels,
    })
}

fn subject_json(s: &Subject) -> Json {
    match s {
        Subject::Whole => Json::Null,
        Subject::Id(id) => json!(id),
        Subject::IntId(n) => json!(n),
        Subject::Index(i) => json!(i),
    }
}

fn reasons_json(reasons: &[crate::verdict::Reason], sources: &SourceMap) -> Vec<Json> {
    reasons
        .iter()
        .map(|r| {
            json!({ "expr": r.expr, "value": r.value, "needs": r.needs, "text": r.to_string(),
                    "nested": r.nested.iter().map(|n| failure_json(n, sources)).collect::<Vec<_>>(),
                    "inner": reasons_json(&r.inner, sources) })
        })
        .collect()
}

fn failure_json(f: &Failure, sources: &SourceMap) -> Json {
    let (_, line, column) = locate(sources, f.span);
    json!({ "label": f.label, "line": line, "column": column,
            "reasons": reasons_json(&f.reasons, sources), "exceptions": f.exceptions,
            "exception_reasons": f.exception_reasons.iter().map(|rs| reasons_json(rs, sources)).collect::<Vec<_>>() })
}

/// A subject's notes: `not_applicable` (each precondition that did not hold,
/// the labels it guards and why) and `warnings` (advice not followed, shaped
/// like failures).
fn notes_json(map: &mut serde_json::Map<String, Json>, notes: &Notes, sources: &SourceMap) {
    let not_applicable: Vec<Json> = notes
        .not_applicable
        .iter()
        .map(|n| {
            let (_, line, column) = locate(sources, n.span);
            json!({ "labels": n.labels, "when": n.cond, "line": line, "column": column,
                    "reasons": reasons_json(&n.reasons, sources) })
        })
        .collect();
    let warnings: Vec<Json> = notes
        .warnings
        .iter()
        .map(|w| failure_json(w, sources))
        .collect();
    map.insert("not_applicable".into(), Json::Array(not_applicable));
    map.insert("warnings".into(), Json::Array(warnings));
}

/// An evaluation fault as JSON.
pub fn error_json(e: &EvalError, sources: &SourceMap) -> Json {
    let mut j = span_json(sources, e.span);
    if let Some(o) = j.as_object_mut() {
        o.insert("message".into(), json!(e.message));
        o.insert("kind".into(), json!(e.kind.as_str()));
    }
    j
}

/// The `polity eval --format json` document.
pub fn eval_json(charter: &str, reports: &[LawReport], sources: &SourceMap) -> Json {
    let laws: Vec<Json> = reports
        .iter()
        .map(|r| {
            let (pass, fail, error) = r.counts();
            let results: Vec<Json> = r
                .results
                .iter()
                .map(|s| {
                    let mut o = json!({ "subject": subject_json(&s.subject), "verdict": s.verdict.as_str() });
                    if let Some(map) = o.as_object_mut() {
                        match &s.verdict {
                            Verdict::Pass => {
                                map.insert("failed".into(), json!([]));
                            }
                            Verdict::Fail(fs) => {
                                map.insert("failed".into(), Json::Array(fs.iter().map(|f| failure_json(f, sources)).collect()));
                            }
                            Verdict::Error(e) => {
                                map.insert("failed".into(), json!([]));
                                map.insert("error".into(), error_json(e, sources));
                            }
                        }
                        notes_json(map, &s.notes, sources);
                    }
                    o
                })
                .collect();
            json!({ "law": r.law, "summary": { "pass": pass, "fail": fail, "error": error }, "results": results })
        })
        .collect();
    json!({ "charter": charter, "laws": laws })
}

/// Reasons of a failure, indented, nested law failures further in.
pub fn write_failure(out: &mut String, f: &Failure, indent: usize) {
    write_item(out, "-", f, indent);
}

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

/// A reason on its line, then the failures of a law it calls and the
/// reasons inside a fn it calls, further in.
pub fn write_reason(out: &mut String, r: &crate::verdict::Reason, indent: usize) {
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}{r}");
    for n in &r.nested {
        write_failure(out, n, indent + 2);
    }
    for i in &r.inner {
        write_reason(out, i, indent + 2);
    }
}

/// `(exception "a" did not apply)` and why each did not, under its label
/// when there are several.
pub fn write_exceptions(
    out: &mut String,
    labels: &[String],
    reasons: &[Vec<crate::verdict::Reason>],
    indent: usize,
) {
    if labels.is_empty() {
        return;
    }
    let pad = " ".repeat(indent);
    let list: Vec<String> = labels.iter().map(|e| format!("\"{e}\"")).collect();
    let _ = writeln!(out, "{pad}(exception {} did not apply)", list.join(", "));
    let several = reasons.iter().filter(|r| !r.is_empty()).count() > 1;
    for (label, rs) in labels.iter().zip(reasons) {
        let mut at = indent + 2;
        if several && !rs.is_empty() {
            let _ = writeln!(out, "{pad}  \"{label}\":");
            at += 2;
        }
        for r in rs {
            write_reason(out, r, at);
        }
    }
}

fn write_item(out: &mut String, bullet: &str, f: &Failure, indent: usize) {
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}{bullet} {}", f.label);
    for r in &f.reasons {
        write_reason(out, r, indent + 4);
    }
    write_exceptions(out, &f.exceptions, &f.exception_reasons, indent + 4);
}

/// The `polity eval` table for people.
pub fn eval_table(charter: &str, reports: &[LawReport], sources: &SourceMap) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{charter}");
    for r in reports {
        let (pass, fail, error) = r.counts();
        let _ = writeln!(
            out,
            "\nlaw {}: {pass} pass, {fail} fail, {error} error",
            r.law
        );
        for s in &r.results {
            match &s.verdict {
                Verdict::Pass if s.notes.is_empty() => {}
                Verdict::Pass => {
                    let _ = writeln!(out, "  pass  {}", s.subject);
                    write_notes(&mut out, &s.notes, 8);
                }
                Verdict::Fail(fs) => {
                    let _ = writeln!(out, "  fail  {}", s.subject);
                    for f in fs {
                        write_failure(&mut out, f, 8);
                    }
                    write_notes(&mut out, &s.notes, 8);
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
    }
    out
}
