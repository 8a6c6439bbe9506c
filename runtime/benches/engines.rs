//! The engines side by side on the bulk laws of Praxis Nova over generated
//! snapshots: the JIT's decisions (one thread and all cores), the JIT with
//! explained verdicts (the API), the reference interpreter, and hand-written
//! Rust over the same native layout (the practical limit), which must count
//! the same passing subjects as the charter.
//!
//! `cargo bench -p polity --bench engines` (`-- may_vote` for one law).
//! Figures are recorded in docs/performance.md. Peer engines (cel, rhai,
//! regorus, cedar-policy) on `may_vote` are in `peers.rs`, behind the
//! `peers` feature.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{may_vote_by_hand, setup, ACTIVE, CITIZEN, MEMBERS, MEMBER_FIELDS, NOW, PRAXIS};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use polity::api::{Engine, Limits, Program};
use polity::jit::Decisions;
use polity::layout::{decimal, elements, fields, inline_dec, is_inline_dec, Layout, NONE};
use polity_compiler::num::{Dec, DecSum};
use std::cmp::Ordering;
use std::hint::black_box;

// Praxis Nova's proposals, parcels and treasury (the other names are in
// `common`), and the cases of `Choice`.
const PROPOSALS: usize = 2;
const PARCELS: usize = 3;
const TREASURY: usize = 4;
const FOR: i64 = 0;
const AGAINST: i64 = 1;

/// A decimal as hand-written Rust over the layout holds it: the word
/// (inline fixed point, or a cell), or an exact value it computed.
#[derive(Clone, Copy)]
enum Num {
    Word(i64),
    Exact(Dec),
}

impl Num {
    /// The word the JIT would make of `d` when it is inline.
    fn of(d: Dec) -> Num {
        inline_dec(d).map_or(Num::Exact(d), Num::Word)
    }

    fn dec(self, layout: &Layout) -> Dec {
        match self {
            Num::Word(w) => decimal(layout, w),
            Num::Exact(d) => d,
        }
    }

    /// Inline words compare as integers; anything else as exact decimals.
    fn cmp(self, other: Num, layout: &Layout) -> Ordering {
        match (self, other) {
            (Num::Word(a), Num::Word(b)) if is_inline_dec(a) && is_inline_dec(b) => a.cmp(&b),
            _ => self.dec(layout).cmp(&other.dec(layout)),
        }
    }

    fn ge(self, other: Num, layout: &Layout) -> bool {
        self.cmp(other, layout) != Ordering::Less
    }
}

/// A sum of decimal words as the JIT's loops take it: integer additions of
/// inline words while the sum stays inline, then the exact sum.
struct WordSum {
    /// The inline word of the sum, until `exact` takes over.
    word: i64,
    exact: Option<DecSum>,
}

impl WordSum {
    const ZERO: WordSum = WordSum {
        word: 1,
        exact: None,
    };

    fn add(&mut self, layout: &Layout, w: i64) {
        if self.exact.is_none() && is_inline_dec(w) {
            if let Some(s) = (self.word - 1).checked_add(w) {
                self.word = s;
                return;
            }
        }
        let exact = self.exact.get_or_insert_with(|| {
            let mut s = DecSum::ZERO;
            s.add(decimal(layout, self.word)).unwrap();
            s
        });
        exact.add(decimal(layout, w)).unwrap();
    }

    fn value(&self) -> Num {
        match self.exact {
            None => Num::Word(self.word),
            Some(s) => Num::Exact(s.value()),
        }
    }
}

/// What `passes` needs once per evaluation (the JIT memoises both: the
/// quorum constant and the parameterless fn `citizens()`).
struct Tally {
    now: i64,
    /// `quorum * count(citizens())`.
    needed: Num,
    two_thirds: Dec,
}

impl Tally {
    fn new(layout: &Layout) -> Tally {
        let members = elements(layout, layout.state_word(MEMBERS).unwrap());
        let citizens = members
            .iter()
            .filter(|m| {
                let f = fields(layout, **m, MEMBER_FIELDS);
                f[2] == ACTIVE && elements(layout, f[3]).binary_search(&CITIZEN).is_ok()
            })
            .count();
        let quorum = Dec::ratio(20, 100).unwrap();
        Tally {
            now: layout.state_word(NOW).unwrap(),
            needed: Num::of(quorum.checked_mul(Dec::from_int(citizens as i64)).unwrap()),
            two_thirds: Dec::ratio(2, 3).unwrap(),
        }
    }

    /// `passes(p)` for the proposal word `p`.
    fn passes(&self, layout: &Layout, p: i64) -> bool {
        let f = fields(layout, p, 5);
        let (mut cast, mut yes, mut no) = (WordSum::ZERO, WordSum::ZERO, WordSum::ZERO);
        for v in elements(layout, f[3]) {
            let v = fields(layout, *v, 3);
            cast.add(layout, v[2]);
            match v[1] {
                FOR => yes.add(layout, v[2]),
                AGAINST => no.add(layout, v[2]),
                _ => {}
            }
        }
        let (yes, no) = (yes.value().dec(layout), no.value().dec(layout));
        self.now > f[2]
            && cast.value().ge(self.needed, layout)
            && yes
                >= self
                    .two_thirds
                    .checked_mul(yes.checked_add(no).unwrap())
                    .unwrap()
    }
}

