"""Writes the explanation benchmark of docs/performance.md ("Explanations at
machine speed"): N members and N/5 proposals of 12 votes each, and a charter
whose one law checks every vote's voter for membership through three fns, so
that a failing subject's explanation goes into the fns and costs what deciding
costs (about N * N/5 * 12 membership steps in all).

`adopted` fails for every proposal (a supermajority no proposal reaches);
`fair` passes for every one (half the work, nothing to explain); `listed`
costs next to nothing, so its run is the process's fixed cost (start,
compile, load). Together they show what deciding and explaining each cost.

Usage:

    python3 docs/bench/explained.py /tmp/explained 2000
    python3 docs/bench/explained.py /tmp/explained 2000 target/release/polity

The first writes the charter and snapshot; the second also runs `polity eval
--format json` (whole process, output discarded) for each law, engine and
`--explain` level, several times each, and prints the least time of each and
the ratios that docs/performance.md records.
"""
import json
import os
import random
import subprocess
import sys
import time

RUNS = 7

CHARTER = """charter "Explained" { version: 1 }
record Member { id: Text, stake: Int }
record Vote { voter: Text, yes: Bool }
record Proposal { id: Text, votes: List<Vote> }
state { members: List<Member>, proposals: List<Proposal> }

fn is_member(id: Text) -> Bool = any(m.id == id for m in members)
fn supporters(p: Proposal) -> Int = count(v for v in p.votes if v.yes and is_member(v.voter))
fn voters(p: Proposal) -> Int = count(v for v in p.votes if is_member(v.voter))
fn supermajority(p: Proposal) -> Bool = supporters(p) * 3 >= voters(p) * 2 + 100

law adopted(p in proposals) {
  require "a supermajority of members": supermajority(p)
}

law fair(p in proposals) {
  require "counted votes": voters(p) <= len(p.votes)
}

law listed(p in proposals) {
  require "has votes": len(p.votes) > 0
}
"""


def least_time(args, runs):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
        t = time.perf_counter() - start
        best = t if best is None else min(best, t)
    return best


def measure(out, binary):
    charter = os.path.join(out, "charter.polity")
    snapshot = os.path.join(out, "snapshot.json")
    t = {}
    for engine in ["jit", "interp"]:
        for law in ["listed", "fair", "adopted"]:
            for explain in ["none", "reasons", "full"]:
                runs = RUNS if engine == "jit" and explain != "full" else 2
                args = [binary, "eval", charter, "--snapshot", snapshot, "--law", law,
                        "--format", "json", "--engine", engine, "--explain", explain]
                t[engine, law, explain] = least_time(args, runs)
                print(f"{engine:6} {law:8} --explain {explain:8} {t[engine, law, explain]:8.3f} s")
    base = t["jit", "listed", "none"]
    decide = t["jit", "adopted", "none"] - base
    explain = t["jit", "adopted", "reasons"] - t["jit", "adopted", "none"]
    print()
    print(f"interp / jit, adopted, every failure explained: "
          f"{t['interp', 'adopted', 'reasons'] / t['jit', 'adopted', 'reasons']:.1f}x")
    print(f"interp / jit, adopted, --explain none:           "
          f"{t['interp', 'adopted', 'none'] / t['jit', 'adopted', 'none']:.1f}x")
    print(f"jit: deciding {decide:.3f} s (adopted, none, less listed's {base:.3f} s); "
          f"explaining adds {explain:.3f} s = {explain / decide:.2f}x deciding")


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    random.seed(13)
    members = [{"id": f"m{i}", "stake": random.randint(0, 9)} for i in range(n)]
    proposals = [
        {
            "id": f"p{j}",
            "votes": [
                # one voter in ten is not a member
                {"voter": f"m{random.randrange(n + n // 9)}", "yes": random.random() < 0.7}
                for _ in range(12)
            ],
        }
        for j in range(n // 5)
    ]
    with open(os.path.join(out, "snapshot.json"), "w") as f:
        json.dump({"members": members, "proposals": proposals}, f)
    with open(os.path.join(out, "charter.polity"), "w") as f:
        f.write(CHARTER)
    if len(sys.argv) == 4:
        measure(out, sys.argv[3])


if __name__ == "__main__":
    main()
