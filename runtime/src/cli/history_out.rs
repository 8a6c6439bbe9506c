//! What `polity eval --snapshots` writes per snapshot, in order:
//!
//! - the table: one block per snapshot (its name and order field, its
//!   figures, each law's counts);
//! - `--format jsonl`: one JSON object per snapshot, `{ "snapshot", "order",
//!   "figures": { NAME: { "type", "value" | "error" } }, "laws": { LAW: {
//!   "pass", "fail", "error", "limit" } } }`, or `{ "snapshot", "order",
//!   "error": { "kind": "snapshot" | "io", "message", "mismatches": [ {
//!   "path", "message" } ] } }` for one that was not evaluated;
//! - `--format csv`: a header, then one row per snapshot: `snapshot`,
//!   `order`, each figure (a number, text, date or case as written; a list
//!   or set as its length; a record as the table shows it; `none` empty; a
//!   fault `error: KIND`), then `LAW.pass`, `LAW.fail`, `LAW.error` and
//!   `LAW.limit` per law (`error` counts every error, `limit` those that ran
//!   out of steps or time). A snapshot not evaluated has empty cells.
//!
//! A snapshot that was not evaluated is also reported on stderr, naming its
//! file and the JSON path of every mismatch.

use super::eval::Select;
use super::history::Entry;
use crate::api::{FigureOutcome, Program};
use crate::snapshot::SnapshotError;
use crate::value::{self, Value};
use serde_json::json;
use std::io::{self, Write};

/// The output format of a history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One block per snapshot, for people.
    Table,
    /// One JSON object per line.
    Jsonl,
    /// One row per snapshot.
    Csv,
}

/// A law's verdict counts over one snapshot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    /// Every error (`limit` ones included).
    pub error: usize,
    /// Errors that ran out of steps or time.
    pub limit: usize,
}

/// What became of one snapshot.
pub enum Outcome {
    /// Evaluated: the figures asked for, each law's counts, and any
    /// disagreement between the engines (an internal error).
    Evaluated {
        figures: Vec<FigureOutcome>,
        laws: Vec<(String, Counts)>,
        problems: Vec<String>,
    },
    /// Not JSON, or not the charter's `state`.
    Rejected(SnapshotError),
    /// Could not be read.
    Unreadable(String),
}

impl Outcome {
    /// Its exit status: 0 evaluated, 3 rejected, 2 unreadable.
    pub fn status(&self) -> i32 {
        match self {
            Outcome::Evaluated { .. } => 0,
            Outcome::Rejected(_) => 3,
            Outcome::Unreadable(_) => 2,
        }
    }
}

/// Writes the outcomes of one history.
pub struct Writer<'a> {
    program: &'a Program,
    format: Format,
    /// The order field's name.
    field: &'a str,
    /// The figure and law columns of the CSV.
    figures: Vec<String>,
    laws: Vec<String>,
}

impl<'a> Writer<'a> {
    /// A writer for `program`'s figures and laws as `select` chooses them.
    pub fn new(program: &'a Program, select: Select<'_>, format: Format, field: &'a str) -> Self {
        let figures = match select.figure_list() {
            Some([]) => program.figure_names().map(str::to_string).collect(),
            Some(names) => program
                .figure_names()
                .filter(|n| names.iter().any(|x| x == n))
                .map(str::to_string)
                .collect(),
            None => Vec::new(),
        };
        let laws = program
            .laws()
            .filter(|l| select.wants_law(l))
            .map(str::to_string)
            .collect();
        Writer {
            program,
            format,
            field,
            figures,
            laws,
        }
    }

    /// What comes before the first snapshot: the CSV's header.
    pub fn start(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.format {
            Format::Csv => {
                let mut row = vec!["snapshot".to_string(), self.field.to_string()];
                row.extend(self.figures.iter().cloned());
                for law in &self.laws {
                    for count in ["pass", "fail", "error", "limit"] {
                        row.push(format!("{law}.{count}"));
                    }
                }
                csv_row(out, &row)
            }
            Format::Table => writeln!(out, "{}", self.program.name()),
            Format::Jsonl => Ok(()),
        }
    }

    /// One snapshot's outcome (and, on stderr, why one was not evaluated).
    pub fn write(
        &mut self,
        out: &mut impl Write,
        entry: &Entry,
        outcome: &Outcome,
    ) -> io::Result<()> {
        report(entry, outcome);
        match self.format {
            Format::Table => self.table(out, entry, outcome),
            Format::Jsonl => {
                serde_json::to_writer(&mut *out, &self.json(entry, outcome))?;
                writeln!(out)
            }
            Format::Csv => self.csv(out, entry, outcome),
        }
    }

