//! `polity lsp`: the language server (crate `polity-lsp`) on stdin and
//! stdout, with the loader `polity check` uses for a charter's imports (only
//! inside the charter's directory, at most 4 MiB a file), so both report the
//! same diagnostics. Exit status 0 after `shutdown` then `exit`, 1 otherwise
//! (as the protocol says), 2 when stdin or stdout fails.

use crate::api::CompileOptions;
use polity_compiler::{Loader, NoFiles};
use std::path::Path;

pub fn run() -> i32 {
    let loader_for = |path: Option<&Path>| -> Box<dyn Loader> {
        match path {
            Some(p) => Box::new(CompileOptions::default().loader_for(p)),
            None => Box::new(NoFiles),
        }
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match polity_lsp::serve(stdin.lock(), stdout.lock(), &loader_for) {
        Ok(status) => status,
        Err(e) => {
            stderrln!("error: polity lsp: {e}");
            2
        }
    }
}
