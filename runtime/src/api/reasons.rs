//! Verdicts' reasons as lines for people (what `polity eval`'s table,
//! `polity test` and the REPL show under a failing subject) and diagnostics
//! as `polity check --format json` writes them: shared by the command line
//! and the documents of [`super::json`], so both write the same bytes.

use crate::verdict::Failure;
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

/// Reasons of a failure, indented, nested law failures further in.
pub fn write_failure(out: &mut String, f: &Failure, indent: usize) {
    write_item(out, "-", f, indent);
}

/// A reason on its line, then the failures of a law it calls and the
/// reasons inside a fn it calls, further in.
pub fn write_reason(out: &mut String, r: &crate::verdict::Reason, indent: usize) {
    // Pushed piece by piece, as `Reason`'s `Display` writes them: a failing
    // subject's every reason comes through here, and the formatter's
    // padding and arguments cost more than the copying.
    push_indent(out, indent);
    for piece in r.line_pieces() {
        out.push_str(piece);
    }
    out.push('\n');
    for n in &r.nested {
        write_failure(out, n, indent + 2);
    }
    for i in &r.inner {
        write_reason(out, i, indent + 2);
    }
}

/// `n` spaces.
fn push_indent(out: &mut String, n: usize) {
    const SPACES: &str = "                                ";
    match SPACES.get(..n) {
        Some(spaces) => out.push_str(spaces),
        None => out.extend(std::iter::repeat_n(' ', n)),
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

/// A failure on its line after `bullet`, its reasons and exceptions further in.
pub(crate) fn write_item(out: &mut String, bullet: &str, f: &Failure, indent: usize) {
    push_indent(out, indent);
    out.push_str(bullet);
    out.push(' ');
    out.push_str(&f.label);
    out.push('\n');
    for r in &f.reasons {
        write_reason(out, r, indent + 4);
    }
    write_exceptions(out, &f.exceptions, &f.exception_reasons, indent + 4);
}
