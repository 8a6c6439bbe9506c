//! One open document, compiled, and the questions an editor asks about it:
//! what is at a position, where it is declared, what may be written there,
//! where a local name is used.
//!
//! Everything here reads the compiler's own results ([`polity_compiler::analyze`]):
//! the diagnostics are `polity check`'s, and what a name means is what the
//! checker resolved it to ([`Index`]), so the server never guesses at
//! scoping rules of its own.

use crate::decls::{self, Decl, Kind};
use crate::scopes::{self, Scoped};
use polity_compiler::resolve::decls::{BUILTINS, SHADOWABLE_BUILTINS};
use polity_compiler::span::{FileId, Span};
use polity_compiler::syntax::ast::Item;
use polity_compiler::syntax::lexer::{self, Tok};
use polity_compiler::typeck::index::{Index, LocalKind, Target};
use polity_compiler::types::Type;
use polity_compiler::{Analysis, Loader, Options};

/// The root file of every compilation.
pub const ROOT: FileId = FileId(0);

/// The language's keywords, offered by completion.
pub const KEYWORDS: &[&str] = &[
    "and", "charter", "const", "div", "else", "enum", "expect", "false", "fn", "fold", "for",
    "given", "if", "import", "in", "law", "let", "match", "mod", "none", "not", "or", "private",
    "record", "require", "should", "some", "state", "test", "then", "true", "unless", "when",
    "where", "with",
];

/// An identifier put where completion is asked after a `.`, so that the
/// text parses there and the checker says what the `.` is applied to.
const PLACEHOLDER: &str = "polity_completion_here";

/// An open document, compiled.
pub struct Doc {
    /// Its text.
    pub text: String,
    /// The compiler's view of it.
    pub analysis: Analysis,
    /// The declarations of each file, by file id.
    decls: Vec<Vec<Decl>>,
}

/// One completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// What is inserted.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// Its type or signature.
    pub detail: Option<String>,
    /// Its documentation.
    pub doc: Option<String>,
}

/// The kinds of completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A local name.
    Local,
    /// A record field.
    Field,
    /// An enum case.
    Case,
    /// A `state` name.
    State,
    /// A const.
    Const,
    /// A fn or a built-in function.
    Function,
    /// A law.
    Law,
    /// A record type.
    Record,
    /// An enum type.
    Enum,
    /// A keyword.
    Keyword,
}

impl Doc {
    /// Compiles `text`, named `name`, loading its imports through `loader`.
    pub fn new(name: &str, text: String, loader: &dyn Loader) -> Doc {
        let analysis = polity_compiler::analyze(name, &text, loader, &Options::default());
        let decls = analysis
            .modules
            .iter()
            .map(|m| {
                m.items
                    .iter()
                    .filter_map(|i| {
                        decls::of_item(i, &analysis.compilation.sources, &analysis.index)
                    })
                    .collect()
            })
            .collect();
        Doc {
            text,
            analysis,
            decls,
        }
    }

    fn index(&self) -> &Index {
        &self.analysis.index
    }

    /// The declarations of the root file, in order.
    pub fn symbols(&self) -> &[Decl] {
        self.decls.first().map_or(&[], Vec::as_slice)
    }

    /// The declaration whose name is written at `span`, in any file.
    fn decl(&self, span: Span) -> Option<&Decl> {
        let file = self.decls.get(span.file.0 as usize)?;
        file.iter()
            .flat_map(Decl::flatten)
            .find(|d| d.name_span == span)
    }

    /// The name at byte `offset` of the root file and what it refers to:
    /// a use the checker resolved, or a name where it is declared.
    pub fn target_at(&self, offset: usize) -> Option<(Span, Target)> {
        let within =
            |s: &Span| s.file == ROOT && (s.start as usize) <= offset && offset <= s.end as usize;
        let width = |s: &Span| s.end.saturating_sub(s.start);
        let narrowest = |a: &Span, b: &Span| width(a).cmp(&width(b));
        let used = self
            .index()
            .refs
            .iter()
            .filter(|r| within(&r.span))
            .min_by(|a, b| narrowest(&a.span, &b.span))
            .map(|r| (r.span, r.target.clone()));
        if used.is_some() {
            return used;
        }
        if let Some(l) = self.index().locals.iter().find(|l| within(&l.span)) {
            return Some((l.span, Target::Local(l.span)));
        }
        self.symbols()
            .iter()
            .flat_map(Decl::flatten)
            .filter(|d| !matches!(d.kind, Kind::Requirement | Kind::Import | Kind::State))
            .find(|d| within(&d.name_span))
            .map(|d| (d.name_span, Target::Decl(d.name_span)))
    }

