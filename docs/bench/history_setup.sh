# Sourced by docs/bench/history.sh and docs/bench/report.sh: the setup both
# share. Takes DAYS and MEMBERS from the caller's first two arguments
# (defaults 365 and 10000), builds the release binary and the history
# generator, writes the daily snapshots to "$history" inside a temporary
# directory "$dir" (deleted on exit), and defines `run`, which prints the
# wall time of one whole `polity` process in seconds.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
days=${1:-365}
members=${2:-10000}
target=${CARGO_TARGET_DIR:-target}
polity="$target/release/polity"
charter=examples/praxis-nova/charter.polity
cargo build --release -q -p polity --bin polity --example gen_history
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
history="$dir/h"
"$target/release/examples/gen_history" --members "$members" --days "$days" "$history"
echo "$days snapshots of $members members: $(du -sh "$history" | cut -f1)"
run() {
  # bash's own timer: the wall time of the whole process, in seconds
  local TIMEFORMAT=%R
  { time "$polity" "$@" > /dev/null 2>&1; } 2>&1
}
