//! The syntax layer: lexing, parsing, recovery, docs, depth limits and the
//! rendering of syntax diagnostics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use polity_compiler::diagnostic::render::{location, render};
use polity_compiler::span::{FileId, SourceMap};
use polity_compiler::syntax::ast::*;
use polity_compiler::syntax::{decode, parse};

/// Parses `src`, asserting it has no diagnostics.
fn parse_ok(src: &str) -> Module {
    let (module, diags) = parse(FileId(0), src);
    assert!(
        diags.is_empty(),
        "unexpected diagnostics:\n{}",
        rendered(src, &diags)
    );
    module
}

fn rendered(src: &str, diags: &[polity_compiler::diagnostic::Diagnostic]) -> String {
    let mut map = SourceMap::new();
    map.add("test.polity", src);
    render(diags, &map, false)
}

/// `source / diagnostics`, for snapshots.
fn errors(src: &str) -> String {
    let (_, diags) = parse(FileId(0), src);
    assert!(!diags.is_empty(), "expected diagnostics for:\n{src}");
    format!("{src}\n----\n{}", rendered(src, &diags))
}

fn codes(src: &str) -> Vec<&'static str> {
    parse(FileId(0), src).1.iter().map(|d| d.code).collect()
}

/// The expression of `const x = <src>` as an S-expression.
fn expr(src: &str) -> String {
    let module = parse_ok(&format!("const x = {src}"));
    match module.items.first() {
        Some(Item::Const(c)) => sexp(&c.value),
        other => panic!("not a const: {other:?}"),
    }
}

/// Each fn's result expression, as an S-expression.
fn fn_bodies(module: &Module) -> Vec<String> {
    module
        .items
        .iter()
        .map(|i| match i {
            Item::Fn(f) => sexp(&f.body),
            other => panic!("not a fn: {other:?}"),
        })
        .collect()
}

fn sexp(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int(s) | ExprKind::Decimal(s) | ExprKind::Date(s) | ExprKind::Instant(s) => {
            s.clone()
        }
        ExprKind::Percent(s) => format!("{s}%"),
        ExprKind::Duration(n, u) => format!("{n}{u:?}"),
        ExprKind::Text(s) => format!("{s:?}"),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::None => "none".into(),
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Field {
            base,
            name,
            optional,
        } => {
            format!(
                "{}{}{}",
                sexp(base),
                if *optional { "?." } else { "." },
                name.name
            )
        }
        ExprKind::Call { callee, args } => match args {
            CallArgs::List(a) => format!("{}({})", callee.name, list(a)),
            CallArgs::Generator(g) => format!("{}({})", callee.name, generator(g)),
        },
        ExprKind::Index { base, index } => format!("{}[{}]", sexp(base), sexp(index)),
        ExprKind::Unary { op, operand } => {
            format!(
                "({} {})",
                if *op == UnaryOp::Neg { "-" } else { "not" },
                sexp(operand)
            )
        }
        ExprKind::Binary { op, lhs, rhs, .. } => {
            format!("({} {} {})", op.as_str(), sexp(lhs), sexp(rhs))
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            format!("(if {} {} {})", sexp(cond), sexp(then), sexp(otherwise))
        }
        ExprKind::Match { scrutinee, arms } => {
            let arms: Vec<String> = arms
                .iter()
                .map(|a| format!("{:?} => {}", a.pattern, sexp(&a.body)))
                .collect();
            format!("(match {} {})", sexp(scrutinee), arms.join("; "))
        }
        ExprKind::Record { name, fields } => format!("{}{{{}}}", name.name, inits(fields)),
        ExprKind::With { base, fields } => format!("({} with {{{}}})", sexp(base), inits(fields)),
        ExprKind::List(items) => format!("[{}]", list(items)),
        ExprKind::Set(items) => format!("{{{}}}", list(items)),
        ExprKind::Comprehension { kind, generator: g } => format!("({kind:?} {})", generator(g)),
        ExprKind::Where { source, cond } => format!("(where {} {})", sexp(source), sexp(cond)),
        ExprKind::Named { name, value } => format!("{}: {}", name.name, sexp(value)),
        ExprKind::Fold(f) => format!(
            "(fold {}{} {} {} {} {})",
            f.acc.name,
            if f.acc_ty.is_some() { ":T" } else { "" },
            sexp(&f.init),
            f.var.name,
            sexp(&f.source),
            sexp(&f.body)
        ),
        ExprKind::Error => "<error>".into(),
    }
}

