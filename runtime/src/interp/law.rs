//! Laws: requirements, exceptions, failures and subjects.

use super::coverage::Point;
use super::eval::{ill, Ctx, Eval};
use super::guide::Guide;
use super::Explain;
use crate::value::Value;
use crate::verdict::{
    EvalError, Failure, NotApplicable, Notes, Reason, Subject, SubjectResult, Verdict,
};
use polity_compiler::ir::{Expr, Guard, LawId, LawStmt, LocalId, Program, Requirement};
use polity_compiler::span::Span;
use polity_compiler::types::Type;

impl Ctx<'_> {
    /// Runs a law's body for one subject (ignored by a law without a parameter)
    /// at call depth `depth`: its failed requirements, in source order, or the
    /// first fault. Failures carry reasons, and notes are gathered, only when
    /// `explain` is set.
    pub(crate) fn run_law(
        &self,
        span: Span,
        id: LawId,
        subject: Option<Value>,
        depth: u32,
        explain: bool,
    ) -> Result<Outcome, EvalError> {
        self.run_law_guided(span, id, subject, depth, explain, None)
    }

    /// As [`Ctx::run_law`], checking again only what `guide` says can
    /// change the outcome (see [`Guide`]).
    fn run_law_guided(
        &self,
        span: Span,
        id: LawId,
        subject: Option<Value>,
        depth: u32,
        explain: bool,
        mut guide: Option<Guide<'_>>,
    ) -> Result<Outcome, EvalError> {
        let Some(def) = self.program.laws.get(id.0 as usize) else {
            return Err(ill(span, "unknown law"));
        };
        let mut eval = Eval::new(self, def.frame_size, depth);
        if let (Some(subject), Some(_)) = (subject, &def.param) {
            eval.set(LocalId(0), subject);
        }
        let mut out = Outcome::default();
        eval.law_stmts(&def.body, explain, &mut out, guide.as_mut())?;
        Ok(out)
    }

    /// A law's verdict for every element of its collection (or once, for the
    /// whole state).
    pub(crate) fn eval_law(&self, id: LawId) -> Vec<SubjectResult> {
        let Some(def) = self.program.laws.get(id.0 as usize) else {
            return Vec::new();
        };
        let whole = |(verdict, notes)| {
            vec![SubjectResult {
                subject: Subject::Whole,
                verdict,
                notes,
            }]
        };
        let Some(param) = &def.param else {
            return whole(self.verdict(id, def.span, None));
        };
        let collection = self.unit(|| Eval::new(self, def.frame_size, 0).eval(&param.collection));
        let collection = match collection {
            Ok(c) => c,
            Err(e) => return whole((Verdict::Error(e), Notes::default())),
        };
        collection
            .elements()
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let (verdict, notes) = self.verdict(id, def.span, Some(x.clone()));
                SubjectResult {
                    subject: subject_of(self.program, &param.ty, i, x),
                    verdict,
                    notes,
                }
            })
            .collect()
    }

    /// A law's explained verdict for one subject, with its notes.
    pub(crate) fn verdict(
        &self,
        id: LawId,
        span: Span,
        subject: Option<Value>,
    ) -> (Verdict, Notes) {
        self.verdict_guided(id, span, subject, None)
    }

    /// As [`Ctx::verdict`], guided by what generated code already decided
    /// for the subject ([`Guide`]); without coverage, which must see every
    /// evaluation, the guide is ignored.
    pub(crate) fn verdict_guided(
        &self,
        id: LawId,
        span: Span,
        subject: Option<Value>,
        guide: Option<Guide<'_>>,
    ) -> (Verdict, Notes) {
        let guide = guide.filter(|_| self.coverage.is_none());
        let explain = self.explain != Explain::None;
        let name = self
            .program
            .laws
            .get(id.0 as usize)
            .map_or("", |l| l.name.as_str());
        let run = self
            .may_start(span, name)
            .and_then(|()| self.unit(|| self.run_law_guided(span, id, subject, 0, explain, guide)));
        match run {
            Ok(o) if o.failures.is_empty() => (Verdict::Pass, o.notes),
            Ok(o) => (Verdict::Fail(o.failures), o.notes),
            Err(e) => (Verdict::Error(e), Notes::default()),
        }
    }
}

/// What running a law's body gives: its failed requirements and, when
/// explaining, its notes.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Failed requirements (not advisory), in source order.
    pub failures: Vec<Failure>,
    /// Guards that did not hold and advice not followed (only when explaining).
    pub notes: Notes,
}

