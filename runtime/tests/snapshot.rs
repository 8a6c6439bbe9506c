//! The snapshot loader: JSON bytes checked against a hand-built charter.

// Test helpers outside `#[test]` fns may fail loudly too.
#![allow(clippy::unwrap_used, clippy::panic)]

use polity::value::Value;
use polity_compiler::num::{parse_date, Dec};
use proptest::prelude::*;
use std::time::Instant;

mod support {
    //! A hand-built charter shared by these tests (no parser needed).

    pub use polity::snapshot::{load, Snapshot, SnapshotError};
    use polity_compiler::ir::{Charter, EnumDef, FieldDef, Program, RecordDef, StateDef};
    use polity_compiler::span::{SourceMap, Span};
    pub use polity_compiler::types::{EnumId, RecordId, Type};

    pub const STATUS: EnumId = EnumId(0);
    pub const ROLE: EnumId = EnumId(1);
    pub const MEMBER: RecordId = RecordId(0);

    fn field(name: &str, ty: Type) -> FieldDef {
        FieldDef {
            name: name.into(),
            ty,
            doc: None,
            refers: None,
        }
    }

    fn state(name: &str, ty: Type) -> StateDef {
        StateDef {
            name: name.into(),
            ty,
            doc: None,
            span: Span::default(),
        }
    }

    fn enum_def(name: &str, cases: &[&str]) -> EnumDef {
        EnumDef {
            name: name.into(),
            doc: None,
            cases: cases.iter().map(|c| (*c).into()).collect(),
            span: Span::default(),
        }
    }

    /// A program with the given state and the `Member` record, `Status` and `Role` enums.
    pub fn program_with(state_defs: Vec<(&str, Type)>) -> Program {
        let member = RecordDef {
            name: "Member".into(),
            doc: None,
            fields: vec![
                field("id", Type::Text),
                field("status", Type::Enum(STATUS)),
                field("stake", Type::Decimal),
                field("joined", Type::Date),
                field("roles", Type::set(Type::Enum(ROLE))),
                field("probation", Type::Duration),
                field("votes", Type::Int),
                field("verified", Type::Bool),
                field("referrer", Type::optional(Type::Text)),
                field("tags", Type::list(Type::Text)),
            ],
            id_field: Some(0),
            span: Span::default(),
        };
        Program {
            sources: SourceMap::new(),
            charter: Charter::default(),
            records: vec![member],
            enums: vec![
                enum_def("Status", &["Applicant", "Active", "Suspended", "Exited"]),
                enum_def("Role", &["Citizen", "Founder"]),
            ],
            state: state_defs
                .into_iter()
                .map(|(name, ty)| state(name, ty))
                .collect(),
            consts: Vec::new(),
            fns: Vec::new(),
            laws: Vec::new(),
            tests: Vec::new(),
        }
    }

    /// The charter most tests use: `now`, `members`, `treasury`, `quorum?`.
    pub fn charter() -> Program {
        program_with(vec![
            ("now", Type::Date),
            ("members", Type::list(Type::Record(MEMBER))),
            ("treasury", Type::Decimal),
            ("quorum", Type::optional(Type::Decimal)),
        ])
    }

    /// The loader's result as text: values, or one line per error.
    pub fn outcome(result: &Result<Snapshot, SnapshotError>) -> String {
        match result {
            Ok(s) => format!("ok: {:?}", s.values()),
            Err(e) => e.to_string(),
        }
    }

    /// Loads `json` against a program with one state name `x` of type `ty`.
    pub fn load_raw(ty: Type, json: &str) -> Result<polity::value::Value, SnapshotError> {
        let program = program_with(vec![("x", ty)]);
        load(&program, json.as_bytes()).map(|s| s.values()[0].clone())
    }

