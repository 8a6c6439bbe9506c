//! What a name in the charter is (a law, a fn, a constant, a `state` name,
//! an enum case or type), where its entry is in the document (its anchor),
//! and the types of expressions by their spans, all from the checked IR.

use super::text::{article, plural, words};
use super::values::{self, Shown};
use polity_compiler::ir::{ConstDef, FnDef, LawDef, Program, StateDef};
use polity_compiler::span::{FileId, Span};
use polity_compiler::types::Type;
use std::collections::BTreeMap;

/// The program's names and the document's anchors for them.
pub struct Names<'p> {
    /// The checked charter.
    pub program: &'p Program,
    /// Each expression's type by its span (file, start, end), from the IR.
    types: BTreeMap<(u32, u32, u32), &'p Type>,
    /// Each constant's value as shown, by its name.
    consts: BTreeMap<&'p str, Shown>,
}

impl<'p> Names<'p> {
    /// The names of `program`, its constants evaluated where they can be.
    pub fn new(program: &'p Program) -> Names<'p> {
        let mut types = BTreeMap::new();
        let mut note = |e: &'p polity_compiler::ir::Expr| {
            collect_types(e, &mut types);
        };
        for law in &program.laws {
            law.exprs().into_iter().for_each(&mut note);
        }
        for f in &program.fns {
            note(&f.body);
        }
        for c in &program.consts {
            note(&c.value);
        }
        let consts = program
            .consts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.as_str(), values::show_const(program, i)))
            .collect();
        Names {
            program,
            types,
            consts,
        }
    }

    /// The type of the expression written at `span`, when the IR kept it.
    pub fn type_at(&self, span: Span) -> Option<&'p Type> {
        self.types
            .get(&(span.file.0, span.start, span.end))
            .copied()
    }

    /// The standard module a declaration comes from (`std.voting`), if any.
    pub fn std_module(&self, span: Span) -> Option<&'p str> {
        let file = self.program.sources.get(span.file)?;
        polity_compiler::stdlib::source(&file.name).map(|_| file.name.as_str())
    }

    /// Whether `file` is one of the charter's own files (not a `std.*` module).
    pub fn is_own(&self, file: FileId) -> bool {
        self.program
            .sources
            .get(file)
            .is_some_and(|f| polity_compiler::stdlib::source(&f.name).is_none())
    }

    /// The law named `name` and its article number (1-based, in source order).
    pub fn law(&self, name: &str) -> Option<(&'p LawDef, usize)> {
        self.program
            .laws
            .iter()
            .enumerate()
            .find(|(_, l)| l.name == name)
            .map(|(i, l)| (l, i + 1))
    }

    /// The fn named `name`.
    pub fn fn_def(&self, name: &str) -> Option<&'p FnDef> {
        self.program.fns.iter().find(|f| f.name == name)
    }

    /// The constant named `name` and its value as shown.
    pub fn constant(&self, name: &str) -> Option<(&'p ConstDef, &Shown)> {
        let def = self.program.consts.iter().find(|c| c.name == name)?;
        Some((def, self.consts.get(name)?))
    }

    /// The `state` name `name`.
    pub fn state(&self, name: &str) -> Option<&'p StateDef> {
        self.program.state.iter().find(|s| s.name == name)
    }

    /// Whether `name` is a case of some enum.
    pub fn is_case(&self, name: &str) -> bool {
        self.program
            .enums
            .iter()
            .any(|e| e.cases.iter().any(|c| c == name))
    }

    /// Whether `name` is an enum type.
    pub fn is_enum(&self, name: &str) -> bool {
        self.program.enums.iter().any(|e| e.name == name)
    }

    /// The anchor of a declaration's entry: `law-NAME`, `fn-NAME`,
    /// `const-NAME`, or for what a standard module declares
    /// `std-MODULE-NAME` (in the page's section on the standard library).
    pub fn anchor(&self, kind: &str, name: &str, span: Span) -> String {
        match self.std_module(span) {
            Some(module) => std_anchor(module, name),
            None => format!("{kind}-{}", name.to_ascii_lowercase()),
        }
    }

    /// A link to a declaration's entry, its name in words as the text.
    pub fn link(&self, kind: &str, name: &str, span: Span) -> String {
        format!(
            "[{}](#{})",
            super::text::escape(&words(name)),
            self.anchor(kind, name, span)
        )
    }

    /// A type in words with its article: "a list of [Members](#record-member)",
    /// "an optional text".
    pub fn type_words(&self, ty: &Type) -> String {
        let noun = self.type_noun(ty, false);
        format!("{} {noun}", article(&noun))
    }

    /// A type in words without article, singular or plural.
    pub fn type_noun(&self, ty: &Type, many: bool) -> String {
        let simple = |one: &str, more: &str| if many { more } else { one }.to_string();
        match ty {
            Type::Bool => simple("yes-or-no value", "yes-or-no values"),
            Type::Int => simple("whole number", "whole numbers"),
            Type::Decimal => simple("number", "numbers"),
            Type::Date => simple("date", "dates"),
            Type::Duration => simple("duration", "durations"),
            Type::Instant => simple("moment in time", "moments in time"),
            Type::Period => simple("calendar period", "calendar periods"),
            Type::Text => simple("text", "texts"),
            Type::List(t) => format!("{} of {}", simple("list", "lists"), self.type_noun(t, true)),
            Type::Set(t) => format!("{} of {}", simple("set", "sets"), self.type_noun(t, true)),
            Type::Optional(t) => format!("optional {}", self.type_noun(t, many)),
            Type::Record(id) => match self.program.record(*id) {
                Some(r) => self.type_link("record", &r.name, r.span, many),
                None => simple("record", "records"),
            },
            Type::Enum(id) => match self.program.enum_def(*id) {
                Some(e) => self.type_link("enum", &e.name, e.span, many),
                None => simple("choice", "choices"),
            },
            _ => simple("value", "values"),
        }
    }

    fn type_link(&self, kind: &str, name: &str, span: Span, many: bool) -> String {
        let shown = if many { plural(name) } else { name.to_string() };
        format!(
            "[{}](#{})",
            super::text::escape(&shown),
            self.anchor(kind, name, span)
        )
    }
}

/// The anchor of what standard module `module` (`std.voting`) declares as `name`.
pub fn std_anchor(module: &str, name: &str) -> String {
    format!("{}-{}", module.replace('.', "-"), name.to_ascii_lowercase())
}

fn collect_types<'p>(
    e: &'p polity_compiler::ir::Expr,
    out: &mut BTreeMap<(u32, u32, u32), &'p Type>,
) {
    // The outermost expression of a span is the one written there (an
    // `IntToDec` wraps the Int it widens, with the same span).
    out.entry((e.span.file.0, e.span.start, e.span.end))
        .or_insert(&e.ty);
    e.for_each_child(&mut |c| collect_types(c, out));
}
