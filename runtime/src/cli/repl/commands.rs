//! The REPL's `:commands`.

use super::session::{Reply, Session};
use crate::api::Engine;
use polity_compiler::ir::ExprKind;
use std::fmt::Write as _;
use std::path::Path;

/// Every command with its argument and what it does (for `:help` and completion).
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (":help", "", "show this help"),
    (
        ":type",
        "EXPR",
        "show the type of EXPR without evaluating it",
    ),
    (
        ":why",
        "LAW(ARGS)",
        "explain a law's verdict: every requirement, exception and nested law",
    ),
    (":laws", "", "list the laws with their documentation"),
    (
        ":figures",
        "",
        "list the figures with their values and documentation",
    ),
    (":load", "CHARTER", "load another charter file"),
    (":snapshot", "FILE", "load another JSON snapshot"),
    (
        ":reload",
        "",
        "re-read the charter and snapshot files; keep the bindings that still check",
    ),
    (":engine", "jit|interp", "choose the evaluation engine"),
    (
        ":diff",
        "CHARTER",
        "compare the charter with another over the snapshot: whose verdicts change",
    ),
    (":quit", "", "leave (also Ctrl-D)"),
];

/// Runs the command line `input` (it starts with `:`).
pub fn run(s: &mut Session, input: &str) -> Reply {
    let trimmed = input.trim_start();
    let lead = input.len() - trimmed.len();
    let name_len = trimmed
        .find(|c: char| c.is_whitespace())
        .unwrap_or(trimmed.len());
    let name = trimmed.get(..name_len).unwrap_or("");
    let arg_at = lead + name_len;
    let arg = trimmed.get(name_len..).unwrap_or("").trim();
    match name {
        ":help" | ":h" | ":?" => Reply::out(help()),
        ":quit" | ":q" | ":exit" => Reply {
            quit: true,
            ..Reply::default()
        },
        ":type" | ":t" => type_of(s, input, arg_at, arg),
        ":why" | ":w" => why(s, input, arg_at, arg),
        ":laws" => Reply::out(laws(s)),
        ":figures" | ":f" => Reply::out(figures(s)),
        ":load" | ":l" => with_path(arg, ":load CHARTER", |p| s.load(p)),
        ":snapshot" | ":s" => with_path(arg, ":snapshot FILE", |p| s.load_snapshot(p)),
        ":reload" | ":r" => s.reload(),
        ":engine" | ":e" => engine(s, arg),
        ":diff" | ":d" => with_path(arg, ":diff CHARTER", |p| super::diff::run(s, p)),
        _ => {
            let names = COMMANDS.iter().map(|(n, _, _)| *n);
            let hint = polity_compiler::diagnostic::did_you_mean(name, names)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            Reply::error(format!(
                "error: unknown command `{name}`{hint}\n  type `:help` for the commands\n"
            ))
        }
    }
}

fn help() -> String {
    let mut out = String::from(
        "Type an expression to evaluate it against the charter and snapshot, for example\n  \
         count(members)     may_vote(members[\"ana\"])     let ana = members[\"ana\"]\n\
         A law call prints its verdict; `xs[\"id\"]` picks the record with that id.\n\n",
    );
    for (name, arg, what) in COMMANDS {
        let head = format!("{name} {arg}");
        let _ = writeln!(out, "  {head:<22} {what}");
    }
    out.push_str("\nTab completes names, fields after `.`, enum cases and commands.\n");
    out
}

fn with_path(arg: &str, usage: &str, f: impl FnOnce(&Path) -> Reply) -> Reply {
    if arg.is_empty() {
        return Reply::error(format!("error: missing file\n  usage: {usage}\n"));
    }
    f(Path::new(arg))
}

fn type_of(s: &mut Session, input: &str, at: usize, arg: &str) -> Reply {
    if arg.is_empty() {
        return Reply::error("error: missing expression\n  usage: :type EXPR\n");
    }
    if let Some(sig) = signature(s, arg) {
        return Reply::out(format!("{sig}\n"));
    }
    match s.check_argument(input, at) {
        Ok(c) => Reply::out(format!("{}\n", s.type_name(&c.expr.ty))),
        Err(reply) => reply,
    }
}

