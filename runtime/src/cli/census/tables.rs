//! The census's tables, as plain rows of text that `html.rs` and `md.rs`
//! each escape and lay out: a figure's exact values per snapshot, a law's
//! counts per snapshot, the latest counts of every law, the snapshots not
//! evaluated.

use super::series::{Census, FigureSeries, Kind, Point};

/// A table: its header and rows of text (unescaped).
pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A figure per snapshot: the order field, the value as the CLI prints it,
/// and a list's length or the count per case.
pub fn figure(census: &Census, f: &FigureSeries) -> Table {
    let mut head = vec![census.field.clone(), f.name.clone()];
    match &f.kind {
        Kind::Length => head.push("length".into()),
        Kind::Cases(cases) => head.extend(cases.iter().cloned()),
        Kind::Number(_) | Kind::Record(_) | Kind::Table => {}
    }
    let extra = head.len() - 2;
    let rows = census
        .snapshots
        .iter()
        .zip(&f.cells)
        .map(|(s, c)| {
            let mut row = vec![s.order.clone(), c.text.clone()];
            match &c.point {
                Point::Length(n) => row.push(n.to_string()),
                Point::Counts(n) => row.extend(n.iter().map(u64::to_string)),
                Point::Gap | Point::Number(_) | Point::Fields(_) => {
                    row.extend(std::iter::repeat_n(String::new(), extra));
                }
            }
            row
        })
        .collect();
    Table { head, rows }
}

/// The verdict counts' header after its first column.
const COUNTS: [&str; 4] = ["pass", "fail", "error", "limit"];

/// A law's counts per snapshot (`error` counts every error, `limit` those
/// that ran out of steps or time, as `eval --snapshots` does).
pub fn law(census: &Census, counts: &[Option<super::super::history_out::Counts>]) -> Table {
    let mut head = vec![census.field.clone()];
    head.extend(COUNTS.map(String::from));
    let rows = census
        .snapshots
        .iter()
        .zip(counts)
        .map(|(s, c)| {
            let mut row = vec![s.order.clone()];
            match c {
                Some(c) => row.extend([c.pass, c.fail, c.error, c.limit].map(|n| n.to_string())),
                None => row.extend(["not evaluated", "", "", ""].map(String::from)),
            }
            row
        })
        .collect();
    Table { head, rows }
}

/// Every law's counts at the latest snapshot that was evaluated.
pub fn latest(census: &Census) -> Option<Table> {
    let i = census.latest()?;
    let mut head = vec!["law".to_string()];
    head.extend(COUNTS.map(String::from));
    let rows = census
        .laws
        .iter()
        .filter_map(|(law, counts)| {
            let c = counts.get(i).copied().flatten()?;
            let mut row = vec![law.clone()];
            row.extend([c.pass, c.fail, c.error, c.limit].map(|n| n.to_string()));
            Some(row)
        })
        .collect();
    Some(Table { head, rows })
}

/// The snapshots that were not evaluated, and why.
pub fn not_evaluated(census: &Census) -> Option<Table> {
    let rows: Vec<Vec<String>> = census
        .snapshots
        .iter()
        .filter_map(|s| Some(vec![s.order.clone(), s.name.clone(), s.error.clone()?]))
        .collect();
    (!rows.is_empty()).then(|| Table {
        head: vec![census.field.clone(), "snapshot".into(), "why".into()],
        rows,
    })
}
