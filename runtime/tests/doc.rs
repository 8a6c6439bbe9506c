//! `polity doc` through the built binary: the Markdown and the HTML page of
//! both examples and of a charter with every expression form phrased
//! (snapshots), what the documents must always hold (every requirement and
//! exception, no dangling link, nothing fetched or run), the exit codes, and
//! the page opened in headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser;
mod support;

use std::path::{Path, PathBuf};
use support::polity;

/// The charters documented: (snapshot name, path from the crate).
const CHARTERS: [(&str, &str); 3] = [
    ("praxis_nova", "../examples/praxis-nova/charter.polity"),
    ("tidewater", "../examples/tidewater/charter.polity"),
    ("forms", "tests/fixtures/doc/forms.polity"),
];

fn doc(path: &str, format: &str) -> String {
    let r = polity(&["doc", "--format", format, path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    r.stdout
}

#[test]
fn markdown_of_each_charter() {
    for (name, path) in CHARTERS {
        insta::assert_snapshot!(format!("{name}_md"), doc(path, "md"));
    }
}

#[test]
fn html_of_each_charter() {
    for (name, path) in CHARTERS {
        insta::assert_snapshot!(format!("{name}_html"), doc(path, "html"));
    }
}

#[test]
fn markdown_is_the_default_and_the_same_every_time() {
    for (_, path) in CHARTERS {
        let r = polity(&["doc", path]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stdout, doc(path, "md"));
    }
}

/// Every requirement and exception label, from the checked program.
fn labels(path: &str) -> Vec<String> {
    let program = polity::api::Program::compile_file(Path::new(path))
        .unwrap()
        .unwrap();
    let mut out = Vec::new();
    for law in &program.ir().laws {
        for r in law.requirements() {
            out.push(r.label.clone());
            out.extend(r.exceptions.iter().map(|x| x.label.clone()));
        }
    }
    out
}

/// `text` as Markdown shows it escaped (as `doc/text.rs` escapes it).
fn escaped(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\`*_{}[]<>()#+!|&~$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[test]
fn no_requirement_or_exception_is_dropped() {
    for (_, path) in CHARTERS {
        let md = doc(path, "md");
        let labels = labels(path);
        assert!(labels.len() >= 5, "{path}");
        for label in labels {
            assert!(
                md.contains(&format!("**{}**: ", escaped(&label))),
                "{path}: `{label}` is missing"
            );
        }
    }
}

/// Every `.polity` file under `dir`, sorted.
fn charters_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            charters_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "polity") {
            out.push(path);
        }
    }
    out.sort();
}

#[test]
fn every_corpus_charter_that_compiles_is_documented_whole() {
    let mut files = Vec::new();
    for dir in ["../tests", "../examples", "../stdlib", "tests/fixtures"] {
        charters_under(Path::new(dir), &mut files);
    }
    let mut documented = 0;
    for file in &files {
        let Ok(Ok(program)) = polity::api::Program::compile_file(file) else {
            continue;
        };
        let md = polity::doc::markdown(program.ir());
        let html = polity::doc::html(program.ir());
        assert!(html.ends_with("</html>\n"), "{}", file.display());
        assert!(!html.contains("<script"), "{}", file.display());
        for law in &program.ir().laws {
            for r in law.requirements() {
                let label = format!("**{}**: ", escaped(&r.label));
                assert!(md.contains(&label), "{}: {}", file.display(), r.label);
            }
        }
        let (anchors, links) = anchors_and_links(&md);
        for link in &links {
            assert!(anchors.contains(link), "{}: #{link}", file.display());
        }
        documented += 1;
    }
    assert!(documented >= 40, "only {documented} charters compiled");
}

/// The anchors a document defines and the ones it links to.
fn anchors_and_links(md: &str) -> (Vec<String>, Vec<String>) {
    let after = |marker: &str, end: char| -> Vec<String> {
        md.split(marker)
            .skip(1)
            .filter_map(|rest| rest.split(end).next().map(str::to_string))
            .collect()
    };
    (after("<a id=\"", '"'), after("](#", ')'))
}

#[test]
fn every_link_leads_to_an_anchor_and_anchors_are_unique() {
    for (_, path) in CHARTERS {
        let md = doc(path, "md");
        let (anchors, links) = anchors_and_links(&md);
        assert!(links.len() > 10, "{path}");
        for link in &links {
            assert!(anchors.contains(link), "{path}: no anchor for #{link}");
        }
        let mut unique = anchors.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), anchors.len(), "{path}: an anchor repeats");
    }
}

#[test]
fn the_page_is_self_contained_and_runs_nothing() {
    for (_, path) in CHARTERS {
        let html = doc(path, "html");
        assert!(html.starts_with("<!DOCTYPE html>"));
        for banned in [
            "<script", "<img", "<link", "<iframe", "@import", "url(", "src=",
        ] {
            assert!(!html.contains(banned), "{path}: `{banned}` in the page");
        }
        // The charter's own text is shown, not interpreted.
        assert!(!html.contains("<b>bold</b>"));
    }
    let forms = doc("tests/fixtures/doc/forms.polity", "html");
    assert!(forms.contains("&lt;script&gt;alert(\"x\")&lt;/script&gt;"));
    assert!(forms.contains("<title>Forms &lt;&amp; Co&gt;</title>"));
}

#[test]
fn output_to_a_file_and_errors() {
    let dir = scratch("output");
    let out = dir.join("praxis.html");
    let praxis = CHARTERS[0].1;
    let r = polity(&[
        "doc",
        "--format",
        "html",
        praxis,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), doc(praxis, "html"));

    let broken = dir.join("broken.polity");
    std::fs::write(&broken, "charter \"B\" { version: 1 }\nconst x: Int = y\n").unwrap();
    let r = polity(&["doc", broken.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("E0100"), "{}", r.stderr);

    let r = polity(&["doc", dir.join("missing.polity").to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);

    let nowhere = dir.join("no-such-dir").join("x.md");
    let r = polity(&["doc", praxis, "-o", nowhere.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: cannot write"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polity-doc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_page_opens_in_headless_chromium_without_console_errors() {
    let Some(browser) =
        browser::required("the headless-Chromium test of `polity doc --format html`")
    else {
        return;
    };
    // The check finds a console error where there is one.
    let bad = browser::screenshot(
        &browser,
        "doc-control",
        "<!DOCTYPE html><p>x</p><script>no_such_function()</script>",
        "1000,1600",
    );
    assert!(
        bad.console_errors.iter().any(|l| l.contains("Uncaught")),
        "{:?}",
        bad.console_errors
    );
    for (name, path) in CHARTERS {
        let shot = browser::screenshot(
            &browser,
            &format!("doc-{name}"),
            &doc(path, "html"),
            "1000,1600",
        );
        assert!(
            shot.png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{name}: not a PNG"
        );
        assert!(
            browser::colours(&shot.png) > 1,
            "{name}: the screenshot is one colour"
        );
        assert_eq!(shot.console_errors, Vec::<String>::new(), "{name}");
    }
}
