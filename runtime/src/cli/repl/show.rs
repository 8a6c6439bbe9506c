//! How the REPL prints values, verdicts and explanation trees.

use crate::cli::report::{write_exceptions, write_failure, write_reason};
use crate::interp::{Outcome, Why, WhyStep};
use crate::value::{render, Value};
use crate::verdict::Verdict;
use polity_compiler::ir::Program;
use polity_compiler::types::Type;
use std::fmt::Write as _;

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// `word` in `code`'s colour when `color`.
fn paint(word: &str, code: &str, color: bool) -> String {
    if color {
        format!("{code}{word}{RESET}")
    } else {
        word.to_string()
    }
}

/// `pass` green, `fail` and `error` red.
fn verdict_word(word: &str, color: bool) -> String {
    let code = if word == "pass" { GREEN } else { RED };
    paint(word, code, color)
}

/// A value as a charter would write it.
pub fn value(program: &Program, ty: &Type, v: &Value) -> String {
    render(program, ty, v)
}

/// A law call's verdict: `pass`, or `fail` with each failed label and the
/// values behind it, or `error` (the fault itself is reported separately).
pub fn verdict(v: &Verdict, color: bool) -> String {
    let mut out = format!("{}\n", verdict_word(v.as_str(), color));
    if let Verdict::Fail(failures) = v {
        for f in failures {
            write_failure(&mut out, f, 2);
        }
    }
    out
}

/// The full explanation tree of `:why`.
pub fn why(w: &Why, color: bool) -> String {
    let mut out = String::new();
    write_why(&mut out, w, 0, color);
    out
}

fn write_why(out: &mut String, w: &Why, indent: usize, color: bool) {
    let pad = " ".repeat(indent);
    let call = if w.subject.is_empty() {
        w.law.clone()
    } else {
        format!("{}({})", w.law, w.subject)
    };
    let _ = writeln!(out, "{pad}{call}: {}", verdict_word(w.verdict(), color));
    write_steps(out, &w.steps, indent + 2, color);
}

fn write_steps(out: &mut String, steps: &[WhyStep], indent: usize, color: bool) {
    let pad = " ".repeat(indent);
    for step in steps {
        match step {
            WhyStep::Let { name, value } => {
                let _ = writeln!(out, "{pad}let {name} = {value}");
            }
            WhyStep::Require {
                label,
                outcome,
                reasons,
                calls,
                advisory,
            } => {
                let (mark, note) = match outcome {
                    Outcome::Held => (paint("✓", GREEN, color), String::new()),
                    Outcome::Excepted(x) => {
                        (paint("✓", GREEN, color), format!(" (by exception \"{x}\")"))
                    }
                    Outcome::Failed { .. } if *advisory => (
                        paint("!", YELLOW, color),
                        " (advice: a warning)".to_string(),
                    ),
                    Outcome::Failed { .. } => (paint("✗", RED, color), String::new()),
                };
                let _ = writeln!(out, "{pad}{mark} {label}{note}");
                for r in reasons {
                    write_reason(out, r, indent + 4);
                }
                if let Outcome::Failed {
                    exceptions,
                    exception_reasons,
                } = outcome
                {
                    write_exceptions(out, exceptions, exception_reasons, indent + 4);
                }
                for c in calls {
                    write_why(out, c, indent + 4, color);
                }
            }
            WhyStep::Guard {
                cond,
                held: true,
                steps,
                ..
            } => {
                let _ = writeln!(out, "{pad}{} when {cond}", paint("✓", GREEN, color));
                write_steps(out, steps, indent + 2, color);
            }
            WhyStep::Guard {
                cond,
                reasons,
                labels,
                ..
            } => {
                let _ = writeln!(out, "{pad}- when {cond}: did not hold");
                for r in reasons {
                    write_reason(out, r, indent + 4);
                }
                let list: Vec<String> = labels.iter().map(|l| format!("\"{l}\"")).collect();
                let _ = writeln!(out, "{pad}    not applicable: {}", list.join(", "));
            }
            WhyStep::Error(e) => {
                let _ = writeln!(out, "{pad}{} {}", verdict_word("error", color), e.message);
            }
        }
    }
}
