//! One REPL session: the loaded charter and snapshot, the `let` bindings, and
//! what answering one line prints. No terminal here: [`Session::handle`]
//! returns the text to show, so piped and interactive modes share it.

use super::show;
use crate::api::files::read_bounded;
use crate::api::{CompileOptions, Engine};
use crate::interp::Interpreter;
use crate::snapshot::{self, Snapshot};
use crate::value::Value;
use crate::verdict::{ErrorKind, EvalError, Verdict};
use polity_compiler::diagnostic::{limit_per_file, render, Diagnostic};
use polity_compiler::ir::{self, ExprKind};
use polity_compiler::syntax::{self, ast};
use polity_compiler::typeck::{self, ReplChecked};
use polity_compiler::types::Type;
use polity_compiler::{Loader, NoFiles};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What answering one line produced.
#[derive(Debug, Default)]
pub struct Reply {
    /// The answer.
    pub out: String,
    /// Diagnostics and errors.
    pub err: String,
    /// Whether the line failed (a parse, type or evaluation error).
    pub failed: bool,
    /// Whether the session should end.
    pub quit: bool,
}

impl Reply {
    pub fn out(text: impl Into<String>) -> Reply {
        Reply {
            out: text.into(),
            ..Reply::default()
        }
    }

    pub fn error(text: impl Into<String>) -> Reply {
        Reply {
            err: text.into(),
            failed: true,
            ..Reply::default()
        }
    }
}

/// A checked charter: its parsed files (to check REPL lines against) and its IR.
pub struct Charter {
    pub modules: Vec<ast::Module>,
    /// Each REPL line is added to its sources, so spans into lines render.
    pub ir: ir::Program,
}

/// A `let` the session keeps.
pub struct Binding {
    pub name: String,
    /// The whole line, re-checked on `:reload`.
    pub line: String,
    pub ty: Type,
    pub value: Value,
}

/// The state of one REPL session.
pub struct Session {
    pub charter_path: Option<PathBuf>,
    pub snapshot_path: Option<PathBuf>,
    pub charter: Charter,
    pub snapshot: Snapshot,
    pub bindings: Vec<Binding>,
    pub engine: Engine,
    pub color: bool,
    /// How files are read: the import root and the size caps.
    pub files: Files,
}

/// How a session reads its charter, imports and snapshot.
#[derive(Clone, Debug)]
pub struct Files {
    pub options: CompileOptions,
    pub max_snapshot_bytes: u64,
    /// Each question's step budget and time limit.
    pub budget: crate::cli::BudgetArgs,
}

impl Default for Files {
    fn default() -> Files {
        Files {
            options: CompileOptions::default(),
            max_snapshot_bytes: crate::api::files::MAX_SNAPSHOT_BYTES,
            budget: crate::cli::BudgetArgs::default(),
        }
    }
}

impl Session {
    /// A session over `charter` (or an empty charter) and `snapshot` (or none).
    /// The error is rendered for printing.
    #[cfg(test)]
    pub fn start(
        charter: Option<&Path>,
        snapshot: Option<&Path>,
        color: bool,
    ) -> Result<Session, String> {
        Session::start_with(charter, snapshot, color, Files::default())
    }

    /// A session that reads files as `files` says.
    pub fn start_with(
        charter: Option<&Path>,
        snapshot: Option<&Path>,
        color: bool,
        files: Files,
    ) -> Result<Session, String> {
        let loaded = match charter {
            Some(p) => load_charter(p, color, &files)?,
            None => compile_charter("<empty>", "", color, &NoFiles)?,
        };
        let snap = match snapshot {
            Some(p) => load_snapshot(&loaded.ir, p, &files)?,
            None => Snapshot::from_values(Vec::new()),
        };
        Ok(Session {
            charter_path: charter.map(Path::to_path_buf),
            snapshot_path: snapshot.map(Path::to_path_buf),
            charter: loaded,
            snapshot: snap,
            bindings: Vec::new(),
            // The interpreter is the specification; `:engine` switches.
            engine: Engine::Interpreter,
            color,
            files,
        })
    }

