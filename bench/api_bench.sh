#!/usr/bin/env bash
# The API, Redis and PostgreSQL benchmarks (bench/README.md, section "API,
# Redis and PostgreSQL"). Run by scripts/bench.sh after the core benchmarks;
# alone: bench/api_bench.sh [build-bench].
#
# Everything on loopback, every process started here and stopped at the end
# (also on failure or Ctrl-C), every step bounded in time:
#  1. the bench city (termin-load city) under BUILD/bench-city/;
#  2. one redis-server (AOF, appendfsync as in deploy/redis.conf: always) and
#     two termin-api processes on it (--threads $API_THREADS each);
#  3. termin-load: availability queries, web bookings (hold + confirm),
#     hotline bookings (one call), the midnight rush (500 connections, 10,000
#     attempts, 100 places), each checked; the rush also read back from Redis;
#  4. redis-benchmark: the store's own place_hold script by EVALSHA (the text
#     comes from termin-print-script, i.e. from the binary);
#  5. PostgreSQL 15 in a throw-away cluster: a table with an exclusion
#     constraint under pgbench, the same workloads (web: hold, then confirm
#     with the outbox jobs; hotline; the rush), and a bare INSERT for
#     reference;
#  6. a summary with the ratios Termin / PostgreSQL.
# Exit status 0 only if every check held (exactly 100 rush successes, no double
# booking, no errors). Whether the goals (rush p99 < 50 ms, more bookings/s
# than PostgreSQL) are met is printed, not enforced: a slow shared machine
# must not fail `make bench`.
#
# Settings (environment): TERMIN_BENCH_SECONDS (8) per steady workload,
# TERMIN_BENCH_CONNECTIONS (32) for the steady workloads (both sides),
# TERMIN_BENCH_API_THREADS (16) per termin-api (more threads only added
# context switches on 2 cores: rush p99 31-35 ms at 16, 42-48 ms at 32), TERMIN_BENCH_FSYNC (always).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-bench}
SECS=${TERMIN_BENCH_SECONDS:-8}
CONNS=${TERMIN_BENCH_CONNECTIONS:-32}
API_THREADS=${TERMIN_BENCH_API_THREADS:-16}
FSYNC=${TERMIN_BENCH_FSYNC:-always}
RUSH_CONNS=500
RUSH_ATTEMPTS=10000
RUSH_PLACES=100
SPREAD_OFFICES=20
SPREAD_DESKS=20
SPREAD_DAYS=50

LOAD="$BUILD/bin/termin-load"
API="$BUILD/bin/termin-api"
PRINT_SCRIPT="$BUILD/bin/termin-print-script"
for b in "$LOAD" "$API" "$PRINT_SCRIPT"; do
  [ -x "$b" ] || { echo "api_bench: $b missing; build $BUILD first" >&2; exit 2; }
