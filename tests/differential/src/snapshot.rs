//! Random snapshots that conform to a generated charter's `state`: edge
//! values (0, negatives, 64-bit extremes, 10^30 and long fractions, leap
//! days), empty and long lists, absent and `null` optionals.

use crate::gen::{random_date, Rng, DATES, EDGE_INTS, TEXTS, TEXT_IDS};
use crate::model::{Charter, Json, Ty};

/// Decimals as JSON: plain numbers, exponents, exact strings, and the edges
/// of the JIT's inline decimals.
const DECIMALS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2.5",
    "-0.25",
    "100",
    "1.5e3",
    "2E-5",
    "\"0.000000000000000001\"",
    "\"1000000000000000000000000000000\"",
    "1000000000000000000000000000000",
    "\"-1000000000000000000000000000000.5\"",
    "\"123456789012345678.123456789012345678\"",
    "\"170141183460469231731687303715884105727\"",
    "\"-170141183460469231731687303715884105727\"",
    // wide (issue 16): uint256 amounts and past i128
    "\"115792089237316195423570985008687907853269984665640564039457584007913129639935\"",
    "-57896044618658097711785492504343953926634992332820282019728792003956564819968",
    "1e36",
    "\"170141183460469231731687303715884105728.5\"",
    "\"0.00000000000000000000000000000000000000000000000000000000000000000000000000001\"",
    "9223372036854775807",
    "-9223372036854775808",
    "\"0.1\"",
    "\"3\"",
    // the edges of the JIT's inline decimals (see `gen::DEC_LITS`)
    "4611686018427.387903",
    "\"4611686018427.387904\"",
    "-4611686018427.387904",
    "\"-4611686018427.387905\"",
    "2305843009213.693952",
    "-2305843009213.693952",
    "0.000001",
    "-0.0000001",
];

/// Durations in days as snapshots write them, up to the most that fit in
/// seconds (`i64::MAX / 86,400` days).
const DURATIONS: &[i64] = &[
    0,
    1,
    -1,
    7,
    30,
    90,
    365,
    366,
    -400,
    1_000_000_000,
    106_751_991_167_300,
    -106_751_991_167_300,
];

pub fn snapshot(ch: &Charter, rng: &mut Rng) -> Json {
    let mut fields = Vec::new();
    for f in &ch.state {
        if matches!(f.ty, Ty::Opt(_)) && rng.chance(1, 4) {
            continue; // absent is `none`
        }
        let v = value(ch, &f.ty, rng, 2, true);
        fields.push((f.name.clone(), v));
    }
    Json::Obj(fields)
}

fn list_len(rng: &mut Rng, top: bool) -> usize {
    match rng.below(20) {
        0..=3 => 0,
        4..=15 => 1 + rng.below(4),
        16..=18 => 5 + rng.below(8),
        _ if top => 30 + rng.below(40),
        _ => 6,
    }
}

fn value(ch: &Charter, ty: &Ty, rng: &mut Rng, depth: u32, top: bool) -> Json {
    match ty {
        Ty::Bool => Json::Bool(rng.chance(1, 2)),
        Ty::Int => {
            let n = if rng.chance(1, 4) {
                *rng.pick(EDGE_INTS)
            } else {
                rng.range(-5, 30)
            };
            Json::Num(n.to_string())
        }
        Ty::Dec => {
            if rng.chance(1, 2) {
                return Json::Num(rng.range(-10, 100).to_string());
            }
            let s = *rng.pick(DECIMALS);
            match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(inner) => Json::Str(inner.to_string()),
                None => Json::Num(s.to_string()),
            }
        }
        Ty::Date => Json::Str(if rng.chance(1, 3) {
            rng.pick(DATES).to_string()
        } else {
            random_date(rng)
        }),
        Ty::Dur => match rng.below(6) {
            0 | 1 => Json::Num(rng.pick(DURATIONS).to_string()),
            2 => {
                // a sub-day duration as text
                let unit = *rng.pick(&["hours", "minutes", "seconds"]);
                Json::Str(format!("{} {unit}", rng.range(-50, 5000)))
            }
            _ => Json::Num(rng.range(-10, 400).to_string()),
        },
        Ty::Text => Json::Str(rng.pick(TEXTS).to_string()),
        Ty::Enum(e) => Json::Str(rng.pick(&ch.enums[*e].cases).clone()),
        Ty::Opt(inner) => {
            if rng.chance(1, 3) {
                Json::Null
            } else {
                value(ch, inner, rng, depth, top)
            }
        }
        Ty::List(e) | Ty::Set(e) => {
            let n = if depth == 0 { 0 } else { list_len(rng, top) };
            let mut ids = IdPool::default();
            Json::Arr(
                (0..n)
                    .map(|i| element(ch, e, rng, depth - 1, i, &mut ids))
                    .collect(),
            )
        }
        Ty::Rec(r) => record(ch, *r, rng, depth, None),
    }
}

/// Ids of one list: distinct, in order (a snapshot that repeats an id in a
/// list of records is rejected at load; `tests/snapshot.rs` tests that).
#[derive(Default)]
struct IdPool {
    next: usize,
}

fn element(ch: &Charter, ty: &Ty, rng: &mut Rng, depth: u32, i: usize, ids: &mut IdPool) -> Json {
    match ty {
        Ty::Rec(r) => {
            let id = match ch.records[*r].id_ty() {
                Some(Ty::Text) => {
                    let k = ids.next;
                    ids.next += 1;
                    Some(Json::Str(
                        TEXT_IDS
                            .get(k)
                            .map_or_else(|| format!("id{k}"), |s| s.to_string()),
                    ))
                }
                Some(_) => Some(Json::Num(i.to_string())),
                None => None,
            };
            record(ch, *r, rng, depth, id)
        }
        _ => value(ch, ty, rng, depth, false),
    }
}

fn record(ch: &Charter, r: usize, rng: &mut Rng, depth: u32, id: Option<Json>) -> Json {
    let def = &ch.records[r];
    let mut fields = Vec::new();
    for f in &def.fields {
        if f.name == "id" {
            if let Some(id) = &id {
                fields.push((f.name.clone(), id.clone()));
                continue;
            }
        }
        if matches!(f.ty, Ty::Opt(_)) && rng.chance(1, 4) {
            continue;
        }
        fields.push((f.name.clone(), value(ch, &f.ty, rng, depth, false)));
    }
    if rng.chance(1, 6) {
        fields.reverse();
    }
    Json::Obj(fields)
}