/// The signature of the fn or law named `name` (`:type tenure`), unless a
/// binding hides it.
fn signature(s: &Session, name: &str) -> Option<String> {
    if s.bindings.iter().any(|b| b.name == name) {
        return None;
    }
    let ir = &s.charter.ir;
    if let Some(f) = ir.fns.iter().find(|f| f.name == name) {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {}", s.type_name(t)))
            .collect();
        return Some(format!(
            "fn {name}({}) -> {}",
            params.join(", "),
            s.type_name(&f.ret)
        ));
    }
    let law = ir.laws.iter().find(|l| l.name == name)?;
    Some(match &law.param {
        Some(p) => format!(
            "law {name}({} in {}): called on a `{}`, gives a verdict (a Bool in expressions)",
            p.name,
            ir.sources.snippet(p.collection.span),
            s.type_name(&p.ty)
        ),
        None => format!("law {name}: gives a verdict (a Bool in expressions)"),
    })
}

fn why(s: &mut Session, input: &str, at: usize, arg: &str) -> Reply {
    const USAGE: &str = "  usage: :why LAW(ARGS), for example `:why may_vote(members[\"ana\"])`\n";
    if arg.is_empty() {
        return Reply::error(format!("error: missing law call\n{USAGE}"));
    }
    let checked = match s.check_argument(input, at) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    match &checked.expr.kind {
        ExprKind::CallLaw(law, subject) if checked.binds.is_none() => {
            s.why(*law, subject.as_deref(), checked.frame_size)
        }
        _ => Reply::error(format!("error: `:why` explains a law call\n{USAGE}")),
    }
}

fn laws(s: &Session) -> String {
    let ir = &s.charter.ir;
    if ir.laws.is_empty() {
        return "the charter has no laws\n".to_string();
    }
    let mut out = String::new();
    for law in &ir.laws {
        let head = match &law.param {
            Some(p) => format!(
                "{}({} in {})",
                law.name,
                p.name,
                ir.sources.snippet(p.collection.span)
            ),
            None => law.name.clone(),
        };
        let _ = writeln!(out, "{head}");
        if let Some(doc) = &law.doc {
            for line in doc.lines() {
                let _ = writeln!(out, "    {}", line.trim());
            }
        }
    }
    out
}

/// `name: Type = value` per figure (a fault as `error: ... at FILE:LINE:COL`),
/// its documentation under it.
fn figures(s: &Session) -> String {
    let ir = &s.charter.ir;
    if ir.figures().next().is_none() {
        return "the charter has no figures\n".to_string();
    }
    let mut out = String::new();
    for ((_, def), value) in ir.figures().zip(s.figures()) {
        let shown = match value {
            Ok(v) => crate::value::render_capped(ir, &def.ty, &v, crate::api::SHOWN_ELEMENTS),
            Err(e) => {
                let (file, line, column) = crate::cli::report::locate(&ir.sources, e.span);
                format!("error: {} at {file}:{line}:{column}", e.message)
            }
        };
        let _ = writeln!(out, "{}: {} = {shown}", def.name, s.type_name(&def.ty));
        if let Some(doc) = &def.doc {
            for line in doc.lines() {
                let _ = writeln!(out, "    {}", line.trim());
            }
        }
    }
    out
}

/// The engine named on `:engine` (`Session::verdict` is the one `match` on it).
fn parse_engine(name: &str) -> Result<Engine, String> {
    match name {
        "interp" | "interpreter" => Ok(Engine::Interpreter),
        "jit" => Ok(Engine::Jit),
        other => Err(format!(
            "unknown engine `{other}`; choose `jit` or `interp`"
        )),
    }
}

fn engine(s: &mut Session, arg: &str) -> Reply {
    if arg.is_empty() {
        return Reply::out(format!("engine: {}\n", engine_name(s.engine)));
    }
    match parse_engine(arg) {
        Ok(e) => {
            s.engine = e;
            Reply::out(format!("engine: {}\n", engine_name(e)))
        }
        // Asking for an engine this build lacks is not a failed line.
        Err(msg) if arg == "jit" => Reply::out(format!("{msg}\n")),
        Err(msg) => Reply::error(format!("error: {msg}\n")),
    }
}

fn engine_name(e: Engine) -> &'static str {
    if e == Engine::Interpreter {
        "interp"
    } else {
        "jit"
    }
}
