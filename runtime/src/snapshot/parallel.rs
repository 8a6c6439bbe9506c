//! A large snapshot read on two threads, with exactly the result of one
//! pass ([`super::load_native_with`]) or none at all.
//!
//! The text is split at a comma between two elements of a top-level list
//! of records, found near the middle: the first part, the text before the
//! comma, is read as usual and ends between two elements of that list; the
//! second part, from the comma (overwritten with `[` while it is read), is
//! read as the rest of that list and then, from the byte after the list
//! (its `,` overwritten with `{`), as the remaining state names. Each part
//! builds its own layout; the second is then absorbed into the first
//! (`layout/merge.rs`), which gives every text the id one pass gives it,
//! and the list's two halves are joined.
//!
//! *Invariant:* this returns a snapshot only when both parts read without
//! a mismatch, the first ended exactly between two elements of the list the
//! second continued (so the split was at that list's own comma, not inside
//! a text or a nested list), no state name was in both parts or in neither
//! (unless optional), and no id of the list repeats across the halves. In
//! every other case (malformed or mismatching input included) it returns
//! `None` and the caller reads the text in one pass, so every error is
//! exactly the one-pass error. The text is left as it was given.

use super::seed::{self, Ctx, Part, Schema, Sink};
use super::{checked, native, LoadLimits, Snapshot, SnapshotError, TEXT_EVERY};
use crate::cores::threads;
use crate::layout::{raw, Interner, Layout};
use crate::value::Value;
use polity_compiler::ir::Program;
use polity_compiler::types::Type;
use serde::de::DeserializeSeed;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Texts of at least this many bytes are split (below it, starting a
/// thread and joining the parts costs more than it saves).
pub(super) const PARALLEL_FROM: usize = 4 << 20;

/// How far past the middle the split may be (an element longer than this
/// leaves the text whole).
const SEARCH: usize = 1 << 20;

/// The snapshot, read on two threads; `None` if it must be read in one pass.
pub(super) fn load(
    program: &Arc<Program>,
    json: &mut [u8],
    literals: &Interner,
    limits: LoadLimits,
) -> Option<Result<Snapshot, SnapshotError>> {
    if threads() < 2 {
        return None;
    }
    let (field, comma) = split(program, json)?;
    let schema = Schema::new(program, limits);
    let stop = AtomicBool::new(false);
    let job = Job {
        program,
        schema: &schema,
        literals,
        field,
        ty: &program.state.get(field)?.ty,
        stop: &stop,
    };
    let len = json.len();
    let (left, right) = json.split_at_mut(comma);
    let (first, second) = std::thread::scope(|s| {
        let first = s.spawn(|| {
            let first = read_first(&job, (left, len));
            if first.is_none() {
                stop.store(true, Ordering::Relaxed);
            }
            first
        });
        let second = read_second(&job, right);
        if second.is_none() {
            stop.store(true, Ordering::Relaxed);
        }
        (first.join().ok().flatten(), second)
    });
    join(program, first?, second?, field, literals.len(), limits)
}

/// Whether another core is idle: fewer threads are runnable on the whole
/// machine (this one included, from the kernel's `/proc/loadavg`) than
/// there are cores. With every core busy, a second thread only shares this
/// process's time while the split's joining costs more work, so the split
/// would lose (measured: docs/performance.md); where the count cannot be
/// read, the cores are taken to be free.
///
/// The count is of one instant, and a task that is runnable for a moment
/// (a profiler writing its samples, a shell between fork and wait) would
/// keep the text whole for the entire load; so a count that says busy is
/// asked again, [`IDLE_ASKS`] times in all a quarter of a millisecond
/// apart, and one that says idle is enough. A process that keeps the other
/// core busy is runnable at every one of them.
pub(super) fn idle_core() -> bool {
    (0..IDLE_ASKS).any(|k| {
        if k > 0 {
            std::thread::sleep(std::time::Duration::from_micros(250));
        }
        runnable().is_none_or(|n| n < threads())
    })
}

/// How many times [`idle_core`] asks before it takes the cores to be busy.
const IDLE_ASKS: u32 = 4;

/// The number of runnable threads on the machine now, if it can be read.
fn runnable() -> Option<usize> {
    let loadavg = std::fs::read_to_string("/proc/loadavg").ok()?;
    loadavg
        .split_whitespace()
        .nth(3)
        .and_then(|f| f.split('/').next())
        .and_then(|n| n.parse::<usize>().ok())
}

/// What the first part read.
struct First {
    /// The root's slots (placeholders for streamed lists and unseen names).
    values: Vec<Value>,
    seen: Vec<bool>,
    sink: Sink,
    /// The word of the split list's first half.
    cut: i64,
}

/// What the second part read.
struct Second {
    /// The root's slots for the names after the split list.
    values: Vec<Value>,
    seen: Vec<bool>,
    sink: Sink,
}

/// What both parts' readers share.
struct Job<'a> {
    program: &'a Program,
    schema: &'a Schema<'a>,
    literals: &'a Interner,
    /// The split list's state name, and its type.
    field: usize,
    ty: &'a Type,
    /// Set when a part failed.
    stop: &'a AtomicBool,
}

