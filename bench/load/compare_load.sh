#!/usr/bin/env bash
# Compares two termin-load binaries on the same servers: requests/s and the
# load generator's own CPU seconds (user + system, /usr/bin/time), plus the
# CPU the servers (both termin-api and Redis) used meanwhile, for the hotline
# workload (32 connections) and the rush (500 connections). Each workload
# first runs once unreported (warm-up), then in rounds A B B A: runs get
# slower as Redis fills (the first run of a fresh server was always the
# fastest), and ABBA cancels such a drift instead of favouring A.
#
#   bench/load/compare_load.sh OLD_TERMIN_LOAD NEW_TERMIN_LOAD [BUILD] [ROUNDS]
#
# COMPARE_A_ARGS / COMPARE_B_ARGS: extra arguments for A / B (e.g.
# "--load-threads 2"); COMPARE_SECONDS: seconds per hotline run (8);
# COMPARE_API: the termin-api binary (BUILD/bin/termin-api).
# Servers as bench/api_bench.sh starts them (one redis-server with AOF
# appendfsync always, two termin-api --threads 32), all on loopback, all
# stopped at the end (also on failure).
set -euo pipefail
cd "$(dirname "$0")/../.."
A=$1
B=$2
BUILD=${3:-build-load}
ROUNDS=${4:-3}
B_ARGS=${COMPARE_B_ARGS:-}
A_ARGS=${COMPARE_A_ARGS:-}
SECS=${COMPARE_SECONDS:-8}
API=${COMPARE_API:-$BUILD/bin/termin-api}
CITY_ARGS=(--offices 20 --desks 20 --rush-places 100)

WORK=$(mktemp -d /tmp/termin-load-compare-XXXXXX)
# shellcheck source=bench/servers.sh
. bench/servers.sh
cleanup() {
  stop_servers
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ticks() {  # utime+stime of the given pids, in clock ticks
  local sum=0 pid f
  for pid in "$@"; do
    read -r -a f <"/proc/$pid/stat"
    sum=$((sum + f[13] + f[14]))
  done
  echo "$sum"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

"$A" city --dir "$WORK" "${CITY_ARGS[@]}"
start_redis "$WORK/redis" always
TARGETS=""
for _ in 1 2; do
  port=$(free_port)
  start_api "$API" "$port" "redis://127.0.0.1:$REDIS_PORT" "$WORK" 32 "$WORK/api-$port.log"
  TARGETS+="${TARGETS:+,}127.0.0.1:$port"
done
HZ=$(getconf CLK_TCK)

day=3
run() {  # label binary extra-args workload
  local label=$1 bin=$2 extra=$3 what=$4 args before after out
  if [ "$what" = hotline ]; then
    args=(hotline --targets "$TARGETS" "${CITY_ARGS[@]}" --connections 32 --seconds "$SECS"
          --days 50 --seed "$RANDOM" --key-file "$WORK/hotline.key")
  else
    # A fresh rush day each run: the places of the last one are all taken.
    args=(rush --targets "$TARGETS" "${CITY_ARGS[@]}" --connections 500 --attempts 10000
          --seed 4 --day-offset "$day")
    day=$((day + 1))
  fi
  before=$(ticks "${SERVER_PIDS[@]}")
  # shellcheck disable=SC2086
  out=$(timeout 300 /usr/bin/time -f "TIME %U %S" "$bin" "${args[@]}" $extra 2>&1) || true
  after=$(ticks "${SERVER_PIDS[@]}")
  local result cpu
  result=$(sed -n 's/^RESULT //p' <<<"$out" | tail -1)
  cpu=$(awk '/^TIME/ {printf "%.2f", $2 + $3}' <<<"$out")
  printf '%-8s %-4s %10s %10s %8s %8s %6s %9s %12s\n' "$what" "$label" \
    "$(field rate "$result")" "$(field requests_per_s "$result")" \
    "$(field p50_ms "$result")" "$(field p99_ms "$result")" "$(field errors "$result")" "$cpu" \
    "$(awk -v t=$((after - before)) -v hz="$HZ" 'BEGIN {printf "%.2f", t / hz}')"
  if [ -z "$result" ]; then echo "$out" | tail -5 >&2; fi
}

echo "targets $TARGETS; A=$A $A_ARGS; B=$B $B_ARGS; $(nproc) cores"
printf '%-8s %-4s %10s %10s %8s %8s %6s %9s %12s\n' workload side "rate/s" "req/s" "p50 ms" \
  "p99 ms" errors "load cpu" "servers cpu"
for what in hotline rush; do
  run warm "$A" "$A_ARGS" "$what" >/dev/null
  for _ in $(seq "$ROUNDS"); do
    run A "$A" "$A_ARGS" "$what"
    run B "$B" "$B_ARGS" "$what"
    run B "$B" "$B_ARGS" "$what"
    run A "$A" "$A_ARGS" "$what"
  done
done
