//! What the checker learnt about each name, for tools that explain a charter
//! (a language server's hover, go to definition, rename, completion).
//!
//! [`super::check_indexed`] fills an [`Index`] during the one walk that also
//! checks and lowers, so what a tool shows is what the checker decided (the
//! same scopes, the same types, the same resolution of `Enum.Case` against a
//! local named like the enum). [`super::check`] records nothing.

use crate::ir;
use crate::span::Span;
use crate::types::{EnumId, RecordId, Type, TypeNames};

/// Every binding and every resolved use of a name, in the order checked.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// Local names (parameters, `let`s, law subjects, loop and pattern
    /// variables), where each is bound.
    pub locals: Vec<Local>,
    /// Uses of names, each with what it resolved to.
    pub refs: Vec<Ref>,
    /// `base.name` reads: the field name's span and the base's type (also
    /// when the field is unknown, so a tool can list the fields there are).
    pub accesses: Vec<(Span, Type)>,
    /// The type of each const (declared or inferred), by its name's span.
    pub consts: Vec<(Span, Type)>,
    /// The record types, as [`Type::Record`] numbers them.
    pub records: Vec<ir::RecordDef>,
    /// The enum types, as [`Type::Enum`] numbers them.
    pub enums: Vec<ir::EnumDef>,
}

/// A local name where it is bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Local {
    /// The name.
    pub name: String,
    /// Where it is written in its binding.
    pub span: Span,
    /// Its type.
    pub ty: Type,
    /// What binds it.
    pub kind: LocalKind,
}

/// What binds a local name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalKind {
    /// A fn's parameter.
    Param,
    /// `let`.
    Let,
    /// A law's subject (`x` in `law l(x in xs)`).
    Subject,
    /// A `for` clause's or `fold`'s variable, or a `some(x)` pattern's.
    Bound,
}

/// A use of a name and what it means there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    /// Where the name is written.
    pub span: Span,
    /// What it refers to.
    pub target: Target,
}

/// What a name refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A local, by the span of its binding ([`Local::span`]).
    Local(Span),
    /// A declaration (state name, const, fn, law, record, enum), by the
    /// span of its name where declared.
    Decl(Span),
    /// A record's field (an index into [`ir::RecordDef::fields`]).
    Field(RecordId, u32),
    /// An enum's case (an index into [`ir::EnumDef::cases`]).
    Case(EnumId, u32),
    /// A built-in function.
    Builtin(String),
    /// `it`: the element a `where` (or a keyed built-in) is testing, of
    /// this type.
    Element(Type),
}

impl Index {
    /// The local bound at `span`.
    pub fn local(&self, span: Span) -> Option<&Local> {
        self.locals.iter().find(|l| l.span == span)
    }

    /// The type of the const whose name is declared at `span`.
    pub fn const_type(&self, span: Span) -> Option<&Type> {
        self.consts.iter().find(|(s, _)| *s == span).map(|(_, t)| t)
    }

    /// A type as a charter would write it.
    pub fn show(&self, ty: &Type) -> String {
        ty.display(self).to_string()
    }
}

impl TypeNames for Index {
    fn record_name(&self, id: RecordId) -> &str {
        self.records
            .get(id.0 as usize)
            .map_or("?", |r| r.name.as_str())
    }
    fn enum_name(&self, id: EnumId) -> &str {
        self.enums
            .get(id.0 as usize)
            .map_or("?", |e| e.name.as_str())
    }
}

