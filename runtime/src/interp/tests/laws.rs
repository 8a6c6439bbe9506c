//! Laws: verdicts, every failing label, exceptions, explanations, law calls,
//! subjects, limits.

use super::*;
use crate::verdict::{ErrorKind, Failure, Reason, Subject, SubjectResult, Verdict};

const CHARTER: &str = r#"
const probation: Duration = 90 days
fn tenure(m: Member) -> Duration = now - m.joined
law may_vote(m in members) {
  require "is an active citizen": m.status == Active and Citizen in m.roles
  require "has served probation": tenure(m) >= probation
    unless "founders vote from day one": Founder in m.roles
}
law eligible(m in members) {
  require "may vote": may_vote(m)
}
"#;

const STATUS: EnumId = EnumId(0);
const ROLE: EnumId = EnumId(1);
const FOUNDER: u32 = 0;
const COUNCIL: u32 = 1;
const CITIZEN: u32 = 2;
const ACTIVE: u32 = 1;

fn member() -> Expr {
    local(0, record_ty(0))
}

fn roles_at(span: Span) -> Expr {
    field(member(), 3, Type::set(Type::Enum(ROLE))).at(span)
}

fn req1_span() -> Span {
    sp(
        CHARTER,
        "require \"is an active citizen\": m.status == Active and Citizen in m.roles",
    )
}

fn req2_span() -> Span {
    sp(
        CHARTER,
        "require \"has served probation\": tenure(m) >= probation",
    )
}

/// The charter above, by hand.
fn charter() -> Program {
    let src = CHARTER;
    let mut p = program(src);
    p.enums = vec![
        enum_def("Status", &["Applicant", "Active"]),
        enum_def("Role", &["Founder", "Council", "Citizen"]),
    ];
    p.records = vec![record_def(
        "Member",
        &[
            ("id", Type::Text),
            ("joined", Type::Date),
            ("status", Type::Enum(STATUS)),
            ("roles", Type::set(Type::Enum(ROLE))),
        ],
        Some(0),
    )];
    p.state = vec![
        state_def("now", Type::Date),
        state_def("members", Type::list(record_ty(0))),
    ];
    p.consts = vec![ConstDef {
        name: "probation".into(),
        ty: Type::Duration,
        doc: None,
        value: days(90).at(sp(src, "90 days")),
        private: false,
        figure: false,
        frame_size: 0,
        span: Span::default(),
    }];
    let now = state(0, Type::Date).at(sp_after(src, "fn tenure", "now"));
    let joined = field(member(), 1, Type::Date).at(sp(src, "m.joined"));
    let tenure = bin(BinOp::DateSubDate, now, joined).at(sp(src, "now - m.joined"));
    p.fns = vec![fn_def(
        "tenure",
        vec![("m", record_ty(0))],
        Type::Duration,
        tenure,
        1,
    )];
    let status = field(member(), 2, Type::Enum(STATUS)).at(sp(src, "m.status"));
    let active = case(0, ACTIVE).at(sp_after(src, "m.status == ", "Active"));
    let is_active = bin(BinOp::Eq, status, active).at(sp(src, "m.status == Active"));
    let citizen = case(1, CITIZEN).at(sp_after(src, "and ", "Citizen"));
    let has_citizen = in_(citizen, roles_at(sp_after(src, "Citizen in ", "m.roles")))
        .at(sp(src, "Citizen in m.roles"));
    let cond1 =
        and(is_active, has_citizen).at(sp(src, "m.status == Active and Citizen in m.roles"));
    let call = call_fn(
        0,
        vec![member().at(sp_after(src, "tenure(", "m"))],
        Type::Duration,
    )
    .at(sp_after(src, "served probation\": ", "tenure(m)"));
    let probation = konst(0, Type::Duration).at(sp_after(src, ">= ", "probation"));
    let cond2 = bin(BinOp::Ge, call, probation).at(sp(src, "tenure(m) >= probation"));
    let founder = case(1, FOUNDER).at(sp_after(src, "day one\": ", "Founder"));
    let is_founder = in_(founder, roles_at(sp_after(src, "Founder in ", "m.roles")))
        .at(sp(src, "Founder in m.roles"));
    let members = || state(1, Type::list(record_ty(0)));
    p.laws = vec![
        law(
            "may_vote",
            Some((record_ty(0), members())),
            vec![
                require("is an active citizen", req1_span(), cond1, vec![]),
                require(
                    "has served probation",
                    req2_span(),
                    cond2,
                    vec![("founders vote from day one", is_founder)],
                ),
            ],
            1,
        ),
        law(
            "eligible",
            Some((record_ty(0), members())),
            vec![require(
                "may vote",
                sp(src, "require \"may vote\": may_vote(m)"),
                call_law(0, Some(member())).at(sp(src, "may_vote(m)")),
                vec![],
            )],
            1,
        ),
    ];
    p
}

