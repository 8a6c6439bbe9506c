//! `polity repl` driven through a pseudo-terminal, as a person would use it:
//! typing, Tab, Enter, Ctrl-C, Ctrl-D. Each transcript (ANSI stripped) is an
//! insta snapshot: what was typed after the prompt, then what came back.
//!
//! Robustness: every wait is for a known piece of text with a generous
//! timeout, never for a fixed time; keys are sent only once the echo of the
//! previous ones has arrived.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rexpect::session::{spawn_command, PtySession};
use std::path::{Path, PathBuf};
use std::process::Command;

const PROMPT: &str = "polity> ";
const TIMEOUT_MS: u64 = 30_000;

struct Repl {
    pty: PtySession,
    transcript: String,
}

impl Repl {
    /// Starts the REPL in a terminal; waits for the first prompt.
    fn start(args: &[&str], history: &Path, color: bool) -> Repl {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_polity"));
        cmd.arg("repl").args(args);
        cmd.env("POLITY_HISTORY", history).env("TERM", "xterm");
        if color {
            cmd.env_remove("NO_COLOR");
        } else {
            cmd.env("NO_COLOR", "1");
        }
        let mut pty = spawn_command(cmd, Some(TIMEOUT_MS)).unwrap();
        let banner = pty.exp_string(PROMPT).unwrap();
        Repl {
            pty,
            transcript: clean(&banner),
        }
    }

    /// Types `keys` (no Enter), waiting until `echo` shows on the screen;
    /// records `shown_as`. Returns what the screen showed before `echo`.
    fn type_keys(&mut self, keys: &str, shown_as: &str, echo: &str) -> String {
        self.pty.send(keys).unwrap();
        self.pty.flush().unwrap();
        let before = self.pty.exp_string(echo).unwrap();
        self.transcript.push_str(shown_as);
        clean(&before)
    }

    /// Presses Enter and records the answer up to the next prompt.
    fn enter(&mut self) -> String {
        self.pty.send("\r").unwrap();
        self.pty.flush().unwrap();
        let raw = self.pty.exp_string(PROMPT).unwrap();
        let answer = clean(&raw);
        let answer = answer.strip_prefix('\n').unwrap_or(&answer).to_string();
        self.transcript.push('\n');
        self.transcript.push_str(&answer);
        raw
    }

    /// Types a whole line and presses Enter.
    fn line(&mut self, text: &str) -> String {
        self.transcript.push_str(PROMPT);
        self.type_keys(text, text, last_part(text));
        self.enter()
    }

    /// Ctrl-D on an empty line: the REPL ends with exit code 0.
    fn quit(mut self) -> String {
        self.transcript.push_str(PROMPT);
        self.transcript.push_str("<Ctrl-D>\n");
        self.pty.send_control('d').unwrap();
        self.pty.exp_eof().unwrap();
        let status = self.pty.process_mut().wait().unwrap();
        assert!(
            matches!(status, rexpect::process::wait::WaitStatus::Exited(_, 0)),
            "{status:?}"
        );
        self.transcript
    }
}

/// The last few characters of `text`, which the terminal echoes as typed.
fn last_part(text: &str) -> &str {
    let start = text.char_indices().rev().nth(5).map_or(0, |(i, _)| i);
    text.get(start..).unwrap_or(text)
}

/// Terminal output as plain text: no escape sequences, bells or carriage returns.
fn clean(raw: &str) -> String {
    // rexpect hands over each byte as one char; put the UTF-8 back together.
    let bytes: Vec<u8> = raw
        .chars()
        .map(|c| u8::try_from(c).unwrap_or(b'?'))
        .collect();
    let text = String::from_utf8_lossy(&bytes);
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for d in chars.by_ref() {
                        if d.is_ascii_alphabetic() || d == '~' {
                            break;
                        }
                    }
                } else {
                    chars.next();
                }
            }
            '\r' | '\x07' => {}
            c => out.push(c),
        }
    }
    out
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polity-pty-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn praxis_in(dir: &Path) -> [String; 3] {
    for f in ["charter.polity", "snapshot.json"] {
        std::fs::copy(Path::new("../examples/praxis-nova").join(f), dir.join(f)).unwrap();
    }
    [
        dir.join("charter.polity").display().to_string(),
        "--snapshot".into(),
        dir.join("snapshot.json").display().to_string(),
    ]
}

