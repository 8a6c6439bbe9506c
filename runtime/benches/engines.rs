//! The engines side by side on the bulk laws of Praxis Nova over generated
//! snapshots: the JIT's decisions (one thread and all cores), the JIT with
//! explained verdicts (the API), the reference interpreter, and hand-written
//! Rust over the same native layout (the practical limit).
//!
//! `cargo bench -p polity --bench engines` (`-- may_vote` for one law).
//! Figures are recorded in docs/performance.md. Peer engines (cel, rhai,
//! regorus, cedar-policy) on `may_vote` are in `peers.rs`, behind the
//! `peers` feature.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{may_vote_by_hand, setup, PRAXIS};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use polity::api::{Engine, Limits, Program};
use polity::jit::layout::{decimal, elements, fields, Layout};
use std::hint::black_box;

// Praxis Nova's parcels (the other names are in `common`).
const PARCELS: usize = 3;

/// `funded` by hand: how many parcels are covered.
fn funded_by_hand(layout: &Layout) -> usize {
    let parcels = elements(layout, layout.state_word(PARCELS).unwrap());
    parcels
        .iter()
        .filter(|x| {
            let f = fields(layout, **x, 5);
            let mut total = polity_compiler::num::DecSum::ZERO;
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
        for law in ["may_vote", "passes", "funded"] {
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
            if law == "may_vote" {
                group.bench_function("by_hand", |b| {
                    b.iter(|| may_vote_by_hand(black_box(layout)))
                });
            }
            if law == "funded" {
                group.bench_function("by_hand", |b| b.iter(|| funded_by_hand(black_box(layout))));
            }
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
