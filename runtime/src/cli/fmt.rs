//! `polity fmt FILE|DIR|- ...`: rewrites charters in the canonical layout
//! (`polity_compiler::fmt`).
//!
//! Files are rewritten in place (only when they change); `--stdout` prints
//! them instead; `--check` changes nothing and prints a unified diff of what
//! would change. A directory stands for every `.polity` file under it, in
//! path order; `-` reads standard input and writes standard output.
//!
//! Exit status: 0 when done (with `--check`: when everything is formatted),
//! 1 when `--check` found a file to reformat, 2 when a file could not be read
//! or written or has syntax errors (which are shown, as `polity check` shows
//! them; such a file is left alone).

use super::{color_stderr, output};
use crate::api::files::{read_bounded, MAX_SOURCE_BYTES};
use polity_compiler::diagnostic::render;
use polity_compiler::span::SourceMap;
use polity_compiler::syntax::decode;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What to do with the formatted text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Rewrite the file.
    Write,
    /// Print it.
    Stdout,
    /// Print a diff of what would change.
    Check,
}

/// How one file went.
enum Outcome {
    Unchanged,
    Changed,
    Failed,
}

pub fn run(paths: &[PathBuf], mode: Mode) -> i32 {
    let mut out = output::stdout();
    let written = format_all(&mut out, paths, mode);
    output::finish(out, written)
}

fn format_all(out: &mut impl Write, paths: &[PathBuf], mode: Mode) -> std::io::Result<i32> {
    let (mut failed, mut changed) = (false, false);
    for path in paths {
        let files = if path.as_os_str() == "-" {
            vec![path.clone()]
        } else {
            match expand(path) {
                Ok(files) => files,
                Err(e) => {
                    stderrln!("{}", super::read_error(path, &e));
                    failed = true;
                    continue;
                }
            }
        };
        for file in files {
            match format_one(out, &file, mode)? {
                Outcome::Unchanged => {}
                Outcome::Changed => changed = true,
                Outcome::Failed => failed = true,
            }
        }
    }
    Ok(if failed {
        2
    } else if changed && mode == Mode::Check {
        1
    } else {
        0
    })
}

/// A path as the files it stands for: itself, or the `.polity` files under
/// a directory, sorted.
fn expand(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !std::fs::metadata(path)?.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let p = entry.path();
            if entry.file_type()?.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "polity") {
                found.push(p);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn format_one(out: &mut impl Write, path: &Path, mode: Mode) -> std::io::Result<Outcome> {
    let stdin = path.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let bytes = match read(path, stdin) {
        Ok(bytes) => bytes,
        Err(e) => {
            stderrln!("{}", super::read_error(path, &e));
            return Ok(Outcome::Failed);
        }
    };
    let mut sources = SourceMap::new();
    let file = sources.add(name.clone(), String::from_utf8_lossy(&bytes).into_owned());
    let result = decode(file, &bytes).map_err(|d| vec![d]).and_then(|text| {
        polity_compiler::fmt::format(file, text).map(|formatted| (text, formatted))
    });
    let (text, formatted) = match result {
        Ok(pair) => pair,
        Err(diags) => {
            stderr!("{}", render::render(&diags, &sources, color_stderr()));
            stderrln!("error: `{name}` has syntax errors; it was not formatted");
            return Ok(Outcome::Failed);
        }
    };
    let changed = text != formatted;
    match mode {
        Mode::Check => {
            if changed {
                write!(out, "{}", diff(&name, text, &formatted))?;
            }
        }
        Mode::Stdout => out.write_all(formatted.as_bytes())?,
        Mode::Write if stdin => out.write_all(formatted.as_bytes())?,
        Mode::Write => {
            if changed {
                if let Err(e) = std::fs::write(path, &formatted) {
                    stderrln!("error: cannot write `{name}`: {e}");
                    return Ok(Outcome::Failed);
                }
            }
        }
    }
    Ok(if changed {
        Outcome::Changed
    } else {
        Outcome::Unchanged
    })
}

fn read(path: &Path, stdin: bool) -> std::io::Result<Vec<u8>> {
    if !stdin {
        return Ok(read_bounded(path, MAX_SOURCE_BYTES)?);
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_SOURCE_BYTES.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_SOURCE_BYTES {
        return Err(std::io::Error::other("larger than the limit of 4 MiB"));
    }
    Ok(bytes)
}

/// The unified diff from `old` to `new`, headed `name` and `name (formatted)`.
fn diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}
