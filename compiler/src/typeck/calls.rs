//! Calls (fns, laws, built-ins), aggregates, comprehensions and `where`.

use super::collections::collection_builtin;
use super::error::CheckError;
use super::expr::{node, poisoned, unify};
use super::index::{LocalKind, Target};
use super::keyed::is_keyed;
use super::{Checker, Node};
use crate::diagnostic::closest;
use crate::ir::{self, Builtin, Calendar, ExprKind, FnId, LoopKind, Num};
use crate::resolve::decls::{is_builtin, ValueDecl, BUILTINS, SHADOWABLE_BUILTINS};
use crate::span::Span;
use crate::syntax::ast::{self, CallArgs, CollectionKind};
use crate::types::Type;

fn num_of(t: &Type) -> Option<Num> {
    match t {
        Type::Int => Some(Num::Int),
        Type::Decimal => Some(Num::Dec),
        Type::Duration => Some(Num::Duration),
        Type::Period => Some(Num::Period),
        _ => None,
    }
}

/// The parts of `fold(acc: T = init, var in source) => body`.
pub(crate) struct FoldParts<'e> {
    pub acc: &'e ast::Ident,
    pub acc_ty: Option<&'e ast::TypeExpr>,
    pub init: &'e ast::Expr,
    pub var: &'e ast::Ident,
    pub source: &'e ast::Expr,
    pub body: &'e ast::Expr,
}

