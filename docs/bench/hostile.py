"""The JIT's former worst cases (issue 15), whole process, on both engines.

Usage (from the repository root):

    python3 docs/bench/hostile.py                  # every case
    python3 docs/bench/hostile.py --no-build --timeout 120
    python3 docs/bench/hostile.py --cases lets,requires,marked

Builds the release binary with cargo (unless --no-build), writes each case's
charter (and snapshot) into a fresh directory under --dir, runs it as
`polity eval CHARTER --snapshot FILE` (or `polity check` for the front-end
cases, `polity test` for a test block) with the default limits (or
`--max-memory`), once with `--engine jit` and once with
`--engine interp`, and prints per case each engine's wall time, CPU time
(user + sys) and peak resident memory, the ratios JIT / interpreter of wall
and CPU time, and whether the two printed the same thing (`same`), with their exit
statuses. The front-end cases (`polity check`) have no engine and show one
run. The two series (a chain of `let`s, a law of `require`s) double their
size from row to row and show each engine's growth in wall time per
doubling: near 2x is linear, near 4x quadratic. A run past --timeout is
stopped and shown as such. The generated files are deleted at the end
unless --keep.

The cases are those issue 15 names: a chain of 198 fns each a sum of 125
terms calling the previous one (and 50 x 125, which killed a 2 MiB thread);
the quadratic `sum(count(...))` and a chain of 60 fns each calling the
previous twice (both runaway: they end with `limit` errors); a `where`
inside an `all` over 10,000 members; `m.id + "!"` over 100,000 members; a
text grown by a fold (880 MB built, 88 KB live: the JIT held it all); a
chain of `let`s and a law of `require`s at growing sizes; 10,000 unknown
names; a 400 KB line of bad tokens; a snapshot number of a million digits;
`import "/dev/zero"`; and `--snapshot /dev/zero`. And those of the red team
of 7 December that built near the memory budget: `sorted(…, by:)`,
`group_by` and `take(…, per:)` over millions of elements (their keys),
`distinct`, `union`, `flatten` and a set of sets in the JIT, and a test
block's `given` of 10^7 records (run as `polity test`).

    python3 docs/bench/hostile.py --no-build --max-memory 256M --cases sortkeys,union
    python3 docs/bench/hostile.py --polity /tmp/polity-before --cases given"""
import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import time

import scale  # docs/bench/scale.py: its `wait` and `target_dir`

HEADER = 'charter "Hostile" { version: 1 }\n'


def deep(fns, terms):
    """A chain of `fns` fns, each a sum of `terms` terms whose first calls the previous one."""
    ones = " + ".join(["1"] * (terms - 1))
    decls = ["fn f0(x: Int) -> Int = x"]
    decls += [f"fn f{i}(x: Int) -> Int = f{i - 1}(x) + {ones}" for i in range(1, fns)]
    total = (fns - 1) * (terms - 1)
    law = f'law last {{ require "summed": f{fns - 1}(0) == {total} }}\n'
    return HEADER + "state { n: Int }\n" + "\n".join(decls) + "\n" + law, '{"n": 0}'


MEMBERS = "record Member { id: Text, stake: Int }\nstate { members: List<Member> }\n"


def members(n, stakes):
    rows = ",".join(f'{{"id": "m{i}", "stake": {i % stakes}}}' for i in range(n))
    return f'{{"members": [{rows}]}}'


def quadratic():
    law = ('law quadratic(m in members) {\n  require "ok": sum(count(1 for b in range(0, 100000) '
           'if a < b) for a in range(0, 100000)) > 0\n}\n')
    return HEADER + MEMBERS + law, members(2, 1)


def doubling():
    fns = ["fn f0(x: Int) -> Int = x + 1"]
    fns += [f"fn f{i}(x: Int) -> Int = f{i - 1}(x) + f{i - 1}(x)" for i in range(1, 61)]
    law = 'law doubling(m in members) {\n  require "ok": f60(1) > 0\n}\n'
    return HEADER + MEMBERS + "\n".join(fns) + "\n" + law, members(2, 1)


def peers():
    law = ('law once {\n  require "everyone has peers": all(len(members where it.stake == m.stake '
           'and it.id != m.id) > 0 for m in members)\n}\n')
    return HEADER + MEMBERS + law, members(10000, 100)


def marked():
    law = 'law marked(m in members) {\n  require "marked": m.id + "!" != "m1!"\n}\n'
    return HEADER + MEMBERS + law, members(100000, 100)


def fold_text():
    law = ('law grown(m in members) {\n  require "ok": len(fold(t = m.id, x in range(0, 20000)) '
           '=> t + text(x)) > 0\n}\n')
    return HEADER + MEMBERS + law, members(2, 1)


def one_law(expr):
    """A law over two members requiring `expr > 0` of each: `expr` builds near the budget."""
    def make():
        law = f'law built(m in members) {{\n  require "ok": {expr} > 0\n}}\n'
        return HEADER + MEMBERS + law, members(2, 1)
    return make


