//! The JSON documents the command line prints, for embedders that speak
//! JSON (the C ABI, bindings): the same bytes as `polity eval --format
//! json`, and the same shapes as `polity check --format json` and a rejected
//! snapshot's `--format json` error.

use super::{CompileError, Engine, EvalOptions, LawReport, Program, State, UnknownLaw};
use crate::snapshot::SnapshotError;
use serde_json::{json, Value as Json};

/// `{ "ok": false, "errors": N, "diagnostics": [...] }`, each diagnostic as
/// `polity check --format json` writes it (code, severity, message, file,
/// line, column, span, label, help, labels).
pub fn compile_error_json(e: &CompileError) -> Json {
    let errors = e
        .diagnostics
        .iter()
        .filter(|d| d.severity == polity_compiler::diagnostic::Severity::Error)
        .count();
    let diagnostics: Vec<Json> = e
        .diagnostics
        .iter()
        .map(|d| super::reasons::diagnostic_json(d, &e.sources))
        .collect();
    json!({ "ok": false, "errors": errors, "diagnostics": diagnostics })
}

/// `{ "error": "snapshot", "file"?, "syntax"?, "mismatches": [...] }`, as
/// `polity eval --format json` reports a snapshot it rejects (`file` only
/// when one is given).
pub fn snapshot_error_json(e: &SnapshotError, file: Option<&str>) -> Json {
    let mut doc = serde_json::Map::new();
    doc.insert("error".into(), json!("snapshot"));
    if let Some(file) = file {
        doc.insert("file".into(), json!(file));
    }
    match e {
        SnapshotError::Syntax {
            message,
            line,
            column,
        } => {
            doc.insert(
                "syntax".into(),
                json!({ "message": message, "line": line, "column": column }),
            );
            doc.insert("mismatches".into(), json!([]));
        }
        SnapshotError::Mismatch(ms) => {
            let ms: Vec<Json> = ms
                .iter()
                .map(|m| json!({ "path": m.path, "message": m.message }))
                .collect();
            doc.insert("mismatches".into(), Json::Array(ms));
        }
    }
    Json::Object(doc)
}

impl Program {
    /// Evaluates every figure and law (or only `law`, without figures) and
    /// returns the document
    /// `polity eval --format json` prints for it, byte for byte (with its
    /// final newline).
    pub fn eval_json(
        &self,
        state: &State,
        law: Option<&str>,
        options: EvalOptions,
    ) -> Result<String, UnknownLaw> {
        // As the command line: every figure with every law, none with one law.
        let figures = match law {
            Some(_) => serde_json::Map::new(),
            None => super::figures_json(self, &super::figures(self, state, &options)),
        };
        let reports: Box<dyn Iterator<Item = LawReport>> = match law {
            Some(name) => Box::new(std::iter::once(
                self.eval_law_options(state, name, options)?,
            )),
            None => Box::new(self.eval_each_options(state, options)),
        };
        let mut out = Vec::new();
        // Writing to a Vec cannot fail; serde_json refuses nothing here (keys
        // are strings, numbers are exact texts).
        let _ = super::verdict_json::write_eval_json(
            &mut out,
            self.name(),
            &figures,
            reports,
            &self.ir().sources,
        );
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

impl Program {
    /// Runs every `test` block with `engine` and returns its suite as
    /// `polity test --format json` writes one (`{ "name", "charter",
    /// "compiled", "tests": [...] }`), named `name`.
    pub fn tests_json(&self, name: &str, engine: Engine) -> String {
        let outcomes = self.run_tests_with(engine);
        // The time is not in the document; none is taken (WebAssembly has no
        // clock `std::time::Instant` can read).
        let suite = super::test_report::Suite::new(
            name.to_owned(),
            self,
            &outcomes,
            std::time::Duration::ZERO,
        );
        serde_json::to_string(&suite).unwrap_or_default()
    }
}
