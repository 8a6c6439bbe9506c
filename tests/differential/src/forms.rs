//! Expressions by wanted type: the operators and built-ins that give a
//! Bool, an Int, a Decimal, a Date, a Duration, a Text, a record, a list, a
//! set or an optional.

use crate::gen::{Gen, EDGE_INTS, TEXT_IDS};
use crate::model::{c, quote_polity, t, Node, Ty};

impl Gen {
    pub(crate) fn ordered_ty(&mut self) -> Ty {
        self.rng
            .pick(&[Ty::Int, Ty::Int, Ty::Dec, Ty::Date, Ty::Dur, Ty::Text])
            .clone()
    }

    pub(crate) fn gen_bool(&mut self, d: u32) -> Node {
        match self.rng.below(13) {
            0 | 1 => {
                let ty = self.ordered_ty();
                let op = *self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
                let (a, mut b) = (self.gen(&ty, d), self.gen(&ty, d));
                if matches!(ty, Ty::Int | Ty::Dec) && self.rng.chance(1, 4) {
                    // Int against Decimal: both compared as Decimals
                    let other = if ty == Ty::Int { Ty::Dec } else { Ty::Int };
                    b = self.gen(&other, d);
                }
                Self::bin(Ty::Bool, a, op, b)
            }
            2 => {
                let ty = self.any_ty();
                let op = *self.rng.pick(&["==", "!="]);
                let a = self.gen(&ty, d);
                let b = self.typed(&ty, d);
                Self::bin(Ty::Bool, a, op, b)
            }
            3 | 4 => {
                let op = *self.rng.pick(&["and", "or"]);
                let (a, b) = (self.gen(&Ty::Bool, d), self.gen(&Ty::Bool, d));
                Self::bin(Ty::Bool, a, op, b)
            }
            5 => {
                let a = self.gen(&Ty::Bool, d);
                Node::new(Ty::Bool, vec![t("(not "), c(a), t(")")])
            }
            6 | 7 => {
                let elem = self.source_elem();
                let x = self.gen(&elem, d);
                let xs = self.collection(&elem, d);
                let op = *self.rng.pick(&["in", "not in"]);
                Self::bin(Ty::Bool, x, op, xs)
            }
            8 | 9 => {
                let agg = *self.rng.pick(&["all", "any"]);
                self.aggregate(agg, Ty::Bool, &Ty::Bool, d)
            }
            10 => {
                // sometimes a part of the text itself, so that it is found
                let f = *self.rng.pick(&["contains", "starts_with", "ends_with"]);
                let t = self.gen(&Ty::Text, d);
                let part = if self.rng.chance(1, 3) {
                    t.clone()
                } else {
                    self.gen(&Ty::Text, d)
                };
                Self::call(Ty::Bool, f, vec![t, part])
            }
            _ => {
                if self.allow_laws && self.laws_visible > 0 {
                    if let Some(n) = self.call_law(d) {
                        return n;
                    }
                }
                self.lit(&Ty::Bool, d)
            }
        }
    }

    /// `min`/`max` of a collection or generator, or of two values.
    pub(crate) fn min_max(&mut self, ty: &Ty, d: u32) -> Node {
        let f = *self.rng.pick(&["min", "max"]);
        if self.rng.chance(1, 2) {
            let args = (0..2 + self.rng.below(2))
                .map(|_| self.gen(ty, d))
                .collect();
            return Self::call(ty.clone(), f, args);
        }
        self.aggregate(f, ty.clone(), ty, d)
    }

    /// Operations shared by the numeric kinds: neg, abs, sum, min/max.
    pub(crate) fn numeric(&mut self, ty: &Ty, d: u32) -> Option<Node> {
        match self.rng.below(8) {
            0 => {
                let a = self.gen(ty, d);
                Some(Node::new(ty.clone(), vec![t("(-"), c(a), t(")")]))
            }
            1 => Some(Self::call(ty.clone(), "abs", vec![self.gen(ty, d)])),
            2 => Some(self.aggregate("sum", ty.clone(), ty, d)),
            3 => Some(self.min_max(ty, d)),
            _ => None,
        }
    }

