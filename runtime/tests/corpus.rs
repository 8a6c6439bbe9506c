//! The corpus under `tests/`: data-driven cases with their expectations written
//! inline, each also snapshotted with insta.
//!
//! - `tests/check/*.polity` and `tests/parse/*.polity`: `//~ CODE [CODE...]` marks the line where each
//!   diagnostic starts; the set of (line, code) must match exactly (a file
//!   without marks must compile cleanly). The rendered diagnostics are snapshotted.
//! - `tests/eval/NAME.polity` + `NAME.json`: `// expect LAW SUBJECT: VERDICT
//!   ["label" ...]` lines (VERDICT is `pass`, `fail` with its failed labels in
//!   order, or `error KIND`), followed by the subject's notes when it has any:
//!   `n/a "label" ...` (requirements whose `when` did not hold) and
//!   `warn "label" ...` (advice not followed); every verdict with its reasons
//!   is snapshotted. `// expect figure NAME: VALUE` gives a figure's value
//!   as a charter writes it (or `error KIND`), and `// figure max_steps N`
//!   the step budget of each figure (default: the default budget); every
//!   figure is evaluated on both engines, which must agree, and snapshotted
//!   with its JSON form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{Engine, Program};
use polity::verdict::{Notes, Subject, SubjectResult, Verdict};
use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../tests/snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// Numbers repeated `(line, code)` pairs so that two equal diagnostics on one line count twice.
fn insert_counted(set: &mut BTreeSet<(usize, String)>, line: usize, code: &str) {
    let mut n = 0;
    while set.contains(&(line, format!("{code}#{n}"))) {
        n += 1;
    }
    set.insert((line, format!("{code}#{n}")));
}

/// `(line, code)` pairs from `//~` marks.
fn expected_marks(text: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if let Some((_, marks)) = line.split_once("//~") {
            for code in marks.split_whitespace() {
                insert_counted(&mut out, i + 1, code);
            }
        }
    }
    out
}

/// Compiles one marked file and checks its diagnostics against the `//~` marks.
fn check_marked(suite: &str, path: &Path) {
    let text = read(path);
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let c = polity_compiler::compile(&name, &text, &polity_compiler::NoFiles);
    let mut found = BTreeSet::new();
    for d in &c.diagnostics {
        let (line, _) = c.sources.line_col(d.span.file, d.span.start);
        insert_counted(&mut found, line, d.code);
    }
    let rendered = polity_compiler::diagnostic::render::render(&c.diagnostics, &c.sources, false);
    assert_eq!(
        found,
        expected_marks(&text),
        "{name}: diagnostics differ from the //~ marks\n{rendered}"
    );
    insta::assert_snapshot!(suite, format!("{text}\n----\n{rendered}"));
}

#[test]
fn check_corpus() {
    settings().bind(|| {
        insta::glob!("../../tests/check", "*.polity", |p| check_marked(
            "check_corpus",
            p
        ))
    });
}

#[test]
fn parse_corpus() {
    settings().bind(|| {
        insta::glob!("../../tests/parse", "*.polity", |p| check_marked(
            "parse_corpus",
            p
        ))
    });
}

fn subject_name(s: &Subject) -> String {
    match s {
        Subject::Whole => "(state)".into(),
        Subject::Id(id) => id.clone(),
        Subject::IntId(n) => n.to_string(),
        Subject::Index(i) => format!("#{i}"),
    }
}

fn labels<'a>(ls: impl Iterator<Item = &'a String>) -> String {
    ls.map(|l| format!("{l:?}")).collect::<Vec<_>>().join(" ")
}

fn notes_line(n: &Notes) -> String {
    let mut out = String::new();
    if !n.not_applicable.is_empty() {
        let na = labels(n.not_applicable.iter().flat_map(|x| &x.labels));
        out.push_str(&format!(" n/a {na}"));
    }
    if !n.warnings.is_empty() {
        out.push_str(&format!(
            " warn {}",
            labels(n.warnings.iter().map(|w| &w.label))
        ));
    }
    out
}

fn result_line(r: &SubjectResult) -> String {
    format!("{}{}", verdict_line(&r.verdict), notes_line(&r.notes))
}

/// The notes with their reasons, for the snapshot.
fn explain_notes(n: &Notes) -> String {
    let mut out = String::new();
    for x in &n.not_applicable {
        let reasons: Vec<String> = x.reasons.iter().map(reason_text).collect();
        out.push_str(&format!(
            "; n/a {} ({} did not hold: {})",
            labels(x.labels.iter()),
            x.cond,
            reasons.join("; ")
        ));
    }
    for w in &n.warnings {
        let reasons: Vec<String> = w.reasons.iter().map(reason_text).collect();
        out.push_str(&format!("; warn {:?} [{}]", w.label, reasons.join("; ")));
    }
    out
}

/// A reason, with the reasons inside a fn it calls: `f(x = 1) = false
/// {x = 1, needs > 2}`.
fn reason_text(r: &polity::verdict::Reason) -> String {
    if r.inner.is_empty() {
        return r.to_string();
    }
    let inner: Vec<String> = r.inner.iter().map(reason_text).collect();
    format!("{r} {{{}}}", inner.join("; "))
}

fn verdict_line(v: &Verdict) -> String {
    match v {
        Verdict::Pass => "pass".into(),
        Verdict::Fail(fs) => {
            let labels: Vec<String> = fs.iter().map(|f| format!("{:?}", f.label)).collect();
            format!("fail {}", labels.join(" "))
        }
        Verdict::Error(e) => format!("error {}", e.kind.as_str()),
    }
}

