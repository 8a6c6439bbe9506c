//! Diagnostics as plain data: a code, a message, labelled spans and a help line.
//!
//! Every stage reports through [`Diagnostic`]; only [`render`] knows how they are
//! drawn. Messages follow one style: lowercase, no trailing period, user input in
//! backticks; advice goes in `help`, not in the message.

mod limit;
pub mod render;
mod suggest;

pub use limit::{bound_text, error_count, limit_per_file, MAX_DIAGNOSTICS};
pub use suggest::{closest, did_you_mean, edit_distance, NameIndex};

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
    /// For the last diagnostic of a file that had too many (E0011): how many
    /// were left out.
    pub omitted: Option<Omitted>,
}

/// How many diagnostics of a file were left out, by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Omitted {
    /// Errors left out.
    pub errors: usize,
    /// Warnings left out.
    pub warnings: usize,
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
            omitted: None,
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
