//! The census as one self-contained HTML page: the style inline, each chart
//! an inline `<svg>`, no script, nothing fetched. Every text from the
//! charter or the snapshots (names, docs, values, enum cases, file names)
//! is escaped; the SVG's own texts are escaped by plotters.

use super::series::Census;
use super::tables::{self, Table};
use super::{slug, Chart};
use crate::doc::html::escape_html as escape;
use std::fmt::Write as _;

/// Tables of at most this many rows are shown open; longer ones folded.
const OPEN_ROWS: usize = 24;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { margin: 0; background: #f3f4f6; color: #1f2328;
  font: 15px/1.5 system-ui, "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 820px; margin: 1.5rem auto; padding: 1.5rem 2rem; background: #fff;
  border: 1px solid #d8dbe0; }
h1 { margin: 0 0 0.2rem; font-size: 1.9rem; }
h2 { margin-top: 2.2rem; border-bottom: 2px solid #0072b2; padding-bottom: 0.2rem; }
h3 { margin: 1.8rem 0 0.3rem; font-size: 1.1rem; }
.meta, .type, .doc { color: #57606a; }
.type { font-weight: normal; font-size: 0.9rem; }
code { font: 0.9em "DejaVu Sans Mono", Menlo, Consolas, monospace; }
figure { margin: 0.5rem 0; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.4rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #d8dbe0; padding: 0.15rem 0.55rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f6f8fa; }
summary { cursor: pointer; color: #0969da; }
"#;

/// The page.
pub fn page(census: &Census, charts: &[Vec<Chart>]) -> String {
    let mut out = String::new();
    let name = escape(&census.name);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{name}: census</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>{name}</h1>\n<p class=\"meta\">{}</p>\n",
        escape(&summary(census))
    );
    if let Some(t) = tables::not_evaluated(census) {
        out.push_str("<h2 id=\"not-evaluated\">Snapshots not evaluated</h2>\n");
        table(&mut out, &t);
    }
    let (figure_charts, law_charts) = charts.split_at(census.figures.len().min(charts.len()));
    out.push_str("<h2 id=\"figures\">Figures</h2>\n");
    if census.figures.is_empty() {
        out.push_str("<p>The charter declares no figures.</p>\n");
    }
    for (f, charts) in census.figures.iter().zip(figure_charts) {
        let _ = writeln!(
            out,
            "<section id=\"figure-{}\">\n<h3>{} <span class=\"type\">{}</span></h3>",
            slug(&f.name),
            escape(&f.name),
            escape(&f.ty)
        );
        if let Some(doc) = &f.doc {
            let _ = writeln!(out, "<p class=\"doc\">{}</p>", escape(doc));
        }
        for c in charts {
            let _ = writeln!(out, "<figure>{}</figure>", c.svg.trim_end());
        }
        folded(&mut out, &tables::figure(census, f));
        out.push_str("</section>\n");
    }
    out.push_str("<h2 id=\"laws\">Laws</h2>\n");
    match (tables::latest(census), census.latest()) {
        (Some(t), Some(i)) => {
            let s = census.snapshots.get(i);
            let _ = writeln!(
                out,
                "<p>Verdicts at the latest snapshot, {} <code>{}</code>:</p>",
                escape(s.map_or("", |s| s.order.as_str())),
                escape(s.map_or("", |s| s.name.as_str()))
            );
            table(&mut out, &t);
        }
        _ => out.push_str("<p>No snapshot was evaluated.</p>\n"),
    }
    for ((law, counts), charts) in census.laws.iter().zip(law_charts) {
        let _ = writeln!(
            out,
            "<section id=\"law-{}\">\n<h3>law {}</h3>",
            slug(law),
            escape(law)
        );
        for c in charts {
            let _ = writeln!(out, "<figure>{}</figure>", c.svg.trim_end());
        }
        folded(&mut out, &tables::law(census, counts));
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// "version 3 · 12 snapshots from A to B, ordered by `now`".
pub fn summary(census: &Census) -> String {
    let n = census.snapshots.len();
    let mut parts = Vec::new();
    if let Some(v) = &census.version {
        parts.push(format!("version {v}"));
    }
    let plural = if n == 1 { "" } else { "s" };
    parts.push(format!(
        "{n} snapshot{plural} {}, ordered by {}",
        census.span(),
        census.field
    ));
    parts.join(" \u{b7} ")
}

/// A table in a `<details>`, open when it is short.
fn folded(out: &mut String, t: &Table) {
    let open = if t.rows.len() <= OPEN_ROWS {
        " open"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<details{open}><summary>Values ({} snapshots)</summary>",
        t.rows.len()
    );
    table(out, t);
    out.push_str("</details>\n");
}

fn table(out: &mut String, t: &Table) {
    out.push_str("<table>\n<thead><tr>");
    for h in &t.head {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let numeric = i > 0 && !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit());
            let class = if numeric { " class=\"n\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}