impl<'p> Eval<'_, 'p> {
    /// Every statement in order; every requirement is checked, so that all
    /// failing labels are listed. With a `guide`, the requirements it says
    /// held, and the `let`s nothing else checked or explained reads, are
    /// skipped.
    fn law_stmts(
        &mut self,
        stmts: &'p [LawStmt],
        explain: bool,
        out: &mut Outcome,
        mut guide: Option<&mut Guide<'_>>,
    ) -> Result<(), EvalError> {
        for stmt in stmts {
            match stmt {
                LawStmt::Let { local, name, value } => {
                    if guide.as_ref().is_some_and(|g| !g.reads(*local)) {
                        continue;
                    }
                    let v = self.eval(value)?;
                    self.set(*local, v);
                    if explain {
                        self.lets.push((*local, name.as_str(), value));
                    }
                }
                LawStmt::Require(r) => {
                    if let (false, Some(g)) = (r.advisory, guide.as_deref_mut()) {
                        if !g.next_failed() {
                            continue;
                        }
                    }
                    if self.holds(r)? {
                        continue;
                    }
                    // Explaining is not counted against the step budget.
                    let ctx = self.ctx;
                    let meter = &ctx.meter;
                    if !r.advisory {
                        let failure = meter.unmetered(|| self.failure(r, explain));
                        out.failures.push(failure);
                    } else if explain {
                        let failure = meter.unmetered(|| self.failure(r, explain));
                        out.notes.warnings.push(failure);
                    }
                }
                LawStmt::When(g) => {
                    let held = self.bool(&g.cond)?;
                    self.ctx.cover(Point::Guard(g.span, held));
                    if held {
                        self.law_stmts(&g.body, explain, out, guide.as_deref_mut())?;
                        continue;
                    }
                    if let Some(guide) = guide.as_deref_mut() {
                        guide.skip(&g.body);
                    }
                    if explain {
                        let ctx = self.ctx;
                        let meter = &ctx.meter;
                        let note = meter.unmetered(|| self.not_applicable(g));
                        out.notes.not_applicable.push(note);
                    }
                }
            }
        }
        Ok(())
    }

    fn not_applicable(&mut self, g: &Guard) -> NotApplicable {
        let cond = self.ctx.snippet(g.cond.span);
        NotApplicable {
            cond: super::why::one_line(cond),
            labels: g.body_labels(),
            span: g.span,
            reasons: self.reasons(&g.cond),
        }
    }

    /// Why `cond` is false, unless verdicts are not to be explained.
    fn reasons(&mut self, cond: &Expr) -> Vec<Reason> {
        match self.ctx.explain {
            Explain::None => Vec::new(),
            Explain::Reasons | Explain::Full => self.explain(cond),
        }
    }

    /// The condition, or else the first exception that holds (exceptions are
    /// evaluated only when the condition is false, and only up to that one).
    fn holds(&mut self, r: &Requirement) -> Result<bool, EvalError> {
        self.ctx.cover(Point::Checked(r.span));
        if self.bool(&r.cond)? {
            return Ok(true);
        }
        for x in &r.exceptions {
            if self.bool(&x.cond)? {
                self.ctx.cover(Point::Applied(x.span));
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn failure(&mut self, r: &Requirement, explain: bool) -> Failure {
        Failure {
            label: r.label.clone(),
            span: r.span,
            reasons: if explain {
                self.reasons(&r.cond)
            } else {
                Vec::new()
            },
            exceptions: r.exceptions.iter().map(|x| x.label.clone()).collect(),
            exception_reasons: if explain && self.ctx.explain != Explain::None {
                r.exceptions.iter().map(|x| self.explain(&x.cond)).collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// How a result names its element: by its record's id field, else its position.
pub fn subject_of(program: &Program, ty: &Type, index: usize, x: &Value) -> Subject {
    let id_field = match ty {
        Type::Record(r) => program.record(*r).and_then(|r| r.id_field),
        _ => None,
    };
    subject_named(index, id_field.and_then(|i| x.fields().get(i as usize)))
}

/// A subject named by the value of its `id` field, if it has one, else by
/// its index.
pub fn subject_named(index: usize, id: Option<&Value>) -> Subject {
    match id {
        Some(Value::Text(id)) => Subject::Id(String::from(&**id)),
        Some(Value::Int(id)) => Subject::IntId(*id),
        _ => Subject::Index(index),
    }
}
