//! References between collections: every id a reference field stores must
//! name an element of its target list. Checked once per snapshot, after it
//! is read, so that a dangling id is a snapshot mismatch with its JSON path
//! rather than a fault in one verdict. (A target's ids are unique: the
//! reader rejects a repeated id in any list of records, `seed.rs`.)

use super::scalar::echo;
use super::{Mismatch, Snapshot, ValueIndex};
use crate::value::{render, Value};
use polity_compiler::ir::{Program, StateId};
use polity_compiler::types::Type;
use std::collections::{BTreeMap, BTreeSet};

/// Every dangling reference, in document order.
pub(super) fn check(program: &Program, snapshot: &Snapshot) -> Vec<Mismatch> {
    let targets: BTreeSet<StateId> = program
        .records
        .iter()
        .flat_map(|r| r.fields.iter().filter_map(|f| f.refers))
        .collect();
    if targets.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut ids: BTreeMap<StateId, ValueIndex> = BTreeMap::new();
    for t in &targets {
        if let Some(index) = target_ids(program, snapshot, *t) {
            ids.insert(*t, index);
        }
    }
    let mut walk = Walk {
        program,
        ids: &ids,
        out: &mut out,
    };
    for (i, def) in program.state.iter().enumerate() {
        if let Some(v) = snapshot.get(StateId(i as u32)) {
            walk.value(&def.ty, v, &mut def.name.clone());
        }
    }
    out
}

/// The target list's elements by id (hashed: a search of an ordered set
/// of text ids was a cache miss per comparison at 10^6 references).
fn target_ids(program: &Program, snapshot: &Snapshot, target: StateId) -> Option<ValueIndex> {
    let def = program.state.get(target.0 as usize)?;
    // The id field's position.
    let id_field = match &def.ty {
        Type::List(e) => match **e {
            Type::Record(r) => program.record(r).and_then(|d| d.id_field),
            _ => None,
        },
        _ => None,
    };
    Some(ValueIndex::build(snapshot.get(target)?, id_field?))
}

struct Walk<'a> {
    program: &'a Program,
    ids: &'a BTreeMap<StateId, ValueIndex>,
    out: &'a mut Vec<Mismatch>,
}

impl Walk<'_> {
    /// Checks the references inside `v` of type `ty` at JSON path `path`.
    fn value(&mut self, ty: &Type, v: &Value, path: &mut String) {
        match ty {
            Type::Optional(inner) if !matches!(v, Value::None) => self.value(inner, v, path),
            Type::List(e) | Type::Set(e) if contains_refs(self.program, e) => {
                for (i, x) in v.elements().iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    self.value(e, x, path);
                    path.truncate(len);
                }
            }
            Type::Record(r) => {
                let Some(def) = self.program.record(*r) else {
                    return;
                };
                for (f, x) in def.fields.iter().zip(v.fields()) {
                    let len = path.len();
                    path.push('.');
                    path.push_str(&f.name);
                    match f.refers {
                        Some(t) => self.ids_in(&f.ty, x, t, path),
                        None => self.value(&f.ty, x, path),
                    }
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// The stored ids of a reference field (an id, an optional one, or a
    /// list or set of them) against its target's ids.
    fn ids_in(&mut self, ty: &Type, v: &Value, target: StateId, path: &mut String) {
        match (ty, v) {
            (Type::Optional(_), Value::None) => {}
            (Type::Optional(inner), _) => self.ids_in(inner, v, target, path),
            (Type::List(e) | Type::Set(e), _) => {
                for (i, x) in v.elements().iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    self.ids_in(e, x, target, path);
                    path.truncate(len);
                }
            }
            (_, id) => {
                let known = self.ids.get(&target).is_some_and(|s| s.first(id).is_some());
                if !known {
                    let name = self
                        .program
                        .state
                        .get(target.0 as usize)
                        .map_or("?", |s| s.name.as_str());
                    self.out.push(Mismatch {
                        path: path.clone(),
                        message: format!(
                            "{} is not the id of an element of `{name}`",
                            echo(&render(self.program, ty, id), "characters")
                        ),
                    });
                }
            }
        }
    }
}

/// Whether values of `ty` may hold references (so a walk must enter them).
fn contains_refs(program: &Program, ty: &Type) -> bool {
    match ty {
        Type::Optional(t) | Type::List(t) | Type::Set(t) => contains_refs(program, t),
        Type::Record(r) => program.record(*r).is_some_and(|d| {
            d.fields
                .iter()
                .any(|f| f.refers.is_some() || contains_refs(program, &f.ty))
        }),
        _ => false,
    }
}
