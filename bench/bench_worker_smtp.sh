#!/bin/sh
# Messages per second through one notification worker into a local SMTP
# server (tests/worker/bench_worker_smtp.cc; built with the tests/worker
# targets because it links termin_service). From the repo root:
#   cmake --build build-bench --target bench_worker_smtp && bench/bench_worker_smtp.sh build-bench
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build-bench}
shift || true
exec "$BUILD/bin/bench_worker_smtp" "$@"
