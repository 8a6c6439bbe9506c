//! Names: loading imported files and `std.*` modules, and the table of every
//! top-level declaration by namespace.
//!
//! *Architecture Invariant:* all declarations of a charter and its imports share
//! one namespace for values (state names, consts, fns, laws) and one for types
//! (records, enums). Importing a module twice loads it once.
//!
//! The `test` blocks of an imported `std.*` module are dropped: they run when
//! the module itself is compiled as the root (`polity test --stdlib`).

pub mod decls;

pub use decls::Decls;

use crate::diagnostic::Diagnostic;
use crate::span::{FileId, SourceMap, Span};
use crate::syntax::{self, ast};
use crate::typeck::error::CheckError;

/// Where the compiler gets imported files from. The compiler does no I/O itself.
pub trait Loader {
    /// Loads `path` (as written in `import "path"`) imported by the file named
    /// `importer`. Returns the file's canonical name (used to load it once and
    /// in diagnostics) and its text, or why not.
    fn load(&self, path: &str, importer: &str) -> Result<(String, String), LoadError>;
}

/// Why an imported file was not loaded: each reason is a lowercase phrase
/// that names the file but never quotes its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The path leads outside the charter's root directory: absolute, a `..`
    /// escape, or a symbolic link to a file outside (E0129).
    OutsideRoot(String),
    /// Anything else: missing, not a regular file, too large, not a `.polity`
    /// file, not UTF-8 (E0106).
    Unreadable(String),
}

/// A loader that refuses every file import (for sources held in memory).
pub struct NoFiles;

impl Loader for NoFiles {
    fn load(&self, _path: &str, _importer: &str) -> Result<(String, String), LoadError> {
        Err(LoadError::Unreadable(
            "file imports are not available here".into(),
        ))
    }
}

/// Whether an import path names a file from the root of the file system
/// (`/etc/x`, `\\server\x`, `C:\x`, `C:x`) rather than relative to the
/// importing file: never allowed, whatever the loader.
pub fn is_absolute_import(path: &str) -> bool {
    let mut bytes = path.bytes();
    let first = bytes.next();
    matches!(first, Some(b'/' | b'\\'))
        || (first.is_some_and(|c| c.is_ascii_alphabetic()) && bytes.next() == Some(b':'))
}

/// Every parsed file of a compilation.
pub struct Loaded {
    /// The texts.
    pub sources: SourceMap,
    /// The parsed files, the root first.
    pub modules: Vec<ast::Module>,
    /// Syntax and import diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses the root and, transitively, everything it imports.
pub fn load_all(root_name: &str, root_text: &str, loader: &dyn Loader) -> Loaded {
    let mut loaded = Loaded {
        sources: SourceMap::new(),
        modules: Vec::new(),
        diagnostics: Vec::new(),
    };
    let root = loaded.sources.add(root_name, root_text);
    // Breadth first, a level at a time: the files one level imports are
    // independent of each other, so they are parsed at once. The modules
    // come out in the order a queue would give them.
    let mut level = vec![root];
    while !level.is_empty() {
        let parsed = parse_files(&loaded.sources, root, &level);
        let mut next = Vec::new();
        for (module, diags) in parsed {
            loaded.diagnostics.extend(diags);
            for item in &module.items {
                if let ast::Item::Import(import) = item {
                    if let Some(file) = import_one(&mut loaded, module.file, import, loader) {
                        next.push(file);
                    }
                }
            }
            loaded.modules.push(module);
        }
        level = next;
    }
    loaded
}

/// Parses `files`, in order, each on its own thread when there are several
/// (Tidewater's two standard modules, 46 KB, parse in 1.5 ms instead of
/// 2.3). A standard module's tests are run on their own (`polity test
/// --stdlib`), not as part of every charter that imports it, and are not
/// even parsed then.
fn parse_files(
    sources: &SourceMap,
    root: FileId,
    files: &[FileId],
) -> Vec<(ast::Module, Vec<Diagnostic>)> {
    let parse_one = |file: FileId| {
        let text = sources.get(file).map_or("", |f| f.text.as_str());
        if file != root && is_std(sources, file) {
            syntax::parse_without_tests(file, text)
        } else {
            syntax::parse(file, text)
        }
    };
    // Asked only for several files: on Linux it reads the cgroup's limits.
    let parallel = || std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    match files {
        [first, rest @ ..] if !rest.is_empty() && parallel() => std::thread::scope(|s| {
            let others: Vec<_> = rest
                .iter()
                .map(|&file| (file, s.spawn(move || parse_one(file))))
                .collect();
            let mut out = vec![parse_one(*first)];
            // Parsing does not panic; if it did, doing it again here
            // reports the panic as a sequential parse would.
            out.extend(
                others
                    .into_iter()
                    .map(|(file, h)| h.join().unwrap_or_else(|_| parse_one(file))),
            );
            out
        }),
        _ => files.iter().map(|&file| parse_one(file)).collect(),
    }
}

/// Whether `file` is a standard module (loaded from `std.*`, not from disk).
fn is_std(sources: &SourceMap, file: FileId) -> bool {
    sources
        .get(file)
        .is_some_and(|f| crate::stdlib::source(&f.name).is_some())
}

/// Resolves one import; returns a newly added file to parse.
fn import_one(
    loaded: &mut Loaded,
    from: FileId,
    import: &ast::ImportDecl,
    loader: &dyn Loader,
) -> Option<FileId> {
    let importer = loaded
        .sources
        .get(from)
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let result = match &import.target {
        ast::ImportTarget::Module(path) => {
            let name = path
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(".");
            match crate::stdlib::source(&name) {
                Some(text) => Ok((name, text.to_string())),
                None => Err(CheckError::ImportFailed {
                    span: import.span,
                    suggestion: crate::diagnostic::did_you_mean(&name, crate::stdlib::names())
                        .map(str::to_string),
                    reason: if name.starts_with("std.") {
                        "no such standard module".into()
                    } else {
                        "module paths start with `std.`; import files with a quoted path".into()
                    },
                    target: name,
                }),
            }
        }
        ast::ImportTarget::File(path) if is_absolute_import(&path.value) => {
            Err(CheckError::ImportOutsideRoot {
                span: import.span,
                target: path.value.clone(),
                reason: "an absolute path".into(),
            })
        }
        ast::ImportTarget::File(path) => loader.load(&path.value, &importer).map_err(|e| match e {
            LoadError::OutsideRoot(reason) => CheckError::ImportOutsideRoot {
                span: import.span,
                target: path.value.clone(),
                reason,
            },
            LoadError::Unreadable(reason) => CheckError::ImportFailed {
                span: import.span,
                target: path.value.clone(),
                reason,
                suggestion: None,
            },
        }),
    };
    match result {
        Ok((name, text)) => {
            if loaded.sources.find(&name).is_some() {
                return None;
            }
            Some(loaded.sources.add(name, text))
        }
        Err(e) => {
            loaded.diagnostics.push(e.into());
            None
        }
    }
}

/// The span a declaration's name is reported at.
pub fn name_span(item: &ast::Item) -> Span {
    match item {
        ast::Item::Charter(d) => d.name.span,
        ast::Item::Enum(d) => d.name.span,
        ast::Item::Record(d) => d.name.span,
        ast::Item::Const(d) => d.name.span,
        ast::Item::Fn(d) => d.name.span,
        ast::Item::Law(d) => d.name.span,
        ast::Item::Test(d) => d.name.span,
        ast::Item::Import(d) => d.span,
        ast::Item::State(d) => d.span,
        ast::Item::Error(span) => *span,
    }
}