impl<'a> Job<'a> {
    /// A reader of one part, with its own layout.
    fn context(&self, bytes: usize) -> Ctx<'a> {
        let mut layout = Layout::new(self.program, self.literals);
        layout.texts.reserve(bytes / TEXT_EVERY);
        let names = self.program.state.len();
        let mut ctx = Ctx::new(self.schema, Some(Sink::new(layout, names)));
        ctx.part = Some(Part::new(self.field, names, self.stop));
        ctx
    }
}

/// Reads the text before the split comma (of a text of `whole` bytes): it
/// must end between two elements of the split list, and hold no mismatch.
fn read_first(job: &Job<'_>, (text, whole): (&[u8], usize)) -> Option<First> {
    let text = std::str::from_utf8(text).ok()?;
    // Sized for the texts of both parts: the second's are added to it.
    let mut ctx = job.context(whole);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match seed::root(&mut ctx).deserialize(&mut deserializer) {
        Err(e) if e.is_eof() => {}
        _ => return None,
    }
    if !ctx.mismatches.is_empty() {
        return None;
    }
    let values = ctx.take_values();
    let part = ctx.part.take()?;
    (values.len() == job.program.state.len()).then_some(())?;
    Some(First {
        values,
        seen: part.seen,
        cut: part.cut?,
        sink: ctx.sink.take()?,
    })
}

/// Reads the text from the split comma on; leaves it as it was.
fn read_second(job: &Job<'_>, text: &mut [u8]) -> Option<Second> {
    let comma = std::mem::replace(text.first_mut()?, b'[');
    let mut end = None;
    let second = read_rest(job, text, &mut end);
    if let Some(first) = text.first_mut() {
        *first = comma;
    }
    if let Some((at, byte)) = end {
        if let Some(b) = text.get_mut(at) {
            *b = byte;
        }
    }
    second
}

/// [`read_second`] once its `[` is in place: `end` is set to the byte it
/// overwrote after the list, if it did.
fn read_rest(job: &Job<'_>, text: &mut [u8], end: &mut Option<(usize, u8)>) -> Option<Second> {
    let mut ctx = job.context(text.len());
    let after = {
        let text = std::str::from_utf8(text).ok()?;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        ctx.read_top_list(job.field, job.ty, &mut deserializer)
            .ok()?;
        let trailing = deserializer.end().err()?;
        offset_of(text, &trailing)?
    };
    if !ctx.mismatches.is_empty() {
        return None;
    }
    let names = job.program.state.len();
    let values = match text.get(after).copied()? {
        b'}' => {
            let rest = text.get(after + 1..)?;
            rest.iter().all(u8::is_ascii_whitespace).then_some(())?;
            vec![Value::None; names]
        }
        b',' => {
            *end = Some((after, b','));
            *text.get_mut(after)? = b'{';
            let rest = std::str::from_utf8(text.get(after..)?).ok()?;
            if let Some(part) = ctx.part.as_mut() {
                part.partial_root = true;
            }
            let mut deserializer = serde_json::Deserializer::from_str(rest);
            let root = seed::root(&mut ctx).deserialize(&mut deserializer).ok()?;
            deserializer.end().ok()?;
            if !ctx.mismatches.is_empty() {
                return None;
            }
            root.fields().to_vec()
        }
        _ => return None,
    };
    let part = ctx.part.take()?;
    Some(Second {
        values,
        seen: part.seen,
        sink: ctx.sink.take()?,
    })
}

/// The byte offset in `text` of the character serde_json's "trailing
/// characters" error points at (its line is 1-based, its column the
/// 1-based byte on that line).
fn offset_of(text: &str, error: &serde_json::Error) -> Option<usize> {
    if !error.to_string().starts_with("trailing characters") {
        return None;
    }
    let line_start = match error.line() {
        0 => return None,
        1 => 0,
        n => memchr::memchr_iter(b'\n', text.as_bytes()).nth(n - 2)? + 1,
    };
    (line_start + error.column()).checked_sub(1)
}

