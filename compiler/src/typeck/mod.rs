//! Type checking and lowering: the AST of every loaded file becomes one typed
//! [`ir::Program`], or diagnostics say why not.
//!
//! The IR is a typed tree, so checking and lowering are one walk: each
//! `check_*` returns the IR node it produced. (A separate typed AST would only
//! duplicate the IR.) Errors are [`CheckError`] values; after an error the
//! node gets [`Type::Error`], which every later check accepts silently, so one
//! mistake is reported once.

mod calls;
mod collections;
mod cycles;
pub mod error;
mod expr;
pub mod index;
mod keyed;
mod ops;
mod privacy;
mod refs;
mod repl;
mod round;
mod scope;

use crate::diagnostic::{did_you_mean, Diagnostic, NameIndex};
use crate::ir::{self, ConstId, LawId, StateId};
use crate::resolve::decls::{TypeDecl, ValueDecl};
use crate::resolve::Decls;
use crate::span::{SourceMap, Span};
use crate::syntax::ast;
use crate::types::{EnumId, RecordId, Type, TypeNames};
use error::CheckError;
pub use repl::{check_repl, ReplChecked};
use scope::Frame;
use std::collections::BTreeMap;

/// How deeply type inference may nest (a constant whose type comes from a
/// constant whose type comes from ...) before an annotation is required.
const MAX_INFERENCE_DEPTH: u32 = 64;

/// A node of the call graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Node {
    Const(u32),
    Fn(u32),
    Law(u32),
}

/// Lazily computed, memoised facts about a declaration.
#[derive(Clone, Debug)]
enum Lazy<T> {
    Todo,
    InProgress,
    Done(T),
}

pub(crate) struct Checker<'a> {
    decls: &'a Decls<'a>,
    sources: &'a SourceMap,
    diags: Vec<Diagnostic>,
    records: Vec<ir::RecordDef>,
    enums: Vec<ir::EnumDef>,
    state: Vec<Type>,
    fn_sigs: Vec<(Vec<Type>, Type)>,
    consts: Vec<Lazy<(Type, ir::Expr, u32)>>,
    law_params: Vec<Lazy<Option<(Type, ir::Expr)>>>,
    /// enum case name -> every (enum, index) with that name
    cases: BTreeMap<String, Vec<(EnumId, u32)>>,
    frame: Frame,
    owner: Option<Node>,
    /// How many constants or law subjects are being inferred inside each other.
    inferring: u32,
    graph: BTreeMap<Node, Vec<(Node, Span)>>,
    /// For "did you mean": each set of names, indexed on its first unknown
    /// name once every type is declared.
    indexes: BTreeMap<Names, NameIndex>,
    declared: bool,
    /// What a tool is told about each name ([`check_indexed`]); `None` when
    /// nothing is recorded ([`check`]).
    index: Option<index::Index>,
}

/// A set of names a "did you mean" suggestion is taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Names {
    /// The fns, laws, consts and state names a file sees.
    Values(crate::span::FileId),
    /// Every enum case.
    Cases,
    /// Declared and built-in type names.
    Types,
    /// Record names.
    Records,
    /// One record's fields.
    Fields(RecordId),
    /// One enum's cases.
    CasesOf(EnumId),
}

/// Checks every module and lowers it to IR. The program is `None` if any error
/// was reported (warnings alone keep it).
pub fn check(
    modules: &[ast::Module],
    sources: &SourceMap,
    diags: Vec<Diagnostic>,
) -> (Option<ir::Program>, Vec<Diagnostic>) {
    let (program, diags, _) = check_with_index(modules, sources, diags, None);
    (program, diags)
}

/// [`check`], also recording what each name is ([`index::Index`]): the same
/// program and diagnostics, one walk.
pub fn check_indexed(
    modules: &[ast::Module],
    sources: &SourceMap,
    diags: Vec<Diagnostic>,
) -> (Option<ir::Program>, Vec<Diagnostic>, index::Index) {
    let (program, diags, index) =
        check_with_index(modules, sources, diags, Some(index::Index::default()));
    (program, diags, index.unwrap_or_default())
}

