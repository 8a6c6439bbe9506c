//! The census's data: every figure and law over the history, reduced as
//! each snapshot is evaluated to what the report shows (the exact text the
//! CLI prints, and a number or counts to draw), so the series stays small
//! however large the snapshots are.
//!
//! How a figure is charted, by its type (an optional `T?` as `T`, `none`
//! and faults left as gaps):
//!
//! | type | chart | table |
//! | --- | --- | --- |
//! | `Int`, `Decimal`, `Period` | a line | the exact value |
//! | `Duration` | a line, in days | the value (`90 days`) |
//! | `Date`, `Instant` | a line of dates | the value |
//! | an enum or `Bool`, or a list or set of them | stacked bars: the count per case | the value and each case's count |
//! | any other list or set | a line of its length | its length and its first elements |
//! | a record | one line chart per numeric field (as above) | the whole record |
//! | `Text`, a record without numeric fields | none | the value |

use super::super::history::Entry;
use super::super::history_out::{Counts, Outcome};
use crate::api::{FigureOutcome, Program};
use crate::value::Value;
use polity_compiler::ir::Lit;
use polity_compiler::num::{format_date, parse_date};
use polity_compiler::types::Type;

/// What a number is, for its axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// `Int`, `Decimal`, `Period`.
    Plain,
    /// `Duration`: drawn in days.
    Duration,
    /// `Date`: a day number, labelled as a date.
    Date,
    /// `Instant`: drawn in days, labelled as a date.
    Instant,
}

/// How a figure is charted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A line of numbers.
    Number(Unit),
    /// Stacked bars of the count per case (the case names).
    Cases(Vec<String>),
    /// A line of a list's or set's length.
    Length,
    /// One line per numeric field: (field name, its index, its unit).
    Record(Vec<(String, usize, Unit)>),
    /// No chart: the table alone.
    Table,
}

/// A value to draw.
#[derive(Clone, Debug, PartialEq)]
pub enum Point {
    /// `none`, a fault, or a snapshot not evaluated: a gap.
    Gap,
    /// A number on the chart's axis (floats only for drawing).
    Number(f64),
    /// The count per case.
    Counts(Vec<u64>),
    /// The length of a list or set.
    Length(u64),
    /// One number per charted field of a record.
    Fields(Vec<Option<f64>>),
}

/// One figure at one snapshot: the text the CLI prints, and what is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The value as `polity eval` prints it (exact), or the fault.
    pub text: String,
    pub point: Point,
}

/// One figure over the history.
pub struct FigureSeries {
    pub name: String,
    pub doc: Option<String>,
    /// Its type as the charter writes it.
    pub ty: String,
    pub kind: Kind,
    /// One cell per snapshot, in order.
    pub cells: Vec<Cell>,
}

/// Where a snapshot sits on the time axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Every order value is a `YYYY-MM-DD` date: day numbers.
    Dates,
    /// Every order value is a whole number.
    Numbers,
    /// Anything else: the snapshots' positions (1, 2, ...).
    Positions,
}

/// One snapshot of the history.
pub struct Snapshot {
    /// Its file (or `file:line`).
    pub name: String,
    /// Its order field as written.
    pub order: String,
    /// Its order field as a number (a day number, a whole number), if it is one.
    pub number: Option<i64>,
    /// Why it was not evaluated, if it was not.
    pub error: Option<String>,
}

/// The whole census.
pub struct Census {
    /// The charter's name and version (as it declares them).
    pub name: String,
    pub version: Option<String>,
    /// The field that orders the snapshots.
    pub field: String,
    pub snapshots: Vec<Snapshot>,
    pub figures: Vec<FigureSeries>,
    /// Each law's counts per snapshot (`None`: not evaluated).
    pub laws: Vec<(String, Vec<Option<Counts>>)>,
}

impl Census {
    /// An empty census of `program`'s figures and laws.
    pub fn new(program: &Program, field: &str) -> Census {
        let ir = program.ir();
        let figures = ir
            .figures()
            .map(|(_, d)| FigureSeries {
                name: d.name.clone(),
                doc: d.doc.clone(),
                ty: d.ty.display(ir).to_string(),
                kind: kind(program, &d.ty),
                cells: Vec::new(),
            })
            .collect();
        Census {
            name: program.name().to_string(),
            version: version(program),
            field: field.to_string(),
            snapshots: Vec::new(),
            figures,
            laws: program
                .laws()
                .map(|l| (l.to_string(), Vec::new()))
                .collect(),
        }
    }

