//! The generator of random well-typed charters. Every expression is built for
//! a wanted type from the productions that give that type, fully
//! parenthesised so precedence never changes its meaning. Callables (consts,
//! fns, laws) may only use those generated before them, so the call graph is
//! acyclic by construction.

use crate::model::{c, quote_polity, t, Charter, ConstDef, EnumDef, Field, FnDef, LawDef, Let};
use crate::model::{Node, RecordDef, Stmt, Ty};

/// splitmix64: small, fast, and the same on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next() % den < num
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo) as u64 + 1)) as i64
    }
}

/// Int values worth testing: zero, signs, and the edges of 64 bits.
pub const EDGE_INTS: &[i64] = &[
    0,
    1,
    -1,
    2,
    -2,
    3,
    7,
    10,
    100,
    -100,
    1_000_000_007,
    3_037_000_499,
    3_037_000_500,
    4_294_967_296,
    -4_294_967_296,
    i64::MAX,
    i64::MAX - 1,
    i64::MIN,
    i64::MIN + 1,
];

/// Decimal literals (source forms): many digits, 10^30, tiny fractions.
const DEC_LITS: &[&str] = &[
    "0.0",
    "0.5",
    "1.5",
    "2.25",
    "0.000000000000000001",
    "123456789.123456789",
    "1000000000000000000000000000000",
    "1000000000000000000.000000000000000001",
    "99999999999999999999999999999999999999",
    "3.14159265358979323846",
    "20%",
    "12.5%",
    "0.5%",
    "100%",
];

pub const DATES: &[&str] = &[
    "2024-02-29",
    "2024-03-01",
    "2000-02-29",
    "1900-02-28",
    "2100-03-01",
    "2023-12-31",
    "2026-01-01",
    "1970-01-01",
    "0000-01-01",
    "9999-12-31",
];

pub const TEXTS: &[&str] = &[
    "",
    "a",
    "b",
    "ana",
    "bo",
    "Zürich",
    "é",
    "\"q\"",
    "back\\slash",
    "two\nlines",
    "a",
];

/// Text ids used in snapshots; lookups sometimes ask for one that is absent.
pub const TEXT_IDS: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h"];

pub struct Gen {
    pub rng: Rng,
    pub ch: Charter,
    /// Local names in scope, innermost last.
    scope: Vec<(String, Ty)>,
    /// State names and consts visible to the body being generated.
    globals: Vec<(String, Ty)>,
    /// How many fns and laws the body being generated may call.
    fns_visible: usize,
    laws_visible: usize,
    /// Whether law calls are allowed here (not in a law's subject collection).
    allow_laws: bool,
    fresh: u32,
    /// Extra depth for the bodies of this charter (one charter in eight is bigger).
    extra: u32,
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen {
            rng: Rng::new(seed),
            ch: Charter::default(),
            scope: Vec::new(),
            globals: Vec::new(),
            fns_visible: 0,
            laws_visible: 0,
            allow_laws: true,
            fresh: 0,
            extra: 0,
        }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    // ---- declarations ------------------------------------------------------

    /// A whole charter.
    pub fn charter(mut self) -> (Charter, Rng) {
        self.extra = u32::from(self.rng.chance(1, 8));
        self.enums();
        self.records();
        self.state();
        self.globals = self
            .ch
            .state
            .iter()
            .map(|f| (f.name.clone(), f.ty.clone()))
            .collect();
        let n = 1 + self.rng.below(7);
        let mut kinds: Vec<u8> = (0..n).map(|_| self.rng.below(3) as u8).collect();
        kinds.push(2);
        for k in kinds {
            match k {
                0 => self.constant(),
                1 => self.function(),
                _ => self.law(),
            }
        }
        (self.ch, self.rng)
    }

    fn enums(&mut self) {
        let n = self.rng.below(4);
        for i in 0..n {
            let k = 1 + self.rng.below(4);
            let mut cases: Vec<String> = (0..k).map(|j| format!("C{i}x{j}")).collect();
            if self.rng.chance(1, 3) {
                // a case name shared with another enum: bare uses are ambiguous
                cases.push("Other".into());
            }
            self.ch.enums.push(EnumDef {
                name: format!("Kind{i}"),
                cases,
            });
        }
    }

