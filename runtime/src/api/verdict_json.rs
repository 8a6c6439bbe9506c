//! The `polity eval --format json` document, written as it is evaluated.
//!
//! Each law's report is serialized straight to the writer (serde's
//! `Serialize` over the verdicts, no `serde_json::Value` tree and no string
//! of the whole output) and dropped before the next law is evaluated, so
//! memory holds one law's verdicts at a time. The document is pretty-printed
//! with serde_json's formatter, field by field in this order:
//!
//! ```text
//! { "charter", "figures": { NAME: { "type", "value" | "error" } },
//!   "laws": [ { "law",
//!   "results": [ { "subject", "verdict", "failed", "error"?, "not_applicable", "warnings" } ],
//!   "summary": { "pass", "fail", "error" } } ] }
//! ```
//!
//! A law's `summary` comes after its `results`: its counts are known only
//! once every subject is evaluated, and a writer that streams the results
//! as they are evaluated (the command line's) can then write each one and
//! forget it, instead of holding every result's text until the counts are
//! known.

use crate::api::LawReport;
use crate::verdict::{EvalError, Failure, NotApplicable, Reason, Subject, SubjectResult, Verdict};
use polity_compiler::span::{SourceMap, Span};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::cell::Cell;
use std::fmt::Display;
use std::io;

/// Writes the document for `charter`, evaluating each report as the
/// iterator yields it, then a newline.
pub fn write_eval_json(
    out: &mut impl io::Write,
    charter: &str,
    figures: &serde_json::Map<String, serde_json::Value>,
    reports: impl Iterator<Item = LawReport>,
    sources: &SourceMap,
) -> io::Result<()> {
    let laws = Stream(Cell::new(Some(
        reports.map(|report| LawJson { report, sources }),
    )));
    write_json(
        out,
        &Document {
            charter,
            figures,
            laws,
        },
    )
}

/// Writes `doc` as pretty-printed JSON and a newline: every JSON document
/// of the command line and of [`super::json`].
pub fn write_json(out: &mut impl io::Write, doc: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    writeln!(out)
}

#[derive(serde::Serialize)]
#[serde(bound = "")]
struct Document<'a, I: Iterator<Item = LawJson<'a>>> {
    charter: &'a str,
    figures: &'a serde_json::Map<String, serde_json::Value>,
    laws: Stream<I>,
}

/// A sequence serialized from an iterator as it yields (taken once: a
/// second serialization writes an empty sequence).
struct Stream<I>(Cell<Option<I>>);

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Stream<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// A string serialized from its `Display`, without an intermediate `String`.
struct Shown<T>(T);

impl<T: Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

struct LawJson<'a> {
    report: LawReport,
    sources: &'a SourceMap,
}

/// A law's `summary`: its counts.
#[derive(serde::Serialize)]
pub(crate) struct Summary {
    pub(crate) pass: usize,
    pub(crate) fail: usize,
    pub(crate) error: usize,
}

impl Serialize for LawJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (pass, fail, error) = self.report.counts();
        let results = At {
            value: self.report.results.as_slice(),
            sources: self.sources,
        };
        let mut m = s.serialize_struct("Law", 3)?;
        m.serialize_field("law", &self.report.law)?;
        m.serialize_field("results", &results)?;
        m.serialize_field("summary", &Summary { pass, fail, error })?;
        m.end()
    }
}

/// One subject's result as in the `eval` document (for `polity diff`).
#[cfg(feature = "cli")]
pub(crate) fn result_json<'a>(
    result: &'a SubjectResult,
    sources: &'a SourceMap,
) -> impl Serialize + 'a {
    At {
        value: result,
        sources,
    }
}

/// A value with the sources its spans point into.
struct At<'a, T: ?Sized> {
    value: &'a T,
    sources: &'a SourceMap,
}

impl<'a, T: ?Sized> At<'a, T> {
    fn at<U: ?Sized>(&self, value: &'a U) -> At<'a, U> {
        At {
            value,
            sources: self.sources,
        }
    }

    /// Line and column (1-based) of a span's start.
    fn line_col(&self, span: Span) -> (usize, usize) {
        self.sources.line_col(span.file, span.start)
    }
}

impl<T> Serialize for At<'_, [T]>
where
    for<'b> At<'b, T>: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.value.iter().map(|v| self.at(v)))
    }
}

