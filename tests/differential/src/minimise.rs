//! Greedy minimisation of a failing case: delete declarations, statements,
//! state names and array elements, and replace sub-expressions with a simple
//! literal or a sub-expression of the same type, keeping every change after
//! which the case still fails in the same way.

use crate::check::{self, Kind};
use crate::model::{quote_polity, Charter, Json, Node, Stmt, Ty};
use polity::api::Engine;

/// Gives up after this many candidate runs.
const MAX_TRIES: usize = 4000;

struct Min<'a> {
    fails: &'a mut dyn FnMut(&Charter, &Json) -> bool,
    tries: usize,
}

impl Min<'_> {
    fn still_fails(&mut self, ch: &Charter, json: &Json) -> bool {
        self.tries += 1;
        (self.fails)(ch, json)
    }

    fn exhausted(&self) -> bool {
        self.tries >= MAX_TRIES
    }
}

/// The smallest case found that still fails with `kind`.
pub fn minimise(ch: Charter, json: Json, kind: &Kind, engines: &[Engine]) -> (Charter, Json) {
    let mut fails = |ch: &Charter, json: &Json| {
        let mut tally = check::Tally::default();
        match check::run(&ch.render(), &json.text(), engines, &mut tally) {
            Err(f) => f.kind == *kind,
            Ok(()) => false,
        }
    };
    minimise_by(ch, json, &mut fails)
}

/// The smallest case found for which `fails` still holds.
pub fn minimise_by(
    ch: Charter,
    json: Json,
    fails: &mut dyn FnMut(&Charter, &Json) -> bool,
) -> (Charter, Json) {
    let mut m = Min { fails, tries: 0 };
    let (mut ch, mut json) = (ch, json);
    loop {
        let before = (ch.render(), json.text());
        declarations(&mut m, &mut ch, &json);
        statements(&mut m, &mut ch, &json);
        state_names(&mut m, &mut ch, &mut json);
        arrays(&mut m, &ch, &mut json);
        expressions(&mut m, &mut ch, &json);
        if m.exhausted() || before == (ch.render(), json.text()) {
            return (ch, json);
        }
    }
}

/// Tries `edit` on a copy; keeps it if the case still fails.
fn attempt(m: &mut Min, ch: &mut Charter, json: &Json, edit: impl FnOnce(&mut Charter)) -> bool {
    if m.exhausted() {
        return false;
    }
    let mut cand = ch.clone();
    edit(&mut cand);
    if m.still_fails(&cand, json) {
        *ch = cand;
        return true;
    }
    false
}

fn declarations(m: &mut Min, ch: &mut Charter, json: &Json) {
    for i in (0..ch.tests.len()).rev() {
        attempt(m, ch, json, |c| {
            c.tests.remove(i);
        });
    }
    for i in (0..ch.laws.len()).rev() {
        attempt(m, ch, json, |c| {
            c.laws.remove(i);
        });
    }
    for i in (0..ch.fns.len()).rev() {
        attempt(m, ch, json, |c| {
            c.fns.remove(i);
        });
    }
    for i in (0..ch.consts.len()).rev() {
        attempt(m, ch, json, |c| {
            c.consts.remove(i);
        });
    }
}

fn statements(m: &mut Min, ch: &mut Charter, json: &Json) {
    for l in (0..ch.laws.len()).rev() {
        for s in (0..ch.laws[l].stmts.len()).rev() {
            if s >= ch.laws[l].stmts.len() {
                continue;
            }
            if attempt(m, ch, json, |c| {
                c.laws[l].stmts.remove(s);
            }) {
                continue;
            }
            let n = match &ch.laws[l].stmts[s] {
                Stmt::Require { unless, .. } => unless.len(),
                Stmt::Let(_) | Stmt::When { .. } => 0,
            };
            // A guard that is not needed to fail: the statement without it.
            attempt(m, ch, json, |c| {
                if let Some(Stmt::Require { guard, .. }) = c.laws[l].stmts.get_mut(s) {
                    *guard = None;
                }
            });
            for u in (0..n).rev() {
                attempt(m, ch, json, |c| {
                    if let Some(Stmt::Require { unless, .. }) = c.laws[l].stmts.get_mut(s) {
                        unless.remove(u);
                    }
                });
            }
        }
    }
    for t in (0..ch.tests.len()).rev() {
        for s in (0..ch.tests[t].stmts.len()).rev() {
            attempt(m, ch, json, |c| {
                c.tests[t].stmts.remove(s);
            });
        }
    }
    for f in (0..ch.fns.len()).rev() {
        for l in (0..ch.fns[f].lets.len()).rev() {
            attempt(m, ch, json, |c| {
                c.fns[f].lets.remove(l);
            });
        }
    }
}

