//! Figures: the named, documented values a charter publishes
//! (`figure population: Int = count(members)`), evaluated over a [`State`].
//!
//! ```
//! use polity::api::{figures, EvalOptions, Program};
//!
//! let program = Program::compile("club.polity", r#"
//!     charter "Club" { version: 1 }
//!     record Member { id: Text, dues_paid: Bool }
//!     state { members: List<Member> }
//!     /// Members whose dues are paid.
//!     figure paying: Int = count(members where it.dues_paid)
//! "#).expect("the charter compiles");
//! let state = program
//!     .load_snapshot(br#"{"members": [{"id": "ana", "dues_paid": true}]}"#)
//!     .expect("the snapshot matches");
//! let outcomes = figures(&program, &state, &EvalOptions::default());
//! assert_eq!(outcomes[0].name, "paying");
//! assert_eq!(outcomes[0].render(&program), "1");
//! assert_eq!(outcomes[0].to_json(&program)["value"], 1);
//! ```

use super::compile::{Program, State};
use super::eval::EvalOptions;
use crate::jit::Disagreement;
use crate::value::{self, Value};
use crate::verdict::EvalError;
use polity_compiler::ir::ConstId;
use polity_compiler::span::Span;
use polity_compiler::types::Type;
use serde_json::json;

/// How many elements of a list or set a figure's rendering shows
/// ([`FigureOutcome::render`]).
pub const SHOWN_ELEMENTS: usize = 10;

/// One figure's value over a snapshot, or the fault that ended it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureOutcome {
    /// Its name.
    pub name: String,
    /// Its `///` documentation.
    pub doc: Option<String>,
    /// Its declared type.
    pub ty: Type,
    /// Where it is declared (its name).
    pub span: Span,
    /// Its value, or the fault (a `limit` when it ran out of steps).
    pub value: Result<Value, EvalError>,
}

impl FigureOutcome {
    /// The type as a charter writes it (`List<Member>`).
    pub fn type_name(&self, program: &Program) -> String {
        self.ty.display(program.ir()).to_string()
    }

    /// The value as a charter writes it, a list or set showing at most
    /// [`SHOWN_ELEMENTS`] elements (`[1, 2, … and 9 more]`); a fault as
    /// `error: MESSAGE at FILE:LINE:COLUMN`.
    pub fn render(&self, program: &Program) -> String {
        match &self.value {
            Ok(v) => value::render_capped(program.ir(), &self.ty, v, SHOWN_ELEMENTS),
            Err(e) => {
                let sources = &program.ir().sources;
                let file = sources.get(e.span.file).map_or("", |f| f.name.as_str());
                let (line, column) = sources.line_col(e.span.file, e.span.start);
                format!("error: {} at {file}:{line}:{column}", e.message)
            }
        }
    }

    /// `{ "type", "value" }` with the value as a snapshot writes it
    /// ([`value::to_json`]), or `{ "type", "error": { "kind", "message",
    /// "file", "line", "column" } }`.
    pub fn to_json(&self, program: &Program) -> serde_json::Value {
        let ty = self.type_name(program);
        match &self.value {
            Ok(v) => json!({ "type": ty, "value": value::to_json(program.ir(), &self.ty, v) }),
            Err(e) => {
                let sources = &program.ir().sources;
                let file = sources.get(e.span.file).map_or("", |f| f.name.as_str());
                let (line, column) = sources.line_col(e.span.file, e.span.start);
                json!({ "type": ty, "error": { "kind": e.kind.as_str(), "message": e.message,
                    "file": file, "line": line, "column": column } })
            }
        }
    }
}

/// A figure name that the charter does not declare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFigure {
    /// The name asked for.
    pub name: String,
    /// The charter's figures, in declaration order.
    pub figures: Vec<String>,
}

impl std::fmt::Display for UnknownFigure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no figure named `{}`", self.name)?;
        if self.figures.is_empty() {
            write!(f, "; the charter declares no figures")
        } else {
            let names: Vec<String> = self.figures.iter().map(|n| format!("`{n}`")).collect();
            write!(f, "; the figures are {}", names.join(", "))
        }
    }
}

impl std::error::Error for UnknownFigure {}

/// Every figure of `program` over `state`, in declaration order, with the
/// engine and limits of `options` (each figure has a step budget of its
/// own, as a constant has). Both engines give the same outcomes.
pub fn figures(program: &Program, state: &State, options: &EvalOptions) -> Vec<FigureOutcome> {
    program.figures(state, options).0
}

impl Program {
    /// The names of the charter's figures, in declaration order.
    pub fn figure_names(&self) -> impl Iterator<Item = &str> {
        self.ir().figures().map(|(_, d)| d.name.as_str())
    }

    /// The figures named `names` (in that order), or the first unknown name.
    pub fn figure_ids(&self, names: &[String]) -> Result<Vec<ConstId>, UnknownFigure> {
        names
            .iter()
            .map(|n| {
                self.ir()
                    .figures()
                    .find(|(_, d)| &d.name == n)
                    .map(|(id, _)| id)
                    .ok_or_else(|| UnknownFigure {
                        name: n.clone(),
                        figures: self.figure_names().map(str::to_string).collect(),
                    })
            })
            .collect()
    }

    /// Every figure over `state` ([`figures`]), with every disagreement
    /// between the JIT and the interpreter (an internal error, never
    /// expected; always empty for the interpreter).
    pub fn figures(
        &self,
        state: &State,
        options: &EvalOptions,
    ) -> (Vec<FigureOutcome>, Vec<Disagreement>) {
        let ir = self.ir();
        let (values, problems) = match self.jit_for(options.engine) {
            Some(jit) => {
                let layout = state.layout(ir, jit);
                jit.eval_figures_checked(ir, state.snapshot(), layout, options.limits.clone())
            }
            None => (
                crate::interp::Interpreter::new(ir, state.snapshot())
                    .with_limits(options.limits.clone())
                    .eval_figures(),
                Vec::new(),
            ),
        };
        let outcomes = ir
            .figures()
            .zip(values)
            .map(|((_, d), value)| FigureOutcome {
                name: d.name.clone(),
                doc: d.doc.clone(),
                ty: d.ty.clone(),
                span: d.span,
                value,
            })
            .collect();
        (outcomes, problems)
    }
}

/// The `figures` object of the JSON document: name to `{ "type", "value" }`
/// (or `"error"`), in declaration order.
pub(crate) fn figures_json(
    program: &Program,
    figures: &[FigureOutcome],
) -> serde_json::Map<String, serde_json::Value> {
    figures
        .iter()
        .map(|f| (f.name.clone(), f.to_json(program)))
        .collect()
}
