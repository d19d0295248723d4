#!/bin/sh
# Runs every benchmark of a build (`make bench` builds build-bench in Release
# first), then bench/api_bench.sh (API, Redis, PostgreSQL), from the repo
# root, so the benchmarks find data/demo-city.json, and prints their figures. Exits non-zero if any benchmark failed (each checks
# its own results). Run one alone for its options: build-bench/bin/bench_X --help.
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build-bench}
if [ ! -d "$BUILD/bin" ]; then
  echo "bench.sh: no $BUILD/bin; build first (make bench)" >&2
  exit 2
fi
echo "host: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
failed=""
for b in "$BUILD"/bin/bench_*; do
  [ -x "$b" ] || continue
  name=$(basename "$b")
  echo
  echo "== $name"
  start=$(date +%s)
  if ! "$b"; then
    failed="$failed $name"
  fi
  echo "($name took $(( $(date +%s) - start )) s)"
done
# The API, Redis and PostgreSQL benchmarks: servers started and stopped by the
# script itself (bench/README.md). TERMIN_BENCH_SKIP_API=1 skips them.
if [ "${TERMIN_BENCH_SKIP_API:-0}" != 1 ]; then
  echo
  echo "== bench/api_bench.sh"
  start=$(date +%s)
  if ! bash bench/api_bench.sh "$BUILD"; then
    failed="$failed api_bench"
  fi
  echo "(api_bench took $(( $(date +%s) - start )) s)"
fi
# The hoarding script of #14 against termin-api with and without the limits.
echo
echo "== bench/bot_sim.mjs"
if ! node bench/bot_sim.mjs "$BUILD/bin/termin-api" 10; then
  failed="$failed bot_sim"
fi
# The proof of #14: a rush of humans against a bot fleet through two replicas
# on Redis, protections off and on (bench/README.md "7. rush_sim"; about 5 min).
echo
echo "== bench/rush_sim.mjs"
start=$(date +%s)
if ! node bench/rush_sim.mjs "$BUILD/bin/termin-api"; then
  failed="$failed rush_sim"
fi
echo "(rush_sim took $(( $(date +%s) - start )) s)"
if [ -f clients/web/dist/sizes.json ]; then
  node -e 'const s=require("./clients/web/dist/sizes.json"); console.log(`web widget first screen (loader + bundle, gzipped): ${s.first_screen_static_gzip} B of ${s.budget} B budget; the browser test adds the API answers (about 1.5 KB) and holds the total under 35 KB`)'
fi
if [ -n "$failed" ]; then
  echo "bench.sh: FAILED:$failed" >&2
  exit 1
fi
