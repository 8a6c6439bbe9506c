//! The census's charts, drawn as SVG by plotters: a line over time for a
//! number, stacked bars over time for counts (an enum's cases, a law's
//! verdicts). The time axis is the snapshots' order field: dates, whole
//! numbers, or positions.
//!
//! Floats are used here only to place marks on the drawing; every value a
//! reader sees as a number is in the tables, exact, as the CLI prints it.
//! plotters writes its SVG without ids, clocks or randomness, so the same
//! data gives the same bytes.
#![allow(clippy::float_arithmetic)]

use super::series::{Axis, Unit};
use crate::value::Value;
use plotters::prelude::*;
use polity_compiler::num::format_date;

/// The size of every chart, in pixels.
const SIZE: (u32, u32) = (760, 280);

/// Lines of at most this many snapshots mark each value.
const MARKED: usize = 60;

/// The colours of series, in order (a colour-blind-safe palette: Okabe and Ito's).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

/// The colours of the verdicts: pass, fail, error, limit.
pub const VERDICTS: [RGBColor; 4] = [
    RGBColor(46, 125, 50),
    RGBColor(198, 40, 40),
    RGBColor(239, 108, 0),
    RGBColor(117, 117, 117),
];

/// The `i`th colour of a chart's series.
pub fn colour(i: usize) -> RGBColor {
    PALETTE.get(i % PALETTE.len()).copied().unwrap_or(BLACK)
}

/// The time axis: where each snapshot sits and how its places are labelled.
pub struct Time<'a> {
    pub axis: Axis,
    /// Each snapshot's place, in order.
    pub xs: &'a [i64],
    /// Each snapshot's order field as written (the labels of positions).
    pub labels: &'a [String],
}

impl Time<'_> {
    fn x(&self, i: usize) -> Option<f64> {
        self.xs.get(i).map(|&x| x as f64)
    }

    /// The label of a place on the axis.
    fn label(&self, x: f64) -> String {
        let whole = x.round();
        if (x - whole).abs() > 1e-9 {
            return String::new();
        }
        match self.axis {
            Axis::Dates => date(whole),
            Axis::Numbers => format!("{whole:.0}"),
            Axis::Positions => {
                let i = whole as i64 - 1;
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.labels.get(i))
                    .cloned()
                    .unwrap_or_default()
            }
        }
    }

    /// The range of the axis, with room for a bar at each end.
    fn range(&self) -> (f64, f64) {
        let (lo, hi) = bounds(self.xs.iter().map(|&x| x as f64));
        let pad = (self.half_width() * 2.0).max((hi - lo) * 0.02);
        (lo - pad, hi + pad)
    }

    /// Half the width of a bar: 0.4 of the smallest gap between snapshots.
    fn half_width(&self) -> f64 {
        let gap = self
            .xs
            .windows(2)
            .filter_map(|w| match w {
                [a, b] if b > a => Some((*b - *a) as f64),
                _ => None,
            })
            .fold(f64::INFINITY, f64::min);
        if gap.is_finite() {
            gap * 0.4
        } else {
            0.4
        }
    }
}

/// A value's place on a numeric axis of `unit` (durations and instants
/// in days); `None` for a value that is not a number.
pub fn y(unit: Unit, v: &Value) -> Option<f64> {
    let days = |seconds: i64| seconds as f64 / 86_400.0;
    match (unit, v) {
        (_, Value::Int(n) | Value::Period(n) | Value::Date(n)) => Some(*n as f64),
        (_, Value::Duration(s) | Value::Instant(s)) => Some(days(*s)),
        (_, Value::Dec(d)) => {
            // Its first 12 places, read as a float: only to draw it.
            let d = d.get();
            let text = match d.terminating_places() {
                Some(_) => d.to_string(),
                None => d.truncated(12).to_string(),
            };
            text.parse::<f64>().ok().filter(|f| f.is_finite())
        }
        _ => None,
    }
}

/// A day number as a date (or as a number, far outside the calendar).
fn date(day: f64) -> String {
    if day.abs() < 1e12 {
        format_date(day as i64)
    } else {
        format!("{day:.0}")
    }
}

/// The label of a value on a numeric axis of `unit`.
fn y_label(unit: Unit, y: f64) -> String {
    match unit {
        Unit::Date | Unit::Instant => date(y.round()),
        Unit::Duration => format!("{} d", number(y)),
        Unit::Plain => number(y),
    }
}

