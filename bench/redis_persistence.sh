#!/usr/bin/env bash
# Bookings per second through the store's own place_hold Lua script (EVALSHA,
# via redis-benchmark) under three persistence settings: no AOF, AOF with
# appendfsync everysec, AOF with appendfsync always. Each run gets a fresh
# redis-server on a free loopback port in a temp dir; everything is removed
# at the end. The script text is cut out of service/redis/redis_scripts.cc, so the
# bench measures exactly what the store runs.
#
# Usage: bench/redis_persistence.sh [requests=100000] [clients=50]
# Every request places a hold on a random desk of one office (hash tag
# {o:bench}); a desk drawn twice gives a Conflict, which writes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
C=${2:-50}

lua_block() {  # prints the raw string literal named $1 from redis_scripts.cc
  awk -v name="$1" '
    $0 ~ "const char\\* " name " = R\"lua\\(" { on = 1; next }
    on && /^\)lua";/ { exit }
    on { print }' service/redis/redis_scripts.cc
}
SCRIPT="$(lua_block kPrelude)
$(lua_block kPlaceHold)"
[ -n "$(lua_block kPlaceHold)" ] || { echo "could not extract place_hold" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

run() {  # $1 label, rest: redis-server persistence flags
  local label=$1; shift
  local dir port pid
  dir=$(mktemp -d /tmp/termin-redis-bench-XXXXXX)
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' "$@" \
    --logfile "$dir/redis.log" --daemonize no &
  pid=$!
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  local sha
  sha=$(redis-cli -p "$port" SCRIPT LOAD "$SCRIPT")
  # KEYS: hold, claims, cmax, desks, hold version; ARGV: desk, start, claim_end,
  # ttl_ms, keep_ms, hold id, released_delay ms, then hold fields.
  local rps
  rps=$(redis-benchmark -p "$port" -n "$N" -c "$C" -r 100000000 -q \
    EVALSHA "$sha" 5 '{o:bench}:h:__rand_int__' '{o:bench}:c:__rand_int__' '{o:bench}:cmax' \
    '{o:bench}:desks' '{o:bench}:hv' __rand_int__ 29000000 29000030 600000 3600000 __rand_int__ 0 \
    id x secret s office bench desk d services '["id-card"]' start 29000000 end 29000025 \
    claim_end 29000030 | tr '\r' '\n' | awk '/requests per second/ {for (i = 2; i <= NF; i++) if ($i == "requests") v = $(i - 1)} END {print v}')
  local holds
  holds=$(redis-cli -p "$port" GET '{o:bench}:hv')
  printf '%-28s %10s bookings/s  (%s holds written)\n' "$label" "$rps" "${holds:-0}"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}

echo "place_hold via EVALSHA, n=$N, c=$C, $(nproc) cores (load generator shares them)"
run "no persistence"             --appendonly no
run "AOF appendfsync everysec"   --appendonly yes --appendfsync everysec
run "AOF appendfsync always"     --appendonly yes --appendfsync always