impl super::Checker<'_> {
    /// Records that the name at `span` refers to `target`.
    pub(crate) fn note(&mut self, span: Span, target: Target) {
        if let Some(index) = &mut self.index {
            index.refs.push(Ref { span, target });
        }
    }

    /// Records a field read `base.name` whose base has type `base`.
    pub(crate) fn note_access(&mut self, name: Span, base: &Type) {
        if let Some(index) = &mut self.index {
            index.accesses.push((name, base.clone()));
        }
    }

    /// Binds the local `id` (written in the charter) to a fresh slot.
    pub(crate) fn bind_local(
        &mut self,
        id: &crate::syntax::ast::Ident,
        ty: Type,
        kind: LocalKind,
    ) -> ir::LocalId {
        if let Some(index) = &mut self.index {
            index.locals.push(Local {
                name: id.name.clone(),
                span: id.span,
                ty: ty.clone(),
                kind,
            });
        }
        self.frame.bind_at(&id.name, Some(id.span), ty)
    }

    /// Records the type names written in declarations (fields, state names,
    /// signatures), which were resolved before recording began.
    pub(crate) fn declared_type_refs(&mut self) {
        let decls = self.decls;
        let fields = decls
            .records
            .iter()
            .flat_map(|r| r.fields.iter())
            .chain(decls.state.iter().copied())
            .map(|f| &f.ty);
        let signatures = decls
            .fns
            .iter()
            .flat_map(|f| f.params.iter().map(|p| &p.ty).chain([&f.ret]));
        let written: Vec<&crate::syntax::ast::TypeExpr> = fields.chain(signatures).collect();
        for t in written {
            self.note_type_names(t);
        }
    }

    /// Records every record or enum name in the written type `t`.
    pub(crate) fn note_type_names(&mut self, t: &crate::syntax::ast::TypeExpr) {
        use crate::syntax::ast::TypeExprKind;
        if self.index.is_none() {
            return;
        }
        let mut todo = vec![t];
        while let Some(t) = todo.pop() {
            match &t.kind {
                TypeExprKind::Named(name, args) => {
                    if let Some((_, def)) = self.decls.types.get(name.name.as_str()) {
                        self.note(name.span, Target::Decl(*def));
                    }
                    todo.extend(args.iter());
                }
                TypeExprKind::Optional(inner) => todo.push(inner),
                TypeExprKind::Ref(inner, state) => {
                    todo.push(inner);
                    if let Some((_, def)) = self.decls.values.get(state.name.as_str()) {
                        self.note(state.span, Target::Decl(*def));
                    }
                }
                TypeExprKind::Error => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, compile_with, NoFiles, Options};

    const BROKEN: &str = "record R { a: Int }\nstate { rs: List<R> }\n\
        law l(r in rs) {\n  let x = r.a\n  require \"x\": x > r.b\n  require \"y\": r.\n}\n\
        const c = [1, 2]\nfn f(n: Int) -> Int = n + c\n";

    #[test]
    fn analyze_reports_what_compile_reports() {
        let mut texts: Vec<(&str, &str)> = crate::stdlib::names()
            .filter_map(|n| crate::stdlib::source(n).map(|s| (n, s)))
            .collect();
        texts.push(("broken.polity", BROKEN));
        for (name, text) in texts {
            let plain = compile_with(name, text, &NoFiles, &Options::default());
            let indexed = analyze(name, text, &NoFiles, &Options::default());
            assert_eq!(plain.diagnostics, indexed.compilation.diagnostics, "{name}");
            assert_eq!(plain.program, indexed.compilation.program, "{name}");
        }
    }

    #[test]
    fn records_bindings_uses_and_field_reads() {
        let a = analyze("broken.polity", BROKEN, &NoFiles, &Options::default());
        let index = &a.index;
        // The span of the first letter of `needle`.
        let at = |needle: &str| {
            let start = BROKEN.find(needle).unwrap_or(0);
            Span::new(crate::span::FileId(0), start, start + 1)
        };
        let x = index.local(at("x =")).map(|l| (l.kind, index.show(&l.ty)));
        assert_eq!(x, Some((LocalKind::Let, "Int".to_string())));
        // `x` in `x > r.b` refers to the `let`.
        let use_of_x = BROKEN.find("x > ").unwrap_or(0);
        let def = index
            .refs
            .iter()
            .find(|r| r.span.start as usize == use_of_x)
            .map(|r| r.target.clone());
        assert_eq!(def, Some(Target::Local(at("x ="))));
        // `r.b` is unknown, but what it is read from is known.
        let b = BROKEN.find("r.b").unwrap_or(0) + 2;
        let base = index.accesses.iter().find(|(s, _)| s.start as usize == b);
        assert_eq!(base.map(|(_, t)| index.show(t)).as_deref(), Some("R"));
        // An inferred const's type.
        assert_eq!(
            index
                .const_type(at("c ="))
                .map(|t| index.show(t))
                .as_deref(),
            Some("List<Int>")
        );
    }
}
