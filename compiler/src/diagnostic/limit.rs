//! Keeping diagnostics readable on hostile input: at most a number of them per
//! file (then one E0011 saying how many more there were), and no more than a
//! few hundred bytes of user input quoted in any of them.
//!
//! *Architecture Invariant:* whatever the charter, what [`crate::compile`]
//! reports is bounded: at most `max_diagnostics + 1` diagnostics per file, each
//! message, label and help at most [`MAX_TEXT`] bytes plus a short note of
//! what was cut.

use super::{Diagnostic, Omitted, Severity};

/// Diagnostics shown per file by default.
pub const MAX_DIAGNOSTICS: usize = 100;

/// The longest quoted user input (between backticks) shown whole, in bytes.
const MAX_QUOTED: usize = 64;

/// The longest message, label or help line, in bytes.
const MAX_TEXT: usize = 480;

/// Keeps the first `max` diagnostics of each file (they are sorted by file
/// and position) and says how many more there were in one E0011 per file,
/// an error if any error was left out; cuts what every kept one quotes.
pub fn limit_per_file(diags: Vec<Diagnostic>, max: usize) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut shown = 0usize;
    let mut pending: Option<Diagnostic> = None;
    for d in diags {
        let same_file = out.last().is_some_and(|last| last.span.file == d.span.file)
            || pending.as_ref().is_some_and(|p| p.span.file == d.span.file);
        if !same_file {
            out.extend(pending.take().map(|s| summarised(s, max)));
            shown = 0;
        }
        if shown < max {
            shown += 1;
            out.push(bounded(d));
            continue;
        }
        let summary = pending.get_or_insert_with(|| Diagnostic {
            omitted: Some(Omitted::default()),
            ..Diagnostic::warning("E0011", d.span, "")
        });
        if let Some(o) = &mut summary.omitted {
            match d.severity {
                Severity::Error => o.errors += 1,
                Severity::Warning => o.warnings += 1,
            }
        }
    }
    out.extend(pending.map(|s| summarised(s, max)));
    out
}

/// The E0011 for a file's left-out diagnostics, worded from their counts.
fn summarised(mut d: Diagnostic, max: usize) -> Diagnostic {
    let o = d.omitted.unwrap_or_default();
    let what = match (o.errors, o.warnings) {
        (1, 0) => "error",
        (_, 0) => "errors",
        (0, 1) => "warning",
        (0, _) => "warnings",
        _ => "diagnostics",
    };
    if o.errors > 0 {
        d.severity = Severity::Error;
    }
    d.message = format!("and {} more {what}", grouped(o.errors + o.warnings));
    d.label = "the first one not shown".into();
    d.help = Some(format!(
        "at most {max} diagnostics are shown per file: fix these and check again (`--max-diagnostics` shows more)"
    ));
    d
}

/// How many errors `diags` stand for, counting those an E0011 left out.
pub fn error_count(diags: &[Diagnostic]) -> usize {
    diags
        .iter()
        .map(|d| match d.omitted {
            Some(o) => o.errors,
            None => usize::from(d.is_error()),
        })
        .sum()
}

/// The diagnostic with every text cut by [`bound_text`].
fn bounded(mut d: Diagnostic) -> Diagnostic {
    d.message = bound_text(&d.message);
    d.label = bound_text(&d.label);
    d.help = d.help.as_deref().map(bound_text);
    for s in &mut d.secondary {
        s.message = bound_text(&s.message);
    }
    d
}

/// `text` with each quotation (between backticks) longer than 64 bytes cut,
/// followed by its length — `` `aaaa…` (400,000 bytes) `` — and the whole
/// cut to 480 bytes.
pub fn bound_text(text: &str) -> String {
    if text.len() <= MAX_QUOTED {
        return text.to_string();
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('`') {
        out.push_str(before);
        out.push('`');
        let Some((quoted, tail)) = after.split_once('`') else {
            rest = after;
            break;
        };
        if quoted.len() <= MAX_QUOTED {
            out.push_str(quoted);
            out.push('`');
        } else {
            out.push_str(prefix(quoted, MAX_QUOTED / 2));
            out.push_str(&format!("…` ({} bytes)", grouped(quoted.len())));
        }
        rest = tail;
    }
    out.push_str(rest);
    if out.len() > MAX_TEXT {
        let cut = prefix(&out, MAX_TEXT).len();
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character.
fn prefix(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// `400000` as `400,000`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{FileId, Span};

    #[test]
    fn long_quotations_are_cut_with_their_length() {
        let name = "a".repeat(400_000);
        let cut = bound_text(&format!("unknown name `{name}`"));
        assert_eq!(
            cut,
            format!("unknown name `{}…` (400,000 bytes)", "a".repeat(32))
        );
        assert_eq!(bound_text("`a` calls `b`"), "`a` calls `b`");
        let unclosed = bound_text(&format!("found `{}", "é".repeat(1000)));
        assert!(unclosed.len() <= MAX_TEXT + 3 && unclosed.ends_with('…'));
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(999), "999");
    }

    #[test]
    fn each_file_keeps_its_first_diagnostics_and_counts_the_rest() {
        let at = |file, start| Span::new(FileId(file), start, start + 1);
        let mut diags: Vec<Diagnostic> = (0..5)
            .map(|i| Diagnostic::error("E0100", at(0, i), "x"))
            .collect();
        diags.push(Diagnostic::warning("E0207", at(0, 9), "w"));
        diags.extend((0..2).map(|i| Diagnostic::error("E0100", at(1, i), "y")));
        let limited = limit_per_file(diags, 3);
        let codes: Vec<&str> = limited.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["E0100", "E0100", "E0100", "E0011", "E0100", "E0100"]
        );
        let summary = &limited[3];
        assert_eq!(summary.message, "and 3 more diagnostics");
        assert_eq!(summary.span, at(0, 3));
        assert!(summary.is_error());
        assert_eq!(error_count(&limited), 7);
    }
}
