//! Polity behind a C ABI: compile a charter, load a snapshot, evaluate its
//! laws, and get the verdicts as the JSON document `polity eval --format
//! json` prints, byte for byte.
//!
//! The rules of the boundary:
//! - **Opaque handles.** [`PolityProgram`] and [`PolityState`] are made by
//!   [`polity_compile`] and [`polity_load_snapshot`] and freed by
//!   [`polity_program_free`] and [`polity_state_free`]; C never sees inside.
//! - **UTF-8 in, JSON out.** Texts passed in are NUL-terminated UTF-8;
//!   texts handed out are NUL-terminated UTF-8 owned by the caller, freed
//!   with [`polity_string_free`].
//! - **Every error a status.** Each function returns a [`PolityStatus`];
//!   on an error it writes a JSON document saying why to `*error` (when
//!   `error` is not null): the diagnostics for a charter that does not
//!   compile, the mismatches for a snapshot that does not match, a message
//!   otherwise.
//! - **Nothing unwinds into C.** Each function runs inside `catch_unwind`;
//!   a panic (a bug) is [`PolityStatus::Panic`], never an abort of the host.

// The boundary is unsafe by nature: raw pointers from C. Each `unsafe`
// block below reads a pointer the caller promises is valid, as documented
// on the function, after a null check.
#![allow(unsafe_code)]

use polity::api::json::{compile_error_json, snapshot_error_json};
use polity::api::{EvalOptions, Program, State};
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What a call did.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolityStatus {
    /// It succeeded.
    Ok = 0,
    /// A pointer that must not be null was null, or a text was not UTF-8.
    InvalidArgument = 1,
    /// The charter does not compile (`*error`: its diagnostics).
    CompileError = 2,
    /// The snapshot is not JSON or does not match `state` (`*error`: why).
    SnapshotError = 3,
    /// No law has the name asked for (`*error`: the names there are).
    UnknownLaw = 4,
    /// A bug in Polity stopped the call; nothing was leaked into C.
    Panic = 5,
}

/// A compiled charter.
pub struct PolityProgram(Program);

/// A snapshot checked against a program's `state`; use it only with that program.
pub struct PolityState(State);

/// A text for C: NUL-terminated, owned by the caller. A NUL inside `s`
/// (JSON never holds one unescaped) would end it early, so it is escaped.
fn c_string(s: String) -> *mut c_char {
    let s = s.replace('\0', "\\u0000");
    CString::new(s).map_or(std::ptr::null_mut(), CString::into_raw)
}

/// Writes `doc` to `*error` when `error` is not null.
fn report(error: *mut *mut c_char, doc: serde_json::Value) {
    if !error.is_null() {
        // SAFETY: `error` is not null and the caller promises it points to a
        // writable `char *`.
        unsafe { *error = c_string(doc.to_string()) };
    }
}

/// `{ "error": kind, "message": message }`.
fn message(kind: &str, message: &str) -> serde_json::Value {
    serde_json::json!({ "error": kind, "message": message })
}

/// The text at `p`, or why it cannot be read.
///
/// # Safety
/// `p` is null or points to a NUL-terminated string that outlives the call.
unsafe fn text<'a>(p: *const c_char, what: &str) -> Result<&'a str, serde_json::Value> {
    if p.is_null() {
        return Err(message("invalid_argument", &format!("{what} is null")));
    }
    // SAFETY: not null, and NUL-terminated as the caller promises.
    let bytes = unsafe { CStr::from_ptr(p) };
    bytes
        .to_str()
        .map_err(|e| message("invalid_argument", &format!("{what} is not UTF-8: {e}")))
}

/// Reports `why` and returns [`PolityStatus::InvalidArgument`].
fn invalid(error: *mut *mut c_char, why: serde_json::Value) -> PolityStatus {
    report(error, why);
    PolityStatus::InvalidArgument
}

/// Hands `value` to C through `out`, boxed; when `out` is null, drops it
/// and reports that.
fn hand_out<T>(out: *mut *mut T, value: T, error: *mut *mut c_char) -> PolityStatus {
    if out.is_null() {
        return invalid(error, message("invalid_argument", "out is null"));
    }
    // SAFETY: `out` is not null, and the caller promises it is writable.
    unsafe { *out = Box::into_raw(Box::new(value)) };
    PolityStatus::Ok
}

/// Runs `f`, turning a panic into [`PolityStatus::Panic`] (with a message
/// in `*error`).
fn guarded(error: *mut *mut c_char, f: impl FnOnce() -> PolityStatus) -> PolityStatus {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(status) => status,
        Err(_) => {
            report(
                error,
                message("panic", "internal error in Polity (please report it)"),
            );
            PolityStatus::Panic
        }
    }
}

/// The library's version (`"0.1.0"`), a static text not to be freed.
#[no_mangle]
pub extern "C" fn polity_version() -> *const c_char {
    static VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"",
        };
    VERSION.as_ptr()
}