    pub(crate) fn gen_int(&mut self, d: u32) -> Node {
        if let Some(n) = self.numeric(&Ty::Int, d) {
            return n;
        }
        match self.rng.below(9) {
            0..=2 => {
                let op = *self.rng.pick(&["+", "-", "*", "div", "mod"]);
                let (a, b) = (self.gen(&Ty::Int, d), self.gen(&Ty::Int, d));
                Self::bin(Ty::Int, a, op, b)
            }
            3 => {
                let elem = self.source_elem();
                self.aggregate("count", Ty::Int, &elem, d)
            }
            4 => {
                let arg = match self.rng.below(3) {
                    0 => self.gen(&Ty::Text, d),
                    _ => {
                        let elem = self.source_elem();
                        self.collection(&elem, d)
                    }
                };
                Self::call(Ty::Int, "len", vec![arg])
            }
            7 if self.rng.chance(1, 2) => {
                let f = *self.rng.pick(&["year", "month", "day", "weekday"]);
                let a = self.gen(&Ty::Date, d);
                Self::call(Ty::Int, f, vec![a])
            }
            7 => {
                let f = *self
                    .rng
                    .pick(&["hour", "minute", "second", "year", "weekday"]);
                let mut parts = vec![t(format!("{f}("))];
                parts.extend(self.instant(d));
                parts.push(t(")"));
                Node::new(Ty::Int, parts)
            }
            5 | 6 => {
                let f = *self.rng.pick(&["floor", "ceil", "round"]);
                let arg = if self.rng.chance(1, 5) {
                    self.gen(&Ty::Int, d)
                } else {
                    self.gen(&Ty::Dec, d)
                };
                Self::call(Ty::Int, f, vec![arg])
            }
            _ => self.lit(&Ty::Int, d),
        }
    }

    pub(crate) fn gen_dec(&mut self, d: u32) -> Node {
        if let Some(n) = self.numeric(&Ty::Dec, d) {
            return n;
        }
        match self.rng.below(8) {
            0..=2 => {
                let op = *self.rng.pick(&["+", "-", "*", "/"]);
                let (lt, rt) = match (op, self.rng.below(4)) {
                    ("/", 0) => (Ty::Int, Ty::Int),
                    (_, 1) => (Ty::Int, Ty::Dec),
                    (_, 2) => (Ty::Dec, Ty::Int),
                    _ => (Ty::Dec, Ty::Dec),
                };
                let (a, b) = (self.gen(&lt, d), self.gen(&rt, d));
                Self::bin(Ty::Dec, a, op, b)
            }
            3 => {
                let (a, b) = (self.gen(&Ty::Dur, d), self.gen(&Ty::Dur, d));
                Self::bin(Ty::Dec, a, "/", b)
            }
            4 | 5 => self.round_places(d),
            6 => self.numeric_builtin(d),
            _ => self.lit(&Ty::Dec, d),
        }
    }

    /// The numeric builtins and forms the other cases do not make: Decimal
    /// `div`/`mod`, `sqrt`, `isqrt`, `pow`, `mul_div` and `fold`.
    fn numeric_builtin(&mut self, d: u32) -> Node {
        match self.rng.below(6) {
            0 => {
                let op = *self.rng.pick(&["div", "mod"]);
                let (a, b) = (self.gen(&Ty::Dec, d), self.gen(&Ty::Dec, d));
                Self::bin(Ty::Dec, a, op, b)
            }
            1 => {
                let f = *self.rng.pick(&["sqrt", "isqrt"]);
                let a = self.gen(&Ty::Dec, d);
                Self::call(Ty::Dec, f, vec![a])
            }
            2 => {
                // small exponents, sometimes negative, sometimes computed
                let base = self.gen(&Ty::Dec, d);
                let k = if self.rng.chance(1, 3) {
                    let k = self.gen(&Ty::Int, d);
                    Node::new(Ty::Int, vec![t("(("), c(k), t(") mod 9 - 4)")])
                } else {
                    Node::leaf(Ty::Int, self.rng.range(-3, 6).to_string())
                };
                Self::call(Ty::Dec, "pow", vec![base, k])
            }
            3 => {
                let args = (0..3).map(|_| self.gen(&Ty::Dec, d)).collect();
                Self::call(Ty::Dec, "mul_div", args)
            }
            _ => {
                // fold over a range or a generated list of decimals
                let init = self.gen(&Ty::Dec, d);
                let acc = self.fresh("acc");
                let x = self.fresh("x");
                let src = if self.rng.chance(1, 2) {
                    Node::leaf(
                        Ty::list(Ty::Int),
                        format!("range(0, {})", self.rng.range(0, 6)),
                    )
                } else {
                    self.collection(&Ty::Dec, d)
                };
                let elem = if matches!(src.ty, Ty::List(ref e) | Ty::Set(ref e) if **e == Ty::Int) {
                    Ty::Int
                } else {
                    Ty::Dec
                };
                self.scope.push((acc.clone(), Ty::Dec));
                self.scope.push((x.clone(), elem));
                let body = self.gen(&Ty::Dec, d);
                self.scope.pop();
                self.scope.pop();
                Node::new(
                    Ty::Dec,
                    vec![
                        t(format!("(fold({acc}: Decimal = ")),
                        c(init),
                        t(format!(", {x} in ")),
                        c(src),
                        t(") => "),
                        c(body),
                        t(")"),
                    ],
                )
            }
        }
    }