fn list(items: &[Expr]) -> String {
    items.iter().map(sexp).collect::<Vec<_>>().join(", ")
}

fn inits(fields: &[FieldInit]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.name.name, sexp(&f.value)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn generator(g: &Generator) -> String {
    let clauses: Vec<String> = g
        .clauses
        .iter()
        .map(|c| {
            let filter = c
                .filter
                .as_ref()
                .map(|f| format!(" if {}", sexp(f)))
                .unwrap_or_default();
            let index = c
                .index
                .as_ref()
                .map(|i| format!("{}, ", i.name))
                .unwrap_or_default();
            format!(" for {index}{} in {}{filter}", c.var.name, sexp(&c.source))
        })
        .collect();
    format!("{}{}", sexp(&g.elem), clauses.concat())
}

// ---------------------------------------------------------------- whole files

#[test]
fn the_language_example_parses_cleanly() {
    let src = include_str!("fixtures/praxis_nova.polity");
    let module = parse_ok(src);
    assert_eq!(module.items.len(), 20);
    let Some(Item::Charter(charter)) = module.items.first() else {
        panic!("charter first")
    };
    assert_eq!(
        charter.doc.as_deref(),
        Some("Praxis Nova: an example network state.")
    );
    assert_eq!(charter.name.value, "Praxis Nova");
    let entries: Vec<String> = charter
        .entries
        .iter()
        .map(|(k, v)| format!("{} = {}", k.name, sexp(v)))
        .collect();
    assert_eq!(entries, ["version = 3", "founded = 2024-06-01"]);
    let state = module
        .items
        .iter()
        .find_map(|i| {
            if let Item::State(s) = i {
                Some(s)
            } else {
                None
            }
        })
        .unwrap();
    assert_eq!(
        state.doc.as_deref(),
        Some("The shape every snapshot of this charter must have.")
    );
    insta::assert_debug_snapshot!(
        "praxis_nova_passes_law",
        module
            .items
            .iter()
            .find(|i| matches!(i, Item::Law(l) if l.name.name == "passes"))
    );
}

#[test]
fn every_declaration_form() {
    let src = r#"
        import std.voting
        import "other.polity"
        enum E { A, B, }
        record R { f: Int  g: List<Set<Text>>, h: Member? }
        state { now: Date, members: List<Member> }
        const a = 1
        const b: Decimal = 12.5%
        /// A published value.
        figure c: Int = a + 1
        fn f(p: Int, q: Int,) -> Int = p + q
        fn g(p: Int) -> Int {
            let a = p * 2
            let b: Int = a + 1
            b
        }
        law whole { require "x": true }
        law each(m in members) {
            let y = 1
            require "a": y == 1 unless "b": false unless "c": true
        }
        test "t" { given now = 2026-01-01  let m = 1  expect m == 1 }
    "#;
    let module = parse_ok(src);
    insta::assert_debug_snapshot!(module);
}

#[test]
fn fn_block_results() {
    let module = parse_ok(
        "fn f(x: Int) -> Bool { let a = x  not a }  fn g() -> R { let a = 1  R { f: a } }",
    );
    let bodies = fn_bodies(&module);
    assert_eq!(bodies, ["(not a)", "R{f: a}"]);
}

/// A `[` that begins a line opens a list; an index's `[` is on the line of
/// what it indexes. Before, the list below was read as `a[a, 2]` and failed.
#[test]
fn a_line_that_begins_with_a_bracket_is_a_list() {
    let src = "fn f(a: Int) -> List<Int> {\n  let b = a\n  [b, 2]\n}\n\
               fn g(xs: List<Int>) -> Int {\n  let b = xs // a comment\n  [b[0], xs [1]][0]\n}\n\
               fn h(xs: List<Int>) -> List<Int> {\n  let b = 1\n\n  [x + b for x in xs]\n}";
    let module = parse_ok(src);
    let bodies = fn_bodies(&module);
    assert_eq!(
        bodies,
        ["[b, 2]", "[b[0], xs[1]][0]", "(List (+ x b) for x in xs)"]
    );
    // an index written on the next line is not an index: the stray list is
    // an error where a declaration is expected
    assert_eq!(codes("const x = [1, 2]\n[0]"), ["E0004"]);
}

// ---------------------------------------------------------------- expressions

#[test]
fn precedence() {
    let cases = [
        (
            "a or b and not c == d + e * -f",
            "(or a (and b (not (== c (+ d (* e (- f)))))))",
        ),
        ("xs where a and b", "(where xs (and a b))"),
        ("x ?? 0 + 1", "(?? x (+ 0 1))"),
        ("a ?? b ?? c", "(?? a (?? b c))"),
        ("not x in xs", "(not (in x xs))"),
        ("x not in xs", "(not in x xs)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b div c mod d", "(mod (div (/ a b) c) d)"),
        ("yes >= 2/3 * (yes + no)", "(>= yes (* (/ 2 3) (+ yes no)))"),
        ("if a then b else c + 1", "(if a b (+ c 1))"),
        ("if a then b else xs where c", "(if a b (where xs c))"),
        ("a or b where c", "(where (or a b) c)"),
        (
            "members where it.status == Active and Citizen in it.roles",
            "(where members (and (== it.status Active) (in Citizen it.roles)))",
        ),
        ("- - x", "(- (- x))"),
        ("-x.y[0]", "(- x.y[0])"),
        (
            "(p.amount ?? 0) <= 10% * treasury.balance",
            "(<= (?? p.amount 0) (* 10% treasury.balance))",
        ),
        ("m?.country?.x", "m?.country?.x"),
        ("Status.Active", "Status.Active"),
        (
            "fold(t = 0, x in xs) => t + x * 2",
            "(fold t 0 x xs (+ t (* x 2)))",
        ),
        (
            "fold(s: Set<Int> = {}, i in range(0, 3)) => if i in s then s else s",
            "(fold s:T {} i range(0, 3) (if (in i s) s s))",
        ),
        (
            "1 + (fold(t = 0, x in xs) => t + x)",
            "(+ 1 (fold t 0 x xs (+ t x)))",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(expr(src), want, "for `{src}`");
    }
}

#[test]
fn comparisons_do_not_chain() {
    assert_eq!(codes("const x = a == b == c"), ["E0004"]);
}

#[test]
fn collections_calls_and_records() {
    let cases = [
        ("[1, 2,]", "[1, 2]"),
        ("[]", "[]"),
        ("{}", "{}"),
        ("{a, b,}", "{a, b}"),
        (
            "[v.w for v in vs if v.ok]",
            "(List v.w for v in vs if v.ok)",
        ),
        ("{v for v in vs}", "(Set v for v in vs)"),
        (
            "[v for p in ps if p.ok for i, v in enumerate(p.vs) if i > 0]",
            "(List v for p in ps if p.ok for i, v in enumerate(p.vs) if (> i 0))",
        ),
        (
            "sum(v.weight for v in p.votes if v.choice == For)",
            "sum(v.weight for v in p.votes if (== v.choice For))",
        ),
        ("f(a, b,)", "f(a, b)"),
        (
            "sorted(xs, by: it.stake, desc)",
            "sorted(xs, by: it.stake, desc)",
        ),
        ("f()", "f()"),
        (
            "Member { id: \"x\", roles: {Citizen}, }",
            "Member{id: \"x\", roles: {Citizen}}",
        ),
        (
            "bob with { roles: {Citizen, Founder} }",
            "(bob with {roles: {Citizen, Founder}})",
        ),
        ("xs[\"id\"].stake", "xs[\"id\"].stake"),
        ("\"a\\\"b\\\\c\\nd\\te\"", "\"a\\\"b\\\\c\\nd\\te\""),
    ];
    for (src, want) in cases {
        assert_eq!(expr(src), want, "for `{src}`");
    }
}

#[test]
fn match_scrutinee_is_not_a_record() {
    assert_eq!(
        expr("match m { Active => 1, Status.Exited => 2, true => 3, none => 4, _ => 5, }"),
        "(match m Name(Ident { name: \"Active\", span: Span { file: FileId(0), start: 20, end: 26 } }) => 1; \
         Qualified(Ident { name: \"Status\", span: Span { file: FileId(0), start: 33, end: 39 } }, \
         Ident { name: \"Exited\", span: Span { file: FileId(0), start: 40, end: 46 } }) => 2; \
         Bool(true, Span { file: FileId(0), start: 53, end: 57 }) => 3; \
         None(Span { file: FileId(0), start: 64, end: 68 }) => 4; \
         Wildcard(Span { file: FileId(0), start: 75, end: 76 }) => 5)"
    );
    assert_eq!(
        expr("match a == b { true => 1, false => 2 }")
            .split(' ')
            .nth(1),
        Some("(==")
    );
    assert_eq!(
        expr("match (R { f: 1 }).f { _ => 1 }").split(' ').nth(1),
        Some("R{f:")
    );
}

// ---------------------------------------------------------------- tokens

#[test]
fn literal_tokens() {
    let cases = [
        ("90 days", "90Days"),
        ("1 day", "1Days"),
        ("2\tweeks", "2Weeks"),
        ("1 week", "1Weeks"),
        ("1_000", "1_000"),
        ("0.25", "0.25"),
        ("20%", "20%"),
        ("12.5%", "12.5%"),
        ("2026-01-31", "2026-01-31"),
        ("2026-13-45", "2026-13-45"),
        ("now - 30 days", "(- now 30Days)"),
        ("days + 1", "(+ days 1)"),
    ];
    for (src, want) in cases {
        assert_eq!(expr(src), want, "for `{src}`");
    }
    // A line break ends the number: `days` is then a stray name.
    assert_eq!(codes("const d = 90\ndays"), ["E0004"]);
}

#[test]
fn charter_metadata_needs_no_commas() {
    let module = parse_ok(
        "charter \"X\" { version: 3\n term: 90 days\n founded: 2024-06-01, motto: \"m\" }",
    );
    let Some(Item::Charter(c)) = module.items.first() else {
        panic!()
    };
    let entries: Vec<String> = c
        .entries
        .iter()
        .map(|(k, v)| format!("{}={}", k.name, sexp(v)))
        .collect();
    assert_eq!(
        entries,
        [
            "version=3",
            "term=90Days",
            "founded=2024-06-01",
            "motto=\"m\""
        ]
    );
}

#[test]
fn doc_comments_attach_to_the_next_declaration() {
    let src = "/// One.\n///  Two.\nrecord R {\n  /// The id.\n  id: Text\n  // plain\n  n: Int\n}\n//// not doc\nenum E { A }\n/// c\nconst c = 1";
    let module = parse_ok(src);
    let Some(Item::Record(r)) = module.items.first() else {
        panic!()
    };
    assert_eq!(r.doc.as_deref(), Some("One.\n Two."));
    let docs: Vec<Option<&str>> = r.fields.iter().map(|f| f.doc.as_deref()).collect();
    assert_eq!(docs, [Some("The id."), None]);
    let Some(Item::Enum(e)) = module.items.get(1) else {
        panic!()
    };
    assert_eq!(e.doc, None);
    let Some(Item::Const(c)) = module.items.get(2) else {
        panic!()
    };
    assert_eq!(c.doc.as_deref(), Some("c"));
}

// ---------------------------------------------------------------- diagnostics

#[test]
fn e0001_unexpected_character() {
    insta::assert_snapshot!(errors("const x = 1 # 2\nconst y = a && b"));
}

#[test]
fn e0002_unterminated_text() {
    insta::assert_snapshot!(errors("test \"open {\n  expect true\n}"));
}

#[test]
fn e0003_unknown_escape() {
    insta::assert_snapshot!(errors("const t = \"a\\qb\""));
}

#[test]
fn e0004_unexpected_token() {
    insta::assert_snapshot!(errors("law l {\n  require \"is adult\" age >= 18\n}"));
}

#[test]
fn e0004_keyword_as_name() {
    insta::assert_snapshot!(errors("const state = 1"));
}

#[test]
fn e0004_assignment_instead_of_comparison() {
    insta::assert_snapshot!(errors("law l {\n  require \"x\": a = b\n}"));
}

#[test]
fn e0005_unexpected_end_of_file() {
    insta::assert_snapshot!(errors("law l(m in members) {\n  require \"x\": m.ok"));
}

#[test]
fn e0008_brackets_too_deep() {
    let src = format!("const x = {}1{}", "(".repeat(20_000), ")".repeat(20_000));
    let (module, diags) = parse(FileId(0), &src);
    assert!(module.items.is_empty());
    assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["E0008"]);
    insta::assert_snapshot!(errors(&format!(
        "const x = {}1{}",
        "[".repeat(129),
        "]".repeat(129)
    )));
}

#[test]
fn e0008_long_sum() {
    let src = format!("const x = 1{}\nconst y = 2", " + 1".repeat(50_000));
    let (module, diags) = parse(FileId(0), &src);
    assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["E0008"]);
    assert_eq!(
        diags[0].help.as_deref(),
        Some("split it with `let` bindings or helper functions")
    );
    assert_eq!(module.items.len(), 2);
    let Some(Item::Const(c)) = module.items.first() else {
        panic!()
    };
    assert_eq!(c.value.kind, ExprKind::Error);
    assert_eq!(diags[0].span, c.value.span);
}