/// Compiles the charter `source` (named `name` in diagnostics; `import
/// "file"` is refused, `std.*` works) into `*out`.
///
/// On [`PolityStatus::CompileError`], `*error` holds `{ "ok": false,
/// "errors": N, "diagnostics": [...] }`, each diagnostic as `polity check
/// --format json` gives it.
///
/// # Safety
/// `name` and `source` are NUL-terminated strings; `out` points to a
/// writable `PolityProgram *`; `error` is null or points to a writable
/// `char *`.
#[no_mangle]
pub unsafe extern "C" fn polity_compile(
    name: *const c_char,
    source: *const c_char,
    out: *mut *mut PolityProgram,
    error: *mut *mut c_char,
) -> PolityStatus {
    guarded(error, || {
        // SAFETY: as the caller promises (see above).
        let texts = unsafe { (text(name, "name"), text(source, "source")) };
        let (name, source) = match texts {
            (Ok(n), Ok(s)) => (n, s),
            (Err(e), _) | (_, Err(e)) => return invalid(error, e),
        };
        match Program::compile(name, source) {
            Ok(p) => hand_out(out, PolityProgram(p), error),
            Err(e) => {
                report(error, compile_error_json(&e));
                PolityStatus::CompileError
            }
        }
    })
}

/// Reads the JSON snapshot `json` for `program` into `*out`.
///
/// On [`PolityStatus::SnapshotError`], `*error` holds `{ "error":
/// "snapshot", "syntax"?, "mismatches": [{ "path", "message" }] }`.
///
/// # Safety
/// `program` was made by [`polity_compile`] and not freed; `json` is a
/// NUL-terminated string; `out` points to a writable `PolityState *`;
/// `error` is null or points to a writable `char *`.
#[no_mangle]
pub unsafe extern "C" fn polity_load_snapshot(
    program: *const PolityProgram,
    json: *const c_char,
    out: *mut *mut PolityState,
    error: *mut *mut c_char,
) -> PolityStatus {
    guarded(error, || {
        // SAFETY: `program` is null or a live handle, as the caller promises.
        let Some(program) = (unsafe { program.as_ref() }) else {
            return invalid(error, message("invalid_argument", "program is null"));
        };
        // SAFETY: as the caller promises.
        let json = match unsafe { text(json, "json") } {
            Ok(j) => j,
            Err(e) => return invalid(error, e),
        };
        match program.0.load_snapshot(json.as_bytes()) {
            Ok(s) => hand_out(out, PolityState(s), error),
            Err(e) => {
                report(error, snapshot_error_json(&e, None));
                PolityStatus::SnapshotError
            }
        }
    })
}

/// Evaluates every law of `program` over `state` (or only the law named
/// `law`, when it is not null) with the default engine, explanations and
/// limits, and writes the verdicts to `*out` as the document `polity eval
/// --format json` prints, byte for byte.
///
/// # Safety
/// `program` and `state` are live handles, `state` loaded for `program`;
/// `law` is null or a NUL-terminated string; `out` points to a writable
/// `char *`; `error` is null or points to a writable `char *`.
#[no_mangle]
pub unsafe extern "C" fn polity_eval_json(
    program: *const PolityProgram,
    state: *const PolityState,
    law: *const c_char,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> PolityStatus {
    guarded(error, || {
        // SAFETY: null or live handles, as the caller promises.
        let (Some(program), Some(state)) = (unsafe { program.as_ref() }, unsafe { state.as_ref() })
        else {
            return invalid(
                error,
                message("invalid_argument", "program or state is null"),
            );
        };
        let law = if law.is_null() {
            None
        } else {
            // SAFETY: not null, so a NUL-terminated string as promised.
            match unsafe { text(law, "law") } {
                Ok(l) => Some(l),
                Err(e) => return invalid(error, e),
            }
        };
        if out.is_null() {
            return invalid(error, message("invalid_argument", "out is null"));
        }
        match program.0.eval_json(&state.0, law, EvalOptions::default()) {
            Ok(doc) => {
                // SAFETY: `out` is not null and points to a writable pointer.
                unsafe { *out = c_string(doc) };
                PolityStatus::Ok
            }
            Err(e) => {
                report(error, message("unknown_law", &e.to_string()));
                PolityStatus::UnknownLaw
            }
        }
    })
}

/// Frees a text this library handed out (null is ignored).
///
/// # Safety
/// `s` is null or a text from this library, not freed before.
#[no_mangle]
pub unsafe extern "C" fn polity_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: made by `CString::into_raw` in `c_string`, freed once.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// Frees a program (null is ignored). Free its states first.
///
/// # Safety
/// `p` is null or a handle from [`polity_compile`], not freed before.
#[no_mangle]
pub unsafe extern "C" fn polity_program_free(p: *mut PolityProgram) {
    if !p.is_null() {
        // SAFETY: made by `Box::into_raw` in `polity_compile`, freed once.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// Frees a state (null is ignored).
///
/// # Safety
/// `s` is null or a handle from [`polity_load_snapshot`], not freed before.
#[no_mangle]
pub unsafe extern "C" fn polity_state_free(s: *mut PolityState) {
    if !s.is_null() {
        // SAFETY: made by `Box::into_raw` in `polity_load_snapshot`, freed once.
        drop(unsafe { Box::from_raw(s) });
    }
}
