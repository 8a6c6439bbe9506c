//! The full explanation of one law's verdict for one subject (`:why` in the
//! REPL): every `let` with its value, every requirement with how it fared —
//! held, let pass by which `unless` exception, or failed with its reasons —
//! and, inside each requirement, the laws it calls, explained in turn.
//!
//! A verdict alone lists only failures; this tree also says why things
//! passed. It is built by re-running the law (evaluation is pure, so the
//! values are the ones the verdict saw).

use super::eval::{Ctx, Eval};
use super::explain::render_truncated;
use crate::value::Value;
use crate::verdict::{EvalError, Reason};
use polity_compiler::ir::{Expr, ExprKind, LawId, LawStmt, LocalId, Requirement, UnOp};

/// Nested law calls explained below this many levels are only summarised.
const MAX_DEPTH: u32 = 12;

/// One law's explained run for one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Why {
    /// The law's name.
    pub law: String,
    /// What the subject was written as (`m`, `members["ana"]`); empty for a
    /// law without parameter.
    pub subject: String,
    /// Its statements in source order, up to the first fault.
    pub steps: Vec<WhyStep>,
}

impl Why {
    /// `"pass"`, `"fail"` or `"error"`, as the law's verdict.
    pub fn verdict(&self) -> &'static str {
        fn walk(steps: &[WhyStep], verdict: &mut &'static str) -> bool {
            for s in steps {
                match s {
                    WhyStep::Error(_) => {
                        *verdict = "error";
                        return false;
                    }
                    WhyStep::Require {
                        outcome: Outcome::Failed { .. },
                        advisory: false,
                        ..
                    } => *verdict = "fail",
                    WhyStep::Guard { steps, .. } if !walk(steps, verdict) => return false,
                    _ => {}
                }
            }
            true
        }
        let mut verdict = "pass";
        walk(&self.steps, &mut verdict);
        verdict
    }
}

/// One statement of a law, explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhyStep {
    /// `let name = value` with the value it had.
    Let {
        /// The bound name.
        name: String,
        /// Its value, rendered.
        value: String,
    },
    /// A requirement.
    Require {
        /// Its label.
        label: String,
        /// How it fared.
        outcome: Outcome,
        /// When it failed: the values that made it fail (law calls excepted:
        /// they are in `calls`).
        reasons: Vec<Reason>,
        /// The laws its condition calls, each explained.
        calls: Vec<Why>,
        /// Written `should`: a failure is a warning, not part of the verdict.
        advisory: bool,
    },
    /// A `when` precondition and the statements it guards.
    Guard {
        /// The precondition as written, on one line.
        cond: String,
        /// Whether it held (then `steps` are the guarded statements
        /// explained; else they were not applicable).
        held: bool,
        /// When it did not hold: why.
        reasons: Vec<Reason>,
        /// When it held: the guarded statements, explained; else the labels
        /// of the requirements that were not applicable, as `Require` steps
        /// would be named.
        steps: Vec<WhyStep>,
        /// When it did not hold: the labels it made not applicable.
        labels: Vec<String>,
    },
    /// Evaluation faulted here; the law's verdict is an error.
    Error(EvalError),
}

/// How a requirement fared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Its condition held.
    Held,
    /// Its condition was false, but this `unless` exception applied.
    Excepted(String),
    /// It failed; none of these exceptions applied.
    Failed {
        /// Labels of its exceptions.
        exceptions: Vec<String>,
        /// Why each did not apply, in the order of `exceptions`.
        exception_reasons: Vec<Vec<Reason>>,
    },
}

impl Ctx<'_> {
    /// Explains law `id` for `subject` (ignored by a law without a parameter)
    /// at nesting level `level`.
    pub(crate) fn why(&self, id: LawId, subject: Option<Value>, written: &str, level: u32) -> Why {
        let mut why = Why {
            law: String::new(),
            subject: written.to_string(),
            steps: Vec::new(),
        };
        let Some(def) = self.program.laws.get(id.0 as usize) else {
            return why;
        };
        why.law = def.name.clone();
        let mut eval = Eval::new(self, def.frame_size, level);
        if let (Some(subject), Some(_)) = (subject, &def.param) {
            eval.set(LocalId(0), subject);
        }
        eval.why_stmts(&def.body, level, &mut why.steps);
        why
    }
}

