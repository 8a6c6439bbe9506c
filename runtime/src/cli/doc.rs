//! `polity doc CHARTER [--format md|html] [-o FILE]`: the charter as a
//! readable constitution for its members (`crate::doc`), as Markdown on
//! standard output by default, or as one self-contained HTML page.
//!
//! Exit status: 0 when written, 1 when the charter does not compile (its
//! diagnostics on stderr, as `polity check` shows them), 2 when a file
//! cannot be read or written.

use super::{color_stderr, output, DocFormat};
use crate::api::CompileOptions;
use polity_compiler::diagnostic::render;
use std::io::Write;
use std::path::Path;

pub fn run(
    charter: &Path,
    format: DocFormat,
    out_file: Option<&Path>,
    options: &CompileOptions,
) -> i32 {
    let program = match super::compile_or_report(charter, options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if !program.warnings().is_empty() {
        let sources = &program.ir().sources;
        stderr!(
            "{}",
            render::render(program.warnings(), sources, color_stderr())
        );
    }
    let text = match format {
        DocFormat::Md => crate::doc::markdown(program.ir()),
        DocFormat::Html => crate::doc::html(program.ir()),
    };
    match out_file {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => 0,
            Err(e) => {
                stderrln!(
                    "error: cannot write `{}`: {}",
                    path.display(),
                    e.to_string().to_lowercase()
                );
                2
            }
        },
        None => {
            let mut out = output::stdout();
            let written = out.write_all(text.as_bytes()).map(|()| 0);
            output::finish(out, written)
        }
    }
}
