//! Figures in compiled code: each figure is its constant's compiled
//! function, entered from the host in one evaluation context (so what
//! several figures use is computed once, as in the interpreter), and its
//! word made into a [`Value`]. A figure whose code faults or bails out is
//! the interpreter's, which gives the error its message; the JIT's fault
//! must then be the interpreter's (same kind, same place), or the two
//! disagree.

use super::fault::{Compiled, Disagreement, Fault};
use super::{abi, JitProgram};
use crate::interp::{Interpreter, Limits};
use crate::layout::Layout;
use crate::snapshot::Snapshot;
use crate::value::Value;
use crate::verdict::{ErrorKind, EvalError};
use polity_compiler::ir::Program;

/// One figure's value, or the fault that ended it.
pub type FigureResult = Result<Value, EvalError>;

impl JitProgram {
    /// Every figure's value or fault, in declaration order (as
    /// [`Interpreter::eval_figures`]), with every disagreement between the
    /// JIT's fault and the interpreter's outcome on a figure that faulted.
    pub fn eval_figures_checked(
        &self,
        program: &Program,
        snapshot: &Snapshot,
        layout: &Layout,
        limits: Limits,
    ) -> (Vec<FigureResult>, Vec<Disagreement>) {
        let interp = Interpreter::new(program, snapshot).with_limits(limits.clone());
        if !self.compiled_from(program)
            || self.max_depth > limits.max_call_depth
            || layout.ambiguous
        {
            return (interp.eval_figures(), Vec::new());
        }
        let mut ctx = abi::JitCtx::new(program, &self.types, layout, limits, self.memo_slots);
        // The interpreter's figures, computed once if any figure needs them.
        let mut interpreted: Option<Vec<FigureResult>> = None;
        let mut results = Vec::new();
        let mut problems = Vec::new();
        for (k, (_, def)) in program.figures().enumerate() {
            let entry = self.figures.get(k).copied().flatten();
            let decided = entry.and_then(|e| self.code.call(e, &mut ctx, 0, None));
            if let Some([w, 0]) = decided {
                results.push(Ok(ctx.value(&def.ty, w)));
                continue;
            }
            let all = interpreted.get_or_insert_with(|| interp.eval_figures());
            let result = all.get(k).cloned().unwrap_or_else(|| {
                Err(EvalError {
                    kind: ErrorKind::Internal,
                    message: format!("the interpreter did not evaluate figure `{}`", def.name),
                    span: def.span,
                })
            });
            let fault = decided.and_then(|[_, f]| Fault::decode(f));
            if let Some(fault) = fault {
                let agree = matches!(&result, Err(e)
                    if e.kind == fault.kind.error_kind() && Some(&e.span) == self.fault_site(fault));
                if !agree {
                    problems.push(Disagreement {
                        item: Compiled::Figure(def.name.clone()),
                        jit: format!(
                            "faulted ({} at {:?})",
                            fault.kind.error_kind().as_str(),
                            self.fault_site(fault)
                        ),
                        interpreter: format!("{result:?}"),
                    });
                }
            }
            results.push(result);
        }
        (results, problems)
    }
}
