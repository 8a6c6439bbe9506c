//! `polity eval CHARTER --snapshots FILES...`: one charter over a series of
//! dated snapshots (files, directories of `*.json`, or `.jsonl` files with
//! one snapshot per line), in the order of their `now` (or of the field
//! `--order-by` names), each snapshot's figures and law counts written in
//! that order (`history_out.rs`: table, JSON Lines, CSV); `polity report`
//! reads and evaluates its snapshots through the same functions (`census/`).
//!
//! Streaming: a first pass reads each snapshot only for its order field
//! (skipping the rest of the JSON without building it) and keeps where it
//! is; then one worker per core takes the next snapshot in order, loads,
//! evaluates and drops it, and hands back its small outcome. Memory holds at
//! most one snapshot per worker, and outcomes wait (a few, small) only until
//! the ones before them are written.
//!
//! The workers are std's scoped threads taking the next index from an
//! atomic counter, as the JIT's `across_cores` does, rather than a thread
//! pool crate: each task is a whole snapshot (milliseconds to seconds), so
//! scheduling costs nothing measurable, and the order of the output is kept
//! by the writer, which a parallel iterator would make us collect first.

use super::eval::Select;
use super::history_out::{Counts, Format, Outcome, Writer};
use crate::api::files::{read_bounded, ReadError};
use crate::api::{EvalOptions, Explain, Program};
use crate::verdict::{ErrorKind, Verdict};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::io::{BufRead, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How `--snapshots` runs.
pub struct History<'a> {
    /// Files, directories and `.jsonl` files, as given.
    pub inputs: &'a [PathBuf],
    /// The field that orders the snapshots (default `now`).
    pub order_by: Option<&'a str>,
    /// Stop at the first snapshot that cannot be read or does not match.
    pub fail_fast: bool,
    /// The largest snapshot read, in bytes.
    pub max_snapshot_bytes: u64,
}

/// Where one snapshot's text is.
#[derive(Clone, Debug)]
enum Source {
    /// A whole file.
    File(PathBuf),
    /// One line of a JSON Lines file: its number (1-based), byte offset and length.
    Line(PathBuf, usize, u64, u64),
}

impl Source {
    /// The snapshot's name in output: the file, or `file:line`.
    fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Line(p, n, _, _) => format!("{}:{n}", p.display()),
        }
    }
}

/// The value that orders snapshots: numbers (as integers) before texts,
/// each in its natural order (`YYYY-MM-DD` dates sort as text).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Int(i64),
    Text(String),
}

/// One snapshot to evaluate: its source and its order field as written.
pub struct Entry {
    source: Source,
    key: Key,
    /// The order field's JSON value, for the output.
    pub order: serde_json::Value,
}

impl Entry {
    /// The snapshot's name in output.
    pub fn name(&self) -> String {
        self.source.name()
    }
}

/// Runs the history; the exit status.
pub fn run(
    program: &Program,
    history: &History<'_>,
    select: Select<'_>,
    format: Format,
    options: EvalOptions,
) -> i32 {
    let field = history.order_by.unwrap_or("now");
    let entries = match entries(history, field) {
        Ok(e) => e,
        Err(message) => {
            stderrln!("error: {message}");
            return 2;
        }
    };
    let mut out = super::output::stdout();
    let mut writer = Writer::new(program, select, format, field);
    let status = writer.start(&mut out).and_then(|()| {
        each_in_order(
            program,
            history,
            &entries,
            select,
            options,
            |entry, outcome| writer.write(&mut out, entry, &outcome),
        )
    });
    super::output::finish(out, status)
}

