//! `polity doc`: the charter as a readable constitution for its members.
//!
//! The document is Markdown ([`markdown`]): the charter's name, metadata and
//! doc comments as prose; each law as a numbered article whose requirements
//! and exceptions are phrased in plain words from their expressions
//! (`phrase.rs`), with the constants they use and their values (evaluated by
//! the reference interpreter where they need no snapshot: `values.rs`) and
//! links to the fns they call; the fns as definitions; the records, enums and
//! state as a glossary; and a generated section with the documentation of
//! every standard-library rule the charter uses, which its uses link to
//! (anchors `std-MODULE-NAME`). [`html`] turns it into one self-contained
//! page (`html.rs`).
//!
//! *Architecture Invariant:* nothing is dropped and nothing invented: a form
//! the phraser has no words for is shown as the charter's own source text
//! for that expression. The output depends only on the program (no clock,
//! no hash-map order), so the same charter always gives the same document.
//!
//! | file | concern |
//! | --- | --- |
//! | `charter.rs` | the sections, in order, from the AST of the charter's own files |
//! | `phrase.rs` | expressions in words |
//! | `names.rs` | what a name is, anchors, types in words, expression types from the IR |
//! | `values.rs` | constants evaluated and shown in the charter's units |
//! | `text.rs` | Markdown escaping, code spans, words for names, dates, numbers |
//! | `html.rs` | the HTML page (feature `doc`) |

mod charter;
#[cfg(feature = "doc")]
pub(crate) mod html;
mod names;
mod phrase;
pub(crate) mod text;
mod values;

use polity_compiler::ir::Program;

/// The charter as a Markdown document for its members.
pub fn markdown(program: &Program) -> String {
    charter::markdown(program)
}

/// The charter as one self-contained HTML page (inline style, no script,
/// nothing fetched from the network).
#[cfg(feature = "doc")]
pub fn html(program: &Program) -> String {
    html::page(&program.charter.name, &markdown(program))
}