/// The snapshot of the two parts joined, or `None` if they do not make one.
fn join(
    program: &Arc<Program>,
    first: First,
    second: Second,
    field: usize,
    literals: usize,
    limits: LoadLimits,
) -> Option<Result<Snapshot, SnapshotError>> {
    let mut values = Vec::with_capacity(program.state.len());
    let parts = first.values.into_iter().zip(second.values);
    for (i, (a, b)) in parts.enumerate() {
        let def = program.state.get(i)?;
        values.push(match (first.seen.get(i)?, second.seen.get(i)?) {
            (true, true) => return None,
            (true, false) => a,
            (false, true) => b,
            (false, false) if matches!(def.ty, Type::Optional(_)) => Value::None,
            (false, false) => return None,
        });
    }
    let mut layout = first.sink.layout;
    let renumbering = layout.absorb(second.sink.layout, literals);
    let mut streamed = first.sink.streamed;
    let mut rest = None;
    for (i, w) in second.sink.streamed.iter().enumerate() {
        let Some(w) = *w else { continue };
        let w = renumbering.word(program, &program.state.get(i)?.ty, w);
        match streamed.get_mut(i)? {
            _ if i == field => rest = Some(w),
            Some(_) => return None,
            slot => *slot = Some(w),
        }
    }
    let whole = joined(program, &mut layout, field, (first.cut, rest?), limits)?;
    *streamed.get_mut(field)? = Some(whole);
    let mut sink = Sink::new(layout, program.state.len());
    sink.streamed = streamed;
    let snapshot = native(program, Value::Record(values.into()), sink)?;
    Some(checked(program, snapshot, Vec::new()))
}

/// The list of state name `field` from its two halves' words, if it is
/// within the limit and no id of its records repeats across the halves.
fn joined(
    program: &Program,
    layout: &mut Layout,
    field: usize,
    (a, b): (i64, i64),
    limits: LoadLimits,
) -> Option<i64> {
    let (a, b) = (raw::list(a), raw::list(b));
    if a.len() + b.len() > limits.max_collection_len {
        return None;
    }
    let Some(Type::Record(r)) = program.state.get(field)?.ty.element() else {
        return None;
    };
    let def = program.record(*r)?;
    if let Some(at) = def.id_field {
        let n = def.fields.len();
        let id = |w: &i64| raw::words(*w, n).get(at as usize).copied();
        let text = matches!(def.fields.get(at as usize)?.ty, Type::Text);
        if repeats(
            a.iter().map(id),
            b.iter().map(id),
            text.then_some(layout.texts.len()),
        ) {
            return None;
        }
    }
    let words: Vec<i64> = a.iter().chain(b).copied().collect();
    Some(layout.list_of(&words))
}

/// Whether an id of `b` is among those of `a` (text ids below `texts`, when
/// the ids are texts: then a bit set, else a hash set).
fn repeats(
    a: impl Iterator<Item = Option<i64>>,
    b: impl Iterator<Item = Option<i64>>,
    texts: Option<usize>,
) -> bool {
    match texts {
        Some(n) => {
            let mut bits = vec![0u64; n / 64 + 1];
            let at = |w: i64| usize::try_from(w).ok().map(|i| (i / 64, 1u64 << (i % 64)));
            for (i, bit) in a.flatten().filter_map(at) {
                if let Some(word) = bits.get_mut(i) {
                    *word |= bit;
                }
            }
            b.flatten()
                .any(|w| at(w).is_none_or(|(i, bit)| bits.get(i).is_none_or(|x| x & bit != 0)))
        }
        None => {
            let seen: std::collections::HashSet<i64, foldhash::fast::RandomState> =
                a.flatten().collect();
            b.flatten().any(|w| seen.contains(&w))
        }
    }
}

/// Where to split: a top-level list of records (the state name's index)
/// and the comma between two of its elements nearest past the middle of
/// the text, found without reading the text before it (only the root's
/// fields before that list are skipped over); `None` if there is none.
fn split(program: &Program, json: &[u8]) -> Option<(usize, usize)> {
    let middle = json.len() / 2;
    let mut i = ws(json, 0);
    (json.get(i) == Some(&b'{')).then_some(())?;
    i += 1;
    loop {
        i = ws(json, i);
        let (key, after) = plain_string(json, i)?;
        i = ws(json, after);
        (json.get(i) == Some(&b':')).then_some(())?;
        i = ws(json, i + 1);
        if json.get(i) == Some(&b'[') {
            let field = program.state.iter().position(|s| s.name.as_bytes() == key);
            let records = field
                .and_then(|f| program.state.get(f))
                .is_some_and(|s| matches!(s.ty.strip_optional(), Type::List(e) if matches!(**e, Type::Record(_))));
            if let (Some(field), true) = (field, records) {
                if let Some(comma) = comma_between(json, i + 1, middle) {
                    return Some((field, comma));
                }
            }
        }
        i = ws(json, skip_value(json, i)?);
        if json.get(i) != Some(&b',') || i > middle {
            return None;
        }
        i += 1;
    }
}