    fn scalar_ty(&mut self) -> Ty {
        let n = self.ch.enums.len();
        match self.rng.below(7 + usize::from(n > 0)) {
            0 => Ty::Bool,
            1 | 2 => Ty::Int,
            3 => Ty::Dec,
            4 => Ty::Date,
            5 => Ty::Dur,
            6 => Ty::Text,
            _ => Ty::Enum(self.rng.below(n)),
        }
    }

    fn records(&mut self) {
        let n = 1 + self.rng.below(3);
        for i in 0..n {
            let mut fields = Vec::new();
            match self.rng.below(6) {
                0..=2 => fields.push(Field {
                    name: "id".into(),
                    ty: Ty::Text,
                }),
                3 => fields.push(Field {
                    name: "id".into(),
                    ty: Ty::Int,
                }),
                _ => {}
            }
            for j in 0..1 + self.rng.below(5) {
                let ty = match self.rng.below(10) {
                    0 | 1 => Ty::opt(self.scalar_ty()),
                    2 => Ty::list(self.scalar_ty()),
                    3 => Ty::set(self.scalar_ty()),
                    4 if i > 0 => Ty::list(Ty::Rec(self.rng.below(i))),
                    5 if i > 0 => Ty::Rec(self.rng.below(i)),
                    6 if i > 0 => Ty::opt(Ty::Rec(self.rng.below(i))),
                    _ => self.scalar_ty(),
                };
                fields.push(Field {
                    name: format!("f{j}"),
                    ty,
                });
            }
            self.ch.records.push(RecordDef {
                name: format!("Rec{i}"),
                fields,
            });
        }
    }

    fn state(&mut self) {
        let mut state = vec![Field {
            name: "now".into(),
            ty: Ty::Date,
        }];
        let nrec = self.ch.records.len();
        for i in 0..1 + self.rng.below(3) {
            let r = self.rng.below(nrec);
            state.push(Field {
                name: format!("rows{i}"),
                ty: Ty::list(Ty::Rec(r)),
            });
        }
        for i in 0..self.rng.below(4) {
            let ty = match self.rng.below(6) {
                0 => Ty::list(self.scalar_ty()),
                1 => Ty::set(self.scalar_ty()),
                2 => Ty::opt(self.scalar_ty()),
                3 => Ty::Rec(self.rng.below(nrec)),
                4 => Ty::opt(Ty::Rec(self.rng.below(nrec))),
                _ => self.scalar_ty(),
            };
            state.push(Field {
                name: format!("s{i}"),
                ty,
            });
        }
        self.ch.state = state;
    }

    /// Any type a value may have (for lets, parameters, collections).
    fn any_ty(&mut self) -> Ty {
        let nrec = self.ch.records.len();
        match self.rng.below(11) {
            0 => Ty::list(self.scalar_ty()),
            1 => Ty::set(self.scalar_ty()),
            2 => Ty::opt(self.scalar_ty()),
            3 => Ty::Rec(self.rng.below(nrec)),
            4 => Ty::list(Ty::Rec(self.rng.below(nrec))),
            5 if self.rng.chance(1, 3) => Ty::set(Ty::Rec(self.rng.below(nrec))),
            _ => self.scalar_ty(),
        }
    }

    fn constant(&mut self) {
        let ty = self.any_ty();
        self.begin_body();
        let value = self.typed(&ty, 2);
        let name = format!("k{}", self.ch.consts.len());
        self.ch.consts.push(ConstDef {
            name: name.clone(),
            value,
        });
        self.globals.push((name, ty));
    }

    fn begin_body(&mut self) {
        self.scope.clear();
        self.fns_visible = self.ch.fns.len();
        self.laws_visible = self.ch.laws.len();
        self.allow_laws = true;
    }

    fn function(&mut self) {
        self.begin_body();
        let mut params = Vec::new();
        for _ in 0..self.rng.below(4) {
            let ty = self.any_ty();
            let name = self.fresh("p");
            self.scope.push((name.clone(), ty.clone()));
            params.push((name, ty));
        }
        let ret = self.any_ty();
        let block = self.rng.chance(1, 2);
        let mut lets = Vec::new();
        if block {
            for _ in 0..self.rng.below(3) {
                lets.push(self.let_stmt());
            }
        }
        let body = self.typed(&ret, 3 + self.extra);
        let name = format!("fn{}", self.ch.fns.len());
        self.ch.fns.push(FnDef {
            name,
            params,
            ret,
            block,
            lets,
            body,
        });
    }

