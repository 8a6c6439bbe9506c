//! The JIT's unsafe boundary: the only module allowed `unsafe`.
//!
//! It owns the [`JITModule`] that holds the generated machine code and frees
//! it on drop; it calls generated code only through one `extern "C"` function
//! type, through pointers that never outlive the module; and it hands helpers
//! their evaluation context. The raw words generated code passes to helpers
//! are read back by `crate::layout::raw` (re-exported here).
//!
//! *Architecture Invariant:* every word that is dereferenced here was made by
//! [`crate::layout`] (a layout block or cell) or by the evaluation arena
//! ([`super::abi::JitCtx`]), both of which outlive the evaluation that reads
//! them, and generated code only passes such words to helpers of the matching
//! type (the translator is type-directed over checked IR).
#![allow(unsafe_code)]

use super::abi::JitCtx;
pub use crate::layout::raw::{dec_at, list, words};
use cranelift_jit::JITModule;
use cranelift_module::FuncId;

/// The signature of the trampolines the host enters generated code through:
/// `(ctx, subject, failed, out, target)`. It runs the law (or collection, or
/// test) at address `target` and writes `[value, fault]` to `out`; `failed`
/// receives one byte per requirement (1 = failed), or is null.
pub type Entry = extern "C" fn(*mut JitCtx<'_>, i64, *mut u8, *mut i64, usize);

/// The signature of every bulk entry: `(ctx, words, n, out, stop) -> index`.
/// It runs one law for the subject words at `words`, in order, writing one
/// decision byte per subject at `out`, until all `n` are decided (it returns
/// `n`) or one needs the host (it returns its index and writes a code to
/// `stop`; see [`super::translate::translate_bulk`]).
pub type Bulk = extern "C" fn(*mut JitCtx<'_>, *const i64, i64, *mut u8, *mut i64) -> i64;

/// Finalised machine code and its entry points.
pub struct Code {
    module: Option<JITModule>,
    /// Per entry point: the address of its trampoline and of its function.
    entries: Vec<(usize, usize)>,
    bulks: Vec<usize>,
}

// SAFETY: after `finalize_definitions` the module is never mutated again; its
// code pages are read-only and executable, and generated code keeps no state
// of its own (all mutable state is in the `JitCtx` each caller passes).
unsafe impl Send for Code {}
// SAFETY: as above: shared use only reads the immutable code.
unsafe impl Sync for Code {}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Code({} entries)", self.entries.len())
    }
}

impl Code {
    /// Finalises `module` and records the addresses of `entries`: each a
    /// trampoline with the [`Entry`] signature and the function it enters.
    pub fn finalize(mut module: JITModule, entries: &[(FuncId, FuncId)]) -> Result<Code, String> {
        module
            .finalize_definitions()
            .map_err(|e| format!("cannot finalize generated code: {e}"))?;
        let entries = entries
            .iter()
            .map(|(tramp, target)| {
                (
                    module.get_finalized_function(*tramp) as usize,
                    module.get_finalized_function(*target) as usize,
                )
            })
            .collect();
        Ok(Code {
            module: Some(module),
            entries,
            bulks: Vec::new(),
        })
    }

    /// Records the addresses of the bulk entries `ids` (defined with the
    /// [`Bulk`] signature), indexed from 0 in that order.
    pub fn with_bulks(mut self, ids: &[FuncId]) -> Code {
        if let Some(module) = &self.module {
            self.bulks = ids
                .iter()
                .map(|id| module.get_finalized_function(*id) as usize)
                .collect();
        }
        self
    }

    /// Runs entry `index`: returns `[value, fault]`, or `None` for an unknown entry.
    pub fn call(
        &self,
        index: usize,
        ctx: &mut JitCtx<'_>,
        subject: i64,
        failed: Option<&mut [u8]>,
    ) -> Option<[i64; 2]> {
        let (addr, target) = *self.entries.get(index)?;
        if addr == 0 || target == 0 {
            return None;
        }
        // SAFETY: `addr` is the finalised address of a trampoline that the
        // translator defined with exactly the `Entry` signature (pointer,
        // i64, pointer, pointer, address -> nothing) in the host's default
        // calling convention; `target` is the finalised address of a
        // function of the signature that trampoline calls (`Code::finalize`
        // pairs them as the translator declared them); the module that holds
        // both lives as long as `self`.
        let f: Entry = unsafe { std::mem::transmute::<usize, Entry>(addr) };
        let mut out = [0i64; 2];
        let failed = failed.map_or(std::ptr::null_mut(), |b| b.as_mut_ptr());
        f(ctx, subject, failed, out.as_mut_ptr(), target);
        Some(out)
    }

    /// Runs bulk entry `index` over `words` (as many as `out` has room
    /// for), writing one decision byte per word to `out`: returns how many
    /// were decided and, if that is not all of them, the code the next one
    /// stopped with. `None` for an unknown entry.
    pub fn bulk(
        &self,
        index: usize,
        ctx: &mut JitCtx<'_>,
        words: &[i64],
        out: &mut [u8],
    ) -> Option<(usize, i64)> {
        let addr = *self.bulks.get(index)?;
        if addr == 0 {
            return None;
        }
        let n = i64::try_from(words.len().min(out.len())).ok()?;
        let mut stop = 0i64;
        // SAFETY: `addr` is the finalised address of a function that the
        // translator defined with exactly the `Bulk` signature (pointer,
        // pointer, i64, pointer, pointer -> i64) in the host's default
        // calling convention; it reads at most the first `n` words of `words`,
        // writes at most the first `n` bytes of `out` (both at least that
        // long) and at most one word to `stop`; the module that holds the
        // code lives as long as `self`.
        let f: Bulk = unsafe { std::mem::transmute::<usize, Bulk>(addr) };
        let done = f(ctx, words.as_ptr(), n, out.as_mut_ptr(), &mut stop);
        Some((usize::try_from(done).ok()?, stop))
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: no function pointer into this module survives it: entry
            // addresses live in `self` only and are used only by `call` and
            // `bulk`, which borrow `self`.
            unsafe { module.free_memory() };
        }
    }
}

/// The evaluation context a helper was called with.
pub fn ctx<'a, 'c>(p: *mut JitCtx<'c>) -> Option<&'a mut JitCtx<'c>> {
    // SAFETY: generated code passes on, unchanged, the `&mut JitCtx` that
    // `Code::call` or `Code::bulk` received, and no other reference to it is
    // used while the helper runs (generated code only reads four plain words
    // of it).
    unsafe { p.as_mut() }
}
