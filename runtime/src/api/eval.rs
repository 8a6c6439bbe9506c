//! Evaluating laws over a [`State`].

use super::compile::{Program, State};
use crate::interp::{self, subject_of, Explain, Interpreter, Limits, TestOutcome};
use crate::value::Value;
use crate::verdict::{Notes, Subject, SubjectResult, Verdict};
use polity_compiler::ir::LawId;
use std::fmt;

/// What evaluating a law a chunk of subjects at a time does with each
/// chunk of results: `render` it on the thread that evaluated it, then
/// hand what that made to `each`, on the calling thread, in subject order.
pub type Rendered<'a, 'b, R> = (
    &'a (dyn Fn(Vec<SubjectResult>) -> R + Sync),
    &'a mut (dyn FnMut(R) + 'b),
);

/// How many of the results that come all at once (the interpreter's, or a
/// law the JIT evaluates whole) [`LawRun::run_rendered`] renders at a time.
const RENDER_CHUNK: usize = 4096;

/// Which engine evaluates. Every engine must give identical verdicts; the
/// interpreter is the specification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Machine code from Cranelift (laws it cannot compile run in the
    /// interpreter; see [`crate::jit`]).
    #[default]
    Jit,
    /// The reference interpreter.
    Interpreter,
}

impl Engine {
    /// Every engine, for tests that check they agree.
    pub const ALL: &'static [Engine] = &[Engine::Interpreter, Engine::Jit];
}

/// Every subject's verdict for one law.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LawReport {
    /// The law's name.
    pub law: String,
    /// One result per element of its collection (one for a law without parameter).
    pub results: Vec<SubjectResult>,
    /// Where the JIT's own decision differed from the interpreter's verdict
    /// (which is the one reported): an internal error, never expected; each
    /// says which law and what each engine decided. Always empty for the
    /// interpreter.
    pub disagreements: Vec<crate::jit::Disagreement>,
}

/// One law, evaluated when it is run ([`LawRun::run`]): its results are
/// handed on a chunk of subjects at a time, so a caller that writes them
/// out as they come never holds the whole law's verdicts.
#[derive(Clone, Debug)]
pub struct LawRun<'a> {
    /// The law's name.
    pub law: &'a str,
    program: &'a Program,
    state: &'a State,
    id: LawId,
    options: EvalOptions,
}

impl LawRun<'_> {
    /// Evaluates the law for every subject, handing the results to `each`
    /// in subject order, a chunk at a time (with the JIT, each as soon as
    /// it and those before it are done, while later ones are evaluated);
    /// returns the disagreements ([`LawReport::disagreements`]).
    pub fn run(self, each: &mut dyn FnMut(Vec<SubjectResult>)) -> Vec<crate::jit::Disagreement> {
        self.run_rendered(&|chunk| chunk, each)
    }

    /// As [`LawRun::run`], each chunk first given to `render` on the thread
    /// that evaluated it (with the JIT, each core renders its own chunks,
    /// so turning verdicts into output is spread across the cores as
    /// evaluating them is), and `each` given what `render` made, in
    /// subject order. The interpreter's results, which come all at once,
    /// are rendered here in chunks of 4,096, each result's
    /// reasons dropped as soon as it is rendered.
    pub fn run_rendered<R: Send>(
        self,
        render: &(dyn Fn(Vec<SubjectResult>) -> R + Sync),
        each: &mut dyn FnMut(R),
    ) -> Vec<crate::jit::Disagreement> {
        self.program
            .eval_law_chunks(self.state, self.id, self.options, (render, each))
    }

    /// Evaluates the law, keeping every result.
    pub fn report(self) -> LawReport {
        let law = self.law.to_string();
        let mut results = Vec::new();
        let disagreements = self.run(&mut |chunk| results.extend(chunk));
        LawReport {
            law,
            results,
            disagreements,
        }
    }
}

/// How laws are evaluated: the engine, the limits, and how much each
/// verdict explains.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// The engine (default: the JIT).
    pub engine: Engine,
    /// Resource limits.
    pub limits: Limits,
    /// How much each verdict explains (default: the reasons).
    pub explain: Explain,
}

impl LawReport {
    /// How many results passed, failed and errored.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        add_counts(&self.results, &mut c);
        c
    }
}