fn check_with_index(
    modules: &[ast::Module],
    sources: &SourceMap,
    mut diags: Vec<Diagnostic>,
    index: Option<index::Index>,
) -> (Option<ir::Program>, Vec<Diagnostic>, Option<index::Index>) {
    let decls = Decls::collect(modules, &mut diags);
    let mut c = Checker::new(&decls, sources, diags);
    if let Some(mut index) = index {
        index.records.clone_from(&c.records);
        index.enums.clone_from(&c.enums);
        // Every name of a type written in a declaration was resolved before
        // recording could start: record them now.
        c.index = Some(index);
        c.declared_type_refs();
    }
    let program = c.check_bodies();
    c.report_cycles();
    if let Some(index) = &mut c.index {
        // A const's declared type is resolved at each use: one entry is enough.
        index.refs.sort_by_key(|r| r.span);
        index.refs.dedup();
    }
    let mut diags = c.diags;
    sort_diagnostics(&mut diags);
    let ok = !diags.iter().any(Diagnostic::is_error);
    (program.filter(|_| ok), diags, c.index)
}

fn sort_diagnostics(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (a.span.file, a.span.start, a.code).cmp(&(b.span.file, b.span.start, b.code))
    });
    diags.dedup();
}

impl TypeNames for Checker<'_> {
    fn record_name(&self, id: RecordId) -> &str {
        self.records
            .get(id.0 as usize)
            .map(|r| r.name.as_str())
            .unwrap_or("?")
    }
    fn enum_name(&self, id: EnumId) -> &str {
        self.enums
            .get(id.0 as usize)
            .map(|e| e.name.as_str())
            .unwrap_or("?")
    }
}

impl<'a> Checker<'a> {
    /// A checker with every type and signature declared, ready for bodies.
    fn new(decls: &'a Decls<'a>, sources: &'a SourceMap, diags: Vec<Diagnostic>) -> Self {
        let mut c = Checker {
            decls,
            sources,
            diags,
            records: Vec::new(),
            enums: Vec::new(),
            state: Vec::new(),
            fn_sigs: Vec::new(),
            consts: vec![Lazy::Todo; decls.consts.len()],
            law_params: vec![Lazy::Todo; decls.laws.len()],
            cases: BTreeMap::new(),
            frame: Frame::default(),
            owner: None,
            inferring: 0,
            graph: BTreeMap::new(),
            indexes: BTreeMap::new(),
            declared: false,
            index: None,
        };
        c.declare_types();
        c.declare_signatures();
        c.declared = true;
        c
    }

    /// The name of `names` closest to `name`, with its distance.
    fn closest_in(&mut self, names: Names, name: &str) -> Option<(usize, String)> {
        let found = |index: &NameIndex| index.closest(name).map(|(d, c)| (d, c.to_string()));
        let complete = matches!(names, Names::Values(_) | Names::Types);
        if !self.declared && !complete {
            // Records, fields and cases are still being declared: an index
            // of them now would be incomplete later.
            return found(&self.name_index(names));
        }
        if !self.indexes.contains_key(&names) {
            let index = self.name_index(names);
            self.indexes.insert(names, index);
        }
        self.indexes.get(&names).and_then(found)
    }

    /// [`Checker::closest_in`] as the help's name.
    fn suggest_in(&mut self, names: Names, name: &str) -> Option<String> {
        self.closest_in(names, name).map(|(_, c)| c)
    }

