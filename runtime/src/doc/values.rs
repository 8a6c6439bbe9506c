//! The values of a charter's constants, in the charter's own units.
//!
//! A constant whose value needs no snapshot (it reads no `state` name, and
//! neither do the constants and fns it uses, and it calls no law) is
//! evaluated by the reference interpreter over an empty snapshot, with a
//! small budget of steps and collection sizes, so that no constant can hold
//! the document up or exhaust memory. Its value
//! is shown as members read it: a decimal written as a percentage
//! (`12.5%`) as a percentage, a duration in days, a date as `1 June 2024`.

use super::text::{date, escape, grouped};
use crate::interp::{Interpreter, Limits};
use crate::snapshot::Snapshot;
use crate::value::{render, render_duration, render_period, Value};
use polity_compiler::ir::{ExprKind, Program};
use polity_compiler::num::Dec;
use polity_compiler::types::Type;
use std::collections::BTreeSet;

/// The most steps spent evaluating one constant for the document.
const MAX_STEPS: u64 = 1_000_000;

/// The longest collection (or text, in bytes) a constant may build for the
/// document: enough for any value worth showing, too little to exhaust memory.
const MAX_COLLECTION_LEN: usize = 10_000;

/// What the document says of a constant's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// Its value, as Markdown.
    Value(String),
    /// It depends on the snapshot: only its definition can be shown.
    FromState,
    /// Evaluating it faulted (the fault's message).
    Fault(String),
}

/// The value of constant number `index` of `program`, as shown.
pub fn show_const(program: &Program, index: usize) -> Shown {
    let Some(c) = program.consts.get(index) else {
        return Shown::FromState;
    };
    if reads_state(program, &c.value, &mut BTreeSet::new()) {
        return Shown::FromState;
    }
    let snapshot = Snapshot::from_values(Vec::new());
    let limits = Limits {
        max_steps: MAX_STEPS,
        max_collection_len: MAX_COLLECTION_LEN,
        ..Limits::default()
    };
    let interp = Interpreter::new(program, &snapshot).with_limits(limits);
    match interp.eval_expr(&c.value, c.frame_size) {
        Ok(v) => {
            let percent = program.sources.snippet(c.value.span).contains('%');
            Shown::Value(show(program, &c.ty, &v, percent))
        }
        Err(e) => Shown::Fault(e.message.clone()),
    }
}

/// A value of type `ty` in the charter's units, as Markdown.
pub fn show(program: &Program, ty: &Type, value: &Value, percent: bool) -> String {
    match value {
        Value::Int(n) => grouped(&n.to_string()),
        Value::Dec(d) if percent => match d.get().checked_mul(Dec::from_int(100)) {
            Some(p) => format!("{}%", decimal(p)),
            None => decimal(d.get()),
        },
        Value::Dec(d) => decimal(d.get()),
        Value::Date(d) => date(*d),
        Value::Duration(s) if s % 86_400 == 0 => {
            let days = s / 86_400;
            format!("{days} day{}", if days.abs() == 1 { "" } else { "s" })
        }
        Value::Duration(s) => render_duration(*s),
        Value::Period(m) => render_period(*m),
        Value::Text(t) => escape(&format!("\u{201c}{t}\u{201d}")),
        Value::Bool(b) => b.to_string(),
        Value::None => "nothing".to_string(),
        _ => super::text::code(&render(program, ty, value)),
    }
}

/// A decimal for people: exact when it terminates (`12.5`), else six
/// places and the exact fraction (`0.666666… (2/3)`).
fn decimal(d: Dec) -> String {
    let shown = match d.terminating_places() {
        Some(_) => grouped(&d.to_string()),
        None => format!("{}\u{2026} ({d})", d.truncated(6)),
    };
    escape(&shown)
}

/// Whether evaluating `e` may read the snapshot: a `state` name, a law, or
/// a constant or fn that does (each looked at once).
fn reads_state(
    program: &Program,
    e: &polity_compiler::ir::Expr,
    seen: &mut BTreeSet<(bool, u32)>,
) -> bool {
    let inner = match &e.kind {
        ExprKind::State(_) | ExprKind::CallLaw(..) => return true,
        ExprKind::Const(id) if seen.insert((false, id.0)) => program
            .consts
            .get(id.0 as usize)
            .is_some_and(|c| reads_state(program, &c.value, seen)),
        ExprKind::CallFn(id, _) if seen.insert((true, id.0)) => program
            .fns
            .get(id.0 as usize)
            .is_some_and(|f| reads_state(program, &f.body, seen)),
        _ => false,
    };
    let mut found = inner;
    e.for_each_child(&mut |c| found = found || reads_state(program, c, seen));
    found
}
