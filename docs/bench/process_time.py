"""Wall time of whole `polity` processes, several binaries interleaved.

Usage (from the repository root, after `cargo build --release -p polity`;
copy a binary built from another commit aside to compare with it):

    python3 docs/bench/process_time.py target/release/polity check --jit examples/tidewater/charter.polity
    python3 docs/bench/process_time.py /tmp/polity-before,target/release/polity check --jit examples/tidewater/charter.polity
    taskset -c 0 python3 docs/bench/process_time.py target/release/polity check --jit examples/tidewater/charter.polity

The first argument is a comma-separated list of binaries; the rest are the
arguments each is run with. Each binary runs 60 times, one after the other
in turn (so a drift in the machine's speed touches all of them alike), with
output discarded; the minimum, first quartile and median are printed."""
import statistics
import subprocess
import sys
import time

RUNS = 60


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binaries = sys.argv[1].split(",")
    args = sys.argv[2:]
    times = {b: [] for b in binaries}
    for _ in range(RUNS):
        for b in binaries:
            start = time.perf_counter()
            subprocess.run([b] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[b].append((time.perf_counter() - start) * 1000)
    for b in binaries:
        t = sorted(times[b])
        print(f"{b:45s} min {t[0]:6.2f}  p25 {t[len(t) // 4]:6.2f}  median {statistics.median(t):6.2f} ms")


if __name__ == "__main__":
    main()
