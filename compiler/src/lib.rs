//! The Polity compiler: charter source in, a checked [`ir::Program`] and
//! [`diagnostic::Diagnostic`]s out.
//!
//! *Architecture Invariant:* this crate is pure. No I/O, no clock, no
//! environment, no `unsafe`: files arrive through the [`Loader`] the caller
//! provides, so compiling the same sources always gives the same result.

pub mod diagnostic;
pub mod fmt;
pub mod ir;
pub mod num;
pub mod resolve;
pub mod span;
pub mod stdlib;
pub mod syntax;
pub mod typeck;
pub mod types;

use diagnostic::Diagnostic;
pub use resolve::{LoadError, Loader, NoFiles};

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
///
/// ```
/// use polity_compiler::{compile, NoFiles};
///
/// let ok = compile("club.polity", r#"
///     charter "Club" { version: 1 }
///     record Member { id: Text, age: Int }
///     state { members: List<Member> }
///     law adult(m in members) { require "is an adult": m.age >= 18 }
/// "#, &NoFiles);
/// let program = ok.program.expect("it compiles");
/// assert_eq!(program.laws[0].name, "adult");
///
/// let bad = compile("club.polity", r#"
///     charter "Club" { version: 1 }
///     record Member { id: Text, age: Int }
///     state { members: List<Member> }
///     law adult(m in members) { require "is an adult": m.aeg >= 18 }
/// "#, &NoFiles);
/// assert!(bad.program.is_none());
/// assert_eq!(bad.diagnostics[0].code, "E0103");
/// assert_eq!(bad.diagnostics[0].help.as_deref(), Some("did you mean `age`?"));
/// ```
pub fn compile(root_name: &str, root_text: &str, loader: &dyn Loader) -> Compilation {
    compile_with(root_name, root_text, loader, &Options::default())
}

/// How to compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Diagnostics reported per file ([`diagnostic::MAX_DIAGNOSTICS`] by
    /// default); past it, one E0011 says how many more there were.
    pub max_diagnostics: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_diagnostics: diagnostic::MAX_DIAGNOSTICS,
        }
    }
}

/// [`compile`] with `options`.
pub fn compile_with(
    root_name: &str,
    root_text: &str,
    loader: &dyn Loader,
    options: &Options,
) -> Compilation {
    let loaded = resolve::load_all(root_name, root_text, loader);
    let (program, diagnostics) =
        typeck::check(&loaded.modules, &loaded.sources, loaded.diagnostics);
    finish(program, diagnostics, loaded.sources, options)
}

/// A compilation with what a tool needs to explain the charter (a language
/// server): the parsed files and what each name in them is.
pub struct Analysis {
    /// What [`compile_with`] gives for the same input (the same diagnostics).
    pub compilation: Compilation,
    /// The parsed files, the root first (standard modules without their tests).
    pub modules: Vec<syntax::ast::Module>,
    /// Every local binding and every use of a name, resolved.
    pub index: typeck::index::Index,
}

/// [`compile_with`], keeping the parsed files and an index of the names.
pub fn analyze(
    root_name: &str,
    root_text: &str,
    loader: &dyn Loader,
    options: &Options,
) -> Analysis {
    let loaded = resolve::load_all(root_name, root_text, loader);
    let (program, diagnostics, index) =
        typeck::check_indexed(&loaded.modules, &loaded.sources, loaded.diagnostics);
    Analysis {
        compilation: finish(program, diagnostics, loaded.sources, options),
        modules: loaded.modules,
        index,
    }
}

fn finish(
    program: Option<ir::Program>,
    diagnostics: Vec<Diagnostic>,
    sources: span::SourceMap,
    options: &Options,
) -> Compilation {
    Compilation {
        program,
        diagnostics: diagnostic::limit_per_file(diagnostics, options.max_diagnostics),
        sources,
    }
}