    fn name_index(&self, names: Names) -> NameIndex {
        match names {
            Names::Values(file) => NameIndex::new(self.decls.value_names(file)),
            Names::Cases => NameIndex::new(self.cases.keys().map(String::as_str)),
            Names::Types => {
                let builtin = crate::resolve::decls::BUILTIN_TYPES.iter().copied();
                NameIndex::new(self.decls.types.keys().copied().chain(builtin))
            }
            Names::Records => NameIndex::new(self.records.iter().map(|r| r.name.as_str())),
            Names::Fields(r) => NameIndex::new(
                self.records
                    .get(r.0 as usize)
                    .into_iter()
                    .flat_map(|d| d.fields.iter().map(|f| f.name.as_str())),
            ),
            Names::CasesOf(e) => NameIndex::new(
                self.enums
                    .get(e.0 as usize)
                    .into_iter()
                    .flat_map(|d| d.cases.iter().map(String::as_str)),
            ),
        }
    }

    fn error(&mut self, e: CheckError) {
        self.diags.push(e.into());
    }

    /// A type as the user would write it.
    pub(crate) fn show(&self, t: &Type) -> String {
        t.display(self).to_string()
    }

    fn snippet(&self, span: Span) -> &str {
        self.sources.snippet(span)
    }

    // ---- types -------------------------------------------------------------

    fn declare_types(&mut self) {
        let decls = self.decls;
        for e in &decls.enums {
            let id = EnumId(self.enums.len() as u32);
            let mut cases: Vec<String> = Vec::new();
            for case in &e.cases {
                if let Some(i) = cases.iter().position(|c| *c == case.name) {
                    let first = e.cases.get(i).map(|c| c.span).unwrap_or(case.span);
                    self.error(CheckError::Duplicate {
                        span: case.span,
                        what: "enum case",
                        name: case.name.clone(),
                        first,
                    });
                    continue;
                }
                self.cases
                    .entry(case.name.clone())
                    .or_default()
                    .push((id, cases.len() as u32));
                cases.push(case.name.clone());
            }
            self.enums.push(ir::EnumDef {
                name: e.name.name.clone(),
                doc: e.doc.clone(),
                cases,
                span: e.name.span,
            });
        }
        // Record names first (fields may refer to any record), then fields.
        for r in &decls.records {
            self.records.push(ir::RecordDef {
                name: r.name.name.clone(),
                doc: r.doc.clone(),
                fields: Vec::new(),
                id_field: None,
                span: r.name.span,
            });
        }
        let mut pending = Vec::new();
        for (i, r) in decls.records.iter().enumerate() {
            let mut fields: Vec<ir::FieldDef> = Vec::new();
            for f in &r.fields {
                if let Some(first) = r
                    .fields
                    .iter()
                    .find(|g| g.name.name == f.name.name && g.name.span != f.name.span)
                {
                    if first.name.span.start < f.name.span.start {
                        self.error(CheckError::Duplicate {
                            span: f.name.span,
                            what: "field",
                            name: f.name.name.clone(),
                            first: first.name.span,
                        });
                        continue;
                    }
                }
                let ty = match &f.ty.kind {
                    ast::TypeExprKind::Ref(inner, target) => {
                        let followed = self.resolve_type(inner);
                        pending.push((i, fields.len(), followed, target, f.ty.span));
                        Type::Error
                    }
                    _ => self.resolve_type(&f.ty),
                };
                fields.push(ir::FieldDef {
                    name: f.name.name.clone(),
                    ty,
                    doc: f.doc.clone(),
                    refers: None,
                });
            }
            let id_field = fields
                .iter()
                .position(|f| f.name == "id" && matches!(f.ty, Type::Text | Type::Int))
                .map(|p| p as u32);
            if let Some(rec) = self.records.get_mut(i) {
                rec.fields = fields;
                rec.id_field = id_field;
            }
        }
        for f in &decls.state {
            let ty = self.resolve_type(&f.ty);
            self.state.push(ty);
        }
        // References need every record's id field and every state type.
        for (record, field, followed, target, span) in pending {
            let resolved = self.resolve_ref(&followed, target, span);
            if let Some(f) = self
                .records
                .get_mut(record)
                .and_then(|r| r.fields.get_mut(field))
            {
                if let Some((stored, state)) = resolved {
                    f.ty = stored;
                    f.refers = Some(state);
                }
            }
        }
    }

