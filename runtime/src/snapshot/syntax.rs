//! Input that is not JSON (or not UTF-8) turned into [`SnapshotError::Syntax`].

use super::SnapshotError;

/// Bytes that are not UTF-8: the error names the byte offset of the first bad byte.
pub(super) fn utf8_error(bytes: &[u8], error: std::str::Utf8Error) -> SnapshotError {
    let offset = error.valid_up_to();
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    SnapshotError::Syntax {
        message: format!("invalid UTF-8 at byte offset {offset}"),
        line,
        column: offset - line_start + 1,
    }
}

/// serde_json's error with its location split out and its message lowercased
/// (`EOF while parsing a value` becomes `end of input while parsing a value`).
pub(super) fn json_error(error: &serde_json::Error) -> SnapshotError {
    let (line, column) = (error.line(), error.column());
    let full = error.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let message = match message.strip_prefix("EOF") {
        Some(rest) => format!("end of input{rest}"),
        None => lowercase_first(message),
    };
    SnapshotError::Syntax {
        message,
        line,
        // serde_json counts the characters read on the line, so an error
        // before the first (an empty input, an end right after a newline)
        // is at its column 0; ours are 1-based (found by fuzzing)
        column: column.max(1),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