/// Adds how many of `results` passed, failed and errored to `c` (a law's
/// counts, whole or chunk by chunk).
pub(crate) fn add_counts(results: &[SubjectResult], c: &mut (usize, usize, usize)) {
    for r in results {
        match r.verdict {
            Verdict::Pass => c.0 += 1,
            Verdict::Fail(_) => c.1 += 1,
            Verdict::Error(_) => c.2 += 1,
        }
    }
}

/// A law or subject that does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnknownLaw {
    /// No law has this name.
    Law {
        /// The name asked for.
        name: String,
        /// The closest law name.
        suggestion: Option<String>,
    },
    /// The law's collection has no element with this id.
    Subject {
        /// The law.
        law: String,
        /// The id asked for.
        id: String,
    },
}

impl fmt::Display for UnknownLaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnknownLaw::Law { name, suggestion } => {
                write!(f, "no law named `{name}`")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean `{s}`?")?;
                }
                Ok(())
            }
            UnknownLaw::Subject { law, id } => write!(f, "law `{law}` has no subject `{id}`"),
        }
    }
}

impl std::error::Error for UnknownLaw {}

impl Program {
    fn law_id(&self, name: &str) -> Result<polity_compiler::ir::LawId, UnknownLaw> {
        self.ir()
            .law(name)
            .map(|(id, _)| id)
            .ok_or_else(|| UnknownLaw::Law {
                name: name.to_string(),
                suggestion: polity_compiler::diagnostic::did_you_mean(name, self.laws())
                    .map(str::to_string),
            })
    }

    /// Evaluates one law for every subject, with default limits and engine.
    pub fn eval_law(&self, state: &State, law: &str) -> Result<LawReport, UnknownLaw> {
        self.eval_law_with(state, law, Limits::default())
    }

    /// Evaluates one law for every subject under `limits`, with the default engine.
    pub fn eval_law_with(
        &self,
        state: &State,
        law: &str,
        limits: Limits,
    ) -> Result<LawReport, UnknownLaw> {
        self.eval_law_engine(state, law, limits, Engine::default())
    }

    /// Evaluates one law for every subject under `limits` with `engine`.
    pub fn eval_law_engine(
        &self,
        state: &State,
        law: &str,
        limits: Limits,
        engine: Engine,
    ) -> Result<LawReport, UnknownLaw> {
        let options = EvalOptions {
            engine,
            limits,
            explain: Explain::default(),
        };
        self.eval_law_options(state, law, options)
    }

    /// Evaluates one law for every subject as `options` say.
    pub fn eval_law_options(
        &self,
        state: &State,
        law: &str,
        options: EvalOptions,
    ) -> Result<LawReport, UnknownLaw> {
        let id = self.law_id(law)?;
        Ok(self.run_law(state, id, law, options))
    }

    fn run_law(&self, state: &State, id: LawId, name: &str, options: EvalOptions) -> LawReport {
        self.law_run(state, id, name, options).report()
    }

