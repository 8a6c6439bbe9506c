//! `polity report`: the census of a history. The Markdown of both examples'
//! histories (snapshots), the HTML page's structure (a chart per figure and
//! law, the latest counts, nothing fetched or run, hostile texts escaped),
//! the same bytes every time and on both engines, errors and exit codes as
//! `eval --snapshots`, and the page in headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser;
mod support;

use std::path::PathBuf;
use support::{polity_in, Run};

/// `polity ARGS...` from the repository's root, so names read `examples/...`.
fn polity(args: &[&str]) -> Run {
    polity_in("..", args)
}

const EXAMPLES: [&str; 2] = ["praxis-nova", "tidewater"];
const HOSTILE: &str = "runtime/tests/fixtures/report/hostile.polity";
const HOSTILE_HISTORY: &str = "runtime/tests/fixtures/report/history";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polity-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The report of `charter` over `history` on standard output; it must succeed quietly.
fn report(charter: &str, history: &str, extra: &[&str]) -> String {
    let mut args = vec!["report", charter, "--snapshots", history];
    args.extend_from_slice(extra);
    let r = polity(&args);
    assert_eq!(r.code, 0, "{charter}: {}", r.stderr);
    assert_eq!(r.stderr, "", "{charter}");
    r.stdout
}

fn example(name: &str) -> (String, String) {
    (
        format!("examples/{name}/charter.polity"),
        format!("examples/{name}/history"),
    )
}