#[test]
fn e0008_many_nots_and_negations() {
    for op in ["not ", "-"] {
        let src = format!("law l {{ require \"x\": {}x }}", op.repeat(10_000));
        assert_eq!(codes(&src), ["E0008"], "for {op:?}");
    }
}

#[test]
fn e0008_deep_tree_followed_by_a_syntax_error() {
    // The parser drops the partial tree while recovering: it must be shallow.
    let src = format!(
        "const x = 1{} +\nlaw l {{ require \"x\" true }}",
        " + 1".repeat(50_000)
    );
    assert_eq!(codes(&src), ["E0004", "E0004"]);
    let src = format!("const x = {}", "not ".repeat(20_000));
    assert!(codes(&src).contains(&"E0005"));
}

#[test]
fn e0008_deep_types() {
    let src = format!(
        "const x: {}Int{} = 1",
        "List<".repeat(5_000),
        ">".repeat(5_000)
    );
    assert_eq!(codes(&src), ["E0008"]);
}

#[test]
fn depth_limit_is_exact() {
    let ok = format!("const x = 1{}", " + 1".repeat(127));
    assert!(codes(&ok).is_empty());
    let too_deep = format!("const x = 1{}", " + 1".repeat(128));
    assert_eq!(codes(&too_deep), ["E0008"]);
}