fn explain(v: &Verdict) -> String {
    match v {
        Verdict::Fail(fs) => {
            let parts: Vec<String> = fs
                .iter()
                .map(|f| {
                    let reasons: Vec<String> = f.reasons.iter().map(reason_text).collect();
                    format!("{:?} [{}]", f.label, reasons.join("; "))
                })
                .collect();
            format!("fail {}", parts.join(", "))
        }
        Verdict::Error(e) => format!("error {}: {}", e.kind.as_str(), e.message),
        Verdict::Pass => "pass".into(),
    }
}

/// The JIT (the default engine) and the interpreter give identical verdicts,
/// and the JIT's own decisions agree with the interpreter's explanations.
fn assert_engines_agree(
    name: &str,
    program: &Program,
    state: &polity::api::State,
    reports: &[polity::api::LawReport],
) {
    let interp = program.eval_all_with(state, Engine::Interpreter);
    assert_eq!(reports, interp.as_slice(), "{name}: the engines disagree");
    let Some(jit) = program.jit() else {
        if polity::api::HAS_JIT {
            panic!("the program compiles to machine code");
        }
        return;
    };
    let layout = state.layout(program.ir(), jit);
    for (i, report) in interp.iter().enumerate() {
        let id = polity_compiler::ir::LawId(i as u32);
        let (results, problems) = jit.eval_law_checked(
            program.ir(),
            state.snapshot(),
            layout,
            id,
            Default::default(),
            Default::default(),
        );
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        assert_eq!(results, report.results, "{name}: law #{i}");
    }
}

/// Every figure on both engines (which must agree), under a step budget of
/// `// figure max_steps N` when the case gives one; the expected values are
/// checked and the figures returned for the snapshot.
fn check_figures(
    name: &str,
    text: &str,
    program: &Program,
    state: &polity::api::State,
) -> Vec<String> {
    let mut options = polity::api::EvalOptions::default();
    if let Some(n) = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("// figure max_steps "))
    {
        options.limits.max_steps = n.trim().parse().unwrap();
    }
    let (jit, problems) = program.figures(state, &options);
    assert!(problems.is_empty(), "{name}: {problems:#?}");
    #[cfg(feature = "jit")]
    {
        let compiled = program.jit().expect("the program compiles to machine code");
        let left: Vec<_> = compiled
            .fallbacks()
            .iter()
            .filter(|f| matches!(f.item, polity::jit::Compiled::Figure(_)))
            .collect();
        assert!(
            left.is_empty(),
            "{name}: figures left to the interpreter: {left:?}"
        );
    }
    options.engine = Engine::Interpreter;
    let interp = polity::api::figures(program, state, &options);
    assert_eq!(jit, interp, "{name}: the engines disagree on the figures");
    let shown = |f: &polity::api::FigureOutcome| match &f.value {
        Ok(v) => polity::value::render(program.ir(), &f.ty, v),
        Err(e) => format!("error {}", e.kind.as_str()),
    };
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("// expect figure ") else {
            continue;
        };
        let (figure, want) = rest.split_once(':').unwrap();
        let f = interp
            .iter()
            .find(|f| f.name == figure)
            .unwrap_or_else(|| panic!("{name}: no figure {figure}"));
        assert_eq!(shown(f), want.trim(), "{name}: figure {figure}");
    }
    interp
        .iter()
        .map(|f| format!("figure {} = {} {}", f.name, shown(f), f.to_json(program)))
        .collect()
}

#[test]
fn eval_corpus() {
    settings().bind(|| {
        insta::glob!("../../tests/eval", "*.polity", |path| {
            let text = read(path);
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let program =
                Program::compile(&name, &text).unwrap_or_else(|e| panic!("{}", e.render(false)));
            let json = std::fs::read(path.with_extension("json")).unwrap();
            let state = program
                .load_snapshot(&json)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let reports = program.eval_all(&state);
            assert_engines_agree(&name, &program, &state, &reports);
            let figures = check_figures(&name, &text, &program, &state);
            let mut seen = 0;
            for line in text.lines() {
                let Some(rest) = line.trim().strip_prefix("// expect ") else {
                    continue;
                };
                if rest.starts_with("figure ") {
                    continue;
                }
                let (head, want) = rest.split_once(':').unwrap();
                let (law, subject) = head.split_once(' ').unwrap();
                let report = reports
                    .iter()
                    .find(|r| r.law == law)
                    .unwrap_or_else(|| panic!("{name}: no law {law}"));
                let result = report
                    .results
                    .iter()
                    .find(|r| subject_name(&r.subject) == subject);
                let result =
                    result.unwrap_or_else(|| panic!("{name}: law {law} has no subject {subject}"));
                assert_eq!(result_line(result), want.trim(), "{name}: {law} {subject}");
                seen += 1;
            }
            assert!(seen > 0, "{name} has no `// expect` lines");
            let all: Vec<String> = reports
                .iter()
                .flat_map(|r| {
                    r.results.iter().map(move |s| {
                        format!(
                            "{} {}: {}{}",
                            r.law,
                            subject_name(&s.subject),
                            explain(&s.verdict),
                            explain_notes(&s.notes)
                        )
                    })
                })
                .collect();
            let all: Vec<String> = figures.into_iter().chain(all).collect();
            insta::assert_snapshot!(all.join("\n"));
        });
    });
}
