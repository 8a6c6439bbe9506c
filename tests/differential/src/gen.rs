//! The generator of random well-typed charters. Every expression is built for
//! a wanted type from the productions that give that type, fully
//! parenthesised so precedence never changes its meaning. Callables (consts,
//! fns, laws) may only use those generated before them, so the call graph is
//! acyclic by construction.

use crate::model::{Charter, ConstDef, EnumDef, Field, FnDef, LawDef, Let};
use crate::model::{Node, RecordDef, Stmt, TestBlock, TestStmt, Ty};

/// splitmix64: small, fast, and the same on every machine. A fuzzer drives
/// it through [`Rng::from_bytes`].
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
    /// The fuzzer's input: draw `i` takes its low 8 bits from `bytes[i]`.
    bytes: Vec<u8>,
    pos: usize,
}

impl Rng {
    /// The splitmix64 sequence from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng::from_bytes(seed, &[])
    }

    /// Draws whose low 8 bits come from `bytes`, one byte per draw, then
    /// plain splitmix64 once they run out: most choices are `below(n)` with a
    /// small `n`, so a fuzzer that changes one byte changes one choice, and a
    /// longer input makes a bigger charter.
    pub fn from_bytes(seed: u64, bytes: &[u8]) -> Rng {
        Rng {
            state: seed,
            bytes: bytes.to_vec(),
            pos: 0,
        }
    }

    /// The next draw.
    #[allow(clippy::should_implement_trait)] // never ends, so not an iterator
    pub fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        match self.bytes.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                (z & !0xff) | u64::from(b)
            }
            None => z,
        }
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next() % den < num
    }

    /// One of `xs` (not empty), uniformly.
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

/// Decimal literals (source forms): many digits, 10^30, tiny fractions, and
/// the edges of the JIT's inline decimals.
pub const DEC_LITS: &[&str] = &[
    "0.0",
    "0.5",
    "1.5",
    "2.25",
    "0.000000000000000001",
    "123456789.123456789",
    "1000000000000000000000000000000",
    "1000000000000000000.000000000000000001",
    "99999999999999999999999999999999999999",
    // the edges of i128, where `a mod b` once overflowed for remainders
    // that fit (`10^38 mod 0.5`)
    "100000000000000000000000000000000000000",
    "170141183460469231731687303715884105727",
    // wide (issue 16): past i128, a 10^36-wei supply, 2^255, uint256's
    // largest, and a fraction with a 77-digit denominator
    "170141183460469231731687303715884105728",
    "1000000000000000000000000000000000000",
    "57896044618658097711785492504343953926634992332820282019728792003956564819968",
    "115792089237316195423570985008687907853269984665640564039457584007913129639935",
    "0.00000000000000000000000000000000000000000000000000000000000000000000000000001",
    "3.14159265358979323846",
    "20%",
    "12.5%",
    "0.5%",
    "100%",
    // the JIT's inline fixed-point range: its largest value, the next (a
    // cell), half of the range (two make a cell), the finest places
    "4611686018427.387903",
    "4611686018427.387904",
    "2305843009213.693952",
    "0.000001",
    "0.0000001",
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
    "tab\there",
    "a",
    "Straße",
    "İz",
    "ΟΔΟΣ",
    "ǅ",
];

/// Text ids used in snapshots; lookups sometimes ask for one that is absent.
pub const TEXT_IDS: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h"];

pub struct Gen {
    pub rng: Rng,
    pub ch: Charter,
    /// Local names in scope, innermost last.
    pub scope: Vec<(String, Ty)>,
    /// State names and consts visible to the body being generated.
    pub globals: Vec<(String, Ty)>,
    /// How many fns and laws the body being generated may call.
    pub fns_visible: usize,
    pub laws_visible: usize,
    /// Whether law calls are allowed here (not in a law's subject collection).
    pub allow_laws: bool,
    pub fresh: u32,
    /// Extra depth for the bodies of this charter (one charter in eight is bigger).
    pub extra: u32,
}

