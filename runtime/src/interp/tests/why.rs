//! `:why` trees: exceptions that applied, nested law calls, short-circuits.

use crate::interp::{Interpreter, Outcome, Why, WhyStep};
use crate::snapshot::Snapshot;
use crate::value::Value;
use polity_compiler::{compile, NoFiles};

const SRC: &str = r#"
record M { id: Text, founder: Bool, days: Int }
state { ms: List<M> }
law senior(m in ms) { require "long enough": m.days >= 10 }
law may(m in ms) {
  let d = m.days
  require "senior": senior(m) unless "founder": m.founder
  require "either": d > 100 or senior(m)
}
"#;

fn why(founder: bool, days: i64) -> Why {
    let program = compile("t.polity", SRC, &NoFiles).program.unwrap();
    let m = Value::Record(vec![Value::text("a"), Value::Bool(founder), Value::Int(days)].into());
    let snapshot = Snapshot::from_values(vec![Value::List(vec![m.clone()].into())]);
    let (law, _) = program.law("may").unwrap();
    Interpreter::new(&program, &snapshot).why(law, Some(m), "a")
}

fn requirement(w: &Why, i: usize) -> (&Outcome, &[Why]) {
    match w.steps.get(i) {
        Some(WhyStep::Require { outcome, calls, .. }) => (outcome, calls),
        other => panic!("not a requirement: {other:?}"),
    }
}

#[test]
fn an_exception_that_applied_is_named_and_nested_calls_are_explained() {
    let w = why(true, 5);
    assert_eq!(w.verdict(), "fail");
    assert!(matches!(&w.steps[0], WhyStep::Let { name, value } if name == "d" && value == "5"));
    let (outcome, calls) = requirement(&w, 1);
    assert_eq!(outcome, &Outcome::Excepted("founder".into()));
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].law.as_str(), calls[0].verdict()),
        ("senior", "fail")
    );
    assert_eq!(calls[0].subject, "m");
    let (outcome, calls) = requirement(&w, 2);
    assert!(matches!(outcome, Outcome::Failed { exceptions, .. } if exceptions.is_empty()));
    assert_eq!(calls.len(), 1);
}

#[test]
fn calls_that_short_circuiting_skipped_are_not_explained() {
    let w = why(false, 200);
    assert_eq!(w.verdict(), "pass");
    let (outcome, calls) = requirement(&w, 2);
    assert_eq!(outcome, &Outcome::Held);
    assert!(calls.is_empty());
}
