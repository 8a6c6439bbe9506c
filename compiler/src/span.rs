//! Source locations: byte ranges into files held by a [`SourceMap`].

use std::fmt;

/// Index of a source file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A half-open byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span of `start..end` in `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end),
        }
    }

    /// The smallest span covering both (same file assumed; `self`'s file wins).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range as `usize`s.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One past each `\n` of `text`.
fn line_starts_of(text: &str) -> Vec<u32> {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| clamp_u32(i + 1))
        .collect()
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// One source file: its display name and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The name shown in diagnostics (a path, `std.voting`, `<repl>`...).
    pub name: String,
    /// The whole text.
    pub text: String,
    /// The byte offset of each line after the first (one past each `\n`),
    /// so a position's line is found without reading the text before it:
    /// a law's verdicts at 10^6 subjects give one location per failure.
    line_starts: Vec<u32>,
}

/// All source files of one compilation; spans index into it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(clamp_u32(self.files.len()));
        let text = text.into();
        let line_starts = line_starts_of(&text);
        self.files.push(SourceFile {
            name: name.into(),
            text,
            line_starts,
        });
        id
    }

    /// The file with this id, if any.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The id of the file named `name`, if loaded.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.name == name)
            .map(|i| FileId(clamp_u32(i)))
    }

    /// Every file with its id, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(clamp_u32(i)), f))
    }

    /// The source text a span covers ("" if out of range).
    pub fn snippet(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|f| f.text.get(span.range()))
            .unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: u32) -> (usize, usize) {
        let Some(f) = self.get(file) else {
            return (0, 0);
        };
        let upto = f.text.get(..offset as usize).unwrap_or(&f.text);
        // Lines that start at or before the end of `upto`.
        let before = f
            .line_starts
            .partition_point(|&start| start as usize <= upto.len());
        let line_start = before
            .checked_sub(1)
            .and_then(|i| f.line_starts.get(i))
            .map_or(0, |&s| s as usize);
        let col = upto
            .get(line_start..)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (before + 1, col)
    }
}

#[cfg(test)]
mod tests {
    use super::SourceMap;

    /// Every offset's line and column, from the table of line starts, is
    /// what counting the newlines and characters before it gives: at line
    /// starts and ends, inside multi-byte characters, past the end.
    #[test]
    fn line_and_column_are_those_counted_from_the_start() {
        let text = "law a {\r\n  require \"é\": x\n\n  ∑ y\nlast";
        let mut map = SourceMap::new();
        let file = map.add("t.polity", text);
        for offset in 0..=text.len() + 2 {
            let upto = text.get(..offset).unwrap_or(text);
            let line = upto.matches('\n').count() + 1;
            let start = upto.rfind('\n').map_or(0, |i| i + 1);
            let col = upto.get(start..).map_or(0, |s| s.chars().count()) + 1;
            assert_eq!(map.line_col(file, offset as u32), (line, col), "{offset}");
        }
        assert_eq!(map.line_col(file, 9), (2, 1));
    }
}
