//! The census as Markdown for repositories: the same sections as the page,
//! each figure's and law's values as a table; each chart an image link to
//! its SVG file beside the document (`files`), when there is one.
//! Every text from the charter or the snapshots is escaped.

use super::series::Census;
use super::tables::{self, Table};
use crate::doc::text::escape;
use std::fmt::Write as _;

/// The document; `files` maps each chart's stem to its file name.
pub fn document(census: &Census, files: Option<&[(String, String)]>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&census.name));
    let _ = writeln!(out, "{}\n", escape(&super::html::summary(census)));
    if files.is_none() {
        out.push_str("The charts are written with `-o FILE`, as SVG files beside it.\n\n");
    }
    if let Some(t) = tables::not_evaluated(census) {
        out.push_str("## Snapshots not evaluated\n\n");
        table(&mut out, &t);
    }
    out.push_str("## Figures\n\n");
    if census.figures.is_empty() {
        out.push_str("The charter declares no figures.\n\n");
    }
    let figure = |stem: &str| format!("figure.{stem}");
    for f in &census.figures {
        let _ = writeln!(out, "### {} ({})\n", escape(&f.name), escape(&f.ty));
        if let Some(doc) = &f.doc {
            let _ = writeln!(out, "{}\n", escape(&one_line(doc)));
        }
        images(&mut out, files, &figure(&super::slug(&f.name)), &f.name);
        table(&mut out, &tables::figure(census, f));
    }
    out.push_str("## Laws\n\n");
    match (tables::latest(census), census.latest()) {
        (Some(t), Some(i)) => {
            let s = census.snapshots.get(i);
            let _ = writeln!(
                out,
                "Verdicts at the latest snapshot, {} ({}):\n",
                escape(s.map_or("", |s| s.order.as_str())),
                escape(s.map_or("", |s| s.name.as_str()))
            );
            table(&mut out, &t);
        }
        _ => out.push_str("No snapshot was evaluated.\n\n"),
    }
    for (law, counts) in &census.laws {
        let _ = writeln!(out, "### law {}\n", escape(law));
        let stem = format!("law.{}", super::slug(law));
        images(&mut out, files, &stem, law);
        table(&mut out, &tables::law(census, counts));
    }
    out
}

/// The image links of the charts whose stem is `stem` or starts `stem.`.
fn images(out: &mut String, files: Option<&[(String, String)]>, stem: &str, name: &str) {
    let Some(files) = files else { return };
    let prefix = format!("{stem}.");
    let mut any = false;
    for (s, file) in files {
        if s == stem || s.starts_with(&prefix) {
            let _ = writeln!(out, "![{} over time]({file})", escape(name));
            any = true;
        }
    }
    if any {
        out.push('\n');
    }
}

/// Line breaks as spaces (a table cell or a paragraph of one line).
fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn table(out: &mut String, t: &Table) {
    let row = |cells: &[String]| -> String {
        let cells: Vec<String> = cells.iter().map(|c| escape(&one_line(c))).collect();
        format!("| {} |\n", cells.join(" | "))
    };
    out.push_str(&row(&t.head));
    let rule: Vec<String> = t.head.iter().map(|_| "---".to_string()).collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for r in &t.rows {
        out.push_str(&row(r));
    }
    out.push('\n');
}
