//! What an amendment would change: two evaluations compared subject by
//! subject.
//!
//! A *side* is a program over a state: the old charter and the new over
//! one snapshot (an amendment), or one charter over a snapshot before and
//! after (who changed status). [`Program::diff`] evaluates every law on both
//! sides, each side on its own thread, pairs the laws by name and, within a
//! law both sides have, pairs the subjects by key, and keeps the subjects
//! whose verdict changed, with both verdicts and their reasons.
//!
//! Each side *decides* every law without reasons (the engine's fast path),
//! and only the subjects whose verdict changed are evaluated again, with
//! reasons ([`Program::eval_law_at`]): an amendment that changes a few
//! hundred verdicts of 100,000 members explains a few hundred.
//!
//! Sections are compared by name through [`pair_by_name`]: laws, then
//! figures (`figure NAME: Type = expr`), each evaluated on both sides and
//! compared as a value (or fault) before and after; a figure only one side
//! has is added or removed, as a law is. [`Diff::figures`] holds the
//! figures that changed, were added or were removed.

use super::compile::{Program, State};
use super::eval::{EvalOptions, LawReport, UnknownLaw};
use super::figures::{figures, FigureOutcome};
use crate::interp::Explain;
use crate::verdict::{ErrorKind, Subject, SubjectResult, Verdict};
use polity_compiler::types::Type;
use std::collections::BTreeMap;

/// One side of a comparison: a program and a state it loaded.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    /// The charter.
    pub program: &'a Program,
    /// The snapshot, loaded by `program`.
    pub state: &'a State,
}

/// What to compare and how to evaluate.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// How both sides are evaluated (engine, limits, explanations).
    pub eval: EvalOptions,
    /// Only this law (it must exist on at least one side).
    pub law: Option<String>,
    /// Also report subjects that fail on both sides for different
    /// requirements (a change of the failed labels).
    pub reasons: bool,
}

/// The outcome of one subject, as a diff compares it: a `limit` error is
/// told apart from other errors (a budget, not a fault of the charter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Every requirement holds.
    Pass,
    /// A requirement failed.
    Fail,
    /// Evaluation faulted.
    Error,
    /// Evaluation ran out of its budget.
    Limit,
}

impl Status {
    /// The status of a verdict.
    pub fn of(verdict: &Verdict) -> Status {
        match verdict {
            Verdict::Pass => Status::Pass,
            Verdict::Fail(_) => Status::Fail,
            Verdict::Error(e) if e.kind == ErrorKind::Limit => Status::Limit,
            Verdict::Error(_) => Status::Error,
        }
    }

    /// `pass`, `fail`, `error` or `limit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Limit => "limit",
        }
    }
}

/// How many subjects passed, failed and errored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Passed.
    pub pass: usize,
    /// Failed.
    pub fail: usize,
    /// Errored (a `limit` included).
    pub error: usize,
}

impl Counts {
    fn of(report: &LawReport) -> Counts {
        let (pass, fail, error) = report.counts();
        Counts { pass, fail, error }
    }
}

/// How the subjects of a law were paired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    /// A law without parameter: one verdict each side.
    Whole,
    /// By each subject's `id`.
    Id,
    /// By position in the collection: a subject has no `id` (or ids repeat,
    /// or one side has ids and the other not).
    Position,
}

impl MatchedBy {
    /// `whole`, `id` or `position`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Whole => "whole",
            MatchedBy::Id => "id",
            MatchedBy::Position => "position",
        }
    }
}

/// One subject whose verdict changed: `before` is `None` for a subject only
/// the after side has ("new"), `after` for one only the before side has
/// ("gone").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectChange {
    /// The subject (its position, `#3`, when matched by position).
    pub subject: Subject,
    /// Its result before.
    pub before: Option<SubjectResult>,
    /// Its result after.
    pub after: Option<SubjectResult>,
}

