//! The native layout's unsafe boundary: the only module of the layout
//! allowed `unsafe`. It turns words (addresses of layout blocks and cells,
//! or of the JIT's evaluation arena) back into references.
//!
//! *Architecture Invariant:* every word that is dereferenced here was made by
//! [`super`] (a layout block or cell) or by the JIT's evaluation arena, both
//! of which outlive the evaluation that reads them, and only words of the
//! matching type are passed in (the readers are type-directed over checked
//! IR and the charter's types).
#![allow(unsafe_code)]

use polity_compiler::num::Dec;

/// The decimal of the `Decimal` word `w`: inline, or the cell at address `w`.
pub fn dec_at(w: i64) -> Dec {
    if super::is_inline_dec(w) {
        return super::from_inline_dec(w);
    }
    if w == 0 {
        return Dec::ZERO;
    }
    // SAFETY: by the module invariant `w` is the address of a live, aligned
    // `Dec` cell (layout or arena), written once before any read.
    unsafe { *(w as *const Dec) }
}

/// The elements of the list or set block at address `w`.
pub fn list<'a>(w: i64) -> &'a [i64] {
    if w == 0 {
        return &[];
    }
    // SAFETY: by the module invariant `w` is the address of a live block
    // whose first word is its length, followed by that many words.
    unsafe {
        let p = w as *const i64;
        let len = usize::try_from(*p).unwrap_or(0);
        std::slice::from_raw_parts(p.add(1), len)
    }
}

/// The `n` words of the record block at address `w`.
pub fn words<'a>(w: i64, n: usize) -> &'a [i64] {
    if w == 0 {
        return &[];
    }
    // SAFETY: by the module invariant `w` is the address of a live record
    // block of at least `n` words (one per field of its type).
    unsafe { std::slice::from_raw_parts(w as *const i64, n) }
}

/// The elements of the list or set block at address `w`, to change them.
///
/// Only for a layout being built, which nothing else reads yet (the
/// loader renumbering the texts of one part of a split snapshot).
pub fn list_mut<'a>(w: i64) -> &'a mut [i64] {
    if w == 0 {
        return &mut [];
    }
    // SAFETY: as `list`; and the block belongs to a layout that the caller
    // owns and that no reference into is held while this one lives.
    unsafe {
        let p = w as *mut i64;
        let len = usize::try_from(*p).unwrap_or(0);
        std::slice::from_raw_parts_mut(p.add(1), len)
    }
}

/// The `n` words of the record block at address `w`, to change them (as
/// [`list_mut`]: only for a layout being built).
pub fn words_mut<'a>(w: i64, n: usize) -> &'a mut [i64] {
    if w == 0 {
        return &mut [];
    }
    // SAFETY: as `words`; and the block belongs to a layout that the caller
    // owns and that no reference into is held while this one lives.
    unsafe { std::slice::from_raw_parts_mut(w as *mut i64, n) }
}

/// Asks the CPU to start loading the cache line holding `value` (a hint:
/// what any read returns is unchanged; a no-op where no prefetch is known).
#[inline]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // Safe to call from Rust 1.86 on (SSE is in every x86_64); `unsafe`
    // for the older compilers the workspace's rust-version allows.
    #[allow(unused_unsafe)]
    // SAFETY: a prefetch reads nothing into the program and cannot fault,
    // whatever the address; this one is of a live reference besides.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(value).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
