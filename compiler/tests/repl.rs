//! The REPL's entry points: `parse_repl` reads one line (a `let` or an
//! expression) and `check_repl` checks it against a charter and the session's
//! bindings, with diagnostics pointing into the line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use polity_compiler::ir::ExprKind;
use polity_compiler::resolve::{load_all, Loaded};
use polity_compiler::syntax::{ast::ReplInput, parse_repl};
use polity_compiler::typeck::{check, check_repl};
use polity_compiler::types::Type;
use polity_compiler::NoFiles;

const CHARTER: &str = r#"
charter "Club" { version: 1 }
enum Status { Active, Lapsed }
record Member { id: Text, status: Status, dues: Decimal }
state { members: List<Member> }
const fee: Decimal = 12
law may_vote(m in members) { require "active": m.status == Active }
"#;

fn charter() -> Loaded {
    let loaded = load_all("club.polity", CHARTER, &NoFiles);
    let (program, diags) = check(&loaded.modules, &loaded.sources, Vec::new());
    assert!(program.is_some(), "{diags:?}");
    loaded
}

/// Checks `line` with `bindings`: (the binding name, the type, the code of
/// the first diagnostic and the file it points into).
fn line(
    bindings: &[(String, Type)],
    text: &str,
) -> (Option<String>, Option<Type>, Option<&'static str>, String) {
    let mut loaded = charter();
    let file = loaded.sources.add("<repl>", text);
    let (input, diags) = parse_repl(file, text);
    let Some(input) = input else {
        let d = diags.first().unwrap();
        let name = loaded.sources.get(d.span.file).unwrap().name.clone();
        return (None, None, Some(d.code), name);
    };
    let (checked, diags) = check_repl(&loaded.modules, &loaded.sources, bindings, &input);
    let first = diags.first().map(|d| {
        let name = loaded.sources.get(d.span.file).unwrap().name.clone();
        (d.code, name)
    });
    match checked {
        Some(c) => (c.binds, Some(c.expr.ty), None, String::new()),
        None => {
            let (code, name) = first.unwrap();
            (None, None, Some(code), name)
        }
    }
}

#[test]
fn a_line_is_a_let_or_an_expression() {
    let (input, diags) = parse_repl(polity_compiler::span::FileId(0), "let x = 1 + 2");
    assert!(diags.is_empty());
    assert!(matches!(input, Some(ReplInput::Let(l)) if l.name.name == "x"));
    let (input, _) = parse_repl(polity_compiler::span::FileId(0), "count(members)");
    assert!(matches!(input, Some(ReplInput::Expr(_))));
}

#[test]
fn parse_errors_point_into_the_line() {
    assert_eq!(
        line(&[], "1 +"),
        (None, None, Some("E0005"), "<repl>".into())
    );
    assert_eq!(
        line(&[], "let = 3"),
        (None, None, Some("E0004"), "<repl>".into())
    );
}

#[test]
fn the_charter_is_in_scope() {
    let (_, ty, code, _) = line(&[], "members[\"ana\"].status");
    assert_eq!(code, None);
    assert!(matches!(ty, Some(Type::Enum(_))));
    assert_eq!(line(&[], "fee * 2").1, Some(Type::Decimal));
    assert_eq!(line(&[], "may_vote(members[\"ana\"])").1, Some(Type::Bool));
    assert_eq!(line(&[], "Lapsed").2, None);
}

#[test]
fn bindings_are_the_first_locals() {
    let bindings = vec![("n".to_string(), Type::Int)];
    let (binds, ty, code, _) = line(&bindings, "let m = n + 1");
    assert_eq!(
        (binds.as_deref(), ty, code),
        (Some("m"), Some(Type::Int), None)
    );
    let mut loaded = charter();
    let file = loaded.sources.add("<repl>", "n");
    let (input, _) = parse_repl(file, "n");
    let (checked, _) = check_repl(&loaded.modules, &loaded.sources, &bindings, &input.unwrap());
    let checked = checked.unwrap();
    assert!(matches!(checked.expr.kind, ExprKind::Local(l) if l.0 == 0));
    assert!(checked.frame_size >= 1);
}

#[test]
fn type_errors_point_into_the_line() {
    assert_eq!(
        line(&[], "memberz"),
        (None, None, Some("E0100"), "<repl>".into())
    );
    assert_eq!(
        line(&[], "fee + \"x\""),
        (None, None, Some("E0203"), "<repl>".into())
    );
    assert_eq!(
        line(&[], "members[\"a\"].name"),
        (None, None, Some("E0103"), "<repl>".into())
    );
}
