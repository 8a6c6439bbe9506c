//! The interpreter over compiled code: how the JIT explains.
//!
//! A failing or faulting subject is run by the interpreter, the
//! specification of every verdict and reason, with a [`Mixed`] as its
//! [`Accel`]: whenever it reaches an expression compiled as a site
//! (`sites.rs`), the expression's free locals are written as words into a
//! frame, the site's machine code computes the value, and the value is
//! handed back. So the interpreter only walks the law's statements and the
//! explanation's structure; the values — a requirement's condition, the two
//! sides of each comparison that failed, a fn's body with its arguments
//! bound, each element of an `all(...)` — come from compiled code.
//!
//! A site that faults (or bails out) is evaluated by the interpreter
//! instead, so every error and its message are the interpreter's. A site is
//! not used when the calls it may make (the program's longest chain) would
//! pass the call-depth limit from where the interpreter stands, or when a
//! local it reads does not hold a value of the local's type that compiled
//! code can take (a slot the interpreter has not bound, or a value the
//! layout cannot tell apart from `none`): compiled code trusts the types
//! of its words, so every word it is given is checked first.
//!
//! *Invariant:* sites are found by the address of their expression, which
//! is stable because a [`JitProgram`] is only used with the IR it was
//! compiled from ([`Mixed::new`] checks that it is the same program); each
//! site also keeps its expression's span, checked on every use.

use super::abi::{identity, JitCtx};
use super::JitProgram;
use crate::interp::{Accel, Limits, Meter};
use crate::layout;
use crate::value::Value;
use polity_compiler::ir::{Expr, Program};
use polity_compiler::span::Span;
use polity_compiler::types::Type;
use std::cell::RefCell;

/// A compiled site: where to enter it and what its frame holds.
#[derive(Debug)]
pub(super) struct SiteCode {
    /// Its entry ([`super::code::Code::call`]).
    pub entry: usize,
    /// Its expression's span (a check on the address).
    pub span: Span,
    /// The locals it reads (slot, type).
    pub free: Vec<(u32, Type)>,
    /// Words in its frame: one past the highest slot it reads.
    pub frame: usize,
}

/// One thread's compiled code for the interpreter, over one context.
pub(super) struct Mixed<'a> {
    jit: &'a JitProgram,
    program: &'a Program,
    limits: Limits,
    ctx: RefCell<JitCtx<'a>>,
    /// The words of the subjects being explained (of type `subject_ty`),
    /// by the address of their values' fields: a subject bound in a frame
    /// is passed as the word it already has in the layout, not copied.
    subjects: foldhash::HashMap<usize, i64>,
    subject_ty: Option<Type>,
    /// The words of a site's frame, reused from call to call.
    frame: RefCell<Vec<i64>>,
}

impl<'a> Mixed<'a> {
    /// Compiled code over `ctx` for an interpreter of `program`; `ctx` back
    /// when `program` is not the one `jit` was compiled from.
    // The `Err` is the context handed back, moved once per chunk of
    // subjects, not an error carried up a stack.
    #[allow(clippy::result_large_err)]
    pub fn new(
        jit: &'a JitProgram,
        program: &'a Program,
        limits: Limits,
        ctx: JitCtx<'a>,
    ) -> Result<Mixed<'a>, JitCtx<'a>> {
        if !jit.compiled_from(program) {
            return Err(ctx);
        }
        Ok(Mixed {
            jit,
            program,
            limits,
            ctx: RefCell::new(ctx),
            subjects: foldhash::HashMap::default(),
            subject_ty: None,
            frame: RefCell::new(Vec::new()),
        })
    }

    /// The context, with what it memoised, for the next chunk of subjects.
    pub fn into_ctx(self) -> JitCtx<'a> {
        self.ctx.into_inner()
    }

    /// Subjects of type `ty` (values and the words they were made from, which
    /// live as long as the layout or the context).
    pub fn know_subjects<'v>(
        &mut self,
        ty: &Type,
        subjects: impl Iterator<Item = (&'v Value, i64)>,
    ) {
        self.subject_ty = Some(ty.clone());
        self.subjects = subjects
            .filter_map(|(v, w)| Some((identity(v)?, w)))
            .collect();
    }

    /// The word of a subject bound in a frame, if `v` is one.
    fn subject_word(&self, ty: &Type, v: &Value) -> Option<i64> {
        if self.subject_ty.as_ref() != Some(ty) {
            return None;
        }
        self.subjects.get(&identity(v)?).copied()
    }
}

impl Accel for Mixed<'_> {
    fn has(&self, e: &Expr) -> bool {
        self.jit.site(e).is_some()
    }

    fn subject_done(&self) {
        if let Ok(mut ctx) = self.ctx.try_borrow_mut() {
            ctx.forget_known();
        }
    }

    fn eval(&self, e: &Expr, slots: &[Value], depth: u32, meter: &Meter) -> Option<Value> {
        let site = self.jit.site(e)?;
        if depth.saturating_add(self.jit.max_depth) > self.limits.max_call_depth {
            return None;
        }
        let mut ctx = self.ctx.try_borrow_mut().ok()?;
        // (Words a frame was given by a call that returned early.)
        ctx.next_subject();
        // One frame buffer for every site call (a call never nests in
        // another: compiled code does not call back into the interpreter).
        let mut frame = self.frame.try_borrow_mut().ok()?;
        frame.clear();
        frame.resize(site.frame, 0);
        for (slot, ty) in &site.free {
            let v = slots.get(*slot as usize).unwrap_or(&Value::None);
            let w = match self.subject_word(ty, v).or_else(|| ctx.known_word(v)) {
                Some(w) => w,
                None if layout::fits(self.program, ty, v) => ctx.temp_word(v),
                None => return None,
            };
            *frame.get_mut(*slot as usize)? = w;
        }
        // The interpreter's unit goes on in compiled code.
        let left = meter.left();
        ctx.set_steps(left);
        let made = ctx.made();
        let called = self
            .jit
            .code
            .call(site.entry, &mut ctx, frame.as_ptr() as i64, None);
        // Copying the value out makes what the site counted while its words
        // still hold what they made: when the two together would pass what
        // the unit had left, the interpreter evaluates the expression
        // itself instead, within the budget (a collection near the budget
        // would briefly exist twice).
        let room = left.is_none_or(|(_, memory)| {
            let counted = memory.saturating_sub(ctx.memory_left());
            counted.saturating_add(ctx.made().saturating_sub(made)) <= memory
        });
        // A fault (running out of steps too) is the interpreter's to find,
        // from where the site began.
        let value = match called {
            Some([w, 0]) if room && meter.resume(ctx.steps_left(), ctx.memory_left()).is_ok() => {
                Some(ctx.value_remembered(&e.ty, w))
            }
            _ => None,
        };
        // What the site built is dead once its value is copied out (or it
        // faulted, and the interpreter evaluates the expression instead):
        // freed now, not at the next site's call.
        ctx.next_subject();
        value
    }
}