/// Evaluates every entry (without explanations: only counts are kept)
/// and hands each, with its outcome, to `each` in order; the exit status of
/// the snapshots (0, or 3 or 2 for one not evaluated).
pub(super) fn each_in_order(
    program: &Program,
    history: &History<'_>,
    entries: &[Entry],
    select: Select<'_>,
    options: EvalOptions,
    mut each: impl FnMut(&Entry, Outcome) -> std::io::Result<()>,
) -> std::io::Result<i32> {
    let options = EvalOptions {
        explain: Explain::None,
        ..options
    };
    evaluate_in_order(program, history, entries, select, &options, |i, outcome| {
        let entry = entries
            .get(i)
            .ok_or_else(|| std::io::Error::other("no such snapshot"))?;
        each(entry, outcome)
    })
}

/// Every snapshot of the inputs with its order field, sorted by it (ties in
/// the order given); a snapshot without the field is an error naming it.
pub(super) fn entries(history: &History<'_>, field: &str) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    for input in history.inputs {
        for source in sources(input)? {
            let (order, key) = order_of(&source, field, history.max_snapshot_bytes)?;
            entries.push(Entry { source, key, order });
        }
    }
    if entries.is_empty() {
        return Err(
            "no snapshots: give JSON files, directories of `*.json` or `.jsonl` files".into(),
        );
    }
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(entries)
}

/// The snapshots one input names: a directory's `*.json` files (by name),
/// each line of a `.jsonl` file that is not blank, or the file itself.
fn sources(input: &Path) -> Result<Vec<Source>, String> {
    let cannot = |e: &dyn std::fmt::Display| format!("cannot read `{}`: {e}", input.display());
    if input.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(input)
            .map_err(|e| cannot(&e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
            .collect();
        files.sort();
        return Ok(files.into_iter().map(Source::File).collect());
    }
    if input.extension().is_none_or(|x| x != "jsonl") {
        return Ok(vec![Source::File(input.to_path_buf())]);
    }
    let file = std::fs::File::open(input).map_err(|e| cannot(&e))?;
    let mut reader = std::io::BufReader::new(file);
    let (mut lines, mut offset, mut number) = (Vec::new(), 0u64, 0usize);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| cannot(&e))?;
        if n == 0 {
            break;
        }
        number += 1;
        if !line.iter().all(u8::is_ascii_whitespace) {
            lines.push(Source::Line(input.to_path_buf(), number, offset, n as u64));
        }
        offset += n as u64;
    }
    Ok(lines)
}

/// The text of a snapshot (under the size cap).
fn read(source: &Source, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    match source {
        Source::File(p) => read_bounded(p, max_bytes),
        Source::Line(p, _, offset, len) => {
            if *len > max_bytes {
                return Err(ReadError::TooLarge { max_bytes });
            }
            let mut file = std::fs::File::open(p).map_err(ReadError::Io)?;
            file.seek(std::io::SeekFrom::Start(*offset))
                .map_err(ReadError::Io)?;
            let mut bytes = Vec::new();
            file.take(*len)
                .read_to_end(&mut bytes)
                .map_err(ReadError::Io)?;
            Ok(bytes)
        }
    }
}

/// The order field of a snapshot, read without building the rest.
fn order_of(
    source: &Source,
    field: &str,
    max_bytes: u64,
) -> Result<(serde_json::Value, Key), String> {
    let name = source.name();
    let bytes = read(source, max_bytes).map_err(|e| format!("cannot read `{name}`: {e}"))?;
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let found = FieldOf(field)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| format!("snapshot `{name}` is not a JSON object: {e}"))?;
    let value = found.ok_or_else(|| {
        format!("snapshot `{name}` has no `{field}` to order it by\n  help: name the field that dates the snapshots with `--order-by FIELD`")
    })?;
    let key = match &value {
        serde_json::Value::Number(n) if n.as_i64().is_some() => Key::Int(n.as_i64().unwrap_or(0)),
        serde_json::Value::String(s) => Key::Text(s.clone()),
        other => {
            return Err(format!(
            "snapshot `{name}`: `{field}` is {other}, not a date, text or whole number to order by"
        ))
        }
    };
    Ok((value, key))
}

