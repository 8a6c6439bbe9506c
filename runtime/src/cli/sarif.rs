//! `polity check --format sarif`: one SARIF 2.1.0 log with one run, built
//! from `serde-sarif`'s typed model: the tool's driver with a rule for each
//! code reported (its cause from `docs/errors.md` and a link there), and one
//! result per diagnostic with its level, message and help line, and its
//! region in the file (artifact URIs relative to the working directory).

use super::located::{catalog_entry, Located, Place, REPO_URL};
use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, Region,
    ReportingDescriptor, Result as SarifResult, ResultColumnKind, ResultLevel, Run, Sarif, Tool,
    ToolComponent,
};
use std::collections::BTreeMap;

/// The schema a SARIF 2.1.0 log names.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base that relative artifact URIs are resolved against: the directory
/// `polity check` ran in.
const SRCROOT: &str = "%SRCROOT%";

/// The log for `diagnostics`, in the order given.
pub fn log(diagnostics: &[Located]) -> Sarif {
    let codes: BTreeMap<&str, usize> = diagnostics
        .iter()
        .map(|d| d.code)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .enumerate()
        .map(|(i, code)| (code, i))
        .collect();
    let rules = codes.keys().map(|code| rule(code)).collect::<Vec<_>>();
    let results = diagnostics
        .iter()
        .map(|d| result(d, codes.get(d.code).copied().unwrap_or_default()))
        .collect::<Vec<_>>();
    let driver = ToolComponent::builder()
        .name("polity")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(REPO_URL)
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .column_kind(serde_json::json!(ResultColumnKind::UnicodeCodePoints))
        .build();
    Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// The rule for a code: its id, its cause, its fix and where it is documented.
fn rule(code: &str) -> ReportingDescriptor {
    let (cause, help, url) = match catalog_entry(code) {
        Some(e) => (e.cause, format!("{}; see {}", e.fix, e.url), e.url),
        None => {
            let url = format!("{REPO_URL}/blob/main/docs/errors.md");
            (
                format!("Polity diagnostic {code}"),
                format!("see {url}"),
                url,
            )
        }
    };
    ReportingDescriptor::builder()
        .id(code)
        .name(code)
        .short_description(plain(&cause))
        .help(plain(&help))
        .help_uri(url)
        .build()
}

/// Markdown of the catalog as plain text (without its backticks) and as Markdown.
fn plain(markdown: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(markdown.replace('`', ""))
        .markdown(markdown)
        .build()
}

fn result(d: &Located, rule_index: usize) -> SarifResult {
    let text = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let related: Vec<Location> = d
        .related
        .iter()
        .enumerate()
        .map(|(i, (place, message))| {
            let mut l = location(place);
            l.id = i64::try_from(i).ok();
            if !message.is_empty() {
                l.message = Some(Message::builder().text(message.clone()).build());
            }
            l
        })
        .collect();
    let mut r = SarifResult::builder()
        .rule_id(d.code)
        .rule_index(i64::try_from(rule_index).unwrap_or_default())
        .level(if d.error {
            ResultLevel::Error
        } else {
            ResultLevel::Warning
        })
        .message(Message::builder().text(text).build())
        .locations(vec![location(&d.at)])
        .build();
    if !related.is_empty() {
        r.related_locations = Some(related);
    }
    r
}

fn location(p: &Place) -> Location {
    let int = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let region = Region::builder()
        .start_line(int(p.line))
        .start_column(int(p.column))
        .end_line(int(p.end_line))
        .end_column(int(p.end_column))
        .build();
    let (uri, relative) = artifact_uri(&p.file);
    let mut artifact = ArtifactLocation::builder().uri(uri).build();
    if relative {
        artifact.uri_base_id = Some(SRCROOT.to_string());
    }
    let physical = PhysicalLocation::builder()
        .artifact_location(artifact)
        .region(region)
        .build();
    Location::builder().physical_location(physical).build()
}

/// A file's URI: relative to the working directory when the path is
/// (`true`), else a `file:` URI; separators are `/` and anything outside
/// the URI's unreserved characters is percent-encoded.
fn artifact_uri(file: &str) -> (String, bool) {
    let path = std::path::Path::new(file);
    let cwd = std::env::current_dir().ok();
    let inside = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .filter(|_| path.is_absolute());
    let (text, relative) = match inside {
        Some(rest) => (rest.to_string_lossy().into_owned(), true),
        None if path.is_absolute() => (path.to_string_lossy().into_owned(), false),
        None => (file.strip_prefix("./").unwrap_or(file).to_string(), true),
    };
    let encoded = encode(&text.replace('\\', "/"));
    if relative {
        (encoded, true)
    } else if encoded.starts_with('/') {
        (format!("file://{encoded}"), false)
    } else {
        (format!("file:///{encoded}"), false)
    }
}

/// Percent-encodes every byte but the unreserved characters of RFC 3986 and `/`.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            artifact_uri("examples/a b/charter.polity"),
            ("examples/a%20b/charter.polity".to_string(), true)
        );
        assert_eq!(artifact_uri("./x.polity"), ("x.polity".to_string(), true));
        assert_eq!(
            artifact_uri("../x.polity"),
            ("../x.polity".to_string(), true)
        );
        assert_eq!(
            artifact_uri("/nowhere/é.polity"),
            ("file:///nowhere/%C3%A9.polity".to_string(), false)
        );
        let cwd = std::env::current_dir().unwrap();
        let inside = cwd.join("dir").join("c.polity");
        assert_eq!(
            artifact_uri(&inside.display().to_string()),
            ("dir/c.polity".to_string(), true)
        );
    }
}
