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
source "$(dirname "$0")/history_setup.sh"
last=$(ls "$history" | tail -1)
for i in 1 2 3; do
  echo "one snapshot (eval, table):  $(run eval "$charter" --snapshot "$history/$last") s"
  for format in table jsonl csv; do
    echo "history ($format):           $(run eval "$charter" --snapshots "$history" --format "$format") s"
  done
done