fn start_praxis(dir: &Path, color: bool) -> Repl {
    let args = praxis_in(dir);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Repl::start(&args, &dir.join("history"), color)
}

#[test]
fn completion_multiline_errors_why_and_keys() {
    let dir = temp_dir("session");
    let mut r = start_praxis(&dir, false);
    // A field after `.`, from the type of the expression before the dot.
    r.transcript.push_str(PROMPT);
    r.type_keys("members[\"ana\"].jo", "members[\"ana\"].jo", "].jo");
    r.type_keys("\t", "<Tab>", "joined");
    r.transcript
        .push_str("  (completed to members[\"ana\"].joined)");
    r.enter();
    // A name with two completions: the second Tab lists them.
    r.transcript.push_str(PROMPT);
    r.type_keys("may_", "may_", "may_");
    let listed = r.type_keys("\t\t", "<Tab><Tab>", "may_vote");
    r.transcript.push_str(&listed);
    r.transcript.push_str("may_vote\n");
    r.transcript.push_str(PROMPT);
    r.type_keys("v\t", "may_v<Tab>", "may_vote");
    r.type_keys(
        "(members[\"carla\"])",
        "  (completed to may_vote)(members[\"carla\"])",
        "carla\"])",
    );
    r.enter();
    // Enum cases after `Enum.`.
    r.transcript.push_str(PROMPT);
    r.type_keys("Status.Sus", "Status.Sus", ".Sus");
    r.type_keys("\t", "<Tab>", "Suspended");
    r.transcript.push_str("  (completed to Status.Suspended)");
    r.enter();
    // Multi-line input while a bracket is open.
    r.transcript.push_str(PROMPT);
    r.type_keys(
        "[m.id for m in members\r",
        "[m.id for m in members\n",
        "members\r\n",
    );
    r.type_keys(
        "   if m.status == Suspended]",
        "   if m.status == Suspended]",
        "Suspended]",
    );
    r.enter();
    // A type error, then the session goes on.
    r.line("count(members) + \"x\"");
    r.line("members[\"nobody\"]");
    r.line(":why may_vote(members[\"helena\"])");
    // Ctrl-C cancels the line being typed.
    r.transcript.push_str(PROMPT);
    r.type_keys("count(mem", "count(mem", "(mem");
    r.type_keys("\x03", "<Ctrl-C>", PROMPT);
    r.transcript.push('\n');
    r.line("count(members)");
    let t = r.quit();
    insta::assert_snapshot!(t.replace(&dir.display().to_string(), "$TMP"));
    let history = std::fs::read_to_string(dir.join("history")).unwrap();
    assert!(history.contains("count(members)"), "{history}");
    assert!(history.contains(":why may_vote"), "{history}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reload_after_the_charter_changed() {
    let dir = temp_dir("reload");
    let mut r = start_praxis(&dir, false);
    r.line("let joana = members[\"joana\"]");
    r.line("let p = probation");
    r.line("may_vote(joana)");
    let charter = dir.join("charter.polity");
    let text = std::fs::read_to_string(&charter).unwrap();
    let edited = text
        .replace(
            "const probation: Duration = 90 days",
            "const waiting: Duration = 700 days",
        )
        .replace("tenure(m) >= probation", "tenure(m) >= waiting");
    assert_ne!(text, edited);
    std::fs::write(&charter, edited).unwrap();
    r.line(":reload");
    r.line("may_vote(joana)");
    r.line(":why may_vote(joana)");
    r.line("p");
    let t = r.quit();
    insta::assert_snapshot!(t.replace(&dir.display().to_string(), "$TMP"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let dir = temp_dir("color");
    let mut r = start_praxis(&dir, true);
    let raw = r.line("may_vote(members[\"helena\"])");
    assert!(raw.contains("\x1b[31mfail"), "{raw:?}");
    r.quit();
    let mut r = start_praxis(&dir, false);
    let raw = r.line("may_vote(members[\"helena\"])");
    assert!(!raw.contains("\x1b[31m"), "{raw:?}");
    r.quit();
    let _ = std::fs::remove_dir_all(&dir);
}