/// A tick's number: whole, or to three places without trailing zeros.
fn number(y: f64) -> String {
    if y.fract() == 0.0 && y.abs() < 1e15 {
        format!("{y:.0}")
    } else if y.abs() >= 1e15 || (y != 0.0 && y.abs() < 1e-3) {
        format!("{y:.3e}")
    } else {
        let s = format!("{y:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The smallest and largest of `values` (0 and 1 when there are none),
/// never equal.
fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        (0.0, 1.0)
    } else if lo == hi {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    }
}

/// A failure to draw (plotters' error, as text).
fn drawing<E: std::fmt::Display>(e: E) -> std::io::Error {
    std::io::Error::other(format!("cannot draw a chart: {e}"))
}

/// A line chart of `ys` (one per snapshot, `None` a gap) titled `title`.
pub fn line(
    title: &str,
    time: &Time<'_>,
    ys: &[Option<f64>],
    unit: Unit,
) -> std::io::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let (x0, x1) = time.range();
        let (lo, hi) = bounds(ys.iter().flatten().copied());
        let pad = (hi - lo) * 0.08;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 17))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(88)
            .build_cartesian_2d(x0..x1, (lo - pad)..(hi + pad))
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&|x| time.label(*x))
            .y_label_formatter(&|y| y_label(unit, *y))
            .label_style(("sans-serif", 12))
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(drawing)?;
        let colour = colour(0);
        // A line through each run of consecutive values; a gap breaks it.
        let points: Vec<Option<(f64, f64)>> = ys
            .iter()
            .enumerate()
            .map(|(i, y)| Some((time.x(i)?, (*y)?)))
            .collect();
        for run in points.split(Option::is_none) {
            let run: Vec<(f64, f64)> = run.iter().flatten().copied().collect();
            if run.len() > 1 {
                chart
                    .draw_series(LineSeries::new(run, colour.stroke_width(2)))
                    .map_err(drawing)?;
            }
        }
        // A mark on each value while they are few enough to tell apart;
        // past that, only on a value standing alone between gaps.
        let marked = |i: usize| {
            ys.len() <= MARKED
                || !(i > 0 && points.get(i - 1).is_some_and(Option::is_some)
                    || points.get(i + 1).is_some_and(Option::is_some))
        };
        chart
            .draw_series(
                points
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| marked(*i))
                    .filter_map(|(_, p)| *p)
                    .map(|p| Circle::new(p, 3, colour.filled())),
            )
            .map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

/// Stacked bars: at each snapshot, one bar of `counts` (one per name,
/// bottom to top; `None` for a snapshot not evaluated), with a legend.
pub fn bars(
    title: &str,
    time: &Time<'_>,
    names: &[String],
    colours: &[RGBColor],
    counts: &[Option<Vec<u64>>],
) -> std::io::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let (x0, x1) = time.range();
        let top = counts
            .iter()
            .flatten()
            .map(|c| c.iter().sum::<u64>())
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 17))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(88)
            // headroom above the tallest bar for the legend
            .build_cartesian_2d(x0..x1, 0.0..top * (1.2 + 0.08 * names.len().min(8) as f64))
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&|x| time.label(*x))
            .y_label_formatter(&|y| number(*y))
            .label_style(("sans-serif", 12))
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(drawing)?;
        let half = time.half_width();
        for (k, name) in names.iter().enumerate() {
            let colour = colours.get(k).copied().unwrap_or_else(|| colour(k));
            let blocks = counts.iter().enumerate().filter_map(|(i, c)| {
                let c = c.as_ref()?;
                let below: u64 = c.iter().take(k).sum();
                let here = *c.get(k)?;
                let x = time.x(i)?;
                (here > 0).then(|| {
                    Rectangle::new(
                        [(x - half, below as f64), (x + half, (below + here) as f64)],
                        colour.filled(),
                    )
                })
            });
            chart
                .draw_series(blocks)
                .map_err(drawing)?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(("sans-serif", 12))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(190, 190, 190))
            .draw()
            .map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_read_as_numbers_and_dates() {
        assert_eq!(number(1500.0), "1500");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(2.0 / 3.0), "0.667");
        assert_eq!(number(1e20), "1.000e20");
        assert_eq!(y_label(Unit::Date, 20_000.0), "2024-10-04");
        assert_eq!(y_label(Unit::Duration, 90.0), "90 d");
        assert_eq!(date(1e300), format!("{:.0}", 1e300));
    }

    #[test]
    fn positions_are_labelled_by_their_snapshots_and_nothing_else() {
        let labels = ["spring".to_string(), "autumn".to_string()];
        let time = Time {
            axis: Axis::Positions,
            xs: &[1, 2],
            labels: &labels,
        };
        assert_eq!(time.label(1.0), "spring");
        assert_eq!(time.label(2.0), "autumn");
        assert_eq!(time.label(1.5), "");
        assert_eq!(time.label(3.0), "");
        assert_eq!(time.label(-4.0), "");
    }

    #[test]
    fn the_same_data_gives_the_same_svg() {
        let labels = ["2026-01-01".to_string(), "2026-02-01".to_string()];
        let time = Time {
            axis: Axis::Dates,
            xs: &[20_454, 20_485],
            labels: &labels,
        };
        let a = line("t <&>", &time, &[Some(1.0), None], Unit::Plain).unwrap_or_default();
        let b = line("t <&>", &time, &[Some(1.0), None], Unit::Plain).unwrap_or_default();
        assert!(a.starts_with("<svg"), "{a}");
        assert_eq!(a, b);
        assert!(a.contains("t &lt;&amp;&gt;"));
        let names = ["a".to_string(), "b".to_string()];
        let c = bars("t", &time, &names, &[], &[Some(vec![1, 2]), None]).unwrap_or_default();
        assert!(c.contains("<rect"), "{c}");
    }

    #[test]
    fn long_lines_mark_only_values_standing_alone() {
        let xs: Vec<i64> = (0..100).collect();
        let labels: Vec<String> = xs.iter().map(i64::to_string).collect();
        let time = Time {
            axis: Axis::Numbers,
            xs: &xs,
            labels: &labels,
        };
        let mut ys: Vec<Option<f64>> = xs.iter().map(|&x| Some(x as f64)).collect();
        let svg = line("t", &time, &ys, Unit::Plain).unwrap_or_default();
        assert_eq!(svg.matches("<circle").count(), 0);
        ys[50] = None;
        ys[52] = None;
        let svg = line("t", &time, &ys, Unit::Plain).unwrap_or_default();
        assert_eq!(svg.matches("<circle").count(), 1);
        let svg = line("t", &time, &ys[..40], Unit::Plain).unwrap_or_default();
        assert_eq!(svg.matches("<circle").count(), 40);
    }
}
