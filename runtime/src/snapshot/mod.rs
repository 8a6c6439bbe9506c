//! JSON snapshots read into typed values, checked against the charter's `state`.
//!
//! [`load`] reads the bytes in one pass with a schema-driven `DeserializeSeed`
//! ([`seed`]) that builds [`Value`]s directly; scalars are converted in
//! [`scalar`], never through floating point. Every mismatch is reported with
//! its JSON path; only malformed JSON stops the reader early.

mod scalar;
mod seed;
mod syntax;

use crate::value::Value;
use polity_compiler::ir::{Program, StateId};
use serde::de::DeserializeSeed;
use std::fmt;

/// A snapshot that matches its charter's `state`: one value per state name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    values: Vec<Value>,
}

impl Snapshot {
    /// A snapshot from already-typed values, one per state name in order
    /// (for tests and embedders that build state in memory).
    pub fn from_values(values: Vec<Value>) -> Snapshot {
        Snapshot { values }
    }

    /// Every state value, in `state` order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The value of a state name.
    pub fn get(&self, id: StateId) -> Option<&Value> {
        self.values.get(id.0 as usize)
    }
}

/// One way the JSON differs from the charter's `state`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The JSON path (`members[2].stake`).
    pub path: String,
    /// What is wrong (`expected Decimal, found "lots"`).
    pub message: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a snapshot was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// The text is not JSON (or not UTF-8).
    Syntax {
        /// What the JSON reader said.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The JSON does not match `state`: every mismatch, in document order.
    Mismatch(Vec<Mismatch>),
}

/// `Syntax`: `line:column: message`; `Mismatch`: one `path: message` per line.
impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Syntax {
                message,
                line,
                column,
            } => write!(f, "{line}:{column}: {message}"),
            SnapshotError::Mismatch(mismatches) => {
                for (i, m) in mismatches.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{m}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SnapshotError {}

/// Reads and checks a snapshot.
///
/// Invalid UTF-8 and malformed JSON (including nesting deeper than 128) are
/// [`SnapshotError::Syntax`]; anything that does not match `state` is
/// [`SnapshotError::Mismatch`] listing every mismatch in document order.
pub fn load(program: &Program, json: &[u8]) -> Result<Snapshot, SnapshotError> {
    let text = std::str::from_utf8(json).map_err(|e| syntax::utf8_error(json, e))?;
    let schema = seed::Schema::new(program);
    let mut ctx = seed::Ctx::new(&schema);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let root = seed::root(&mut ctx)
        .deserialize(&mut deserializer)
        .and_then(|root| deserializer.end().map(|()| root))
        .map_err(|e| syntax::json_error(&e))?;
    if !ctx.mismatches.is_empty() {
        return Err(SnapshotError::Mismatch(ctx.mismatches));
    }
    Ok(Snapshot {
        values: root.fields().to_vec(),
    })
}
