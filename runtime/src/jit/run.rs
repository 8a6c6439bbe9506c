//! One law's evaluation by the JIT over a slice of subjects: decided by
//! the bulk entry, failing and faulting subjects explained by the
//! interpreter running over compiled code (`mixed.rs`), and the two
//! engines' outcomes compared.

use super::fault::{Compiled, Disagreement, Fault};
use super::mixed::Mixed;
use super::subject_fields::subject_fields;
use super::{abi, code, deciding_labels, requirement_count, Decision, Decisions, JitProgram};
use crate::interp::{self, subject_of, Explain, Interpreter, Limits};
use crate::layout::{self, Layout};
use crate::value::Value;
use crate::verdict::{Failure, Notes, Subject, SubjectResult, Verdict};
use polity_compiler::ir::{LawId, Program};
use polity_compiler::types::Type;
use std::sync::Arc;

/// One law's evaluation, shared by the threads that run its subjects.
pub(super) struct Run<'a> {
    pub jit: &'a JitProgram,
    pub program: &'a Program,
    pub layout: &'a Layout,
    pub law: LawId,
    pub body: usize,
    pub bulk: usize,
    pub limits: Limits,
    pub explain: Explain,
    /// The texts of the context the subjects' words were made in, which
    /// every context of this run adopts (a text's word is an id that only
    /// the context that made it can read).
    pub texts: Vec<Arc<str>>,
    /// The interpreter that explains (with `limits` and `explain`), whose
    /// memo of state-only expressions every chunk shares.
    pub interp: Interpreter<'a>,
}

/// What the JIT decided for one subject that did not simply pass.
enum Decided {
    /// Failed these requirements (a byte per deciding requirement).
    Fail(Vec<u8>),
    /// Passed, with notes to gather.
    Noted,
    /// Faulted.
    Fault(Fault),
    /// Generated code bailed out (or did not agree with itself): the
    /// interpreter decides.
    Interpret,
}

