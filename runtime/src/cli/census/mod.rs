//! `polity report CHARTER --snapshots FILES...|DIR|FILE.jsonl [-o FILE]
//! [--format html|md]`: the census report of a history, one self-contained
//! HTML page (inline style and SVG: nothing fetched, no script) or Markdown
//! for repositories.
//!
//! The snapshots are read, ordered and evaluated by the history's own code
//! (`history.rs`: the same inputs, `--order-by` and `--fail-fast`, one
//! snapshot per worker in memory at a time); each outcome is reduced at
//! once to the series the report shows (`series.rs`), then the report is
//! written from the series: the charter's name and version and the span of
//! the history, a chart and a table of exact values per figure
//! (`chart.rs`: plotters), and per law the latest snapshot's verdict counts
//! and their history (`html.rs`, `md.rs`, over the tables of `tables.rs`).
//!
//! With `--format md -o FILE`, the charts are SVG files beside `FILE`
//! (`STEM.figure.NAME.svg`, `STEM.law.NAME.svg`) that the Markdown links
//! to, since repositories' Markdown viewers do not show inline SVG; on
//! standard output the Markdown has the tables alone.
//!
//! Exit status as `eval --snapshots`: 0 when every snapshot was evaluated,
//! 1 when the charter does not compile, 2 on usage or I/O errors, 3 when a
//! snapshot does not match the charter's `state` (named on stderr with the
//! JSON path of every mismatch; the report is still written, and lists it).

mod chart;
mod html;
mod md;
mod series;
mod tables;

use super::eval::Select;
use super::history::{self, History};
use crate::api::{CompileOptions, EvalOptions, Program};
use series::{Census, Kind, Point};
use std::path::Path;

/// `polity report --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML page.
    Html,
    /// Markdown, with the charts as SVG files beside `-o FILE`.
    Md,
}

/// One chart of the report.
pub struct Chart {
    /// Its file name's middle part (`figure.population`, `law.may_vote`).
    pub stem: String,
    pub svg: String,
}

/// Runs `polity report`; the exit status.
pub fn run(
    charter: &Path,
    history: &History<'_>,
    (format, out_file): (ReportFormat, Option<&Path>),
    options: EvalOptions,
    compile: &CompileOptions,
) -> i32 {
    let program = match super::compile_or_report(charter, compile) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (census, status) = match collect(&program, history, options) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let written = write(&census, format, out_file);
    match written {
        Ok(()) => status,
        Err(e) => {
            match out_file {
                Some(path) => stderrln!(
                    "error: cannot write `{}`: {}",
                    path.display(),
                    e.to_string().to_lowercase()
                ),
                None => return super::output::exit_code(Err(e)),
            }
            2
        }
    }
}

/// Evaluates the history into its census; the census and the exit status
/// of the snapshots (0, 2 or 3), or the exit status when there is nothing
/// to report.
fn collect(
    program: &Program,
    history: &History<'_>,
    options: EvalOptions,
) -> Result<(Census, i32), i32> {
    let field = history.order_by.unwrap_or("now");
    let entries = history::entries(history, field).map_err(|message| {
        stderrln!("error: {message}");
        2
    })?;
    let select = Select {
        law: None,
        figures: &[],
    };
    let mut census = Census::new(program, field);
    let status = history::each_in_order(
        program,
        history,
        &entries,
        select,
        options,
        |entry, outcome| {
            super::history_out::report(entry, &outcome);
            census.push(program, entry, &outcome);
            Ok(())
        },
    )
    .map_err(|e| super::output::exit_code(Err(e)))?;
    Ok((census, status))
}