    /// `round(x, places[, mode])`, `floor(x, places)` or `ceil(x, places)`:
    /// places mostly small, sometimes at the limits, sometimes computed (and
    /// then sometimes out of range: a `domain` fault).
    pub(crate) fn round_places(&mut self, d: u32) -> Node {
        let x = if self.rng.chance(1, 5) {
            self.gen(&Ty::Int, d)
        } else {
            self.gen(&Ty::Dec, d)
        };
        let places = match self.rng.below(6) {
            0 => {
                // computed, from -40 to 39: out of range at either end
                let n = self.gen(&Ty::Int, d);
                Node::new(Ty::Int, vec![t("(("), c(n), t(") mod 80 - 40)")])
            }
            1 => Node::leaf(Ty::Int, *self.rng.pick(&["38", "(-38)", "18", "(-18)"])),
            _ => {
                let p = self.rng.range(-3, 8);
                Node::leaf(
                    Ty::Int,
                    if p < 0 {
                        format!("({p})")
                    } else {
                        p.to_string()
                    },
                )
            }
        };
        let f = *self.rng.pick(&["round", "round", "floor", "ceil"]);
        let mode = match f {
            "round" if self.rng.chance(2, 3) => {
                let m = *self.rng.pick(&[
                    "half_away_from_zero",
                    "half_even",
                    "floor",
                    "ceil",
                    "toward_zero",
                ]);
                format!(", {m})")
            }
            _ => ")".to_string(),
        };
        let parts = vec![t(format!("{f}(")), c(x), t(", "), c(places), t(mode)];
        Node::new(Ty::Dec, parts)
    }

    pub(crate) fn gen_date(&mut self, d: u32) -> Node {
        match self.rng.below(6) {
            0 | 1 => {
                let op = *self.rng.pick(&["+", "-"]);
                let (a, b) = (self.gen(&Ty::Date, d), self.gen(&Ty::Dur, d));
                Self::bin(Ty::Date, a, op, b)
            }
            2 => self.min_max(&Ty::Date, d),
            3 => {
                // A calendar period, clamped to the end of the month.
                let op = *self.rng.pick(&["+", "-"]);
                let a = self.gen(&Ty::Date, d);
                let mut parts = vec![t("("), c(a), t(format!(" {op} "))];
                parts.extend(self.period(d));
                parts.push(t(")"));
                Node::new(Ty::Date, parts)
            }
            4 => {
                let f = *self
                    .rng
                    .pick(&["month_start", "quarter_start", "year_start"]);
                let a = self.gen(&Ty::Date, d);
                Self::call(Ty::Date, f, vec![a])
            }
            5 if self.rng.chance(1, 2) => {
                // through an Instant: `date(instant(d) ± duration)`
                let mut parts = vec![t("date(")];
                parts.extend(self.instant(d));
                parts.push(t(")"));
                Node::new(Ty::Date, parts)
            }
            _ => self.leaf(&Ty::Date, d),
        }
    }

