# shellcheck shell=bash
# Shared by bench/api_bench.sh and bench/load/compare_load.sh (sourced, not
# run): the benchmark servers on loopback, each started here and stopped by
# stop_servers (call it from the script's EXIT trap), every wait bounded.
#
#   start_redis DIR FSYNC      -> REDIS_PORT; AOF on, appendfsync FSYNC
#   start_api BIN PORT STORE CITY_DIR THREADS LOG -> API_PID; 1 if it never
#                                 answered /healthz (or died)
#   stop_servers               SIGTERM to all, SIGKILL after 10 s each

SERVER_PIDS=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do
    # Bounded: termin-api exits within 9 s on SIGTERM; after 10 s, SIGKILL.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

wait_healthz() {  # port pid
  for _ in $(seq 200); do
    if ! kill -0 "$2" 2>/dev/null; then return 1; fi
    if python3 - "$1" <<'PY' 2>/dev/null; then return 0; fi
import sys, urllib.request
urllib.request.urlopen("http://127.0.0.1:%s/healthz" % sys.argv[1], timeout=1).read()
PY
    sleep 0.05
  done
  return 1
}

start_redis() {  # dir fsync
  REDIS_PORT=$(free_port)
  mkdir -p "$1"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$1" --save '' \
    --appendonly yes --appendfsync "$2" --maxclients 2000 \
    --logfile "$1/redis.log" --daemonize no &
  SERVER_PIDS+=($!)
  for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
  redis-cli -p "$REDIS_PORT" ping >/dev/null
}

start_api() {  # binary port store-spec city-dir threads log
  # The load comes from one address: the fair-use limits (which a binary
  # from before them does not know) are off, as they are not what is measured.
  local limits=()
  if "$1" --help 2>/dev/null | grep -q -- --open-holds-per-client; then
    limits=(--public-requests-per-minute 0 --staff-requests-per-minute 0 --open-holds-per-client 0)
  fi
  # ... and so is the per-address connection cap (the rush opens 500).
  if "$1" --help 2>/dev/null | grep -q -- --max-connections-per-ip; then
    limits+=(--max-connections-per-ip 100000)
  fi
  "$1" --bind 127.0.0.1 --port "$2" --threads "$5" --store "$3" "${limits[@]}" \
    --seed "$4/bench-city.json" --keys "$4/bench-keys.json" --no-access-log 2>"$6" &
  API_PID=$!
  SERVER_PIDS+=("$API_PID")
  wait_healthz "$2" "$API_PID"
}