fn person(id: &str, joined: &str, status: u32, roles: &[u32]) -> Value {
    rec(vec![
        Value::text(id),
        Value::Date(day(joined)),
        Value::Enum(status),
        Value::set_from(roles.iter().map(|r| Value::Enum(*r)).collect()),
    ])
}

fn snapshot() -> Snapshot {
    Snapshot::from_values(vec![
        Value::Date(day("2026-02-01")),
        vlist(vec![
            person("ana", "2025-01-01", ACTIVE, &[CITIZEN]),
            person("bob", "2026-01-21", ACTIVE, &[CITIZEN]),
            person("cy", "2026-01-21", 0, &[]),
            person("dee", "2026-01-21", ACTIVE, &[FOUNDER, CITIZEN]),
            person("eve", "2025-01-01", ACTIVE, &[COUNCIL]),
        ]),
    ])
}

fn reason(expr: &str, span: Span, value: &str, needs: Option<&str>) -> Reason {
    Reason {
        expr: expr.into(),
        value: value.into(),
        needs: needs.map(Into::into),
        nested: vec![],
        inner: vec![],
        span,
    }
}

fn bob_fails() -> Failure {
    Failure {
        label: "has served probation".into(),
        span: req2_span(),
        reasons: vec![reason(
            "tenure(m)",
            sp_after(CHARTER, "served probation\": ", "tenure(m)"),
            "11 days",
            Some(">= 90 days"),
        )],
        exceptions: vec!["founders vote from day one".into()],
        // Why the exception did not apply, as for a requirement.
        exception_reasons: vec![vec![reason(
            "m.roles",
            sp_after(CHARTER, "from day one\": Founder in ", "m.roles"),
            "{Citizen}",
            Some("to contain Founder"),
        )]],
    }
}

#[test]
fn every_member_gets_an_explained_verdict() {
    let p = charter();
    let s = snapshot();
    let results = Interpreter::new(&p, &s).eval_law(LawId(0));
    let subjects: Vec<_> = results.iter().map(|r| r.subject.clone()).collect();
    let names = ["ana", "bob", "cy", "dee", "eve"];
    assert_eq!(subjects, names.map(|n| Subject::Id(n.into())).to_vec());
    assert_eq!(results[0].verdict, Verdict::Pass);
    assert_eq!(results[1].verdict, Verdict::Fail(vec![bob_fails()]));
    // dee is a founder: the exception lets the second requirement pass.
    assert_eq!(results[3].verdict, Verdict::Pass);
    // eve lacks the role: only the false side of `and` is explained.
    let Verdict::Fail(eve) = &results[4].verdict else {
        panic!("{:?}", results[4])
    };
    let roles = sp_after(CHARTER, "Citizen in ", "m.roles");
    assert_eq!(
        eve[0].reasons,
        vec![reason(
            "m.roles",
            roles,
            "{Council}",
            Some("to contain Citizen")
        )]
    );
}

#[test]
fn all_failing_labels_are_listed_in_order() {
    let p = charter();
    let s = snapshot();
    let Verdict::Fail(cy) = &Interpreter::new(&p, &s).eval_law(LawId(0))[2].verdict else {
        panic!("cy should fail")
    };
    let labels: Vec<_> = cy.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["is an active citizen", "has served probation"]);
    // `m.status` is false, so `Citizen in m.roles` was never evaluated nor explained.
    let status = reason(
        "m.status",
        sp(CHARTER, "m.status"),
        "Applicant",
        Some("== Active"),
    );
    assert_eq!(cy[0].reasons, vec![status]);
    assert_eq!(cy[0].span, req1_span());
    assert!(cy[0].exceptions.is_empty());
}

