//! Standard output for every command: buffered, and every write checked.
//!
//! Commands write through [`stdout`] (a `BufWriter` on the locked stdout) and
//! return `io::Result`; [`exit_code`] turns a failed write into the exit
//! status. A closed pipe (`polity eval … | head -1`) ends quietly with 141,
//! the status a shell reports for a process ended by SIGPIPE (Rust ignores
//! SIGPIPE, so the write fails with EPIPE instead of killing the process); any
//! other write error (`> /dev/full`) is one line on stderr and exit 2.
//! Messages go to stderr through `stderr!`/`stderrln!` (in `cli/mod.rs`),
//! which drop what stderr cannot take instead of panicking as `eprintln!` does.

use std::io::{self, BufWriter, ErrorKind, StdoutLock, Write};

/// The exit status after a closed pipe: 128 + SIGPIPE (13), as a shell
/// reports a process the signal ended.
pub const BROKEN_PIPE: i32 = 141;

/// Buffered, locked standard output.
pub fn stdout() -> BufWriter<StdoutLock<'static>> {
    BufWriter::with_capacity(64 << 10, io::stdout().lock())
}

pub use crate::api::verdict_json::write_json;

/// Flushes `out` after `written` and gives the exit status: `written`'s
/// code when everything was written, else the status for the write error.
pub fn finish(mut out: impl Write, written: io::Result<i32>) -> i32 {
    exit_code(written.and_then(|code| out.flush().map(|()| code)))
}

/// The exit status for a command's result: its code, or the status for the
/// write error that ended it.
pub fn exit_code(result: io::Result<i32>) -> i32 {
    match result {
        Ok(code) => code,
        Err(e) if e.kind() == ErrorKind::BrokenPipe => BROKEN_PIPE,
        Err(e) => {
            stderrln!(
                "error: cannot write the output: {}",
                e.to_string().to_lowercase()
            );
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_is_141_and_other_write_errors_2() {
        assert_eq!(exit_code(Ok(3)), 3);
        assert_eq!(exit_code(Err(ErrorKind::BrokenPipe.into())), BROKEN_PIPE);
        assert_eq!(exit_code(Err(ErrorKind::StorageFull.into())), 2);
    }
}
