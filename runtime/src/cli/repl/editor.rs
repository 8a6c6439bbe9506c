//! The interactive line editor (rustyline): completion, multi-line input
//! while brackets are open, a coloured prompt, and where history is kept.

use super::complete;
use super::session::Session;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// The prompt, and the prompt of a continuation line.
pub const PROMPT: &str = "polity> ";

/// Connects rustyline to the session (for completion) and to
/// [`open_brackets`] (for multi-line input).
pub struct ReplHelper {
    pub session: Rc<RefCell<Session>>,
    pub color: bool,
    files: FilenameCompleter,
}

impl ReplHelper {
    pub fn new(session: Rc<RefCell<Session>>, color: bool) -> ReplHelper {
        ReplHelper {
            session,
            color,
            files: FilenameCompleter::new(),
        }
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let lead = line.trim_start();
        if [":load ", ":l ", ":snapshot ", ":s ", ":diff ", ":d "]
            .iter()
            .any(|c| lead.starts_with(c))
        {
            return self.files.complete(line, pos, ctx);
        }
        let Ok(session) = self.session.try_borrow() else {
            return Ok((pos, Vec::new()));
        };
        let (start, names) = complete::complete(&session, line, pos);
        let pairs = names
            .into_iter()
            .map(|n| Pair {
                display: n.clone(),
                replacement: n,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        default: bool,
    ) -> Cow<'b, str> {
        if self.color && default {
            Cow::Owned(format!("\x1b[1;36m{prompt}\x1b[0m"))
        } else {
            Cow::Borrowed(prompt)
        }
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if open_brackets(ctx.input()) > 0 {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl Helper for ReplHelper {}

/// How many `(`, `[` and `{` are still open in `text` (outside text literals
/// and comments); input continues on the next line while this is positive.
pub fn open_brackets(text: &str) -> i64 {
    let mut depth = 0i64;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '"' => {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    depth
}

/// Where history is kept: `$POLITY_HISTORY`, else `$XDG_DATA_HOME/polity/history`,
/// else `~/.local/share/polity/history`. `None` when none can be found.
pub fn history_path() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(p) = var("POLITY_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let data = match var("XDG_DATA_HOME") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(var("HOME")?).join(".local").join("share"),
    };
    Some(data.join("polity").join("history"))
}

#[cfg(test)]
mod tests {
    use super::open_brackets;

    #[test]
    fn brackets() {
        assert_eq!(open_brackets("count(members"), 1);
        assert_eq!(open_brackets("[x for x in xs]"), 0);
        assert_eq!(open_brackets("\"(\" + ("), 1);
        assert_eq!(open_brackets("f( // )\n"), 1);
        assert_eq!(open_brackets("\"\\\"(\""), 0);
    }
}
