#!/usr/bin/env bash
# The census report's benchmark (issue 17 item 3): `polity report` over the
# history benchmark of docs/bench/history.sh (Praxis Nova, a year of daily
# snapshots of 10,000 members), against `polity eval --snapshots` on the
# same snapshots in the same run, each as one whole process.
#
#   docs/bench/report.sh [DAYS] [MEMBERS] [ROUNDS]     (defaults 365, 10000 and 3)
#
# Builds the release binary and the generator, writes the snapshots to a
# temporary directory, then per round times (interleaved) the baseline
# `eval --snapshots --format csv`, `report` as HTML and `report --format md
# -o` (charts as files), and prints each one's maximum resident set. Deletes
# the snapshots and reports at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
days=${1:-365}
members=${2:-10000}
rounds=${3:-3}
target=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p polity --bin polity --example gen_history
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$target/release/examples/gen_history" --members "$members" --days "$days" "$dir/h"
echo "$days snapshots of $members members: $(du -sh "$dir/h" | cut -f1)"
charter=examples/praxis-nova/charter.polity
polity="$target/release/polity"
run() {
  # bash's own timer: the wall time of the whole process, in seconds
  local TIMEFORMAT=%R
  { time "$polity" "$@" > /dev/null 2>&1; } 2>&1
}
for i in $(seq "$rounds"); do
  echo "round $i"
  echo "  eval --snapshots (csv):    $(run eval "$charter" --snapshots "$dir/h" --format csv) s"
  echo "  report (html):             $(run report "$charter" --snapshots "$dir/h" -o "$dir/census.html") s"
  echo "  report (md, charts files): $(run report "$charter" --snapshots "$dir/h" --format md -o "$dir/census.md") s"
done
echo "page: $(wc -c < "$dir/census.html") bytes, $(grep -c '<svg' "$dir/census.html") charts"
if [ -x /usr/bin/time ]; then
  rss() { /usr/bin/time -f %M "$polity" "$@" 2>&1 > /dev/null | tail -1; }
  echo "max RSS, eval --snapshots: $(rss eval "$charter" --snapshots "$dir/h" --format csv) KiB"
  echo "max RSS, report (html):    $(rss report "$charter" --snapshots "$dir/h" -o "$dir/census.html") KiB"
fi