#[test]
fn a_law_in_a_law_nests_its_reasons() {
    let p = charter();
    let s = snapshot();
    let interp = Interpreter::new(&p, &s);
    let bob = &s.values()[1].elements()[1];
    let mut call = reason("may_vote(m)", sp(CHARTER, "may_vote(m)"), "fail", None);
    call.nested = vec![bob_fails()];
    let expected = Failure {
        label: "may vote".into(),
        span: sp(CHARTER, "require \"may vote\": may_vote(m)"),
        reasons: vec![call],
        exceptions: vec![],
        exception_reasons: Vec::new(),
    };
    assert_eq!(
        interp.eval_law_for(LawId(1), bob),
        Verdict::Fail(vec![expected])
    );
    let ana = &s.values()[1].elements()[0];
    assert_eq!(interp.eval_law_for(LawId(1), ana), Verdict::Pass);
}

#[test]
fn a_missing_state_value_is_an_error_not_a_crash() {
    let p = charter();
    let s = Snapshot::from_values(vec![]);
    let results = Interpreter::new(&p, &s).eval_law(LawId(0));
    let Verdict::Error(err) = &results[0].verdict else {
        panic!("{results:?}")
    };
    assert_eq!(results[0].subject, Subject::Whole);
    assert_eq!(err.kind, ErrorKind::MissingValue);
    assert_eq!(err.message, "`members` has no value in the snapshot");
}

/// A param-less law over literals; each requirement's cond is the source
/// text after its label.
const MISC: &str = r#"law misc {
require "or": 1 > 2 or 0 > 5
require "not": not true
require "not in": 3 not in [1, 3]
require "other": false
require "big": 100 in range(0, 12)
require "ok": true unless "never": 1 div 0 == 0
}"#;

fn misc() -> Program {
    let src = MISC;
    let at = |s: &str| sp(src, s);
    let gt = |a, b_, s: &str| {
        bin(
            BinOp::Gt,
            int(a).at(at(&s[..1])),
            int(b_).at(sp_after(src, s, &s[4..])),
        )
        .at(at(s))
    };
    let or_ = or(gt(1, 2, "1 > 2"), gt(0, 5, "0 > 5")).at(at("1 > 2 or 0 > 5"));
    let not_ = not(boolean(true).at(sp_after(src, "not ", "true"))).at(at("not true"));
    let not_in =
        not(in_(int(3).at(at("3 not")), ints(&[1, 3]).at(at("[1, 3]")))).at(at("3 not in [1, 3]"));
    let other = boolean(false).at(at("false"));
    let range = builtin(Builtin::Range, vec![int(0), int(12)], Type::list(Type::Int))
        .at(at("range(0, 12)"));
    let big = in_(int(100).at(at("100")), range).at(at("100 in range(0, 12)"));
    let div0 = bin(
        BinOp::Eq,
        bin(BinOp::IntDiv, int(1), int(0)).at(at("1 div 0")),
        int(0),
    );
    let line = |label: &str| sp_after(src, &format!("\"{label}\""), "\n").start;
    let stmt = |label: &str, cond: Expr, unless| {
        let start = at(&format!("require \"{label}\"")).start;
        let span = Span {
            end: line(label),
            ..at(&format!("require \"{label}\""))
        };
        require(label, Span { start, ..span }, cond, unless)
    };
    let mut p = program(src);
    p.laws = vec![law(
        "misc",
        None,
        vec![
            stmt("or", or_, vec![]),
            stmt("not", not_, vec![]),
            stmt("not in", not_in, vec![]),
            stmt("other", other, vec![]),
            stmt("big", big, vec![]),
            stmt("ok", boolean(true), vec![("never", div0)]),
        ],
        0,
    )];
    p
}

#[test]
fn explanations_of_or_not_membership_and_the_rest() {
    let p = misc();
    let s = Snapshot::from_values(vec![]);
    let results = Interpreter::new(&p, &s).eval_law(LawId(0));
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].subject, Subject::Whole);
    let Verdict::Fail(failures) = &results[0].verdict else {
        panic!("{results:?}")
    };
    let labels: Vec<_> = failures.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["or", "not", "not in", "other", "big"]);
    let shown: Vec<Vec<String>> = failures
        .iter()
        .map(|f| f.reasons.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(
        shown,
        vec![
            vec!["1 = 1, needs > 2".to_string(), "0 = 0, needs > 5".into()],
            vec!["true = true, needs false".into()],
            vec!["[1, 3] = [1, 3], needs not to contain 3".into()],
            vec!["false = false".into()],
            vec![
                "range(0, 12) = [0, 1, 2, 3, 4, 5, 6, 7, … (4 more)], needs to contain 100".into()
            ],
        ]
    );
    assert_eq!(failures[0].span, sp(MISC, "require \"or\": 1 > 2 or 0 > 5"));
}