/// `passes` by hand: how many proposals pass.
fn passes_by_hand(layout: &Layout) -> usize {
    let tally = Tally::new(layout);
    let proposals = elements(layout, layout.state_word(PROPOSALS).unwrap());
    proposals
        .iter()
        .filter(|p| tally.passes(layout, **p))
        .count()
}

/// `may_pay` by hand: how many proposals may be paid.
fn may_pay_by_hand(layout: &Layout) -> usize {
    let tally = Tally::new(layout);
    let treasury = fields(layout, layout.state_word(TREASURY).unwrap(), 2);
    let limit = Num::of(
        Dec::ratio(10, 100)
            .unwrap()
            .checked_mul(decimal(layout, treasury[0]))
            .unwrap(),
    );
    let proposals = elements(layout, layout.state_word(PROPOSALS).unwrap());
    proposals
        .iter()
        .filter(|p| {
            let amount = fields(layout, **p, 5)[4];
            let amount = if amount == NONE {
                Num::of(Dec::ZERO)
            } else {
                Num::Word(amount)
            };
            tally.passes(layout, **p) && limit.ge(amount, layout)
        })
        .count()
}

/// `funded` by hand: how many parcels are covered.
fn funded_by_hand(layout: &Layout) -> usize {
    let parcels = elements(layout, layout.state_word(PARCELS).unwrap());
    parcels
        .iter()
        .filter(|x| {
            let f = fields(layout, **x, 5);
            let mut total = WordSum::ZERO;
            for g in elements(layout, f[4]) {
                total.add(layout, fields(layout, *g, 2)[1]);
            }
            total.value().ge(Num::Word(f[3]), layout)
        })
        .count()
}

fn engines(c: &mut Criterion) {
    for members in [10_000u64, 100_000] {
        let (program, state) = setup(members);
        let jit = program.jit().unwrap().clone();
        let layout = state.layout(program.ir(), &jit);
        for law in ["may_vote", "passes", "may_pay", "funded"] {
            let (id, _) = program.ir().law(law).unwrap();
            let n = program.eval_law(&state, law).unwrap().results.len();
            let mut group = c.benchmark_group(format!("{law}/{members}"));
            group.sample_size(10);
            group.throughput(Throughput::Elements(n as u64));
            let limits = Limits::default();
            // One thread, into one buffer of decisions reused from call to
            // call, as the hand-written loop allocates nothing.
            let mut decisions = Decisions::default();
            group.bench_function(BenchmarkId::new("jit_decide", 1), |b| {
                b.iter(|| {
                    assert!(jit.decide_into(
                        program.ir(),
                        layout,
                        id,
                        limits.clone(),
                        &mut decisions
                    ));
                    decisions.len()
                })
            });
            group.bench_function(BenchmarkId::new("jit_decide", "all_cores"), |b| {
                b.iter(|| {
                    jit.decide(program.ir(), layout, id, limits.clone(), true)
                        .unwrap()
                })
            });
            group.bench_function("jit_explained", |b| {
                b.iter(|| program.eval_law_engine(&state, law, limits.clone(), Engine::Jit))
            });
            group.bench_function("interpreter", |b| {
                b.iter(|| program.eval_law_engine(&state, law, limits.clone(), Engine::Interpreter))
            });
            let by_hand: fn(&Layout) -> usize = match law {
                "may_vote" => may_vote_by_hand,
                "passes" => passes_by_hand,
                "may_pay" => may_pay_by_hand,
                _ => funded_by_hand,
            };
            // The hand-written law must decide as the charter does.
            let passing = program
                .eval_law(&state, law)
                .unwrap()
                .results
                .iter()
                .filter(|r| matches!(r.verdict, polity::verdict::Verdict::Pass))
                .count();
            assert_eq!(by_hand(layout), passing, "{law} by hand");
            group.bench_function("by_hand", |b| b.iter(|| by_hand(black_box(layout))));
            group.finish();
        }
    }
}

/// Check + JIT of each example charter (the whole pipeline to machine code).
fn compiling(c: &mut Criterion) {
    const TIDEWATER: &str = include_str!("../../examples/tidewater/charter.polity");
    let mut group = c.benchmark_group("check_and_jit");
    for (name, text) in [("praxis-nova", PRAXIS), ("tidewater", TIDEWATER)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let p = Program::compile(name, black_box(text)).unwrap();
                assert!(p.jit().is_some());
            })
        });
    }
    group.finish();
}

criterion_group!(benches, compiling, engines);
criterion_main!(benches);
