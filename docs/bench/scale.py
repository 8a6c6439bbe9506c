"""How whole `polity eval` processes grow with the number of members.

Usage (from the repository root):

    python3 docs/bench/scale.py                      # 10^4, 10^5, 10^6 members
    python3 docs/bench/scale.py --sizes 10000,100000 --timeout 60
    python3 docs/bench/scale.py --engines jit --examples tidewater

Builds the release binary and the two generators (`gen_snapshot` for Praxis
Nova, `gen_tidewater` for Tidewater) with cargo, generates one snapshot per
example and size into --dir (kept between runs; generation is not timed),
then runs `polity eval CHARTER --snapshot FILE > /dev/null` once per
example, size and engine and prints its wall time, CPU time (user + sys) and
peak resident memory, with how much each grew from the size before: with
sizes ten times apart, a growth near 10x is linear and near 100x quadratic.
A run that exceeds --timeout is stopped and shown as such; larger sizes of
that example and engine are then skipped."""
import argparse
import os
import subprocess
import sys
import time

EXAMPLES = {
    "praxis-nova": ("gen_snapshot", "--members"),
    "tidewater": ("gen_tidewater", "--sailors"),
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated member counts")
    p.add_argument("--engines", default="jit,interp", help="comma-separated: jit, interp")
    p.add_argument("--examples", default="praxis-nova,tidewater", help="comma-separated example names")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds before a run is stopped")
    p.add_argument("--dir", default="/tmp/polity-scale", help="where the generated snapshots are kept")
    p.add_argument("--no-build", action="store_true", help="use the binaries already built")
    return p.parse_args()


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR", "target")


def build():
    subprocess.run(
        ["cargo", "build", "--release", "-p", "polity", "--bin", "polity",
         "--example", "gen_snapshot", "--example", "gen_tidewater"],
        check=True,
    )


def snapshot(args, example, size):
    """The path of the example's snapshot of `size` members, generated if missing."""
    path = os.path.join(args.dir, f"{example}-{size}.json")
    if not os.path.exists(path):
        generator, flag = EXAMPLES[example]
        exe = os.path.join(target_dir(), "release", "examples", generator)
        os.makedirs(args.dir, exist_ok=True)
        with open(path + ".part", "wb") as out:
            subprocess.run([exe, flag, str(size)], stdout=out, check=True)
        os.replace(path + ".part", path)
    return path


def run(cmd, timeout):
    """(wall seconds, CPU seconds, peak KB, exit status), or None after a timeout."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return wait(child, start, timeout)


def wait(child, start, timeout):
    """`run`'s figures for `child`, started at `start`: it is killed past `timeout`."""
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            wall = time.perf_counter() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, child.returncode
        if time.perf_counter() - start > timeout:
            child.kill()
            os.wait4(child.pid, 0)
            child.returncode = -9
            return None
        time.sleep(0.02)


def growth(now, before):
    return f"{now / before:5.1f}x" if before else "     "


def main():
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    engines = [e for e in args.engines.split(",") if e]
    examples = [e for e in args.examples.split(",") if e]
    unknown = [e for e in examples if e not in EXAMPLES]
    if unknown:
        sys.exit(f"unknown example {unknown[0]}; known: {', '.join(EXAMPLES)}")
    if not args.no_build:
        build()
    polity = os.path.join(target_dir(), "release", "polity")
    print(f"{'example':12} {'members':>9} {'engine':6} {'MB in':>7} {'wall s':>8} {'growth':>6} "
          f"{'CPU s':>8} {'growth':>6} {'peak MB':>8} {'growth':>6}")
    for example in examples:
        charter = os.path.join("examples", example, "charter.polity")
        for engine in engines:
            before = None
            for size in sizes:
                path = snapshot(args, example, size)
                mb_in = os.path.getsize(path) / 1e6
                head = f"{example:12} {size:>9,} {engine:6} {mb_in:7.1f}"
                result = run([polity, "eval", charter, "--snapshot", path, "--engine", engine], args.timeout)
                if result is None:
                    print(f"{head} stopped after {args.timeout:.0f} s")
                    break
                wall, cpu, peak_kb, status = result
                peak = peak_kb / 1024
                note = "" if status == 0 else f"  (exit {status})"
                b_wall, b_cpu, b_peak = before or (0, 0, 0)
                print(f"{head} {wall:8.2f} {growth(wall, b_wall)} {cpu:8.2f} {growth(cpu, b_cpu)} "
                      f"{peak:8.0f} {growth(peak, b_peak)}{note}", flush=True)
                before = (wall, cpu, peak)


if __name__ == "__main__":
    main()