/// Writes the report where `-o` says (standard output by default).
fn write(census: &Census, format: ReportFormat, out_file: Option<&Path>) -> std::io::Result<()> {
    let text = match (format, out_file) {
        (ReportFormat::Html, _) => html::page(census, &charts(census)?),
        (ReportFormat::Md, None) => md::document(census, None),
        (ReportFormat::Md, Some(path)) => {
            let charts = charts(census)?;
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "census".into());
            let dir = path.parent().unwrap_or(Path::new(""));
            let mut files = Vec::new();
            for chart in charts.iter().flatten() {
                let name = format!("{stem}.{}.svg", chart.stem);
                std::fs::write(dir.join(&name), &chart.svg)?;
                files.push((chart.stem.clone(), name));
            }
            md::document(census, Some(&files))
        }
    };
    match out_file {
        Some(path) => std::fs::write(path, text),
        None => {
            use std::io::Write as _;
            let mut out = super::output::stdout();
            out.write_all(text.as_bytes())?;
            out.flush()
        }
    }
}

/// Every chart: per figure (none, one, or one per numeric field of a
/// record), then one per law.
fn charts(census: &Census) -> std::io::Result<Vec<Vec<Chart>>> {
    let labels: Vec<String> = census.snapshots.iter().map(|s| s.order.clone()).collect();
    let xs = census.xs();
    let time = chart::Time {
        axis: census.axis(),
        xs: &xs,
        labels: &labels,
    };
    let mut all = Vec::new();
    for f in &census.figures {
        all.push(figure_charts(f, &time)?);
    }
    let names = ["pass", "fail", "error", "limit"].map(String::from);
    for (law, counts) in &census.laws {
        // Errors that ran out of a limit are drawn apart from the others.
        let bars: Vec<Option<Vec<u64>>> = counts
            .iter()
            .map(|c| {
                c.map(|c| {
                    [c.pass, c.fail, c.error.saturating_sub(c.limit), c.limit]
                        .map(|n| n as u64)
                        .to_vec()
                })
            })
            .collect();
        let svg = chart::bars(
            &format!("law {law}"),
            &time,
            &names,
            &chart::VERDICTS,
            &bars,
        )?;
        all.push(vec![Chart {
            stem: format!("law.{}", slug(law)),
            svg,
        }]);
    }
    Ok(all)
}

/// A figure's charts (the table in `series.rs`).
fn figure_charts(f: &series::FigureSeries, time: &chart::Time<'_>) -> std::io::Result<Vec<Chart>> {
    let stem = format!("figure.{}", slug(&f.name));
    let numbers = |pick: &dyn Fn(&Point) -> Option<f64>| -> Vec<Option<f64>> {
        f.cells.iter().map(|c| pick(&c.point)).collect()
    };
    let one = |svg| {
        Ok(vec![Chart {
            stem: stem.clone(),
            svg,
        }])
    };
    match &f.kind {
        Kind::Number(unit) => {
            let ys = numbers(&|p| match p {
                Point::Number(y) => Some(*y),
                _ => None,
            });
            one(chart::line(&f.name, time, &ys, *unit)?)
        }
        Kind::Length => {
            let ys = numbers(&|p| match p {
                Point::Length(n) => Some(*n as f64),
                _ => None,
            });
            one(chart::line(
                &format!("{} (length)", f.name),
                time,
                &ys,
                series::Unit::Plain,
            )?)
        }
        Kind::Cases(cases) => {
            let counts: Vec<Option<Vec<u64>>> = f
                .cells
                .iter()
                .map(|c| match &c.point {
                    Point::Counts(n) => Some(n.clone()),
                    _ => None,
                })
                .collect();
            let colours: Vec<_> = (0..cases.len()).map(chart::colour).collect();
            one(chart::bars(&f.name, time, cases, &colours, &counts)?)
        }
        Kind::Record(fields) => {
            let mut charts = Vec::new();
            for (k, (field, _, unit)) in fields.iter().enumerate() {
                let ys = numbers(&|p| match p {
                    Point::Fields(v) => v.get(k).copied().flatten(),
                    _ => None,
                });
                charts.push(Chart {
                    stem: format!("{stem}.{}", slug(field)),
                    svg: chart::line(&format!("{}.{field}", f.name), time, &ys, *unit)?,
                });
            }
            Ok(charts)
        }
        Kind::Table => Ok(Vec::new()),
    }
}

/// A name as a file name's or an anchor's part: letters, digits, `_` and
/// `-` kept, anything else `_`.
pub fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
