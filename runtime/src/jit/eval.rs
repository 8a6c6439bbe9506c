//! A law's verdicts with explanations: the bulk entry decides, failing and
//! faulting subjects are explained (`run.rs`), across cores for a large
//! collection, and every disagreement with the interpreter is returned.

use super::fault::{Compiled, Disagreement, Fault};
use super::run::Run;
use super::{abi, across_cores_each, code, threads, JitProgram};
use crate::api::Rendered;
use crate::interp::{Explain, Interpreter, Limits};
use crate::layout::{self, Layout};
use crate::snapshot::Snapshot;
use crate::value::Value;
use crate::verdict::{Subject, SubjectResult, Verdict};
use polity_compiler::ir::{ExprKind, LawId, Program};
use polity_compiler::types::Type;

/// The most subjects in a chunk a core takes at a time when a law is
/// evaluated across cores (`across_cores_each`). A collection is cut into
/// at least eight chunks per core, down to one subject a chunk: eight
/// motions that each weigh 30,000 ballots are two cores' work as much as
/// a million members are (measured: docs/performance.md).
const CHUNK_MAX: usize = 4096;

impl JitProgram {
    /// The verdict of `law` for one subject built in memory (as
    /// [`Interpreter::eval_law_for`]), with any disagreement between the
    /// JIT's decision and the interpreter's explanation.
    pub fn eval_law_on(
        &self,
        program: &Program,
        snapshot: &Snapshot,
        layout: &Layout,
        law: LawId,
        subject: &Value,
        limits: Limits,
    ) -> (Verdict, Vec<Disagreement>) {
        let interp = Interpreter::new(program, snapshot).with_limits(limits.clone());
        let entries = self.laws.get(law.0 as usize).copied().flatten();
        let bulk = self.bulks.get(law.0 as usize).copied().flatten();
        let def = program.laws.get(law.0 as usize);
        let (Some((body, _)), Some(bulk), Some(def)) = (entries, bulk, def) else {
            return (interp.eval_law_for(law, subject), Vec::new());
        };
        let ty = def.param.as_ref().map_or(Type::Never, |p| p.ty.clone());
        if self.max_depth > limits.max_call_depth
            || layout.ambiguous
            || layout::holds_ambiguous(program, &ty, subject)
        {
            return (interp.eval_law_for(law, subject), Vec::new());
        }
        let mut run = Run {
            jit: self,
            program,
            layout,
            law,
            body,
            bulk,
            limits,
            explain: Explain::default(),
            texts: Vec::new(),
            interp: interp.clone(),
        };
        let mut keep = run.ctx();
        let word = keep.keep_word(subject);
        run.texts = keep.texts().to_vec();
        let (results, problems) = run.chunk(&[(0, word, Some(subject))], &ty);
        match results.into_iter().next() {
            Some(r) => (r.verdict, problems),
            None => (interp.eval_law_for(law, subject), problems),
        }
    }

    /// Every subject's verdict for `law` (as [`Interpreter::eval_law`]).
    pub fn eval_law(
        &self,
        program: &Program,
        snapshot: &Snapshot,
        layout: &Layout,
        law: LawId,
        limits: Limits,
    ) -> Vec<SubjectResult> {
        self.eval_law_checked(program, snapshot, layout, law, limits, Explain::default())
            .0
    }

    /// As [`JitProgram::eval_law`], with every disagreement between the JIT's
    /// decision and the interpreter's verdict on a failing or faulting subject.
    pub fn eval_law_checked(
        &self,
        program: &Program,
        snapshot: &Snapshot,
        layout: &Layout,
        law: LawId,
        limits: Limits,
        explain: Explain,
    ) -> (Vec<SubjectResult>, Vec<Disagreement>) {
        let mut results = Vec::new();
        let each = &mut |chunk| results.extend(chunk);
        let (whole, problems) = self.eval_law_each(
            program,
            snapshot,
            layout,
            (law, limits, explain),
            (&|chunk| chunk, each),
        );
        results.extend(whole.into_iter().flatten());
        (results, problems)
    }

