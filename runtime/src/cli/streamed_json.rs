//! `polity eval --format json` written law by law as chunks of subjects are
//! evaluated: the same document as [`crate::api::verdict_json`]'s
//! `write_eval_json`, byte for byte, without holding a law's verdicts or
//! their text. Only the CLI streams this way (it needs the JIT's chunked
//! runs and the CLI's report of disagreements), so it lives here and not in
//! `api`.

use super::report::{add, rendered, Counts};
use crate::api::verdict_json::{result_json, Summary};
use crate::verdict::SubjectResult;
use std::io;

/// How deep a law's results are in the document: each one's lines after
/// this many spaces.
const RESULT_INDENT: usize = 8;

/// `write_eval_json`'s document, byte for byte, from laws evaluated as
/// they are written: a law's `summary` comes after its `results`, so each
/// chunk of subjects is rendered as JSON text on the core that evaluated
/// it, its verdicts dropped there, and the text written here as soon as the
/// chunks before it are. Memory holds the chunks in flight, whatever the
/// number of results. `disagreed` is told each law's disagreements once it
/// is evaluated.
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
    write_nested(out, figures, 2)?;
    out.write_all(b",\n  \"laws\": [")?;
    let render = |chunk: Vec<SubjectResult>| {
        let (mut text, mut scratch, mut failed) = (Vec::new(), Vec::new(), None);
        let counts = rendered(chunk, |r| {
            if failed.is_some() {
                return;
            }
            scratch.clear();
            match serde_json::to_writer_pretty(&mut scratch, &result_json(&r, sources)) {
                Ok(()) => {
                    if !text.is_empty() {
                        text.extend_from_slice(b",\n");
                    }
                    text.extend_from_slice(&[b' '; RESULT_INDENT]);
                    indent_into(&mut text, &scratch, RESULT_INDENT);
                }
                Err(e) => failed = Some(e),
            }
        });
        Chunk {
            counts,
            text,
            failed,
        }
    };
    let mut any = false;
    for law in runs {
        out.write_all(if any { b",\n    {\n" } else { b"\n    {\n" })?;
        any = true;
        out.write_all(b"      \"law\": ")?;
        serde_json::to_writer(&mut *out, law.law)?;
        out.write_all(b",\n      \"results\": [")?;
        let mut counts = (0, 0, 0);
        let mut results = false;
        let mut failed: Option<io::Error> = None;
        let problems = law.run_rendered(&render, &mut |chunk: Chunk| {
            add(&mut counts, chunk.counts);
            if failed.is_some() {
                return;
            }
            if !chunk.text.is_empty() {
                let written = out
                    .write_all(if results { b",\n" } else { b"\n" })
                    .and_then(|()| out.write_all(&chunk.text));
                results = true;
                failed = written.err();
            }
            failed = failed.take().or(chunk.failed.map(io::Error::from));
        });
        disagreed(&problems);
        if let Some(e) = failed {
            return Err(e);
        }
        out.write_all(if results { b"\n      ]" } else { b"]" })?;
        out.write_all(b",\n      \"summary\": ")?;
        let (pass, fail, error) = counts;
        write_nested(out, &Summary { pass, fail, error }, 6)?;
        out.write_all(b"\n    }")?;
    }
    out.write_all(if any { b"\n  ]\n}\n" } else { b"]\n}\n" })
}

/// A chunk of a law's results pretty-printed one after another at their
/// depth in the document, a `,` and a newline between them, with their
/// counts and the first error of printing one (after which the rest are
/// not printed).
struct Chunk {
    counts: Counts,
    text: Vec<u8>,
    failed: Option<serde_json::Error>,
}

/// Writes `value` pretty-printed as a field's value `indent` spaces deep:
/// its first line where the writer stands, every other after `indent`
/// more spaces.
fn write_nested(
    out: &mut impl io::Write,
    value: &impl serde::Serialize,
    indent: usize,
) -> io::Result<()> {
    let printed = serde_json::to_vec_pretty(value)?;
    let mut text = Vec::with_capacity(printed.len());
    indent_into(&mut text, &printed, indent);
    out.write_all(&text)
}

/// Appends `printed` to `out` with `indent` spaces after each newline (JSON
/// text never holds a raw newline inside a string, so its lines are the
/// printer's).
fn indent_into(out: &mut Vec<u8>, printed: &[u8], indent: usize) {
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', printed) {
        out.extend_from_slice(printed.get(start..=end).unwrap_or_default());
        out.resize(out.len() + indent, b' ');
        start = end + 1;
    }
    out.extend_from_slice(printed.get(start..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::indent_into;

    /// A value indented into place is what the printer writes for it at
    /// that depth: nested in arrays, empty, and a single line.
    #[test]
    fn indented_values_are_the_printers_own_at_their_depth() {
        let values = [
            serde_json::json!({"a": [1, {"b": []}], "c": {}, "d": "x\ny"}),
            serde_json::json!([]),
            serde_json::json!(7),
        ];
        for value in values {
            let whole = serde_json::to_string_pretty(&serde_json::json!([[value]])).unwrap();
            let mut text = b"    ".to_vec();
            indent_into(&mut text, &serde_json::to_vec_pretty(&value).unwrap(), 4);
            let expected = format!("[\n  [\n{}\n  ]\n]", String::from_utf8(text).unwrap());
            assert_eq!(whole, expected);
        }
    }
}
