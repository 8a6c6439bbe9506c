//! The red team through the embedding API (issue 15, "How it is measured"):
//! hostile charters, snapshots and REPL lines, each run on a thread with a
//! 2 MiB stack (the default of a spawned thread in an embedding program),
//! under tight budgets, on both engines. Every case must end with the
//! outcome it names (a `limit` verdict with the budget that ended it, a
//! fault, a clean error), the engines must agree on every verdict and
//! reason, and the heap the case grew must stay within its memory budget.
//!
//! The heap is measured by this binary's allocator, which counts the bytes
//! live and their peak; the cases run one at a time (`SERIAL`), so each
//! peak is its own case's.
// The counting allocator must implement `GlobalAlloc`, an unsafe trait.
#![allow(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{Engine, EvalOptions, Limits, LoadLimits, Program, State};
use polity::verdict::{ErrorKind, Verdict};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to `System` unchanged; the counters only
// observe the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One case at a time, so that each peak is its own.
static SERIAL: Mutex<()> = Mutex::new(());

/// The memory budget of every evaluation here: 16 MiB.
const MEMORY: u64 = 16 << 20;

/// What a case may add to the heap beyond the values its budget counts:
/// the snapshot, the reasons, the engines' fixed tables, the allocator's
/// rounding of the last vector grown.
const SLACK: usize = 4 << 20;

/// Tight budgets: a million steps, 16 MiB of values, collections of a
/// million, and a deadline no case should reach (a case that ends by it
/// fails: each must end by its own budget first).
fn tight() -> Limits {
    Limits {
        max_steps: 1_000_000,
        max_memory: MEMORY,
        max_collection_len: 1_000_000,
        ..Limits::default()
    }
    .with_timeout(Duration::from_secs(120))
}

/// Runs `f` on a new thread with a 2 MiB stack and returns its result and
/// the peak of the heap it grew over what was live when it started.
fn measured<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    (out, peak)
}