    fn law_run<'a>(
        &'a self,
        state: &'a State,
        id: LawId,
        law: &'a str,
        options: EvalOptions,
    ) -> LawRun<'a> {
        LawRun {
            law,
            program: self,
            state,
            id,
            options,
        }
    }

    /// The law named `law`, to be evaluated as `options` say when it is
    /// run.
    pub fn law_run_named<'a>(
        &'a self,
        state: &'a State,
        law: &str,
        options: EvalOptions,
    ) -> Result<LawRun<'a>, UnknownLaw> {
        let id = self.law_id(law)?;
        let name = self
            .ir()
            .laws
            .get(id.0 as usize)
            .map_or("", |l| l.name.as_str());
        Ok(self.law_run(state, id, name, options))
    }

    /// Every law, in source order, each to be evaluated as `options` say
    /// when it is run.
    pub fn law_runs<'a>(
        &'a self,
        state: &'a State,
        options: EvalOptions,
    ) -> impl Iterator<Item = LawRun<'a>> + 'a {
        self.ir()
            .laws
            .iter()
            .enumerate()
            .map(move |(i, l)| self.law_run(state, LawId(i as u32), &l.name, options.clone()))
    }

    /// Evaluates the law `id` for every subject as `options` say, handing
    /// the results to `each` in subject order a chunk at a time (with the
    /// JIT, as they are done, while later ones are evaluated; the
    /// interpreter hands them all at once); returns the disagreements
    /// ([`LawReport::disagreements`]). A caller that writes each chunk out
    /// and drops it holds only a chunk's verdicts.
    fn eval_law_chunks<'a, 'b, R: Send>(
        &self,
        state: &State,
        id: LawId,
        options: EvalOptions,
        (render, each): Rendered<'a, 'b, R>,
    ) -> Vec<crate::jit::Disagreement> {
        let (whole, problems) = match self.jit_for(options.engine) {
            Some(jit) => {
                let layout = state.layout(self.ir(), jit);
                let how = (id, options.limits, options.explain);
                let rendered = (render, &mut *each);
                jit.eval_law_each(self.ir(), state.snapshot(), layout, how, rendered)
            }
            None => {
                let results = Interpreter::new(self.ir(), state.snapshot())
                    .with_limits(options.limits)
                    .with_explain(options.explain)
                    .eval_law(id);
                (Some(results), Vec::new())
            }
        };
        if let Some(results) = whole {
            // Rendered a chunk at a time (an empty law is one empty chunk).
            let mut results = results.into_iter();
            loop {
                let chunk: Vec<SubjectResult> = results.by_ref().take(RENDER_CHUNK).collect();
                let last = results.len() == 0;
                each(render(chunk));
                if last {
                    break;
                }
            }
        }
        problems
    }

    /// Evaluates every law, in source order, with the default engine.
    pub fn eval_all(&self, state: &State) -> Vec<LawReport> {
        self.eval_all_with(state, Engine::default())
    }

    /// Evaluates every law, in source order, with `engine`.
    pub fn eval_all_with(&self, state: &State, engine: Engine) -> Vec<LawReport> {
        let options = EvalOptions {
            engine,
            ..EvalOptions::default()
        };
        self.eval_all_options(state, options)
    }

    /// Evaluates every law, in source order, as `options` say.
    pub fn eval_all_options(&self, state: &State, options: EvalOptions) -> Vec<LawReport> {
        self.eval_each_options(state, options).collect()
    }

    /// Evaluates every law, in source order, as `options` say, each when the
    /// iterator reaches it: a caller that writes each report out and drops it
    /// holds one law's verdicts at a time.
    pub fn eval_each_options<'a>(
        &'a self,
        state: &'a State,
        options: EvalOptions,
    ) -> impl Iterator<Item = LawReport> + 'a {
        self.ir()
            .laws
            .iter()
            .enumerate()
            .map(move |(i, l)| self.run_law(state, LawId(i as u32), &l.name, options.clone()))
    }

    /// Evaluates one law for the subject whose id is `subject` (or, written
    /// `#3`, the element at that position); only that subject is evaluated.
    ///
    /// One subject is evaluated by the interpreter, whatever the default
    /// engine: the JIT would first build the snapshot's native layout (once
    /// per [`State`]), which costs far more than one subject. For many
    /// subjects, use [`Program::eval_law_engine`].
    pub fn eval_law_for(
        &self,
        state: &State,
        law: &str,
        subject: &str,
    ) -> Result<Verdict, UnknownLaw> {
        self.eval_law_for_with(state, law, subject, Limits::default())
    }

    /// As [`Program::eval_law_for`], under `limits`.
    pub fn eval_law_for_with(
        &self,
        state: &State,
        law: &str,
        subject: &str,
        limits: Limits,
    ) -> Result<Verdict, UnknownLaw> {
        let id = self.law_id(law)?;
        let interp = Interpreter::new(self.ir(), state.snapshot()).with_limits(limits);
        let not_found = || UnknownLaw::Subject {
            law: law.to_string(),
            id: subject.to_string(),
        };
        let Some(def) = self.ir().laws.get(id.0 as usize) else {
            return Err(not_found());
        };
        let Some(param) = &def.param else {
            return if subject.is_empty() {
                Ok(interp.eval_law_for(id, &Value::None))
            } else {
                Err(not_found())
            };
        };
        let collection = match interp.eval_expr(&param.collection, def.frame_size) {
            Ok(c) => c,
            Err(e) => return Ok(Verdict::Error(e)),
        };
        let found = collection.elements().iter().enumerate().find(|(i, x)| {
            subject == format!("#{i}")
                || subject_matches(&subject_of(self.ir(), &param.ty, *i, x), subject)
        });
        match found {
            Some((_, x)) => Ok(interp.eval_law_for(id, x)),
            None => Err(not_found()),
        }
    }

    /// Evaluates `law` again for the subjects at `positions` of its
    /// collection (in the order given), in the interpreter, explained as
    /// `options` say: the reasons for a few subjects of a law already
    /// decided without them. A law without parameter has one subject, at
    /// position 0; a position past the collection's end gives no result.
    pub fn eval_law_at(
        &self,
        state: &State,
        law: &str,
        positions: &[usize],
        options: &EvalOptions,
    ) -> Result<Vec<(Verdict, Notes)>, UnknownLaw> {
        let id = self.law_id(law)?;
        let interp = Interpreter::new(self.ir(), state.snapshot())
            .with_limits(options.limits.clone())
            .with_explain(options.explain);
        let param = self
            .ir()
            .laws
            .get(id.0 as usize)
            .map(|def| (def.param.as_ref(), def.frame_size));
        let Some((Some(param), frame_size)) = param else {
            let whole = positions.iter().filter(|&&i| i == 0);
            return Ok(whole
                .map(|_| interp.eval_law_noted(id, &Value::None))
                .collect());
        };
        let collection = match interp.eval_expr(&param.collection, frame_size) {
            Ok(c) => c,
            Err(e) => {
                let error = || (Verdict::Error(e.clone()), Notes::default());
                return Ok(positions.iter().map(|_| error()).collect());
            }
        };
        let elements = collection.elements();
        let subjects: Vec<&Value> = positions.iter().filter_map(|&i| elements.get(i)).collect();
        Ok(interp.eval_law_many(id, &subjects))
    }

    /// Evaluates one law for a value built in memory (any value of its
    /// subject type), in the interpreter (as [`Program::eval_law_for`]).
    pub fn eval_law_on(
        &self,
        state: &State,
        law: &str,
        subject: &Value,
    ) -> Result<Verdict, UnknownLaw> {
        self.eval_law_on_with(state, law, subject, Limits::default())
    }

    /// As [`Program::eval_law_on`], under `limits`.
    pub fn eval_law_on_with(
        &self,
        state: &State,
        law: &str,
        subject: &Value,
        limits: Limits,
    ) -> Result<Verdict, UnknownLaw> {
        let id = self.law_id(law)?;
        let interp = Interpreter::new(self.ir(), state.snapshot()).with_limits(limits);
        Ok(interp.eval_law_for(id, subject))
    }

    /// Runs every `test` block with the default engine.
    pub fn run_tests(&self) -> Vec<TestOutcome> {
        self.run_tests_with(Engine::default())
    }

    /// Runs every `test` block with `engine`. Under the JIT, a test that
    /// does not pass is re-run in the interpreter for its explanation (as a
    /// law's failing subject is).
    pub fn run_tests_with(&self, engine: Engine) -> Vec<TestOutcome> {
        self.run_tests_limited(engine, Limits::default())
    }

    /// As [`Program::run_tests_with`], under `limits` (the step budget is
    /// per `test` block).
    pub fn run_tests_limited(&self, engine: Engine, limits: Limits) -> Vec<TestOutcome> {
        match self.jit_for(engine) {
            Some(jit) => jit.run_tests_checked(self.ir(), limits).0,
            None => interp::run_tests(self.ir(), limits),
        }
    }
}

