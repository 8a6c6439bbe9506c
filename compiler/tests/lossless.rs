//! The lossless front end: the trivia table (comments, blank lines), error
//! nodes for what does not parse, and the parentheses table, which tools
//! (`polity fmt`, a language server) read beside the AST.

use polity_compiler::span::FileId;
use polity_compiler::syntax::ast::{Item, LawStmt, TestStmt};
use polity_compiler::syntax::lexer::{lex, CommentKind, Tok};
use polity_compiler::syntax::lossless::error_nodes;
use polity_compiler::syntax::{parse, parse_lossless};

fn tokens(src: &str) -> Vec<Tok> {
    lex(FileId(0), src)
        .tokens
        .into_iter()
        .map(|t| t.1)
        .collect()
}

#[test]
fn comments_and_blank_lines_are_kept_beside_the_tokens() {
    let src = "/// The club.\ncharter \"C\" { version: 1 } // trailing\r\n\n\n// alone\nconst x = 1\n  \nconst y = 2\n";
    let lexed = lex(FileId(0), src);
    let comments: Vec<(CommentKind, &str)> = lexed
        .trivia
        .comments
        .iter()
        .map(|c| (c.kind, &src[c.span.range()]))
        .collect();
    assert_eq!(
        comments,
        [
            (CommentKind::Doc, "/// The club."),
            (CommentKind::Line, "// trailing"),
            (CommentKind::Line, "// alone"),
        ]
    );
    // The two empty lines after the charter and the whitespace-only one.
    let lines: Vec<&str> = src.split_inclusive('\n').collect();
    let starts: Vec<usize> = lines
        .iter()
        .scan(0, |at, l| {
            let s = *at;
            *at += l.len();
            Some(s)
        })
        .collect();
    assert_eq!(lexed.trivia.empty_lines, [starts[2], starts[3], starts[6]]);
    assert!(lexed.trivia.has_empty_line(starts[1], starts[4]));
    assert!(!lexed.trivia.has_empty_line(starts[4], starts[6]));
}

#[test]
fn comments_do_not_change_the_token_stream() {
    let with = "law l { // why\n  require \"a\": /* not a comment */ true\n}";
    let without = "law l {\n  require \"a\": /* not a comment */ true\n}";
    assert_eq!(tokens(with), tokens(without));
    let ordinary = "//// banner\nconst x = 1 /// not a doc: code precedes it";
    let kinds: Vec<CommentKind> = lex(FileId(0), ordinary)
        .trivia
        .comments
        .iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(kinds, [CommentKind::Line, CommentKind::Doc]);
}

#[test]
fn declarations_that_do_not_parse_are_error_nodes() {
    let src = "const = 1\nconst ok = 2\nlaw l {\n  let = 3\n  require \"r\": true\n}\ntest \"t\" {\n  expect\n  expect ok == 2\n}\n";
    let parsed = parse_lossless(FileId(0), src);
    assert!(!parsed.is_ok());
    let items = &parsed.module.items;
    assert!(matches!(items[0], Item::Error(_)), "{:?}", items[0]);
    assert!(matches!(items[1], Item::Const(_)));
    let Item::Law(law) = &items[2] else {
        panic!("{:?}", items[2])
    };
    assert!(matches!(law.body[0], LawStmt::Error(_)));
    assert!(matches!(law.body[1], LawStmt::Require(_)));
    let Item::Test(test) = &items[3] else {
        panic!("{:?}", items[3])
    };
    assert!(matches!(test.body.last(), Some(TestStmt::Expect { .. })));
    let texts: Vec<&str> = error_nodes(&parsed.module)
        .iter()
        .map(|s| src[s.range()].trim())
        .collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(texts[0].starts_with("const ="), "{texts:?}");
    assert!(texts[1].starts_with("let ="), "{texts:?}");
    assert!(texts[2].starts_with("expect"), "{texts:?}");
    // The same diagnostics as the ordinary parse.
    assert_eq!(parse(FileId(0), src).1, parsed.diagnostics);
}

#[test]
fn the_parentheses_table_gives_the_expression_inside() {
    let src = "const x = ((1 + 2)) * (3)";
    let parsed = parse_lossless(FileId(0), src);
    assert!(parsed.is_ok());
    assert_eq!(parsed.parens.len(), 3);
    let Item::Const(c) = &parsed.module.items[0] else {
        panic!()
    };
    let polity_compiler::syntax::ast::ExprKind::Binary { lhs, rhs, .. } = &c.value.kind else {
        panic!()
    };
    let (levels, inner) = parsed.parens.unwrap(lhs.span);
    assert_eq!((levels, &src[inner.range()]), (2, "1 + 2"));
    let (levels, inner) = parsed.parens.unwrap(rhs.span);
    assert_eq!((levels, &src[inner.range()]), (1, "3"));
    assert_eq!(parsed.parens.unwrap(c.value.span).0, 0);
}
