//! Running one case: compile, load, evaluate on every engine, and compare.
//! Also compares a second, fresh compilation and load with the first, so
//! nondeterminism shows even while both engines are the interpreter.

use polity::api::{Engine, EvalOptions, Explain, LawReport, Limits, Program};
use polity::verdict::Verdict;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// What went wrong with a case; the minimiser keeps a candidate only if it
/// fails in the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Something panicked (the stage says where).
    Panic(&'static str),
    /// A generated charter did not compile (first diagnostic code).
    Compile(String),
    /// A generated snapshot was rejected.
    Load,
    /// Two engines gave different verdicts.
    Disagree,
    /// The same engine gave different verdicts for a fresh compilation.
    Nondeterministic,
    /// Evaluating one law alone (`eval_law`) differs from evaluating all.
    Inconsistent,
}

/// A failing case: how it failed, and the details to report.
#[derive(Clone, Debug)]
pub struct Failure {
    /// How it failed.
    pub kind: Kind,
    /// The difference, panic message or diagnostics.
    pub detail: String,
}

/// Verdict counts over many cases (to see what the generator reaches).
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Subjects that passed.
    pub pass: usize,
    /// Subjects that failed.
    pub fail: usize,
    /// Errors by kind (`overflow`, `missing_value`, ...).
    pub errors: BTreeMap<&'static str, usize>,
    /// `test` block outcomes.
    pub tests_passed: usize,
    /// `test` blocks that failed or faulted.
    pub tests_failed: usize,
}

