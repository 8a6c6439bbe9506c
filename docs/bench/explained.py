"""Writes the explanation benchmark of docs/performance.md ("Explanations at
machine speed"): N members and N/5 proposals of 12 votes each, and a charter
whose one law checks every vote's voter for membership through three fns, so
that a failing subject's explanation goes into the fns and costs what deciding
costs (about N * N/5 * 12 membership steps in all).

`adopted` fails for every proposal (a supermajority no proposal reaches);
`fair` passes for every one (the same work, nothing to explain), so the two
runs together show what explaining adds.

Usage:

    python3 docs/bench/explained.py /tmp/explained 2000
    python3 docs/bench/process_time.py target/release/polity eval /tmp/explained/charter.polity \
        --snapshot /tmp/explained/snapshot.json --law adopted --format json
    ... --engine interp
"""
import json
import os
import random
import sys

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
"""


def main():
    if len(sys.argv) != 3:
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


if __name__ == "__main__":
    main()
