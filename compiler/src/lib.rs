//! The Polity compiler: charter source in, a checked [`ir::Program`] and
//! [`diagnostic::Diagnostic`]s out.
//!
//! *Architecture Invariant:* this crate is pure. No I/O, no clock, no
//! environment, no `unsafe`: files arrive through the [`Loader`] the caller
//! provides, so compiling the same sources always gives the same result.

pub mod diagnostic;
pub mod ir;
pub mod num;
pub mod resolve;
pub mod span;
pub mod stdlib;
pub mod syntax;
pub mod typeck;
pub mod types;

use diagnostic::Diagnostic;
pub use resolve::{Loader, NoFiles};

/// The result of compiling a charter.
pub struct Compilation {
    /// The checked program, when there were no errors.
    pub program: Option<ir::Program>,
    /// Every error and warning, ordered by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Every source file read (for rendering the diagnostics).
    pub sources: span::SourceMap,
}

/// Compiles the charter `root_text` (named `root_name` in diagnostics), loading
/// its file imports through `loader`.
pub fn compile(root_name: &str, root_text: &str, loader: &dyn Loader) -> Compilation {
    let loaded = resolve::load_all(root_name, root_text, loader);
    let (program, diagnostics) =
        typeck::check(&loaded.modules, &loaded.sources, loaded.diagnostics);
    Compilation {
        program,
        diagnostics,
        sources: loaded.sources,
    }
}