    fn let_stmt(&mut self) -> Let {
        let ty = self.any_ty();
        let annotate = self.rng.chance(1, 3);
        let value = if annotate {
            self.typed(&ty, 2)
        } else {
            self.gen(&ty, 2)
        };
        let name = self.fresh("v");
        self.scope.push((name.clone(), ty));
        Let {
            name,
            annotate,
            value,
        }
    }

    fn law(&mut self) {
        self.begin_body();
        let param = if self.rng.chance(3, 4) {
            self.allow_laws = false;
            let coll = self.law_collection();
            self.allow_laws = true;
            let name = self.fresh("x");
            let elem = coll.ty.elem().cloned().unwrap_or(Ty::Int);
            self.scope.push((name.clone(), elem));
            Some((name, coll))
        } else {
            None
        };
        let mut stmts = Vec::new();
        for i in 0..1 + self.rng.below(5) {
            if self.rng.chance(1, 4) {
                stmts.push(Stmt::Let(self.let_stmt()));
                continue;
            }
            let cond = self.gen(&Ty::Bool, 3 + self.extra);
            let mut unless = Vec::new();
            for j in 0..self.rng.below(3).saturating_sub(1) {
                unless.push((format!("exception {i}.{j}"), self.gen(&Ty::Bool, 2)));
            }
            stmts.push(Stmt::Require {
                label: format!("requirement {i}"),
                cond,
                unless,
            });
        }
        let name = format!("law{}", self.ch.laws.len());
        self.ch.laws.push(LawDef { name, param, stmts });
    }

    fn law_collection(&mut self) -> Node {
        let rows: Vec<(String, Ty)> = self
            .globals
            .iter()
            .filter(|(_, ty)| matches!(ty, Ty::List(_) | Ty::Set(_)))
            .cloned()
            .collect();
        if !rows.is_empty() && self.rng.chance(3, 4) {
            let (name, ty) = self.rng.pick(&rows).clone();
            let base = Node::leaf(ty.clone(), name);
            if self.rng.chance(1, 4) {
                return self.where_of(base, 2);
            }
            return base;
        }
        let elem = self.any_ty();
        self.gen(&Ty::list(elem), 2)
    }

    // ---- expressions -------------------------------------------------------