#[test]
fn e0009_invalid_utf8() {
    let bytes = b"const x = \"caf\xe9\"";
    let diag = decode(FileId(0), bytes).unwrap_err();
    assert_eq!(diag.code, "E0009");
    assert_eq!(diag.span.range(), 14..15);
    assert_eq!(decode(FileId(0), b"const x = 1"), Ok("const x = 1"));
    let mut map = SourceMap::new();
    map.add("bad.polity", String::from_utf8_lossy(bytes).into_owned());
    insta::assert_snapshot!(render(&[diag], &map, false));
}

#[test]
fn three_errors_in_one_run() {
    let src =
        "enum E { A B }\nlaw l {\n  require \"a\" true\n  require \"b\": x ==\n}\nconst ok = 1";
    let (module, diags) = parse(FileId(0), src);
    assert_eq!(diags.len(), 3, "{}", rendered(src, &diags));
    assert!(
        module.items.iter().any(|i| matches!(i, Item::Const(_))),
        "parsing continued"
    );
    insta::assert_snapshot!(errors(src));
}

#[test]
fn statement_recovery_keeps_the_good_statements() {
    let src = "law l {\n  require \"a\" true\n  require \"b\": y\n}";
    let (module, diags) = parse(FileId(0), src);
    assert_eq!(diags.len(), 1);
    let Some(Item::Law(law)) = module.items.first() else {
        panic!("law kept")
    };
    // The broken statement is an error node covering its text; the good one follows.
    assert_eq!(law.body.len(), 2);
    let LawStmt::Error(span) = &law.body[0] else {
        panic!("error node first: {:?}", law.body[0])
    };
    assert!(src[span.range()].starts_with("require \"a\""), "{span}");
    assert!(matches!(law.body[1], LawStmt::Require(_)));
}

