//! One REPL over a compiled charter and its loaded snapshot: each line is
//! checked against the charter's parsed files (as `polity repl` does), then
//! evaluated by the interpreter; `let` lines bind names later lines see.
//! No `:commands` (the page has its own controls for charters and snapshots).

use crate::ReplAnswer;
use polity::api::State;
use polity::interp::Interpreter;
use polity::snapshot::Snapshot;
use polity::value::{render as show, Value};
use polity::verdict::{EvalError, Verdict};
use polity_compiler::diagnostic::{render, Diagnostic};
use polity_compiler::ir::{self, ExprKind};
use polity_compiler::syntax::{self, ast};
use polity_compiler::types::Type;
use polity_compiler::{resolve, typeck, NoFiles};

/// The charter parsed and checked for lines (`None` when it does not
/// compile, which a compiled [`crate::Charter`] rules out), and the bindings.
pub struct Session {
    charter: Option<(Vec<ast::Module>, ir::Program)>,
    bindings: Vec<(String, Type, Value)>,
}

impl Session {
    /// A session over the charter `source` named `name`.
    pub fn new(name: &str, source: &str) -> Session {
        let loaded = resolve::load_all(name, source, &NoFiles);
        let (ir, _) = typeck::check(&loaded.modules, &loaded.sources, loaded.diagnostics);
        Session {
            charter: ir.map(|ir| (loaded.modules, ir)),
            bindings: Vec::new(),
        }
    }

    /// Answers `line` over `state` (an empty snapshot when none is loaded).
    pub fn answer(&mut self, state: Option<&State>, line: &str) -> ReplAnswer {
        let Some((modules, ir)) = &self.charter else {
            return failed("the charter does not compile".into());
        };
        if line.trim().is_empty() {
            return ReplAnswer {
                ok: true,
                ..ReplAnswer::default()
            };
        }
        // The line is a source of its own, so diagnostics point into it.
        let mut sources = ir.sources.clone();
        let file = sources.add("<repl>", line);
        let (input, mut diags) = syntax::parse_repl(file, line);
        let Some(input) = input else {
            return failed(render::render(&diags, &sources, false));
        };
        let types: Vec<(String, Type)> = self
            .bindings
            .iter()
            .map(|(n, t, _)| (n.clone(), t.clone()))
            .collect();
        let (checked, more) = typeck::check_repl(modules, &sources, &types, &input);
        diags.extend(more);
        let Some(checked) = checked else {
            return failed(render::render(&diags, &sources, false));
        };
        let empty = Snapshot::from_values(Vec::new());
        let snapshot = state.map_or(&empty, State::snapshot);
        let interp = Interpreter::new(ir, snapshot);
        let locals: Vec<Value> = self.bindings.iter().map(|(_, _, v)| v.clone()).collect();
        let eval = |e: &ir::Expr| interp.eval_expr_in(e, checked.frame_size, &locals);
        let fault = |e: &EvalError| failed(fault_text(e, &sources));
        if let (ExprKind::CallLaw(law, arg), None) = (&checked.expr.kind, &checked.binds) {
            let subject = match arg.as_deref().map(eval).transpose() {
                Ok(s) => s.unwrap_or(Value::None),
                Err(e) => return fault(&e),
            };
            let verdict = interp.eval_law_for(*law, &subject);
            let mut output = format!("{}\n", verdict.as_str());
            if let Verdict::Fail(failures) = &verdict {
                for f in failures {
                    polity::api::write_failure(&mut output, f, 2);
                }
            }
            return match &verdict {
                Verdict::Error(e) => ReplAnswer {
                    ok: false,
                    output,
                    error: fault_text(e, &sources),
                },
                _ => ReplAnswer {
                    ok: true,
                    output,
                    error: String::new(),
                },
            };
        }
        let value = match eval(&checked.expr) {
            Ok(v) => v,
            Err(e) => return fault(&e),
        };
        let ty = checked.expr.ty.clone();
        let shown = show(ir, &ty, &value);
        let ty_name = ty.display(ir).to_string();
        let output = match checked.binds {
            Some(name) => {
                let output = format!("{name} : {ty_name} = {shown}\n");
                self.bindings.push((name, ty, value));
                output
            }
            None => format!("{shown} : {ty_name}\n"),
        };
        ReplAnswer {
            ok: true,
            output,
            error: String::new(),
        }
    }
}

fn failed(error: String) -> ReplAnswer {
    ReplAnswer {
        ok: false,
        output: String::new(),
        error,
    }
}

/// An evaluation fault as a diagnostic at the faulting expression.
fn fault_text(e: &EvalError, sources: &polity_compiler::span::SourceMap) -> String {
    let d = Diagnostic::error(e.kind.as_str(), e.span, e.message.clone());
    render::render(&[d], sources, false)
}