thread_local! {
    static QUIET: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics inside [`catch`] are recorded instead of printed.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let quiet = QUIET.with(|q| {
                let mut q = q.borrow_mut();
                match q.as_mut() {
                    Some(slot) => {
                        *slot = info.to_string();
                        true
                    }
                    None => false,
                }
            });
            if !quiet {
                default(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into its message.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    QUIET.with(|q| *q.borrow_mut() = Some(String::new()));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    let msg = QUIET.with(|q| q.borrow_mut().take()).unwrap_or_default();
    r.map_err(|_| msg)
}

fn fail(kind: Kind, detail: impl Into<String>) -> Failure {
    Failure {
        kind,
        detail: detail.into(),
    }
}

/// Compiles and loads, or says why not.
fn prepare(source: &str, json: &str) -> Result<(Program, polity::api::State), Failure> {
    let program = catch(|| Program::compile("generated.polity", source))
        .map_err(|m| fail(Kind::Panic("compile"), m))?
        .map_err(|e| {
            let code = e
                .diagnostics
                .iter()
                .find(|d| d.is_error())
                .map_or("?", |d| d.code);
            fail(Kind::Compile(code.to_string()), e.render(false))
        })?;
    let state = catch(|| program.load_snapshot(json.as_bytes()))
        .map_err(|m| fail(Kind::Panic("load"), m))?
        .map_err(|e| fail(Kind::Load, e.to_string()))?;
    Ok((program, state))
}

fn eval(
    program: &Program,
    state: &polity::api::State,
    engine: Engine,
    limits: Limits,
) -> Result<Vec<LawReport>, Failure> {
    let options = EvalOptions {
        engine,
        limits,
        ..EvalOptions::default()
    };
    catch(|| program.eval_all_options(state, options))
        .map_err(|m| fail(Kind::Panic("eval"), format!("{engine:?}: {m}")))
}

/// Every figure has the same value (or the same fault, kind, message and
/// span) on every engine under `limits`, and the JIT reports no
/// disagreement with the interpreter.
fn figures_agree(
    program: &Program,
    state: &polity::api::State,
    engines: &[Engine],
    limits: Limits,
    within: &str,
) -> Result<(), Failure> {
    let options = |engine| EvalOptions {
        engine,
        limits: limits.clone(),
        explain: Explain::None,
    };
    let first = engines.first().copied().unwrap_or_default();
    let (expected, _) = catch(|| program.figures(state, &options(first)))
        .map_err(|m| fail(Kind::Panic("figures"), m))?;
    for &engine in engines.iter().skip(1) {
        let (got, problems) = catch(|| program.figures(state, &options(engine)))
            .map_err(|m| fail(Kind::Panic("figures"), m))?;
        if let Some(p) = problems.first() {
            return Err(fail(Kind::Disagree, format!("{p}{within}")));
        }
        if let Some((a, b)) = expected.iter().zip(&got).find(|(a, b)| a != b) {
            return Err(fail(
                Kind::Disagree,
                format!(
                    "figure `{}`{within}: {first:?} gave {:?}, {engine:?} gave {:?}",
                    a.name, a.value, b.value
                ),
            ));
        }
    }
    Ok(())
}

/// Limits tight enough that deep calls and big collections end in a `limit`
/// error quickly, which every engine must report alike (for fuzzing).
pub fn tight_limits() -> Limits {
    // `..` keeps this building when `Limits` gains a budget.
    #[allow(clippy::needless_update)]
    Limits {
        max_call_depth: 24,
        max_collection_len: 4096,
        ..Limits::default()
    }
}

/// Runs one case with the default limits; `tally` counts its verdicts.
pub fn run(source: &str, json: &str, engines: &[Engine], tally: &mut Tally) -> Result<(), Failure> {
    run_with(source, json, engines, Limits::default(), tally)
}

/// Runs one case with `limits` on every evaluation of a law (a fuzzer's
/// tight ones make a `limit` error that every engine must give alike).
pub fn run_with(
    source: &str,
    json: &str,
    engines: &[Engine],
    limits: Limits,
    tally: &mut Tally,
) -> Result<(), Failure> {
    let (program, state) = prepare(source, json)?;
    let first = engines.first().copied().unwrap_or_default();
    let expected = eval(&program, &state, first, limits.clone())?;
    for &engine in engines.iter().skip(1) {
        let got = eval(&program, &state, engine, limits.clone())?;
        if let Some(d) = difference(&expected, &got) {
            return Err(fail(
                Kind::Disagree,
                format!("{first:?} and {engine:?} disagree: {d}"),
            ));
        }
        if let Some(d) = got.iter().flat_map(|r| &r.disagreements).next() {
            return Err(fail(Kind::Disagree, d.to_string()));
        }
    }
    figures_agree(&program, &state, engines, limits.clone(), "")?;
    // Without explanations, and with how every number was computed: the
    // same on every engine (the JIT's explanations are the interpreter's
    // walk over values its compiled code computes).
    for explain in [Explain::None, Explain::Full] {
        let options = |engine| EvalOptions {
            engine,
            limits: limits.clone(),
            explain,
        };
        let expected = catch(|| program.eval_all_options(&state, options(first)))
            .map_err(|m| fail(Kind::Panic("eval"), m))?;
        for &engine in engines.iter().skip(1) {
            let got = catch(|| program.eval_all_options(&state, options(engine)))
                .map_err(|m| fail(Kind::Panic("eval"), m))?;
            if let Some(d) = difference(&expected, &got) {
                return Err(fail(
                    Kind::Disagree,
                    format!("{first:?} and {engine:?} disagree with {explain:?}: {d}"),
                ));
            }
        }
    }
    // Under a small step or memory budget, every engine runs out at the
    // same point (`interp/budget.rs`: loop iterations and calls, bytes of
    // values built, counted alike), so the verdicts, `limit` errors
    // included, are the same; and the explained ones the same as the
    // unexplained ones.
    for (budget, within) in budgets(source, &limits) {
        let options = |engine, explain| EvalOptions {
            engine,
            explain,
            limits: budget.clone(),
        };
        let expected = catch(|| program.eval_all_options(&state, options(first, Explain::Reasons)))
            .map_err(|m| fail(Kind::Panic("eval"), m))?;
        for &engine in engines.iter().skip(1) {
            for explain in [Explain::Reasons, Explain::None] {
                let got = catch(|| program.eval_all_options(&state, options(engine, explain)))
                    .map_err(|m| fail(Kind::Panic("eval"), m))?;
                if let Some(d) = got.iter().flat_map(|r| &r.disagreements).next() {
                    return Err(fail(Kind::Disagree, format!("{within}: {d}")));
                }
                let same = match explain {
                    Explain::None => difference(&unexplained(&expected), &unexplained(&got)),
                    _ => difference(&expected, &got),
                };
                if let Some(d) = same {
                    return Err(fail(
                        Kind::Disagree,
                        format!("{first:?} and {engine:?} disagree {within} ({explain:?}): {d}"),
                    ));
                }
            }
        }
        figures_agree(
            &program,
            &state,
            engines,
            budget.clone(),
            &format!(" {within}"),
        )?;
        let tests = catch(|| program.run_tests_limited(first, budget.clone()))
            .map_err(|m| fail(Kind::Panic("test"), m))?;
        for &engine in engines.iter().skip(1) {
            let got = catch(|| program.run_tests_limited(engine, budget.clone()))
                .map_err(|m| fail(Kind::Panic("test"), m))?;
            if got != tests {
                return Err(fail(
                    Kind::Disagree,
                    format!("tests {within}: {first:?} gave {tests:?}, {engine:?} gave {got:?}"),
                ));
            }
        }
    }
    // The JIT compiles every generated law (no silent fallback) and its own
    // decisions (failed labels; error kind and span) match the interpreter's.
    if engines.contains(&Engine::Jit) && polity::api::HAS_JIT {
        let jit = program
            .jit()
            .ok_or_else(|| fail(Kind::Disagree, "the JIT did not compile"))?;
        if let Some(f) = jit.fallbacks().first() {
            return Err(fail(
                Kind::Disagree,
                format!("{} fell back to the interpreter: {}", f.item, f.reason),
            ));
        }
        let layout = state.layout(program.ir(), jit);
        for i in 0..program.ir().laws.len() {
            let id = polity_compiler::ir::LawId(i as u32);
            let (_, problems) = catch(|| {
                jit.eval_law_checked(
                    program.ir(),
                    state.snapshot(),
                    layout,
                    id,
                    limits.clone(),
                    Default::default(),
                )
            })
            .map_err(|m| fail(Kind::Panic("jit"), m))?;
            if let Some(p) = problems.first() {
                return Err(fail(Kind::Disagree, p.to_string()));
            }
        }
    }
    // `test` blocks: the same outcomes (explanations included) on every
    // engine; the JIT compiles every one and decides as the interpreter does.
    let tests =
        catch(|| program.run_tests_with(first)).map_err(|m| fail(Kind::Panic("test"), m))?;
    for &engine in engines.iter().skip(1) {
        let got =
            catch(|| program.run_tests_with(engine)).map_err(|m| fail(Kind::Panic("test"), m))?;
        if got != tests {
            return Err(fail(
                Kind::Disagree,
                format!("tests: {first:?} gave {tests:?}, {engine:?} gave {got:?}"),
            ));
        }
    }
    if let (true, Some(jit)) = (engines.contains(&Engine::Jit), program.jit()) {
        let (_, problems) = catch(|| jit.run_tests_checked(program.ir(), Default::default()))
            .map_err(|m| fail(Kind::Panic("jit tests"), m))?;
        if let Some(p) = problems.first() {
            return Err(fail(Kind::Disagree, p.to_string()));
        }
    }
    for t in &tests {
        match &t.result {
            Ok(()) => tally.tests_passed += 1,
            Err(_) => tally.tests_failed += 1,
        }
    }
    // A fresh compilation and load must mean the same.
    let (again, state2) = prepare(source, json)?;
    let got = eval(&again, &state2, first, limits.clone())?;
    if let Some(d) = difference(&expected, &got) {
        return Err(fail(
            Kind::Nondeterministic,
            format!("{first:?} on a fresh compilation: {d}"),
        ));
    }
    // One law at a time (constants memoised per evaluation) means the same.
    for report in &expected {
        // the default engine, as `Program::eval_law` uses
        let options = EvalOptions {
            limits: limits.clone(),
            ..EvalOptions::default()
        };
        let alone = catch(|| program.eval_law_options(&state, &report.law, options))
            .map_err(|m| fail(Kind::Panic("eval_law"), m))?
            .map_err(|e| fail(Kind::Inconsistent, e.to_string()))?;
        if let Some(d) = difference(std::slice::from_ref(report), &[alone]) {
            return Err(fail(Kind::Inconsistent, format!("`eval_law` alone: {d}")));
        }
    }
    for r in expected.iter().flat_map(|r| &r.results) {
        match r.verdict {
            Verdict::Pass => tally.pass += 1,
            Verdict::Fail(_) => tally.fail += 1,
            Verdict::Error(ref e) => *tally.errors.entry(e.kind.as_str()).or_default() += 1,
        }
    }
    Ok(())
}

/// The step and memory budgets a case is run under, each with how a
/// message names it: small ones, so that generated charters run out of
/// them, chosen from the case itself.
fn budgets(source: &str, limits: &Limits) -> Vec<(Limits, String)> {
    let h = source
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let steps = [h % 8, 8 + (h / 8) % 120].map(|max_steps| {
        let budget = Limits {
            max_steps,
            ..limits.clone()
        };
        (budget, format!("with at most {max_steps} steps"))
    });
    // Bytes (48 an element, `ELEMENT_BYTES`): about one element's worth,
    // and enough for the generated charters' small collections to run out
    // at various points.
    let bytes = [h % 72, 72 + (h / 8) % 6000].map(|max_memory| {
        let budget = Limits {
            max_memory,
            ..limits.clone()
        };
        (budget, format!("with at most {max_memory} bytes"))
    });
    steps.into_iter().chain(bytes).collect()
}

/// The reports without reasons (what `Explain::None` gives): failed labels,
/// errors, and no notes.
fn unexplained(reports: &[LawReport]) -> Vec<LawReport> {
    let mut out = reports.to_vec();
    for r in out.iter_mut().flat_map(|r| r.results.iter_mut()) {
        r.notes = Default::default();
        if let Verdict::Fail(fs) = &mut r.verdict {
            for f in fs {
                f.reasons.clear();
                f.exception_reasons.clear();
            }
        }
    }
    out
}

/// The first difference between two runs, described.
fn difference(a: &[LawReport], b: &[LawReport]) -> Option<String> {
    if a.len() != b.len() {
        return Some(format!("{} laws against {}", a.len(), b.len()));
    }
    for (x, y) in a.iter().zip(b) {
        if x.law != y.law || x.results.len() != y.results.len() {
            return Some(format!(
                "law `{}` has {} results, against law `{}` with {}",
                x.law,
                x.results.len(),
                y.law,
                y.results.len()
            ));
        }
        for (r, s) in x.results.iter().zip(&y.results) {
            if r != s {
                return Some(format!(
                    "law `{}`, subject {}:\n  {:?}\nagainst\n  {:?}",
                    x.law, r.subject, r, s
                ));
            }
        }
    }
    None
}
