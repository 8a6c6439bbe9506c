//! `polity test --coverage` and `--coverage-lcov FILE`: what the tests of
//! each charter reached, per law, fn and const, as counted by the reference
//! interpreter (`interp/coverage.rs`).
//!
//! The items are the requirements (reached when checked), the exceptions
//! (reached when one applied), the two outcomes of each `when` guard, the
//! `then` and `else` of each `if` and each arm of each `match`. The text
//! summary gives each section's covered/total and every item not reached
//! with its source line; the lcov file has, for each file of the charter
//! (not the `std.*` modules), a `DA` line per line holding an item (the
//! times its items were reached) and a `BRDA` line per branch (an
//! exception, a guard's outcome, an `if`'s side, a `match` arm), each
//! decision a block.

use crate::api::Program;
use crate::interp::{
    coverage_items, run_tests_covered, Coverage, Item, Limits, Section, TestOutcome,
};
use polity_compiler::span::{SourceMap, Span};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// An item, how many times it was reached, and how many times the decision
/// it belongs to was reached when that is counted apart (an exception's
/// requirement).
type Counted<'r> = (&'r Item, u64, Option<u64>);

/// What one charter's tests reached.
pub struct Report {
    /// The charter as given.
    pub name: String,
    /// How many tests ran.
    pub tests: usize,
    sources: SourceMap,
    /// Each section with the count of each of its items.
    sections: Vec<(Section, Vec<u64>)>,
    /// For each item's `reached_by`, its count.
    reached: Vec<Vec<Option<u64>>>,
}

/// Runs `program`'s tests in the interpreter, counting what they reach.
pub fn run(name: String, program: &Program, limits: &Limits) -> (Vec<TestOutcome>, Report) {
    let coverage = Coverage::new();
    let ir = program.ir();
    let outcomes = run_tests_covered(ir, limits.clone(), &coverage);
    let sources = ir.sources.clone();
    let ours = |span: Span| {
        sources
            .get(span.file)
            .is_some_and(|f| polity_compiler::stdlib::source(&f.name).is_none())
    };
    let sections: Vec<(Section, Vec<u64>)> = coverage_items(ir, &ours)
        .into_iter()
        .map(|s| {
            let counts = s.items.iter().map(|i| coverage.count(i.point)).collect();
            (s, counts)
        })
        .collect();
    let reached = sections
        .iter()
        .map(|(s, _)| {
            s.items
                .iter()
                .map(|i| i.reached_by.map(|p| coverage.count(p)))
                .collect()
        })
        .collect();
    let report = Report {
        name,
        tests: outcomes.len(),
        sources,
        sections,
        reached,
    };
    (outcomes, report)
}

impl Report {
    fn line(&self, span: Span) -> usize {
        self.sources.line_col(span.file, span.start).0
    }

    /// The source line `line` of `span`'s file, without its indentation.
    fn source_line(&self, span: Span, line: usize) -> &str {
        self.sources
            .get(span.file)
            .and_then(|f| f.text.lines().nth(line.saturating_sub(1)))
            .unwrap_or("")
            .trim()
    }

    /// The text summary.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let plural = if self.tests == 1 { "test" } else { "tests" };
        let _ = writeln!(
            out,
            "coverage of {} ({} {plural}, reference interpreter)",
            self.name, self.tests
        );
        let (mut covered, mut total) = (0usize, 0usize);
        for (section, counts) in &self.sections {
            let hit = counts.iter().filter(|&&n| n > 0).count();
            covered += hit;
            total += counts.len();
            let _ = writeln!(
                out,
                "  {} {}: {hit}/{}",
                section.kind,
                section.name,
                counts.len()
            );
            for (item, _) in section.items.iter().zip(counts).filter(|(_, &n)| n == 0) {
                let line = self.line(item.span);
                let _ = writeln!(out, "    not reached, line {line}: {}", item.what);
                let _ = writeln!(out, "      | {}", self.source_line(item.span, line));
            }
        }
        let percent = (covered * 100).checked_div(total).unwrap_or(100);
        let _ = writeln!(out, "  total: {covered}/{total} ({percent}%)");
        out
    }

    /// The lcov records, one per file of the charter with items.
    pub fn lcov(&self) -> String {
        let mut files: BTreeMap<u32, Vec<Counted>> = BTreeMap::new();
        for ((section, counts), reached) in self.sections.iter().zip(&self.reached) {
            for ((item, &n), &r) in section.items.iter().zip(counts).zip(reached) {
                files
                    .entry(item.span.file.0)
                    .or_default()
                    .push((item, n, r));
            }
        }
        let mut out = String::new();
        for items in files.values() {
            let Some((first, _, _)) = items.first() else {
                continue;
            };
            let name = self
                .sources
                .get(first.span.file)
                .map_or("", |f| f.name.as_str());
            let _ = writeln!(out, "TN:\nSF:{name}");
            self.write_branches(&mut out, items);
            let mut lines: BTreeMap<usize, u64> = BTreeMap::new();
            for (item, n, _) in items {
                let hits = lines.entry(self.line(item.span)).or_insert(0);
                *hits = hits.saturating_add(*n);
            }
            for (line, n) in &lines {
                let _ = writeln!(out, "DA:{line},{n}");
            }
            let hit = lines.values().filter(|&&n| n > 0).count();
            let _ = writeln!(out, "LF:{}\nLH:{hit}\nend_of_record", lines.len());
        }
        out
    }

    /// `BRDA:line,block,branch,taken` for each branch (`-` when its decision
    /// was never reached), then `BRF` and `BRH`.
    fn write_branches(&self, out: &mut String, items: &[Counted]) {
        let mut totals: BTreeMap<u32, u64> = BTreeMap::new();
        for (item, n, reached) in items {
            if let Some(d) = item.decision {
                let t = totals.entry(d).or_insert(0);
                *t = t.saturating_add(reached.unwrap_or(*n));
            }
        }
        let mut next_branch: BTreeMap<u32, u32> = BTreeMap::new();
        let (mut found, mut hit) = (0usize, 0usize);
        for (item, n, _) in items {
            let Some(d) = item.decision else { continue };
            let branch = next_branch.entry(d).or_insert(0);
            let taken = match totals.get(&d) {
                Some(&t) if t > 0 => n.to_string(),
                _ => "-".to_string(),
            };
            let _ = writeln!(out, "BRDA:{},{d},{branch},{taken}", self.line(item.span));
            *branch += 1;
            found += 1;
            hit += usize::from(*n > 0);
        }
        let _ = writeln!(out, "BRF:{found}\nBRH:{hit}");
    }
}
