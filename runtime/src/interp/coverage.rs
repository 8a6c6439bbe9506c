//! Test coverage: which requirements, exceptions, guards and branches an
//! evaluation reached (`polity test --coverage`).
//!
//! A [`Coverage`] is handed to the evaluation context ([`run_tests_covered`])
//! and counts each [`Point`] the interpreter passes; with none (the
//! default) nothing is counted and nothing else changes: the recorder only
//! observes, so verdicts and test outcomes are the same with or without it.
//! Explanations (the reasons of a failure) re-evaluate parts of a
//! condition; they are not counted, so a branch counts only when the
//! evaluation itself took it.
//!
//! [`items`] lists, for each law, fn and const of a program, the points
//! there are to reach, in source order, for the reports to compare with
//! what was counted.

use super::eval::Ctx;
use super::testing::{run_tests_in, TestOutcome};
use super::Limits;
use polity_compiler::ir::{Arm, Expr, ExprKind, LawStmt, Program};
use polity_compiler::span::Span;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

/// A place whose visits are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Point {
    /// A requirement (by its span) was checked.
    Checked(Span),
    /// An exception (by its span) applied: the requirement's condition did
    /// not hold and the exception did.
    Applied(Span),
    /// A `when` guard (by its span) held (`true`) or did not.
    Guard(Span, bool),
    /// An `if` (by its condition's span) took `then` (`true`) or `else`.
    If(Span, bool),
    /// A `match` (by its span) took its arm of this index.
    Arm(Span, u32),
}

/// Counts of the points an evaluation reached.
#[derive(Debug, Default)]
pub struct Coverage {
    hits: RefCell<BTreeMap<Point, u64>>,
    /// While above 0 (explaining), nothing is counted.
    paused: Cell<u32>,
}

impl Coverage {
    /// An empty recorder.
    pub fn new() -> Coverage {
        Coverage::default()
    }

    /// How many times `point` was reached.
    pub fn count(&self, point: Point) -> u64 {
        self.hits.borrow().get(&point).copied().unwrap_or(0)
    }

    fn hit(&self, point: Point) {
        if self.paused.get() == 0 {
            let mut hits = self.hits.borrow_mut();
            let n = hits.entry(point).or_insert(0);
            *n = n.saturating_add(1);
        }
    }

    /// Stops counting until the guard is dropped.
    pub(crate) fn pause(&self) -> Paused<'_> {
        self.paused.set(self.paused.get().saturating_add(1));
        Paused(self)
    }
}

/// Counting stopped until dropped ([`Coverage::pause`]).
pub(crate) struct Paused<'c>(&'c Coverage);

impl Drop for Paused<'_> {
    fn drop(&mut self) {
        self.0.paused.set(self.0.paused.get().saturating_sub(1));
    }
}

impl Ctx<'_> {
    /// Counts `point` when coverage is recorded.
    pub(crate) fn cover(&self, point: Point) {
        if let Some(c) = self.coverage {
            c.hit(point);
        }
    }

    /// Counts the arm `taken` of `arms` (the `match` at `e`).
    pub(crate) fn cover_arm(&self, e: &Expr, arms: &[Arm], taken: Option<&Arm>) {
        if let (Some(c), Some(taken)) = (self.coverage, taken) {
            if let Some(i) = arms.iter().position(|a| std::ptr::eq(a, taken)) {
                c.hit(Point::Arm(e.span, u32::try_from(i).unwrap_or(u32::MAX)));
            }
        }
    }
}

/// Runs every test of the program in the interpreter, counting into
/// `coverage` what they reach (the outcomes are [`super::run_tests`]'s).
pub fn run_tests_covered(
    program: &Program,
    limits: Limits,
    coverage: &Coverage,
) -> Vec<TestOutcome> {
    run_tests_in(program, limits, Some(coverage))
}

/// What a law, fn or const has to reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// `law`, `fn` or `const`.
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// Its declaration.
    pub span: Span,
    /// Its points in source order, with the spans that show them.
    pub items: Vec<Item>,
}

