//! The sections of the document, in order: the charter's name, metadata and
//! doc comment; a table of contents; one article per law; the definitions
//! (fns); the constants; the figures (the census the charter publishes); a
//! glossary of records, enums and the state; and
//! the rules of the standard library the charter uses.

use super::names::{std_anchor, Names};
use super::phrase::{and_list, Local, Phraser, Uses};
use super::text::{capitalised, code, escape, words};
use super::values::Shown;
use polity_compiler::ir::{self, Program};
use polity_compiler::span::Span;
use polity_compiler::syntax::ast::{self, Item};
use polity_compiler::types::Type;
use std::fmt::Write as _;

/// The declarations of the charter's own files, by kind, in source order.
#[derive(Default)]
struct Items<'m> {
    charter: Option<&'m ast::CharterDecl>,
    imports: Vec<&'m ast::ImportDecl>,
    consts: Vec<&'m ast::ConstDecl>,
    /// `figure` declarations: consts the charter publishes with its verdicts.
    figures: Vec<&'m ast::ConstDecl>,
    fns: Vec<&'m ast::FnDecl>,
    laws: Vec<&'m ast::LawDecl>,
    /// The `state` declaration's doc comment (the IR keeps its fields' only).
    state_doc: Option<&'m String>,
}

impl<'m> Items<'m> {
    fn add(&mut self, item: &'m Item) {
        // Records, enums and the state's fields come from the IR (their
        // types resolved); tests and unparsed text are not part of the
        // constitution.
        match item {
            Item::Charter(d) => self.charter = self.charter.or(Some(d)),
            Item::Import(d) => self.imports.push(d),
            Item::Const(d) if d.figure => self.figures.push(d),
            Item::Const(d) => self.consts.push(d),
            Item::Fn(d) => self.fns.push(d),
            Item::Law(d) => self.laws.push(d),
            Item::State(d) => self.state_doc = self.state_doc.or(d.doc.as_ref()),
            Item::Enum(_) | Item::Record(_) | Item::Test(_) | Item::Error(_) => {}
        }
    }
}

/// The whole document as Markdown.
pub fn markdown(program: &Program) -> String {
    let names = Names::new(program);
    // The checked program parsed without errors, so each own file's AST is whole.
    let modules: Vec<ast::Module> = program
        .sources
        .iter()
        .filter(|(id, _)| names.is_own(*id))
        .map(|(id, f)| polity_compiler::syntax::parse_lossless(id, &f.text).module)
        .collect();
    let mut items = Items::default();
    for module in &modules {
        module.items.iter().for_each(|i| items.add(i));
    }
    let mut w = Writer {
        names: &names,
        out: String::new(),
        uses: Uses::default(),
    };
    w.header(&items);
    w.contents(&items);
    w.laws(&items.laws);
    w.fns(&items.fns);
    w.consts(&items.consts, &CONSTANTS);
    w.consts(&items.figures, &FIGURES);
    w.glossary(items.state_doc);
    let imports_std = items
        .imports
        .iter()
        .any(|i| matches!(i.target, ast::ImportTarget::Module(_)));
    w.stdlib(imports_std);
    w.out
}

/// A section of named values: the constants, or the figures.
struct Section {
    title: &'static str,
    anchor: &'static str,
    intro: &'static str,
}

const CONSTANTS: Section = Section {
    title: "Constants",
    anchor: "constants",
    intro: "The charter's fixed numbers. A value that needs no snapshot of the \
            state was computed by Polity's reference interpreter.\n",
};

const FIGURES: Section = Section {
    title: "Figures",
    anchor: "figures",
    intro: "The census the charter publishes: `polity eval` computes each of these \
            from the snapshot and prints it with the verdicts.\n",
};

struct Writer<'a, 'p> {
    names: &'a Names<'p>,
    out: String,
    /// What every phrase so far referred to (for the standard-library section).
    uses: Uses,
}

impl Writer<'_, '_> {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A doc comment as prose: its own Markdown, indented by `indent`.
    fn prose(&mut self, doc: Option<&String>, indent: usize) {
        let Some(doc) = doc.map(|d| d.trim()).filter(|d| !d.is_empty()) else {
            return;
        };
        let pad = " ".repeat(indent);
        for l in doc.lines() {
            let l = l.trim_end();
            if l.is_empty() {
                self.out.push('\n');
            } else {
                let _ = writeln!(self.out, "{pad}{l}");
            }
        }
        self.out.push('\n');
    }

