//! Checking expressions: literals, names, fields, records, `if`, `match`,
//! collections; coercion and unification of types.

use super::error::CheckError;
use super::index::{LocalKind, Target};
use super::Names;
use super::{contains_never, Checker, Node};
use crate::diagnostic::closest;
use crate::ir::{self, ExprKind, Lit, StateId};
use crate::num::{parse_date, Dec, ParseDecError};
use crate::resolve::decls::{TypeDecl, ValueDecl};
use crate::span::Span;
use crate::syntax::ast::{self, DurationUnit};
use crate::types::{EnumId, RecordId, Type};

/// An IR node standing for something already reported.
pub(crate) fn poisoned(span: Span) -> ir::Expr {
    ir::Expr {
        kind: ExprKind::Lit(Lit::Bool(false)),
        ty: Type::Error,
        span,
    }
}

pub(crate) fn node(kind: ExprKind, ty: Type, span: Span) -> ir::Expr {
    ir::Expr { kind, ty, span }
}

fn lit(l: Lit, ty: Type, span: Span) -> ir::Expr {
    node(ExprKind::Lit(l), ty, span)
}

/// The least type both `a` and `b` convert to, if any.
pub(crate) fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        _ if a == b => Some(a.clone()),
        (Type::Error, _) | (_, Type::Error) => Some(Type::Error),
        (Type::Never, t) | (t, Type::Never) => Some(t.clone()),
        (Type::Int, Type::Decimal) | (Type::Decimal, Type::Int) => Some(Type::Decimal),
        (Type::Optional(x), Type::Optional(y)) => unify(x, y).map(Type::optional),
        (Type::Optional(x), y) | (y, Type::Optional(x)) => unify(x, y).map(Type::optional),
        (Type::List(x), Type::List(y)) => unify(x, y).map(Type::list),
        (Type::Set(x), Type::Set(y)) => unify(x, y).map(Type::set),
        _ => None,
    }
}

