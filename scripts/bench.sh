#!/bin/sh
# Builds are done by `make bench`; this runs every benchmark and prints figures.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build-bench}
for b in "$BUILD"/bin/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b"
done