fn state_names(m: &mut Min, ch: &mut Charter, json: &mut Json) {
    for i in (0..ch.state.len()).rev() {
        let name = ch.state[i].name.clone();
        let mut cand = ch.clone();
        cand.state.remove(i);
        let mut cjson = json.clone();
        if let Json::Obj(fields) = &mut cjson {
            fields.retain(|(k, _)| *k != name);
        }
        if !m.exhausted() && m.still_fails(&cand, &cjson) {
            *ch = cand;
            *json = cjson;
        }
    }
}

/// Empties arrays, else drops their elements one by one.
fn arrays(m: &mut Min, ch: &Charter, json: &mut Json) {
    let mut a = 0;
    loop {
        let mut len = None;
        let mut k = 0;
        json.arrays_mut(&mut |xs| {
            if k == a {
                len = Some(xs.len());
                return true;
            }
            k += 1;
            false
        });
        let Some(len) = len else { return };
        let edit = |json: &Json, f: &dyn Fn(&mut Vec<Json>)| {
            let mut cand = json.clone();
            let mut k = 0;
            cand.arrays_mut(&mut |xs| {
                if k == a {
                    f(xs);
                    return true;
                }
                k += 1;
                false
            });
            cand
        };
        let empty = edit(json, &|xs| xs.clear());
        if len > 0 && !m.exhausted() && m.still_fails(ch, &empty) {
            *json = empty;
        } else {
            for j in (0..len).rev() {
                let cand = edit(json, &|xs| {
                    if j < xs.len() {
                        xs.remove(j);
                    }
                });
                if !m.exhausted() && m.still_fails(ch, &cand) {
                    *json = cand;
                }
            }
        }
        a += 1;
    }
}

/// Replaces each expression with a simpler one of the same type.
fn expressions(m: &mut Min, ch: &mut Charter, json: &Json) {
    let mut n = 0;
    loop {
        let mut found: Option<Node> = None;
        let mut k = 0;
        ch.walk_mut(&mut |node| {
            if k == n {
                found = Some(node.clone());
                return true;
            }
            k += 1;
            false
        });
        let Some(node) = found else { return };
        let current = node.text();
        let mut candidates: Vec<Node> = simple(ch, &node.ty, 2)
            .into_iter()
            .map(|s| Node::leaf(node.ty.clone(), s))
            .collect();
        candidates.extend(node.children().filter(|c| c.ty == node.ty).cloned());
        for cand in candidates {
            if cand.text() == current {
                continue;
            }
            let replaced = attempt(m, ch, json, |c| {
                let mut k = 0;
                c.walk_mut(&mut |x| {
                    if k == n {
                        *x = cand.clone();
                        return true;
                    }
                    k += 1;
                    false
                });
            });
            if replaced {
                break;
            }
        }
        if m.exhausted() {
            return;
        }
        n += 1;
    }
}

/// Simple literals of a type, simplest first.
fn simple(ch: &Charter, ty: &Ty, depth: u32) -> Vec<String> {
    let one = |t: &Ty| simple(ch, t, depth.saturating_sub(1)).into_iter().last();
    match ty {
        Ty::Bool => vec!["true".into(), "false".into()],
        Ty::Int => vec!["0".into(), "1".into()],
        Ty::Dec => vec!["0.5".into()],
        Ty::Date => vec!["2024-01-01".into()],
        Ty::Dur => vec!["1 day".into()],
        Ty::Text => vec![quote_polity("")],
        Ty::Enum(e) => ch
            .enums
            .get(*e)
            .and_then(|d| d.cases.first().map(|c| format!("{}.{c}", d.name)))
            .into_iter()
            .collect(),
        Ty::Rec(r) => {
            let Some(def) = ch.records.get(*r) else {
                return Vec::new();
            };
            let mut fields = Vec::new();
            for f in &def.fields {
                if matches!(f.ty, Ty::Opt(_)) {
                    continue;
                }
                match one(&f.ty) {
                    Some(v) if depth > 0 => fields.push(format!("{}: {v}", f.name)),
                    _ => return Vec::new(),
                }
            }
            vec![format!("{} {{ {} }}", def.name, fields.join(", "))]
        }
        Ty::List(e) => {
            let mut v = vec!["[]".to_string()];
            v.extend(one(e).filter(|_| depth > 0).map(|x| format!("[{x}]")));
            v
        }
        Ty::Set(e) => {
            let mut v = vec!["{}".to_string()];
            v.extend(one(e).filter(|_| depth > 0).map(|x| format!("{{{x}}}")));
            v
        }
        Ty::Opt(e) => {
            let mut v = vec!["none".to_string()];
            v.extend(
                one(e)
                    .filter(|_| depth > 0)
                    .map(|x| format!("first([{x}])")),
            );
            v
        }
    }
}
