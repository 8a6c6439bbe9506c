//! Rendering a [`Diff`]: the table for people (`polity diff` and the REPL's
//! `:diff`) and the JSON document for tools.
//!
//! The JSON document, field by field in this order (a subject's `before`
//! and `after` are `polity eval --format json` results, `null` for a
//! subject only one side has):
//!
//! ```text
//! { "before": { "charter", "file", "snapshot" }, "after": { ... }, "changed",
//!   "laws": [ { "law", "status": "changed" | "unchanged" | "added" | "removed",
//!     "matched_by": "whole" | "id" | "position", "summary",
//!     "before": { "pass", "fail", "error" } | null, "after": { ... } | null,
//!     "tally": { "now_pass", "now_fail", "now_error", "other_reasons", "new", "gone" },
//!     "subjects": [ { "subject", "from", "to", "before", "after" } ] } ],
//!   "figures": [ { "figure", "before", "after" } ] }
//! ```
//!
//! `figures` lists the figures that differ (each side as `polity eval
//! --format json` gives a figure, `{ "type", "value" }` or an error; `null`
//! for a side without it).

use super::report::{locate, write_failure, write_notes};
use super::verdict_json::result_json;
use crate::api::diff::{
    plural, Counts, Diff, FigureDiff, LawDiff, MatchedBy, Status, SubjectChange, Tally,
};
use crate::verdict::{SubjectResult, Verdict};
use polity_compiler::span::SourceMap;
use serde::Serialize;
use std::fmt::Write as _;
use std::io;

/// One side as the output names it.
#[derive(Clone, Debug, Serialize)]
pub struct SideName<'a> {
    /// The charter's name (`Praxis Nova`).
    pub charter: &'a str,
    /// Its file.
    pub file: String,
    /// The snapshot's file.
    pub snapshot: String,
    /// The sources its verdicts point into.
    #[serde(skip)]
    pub sources: &'a SourceMap,
    /// The program, to render its figures' values.
    #[serde(skip)]
    pub program: &'a crate::api::Program,
}

impl<'a> SideName<'a> {
    /// `program` from `file` over `snapshot`.
    pub fn new(program: &'a crate::api::Program, file: String, snapshot: String) -> SideName<'a> {
        SideName {
            charter: program.name(),
            file,
            snapshot,
            sources: &program.ir().sources,
            program,
        }
    }
}

/// Both sides.
#[derive(Clone, Debug, Serialize)]
pub struct Sides<'a> {
    /// The old charter, or the snapshot before.
    pub before: SideName<'a>,
    /// The new charter, or the snapshot after.
    pub after: SideName<'a>,
}

/// Writes the table; past `cap` changed subjects a law says how many more
/// there were (`None`: every subject).
pub fn write_table(
    out: &mut impl io::Write,
    sides: &Sides<'_>,
    diff: &Diff,
    cap: Option<usize>,
) -> io::Result<()> {
    writeln!(out, "{}", heading(sides))?;
    let mut block = String::new();
    for law in &diff.laws {
        block.clear();
        write_law(&mut block, sides, law, cap);
        out.write_all(block.as_bytes())?;
    }
    if !diff.figures.is_empty() {
        writeln!(out, "\nfigures:")?;
        for f in &diff.figures {
            writeln!(out, "  {}", figure_line(sides, f))?;
        }
    }
    if diff.is_empty() {
        writeln!(out, "\nno verdict changes")?;
    }
    Ok(())
}

/// `name: before → after`, `name: added, = value` or `name: removed (was value)`.
fn figure_line(sides: &Sides<'_>, f: &FigureDiff) -> String {
    let before = f.before.as_ref().map(|o| o.render(sides.before.program));
    let after = f.after.as_ref().map(|o| o.render(sides.after.program));
    match (before, after) {
        (Some(b), Some(a)) => format!("{}: {b} → {a}", f.name),
        (None, Some(a)) => format!("{}: added, = {a}", f.name),
        (Some(b), None) => format!("{}: removed (was {b})", f.name),
        (None, None) => f.name.clone(),
    }
}

fn heading(sides: &Sides<'_>) -> String {
    let (b, a) = (&sides.before, &sides.after);
    if b.file == a.file {
        format!(
            "{}: {}\n  before: {}\n  after:  {}",
            b.charter, b.file, b.snapshot, a.snapshot
        )
    } else {
        format!(
            "{} → {} over {}\n  before: {}\n  after:  {}",
            b.charter, a.charter, a.snapshot, b.file, a.file
        )
    }
}

