//! Compiling charters into reusable [`Program`]s.

use super::files::{self, FsLoader};
use crate::api::Engine;
use crate::jit::JitProgram;
use crate::layout::Layout;
use crate::snapshot::{self, LoadLimits, Snapshot, SnapshotError};
use polity_compiler::diagnostic::{render, Diagnostic};
use polity_compiler::ir;
use polity_compiler::span::SourceMap;
use polity_compiler::{compile_with, Loader, NoFiles};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// How charter files are read and compiled.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// The directory file imports must stay inside (`None`: the directory
    /// of the charter file).
    pub root: Option<PathBuf>,
    /// The cap on each file read, the charter's and every import's
    /// ([`files::MAX_SOURCE_BYTES`] by default).
    pub max_source_bytes: u64,
    /// Diagnostics reported per file (100 by default); past it, one E0011
    /// says how many more there were.
    pub max_diagnostics: usize,
}

impl Default for CompileOptions {
    fn default() -> CompileOptions {
        CompileOptions {
            root: None,
            max_source_bytes: files::MAX_SOURCE_BYTES,
            max_diagnostics: polity_compiler::diagnostic::MAX_DIAGNOSTICS,
        }
    }
}

impl CompileOptions {
    /// The loader for the imports of the charter file `charter`.
    pub fn loader_for(&self, charter: &Path) -> FsLoader {
        match &self.root {
            Some(root) => FsLoader::new(root.clone()),
            None => FsLoader::for_charter(charter),
        }
        .with_max_bytes(self.max_source_bytes)
    }
}

/// A compiled charter: immutable, `Send + Sync`, cheap to clone, reusable
/// across any number of snapshots and threads.
#[derive(Clone, Debug)]
pub struct Program {
    ir: Arc<ir::Program>,
    warnings: Arc<[Diagnostic]>,
    /// The machine code, compiled on first use by the JIT (`None` when
    /// Cranelift failed: every law then runs in the interpreter).
    jit: Arc<OnceLock<Option<Arc<JitProgram>>>>,
}

/// A charter that did not compile: its diagnostics and the sources they point into.
#[derive(Clone, Debug)]
pub struct CompileError {
    /// Every error and warning.
    pub diagnostics: Vec<Diagnostic>,
    /// The sources, for rendering.
    pub sources: SourceMap,
}