    /// Resolves a written type.
    pub(crate) fn resolve_type(&mut self, t: &ast::TypeExpr) -> Type {
        match &t.kind {
            ast::TypeExprKind::Error => Type::Error,
            ast::TypeExprKind::Ref(inner, _) => {
                self.error(CheckError::RefOutsideRecord { span: t.span });
                self.resolve_type(inner)
            }
            ast::TypeExprKind::Optional(inner) => {
                let inner = self.resolve_type(inner);
                Type::optional(inner)
            }
            ast::TypeExprKind::Named(name, args) => {
                let simple = match name.name.as_str() {
                    "Bool" => Some(Type::Bool),
                    "Int" => Some(Type::Int),
                    "Decimal" => Some(Type::Decimal),
                    "Date" => Some(Type::Date),
                    "Duration" => Some(Type::Duration),
                    "Period" => Some(Type::Period),
                    "Instant" => Some(Type::Instant),
                    "Text" => Some(Type::Text),
                    _ => None,
                };
                let generic = matches!(name.name.as_str(), "List" | "Set");
                let expected = usize::from(generic);
                if args.len() != expected {
                    self.error(CheckError::WrongTypeArity {
                        span: t.span,
                        name: name.name.clone(),
                        expected,
                        found: args.len(),
                    });
                    return Type::Error;
                }
                if let Some(s) = simple {
                    return s;
                }
                if generic {
                    let elem = args
                        .first()
                        .map(|a| self.resolve_type(a))
                        .unwrap_or(Type::Error);
                    return if name.name == "List" {
                        Type::list(elem)
                    } else {
                        Type::set(elem)
                    };
                }
                let found = self.decls.types.get(name.name.as_str()).copied();
                if let Some((_, def)) = found {
                    self.note(name.span, index::Target::Decl(def));
                }
                match found {
                    Some((TypeDecl::Record(i), _)) => Type::Record(RecordId(i as u32)),
                    Some((TypeDecl::Enum(i), _)) => Type::Enum(EnumId(i as u32)),
                    None => {
                        let suggestion = self.suggest_in(Names::Types, &name.name);
                        self.error(CheckError::UnknownType {
                            span: name.span,
                            name: name.name.clone(),
                            suggestion,
                        });
                        Type::Error
                    }
                }
            }
        }
    }

    fn declare_signatures(&mut self) {
        let decls = self.decls;
        for f in &decls.fns {
            let params: Vec<Type> = f.params.iter().map(|p| self.resolve_type(&p.ty)).collect();
            let ret = self.resolve_type(&f.ret);
            self.fn_sigs.push((params, ret));
        }
    }

    /// The type of a const, checking its value on first use.
    ///
    /// A declared type is used as is; an undeclared one is inferred from the
    /// value, which may infer other constants in turn. That nesting is capped
    /// ([`MAX_INFERENCE_DEPTH`]) so no input can exhaust the stack.
    pub(crate) fn const_type(&mut self, i: usize, use_span: Span) -> Type {
        let decls = self.decls;
        let Some(decl) = decls.consts.get(i) else {
            return Type::Error;
        };
        if let Some(t) = &decl.ty {
            return self.resolve_type(t);
        }
        match self.consts.get(i) {
            Some(Lazy::Done((t, _, _))) => return t.clone(),
            // A cycle: the call graph reports it once, naming every step.
            Some(Lazy::InProgress) => return Type::Error,
            _ => {}
        }
        if self.inferring >= MAX_INFERENCE_DEPTH {
            self.error(CheckError::CannotInfer { span: use_span, what: "this constant without a chain of annotations; annotate the constants it depends on" });
            return Type::Error;
        }
        self.inferring += 1;
        let t = self.check_const(i);
        self.inferring -= 1;
        t
    }