impl Gen {
    /// A generator drawing from `rng` (a fuzzer's, see [`Rng::from_bytes`]).
    pub fn with_rng(rng: Rng) -> Gen {
        Gen {
            rng,
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

    pub(crate) fn fresh(&mut self, prefix: &str) -> String {
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
        for _ in 0..self.rng.below(3) {
            self.test_block();
        }
        (self.ch, self.rng)
    }

    /// A `test` block: most state names given as literals (state read before
    /// its `given` is a fault, also worth comparing), then `let`s, `expect`s
    /// and sometimes a second `given` (constants read state afresh after it).
    pub(crate) fn test_block(&mut self) {
        self.begin_body();
        let mut stmts = Vec::new();
        let state = self.ch.state.clone();
        // The first values read nothing (no state, consts, fns or laws).
        let globals = std::mem::take(&mut self.globals);
        (self.fns_visible, self.laws_visible) = (0, 0);
        for f in &state {
            if self.rng.chance(7, 8) {
                stmts.push(TestStmt::Given(f.name.clone(), self.lit(&f.ty, 2)));
            }
        }
        self.globals = globals;
        self.begin_body();
        for _ in 0..1 + self.rng.below(4) {
            match self.rng.below(6) {
                0 => stmts.push(TestStmt::Let(self.let_stmt())),
                1 if !state.is_empty() => {
                    let f = self.rng.pick(&state).clone();
                    stmts.push(TestStmt::Given(f.name.clone(), self.gen(&f.ty, 2)));
                }
                _ => stmts.push(TestStmt::Expect(self.gen(&Ty::Bool, 3 + self.extra))),
            }
        }
        let name = format!("test {}", self.ch.tests.len());
        self.ch.tests.push(TestBlock { name, stmts });
    }

    pub(crate) fn enums(&mut self) {
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

    pub(crate) fn scalar_ty(&mut self) -> Ty {
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

    pub(crate) fn records(&mut self) {
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
                // Now and then a keyword that is a word of governance: any
                // keyword may name a field.
                let name = match self.rng.below(12) {
                    0 => self
                        .rng
                        .pick(&["state", "test", "record", "law", "for"])
                        .to_string(),
                    _ => format!("f{j}"),
                };
                if fields.iter().any(|f: &Field| f.name == name) {
                    continue;
                }
                fields.push(Field { name, ty });
            }
            self.ch.records.push(RecordDef {
                name: format!("Rec{i}"),
                fields,
            });
        }
    }

    pub(crate) fn state(&mut self) {
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
    pub(crate) fn any_ty(&mut self) -> Ty {
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

    pub(crate) fn constant(&mut self) {
        let ty = self.any_ty();
        self.begin_body();
        let value = self.typed(&ty, 2);
        let name = format!("k{}", self.ch.consts.len());
        // Every third constant is a figure: chosen without a draw, so the
        // random stream (and every other seed's case) stays as it was.
        let figure = self.ch.consts.len() % 3 == 1;
        self.ch.consts.push(ConstDef {
            name: name.clone(),
            value,
            figure,
        });
        self.globals.push((name, ty));
    }

    pub(crate) fn begin_body(&mut self) {
        self.scope.clear();
        self.fns_visible = self.ch.fns.len();
        self.laws_visible = self.ch.laws.len();
        self.allow_laws = true;
    }

    pub(crate) fn function(&mut self) {
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

    pub(crate) fn let_stmt(&mut self) -> Let {
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

    pub(crate) fn law(&mut self) {
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
            if self.rng.chance(1, 6) {
                // `when cond { requirements }`
                let cond = self.gen(&Ty::Bool, 2);
                let body = (0..1 + self.rng.below(2))
                    .map(|j| self.requirement(&format!("{i}.{j}")))
                    .collect();
                stmts.push(Stmt::When { cond, body });
                continue;
            }
            stmts.push(self.requirement(&i.to_string()));
        }
        let name = format!("law{}", self.ch.laws.len());
        self.ch.laws.push(LawDef { name, param, stmts });
    }

    /// `require` (or, now and then, `should`) with exceptions and sometimes
    /// a `when` guard.
    fn requirement(&mut self, n: &str) -> Stmt {
        let guard = self.rng.chance(1, 6).then(|| self.gen(&Ty::Bool, 2));
        let advisory = self.rng.chance(1, 6);
        let cond = self.gen(&Ty::Bool, 3 + self.extra);
        let mut unless = Vec::new();
        for j in 0..self.rng.below(3).saturating_sub(1) {
            unless.push((format!("exception {n}.{j}"), self.gen(&Ty::Bool, 2)));
        }
        Stmt::Require {
            label: format!("requirement {n}"),
            guard,
            advisory,
            cond,
            unless,
        }
    }

    pub(crate) fn law_collection(&mut self) -> Node {
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
}

pub fn underscored(n: i64) -> String {
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

/// One case: a charter drawn from `rng` and a snapshot that conforms to it.
pub fn case(rng: Rng) -> (Charter, crate::model::Json) {
    let (charter, mut rng) = Gen::with_rng(rng).charter();
    let json = crate::snapshot::snapshot(&charter, &mut rng);
    (charter, json)
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn bytes_choose_the_low_bits_then_splitmix_goes_on() {
        let (mut plain, mut driven) = (Rng::new(7), Rng::from_bytes(7, &[3, 250]));
        let (a, b) = (plain.next(), driven.next());
        assert_eq!((b & 0xff, a & !0xff), (3, b & !0xff));
        assert_eq!(driven.next() & 0xff, 250);
        plain.next();
        assert_eq!(plain.next(), driven.next());
    }
}