    /// Adds what `p` referred to, to what the whole document refers to.
    fn keep(&mut self, p: &Phraser) {
        let u = p.uses();
        for (all, new) in [
            (&mut self.uses.consts, u.consts),
            (&mut self.uses.fns, u.fns),
            (&mut self.uses.laws, u.laws),
        ] {
            for n in new {
                if !all.contains(&n) {
                    all.push(n);
                }
            }
        }
    }

    fn header(&mut self, items: &Items) {
        let name = &self.names.program.charter.name;
        let _ = writeln!(self.out, "# {}\n", escape(name));
        if let Some(c) = items.charter {
            let p = Phraser::new(self.names);
            let meta: Vec<String> = c
                .entries
                .iter()
                .map(|(k, v)| match k.name.as_str() {
                    "version" => format!("version {}", p.words(v)),
                    "founded" => format!("founded {}", p.words(v)),
                    other => format!("{}: {}", escape(&words(other)), p.words(v)),
                })
                .collect();
            if !meta.is_empty() {
                let _ = writeln!(self.out, "*{}*\n", capitalised(&meta.join(" \u{b7} ")));
            }
            self.prose(c.doc.as_ref(), 0);
        }
        self.line(
            "This is the charter as its members read it, generated from its source by \
             `polity doc`. Each article is one of its laws: everything an article \
             requires must hold, unless one of the requirement's exceptions applies. \
             Words in links are explained further down the page.\n",
        );
        let std: Vec<String> = items
            .imports
            .iter()
            .filter_map(|i| match &i.target {
                ast::ImportTarget::Module(path) => Some(code(
                    &path
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join("."),
                )),
                ast::ImportTarget::File(_) => None,
            })
            .collect();
        if !std.is_empty() {
            let _ = writeln!(
                self.out,
                "It builds on Polity's standard library ({}); the rules it takes from \
                 it are explained in [the last section](#std).\n",
                and_list(&std)
            );
        }
    }

    fn contents(&mut self, items: &Items) {
        self.line("## Contents\n");
        for (i, law) in items.laws.iter().enumerate() {
            let _ = writeln!(
                self.out,
                "- [Article {}. {}](#law-{})",
                i + 1,
                escape(&capitalised(&words(&law.name.name))),
                law.name.name.to_ascii_lowercase()
            );
        }
        for (title, anchor, any) in [
            ("Definitions", "definitions", !items.fns.is_empty()),
            ("Constants", "constants", !items.consts.is_empty()),
            ("Figures", "figures", !items.figures.is_empty()),
            ("Glossary", "glossary", true),
        ] {
            if any {
                let _ = writeln!(self.out, "- [{title}](#{anchor})");
            }
        }
        self.out.push('\n');
    }

    fn laws(&mut self, laws: &[&ast::LawDecl]) {
        if laws.is_empty() {
            return;
        }
        self.line("## The laws\n");
        for (i, law) in laws.iter().enumerate() {
            self.law(i + 1, law);
        }
    }

    fn law(&mut self, number: usize, law: &ast::LawDecl) {
        let name = &law.name.name;
        let _ = writeln!(
            self.out,
            "### <a id=\"law-{}\"></a>Article {number}. {}\n",
            name.to_ascii_lowercase(),
            escape(&capitalised(&words(name)))
        );
        let p = Phraser::new(self.names);
        let ir_law = self.names.law(name).map(|(l, _)| l);
        match (&law.param, ir_law.and_then(|l| l.param.as_ref())) {
            (Some(param), Some(ir_param)) => {
                let collection = p.words(&param.collection);
                let local = subject(self.names, &param.name.name, &ir_param.ty);
                let called = match &local {
                    Local::Noun(noun) => noun.clone(),
                    Local::Named(n) => format!("*{}*", escape(n)),
                };
                let _ = writeln!(
                    self.out,
                    "*Applies to* each of {collection}, one at a time: {called} below \
                     (`{}` in `law {name}`).\n",
                    param.name.name
                );
                p.bind(&param.name.name, local);
            }
            _ => {
                let _ = writeln!(
                    self.out,
                    "*Applies to* the network state as a whole (`law {name}`).\n"
                );
            }
        }
        self.prose(law.doc.as_ref(), 0);
        let mut counter = 0;
        self.stmts(&p, &law.body, 0, &mut counter);
        self.out.push('\n');
        self.uses_line(&p);
        self.keep(&p);
    }

