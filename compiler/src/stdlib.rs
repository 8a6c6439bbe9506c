//! The standard library: `std.*` modules written in Polity, shipped inside the
//! binary.
//!
//! Each module starts with `//!` lines (its introduction in the reference) and
//! documents every declaration with `///`; [`reference()`] turns them into
//! `docs/stdlib.md`. A module's `test` blocks run when it is compiled as the
//! root (`polity test --stdlib`); a charter that imports it does not see them.

use crate::ir::Program;
use crate::span::FileId;
use crate::types::Type;
use std::fmt::Write as _;

const MODULES: &[(&str, &str)] = &[
    ("std.voting", include_str!("../../stdlib/voting.polity")),
    ("std.governor", include_str!("../../stdlib/governor.polity")),
    ("std.treasury", include_str!("../../stdlib/treasury.polity")),
    (
        "std.membership",
        include_str!("../../stdlib/membership.polity"),
    ),
    ("std.land", include_str!("../../stdlib/land.polity")),
    ("std.census", include_str!("../../stdlib/census.polity")),
    ("std.units", include_str!("../../stdlib/units.polity")),
];

/// The source of a standard module (`std.voting`).
pub fn source(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Every standard module's name.
pub fn names() -> impl Iterator<Item = &'static str> {
    MODULES.iter().map(|(n, _)| *n)
}

/// The reference of every standard module as Markdown (`docs/stdlib.md`),
/// from its `//!` introduction and the `///` documentation of each record,
/// enum, constant and fn it declares, in source order. A module that does not
/// compile is listed with a note instead.
pub fn reference() -> String {
    let mut out = String::from(
        "# The standard library\n\n\
         <!-- Generated from the doc comments of stdlib/*.polity; do not edit. Regenerate with\n\
         `UPDATE_STDLIB_DOCS=1 cargo test -p polity --test stdlib`. -->\n\n\
         Import a module with `import std.NAME`; its public declarations join the\n\
         charter's namespace (its `private` helpers stay inside it). Every rule\n\
         below is tested by the module's `test` blocks (`polity test --stdlib`).\n",
    );
    for (name, text) in MODULES {
        let _ = write!(out, "\n## `{name}`\n\n");
        let intro: Vec<&str> = text
            .lines()
            .map_while(|l| l.strip_prefix("//!"))
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        if !intro.is_empty() {
            let _ = writeln!(out, "{}", intro.join("\n"));
        }
        match crate::compile(name, text, &crate::NoFiles).program {
            Some(p) => module_items(&mut out, &p),
            None => out.push_str("\n(this module does not compile)\n"),
        }
    }
    out
}

/// One entry per declaration of the root file, in source order.
fn module_items(out: &mut String, p: &Program) {
    let ty = |t: &Type| t.display(p).to_string();
    let mut items: Vec<(u32, String, Option<&String>)> = Vec::new();
    let root = |s: crate::span::Span| s.file == FileId(0);
    for r in p.records.iter().filter(|r| root(r.span)) {
        let fields: Vec<String> = r
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.name, ty(&f.ty)))
            .collect();
        let head = format!("record {} {{ {} }}", r.name, fields.join(", "));
        items.push((r.span.start, head, r.doc.as_ref()));
    }
    for e in p.enums.iter().filter(|e| root(e.span)) {
        let head = format!("enum {} {{ {} }}", e.name, e.cases.join(", "));
        items.push((e.span.start, head, e.doc.as_ref()));
    }
    // The private helpers are not part of a module's surface.
    for c in p.consts.iter().filter(|c| root(c.span) && !c.private) {
        let head = format!("const {}: {}", c.name, ty(&c.ty));
        items.push((c.span.start, head, c.doc.as_ref()));
    }
    for f in p.fns.iter().filter(|f| root(f.span) && !f.private) {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {}", ty(t)))
            .collect();
        let head = format!("fn {}({}) -> {}", f.name, params.join(", "), ty(&f.ret));
        items.push((f.span.start, head, f.doc.as_ref()));
    }
    items.sort_by_key(|(start, _, _)| *start);
    for (_, head, doc) in items {
        let _ = write!(out, "\n### `{head}`\n\n");
        if let Some(doc) = doc {
            let _ = writeln!(out, "{}", doc.trim_end());
        }
    }
}