impl Checker<'_> {
    /// Checks `e`; `expect` is a hint (for literals, `none`, `[]` and bare enum
    /// cases), not a requirement: callers that need a type call [`Self::coerce`].
    pub(crate) fn check_expr(&mut self, e: &ast::Expr, expect: Option<&Type>) -> ir::Expr {
        let span = e.span;
        match &e.kind {
            ast::ExprKind::Int(text) => self.int_lit(text, false, span),
            ast::ExprKind::Decimal(text) => match Dec::parse(text) {
                Ok(d) => lit(Lit::Dec(d), Type::Decimal, span),
                Err(_) => self.too_large(span),
            },
            ast::ExprKind::Percent(text) => {
                match Dec::parse(text).map(|d| d.checked_div(Dec::from_int(100))) {
                    Ok(Some(d)) => lit(Lit::Dec(d), Type::Decimal, span),
                    _ => self.too_large(span),
                }
            }
            ast::ExprKind::Instant(text) => match crate::num::parse_instant(text) {
                Some(t) => lit(Lit::Instant(t), Type::Instant, span),
                None => {
                    self.error(CheckError::InvalidDate {
                        span,
                        text: text.clone(),
                    });
                    poisoned(span)
                }
            },
            ast::ExprKind::Date(text) => match parse_date(text) {
                Some(d) => lit(Lit::Date(d), Type::Date, span),
                None => {
                    self.error(CheckError::InvalidDate {
                        span,
                        text: text.clone(),
                    });
                    poisoned(span)
                }
            },
            ast::ExprKind::Duration(n, unit) => {
                let (factor, period) = match unit {
                    DurationUnit::Unknown => return poisoned(span),
                    DurationUnit::Seconds => (1, false),
                    DurationUnit::Minutes => (60, false),
                    DurationUnit::Hours => (3_600, false),
                    DurationUnit::Days => (86_400, false),
                    DurationUnit::Weeks => (604_800, false),
                    DurationUnit::Months => (1, true),
                    DurationUnit::Years => (12, true),
                };
                match n
                    .replace('_', "")
                    .parse::<i64>()
                    .ok()
                    .and_then(|n| n.checked_mul(factor))
                {
                    Some(months) if period => lit(Lit::Period(months), Type::Period, span),
                    Some(seconds) => lit(Lit::Duration(seconds), Type::Duration, span),
                    None => self.too_large(span),
                }
            }
            ast::ExprKind::Text(s) => lit(Lit::Text(s.clone()), Type::Text, span),
            ast::ExprKind::Bool(b) => lit(Lit::Bool(*b), Type::Bool, span),
            ast::ExprKind::None => {
                let ty = match expect {
                    Some(t @ Type::Optional(_)) => t.clone(),
                    _ => Type::optional(Type::Never),
                };
                lit(Lit::None, ty, span)
            }
            ast::ExprKind::Name(id) => self.check_name(id, expect),
            ast::ExprKind::Field {
                base,
                name,
                optional,
            } => self.check_field(base, name, *optional, span),
            ast::ExprKind::Call { callee, args } => self.check_call(callee, args, span, expect),
            ast::ExprKind::Index { base, index } => self.check_index(base, index, span),
            ast::ExprKind::Unary { op, operand } => self.check_unary(*op, operand, span),
            ast::ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => self.check_binary(*op, *op_span, lhs, rhs, span, expect),
            ast::ExprKind::If {
                cond,
                then,
                otherwise,
            } => self.check_if(cond, then, otherwise, span, expect),
            ast::ExprKind::Match { scrutinee, arms } => {
                self.check_match(scrutinee, arms, span, expect)
            }
            ast::ExprKind::Record { name, fields } => self.check_record(name, fields, span),
            ast::ExprKind::With { base, fields } => self.check_with(base, fields, span),
            ast::ExprKind::List(items) => self.check_collection(items, false, span, expect),
            ast::ExprKind::Set(items) => self.check_collection(items, true, span, expect),
            ast::ExprKind::Named { name, .. } => {
                self.error(CheckError::NamedArgument {
                    span: name.span,
                    name: name.name.clone(),
                    callee: None,
                });
                poisoned(span)
            }
            ast::ExprKind::Comprehension { kind, generator } => {
                self.check_comprehension(*kind, generator, span, expect)
            }
            ast::ExprKind::Where { source, cond } => self.check_where(source, cond, span),
            ast::ExprKind::Fold(f) => self.check_fold(
                super::calls::FoldParts {
                    acc: &f.acc,
                    acc_ty: f.acc_ty.as_ref(),
                    init: &f.init,
                    var: &f.var,
                    source: &f.source,
                    body: &f.body,
                },
                span,
                expect,
            ),
            ast::ExprKind::Error => poisoned(span),
        }
    }

    fn too_large(&mut self, span: Span) -> ir::Expr {
        let text = self.snippet(span).to_string();
        self.error(CheckError::NumberTooLarge { span, text });
        poisoned(span)
    }

    /// An Int literal, `negative` when written after a unary minus.
    pub(crate) fn int_lit(&mut self, text: &str, negative: bool, span: Span) -> ir::Expr {
        let digits = text.replace('_', "");
        let signed = if negative {
            format!("-{digits}")
        } else {
            digits
        };
        match signed.parse::<i64>() {
            Ok(n) => lit(Lit::Int(n), Type::Int, span),
            Err(_) => match Dec::parse(&signed) {
                // Too large for Int but exact as a Decimal: fine where a Decimal is wanted.
                Ok(d) => lit(Lit::Dec(d), Type::Decimal, span),
                Err(ParseDecError::Syntax | ParseDecError::TooLarge) => self.too_large(span),
            },
        }
    }

    /// Converts `e` to `target`, reporting a mismatch if it cannot.
    pub(crate) fn coerce(&mut self, e: ir::Expr, target: &Type) -> ir::Expr {
        match try_coerce(e, target) {
            Ok(e) => e,
            Err(e) => {
                let (expected, found) = (self.show(target), self.show(&e.ty));
                let help = mismatch_help(&e.ty, target);
                self.error(CheckError::Mismatch {
                    span: e.span,
                    expected,
                    found,
                    help,
                });
                ir::Expr {
                    ty: Type::Error,
                    ..e
                }
            }
        }
    }

    fn check_name(&mut self, id: &ast::Ident, expect: Option<&Type>) -> ir::Expr {
        let span = id.span;
        if let Some((local, ty)) = self.frame.lookup(&id.name) {
            let local = node(ExprKind::Local(local), ty.clone(), span);
            match self.frame.definition(&id.name) {
                Some(def) => self.note(span, Target::Local(def)),
                None if id.name == "it" => self.note(span, Target::Element(local.ty.clone())),
                None => {}
            }
            return local;
        }
        if id.name == "it" {
            self.error(CheckError::ItOutsideWhere { span });
            return poisoned(span);
        }
        let decl = self.decls.value(&id.name, id.span.file);
        if let Some((_, def)) = decl {
            self.note(span, Target::Decl(def));
        }
        match decl.map(|(d, _)| d) {
            Some(ValueDecl::State(i)) => {
                let ty = self.state.get(i).cloned().unwrap_or(Type::Error);
                return node(ExprKind::State(StateId(i as u32)), ty, span);
            }
            Some(ValueDecl::Const(i)) => {
                self.edge(Node::Const(i as u32), span);
                let ty = self.const_type(i, span);
                return node(ExprKind::Const(self.const_id(i)), ty, span);
            }
            Some(ValueDecl::Law(i))
                if self.decls.laws.get(i).is_some_and(|l| l.param.is_none()) =>
            {
                self.edge(Node::Law(i as u32), span);
                return node(ExprKind::CallLaw(self.law_id(i), None), Type::Bool, span);
            }
            Some(ValueDecl::Fn(_) | ValueDecl::Law(_)) => {
                self.diags.push(
                    crate::diagnostic::Diagnostic::error(
                        "E0213",
                        span,
                        format!("`{}` must be called", id.name),
                    )
                    .with_label("a function, not a value")
                    .with_help(format!("write `{}(...)` with its arguments", id.name)),
                );
                return poisoned(span);
            }
            None => {}
        }
        if let Some(e) = self.enum_case(id, expect) {
            return e;
        }
        if self.report_private(id) {
            return poisoned(span);
        }
        let suggestion = {
            let local = closest(&id.name, self.frame.names()).map(|(d, c)| (d, c.to_string()));
            let value = self.closest_in(Names::Values(span.file), &id.name);
            let case = self.closest_in(Names::Cases, &id.name);
            [local, value, case]
                .into_iter()
                .flatten()
                .min()
                .map(|(_, c)| c)
        };
        self.error(CheckError::UnknownName {
            span,
            name: id.name.clone(),
            suggestion,
        });
        poisoned(span)
    }

    /// A bare enum case, disambiguated by the expected type when several enums share it.
    fn enum_case(&mut self, id: &ast::Ident, expect: Option<&Type>) -> Option<ir::Expr> {
        let candidates = self.cases.get(&id.name)?.clone();
        let wanted = match expect.map(Type::strip_optional) {
            Some(Type::Enum(e)) => Some(*e),
            Some(Type::List(t) | Type::Set(t)) => match **t {
                Type::Enum(e) => Some(e),
                _ => None,
            },
            _ => None,
        };
        let pick = match candidates.as_slice() {
            [one] => Some(*one),
            many => wanted.and_then(|w| many.iter().find(|(e, _)| *e == w).copied()),
        };
        match pick {
            Some((e, i)) => {
                self.note(id.span, Target::Case(e, i));
                Some(lit(Lit::Enum(e, i), Type::Enum(e), id.span))
            }
            None => {
                let enums = candidates
                    .iter()
                    .map(|(e, _)| self.show(&Type::Enum(*e)))
                    .collect();
                self.error(CheckError::AmbiguousCase {
                    span: id.span,
                    name: id.name.clone(),
                    enums,
                });
                Some(poisoned(id.span))
            }
        }
    }

    /// `Enum.Case`, when `base` names an enum type and nothing in the value namespace.
    fn qualified_case(&mut self, base: &ast::Expr, name: &ast::Ident) -> Option<ir::Expr> {
        let ast::ExprKind::Name(b) = &base.kind else {
            return None;
        };
        if self.frame.lookup(&b.name).is_some() || self.decls.value(&b.name, b.span.file).is_some()
        {
            return None;
        }
        let Some((TypeDecl::Enum(i), decl)) = self.decls.types.get(b.name.as_str()).copied() else {
            return None;
        };
        let id = EnumId(i as u32);
        self.note(b.span, Target::Decl(decl));
        self.note_access(name.span, &Type::Enum(id));
        let def = self.enums.get(i)?;
        let span = base.span.to(name.span);
        let case = def.cases.iter().position(|c| *c == name.name);
        if let Some(case) = case {
            self.note(name.span, Target::Case(id, case as u32));
        }
        let def = self.enums.get(i)?;
        match case {
            Some(case) => Some(lit(Lit::Enum(id, case as u32), Type::Enum(id), span)),
            None => {
                let enum_name = def.name.clone();
                let suggestion = self.suggest_in(Names::CasesOf(id), &name.name);
                self.error(CheckError::UnknownCase {
                    span: name.span,
                    name: name.name.clone(),
                    enum_name,
                    suggestion,
                });
                Some(poisoned(span))
            }
        }
    }

    fn check_field(
        &mut self,
        base: &ast::Expr,
        name: &ast::Ident,
        optional: bool,
        span: Span,
    ) -> ir::Expr {
        if let Some(e) = self.qualified_case(base, name) {
            return e;
        }
        let b = self.check_expr(base, None);
        self.note_access(name.span, &b.ty);
        let (record, through_optional) = match &b.ty {
            Type::Record(r) => (*r, false),
            Type::Optional(inner) => match **inner {
                Type::Record(r) => (r, true),
                _ => return self.no_fields(&b.ty, name),
            },
            Type::Error => return poisoned(span),
            other => {
                let other = other.clone();
                return self.no_fields(&other, name);
            }
        };
        let Some((index, fty)) = self.field_of(record, name) else {
            return poisoned(span);
        };
        if through_optional && !optional {
            let ty = self.show(&b.ty);
            self.error(CheckError::FieldOfOptional {
                span: name.span,
                field: name.name.clone(),
                ty,
            });
            return poisoned(span);
        }
        let refers = self
            .records
            .get(record.0 as usize)
            .and_then(|d| d.fields.get(index as usize))
            .and_then(|f| f.refers);
        let stored = if through_optional {
            node(
                ExprKind::OptField(Box::new(b), index),
                Type::optional(fty),
                span,
            )
        } else {
            node(ExprKind::Field(Box::new(b), index), fty, span)
        };
        match refers {
            Some(target) => self.follow(stored, target),
            None => stored,
        }
    }

    fn no_fields(&mut self, ty: &Type, name: &ast::Ident) -> ir::Expr {
        let ty = self.show(ty);
        self.error(CheckError::UnknownField {
            span: name.span,
            name: name.name.clone(),
            ty,
            suggestion: None,
        });
        poisoned(name.span)
    }

    /// The index and type of `record.name`, reporting an unknown field.
    pub(crate) fn field_of(&mut self, record: RecordId, name: &ast::Ident) -> Option<(u32, Type)> {
        let def = self.records.get(record.0 as usize)?;
        if let Some(i) = def.fields.iter().position(|f| f.name == name.name) {
            let found = def.fields.get(i).map(|f| (i as u32, f.ty.clone()));
            self.note(name.span, Target::Field(record, i as u32));
            return found;
        }
        let ty = def.name.clone();
        let suggestion = self.suggest_in(Names::Fields(record), &name.name);
        self.error(CheckError::UnknownField {
            span: name.span,
            name: name.name.clone(),
            ty,
            suggestion,
        });
        None
    }

    fn check_index(&mut self, base: &ast::Expr, index: &ast::Expr, span: Span) -> ir::Expr {
        let b = self.check_expr(base, None);
        let record = match &b.ty {
            Type::List(t) => match **t {
                Type::Record(r) => Some(r),
                _ => None,
            },
            Type::Error => return poisoned(span),
            _ => None,
        };
        let Some(record) = record else {
            let ty = self.show(&b.ty);
            self.error(CheckError::NotIndexable {
                span: base.span,
                ty,
                why: "not a list of records".into(),
            });
            return poisoned(span);
        };
        let key_ty = self
            .records
            .get(record.0 as usize)
            .and_then(|r| r.id_field.and_then(|i| r.fields.get(i as usize)))
            .map(|f| f.ty.clone());
        let Some(key_ty) = key_ty else {
            let ty = self.show(&b.ty);
            self.error(CheckError::NotIndexable {
                span: base.span,
                ty,
                why: "its records have no `id` field".into(),
            });
            return poisoned(span);
        };
        let key = self.check_expr(index, Some(&key_ty));
        let key = self.coerce(key, &key_ty);
        node(
            ExprKind::Index(Box::new(b), Box::new(key)),
            Type::Record(record),
            span,
        )
    }

    fn check_if(
        &mut self,
        cond: &ast::Expr,
        then: &ast::Expr,
        otherwise: &ast::Expr,
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        let c = self.check_cond(cond, "an `if` condition");
        let a = self.check_expr(then, expect);
        // The `then` branch, once its type is known, hints the `else` branch
        // better than the context (`if c then first(ints) else none` is `Int?`
        // even where a `Decimal?` is wanted); a hint still unknown (`Never`,
        // from `[...]`) never counts.
        let known = |t: &&Type| !contains_never(t) && !t.has_error();
        let hint = Some(&a.ty).filter(known).or(expect.filter(known));
        let b = self.check_expr(otherwise, hint);
        let (a, b, ty) = self.join(a, b, "the `else` branch");
        node(
            ExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
            ty,
            span,
        )
    }

    /// Converts two values to their common type, reporting a mismatch on `b`.
    pub(crate) fn join(
        &mut self,
        a: ir::Expr,
        b: ir::Expr,
        _what: &str,
    ) -> (ir::Expr, ir::Expr, Type) {
        match unify(&a.ty, &b.ty) {
            Some(t) => {
                let a = self.coerce(a, &t);
                let b = self.coerce(b, &t);
                (a, b, t)
            }
            None => {
                let t = a.ty.clone();
                let b = self.coerce(b, &t);
                (a, b, t)
            }
        }
    }

    fn check_match(
        &mut self,
        scrutinee: &ast::Expr,
        arms: &[ast::MatchArm],
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        let s = self.check_expr(scrutinee, None);
        let universe: Vec<String> = match &s.ty {
            Type::Enum(e) => self
                .enums
                .get(e.0 as usize)
                .map(|d| d.cases.clone())
                .unwrap_or_default(),
            Type::Bool => vec!["false".into(), "true".into()],
            Type::Optional(_) => vec!["none".into(), "a value".into()],
            _ => Vec::new(),
        };
        let mut covered = vec![false; universe.len()];
        let mut wildcard = false;
        // A pattern already reported makes coverage unknowable: say nothing more.
        let mut bad_pattern = false;
        let mut out: Vec<ir::Arm> = Vec::new();
        // As for `if`, `expect` only hints the arms; the match's type is theirs
        // unified, which the context then converts.
        let hint: Option<Type> = expect.cloned().filter(|t| !contains_never(t));
        let mut ty: Option<Type> = None;
        for arm in arms {
            // A name bound by `some(x)` is visible in its arm only.
            let mark = self.frame.mark();
            let pattern = self.check_pattern(&arm.pattern, &s.ty);
            bad_pattern |= pattern.is_none();
            let slot = match &pattern {
                Some(ir::Pattern::Case(i)) => Some(*i as usize),
                Some(ir::Pattern::Bool(b)) => Some(usize::from(*b)),
                Some(ir::Pattern::None) => Some(0),
                Some(ir::Pattern::Some(_)) => Some(1),
                _ => None,
            };
            let reachable =
                !wildcard && slot.is_none_or(|i| !covered.get(i).copied().unwrap_or(false));
            if !reachable {
                self.error(CheckError::UnreachableArm { span: arm.span });
            }
            match (&pattern, slot) {
                (Some(ir::Pattern::Wildcard), _) => wildcard = true,
                (_, Some(i)) => {
                    if let Some(c) = covered.get_mut(i) {
                        *c = true;
                    }
                }
                _ => {}
            }
            let body = self.check_expr(&arm.body, ty.as_ref().or(hint.as_ref()));
            self.frame.reset(mark);
            ty = Some(match &ty {
                None => body.ty.clone(),
                Some(t) => unify(t, &body.ty).unwrap_or_else(|| t.clone()),
            });
            out.push(ir::Arm {
                pattern: pattern.unwrap_or(ir::Pattern::Wildcard),
                body,
            });
        }
        let ty = ty.unwrap_or(Type::Error);
        for arm in &mut out {
            let body = std::mem::replace(&mut arm.body, poisoned(span));
            arm.body = self.coerce(body, &ty);
        }
        let missing: Vec<String> = universe
            .iter()
            .zip(&covered)
            .filter(|(_, c)| !**c)
            .map(|(n, _)| n.clone())
            .collect();
        if !wildcard
            && !bad_pattern
            && !s.ty.has_error()
            && (universe.is_empty() || !missing.is_empty())
        {
            let missing = if universe.is_empty() {
                vec!["_".to_string()]
            } else {
                missing
            };
            self.error(CheckError::NonExhaustive {
                span: scrutinee.span,
                missing,
            });
        }
        node(ExprKind::Match(Box::new(s), out), ty, span)
    }

    fn check_pattern(&mut self, p: &ast::Pattern, ty: &Type) -> Option<ir::Pattern> {
        let (span, case) = match p {
            ast::Pattern::Wildcard(_) => return Some(ir::Pattern::Wildcard),
            ast::Pattern::Bool(b, span) => {
                return match ty {
                    Type::Bool => Some(ir::Pattern::Bool(*b)),
                    _ => self.bad_pattern(*span, ty),
                }
            }
            ast::Pattern::None(span) => {
                return match ty {
                    Type::Optional(_) => Some(ir::Pattern::None),
                    _ => self.bad_pattern(*span, ty),
                }
            }
            ast::Pattern::Some(c, x) => {
                let inner = match ty {
                    Type::Optional(inner) if c.name == "some" => (**inner).clone(),
                    _ => {
                        // Reported once; the name is still bound, so that the
                        // arm's uses of it report nothing more.
                        self.bind_local(x, Type::Error, LocalKind::Bound);
                        if c.name != "some" {
                            self.error(CheckError::UnknownConstructor {
                                span: c.span.to(x.span),
                                name: c.name.clone(),
                            });
                            return None;
                        }
                        return self.bad_pattern(c.span.to(x.span), ty);
                    }
                };
                let local = self.bind_local(x, inner, LocalKind::Bound);
                return Some(ir::Pattern::Some(local));
            }
            ast::Pattern::Name(id) => (id.span, id),
            ast::Pattern::Qualified(e, c) => {
                let matches_enum = matches!(ty, Type::Enum(id) if self.enums.get(id.0 as usize).is_some_and(|d| d.name == e.name));
                if !matches_enum {
                    return self.bad_pattern(e.span.to(c.span), ty);
                }
                if let Some((_, def)) = self.decls.types.get(e.name.as_str()).copied() {
                    self.note(e.span, Target::Decl(def));
                }
                (e.span.to(c.span), c)
            }
        };
        let Type::Enum(id) = ty else {
            return self.bad_pattern(span, ty);
        };
        let def = self.enums.get(id.0 as usize)?;
        match def.cases.iter().position(|c| *c == case.name) {
            Some(i) => {
                self.note(case.span, Target::Case(*id, i as u32));
                Some(ir::Pattern::Case(i as u32))
            }
            None => {
                let enum_name = def.name.clone();
                let suggestion = self.suggest_in(Names::CasesOf(*id), &case.name);
                self.error(CheckError::UnknownCase {
                    span: case.span,
                    name: case.name.clone(),
                    enum_name,
                    suggestion,
                });
                None
            }
        }
    }

    fn bad_pattern(&mut self, span: Span, ty: &Type) -> Option<ir::Pattern> {
        if !ty.has_error() {
            let ty = self.show(ty);
            self.error(CheckError::BadPattern { span, ty });
        }
        None
    }

    fn check_record(
        &mut self,
        name: &ast::Ident,
        fields: &[ast::FieldInit],
        span: Span,
    ) -> ir::Expr {
        let record = match self.decls.types.get(name.name.as_str()).copied() {
            Some((TypeDecl::Record(i), def)) => {
                self.note(name.span, Target::Decl(def));
                RecordId(i as u32)
            }
            _ => {
                let suggestion = self.suggest_in(Names::Records, &name.name);
                self.error(CheckError::UnknownType {
                    span: name.span,
                    name: name.name.clone(),
                    suggestion,
                });
                return poisoned(span);
            }
        };
        let given = self.check_field_inits(record, fields);
        let Some(def) = self.records.get(record.0 as usize) else {
            return poisoned(span);
        };
        let mut values = Vec::new();
        let mut missing = Vec::new();
        for (i, f) in def.fields.iter().enumerate() {
            match given.iter().find(|(j, _)| *j as usize == i) {
                Some((_, v)) => values.push(v.clone()),
                None if matches!(f.ty, Type::Optional(_)) => {
                    values.push(lit(Lit::None, f.ty.clone(), span))
                }
                None => missing.push(f.name.clone()),
            }
        }
        if !missing.is_empty() {
            let record = def.name.clone();
            self.error(CheckError::MissingFields {
                span: name.span,
                record,
                fields: missing,
            });
            return poisoned(span);
        }
        node(ExprKind::Record(record, values), Type::Record(record), span)
    }

    /// `f: v` pairs checked against `record`'s fields (unknown and repeated fields reported).
    fn check_field_inits(
        &mut self,
        record: RecordId,
        fields: &[ast::FieldInit],
    ) -> Vec<(u32, ir::Expr)> {
        let mut out: Vec<(u32, ir::Expr)> = Vec::new();
        for (n, f) in fields.iter().enumerate() {
            if let Some(first) = fields.iter().take(n).find(|g| g.name.name == f.name.name) {
                self.error(CheckError::Duplicate {
                    span: f.name.span,
                    what: "field",
                    name: f.name.name.clone(),
                    first: first.name.span,
                });
                continue;
            }
            let Some((index, ty)) = self.field_of(record, &f.name) else {
                self.check_expr(&f.value, None);
                continue;
            };
            let v = self.check_expr(&f.value, Some(&ty));
            let v = self.coerce(v, &ty);
            out.push((index, v));
        }
        out
    }

    fn check_with(&mut self, base: &ast::Expr, fields: &[ast::FieldInit], span: Span) -> ir::Expr {
        let b = self.check_expr(base, None);
        let record = match b.ty {
            Type::Record(r) => r,
            Type::Error => return poisoned(span),
            ref other => {
                let found = self.show(other);
                self.error(CheckError::Mismatch {
                    span: base.span,
                    expected: "a record".into(),
                    found,
                    help: Some("`with` copies a record with some fields replaced".into()),
                });
                return poisoned(span);
            }
        };
        let updates = self.check_field_inits(record, fields);
        node(
            ExprKind::With(Box::new(b), updates),
            Type::Record(record),
            span,
        )
    }

    fn check_collection(
        &mut self,
        items: &[ast::Expr],
        is_set: bool,
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        let elem_expect = expect
            .map(Type::strip_optional)
            .and_then(Type::element)
            .cloned();
        let mut checked = Vec::new();
        let mut elem = elem_expect.clone().unwrap_or(Type::Never);
        for item in items {
            let e = self.check_expr(item, elem_expect.as_ref().or(Some(&elem)));
            if let Some(t) = unify(&elem, &e.ty) {
                elem = t;
            }
            checked.push(e);
        }
        let values: Vec<ir::Expr> = checked.into_iter().map(|e| self.coerce(e, &elem)).collect();
        if is_set {
            node(ExprKind::Set(values), Type::set(elem), span)
        } else {
            node(ExprKind::List(values), Type::list(elem), span)
        }
    }
}