impl Checker<'_> {
    /// `fold(acc = init, x in xs) => body`: the accumulator's type is the
    /// declared one, else the expected one, else `init`'s; `body` must have it.
    pub(crate) fn check_fold(
        &mut self,
        f: FoldParts<'_>,
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        let declared = f.acc_ty.map(|t| self.resolve_type(t));
        let wanted = declared.clone().or_else(|| expect.cloned());
        let init = self.check_expr(f.init, wanted.as_ref());
        let ty = match (&declared, expect) {
            (Some(t), _) => t.clone(),
            (None, Some(t)) if unify(t, &init.ty).as_ref() == Some(t) => t.clone(),
            _ => init.ty.clone(),
        };
        let init = self.coerce(init, &ty);
        let source = self.check_expr(f.source, None);
        let elem_ty = self.element_of(&source, "the collection of a `fold`");
        let mark = self.frame.mark();
        let acc = self.bind_local(f.acc, ty.clone(), LocalKind::Bound);
        let var = self.bind_local(f.var, elem_ty, LocalKind::Bound);
        let body = self.check_expr(f.body, Some(&ty));
        let body = self.coerce(body, &ty);
        self.frame.reset(mark);
        if ty.has_error() || source.ty.has_error() {
            return poisoned(span);
        }
        let fold = ir::Fold {
            acc,
            init,
            var,
            source,
            body,
        };
        node(ExprKind::Fold(Box::new(fold)), ty, span)
    }

    pub(crate) fn check_call(
        &mut self,
        callee: &ast::Ident,
        args: &CallArgs,
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        let decl = self
            .decls
            .value(&callee.name, callee.span.file)
            .map(|(d, _)| d);
        if let CallArgs::List(list) = args {
            let keyed = decl.is_none() && is_keyed(&callee.name, list);
            let named = list.iter().find_map(|a| match &a.kind {
                ast::ExprKind::Named { name, .. } if !keyed => Some(name),
                _ => None,
            });
            if let Some(name) = named {
                self.error(CheckError::NamedArgument {
                    span: name.span,
                    name: format!("{}:", name.name),
                    callee: Some(callee.name.clone()),
                });
                return poisoned(span);
            }
        }
        if let Some((_, def)) = self.decls.value(&callee.name, callee.span.file) {
            self.note(callee.span, Target::Decl(def));
        } else if crate::resolve::decls::is_builtin(&callee.name) {
            self.note(callee.span, Target::Builtin(callee.name.clone()));
        }
        match decl {
            Some(ValueDecl::Fn(i)) => return self.call_fn(i, callee, args, span),
            Some(ValueDecl::Law(i)) => return self.call_law(i, callee, args, span),
            Some(ValueDecl::State(_)) => return self.not_callable(callee, "a state name", span),
            Some(ValueDecl::Const(_)) => return self.not_callable(callee, "a constant", span),
            None => {}
        }
        if self.frame.lookup(&callee.name).is_some() {
            return self.not_callable(callee, "a local value", span);
        }
        match args {
            CallArgs::Generator(g) => self.call_aggregate(callee, g, span, expect),
            CallArgs::List(list) => self.call_builtin(callee, list, span, expect),
        }
    }

    fn not_callable(&mut self, callee: &ast::Ident, what: &'static str, span: Span) -> ir::Expr {
        self.error(CheckError::NotCallable {
            span: callee.span,
            name: callee.name.clone(),
            what,
        });
        poisoned(span)
    }

    fn plain_args<'e>(
        &mut self,
        callee: &ast::Ident,
        args: &'e CallArgs,
    ) -> Option<&'e [ast::Expr]> {
        match args {
            CallArgs::List(list) => Some(list),
            CallArgs::Generator(_) => {
                self.error(CheckError::GeneratorNotAllowed {
                    span: callee.span,
                    name: callee.name.clone(),
                });
                None
            }
        }
    }

    pub(crate) fn arg_count(
        &mut self,
        callee: &ast::Ident,
        span: Span,
        expected: usize,
        found: usize,
    ) -> bool {
        if expected == found {
            return true;
        }
        let expected = match expected {
            0 => "no arguments".to_string(),
            1 => "1 argument".to_string(),
            n => format!("{n} arguments"),
        };
        self.error(CheckError::ArgCount {
            span,
            callee: callee.name.clone(),
            expected,
            found,
        });
        false
    }

    fn call_fn(&mut self, i: usize, callee: &ast::Ident, args: &CallArgs, span: Span) -> ir::Expr {
        let Some(list) = self.plain_args(callee, args) else {
            return poisoned(span);
        };
        let Some((params, ret)) = self.fn_sigs.get(i).cloned() else {
            return poisoned(span);
        };
        if !self.arg_count(callee, span, params.len(), list.len()) {
            return poisoned(span);
        }
        self.edge(Node::Fn(i as u32), callee.span);
        let args = list.iter().zip(&params).map(|(a, t)| {
            let v = self.check_expr(a, Some(t));
            self.coerce(v, t)
        });
        let args = args.collect();
        node(ExprKind::CallFn(FnId(i as u32), args), ret, span)
    }

    fn call_law(&mut self, i: usize, callee: &ast::Ident, args: &CallArgs, span: Span) -> ir::Expr {
        let Some(list) = self.plain_args(callee, args) else {
            return poisoned(span);
        };
        self.edge(Node::Law(i as u32), callee.span);
        let param = self.law_param_type(i);
        let expected = usize::from(param.is_some());
        if !self.arg_count(callee, span, expected, list.len()) {
            return poisoned(span);
        }
        let arg = match (param, list.first()) {
            (Some(t), Some(a)) => {
                let v = self.check_expr(a, Some(&t));
                Some(Box::new(self.coerce(v, &t)))
            }
            _ => None,
        };
        node(ExprKind::CallLaw(self.law_id(i), arg), Type::Bool, span)
    }

    /// The element type of a collection, reporting anything else.
    pub(crate) fn element_of(&mut self, e: &ir::Expr, context: &'static str) -> Type {
        match &e.ty {
            Type::List(t) | Type::Set(t) => (**t).clone(),
            Type::Error => Type::Error,
            other => {
                let ty = self.show(other);
                self.error(CheckError::NotACollection {
                    span: e.span,
                    ty,
                    context,
                });
                Type::Error
            }
        }
    }

    /// Checks a generator: its clauses, each with its variables bound while
    /// checking the later clauses and the element, then the element.
    fn check_generator(
        &mut self,
        g: &ast::Generator,
        elem_expect: Option<&Type>,
    ) -> (Vec<ir::Clause>, ir::Expr) {
        let mark = self.frame.mark();
        let clauses = g.clauses.iter().map(|c| self.check_clause(c)).collect();
        let elem = self.check_expr(&g.elem, elem_expect);
        self.frame.reset(mark);
        (clauses, elem)
    }

    fn make_loop(
        kind: LoopKind,
        (clauses, elem): (Vec<ir::Clause>, ir::Expr),
        ty: Type,
        span: Span,
    ) -> ir::Expr {
        let l = ir::Loop {
            kind,
            clauses,
            elem,
        };
        node(ExprKind::Loop(Box::new(l)), ty, span)
    }

    pub(crate) fn check_comprehension(
        &mut self,
        kind: CollectionKind,
        g: &ast::Generator,
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        let elem_expect = expect.and_then(Type::element).cloned();
        let parts = self.check_generator(g, elem_expect.as_ref());
        let elem = parts.1.ty.clone();
        match kind {
            CollectionKind::List => Self::make_loop(LoopKind::List, parts, Type::list(elem), span),
            CollectionKind::Set => Self::make_loop(LoopKind::Set, parts, Type::set(elem), span),
        }
    }

    pub(crate) fn check_where(
        &mut self,
        source: &ast::Expr,
        cond: &ast::Expr,
        span: Span,
    ) -> ir::Expr {
        let src = self.check_expr(source, None);
        let elem_ty = self.element_of(&src, "the collection before `where`");
        let is_set = matches!(src.ty, Type::Set(_));
        let mark = self.frame.mark();
        let var = self.frame.bind("it", elem_ty.clone());
        let filter = self.check_cond(cond, "a `where` condition");
        self.frame.reset(mark);
        let elem = node(ExprKind::Local(var), elem_ty.clone(), source.span);
        let ty = src.ty.clone();
        let kind = if is_set {
            LoopKind::Set
        } else {
            LoopKind::List
        };
        let ty = if ty.has_error() {
            Type::Error
        } else if is_set {
            Type::set(elem_ty)
        } else {
            Type::list(elem_ty)
        };
        let clause = ir::Clause {
            var,
            index: None,
            source: src,
            filter: Some(filter),
        };
        Self::make_loop(kind, (vec![clause], elem), ty, span)
    }

    fn unknown_function(&mut self, callee: &ast::Ident, span: Span) -> ir::Expr {
        if self.report_private(callee) {
            return poisoned(span);
        }
        let builtins = BUILTINS.iter().chain(SHADOWABLE_BUILTINS).copied();
        let builtin = closest(&callee.name, builtins).map(|(d, c)| (d, c.to_string()));
        let value = self.closest_in(super::Names::Values(callee.span.file), &callee.name);
        let suggestion = builtin.into_iter().chain(value).min().map(|(_, c)| c);
        self.error(CheckError::UnknownFunction {
            span: callee.span,
            name: callee.name.clone(),
            suggestion,
        });
        poisoned(span)
    }

    fn call_aggregate(
        &mut self,
        callee: &ast::Ident,
        g: &ast::Generator,
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        let name = callee.name.as_str();
        if !matches!(name, "count" | "sum" | "min" | "max" | "all" | "any") {
            if is_builtin(name) {
                self.error(CheckError::GeneratorNotAllowed {
                    span: callee.span,
                    name: callee.name.clone(),
                });
                return poisoned(span);
            }
            return self.unknown_function(callee, span);
        }
        let elem_expect = match name {
            "all" | "any" => Some(Type::Bool),
            // Only a hint: the elements of an aggregate wanted as `T?` are `T`s.
            "sum" | "min" | "max" => expect.map(Type::strip_optional).cloned(),
            _ => None,
        };
        let parts = self.check_generator(g, elem_expect.as_ref());
        let elem = parts.1.ty.clone();
        if elem.has_error() {
            return poisoned(span);
        }
        match name {
            "count" => Self::make_loop(LoopKind::Count, parts, Type::Int, span),
            "sum" => match num_of(&elem) {
                Some(n) => Self::make_loop(LoopKind::Sum(n), parts, elem, span),
                None => self.bad_elements(
                    "sum",
                    &elem,
                    parts.1.span,
                    "`sum` adds Int, Decimal, Duration or Period values",
                ),
            },
            "min" | "max" => {
                if !elem.is_ordered() {
                    let ty = self.show(&elem);
                    self.error(CheckError::NotOrdered {
                        span: parts.1.span,
                        ty,
                        context: if name == "min" { "`min`" } else { "`max`" },
                    });
                    return poisoned(span);
                }
                let kind = if name == "min" {
                    LoopKind::Min
                } else {
                    LoopKind::Max
                };
                Self::make_loop(kind, parts, elem, span)
            }
            _ => {
                if elem != Type::Bool {
                    let found = self.show(&elem);
                    self.error(CheckError::NotBool {
                        span: parts.1.span,
                        what: "the element of `all`/`any`",
                        found,
                    });
                    return poisoned(span);
                }
                let kind = if name == "all" {
                    LoopKind::All
                } else {
                    LoopKind::Any
                };
                Self::make_loop(kind, parts, Type::Bool, span)
            }
        }
    }

    fn bad_elements(&mut self, op: &str, elem: &Type, span: Span, help: &str) -> ir::Expr {
        let lhs = self.show(elem);
        self.error(CheckError::BadOperands {
            span,
            op: op.into(),
            lhs,
            rhs: None,
            help: Some(help.into()),
        });
        poisoned(span)
    }

    fn call_builtin(
        &mut self,
        callee: &ast::Ident,
        list: &[ast::Expr],
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        let name = callee.name.as_str();
        if name == "enumerate" {
            self.error(CheckError::Enumerate {
                span: callee.span,
                in_clause: false,
            });
            return poisoned(span);
        }
        if !is_builtin(name) {
            return self.unknown_function(callee, span);
        }
        if is_keyed(name, list) {
            return self.check_keyed(callee, list, span);
        }
        if let Some((b, n)) = collection_builtin(name) {
            if !self.arg_count(callee, span, n, list.len()) {
                return poisoned(span);
            }
            return self.check_collection_builtin(b, list, span, expect);
        }
        if matches!(name, "min" | "max") && list.len() >= 2 {
            return self.min_max_of(name, list, span, expect);
        }
        if matches!(name, "round" | "floor" | "ceil") && list.len() >= 2 {
            return self.round_to(callee, list, span);
        }
        let expected = match name {
            "range" | "pow" | "contains" | "starts_with" | "ends_with" => 2,
            "mul_div" => 3,
            _ => 1,
        };
        if !self.arg_count(callee, span, expected, list.len()) {
            return poisoned(span);
        }
        let args: Vec<ir::Expr> = list.iter().map(|a| self.check_expr(a, None)).collect();
        if args.iter().any(|a| a.ty.has_error()) {
            return poisoned(span);
        }
        let first_ty = args.first().map(|a| a.ty.clone()).unwrap_or(Type::Error);
        let elem = first_ty.element().cloned();
        let arg_span = args.first().map(|a| a.span).unwrap_or(span);
        let (builtin, ty) = match (name, &first_ty, elem) {
            ("count", _, Some(_)) => (Builtin::Count, Type::Int),
            ("len", Type::List(_) | Type::Set(_) | Type::Text, _) => (Builtin::Len, Type::Int),
            ("sum", _, Some(e)) => match num_of(&e) {
                Some(n) => (Builtin::Sum(n), e),
                None => {
                    return self.bad_elements(
                        "sum",
                        &first_ty,
                        arg_span,
                        "`sum` adds Int, Decimal, Duration or Period values",
                    )
                }
            },
            ("min" | "max", _, Some(e)) => {
                if !e.is_ordered() {
                    let ty = self.show(&e);
                    self.error(CheckError::NotOrdered {
                        span: arg_span,
                        ty,
                        context: "`min` and `max`",
                    });
                    return poisoned(span);
                }
                (
                    if name == "min" {
                        Builtin::Min
                    } else {
                        Builtin::Max
                    },
                    e,
                )
            }
            ("all" | "any", _, Some(Type::Bool | Type::Never)) => (
                if name == "all" {
                    Builtin::All
                } else {
                    Builtin::Any
                },
                Type::Bool,
            ),
            ("first", _, Some(e)) => (Builtin::First, Type::optional(e)),
            ("sorted", _, Some(e)) => {
                if !e.is_ordered() && !matches!(e, Type::Enum(_) | Type::Never) {
                    let ty = self.show(&e);
                    self.error(CheckError::NotOrdered {
                        span: arg_span,
                        ty,
                        context: "`sorted`",
                    });
                    return poisoned(span);
                }
                (Builtin::Sorted, Type::list(e))
            }
            ("range", _, _) => return self.range(args, span),
            ("pow", _, _) => return self.pow(args, span),
            ("mul_div", _, _) => return self.mul_div(args, span),
            ("isqrt", Type::Int, _) => (Builtin::Isqrt(Num::Int), Type::Int),
            ("isqrt", Type::Decimal, _) => (Builtin::Isqrt(Num::Dec), Type::Decimal),
            ("sqrt", Type::Int | Type::Decimal, _) => {
                let args = args
                    .into_iter()
                    .map(|a| self.coerce(a, &Type::Decimal))
                    .collect();
                return node(ExprKind::Builtin(Builtin::Sqrt, args), Type::Decimal, span);
            }
            ("floor" | "ceil" | "round", Type::Int | Type::Decimal, _) => {
                let b = match name {
                    "floor" => Builtin::Floor,
                    "ceil" => Builtin::Ceil,
                    _ => Builtin::Round,
                };
                let args = args
                    .into_iter()
                    .map(|a| self.coerce(a, &Type::Decimal))
                    .collect();
                return node(ExprKind::Builtin(b, args), Type::Int, span);
            }
            (_, Type::Date | Type::Instant, _) if calendar(name).is_some() => {
                let c = calendar(name).unwrap_or(Calendar::Year);
                if first_ty == Type::Date
                    && matches!(c, Calendar::Hour | Calendar::Minute | Calendar::Second)
                {
                    return self.wrong_argument_type(name, &first_ty, arg_span, "an Instant");
                }
                let ty = if c.gives_date() {
                    Type::Date
                } else {
                    Type::Int
                };
                (Builtin::Calendar(c), ty)
            }
            ("instant", Type::Date, _) => (Builtin::InstantOf, Type::Instant),
            ("date", Type::Instant, _) => (Builtin::DateOf, Type::Date),
            ("text", _, _) => (Builtin::Text, Type::Text),
            ("lower", Type::Text, _) => (Builtin::Lower, Type::Text),
            ("upper", Type::Text, _) => (Builtin::Upper, Type::Text),
            ("contains" | "starts_with" | "ends_with", Type::Text, _) => {
                return self.text_test(name, args, span)
            }
            ("abs", t, _) if num_of(t).is_some() => {
                let n = num_of(t).unwrap_or(Num::Int);
                (Builtin::Abs(n), t.clone())
            }
            _ => {
                let elem_of_first = first_ty.element().is_some();
                let found = self.show(&first_ty);
                let wanted = match name {
                    "floor" | "ceil" | "round" | "sqrt" => "Decimal",
                    "isqrt" => "Int or Decimal",
                    "abs" => "Int, Decimal, Duration or Period",
                    "year" | "month" | "day" | "weekday" | "month_start" | "quarter_start"
                    | "year_start" => "a Date or an Instant",
                    "hour" | "minute" | "second" | "date" => "an Instant",
                    "instant" => "a Date",
                    "len" => "a list, set or text",
                    "all" | "any" => "a list or set of Bool",
                    "lower" | "upper" | "contains" | "starts_with" | "ends_with" => "Text",
                    _ => "a list or set",
                };
                let help = match (name, elem_of_first) {
                    ("contains", true) => "for a list or set, write `x in xs`".into(),
                    _ => format!("`{name}` takes {wanted}"),
                };
                self.error(CheckError::Mismatch {
                    span: arg_span,
                    expected: wanted.into(),
                    found,
                    help: Some(help),
                });
                return poisoned(span);
            }
        };
        node(ExprKind::Builtin(builtin, args), ty, span)
    }

    /// E0200 for a builtin's argument of the wrong type.
    fn wrong_argument_type(
        &mut self,
        name: &str,
        found: &Type,
        span: Span,
        wanted: &str,
    ) -> ir::Expr {
        let found = self.show(found);
        self.error(CheckError::Mismatch {
            span,
            expected: wanted.into(),
            found,
            help: Some(format!("`{name}` takes {wanted}")),
        });
        poisoned(span)
    }

    fn range(&mut self, args: Vec<ir::Expr>, span: Span) -> ir::Expr {
        let args: Vec<ir::Expr> = args
            .into_iter()
            .map(|a| self.coerce(a, &Type::Int))
            .collect();
        node(
            ExprKind::Builtin(Builtin::Range, args),
            Type::list(Type::Int),
            span,
        )
    }

    /// `contains(t, part)`, `starts_with(t, prefix)`, `ends_with(t, suffix)`:
    /// two Texts (the first already checked) to a Bool.
    fn text_test(&mut self, name: &str, args: Vec<ir::Expr>, span: Span) -> ir::Expr {
        let b = match name {
            "contains" => Builtin::Contains,
            "starts_with" => Builtin::StartsWith,
            _ => Builtin::EndsWith,
        };
        self.builtin_of(b, args, &Type::Text, Type::Bool, span)
    }

    /// `mul_div(a, b, c)`: three Decimals (Ints widen).
    fn mul_div(&mut self, args: Vec<ir::Expr>, span: Span) -> ir::Expr {
        self.builtin_of(Builtin::MulDiv, args, &Type::Decimal, Type::Decimal, span)
    }

    /// `b(args)` of type `ty`, every argument converted to `arg` (an Int
    /// widens to a Decimal) or reported.
    fn builtin_of(
        &mut self,
        b: Builtin,
        args: Vec<ir::Expr>,
        arg: &Type,
        ty: Type,
        span: Span,
    ) -> ir::Expr {
        let args: Vec<ir::Expr> = args.into_iter().map(|a| self.coerce(a, arg)).collect();
        if args.iter().any(|a| a.ty.has_error()) {
            return poisoned(span);
        }
        node(ExprKind::Builtin(b, args), ty, span)
    }

    /// `pow(d, n)`: a Decimal (an Int widens) to an Int power.
    fn pow(&mut self, args: Vec<ir::Expr>, span: Span) -> ir::Expr {
        let mut it = args.into_iter();
        let (Some(base), Some(exp)) = (it.next(), it.next()) else {
            return poisoned(span);
        };
        let base = self.coerce(base, &Type::Decimal);
        let exp = self.coerce(exp, &Type::Int);
        if base.ty.has_error() || exp.ty.has_error() {
            return poisoned(span);
        }
        node(
            ExprKind::Builtin(Builtin::Pow, vec![base, exp]),
            Type::Decimal,
            span,
        )
    }

    fn min_max_of(
        &mut self,
        name: &str,
        list: &[ast::Expr],
        span: Span,
        expect: Option<&Type>,
    ) -> ir::Expr {
        // Only a hint: the values compared for a `T?` are `T`s (optionals are unordered).
        let hint = expect.map(Type::strip_optional);
        let args: Vec<ir::Expr> = list.iter().map(|a| self.check_expr(a, hint)).collect();
        if args.iter().any(|a| a.ty.has_error()) {
            return poisoned(span);
        }
        let mut ty = args.first().map(|a| a.ty.clone()).unwrap_or(Type::Error);
        for a in args.iter().skip(1) {
            match unify(&ty, &a.ty) {
                Some(t) => ty = t,
                None => {
                    let (expected, found) = (self.show(&ty), self.show(&a.ty));
                    self.error(CheckError::Mismatch {
                        span: a.span,
                        expected,
                        found,
                        help: Some(format!("all arguments of `{name}` must have one type")),
                    });
                    return poisoned(span);
                }
            }
        }
        if !ty.is_ordered() {
            let shown = self.show(&ty);
            self.error(CheckError::NotOrdered {
                span,
                ty: shown,
                context: if name == "min" { "`min`" } else { "`max`" },
            });
            return poisoned(span);
        }
        let args = args.into_iter().map(|a| self.coerce(a, &ty)).collect();
        let b = if name == "min" {
            Builtin::MinOf
        } else {
            Builtin::MaxOf
        };
        node(ExprKind::Builtin(b, args), ty, span)
    }
}

/// The calendar builtin named `name`.
fn calendar(name: &str) -> Option<Calendar> {
    Calendar::ALL.into_iter().find(|c| c.name() == name)
}
