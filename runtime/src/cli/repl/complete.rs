//! Tab completion: commands, names in scope, record fields after `.` (from
//! the type of the expression before the dot), and enum cases after `Enum.`.

use super::commands::COMMANDS;
use super::session::Session;
use polity_compiler::num::RoundMode;
use polity_compiler::resolve::decls::{BUILTINS, SHADOWABLE_BUILTINS};
use polity_compiler::types::Type;

/// Keywords that may start or continue an expression.
const KEYWORDS: &[&str] = &[
    "and", "else", "false", "for", "if", "in", "let", "match", "none", "not", "or", "some", "then",
    "true", "where", "with",
];

/// Names with a meaning only in one place of a call or clause (not
/// keywords): `for i, x in enumerate(xs)`, `sorted(xs, by: key, desc)`,
/// `take(xs, n, per: key)`.
const FORM_WORDS: &[&str] = &["enumerate", "by", "desc", "asc", "per"];

/// What to complete at byte `pos` of `line`: where the replaced word starts,
/// and the candidates, sorted.
pub fn complete(s: &Session, line: &str, pos: usize) -> (usize, Vec<String>) {
    let before = line.get(..pos).unwrap_or(line);
    let start = before.rfind(|c: char| !is_ident(c)).map_or(0, |i| i + 1);
    let word = before.get(start..).unwrap_or("");
    let lead = before.trim_start();
    if lead.starts_with(':') && !lead.contains(char::is_whitespace) {
        let at = before.len() - lead.len();
        return (at, matching(COMMANDS.iter().map(|(n, _, _)| *n), lead));
    }
    if lead.starts_with(":engine ") || lead.starts_with(":e ") {
        return (start, matching(["interp", "jit"].into_iter(), word));
    }
    let head = before.get(..start).unwrap_or("");
    let candidates = match head.strip_suffix('.') {
        Some(receiver) => {
            let receiver = receiver.strip_suffix('?').unwrap_or(receiver);
            members(s, receiver_text(receiver))
        }
        None => names(s),
    };
    (start, matching(candidates.iter().map(String::as_str), word))
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn matching<'a>(all: impl Iterator<Item = &'a str>, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = all
        .filter(|n| n.starts_with(prefix))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The postfix expression that ends `text`: `members["ana"].roles` in
/// `count(x) + members["ana"].roles`. Brackets are skipped whole.
fn receiver_text(text: &str) -> &str {
    let mut depth = 0usize;
    let mut start = text.len();
    for (i, c) in text.char_indices().rev() {
        match c {
            ')' | ']' => depth += 1,
            '(' | '[' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            c if is_ident(c) || c == '.' || c == '?' => {}
            _ => break,
        }
        start = i;
    }
    // A call's name belongs to the receiver: keep `f` of `f(x).field`.
    text.get(start..).unwrap_or("").trim()
}

/// Fields of the receiver's record type, or cases when it names an enum.
fn members(s: &Session, receiver: &str) -> Vec<String> {
    let ir = &s.charter.ir;
    if let Some(e) = ir.enums.iter().find(|e| e.name == receiver) {
        return e.cases.clone();
    }
    match s.type_of_text(receiver).as_ref().map(Type::strip_optional) {
        Some(Type::Record(r)) => ir
            .record(*r)
            .map(|r| r.fields.iter().map(|f| f.name.clone()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Every name an expression can start with.
fn names(s: &Session) -> Vec<String> {
    let ir = &s.charter.ir;
    let mut out: Vec<String> = s.bindings.iter().map(|b| b.name.clone()).collect();
    out.extend(ir.state.iter().map(|x| x.name.clone()));
    // Private names of imported modules are not visible here; the root
    // charter's are (a line is checked inside it).
    let visible = |private: bool, span: polity_compiler::span::Span| {
        !private || span.file == polity_compiler::span::FileId(0)
    };
    out.extend(
        ir.consts
            .iter()
            .filter(|x| visible(x.private, x.span))
            .map(|x| x.name.clone()),
    );
    out.extend(
        ir.fns
            .iter()
            .filter(|x| visible(x.private, x.span))
            .map(|x| x.name.clone()),
    );
    out.extend(ir.laws.iter().map(|x| x.name.clone()));
    out.extend(ir.records.iter().map(|x| x.name.clone()));
    for e in &ir.enums {
        out.push(e.name.clone());
        out.extend(e.cases.iter().cloned());
    }
    out.extend(BUILTINS.iter().map(|b| b.to_string()));
    out.extend(SHADOWABLE_BUILTINS.iter().map(|b| b.to_string()));
    // `round(x, 2, half_even)`: the modes are names only in that position.
    out.extend(RoundMode::ALL.iter().map(|m| m.name().to_string()));
    out.extend(KEYWORDS.iter().map(|k| k.to_string()));
    out.extend(FORM_WORDS.iter().map(|k| k.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::{complete, receiver_text};
    use crate::cli::repl::session::Session;

    #[test]
    fn text_builtins_and_rounding_modes() {
        let s = Session::start(None, None, false).unwrap();
        let at = |line: &str| complete(&s, line, line.len()).1;
        assert_eq!(at("te"), ["text"]);
        assert_eq!(at("starts"), ["starts_with"]);
        assert_eq!(at("up"), ["upper"]);
        assert_eq!(at("round(x, 2, half"), ["half_away_from_zero", "half_even"]);
        assert_eq!(at("round(x, 2, tow"), ["toward_zero"]);
    }

    #[test]
    fn collection_builtins_and_form_words_complete() {
        let Ok(s) = Session::start(None, None, false) else {
            panic!("an empty session starts");
        };
        let cases = [
            ("inter", "intersection"),
            ("group_", "group_by"),
            ("flat", "flatten"),
            ("enumer", "enumerate"),
        ];
        for (typed, want) in cases {
            let (_, found) = complete(&s, typed, typed.len());
            assert_eq!(found, vec![want.to_string()], "{typed}");
        }
    }

    #[test]
    fn receivers() {
        assert_eq!(receiver_text("members[\"a b\"]"), "members[\"a b\"]");
        assert_eq!(receiver_text("count(x) + m.roles"), "m.roles");
        assert_eq!(receiver_text("first(members)?"), "first(members)?");
        assert_eq!(receiver_text("not ana"), "ana");
    }
}