fn counts(c: Counts) -> String {
    format!("{} pass, {} fail, {} error", c.pass, c.fail, c.error)
}

fn write_law(out: &mut String, sides: &Sides<'_>, law: &LawDiff, cap: Option<usize>) {
    let (before, after) = match (law.before, law.after) {
        (Some(b), Some(a)) => (b, a),
        (None, Some(a)) => {
            let _ = writeln!(out, "\nlaw {} (added): {}", law.law, counts(a));
            return;
        }
        (Some(b), None) => {
            let _ = writeln!(out, "\nlaw {} (removed): {}", law.law, counts(b));
            return;
        }
        (None, None) => return,
    };
    let _ = writeln!(out, "\nlaw {}: {}", law.law, summary(law));
    if law.changes.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {} → {}", counts(before), counts(after));
    if law.matched_by == MatchedBy::Position {
        let _ = writeln!(
            out,
            "  subjects matched by position: a subject has no `id` (or ids repeat)"
        );
    }
    let shown = cap.unwrap_or(usize::MAX);
    for c in law.changes.iter().take(shown) {
        write_change(out, sides, c);
    }
    if law.changes.len() > shown {
        let _ = writeln!(out, "  … and {} more", law.changes.len() - shown);
    }
}

/// `3 members now fail, 1 now passes, 2 new`; `no change`.
pub fn summary(law: &LawDiff) -> String {
    let (Some(_), Some(a)) = (law.before, law.after) else {
        let c = law.before.or(law.after).unwrap_or_default();
        let what = if law.before.is_some() {
            "removed"
        } else {
            "added"
        };
        return format!("{what} ({})", counts(c));
    };
    if law.matched_by == MatchedBy::Whole {
        return match law.changes.first() {
            Some(c) => whole_summary(c),
            None => format!("no change ({})", counts(a)),
        };
    }
    let t: Tally = law.tally();
    let parts = [
        (t.now_fail, "now fail", "now fails"),
        (t.now_pass, "now pass", "now passes"),
        (t.now_error, "now error", "now errors"),
        (
            t.other_reasons,
            "fail for other reasons",
            "fails for other reasons",
        ),
        (t.new, "new", "new"),
        (t.gone, "gone", "gone"),
    ];
    let mut out = Vec::new();
    for (n, many, one) in parts {
        if n == 0 {
            continue;
        }
        let verb = if n == 1 { one } else { many };
        if out.is_empty() {
            let noun = law.noun.as_deref().unwrap_or("subject");
            let noun = if n == 1 {
                noun.to_string()
            } else {
                plural(noun)
            };
            out.push(format!("{n} {noun} {verb}"));
        } else {
            out.push(format!("{n} {verb}"));
        }
    }
    if out.is_empty() {
        format!("no change ({})", counts(a))
    } else {
        out.join(", ")
    }
}

fn whole_summary(c: &SubjectChange) -> String {
    match (c.before_status(), c.after_status()) {
        (Some(b), Some(a)) if a == b => format!("{} for other reasons", verb(a)),
        (Some(b), Some(a)) => format!("now {} (was {})", verb(a), b.as_str()),
        _ => "changed".to_string(),
    }
}

fn verb(s: Status) -> &'static str {
    match s {
        Status::Pass => "passes",
        Status::Fail => "fails",
        Status::Error => "errors",
        Status::Limit => "runs out of its budget",
    }
}

fn status_name(s: Option<Status>, new: bool) -> &'static str {
    match s {
        Some(s) => s.as_str(),
        None if new => "new",
        None => "gone",
    }
}

fn write_change(out: &mut String, sides: &Sides<'_>, c: &SubjectChange) {
    let _ = writeln!(
        out,
        "  {}: {} → {}",
        c.subject,
        status_name(c.before_status(), true),
        status_name(c.after_status(), false)
    );
    if let Some(r) = &c.before {
        write_side(out, "before:", r, sides.before.sources);
    }
    if let Some(r) = &c.after {
        write_side(out, "after:", r, sides.after.sources);
    }
}

