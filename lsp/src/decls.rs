//! The declarations of a file as a tool shows them: name, kind, signature,
//! documentation and children (a record's fields, an enum's cases, the
//! `state` names, a law's requirements).
//!
//! [`of_item`] is the one place that knows each kind of item: document
//! symbols, hover and go to definition all read what it returns.

use polity_compiler::span::{SourceMap, Span};
use polity_compiler::syntax::ast::{self, Item, LawStmt};
use polity_compiler::typeck::index::Index;

/// What a declaration is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `charter "Name" { ... }`
    Charter,
    /// `import ...`
    Import,
    /// `enum E { ... }`
    Enum,
    /// A case of an enum.
    Case,
    /// `record R { ... }`
    Record,
    /// A field of a record.
    Field,
    /// `state { ... }`
    State,
    /// A name in `state`.
    StateName,
    /// `const`
    Const,
    /// `fn`
    Fn,
    /// `law`
    Law,
    /// `require` / `should` in a law.
    Requirement,
    /// `test`
    Test,
}

/// One declaration.
#[derive(Clone, Debug)]
pub struct Decl {
    /// Its name as shown (a test's and a requirement's is their label).
    pub name: String,
    /// What it is.
    pub kind: Kind,
    /// Where its name is written.
    pub name_span: Span,
    /// The whole declaration.
    pub span: Span,
    /// How it reads in a hover (`fn tenure(m: Member) -> Duration`).
    pub signature: String,
    /// Its `///` documentation.
    pub doc: Option<String>,
    /// Its parts.
    pub children: Vec<Decl>,
}

impl Decl {
    fn new(name: &str, kind: Kind, name_span: Span, span: Span, signature: String) -> Decl {
        Decl {
            name: name.to_string(),
            kind,
            name_span,
            span,
            signature,
            doc: None,
            children: Vec::new(),
        }
    }

    fn doc(mut self, doc: &Option<String>) -> Decl {
        self.doc.clone_from(doc);
        self
    }

    fn parts(mut self, children: Vec<Decl>) -> Decl {
        self.children = children;
        self
    }

    /// This declaration and its parts, depth first.
    pub fn flatten(&self) -> Vec<&Decl> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.flatten());
        }
        out
    }
}

/// The declarations of `item` (one, except for `state`'s names, which are
/// its children).
pub fn of_item(item: &Item, sources: &SourceMap, index: &Index) -> Option<Decl> {
    let text = |span: Span| sources.snippet(span).to_string();
    let private = |p: bool| if p { "private " } else { "" };
    Some(match item {
        Item::Charter(c) => Decl::new(
            &c.name.value,
            Kind::Charter,
            c.name.span,
            c.span,
            format!("charter {}", text(c.name.span)),
        )
        .doc(&c.doc),
        Item::Import(i) => {
            let name = match &i.target {
                ast::ImportTarget::Module(path) => path
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join("."),
                ast::ImportTarget::File(f) => f.value.clone(),
            };
            Decl::new(&name, Kind::Import, i.span, i.span, text(i.span))
        }
        Item::Enum(e) => {
            let cases: Vec<&str> = e.cases.iter().map(|c| c.name.as_str()).collect();
            let sig = format!("enum {} {{ {} }}", e.name.name, cases.join(", "));
            let parts = e
                .cases
                .iter()
                .map(|c| {
                    let sig = format!("{}.{}", e.name.name, c.name);
                    Decl::new(&c.name, Kind::Case, c.span, c.span, sig)
                })
                .collect();
            Decl::new(&e.name.name, Kind::Enum, e.name.span, e.span, sig)
                .doc(&e.doc)
                .parts(parts)
        }
        Item::Record(r) => {
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|f| format!("  {}: {}", f.name.name, text(f.ty.span)))
                .collect();
            let sig = format!("record {} {{\n{}\n}}", r.name.name, fields.join("\n"));
            let prefix = format!("{}.", r.name.name);
            Decl::new(&r.name.name, Kind::Record, r.name.span, r.span, sig)
                .doc(&r.doc)
                .parts(fields_of(&r.fields, &prefix, Kind::Field, sources))
        }
        Item::State(s) => {
            let keyword = Span {
                end: s.span.start.saturating_add(5),
                ..s.span
            };
            Decl::new("state", Kind::State, keyword, s.span, "state".into())
                .doc(&s.doc)
                .parts(fields_of(&s.fields, "state ", Kind::StateName, sources))
        }
        Item::Const(c) => {
            let ty = match &c.ty {
                Some(t) => text(t.span),
                None => index
                    .const_type(c.name.span)
                    .map_or_else(|| "{unknown}".to_string(), |t| index.show(t)),
            };
            let keyword = if c.figure { "figure" } else { "const" };
            let sig = format!("{}{keyword} {}: {ty}", private(c.private), c.name.name);
            Decl::new(&c.name.name, Kind::Const, c.name.span, c.span, sig).doc(&c.doc)
        }
        Item::Fn(f) => {
            let params: Vec<String> = f
                .params
                .iter()
                .map(|p| format!("{}: {}", p.name.name, text(p.ty.span)))
                .collect();
            let sig = format!(
                "{}fn {}({}) -> {}",
                private(f.private),
                f.name.name,
                params.join(", "),
                text(f.ret.span)
            );
            Decl::new(&f.name.name, Kind::Fn, f.name.span, f.span, sig).doc(&f.doc)
        }
        Item::Law(l) => {
            let sig = match &l.param {
                Some(p) => format!(
                    "law {}({} in {})",
                    l.name.name,
                    p.name.name,
                    text(p.collection.span)
                ),
                None => format!("law {}", l.name.name),
            };
            let mut parts = Vec::new();
            requirements(&l.body, &mut parts);
            Decl::new(&l.name.name, Kind::Law, l.name.span, l.span, sig)
                .doc(&l.doc)
                .parts(parts)
        }
        Item::Test(t) => Decl::new(
            &t.name.value,
            Kind::Test,
            t.name.span,
            t.span,
            format!("test {}", text(t.name.span)),
        ),
        Item::Error(_) => return None,
    })
}

/// The fields of a record or the names of `state`, each shown as
/// `{prefix}{name}: {type}`.
fn fields_of(
    fields: &[ast::FieldDecl],
    prefix: &str,
    kind: Kind,
    sources: &SourceMap,
) -> Vec<Decl> {
    fields
        .iter()
        .map(|f| {
            let sig = format!("{prefix}{}: {}", f.name.name, sources.snippet(f.ty.span));
            let span = f.name.span.to(f.ty.span);
            Decl::new(&f.name.name, kind, f.name.span, span, sig).doc(&f.doc)
        })
        .collect()
}

fn requirements(body: &[LawStmt], out: &mut Vec<Decl>) {
    for s in body {
        match s {
            LawStmt::Require(r) => {
                let word = if r.advisory { "should" } else { "require" };
                let sig = format!("{word} \"{}\"", r.label.value);
                out.push(Decl::new(
                    &r.label.value,
                    Kind::Requirement,
                    r.label.span,
                    r.span,
                    sig,
                ));
            }
            LawStmt::When(w) => requirements(&w.body, out),
            LawStmt::Let(_) | LawStmt::Error(_) => {}
        }
    }
}
