"""Joins written the natural way, from 10^4 to 10^6 members, in both engines.

Usage (from the repository root, after `cargo build --release -p polity`):

    python3 docs/bench/joins_scale.py                          # 10^4, 10^5, 10^6
    python3 docs/bench/joins_scale.py --sizes 10000,100000 --charters vouched,whales

Generates one snapshot per size into --dir (kept between runs; generation is
not timed): N members, each vouched for by three members and two in three
with a mentor, and N ballots, each naming a member as its voter (so some
members have several ballots and about a third none: keys both duplicated
and missing). Then runs `polity eval CHARTER --snapshot FILE > /dev/null`
per charter, size and engine (`scale.py`'s runner) and prints CPU time
(user + sys), wall time and peak memory, the CPU time's growth from the size
before (10x the members: about 10x is linear, about 100x quadratic), and at
each size the interpreter's CPU time over the JIT's. Each charter is one law
or a few, the shapes a charter's author reaches for first:

- lookup:  `members[b.voter]`, a keyed lookup per ballot, and `members[key]`
           of an optional mentor per member;
- refs:    the same through reference fields (`voter: Member in members`);
- vouched: `members where it.id in m.vouched_by and ...`, a join per member;
- whales:  `v in whales()` and `it.id in whales()`, a set of ids built from
           state once, tested per member;
- ballots: `count(b for b in ballots if b.voter == m.id)`, ballots per voter;
- groups:  `group_by(ballots, by: it.voter)`, once;
- nested:  `any(any(b.weight > 4 for b in ballots if b.voter == v) for v in
           m.vouched_by)`, a nested `any` over an indexed list.
"""
import argparse
import json
import os
import random
import sys

from keyed_lookups import gen_members
from scale import growth, run, target_dir

COMMON = """record Ballot { id: Text, voter: Text, weight: Int }
state { members: List<Member>, ballots: List<Ballot> }
"""
MEMBER = "record Member { id: Text, stake: Int, vouched_by: List<Text>, mentor: Text? }\n"

CHARTERS = {
    "lookup": MEMBER + COMMON + """law counted(b in ballots) {
  require "the voter has stake": members[b.voter].stake > 0
}
law mentored(m in members) {
  require "a mentor with more stake": members[m.mentor ?? m.id].stake > m.stake
}
""",
    "refs": """record Member {
  id: Text, stake: Int, vouched_by: List<Member> in members, mentor: Member? in members
}
record Ballot { id: Text, voter: Member in members, weight: Int }
state { members: List<Member>, ballots: List<Ballot> }
law counted(b in ballots) {
  require "the voter has stake": b.voter.stake > 0
  require "the voter's vouchers have stake": sum(v.stake for v in b.voter.vouched_by) > 5
}
""",
    "vouched": MEMBER + COMMON + """law vouched(m in members) {
  let vouchers = members where it.id in m.vouched_by and it.stake > 0
  require "two vouchers with stake": len(vouchers) >= 2
  require "not their own voucher": m.id not in m.vouched_by
}
""",
    "whales": MEMBER + COMMON + """fn whales() -> Set<Text> = {x.id for x in members if x.stake >= 8}
fn whale_list() -> List<Text> = [x.id for x in members if x.stake >= 8]
law backed(m in members) {
  require "vouched for by a whale": any(v in whales() for v in m.vouched_by)
  require "or a whale's ballot": m.id in whales() or count(ballots where it.voter in whale_list()) > 0
}
""",
    "ballots": MEMBER + COMMON + """law voted(m in members) {
  require "a ballot": count(b for b in ballots if b.voter == m.id) >= 1
  require "weight": sum(b.weight for b in ballots if b.voter == m.id and b.weight > 1) >= 2
}
""",
    "groups": MEMBER + COMMON + """fn by_voter() -> List<List<Ballot>> = group_by(ballots, by: it.voter)
law no_stuffing {
  require "nobody casts more than five ballots": all(len(g) <= 5 for g in by_voter())
  require "most voters weigh in once": count(g for g in by_voter() if len(g) == 1) * 2 > len(by_voter())
}
""",
    "nested": MEMBER + COMMON + """law heavy_vouchers(m in members) {
  require "a voucher cast a heavy ballot":
    any(any(b.weight > 4 for b in ballots if b.voter == v) for v in m.vouched_by)
}
""",
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated member counts")
    p.add_argument("--engines", default="jit,interp", help="comma-separated: jit, interp")
    p.add_argument("--charters", default=",".join(CHARTERS), help="comma-separated charter names")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds before a run is stopped")
    p.add_argument("--dir", default="/tmp/polity-joins", help="where snapshots and charters are kept")
    return p.parse_args()


def snapshot(args, n):
    """The path of the snapshot of `n` members, generated if missing."""
    path = os.path.join(args.dir, f"joins-{n}.json")
    if os.path.exists(path):
        return path
    rng = random.Random(14)
    members = gen_members(rng, n)
    ballots = [
        {"id": f"b{j}", "voter": f"m{rng.randrange(n)}", "weight": rng.randint(1, 5)}
        for j in range(n)
    ]
    with open(path + ".part", "w") as f:
        json.dump({"members": members, "ballots": ballots}, f)
    os.replace(path + ".part", path)
    return path


def main():
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    engines = [e for e in args.engines.split(",") if e]
    names = [c for c in args.charters.split(",") if c]
    unknown = [c for c in names if c not in CHARTERS]
    if unknown:
        sys.exit(f"unknown charter {unknown[0]}; known: {', '.join(CHARTERS)}")
    os.makedirs(args.dir, exist_ok=True)
    polity = os.path.join(target_dir(), "release", "polity")
    print(f"{'charter':8} {'members':>9} {'engine':6} {'CPU s':>8} {'growth':>6} {'wall s':>8} "
          f"{'peak MB':>8} {'interp/jit CPU':>14}")
    for name in names:
        charter = os.path.join(args.dir, f"{name}.polity")
        with open(charter, "w") as f:
            f.write(f'charter "Joins {name}" {{ version: 1 }}\n' + CHARTERS[name])
        before = {e: None for e in engines}
        stopped = set()
        for size in sizes:
            path = snapshot(args, size)
            cpu_at = {}
            for engine in engines:
                head = f"{name:8} {size:>9,} {engine:6}"
                if engine in stopped:
                    continue
                result = run([polity, "eval", charter, "--snapshot", path, "--engine", engine], args.timeout)
                if result is None:
                    print(f"{head} stopped after {args.timeout:.0f} s", flush=True)
                    stopped.add(engine)
                    continue
                wall, cpu, peak_kb, status = result
                cpu_at[engine] = cpu
                note = "" if status in (0, 1) else f"  (exit {status})"
                ratio = ""
                if engine == "interp" and cpu_at.get("jit"):
                    ratio = f"{cpu / cpu_at['jit']:13.1f}x"
                print(f"{head} {cpu:8.2f} {growth(cpu, before[engine] or 0)} {wall:8.2f} "
                      f"{peak_kb / 1024:8.0f} {ratio:>14}{note}", flush=True)
                before[engine] = cpu


if __name__ == "__main__":
    main()