    /// Checks a constant's value (once) and returns its type.
    fn check_const(&mut self, i: usize) -> Type {
        let decls = self.decls;
        let Some(decl) = decls.consts.get(i) else {
            return Type::Error;
        };
        match self.consts.get(i) {
            Some(Lazy::Done((t, _, _))) => return t.clone(),
            Some(Lazy::InProgress) => return Type::Error,
            _ => {}
        }
        if let Some(slot) = self.consts.get_mut(i) {
            *slot = Lazy::InProgress;
        }
        let saved = self.enter(Node::Const(i as u32));
        let declared = decl.ty.as_ref().map(|t| self.resolve_type(t));
        let value = self.check_expr(&decl.value, declared.as_ref());
        let (ty, value) = match declared {
            Some(t) => {
                let v = self.coerce(value, &t);
                (t, v)
            }
            None => {
                if contains_never(&value.ty) {
                    self.error(CheckError::CannotInfer {
                        span: decl.value.span,
                        what: "this constant",
                    });
                } else if decl.figure {
                    let ty = (!matches!(value.ty, Type::Error)).then(|| self.show(&value.ty));
                    self.error(CheckError::FigureType {
                        span: decl.name.span,
                        name: decl.name.name.clone(),
                        ty,
                    });
                }
                (value.ty.clone(), value)
            }
        };
        let frame_size = self.frame.size();
        self.leave(saved);
        if let Some(slot) = self.consts.get_mut(i) {
            *slot = Lazy::Done((ty.clone(), value, frame_size));
        }
        ty
    }

    /// The subject type of a law (`None` for a law without parameter).
    pub(crate) fn law_param_type(&mut self, i: usize) -> Option<Type> {
        let decls = self.decls;
        let decl = decls.laws.get(i)?;
        match self.law_params.get(i) {
            Some(Lazy::Done(p)) => return p.as_ref().map(|(t, _)| t.clone()),
            Some(Lazy::InProgress) => return Some(Type::Error),
            _ => {}
        }
        let param = decl.param.as_ref()?;
        if self.inferring >= MAX_INFERENCE_DEPTH {
            self.error(CheckError::CannotInfer {
                span: param.collection.span,
                what: "this law's subjects: too many laws are typed through each other",
            });
            return Some(Type::Error);
        }
        if let Some(slot) = self.law_params.get_mut(i) {
            *slot = Lazy::InProgress;
        }
        self.inferring += 1;
        let saved = self.enter(Node::Law(i as u32));
        let coll = self.check_expr(&param.collection, None);
        let elem = self.element_of(&coll, "a law's subject collection");
        self.leave(saved);
        self.inferring -= 1;
        if let Some(slot) = self.law_params.get_mut(i) {
            *slot = Lazy::Done(Some((elem.clone(), coll)));
        }
        Some(elem)
    }

    /// Starts checking the body of `node` in a fresh frame; returns what to restore.
    fn enter(&mut self, node: Node) -> (Frame, Option<Node>) {
        let frame = std::mem::take(&mut self.frame);
        let owner = self.owner.replace(node);
        (frame, owner)
    }

    fn leave(&mut self, (frame, owner): (Frame, Option<Node>)) {
        self.frame = frame;
        self.owner = owner;
    }

    /// Records a call-graph edge from the body being checked.
    pub(crate) fn edge(&mut self, to: Node, span: Span) {
        if let Some(from) = self.owner {
            self.graph.entry(from).or_default().push((to, span));
        }
    }

    // ---- bodies --------------------------------------------------------------

