//! `test` blocks: `given`, `let`, `expect`, and what a test sees of state.

use super::*;
use crate::interp::{run_tests, TestFailure};
use crate::verdict::{ErrorKind, Failure, Reason};

const SRC: &str = r#"
const n: Int = count(members)
law positive(m in members) { require "positive": m > 0 }
test "given invalidates consts" { given members = [1] expect n == 1 given members = [1, 2] expect n == 2 }
test "state must be given" { expect n == 0 }
test "stops at the first failed expect" { let x = 3 expect x > 5 expect 1 div 0 == 0 }
test "law calls" { given members = [] expect not positive(-1) expect positive(-1) }
"#;

fn expect(cond: Expr, span: Span) -> TestStmt {
    TestStmt::Expect { cond, span }
}

fn given(value: Expr) -> TestStmt {
    TestStmt::Given {
        state: StateId(0),
        value,
        span: Span::default(),
    }
}

fn test(name: &str, body: Vec<TestStmt>, frame_size: u32) -> TestDef {
    TestDef {
        name: name.into(),
        body,
        frame_size,
        span: sp(SRC, &format!("test \"{name}\"")),
    }
}

fn n_is(k: i64) -> Expr {
    bin(BinOp::Eq, konst(0, Type::Int), int(k))
}

fn suite() -> Program {
    let src = SRC;
    let mut p = program(src);
    let members = || Type::list(Type::Int);
    p.state = vec![state_def("members", members())];
    let count = builtin(
        Builtin::Count,
        vec![state(0, members()).at(sp_after(src, "count(", "members"))],
        Type::Int,
    );
    p.consts = vec![ConstDef {
        name: "n".into(),
        ty: Type::Int,
        doc: None,
        value: count,
        private: false,
        figure: false,
        frame_size: 0,
        span: Span::default(),
    }];
    let m_positive = bin(
        BinOp::Gt,
        local(0, Type::Int)
            .at(sp(src, "m > 0"))
            .at(sp_after(src, "\"positive\": ", "m")),
        int(0),
    )
    .at(sp(src, "m > 0"));
    p.laws = vec![law(
        "positive",
        Some((Type::Int, state(0, members()))),
        vec![require(
            "positive",
            sp(src, "require \"positive\": m > 0"),
            m_positive,
            vec![],
        )],
        1,
    )];
    let x = local(0, Type::Int).at(sp_after(src, "expect ", "x"));
    let x_gt_5 = bin(BinOp::Gt, x, int(5)).at(sp(src, "x > 5"));
    let div0 = bin(BinOp::Eq, bin(BinOp::IntDiv, int(1), int(0)), int(0));
    let call = call_law(0, Some(int(-1))).at(sp_after(src, "expect positive", "positive(-1)"));
    p.tests = vec![
        test(
            "given invalidates consts",
            vec![
                given(ints(&[1])),
                expect(n_is(1), Span::default()),
                given(ints(&[1, 2])),
                expect(n_is(2), Span::default()),
            ],
            0,
        ),
        test(
            "state must be given",
            vec![expect(n_is(0), Span::default())],
            0,
        ),
        test(
            "stops at the first failed expect",
            vec![
                TestStmt::Let {
                    local: LocalId(0),
                    value: int(3),
                },
                expect(x_gt_5, sp(src, "expect x > 5")),
                expect(div0, Span::default()),
            ],
            1,
        ),
        test(
            "law calls",
            vec![
                given(ints(&[])),
                expect(not(call_law(0, Some(int(-1)))), Span::default()),
                expect(call, sp(src, "expect positive(-1)")),
            ],
            0,
        ),
    ];
    p
}

#[test]
fn tests_run_in_order_with_their_outcomes() {
    let p = suite();
    let outcomes = run_tests(&p, Limits::default());
    let names: Vec<_> = outcomes.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "given invalidates consts",
            "state must be given",
            "stops at the first failed expect",
            "law calls"
        ]
    );
    assert_eq!(
        outcomes[0].span,
        sp(SRC, "test \"given invalidates consts\"")
    );
    // A `given` makes constants that depend on state see the new value.
    assert_eq!(outcomes[0].result, Ok(()));
}

#[test]
fn state_without_a_given_is_missing() {
    let outcomes = run_tests(&suite(), Limits::default());
    let Err(TestFailure::Fault(err)) = &outcomes[1].result else {
        panic!("{:?}", outcomes[1])
    };
    assert_eq!(err.kind, ErrorKind::MissingValue);
    assert_eq!(err.span, sp_after(SRC, "count(", "members"));
    assert_eq!(
        err.message,
        "`members` has no value in this test; add `given members = ...`"
    );
}

#[test]
fn a_test_stops_at_its_first_failed_expect() {
    let outcomes = run_tests(&suite(), Limits::default());
    let expected = TestFailure::Expectation {
        span: sp(SRC, "expect x > 5"),
        failures: vec![Failure {
            label: "x > 5".into(),
            span: sp(SRC, "x > 5"),
            reasons: vec![Reason {
                expr: "x".into(),
                value: "3".into(),
                needs: Some("> 5".into()),
                nested: vec![],
                inner: vec![],
                span: sp_after(SRC, "expect ", "x"),
            }],
            exceptions: vec![],
            exception_reasons: Vec::new(),
        }],
    };
    assert_eq!(outcomes[2].result, Err(expected));
}

#[test]
fn a_failed_law_call_in_an_expect_is_explained() {
    let outcomes = run_tests(&suite(), Limits::default());
    let Err(TestFailure::Expectation { span, failures }) = &outcomes[3].result else {
        panic!("{:?}", outcomes[3])
    };
    assert_eq!(*span, sp(SRC, "expect positive(-1)"));
    assert_eq!(failures[0].label, "positive(-1)");
    let call = &failures[0].reasons[0];
    assert_eq!(
        (call.expr.as_str(), call.value.as_str()),
        ("positive(-1)", "fail")
    );
    assert_eq!(call.nested[0].label, "positive");
    assert_eq!(call.nested[0].reasons[0].to_string(), "m = -1, needs > 0");
}