#[test]
fn markdown_of_each_examples_history_with_its_charts_beside_it() {
    for name in EXAMPLES {
        let (charter, history) = example(name);
        let dir = temp_dir(&format!("md-{name}"));
        let out = dir.join("census.md");
        let r = polity(&[
            "report",
            &charter,
            "--snapshots",
            &history,
            "--format",
            "md",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
        let md = std::fs::read_to_string(&out).unwrap();
        insta::assert_snapshot!(format!("{}_md", name.replace('-', "_")), md);
        // Every chart linked is there, an SVG; and one per figure and law.
        let links: Vec<&str> = md
            .lines()
            .filter_map(|l| l.strip_prefix("!["))
            .filter_map(|l| l.split("](").nth(1)?.strip_suffix(')'))
            .collect();
        let program = polity::api::Program::compile_file(&PathBuf::from("..").join(&charter))
            .unwrap()
            .unwrap();
        assert_eq!(
            links.len(),
            program.figure_names().count() + program.laws().count()
        );
        for link in &links {
            let svg = std::fs::read_to_string(dir.join(link)).unwrap();
            assert!(svg.starts_with("<svg"), "{link}");
            assert!(svg.trim_end().ends_with("</svg>"), "{link}");
        }
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), links.len() + 1);
        // On standard output: the same tables, no charts.
        let stdout = report(&charter, &history, &["--format", "md"]);
        let tables = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.starts_with("![") && !l.is_empty() && !l.contains("-o FILE"))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(tables(&stdout), tables(&md), "{name}");
        assert!(stdout.contains("The charts are written with `-o FILE`"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The `<section>` of the page with this id.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

/// The page may fetch nothing and run nothing.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.ends_with("</html>\n"));
    for banned in [
        "<script", "<img", "<link", "<iframe", "@import", "url(", "src=", "href=",
    ] {
        assert!(!html.contains(banned), "`{banned}` in the page");
    }
    // The only address is the SVG namespace, which names, never fetches.
    let addresses = html.matches("http").count();
    assert_eq!(
        addresses,
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
}

#[test]
fn the_page_charts_every_figure_and_law_and_shows_the_latest_counts() {
    for name in EXAMPLES {
        let (charter, history) = example(name);
        let html = report(&charter, &history, &[]);
        assert_self_contained(&html);
        let program = polity::api::Program::compile_file(&PathBuf::from("..").join(&charter))
            .unwrap()
            .unwrap();
        // The charter's name and version, and the dates covered.
        assert!(html.contains(&format!("<h1>{}</h1>", program.name())));
        assert!(html.contains("version "), "{name}");
        let expected = std::fs::read_to_string(format!("../{history}/expected.jsonl")).unwrap();
        let rows: Vec<serde_json::Value> = expected
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let (first, last) = (&rows[0], &rows[rows.len() - 1]);
        assert!(html.contains(&format!(
            "{} snapshots from {} to {}, ordered by now",
            rows.len(),
            first["order"].as_str().unwrap(),
            last["order"].as_str().unwrap()
        )));
        // One chart per figure (each a number or a list) and per law.
        for figure in program.figure_names() {
            let s = section(&html, &format!("figure-{figure}"));
            assert_eq!(s.matches("<svg").count(), 1, "{name}: {figure}");
            // Its exact value at the last snapshot, as the CLI prints it
            // (a number as JSON writes it, a fraction after its first
            // places, a list by its length).
            let shown = match &last["figures"][figure]["value"] {
                serde_json::Value::Array(xs) => format!(">{}</td>", xs.len()),
                serde_json::Value::String(fraction) => format!("… ({fraction})</td>"),
                other => format!(">{other}</td>"),
            };
            assert!(s.contains(&shown), "{name}: {figure}: {shown}");
        }
        let mut laws = 0;
        for law in program.laws() {
            let s = section(&html, &format!("law-{law}"));
            assert_eq!(s.matches("<svg").count(), 1, "{name}: {law}");
            laws += 1;
        }
        let figures = program.figure_names().count();
        assert_eq!(html.matches("<svg").count(), figures + laws);
        // The latest counts per law, from the history's JSON Lines.
        let latest = &html[html.find("<h2 id=\"laws\">").unwrap()..];
        for (law, c) in last["laws"].as_object().unwrap() {
            let row = format!(
                "<tr><td>{law}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                c["pass"], c["fail"], c["error"], c["limit"]
            );
            assert!(latest.contains(&row), "{name}: {row}");
        }
    }
}

#[test]
fn reports_are_the_same_bytes_every_time_and_on_both_engines() {
    for name in EXAMPLES {
        let (charter, history) = example(name);
        for format in ["html", "md"] {
            let jit = report(&charter, &history, &["--format", format]);
            let again = report(&charter, &history, &["--format", format]);
            let interp = report(
                &charter,
                &history,
                &["--format", format, "--engine", "interp"],
            );
            assert!(jit == again, "{name} {format}: two runs differ");
            assert!(jit == interp, "{name} {format}: the engines differ");
        }
    }
    let jit = report(HOSTILE, HOSTILE_HISTORY, &[]);
    let interp = report(HOSTILE, HOSTILE_HISTORY, &["--engine", "interp"]);
    assert!(jit == interp, "hostile: the engines differ");
}

#[test]
fn hostile_texts_are_shown_never_run() {
    let html = report(HOSTILE, HOSTILE_HISTORY, &[]);
    assert_self_contained(&html);
    for raw in ["<b>bold", "<i>as written", "</table><script>", "\"Co\""] {
        assert!(!html.contains(raw), "`{raw}` is in the page unescaped");
    }
    assert!(html.contains(
        "<title>&lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;Co&quot; | &lt;b&gt;bold&lt;/b&gt;: census</title>"
    ));
    assert!(html.contains("version 1.0-&lt;beta&gt;&amp;"));
    assert!(
        html.contains("The motto, &lt;i&gt;as written&lt;/i&gt; | piped &amp; &quot;quoted&quot;.")
    );
    assert!(html.contains("&quot;&lt;/table&gt;&lt;script&gt;bad()&lt;/script&gt;&quot;"));
    // Charts by type: none for a text; stacked bars of the cases for an
    // enum, an optional enum, a list of them and a Bool; a line per number,
    // date and duration; one per numeric field of a record (active, stake,
    // wait, not label).
    let charts = |id: &str| section(&html, id).matches("<svg").count();
    assert_eq!(charts("figure-the_motto"), 0);
    for id in ["statuses", "first_status", "anyone_active"] {
        let s = section(&html, &format!("figure-{id}"));
        assert_eq!(s.matches("<svg").count(), 1, "{id}");
        assert!(s.contains("<rect"), "{id}: no bars");
    }
    for id in ["stake", "third", "newest", "wait", "ratio"] {
        assert_eq!(charts(&format!("figure-{id}")), 1, "{id}");
    }
    assert_eq!(charts("figure-summary"), 3);
    // Exact values in the tables; a fault shown as the CLI shows it.
    let third = section(&html, "figure-third");
    assert!(third.contains("<td>0.333333… (1/3)</td>"));
    let ratio = section(&html, "figure-ratio");
    assert!(ratio.contains(
        "<td>error: division by zero in `1 / count(members where it.status == Suspended)` at "
    ));
    let statuses = section(&html, "figure-statuses");
    assert!(statuses.contains(
        "<tr><td>2026-03-01</td><td>[Suspended, Suspended, Active]</td><td class=\"n\">1</td><td class=\"n\">2</td></tr>"
    ));
    insta::assert_snapshot!(
        "hostile_md",
        report(HOSTILE, HOSTILE_HISTORY, &["--format", "md"])
    );
}

#[test]
fn a_snapshot_that_does_not_match_is_named_with_its_paths_and_listed_in_the_report() {
    let dir = temp_dir("mismatch");
    for f in ["a.json", "b.json", "c.json"] {
        std::fs::copy(format!("../{HOSTILE_HISTORY}/{f}"), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("d.json"),
        r#"{"now": "2026-02-15", "motto": 5, "members": []}"#,
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let r = polity(&["report", HOSTILE, "--snapshots", d, "--format", "md"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let bad = format!("{d}/d.json");
    assert!(
        r.stderr.contains(&format!(
            "error: snapshot `{bad}` does not match the charter's `state`:"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("motto: expected Text"), "{}", r.stderr);
    assert!(
        r.stdout.contains("## Snapshots not evaluated"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("| 2026-02-15 | not evaluated |"),
        "{}",
        r.stdout
    );
    let latest = "Verdicts at the latest snapshot, 2026-03-01";
    assert!(r.stdout.contains(latest), "{}", r.stdout);
    // The page lists it too.
    let r = polity(&["report", HOSTILE, "--snapshots", d]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("<h2 id=\"not-evaluated\">"));
    assert_eq!(r.stdout.matches("<svg").count(), 12);
    // --fail-fast stops there: what comes after is not in the report.
    let r = polity(&[
        "report",
        HOSTILE,
        "--snapshots",
        d,
        "--format",
        "md",
        "--fail-fast",
    ]);
    assert_eq!(r.code, 3);
    assert!(!r.stdout.contains("2026-03-01"), "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn errors_and_exit_codes_are_those_of_eval() {
    let dir = temp_dir("errors");
    let broken = dir.join("broken.polity");
    std::fs::write(&broken, "charter \"B\" { version: 1 }\nconst x: Int = y\n").unwrap();
    let r = polity(&[
        "report",
        broken.to_str().unwrap(),
        "--snapshots",
        HOSTILE_HISTORY,
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(r.stderr.contains("E0100"), "{}", r.stderr);

    let missing = dir.join("missing");
    let r = polity(&["report", HOSTILE, "--snapshots", missing.to_str().unwrap()]);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(r.stderr.starts_with("error: cannot read"), "{}", r.stderr);

    let r = polity(&["report", HOSTILE]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--snapshots"), "{}", r.stderr);

    let undated = dir.join("undated.json");
    std::fs::write(&undated, r#"{"motto": "", "members": []}"#).unwrap();
    let r = polity(&["report", HOSTILE, "--snapshots", undated.to_str().unwrap()]);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(
        r.stderr.contains("has no `now` to order it by"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("help: "), "{}", r.stderr);

    let nowhere = dir.join("no-such-dir").join("census.html");
    let r = polity(&[
        "report",
        HOSTILE,
        "--snapshots",
        HOSTILE_HISTORY,
        "-o",
        nowhere.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: cannot write"), "{}", r.stderr);

    // To a file: the same page as on standard output.
    let page = dir.join("census.html");
    let r = polity(&[
        "report",
        HOSTILE,
        "--snapshots",
        HOSTILE_HISTORY,
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        report(HOSTILE, HOSTILE_HISTORY, &[])
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_page_opens_in_headless_chromium_without_console_errors() {
    let Some(browser) = browser::required("the headless-Chromium test of `polity report`") else {
        return;
    };
    let (charter, history) = example("tidewater");
    let pages = [
        ("tidewater", report(&charter, &history, &[])),
        ("hostile", report(HOSTILE, HOSTILE_HISTORY, &[])),
    ];
    for (name, html) in pages {
        let shot = browser::screenshot(&browser, &format!("report-{name}"), &html, "900,2400");
        assert!(
            shot.png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{name}: not a PNG"
        );
        assert!(
            browser::colours(&shot.png) > 4,
            "{name}: the screenshot shows next to nothing"
        );
        assert_eq!(shot.console_errors, Vec::<String>::new(), "{name}");
        // Kept as an artifact of the run, under the target directory.
        let artifact =
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("report-{name}.png"));
        std::fs::write(&artifact, &shot.png).unwrap();
        assert!(std::fs::metadata(&artifact).unwrap().len() > 1000);
    }
}
