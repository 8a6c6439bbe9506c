//! Diagnostics located for CI tools: a file path as given and 1-based line
//! and column ranges (the common ground of `--format sarif` and `--format
//! github`), and the catalog entry of each code in `docs/errors.md`.

use polity_compiler::diagnostic::Diagnostic;
use polity_compiler::span::{SourceMap, Span};

/// The project's home, for links into its documentation (set
/// `POLITY_REPO_URL` when building to point them at another copy).
pub const REPO_URL: &str = match option_env!("POLITY_REPO_URL") {
    Some(url) => url,
    None => "https://github.com/polity-lang/polity",
};

/// The error catalog, embedded so that every rule a report names has the
/// catalog's words (`runtime/tests/tidy.rs` keeps every code in it).
const CATALOG: &str = include_str!("../../../docs/errors.md");

/// A range of a file: 1-based lines and columns (in characters); the end is
/// the position just after the last character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The file's name as the charter was given (or `std.NAME`).
    pub file: String,
    /// First line.
    pub line: usize,
    /// First column.
    pub column: usize,
    /// Line of the end.
    pub end_line: usize,
    /// Column just after the end.
    pub end_column: usize,
}

impl Place {
    /// Where `span` is in `sources` (line and column at least 1).
    pub fn of(sources: &SourceMap, span: Span) -> Place {
        let file = sources
            .get(span.file)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        let (line, column) = sources.line_col(span.file, span.start);
        let (end_line, end_column) = sources.line_col(span.file, span.end);
        Place {
            file,
            line: line.max(1),
            column: column.max(1),
            end_line: end_line.max(line).max(1),
            end_column: end_column.max(1),
        }
    }
}

/// A diagnostic with its places resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// `E0102`...
    pub code: &'static str,
    /// An error (else a warning).
    pub error: bool,
    /// The message.
    pub message: String,
    /// The help line, if any.
    pub help: Option<String>,
    /// The primary place.
    pub at: Place,
    /// Secondary places with what they say.
    pub related: Vec<(Place, String)>,
}

impl Located {
    /// `d` located in `sources`.
    pub fn new(d: &Diagnostic, sources: &SourceMap) -> Located {
        Located {
            code: d.code,
            error: d.is_error(),
            message: d.message.clone(),
            help: d.help.clone(),
            at: Place::of(sources, d.span),
            related: d
                .secondary
                .iter()
                .map(|l| (Place::of(sources, l.span), l.message.clone()))
                .collect(),
        }
    }
}

/// What the catalog says of a code: its cause and fix (the second and third
/// columns of its row) and the anchor of its section, as GitHub renders headings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogEntry {
    /// The cause, as written (Markdown).
    pub cause: String,
    /// How to fix it (the third column; Markdown).
    pub fix: String,
    /// The URL of the code's section of `docs/errors.md`.
    pub url: String,
}

/// The catalog's entry for `code`, if it has one.
pub fn catalog_entry(code: &str) -> Option<CatalogEntry> {
    let mut section = String::new();
    for line in CATALOG.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            section = anchor(heading);
            continue;
        }
        let mut cells = line.split(" | ");
        let first = cells.next().and_then(|c| c.strip_prefix("| "));
        if first == Some(code) {
            return Some(CatalogEntry {
                cause: cells.next().unwrap_or_default().trim().to_string(),
                fix: cells
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .trim_end_matches('|')
                    .trim()
                    .to_string(),
                url: format!("{REPO_URL}/blob/main/docs/errors.md#{section}"),
            });
        }
    }
    None
}

/// A heading's anchor as GitHub makes it: lowercase, spaces to `-`, and
/// punctuation other than `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_githubs() {
        assert_eq!(
            anchor("Names and declarations (E0006–E0007, E0100–E0129)"),
            "names-and-declarations-e0006e0007-e0100e0129"
        );
        assert_eq!(
            anchor("Too many diagnostics (E0011)"),
            "too-many-diagnostics-e0011"
        );
    }

    #[test]
    fn the_catalog_describes_its_codes() {
        let e = catalog_entry("E0102").unwrap();
        assert!(e.cause.starts_with("a name declared twice"), "{}", e.cause);
        assert_eq!(e.fix, "rename or remove one");
        assert!(e
            .url
            .ends_with("errors.md#names-and-declarations-e0006e0007-e0100e0129"));
        assert_eq!(catalog_entry("E9999"), None);
    }
}