impl<T> Serialize for At<'_, Vec<T>>
where
    for<'b> At<'b, T>: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.at(self.value.as_slice()).serialize(s)
    }
}

/// `null` for a law without parameter, else the id (text or number) or position.
pub(crate) struct SubjectJson<'a>(pub(crate) &'a Subject);

impl Serialize for SubjectJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Subject::Whole => s.serialize_unit(),
            Subject::Id(id) => s.serialize_str(id),
            Subject::IntId(n) => s.serialize_i64(*n),
            Subject::Index(i) => s.serialize_u64(*i as u64),
        }
    }
}

impl Serialize for At<'_, SubjectResult> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.value;
        let none: &[Failure] = &[];
        let failed = match &r.verdict {
            Verdict::Fail(fs) => fs.as_slice(),
            Verdict::Pass | Verdict::Error(_) => none,
        };
        let mut m = s.serialize_struct("Result", 6)?;
        m.serialize_field("subject", &SubjectJson(&r.subject))?;
        m.serialize_field("verdict", r.verdict.as_str())?;
        m.serialize_field("failed", &self.at(failed))?;
        if let Verdict::Error(e) = &r.verdict {
            m.serialize_field("error", &self.at(e))?;
        }
        m.serialize_field("not_applicable", &self.at(&r.notes.not_applicable))?;
        m.serialize_field("warnings", &self.at(&r.notes.warnings))?;
        m.end()
    }
}

#[derive(serde::Serialize)]
struct SpanJson {
    start: u32,
    end: u32,
}

impl Serialize for At<'_, EvalError> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.value;
        let file = self
            .sources
            .get(e.span.file)
            .map_or("", |f| f.name.as_str());
        let (line, column) = self.line_col(e.span);
        let (end_line, end_column) = self.sources.line_col(e.span.file, e.span.end);
        let mut m = s.serialize_struct("Error", 8)?;
        m.serialize_field("file", file)?;
        m.serialize_field("line", &line)?;
        m.serialize_field("column", &column)?;
        m.serialize_field("end_line", &end_line)?;
        m.serialize_field("end_column", &end_column)?;
        let span = SpanJson {
            start: e.span.start,
            end: e.span.end,
        };
        m.serialize_field("span", &span)?;
        m.serialize_field("message", &e.message)?;
        m.serialize_field("kind", e.kind.as_str())?;
        m.end()
    }
}

impl Serialize for At<'_, Failure> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.value;
        let (line, column) = self.line_col(f.span);
        let mut m = s.serialize_struct("Failure", 6)?;
        m.serialize_field("label", &f.label)?;
        m.serialize_field("line", &line)?;
        m.serialize_field("column", &column)?;
        m.serialize_field("reasons", &self.at(&f.reasons))?;
        m.serialize_field("exceptions", &f.exceptions)?;
        m.serialize_field("exception_reasons", &self.at(&f.exception_reasons))?;
        m.end()
    }
}

impl Serialize for At<'_, Reason> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.value;
        let mut m = s.serialize_struct("Reason", 6)?;
        m.serialize_field("expr", &r.expr)?;
        m.serialize_field("value", &r.value)?;
        m.serialize_field("needs", &r.needs)?;
        m.serialize_field("text", &Shown(r))?;
        m.serialize_field("nested", &self.at(&r.nested))?;
        m.serialize_field("inner", &self.at(&r.inner))?;
        m.end()
    }
}

/// A `when` that did not hold: the labels it guards and why.
impl Serialize for At<'_, NotApplicable> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.value;
        let (line, column) = self.line_col(n.span);
        let mut m = s.serialize_struct("NotApplicable", 5)?;
        m.serialize_field("labels", &n.labels)?;
        m.serialize_field("when", &n.cond)?;
        m.serialize_field("line", &line)?;
        m.serialize_field("column", &column)?;
        m.serialize_field("reasons", &self.at(&n.reasons))?;
        m.end()
    }
}