/// `law l { stmts }` over nothing, for fault tests.
fn single_law(src: &str, body: Vec<LawStmt>, frame_size: u32) -> Program {
    let mut p = program(src);
    p.laws = vec![law("l", None, body, frame_size)];
    p
}

fn verdict(p: &Program) -> Verdict {
    let s = Snapshot::from_values(vec![]);
    Interpreter::new(p, &s).eval_law_for(LawId(0), &Value::None)
}

#[test]
fn a_fault_after_a_failure_makes_an_error() {
    let src = "1 div 0";
    let div0 = bin(
        BinOp::Eq,
        bin(BinOp::IntDiv, int(1), int(0)).at(sp(src, src)),
        int(0),
    );
    let p = single_law(
        src,
        vec![
            require("a", Span::default(), boolean(false), vec![]),
            require("b", Span::default(), div0, vec![]),
        ],
        0,
    );
    let Verdict::Error(err) = verdict(&p) else {
        panic!()
    };
    assert_eq!(
        (err.kind, err.span),
        (ErrorKind::DivisionByZero, sp(src, src))
    );
}

#[test]
fn exceptions_are_evaluated_only_when_needed_and_in_order() {
    let div0 = || bin(BinOp::Eq, bin(BinOp::IntDiv, int(1), int(0)), int(0));
    let pass = |cond, unless| single_law("", vec![require("r", Span::default(), cond, unless)], 0);
    // The condition holds: the faulting exception is never evaluated.
    assert_eq!(
        verdict(&pass(boolean(true), vec![("x", div0())])),
        Verdict::Pass
    );
    // The first exception holds: the second is never evaluated.
    let p = pass(
        boolean(false),
        vec![("first", boolean(true)), ("second", div0())],
    );
    assert_eq!(verdict(&p), Verdict::Pass);
    // An exception that is evaluated and faults makes an error.
    let p = pass(
        boolean(false),
        vec![("first", boolean(false)), ("second", div0())],
    );
    assert!(matches!(verdict(&p), Verdict::Error(e) if e.kind == ErrorKind::DivisionByZero));
    // None holds: every exception's label is reported.
    let p = pass(
        boolean(false),
        vec![("first", boolean(false)), ("second", boolean(false))],
    );
    let Verdict::Fail(f) = verdict(&p) else {
        panic!()
    };
    assert_eq!(f[0].exceptions, ["first", "second"]);
}

#[test]
fn lets_bind_in_order() {
    let p = single_law(
        "",
        vec![
            LawStmt::Let {
                local: LocalId(0),
                name: "a".into(),
                value: int(2),
            },
            LawStmt::Let {
                local: LocalId(1),
                name: "b".into(),
                value: bin(BinOp::Mul(Num::Int), local(0, Type::Int), int(3)),
            },
            require(
                "six",
                Span::default(),
                bin(BinOp::Eq, local(1, Type::Int), int(6)),
                vec![],
            ),
        ],
        2,
    );
    assert_eq!(verdict(&p), Verdict::Pass);
}

#[test]
fn a_fault_inside_a_called_law_propagates() {
    let src = "1 div 0";
    let div0 = bin(
        BinOp::Eq,
        bin(BinOp::IntDiv, int(1), int(0)).at(sp(src, src)),
        int(0),
    );
    let mut p = program(src);
    p.laws = vec![
        law(
            "inner",
            None,
            vec![require("r", Span::default(), div0, vec![])],
            0,
        ),
        law(
            "outer",
            None,
            vec![require("calls", Span::default(), call_law(0, None), vec![])],
            0,
        ),
    ];
    let s = Snapshot::from_values(vec![]);
    let v = Interpreter::new(&p, &s).eval_law_for(LawId(1), &Value::None);
    let Verdict::Error(err) = v else {
        panic!("{v:?}")
    };
    assert_eq!(
        (err.kind, err.span),
        (ErrorKind::DivisionByZero, sp(src, src))
    );
}

