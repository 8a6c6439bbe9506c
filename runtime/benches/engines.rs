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
use polity::jit::layout::{decimal, elements, fields, Layout, NONE};
use polity_compiler::num::{Dec, DecSum};
use std::hint::black_box;

// Praxis Nova's proposals, parcels and treasury (the other names are in
// `common`), and the cases of `Choice`.
const PROPOSALS: usize = 2;
const PARCELS: usize = 3;
const TREASURY: usize = 4;
const FOR: i64 = 0;
const AGAINST: i64 = 1;

/// What `passes` needs once per evaluation (the JIT memoises both: the
/// quorum constant and the parameterless fn `citizens()`).
struct Tally {
    now: i64,
    /// `quorum * count(citizens())`.
    needed: Dec,
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
            needed: quorum.checked_mul(Dec::from_int(citizens as i64)).unwrap(),
            two_thirds: Dec::ratio(2, 3).unwrap(),
        }
    }

    /// `passes(p)` for the proposal word `p`.
    fn passes(&self, layout: &Layout, p: i64) -> bool {
        let f = fields(layout, p, 5);
        let (mut cast, mut yes, mut no) = (DecSum::ZERO, DecSum::ZERO, DecSum::ZERO);
        for v in elements(layout, f[3]) {
            let v = fields(layout, *v, 3);
            let weight = decimal(layout, v[2]);
            cast.add(weight).unwrap();
            match v[1] {
                FOR => yes.add(weight).unwrap(),
                AGAINST => no.add(weight).unwrap(),
                _ => {}
            }
        }
        let (cast, yes, no) = (cast.value(), yes.value(), no.value());
        self.now > f[2]
            && cast >= self.needed
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
    let limit = Dec::ratio(10, 100)
        .unwrap()
        .checked_mul(decimal(layout, treasury[0]))
        .unwrap();
    let proposals = elements(layout, layout.state_word(PROPOSALS).unwrap());
    proposals
        .iter()
        .filter(|p| {
            let amount = fields(layout, **p, 5)[4];
            let amount = if amount == NONE {
                Dec::ZERO
            } else {
                decimal(layout, amount)
            };
            tally.passes(layout, **p) && amount <= limit
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
            let mut total = DecSum::ZERO;
            for g in elements(layout, f[4]) {
                let amount = decimal(layout, fields(layout, *g, 2)[1]);
                total.add(amount).unwrap();
            }
            total.value() >= decimal(layout, f[3])
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
            group.bench_function(BenchmarkId::new("jit_decide", 1), |b| {
                b.iter(|| jit.decide(program.ir(), layout, id, limits, false).unwrap())
            });
            group.bench_function(BenchmarkId::new("jit_decide", "all_cores"), |b| {
                b.iter(|| jit.decide(program.ir(), layout, id, limits, true).unwrap())
            });
            group.bench_function("jit_explained", |b| {
                b.iter(|| program.eval_law_engine(&state, law, limits, Engine::Jit))
            });
            group.bench_function("interpreter", |b| {
                b.iter(|| program.eval_law_engine(&state, law, limits, Engine::Interpreter))
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