    /// Where the part `name` (a field, a case) of the declaration whose
    /// name is at `parent` is declared.
    fn part(&self, parent: Span, name: &str) -> Option<Span> {
        let decl = self.decl(parent)?;
        decl.children
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.name_span)
    }

    /// Where `target` is declared.
    pub fn definition_of(&self, target: &Target) -> Option<Span> {
        match target {
            Target::Local(def) | Target::Decl(def) => Some(*def),
            Target::Field(r, i) => {
                let record = self.index().records.get(r.0 as usize)?;
                let field = record.fields.get(*i as usize)?;
                self.part(record.span, &field.name)
            }
            Target::Case(e, i) => {
                let def = self.index().enums.get(e.0 as usize)?;
                self.part(def.span, def.cases.get(*i as usize)?)
            }
            Target::Builtin(_) | Target::Element(_) => None,
        }
    }

    /// The `import` at `offset` and the file it loaded (a `std.*` module
    /// or a charter file), if it did.
    pub fn import_at(&self, offset: usize) -> Option<(Span, FileId)> {
        let decl = self.symbols().iter().find(|d| {
            d.kind == Kind::Import
                && (d.span.start as usize) <= offset
                && offset <= d.span.end as usize
        })?;
        let sources = &self.analysis.compilation.sources;
        let (file, _) = sources.iter().skip(1).find(|(_, f)| {
            f.name == decl.name || std::path::Path::new(&f.name).ends_with(&decl.name)
        })?;
        Some((decl.span, file))
    }

    /// What an import brings: the `//!` introduction of the file loaded.
    fn import_hover(&self, offset: usize) -> Option<(Span, String)> {
        let (span, file) = self.import_at(offset)?;
        let source = self.analysis.compilation.sources.get(file)?;
        let intro: Vec<&str> = source
            .text
            .lines()
            .map_while(|l| l.strip_prefix("//!"))
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        let mut out = format!(
            "```polity\n{}\n```",
            self.analysis.compilation.sources.snippet(span)
        );
        if !intro.is_empty() {
            out.push_str("\n\n---\n\n");
            out.push_str(intro.join("\n").trim_end());
        }
        Some((span, out))
    }

    /// The hover text (Markdown) of what is at `offset`, and its span.
    pub fn hover(&self, offset: usize) -> Option<(Span, String)> {
        let Some((span, target)) = self.target_at(offset) else {
            return self.import_hover(offset);
        };
        let text = match &target {
            Target::Local(def) => {
                let local = self.index().local(*def)?;
                let what = match local.kind {
                    LocalKind::Param => "parameter",
                    LocalKind::Let => "let",
                    LocalKind::Subject => "law subject",
                    LocalKind::Bound => "variable",
                };
                format!(
                    "```polity\n{}: {}\n```\n\n{what}",
                    local.name,
                    self.index().show(&local.ty)
                )
            }
            Target::Builtin(name) => format!("```polity\n{name}(...)\n```\n\nbuilt-in function"),
            Target::Element(ty) => format!(
                "```polity\nit: {}\n```\n\nthe element being tested",
                self.index().show(ty)
            ),
            _ => {
                let def = self.definition_of(&target)?;
                let decl = self.decl(def)?;
                let mut out = format!("```polity\n{}\n```", decl.signature);
                if def.file != ROOT {
                    let file = self.analysis.compilation.sources.get(def.file)?;
                    out.push_str(&format!("\n\nin `{}`", file.name));
                }
                if let Some(doc) = &decl.doc {
                    out.push_str("\n\n---\n\n");
                    out.push_str(doc.trim_end());
                }
                out
            }
        };
        Some((span, text))
    }

    /// Every place the local name at `offset` is written (its binding first),
    /// or why it cannot be renamed.
    pub fn local_uses(&self, offset: usize) -> Result<Vec<Span>, String> {
        let Some((_, target)) = self.target_at(offset) else {
            return Err("there is no name here".into());
        };
        let Target::Local(def) = target else {
            return Err("only local names (let bindings, parameters, law subjects, loop and pattern variables) can be renamed".into());
        };
        if def.file != ROOT {
            return Err("this name is not declared in this file".into());
        }
        let mut spans = vec![def];
        spans.extend(
            self.index()
                .refs
                .iter()
                .filter(|r| r.target == Target::Local(def))
                .map(|r| r.span),
        );
        Ok(spans)
    }

    /// What may be written at `offset`: the fields or cases after a `.`,
    /// else the names in scope and the keywords. `loader` compiles the text
    /// again with a placeholder name when the `.` is not followed by one.
    pub fn completions(&self, offset: usize, loader: &dyn Loader) -> Vec<Completion> {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let word = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .last()
            .map_or(offset, |(i, _)| i);
        if before.get(..word).is_some_and(|b| b.ends_with('.')) {
            return self.members(word, offset, loader);
        }
        self.in_scope(offset, loader)
    }

    /// The fields (or cases) of what precedes the `.` before `word`.
    fn members(&self, word: usize, offset: usize, loader: &dyn Loader) -> Vec<Completion> {
        let find = |index: &Index| {
            index
                .accesses
                .iter()
                .find(|(s, _)| s.file == ROOT && s.start as usize == word)
                .map(|(_, t)| t.clone())
        };
        let base = find(self.index()).map(|t| (t, None));
        let base = base.or_else(|| {
            self.patched(offset, loader)
                .find_map(|doc| find(doc.index()).map(|t| (t, Some(doc))))
        });
        let Some((ty, other)) = base else {
            return Vec::new();
        };
        let doc = other.as_ref().unwrap_or(self);
        let index = doc.index();
        match ty.strip_optional() {
            Type::Record(r) => {
                let Some(record) = index.records.get(r.0 as usize) else {
                    return Vec::new();
                };
                let decl = doc.decl(record.span);
                record
                    .fields
                    .iter()
                    .map(|f| {
                        let child = decl.and_then(|d| d.children.iter().find(|c| c.name == f.name));
                        Completion {
                            label: f.name.clone(),
                            kind: CompletionKind::Field,
                            detail: Some(
                                child.map_or_else(|| index.show(&f.ty), |c| c.signature.clone()),
                            ),
                            doc: f.doc.clone(),
                        }
                    })
                    .collect()
            }
            Type::Enum(e) => index
                .enums
                .get(e.0 as usize)
                .map(|def| {
                    def.cases
                        .iter()
                        .map(|c| Completion {
                            label: c.clone(),
                            kind: CompletionKind::Case,
                            detail: Some(format!("{}.{c}", def.name)),
                            doc: None,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Versions of the text with a name written at `offset`, least changed
    /// first, compiled one at a time as they are asked for: with the name
    /// only; then with the brackets open there closed after it, the rest of
    /// the text kept; then with the rest left out. They are for asking what
    /// a position means where the text does not parse (`m.` at the end of a
    /// law still being written).
    fn patched<'a>(
        &'a self,
        offset: usize,
        loader: &'a dyn Loader,
    ) -> impl Iterator<Item = Doc> + 'a {
        let before = self.text.get(..offset).unwrap_or("");
        let after = self.text.get(offset..).unwrap_or("");
        let closers = closers(before);
        let texts = [
            format!("{before}{PLACEHOLDER}{after}"),
            format!("{before}{PLACEHOLDER}\n{closers}\n{after}"),
            format!("{before}{PLACEHOLDER}\n{closers}\n"),
        ];
        let name = self
            .analysis
            .compilation
            .sources
            .get(ROOT)
            .map_or("<document>", |f| f.name.as_str());
        texts
            .into_iter()
            .map(move |text| Doc::new(name, text, loader))
    }

    /// The root item whose text holds `offset`.
    fn item_at(&self, offset: usize) -> Option<&Item> {
        self.analysis.modules.first().and_then(|m| {
            m.items.iter().find(|i| {
                let s = i.span();
                (s.start as usize) <= offset && offset <= s.end as usize
            })
        })
    }

    /// The names visible at `offset`, then the keywords; where the
    /// declaration around `offset` does not parse, read from a version of
    /// the text that does ([`Doc::patched`]).
    fn in_scope(&self, offset: usize, loader: &dyn Loader) -> Vec<Completion> {
        let parsed = |doc: &Doc| {
            doc.item_at(offset)
                .is_some_and(|i| !matches!(i, Item::Error(_)))
        };
        if !matches!(self.item_at(offset), Some(Item::Error(_))) {
            return self.names_at(offset);
        }
        match self.patched(offset, loader).find(parsed) {
            Some(doc) => doc.names_at(offset),
            None => self.names_at(offset),
        }
    }

    /// The names visible at `offset` in this text, then the keywords.
    fn names_at(&self, offset: usize) -> Vec<Completion> {
        let mut out = Vec::new();
        let index = self.index();
        if let Some(item) = self.item_at(offset) {
            let span = item.span();
            let scoped = scopes::of_item(item);
            // Where a variable's scope is narrower than its declaration.
            let scope_of = |def: Span| {
                scoped.iter().find_map(|s| match s {
                    Scoped::Var(d, scope) if *d == def => Some(*scope),
                    _ => None,
                })
            };
            let inside = |s: Span| s.start as usize <= offset && offset <= s.end as usize;
            let visible = |def: Span, kind: LocalKind| match (kind, scope_of(def)) {
                (LocalKind::Bound, scope) => scope.is_some_and(inside),
                (_, scope) => {
                    (def.start as usize) < offset
                        && def.start >= span.start
                        && def.end <= span.end
                        && scope.is_none_or(inside)
                }
            };
            let mut seen: Vec<&str> = Vec::new();
            // Innermost (latest bound) first, so a shadowed name shows its
            // innermost type.
            for l in index.locals.iter().rev() {
                if l.span.file == ROOT
                    && visible(l.span, l.kind)
                    && !seen.contains(&l.name.as_str())
                {
                    seen.push(&l.name);
                    out.push(Completion {
                        label: l.name.clone(),
                        kind: CompletionKind::Local,
                        detail: Some(index.show(&l.ty)),
                        doc: None,
                    });
                }
            }
            let in_it = scoped.iter().any(|s| match s {
                Scoped::It(scope) => scope.start as usize <= offset && offset <= scope.end as usize,
                Scoped::Var(..) => false,
            });
            if in_it {
                out.push(Completion {
                    label: "it".into(),
                    kind: CompletionKind::Keyword,
                    detail: Some("the element being tested".into()),
                    doc: None,
                });
            }
        }
        for (file, decls) in self.decls.iter().enumerate() {
            for d in decls.iter().flat_map(Decl::flatten) {
                let private = d.signature.starts_with("private ");
                if private && file != 0 {
                    continue;
                }
                let kind = match d.kind {
                    Kind::StateName => CompletionKind::State,
                    Kind::Const => CompletionKind::Const,
                    Kind::Fn => CompletionKind::Function,
                    Kind::Law => CompletionKind::Law,
                    Kind::Record => CompletionKind::Record,
                    Kind::Enum => CompletionKind::Enum,
                    Kind::Case => CompletionKind::Case,
                    _ => continue,
                };
                out.push(Completion {
                    label: d.name.clone(),
                    kind,
                    detail: Some(d.signature.clone()),
                    doc: d.doc.clone(),
                });
            }
        }
        for name in BUILTINS.iter().chain(SHADOWABLE_BUILTINS) {
            out.push(Completion {
                label: (*name).to_string(),
                kind: CompletionKind::Function,
                detail: Some("built-in function".into()),
                doc: None,
            });
        }
        for k in KEYWORDS {
            out.push(Completion {
                label: (*k).to_string(),
                kind: CompletionKind::Keyword,
                detail: None,
                doc: None,
            });
        }
        // One entry per label: the first (innermost, or declared) wins.
        let mut labels: Vec<String> = vec![PLACEHOLDER.to_string()];
        out.retain(|c| {
            let new = !labels.contains(&c.label);
            if new {
                labels.push(c.label.clone());
            }
            new
        });
        out
    }
}

/// What closes the brackets still open at the end of `text`, innermost
/// first (`)}` after `law l(x in xs) { f(`).
fn closers(text: &str) -> String {
    let mut open = Vec::new();
    for (_, tok, _) in lexer::lex(ROOT, text).tokens {
        match tok {
            Tok::LParen => open.push(')'),
            Tok::LBracket | Tok::LineBracket => open.push(']'),
            Tok::LBrace => open.push('}'),
            Tok::RParen | Tok::RBracket | Tok::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    open.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polity_compiler::NoFiles;

    /// Every question at many offsets of real and broken charters: answers
    /// or nothing, never a panic.
    #[test]
    fn any_offset_of_any_charter_is_answered() {
        let praxis = include_str!("../../examples/praxis-nova/charter.polity");
        let tidewater = include_str!("../../examples/tidewater/charter.polity");
        let mut texts = vec![praxis.to_string(), tidewater.to_string()];
        // Cut short at a few places: half-typed text.
        for quarter in 1..4 {
            let mut at = praxis.len() * quarter / 4;
            while !praxis.is_char_boundary(at) {
                at -= 1;
            }
            texts.push(praxis[..at].to_string());
        }
        texts.push("law l(x in ) { require \"é🌍\": x. }\nrecord { a: }".to_string());
        for text in texts {
            let doc = Doc::new("t.polity", text.clone(), &NoFiles);
            let mut offset = 0;
            while offset <= text.len() + 2 {
                let _ = doc.hover(offset);
                let _ = doc.target_at(offset).map(|(_, t)| doc.definition_of(&t));
                let _ = doc.local_uses(offset);
                if offset % 5 == 0 {
                    let _ = doc.completions(offset, &NoFiles);
                }
                offset += 37;
            }
        }
    }
}