    fn stmts(&mut self, p: &Phraser, body: &[ast::LawStmt], indent: usize, counter: &mut usize) {
        let pad = " ".repeat(indent);
        let mut last_let = None;
        for stmt in body {
            // Requirements are a numbered list, `let`s and guards bulleted
            // ones: a blank line between the two keeps each list whole.
            let is_let = !matches!(stmt, ast::LawStmt::Require(_));
            if last_let.is_some_and(|l| l != is_let) {
                self.out.push('\n');
            }
            last_let = Some(is_let);
            match stmt {
                ast::LawStmt::Let(l) => self.let_(p, l, &pad),
                ast::LawStmt::Require(r) => {
                    *counter += 1;
                    let marker = format!("{counter}. ");
                    let mut head = String::new();
                    if r.advisory {
                        head.push_str("*Advice (it never decides the verdict):* ");
                    }
                    if let Some(g) = &r.guard {
                        let _ = write!(head, "*Only when* {}: ", p.condition(&g.cond));
                    }
                    let _ = writeln!(
                        self.out,
                        "{pad}{marker}{head}**{}**: {}",
                        escape(&r.label.value),
                        p.condition(&r.cond)
                    );
                    let inner = " ".repeat(indent + marker.len());
                    for x in &r.exceptions {
                        let _ = writeln!(
                            self.out,
                            "{inner}- *unless* **{}**: {}",
                            escape(&x.label.value),
                            p.condition(&x.cond)
                        );
                    }
                }
                ast::LawStmt::When(w) => {
                    // A blank line: a list numbered from past 1 cannot
                    // interrupt the line it follows.
                    let _ = writeln!(self.out, "{pad}- *When* {}:\n", p.condition(&w.guard.cond));
                    self.stmts(p, &w.body, indent + 2, counter);
                }
                ast::LawStmt::Error(span) => {
                    let text = self.names.program.sources.snippet(*span);
                    let _ = writeln!(self.out, "{pad}- {}", code(text));
                }
            }
        }
    }

    /// `let name = value` as "Let *name* be ...", then `name` bound.
    fn let_(&mut self, p: &Phraser, l: &ast::LetStmt, pad: &str) {
        let value = p.words(&l.value);
        let _ = writeln!(
            self.out,
            "{pad}- Let *{}* be {value}.",
            escape(&l.name.name)
        );
        p.bind(&l.name.name, Local::Named(l.name.name.clone()));
    }

    /// "Uses the constants ...; the definitions ...; the laws ..." under an entry.
    fn uses_line(&mut self, p: &Phraser) {
        let u = p.uses();
        let names = self.names;
        let mut parts = Vec::new();
        let consts: Vec<String> = u
            .consts
            .iter()
            .filter_map(|c| names.constant(c))
            .map(|(def, shown)| {
                let link = names.link("const", &def.name, def.span);
                match shown {
                    Shown::Value(v) => format!("{link} = {v}"),
                    _ => link,
                }
            })
            .collect();
        if !consts.is_empty() {
            parts.push(format!("the constants {}", and_list(&consts)));
        }
        let (std, own): (Vec<&String>, Vec<&String>) = u.fns.iter().partition(|f| {
            names
                .fn_def(f)
                .is_some_and(|d| names.std_module(d.span).is_some())
        });
        let link_fns = |fs: Vec<&String>| -> Vec<String> {
            fs.into_iter()
                .filter_map(|f| names.fn_def(f))
                .map(|d| names.link("fn", &d.name, d.span))
                .collect()
        };
        let own = link_fns(own);
        if !own.is_empty() {
            parts.push(format!("the definitions {}", and_list(&own)));
        }
        let std = link_fns(std);
        if !std.is_empty() {
            parts.push(format!("the standard rules {}", and_list(&std)));
        }
        let laws: Vec<String> = u
            .laws
            .iter()
            .filter_map(|l| names.law(l))
            .map(|(l, n)| format!("{} (Article {n})", names.link("law", &l.name, l.span)))
            .collect();
        if !laws.is_empty() {
            parts.push(format!("the laws {}", and_list(&laws)));
        }
        if !parts.is_empty() {
            let _ = writeln!(self.out, "*Uses* {}.\n", parts.join("; "));
        }
    }