#[test]
fn subjects_by_text_id_int_id_or_position() {
    let mut p = program("");
    p.records = vec![
        record_def("Lot", &[("id", Type::Int)], Some(0)),
        record_def("Row", &[("n", Type::Int)], None),
    ];
    p.state = vec![
        state_def("lots", Type::list(record_ty(0))),
        state_def("rows", Type::list(record_ty(1))),
    ];
    let ok = || vec![require("ok", Span::default(), boolean(true), vec![])];
    p.laws = vec![
        law(
            "lots",
            Some((record_ty(0), state(0, Type::list(record_ty(0))))),
            ok(),
            1,
        ),
        law(
            "rows",
            Some((record_ty(1), state(1, Type::list(record_ty(1))))),
            ok(),
            1,
        ),
        law("whole", None, ok(), 0),
    ];
    let s = Snapshot::from_values(vec![
        vlist(vec![rec(vec![Value::Int(7)]), rec(vec![Value::Int(-2)])]),
        vlist(vec![rec(vec![Value::Int(1)]), rec(vec![Value::Int(1)])]),
    ]);
    let interp = Interpreter::new(&p, &s);
    let subjects = |l| {
        interp
            .eval_law(LawId(l))
            .into_iter()
            .map(|r| r.subject)
            .collect::<Vec<_>>()
    };
    assert_eq!(subjects(0), [Subject::IntId(7), Subject::IntId(-2)]);
    assert_eq!(subjects(1), [Subject::Index(0), Subject::Index(1)]);
    assert_eq!(
        interp.eval_law(LawId(2)),
        [SubjectResult {
            subject: Subject::Whole,
            verdict: Verdict::Pass,
            notes: Default::default(),
        }]
    );
    assert!(interp.eval_law(LawId(9)).is_empty());
}

#[test]
fn call_depth_is_limited() {
    // f0(x) calls f1(x) ... f4(x) = x.
    let src = "f0(x) f1(x) f2(x) f3(x) f4(x)";
    let mut p = program(src);
    for i in 0..5u32 {
        let body = if i == 4 {
            local(0, Type::Int)
        } else {
            let name = format!("f{}(x)", i + 1);
            call_fn(i + 1, vec![local(0, Type::Int)], Type::Int).at(sp(src, &name))
        };
        p.fns.push(fn_def(
            &format!("f{i}"),
            vec![("x", Type::Int)],
            Type::Int,
            body,
            1,
        ));
    }
    let top = call_fn(0, vec![int(5)], Type::Int).at(sp(src, "f0(x)"));
    assert_eq!(eval(&p, &top), Ok(Value::Int(5)));
    let limits = Limits {
        max_call_depth: 3,
        ..Limits::default()
    };
    let err = eval_limited(&p, &limits, &top).unwrap_err();
    assert_eq!((err.kind, err.span), (ErrorKind::Limit, sp(src, "f3(x)")));
    assert_eq!(err.message, "call depth limit of 3 exceeded in `f3(x)`");
    let limits = Limits {
        max_call_depth: 5,
        ..Limits::default()
    };
    assert_eq!(eval_limited(&p, &limits, &top), Ok(Value::Int(5)));
}

#[test]
fn consts_are_evaluated_in_their_own_frame() {
    // const c = sum(x for x in range(0, 4)), used twice: 6 + 6.
    let mut p = program("");
    let range = builtin(Builtin::Range, vec![int(0), int(4)], Type::list(Type::Int));
    let value = lp(LoopKind::Sum(Num::Int), 0, range, None, local(0, Type::Int));
    p.consts = vec![ConstDef {
        name: "c".into(),
        ty: Type::Int,
        doc: None,
        value,
        private: false,
        figure: false,
        frame_size: 1,
        span: Span::default(),
    }];
    let e = bin(
        BinOp::Add(Num::Int),
        konst(0, Type::Int),
        konst(0, Type::Int),
    );
    assert_eq!(eval(&p, &e), Ok(Value::Int(12)));
}

#[test]
fn the_default_depth_limit_is_reached_before_the_stack_runs_out() {
    // A chain of 260 fns, each adding one, on a test thread's small stack.
    let mut p = program("");
    for i in 0..260u32 {
        let body = if i == 259 {
            local(0, Type::Int)
        } else {
            let call = call_fn(i + 1, vec![local(0, Type::Int)], Type::Int);
            bin(BinOp::Add(Num::Int), call, int(1))
        };
        p.fns.push(fn_def(
            &format!("f{i}"),
            vec![("x", Type::Int)],
            Type::Int,
            body,
            1,
        ));
    }
    let top = call_fn(0, vec![int(0)], Type::Int);
    assert_eq!(fault(&p, &top).kind, ErrorKind::Limit);
    let deep = call_fn(60, vec![int(0)], Type::Int);
    assert_eq!(eval(&p, &deep), Ok(Value::Int(199)));
}