/// Converts without reporting: `Err` gives the expression back.
pub(crate) fn try_coerce(e: ir::Expr, target: &Type) -> Result<ir::Expr, ir::Expr> {
    if e.ty == *target || e.ty.has_error() || target.has_error() {
        return Ok(e);
    }
    match (&e.ty, target) {
        (Type::Int, Type::Decimal) => Ok(int_to_dec(e)),
        // A literal `none` is `none` of every optional type.
        (Type::Optional(inner), Type::Optional(t))
            if **inner == Type::Never
                || **inner == **t
                || matches!(e.kind, ExprKind::Lit(Lit::None)) =>
        {
            Ok(ir::Expr {
                ty: target.clone(),
                ..e
            })
        }
        (Type::Optional(_), _) => Err(e),
        (_, Type::Optional(t)) => try_coerce(e, t).map(|e| ir::Expr {
            ty: target.clone(),
            ..e
        }),
        (Type::List(a), Type::List(b)) | (Type::Set(a), Type::Set(b))
            if **a == Type::Never || unify(a, b).as_ref() == Some(&**b) =>
        {
            coerce_elements(e, b, target)
        }
        _ => Err(e),
    }
}

/// `[1, 2]` where a `List<Decimal>` is wanted: convert each literal element.
fn coerce_elements(e: ir::Expr, elem: &Type, target: &Type) -> Result<ir::Expr, ir::Expr> {
    let ir::Expr { kind, ty, span } = e;
    let rebuild = |items: Vec<ir::Expr>| -> Result<Vec<ir::Expr>, ()> {
        items
            .into_iter()
            .map(|i| try_coerce(i, elem).map_err(|_| ()))
            .collect()
    };
    match kind {
        ExprKind::List(items) => match rebuild(items.clone()) {
            Ok(items) => Ok(node(ExprKind::List(items), target.clone(), span)),
            Err(()) => Err(node(ExprKind::List(items), ty, span)),
        },
        ExprKind::Set(items) => match rebuild(items.clone()) {
            Ok(items) => Ok(node(ExprKind::Set(items), target.clone(), span)),
            Err(()) => Err(node(ExprKind::Set(items), ty, span)),
        },
        kind if matches!(ty.element(), Some(Type::Never)) => Ok(node(kind, target.clone(), span)),
        kind => Err(node(kind, ty, span)),
    }
}

fn int_to_dec(e: ir::Expr) -> ir::Expr {
    let span = e.span;
    match e.kind {
        ExprKind::Lit(Lit::Int(n)) => lit(Lit::Dec(Dec::from_int(n)), Type::Decimal, span),
        _ => node(ExprKind::IntToDec(Box::new(e)), Type::Decimal, span),
    }
}

fn mismatch_help(found: &Type, expected: &Type) -> Option<String> {
    match (found, expected) {
        (Type::Optional(_), t) if !matches!(t, Type::Optional(_)) => {
            Some("this may be `none`: give a default with `??`".into())
        }
        (Type::Decimal, Type::Int) => {
            Some("round explicitly with `floor`, `ceil` or `round`".into())
        }
        (Type::Int, Type::Duration) => {
            Some("write a duration with its unit, for example `30 days`".into())
        }
        (Type::Text, Type::Date) => {
            Some("write a date without quotes, for example `2026-01-31`".into())
        }
        _ => None,
    }
}