    /// The parts of an Instant (the model has no Instant type, so only the
    /// Date, Duration and Int inside are sub-expressions): a literal or a
    /// Date's midnight, moved by a Duration or a Period.
    fn instant(&mut self, d: u32) -> Vec<crate::model::Part> {
        let mut parts = match self.rng.below(3) {
            0 => vec![t(*self.rng.pick(&[
                "2026-03-01T12:00Z",
                "2024-02-29T23:59:59Z",
                "0000-01-01T00:00Z",
                "9999-12-31T23:59:59Z",
                "1970-01-01T00:00:01Z",
            ]))],
            _ => vec![t("instant("), c(self.gen(&Ty::Date, d)), t(")")],
        };
        match self.rng.below(4) {
            0 => {
                parts.insert(0, t("("));
                parts.push(t(format!(" {} ", self.rng.pick(&["+", "-"]))));
                parts.push(c(self.gen(&Ty::Dur, d)));
                parts.push(t(")"));
            }
            1 => {
                parts.insert(0, t("("));
                parts.push(t(" + "));
                parts.extend(self.period(d));
                parts.push(t(")"));
            }
            _ => {}
        }
        parts
    }

    /// The parts of a Period (the generator's model has no Period type, so
    /// only an Int factor is a sub-expression): a literal in months or years,
    /// scaled by an Int, negated, added to or `abs`.
    fn period(&mut self, d: u32) -> Vec<crate::model::Part> {
        let n = *self
            .rng
            .pick(&[0i64, 1, 2, 11, 12, 13, 25, 1200, 120_000, -1, -12]);
        let unit = *self.rng.pick(&["month", "months", "year", "years"]);
        let lit = format!("({n} {unit})");
        match self.rng.below(5) {
            0 => vec![t(format!("({lit} * ")), c(self.gen(&Ty::Int, d)), t(")")],
            1 => vec![t(format!("(-{lit})"))],
            2 => vec![t(format!("abs({lit} - 3 years)"))],
            3 => vec![t(format!("({lit} + 7 months)"))],
            _ => vec![t(lit)],
        }
    }

    pub(crate) fn gen_dur(&mut self, d: u32) -> Node {
        if let Some(n) = self.numeric(&Ty::Dur, d) {
            return n;
        }
        match self.rng.below(4) {
            0 => {
                let (a, b) = (self.gen(&Ty::Date, d), self.gen(&Ty::Date, d));
                Self::bin(Ty::Dur, a, "-", b)
            }
            1 => {
                let op = *self.rng.pick(&["+", "-"]);
                let (a, b) = (self.gen(&Ty::Dur, d), self.gen(&Ty::Dur, d));
                Self::bin(Ty::Dur, a, op, b)
            }
            2 => {
                let (a, b) = (self.gen(&Ty::Dur, d), self.gen(&Ty::Int, d));
                Self::bin(Ty::Dur, a, "*", b)
            }
            3 if self.rng.chance(1, 3) => {
                // the time between two instants
                let mut parts = vec![t("(")];
                parts.extend(self.instant(d));
                parts.push(t(" - "));
                parts.extend(self.instant(d));
                parts.push(t(")"));
                Node::new(Ty::Dur, parts)
            }
            _ => self.lit(&Ty::Dur, d),
        }
    }

    pub(crate) fn gen_text(&mut self, d: u32) -> Node {
        match self.rng.below(5) {
            0 => {
                let (a, b) = (self.gen(&Ty::Text, d), self.gen(&Ty::Text, d));
                Self::bin(Ty::Text, a, "+", b)
            }
            1 => self.min_max(&Ty::Text, d),
            2 => {
                // any value, compound ones included, rendered by both engines
                let ty = self.any_ty();
                let x = self.gen(&ty, d);
                Self::call(Ty::Text, "text", vec![x])
            }
            3 => {
                let f = *self.rng.pick(&["lower", "upper"]);
                Self::call(Ty::Text, f, vec![self.gen(&Ty::Text, d)])
            }
            _ => self.leaf(&Ty::Text, d),
        }
    }

