#!/usr/bin/env bash
# The history benchmark (issue 17 item 2): Praxis Nova over a year of daily
# snapshots of 10,000 members, `polity eval --snapshots` as one whole process.
#
#   docs/bench/history.sh [DAYS] [MEMBERS]      (defaults 365 and 10000)
#
# Builds the release binary and the generator, writes the snapshots to a
# temporary directory (about 1.7 MB each), times the whole process three
# times for each output format on the default engine (all cores), and one
# baseline in the same run: `polity eval` of the last day alone, the cost
# of one snapshot. Deletes the snapshots at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
days=${1:-365}
members=${2:-10000}
target=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p polity --bin polity --example gen_history
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$target/release/examples/gen_history" --members "$members" --days "$days" "$dir"
echo "$days snapshots of $members members: $(du -sh "$dir" | cut -f1)"
charter=examples/praxis-nova/charter.polity
last=$(ls "$dir" | tail -1)
run() {
  # bash's own timer: the wall time of the whole process, in seconds
  local TIMEFORMAT=%R
  { time "$target/release/polity" "$@" > /dev/null 2>&1; } 2>&1
}
for i in 1 2 3; do
  echo "one snapshot (eval, table):  $(run eval "$charter" --snapshot "$dir/$last") s"
  for format in table jsonl csv; do
    echo "history ($format):           $(run eval "$charter" --snapshots "$dir" --format "$format") s"
  done
done
