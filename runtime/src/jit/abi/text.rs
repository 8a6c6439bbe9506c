//! The text builtins' helpers: `text(x)`, `lower`, `upper`, `contains`,
//! `starts_with` and `ends_with`. They compute with the interpreter's own
//! functions ([`to_text`], [`ops::text_case`], [`ops::text_test`]) on the
//! words' values, so both engines give the same texts byte for byte. Texts
//! they make are interned in the context ([`Store::text`]), not in an arena.

use super::{text_bytes, with, JitCtx, LIMIT};
use crate::interp::ops;
use crate::layout::Store;
use crate::value::to_text;
use polity_compiler::ir::Builtin;

/// Interns a text a builtin made, or a `Limit` fault past
/// `max_collection_len` bytes (as the interpreter's `check_len`).
fn made(c: &mut JitCtx<'_>, s: &str) -> i64 {
    if s.len() > c.limits.max_collection_len {
        return c.fail(LIMIT);
    }
    if let Err(fault) = c.built(text_bytes(s.len())) {
        return fault;
    }
    let id = c.text(s);
    c.ok(id)
}

/// `text(w)` for a word of type `ty` (any type: compound values through
/// their [`crate::value::Value`]).
pub extern "C" fn to_text_of(p: *mut JitCtx<'_>, ty: i64, w: i64) -> i64 {
    with(p, |c| {
        let t = c.ty(ty);
        let s = to_text(c.program, t, &c.value(t, w));
        made(c, &s)
    })
}

/// `lower(a)` (op 0) or `upper(a)` (op 1).
pub extern "C" fn text_case(p: *mut JitCtx<'_>, op: i64, a: i64) -> i64 {
    with(p, |c| {
        let b = if op == 0 {
            Builtin::Lower
        } else {
            Builtin::Upper
        };
        let s = ops::text_case(b, c.text_of(a).as_deref().unwrap_or(""));
        made(c, &s)
    })
}

/// `contains(a, b)` (op 0), `starts_with(a, b)` (op 1) or `ends_with(a, b)`
/// (op 2): 1 or 0.
pub extern "C" fn text_test(p: *mut JitCtx<'_>, op: i64, a: i64, b: i64) -> i64 {
    with(p, |c| {
        let which = match op {
            0 => Builtin::Contains,
            1 => Builtin::StartsWith,
            _ => Builtin::EndsWith,
        };
        let (x, y) = (c.text_of(a), c.text_of(b));
        let (x, y) = (x.as_deref().unwrap_or(""), y.as_deref().unwrap_or(""));
        i64::from(ops::text_test(which, x, y))
    })
}
