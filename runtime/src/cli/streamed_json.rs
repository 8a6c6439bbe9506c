//! `polity eval --format json` written law by law as chunks of subjects are
//! evaluated: the same document as [`crate::api::verdict_json`]'s
//! `write_eval_json`, byte for byte, without holding a law's verdicts. Only
//! the CLI streams this way (it needs the JIT's chunked runs and the CLI's
//! report of disagreements), so it lives here and not in `api`.

use super::report::{add, rendered, Counts};
use crate::api::verdict_json::{result_json, Summary};
use crate::verdict::SubjectResult;
use std::hash::BuildHasher as _;
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
    folded.push(&text)?;
    folded.write(out, 0, 2)?;
    out.write_all(b",\n  \"laws\": [")?;
    // Each result pretty-printed on the core that evaluated it (where each
    // one's text ends beside the chunk's text), folded here. (Folding each
    // chunk there too, and appending its distinct lines here, took no less
    // time in all and held about 20 MB more at 10^6 members.)
    let render = |chunk: Vec<SubjectResult>| {
        let (mut text, mut ends, mut failed) = (Vec::new(), Vec::new(), None);
        let counts = rendered(chunk, |r| {
            if failed.is_none() {
                failed = serde_json::to_writer_pretty(&mut text, &result_json(&r, sources)).err();
                ends.push(text.len());
            }
        });
        Chunk {
            counts,
            text,
            ends,
            failed,
        }
    };
    let mut any = false;
    for law in runs {
        let name = law.law;
        folded.clear();
        let mut counts = (0, 0, 0);
        let mut failed = None;
        let problems = law.run_rendered(&render, &mut |chunk: Chunk| {
            add(&mut counts, chunk.counts);
            let mut start = 0;
            for &end in &chunk.ends {
                if failed.is_none() {
                    let result = chunk.text.get(start..end).unwrap_or_default();
                    failed = folded.push(result).err();
                }
                start = end;
            }
            failed = failed.take().or(chunk.failed.map(io::Error::from));
        });
        disagreed(&problems);
        if let Some(e) = failed {
            return Err(e);
        }
        let (pass, fail, error) = counts;
        let counts = Summary { pass, fail, error };
        out.write_all(if any { b",\n    {\n" } else { b"\n    {\n" })?;
        any = true;
        out.write_all(b"      \"law\": ")?;
        serde_json::to_writer(&mut *out, name)?;
        out.write_all(b",\n      \"summary\": ")?;
        text.clear();
        serde_json::to_writer_pretty(&mut text, &counts)?;
        let mut summary = Folded::default();
        summary.push(&text)?;
        summary.write(out, 0, 6)?;
        out.write_all(b",\n      \"results\": [")?;
        if folded.is_empty() {
            out.write_all(b"]")?;
        } else {
            out.write_all(b"\n")?;
            folded.write(out, 8, 8)?;
            out.write_all(b"\n      ]")?;
        }
        out.write_all(b"\n    }")?;
    }
    out.write_all(if any { b"\n  ]\n}\n" } else { b"]\n}\n" })
}

/// A chunk of a law's results pretty-printed one after another: their
/// counts, their text, where each one's text ends, and the first error of
/// printing one (after which the rest are not printed).
struct Chunk {
    counts: Counts,
    text: Vec<u8>,
    ends: Vec<usize>,
    failed: Option<serde_json::Error>,
}

/// Pretty-printed JSON values, a `,` between them, kept as lines: each
/// line's leading spaces folded into one byte (their number plus `FOLD`, so
/// never a newline; past `FOLD_MAX` the rest stay spaces), and a line that
/// occurred lately stored once and referred to. A law's results repeat the
/// same few lines (keys, brackets, its requirements' labels and reasons)
/// around a subject's own, so this holds about half of what the folded text
/// itself would (issue 14: `may_vote` at 10^6 members).
#[derive(Default)]
struct Folded {
    /// The values' lines in order, each an index into `starts`.
    lines: Vec<u32>,
    /// Where each distinct line (its fold byte, then its text) starts in
    /// `bytes`; it ends where the next one starts.
    starts: Vec<usize>,
    bytes: Vec<u8>,
    /// A line's hash picks an entry here: 1 + the index of the last
    /// distinct line with that hash, or 0. Only where lines are stored
    /// depends on it, never what is written.
    recent: Vec<u32>,
}