    /// Answers one complete input (a command or an expression).
    pub fn handle(&mut self, input: &str) -> Reply {
        let text = input.trim();
        // Blank lines and `// comments` (a script's notes) answer nothing.
        if text.lines().all(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with("//")
        }) {
            return Reply::default();
        }
        if text.starts_with(':') {
            return super::commands::run(self, input);
        }
        self.eval_line(input)
    }

    /// Evaluates an expression or `let`, printing its value and type (or a
    /// law call's verdict).
    fn eval_line(&mut self, input: &str) -> Reply {
        let checked = match self.check(input, input) {
            Ok(c) => c,
            Err(reply) => return reply,
        };
        if let (ExprKind::CallLaw(law, arg), None) = (&checked.expr.kind, &checked.binds) {
            return self.law_call(*law, arg.as_deref(), checked.frame_size);
        }
        let value = match self.eval(&checked.expr, checked.frame_size) {
            Ok(v) => v,
            Err(e) => return self.eval_error(&e),
        };
        let ty = checked.expr.ty.clone();
        let shown = show::value(&self.charter.ir, &ty, &value);
        let ty_name = self.type_name(&ty);
        match checked.binds {
            Some(name) => {
                let out = format!("{name} : {ty_name} = {shown}\n");
                self.bindings.push(Binding {
                    name,
                    line: input.trim().to_string(),
                    ty,
                    value,
                });
                Reply::out(out)
            }
            None => Reply::out(format!("{shown} : {ty_name}\n")),
        }
    }

    /// A law call: the verdict, with the failed labels and their values.
    fn law_call(&self, law: ir::LawId, arg: Option<&ir::Expr>, frame_size: u32) -> Reply {
        let subject = match arg.map(|a| self.eval(a, frame_size)).transpose() {
            Ok(s) => s,
            Err(e) => return self.eval_error(&e),
        };
        let verdict = self.verdict(law, subject.as_ref());
        let mut reply = Reply::out(show::verdict(&verdict, self.color));
        if let Verdict::Error(e) = &verdict {
            reply.err = self.render_eval_error(e);
            reply.failed = true;
        }
        reply
    }

    /// A law's verdict for one subject, on the selected engine. (`:why`
    /// always re-runs the law in the interpreter: it alone explains passes.)
    pub fn verdict(&self, law: ir::LawId, subject: Option<&Value>) -> Verdict {
        let subject = subject.unwrap_or(&Value::None);
        match self.engine {
            Engine::Interpreter => self.interpreter().eval_law_for(law, subject),
            Engine::Jit => {
                let ir = &self.charter.ir;
                match crate::jit::JitProgram::compile(ir) {
                    Ok(jit) => {
                        let layout = jit.layout(ir, &self.snapshot);
                        let limits = self.files.budget.limits();
                        jit.eval_law_on(ir, &self.snapshot, &layout, law, subject, limits)
                            .0
                    }
                    Err(_) => self.interpreter().eval_law_for(law, subject),
                }
            }
        }
    }

    /// Every figure's value or fault, on the selected engine.
    pub fn figures(&self) -> Vec<Result<Value, EvalError>> {
        let ir = &self.charter.ir;
        let limits = self.files.budget.limits();
        match self.engine {
            Engine::Interpreter => self.interpreter().eval_figures(),
            Engine::Jit => match crate::jit::JitProgram::compile(ir) {
                Ok(jit) => {
                    let layout = jit.layout(ir, &self.snapshot);
                    jit.eval_figures_checked(ir, &self.snapshot, &layout, limits)
                        .0
                }
                Err(_) => self.interpreter().eval_figures(),
            },
        }
    }

    /// The interpreter for one question, under the session's budget (its
    /// time limit counted from now).
    pub fn interpreter(&self) -> Interpreter<'_> {
        Interpreter::new(&self.charter.ir, &self.snapshot).with_limits(self.files.budget.limits())
    }

    /// Evaluates a checked line's expression with the bindings in their slots.
    pub fn eval(&self, expr: &ir::Expr, frame_size: u32) -> Result<Value, EvalError> {
        let locals: Vec<Value> = self.bindings.iter().map(|b| b.value.clone()).collect();
        self.interpreter().eval_expr_in(expr, frame_size, &locals)
    }

    /// Parses and checks `parsed` (the line with any `:command` blanked out)
    /// as a new `<repl>` source whose text is `shown`, the line as typed.
    fn check(&mut self, shown: &str, parsed: &str) -> Result<ReplChecked, Reply> {
        let file = self.charter.ir.sources.add("<repl>", shown);
        let (input, mut diags) = syntax::parse_repl(file, parsed);
        diags.iter_mut().for_each(about_the_line);
        let Some(input) = input else {
            return Err(Reply::error(self.render(&diags)));
        };
        let (checked, more) = typeck::check_repl(
            &self.charter.modules,
            &self.charter.ir.sources,
            &self.binding_types(),
            &input,
        );
        diags.extend(more);
        match checked {
            Some(checked) => Ok(checked),
            None => Err(Reply::error(self.render(&diags))),
        }
    }

    /// Checks a `:command`'s argument, which starts at byte `at` of `input`.
    pub fn check_argument(&mut self, input: &str, at: usize) -> Result<ReplChecked, Reply> {
        let blanked: String = input
            .char_indices()
            .map(|(i, c)| if i < at && c != '\n' { ' ' } else { c })
            .collect();
        self.check(input, &blanked)
    }

    /// The type of `text` as an expression, if it checks (for completion;
    /// leaves the session untouched).
    pub fn type_of_text(&self, text: &str) -> Option<Type> {
        let mut sources = self.charter.ir.sources.clone();
        let file = sources.add("<completion>", text);
        let (input, _) = syntax::parse_repl(file, text);
        let (checked, _) = typeck::check_repl(
            &self.charter.modules,
            &sources,
            &self.binding_types(),
            &input?,
        );
        checked.map(|c| c.expr.ty)
    }

    /// The session's bindings as (name, type), in slot order.
    pub fn binding_types(&self) -> Vec<(String, Type)> {
        self.bindings
            .iter()
            .map(|b| (b.name.clone(), b.ty.clone()))
            .collect()
    }

    pub fn type_name(&self, ty: &Type) -> String {
        ty.display(&self.charter.ir).to_string()
    }

    pub fn render(&self, diags: &[Diagnostic]) -> String {
        render::render(diags, &self.charter.ir.sources, self.color)
    }

    /// An evaluation fault as a diagnostic pointing at the faulting expression.
    pub fn render_eval_error(&self, e: &EvalError) -> String {
        let label = match e.kind {
            ErrorKind::Overflow => "out of range",
            ErrorKind::DivisionByZero => "divides by zero",
            ErrorKind::MissingValue => "no such value",
            ErrorKind::Limit => "exceeds a limit",
            ErrorKind::Domain => "outside the domain",
            ErrorKind::Internal => "an internal error in Polity",
        };
        let mut d = Diagnostic::error(e.kind.as_str(), e.span, e.message.clone()).with_label(label);
        if self.snapshot_path.is_none() && self.reads_missing_state(e) {
            d = d.with_help("no snapshot is loaded; load one with `:snapshot FILE`");
        }
        self.render(&[d])
    }

    /// Whether `e` is the read of a `state` name that has no value (the
    /// fault the interpreter reports at the name itself), rather than an
    /// overflow or an empty `min`, which no snapshot would change.
    fn reads_missing_state(&self, e: &EvalError) -> bool {
        let ir = &self.charter.ir;
        let read = ir.sources.snippet(e.span);
        e.kind == ErrorKind::MissingValue && ir.state.iter().any(|s| s.name == read)
    }

    pub fn eval_error(&self, e: &EvalError) -> Reply {
        Reply::error(self.render_eval_error(e))
    }

    /// Re-reads the charter and snapshot files (all or nothing), then
    /// re-checks every binding against them, dropping those that no longer
    /// check.
    pub fn reload(&mut self) -> Reply {
        let charter = match &self.charter_path {
            Some(p) => match load_charter(p, self.color, &self.files) {
                Ok(c) => c,
                Err(e) => return Reply::error(format!("{e}kept the previous charter\n")),
            },
            None => match compile_charter("<empty>", "", self.color, &NoFiles) {
                Ok(c) => c,
                Err(e) => return Reply::error(e),
            },
        };
        let snap = match &self.snapshot_path {
            Some(p) => match load_snapshot(&charter.ir, p, &self.files) {
                Ok(s) => s,
                Err(e) => {
                    return Reply::error(format!("{e}kept the previous charter and snapshot\n"))
                }
            },
            None => Snapshot::from_values(Vec::new()),
        };
        self.charter = charter;
        self.snapshot = snap;
        let mut reply = Reply::out(format!("reloaded {}\n", self.describe()));
        self.recheck_bindings(&mut reply);
        reply
    }

    /// Replaces the charter with the one at `path`; the snapshot is kept when
    /// it matches the new charter.
    pub fn load(&mut self, path: &Path) -> Reply {
        let charter = match load_charter(path, self.color, &self.files) {
            Ok(c) => c,
            Err(e) => return Reply::error(format!("{e}kept the previous charter\n")),
        };
        let mut reply = Reply::default();
        let snap = match &self.snapshot_path {
            Some(p) => match load_snapshot(&charter.ir, p, &self.files) {
                Ok(s) => s,
                Err(e) => {
                    let _ = writeln!(
                        reply.err,
                        "{e}unloaded the snapshot; load a matching one with `:snapshot FILE`"
                    );
                    self.snapshot_path = None;
                    Snapshot::from_values(Vec::new())
                }
            },
            None => Snapshot::from_values(Vec::new()),
        };
        self.charter_path = Some(path.to_path_buf());
        self.charter = charter;
        self.snapshot = snap;
        let _ = writeln!(reply.out, "loaded {}", self.describe());
        self.recheck_bindings(&mut reply);
        reply
    }

    /// Replaces the snapshot; the old one stays when the new one is rejected.
    pub fn load_snapshot(&mut self, path: &Path) -> Reply {
        match load_snapshot(&self.charter.ir, path, &self.files) {
            Ok(s) => {
                self.snapshot = s;
                self.snapshot_path = Some(path.to_path_buf());
                let mut reply = Reply::out(format!("loaded snapshot {}\n", path.display()));
                self.recheck_bindings(&mut reply);
                reply
            }
            Err(e) => Reply::error(format!("{e}kept the previous snapshot\n")),
        }
    }

    /// `charter "Name" (file) with snapshot file`.
    fn describe(&self) -> String {
        let mut s = match &self.charter_path {
            Some(p) => format!(
                "charter \"{}\" ({})",
                self.charter.ir.charter.name,
                p.display()
            ),
            None => "no charter".to_string(),
        };
        if let Some(p) = &self.snapshot_path {
            let _ = write!(s, " with snapshot {}", p.display());
        }
        s
    }

    /// Re-checks and re-evaluates every binding in order; a binding that no
    /// longer checks or evaluates is dropped, with a note saying why.
    fn recheck_bindings(&mut self, reply: &mut Reply) {
        let old = std::mem::take(&mut self.bindings);
        let color = self.color;
        self.color = false;
        for b in old {
            let checked = match self.check(&b.line, &b.line) {
                Ok(c) => c,
                Err(r) => {
                    let why = first_error(&r.err);
                    let _ = writeln!(reply.err, "dropped `{}`: {why}", b.name);
                    continue;
                }
            };
            match self.eval(&checked.expr, checked.frame_size) {
                Ok(value) => self.bindings.push(Binding {
                    name: b.name,
                    line: b.line,
                    ty: checked.expr.ty.clone(),
                    value,
                }),
                Err(e) => {
                    let _ = writeln!(reply.err, "dropped `{}`: {}", b.name, e.message);
                }
            }
        }
        self.color = color;
    }

    /// Explains a law call: the full tree.
    pub fn why(&self, law: ir::LawId, arg: Option<&ir::Expr>, frame_size: u32) -> Reply {
        let subject = match arg.map(|a| self.eval(a, frame_size)).transpose() {
            Ok(s) => s,
            Err(e) => return self.eval_error(&e),
        };
        let written = arg
            .map(|a| self.charter.ir.sources.snippet(a.span))
            .unwrap_or("");
        let why = self.interpreter().why(law, subject, written);
        let mut reply = Reply::out(show::why(&why, self.color));
        if why.verdict() == "error" {
            reply.failed = true;
        }
        reply
    }
}

