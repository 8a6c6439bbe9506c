//! The declaration table: every top-level declaration, indexed by name.

use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use crate::syntax::ast;
use crate::typeck::error::CheckError;
use std::collections::BTreeMap;

/// What a value-namespace name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueDecl {
    /// A `state` name (index into [`Decls::state`]).
    State(usize),
    /// A const.
    Const(usize),
    /// A fn.
    Fn(usize),
    /// A law.
    Law(usize),
}

/// What a type-namespace name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeDecl {
    /// A record (index into [`Decls::records`]).
    Record(usize),
    /// An enum.
    Enum(usize),
}

/// Every declaration of the charter and its imports.
#[derive(Default)]
pub struct Decls<'a> {
    /// The `charter` block, if any.
    pub charter: Option<&'a ast::CharterDecl>,
    /// Records in declaration order.
    pub records: Vec<&'a ast::RecordDecl>,
    /// Enums in declaration order.
    pub enums: Vec<&'a ast::EnumDecl>,
    /// `state` names in declaration order.
    pub state: Vec<&'a ast::FieldDecl>,
    /// Consts.
    pub consts: Vec<&'a ast::ConstDecl>,
    /// Fns.
    pub fns: Vec<&'a ast::FnDecl>,
    /// Laws.
    pub laws: Vec<&'a ast::LawDecl>,
    /// Tests.
    pub tests: Vec<&'a ast::TestDecl>,
    /// The value namespace: every public name of every file.
    pub values: BTreeMap<&'a str, (ValueDecl, Span)>,
    /// `private` fns and consts, visible only in the file that declares them
    /// (where they shadow a public name of another file).
    pub private: BTreeMap<(FileId, &'a str), (ValueDecl, Span)>,
    /// Files that see another file's private names as their own (a REPL
    /// line sees the root charter's).
    pub inside: BTreeMap<FileId, FileId>,
    /// The type namespace.
    pub types: BTreeMap<&'a str, (TypeDecl, Span)>,
}

/// Names of the built-in functions (reserved in the value namespace).
pub const BUILTINS: &[&str] = &[
    "count",
    "sum",
    "min",
    "max",
    "all",
    "any",
    "len",
    "first",
    "sorted",
    "range",
    "floor",
    "ceil",
    "round",
    "abs",
    "isqrt",
    "sqrt",
    "pow",
    "mul_div",
    "text",
    "contains",
    "starts_with",
    "ends_with",
    "lower",
    "upper",
];

/// Built-in functions added after charters were written with these names
/// (`union`, `year`, `date`...): a declaration may take one of them (E0115
/// does not apply), and then the declaration is what a call of that name
/// means, so charters written before these existed keep working.
pub const SHADOWABLE_BUILTINS: &[&str] = &[
    "union",
    "intersection",
    "difference",
    "distinct",
    "last",
    "take",
    "drop",
    "at",
    "flatten",
    "group_by",
    "year",
    "month",
    "day",
    "weekday",
    "hour",
    "minute",
    "second",
    "month_start",
    "quarter_start",
    "year_start",
    "instant",
    "date",
];

/// Whether `name` is a built-in function (reserved or shadowable).
pub fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name) || SHADOWABLE_BUILTINS.contains(&name)
}

/// Names of the built-in types.
pub const BUILTIN_TYPES: &[&str] = &[
    "Bool", "Int", "Decimal", "Date", "Duration", "Period", "Instant", "Text", "List", "Set",
];

impl<'a> Decls<'a> {
    /// What `name` means when written in `file`: the file's own private
    /// declaration, else a public one.
    pub fn value(&self, name: &str, file: FileId) -> Option<(ValueDecl, Span)> {
        let file = self.inside.get(&file).copied().unwrap_or(file);
        self.private
            .get(&(file, name))
            .or_else(|| self.values.get(name))
            .copied()
    }

    /// Every value name visible in `file` (for "did you mean").
    pub fn value_names(&self, file: FileId) -> impl Iterator<Item = &'a str> + '_ {
        let file = self.inside.get(&file).copied().unwrap_or(file);
        let own = self
            .private
            .range((file, "")..)
            .take_while(move |((f, _), _)| *f == file)
            .map(|((_, n), _)| *n);
        self.values.keys().copied().chain(own)
    }

    /// A private declaration named `name` in a file other than `file`.
    pub fn private_elsewhere(&self, name: &str, file: FileId) -> Option<(ValueDecl, Span)> {
        let file = self.inside.get(&file).copied().unwrap_or(file);
        self.private
            .iter()
            .find(|((f, n), _)| *f != file && *n == name)
            .map(|(_, d)| *d)
    }