fn subject_matches(s: &Subject, wanted: &str) -> bool {
    match s {
        Subject::Id(id) => id == wanted,
        Subject::IntId(n) => n.to_string() == wanted,
        Subject::Index(i) => wanted.strip_prefix('#').unwrap_or(wanted) == i.to_string(),
        Subject::Whole => wanted.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn programs_and_states_cross_threads() {
        assert_send_sync::<Program>();
        assert_send_sync::<State>();
        let program = Program::compile(
            "t.polity",
            "charter \"T\" { version: 1 }\nrecord M { id: Text, n: Int }\nstate { ms: List<M> }\nlaw big(m in ms) { require \"big\": m.n > 1 }\n",
        )
        .unwrap();
        let state = program
            .load_snapshot(br#"{"ms": [{"id": "a", "n": 1}, {"id": "b", "n": 2}]}"#)
            .unwrap();
        let verdicts: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = ["a", "b"]
                .iter()
                .map(|id| {
                    s.spawn(|| {
                        program
                            .eval_law_for(&state, "big", id)
                            .unwrap()
                            .as_str()
                            .to_string()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(verdicts, ["fail", "pass"]);
        assert_eq!(
            program.eval_law_for(&state, "big", "#1").unwrap().as_str(),
            "pass"
        );
        assert!(matches!(
            program.eval_law_for(&state, "big", "zed"),
            Err(UnknownLaw::Subject { .. })
        ));
        assert!(matches!(
            program.eval_law_for(&state, "bg", "a"),
            Err(UnknownLaw::Law {
                suggestion: Some(_),
                ..
            })
        ));
    }
}