/// Compiles `src` whole (parse and check): the rendered diagnostics, after
/// asserting that there is exactly one and no program.
fn one_diagnostic(src: &str) -> String {
    let c = polity_compiler::compile("test.polity", src, &polity_compiler::NoFiles);
    let shown = render(&c.diagnostics, &c.sources, false);
    assert_eq!(c.diagnostics.len(), 1, "{shown}");
    assert!(c.program.is_none(), "no IR when there are errors");
    format!("{src}\n----\n{shown}")
}

/// A fn whose body does not parse is still declared with its signature:
/// its three call sites check normally instead of each reporting E0114.
#[test]
fn a_broken_fn_body_is_one_diagnostic() {
    let src = "state { xs: List<Int> }
fn total() -> Int = sum(x for x in xs if)
const half: Int = total() div 2
law a { require \"one\": total() > 0 }
law b { require \"two\": total() < 100 and half > 1 }
test \"t\" { expect total() == 0 }
";
    insta::assert_snapshot!(one_diagnostic(src));
    let (module, _) = parse(FileId(0), src);
    let Some(Item::Fn(f)) = module.items.get(1) else {
        panic!("the fn is kept: {:?}", module.items)
    };
    assert_eq!(
        (f.name.name.as_str(), &f.body.kind),
        ("total", &ExprKind::Error)
    );
}

/// The same for a block body, whether a `let` or the result is broken.
#[test]
fn a_broken_block_body_is_one_diagnostic() {
    for body in ["let a = sum(x for x in xs if)  a + 1", "let a = 1  a + * 2"] {
        let src = format!(
            "state {{ xs: List<Int> }}
fn total() -> Int {{ {body} }}
law a {{ require \"one\": total() > 0 and total() < 9 and total() != 3 }}
"
        );
        one_diagnostic(&src);
    }
}

/// A const whose value does not parse is still declared with its type.
#[test]
fn a_broken_const_is_one_diagnostic() {
    let src = "state { n: Int }
const limit: Int = 1 + * 2
fn over() -> Bool = n > limit
law a { require \"one\": limit > 0 }
law b { require \"two\": over() or n == limit }
";
    insta::assert_snapshot!(one_diagnostic(src));
    // Without a type too: the value is an error, accepted silently.
    one_diagnostic("const limit = 1 + * 2\nconst twice: Int = limit * 2\nlaw a { require \"x\": limit > twice }\n");
}

/// A `let` whose value does not parse still binds its name, in a law and
/// in a test, and a record field whose type does not parse is still a
/// field (of an error type), so neither the record nor its uses cascade.
#[test]
fn broken_lets_and_fields_are_one_diagnostic() {
    one_diagnostic(
        "state { n: Int }
law a {
  let t = n + * 1
  require \"one\": t > 0
  require \"two\": t < 10
}
",
    );
    one_diagnostic(
        "state { n: Int }
test \"t\" {
  let t = n + )
  expect t > 0 and t < 10
}
",
    );
    let src = "record R { a: Int, b: List<Int }
state { rs: List<R> }
law a(r in rs) { require \"one\": r.a > 0 and r.b == [1] and R { a: 1, b: [] } in rs }
";
    insta::assert_snapshot!(one_diagnostic(src));
}

/// Recovery skips tokens without counting brackets, so it may stop at the
/// `}` of a nested record or set and take it for the end of the
/// declaration; the error that follows (a statement where a declaration
/// was expected) is only an echo and is not reported.
#[test]
fn an_error_before_nested_braces_is_one_diagnostic() {
    let law = "record M { id: Text, age: Int }
state { ms: List<M> }
law a(m in ms) {
  require \"x\": m.age >= + 1 and m == M { id: \"a\", age: 1 }
  require \"y\": m.age < 100
}
law b { require \"z\": a(ms[\"x\"]) }
";
    insta::assert_snapshot!(one_diagnostic(law));
    one_diagnostic(
        "fn f() -> Int { let s = {1, 2 + * 3}  count(s) }\nlaw b { require \"z\": f() > 0 }\n",
    );
    // Two independent errors in one declaration are still both reported.
    assert_eq!(
        codes("law l {\n  require \"a\" true\n  require \"b\": M { x: 1 } == + 1\n}\n"),
        ["E0004", "E0004"]
    );
}

// ---------------------------------------------------------------- rendering

#[test]
fn labels_after_non_ascii_text_underline_the_right_columns() {
    let src = "const x = \"café\" + 1 =>";
    let (_, diags) = parse(FileId(0), src);
    let mut map = SourceMap::new();
    map.add("cafe.polity", src);
    assert_eq!(
        location(&diags[0], &map),
        ("cafe.polity".to_string(), 1, 22)
    );
    insta::assert_snapshot!(render(&diags, &map, false));
}

#[test]
fn rendering_survives_stale_spans() {
    let mut map = SourceMap::new();
    map.add("x.polity", "é");
    let diag = polity_compiler::diagnostic::Diagnostic::error(
        "E0004",
        polity_compiler::span::Span::new(FileId(0), 1, 99),
        "odd span",
    );
    let unknown_file = polity_compiler::diagnostic::Diagnostic::error(
        "E0004",
        polity_compiler::span::Span::new(FileId(7), 0, 1),
        "no file",
    )
    .with_help("h");
    let out = render(&[diag, unknown_file], &map, false);
    assert!(out.contains("error[E0004]: no file"));
    assert!(render(&[], &map, true).is_empty());
}

// ---------------------------------------------------------------- robustness

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    const VOCABULARY: &[&str] = &[
        "charter",
        "import",
        "enum",
        "record",
        "state",
        "const",
        "fn",
        "law",
        "test",
        "let",
        "require",
        "unless",
        "given",
        "expect",
        "and",
        "or",
        "not",
        "in",
        "where",
        "if",
        "then",
        "else",
        "match",
        "with",
        "for",
        "true",
        "false",
        "none",
        "div",
        "mod",
        "x",
        "it",
        "_",
        "Member",
        "42",
        "1_000",
        "0.5",
        "20%",
        "12.5%",
        "2026-01-31",
        "90 days",
        "1 week",
        "\"t\"",
        "\"bad\\q",
        "\"open",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        ".",
        "?.",
        "??",
        "?",
        "->",
        "=>",
        "=",
        "+",
        "-",
        "*",
        "/",
        "%",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "// c\n",
        "/// d\n",
        "\n",
        "é",
        "#",
        "\\",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn random_text_never_panics(src in "\\PC{0,200}") {
            let (_, diags) = parse(FileId(0), &src);
            let _ = rendered(&src, &diags);
        }

        #[test]
        fn random_ascii_never_panics(src in "[ -~\n\t]{0,300}") {
            let (_, diags) = parse(FileId(0), &src);
            let _ = rendered(&src, &diags);
        }

        #[test]
        fn token_soup_never_panics(picks in proptest::collection::vec(0..VOCABULARY.len(), 0..120)) {
            let src: Vec<&str> = picks.iter().map(|&i| VOCABULARY[i]).collect();
            let src = src.join(" ");
            let (_, diags) = parse(FileId(0), &src);
            for d in &diags {
                prop_assert!(d.help.is_some(), "no help on {:?}", d);
                prop_assert!(d.span.end as usize <= src.len());
            }
            let _ = rendered(&src, &diags);
        }

        #[test]
        fn bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            match decode(FileId(0), &bytes) {
                Ok(text) => { let _ = parse(FileId(0), text); }
                Err(d) => prop_assert_eq!(d.code, "E0009"),
            }
        }
    }
}

/// A library module parsed without its tests keeps every other item, with
/// the same spans, and skips the tests' blocks however they nest.
#[test]
fn library_modules_parse_without_their_tests() {
    let src = r#"
/// Kept.
fn f(x: Int) -> Int = x + 1
test "nested" {
  given members = [R { id: "a", n: 1 }]
  expect f(1) == 2
  expect [y for y in [1, 2] where (y > 0)] == [1, 2]
}
record R { id: Text, n: Int }
test "second" { expect R { id: "b", n: 1 }.n == len({1, (2)}) - 1 }
const c = f(2)
"#;
    let (whole, diags) = parse(FileId(0), src);
    assert!(diags.is_empty());
    let (lib, diags) = polity_compiler::syntax::parse_without_tests(FileId(0), src);
    assert!(diags.is_empty(), "{}", rendered(src, &diags));
    let kept: Vec<&Item> = whole
        .items
        .iter()
        .filter(|i| !matches!(i, Item::Test(_)))
        .collect();
    assert_eq!(whole.items.len(), 5);
    assert_eq!(lib.items.len(), 3);
    for (a, b) in kept.iter().zip(&lib.items) {
        assert_eq!(*a, b);
    }
}