    fn fns(&mut self, fns: &[&ast::FnDecl]) {
        if fns.is_empty() {
            return;
        }
        self.line("## <a id=\"definitions\"></a>Definitions\n");
        self.line("The terms the articles use, each defined once.\n");
        for f in fns {
            let Some(def) = self.names.fn_def(&f.name.name) else {
                continue;
            };
            let _ = writeln!(
                self.out,
                "### <a id=\"{}\"></a>{}\n",
                self.names.anchor("fn", &def.name, def.span),
                escape(&capitalised(&words(&def.name)))
            );
            let p = Phraser::new(self.names);
            let takes = self.params(&p, def);
            let _ = writeln!(
                self.out,
                "{} {} (`fn {}`).\n",
                capitalised(&takes),
                self.names.type_words(&def.ret),
                def.name
            );
            self.prose(f.doc.as_ref(), 0);
            for l in &f.lets {
                self.let_(&p, l, "");
            }
            if !f.lets.is_empty() {
                self.out.push('\n');
            }
            let is = if def.ret == Type::Bool {
                "It holds when"
            } else {
                "It is"
            };
            let body = if def.ret == Type::Bool {
                p.condition(&f.body)
            } else {
                p.words(&f.body)
            };
            let _ = writeln!(self.out, "**{is}** {body}.\n");
            self.uses_line(&p);
            self.keep(&p);
        }
    }

    /// Binds a fn's parameters and says what it takes: "Takes the member
    /// (`m`, a Member) and gives ...". A record parameter reads as its type
    /// ("the member") unless two parameters share that type.
    fn params(&self, p: &Phraser, def: &ir::FnDef) -> String {
        if def.params.is_empty() {
            return "gives".to_string();
        }
        let mut parts = Vec::new();
        for (name, ty) in &def.params {
            let shared = def.params.iter().filter(|(_, t)| t == ty).count() > 1;
            let local = if shared {
                Local::Named(name.clone())
            } else {
                subject(self.names, name, ty)
            };
            let shown = match &local {
                Local::Noun(noun) => format!("{noun} (`{name}`, "),
                Local::Named(n) => format!("*{}* (", escape(n)),
            };
            parts.push(format!("{shown}{})", self.names.type_words(ty)));
            p.bind(name, local);
        }
        format!("takes {} and gives", and_list(&parts))
    }

    fn consts(&mut self, consts: &[&ast::ConstDecl], section: &Section) {
        if consts.is_empty() {
            return;
        }
        self.line(&format!(
            "## <a id=\"{}\"></a>{}\n",
            section.anchor, section.title
        ));
        self.line(section.intro);
        for c in consts {
            let Some((def, shown)) = self.names.constant(&c.name.name) else {
                continue;
            };
            let anchor = self.names.anchor("const", &def.name, def.span);
            let written = self.names.program.sources.snippet(c.value.span);
            let p = Phraser::new(self.names);
            let value = match shown {
                Shown::Value(v) if *v == escape(written) => v.clone(),
                Shown::Value(v) => format!("{v} (written {})", code(written)),
                Shown::FromState => format!("computed from the state: {}", p.words(&c.value)),
                Shown::Fault(m) => {
                    format!("{} (it cannot be computed: {})", code(written), escape(m))
                }
            };
            let _ = writeln!(
                self.out,
                "- <a id=\"{anchor}\"></a>**{}**, {}: {value}",
                escape(&words(&def.name)),
                self.names.type_words(&def.ty)
            );
            self.keep(&p);
            if c.doc.is_some() {
                self.out.push('\n');
                self.prose(c.doc.as_ref(), 2);
            }
        }
        self.out.push('\n');
    }

    fn glossary(&mut self, state_doc: Option<&String>) {
        let names = self.names;
        let program = names.program;
        self.line("## <a id=\"glossary\"></a>Glossary\n");
        for r in program.records.iter().filter(|r| names.is_own(r.span.file)) {
            self.type_heading("record", &r.name, r.doc.as_ref());
            let _ = writeln!(
                self.out,
                "{} {} has:\n",
                capitalised(super::text::article(&r.name)),
                escape(&r.name)
            );
            for f in &r.fields {
                self.field(f);
            }
            self.out.push('\n');
        }
        for e in program.enums.iter().filter(|e| names.is_own(e.span.file)) {
            self.type_heading("enum", &e.name, e.doc.as_ref());
            let cases: Vec<String> = e.cases.iter().map(|c| escape(c)).collect();
            let _ = writeln!(self.out, "One of: {}.\n", and_list(&cases));
        }
        self.line("### <a id=\"state\"></a>The state\n");
        self.prose(state_doc, 0);
        self.line("What every snapshot of the network state records:\n");
        for s in &program.state {
            let _ = writeln!(
                self.out,
                "- <a id=\"state-{}\"></a>**{}**: {}",
                s.name.to_ascii_lowercase(),
                escape(&words(&s.name)),
                names.type_words(&s.ty)
            );
            if s.doc.is_some() {
                self.out.push('\n');
                self.prose(s.doc.as_ref(), 2);
            }
        }
        self.out.push('\n');
    }