impl SubjectChange {
    /// The status before (`None`: the subject is new).
    pub fn before_status(&self) -> Option<Status> {
        self.before.as_ref().map(|r| Status::of(&r.verdict))
    }

    /// The status after (`None`: the subject is gone).
    pub fn after_status(&self) -> Option<Status> {
        self.after.as_ref().map(|r| Status::of(&r.verdict))
    }
}

/// One law compared: `before` is `None` for a law the after side added,
/// `after` for one it removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LawDiff {
    /// The law's name.
    pub law: String,
    /// Its counts before.
    pub before: Option<Counts>,
    /// Its counts after.
    pub after: Option<Counts>,
    /// How subjects were paired (for a law on both sides).
    pub matched_by: MatchedBy,
    /// The subjects whose verdict changed, in the before side's order, then
    /// the new subjects in the after side's order.
    pub changes: Vec<SubjectChange>,
    /// What one subject is called (`member`, from the record `Member`;
    /// [`plural`] gives `members`), when the collection holds records.
    pub noun: Option<String>,
}

/// How many changed subjects of a law now pass, fail, error, and how many
/// are new or gone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Now pass (and did not before).
    pub now_pass: usize,
    /// Now fail (and did not before).
    pub now_fail: usize,
    /// Now error or run out of budget (and did not before, or otherwise).
    pub now_error: usize,
    /// Fail on both sides, for other requirements (`--reasons`).
    pub other_reasons: usize,
    /// Only after.
    pub new: usize,
    /// Only before.
    pub gone: usize,
}

impl LawDiff {
    /// The changes, counted by what the subjects now are.
    pub fn tally(&self) -> Tally {
        let mut t = Tally::default();
        for c in &self.changes {
            match (c.before_status(), c.after_status()) {
                (None, _) => t.new += 1,
                (_, None) => t.gone += 1,
                (Some(b), Some(a)) if a == b => t.other_reasons += 1,
                (_, Some(Status::Pass)) => t.now_pass += 1,
                (_, Some(Status::Fail)) => t.now_fail += 1,
                (_, Some(Status::Error | Status::Limit)) => t.now_error += 1,
            }
        }
        t
    }
}

/// Every law of either side, compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diff {
    /// The laws of the before side in its order (compared or removed),
    /// then the laws only the after side has, in its order.
    pub laws: Vec<LawDiff>,
    /// The figures whose value (or fault) differs between the sides, or
    /// that only one side has, in the before side's order, then the after
    /// side's.
    pub figures: Vec<FigureDiff>,
    /// Where the JIT's decision differed from the interpreter's verdict on
    /// either side (an internal error, never expected; see
    /// [`LawReport::disagreements`]).
    pub disagreements: Vec<crate::jit::Disagreement>,
}

impl Diff {
    /// Whether any law was added or removed or any subject changed.
    pub fn is_empty(&self) -> bool {
        self.figures.is_empty()
            && self
                .laws
                .iter()
                .all(|l| l.before.is_some() && l.after.is_some() && l.changes.is_empty())
    }
}

/// A figure that differs between the sides: its outcome on each side that
/// has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureDiff {
    /// Its name.
    pub name: String,
    /// Its value or fault before (`None`: the before side has no such figure).
    pub before: Option<FigureOutcome>,
    /// Its value or fault after (`None`: removed).
    pub after: Option<FigureOutcome>,
}

/// Whether two outcomes of a figure are the same: equal values, or faults
/// of the same kind and message (their spans belong to different charters).
fn same_outcome(a: &FigureOutcome, b: &FigureOutcome) -> bool {
    match (&a.value, &b.value) {
        (Ok(x), Ok(y)) => x == y,
        (Err(x), Err(y)) => x.kind == y.kind && x.message == y.message,
        _ => false,
    }
}

