//! Snapshot loading throughput and whole-pipeline compile time.
//!
//! `cargo bench -p polity --bench load` — reports MB/s for loading generated
//! Praxis-Nova snapshots (10,000 and 100,000 members) and the time to compile
//! each example charter. Figures are recorded in docs/performance.md.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

// The generator's own `main` and unit tests come along unused.
#[path = "../examples/gen_snapshot.rs"]
#[allow(dead_code, unused_imports)]
mod gen_snapshot;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use polity::api::Program;
use std::hint::black_box;

const PRAXIS: &str = include_str!("../../examples/praxis-nova/charter.polity");
const TIDEWATER: &str = include_str!("../../examples/tidewater/charter.polity");

fn snapshot_loading(c: &mut Criterion) {
    let program = Program::compile("praxis-nova.polity", PRAXIS).expect("compiles");
    let mut group = c.benchmark_group("load_snapshot");
    group.sample_size(10);
    for members in [10_000u64, 100_000] {
        let mut json = Vec::new();
        gen_snapshot::write_snapshot(members, 7, &mut json).unwrap();
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(members), &json, |b, json| {
            b.iter(|| program.load_snapshot(black_box(json)).expect("matches"));
        });
    }
    group.finish();
}

fn compiling(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    for (name, text) in [("praxis-nova", PRAXIS), ("tidewater", TIDEWATER)] {
        group.bench_function(name, |b| {
            b.iter(|| Program::compile(name, black_box(text)).expect("compiles"))
        });
    }
    group.finish();
}

criterion_group!(benches, snapshot_loading, compiling);
criterion_main!(benches);
