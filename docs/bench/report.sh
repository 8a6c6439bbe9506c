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
source "$(dirname "$0")/history_setup.sh"
rounds=${3:-3}
for i in $(seq "$rounds"); do
  echo "round $i"
  echo "  eval --snapshots (csv):    $(run eval "$charter" --snapshots "$history" --format csv) s"
  echo "  report (html):             $(run report "$charter" --snapshots "$history" -o "$dir/census.html") s"
  echo "  report (md, charts files): $(run report "$charter" --snapshots "$history" --format md -o "$dir/census.md") s"
done
echo "page: $(wc -c < "$dir/census.html") bytes, $(grep -c '<svg' "$dir/census.html") charts"
if [ -x /usr/bin/time ]; then
  rss() { /usr/bin/time -f %M "$polity" "$@" 2>&1 > /dev/null | tail -1; }
  echo "max RSS, eval --snapshots: $(rss eval "$charter" --snapshots "$history" --format csv) KiB"
  echo "max RSS, report (html):    $(rss report "$charter" --snapshots "$history" -o "$dir/census.html") KiB"
fi