/// `before  fail` and the reasons under it, as `polity eval` prints them.
fn write_side(out: &mut String, label: &str, r: &SubjectResult, sources: &SourceMap) {
    match &r.verdict {
        Verdict::Pass => {
            let _ = writeln!(out, "    {label:<7} pass");
        }
        Verdict::Fail(fs) => {
            let _ = writeln!(out, "    {label:<7} fail");
            for f in fs {
                write_failure(out, f, 12);
            }
        }
        Verdict::Error(e) => {
            let (file, line, column) = locate(sources, e.span);
            let _ = writeln!(
                out,
                "    {label:<7} {}: {} at {file}:{line}:{column}",
                Status::of(&r.verdict).as_str(),
                e.message
            );
        }
    }
    write_notes(out, &r.notes, 12);
}

/// Writes the JSON document.
pub fn write_json(out: &mut impl io::Write, sides: &Sides<'_>, diff: &Diff) -> io::Result<()> {
    let doc = DiffJson {
        before: &sides.before,
        after: &sides.after,
        changed: !diff.is_empty(),
        laws: diff.laws.iter().map(|l| LawJson::new(l, sides)).collect(),
        figures: diff
            .figures
            .iter()
            .map(|f| FigureJson {
                figure: &f.name,
                before: f.before.as_ref().map(|o| o.to_json(sides.before.program)),
                after: f.after.as_ref().map(|o| o.to_json(sides.after.program)),
            })
            .collect(),
    };
    super::output::write_json(out, &doc)
}

#[derive(Serialize)]
struct FigureJson<'a> {
    figure: &'a str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct DiffJson<'a> {
    before: &'a SideName<'a>,
    after: &'a SideName<'a>,
    changed: bool,
    laws: Vec<LawJson<'a>>,
    figures: Vec<FigureJson<'a>>,
}

#[derive(Serialize)]
struct CountsJson {
    pass: usize,
    fail: usize,
    error: usize,
}

impl From<Counts> for CountsJson {
    fn from(c: Counts) -> CountsJson {
        CountsJson {
            pass: c.pass,
            fail: c.fail,
            error: c.error,
        }
    }
}

#[derive(Serialize)]
struct TallyJson {
    now_pass: usize,
    now_fail: usize,
    now_error: usize,
    other_reasons: usize,
    new: usize,
    gone: usize,
}

#[derive(Serialize)]
struct LawJson<'a> {
    law: &'a str,
    status: &'static str,
    matched_by: &'static str,
    summary: String,
    before: Option<CountsJson>,
    after: Option<CountsJson>,
    tally: TallyJson,
    subjects: Vec<ChangeJson<'a>>,
}

impl<'a> LawJson<'a> {
    fn new(l: &'a LawDiff, sides: &'a Sides<'a>) -> LawJson<'a> {
        let status = match (l.before, l.after) {
            (None, _) => "added",
            (_, None) => "removed",
            _ if l.changes.is_empty() => "unchanged",
            _ => "changed",
        };
        let t = l.tally();
        LawJson {
            law: &l.law,
            status,
            matched_by: l.matched_by.as_str(),
            summary: summary(l),
            before: l.before.map(Into::into),
            after: l.after.map(Into::into),
            tally: TallyJson {
                now_pass: t.now_pass,
                now_fail: t.now_fail,
                now_error: t.now_error,
                other_reasons: t.other_reasons,
                new: t.new,
                gone: t.gone,
            },
            subjects: l
                .changes
                .iter()
                .map(|c| ChangeJson { change: c, sides })
                .collect(),
        }
    }
}

struct ChangeJson<'a> {
    change: &'a SubjectChange,
    sides: &'a Sides<'a>,
}

impl Serialize for ChangeJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let c = self.change;
        let mut m = s.serialize_struct("Change", 5)?;
        m.serialize_field("subject", &super::verdict_json::SubjectJson(&c.subject))?;
        m.serialize_field("from", &c.before_status().map(Status::as_str))?;
        m.serialize_field("to", &c.after_status().map(Status::as_str))?;
        let before = c
            .before
            .as_ref()
            .map(|r| result_json(r, self.sides.before.sources));
        let after = c
            .after
            .as_ref()
            .map(|r| result_json(r, self.sides.after.sources));
        m.serialize_field("before", &before)?;
        m.serialize_field("after", &after)?;
        m.end()
    }
}