impl CompileError {
    /// Renders the diagnostics as text (with ANSI colour when `color`).
    pub fn render(&self, color: bool) -> String {
        render::render(&self.diagnostics, &self.sources, color)
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for CompileError {}

impl Program {
    /// Compiles a charter held in memory (`import "file"` is refused; `std.*` works).
    pub fn compile(name: &str, source: &str) -> Result<Program, CompileError> {
        Program::compile_with(name, source, &NoFiles)
    }

    /// Compiles a charter, loading its file imports through `loader`.
    pub fn compile_with(
        name: &str,
        source: &str,
        loader: &dyn Loader,
    ) -> Result<Program, CompileError> {
        Program::compile_with_options(name, source, loader, &CompileOptions::default())
    }

    /// Compiles a charter, loading its file imports through `loader`, with
    /// `options.max_diagnostics` (the options' root and size cap are the
    /// loader's business here).
    pub fn compile_with_options(
        name: &str,
        source: &str,
        loader: &dyn Loader,
        options: &CompileOptions,
    ) -> Result<Program, CompileError> {
        let settings = polity_compiler::Options {
            max_diagnostics: options.max_diagnostics,
        };
        let c = compile_with(name, source, loader, &settings);
        match c.program {
            Some(ir) => Ok(Program {
                ir: Arc::new(ir),
                warnings: c.diagnostics.into(),
                jit: Arc::default(),
            }),
            None => Err(CompileError {
                diagnostics: c.diagnostics,
                sources: c.sources,
            }),
        }
    }

    /// Reads a charter file (and its imports) from disk and compiles it, with
    /// the default [`CompileOptions`]: imports only from the charter's
    /// directory, at most 4 MiB a file.
    pub fn compile_file(path: &Path) -> Result<Result<Program, CompileError>, std::io::Error> {
        Program::compile_file_with(path, &CompileOptions::default())
    }

    /// Reads a charter file (at most `options.max_source_bytes`) and its
    /// imports (inside `options.root`) and compiles it. A file that cannot be
    /// read, or is too large, is an I/O error.
    pub fn compile_file_with(
        path: &Path,
        options: &CompileOptions,
    ) -> Result<Result<Program, CompileError>, std::io::Error> {
        let bytes = files::read_bounded(path, options.max_source_bytes)?;
        let name = path.display().to_string();
        let loader = options.loader_for(path);
        Ok(match std::str::from_utf8(&bytes) {
            Ok(text) => Program::compile_with_options(&name, text, &loader, options),
            Err(_) => {
                let mut sources = SourceMap::new();
                let file = sources.add(name, String::from_utf8_lossy(&bytes).into_owned());
                let diag = polity_compiler::syntax::decode(file, &bytes).err();
                Err(CompileError {
                    diagnostics: diag.into_iter().collect(),
                    sources,
                })
            }
        })
    }

    /// A program from IR the caller checked itself (the REPL's charter).
    #[cfg(feature = "cli")]
    pub(crate) fn from_ir(ir: ir::Program) -> Program {
        Program {
            ir: Arc::new(ir),
            warnings: Arc::from([]),
            jit: Arc::default(),
        }
    }

    /// Warnings from compilation (errors make compilation fail instead).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The checked IR (for engines and tools).
    pub fn ir(&self) -> &ir::Program {
        &self.ir
    }

    /// The charter's name.
    pub fn name(&self) -> &str {
        &self.ir.charter.name
    }

    /// The names of the laws, in source order.
    pub fn laws(&self) -> impl Iterator<Item = &str> {
        self.ir.laws.iter().map(|l| l.name.as_str())
    }

    /// Reads a JSON snapshot and checks it against the charter's `state`,
    /// for the default engine.
    pub fn load_snapshot(&self, json: &[u8]) -> Result<State, SnapshotError> {
        self.load_snapshot_for(json, Engine::default())
    }

    /// Reads a JSON snapshot for `engine`. For the JIT it is read straight
    /// into the native layout (each top-level list held once, in the layout;
    /// its values are made from the layout only if the interpreter needs
    /// them); for the interpreter, into values. Either state works with
    /// either engine.
    pub fn load_snapshot_for(&self, json: &[u8], engine: Engine) -> Result<State, SnapshotError> {
        self.load_snapshot_with(json, engine, LoadLimits::default())
    }

    /// [`Program::load_snapshot_for`] under `limits`: a text or a collection
    /// past them is a mismatch at its JSON path.
    pub fn load_snapshot_with(
        &self,
        json: &[u8],
        engine: Engine,
        limits: LoadLimits,
    ) -> Result<State, SnapshotError> {
        let snapshot = match self.jit_for(engine) {
            Some(jit) => snapshot::load_native_with(&self.ir, json, jit.literals(), limits)?,
            None => snapshot::load_with(&self.ir, json, limits)?,
        };
        Ok(State::from_snapshot(snapshot))
    }

    /// [`Program::load_snapshot_for`] of a text it may change while it
    /// reads it (it is as it was when this returns): for the JIT, a large
    /// one (4 MiB or more) is read on two threads, with the same result
    /// and the same errors.
    pub fn load_snapshot_in_place(
        &self,
        json: &mut [u8],
        engine: Engine,
    ) -> Result<State, SnapshotError> {
        let snapshot = match self.jit_for(engine) {
            Some(jit) => snapshot::load_native_in_place(&self.ir, json, jit.literals())?,
            None => snapshot::load(&self.ir, json)?,
        };
        Ok(State::from_snapshot(snapshot))
    }

    /// Reads a snapshot for `engine` from a stream (its text is held only
    /// while it is loaded). `None` when it is not a valid snapshot: the
    /// caller should use [`Program::load_snapshot_for`], which reports
    /// precisely what is wrong.
    pub fn read_snapshot_for(&self, reader: impl std::io::Read, engine: Engine) -> Option<State> {
        let literals = self.jit_for(engine).map(|jit| jit.literals());
        snapshot::stream(&self.ir, reader, literals).map(State::from_snapshot)
    }

    /// The machine code when `engine` is the JIT (compiled on first use;
    /// never compiled for the interpreter).
    pub(crate) fn jit_for(&self, engine: Engine) -> Option<&Arc<JitProgram>> {
        match engine {
            Engine::Jit => self.jit(),
            Engine::Interpreter => None,
        }
    }

    /// The program compiled to machine code (compiled once, on first use);
    /// `None` if Cranelift failed.
    pub fn jit(&self) -> Option<&Arc<JitProgram>> {
        self.jit
            .get_or_init(|| {
                // A bug in code generation must not take the embedder down:
                // such a program runs in the interpreter instead.
                let ir = std::panic::AssertUnwindSafe(&self.ir);
                std::panic::catch_unwind(move || JitProgram::compile(&ir))
                    .ok()
                    .and_then(Result::ok)
                    .map(Arc::new)
            })
            .as_ref()
    }
}

/// A snapshot checked against a program's `state`. `Send + Sync`; use it only
/// with the program that loaded it.
#[derive(Clone, Debug)]
pub struct State {
    pub(crate) snapshot: Arc<Snapshot>,
    /// The snapshot in the JIT's native layout, built on first use.
    layout: Arc<OnceLock<Layout>>,
}

impl State {
    /// A state from values built in memory (one per `state` name, in order).
    pub fn from_snapshot(snapshot: Snapshot) -> State {
        State {
            snapshot: Arc::new(snapshot),
            layout: Arc::default(),
        }
    }

    /// The snapshot in `jit`'s native layout (read so, or built once; use
    /// one program per state).
    pub fn layout(&self, program: &ir::Program, jit: &JitProgram) -> &Layout {
        if let Some(layout) = self.snapshot.layout() {
            return layout;
        }
        self.layout
            .get_or_init(|| jit.layout(program, &self.snapshot))
    }

    /// The typed values.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }
}