/// The figures of both sides, paired by name: those that differ. (A diff
/// restricted to one law, `DiffOptions::law`, compares no figures.)
fn figure_changes(before: Side<'_>, after: Side<'_>, options: &DiffOptions) -> Vec<FigureDiff> {
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| figures(before.program, before.state, &options.eval));
        let new = figures(after.program, after.state, &options.eval);
        (old.join(), new)
    });
    let old = old.unwrap_or_else(|p| std::panic::resume_unwind(p));
    pair_by_name(old, new, |f| f.name.as_str())
        .into_iter()
        .filter_map(|p| match p {
            Paired::Both(b, a) if same_outcome(&b, &a) => None,
            Paired::Both(b, a) => Some(FigureDiff {
                name: b.name.clone(),
                before: Some(b),
                after: Some(a),
            }),
            Paired::Before(b) => Some(FigureDiff {
                name: b.name.clone(),
                before: Some(b),
                after: None,
            }),
            Paired::After(a) => Some(FigureDiff {
                name: a.name.clone(),
                before: None,
                after: Some(a),
            }),
        })
        .collect()
}

/// An item of one side or both, paired by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paired<T> {
    /// Both sides have it.
    Both(T, T),
    /// Only the before side.
    Before(T),
    /// Only the after side.
    After(T),
}

/// Pairs two sides' named items: the before side's in its order (each
/// with the after side's item of that name, if any), then the after side's
/// items the before side lacks, in its order. A name repeated on one side
/// pairs its first item.
pub fn pair_by_name<T>(before: Vec<T>, after: Vec<T>, name: impl Fn(&T) -> &str) -> Vec<Paired<T>> {
    let mut after: Vec<Option<T>> = after.into_iter().map(Some).collect();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (i, item) in after.iter().enumerate() {
        if let Some(item) = item {
            index.entry(name(item).to_string()).or_insert(i);
        }
    }
    let mut out = Vec::with_capacity(before.len() + after.len());
    for b in before {
        let other = index
            .get(name(&b))
            .and_then(|&i| after.get_mut(i))
            .and_then(Option::take);
        out.push(match other {
            Some(a) => Paired::Both(b, a),
            None => Paired::Before(b),
        });
    }
    out.extend(after.into_iter().flatten().map(Paired::After));
    out
}

impl Program {
    /// Compares every law (or `options.law`) of `before` with `after`; see
    /// the [module documentation](self).
    pub fn diff(
        before: Side<'_>,
        after: Side<'_>,
        options: &DiffOptions,
    ) -> Result<Diff, UnknownLaw> {
        if let Some(name) = &options.law {
            let known = |s: &Side<'_>| s.program.laws().any(|l| l == name);
            if !known(&before) && !known(&after) {
                let all = before.program.laws().chain(after.program.laws());
                return Err(UnknownLaw::Law {
                    name: name.clone(),
                    suggestion: polity_compiler::diagnostic::did_you_mean(name, all)
                        .map(str::to_string),
                });
            }
        }
        let (old, new) = std::thread::scope(|s| {
            let old = s.spawn(|| side_reports(before, options));
            let new = side_reports(after, options);
            (old.join(), new)
        });
        // A panic on the other thread is a bug in evaluation: report it
        // as the panic it is rather than as a diff.
        let mut old = old.unwrap_or_else(|p| std::panic::resume_unwind(p));
        let mut new = new;
        let disagreements = old
            .iter_mut()
            .chain(new.iter_mut())
            .flat_map(|e| std::mem::take(&mut e.report.disagreements))
            .collect();
        let laws = pair_by_name(old, new, |r| r.report.law.as_str())
            .into_iter()
            .map(|p| compare_law(p, [before, after], options))
            .collect();
        let figures = if options.law.is_some() {
            Vec::new()
        } else {
            figure_changes(before, after, options)
        };
        Ok(Diff {
            laws,
            figures,
            disagreements,
        })
    }
}

/// A law's report with what its subjects are called.
struct Evaluated {
    report: LawReport,
    noun: Option<String>,
}