/// How a case must end on both engines: a `limit` verdict whose message
/// holds the text, a fault of that kind, or a pass.
#[derive(Clone, Copy, Debug)]
enum Ends {
    Limit(&'static str),
    Fault(ErrorKind),
    Pass,
}

const MEMBERS: &str = "charter \"Red\" { version: 1 }\n\
    record Member { id: Text, n: Int }\n\
    record Acc { xs: List<Int>, ys: List<Int> }\n\
    state {\n  members: List<Member>\n}\n";

const SNAPSHOT: &[u8] = br#"{"members": [{"id": "a", "n": 3}]}"#;

/// The laws, each `require "ok": <expression>` over `m in members`, and how
/// each must end under [`tight`].
const LAWS: &[(&str, &str, Ends)] = &[
    (
        "quadratic",
        "sum(count(1 for b in range(0, 100000) if a < b) for a in range(0, 100000)) > 0",
        Ends::Limit("memory budget"),
    ),
    ("doubling", "f34(m.n) > 0", Ends::Limit("ran out of steps")),
    (
        "huge_range",
        "count(range(0, 9223372036854775807)) > 0",
        Ends::Limit(""),
    ),
    (
        "huge_member",
        "m.n in range(0, 9223372036854775807)",
        Ends::Limit(""),
    ),
    (
        "filtered",
        "len(range(0, 900000) where it > m.n) > 0",
        Ends::Limit("memory budget"),
    ),
    (
        "sorted",
        "len(sorted(range(0, 150000), by: -it)) > 0",
        Ends::Limit("memory budget"),
    ),
    (
        "grouped",
        "len(group_by(range(0, 200000), by: it mod 1000)) > 0",
        Ends::Limit("memory budget"),
    ),
    (
        "take_per",
        "len(take(range(0, 200000), 1, per: it mod 10)) > 0",
        Ends::Limit("memory budget"),
    ),
    (
        "distinct",
        "len(distinct([x mod 7 for x in range(0, 300000)])) > 0",
        Ends::Limit("memory budget"),
    ),
    (
        "union",
        "len(union({x for x in range(0, 200000)}, {x + m.n for x in range(0, 200000)})) > 0",
        Ends::Limit("memory budget"),
    ),
    (
        "flatten",
        "len(flatten([range(0, 1000) for i in range(0, 2000)])) > 0",
        Ends::Limit("memory budget"),
    ),
    (
        "pairs",
        "len({ {x, y} for x in range(0, 3000) for y in range(0, 3000) }) > 0",
        Ends::Limit(""),
    ),
    (
        "text_of_list",
        "len(text([x for x in range(0, 300000)])) > 0",
        Ends::Limit("memory budget"),
    ),
    (
        "text_doubled",
        "len(fold(t = m.id, i in range(0, 64)) => t + t) > 0",
        Ends::Limit(""),
    ),
    (
        "text_fold",
        "len(fold(t = m.id, i in range(0, 200000)) => t + text(i)) > 0",
        Ends::Limit("memory budget"),
    ),
    (
        "record_fold",
        "len((fold(r = Acc { xs: [], ys: [] }, i in range(0, 100000)) => \
         r with { xs: r.xs + [i], ys: [i] + r.ys }).xs) > 0",
        Ends::Limit(""),
    ),
    (
        "max_text",
        "max(text(x) for x in range(0, 300000)) != \"\"",
        Ends::Pass,
    ),
    (
        "pow",
        "pow(10 / 3, 1000000) > 0",
        Ends::Fault(ErrorKind::Overflow),
    ),
    (
        "harmonic",
        "sum(1 / x for x in range(1, 300000)) > 0",
        Ends::Fault(ErrorKind::Overflow),
    ),
];

fn charter() -> String {
    let mut s = String::from(MEMBERS);
    s.push_str("fn f0(x: Int) -> Int = x + 1\n");
    for i in 1..=34 {
        s.push_str(&format!(
            "fn f{i}(x: Int) -> Int = f{}(x) + f{}(x)\n",
            i - 1,
            i - 1
        ));
    }
    for (name, expr, _) in LAWS {
        s.push_str(&format!(
            "law case_{name}(m in members) {{\n  require \"ok\": {expr}\n}}\n"
        ));
    }
    s
}

/// The verdicts of `law` on `engine` under [`tight`], and the heap it grew.
fn run(program: &Program, state: &State, case: &str, engine: Engine) -> (Vec<Verdict>, usize) {
    let (program, state) = (program.clone(), state.clone());
    let law = format!("case_{case}");
    measured(move || {
        let options = EvalOptions {
            engine,
            limits: tight(),
            ..EvalOptions::default()
        };
        let report = program.eval_law_options(&state, &law, options).unwrap();
        assert!(
            report.disagreements.is_empty(),
            "{law}: {:?}",
            report.disagreements
        );
        report.results.into_iter().map(|r| r.verdict).collect()
    })
}

fn ends_as(verdict: &Verdict, ends: Ends) -> bool {
    match (verdict, ends) {
        (Verdict::Error(e), Ends::Limit(text)) => {
            e.kind == ErrorKind::Limit
                && e.message.contains(text)
                && !e.message.contains("deadline")
        }
        (Verdict::Error(e), Ends::Fault(kind)) => e.kind == kind,
        (Verdict::Pass, Ends::Pass) => true,
        _ => false,
    }
}

/// Checks one run: it ended as `ends` wants, and grew the heap by at most
/// the memory budget and the slack.
fn check(wrong: &mut Vec<String>, what: &str, verdicts: &[Verdict], peak: usize, ends: Ends) {
    if verdicts.is_empty() || !verdicts.iter().all(|v| ends_as(v, ends)) {
        wrong.push(format!("{what}: wanted {ends:?}, got {verdicts:?}"));
    }
    if peak > MEMORY as usize + SLACK {
        wrong.push(format!("{what}: the heap grew {peak} bytes"));
    }
}

#[test]
fn every_hostile_law_ends_within_its_budgets_on_both_engines() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let program = Program::compile("red.polity", &charter())
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    // The machine code is compiled before any case is measured.
    assert_eq!(program.jit().is_some(), polity::api::HAS_JIT);
    let mut report = Vec::new();
    let mut wrong = Vec::new();
    let mut seen: Vec<Vec<Verdict>> = Vec::new();
    for engine in [Engine::Interpreter, Engine::Jit] {
        let state = program.load_snapshot_for(SNAPSHOT, engine).unwrap();
        for (i, &(law, _, ends)) in LAWS.iter().enumerate() {
            let started = Instant::now();
            let (verdicts, peak) = run(&program, &state, law, engine);
            report.push(format!(
                "{law:14} {engine:?}: {:.2} s, {:.1} MiB, {:?}",
                started.elapsed().as_secs_f64(),
                peak as f64 / (1 << 20) as f64,
                verdicts
            ));
            check(
                &mut wrong,
                &format!("{law} on {engine:?}"),
                &verdicts,
                peak,
                ends,
            );
            match seen.get(i) {
                None => seen.push(verdicts),
                Some(first) if *first != verdicts => {
                    wrong.push(format!(
                        "{law}: the engines disagree: {first:?} and {verdicts:?}"
                    ));
                }
                Some(_) => {}
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_entry_point_ends_within_its_budgets_on_a_small_stack() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // 2^24 calls, each giving back its argument.
    let mut doubling = String::from("fn h0(x: Int) -> Int = x\n");
    for i in 1..=24 {
        doubling.push_str(&format!(
            "fn h{i}(x: Int) -> Int = h{}(x) + h{}(x) - x\n",
            i - 1,
            i - 1
        ));
    }
    let text = format!(
        "{MEMBERS}\
         law sorting(m in members) {{\n  require \"ok\": len(sorted(range(0, 900000), by: -it)) > 0\n}}\n\
         figure built: Int = len([Acc {{ xs: [x], ys: [x] }} for x in range(0, 900000)])\n\
         {doubling}figure looped: Int = h24(1)\n\
         test \"a crowd\" {{\n  \
           given members = [Member {{ id: text(i), n: i }} for i in range(0, 10000000)]\n  \
           expect count(members) > 0\n}}\n\
         test \"a long text\" {{\n  \
           given members = [Member {{ id: fold(t = \"ab\", i in range(0, 40)) => t + t, n: 1 }}]\n  \
           expect count(members) > 0\n}}\n"
    );
    let program =
        Program::compile("entries.polity", &text).unwrap_or_else(|e| panic!("{}", e.render(false)));
    assert_eq!(program.jit().is_some(), polity::api::HAS_JIT);
    let mut wrong = Vec::new();
    let mut seen = Vec::new();
    for engine in [Engine::Interpreter, Engine::Jit] {
        let state = program.load_snapshot_for(SNAPSHOT, engine).unwrap();
        let (p, s) = (program.clone(), state.clone());
        let (verdict, peak) =
            measured(move || p.eval_law_for_with(&s, "sorting", "a", tight()).unwrap());
        check(
            &mut wrong,
            &format!("eval_law_for on {engine:?}"),
            std::slice::from_ref(&verdict),
            peak,
            Ends::Limit("memory budget"),
        );
        seen.push(format!("{verdict:?}"));
        let (p, s) = (program.clone(), state.clone());
        let subject = polity::value::Value::Record(
            vec![
                polity::value::Value::text("z"),
                polity::value::Value::Int(1),
            ]
            .into(),
        );
        let (verdict, peak) = measured(move || {
            p.eval_law_on_with(&s, "sorting", &subject, tight())
                .unwrap()
        });
        check(
            &mut wrong,
            &format!("eval_law_on on {engine:?}"),
            std::slice::from_ref(&verdict),
            peak,
            Ends::Limit("memory budget"),
        );
        seen.push(format!("{verdict:?}"));
        let (p, s) = (program.clone(), state.clone());
        let (figures, peak) = measured(move || {
            let options = EvalOptions {
                engine,
                limits: tight(),
                ..EvalOptions::default()
            };
            polity::api::figures(&p, &s, &options)
        });
        for (figure, ends) in figures.iter().zip([
            Ends::Limit("memory budget"),
            Ends::Limit("ran out of steps"),
        ]) {
            let verdict = match &figure.value {
                Ok(v) => panic!("{}: {v:?}", figure.name),
                Err(e) => Verdict::Error(e.clone()),
            };
            check(
                &mut wrong,
                &format!("figure {} on {engine:?}", figure.name),
                &[verdict],
                peak,
                ends,
            );
        }
        seen.push(format!("{figures:?}"));
        let p = program.clone();
        let (outcomes, peak) = measured(move || p.run_tests_limited(engine, tight()));
        for outcome in &outcomes {
            let verdict = match &outcome.result {
                Err(polity::interp::TestFailure::Fault(e)) => Verdict::Error(e.clone()),
                other => panic!("{}: {other:?}", outcome.name),
            };
            check(
                &mut wrong,
                &format!("test {:?} on {engine:?}", outcome.name),
                &[verdict],
                peak,
                Ends::Limit(""),
            );
        }
        seen.push(format!("{outcomes:?}"));
    }
    let (interp, jit) = seen.split_at(seen.len() / 2);
    assert_eq!(interp, jit, "the engines disagree");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Snapshots an attacker might send, each loaded for both engines under
/// tight load limits on a 2 MiB stack: every one is a clean error whose
/// message is short, and loading it grows the heap by a bounded multiple
/// of its size.
#[test]
fn hostile_snapshots_are_short_errors_on_a_small_stack() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let program = Program::compile("red.polity", MEMBERS).unwrap();
    assert_eq!(program.jit().is_some(), polity::api::HAS_JIT);
    let member = |i: usize| format!("{{\"id\": \"m{i}\", \"n\": {i}}}");
    let many = |n: usize| (0..n).map(member).collect::<Vec<_>>().join(", ");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "deep",
            format!("{{\"members\": {}", "[".repeat(200_000)).into_bytes(),
            "recursion limit",
        ),
        (
            "deep unknown",
            format!("{{\"x\": {}", "[".repeat(200_000)).into_bytes(),
            "recursion limit",
        ),
        (
            "a number of a million digits",
            format!(
                "{{\"members\": [{{\"id\": \"a\", \"n\": 1{}}}]}}",
                "0".repeat(1_000_000)
            )
            .into_bytes(),
            "members[0].n",
        ),
        (
            "a long id",
            format!(
                "{{\"members\": [{{\"id\": \"{}\", \"n\": 1}}]}}",
                "x".repeat(100_000)
            )
            .into_bytes(),
            "members[0].id",
        ),
        (
            "too many members",
            format!("{{\"members\": [{}]}}", many(5_000)).into_bytes(),
            "members",
        ),
        (
            "a duplicate id",
            format!("{{\"members\": [{}, {}]}}", many(100), member(7)).into_bytes(),
            "members[100].id",
        ),
        ("nothing but zeros", vec![0; 1 << 20], "1:1"),
        (
            "truncated",
            format!("{{\"members\": [{}", many(50)).into_bytes(),
            "",
        ),
    ];
    let limits = LoadLimits {
        max_text_bytes: 1000,
        max_collection_len: 1000,
    };
    let mut wrong = Vec::new();
    for (name, json, wanted) in cases {
        let size = json.len();
        let json = std::sync::Arc::new(json);
        let mut messages = Vec::new();
        for engine in [Engine::Interpreter, Engine::Jit] {
            let (p, j, l) = (program.clone(), json.clone(), limits);
            let (message, peak) = measured(move || match p.load_snapshot_with(&j, engine, l) {
                Ok(_) => None,
                Err(e) => Some(e.to_string()),
            });
            let Some(message) = message else {
                wrong.push(format!("{name} on {engine:?}: loaded"));
                continue;
            };
            if !message.contains(wanted) || message.len() > 600 {
                wrong.push(format!(
                    "{name} on {engine:?}: {} bytes: {:.300}",
                    message.len(),
                    message
                ));
            }
            if peak > 4 * size + SLACK {
                wrong.push(format!(
                    "{name} on {engine:?}: {size} bytes grew the heap {peak} bytes"
                ));
            }
            messages.push(message);
        }
        if messages.len() == 2 && messages[0] != messages[1] {
            wrong.push(format!(
                "{name}: the engines' loaders disagree: {messages:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
