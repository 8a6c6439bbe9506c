//! The `polity` command: parses arguments and dispatches to `polity::cli`.

use std::io::Write;

/// The command's allocator (see the workspace `Cargo.toml` for why).
#[cfg(not(any(target_env = "msvc", target_family = "wasm")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    // Evaluation recurses over expressions (bounded by the parser's nesting
    // limit and the interpreter's call-depth limit); give it room.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(polity::cli::main);
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            // Not eprintln!, which panics when stderr cannot be written.
            let _ = writeln!(
                std::io::stderr(),
                "error: internal error in polity; please report it"
            );
            70
        }
    };
    std::process::exit(code);
}