/// Every law of a side (or the one asked for), decided without reasons:
/// only the subjects that changed are explained, afterwards.
fn side_reports(side: Side<'_>, options: &DiffOptions) -> Vec<Evaluated> {
    let decide = EvalOptions {
        explain: Explain::None,
        ..options.eval.clone()
    };
    let ir = side.program.ir();
    ir.laws
        .iter()
        .filter(|l| options.law.as_deref().is_none_or(|n| n == l.name))
        .filter_map(|l| {
            let report = side
                .program
                .eval_law_options(side.state, &l.name, decide.clone())
                .ok()?;
            let noun = l.param.as_ref().and_then(|p| match &p.ty {
                Type::Record(r) => ir.record(*r).map(|r| noun(&r.name)),
                _ => None,
            });
            Some(Evaluated { report, noun })
        })
        .collect()
}

fn compare_law(pair: Paired<Evaluated>, sides: [Side<'_>; 2], options: &DiffOptions) -> LawDiff {
    let one_side = |e: Evaluated, before: bool| LawDiff {
        law: e.report.law.clone(),
        before: before.then(|| Counts::of(&e.report)),
        after: (!before).then(|| Counts::of(&e.report)),
        matched_by: matched_by(&e.report.results, &[]),
        changes: Vec::new(),
        noun: e.noun,
    };
    match pair {
        Paired::Before(e) => one_side(e, true),
        Paired::After(e) => one_side(e, false),
        Paired::Both(b, a) => {
            let by = matched_by(&b.report.results, &a.report.results);
            let (before, after) = (Counts::of(&b.report), Counts::of(&a.report));
            let law = a.report.law.clone();
            let mut changes =
                changed_subjects(b.report.results, a.report.results, by, options.reasons);
            if options.eval.explain != Explain::None {
                let [old, new] = sides;
                explain(
                    old,
                    &law,
                    &mut changes,
                    &options.eval,
                    |c| &mut c.0.before,
                    |c| c.1,
                );
                explain(
                    new,
                    &law,
                    &mut changes,
                    &options.eval,
                    |c| &mut c.0.after,
                    |c| c.2,
                );
            }
            LawDiff {
                law,
                before: Some(before),
                after: Some(after),
                matched_by: by,
                changes: changes.into_iter().map(|c| c.0).collect(),
                noun: a.noun.or(b.noun),
            }
        }
    }
}

/// By id when every subject on both sides has one and no id repeats on a
/// side; else by position.
fn matched_by(before: &[SubjectResult], after: &[SubjectResult]) -> MatchedBy {
    let whole = |rs: &[SubjectResult]| rs.iter().all(|r| r.subject == Subject::Whole);
    if whole(before) && whole(after) {
        return MatchedBy::Whole;
    }
    let keyed = |rs: &[SubjectResult]| {
        let mut seen = std::collections::BTreeSet::new();
        rs.iter().all(|r| {
            matches!(r.subject, Subject::Id(_) | Subject::IntId(_)) && seen.insert(&r.subject)
        })
    };
    if keyed(before) && keyed(after) {
        MatchedBy::Id
    } else {
        MatchedBy::Position
    }
}

fn changed(b: &SubjectResult, a: &SubjectResult, reasons: bool) -> bool {
    match (&b.verdict, &a.verdict) {
        (Verdict::Fail(fb), Verdict::Fail(fa)) => {
            reasons && !fb.iter().map(|f| &f.label).eq(fa.iter().map(|f| &f.label))
        }
        (vb, va) => Status::of(vb) != Status::of(va),
    }
}

/// A change with the subject's position on each side.
type Located = (SubjectChange, Option<usize>, Option<usize>);

/// Explains the results of one side of `changes` (`result` picks it,
/// `position` its position in the collection): each is evaluated again
/// with reasons, and replaced when its outcome is the one decided.
fn explain(
    side: Side<'_>,
    law: &str,
    changes: &mut [Located],
    options: &EvalOptions,
    result: impl Fn(&mut Located) -> &mut Option<SubjectResult>,
    position: impl Fn(&Located) -> Option<usize>,
) {
    let mut at: Vec<usize> = Vec::new();
    let mut which: Vec<usize> = Vec::new();
    for (k, c) in changes.iter().enumerate() {
        if let Some(p) = position(c) {
            at.push(p);
            which.push(k);
        }
    }
    let Ok(explained) = side.program.eval_law_at(side.state, law, &at, options) else {
        return;
    };
    if explained.len() != which.len() {
        return;
    }
    for (k, (verdict, notes)) in which.into_iter().zip(explained) {
        let Some(Some(r)) = changes.get_mut(k).map(&result) else {
            continue;
        };
        if Status::of(&r.verdict) == Status::of(&verdict) {
            r.verdict = verdict;
            r.notes = notes;
        }
    }
}

fn changed_subjects(
    before: Vec<SubjectResult>,
    after: Vec<SubjectResult>,
    by: MatchedBy,
    reasons: bool,
) -> Vec<Located> {
    let mut after: Vec<Option<SubjectResult>> = after.into_iter().map(Some).collect();
    let index: BTreeMap<Subject, usize> = match by {
        MatchedBy::Id => after
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((r.as_ref()?.subject.clone(), i)))
            .collect(),
        MatchedBy::Whole | MatchedBy::Position => BTreeMap::new(),
    };
    let key = |i: usize, r: &SubjectResult| match by {
        MatchedBy::Position => Subject::Index(i),
        MatchedBy::Id | MatchedBy::Whole => r.subject.clone(),
    };
    let mut changes = Vec::new();
    for (i, b) in before.into_iter().enumerate() {
        let slot = match by {
            MatchedBy::Id => index.get(&b.subject).copied(),
            MatchedBy::Whole | MatchedBy::Position => Some(i),
        };
        let a = slot.and_then(|j| after.get_mut(j)).and_then(Option::take);
        match a {
            Some(a) if !changed(&b, &a, reasons) => {}
            a => {
                let change = SubjectChange {
                    subject: key(i, &b),
                    before: Some(b),
                    after: a,
                };
                let j = change.after.is_some().then_some(slot).flatten();
                changes.push((change, Some(i), j));
            }
        }
    }
    for (j, a) in after.into_iter().enumerate() {
        if let Some(a) = a {
            let change = SubjectChange {
                subject: key(j, &a),
                before: None,
                after: Some(a),
            };
            changes.push((change, None, Some(j)));
        }
    }
    changes
}