impl Run<'_> {
    pub fn ctx(&self) -> abi::JitCtx<'_> {
        let mut ctx = abi::JitCtx::new(
            self.program,
            &self.jit.types,
            self.layout,
            self.limits.clone(),
            self.jit.memo_slots,
        );
        ctx.adopt_texts(&self.texts);
        ctx
    }

    /// The interpreter, the specification, as this run explains.
    pub fn interp(&self) -> Interpreter<'_> {
        self.interp.clone()
    }

    /// A chunk of subjects (index, word, and value unless it is to be made
    /// from the layout): the JIT's bulk entry decides them all; a failing
    /// subject is run again through the law's own entry for its failed
    /// requirements; then the failing, faulting and noted ones are run by
    /// the interpreter over compiled code (`mixed.rs`), in one context, for
    /// their reasons, notes and errors, and its verdict is compared with the
    /// JIT's. Without explanations ([`Explain::None`]) a failing subject's
    /// verdict is its failed labels, and a noted one passes.
    pub fn chunk(
        &self,
        subjects: &[(usize, i64, Option<&Value>)],
        ty: &Type,
    ) -> (Vec<SubjectResult>, Vec<Disagreement>) {
        let (results, problems, _) = self.chunk_in(subjects, ty, self.ctx());
        (results, problems)
    }

    /// As [`Run::chunk`], in the evaluation context `ctx` (from
    /// [`Run::ctx`]), which is handed back for the next chunk, with the
    /// constants it memoised.
    pub fn chunk_in<'c>(
        &'c self,
        subjects: &[(usize, i64, Option<&Value>)],
        ty: &Type,
        mut ctx: abi::JitCtx<'c>,
    ) -> (Vec<SubjectResult>, Vec<Disagreement>, abi::JitCtx<'c>) {
        let n = self
            .program
            .laws
            .get(self.law.0 as usize)
            .map_or(0, requirement_count);
        let mut failed = vec![0u8; n.max(1)];
        let words: Vec<i64> = subjects.iter().map(|(_, w, _)| *w).collect();
        let decisions = self.jit.bulk(self.bulk, self.body, &mut ctx, &words);
        let mut decisions = decisions.iter().flat_map(Decisions::iter);
        let mut problems = Vec::new();
        let quiet = self.explain == Explain::None;
        // Per subject: `None` when it passed.
        let mut decided: Vec<Option<Decided>> = Vec::with_capacity(subjects.len());
        for w in &words {
            decided.push(match decisions.next() {
                Some(Decision::Pass) => None,
                Some(Decision::Noted) if quiet => None,
                Some(Decision::Noted) => Some(Decided::Noted),
                Some(Decision::Fail) => {
                    failed.fill(0);
                    ctx.next_subject();
                    match self
                        .jit
                        .code
                        .call(self.body, &mut ctx, *w, Some(&mut failed))
                    {
                        Some([0, 0]) => Some(Decided::Fail(failed.clone())),
                        other => {
                            problems.push(Disagreement {
                                item: self.item(),
                                jit: format!(
                                    "decided fail in the bulk entry, {other:?} in the law's entry"
                                ),
                                interpreter: "was asked instead".to_string(),
                            });
                            Some(Decided::Interpret)
                        }
                    }
                }
                Some(Decision::Error(fault)) => Some(Decided::Fault(fault)),
                Some(Decision::Interpret) | None => Some(Decided::Interpret),
            });
        }
        let interpreted = |d: &Option<Decided>| match d {
            None => false,
            Some(Decided::Fail(_)) => !quiet,
            // Out of steps or memory where the interpreter would be: said here.
            Some(Decided::Fault(f)) => f.exhausted(&self.limits).is_none(),
            Some(Decided::Noted | Decided::Interpret) => true,
        };
        // The subjects the interpreter runs: each one's value (made of the
        // fields the law can read) and word.
        let keep = self
            .program
            .laws
            .get(self.law.0 as usize)
            .and_then(|def| subject_fields(self.program, def));
        let (values, their_words): (Vec<Value>, Vec<i64>) = subjects
            .iter()
            .zip(&decided)
            .filter(|(_, d)| interpreted(d))
            .map(|((_, w, v), _)| (self.read_value(ty, *w, *v, keep.as_deref()), *w))
            .unzip();
        // Beside each, what the JIT found failing, when it decided a failure:
        // the interpreter checks again only that.
        let guides = decided.iter().filter(|d| interpreted(d)).map(|d| match d {
            Some(Decided::Fail(failed)) => Some(failed.as_slice()),
            _ => None,
        });
        let refs: Vec<(&Value, Option<&[u8]>)> = values.iter().zip(guides).collect();
        // What the last subject decided built is dead (the decisions are
        // bytes and fault codes): freed before the interpreter runs, so the
        // two engines' work on a subject never adds up in memory.
        ctx.next_subject();
        let mut mixed = Mixed::new(self.jit, self.program, self.limits.clone(), ctx);
        if let Ok(m) = mixed.as_mut() {
            m.know_subjects(ty, values.iter().zip(their_words));
        }
        let interp = self.interp();
        // The labels a failing subject's verdict is checked against, made
        // once per chunk rather than per subject.
        let labels = self
            .program
            .laws
            .get(self.law.0 as usize)
            .map(deciding_labels)
            .unwrap_or_default();
        let accel = mixed.as_ref().ok().map(|m| m as &dyn interp::Accel);
        let mut verdicts = interp
            .eval_law_many_with(accel, self.law, &refs)
            .into_iter();
        let mut values = values.iter();
        let results = subjects
            .iter()
            .zip(decided)
            .map(|((i, w, v), d)| {
                let d = match d {
                    None => {
                        return SubjectResult {
                            subject: self.subject(ty, *i, *w, *v),
                            verdict: Verdict::Pass,
                            notes: Notes::default(),
                        }
                    }
                    Some(Decided::Fail(failed)) if quiet => {
                        return SubjectResult {
                            subject: self.subject(ty, *i, *w, *v),
                            verdict: self.failed(&failed),
                            notes: Notes::default(),
                        }
                    }
                    Some(Decided::Fault(f)) => match f.exhausted(&self.limits) {
                        Some(x) => {
                            let span = self.jit.fault_site(f).copied().unwrap_or_default();
                            let verdict = Verdict::Error(interp::stopped(self.program, span, x));
                            return SubjectResult {
                                subject: self.subject(ty, *i, *w, *v),
                                verdict,
                                notes: Notes::default(),
                            };
                        }
                        None => Decided::Fault(f),
                    },
                    Some(d) => d,
                };
                let value = values.next().cloned().unwrap_or(Value::None);
                let (verdict, notes) = verdicts
                    .next()
                    .unwrap_or_else(|| interp.eval_law_noted(self.law, &value));
                match d {
                    Decided::Noted => {
                        if verdict != Verdict::Pass || notes.is_empty() {
                            problems.push(Disagreement {
                                item: self.item(),
                                jit: "decided a pass with notes".to_string(),
                                interpreter: format!("{verdict:?} with {notes:?}"),
                            });
                        }
                    }
                    Decided::Fail(failed) => {
                        problems.extend(self.disagreement(&verdict, None, (&failed, &labels)))
                    }
                    Decided::Fault(fault) => {
                        problems.extend(self.disagreement(&verdict, Some(fault), (&[], &[])))
                    }
                    Decided::Interpret => {}
                }
                SubjectResult {
                    subject: subject_of(self.program, ty, *i, &value),
                    verdict,
                    notes,
                }
            })
            .collect();
        let ctx = match mixed {
            Ok(m) => m.into_ctx(),
            Err(ctx) => ctx,
        };
        (results, problems, ctx)
    }

    /// The verdict of a subject that failed the requirements marked in
    /// `failed`, without reasons.
    fn failed(&self, failed: &[u8]) -> Verdict {
        let Some(def) = self.program.laws.get(self.law.0 as usize) else {
            return Verdict::Fail(Vec::new());
        };
        let failures = def
            .requirements()
            .into_iter()
            .filter(|r| !r.advisory)
            .zip(failed)
            .filter(|(_, f)| **f != 0)
            .map(|(r, _)| Failure {
                label: r.label.clone(),
                span: r.span,
                reasons: Vec::new(),
                exceptions: r.exceptions.iter().map(|x| x.label.clone()).collect(),
                exception_reasons: Vec::new(),
            })
            .collect();
        Verdict::Fail(failures)
    }

    /// A subject's value: the one given, or made from its layout word.
    pub(super) fn value(&self, ty: &Type, w: i64, v: Option<&Value>) -> Value {
        match v {
            Some(v) => v.clone(),
            None => layout::to_value(self.program, self.layout, ty, w),
        }
    }

    /// As [`Run::value`], with only the fields marked in `keep` made when
    /// the value is made from the layout (the law reads no other).
    fn read_value(&self, ty: &Type, w: i64, v: Option<&Value>, keep: Option<&[bool]>) -> Value {
        match (v, ty, keep) {
            (None, Type::Record(r), Some(keep)) => {
                layout::record_fields_to_value(self.program, self.layout, *r, w, keep)
            }
            _ => self.value(ty, w, v),
        }
    }

    /// How a subject is named: by its `id` field (read from its word when
    /// it has no value), else by its index.
    fn subject(&self, ty: &Type, i: usize, w: i64, v: Option<&Value>) -> Subject {
        if let Some(v) = v {
            return subject_of(self.program, ty, i, v);
        }
        let named = match ty {
            Type::Record(r) => self.program.record(*r).and_then(|d| {
                let at = d.id_field? as usize;
                let field = d.fields.get(at)?;
                let word = *code::words(w, d.fields.len()).get(at)?;
                // A text id is copied straight from the interner: no value
                // (a reference count on a shared text) in between.
                if let Type::Text = field.ty {
                    let text = self.layout.texts.text(word).map_or("", |t| &**t);
                    return Some(Subject::Id(text.to_owned()));
                }
                let id = layout::to_value(self.program, self.layout, &field.ty, word);
                Some(interp::subject_named(i, Some(&id)))
            }),
            _ => None,
        };
        named.unwrap_or_else(|| interp::subject_named(i, None))
    }

    /// The law, as a disagreement names it.
    fn item(&self) -> Compiled {
        let name = self
            .program
            .laws
            .get(self.law.0 as usize)
            .map_or("?", |l| &l.name);
        Compiled::Law(name.to_string())
    }

    /// The disagreement, if any, between the JIT's fault (or, without one,
    /// the requirements marked in `failed` of the law's deciding `labels`)
    /// and the interpreter's verdict.
    pub fn disagreement(
        &self,
        verdict: &Verdict,
        fault: Option<Fault>,
        (failed, labels): (&[u8], &[&str]),
    ) -> Option<Disagreement> {
        let jit = if let Some(fault) = fault {
            let kind = fault.kind.error_kind();
            let span = self.jit.fault_site(fault);
            match verdict {
                Verdict::Error(e) if e.kind == kind && Some(&e.span) == span => return None,
                _ => format!("error {} at {span:?}", kind.as_str()),
            }
        } else {
            let failed_labels = labels
                .iter()
                .zip(failed)
                .filter(|(_, f)| **f != 0)
                .map(|(l, _)| *l);
            match verdict {
                Verdict::Fail(fs)
                    if fs
                        .iter()
                        .map(|f| f.label.as_str())
                        .eq(failed_labels.clone()) =>
                {
                    return None
                }
                _ => format!("fail {:?}", failed_labels.collect::<Vec<_>>()),
            }
        };
        Some(Disagreement {
            item: self.item(),
            jit: format!("decided {jit}"),
            interpreter: format!("{verdict:?}"),
        })
    }
}