/// One point to reach, and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The point counted.
    pub point: Point,
    /// Where it is written (an arm's or branch's body, a clause).
    pub span: Span,
    /// What it is, for people (`unless "founders" applied`, `else`).
    pub what: String,
    /// The decision it is one outcome of: items with the same decision are
    /// the branches of one `if`, `match`, guard, or a requirement's
    /// exceptions; `None` for a requirement itself.
    pub decision: Option<u32>,
    /// For an exception, its requirement's point: the decision was reached
    /// when the requirement was checked (for other decisions, when one of
    /// its branches was taken).
    pub reached_by: Option<Point>,
}

/// Every law's, fn's and const's points (in that order, each in source
/// order), in the files `include` accepts; a fn or const without any is left
/// out.
pub fn items(program: &Program, include: &dyn Fn(Span) -> bool) -> Vec<Section> {
    let mut w = Walk {
        program,
        items: Vec::new(),
        decisions: 0,
    };
    let mut sections = Vec::new();
    for law in program.laws.iter().filter(|l| include(l.span)) {
        w.stmts(&law.body);
        sections.push(w.section("law", &law.name, law.span));
    }
    for f in program.fns.iter().filter(|f| include(f.span)) {
        w.expr(&f.body);
        sections.push(w.section("fn", &f.name, f.span));
    }
    for c in program.consts.iter().filter(|c| include(c.span)) {
        w.expr(&c.value);
        sections.push(w.section("const", &c.name, c.span));
    }
    sections.retain(|s| s.kind == "law" || !s.items.is_empty());
    sections
}

struct Walk<'p> {
    program: &'p Program,
    items: Vec<Item>,
    decisions: u32,
}

impl Walk<'_> {
    fn section(&mut self, kind: &'static str, name: &str, span: Span) -> Section {
        let mut items = std::mem::take(&mut self.items);
        items.sort_by_key(|i| i.span.start);
        Section {
            kind,
            name: name.to_string(),
            span,
            items,
        }
    }

    fn decision(&mut self) -> u32 {
        self.decisions += 1;
        self.decisions
    }

    fn push(&mut self, point: Point, span: Span, what: String, decision: Option<u32>) {
        self.items.push(Item {
            point,
            span,
            what,
            decision,
            reached_by: None,
        });
    }

    fn stmts(&mut self, stmts: &[LawStmt]) {
        for s in stmts {
            match s {
                LawStmt::Let { value, .. } => self.expr(value),
                LawStmt::Require(r) => {
                    let word = if r.advisory { "should" } else { "require" };
                    let what = format!("{word} {:?}", r.label);
                    self.push(Point::Checked(r.span), r.span, what, None);
                    self.expr(&r.cond);
                    let decision = (!r.exceptions.is_empty()).then(|| self.decision());
                    for x in &r.exceptions {
                        let what = format!("unless {:?} applied", x.label);
                        self.push(Point::Applied(x.span), x.span, what, decision);
                        if let Some(item) = self.items.last_mut() {
                            item.reached_by = Some(Point::Checked(r.span));
                        }
                        self.expr(&x.cond);
                    }
                }
                LawStmt::When(g) => {
                    let d = Some(self.decision());
                    let cond = super::why::one_line(self.program.sources.snippet(g.cond.span));
                    for held in [true, false] {
                        let what =
                            format!("when {cond} {}", if held { "held" } else { "did not hold" });
                        self.push(Point::Guard(g.span, held), g.span, what, d);
                    }
                    self.expr(&g.cond);
                    self.stmts(&g.body);
                }
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::If(c, a, b) => {
                let d = Some(self.decision());
                self.push(Point::If(c.span, true), a.span, "if … then".to_string(), d);
                self.push(Point::If(c.span, false), b.span, "else".to_string(), d);
            }
            ExprKind::Match(_, arms) => {
                let d = Some(self.decision());
                for (i, arm) in arms.iter().enumerate() {
                    let i = u32::try_from(i).unwrap_or(u32::MAX);
                    let what = format!("match arm {}", i.saturating_add(1));
                    self.push(Point::Arm(e.span, i), arm.body.span, what, d);
                }
            }
            _ => {}
        }
        e.for_each_child(&mut |child| self.expr(child));
    }
}