/// Reads one field of a JSON object, skipping every other value unbuilt.
struct FieldOf<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for FieldOf<'_> {
    type Value = Option<serde_json::Value>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldOf<'_> {
    type Value = Option<serde_json::Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.0 && found.is_none() {
                found = Some(map.next_value::<serde_json::Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Evaluates every entry across the cores and hands each outcome to
/// `write` in order; with `fail_fast`, nothing after the first snapshot
/// that was not evaluated.
fn evaluate_in_order(
    program: &Program,
    history: &History<'_>,
    entries: &[Entry],
    select: Select<'_>,
    options: &EvalOptions,
    mut write: impl FnMut(usize, Outcome) -> std::io::Result<()>,
) -> std::io::Result<i32> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(entries.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (send, receive) = std::sync::mpsc::sync_channel::<(usize, Outcome)>(workers * 2);
    std::thread::scope(|s| {
        for _ in 0..workers {
            let send = send.clone();
            let (next, stop) = (&next, &stop);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(entry) = entries.get(i) else { break };
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let outcome = evaluate(program, entry, history.max_snapshot_bytes, select, options);
                if send.send((i, outcome)).is_err() {
                    break;
                }
            });
        }
        drop(send);
        let mut waiting = BTreeMap::new();
        let (mut due, mut status) = (0, 0);
        // The receiver is moved into the loop: leaving early drops it, so
        // a worker waiting to hand over an outcome stops instead of
        // blocking the scope's join.
        for (i, outcome) in receive {
            waiting.insert(i, outcome);
            while let Some(outcome) = waiting.remove(&due) {
                let code = outcome.status();
                status = worse(status, code);
                if let Err(e) = write(due, outcome) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                due += 1;
                if code != 0 && history.fail_fast {
                    stop.store(true, Ordering::Relaxed);
                    return Ok(status);
                }
            }
        }
        Ok(status)
    })
}

/// The exit status of several: an I/O error (2) over a mismatch (3).
fn worse(a: i32, b: i32) -> i32 {
    match (a, b) {
        (2, _) | (_, 2) => 2,
        (0, x) | (x, 0) => x,
        (x, _) => x,
    }
}

/// One snapshot: loaded, evaluated and dropped.
fn evaluate(
    program: &Program,
    entry: &Entry,
    max_bytes: u64,
    select: Select<'_>,
    options: &EvalOptions,
) -> Outcome {
    let bytes = match read(&entry.source, max_bytes) {
        Ok(b) => b,
        Err(e) => return Outcome::Unreadable(e.to_string()),
    };
    let state = match program.load_snapshot_for(&bytes, options.engine) {
        Ok(s) => s,
        Err(e) => return Outcome::Rejected(e),
    };
    drop(bytes);
    let (figures, mut problems) = match select.figure_list() {
        Some(wanted) => {
            let (all, problems) = program.figures(&state, options);
            let chosen = all
                .into_iter()
                .filter(|f| wanted.is_empty() || wanted.contains(&f.name))
                .collect();
            (chosen, problems)
        }
        None => (Vec::new(), Vec::new()),
    };
    let laws: Vec<(String, Counts)> = program
        .ir()
        .laws
        .iter()
        .filter(|l| select.wants_law(&l.name))
        .filter_map(|l| {
            program
                .eval_law_options(&state, &l.name, options.clone())
                .ok()
        })
        .map(|r| {
            problems.extend(r.disagreements.iter().cloned());
            (r.law.clone(), counts(&r.results))
        })
        .collect();
    Outcome::Evaluated {
        figures,
        laws,
        problems: problems.iter().map(ToString::to_string).collect(),
    }
}

fn counts(results: &[crate::verdict::SubjectResult]) -> Counts {
    let mut c = Counts::default();
    for r in results {
        match &r.verdict {
            Verdict::Pass => c.pass += 1,
            Verdict::Fail(_) => c.fail += 1,
            Verdict::Error(e) => {
                c.error += 1;
                if e.kind == ErrorKind::Limit {
                    c.limit += 1;
                }
            }
        }
    }
    c
}
