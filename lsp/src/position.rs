//! Byte offsets (what the compiler's spans hold) to and from protocol
//! positions: a line and a column counted in UTF-16 code units (the
//! protocol's default) or in bytes (when the client and server agree on
//! UTF-8).

use lsp_types::{Position, Range};

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-16 code units: what the protocol requires unless negotiated.
    Utf16,
    /// Bytes of UTF-8.
    Utf8,
}

/// Where each line of a text starts, for converting positions.
#[derive(Clone, Debug)]
pub struct Lines {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    encoding: Encoding,
}

impl Lines {
    /// The lines of `text`, columns counted in `encoding`.
    pub fn new(text: &str, encoding: Encoding) -> Lines {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { starts, encoding }
    }

    /// The position of byte `offset` of `text` (clamped to the text, and
    /// back to the start of a character it falls inside).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let before = text.get(start..offset).unwrap_or("");
        let character = match self.encoding {
            Encoding::Utf16 => before.encode_utf16().count(),
            Encoding::Utf8 => before.len(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of bytes `start..end` of `text`.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }

    /// The byte offset of `pos` in `text`, or `None` when its line is past
    /// the end. A column past the end of its line means the line's end, as
    /// the protocol says; one inside a character means that character's start.
    pub fn offset(&self, text: &str, pos: Position) -> Option<usize> {
        let start = *self.starts.get(pos.line as usize)?;
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |next| next - 1);
        let line = text.get(start..end).unwrap_or("");
        let line = line.strip_suffix('\r').unwrap_or(line);
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= want {
                return Some(start + i);
            }
            units += match self.encoding {
                Encoding::Utf16 => c.len_utf16(),
                Encoding::Utf8 => c.len_utf8(),
            };
            if units > want {
                return Some(start + i);
            }
        }
        Some(start + line.len())
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_utf16_units_and_bytes() {
        let text = "a\n\"Bürger 🌍\" x\r\nlast";
        let lines = Lines::new(text, Encoding::Utf16);
        let x = text.find(" x").map(|i| i + 1).unwrap_or(0);
        // `"Bürger 🌍" ` is 1 + 6 + 1 + 2 (a surrogate pair) + 1 + 1 units.
        assert_eq!(lines.position(text, x), Position::new(1, 12));
        assert_eq!(lines.offset(text, Position::new(1, 12)), Some(x));
        // Inside the surrogate pair: the emoji's start.
        let emoji = text.find('🌍').unwrap_or(0);
        assert_eq!(lines.offset(text, Position::new(1, 9)), Some(emoji));
        // Past the end of a line: its end (before `\r\n`).
        assert_eq!(lines.offset(text, Position::new(1, 99)), Some(x + 1));
        assert_eq!(lines.offset(text, Position::new(2, 4)), Some(text.len()));
        assert_eq!(lines.offset(text, Position::new(3, 0)), None);
        let bytes = Lines::new(text, Encoding::Utf8);
        assert_eq!(bytes.position(text, x), Position::new(1, 15));
        assert_eq!(bytes.offset(text, Position::new(1, 15)), Some(x));
    }
}