    /// A glossary entry's heading (anchor `KIND-name`) and its doc comment.
    fn type_heading(&mut self, kind: &str, name: &str, doc: Option<&String>) {
        let _ = writeln!(
            self.out,
            "### <a id=\"{kind}-{}\"></a>{}\n",
            name.to_ascii_lowercase(),
            escape(name)
        );
        self.prose(doc, 0);
    }

    fn field(&mut self, f: &ir::FieldDef) {
        let names = self.names;
        let ty = match f.refers.and_then(|s| names.program.state.get(s.0 as usize)) {
            Some(state) => referred(names, &f.ty, state),
            None => names.type_words(&f.ty),
        };
        let _ = writeln!(self.out, "- **{}**: {ty}", escape(&words(&f.name)));
        if f.doc.is_some() {
            self.out.push('\n');
            self.prose(f.doc.as_ref(), 2);
        }
    }

    /// The section on the standard library's declarations the document
    /// linked to: each with its signature and its own documentation.
    fn stdlib(&mut self, imports_std: bool) {
        let names = self.names;
        let mut entries: Vec<(&str, Span, String)> = Vec::new();
        for f in self.uses.fns.iter().filter_map(|f| names.fn_def(f)) {
            if let Some(module) = names.std_module(f.span) {
                let takes = self.params(&Phraser::new(names), f);
                let head = format!(
                    "{} {} (`fn {}` in `{module}`).\n",
                    capitalised(&takes),
                    names.type_words(&f.ret),
                    f.name
                );
                let text = self.std_entry(module, &f.name, &head, f.doc.as_ref());
                entries.push((module, f.span, text));
            }
        }
        for (def, shown) in self.uses.consts.iter().filter_map(|c| names.constant(c)) {
            if let Some(module) = names.std_module(def.span) {
                let value = match shown {
                    Shown::Value(v) => format!(": {v}"),
                    _ => String::new(),
                };
                let head = format!(
                    "{}{value} (`const {}` in `{module}`).\n",
                    capitalised(&names.type_words(&def.ty)),
                    def.name
                );
                let text = self.std_entry(module, &def.name, &head, def.doc.as_ref());
                entries.push((module, def.span, text));
            }
        }
        // The header links here whenever the charter imports a module.
        if entries.is_empty() && !imports_std {
            return;
        }
        entries.sort_by_key(|(module, span, _)| (*module, span.start));
        self.line("## <a id=\"std\"></a>Rules from the standard library\n");
        if entries.is_empty() {
            self.line("The articles use none of the standard library's rules directly.\n");
            return;
        }
        self.line(
            "The rules this charter takes from Polity's standard library, with their \
             own documentation (the whole library is described in `docs/stdlib.md` \
             of Polity's repository).\n",
        );
        for (_, _, text) in entries {
            self.out.push_str(&text);
        }
    }

    fn std_entry(&self, module: &str, name: &str, head: &str, doc: Option<&String>) -> String {
        let mut w = Writer {
            names: self.names,
            out: String::new(),
            uses: Uses::default(),
        };
        let _ = writeln!(
            w.out,
            "### <a id=\"{}\"></a>{}\n",
            std_anchor(module, name),
            escape(&capitalised(&words(name)))
        );
        w.line(head);
        w.prose(doc, 0);
        w.out
    }
}

/// How a law's subject or a fn's parameter reads: a record by its type
/// ("the member"), anything else by its name.
fn subject(names: &Names, name: &str, ty: &Type) -> Local {
    match ty {
        Type::Record(id) => match names.program.record(*id) {
            Some(r) => Local::Noun(format!("the {}", words(&r.name))),
            None => Local::Named(name.to_string()),
        },
        _ => Local::Named(name.to_string()),
    }
}

/// A reference field's type in words: the ids it stores name elements of
/// `state` ("a Member of the members, by id").
fn referred(names: &Names, stored: &Type, state: &ir::StateDef) -> String {
    let element = state.ty.element().cloned().unwrap_or(Type::Text);
    let (one, many) = (
        names.type_noun(&element, false),
        names.type_noun(&element, true),
    );
    let shape = match stored {
        Type::List(_) => format!("a list of {many}"),
        Type::Set(_) => format!("a set of {many}"),
        Type::Optional(_) => format!("an optional {one}"),
        _ => format!("{} {one}", super::text::article(&one)),
    };
    format!(
        "{shape} of the [{}](#state-{}), by id",
        escape(&words(&state.name)),
        state.name.to_ascii_lowercase()
    )
}