    pub(crate) fn gen_rec(&mut self, r: usize, d: u32) -> Node {
        let ty = Ty::Rec(r);
        match self.rng.below(5) {
            0 => self.construct(r, d),
            1 => {
                let base = self.gen(&ty, d);
                let def = self.ch.records[r].clone();
                let n = 1 + self.rng.below(def.fields.len().min(2));
                let mut parts = vec![t("("), c(base), t(" with { ")];
                for f in def.fields.iter().take(n) {
                    parts.push(t(format!("{}: ", f.name)));
                    parts.push(c(self.typed(&f.ty, d.min(2))));
                    parts.push(t(", "));
                }
                parts.push(t("})"));
                Node::new(ty, parts)
            }
            2 if self.ch.records[r].id_ty().is_some() => {
                let key_ty = self.ch.records[r].id_ty().cloned().unwrap_or(Ty::Text);
                let xs = self.gen(&Ty::list(ty.clone()), d);
                let key = if self.rng.chance(3, 4) {
                    match key_ty {
                        Ty::Int => Node::leaf(Ty::Int, self.rng.range(0, 4).to_string()),
                        _ => Node::leaf(Ty::Text, quote_polity(self.rng.pick::<&str>(TEXT_IDS))),
                    }
                } else {
                    self.gen(&key_ty, d)
                };
                Node::new(ty, vec![c(xs), t("["), c(key), t("]")])
            }
            3 => {
                let xs = self.collection(&ty, d);
                let first = Self::call(Ty::opt(ty.clone()), "first", vec![xs]);
                let dflt = self.construct(r, d);
                Self::bin(ty, first, "??", dflt)
            }
            _ => self.leaf(&ty, d),
        }
    }

    pub(crate) fn gen_list(&mut self, e: &Ty, d: u32) -> Node {
        let ty = Ty::list(e.clone());
        match self.rng.below(9) {
            0 | 1 => self.comprehension(&ty, e, d),
            2 => {
                let src = self.gen(&ty, d);
                self.where_of(src, d)
            }
            3 if e.is_ordered() || matches!(e, Ty::Enum(_)) => {
                let src = self.collection(e, d);
                Self::call(ty, "sorted", vec![src])
            }
            4 if *e == Ty::Int => {
                let a = self.rng.range(-3, 5);
                if self.rng.chance(1, 3) {
                    // a computed bound, kept small so the list stays short
                    let n = self.gen(&Ty::Int, d);
                    return Node::new(ty, vec![t(format!("range({a}, (")), c(n), t(" mod 40))")]);
                }
                if self.rng.chance(1, 10) {
                    // 64-bit edges: empty, tiny, or past the length limit (never in between)
                    let (a, b) = (*self.rng.pick(EDGE_INTS), *self.rng.pick(EDGE_INTS));
                    return Node::leaf(ty, format!("range(({a}), ({b}))"));
                }
                let b = self.rng.range(-3, 12);
                Node::leaf(ty, format!("range({a}, {b})"))
            }
            5 | 6 => match self.list_op(e, d) {
                Some(n) => n,
                None => self.leaf(&ty, d),
            },
            _ => self.leaf(&ty, d),
        }
    }

    pub(crate) fn comprehension(&mut self, ty: &Ty, e: &Ty, d: u32) -> Node {
        let (open, close) = if matches!(ty, Ty::List(_)) {
            ("[", "]")
        } else {
            ("{", "}")
        };
        let src_elem = self.source_elem();
        let e = e.clone();
        let mut parts = vec![t(open)];
        parts.extend(self.generator(&src_elem, d, &mut |g| g.gen(&e, d)));
        parts.push(t(close));
        Node::new(ty.clone(), parts)
    }

    pub(crate) fn gen_set(&mut self, e: &Ty, d: u32) -> Node {
        let ty = Ty::set(e.clone());
        match self.rng.below(5) {
            0 => self.comprehension(&ty, e, d),
            4 => self.set_op(e, d),
            1 => {
                let src = self.gen(&ty, d);
                self.where_of(src, d)
            }
            _ => self.leaf(&ty, d),
        }
    }

    pub(crate) fn gen_opt(&mut self, inner: &Ty, d: u32) -> Node {
        let ty = Ty::opt(inner.clone());
        match self.rng.below(5) {
            0 => {
                let xs = self.collection(inner, d);
                Self::call(ty, "first", vec![xs])
            }
            4 => self.last_of(inner, d),
            _ => self.leaf(&ty, d),
        }
    }
}
