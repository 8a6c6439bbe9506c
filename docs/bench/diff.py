"""`polity diff` against one `polity eval` of the same charter, as whole processes.

Usage (from the repository root, after building the release binary and
`gen_snapshot`):

    cargo build --release -p polity --bin polity --example gen_snapshot
    python3 docs/bench/diff.py [RUNS] [MEMBERS] [TARGET_DIR]

Generates a Praxis-Nova-shaped snapshot of MEMBERS members (default
100,000) with `gen_snapshot` (not timed), then runs, interleaved RUNS times
(default 11) after one warm-up round, stdout to /dev/null:

- `polity eval examples/praxis-nova/charter.polity --snapshot S` (the baseline),
- `polity diff examples/praxis-nova/charter.polity examples/praxis-nova/amendment.polity --snapshot S`
  (the amendment: tens of thousands of verdicts change),
- the same with `--engine interp`, and the charter diffed with itself.

Prints the median wall time, the peak resident memory and the ratio of
each median to eval's."""
import os
import resource
import statistics
import subprocess
import sys
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 11
MEMBERS = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
TARGET = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("CARGO_TARGET_DIR", "target")
POLITY = f"{TARGET}/release/polity"
GEN = f"{TARGET}/release/examples/gen_snapshot"
OLD = "examples/praxis-nova/charter.polity"
NEW = "examples/praxis-nova/amendment.polity"
SNAPSHOT = f"/tmp/polity-diff-{MEMBERS}.json"

if not os.path.exists(SNAPSHOT):
    with open(SNAPSHOT, "w") as out:
        subprocess.run([GEN, "--members", str(MEMBERS)], stdout=out, check=True)

COMMANDS = {
    "polity eval (baseline)": [POLITY, "eval", OLD, "--snapshot", SNAPSHOT],
    "polity diff OLD NEW": [POLITY, "diff", OLD, NEW, "--snapshot", SNAPSHOT],
    "polity diff OLD NEW --engine interp": [POLITY, "diff", OLD, NEW, "--snapshot", SNAPSHOT, "--engine", "interp"],
    "polity diff OLD OLD (nothing changes)": [POLITY, "diff", OLD, OLD, "--snapshot", SNAPSHOT],
}


def run(cmd):
    """Wall seconds and peak resident kB of one run of `cmd`."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    assert os.waitstatus_to_exitcode(status) == 0, (cmd, status)
    return wall, usage.ru_maxrss


for cmd in COMMANDS.values():
    run(cmd)
times = {name: [] for name in COMMANDS}
memory = {name: 0 for name in COMMANDS}
for _ in range(RUNS):
    for name, cmd in COMMANDS.items():
        wall, rss = run(cmd)
        times[name].append(wall)
        memory[name] = max(memory[name], rss)
base = statistics.median(times["polity eval (baseline)"])
print(f"{MEMBERS} members, {RUNS} runs each, load average {os.getloadavg()}")
print("| command | median | min | peak memory | median / eval |")
print("| --- | --- | --- | --- | --- |")
for name, ts in times.items():
    med = statistics.median(ts)
    print(f"| `{name}` | {med:.2f} s | {min(ts):.2f} s | {memory[name] // 1024} MB | {med / base:.2f} |")