    /// Loads `{"x": value}` where `x: ty`.
    pub fn load_one(ty: Type, value: &str) -> Result<polity::value::Value, SnapshotError> {
        load_raw(ty, &format!(r#"{{"x": {value}}}"#))
    }

    /// The mismatch messages (or the syntax error) of loading `{"x": value}`.
    pub fn errors_one(ty: Type, value: &str) -> String {
        match load_one(ty, value) {
            Ok(v) => format!("ok: {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// One valid member as JSON, with `id` `m{i}`.
    pub fn member_json(i: usize) -> String {
        format!(
            r#"{{"id":"m{i}","status":"Active","stake":"{i}.25","joined":"2024-02-29","roles":["Founder","Citizen","Citizen"],"probation":30,"votes":{i},"verified":true,"referrer":null,"tags":["a","b"]}}"#
        )
    }
}

use support::*;

fn dec(s: &str) -> Value {
    Value::dec(Dec::parse(s).unwrap())
}

fn dec_list(json: &str) -> Vec<Dec> {
    let v = load_one(Type::list(Type::Decimal), json).unwrap();
    v.elements()
        .iter()
        .map(|x| match x {
            Value::Dec(d) => d.get(),
            other => panic!("not a decimal: {other:?}"),
        })
        .collect()
}

// ---- well-formed snapshots ----

#[test]
fn loads_a_valid_snapshot() {
    let json = format!(
        r#"{{"now":"2026-01-15","members":[{},{}],"treasury":"1000.50"}}"#,
        member_json(0),
        member_json(1)
    );
    let snap = load(&charter(), json.as_bytes()).unwrap();
    let values = snap.values();
    assert_eq!(values.len(), 4);
    assert_eq!(*values[0], Value::Date(parse_date("2026-01-15").unwrap()));
    assert_eq!(*values[2], dec("1000.5"));
    assert_eq!(*values[3], Value::None, "absent optional is none");
    let members = values[1].elements();
    assert_eq!(members.len(), 2);
    let m1 = members[1].fields();
    assert_eq!(m1[0], Value::text("m1"));
    assert_eq!(m1[1], Value::Enum(1));
    assert_eq!(m1[2], dec("1.25"));
    assert_eq!(m1[3], Value::Date(parse_date("2024-02-29").unwrap()));
    // Set: duplicates removed, sorted by case order.
    assert_eq!(
        m1[4],
        Value::Set(vec![Value::Enum(0), Value::Enum(1)].into())
    );
    assert_eq!(m1[5], Value::Duration(30 * 86_400));
    assert_eq!(m1[6], Value::Int(1));
    assert_eq!(m1[7], Value::Bool(true));
    assert_eq!(m1[8], Value::None);
    assert_eq!(
        m1[9],
        Value::List(vec![Value::text("a"), Value::text("b")].into())
    );
}

#[test]
fn fields_in_any_order() {
    let json = r#"{"treasury":1,"members":[],"now":"2026-01-01","quorum":0.5}"#;
    let snap = load(&charter(), json.as_bytes()).unwrap();
    assert_eq!(*snap.values()[2], dec("1"));
    assert_eq!(*snap.values()[3], dec("0.5"));
}

// ---- many mismatches at once ----

#[test]
fn reports_every_mismatch_in_document_order() {
    let json = r#"{
      "now": "2026-02-30",
      "membrs": [],
      "members": [
        {"id": "a", "status": "Actve", "stake": "lots", "joined": "2026-01-01",
         "roles": ["Citizen", "Mayor"], "probation": 1.5, "votes": 99999999999999999999,
         "verified": "yes", "referrer": 3, "tags": [1, null, "ok"], "extra": {}},
        {"id": 7, "status": null, "stake": [1, 2], "joined": "yesterday",
         "roles": {}, "probation": 30, "votes": 1.5, "verified": true},
        {"id": "c", "status": "Active", "stake": 1e400, "joined": "2026-01-01",
         "roles": [], "probation": 0, "votes": 0, "verified": false, "tags": [],
         "id": "again"},
        "not a member",
        {"stake": "this is a very long string that goes on and on and on without end"}
      ],
      "treasury": "12.5.5",
      "quorum": null
    }"#;
    let result = load(&charter(), json.as_bytes());
    insta::assert_snapshot!(outcome(&result));
}

#[test]
fn mismatch_has_path_and_message() {
    let json = format!(
        r#"{{"now":"2026-01-01","members":[{},{},{}],"treasury":0}}"#,
        member_json(0),
        member_json(1),
        member_json(2).replace(r#""stake":"2.25""#, r#""stake":"lots""#)
    );
    match load(&charter(), json.as_bytes()) {
        Err(SnapshotError::Mismatch(ms)) => {
            assert_eq!(ms.len(), 1);
            assert_eq!(ms[0].path, "members[2].stake");
            assert_eq!(ms[0].message, r#"expected Decimal, found "lots""#);
            assert_eq!(
                ms[0].to_string(),
                r#"members[2].stake: expected Decimal, found "lots""#
            );
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
}

#[test]
fn missing_state_names() {
    insta::assert_snapshot!(outcome(&load(&charter(), b"{}")), @r"
    now: missing
    members: missing
    treasury: missing
    ");
}

#[test]
fn unknown_keys_with_did_you_mean() {
    let json =
        r#"{"now":"2026-01-01","membrs":[],"members":[],"treasury":0,"quorom":null,"zzz":1}"#;
    insta::assert_snapshot!(outcome(&load(&charter(), json.as_bytes())), @r"
    $: unknown field `membrs`, did you mean `members`?
    $: unknown field `quorom`, did you mean `quorum`?
    $: unknown field `zzz`
    ");
}

#[test]
fn unknown_key_inside_a_record() {
    let m = member_json(0).replace(r#""referrer":null"#, r#""referer":"x""#);
    let json = format!(r#"{{"now":"2026-01-01","members":[{m}],"treasury":0}}"#);
    insta::assert_snapshot!(outcome(&load(&charter(), json.as_bytes())), @"members[0]: unknown field `referer`, did you mean `referrer`?");
}

// ---- decimals, exactly ----

#[test]
fn tenths_sum_exactly() {
    let xs = dec_list(r#"[0.1, 0.2, "0.3"]"#);
    assert_eq!(xs[0].checked_add(xs[1]), Some(xs[2]));
}

#[test]
fn token_amounts_are_exact() {
    let xs = dec_list(
        r#"[1000000000000000000000000000000, "1000000000000000000000000000000", 1e30, 1E+30,
            1000000000000.000000000000000001, "1000000000000.000000000000000001",
            "-0.000000000000000001", 18446744073709551615, -9223372036854775808]"#,
    );
    let wei = Dec::parse("1000000000000000000000000000000").unwrap();
    assert_eq!(&xs[..4], &[wei; 4]);
    assert_eq!(xs[4].to_string(), "1000000000000.000000000000000001");
    assert_eq!(xs[4], xs[5]);
    assert_eq!(xs[6].to_string(), "-0.000000000000000001");
    assert_eq!(xs[7].to_string(), "18446744073709551615");
    assert_eq!(xs[8].to_string(), "-9223372036854775808");
}

/// uint256 amounts (issue 16): up to 2^256 - 1, as JSON numbers or
/// strings, and fractions with up to 77 places.
#[test]
fn uint256_amounts_are_exact() {
    let top = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    let tiny = format!("0.{}1", "0".repeat(76));
    // (2^256 - 1) / 2: the largest numerator over 2 (`{top}.5` does not fit).
    let half = "57896044618658097711785492504343953926634992332820282019728792003956564819967.5";
    let xs = dec_list(&format!(
        r#"[{top}, "{top}", "-{top}", 1e77, 1e-77, "{tiny}", 1000000000000000000000000000000000000e-36, "{half}"]"#
    ));
    assert_eq!(xs[0].to_string(), top);
    assert_eq!(xs[0], xs[1]);
    assert_eq!(xs[2].to_string(), format!("-{top}"));
    assert_eq!(xs[3].to_string(), format!("1{}", "0".repeat(77)));
    assert_eq!(xs[4].to_string(), tiny);
    assert_eq!(xs[4], xs[5]);
    assert_eq!(xs[6], Dec::ONE);
    assert_eq!(xs[7].to_string(), half);
    assert_eq!(xs[7].checked_mul(Dec::from_int(2)), Some(xs[0]));
}

#[test]
fn decimal_exponents() {
    let xs = dec_list("[1.5e2, 15e-1, 2E-3, -0, -0.0, 0e999999]");
    let strs: Vec<String> = xs.iter().map(|d| d.to_string()).collect();
    assert_eq!(strs, ["150", "1.5", "0.002", "0", "0", "0"]);
}

#[test]
fn decimals_that_cannot_be_held() {
    insta::assert_snapshot!(
        errors_one(Type::list(Type::Decimal), r#"[1e400, 1e78, 1e-78, "115792089237316195423570985008687907853269984665640564039457584007913129639936", "1e3", "+1", "1_000", "1.", ".5", "", true]"#),
        @r#"
    x[0]: too large or too precise for a Decimal, found 1e400
    x[1]: too large or too precise for a Decimal, found 1e78
    x[2]: too large or too precise for a Decimal, found 1e-78
    x[3]: too large or too precise for a Decimal, found "1157920892373161954235709850086879078532…"(78 characters)
    x[4]: expected Decimal, found "1e3"
    x[5]: expected Decimal, found "+1"
    x[6]: expected Decimal, found "1_000"
    x[7]: expected Decimal, found "1."
    x[8]: expected Decimal, found ".5"
    x[9]: expected Decimal, found ""
    x[10]: expected Decimal, found true
    "#
    );
}

// ---- Int and Duration ----

#[test]
fn ints() {
    let v = load_one(
        Type::list(Type::Int),
        "[0, -9223372036854775808, 9223372036854775807, 1e3, 2.0]",
    )
    .unwrap();
    let expect: Vec<Value> = [0, i64::MIN, i64::MAX, 1000, 2]
        .into_iter()
        .map(Value::Int)
        .collect();
    assert_eq!(v.elements(), &expect[..]);
    insta::assert_snapshot!(
        errors_one(Type::list(Type::Int), r#"[1.5, 9223372036854775808, -9223372036854775809, 1e19, 1e-400, "1", null]"#),
        @r#"
    x[0]: expected Int, found 1.5
    x[1]: Int out of range, found 9223372036854775808
    x[2]: Int out of range, found -9223372036854775809
    x[3]: Int out of range, found 1e19
    x[4]: expected Int, found 1e-400
    x[5]: expected Int, found "1"
    x[6]: expected Int, found null
    "#
    );
}

#[test]
fn durations_are_days_or_written_with_a_unit() {
    // Durations count seconds; a JSON number is a count of days.
    assert_eq!(
        load_one(Type::Duration, "30"),
        Ok(Value::Duration(30 * 86_400))
    );
    assert_eq!(
        load_one(Type::Duration, r#""30 days""#),
        Ok(Value::Duration(30 * 86_400))
    );
    assert_eq!(
        load_one(Type::Duration, r#""72 hours""#),
        Ok(Value::Duration(72 * 3_600))
    );
    assert_eq!(
        load_one(Type::Duration, r#""-90 minutes""#),
        Ok(Value::Duration(-5_400))
    );
    assert_eq!(
        load_one(Type::Duration, r#""1 second""#),
        Ok(Value::Duration(1))
    );
    insta::assert_snapshot!(errors_one(Type::Duration, r#""30 dayz""#), @r#"x: expected a Duration such as "72 hours" or "3 days", found "30 dayz""#);
    insta::assert_snapshot!(errors_one(Type::Duration, "0.5"), @"x: expected Duration, found 0.5");
    insta::assert_snapshot!(errors_one(Type::Duration, "106751991167301"), @"x: Duration out of range, found 106751991167301 days");
}

#[test]
fn instants_are_rfc_3339_in_utc() {
    let noon = 20_513 * 86_400 + 12 * 3_600; // 2026-03-01T12:00Z
    assert_eq!(
        load_one(Type::Instant, r#""2026-03-01T12:00:00Z""#),
        Ok(Value::Instant(noon))
    );
    assert_eq!(
        load_one(Type::Instant, r#""2026-03-01T14:00:00+02:00""#),
        Ok(Value::Instant(noon))
    );
    assert_eq!(
        load_one(Type::Instant, r#""2026-03-01T12:00:00.000Z""#),
        Ok(Value::Instant(noon))
    );
    insta::assert_snapshot!(errors_one(Type::Instant, r#""2026-03-01T12:00:00.5Z""#), @r#"x: expected an Instant in RFC 3339 form such as "2026-03-01T12:00:00Z", found "2026-03-01T12:00:00.5Z""#);
    insta::assert_snapshot!(errors_one(Type::Instant, r#""2026-03-01""#), @r#"x: expected an Instant in RFC 3339 form such as "2026-03-01T12:00:00Z", found "2026-03-01""#);
    insta::assert_snapshot!(errors_one(Type::Instant, r#""9999-12-31T23:00:00-02:00""#), @r#"x: Instant out of range, found "9999-12-31T23:00:00-02:00""#);
}

// ---- dates ----

#[test]
fn leap_years() {
    let ok = load_one(
        Type::list(Type::Date),
        r#"["2024-02-29", "2000-02-29", "1970-01-01"]"#,
    )
    .unwrap();
    assert_eq!(
        ok.elements()[0],
        Value::Date(parse_date("2024-02-29").unwrap())
    );
    assert_eq!(ok.elements()[2], Value::Date(0));
    insta::assert_snapshot!(
        errors_one(Type::list(Type::Date), r#"["2026-02-29", "1900-02-29", "2026-02-30", "2026-13-01", "2026-04-31", "2026-00-10", "2026-2-1", "2026-02-01T00:00", "+026-01-01", 20260101]"#),
        @r#"
    x[0]: impossible date `2026-02-29`
    x[1]: impossible date `1900-02-29`
    x[2]: impossible date `2026-02-30`
    x[3]: impossible date `2026-13-01`
    x[4]: impossible date `2026-04-31`
    x[5]: impossible date `2026-00-10`
    x[6]: expected Date (`YYYY-MM-DD`), found "2026-2-1"
    x[7]: expected Date (`YYYY-MM-DD`), found "2026-02-01T00:00"
    x[8]: expected Date (`YYYY-MM-DD`), found "+026-01-01"
    x[9]: expected Date, found 20260101
    "#
    );
}

// ---- enums, optionals, sets ----

#[test]
fn unknown_enum_case_lists_the_cases() {
    insta::assert_snapshot!(
        errors_one(Type::list(Type::Enum(STATUS)), r#"["Active", "Actve", "Gone", "active", 1]"#),
        @r"
    x[1]: unknown case `Actve` of `Status`, expected one of `Applicant`, `Active`, `Suspended`, `Exited`; did you mean `Active`?
    x[2]: unknown case `Gone` of `Status`, expected one of `Applicant`, `Active`, `Suspended`, `Exited`
    x[3]: unknown case `active` of `Status`, expected one of `Applicant`, `Active`, `Suspended`, `Exited`; did you mean `Active`?
    x[4]: expected Status, found 1
    "
    );
}

#[test]
fn optionals_null_or_absent() {
    let ty = Type::optional(Type::Int);
    assert_eq!(load_one(ty.clone(), "null"), Ok(Value::None));
    assert_eq!(load_raw(ty.clone(), "{}"), Ok(Value::None));
    assert_eq!(load_one(ty.clone(), "4"), Ok(Value::Int(4)));
    insta::assert_snapshot!(errors_one(ty, r#""4""#), @r#"x: expected Int, found "4""#);
    let rec = Type::optional(Type::Record(MEMBER));
    assert_eq!(load_one(rec.clone(), "null"), Ok(Value::None));
    let m = load_one(rec, &member_json(3)).unwrap();
    assert_eq!(m.fields()[0], Value::text("m3"));
}

#[test]
fn optional_field_absent_or_null_in_record() {
    let m = member_json(0).replace(r#","referrer":null"#, "");
    let v = load_one(Type::Record(MEMBER), &m).unwrap();
    assert_eq!(v.fields()[8], Value::None);
}

#[test]
fn sets_dedup_and_sort() {
    let v = load_one(Type::set(Type::Decimal), "[3, 1.0, 2, 1, \"2.00\", 0.5]").unwrap();
    assert_eq!(
        v,
        Value::Set(vec![dec("0.5"), dec("1"), dec("2"), dec("3")].into())
    );
}

#[test]
fn container_mismatches() {
    insta::assert_snapshot!(
        errors_one(Type::list(Type::list(Type::Text)), r#"[[], {"a": [1]}, "x", [true, []]]"#),
        @r#"
    x[1]: expected List<Text>, found an object
    x[2]: expected List<Text>, found "x"
    x[3][0]: expected Text, found true
    x[3][1]: expected Text, found an array
    "#
    );
}

#[test]
fn a_record_that_is_not_an_object() {
    insta::assert_snapshot!(errors_one(Type::Record(MEMBER), "[1]"), @"x: expected Member, found an array");
}

// ---- not JSON at all ----

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let err = load(&charter(), b"{\"now\":\n \"\xff\"}").unwrap_err();
    assert_eq!(
        err,
        SnapshotError::Syntax {
            message: "invalid UTF-8 at byte offset 10".into(),
            line: 2,
            column: 3,
        }
    );
}

#[test]
fn not_json() {
    insta::assert_snapshot!(outcome(&load(&charter(), b"{\"now\": 2026-01-01}")), @"1:13: expected `,` or `}`");
    insta::assert_snapshot!(outcome(&load(&charter(), b"")), @"1:1: end of input while parsing a value");
    insta::assert_snapshot!(outcome(&load(&charter(), b"{\"now\":\n")), @"2:1: end of input while parsing a value");
    insta::assert_snapshot!(outcome(&load(&charter(), b"{\"now\": \"2026-01-01\"")), @"1:20: end of input while parsing an object");
    insta::assert_snapshot!(outcome(&load(&charter(), b"{} {}")), @"1:4: trailing characters");
    insta::assert_snapshot!(outcome(&load(&charter(), b"{\"a\":1,}")), @"1:8: trailing comma");
}

#[test]
fn top_level_must_be_an_object() {
    insta::assert_snapshot!(outcome(&load(&charter(), b"[1, 2]")), @"$: expected an object with the state names `now`, `members`, `treasury`, `quorum`, found an array");
    insta::assert_snapshot!(outcome(&load(&charter(), b"\"hi\"")), @r#"$: expected an object with the state names `now`, `members`, `treasury`, `quorum`, found "hi""#);
    insta::assert_snapshot!(outcome(&load(&charter(), b"null")), @"$: expected an object with the state names `now`, `members`, `treasury`, `quorum`, found null");
    insta::assert_snapshot!(outcome(&load(&charter(), b"12.5")), @"$: expected an object with the state names `now`, `members`, `treasury`, `quorum`, found 12.5");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for open in ["[", "{\"a\":"] {
        let deep = open.repeat(100_000);
        match load(&charter(), deep.as_bytes()) {
            Err(SnapshotError::Syntax { message, .. }) => {
                assert_eq!(message, "recursion limit exceeded")
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        let nested = format!("{{\"members\":{deep}");
        assert!(matches!(
            load(&charter(), nested.as_bytes()),
            Err(SnapshotError::Syntax { .. })
        ));
    }
}

#[test]
fn depth_limit_holds_in_skipped_subtrees_too() {
    let nest = |depth: usize| format!(r#"{{"zzz": {}{}}}"#, "[".repeat(depth), "]".repeat(depth));
    assert!(matches!(
        load(&charter(), nest(200).as_bytes()),
        Err(SnapshotError::Syntax { .. })
    ));
    insta::assert_snapshot!(outcome(&load(&charter(), nest(100).as_bytes())), @r"
    $: unknown field `zzz`
    now: missing
    members: missing
    treasury: missing
    ");
}

#[test]
fn error_is_std_error() {
    let err: Box<dyn std::error::Error> = Box::new(load(&charter(), b"[").unwrap_err());
    assert_eq!(err.to_string(), "1:1: end of input while parsing a list");
}

// ---- never panics ----

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = load(&charter(), &bytes);
    }

    #[test]
    fn decimals_load_as_the_reference_parser_reads_them(s in "-?[0-9]{1,80}(\\.[0-9]{1,80})?") {
        // JSON numbers may not have leading zeros; strings may.
        let expected = Dec::parse(&s).ok();
        let as_string = load_one(Type::Decimal, &format!("{s:?}")).ok();
        prop_assert_eq!(as_string, expected.map(Value::dec));
        let leading_zero = s.trim_start_matches('-').starts_with('0')
            && s.trim_start_matches('-').get(1..2).is_some_and(|c| c != ".");
        if !leading_zero {
            prop_assert_eq!(load_one(Type::Decimal, &s).ok(), expected.map(Value::dec));
        }
    }

    #[test]
    fn json_like_text_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just("null"),
        Just("true"), Just("\"now\""), Just("\"members\""), Just("\"stake\""), Just("\"id\""),
        Just("\"2026-02-29\""), Just("\"Active\""), Just("1e400"), Just("-0.5"), Just("7"),
        Just("\"$serde_json::private::Number\""), Just("\"x\""), Just("18446744073709551616"),
    ], 0..64)) {
        let _ = load(&charter(), parts.concat().as_bytes());
    }
}

// ---- throughput (run by hand: prints MB/s, asserts nothing about time) ----

/// `cargo test --release -p polity --test snapshot -- --ignored --nocapture throughput`
#[test]
#[ignore]
fn throughput() {
    let n = 100_000;
    let mut json =
        String::from(r#"{"now":"2026-01-15","treasury":"1000000.000000000000000001","members":["#);
    for i in 0..n {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&member_json(i));
    }
    json.push_str("]}");
    let program = charter();
    let runs = 10;
    let start = Instant::now();
    for _ in 0..runs {
        let snap = load(&program, json.as_bytes()).unwrap();
        assert_eq!(snap.values()[1].elements().len(), n);
    }
    let secs = start.elapsed().as_secs_f64() / f64::from(runs);
    let start = Instant::now();
    for _ in 0..runs {
        let tree: serde_json::Value = serde_json::from_slice(json.as_bytes()).unwrap();
        assert!(tree.is_object());
    }
    let tree_secs = start.elapsed().as_secs_f64() / f64::from(runs);
    let mb = json.len() as f64 / 1e6;
    println!(
        "{n} members, {mb:.1} MB: {:.1} ms per load, {:.0} MB/s; {:.2}x the time of \
         parsing into an untyped serde_json::Value",
        secs * 1e3,
        mb / secs,
        secs / tree_secs
    );
}

// ---- loading for the JIT ----

/// Every example's and every eval corpus case's snapshot, read for the JIT
/// (top-level lists straight into the native layout) and read as values,
/// holds the same values: those made back from the layout included.
#[cfg(feature = "jit")]
#[test]
fn native_loading_reads_the_same_values() {
    use polity::api::{Engine, Program};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cases = Vec::new();
    for dir in ["examples/praxis-nova", "examples/tidewater"] {
        let dir = root.join(dir);
        cases.push((dir.join("charter.polity"), dir.join("snapshot.json")));
    }
    for entry in std::fs::read_dir(root.join("tests/eval")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "polity") {
            cases.push((path.clone(), path.with_extension("json")));
        }
    }
    assert!(cases.len() > 10);
    for (charter, json) in cases {
        let program = Program::compile_file(&charter).unwrap().unwrap();
        let json = std::fs::read(&json).unwrap();
        let native = program.load_snapshot_for(&json, Engine::Jit).unwrap();
        let values = program
            .load_snapshot_for(&json, Engine::Interpreter)
            .unwrap();
        assert!(values.snapshot().layout().is_none());
        assert!(
            native.snapshot().layout().is_some(),
            "{}: not read into the layout",
            charter.display()
        );
        assert_eq!(
            native.snapshot(),
            values.snapshot(),
            "{}",
            charter.display()
        );
        // Streamed from a reader, into either form.
        for engine in [Engine::Jit, Engine::Interpreter] {
            let streamed = program.read_snapshot_for(&json[..], engine).unwrap();
            assert_eq!(streamed.snapshot(), values.snapshot());
            assert_eq!(
                streamed.snapshot().layout().is_some(),
                engine == Engine::Jit
            );
        }
    }
}

/// A snapshot the layout cannot hold faithfully (`i64::MIN` in an `Int?`) is
/// read as values; mismatches are reported the same either way.
#[test]
fn native_loading_falls_back_and_reports_alike() {
    use polity::api::{Engine, Program};
    let charter = "charter \"T\" { version: 1 }\nrecord R { id: Text, o: Int? }\nstate { rs: List<R>, n: Int }\n";
    let program = Program::compile("t.polity", charter).unwrap();
    let json = br#"{"rs": [{"id": "a", "o": -9223372036854775808}, {"id": "b"}], "n": 1}"#;
    let native = program.load_snapshot_for(json, Engine::Jit).unwrap();
    assert!(native.snapshot().layout().is_none());
    let values = program
        .load_snapshot_for(json, Engine::Interpreter)
        .unwrap();
    assert_eq!(native.snapshot(), values.snapshot());
    let bad = br#"{"rs": [{"id": 1}, {"id": "b", "o": "x", "p": 2}], "n": "one"}"#;
    let errors = [Engine::Jit, Engine::Interpreter]
        .map(|e| program.load_snapshot_for(bad, e).unwrap_err().to_string());
    assert_eq!(errors[0], errors[1]);
    assert_eq!(errors[0].lines().count(), 4, "{}", errors[0]);
    // A stream is read as the whole text is: into values here.
    for engine in [Engine::Jit, Engine::Interpreter] {
        let streamed = program.read_snapshot_for(&json[..], engine).unwrap();
        assert!(streamed.snapshot().layout().is_none());
        assert_eq!(streamed.snapshot(), values.snapshot());
    }
    for engine in [Engine::Jit, Engine::Interpreter] {
        assert!(program.read_snapshot_for(&bad[..], engine).is_none());
        assert!(program.read_snapshot_for(&b"{"[..], engine).is_none());
    }
}

// ---- repeated ids (issue 15) ----

/// The mismatches of loading `json` for `engine`, one per line.
fn rejected(program: &polity::api::Program, json: &str, engine: polity::api::Engine) -> String {
    match program.load_snapshot_for(json.as_bytes(), engine) {
        Ok(_) => "accepted".to_owned(),
        Err(e) => e.to_string(),
    }
}

/// Loads `json` for both engines (into values and into the native layout),
/// checks that they report alike, and returns the report.
fn rejected_alike(program: &polity::api::Program, json: &str) -> String {
    use polity::api::Engine;
    let [jit, interp] = [Engine::Jit, Engine::Interpreter].map(|e| rejected(program, json, e));
    assert_eq!(jit, interp, "the two loaders disagree on {json}");
    jit
}

const IDS_CHARTER: &str = r#"charter "Ids" { version: 1 }
record Vote { id: Int, choice: Text }
record Proposal { id: Text, votes: List<Vote>, ballots: Set<Vote> }
record Tag { name: Text }
state { members: List<Proposal>, tags: List<Tag>, lead: Proposal? }
"#;

/// Two records with the same `id` in one list are a mismatch at the later
/// one, naming the first, in any list of records with an `id` field (at any
/// depth); equal ids in different lists, and equal fields other than `id`,
/// are fine.
#[test]
fn repeated_ids_are_mismatches() {
    let program = polity::api::Program::compile("ids.polity", IDS_CHARTER).unwrap();
    let p =
        |id: &str, votes: &str| format!(r#"{{"id": "{id}", "votes": [{votes}], "ballots": []}}"#);
    let v = |id: i64| format!(r#"{{"id": {id}, "choice": "For"}}"#);
    let ok = format!(
        r#"{{"members": [{}, {}], "tags": [{{"name": "x"}}, {{"name": "x"}}]}}"#,
        p("ana", &format!("{}, {}", v(1), v(2))),
        p("bo", &format!("{}, {}", v(1), v(2))),
    );
    assert_eq!(rejected_alike(&program, &ok), "accepted");

    let bad = format!(
        r#"{{"members": [{}, {}, {}, {}, {}], "tags": []}}"#,
        p("ana", ""),
        p("bo", &format!("{}, {}, {}", v(7), v(8), v(7))),
        p("ana", ""),
        p("cy", ""),
        p("ana", ""),
    );
    assert_eq!(
        rejected_alike(&program, &bad),
        [
            "members[1].votes[2].id: 7 repeats members[1].votes[0].id",
            "members[2].id: \"ana\" repeats members[0].id",
            "members[4].id: \"ana\" repeats members[0].id",
        ]
        .join("\n")
    );

    // In a set of records (positions as written) and outside top-level lists.
    let set = format!(
        r#"{{"members": [], "tags": [], "lead": {{"id": "l", "votes": [], "ballots": [{}, {}]}}}}"#,
        v(2),
        v(2)
    );
    assert_eq!(
        rejected_alike(&program, &set),
        "lead.ballots[1].id: 2 repeats lead.ballots[0].id"
    );
}

/// A repeated id is reported with every other mismatch, and only an
/// element that matched its type is compared (a wrong id is not "repeated").
#[test]
fn repeated_ids_among_other_mismatches() {
    let program = polity::api::Program::compile("ids.polity", IDS_CHARTER).unwrap();
    let json = r#"{"members": [
        {"id": "a", "votes": [], "ballots": []},
        {"id": 5, "votes": [], "ballots": []},
        {"id": 5, "votes": [], "ballots": []},
        {"id": "a", "votes": [], "ballots": [], "extra": 1}
    ], "tags": []}"#;
    assert_eq!(
        rejected_alike(&program, json),
        [
            "members[1].id: expected Text, found 5",
            "members[2].id: expected Text, found 5",
            "members[3]: unknown field `extra`",
        ]
        .join("\n")
    );
}

// ---- echoed input is cut (issue 15) ----

/// A number of a million digits, a long key or text, is echoed cut to a few
/// hundred bytes with its length, by both loaders.
#[test]
fn huge_input_is_echoed_cut() {
    let program = polity::api::Program::compile("ids.polity", IDS_CHARTER).unwrap();
    let digits = "7".repeat(1_000_000);
    let vote = format!(r#"{{"id": {digits}, "choice": "For"}}"#);
    let json = format!(
        r#"{{"members": [{{"id": "a", "votes": [{vote}], "ballots": []}}], "tags": [], "lead": {{"id": "b", "votes": [{vote}], "ballots": []}}}}"#
    );
    let report = rejected_alike(&program, &json);
    let shown = format!("{}…(1,000,000 digits)", &digits[..200]);
    assert_eq!(
        report,
        format!(
            "members[0].votes[0].id: Int out of range, found {shown}\n\
             lead.votes[0].id: Int out of range, found {shown}"
        )
    );

    let decimal = format!("0.{}", "1".repeat(999_998));
    let err = errors_one(Type::Decimal, &decimal);
    assert!(err.len() < 400, "{} bytes", err.len());
    assert!(err.ends_with("…(999,999 digits)"), "{err}");

    let key = "k".repeat(100_000);
    let json = format!(r#"{{"members": [], "tags": [{{"name": "x", "{key}": 1}}]}}"#);
    assert_eq!(
        rejected_alike(&program, &json),
        format!(
            "tags[0]: unknown field `{}…(100,000 characters)`",
            &key[..200]
        )
    );

    let text = "é".repeat(50);
    let err = errors_one(Type::Date, &format!("\"{text}\""));
    assert_eq!(
        err,
        format!(
            "x: expected Date (`YYYY-MM-DD`), found \"{}…\"(50 characters)",
            &text[..80]
        )
    );
}