    /// Adds one snapshot's outcome, reduced to what the report shows.
    pub fn push(&mut self, program: &Program, entry: &Entry, outcome: &Outcome) {
        let order = match &entry.order {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let number = match &entry.order {
            serde_json::Value::String(s) => parse_date(s),
            serde_json::Value::Number(n) => n.as_i64(),
            _ => None,
        };
        let error = match outcome {
            Outcome::Evaluated { .. } => None,
            Outcome::Rejected(e) => Some(format!("does not match the charter's `state`: {e}")),
            Outcome::Unreadable(message) => Some(format!("cannot be read: {message}")),
        };
        self.snapshots.push(Snapshot {
            name: entry.name(),
            order,
            number,
            error,
        });
        let (figures, laws) = match outcome {
            Outcome::Evaluated { figures, laws, .. } => (figures.as_slice(), laws.as_slice()),
            Outcome::Rejected(_) | Outcome::Unreadable(_) => (&[][..], &[][..]),
        };
        for series in &mut self.figures {
            let cell = match figures.iter().find(|f| f.name == series.name) {
                Some(f) => cell(program, &series.kind, f),
                None => Cell {
                    text: "not evaluated".into(),
                    point: Point::Gap,
                },
            };
            series.cells.push(cell);
        }
        for (law, counts) in &mut self.laws {
            let c = laws.iter().find(|(l, _)| l == law).map(|(_, c)| *c);
            counts.push(c);
        }
    }

    /// How the snapshots sit on the time axis.
    pub fn axis(&self) -> Axis {
        let all = |f: &dyn Fn(&Snapshot) -> bool| self.snapshots.iter().all(f);
        if all(&|s| s.number.is_some() && parse_date(&s.order).is_some()) {
            Axis::Dates
        } else if all(&|s| s.number.is_some()) {
            Axis::Numbers
        } else {
            Axis::Positions
        }
    }

    /// The snapshots' places on the time axis, in order.
    pub fn xs(&self) -> Vec<i64> {
        match self.axis() {
            Axis::Dates | Axis::Numbers => self
                .snapshots
                .iter()
                .map(|s| s.number.unwrap_or(0))
                .collect(),
            Axis::Positions => (1..).take(self.snapshots.len()).collect(),
        }
    }

    /// The last snapshot that was evaluated: its index.
    pub fn latest(&self) -> Option<usize> {
        self.snapshots.iter().rposition(|s| s.error.is_none())
    }

    /// "from FIRST to LAST" (or the one), in the order field's terms.
    pub fn span(&self) -> String {
        match (self.snapshots.first(), self.snapshots.last()) {
            (Some(a), Some(b)) if self.snapshots.len() > 1 => {
                format!("from {} to {}", a.order, b.order)
            }
            (Some(a), _) => format!("on {}", a.order),
            _ => String::new(),
        }
    }
}

/// `version: ...` of the charter, as written.
fn version(program: &Program) -> Option<String> {
    let (_, lit) = program
        .ir()
        .charter
        .meta
        .iter()
        .find(|(k, _)| k == "version")?;
    Some(match lit {
        Lit::Int(n) => n.to_string(),
        Lit::Dec(d) => d.to_string(),
        Lit::Text(s) => s.clone(),
        Lit::Date(d) => format_date(*d),
        Lit::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    })
}

/// How a figure of type `ty` is charted (the table in the module docs).
pub fn kind(program: &Program, ty: &Type) -> Kind {
    let ir = program.ir();
    match strip(ty) {
        Type::List(t) | Type::Set(t) => match cases(program, strip(t)) {
            Some(cases) => Kind::Cases(cases),
            None => Kind::Length,
        },
        Type::Record(id) => {
            let fields: Vec<(String, usize, Unit)> = ir
                .records
                .get(id.0 as usize)
                .map(|r| {
                    r.fields
                        .iter()
                        .enumerate()
                        .filter_map(|(i, f)| unit(strip(&f.ty)).map(|u| (f.name.clone(), i, u)))
                        .collect()
                })
                .unwrap_or_default();
            if fields.is_empty() {
                Kind::Table
            } else {
                Kind::Record(fields)
            }
        }
        t => match (unit(t), cases(program, t)) {
            (Some(u), _) => Kind::Number(u),
            (None, Some(cases)) => Kind::Cases(cases),
            (None, None) => Kind::Table,
        },
    }
}

/// `T` of `T?`.
fn strip(ty: &Type) -> &Type {
    match ty {
        Type::Optional(t) => t,
        t => t,
    }
}

/// The unit of a numeric type.
fn unit(ty: &Type) -> Option<Unit> {
    match ty {
        Type::Int | Type::Decimal | Type::Period => Some(Unit::Plain),
        Type::Duration => Some(Unit::Duration),
        Type::Date => Some(Unit::Date),
        Type::Instant => Some(Unit::Instant),
        _ => None,
    }
}

/// The cases of an enum (or of `Bool`).
fn cases(program: &Program, ty: &Type) -> Option<Vec<String>> {
    match ty {
        Type::Bool => Some(vec!["false".into(), "true".into()]),
        Type::Enum(id) => program
            .ir()
            .enums
            .get(id.0 as usize)
            .map(|e| e.cases.clone()),
        _ => None,
    }
}

/// One figure's outcome as a cell.
fn cell(program: &Program, kind: &Kind, f: &FigureOutcome) -> Cell {
    let text = f.render(program);
    let point = match &f.value {
        Err(_) | Ok(Value::None) => Point::Gap,
        Ok(v) => point(kind, v),
    };
    Cell { text, point }
}

/// What is drawn for the value `v` of a figure charted as `kind`.
fn point(kind: &Kind, v: &Value) -> Point {
    match kind {
        Kind::Number(unit) => super::chart::y(*unit, v).map_or(Point::Gap, Point::Number),
        Kind::Cases(cases) => {
            let mut counts = vec![0u64; cases.len()];
            let mut add = |v: &Value| {
                let i = match v {
                    Value::Enum(i) => Some(*i as usize),
                    Value::Bool(b) => Some(usize::from(*b)),
                    _ => None,
                };
                if let Some(n) = i.and_then(|i| counts.get_mut(i)) {
                    *n += 1;
                }
            };
            match v {
                Value::List(xs) | Value::Set(xs) => xs.iter().for_each(&mut add),
                other => add(other),
            }
            Point::Counts(counts)
        }
        Kind::Length => match v {
            Value::List(xs) | Value::Set(xs) => Point::Length(xs.len() as u64),
            _ => Point::Gap,
        },
        Kind::Record(fields) => match v {
            Value::Record(values) => Point::Fields(
                fields
                    .iter()
                    .map(|(_, i, unit)| values.get(*i).and_then(|v| super::chart::y(*unit, v)))
                    .collect(),
            ),
            _ => Point::Gap,
        },
        Kind::Table => Point::Gap,
    }
}