    /// Collects the declarations of every module, reporting duplicates.
    pub fn collect(modules: &'a [ast::Module], diags: &mut Vec<Diagnostic>) -> Decls<'a> {
        let mut d = Decls::default();
        for module in modules {
            for item in &module.items {
                d.add(item, diags);
            }
        }
        d
    }

    fn add(&mut self, item: &'a ast::Item, diags: &mut Vec<Diagnostic>) {
        match item {
            ast::Item::Charter(c) => match self.charter {
                Some(first) => diags.push(
                    CheckError::DuplicateCharter {
                        span: c.span,
                        first: first.span,
                    }
                    .into(),
                ),
                None => self.charter = Some(c),
            },
            ast::Item::Import(_) | ast::Item::Error(_) => {}
            ast::Item::Enum(e) => {
                if self.add_type(&e.name, TypeDecl::Enum(self.enums.len()), "type", diags) {
                    self.enums.push(e);
                }
            }
            ast::Item::Record(r) => {
                if self.add_type(&r.name, TypeDecl::Record(self.records.len()), "type", diags) {
                    self.records.push(r);
                }
            }
            ast::Item::State(s) => {
                for f in &s.fields {
                    if self.add_value(
                        &f.name,
                        ValueDecl::State(self.state.len()),
                        "state name",
                        diags,
                    ) {
                        self.state.push(f);
                    }
                }
            }
            ast::Item::Const(c) => {
                let decl = ValueDecl::Const(self.consts.len());
                let what = if c.figure { "figure" } else { "const" };
                if self.add_scoped(&c.name, decl, c.private, what, diags) {
                    self.consts.push(c);
                }
            }
            ast::Item::Fn(f) => {
                let decl = ValueDecl::Fn(self.fns.len());
                if self.add_scoped(&f.name, decl, f.private, "fn", diags) {
                    self.fns.push(f);
                }
            }
            ast::Item::Law(l) => {
                if self.add_value(&l.name, ValueDecl::Law(self.laws.len()), "law", diags) {
                    self.laws.push(l);
                }
            }
            ast::Item::Test(t) => {
                if let Some(first) = self.tests.iter().find(|x| x.name.value == t.name.value) {
                    diags.push(
                        CheckError::Duplicate {
                            span: t.name.span,
                            what: "test",
                            name: t.name.value.clone(),
                            first: first.name.span,
                        }
                        .into(),
                    );
                } else {
                    self.tests.push(t);
                }
            }
        }
    }

    /// A fn or const: private ones go to their file's own namespace, where
    /// they may not repeat a name the file declares publicly, nor the file's
    /// public names one of its private ones.
    fn add_scoped(
        &mut self,
        name: &'a ast::Ident,
        decl: ValueDecl,
        private: bool,
        what: &'static str,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        let file = name.span.file;
        let clash = if private {
            self.values
                .get(name.name.as_str())
                .filter(|(_, at)| at.file == file)
                .or_else(|| self.private.get(&(file, name.name.as_str())))
        } else {
            self.private.get(&(file, name.name.as_str()))
        };
        if let Some((_, first)) = clash {
            diags.push(
                CheckError::Duplicate {
                    span: name.span,
                    what,
                    name: name.name.clone(),
                    first: *first,
                }
                .into(),
            );
            return false;
        }
        if !private {
            return self.add_value(name, decl, what, diags);
        }
        if BUILTINS.contains(&name.name.as_str()) {
            return self.add_value(name, decl, what, diags);
        }
        self.private
            .insert((file, name.name.as_str()), (decl, name.span));
        true
    }

    fn add_value(
        &mut self,
        name: &'a ast::Ident,
        decl: ValueDecl,
        what: &'static str,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        if BUILTINS.contains(&name.name.as_str()) {
            diags.push(
                CheckError::ShadowsBuiltin {
                    span: name.span,
                    name: name.name.clone(),
                }
                .into(),
            );
            return false;
        }
        insert_unique(&mut self.values, name, decl, what, diags)
    }

    fn add_type(
        &mut self,
        name: &'a ast::Ident,
        decl: TypeDecl,
        what: &'static str,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        if BUILTIN_TYPES.contains(&name.name.as_str()) {
            diags.push(
                Diagnostic::error(
                    "E0102",
                    name.span,
                    format!(
                        "`{}` is a built-in type and cannot be redeclared",
                        name.name
                    ),
                )
                .with_label("reserved name")
                .with_help("choose another name"),
            );
            return false;
        }
        insert_unique(&mut self.types, name, decl, what, diags)
    }
}

/// Adds `name` to a namespace unless it is already there (then reports E0102).
fn insert_unique<'a, D>(
    map: &mut BTreeMap<&'a str, (D, Span)>,
    name: &'a ast::Ident,
    decl: D,
    what: &'static str,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if let Some((_, first)) = map.get(name.name.as_str()) {
        let first = *first;
        diags.push(
            CheckError::Duplicate {
                span: name.span,
                what,
                name: name.name.clone(),
                first,
            }
            .into(),
        );
        return false;
    }
    map.insert(&name.name, (decl, name.span));
    true
}
