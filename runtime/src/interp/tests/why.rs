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

/// An argument is shown by value when its rendering is short: the bounded
/// rendering says so exactly, without rendering a long value whole
/// (characters, not bytes, and a list cut to its first elements).
#[test]
fn a_short_rendering_is_the_whole_rendering_or_none() {
    use crate::interp::explain::{render_short, render_truncated};
    use polity_compiler::types::Type;
    let program = compile("t.polity", SRC, &NoFiles).program.unwrap();
    let m_ty = program.state.first().map(|s| s.ty.clone()).unwrap();
    let Type::List(m) = m_ty.clone() else {
        panic!("{m_ty:?}")
    };
    let member = |id: &str, days: i64| {
        Value::Record(vec![Value::text(id), Value::Bool(false), Value::Int(days)].into())
    };
    let texts = |n: usize, s: &str| Value::List((0..n).map(|_| Value::text(s)).collect());
    let text_list = Type::List(Box::new(Type::Text));
    let cases: Vec<(Type, Value)> = vec![
        (Type::Int, Value::Int(7)),
        ((*m).clone(), member("a", 1)),
        ((*m).clone(), member(&"a".repeat(60), 1)),
        (m_ty.clone(), Value::List(vec![member("a", 1)].into())),
        (
            m_ty.clone(),
            Value::List((0..20).map(|i| member("a", i)).collect()),
        ),
        (text_list.clone(), texts(12, "")),
        (text_list.clone(), texts(3, "ééééé")),
        (text_list.clone(), texts(3, "éééééé")),
        (text_list.clone(), texts(4, "ééééé")),
        (text_list, texts(2, &"é".repeat(17))),
        (Type::Text, Value::text(&"€".repeat(38))),
        (Type::Text, Value::text(&"€".repeat(39))),
    ];
    let mut shown = 0;
    for (ty, v) in &cases {
        let whole = render_truncated(&program, ty, v);
        let short = render_short(&program, ty, v, 40);
        if whole.chars().count() <= 40 {
            assert_eq!(short.as_deref(), Some(whole.as_str()), "{whole}");
            shown += 1;
        } else {
            assert_eq!(short, None, "{whole}");
        }
    }
    // Both outcomes occur, several of them past 40 bytes but not characters.
    assert!((5..cases.len()).contains(&shown), "{shown}");
    // At every bound, around a record's own length too (a record too long
    // by its names alone is not rendered, so that estimate must never pass
    // the rendering's length).
    for (ty, v) in &cases {
        let whole = render_truncated(&program, ty, v);
        let n = whole.chars().count();
        for max in [0, 1, n.saturating_sub(1), n, n + 1, 40, 200] {
            let want = (n <= max).then(|| whole.clone());
            assert_eq!(render_short(&program, ty, v, max), want, "{whole} at {max}");
        }
    }
}