/// The comma between two elements of the list whose first element starts
/// at or after `start`, first at or after `from`: `}`, `,`, `{` and the
/// first element's first key, with whitespace between.
fn comma_between(json: &[u8], start: usize, from: usize) -> Option<usize> {
    let first = ws(json, start);
    (json.get(first) == Some(&b'{')).then_some(())?;
    let key_at = ws(json, first + 1);
    let (_, key_end) = plain_string(json, key_at)?;
    let key = json.get(key_at..key_end)?;
    let from = from.max(first);
    let window = json.get(from..from.saturating_add(SEARCH).min(json.len()))?;
    memchr::memchr_iter(b'}', window).find_map(|j| {
        let comma = ws(json, from + j + 1);
        (json.get(comma) == Some(&b','))
            .then(|| ws(json, comma + 1))
            .filter(|open| json.get(*open) == Some(&b'{'))
            .map(|open| ws(json, open + 1))
            .filter(|k| json.get(*k..).is_some_and(|rest| rest.starts_with(key)))
            .map(|_| comma)
            .filter(|comma| top_level(json, *comma))
    })
}

/// Whether the text from `comma` on reads as the rest of a top-level list
/// of objects: up to [`LOOK_AHEAD`] more objects, and if the list ends
/// before, the root object's remaining fields and the text's end. This
/// tells the comma between two records of a list nested in an element
/// (where the list ends and its record goes on) from the top list's own.
fn top_level(json: &[u8], mut i: usize) -> bool {
    for _ in 0..LOOK_AHEAD {
        i = ws(json, i + 1);
        if json.get(i) != Some(&b'{') {
            return false;
        }
        let Some(end) = skip_value(json, i) else {
            return false;
        };
        i = ws(json, end);
        match json.get(i) {
            Some(b',') => {}
            Some(b']') => return root_rest(json, i + 1).is_some(),
            _ => return false,
        }
    }
    true
}

/// How many elements after a split point [`top_level`] looks at.
const LOOK_AHEAD: usize = 16;

/// `Some` if the text from `i` on is the end of a root object: `, "key":
/// value` any number of times, `}`, and only whitespace after.
fn root_rest(json: &[u8], mut i: usize) -> Option<()> {
    loop {
        i = ws(json, i);
        match json.get(i)? {
            b'}' => return (ws(json, i + 1) == json.len()).then_some(()),
            b',' => {}
            _ => return None,
        }
        i = ws(json, i + 1);
        (json.get(i) == Some(&b'"')).then_some(())?;
        i = ws(json, string_end(json, i)?);
        (json.get(i) == Some(&b':')).then_some(())?;
        i = skip_value(json, ws(json, i + 1))?;
    }
}

/// The index of the first non-whitespace byte at or after `i`.
fn ws(json: &[u8], mut i: usize) -> usize {
    while json
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// The contents of the string starting at `i` when it has no escapes, and
/// the index after it.
fn plain_string(json: &[u8], i: usize) -> Option<(&[u8], usize)> {
    (json.get(i) == Some(&b'"')).then_some(())?;
    let end = i + 1 + memchr::memchr2(b'"', b'\\', json.get(i + 1..)?)?;
    (json.get(end) == Some(&b'"')).then_some(())?;
    Some((json.get(i + 1..end)?, end + 1))
}

/// The index after the string starting at `i` (escapes skipped).
fn string_end(json: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        j += memchr::memchr2(b'"', b'\\', json.get(j..)?)?;
        match json.get(j)? {
            b'"' => return Some(j + 1),
            _ => j += 2,
        }
    }
}

/// The index after the JSON value starting at `i` (not checked beyond
/// its brackets and strings: the reader checks it).
fn skip_value(json: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match *json.get(i)? {
            b'"' => i = string_end(json, i)?,
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' if depth == 0 => return Some(i),
            b']' | b'}' => {
                depth -= 1;
                i += 1;
            }
            b',' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => return Some(i),
            _ => i += 1,
        }
        if depth == 0 && matches!(json.get(i.wrapping_sub(1)), Some(b'"' | b']' | b'}')) {
            return Some(i);
        }
    }
}