impl Eval<'_, '_> {
    /// Explains `stmts` into `out`; false when a fault ended the law.
    fn why_stmts(&mut self, stmts: &[LawStmt], level: u32, out: &mut Vec<WhyStep>) -> bool {
        for stmt in stmts {
            let step = match stmt {
                LawStmt::Let { local, name, value } => self.eval(value).map(|v| {
                    let shown = render_truncated(self.ctx.program, &value.ty, &v);
                    self.set(*local, v);
                    WhyStep::Let {
                        name: name.clone(),
                        value: shown,
                    }
                }),
                LawStmt::Require(r) => self.why_requirement(r, level),
                LawStmt::When(g) => match self.bool(&g.cond) {
                    Ok(true) => {
                        let mut steps = Vec::new();
                        let ok = self.why_stmts(&g.body, level, &mut steps);
                        out.push(WhyStep::Guard {
                            cond: one_line(self.ctx.snippet(g.cond.span)),
                            held: true,
                            reasons: Vec::new(),
                            steps,
                            labels: Vec::new(),
                        });
                        if !ok {
                            return false;
                        }
                        continue;
                    }
                    Ok(false) => Ok(WhyStep::Guard {
                        cond: one_line(self.ctx.snippet(g.cond.span)),
                        held: false,
                        reasons: self.explain(&g.cond),
                        steps: Vec::new(),
                        labels: g.body_labels(),
                    }),
                    Err(e) => Err(e),
                },
            };
            match step {
                Ok(s) => out.push(s),
                Err(e) => {
                    out.push(WhyStep::Error(e));
                    return false;
                }
            }
        }
        true
    }

    fn why_requirement(&mut self, r: &Requirement, level: u32) -> Result<WhyStep, EvalError> {
        let outcome = if self.bool(&r.cond)? {
            Outcome::Held
        } else {
            let mut applied = None;
            for x in &r.exceptions {
                if self.bool(&x.cond)? {
                    applied = Some(x.label.clone());
                    break;
                }
            }
            match applied {
                Some(label) => Outcome::Excepted(label),
                None => Outcome::Failed {
                    exceptions: r.exceptions.iter().map(|x| x.label.clone()).collect(),
                    exception_reasons: r.exceptions.iter().map(|x| self.explain(&x.cond)).collect(),
                },
            }
        };
        let reasons = match outcome {
            Outcome::Failed { .. } => self
                .explain(&r.cond)
                .into_iter()
                .filter(|reason| reason.nested.is_empty())
                .collect(),
            _ => Vec::new(),
        };
        let calls = if level < MAX_DEPTH {
            self.why_calls(&r.cond, level)
        } else {
            Vec::new()
        };
        Ok(WhyStep::Require {
            label: r.label.clone(),
            outcome,
            reasons,
            calls,
            advisory: r.advisory,
        })
    }

    /// The law calls at the top of a condition (under `and`, `or`, `not`),
    /// each explained. Calls inside loops depend on the loop's element and
    /// are not expanded.
    fn why_calls(&mut self, e: &Expr, level: u32) -> Vec<Why> {
        let mut out = Vec::new();
        self.collect_calls(e, level, &mut out);
        out
    }

    fn collect_calls(&mut self, e: &Expr, level: u32, out: &mut Vec<Why>) {
        match &e.kind {
            // Only what evaluation reached: `b` runs when `a` did not decide.
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                self.collect_calls(a, level, out);
                let decided = matches!(e.kind, ExprKind::Or(..));
                if self.bool(a).is_ok_and(|v| v != decided) {
                    self.collect_calls(b, level, out);
                }
            }
            ExprKind::Unary(UnOp::Not, inner) => self.collect_calls(inner, level, out),
            ExprKind::CallLaw(law, arg) => {
                let subject = match arg.as_deref().map(|a| self.eval(a)).transpose() {
                    Ok(s) => s,
                    Err(_) => return,
                };
                let written = arg
                    .as_deref()
                    .map(|a| self.ctx.snippet(a.span))
                    .unwrap_or("");
                out.push(self.ctx.why(*law, subject, written, level + 1));
            }
            _ => {}
        }
    }
}

/// Source text on one line, as reasons print it: a line break with the
/// indentation around it becomes one space, and a `//` comment is dropped;
/// text literals are kept as written.
pub(crate) fn one_line(text: &str) -> String {
    // Most snippets are one line without a comment: nothing to fold (a
    // failing subject's every reason comes through here).
    if !text.contains(['\n', '\r', '/']) {
        return text.trim_end().to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let (mut in_text, mut escaped) = (false, false);
    let mut run = String::new();
    while let Some(c) = chars.next() {
        if in_text {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_text = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_text = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => while chars.next_if(|c| *c != '\n').is_some() {},
            c if c.is_whitespace() => {
                run.clear();
                run.push(c);
                while let Some(w) = chars.next_if(|c| c.is_whitespace()) {
                    run.push(w);
                }
                if run.contains(['\n', '\r']) {
                    if !out.is_empty() && !out.ends_with(' ') {
                        out.push(' ');
                    }
                } else {
                    out.push_str(&run);
                }
            }
            c => out.push(c),
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn conditions_print_on_one_line() {
        assert_eq!(one_line("a > 1\n      and b"), "a > 1 and b");
        assert_eq!(one_line("a > 1 // why\n   and b"), "a > 1 and b");
        assert_eq!(
            one_line("x == \"two  spaces // not a comment\""),
            "x == \"two  spaces // not a comment\""
        );
        assert_eq!(one_line("f(a,\n  b)"), "f(a, b)");
        assert_eq!(one_line("a  +  b"), "a  +  b");
        assert_eq!(one_line("\"q\\\"\" + x\n + y"), "\"q\\\"\" + x + y");
    }
}
