//! Expressions: leaves, literals, and the forms every type shares (`if`,
//! `match`, calls, fields, `??`, aggregates, comprehensions, `where`).

use crate::gen::{random_date, underscored, Gen, DATES, DEC_LITS, EDGE_INTS, TEXTS};
use crate::model::{c, quote_polity, t, Field, Node, Ty};

impl Gen {
    // ---- expressions -------------------------------------------------------

    /// Names of this type in scope (locals shadow globals and each other).
    pub(crate) fn vars_of(&self, ty: &Ty) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (n, t) in self.scope.iter().rev() {
            if !seen.contains(&n.as_str()) {
                seen.push(n);
                if t == ty {
                    out.push(n.clone());
                }
            }
        }
        for (n, t) in &self.globals {
            if t == ty && !seen.contains(&n.as_str()) {
                out.push(n.clone());
            }
        }
        out
    }

    /// An expression where the context gives the wanted type, so `[]`, `{}`
    /// and `none` are allowed at the top.
    pub fn typed(&mut self, ty: &Ty, d: u32) -> Node {
        if d > 0 && matches!(ty, Ty::List(_) | Ty::Set(_) | Ty::Opt(_)) && self.rng.chance(1, 8) {
            // `[]`, `{}` or `none` first, so only the context can type it
            let empty = match ty {
                Ty::List(_) => "[]",
                Ty::Set(_) => "{}",
                _ => "none",
            };
            let cond = self.gen(&Ty::Bool, d - 1);
            let other = self.gen(ty, d - 1);
            let parts = if self.rng.chance(1, 2) {
                vec![
                    t("(if "),
                    c(cond),
                    t(format!(" then {empty} else ")),
                    c(other),
                    t(")"),
                ]
            } else {
                vec![
                    t("(match ("),
                    c(cond),
                    t(format!(") {{ true => {empty}, _ => ")),
                    c(other),
                    t(" })"),
                ]
            };
            return Node::new(ty.clone(), parts);
        }
        if self.rng.chance(1, 8) {
            match ty {
                Ty::List(_) => return Node::leaf(ty.clone(), "[]"),
                Ty::Set(_) => return Node::leaf(ty.clone(), "{}"),
                Ty::Opt(_) => return Node::leaf(ty.clone(), "none"),
                _ => {}
            }
        }
        if let Ty::Enum(e) = ty {
            if self.rng.chance(1, 4) {
                // a bare case, even one several enums share: the context decides
                let case = self.rng.pick(&self.ch.enums[*e].cases).clone();
                return Node::leaf(ty.clone(), case);
            }
        }
        match ty {
            Ty::Dec if self.rng.chance(1, 5) => {
                // an Int, converted to a Decimal by the checker
                let v = self.gen(&Ty::Int, d);
                return Node::new(ty.clone(), vec![c(v)]);
            }
            Ty::List(e) | Ty::Set(e) if **e == Ty::Dec && self.rng.chance(1, 4) => {
                // Ints in a literal, converted element by element
                let (open, close) = if matches!(ty, Ty::List(_)) {
                    ("[", "]")
                } else {
                    ("{", "}")
                };
                let mut parts = vec![t(open)];
                for i in 0..1 + self.rng.below(3) {
                    if i > 0 {
                        parts.push(t(", "));
                    }
                    parts.push(c(self.gen(&Ty::Int, d.min(1))));
                }
                parts.push(t(close));
                return Node::new(ty.clone(), parts);
            }
            _ => {}
        }
        if let Ty::Opt(inner) = ty {
            if self.rng.chance(1, 4) {
                // a plain value, converted to the optional by the checker
                let v = self.gen(inner, d);
                return Node::new(ty.clone(), vec![c(v)]);
            }
        }
        self.gen(ty, d)
    }

    /// An expression of type `ty`, at most `d` levels deep.
    pub fn gen(&mut self, ty: &Ty, d: u32) -> Node {
        if d == 0 || self.rng.chance(1, 5) {
            return self.leaf(ty, d);
        }
        let d = d - 1;
        let shared = match self.rng.below(17) {
            0 => Some(self.if_of(ty, d)),
            5 if !matches!(ty, Ty::Opt(_)) => Some(self.at_of(ty, d)),
            1 => self.match_of(ty, d),
            2 => self.call_fn(ty, d),
            3 => self.field_of(ty, d),
            4 => self.coalesce_of(ty, d),
            _ => None,
        };
        if let Some(n) = shared {
            return n;
        }
        match ty {
            Ty::Bool => self.gen_bool(d),
            Ty::Int => self.gen_int(d),
            Ty::Dec => self.gen_dec(d),
            Ty::Date => self.gen_date(d),
            Ty::Dur => self.gen_dur(d),
            Ty::Text => self.gen_text(d),
            Ty::Enum(_) => self.leaf(ty, d),
            Ty::Rec(r) => self.gen_rec(*r, d),
            Ty::List(e) => self.gen_list(e, d),
            Ty::Set(e) => self.gen_set(e, d),
            Ty::Opt(inner) => self.gen_opt(inner, d),
        }
    }

    pub(crate) fn leaf(&mut self, ty: &Ty, d: u32) -> Node {
        let vars = self.vars_of(ty);
        if !vars.is_empty() && self.rng.chance(2, 3) {
            let v = self.rng.pick(&vars).clone();
            return Node::leaf(ty.clone(), v);
        }
        if matches!(ty, Ty::Bool)
            && d > 0
            && self.allow_laws
            && self.laws_visible > 0
            && self.rng.chance(1, 3)
        {
            if let Some(n) = self.call_law(d - 1) {
                return n;
            }
        }
        self.lit(ty, d)
    }

    /// A literal (nested literals for records and collections).
    pub fn lit(&mut self, ty: &Ty, d: u32) -> Node {
        let ty = ty.clone();
        match &ty {
            Ty::Bool => Node::leaf(
                ty,
                if self.rng.chance(1, 2) {
                    "true"
                } else {
                    "false"
                },
            ),
            Ty::Int => {
                let n = self.int_value();
                let text = if n < 0 {
                    format!("({n})")
                } else if n > 9999 && self.rng.chance(1, 4) {
                    underscored(n)
                } else {
                    n.to_string()
                };
                Node::leaf(ty, text)
            }
            Ty::Dec => {
                let s = *self.rng.pick(DEC_LITS);
                let text = if self.rng.chance(1, 5) {
                    format!("(-{s})")
                } else {
                    s.to_string()
                };
                Node::leaf(ty, text)
            }
            Ty::Date => {
                let s = if self.rng.chance(1, 2) {
                    self.rng.pick(DATES).to_string()
                } else {
                    random_date(&mut self.rng)
                };
                Node::leaf(ty, s)
            }
            Ty::Dur => {
                let n = *self
                    .rng
                    .pick(&[0i64, 1, 7, 30, 90, 365, 366, 1000, 100_000_000]);
                let unit = match self.rng.below(8) {
                    0 | 1 => "weeks",
                    2 => "hours",
                    3 => "minutes",
                    4 => "seconds",
                    _ => "days",
                };
                let text = if self.rng.chance(1, 5) {
                    format!("(-{n} {unit})")
                } else if n == 1 && unit == "days" {
                    "1 day".into()
                } else {
                    format!("{n} {unit}")
                };
                Node::leaf(ty, text)
            }
            Ty::Text => {
                let s = *self.rng.pick(TEXTS);
                Node::leaf(ty, quote_polity(s))
            }
            Ty::Enum(e) => {
                let def = &self.ch.enums[*e];
                let case = self.rng.pick(&def.cases).clone();
                let shared = self
                    .ch
                    .enums
                    .iter()
                    .filter(|x| x.cases.contains(&case))
                    .count()
                    > 1;
                let text = if shared || self.rng.chance(1, 2) {
                    format!("{}.{case}", def.name)
                } else {
                    case
                };
                Node::leaf(ty, text)
            }
            Ty::Rec(r) => self.construct(*r, d.saturating_sub(1)),
            Ty::List(e) | Ty::Set(e) => {
                let e = (**e).clone();
                let n = 1 + self.rng.below(3);
                let (open, close) = if matches!(ty, Ty::List(_)) {
                    ("[", "]")
                } else {
                    ("{", "}")
                };
                let mut parts = vec![t(open)];
                for i in 0..n {
                    if i > 0 {
                        parts.push(t(", "));
                    }
                    parts.push(c(self.gen(&e, d.saturating_sub(1).min(1))));
                }
                if self.rng.chance(1, 5) {
                    parts.push(t(","));
                }
                parts.push(t(close));
                Node::new(ty, parts)
            }
            Ty::Opt(inner) => {
                // Optional by its own type, not by the context: `first([v])`, or
                // `none` as `first([v] where false)`.
                let v = self.lit(inner, d.saturating_sub(1));
                if self.rng.chance(1, 3) {
                    return Node::new(ty.clone(), vec![t("first(["), c(v), t("] where false)")]);
                }
                Node::new(ty.clone(), vec![t("first(["), c(v), t("])")])
            }
        }
    }

    pub(crate) fn int_value(&mut self) -> i64 {
        if self.rng.chance(1, 3) {
            *self.rng.pick(EDGE_INTS)
        } else {
            self.rng.range(-20, 50)
        }
    }

    /// `R { f: v, ... }`, optional fields sometimes left out, in any order.
    pub(crate) fn construct(&mut self, r: usize, d: u32) -> Node {
        let def = self.ch.records[r].clone();
        let mut fields: Vec<&Field> = def.fields.iter().collect();
        if self.rng.chance(1, 3) {
            fields.reverse();
        }
        let mut parts = vec![t(format!("{} {{ ", def.name))];
        let mut first = true;
        for f in fields {
            if matches!(f.ty, Ty::Opt(_)) && self.rng.chance(1, 3) {
                continue;
            }
            if !first {
                parts.push(t(", "));
            }
            first = false;
            parts.push(t(format!("{}: ", f.name)));
            parts.push(c(self.typed(&f.ty, d.min(1))));
        }
        parts.push(t(" }"));
        Node::new(Ty::Rec(r), parts)
    }

    pub(crate) fn bin(ty: Ty, a: Node, op: &str, b: Node) -> Node {
        Node::new(ty, vec![t("("), c(a), t(format!(" {op} ")), c(b), t(")")])
    }

    pub(crate) fn call(ty: Ty, f: &str, args: Vec<Node>) -> Node {
        let mut parts = vec![t(format!("{f}("))];
        for (i, a) in args.into_iter().enumerate() {
            if i > 0 {
                parts.push(t(", "));
            }
            parts.push(c(a));
        }
        parts.push(t(")"));
        Node::new(ty, parts)
    }

    pub(crate) fn if_of(&mut self, ty: &Ty, d: u32) -> Node {
        let cond = self.gen(&Ty::Bool, d);
        let a = self.gen(ty, d);
        let b = self.typed(ty, d);
        Node::new(
            ty.clone(),
            vec![
                t("(if "),
                c(cond),
                t(" then "),
                c(a),
                t(" else "),
                c(b),
                t(")"),
            ],
        )
    }

    pub(crate) fn match_of(&mut self, ty: &Ty, d: u32) -> Option<Node> {
        let n_enums = self.ch.enums.len();
        let (scrutinee, arms): (Node, Vec<String>) = match self.rng.below(3) {
            0 if n_enums > 0 => {
                let e = self.rng.below(n_enums);
                let s = self.gen(&Ty::Enum(e), d);
                let def = self.ch.enums[e].clone();
                let mut arms: Vec<String> = def
                    .cases
                    .iter()
                    .map(|case| {
                        if self.rng.chance(1, 2) {
                            format!("{}.{case}", def.name)
                        } else {
                            case.clone()
                        }
                    })
                    .collect();
                if self.rng.chance(1, 2) {
                    let keep = self.rng.below(arms.len());
                    arms.truncate(keep);
                    arms.push("_".into());
                }
                (s, arms)
            }
            1 => {
                let s = self.gen(&Ty::Bool, d);
                let arms = if self.rng.chance(1, 2) {
                    vec!["false".into(), "true".into()]
                } else {
                    vec!["true".into(), "_".into()]
                };
                (s, arms)
            }
            _ => {
                let inner = self.scalar_ty();
                let s = self.gen(&Ty::opt(inner.clone()), d);
                if self.rng.chance(2, 3) {
                    return Some(self.bind_optional(s, &inner, ty, d));
                }
                (s, vec!["none".into(), "_".into()])
            }
        };
        let simple = scrutinee
            .text()
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '.');
        let mut parts = if simple {
            vec![t("(match "), c(scrutinee), t(" { ")]
        } else {
            vec![t("(match ("), c(scrutinee), t(") { ")]
        };
        for (i, p) in arms.iter().enumerate() {
            if i > 0 {
                parts.push(t(", "));
            }
            parts.push(t(format!("{p} => ")));
            parts.push(c(self.gen(ty, d)));
        }
        if self.rng.chance(1, 4) {
            parts.push(t(","));
        }
        parts.push(t(" })"));
        Some(Node::new(ty.clone(), parts))
    }

    /// An optional's value bound by name: `match s { some(v) => a, none => b }`
    /// (either arm first), or `if let v = s then a else b`; `v` is in scope
    /// in `a` only.
    fn bind_optional(&mut self, s: Node, inner: &Ty, ty: &Ty, d: u32) -> Node {
        let v = self.fresh("v");
        self.scope.push((v.clone(), inner.clone()));
        let some = self.gen(ty, d);
        self.scope.pop();
        // The arm written first decides the type (a bare `none` or shared
        // enum case can come only after it).
        let variant = self.rng.below(3);
        let none = if variant == 1 {
            self.gen(ty, d)
        } else {
            self.typed(ty, d)
        };
        let parts = match variant {
            0 => vec![
                t("(match ("),
                c(s),
                t(format!(") {{ some({v}) => ")),
                c(some),
                t(", none => "),
                c(none),
                t(" })"),
            ],
            1 => vec![
                t("(match ("),
                c(s),
                t(") { none => "),
                c(none),
                t(format!(", some({v}) => ")),
                c(some),
                t(" })"),
            ],
            _ => vec![
                t(format!("(if let {v} = ")),
                c(s),
                t(" then "),
                c(some),
                t(" else "),
                c(none),
                t(")"),
            ],
        };
        Node::new(ty.clone(), parts)
    }

    pub(crate) fn call_fn(&mut self, ty: &Ty, d: u32) -> Option<Node> {
        let fns: Vec<usize> = (0..self.fns_visible)
            .filter(|i| self.ch.fns[*i].ret == *ty)
            .collect();
        if fns.is_empty() {
            return None;
        }
        let f = self.ch.fns[*self.rng.pick(&fns)].clone();
        let args = f.params.iter().map(|(_, p)| self.typed(p, d)).collect();
        Some(Self::call(ty.clone(), &f.name, args))
    }

    pub(crate) fn call_law(&mut self, d: u32) -> Option<Node> {
        let i = self.rng.below(self.laws_visible);
        let law = self.ch.laws[i].clone();
        match &law.param {
            None if self.rng.chance(1, 2) => Some(Node::leaf(Ty::Bool, law.name.clone())),
            None => Some(Node::leaf(Ty::Bool, format!("{}()", law.name))),
            Some((_, coll)) => {
                let elem = coll.ty.elem()?.clone();
                let arg = self.gen(&elem, d.min(1));
                Some(Self::call(Ty::Bool, &law.name, vec![arg]))
            }
        }
    }

    /// `r.f` (or `o?.f` for an optional wanted type) for some record with such a field.
    pub(crate) fn field_of(&mut self, ty: &Ty, d: u32) -> Option<Node> {
        let mut options: Vec<(usize, String, bool)> = Vec::new();
        for (r, def) in self.ch.records.iter().enumerate() {
            for f in &def.fields {
                if f.ty == *ty {
                    options.push((r, f.name.clone(), false));
                }
                if let Ty::Opt(inner) = ty {
                    if f.ty == **inner || f.ty == *ty {
                        options.push((r, f.name.clone(), true));
                    }
                }
            }
        }
        if options.is_empty() {
            return None;
        }
        let (r, name, optional) = self.rng.pick(&options).clone();
        if optional {
            let base = self.gen(&Ty::opt(Ty::Rec(r)), d);
            Some(Node::new(ty.clone(), vec![c(base), t(format!("?.{name}"))]))
        } else {
            let base = self.gen(&Ty::Rec(r), d);
            Some(Node::new(ty.clone(), vec![c(base), t(format!(".{name}"))]))
        }
    }

    pub(crate) fn coalesce_of(&mut self, ty: &Ty, d: u32) -> Option<Node> {
        if matches!(ty, Ty::Opt(_)) {
            return None;
        }
        let o = self.gen(&Ty::opt(ty.clone()), d);
        let v = self.gen(ty, d);
        Some(Self::bin(ty.clone(), o, "??", v))
    }

    /// A collection type to iterate: often one the charter already has.
    pub(crate) fn source_elem(&mut self) -> Ty {
        let mut known: Vec<Ty> = Vec::new();
        for (_, ty) in self.scope.iter().chain(&self.globals) {
            if let Some(e) = ty.elem() {
                known.push(e.clone());
            }
        }
        if !known.is_empty() && self.rng.chance(2, 3) {
            return self.rng.pick(&known).clone();
        }
        self.any_ty()
    }

    pub(crate) fn collection(&mut self, elem: &Ty, d: u32) -> Node {
        if self.rng.chance(1, 3) {
            self.gen(&Ty::set(elem.clone()), d)
        } else {
            self.gen(&Ty::list(elem.clone()), d)
        }
    }

    /// `e for v in src if f` inside an aggregate or comprehension; `make` builds
    /// the element once `v` is bound.
    pub(crate) fn generator(
        &mut self,
        src_elem: &Ty,
        d: u32,
        make: &mut dyn FnMut(&mut Gen) -> Node,
    ) -> Vec<crate::model::Part> {
        // one clause, sometimes two (the second may iterate a collection
        // of the first's element), each sometimes with a position
        let mut clauses = Vec::new();
        let mut elem_ty = src_elem.clone();
        let pushed = self.scope.len();
        loop {
            let src = self.collection(&elem_ty, d);
            let v = self.fresh("e");
            let index = self.rng.chance(1, 4).then(|| self.fresh("i"));
            // Sometimes a filter that picks records by a field first (`v.f
            // == key and ...`, `v.f in keys`), which the engines answer
            // through an index of a state list by that field.
            let keyed = match (&elem_ty, &index) {
                (Ty::Rec(r), None) if self.rng.chance(1, 3) => self.keyed_filter(*r, &v, d),
                _ => None,
            };
            self.scope.push((v.clone(), elem_ty.clone()));
            if let Some(i) = &index {
                self.scope.push((i.clone(), Ty::Int));
            }
            let filter = match keyed {
                Some(first) if self.rng.chance(1, 2) => {
                    let rest = self.gen(&Ty::Bool, d.saturating_sub(1));
                    Some(Node::new(
                        Ty::Bool,
                        vec![t("("), c(first), t(" and "), c(rest), t(")")],
                    ))
                }
                Some(first) => Some(first),
                None => self
                    .rng
                    .chance(1, 2)
                    .then(|| self.gen(&Ty::Bool, d.saturating_sub(1))),
            };
            let head = match &index {
                Some(i) => format!(" for {i}, {v} in enumerate("),
                None => format!(" for {v} in "),
            };
            let mut parts = vec![t(head), c(src)];
            if index.is_some() {
                parts.push(t(")"));
            }
            if let Some(f) = filter {
                parts.push(t(" if "));
                parts.push(c(f));
            }
            clauses.push(parts);
            if clauses.len() == 2 || !self.rng.chance(1, 4) {
                break;
            }
            elem_ty = self.source_elem();
        }
        let elem = make(self);
        self.scope.truncate(pushed);
        let mut parts = vec![c(elem)];
        parts.extend(clauses.into_iter().flatten());
        parts
    }

    /// `v.f == key` or `v.f in keys` for a field `f` of record `r` whose
    /// values are compared by word (generated before `v` is in scope, so
    /// the key never reads `v`).
    fn keyed_filter(&mut self, r: usize, v: &str, d: u32) -> Option<Node> {
        let fields: Vec<(String, Ty)> = self.ch.records[r]
            .fields
            .iter()
            .filter(|f| {
                matches!(
                    f.ty,
                    Ty::Int | Ty::Text | Ty::Bool | Ty::Date | Ty::Dur | Ty::Enum(_)
                )
            })
            .map(|f| (f.name.clone(), f.ty.clone()))
            .collect();
        if fields.is_empty() {
            return None;
        }
        let (name, ty) = self.rng.pick(&fields).clone();
        let read = t(format!("{v}.{name}"));
        Some(if self.rng.chance(1, 2) {
            let key = self.gen(&ty, d.saturating_sub(1));
            Node::new(Ty::Bool, vec![read, t(" == "), c(key)])
        } else {
            let keys = self.collection(&ty, d.saturating_sub(1));
            Node::new(Ty::Bool, vec![read, t(" in "), c(keys)])
        })
    }

    pub(crate) fn aggregate(&mut self, agg: &str, result: Ty, elem: &Ty, d: u32) -> Node {
        if self.rng.chance(1, 2) {
            let coll = self.collection(elem, d);
            return Self::call(result, agg, vec![coll]);
        }
        let src_elem = self.source_elem();
        let elem = elem.clone();
        let mut parts = vec![t(format!("{agg}("))];
        parts.extend(self.generator(&src_elem, d, &mut |g| g.gen(&elem, d)));
        parts.push(t(")"));
        Node::new(result, parts)
    }

    pub(crate) fn where_of(&mut self, source: Node, d: u32) -> Node {
        let elem = source.ty.elem().cloned().unwrap_or(Ty::Int);
        self.scope.push(("it".into(), elem));
        let cond = self.gen(&Ty::Bool, d);
        self.scope.pop();
        Node::new(
            source.ty.clone(),
            vec![t("("), c(source), t(" where "), c(cond), t(")")],
        )
    }
}