/// `Member` → `member`, `VoteRecord` → `vote record`: a record's name as
/// lowercase words.
pub fn noun(record: &str) -> String {
    let mut words = String::new();
    for (i, c) in record.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    words
}

/// `member` → `members`, `treasury` → `treasuries`, `tax` → `taxes`.
pub fn plural(noun: &str) -> String {
    let mut words = noun.to_string();
    let consonant_y = words.ends_with('y')
        && !words
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| "aeiou".contains(c));
    if consonant_y {
        words.pop();
        words.push_str("ies");
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| words.ends_with(e))
    {
        words.push_str("es");
    } else {
        words.push('s');
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_names_become_plural_nouns() {
        let cases = [
            ("Member", "members"),
            ("Sailor", "sailors"),
            ("Treasury", "treasuries"),
            ("Survey", "surveys"),
            ("Campaign", "campaigns"),
            ("VoteRecord", "vote records"),
            ("Tax", "taxes"),
            ("Match", "matches"),
        ];
        for (name, nouns) in cases {
            assert_eq!(plural(&noun(name)), nouns);
        }
    }

    #[test]
    fn pairing_by_name_keeps_the_before_order_then_the_additions() {
        let paired = pair_by_name(vec!["a", "b", "c"], vec!["c", "d", "a"], |s| s);
        assert_eq!(
            paired,
            [
                Paired::Both("a", "a"),
                Paired::Before("b"),
                Paired::Both("c", "c"),
                Paired::After("d"),
            ]
        );
    }
}
