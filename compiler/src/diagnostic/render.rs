//! Drawing diagnostics with ariadne. The only module that touches ariadne.
//!
//! Spans are byte offsets (ariadne is told so with [`IndexType::Byte`]), so a
//! label after non-ASCII text underlines the right columns. Spans are clamped
//! to the file and to character boundaries first: rendering never panics, even
//! for a diagnostic with a stale span.

use std::fmt;
use std::ops::Range;

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};

use super::{Diagnostic, Severity};
use crate::span::{SourceMap, Span};

/// Renders diagnostics as text, one report after another; coloured only when
/// `color` is true.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    // One cache for every report: ariadne indexes the lines of each file once.
    let mut cache = ariadne::sources(sources.iter().map(|(id, f)| {
        (
            FileKey {
                id: id.0,
                name: f.name.clone(),
            },
            f.text.as_str(),
        )
    }));
    let mut out = String::new();
    for diag in diags {
        out.push_str(&render_one(diag, sources, color, &mut cache));
    }
    out
}

/// The file name and 1-based line and column (in characters) of a
/// diagnostic's primary span.
pub fn location(diag: &Diagnostic, sources: &SourceMap) -> (String, usize, usize) {
    let name = sources
        .get(diag.span.file)
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let (line, col) = sources.line_col(diag.span.file, diag.span.start);
    (name, line, col)
}

/// A source in ariadne's cache: keyed by file id, displayed by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FileKey {
    id: u32,
    name: String,
}

impl fmt::Display for FileKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

type AriadneSpan = (FileKey, Range<usize>);

fn render_one(
    diag: &Diagnostic,
    sources: &SourceMap,
    color: bool,
    cache: &mut impl ariadne::Cache<FileKey>,
) -> String {
    let header = format!("{}[{}]", diag.severity.as_str(), diag.code);
    let Some(primary) = ariadne_span(sources, diag.span) else {
        return render_plain(diag, &header);
    };
    if let Some(windowed) = render_long_line(diag, sources, &header, &primary) {
        return windowed;
    }
    let kind_color = match diag.severity {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
    };
    let config = Config::default()
        .with_index_type(IndexType::Byte)
        .with_color(color);
    let mut builder = Report::build(ReportKind::Custom(&header, kind_color), primary.clone())
        .with_config(config)
        .with_message(&diag.message);
    let mut primary_label = Label::new(primary)
        .with_message(&diag.label)
        .with_priority(1);
    if color {
        primary_label = primary_label.with_color(kind_color);
    }
    builder = builder.with_label(primary_label);
    for secondary in &diag.secondary {
        if let Some(span) = ariadne_span(sources, secondary.span) {
            let mut label = Label::new(span).with_message(&secondary.message);
            if color {
                label = label.with_color(Color::Blue);
            }
            builder = builder.with_label(label);
        }
    }
    if let Some(help) = &diag.help {
        builder = builder.with_help(help);
    }
    let mut bytes = Vec::new();
    if builder.finish().write(cache, &mut bytes).is_err() {
        return render_plain(diag, &header);
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if color {
        text
    } else {
        strip_ansi(&text)
    }
}

/// Removes ANSI colour sequences: ariadne colours a custom report kind even
/// when colour is off.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The span clamped into its file and onto character boundaries, or `None`
/// if the file is unknown.
fn ariadne_span(sources: &SourceMap, span: Span) -> Option<AriadneSpan> {
    let file = sources.get(span.file)?;
    let text = &file.text;
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start as usize);
    let end = floor(span.end as usize).max(start);
    let key = FileKey {
        id: span.file.0,
        name: file.name.clone(),
    };
    Some((key, start..end))
}

/// Lines longer than this are shown as a window around the primary span.
const MAX_SHOWN_LINE: usize = 400;
/// Spans over more lines than this are shown as a window of their first line.
const MAX_SHOWN_LINES: usize = 12;
/// Bytes shown before and after the primary span's start in such a window.
const WINDOW: usize = 60;

/// A diagnostic on a very long line (a generated charter, 20,000 nested
/// brackets): ariadne would echo the whole line, so show a window of it with
/// the real line and column in the header. `None` for ordinary lines.
fn render_long_line(
    diag: &Diagnostic,
    sources: &SourceMap,
    header: &str,
    primary: &AriadneSpan,
) -> Option<String> {
    let file = sources.get(diag.span.file)?;
    let text = file.text.as_str();
    let start = primary.1.start;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(start..)?
        .find('\n')
        .map_or(text.len(), |i| start + i);
    let long = on_long_line(sources, diag.span)
        || diag.secondary.iter().any(|l| on_long_line(sources, l.span));
    if line_end - line_start <= MAX_SHOWN_LINE && !long {
        return None;
    }
    let floor = |mut i: usize| {
        while i > line_start && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let from = floor(start.saturating_sub(WINDOW).max(line_start));
    let to = floor((start + WINDOW).min(line_end));
    let shown = text.get(from..to)?;
    let (line, column) = sources.line_col(diag.span.file, diag.span.start);
    let gutter = " ".repeat(line.to_string().len());
    let lead = if from > line_start { "…" } else { "" };
    let tail = if to < line_end { "…" } else { "" };
    let caret_at = lead.chars().count() + text.get(from..start)?.chars().count();
    let width = text
        .get(start..primary.1.end.min(to).max(start))?
        .chars()
        .count()
        .max(1);
    let mut out = format!(
        "{header}: {}\n{gutter} --> {}:{line}:{column}\n{gutter} |\n",
        diag.message, file.name
    );
    out.push_str(&format!("{line} | {lead}{shown}{tail}\n"));
    out.push_str(&format!(
        "{gutter} | {}{} {}\n",
        " ".repeat(caret_at),
        "^".repeat(width),
        diag.label
    ));
    for secondary in &diag.secondary {
        let (l, c) = sources.line_col(secondary.span.file, secondary.span.start);
        let name = sources
            .get(secondary.span.file)
            .map_or("", |f| f.name.as_str());
        out.push_str(&format!(
            "{gutter} = note: {name}:{l}:{c}: {}\n",
            secondary.message
        ));
    }
    if let Some(help) = &diag.help {
        out.push_str(&format!("{gutter} = help: {help}\n"));
    }
    Some(out)
}

/// Whether `span` covers more than [`MAX_SHOWN_LINES`] lines, or any line it
/// touches is longer than [`MAX_SHOWN_LINE`]: ariadne would echo them all.
fn on_long_line(sources: &SourceMap, span: Span) -> bool {
    let Some(text) = sources.get(span.file).map(|f| f.text.as_str()) else {
        return false;
    };
    let (start, end) = (span.start as usize, span.end as usize);
    let from = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let to = text
        .get(end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| end + i);
    text.get(from..to).is_some_and(|lines| {
        lines.split('\n').count() > MAX_SHOWN_LINES
            || lines.split('\n').any(|l| l.len() > MAX_SHOWN_LINE)
    })
}

/// Without a source to show: `error[E0001]: message` and the help line.
fn render_plain(diag: &Diagnostic, header: &str) -> String {
    let mut out = format!("{header}: {}\n", diag.message);
    if let Some(help) = &diag.help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out
}
