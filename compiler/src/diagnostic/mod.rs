//! Diagnostics as plain data: a code, a message, labelled spans and a help line.
//!
//! Every stage reports through [`Diagnostic`]; only [`render`] knows how they are
//! drawn. Messages follow one style: lowercase, no trailing period, user input in
//! backticks; advice goes in `help`, not in the message.

pub mod render;

use crate::span::Span;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The charter does not compile.
    Error,
    /// The charter compiles but something is probably wrong.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with a message attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
}

/// One finding about a charter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, `E0001`...; catalogued in docs/errors.md.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// One lowercase sentence, no trailing period.
    pub message: String,
    /// The primary location.
    pub span: Span,
    /// What to say at the primary location.
    pub label: String,
    /// Further locations.
    pub secondary: Vec<Label>,
    /// Advice: how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with `code` and `message` at `span`.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            label: String::new(),
            secondary: Vec::new(),
            help: None,
        }
    }

    /// A warning with `code` and `message` at `span`.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// Sets the text shown under the primary span.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    /// Adds a secondary labelled span.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The closest candidate to `name` by edit distance, for "did you mean" help.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Edit distance over characters where inserting, deleting or replacing a
/// character, or swapping two adjacent ones (the commonest typo: `aeg` for
/// `age`), each cost one (optimal string alignment).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between a[..i] and b[..j]; three rows suffice.
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let (ai, bj) = (a.get(i - 1), b.get(j - 1));
            let cost = usize::from(ai != bj);
            let mut d = (prev.get(j).copied().unwrap_or(0) + 1)
                .min(cur.get(j - 1).copied().unwrap_or(0) + 1)
                .min(prev.get(j - 1).copied().unwrap_or(0) + cost);
            let swapped = i > 1 && j > 1 && ai == b.get(j - 2) && a.get(i - 2) == bj;
            if swapped {
                d = d.min(before.get(j - 2).copied().unwrap_or(0) + 1);
            }
            if let Some(c) = cur.get_mut(j) {
                *c = d;
            }
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("membrs", ["members", "proposals"]),
            Some("members")
        );
        assert_eq!(did_you_mean("Activ", ["Active", "Exited"]), Some("Active"));
        assert_eq!(did_you_mean("zzz", ["members"]), None);
        assert_eq!(did_you_mean("aeg", ["age", "id"]), Some("age"));
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