    fn check_bodies(&mut self) -> Option<ir::Program> {
        let decls = self.decls;
        for i in 0..decls.consts.len() {
            self.check_const(i);
        }
        let fns: Vec<ir::FnDef> = (0..decls.fns.len())
            .filter_map(|i| self.check_fn(i))
            .collect();
        let laws: Vec<ir::LawDef> = (0..decls.laws.len())
            .filter_map(|i| self.check_law(i))
            .collect();
        let tests: Vec<ir::TestDef> = decls.tests.iter().map(|t| self.check_test(t)).collect();
        let charter = self.check_charter();
        let consts = decls
            .consts
            .iter()
            .zip(std::mem::take(&mut self.consts))
            .filter_map(|(d, lazy)| match lazy {
                Lazy::Done((ty, value, frame_size)) => Some((d, ty, value, frame_size)),
                _ => None,
            })
            .collect::<Vec<_>>();
        if let Some(index) = &mut self.index {
            index.consts = consts
                .iter()
                .map(|(d, ty, _, _)| (d.name.span, ty.clone()))
                .collect();
        }
        let consts = consts
            .into_iter()
            .map(|(d, ty, value, frame_size)| ir::ConstDef {
                name: d.name.name.clone(),
                ty,
                doc: d.doc.clone(),
                value,
                private: d.private,
                figure: d.figure,
                frame_size,
                span: d.name.span,
            })
            .collect::<Vec<_>>();
        let state = decls
            .state
            .iter()
            .zip(&self.state)
            .map(|(f, ty)| ir::StateDef {
                name: f.name.name.clone(),
                ty: ty.clone(),
                doc: f.doc.clone(),
                span: f.name.span,
            })
            .collect();
        let complete = consts.len() == decls.consts.len()
            && fns.len() == decls.fns.len()
            && laws.len() == decls.laws.len();
        complete.then(|| ir::Program {
            sources: self.sources.clone(),
            charter,
            records: self.records.clone(),
            enums: self.enums.clone(),
            state,
            consts,
            fns,
            laws,
            tests,
        })
    }

    fn check_fn(&mut self, i: usize) -> Option<ir::FnDef> {
        let decls = self.decls;
        let f = decls.fns.get(i)?;
        let (params, ret) = self.fn_sigs.get(i)?.clone();
        let saved = self.enter(Node::Fn(i as u32));
        let mut names: Vec<(String, Type)> = Vec::new();
        for (p, ty) in f.params.iter().zip(&params) {
            if let Some((_, _)) = names.iter().find(|(n, _)| *n == p.name.name) {
                let first = f
                    .params
                    .iter()
                    .find(|q| q.name.name == p.name.name)
                    .map(|q| q.name.span)
                    .unwrap_or(p.name.span);
                self.error(CheckError::Duplicate {
                    span: p.name.span,
                    what: "parameter",
                    name: p.name.name.clone(),
                    first,
                });
            }
            self.bind_local(&p.name, ty.clone(), index::LocalKind::Param);
            names.push((p.name.name.clone(), ty.clone()));
        }
        let body = self.check_block(&f.lets, &f.body, &ret);
        let frame_size = self.frame.size();
        self.leave(saved);
        Some(ir::FnDef {
            name: f.name.name.clone(),
            doc: f.doc.clone(),
            params: names,
            ret,
            body,
            private: f.private,
            frame_size,
            span: f.name.span,
        })
    }

    /// `let a = e ... result` in a fn body: nested `Let` nodes.
    fn check_block(&mut self, lets: &[ast::LetStmt], result: &ast::Expr, ret: &Type) -> ir::Expr {
        let mut bound: Vec<(ir::LocalId, ir::Expr)> = Vec::new();
        let mark = self.frame.mark();
        for l in lets {
            let value = self.check_let_value(l);
            let local = self.bind_local(&l.name, value.ty.clone(), index::LocalKind::Let);
            bound.push((local, value));
        }
        let body = self.check_expr(result, Some(ret));
        let mut body = self.coerce(body, ret);
        self.frame.reset(mark);
        for (local, value) in bound.into_iter().rev() {
            let span = value.span.to(body.span);
            let ty = body.ty.clone();
            body = ir::Expr {
                kind: ir::ExprKind::Let(local, Box::new(value), Box::new(body)),
                ty,
                span,
            };
        }
        body
    }