def given_records():
    test = ('test "ten million members" {\n  given members = [Member { id: "m", stake: i } '
            'for i in range(0, 10000000)]\n  expect len(members) > 0\n}\n')
    return HEADER + MEMBERS + test, None


def lets(n):
    lines = ["state { base: Int }", "law chain {", "  let a0 = base"]
    lines += [f"  let a{i} = a{i - 1} + 1" for i in range(1, n)]
    lines += [f'  require "end": a{n - 1} == {n}', "}"]
    return HEADER + "\n".join(lines) + "\n", '{"base": 1}'


def requires(n):
    lines = ["state { base: Int }", "law many {"]
    lines += [f'  require "r{i}": base + {i} > 0' for i in range(n)]
    lines += ["}"]
    return HEADER + "\n".join(lines) + "\n", '{"base": 1}'


def unknown_names():
    law = "".join(f'  require "r{i}": unknown_name_{i} > n\n' for i in range(10000))
    return HEADER + "state { n: Int }\nlaw l {\n" + law + "}\n", None


def bad_tokens():
    return HEADER + "state { n: Int }\nconst x: Int = " + "@ " * 200000 + "\n", None


def huge_number():
    law = 'law positive { require "positive": n > 0 }\n'
    return HEADER + "state { n: Int }\n" + law, '{"n": ' + "7" * 1000000 + "}"


def import_zero():
    return HEADER + 'import "/dev/zero"\nstate { n: Int }\n', None


def snapshot_zero():
    law = 'law positive { require "positive": n > 0 }\n'
    return HEADER + "state { n: Int }\n" + law, "/dev/zero"


# name -> (label, how it runs, generator); "eval" runs on both engines,
# "check" once.
CASES = {
    "deep198": ("198 fns x 125 terms, each calling the previous", "eval", lambda: deep(198, 125)),
    "deep50": ("50 fns x 125 terms (killed a 2 MiB thread)", "eval", lambda: deep(50, 125)),
    "quadratic": ("sum(count(...)) over 10^5 x 10^5, 2 subjects", "eval", quadratic),
    "doubling": ("60 fns each calling the previous twice, 2 subjects", "eval", doubling),
    "peers": ("a `where` inside an `all` over 10,000 members", "eval", peers),
    "marked": ('`m.id + "!"` over 100,000 members', "eval", marked),
    "foldtext": ("a text grown by a fold over 20,000 steps, 2 subjects", "eval", fold_text),
    "sortkeys": ("len(sorted(range(0, 10^7), by: -it))", "eval",
                 one_law("len(sorted(range(0, 10000000), by: -it))")),
    "groupby": ("len(group_by(range(0, 5*10^6), by: it mod 1000))", "eval",
                one_law("len(group_by(range(0, 5000000), by: it mod 1000))")),
    "takeper": ("take(range(0, 10^7), 1, per: it mod 10)", "eval",
                one_law("len(take(range(0, 10000000), 1, per: it mod 10))")),
    "distinct": ("len(distinct([x mod 7 for x in range(0, 10^7)]))", "eval",
                 one_law("len(distinct([x mod 7 for x in range(0, 10000000)]))")),
    "union": ("`union` of two sets of 5*10^6", "eval",
              one_law("len(union({x for x in range(0, 5000000)}, {x + 1 for x in range(0, 5000000)}))")),
    "flatten": ("`flatten` of 20,000 ranges of 1,000", "eval",
                one_law("len(flatten([range(0, 1000) for i in range(0, 20000)]))")),
    "setpairs": ("{ {x, y} for x in range(0, 3000) for y in range(0, 3000) }", "eval",
                 one_law("len({ {x, y} for x in range(0, 3000) for y in range(0, 3000) })")),
    "given": ("`polity test`: `given` 10^7 records", "test", given_records),
    "unknown": ("10,000 unknown names (check)", "check", unknown_names),
    "badline": ("a 400 KB line of bad tokens (check)", "check", bad_tokens),
    "number": ("a snapshot number of a million digits", "eval", huge_number),
    "importzero": ('`import "/dev/zero"` (check)', "check", import_zero),
    "snapzero": ("`--snapshot /dev/zero`", "eval", snapshot_zero),
}

