//! `polity check FILE...`: exit 0 when everything compiles, 1 on errors, 2 on I/O errors.
//!
//! With `--jit`, each charter that checks is also compiled to machine code,
//! and whatever is left to the interpreter is reported (as notes: the
//! verdicts are the same, so this never fails the check).
//!
//! `--format sarif` and `--format github` write the diagnostics for CI
//! (`sarif.rs`, `github.rs`), and nothing else on stdout; what `--jit` finds
//! is in the human and JSON formats only.

use super::located::Located;
use super::report::diagnostic_json;
use super::{color_stderr, output, CheckFormat};
use crate::api::{CompileOptions, Program};
use polity_compiler::diagnostic::{error_count, render, Diagnostic};
use polity_compiler::span::SourceMap;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

pub fn run(files: &[PathBuf], format: CheckFormat, jit: bool, options: &CompileOptions) -> i32 {
    let mut out = output::stdout();
    let written = check(&mut out, files, format, jit, options);
    output::finish(out, written)
}

/// Checks every file, writing to `out`; the exit code, or the write error.
fn check(
    out: &mut impl Write,
    files: &[PathBuf],
    format: CheckFormat,
    jit: bool,
    options: &CompileOptions,
) -> std::io::Result<i32> {
    let mut io_failed = false;
    let mut errors = 0usize;
    let mut json_diags = Vec::new();
    let mut json_jit = Vec::new();
    let mut located = Vec::new();
    for path in files {
        // What was written so far comes before this file's diagnostics on stderr.
        out.flush()?;
        let (diags, sources, native): (Vec<Diagnostic>, SourceMap, Option<Native>) =
            match Program::compile_file_with(path, options) {
                Err(e) => {
                    io_failed = true;
                    stderrln!("{}", super::read_error(path, &e));
                    continue;
                }
                Ok(Ok(program)) => (
                    program.warnings().to_vec(),
                    program.ir().sources.clone(),
                    jit.then(|| native(&program)),
                ),
                Ok(Err(e)) => (e.diagnostics, e.sources, None),
            };
        errors += error_count(&diags);
        match format {
            CheckFormat::Human => {
                if !diags.is_empty() {
                    stderr!("{}", render::render(&diags, &sources, color_stderr()));
                }
                if error_count(&diags) == 0 {
                    writeln!(out, "ok: {}", path.display())?;
                }
                if let Some(n) = &native {
                    writeln!(out, "{}", n.summary())?;
                    for (what, why) in &n.fallbacks {
                        writeln!(out, "  {what} runs in the interpreter: {why}")?;
                    }
                }
            }
            CheckFormat::Json => {
                json_diags.extend(diags.iter().map(|d| diagnostic_json(d, &sources)));
                if let Some(n) = &native {
                    json_jit.push(n.json(path));
                }
            }
            CheckFormat::Sarif | CheckFormat::Github => {
                located.extend(diags.iter().map(|d| Located::new(d, &sources)));
            }
        }
    }
    if format == CheckFormat::Sarif {
        output::write_json(out, &super::sarif::log(&located))?;
    } else if format == CheckFormat::Github {
        super::github::write(out, &located)?;
    } else if format == CheckFormat::Json {
        let mut doc =
            json!({ "ok": errors == 0 && !io_failed, "errors": errors, "diagnostics": json_diags });
        if jit {
            doc["jit"] = json!(json_jit);
        }
        output::write_json(out, &doc)?;
    } else if errors > 0 {
        out.flush()?;
        stderrln!(
            "{errors} {} found",
            if errors == 1 { "error" } else { "errors" }
        );
    }
    Ok(if io_failed {
        2
    } else if errors > 0 {
        1
    } else {
        0
    })
}

/// What compiling a checked charter to machine code gave.
struct Native {
    /// Whether the program compiled at all (else everything is interpreted).
    compiled: bool,
    laws: usize,
    tests: usize,
    figures: usize,
    /// `(law `name`, test "name" or figure `name`, why)`, in the JIT's order.
    fallbacks: Vec<(String, String)>,
}

fn native(program: &Program) -> Native {
    let ir = program.ir();
    let (laws, tests, figures) = (ir.laws.len(), ir.tests.len(), ir.figures().count());
    match program.jit() {
        Some(jit) => Native {
            compiled: true,
            laws,
            tests,
            figures,
            fallbacks: jit
                .fallbacks()
                .iter()
                .map(|f| (f.item.to_string(), f.reason.clone()))
                .collect(),
        },
        None => Native {
            compiled: false,
            laws,
            tests,
            figures,
            fallbacks: Vec::new(),
        },
    }
}

impl Native {
    fn summary(&self) -> String {
        if !self.compiled {
            return "jit: not compiled to machine code; every law and test runs in the interpreter"
                .to_string();
        }
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let left = |what: &str| {
            self.fallbacks
                .iter()
                .filter(|(item, _)| item.starts_with(what))
                .count()
        };
        let part = |n: usize, left: usize, one: &str, many: &str| {
            let of = if left == 0 {
                String::new()
            } else {
                format!("{} of ", n.saturating_sub(left))
            };
            format!("{of}{}", count(n, one, many))
        };
        let laws = part(self.laws, left("law "), "law", "laws");
        let tests = part(self.tests, left("test "), "test", "tests");
        if self.figures == 0 {
            return format!("jit: {laws} and {tests} compiled to machine code");
        }
        let figures = part(self.figures, left("figure "), "figure", "figures");
        format!("jit: {laws}, {figures} and {tests} compiled to machine code")
    }

    fn json(&self, path: &std::path::Path) -> serde_json::Value {
        let fallbacks: Vec<serde_json::Value> = self
            .fallbacks
            .iter()
            .map(|(what, why)| json!({ "item": what, "reason": why }))
            .collect();
        json!({
            "file": path.display().to_string(),
            "compiled": self.compiled,
            "laws": self.laws,
            "tests": self.tests,
            "figures": self.figures,
            "interpreted": fallbacks,
        })
    }
}
