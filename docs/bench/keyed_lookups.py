"""Writes the keyed-lookup benchmark of docs/performance.md ("Keyed lookups
and references") into a directory: a snapshot of N members (3 vouchers each,
two in three with a mentor) and N/10 proposals of 10 votes, and two charters
over it, one writing ids (`members[v.voter].stake`), one reference fields
(`v.voter.stake`).

Usage:

    python3 docs/bench/keyed_lookups.py /tmp/big 20000
    python3 docs/bench/process_time.py target/release/polity eval /tmp/big/ids.polity --snapshot /tmp/big/refs.json
    python3 docs/bench/process_time.py target/release/polity eval /tmp/big/refs.polity --snapshot /tmp/big/refs.json --engine interp
"""
import json
import os
import random
import sys

COMMON = """enum Choice { For, Against }
record Proposal { id: Text, votes: List<Vote> }
state { members: List<Member>, proposals: List<Proposal> }
"""

IDS = """charter "Ids" { version: 1 }
record Member { id: Text, stake: Decimal, vouched_by: List<Text>, mentor: Text? }
record Vote { voter: Text, choice: Choice }
""" + COMMON + """law passes(p in proposals) {
  require "majority of stake":
    sum(members[v.voter].stake for v in p.votes if v.choice == For)
      > sum(members[v.voter].stake for v in p.votes if v.choice == Against)
}
law vouched(m in members) {
  require "two vouchers with stake": count(v for v in m.vouched_by if members[v].stake > 0) >= 2
}
"""

REFS = """charter "Refs" { version: 1 }
record Member { id: Text, stake: Decimal, vouched_by: List<Member> in members, mentor: Member? in members }
record Vote { voter: Member in members, choice: Choice }
""" + COMMON + """law passes(p in proposals) {
  require "majority of stake":
    sum(v.voter.stake for v in p.votes if v.choice == For)
      > sum(v.voter.stake for v in p.votes if v.choice == Against)
}
law vouched(m in members) {
  require "two vouchers with stake": count(v for v in m.vouched_by if v.stake > 0) >= 2
}
"""


def gen_members(rng, n):
    """N members drawn from `rng` (the `random` module or a `random.Random`):
    stakes 0-9, three vouchers each, two in three with a mentor. Shared
    with joins_scale.py."""
    return [
        {
            "id": f"m{i}",
            "stake": rng.randint(0, 9),
            "vouched_by": [f"m{rng.randrange(n)}" for _ in range(3)],
            "mentor": None if i % 3 == 0 else f"m{rng.randrange(n)}",
        }
        for i in range(n)
    ]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    random.seed(7)
    members = gen_members(random, n)
    proposals = [
        {
            "id": f"p{j}",
            "votes": [
                {"voter": f"m{random.randrange(n)}", "choice": random.choice(["For", "Against"])}
                for _ in range(10)
            ],
        }
        for j in range(n // 10)
    ]
    with open(os.path.join(out, "refs.json"), "w") as f:
        json.dump({"members": members, "proposals": proposals}, f)
    for name, text in [("ids.polity", IDS), ("refs.polity", REFS)]:
        with open(os.path.join(out, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