    fn check_let_value(&mut self, l: &ast::LetStmt) -> ir::Expr {
        match &l.ty {
            Some(t) => {
                let t = self.resolve_type(t);
                let v = self.check_expr(&l.value, Some(&t));
                self.coerce(v, &t)
            }
            None => {
                let v = self.check_expr(&l.value, None);
                if contains_never(&v.ty) {
                    self.error(CheckError::CannotInfer {
                        span: l.value.span,
                        what: "this value",
                    });
                }
                v
            }
        }
    }

    fn check_law(&mut self, i: usize) -> Option<ir::LawDef> {
        let decls = self.decls;
        let law = decls.laws.get(i)?;
        let param_ty = self.law_param_type(i);
        let saved = self.enter(Node::Law(i as u32));
        let param = match (&law.param, param_ty) {
            (Some(p), Some(ty)) => {
                self.bind_local(&p.name, ty.clone(), index::LocalKind::Subject);
                let collection = match self.law_params.get(i) {
                    Some(Lazy::Done(Some((_, coll)))) => coll.clone(),
                    _ => return None,
                };
                Some(ir::LawParam {
                    name: p.name.name.clone(),
                    ty,
                    collection,
                })
            }
            _ => None,
        };
        let body = self.check_law_stmts(&law.body);
        // The collection is evaluated in the law's frame, so it must fit too.
        let frame_size = self.frame.size().max(1);
        self.leave(saved);
        Some(ir::LawDef {
            name: law.name.name.clone(),
            doc: law.doc.clone(),
            param,
            body,
            frame_size,
            span: law.name.span,
        })
    }

    /// A law's statements; a `when` block's names are visible only inside it.
    fn check_law_stmts(&mut self, stmts: &[ast::LawStmt]) -> Vec<ir::LawStmt> {
        let mut body = Vec::new();
        for stmt in stmts {
            match stmt {
                ast::LawStmt::Let(l) => {
                    let value = self.check_let_value(l);
                    let local = self.bind_local(&l.name, value.ty.clone(), index::LocalKind::Let);
                    body.push(ir::LawStmt::Let {
                        local,
                        name: l.name.name.clone(),
                        value,
                    });
                }
                ast::LawStmt::Require(r) => {
                    let guard = r.guard.as_ref().map(|g| self.check_guard(g));
                    let cond = self.check_cond(&r.cond, "a requirement");
                    let exceptions = r
                        .exceptions
                        .iter()
                        .map(|u| ir::Exception {
                            label: u.label.value.clone(),
                            span: u.span,
                            cond: self.check_cond(&u.cond, "an exception"),
                        })
                        .collect();
                    let require = ir::LawStmt::Require(ir::Requirement {
                        label: r.label.value.clone(),
                        span: r.span,
                        cond,
                        exceptions,
                        advisory: r.advisory,
                    });
                    body.push(match guard {
                        Some((cond, span)) => ir::LawStmt::When(ir::Guard {
                            cond,
                            span,
                            body: vec![require],
                        }),
                        None => require,
                    });
                }
                ast::LawStmt::When(w) => {
                    let (cond, span) = self.check_guard(&w.guard);
                    let mark = self.frame.mark();
                    let inner = self.check_law_stmts(&w.body);
                    self.frame.reset(mark);
                    body.push(ir::LawStmt::When(ir::Guard {
                        cond,
                        span,
                        body: inner,
                    }));
                }
                ast::LawStmt::Error(_) => {}
            }
        }
        body
    }

    fn check_guard(&mut self, w: &ast::When) -> (ir::Expr, Span) {
        (self.check_cond(&w.cond, "a precondition"), w.span)
    }

    /// A condition that must be Bool.
    pub(crate) fn check_cond(&mut self, e: &ast::Expr, what: &'static str) -> ir::Expr {
        let c = self.check_expr(e, Some(&Type::Bool));
        if c.ty != Type::Bool && !c.ty.has_error() {
            let found = self.show(&c.ty);
            self.error(CheckError::NotBool {
                span: e.span,
                what,
                found,
            });
        }
        c
    }