/// What a line's leading-space byte adds to their number.
const FOLD: u8 = 32;
/// The most leading spaces one byte holds.
const FOLD_MAX: u8 = 200;
/// How many lines `Folded::recent` remembers.
const RECENT: usize = 1 << 12;
/// The hash of a line in `Folded::recent` (fixed: it decides nothing
/// that is written).
const LINE_HASH: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0);

impl Folded {
    /// Forgets the values (`recent` may keep indexes past the lines left:
    /// a line is looked up there only to be compared).
    fn clear(&mut self) {
        self.lines.clear();
        self.starts.clear();
        self.bytes.clear();
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The bytes of distinct line `i`, if there is one.
    fn line(&self, i: u32) -> Option<&[u8]> {
        let i = i as usize;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).copied().unwrap_or(self.bytes.len());
        self.bytes.get(start..end)
    }

    /// Adds a line (its fold byte, then its text) to the values: the
    /// distinct line it last was if it is known lately, else a new one.
    fn push_line(&mut self, fold: u8, text: &[u8]) -> io::Result<()> {
        if self.recent.is_empty() {
            self.recent = vec![0; RECENT];
        }
        let slot = LINE_HASH.hash_one((fold, text)) as usize % RECENT;
        let known = self.recent.get(slot).copied().unwrap_or(0);
        let same = |line: &[u8]| line.split_first() == Some((&fold, text));
        let index = match known.checked_sub(1) {
            Some(i) if self.line(i).is_some_and(same) => i,
            _ => {
                let i = u32::try_from(self.starts.len()).map_err(|_| {
                    io::Error::other("a law's results hold more than 2^32 distinct lines")
                })?;
                self.starts.push(self.bytes.len());
                self.bytes.push(fold);
                self.bytes.extend_from_slice(text);
                if let Some(r) = self.recent.get_mut(slot) {
                    *r = i.saturating_add(1);
                }
                i
            }
        };
        self.lines.push(index);
        Ok(())
    }

    /// Adds a pretty-printed value (JSON text never holds a raw newline
    /// inside a string, so its lines are the printer's).
    fn push(&mut self, text: &[u8]) -> io::Result<()> {
        if let Some(last) = self.lines.pop() {
            // the previous value's last line ends with its separator
            let mut line = self.line(last).unwrap_or_default().to_vec();
            line.push(b',');
            let (&fold, text) = line.split_first().unwrap_or((&FOLD, &[]));
            self.push_line(fold, text)?;
        }
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', text).chain(std::iter::once(text.len()));
        for end in ends {
            let line = text.get(start..end).unwrap_or_default();
            start = end + 1;
            let spaces = line.iter().take_while(|b| **b == b' ').count();
            let spaces = u8::try_from(spaces).unwrap_or(FOLD_MAX).min(FOLD_MAX);
            let rest = line.get(usize::from(spaces)..).unwrap_or_default();
            self.push_line(spaces + FOLD, rest)?;
        }
        Ok(())
    }

    /// The values, the first line after `first` more spaces, the others
    /// after `indent` more, and no newline after the last.
    fn write(&self, out: &mut impl io::Write, first: usize, indent: usize) -> io::Result<()> {
        const SPACES: &[u8] = &[b' '; 512];
        for (i, index) in self.lines.iter().enumerate() {
            let Some((&spaces, rest)) = self.line(*index).and_then(<[u8]>::split_first) else {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::Folded;

    /// Values written from `Folded` are the printer's own text, whether
    /// their lines repeat, are all distinct (more than `recent` holds, so
    /// lines share its entries), or follow a `clear`.
    #[test]
    fn folded_values_are_written_as_printed() {
        let values: Vec<serde_json::Value> = (0..6000)
            .map(|i| {
                serde_json::json!({
                    "subject": format!("s{i}"),
                    "verdict": if i % 3 == 0 { "fail" } else { "pass" },
                    "failed": [{"label": "a label", "reasons": [{"value": i % 7}], "nested": []}],
                    "warnings": []
                })
            })
            .collect();
        let printed = serde_json::to_string_pretty(&values).unwrap();
        let inner = printed
            .strip_prefix("[\n")
            .and_then(|s| s.strip_suffix("\n]"))
            .unwrap();
        let mut folded = Folded::default();
        for round in 0..2 {
            folded.clear();
            for v in &values {
                folded
                    .push(serde_json::to_string_pretty(v).unwrap().as_bytes())
                    .unwrap();
            }
            let mut out = Vec::new();
            folded.write(&mut out, 2, 2).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), inner, "round {round}");
        }
    }
}