    /// Names of this type in scope (locals shadow globals and each other).
    fn vars_of(&self, ty: &Ty) -> Vec<String> {
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
        let shared = match self.rng.below(16) {
            0 => Some(self.if_of(ty, d)),
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

    fn leaf(&mut self, ty: &Ty, d: u32) -> Node {
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
                let unit = if self.rng.chance(1, 4) {
                    "weeks"
                } else {
                    "days"
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

    fn int_value(&mut self) -> i64 {
        if self.rng.chance(1, 3) {
            *self.rng.pick(EDGE_INTS)
        } else {
            self.rng.range(-20, 50)
        }
    }

    /// `R { f: v, ... }`, optional fields sometimes left out, in any order.
    fn construct(&mut self, r: usize, d: u32) -> Node {
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

    fn bin(ty: Ty, a: Node, op: &str, b: Node) -> Node {
        Node::new(ty, vec![t("("), c(a), t(format!(" {op} ")), c(b), t(")")])
    }

    fn call(ty: Ty, f: &str, args: Vec<Node>) -> Node {
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

    fn if_of(&mut self, ty: &Ty, d: u32) -> Node {
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

    fn match_of(&mut self, ty: &Ty, d: u32) -> Option<Node> {
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
                let s = self.gen(&Ty::opt(inner), d);
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

    fn call_fn(&mut self, ty: &Ty, d: u32) -> Option<Node> {
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

    fn call_law(&mut self, d: u32) -> Option<Node> {
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
    fn field_of(&mut self, ty: &Ty, d: u32) -> Option<Node> {
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

    fn coalesce_of(&mut self, ty: &Ty, d: u32) -> Option<Node> {
        if matches!(ty, Ty::Opt(_)) {
            return None;
        }
        let o = self.gen(&Ty::opt(ty.clone()), d);
        let v = self.gen(ty, d);
        Some(Self::bin(ty.clone(), o, "??", v))
    }

    /// A collection type to iterate: often one the charter already has.
    fn source_elem(&mut self) -> Ty {
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

    fn collection(&mut self, elem: &Ty, d: u32) -> Node {
        if self.rng.chance(1, 3) {
            self.gen(&Ty::set(elem.clone()), d)
        } else {
            self.gen(&Ty::list(elem.clone()), d)
        }
    }

    /// `e for v in src if f` inside an aggregate or comprehension; `make` builds
    /// the element once `v` is bound.
    fn generator(
        &mut self,
        src_elem: &Ty,
        d: u32,
        make: &mut dyn FnMut(&mut Gen) -> Node,
    ) -> Vec<crate::model::Part> {
        let src = self.collection(src_elem, d);
        let v = self.fresh("e");
        self.scope.push((v.clone(), src_elem.clone()));
        let elem = make(self);
        let filter = if self.rng.chance(1, 2) {
            Some(self.gen(&Ty::Bool, d))
        } else {
            None
        };
        self.scope.pop();
        let mut parts = vec![c(elem), t(format!(" for {v} in ")), c(src)];
        if let Some(f) = filter {
            parts.push(t(" if "));
            parts.push(c(f));
        }
        parts
    }

    /// `agg(e for v in src if f)` with `e: elem`, or `agg(coll)`.
    fn aggregate(&mut self, agg: &str, result: Ty, elem: &Ty, d: u32) -> Node {
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

    fn where_of(&mut self, source: Node, d: u32) -> Node {
        let elem = source.ty.elem().cloned().unwrap_or(Ty::Int);
        self.scope.push(("it".into(), elem));
        let cond = self.gen(&Ty::Bool, d);
        self.scope.pop();
        Node::new(
            source.ty.clone(),
            vec![t("("), c(source), t(" where "), c(cond), t(")")],
        )
    }

    fn ordered_ty(&mut self) -> Ty {
        self.rng
            .pick(&[Ty::Int, Ty::Int, Ty::Dec, Ty::Date, Ty::Dur, Ty::Text])
            .clone()
    }

    fn gen_bool(&mut self, d: u32) -> Node {
        match self.rng.below(12) {
            0 | 1 => {
                let ty = self.ordered_ty();
                let op = *self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
                let (a, b) = (self.gen(&ty, d), self.gen(&ty, d));
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
    fn min_max(&mut self, ty: &Ty, d: u32) -> Node {
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
    fn numeric(&mut self, ty: &Ty, d: u32) -> Option<Node> {
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

    fn gen_int(&mut self, d: u32) -> Node {
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

    fn gen_dec(&mut self, d: u32) -> Node {
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

    fn gen_date(&mut self, d: u32) -> Node {
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

    fn gen_dur(&mut self, d: u32) -> Node {
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

    fn gen_text(&mut self, d: u32) -> Node {
        match self.rng.below(3) {
            0 => {
                let (a, b) = (self.gen(&Ty::Text, d), self.gen(&Ty::Text, d));
                Self::bin(Ty::Text, a, "+", b)
            }
            1 => self.min_max(&Ty::Text, d),
            _ => self.leaf(&Ty::Text, d),
        }
    }

    fn gen_rec(&mut self, r: usize, d: u32) -> Node {
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

    fn gen_list(&mut self, e: &Ty, d: u32) -> Node {
        let ty = Ty::list(e.clone());
        match self.rng.below(7) {
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
            _ => self.leaf(&ty, d),
        }
    }

    fn comprehension(&mut self, ty: &Ty, e: &Ty, d: u32) -> Node {
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

    fn gen_set(&mut self, e: &Ty, d: u32) -> Node {
        let ty = Ty::set(e.clone());
        match self.rng.below(4) {
            0 => self.comprehension(&ty, e, d),
            1 => {
                let src = self.gen(&ty, d);
                self.where_of(src, d)
            }
            _ => self.leaf(&ty, d),
        }
    }

    fn gen_opt(&mut self, inner: &Ty, d: u32) -> Node {
        let ty = Ty::opt(inner.clone());
        match self.rng.below(4) {
            0 => {
                let xs = self.collection(inner, d);
                Self::call(ty, "first", vec![xs])
            }
            _ => self.leaf(&ty, d),
        }
    }
}

fn underscored(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(ch);
    }
    out
}

/// A valid date near the present (with real month lengths).
pub fn random_date(rng: &mut Rng) -> String {
    let y = rng.range(2019, 2030);
    let m = rng.range(1, 12);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let d = rng.range(1, days);
    format!("{y:04}-{m:02}-{d:02}")
}