done
for t in redis-server redis-cli redis-benchmark python3; do
  command -v "$t" >/dev/null || { echo "api_bench: $t missing (scripts/install-deps.sh)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/termin-api-bench-XXXXXX)
PGDIR=""
PGBIN=""
failed=()
# shellcheck source=bench/servers.sh
. bench/servers.sh

cleanup() {
  stop_servers
  if [ -n "$PGDIR" ] && [ -f "$PGDIR/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
  fi
  [ -n "$PGDIR" ] && rm -rf "$PGDIR"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }  # field NAME "RESULT line"
result_of() { sed -n 's/^RESULT //p' "$1" | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

echo "API, Redis and PostgreSQL benchmarks: $(nproc) cores shared by servers and load generators"

# --- 1. the bench city --------------------------------------------------------
CITY_DIR="$BUILD/bench-city"
mkdir -p "$CITY_DIR"
"$LOAD" city --dir "$CITY_DIR" --offices "$SPREAD_OFFICES" --desks "$SPREAD_DESKS" \
  --rush-places "$RUSH_PLACES"
CITY_ARGS=(--offices "$SPREAD_OFFICES" --desks "$SPREAD_DESKS" --rush-places "$RUSH_PLACES")

# --- 2. redis-server and two termin-api ---------------------------------------
start_redis "$WORK/redis" "$FSYNC"

STORE="redis://127.0.0.1:$REDIS_PORT"
P1=$(free_port)
if start_api "$API" "$P1" "$STORE" "$CITY_DIR" "$API_THREADS" "$WORK/api1.log"; then
  P2=$(free_port)
  start_api "$API" "$P2" "$STORE" "$CITY_DIR" "$API_THREADS" "$WORK/api2.log" ||
    { cat "$WORK/api2.log" >&2; exit 2; }
  TARGETS="127.0.0.1:$P1,127.0.0.1:$P2"
  SETUP="2 termin-api (--threads $API_THREADS each) on one Redis (AOF appendfsync $FSYNC)"
else
  # The Redis store is not wired into termin-api in this build: measure one
  # process on the embedded store rather than nothing, and say so loudly.
  echo "api_bench: termin-api refused --store redis:// ($(tail -1 "$WORK/api1.log"))" >&2
  P1=$(free_port)
  start_api "$API" "$P1" memory "$CITY_DIR" "$API_THREADS" "$WORK/api1.log" ||
    { cat "$WORK/api1.log" >&2; exit 2; }
  TARGETS="127.0.0.1:$P1"
  STORE=memory
  SETUP="1 termin-api (--threads $API_THREADS) on the MEMORY store: Redis store not available"
fi
echo "setup: $SETUP; load: termin-load (event-driven: epoll, keep-alive, one load thread)"

# --- 3. termin-load workloads -------------------------------------------------
# Both sides make every booking durable (fsync): the dirty pages of an
# earlier run or workload still being written back would slow the next
# one (measured: web 4,600-5,000 bookings/s right after a run, 6,000-6,600
# on a settled disk). Each workload, Termin's and PostgreSQL's, starts on
# a settled disk.
settle() { sync; sleep 1; }
run_load() {  # name, then termin-load arguments; output in $WORK/<name>.out
  local name=$1; shift
  settle
  echo
  echo "== $name"
  if ! timeout 300 "$LOAD" "$@" | tee "$WORK/$name.out"; then failed+=("$name"); fi
}
run_load availability availability --targets "$TARGETS" "${CITY_ARGS[@]}" --connections "$CONNS" \
  --seconds "$SECS" --days "$SPREAD_DAYS"
run_load web web --targets "$TARGETS" "${CITY_ARGS[@]}" --connections "$CONNS" --seconds "$SECS" \
  --days "$SPREAD_DAYS" --seed 2
run_load hotline hotline --targets "$TARGETS" "${CITY_ARGS[@]}" --connections "$CONNS" \
  --seconds "$SECS" --days "$SPREAD_DAYS" --seed 3 --key-file "$CITY_DIR/hotline.key"
run_load rush rush --targets "$TARGETS" "${CITY_ARGS[@]}" --connections "$RUSH_CONNS" \
  --attempts "$RUSH_ATTEMPTS" --seed 4

R_AVAIL=$(result_of "$WORK/availability.out")
R_WEB=$(result_of "$WORK/web.out")
R_HOT=$(result_of "$WORK/hotline.out")
R_RUSH=$(result_of "$WORK/rush.out")

# The rush read back from Redis itself, past the API: the rush desk's claims
# set must hold exactly one appointment per place and none may overlap.
REDIS_RUSH="n/a"
if [ "$STORE" != memory ]; then
  claims=""
  for key in $(redis-cli -p "$REDIS_PORT" --scan --pattern '*{o:bench-rush}:c:*'); do
    claims+=$(redis-cli -p "$REDIS_PORT" ZRANGE "$key" 0 -1)$'\n'
  done
  REDIS_RUSH=$(awk -F: '$4 == "a" { n++; if (seen[$1]++) dup++; s[n] = $1; e[n] = $2 }
    END {
      # members are sorted by start: overlap iff a start lies before the previous end
      for (i = 2; i <= n; i++) if (s[i] + 0 < e[i - 1] + 0) over++
      printf "%d appointments, %d overlapping", n, dup + over }' <<<"$claims")
  echo "rush read back from Redis: $REDIS_RUSH"
  case "$REDIS_RUSH" in
    "$RUSH_PLACES appointments, 0 overlapping") ;;
    *) failed+=("rush-redis-readback") ;;
  esac
fi

# --- 4. redis-benchmark: the store's place_hold by EVALSHA ---------------------
echo
settle
echo "== redis-benchmark EVALSHA place_hold"
SHA=$("$PRINT_SCRIPT" place_hold | redis-cli -p "$REDIS_PORT" -x SCRIPT LOAD)
# KEYS: hold, claims, cmax, desks, hold version, cfg; ARGV: desk, start,
# claim_end, ttl_ms, keep_ms, hold id, then hold fields, then the config
# version ('0': unchecked) (as RedisStore::PlaceHold sends them). Random desks
# of office {o:rb}: few conflicts.
RB_N=100000
RB_C=50
RB_RPS=$(timeout 120 redis-benchmark -p "$REDIS_PORT" -n "$RB_N" -c "$RB_C" -r 100000000 -q \
  EVALSHA "$SHA" 6 '{o:rb}:h:__rand_int__' '{o:rb}:c:__rand_int__' '{o:rb}:cmax' \
  '{o:rb}:desks' '{o:rb}:hv' '{o:rb}:cfg' __rand_int__ 29000000 29000005 600000 3600000 \
  __rand_int__ id x secret s office rb desk d services '["bench-visit"]' start 29000000 \
  end 29000005 claim_end 29000005 0 | tr '\r' '\n' |
  awk '/requests per second/ {for (i = 2; i <= NF; i++) if ($i == "requests") v = $(i - 1)} END {print v}')
RB_HOLDS=$(redis-cli -p "$REDIS_PORT" GET '{o:rb}:hv')
echo "place_hold EVALSHA: ${RB_RPS:-?} calls/s, ${RB_HOLDS:-0} holds written of $RB_N (n=$RB_N, c=$RB_C, AOF $FSYNC)"

# --- 5. PostgreSQL: exclusion constraint under pgbench ------------------------
# The same booking workloads as Termin's, one SQL statement (one round trip,
# one commit) per step, as Termin has one Lua script per step:
#  - web: the hold (a 'h' row with its expiry and secret; lapsed holds on the
#    place deleted first, as Termin's script drops them), then, if it got the
#    place, the confirm (secret and expiry checked, the row becomes the
#    appointment with reference and contact) with its two outbox jobs
#    (confirmation, reminder) in the same statement;
#  - hotline: the appointment and its two outbox jobs in one statement;
#  - the rush: the web flow on one desk, 100 places, 500 clients.
# The reference is UNIQUE and the outbox indexed by due time, like Termin's
# reference index and outbox set. Printed too, for reference only: a bare
# INSERT of the row alone (no hold, no outbox, no reference index), which is
# what this benchmark compared against before (bench/README.md).
PG_WEB="" PG_WEB_P50="" PG_WEB_P99="" PG_HOT="" PG_HOT_P50="" PG_HOT_P99=""
PG_BARE="" PG_BARE_P50="" PG_BARE_P99=""
PG_RUSH_TPS="" PG_RUSH_OK="" PG_RUSH_P50="" PG_RUSH_P99=""
PG_RUSH_CLIENTS=$RUSH_CONNS
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
as_pg() {  # PostgreSQL refuses to run as root: run the server as postgres (or nobody)
  if [ "$(id -u)" = 0 ]; then
    local user=postgres
    id postgres >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}
quantiles() {  # pgbench log files -> "p50 p99" in ms (3rd field: latency in µs)
  cat "$@" | awk '{print $3}' | sort -n | awk '{v[NR] = $1}
    function q(p,  h, i) { h = (NR - 1) * p + 1; i = int(h); return (v[i] + (h - i) * (v[i + 1 < NR ? i + 1 : NR] - v[i])) / 1000 }
    END { if (NR) printf "%.2f %.2f", q(0.5), q(0.99) }'
}
# pg_web_sql DAY: the web flow (hold, then confirm) for pgbench variables
# :desk and :slot (5-minute slots from DAY, a timestamptz literal).
pg_web_sql() {
  cat <<SQL
WITH place AS (
  SELECT tstzrange(timestamptz '$1' + :slot * interval '5 minutes',
                   timestamptz '$1' + (:slot + 1) * interval '5 minutes') AS during),
lapsed AS (
  DELETE FROM booking b USING place
   WHERE b.desk = :desk AND b.kind = 'h' AND b.expires <= now() AND b.during && place.during),
hold AS (
  INSERT INTO booking (desk, during, kind, expires, secret)
  SELECT :desk, during, 'h', now() + interval '10 minutes', md5(:client_id || ':' || :slot)
    FROM place
  ON CONFLICT DO NOTHING RETURNING id)
SELECT coalesce((SELECT id FROM hold), 0) AS hid \gset
\if :hid > 0
WITH appt AS (
  UPDATE booking SET kind = 'a', expires = NULL, ref = md5(random()::text),
         name = 'Bench Citizen', email = 'bench@example.org'
   WHERE id = :hid AND secret = md5(:client_id || ':' || :slot) AND expires > now()
  RETURNING ref, lower(during) AS start)
INSERT INTO outbox (due, kind, ref)
  SELECT now(), 'confirmation', ref FROM appt
  UNION ALL SELECT start - interval '1 day', 'reminder', ref FROM appt;
\endif
SQL
}
echo
if [ -z "$PGBIN" ] || ! command -v pgbench >/dev/null; then
  echo "== PostgreSQL: not installed (scripts/install-bench-deps.sh); skipped"
  failed+=("postgresql-missing")
else
  echo "== PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'): EXCLUDE USING gist (desk WITH =, during WITH &&)"
  PGDIR=$(mktemp -d /tmp/termin-pg-bench-XXXXXX)
  if [ "$(id -u)" = 0 ]; then chown "$(id -u postgres 2>/dev/null || id -u nobody)" "$PGDIR"; fi
  PG_PORT=$(free_port)
  as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  # Durable commits as the Redis side (fsync on, synchronous_commit on, the
  # defaults); room for the rush's 500 clients.
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/pg.log" -w -t 30 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PGDIR -c max_connections=$((RUSH_CONNS + 20)) -c shared_buffers=256MB" \
    start >/dev/null
  PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres)
  "${PSQL[@]}" <<'SQL'
CREATE EXTENSION btree_gist;
CREATE TABLE booking (
  id bigserial PRIMARY KEY,
  desk int NOT NULL,
  during tstzrange NOT NULL,
  kind char(1) NOT NULL,       -- 'h' hold, 'a' appointment
  expires timestamptz,         -- a hold's expiry
  secret text,                 -- a hold's secret
  ref text UNIQUE,             -- an appointment's reference
  name text,
  email text,
  created timestamptz NOT NULL DEFAULT now(),
  EXCLUDE USING gist (desk WITH =, during WITH &&)
);
CREATE TABLE outbox (
  seq bigserial PRIMARY KEY,
  due timestamptz NOT NULL,
  kind text NOT NULL,
  ref text NOT NULL
);
CREATE INDEX outbox_due ON outbox (due);
CREATE TABLE bare (
  id bigserial PRIMARY KEY,
  desk int NOT NULL,
  during tstzrange NOT NULL,
  ref text NOT NULL,
  name text NOT NULL,
  email text NOT NULL,
  created timestamptz NOT NULL DEFAULT now(),
  EXCLUDE USING gist (desk WITH =, during WITH &&)
);
SQL
  # Few conflicts: 400 desks x (50 days x 192 five-minute starts), as the
  # spread offices.
  SPREAD_PICK="\\set desk random(1, $((SPREAD_OFFICES * SPREAD_DESKS)))
\\set slot random(0, $((SPREAD_DAYS * 192 - 1)))"
  { echo "$SPREAD_PICK"; pg_web_sql '2027-01-01'; } >"$WORK/web.sql"
  cat >"$WORK/hotline.sql" <<SQL
$SPREAD_PICK
WITH appt AS (
  INSERT INTO booking (desk, during, kind, ref, name, email)
  VALUES (:desk, tstzrange(timestamptz '2027-01-01' + :slot * interval '5 minutes',
                           timestamptz '2027-01-01' + (:slot + 1) * interval '5 minutes'),
          'a', md5(random()::text), 'Bench Citizen', 'bench@example.org')
  ON CONFLICT DO NOTHING RETURNING ref, lower(during) AS start)
INSERT INTO outbox (due, kind, ref)
  SELECT now(), 'confirmation', ref FROM appt
  UNION ALL SELECT start - interval '1 day', 'reminder', ref FROM appt;
SQL
  cat >"$WORK/bare.sql" <<SQL
$SPREAD_PICK
INSERT INTO bare (desk, during, ref, name, email)
  VALUES (:desk, tstzrange(timestamptz '2027-01-01' + :slot * interval '5 minutes',
                           timestamptz '2027-01-01' + (:slot + 1) * interval '5 minutes'),
          md5(random()::text), 'Bench Citizen', 'bench@example.org')
  ON CONFLICT DO NOTHING;
SQL
  # The rush: 100 places on desk 0, 10,000 attempts from 500 clients.
  { echo "\\set desk 0"; echo "\\set slot random(0, $((RUSH_PLACES - 1)))"
    pg_web_sql '2027-06-01 08:00'; } >"$WORK/rush.sql"
  PGB=(pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -j 2 --max-tries=100)
  # pg_steady NAME COUNT_SQL: pgbench -T over $WORK/NAME.sql; the bookings/s
  # are the rows COUNT_SQL gained per second of the run (a script run that
  # met a taken place books nothing). Sets PG_LAST="rate p50 p99".
  pg_steady() {
    local name=$1 count=$2 before after tx tps rate p50 p99
    before=$("${PSQL[@]}" -t -A -c "$count")
    settle
    echo "-- $name: pgbench -c $CONNS -T $SECS"
    (cd "$WORK" && timeout 120 "${PGB[@]}" -c "$CONNS" -T "$SECS" -f "$name.sql" -l \
      --log-prefix="pglog_$name" postgres >"$WORK/pg_$name.out" 2>&1) || failed+=("pgbench-$name")
    grep -E "^(tps|number of (transactions actually|failed)|latency average)" "$WORK/pg_$name.out" || true
    after=$("${PSQL[@]}" -t -A -c "$count")
    tx=$(awk '/number of transactions actually processed/ {split($NF, a, "/"); print a[1]}' "$WORK/pg_$name.out")
    tps=$(awk '/^tps/ {print $3}' "$WORK/pg_$name.out")
    rate=$(awk -v t="$tps" -v r="$((after - before))" -v x="$tx" 'BEGIN { if (x > 0) printf "%.1f", t * r / x }')
    read -r p50 p99 <<<"$(quantiles "$WORK"/pglog_"$name".*)"
    echo "bookings: $((after - before)) of $tx attempts; $rate bookings/s, latency p50 $p50 ms p99 $p99 ms"
    PG_LAST="$rate $p50 $p99"
  }
  APPTS="SELECT count(*) FROM booking WHERE kind = 'a'"
  pg_steady web "$APPTS"; read -r PG_WEB PG_WEB_P50 PG_WEB_P99 <<<"$PG_LAST"
  pg_steady hotline "$APPTS"; read -r PG_HOT PG_HOT_P50 PG_HOT_P99 <<<"$PG_LAST"
  pg_steady bare "SELECT count(*) FROM bare"; read -r PG_BARE PG_BARE_P50 PG_BARE_P99 <<<"$PG_LAST"
  PG_OUTBOX=$("${PSQL[@]}" -t -A -c "SELECT (SELECT count(*) FROM outbox) - 2 * ($APPTS)")
  echo "outbox: $PG_OUTBOX jobs more (or, negative, fewer) than two per appointment (want 0)"
  [ "$PG_OUTBOX" = 0 ] || failed+=("pgbench-outbox-check")

  settle
  echo "-- rush: pgbench -c $PG_RUSH_CLIENTS -t $((RUSH_ATTEMPTS / PG_RUSH_CLIENTS)) on $RUSH_PLACES places (hold, then confirm)"
  (cd "$WORK" && timeout 180 "${PGB[@]}" -c "$PG_RUSH_CLIENTS" -t $((RUSH_ATTEMPTS / PG_RUSH_CLIENTS)) \
    -f rush.sql -l --log-prefix=pglog_rush postgres >"$WORK/pg_rush.out" 2>&1) || failed+=("pgbench-rush")
  grep -E "^(tps|number of (transactions actually|failed)|latency average)" "$WORK/pg_rush.out" || true
  PG_RUSH_OK=$("${PSQL[@]}" -t -A -c "SELECT count(*) FROM booking WHERE desk = 0 AND kind = 'a'")
  PG_RUSH_DOUBLE=$("${PSQL[@]}" -t -A -c "SELECT count(*) FROM booking a JOIN booking b
    ON a.desk = b.desk AND a.id < b.id AND a.during && b.during")
  PG_RUSH_TPS=$(awk '/^tps/ {printf "%.1f", $3}' "$WORK/pg_rush.out")
  read -r PG_RUSH_P50 PG_RUSH_P99 <<<"$(quantiles "$WORK"/pglog_rush.*)"
  echo "rush: $PG_RUSH_OK successes, $PG_RUSH_DOUBLE double bookings, $PG_RUSH_TPS attempts/s, latency p50 $PG_RUSH_P50 ms p99 $PG_RUSH_P99 ms"
  [ "$PG_RUSH_OK" = "$RUSH_PLACES" ] && [ "$PG_RUSH_DOUBLE" = 0 ] || failed+=("pgbench-rush-check")
fi

# --- 6. summary -----------------------------------------------------------------
WEB_RATE=$(field rate "$R_WEB")
HOT_RATE=$(field rate "$R_HOT")
RUSH_RATE=$(field rate "$R_RUSH")
RUSH_P99=$(field p99_ms "$R_RUSH")
echo
echo "== summary ($SETUP; $CONNS connections / pgbench clients for the steady workloads)"
printf '%-44s %12s %9s %9s\n' "" "per second" "p50 ms" "p99 ms"
printf '%-44s %12s %9s %9s\n' "availability queries (1 office, 1 day)" "$(field rate "$R_AVAIL")" "$(field p50_ms "$R_AVAIL")" "$(field p99_ms "$R_AVAIL")"
printf '%-44s %12s %9s %9s\n' "Termin web bookings (hold + confirm)" "$WEB_RATE" "$(field p50_ms "$R_WEB")" "$(field p99_ms "$R_WEB")"
printf '%-44s %12s %9s %9s\n' "Termin hotline bookings (one call)" "$HOT_RATE" "$(field p50_ms "$R_HOT")" "$(field p99_ms "$R_HOT")"
printf '%-44s %12s %9s %9s\n' "PostgreSQL web bookings (hold + confirm)" "${PG_WEB:-n/a}" "${PG_WEB_P50:-}" "${PG_WEB_P99:-}"
printf '%-44s %12s %9s %9s\n' "PostgreSQL hotline bookings (one statement)" "${PG_HOT:-n/a}" "${PG_HOT_P50:-}" "${PG_HOT_P99:-}"
printf '%-44s %12s %9s %9s\n' "PostgreSQL bare INSERT (reference only)" "${PG_BARE:-n/a}" "${PG_BARE_P50:-}" "${PG_BARE_P99:-}"
printf '%-44s %12s %9s %9s\n' "redis-benchmark place_hold EVALSHA" "${RB_RPS:-n/a}" "" ""
printf '%-44s %12s %9s %9s\n' "Termin rush attempts ($(field successes "$R_RUSH") won)" "$RUSH_RATE" "$(field p50_ms "$R_RUSH")" "$RUSH_P99"
printf '%-44s %12s %9s %9s\n' "PostgreSQL rush attempts (${PG_RUSH_OK:-?} won)" "${PG_RUSH_TPS:-n/a}" "${PG_RUSH_P50:-}" "${PG_RUSH_P99:-}"
echo
echo "ratio web bookings/s Termin / PostgreSQL:     $(ratio "$WEB_RATE" "${PG_WEB:-0}") (against the bare INSERT: $(ratio "$WEB_RATE" "${PG_BARE:-0}"))"
echo "ratio hotline bookings/s Termin / PostgreSQL: $(ratio "$HOT_RATE" "${PG_HOT:-0}") (against the bare INSERT: $(ratio "$HOT_RATE" "${PG_BARE:-0}"))"
echo "ratio rush attempts/s Termin / PostgreSQL:    $(ratio "$RUSH_RATE" "${PG_RUSH_TPS:-0}")"
echo "rush: $(field successes "$R_RUSH") successes (want $RUSH_PLACES), $(field double_bookings "$R_RUSH") double bookings (API read-back), Redis read-back: $REDIS_RUSH"
if [ -n "$RUSH_P99" ] && below "$RUSH_P99" 50; then
  echo "goal rush p99 < 50 ms: met ($RUSH_P99 ms)"
else
  echo "goal rush p99 < 50 ms: NOT met (${RUSH_P99:-?} ms)"
fi
for pair in "web:$WEB_RATE:${PG_WEB:-0}" "hotline:$HOT_RATE:${PG_HOT:-0}" "rush:$RUSH_RATE:${PG_RUSH_TPS:-0}"; do
  IFS=: read -r what t p <<<"$pair"
  if below "$p" "$t"; then echo "goal $what faster than PostgreSQL: met"; else echo "goal $what faster than PostgreSQL: NOT met"; fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "api_bench: FAILED checks: ${failed[*]}" >&2
  exit 1
fi