# name -> (label, sizes, generator): doubling series.
SERIES = {
    "lets": ("a chain of {n:,} `let`s", [5000, 10000, 20000, 40000], lets),
    "requires": ("a law of {n:,} `require`s", [25000, 50000, 100000], requires),
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    names = list(CASES) + list(SERIES)
    p.add_argument("--cases", default=",".join(names), help=f"comma-separated, of: {', '.join(names)}")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds before a run is stopped")
    p.add_argument("--dir", default="/tmp/polity-hostile", help="where the generated files go")
    p.add_argument("--keep", action="store_true", help="keep the generated files")
    p.add_argument("--no-build", action="store_true", help="use the binary already built")
    p.add_argument("--polity", help="this binary instead of the release build (implies --no-build)")
    p.add_argument("--max-memory", help="`--max-memory` for every eval and test (default: the default budget)")
    return p.parse_args()


def run(cmd, out_path, timeout):
    """(wall seconds, CPU seconds, peak KB, exit status), or None after a timeout."""
    start = time.perf_counter()
    with open(out_path, "wb") as out:
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        return scale.wait(child, start, timeout)


def write_case(directory, name, make):
    """The charter's path and the snapshot's (None for `polity check`)."""
    charter_text, snapshot_text = make()
    charter = os.path.join(directory, f"{name}.polity")
    with open(charter, "w") as f:
        f.write(charter_text)
    if snapshot_text is None or snapshot_text.startswith("/dev/"):
        return charter, snapshot_text
    snapshot = os.path.join(directory, f"{name}.json")
    with open(snapshot, "w") as f:
        f.write(snapshot_text)
    return charter, snapshot


def fmt_run(result, timeout):
    if result is None:
        return f"{'stopped after ' + format(timeout, '.0f') + ' s':>29}"
    wall, cpu, peak_kb, _ = result
    return f"{wall:8.2f} {cpu:8.2f} {peak_kb / 1024:8.0f} MB"


def growth(now, before):
    if now is None or before is None:
        return "      "
    return f"{now[0] / before[0]:5.1f}x"


def measure(polity, args, directory, name, kind, make):
    """Per engine (or once, for `check`): the run's figures, and whether the outputs agree."""
    charter, snapshot = write_case(directory, name, make)
    if kind == "check":
        out = os.path.join(directory, f"{name}.check.out")
        return {"check": run([polity, "check", charter], out, args.timeout)}, None
    budget = ["--max-memory", args.max_memory] if args.max_memory else []
    results, outs = {}, {}
    for engine in ("jit", "interp"):
        outs[engine] = os.path.join(directory, f"{name}.{engine}.out")
        if kind == "test":
            cmd = [polity, "test", charter, "--engine", engine] + budget
        else:
            cmd = [polity, "eval", charter, "--snapshot", snapshot, "--engine", engine] + budget
        results[engine] = run(cmd, outs[engine], args.timeout)
    same = filecmp.cmp(outs["jit"], outs["interp"], shallow=False)
    return results, same


def row(label, results, same, timeout, extra=""):
    if "check" in results:
        r = results["check"]
        status = "" if r is None else f"exit {r[3]}"
        return f"{label:52} {fmt_run(r, timeout)} {'':29} {'':>13} {status:>13}{extra}"
    jit, interp = results["jit"], results["interp"]
    ratio = f"{jit[0] / interp[0]:5.2f}x" if jit and interp else "     -"
    cpu = f"{jit[1] / interp[1]:5.2f}x" if jit and interp and interp[1] > 0 else "     -"
    statuses = "/".join("-" if r is None else str(r[3]) for r in (jit, interp))
    agree = "same" if same else "DIFFER"
    return (f"{label:52} {fmt_run(jit, timeout)} {fmt_run(interp, timeout)} {ratio:>6} {cpu:>6} "
            f"{agree:>6} {statuses:>6}{extra}")


def main():
    args = parse_args()
    wanted = [c for c in args.cases.split(",") if c]
    unknown = [c for c in wanted if c not in CASES and c not in SERIES]
    if unknown:
        sys.exit(f"unknown case {unknown[0]}; known: {', '.join(list(CASES) + list(SERIES))}")
    if not args.no_build and not args.polity:
        subprocess.run(["cargo", "build", "--release", "-p", "polity", "--bin", "polity"], check=True)
    polity = args.polity or os.path.join(scale.target_dir(), "release", "polity")
    directory = os.path.join(args.dir, str(os.getpid()))
    os.makedirs(directory, exist_ok=True)
    print(f"{'':52} {'JIT (or check)':^29} {'interpreter':^29}")
    print(f"{'case':52} {'wall s':>8} {'CPU s':>8} {'peak':>11} {'wall s':>8} {'CPU s':>8} {'peak':>11} "
          f"{'JIT/interp':^13} {'output':>6} {'exits':>6} growth: JIT, interp")
    print(f"{'':52} {'':29} {'':29} {'wall':>6} {'CPU':>6}")
    try:
        for name in wanted:
            if name in CASES:
                label, kind, make = CASES[name]
                results, same = measure(polity, args, directory, name, kind, make)
                print(row(label, results, same, args.timeout), flush=True)
                continue
            label, sizes, make = SERIES[name]
            before = {"jit": None, "interp": None}
            for n in sizes:
                results, same = measure(polity, args, directory, f"{name}{n}", "eval",
                                        lambda: make(n))
                extra = f" {growth(results['jit'], before['jit'])} {growth(results['interp'], before['interp'])}"
                print(row(label.format(n=n), results, same, args.timeout, extra), flush=True)
                before = results
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