    fn check_test(&mut self, t: &ast::TestDecl) -> ir::TestDef {
        let saved = (std::mem::take(&mut self.frame), self.owner.take());
        let mut body = Vec::new();
        for stmt in &t.body {
            match stmt {
                ast::TestStmt::Given { name, value, span } => {
                    match self.decls.value(&name.name, name.span.file) {
                        Some((ValueDecl::State(i), def)) => {
                            self.note(name.span, index::Target::Decl(def));
                            let ty = self.state.get(i).cloned().unwrap_or(Type::Error);
                            let v = self.check_expr(value, Some(&ty));
                            let v = self.coerce(v, &ty);
                            body.push(ir::TestStmt::Given {
                                state: StateId(i as u32),
                                value: v,
                                span: *span,
                            });
                        }
                        _ => {
                            let suggestion = did_you_mean(
                                &name.name,
                                self.decls.state.iter().map(|f| f.name.name.as_str()),
                            )
                            .map(str::to_string);
                            self.error(CheckError::GivenNotState {
                                span: name.span,
                                name: name.name.clone(),
                                suggestion,
                            });
                        }
                    }
                }
                ast::TestStmt::Let(l) => {
                    let value = self.check_let_value(l);
                    let local = self.bind_local(&l.name, value.ty.clone(), index::LocalKind::Let);
                    body.push(ir::TestStmt::Let { local, value });
                }
                ast::TestStmt::Expect { cond, span } => {
                    let cond = self.check_cond(cond, "an expectation");
                    body.push(ir::TestStmt::Expect { cond, span: *span });
                }
                ast::TestStmt::Error(_) => {}
            }
        }
        let frame_size = self.frame.size();
        self.leave(saved);
        ir::TestDef {
            name: t.name.value.clone(),
            body,
            frame_size,
            span: t.name.span,
        }
    }

    fn check_charter(&mut self) -> ir::Charter {
        let Some(c) = self.decls.charter else {
            return ir::Charter::default();
        };
        let mut meta = Vec::new();
        for (key, value) in &c.entries {
            let e = self.check_expr(value, None);
            match e.kind {
                ir::ExprKind::Lit(lit) => meta.push((key.name.clone(), lit)),
                _ => self.error(CheckError::MetadataNotLiteral { span: value.span }),
            }
        }
        ir::Charter {
            name: c.name.value.clone(),
            doc: c.doc.clone(),
            meta,
        }
    }

    fn report_cycles(&mut self) {
        let names = |n: Node| -> String {
            match n {
                Node::Const(i) => self
                    .decls
                    .consts
                    .get(i as usize)
                    .map(|d| d.name.name.clone()),
                Node::Fn(i) => self.decls.fns.get(i as usize).map(|d| d.name.name.clone()),
                Node::Law(i) => self.decls.laws.get(i as usize).map(|d| d.name.name.clone()),
            }
            .unwrap_or_default()
        };
        let found = cycles::find_cycles(&self.graph);
        let errors: Vec<CheckError> = found
            .into_iter()
            .map(|(path, span)| CheckError::Cycle {
                span,
                path: path.into_iter().map(names).collect(),
            })
            .collect();
        for e in errors {
            self.error(e);
        }
    }

    pub(crate) fn const_id(&self, i: usize) -> ConstId {
        ConstId(i as u32)
    }

    pub(crate) fn law_id(&self, i: usize) -> LawId {
        LawId(i as u32)
    }
}

/// Whether a type still contains [`Type::Never`] (an unconstrained `[]` or `none`).
pub(crate) fn contains_never(t: &Type) -> bool {
    match t {
        Type::Never => true,
        Type::List(t) | Type::Set(t) | Type::Optional(t) => contains_never(t),
        _ => false,
    }
}
