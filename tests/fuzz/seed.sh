#!/usr/bin/env bash
# Makes the seed corpora of the fuzz targets under tests/fuzz/corpus/ (not
# committed; rerun this any time, it only adds files):
#   front_end  every charter of the repository: examples, stdlib, and the
#              corpus cases of tests/eval, tests/check and tests/parse;
#   snapshot   every snapshot: the examples' and tests/eval's;
#   engines    64 byte strings of 16 to 1,024 bytes, the same on every run
#              (the generator's choices; any bytes make a case).
set -euo pipefail
cd "$(dirname "$0")"
root=../..
mkdir -p corpus/front_end corpus/snapshot corpus/engines

# A file's seed is named after its path, so reruns replace rather than add.
seed() { cp "$2" "corpus/$1/$(echo "${2#"$root"/}" | tr / _)"; }

for f in "$root"/examples/*/charter.polity "$root"/stdlib/*.polity \
         "$root"/tests/eval/*.polity "$root"/tests/check/*.polity "$root"/tests/parse/*.polity; do
  seed front_end "$f"
done
for f in "$root"/examples/*/snapshot.json "$root"/tests/eval/*.json; do
  seed snapshot "$f"
done
for i in $(seq 1 64); do
  out="corpus/engines/seed-$i"
  : > "$out"
  j=0
  while [ "$(wc -c < "$out")" -lt $((i * 16)) ]; do
    # 32 bytes at a time: the SHA-256 of "i-j", from hex to bytes
    printf "$(printf '%s-%s' "$i" "$j" | sha256sum | cut -c1-64 | sed 's/../\\x&/g')" >> "$out"
    j=$((j + 1))
  done
done
echo "seeds: $(ls corpus/front_end | wc -l) front_end, $(ls corpus/snapshot | wc -l) snapshot, $(ls corpus/engines | wc -l) engines"