    /// As [`JitProgram::eval_law_checked`], handing the results to `each`
    /// a chunk of subjects at a time, in subject order, as they are done
    /// (a caller that writes each chunk out and drops it never holds the
    /// whole law's verdicts) — except when the law is evaluated whole
    /// (small, or by the interpreter): then its results are returned,
    /// after those of no chunk. Each chunk is first given to `render` on
    /// the thread that evaluated it, so that what the caller makes of the
    /// verdicts (its output's text) is made on every core too, and `each`
    /// gets what `render` made. Also returns the disagreements.
    pub fn eval_law_each<R: Send>(
        &self,
        program: &Program,
        snapshot: &Snapshot,
        layout: &Layout,
        (law, limits, explain): (LawId, Limits, Explain),
        (render, each): Rendered<'_, '_, R>,
    ) -> (Option<Vec<SubjectResult>>, Vec<Disagreement>) {
        let interp = Interpreter::new(program, snapshot)
            .with_limits(limits.clone())
            .with_explain(explain);
        let entries = self.laws.get(law.0 as usize).copied().flatten();
        let bulk = self.bulks.get(law.0 as usize).copied().flatten();
        let def = program.laws.get(law.0 as usize);
        let (Some((body, coll)), Some(bulk), Some(def)) = (entries, bulk, def) else {
            return (Some(interp.eval_law(law)), Vec::new());
        };
        if self.max_depth > limits.max_call_depth || layout.ambiguous {
            return (Some(interp.eval_law(law)), Vec::new());
        }
        let mut run = Run {
            jit: self,
            program,
            layout,
            law,
            body,
            bulk,
            limits,
            explain,
            texts: Vec::new(),
            interp: interp.clone(),
        };
        let (Some(coll), Some(param)) = (coll, &def.param) else {
            let (mut results, problems) = run.chunk(&[(0, 0, Some(&Value::None))], &Type::Never);
            for r in &mut results {
                r.subject = Subject::Whole;
            }
            return (Some(results), problems);
        };
        // A state name's elements live in the layout, so a failing subject's
        // value is made from its word; any other collection is evaluated by
        // the interpreter too (its elements may hold texts that only the
        // JIT's evaluation context knows).
        let values = match param.collection.kind {
            ExprKind::State(_) => None,
            _ => match interp.eval_expr(&param.collection, def.frame_size) {
                Ok(v) => Some(v),
                Err(_) => return (Some(interp.eval_law(law)), Vec::new()),
            },
        };
        let mut ctx = run.ctx();
        let words = match self.code.call(coll, &mut ctx, 0, None) {
            Some([w, 0]) => code::list(w).to_vec(),
            other => {
                // The interpreter must fault the same way (one error for the
                // whole law); anything else is a disagreement.
                let results = interp.eval_law(law);
                // `None`: generated code bailed out (or was not entered).
                let fault = other.and_then(|[_, f]| Fault::decode(f));
                let problems = match fault {
                    Some(fault)
                        if !matches!(results.as_slice(), [SubjectResult { verdict: Verdict::Error(e), .. }]
                        if e.kind == fault.kind.error_kind() && Some(&e.span) == self.fault_site(fault)) =>
                    {
                        vec![Disagreement {
                            item: Compiled::Law(def.name.clone()),
                            jit: format!(
                                "faulted evaluating the collection ({} at {:?})",
                                fault.kind.error_kind().as_str(),
                                self.fault_site(fault)
                            ),
                            interpreter: "did not".to_string(),
                        }]
                    }
                    _ => Vec::new(),
                };
                return (Some(results), problems);
            }
        };
        run.texts = ctx.texts().to_vec();
        let subjects: Vec<(usize, i64, Option<&Value>)> = match &values {
            None => words
                .iter()
                .enumerate()
                .map(|(i, w)| (i, *w, None))
                .collect(),
            Some(values) if values.elements().len() == words.len() => words
                .iter()
                .zip(values.elements())
                .enumerate()
                .map(|(i, (w, v))| (i, *w, Some(v)))
                .collect(),
            Some(values) => {
                let problem = Disagreement {
                    item: Compiled::Law(def.name.clone()),
                    jit: format!("made a collection of {} elements", words.len()),
                    interpreter: format!("one of {}", values.elements().len()),
                };
                return (Some(interp.eval_law(law)), vec![problem]);
            }
        };
        let ty = &param.ty;
        let mut problems = Vec::new();
        if subjects.len() < 2 {
            let (results, p) = run.chunk(&subjects, ty);
            return (Some(results), p);
        }
        // Each core takes chunks as it finishes them, in a context of its
        // own that it keeps (with its memoised constants); the chunks are
        // handed on in order as they are done.
        let run = &run;
        across_cores_each(
            &subjects,
            subjects.len().div_ceil(threads() * 8).min(CHUNK_MAX),
            || None::<abi::JitCtx<'_>>,
            |ctx, c| {
                let fresh = ctx.take().unwrap_or_else(|| run.ctx());
                let (results, problems, back) = run.chunk_in(c, ty, fresh);
                *ctx = Some(back);
                (render(results), problems)
            },
            // A chunk whose worker panicked (a bug): the interpreter's
            // verdicts for its subjects.
            |c| {
                let values: Vec<Value> = c.iter().map(|(_, w, v)| run.value(ty, *w, *v)).collect();
                let refs: Vec<&Value> = values.iter().collect();
                let results = interp
                    .eval_law_many(law, &refs)
                    .into_iter()
                    .zip(c.iter().zip(&values))
                    .map(|((verdict, notes), ((i, _, _), value))| SubjectResult {
                        subject: crate::interp::subject_of(program, ty, *i, value),
                        verdict,
                        notes,
                    })
                    .collect();
                (render(results), Vec::new())
            },
            |(results, p)| {
                problems.extend(p);
                each(results);
            },
        );
        (None, problems)
    }
}
