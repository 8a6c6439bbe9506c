//! Lexing and parsing: source text to [`ast::Module`] plus diagnostics.

pub mod ast;

use crate::diagnostic::Diagnostic;
use crate::span::FileId;

/// Parses one file. Never panics; reports every error it can recover from.
pub fn parse(file: FileId, _text: &str) -> (ast::Module, Vec<Diagnostic>) {
    (
        ast::Module {
            file,
            items: Vec::new(),
        },
        Vec::new(),
    )
}
