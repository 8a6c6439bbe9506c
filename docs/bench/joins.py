"""Writes the joins benchmark of docs/performance.md ("End to end, as users
run it", Joins): N members with three vouchers each and N ballots, and a
charter joining them the natural way (`members where it.id in
m.vouched_by`, `count(b for b in ballots if b.voter == m.id)`), which both
engines answer through an index of the list by the field compared.

Usage:

    python3 docs/bench/joins.py /tmp/joins 20000
    /usr/bin/time -f "%e s %M KB" target/release/polity eval /tmp/joins/charter.polity \\
        --snapshot /tmp/joins/snapshot.json > /dev/null
    ... --engine interp
"""
import json
import os
import random
import sys

CHARTER = """charter "Joins" { version: 1 }
record Member { id: Text, stake: Int, vouched_by: List<Text> }
record Ballot { id: Text, voter: Text, weight: Int }
state { members: List<Member>, ballots: List<Ballot> }
law vouched(m in members) {
  require "two vouchers with stake": count(members where it.id in m.vouched_by and it.stake > 0) >= 2
}
law voted(m in members) {
  require "a ballot": count(b for b in ballots if b.voter == m.id) >= 1
  require "weight": sum(b.weight for b in ballots if b.voter == m.id and b.weight > 1) >= 2
}
"""


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    random.seed(3)
    members = [
        {"id": f"m{i}", "stake": random.randint(0, 9),
         "vouched_by": [f"m{random.randrange(n)}" for _ in range(3)]}
        for i in range(n)
    ]
    ballots = [
        {"id": f"b{j}", "voter": f"m{random.randrange(n)}", "weight": random.randint(1, 5)}
        for j in range(n)
    ]
    with open(os.path.join(out, "snapshot.json"), "w") as f:
        json.dump({"members": members, "ballots": ballots}, f)
    with open(os.path.join(out, "charter.polity"), "w") as f:
        f.write(CHARTER)


if __name__ == "__main__":
    main()
