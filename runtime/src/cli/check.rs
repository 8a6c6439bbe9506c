//! `polity check FILE...`: exit 0 when everything compiles, 1 on errors, 2 on I/O errors.

use super::report::diagnostic_json;
use super::{color_stderr, CheckFormat};
use crate::api::Program;
use polity_compiler::diagnostic::{render, Diagnostic};
use polity_compiler::span::SourceMap;
use serde_json::json;
use std::path::PathBuf;

pub fn run(files: &[PathBuf], format: CheckFormat) -> i32 {
    let mut io_failed = false;
    let mut errors = 0usize;
    let mut json_diags = Vec::new();
    for path in files {
        let (diags, sources): (Vec<Diagnostic>, SourceMap) = match Program::compile_file(path) {
            Err(e) => {
                io_failed = true;
                eprintln!("{}", super::read_error(path, &e));
                continue;
            }
            Ok(Ok(program)) => (program.warnings().to_vec(), program.ir().sources.clone()),
            Ok(Err(e)) => (e.diagnostics, e.sources),
        };
        errors += diags.iter().filter(|d| d.is_error()).count();
        match format {
            CheckFormat::Human => {
                if !diags.is_empty() {
                    eprint!("{}", render::render(&diags, &sources, color_stderr()));
                }
                let errs = diags.iter().filter(|d| d.is_error()).count();
                if errs == 0 {
                    println!("ok: {}", path.display());
                }
            }
            CheckFormat::Json => {
                json_diags.extend(diags.iter().map(|d| diagnostic_json(d, &sources)))
            }
        }
    }
    if format == CheckFormat::Json {
        let doc =
            json!({ "ok": errors == 0 && !io_failed, "errors": errors, "diagnostics": json_diags });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else if errors > 0 {
        eprintln!(
            "{errors} {} found",
            if errors == 1 { "error" } else { "errors" }
        );
    }
    if io_failed {
        2
    } else if errors > 0 {
        1
    } else {
        0
    }
}