    fn table(&self, out: &mut impl Write, entry: &Entry, outcome: &Outcome) -> io::Result<()> {
        writeln!(
            out,
            "\n== {} ({} {})",
            entry.name(),
            self.field,
            entry.order
        )?;
        let Outcome::Evaluated { figures, laws, .. } = outcome else {
            return writeln!(out, "  not evaluated (see the error above)");
        };
        for line in super::eval::figure_lines(self.program, figures) {
            writeln!(out, "  {line}")?;
        }
        for (law, c) in laws {
            let limit = if c.limit > 0 {
                format!(" ({} limit)", c.limit)
            } else {
                String::new()
            };
            writeln!(
                out,
                "  law {law}: {} pass, {} fail, {} error{limit}",
                c.pass, c.fail, c.error
            )?;
        }
        Ok(())
    }

    fn json(&self, entry: &Entry, outcome: &Outcome) -> serde_json::Value {
        let head = json!({ "snapshot": entry.name(), "order": entry.order });
        let mut doc = head;
        let Some(obj) = doc.as_object_mut() else {
            return serde_json::Value::Null;
        };
        match outcome {
            Outcome::Evaluated { figures, laws, .. } => {
                obj.insert(
                    "figures".into(),
                    super::eval::figures_json(self.program, figures).into(),
                );
                let laws: serde_json::Map<String, serde_json::Value> = laws
                    .iter()
                    .map(|(l, c)| {
                        let counts = json!({ "pass": c.pass, "fail": c.fail, "error": c.error, "limit": c.limit });
                        (l.clone(), counts)
                    })
                    .collect();
                obj.insert("laws".into(), laws.into());
            }
            Outcome::Rejected(e) => {
                let mismatches: Vec<serde_json::Value> = match e {
                    SnapshotError::Mismatch(ms) => ms
                        .iter()
                        .map(|m| json!({ "path": m.path, "message": m.message }))
                        .collect(),
                    SnapshotError::Syntax { .. } => Vec::new(),
                };
                let error = json!({ "kind": "snapshot", "message": e.to_string(), "mismatches": mismatches });
                obj.insert("error".into(), error);
            }
            Outcome::Unreadable(message) => {
                obj.insert(
                    "error".into(),
                    json!({ "kind": "io", "message": message, "mismatches": [] }),
                );
            }
        }
        doc
    }

    fn csv(&self, out: &mut impl Write, entry: &Entry, outcome: &Outcome) -> io::Result<()> {
        let order = match &entry.order {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut row = vec![entry.name(), order];
        match outcome {
            Outcome::Evaluated { figures, laws, .. } => {
                row.extend(figures.iter().map(|f| self.cell(f)));
                for (_, c) in laws {
                    row.extend([c.pass, c.fail, c.error, c.limit].map(|n| n.to_string()));
                }
            }
            Outcome::Rejected(_) | Outcome::Unreadable(_) => {
                let cells = self.figures.len() + 4 * self.laws.len();
                row.extend(std::iter::repeat_n(String::new(), cells));
            }
        }
        csv_row(out, &row)
    }

    /// A figure in one CSV cell.
    fn cell(&self, f: &FigureOutcome) -> String {
        let ir = self.program.ir();
        match &f.value {
            Err(e) => format!("error: {}", e.kind.as_str()),
            Ok(Value::None) => String::new(),
            Ok(Value::List(xs) | Value::Set(xs)) => xs.len().to_string(),
            Ok(Value::Text(s)) => s.to_string(),
            Ok(Value::Dec(d)) => {
                let d = d.get();
                // A decimal that does not terminate, to 12 places (the JSON
                // Lines output has it exactly).
                match d.terminating_places() {
                    Some(_) => d.to_string(),
                    None => d.truncated(12).to_string(),
                }
            }
            Ok(v) => value::render_capped(ir, &f.ty, v, crate::api::SHOWN_ELEMENTS),
        }
    }
}

/// On stderr: why a snapshot was not evaluated, naming it; any
/// disagreement between the engines.
pub(super) fn report(entry: &Entry, outcome: &Outcome) {
    match outcome {
        Outcome::Evaluated { problems, .. } => {
            for p in problems {
                stderrln!(
                    "internal error in `{}` (the values shown are the interpreter's): {p}",
                    entry.name()
                );
            }
        }
        Outcome::Rejected(e) => {
            stderrln!(
                "error: snapshot `{}` does not match the charter's `state`:",
                entry.name()
            );
            stderrln!("{e}");
        }
        Outcome::Unreadable(message) => {
            stderrln!("error: cannot read `{}`: {message}", entry.name());
        }
    }
}

/// One CSV row (RFC 4180: a cell with a comma, quote or line break is
/// quoted, its quotes doubled).
fn csv_row(out: &mut impl Write, cells: &[String]) -> io::Result<()> {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    writeln!(out, "{}", quoted.join(","))
}
