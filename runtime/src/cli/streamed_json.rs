//! `polity eval --format json` written law by law as chunks of subjects are
//! evaluated: the same document as [`crate::api::verdict_json`]'s
//! `write_eval_json`, byte for byte, without holding a law's verdicts. Only
//! the CLI streams this way (it needs the JIT's chunked runs and the CLI's
//! report of disagreements), so it lives here and not in `api`.

use crate::api::verdict_json::{result_json, Summary};
use crate::verdict::SubjectResult;
use std::io;

/// `write_eval_json`'s document, byte for byte, from laws evaluated as
/// they are written: a law's `summary` comes before its `results`, so each
/// chunk of subjects is rendered as it is done, its verdicts dropped at
/// once, and the law's results kept as `Folded` text until it ends.
/// `disagreed` is told each law's disagreements once it is evaluated.
pub fn write_eval_json_streamed(
    out: &mut impl io::Write,
    charter: &str,
    figures: &serde_json::Map<String, serde_json::Value>,
    laws: super::report::Laws<'_, '_>,
) -> io::Result<()> {
    let super::report::Laws {
        runs,
        sources,
        disagreed,
    } = laws;
    out.write_all(b"{\n  \"charter\": ")?;
    serde_json::to_writer(&mut *out, charter)?;
    out.write_all(b",\n  \"figures\": ")?;
    let mut text = Vec::new();
    serde_json::to_writer_pretty(&mut text, figures)?;
    let mut folded = Folded::default();
    folded.push(&text);
    folded.write(out, 0, 2)?;
    out.write_all(b",\n  \"laws\": [")?;
    let mut any = false;
    for law in runs {
        let name = law.law;
        folded.clear();
        let mut failed = None;
        let mut keep = |r: &SubjectResult| {
            text.clear();
            let written = serde_json::to_writer_pretty(&mut text, &result_json(r, sources));
            failed = failed.take().or(written.err());
            folded.push(&text);
        };
        let (problems, whole, (pass, fail, error)) = super::report::run_law(law, &mut keep);
        disagreed(&problems);
        if let Some(e) = failed {
            return Err(e.into());
        }
        let counts = Summary { pass, fail, error };
        out.write_all(if any { b",\n    {\n" } else { b"\n    {\n" })?;
        any = true;
        out.write_all(b"      \"law\": ")?;
        serde_json::to_writer(&mut *out, name)?;
        out.write_all(b",\n      \"summary\": ")?;
        text.clear();
        serde_json::to_writer_pretty(&mut text, &counts)?;
        let mut summary = Folded::default();
        summary.push(&text);
        summary.write(out, 0, 6)?;
        out.write_all(b",\n      \"results\": [")?;
        if folded.is_empty() && whole.is_empty() {
            out.write_all(b"]")?;
        } else {
            out.write_all(b"\n")?;
            folded.write(out, 8, 8)?;
            // A law that came whole: each result written as it is rendered.
            for (i, r) in whole.iter().enumerate() {
                text.clear();
                serde_json::to_writer_pretty(&mut text, &result_json(r, sources))?;
                folded.clear();
                folded.push(&text);
                out.write_all(if i > 0 { b",\n" } else { b"" })?;
                folded.write(out, 8, 8)?;
            }
            out.write_all(b"\n      ]")?;
        }
        out.write_all(b"\n    }")?;
    }
    out.write_all(if any { b"\n  ]\n}\n" } else { b"]\n}\n" })
}

/// Pretty-printed JSON values, a `,` between them, kept with each line's
/// leading spaces folded into one byte (their number plus `FOLD`, so never
/// a newline; past `FOLD_MAX` the rest stay spaces): about half the text,
/// since most of a deep document is indentation.
#[derive(Default)]
struct Folded {
    lines: Vec<u8>,
}

/// What a line's leading-space byte adds to their number.
const FOLD: u8 = 32;
/// The most leading spaces one byte holds.
const FOLD_MAX: u8 = 200;

impl Folded {
    fn clear(&mut self) {
        self.lines.clear();
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds a pretty-printed value (JSON text never holds a raw newline
    /// inside a string, so its lines are the printer's).
    fn push(&mut self, text: &[u8]) {
        if self.lines.pop().is_some() {
            // the previous value's last line ends with its separator
            self.lines.extend_from_slice(b",\n");
        }
        for line in text.split(|b| *b == b'\n') {
            let spaces = line.iter().take_while(|b| **b == b' ').count();
            let spaces = u8::try_from(spaces).unwrap_or(FOLD_MAX).min(FOLD_MAX);
            self.lines.push(spaces + FOLD);
            let spaces = usize::from(spaces);
            self.lines
                .extend_from_slice(line.get(spaces..).unwrap_or_default());
            self.lines.push(b'\n');
        }
    }

    /// The values, the first line after `first` more spaces, the others
    /// after `indent` more, and no newline after the last.
    fn write(&self, out: &mut impl io::Write, first: usize, indent: usize) -> io::Result<()> {
        const SPACES: &[u8] = &[b' '; 512];
        let body = self.lines.strip_suffix(b"\n").unwrap_or(&self.lines);
        for (i, line) in body.split(|b| *b == b'\n').enumerate() {
            let Some((&spaces, rest)) = line.split_first() else {
                continue;
            };
            if i > 0 {
                out.write_all(b"\n")?;
            }
            let n = usize::from(spaces.saturating_sub(FOLD)) + if i > 0 { indent } else { first };
            out.write_all(SPACES.get(..n).unwrap_or(SPACES))?;
            out.write_all(rest)?;
        }
        Ok(())
    }
}
