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
        match self.rng.below(12) {
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
        match self.rng.below(6) {
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
            _ => self.lit(&Ty::Dec, d),
        }
    }

    pub(crate) fn gen_date(&mut self, d: u32) -> Node {
        match self.rng.below(4) {
            0 | 1 => {
                let op = *self.rng.pick(&["+", "-"]);
                let (a, b) = (self.gen(&Ty::Date, d), self.gen(&Ty::Dur, d));
                Self::bin(Ty::Date, a, op, b)
            }
            2 => self.min_max(&Ty::Date, d),
            _ => self.leaf(&Ty::Date, d),
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
            _ => self.lit(&Ty::Dur, d),
        }
    }

    pub(crate) fn gen_text(&mut self, d: u32) -> Node {
        match self.rng.below(3) {
            0 => {
                let (a, b) = (self.gen(&Ty::Text, d), self.gen(&Ty::Text, d));
                Self::bin(Ty::Text, a, "+", b)
            }
            1 => self.min_max(&Ty::Text, d),
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
