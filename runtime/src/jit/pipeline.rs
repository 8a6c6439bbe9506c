//! Cranelift's compilation of translated functions, overlapped with the
//! translation of the rest and spread across cores.
//!
//! Translation is sequential: it declares functions in one module. Each
//! translated function is handed to the pipeline, which, once it has been
//! handed [`PARALLEL_COMPILE_MIN`] of them, starts one worker per other core;
//! the workers compile while the translator goes on. When translation is
//! done, the translating thread compiles alongside them until none is left.
//! Cranelift compiles a function without looking at the others, and the
//! results are put back in declaration order, so the module is the same
//! whatever the number of threads. Each thread reuses one Cranelift context
//! (reallocating its register allocator's memory costs about 50 µs a
//! function). A function Cranelift rejects fails the whole compilation (the
//! program then runs in the interpreter).
//!
//! Code is compiled for one of two [`Tier`]s. What runs per subject (laws,
//! fns, bulk entries) and what runs once per evaluation but over whole
//! collections (constants, parameterless fns, a law's collection) is
//! optimised (`opt_level=speed`, the backtracking register allocator). A
//! `test` block runs once per `polity test`, so its compilation is made
//! cheap instead: no optimisation and the single-pass register allocator,
//! which together compile it in about half the time. Both tiers run in the
//! same module and agree with the interpreter, test by test (`polity test`
//! re-runs every test the JIT did not pass and reports disagreements).

use super::threads;
use cranelift_codegen::ir::Function;
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_module::{FuncId, ModuleReloc};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{Scope, ScopedJoinHandle};

/// Below this many functions, compiling on one thread is faster than
/// starting others.
const PARALLEL_COMPILE_MIN: usize = 8;

/// One function's machine code: its alignment, bytes and relocations.
pub type Compiled = (FuncId, u64, Vec<u8>, Vec<ModuleReloc>);

/// How a function is compiled: for the speed of the code or of compiling it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Code that runs per subject or over whole collections.
    Speed,
    /// Code that runs once (a `test` block).
    Once,
}

/// The ISAs of the two tiers, for the same host.
#[derive(Clone)]
pub struct Isas {
    /// [`Tier::Speed`].
    pub speed: OwnedTargetIsa,
    /// [`Tier::Once`].
    pub once: OwnedTargetIsa,
}

impl Isas {
    fn get(&self, tier: Tier) -> &OwnedTargetIsa {
        match tier {
            Tier::Speed => &self.speed,
            Tier::Once => &self.once,
        }
    }
}

/// A function to compile, numbered in declaration order.
type Job = (usize, FuncId, Function, Tier);

/// A compiled function (or Cranelift's error), with its number.
type Done = (usize, Result<Compiled, String>);

/// Functions on their way to machine code.
pub struct Pipeline<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    isas: Isas,
    /// How many functions were handed over.
    next: usize,
    /// Functions handed over before the workers start.
    held: Vec<Job>,
    to_workers: Option<Sender<Job>>,
    queue: Arc<Mutex<Receiver<Job>>>,
    workers: Vec<ScopedJoinHandle<'scope, Vec<Done>>>,
}

impl<'scope, 'env> Pipeline<'scope, 'env> {
    /// A pipeline compiling for `isas`, whose workers run in `scope`.
    pub fn new(scope: &'scope Scope<'scope, 'env>, isas: Isas) -> Self {
        let (to_workers, queue) = channel();
        Pipeline {
            scope,
            isas,
            next: 0,
            held: Vec::new(),
            to_workers: Some(to_workers),
            queue: Arc::new(Mutex::new(queue)),
            workers: Vec::new(),
        }
    }

    /// Takes the functions translated since the last call, in declaration
    /// order.
    pub fn feed(&mut self, translated: &mut Vec<(FuncId, Function, Tier)>) {
        for (id, func, tier) in translated.drain(..) {
            let job = (self.next, id, func, tier);
            self.next += 1;
            if self.workers.is_empty() {
                self.held.push(job);
                if self.held.len() >= PARALLEL_COMPILE_MIN && threads() > 1 {
                    self.start();
                }
            } else {
                self.send(job);
            }
        }
    }

    fn start(&mut self) {
        for _ in 1..threads() {
            let (isas, queue) = (self.isas.clone(), Arc::clone(&self.queue));
            self.workers
                .push(self.scope.spawn(move || work(&isas, &queue)));
        }
        for job in std::mem::take(&mut self.held) {
            self.send(job);
        }
    }

    fn send(&mut self, job: Job) {
        // A worker gone (it panicked) leaves its jobs undone, which `finish`
        // reports.
        if let Some(tx) = &self.to_workers {
            let _ = tx.send(job);
        }
    }

    /// Takes the last functions translated, compiles what is left on this
    /// thread too, and returns every function's code in declaration order.
    pub fn finish(
        mut self,
        translated: &mut Vec<(FuncId, Function, Tier)>,
    ) -> Result<Vec<Compiled>, String> {
        self.feed(translated);
        self.to_workers = None;
        let mut done = if self.workers.is_empty() {
            let mut ctx = cranelift_codegen::Context::new();
            std::mem::take(&mut self.held)
                .into_iter()
                .map(|(i, id, func, tier)| {
                    (i, compile_one(self.isas.get(tier), &mut ctx, id, func))
                })
                .collect()
        } else {
            work(&self.isas, &self.queue)
        };
        for w in self.workers.drain(..) {
            done.extend(w.join().unwrap_or_default());
        }
        if done.len() != self.next {
            return Err("a compiling thread stopped".to_string());
        }
        done.sort_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, r)| r).collect()
    }
}

/// Compiles functions from `queue` until it is closed and empty.
fn work(isas: &Isas, queue: &Mutex<Receiver<Job>>) -> Vec<Done> {
    let mut ctx = cranelift_codegen::Context::new();
    let mut out = Vec::new();
    loop {
        // Waiting holds the lock; another thread waits for it instead.
        let job = match queue.lock() {
            Ok(q) => q.recv().ok(),
            Err(_) => None,
        };
        let Some((i, id, func, tier)) = job else {
            break;
        };
        out.push((i, compile_one(isas.get(tier), &mut ctx, id, func)));
    }
    out
}

/// Compiles `func` in `ctx`, which is reused from one function to the next
/// (its register allocator's and analyses' memory with it).
fn compile_one(
    isa: &OwnedTargetIsa,
    ctx: &mut cranelift_codegen::Context,
    id: FuncId,
    func: Function,
) -> Result<Compiled, String> {
    ctx.clear();
    ctx.func = func;
    let mut plane = cranelift_codegen::control::ControlPlane::default();
    let align = ctx
        .compile(&**isa, &mut plane)
        .map(|code| u64::from(code.buffer.alignment))
        .map_err(|e| format!("cranelift: {:?}", e.inner))?;
    let code = ctx
        .compiled_code()
        .ok_or_else(|| "cranelift: no code".to_string())?;
    let bytes = code.code_buffer().to_vec();
    let relocs = code
        .buffer
        .relocs()
        .iter()
        .map(|r| ModuleReloc::from_mach_reloc(r, &ctx.func, id))
        .collect();
    Ok((id, align, bytes, relocs))
}