/// A line ended early: say so in terms of the line, not of a file.
fn about_the_line(d: &mut Diagnostic) {
    if d.code == "E0005" {
        d.message = d.message.replace("end of file", "end of the line");
        d.label = "the line ends here".into();
        d.help = Some("finish the expression; a line continues while a bracket is open".into());
    }
}

/// The first line of a rendered diagnostic, without its `error[CODE]: ` head.
fn first_error(rendered: &str) -> String {
    let first = rendered.lines().next().unwrap_or("");
    first
        .split_once("]: ")
        .map_or(first, |(_, m)| m)
        .trim()
        .to_string()
}

/// Reads and compiles a charter file (with its imports).
fn load_charter(path: &Path, color: bool, files: &Files) -> Result<Charter, String> {
    let bytes = read_bounded(path, files.options.max_source_bytes)
        .map_err(|e| format!("{}\n", crate::cli::read_error(path, &e.into())))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| format!("error: `{}` is not valid UTF-8\n", path.display()))?;
    let loader = files.options.loader_for(path);
    compile_charter(&path.display().to_string(), text, color, &loader)
}

fn compile_charter(
    name: &str,
    text: &str,
    color: bool,
    loader: &dyn Loader,
) -> Result<Charter, String> {
    let loaded = polity_compiler::resolve::load_all(name, text, loader);
    let (program, diags) = typeck::check(&loaded.modules, &loaded.sources, loaded.diagnostics);
    let diags = limit_per_file(diags, polity_compiler::diagnostic::MAX_DIAGNOSTICS);
    match program {
        Some(ir) => Ok(Charter {
            modules: loaded.modules,
            ir,
        }),
        None => Err(render::render(&diags, &loaded.sources, color)),
    }
}

/// Reads a snapshot file and checks it against the charter's `state`.
fn load_snapshot(program: &ir::Program, path: &Path, files: &Files) -> Result<Snapshot, String> {
    load_snapshot_of(program, path, files, "the charter's `state`")
}

/// As `load_snapshot`; a mismatch names the `state` as `whose` says.
pub(super) fn load_snapshot_of(
    program: &ir::Program,
    path: &Path,
    files: &Files,
    whose: &str,
) -> Result<Snapshot, String> {
    let bytes = read_bounded(path, files.max_snapshot_bytes)
        .map_err(|e| format!("{}\n", crate::cli::read_error(path, &e.into())))?;
    snapshot::load(program, &bytes).map_err(|e| {
        format!(
            "error: snapshot `{}` does not match {whose}:\n{e}\n",
            path.display()
        )
    })
}
