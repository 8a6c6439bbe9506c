//! The Polity language server (`polity lsp`): what an editor shows while a
//! charter is written — diagnostics on every change, hover, go to definition
//! (into the standard library too), completion, document symbols,
//! formatting and rename of local names — over stdio, as the Language
//! Server Protocol says.
//!
//! The crate depends on the compiler only (no engine, no Cranelift): the
//! `polity` binary's `lsp` subcommand calls [`serve`] with the loader that
//! `polity check` uses for imports, so the server reports exactly what
//! `polity check` does.
//!
//! | module | what |
//! | --- | --- |
//! | `transport` | Content-Length framing, tolerant of malformed frames |
//! | `server` | the lifecycle and one handler per request |
//! | `analysis` | an open document compiled, and the questions asked of it |
//! | `decls` | each declaration's name, kind, signature, doc and parts |
//! | `scopes` | where variables bound inside expressions are visible |
//! | `position` | byte offsets to and from UTF-16 (or UTF-8) positions |
//! | `files` | `file:` URIs, and the standard modules' copies on disk |

mod analysis;
mod decls;
mod files;
mod position;
mod scopes;
mod server;
mod transport;

pub use server::{serve, LoaderFor};
