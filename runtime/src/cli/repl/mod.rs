//! `polity repl [CHARTER] [--snapshot FILE]`: ask the charter questions.
//!
//! | file | concern |
//! | --- | --- |
//! | `mod.rs` | the two modes: interactive (a terminal) and piped (a script) |
//! | `session.rs` | the loaded charter, snapshot and bindings; answering a line |
//! | `commands.rs` | the `:commands` |
//! | `diff.rs` | `:diff CHARTER`: the loaded charter against another |
//! | `show.rs` | printing values, verdicts and `:why` trees |
//! | `complete.rs` | tab completion |
//! | `editor.rs` | rustyline: completion, multi-line input, history location |
//!
//! Exit codes: 0 when every line succeeded, 1 when a line failed (parse,
//! type or evaluation error) or the charter did not load, 2 on I/O errors,
//! 141 when stdout is a pipe that was closed.

mod commands;
mod complete;
mod diff;
mod editor;
mod session;
mod show;

use editor::{history_path, open_brackets, ReplHelper, PROMPT};
use rustyline::error::ReadlineError;
use rustyline::{ColorMode, CompletionType, Config, Editor};
use session::{Reply, Session};
use std::cell::RefCell;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::rc::Rc;

/// Runs the REPL; returns the process exit code.
pub fn run(
    charter: Option<&Path>,
    snapshot: Option<&Path>,
    options: crate::api::CompileOptions,
    max_snapshot_bytes: u64,
    budget: super::BudgetArgs,
) -> i32 {
    let interactive = std::io::stdin().is_terminal();
    let color = interactive && super::color_stdout();
    let files = session::Files {
        options,
        max_snapshot_bytes,
        budget,
    };
    let session = match Session::start_with(charter, snapshot, color, files) {
        Ok(s) => s,
        Err(e) => {
            stderr!("{e}");
            return 1;
        }
    };
    if interactive {
        interactive_loop(session, color)
    } else {
        piped_loop(session)
    }
}

/// Prints a reply: the answer on stdout, diagnostics on stderr. Fails
/// only when stdout does (a closed pipe, a full disk).
fn print(reply: &Reply) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(reply.out.as_bytes())?;
    out.flush()?;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(reply.err.as_bytes());
    let _ = err.flush();
    Ok(())
}

/// Reads standard input line by line (a line continues while brackets are
/// open), answers each input, and fails when any input failed.
fn piped_loop(session: Session) -> i32 {
    super::output::exit_code(answer_script(session))
}

/// The piped mode's exit code, or the error that ended writing its answers.
fn answer_script(mut session: Session) -> std::io::Result<i32> {
    let mut failed = false;
    let mut pending = String::new();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else {
            stderrln!("error: standard input is not valid UTF-8");
            return Ok(2);
        };
        pending.push_str(&line);
        if open_brackets(&pending) > 0 {
            pending.push('\n');
            continue;
        }
        let reply = session.handle(&std::mem::take(&mut pending));
        print(&reply)?;
        failed |= reply.failed;
        if reply.quit {
            break;
        }
    }
    if !pending.trim().is_empty() {
        let reply = session.handle(&pending);
        print(&reply)?;
        failed |= reply.failed;
    }
    Ok(i32::from(failed))
}

fn interactive_loop(session: Session, color: bool) -> i32 {
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .color_mode(if color {
            ColorMode::Enabled
        } else {
            ColorMode::Disabled
        })
        .build();
    let mut editor: Editor<ReplHelper, rustyline::history::FileHistory> =
        match Editor::with_config(config) {
            Ok(e) => e,
            Err(e) => {
                stderrln!("error: cannot start the line editor: {e}");
                return 2;
            }
        };
    let session = Rc::new(RefCell::new(session));
    editor.set_helper(Some(ReplHelper::new(Rc::clone(&session), color)));
    let history = history_path();
    if let Some(p) = &history {
        let _ = editor.load_history(p);
    }
    if let Err(e) = writeln!(std::io::stdout(), "{}", banner(&session.borrow())) {
        return super::output::exit_code(Err(e));
    }
    loop {
        match editor.readline(PROMPT) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                    save_history(&mut editor, history.as_deref());
                }
                let reply = session.borrow_mut().handle(&line);
                if let Err(e) = print(&reply) {
                    return super::output::exit_code(Err(e));
                }
                if reply.quit {
                    break;
                }
            }
            // Ctrl-C cancels the line being typed.
            Err(ReadlineError::Interrupted) => continue,
            // Ctrl-D leaves.
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                stderrln!("error: {e}");
                return 2;
            }
        }
    }
    0
}

fn save_history(
    editor: &mut Editor<ReplHelper, rustyline::history::FileHistory>,
    p: Option<&Path>,
) {
    let Some(p) = p else { return };
    if let Some(dir) = p.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = editor.save_history(p);
}

fn banner(s: &Session) -> String {
    let name = &s.charter.ir.charter.name;
    let what = if name.is_empty() {
        "Polity".to_string()
    } else {
        format!("Polity — charter \"{name}\"")
    };
    format!("{what}. Type :help for the commands, Ctrl-D to leave.")
}
