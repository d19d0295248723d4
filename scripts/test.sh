#!/bin/sh
# Runs every test against one or more build directories, then the API
# contract checks. Each suite starts the real servers it needs (termin-api,
# redis-server, ...) on free loopback ports itself (tests/harness), so nothing
# has to run beforehand.
#   scripts/test.sh build [build-asan ...]
# The contract checks use the first build directory: its black-box tests
# leave every response they received in BUILD/contract/*.jsonl.
set -eu
cd "$(dirname "$0")/.."

passed=0
failed=0
step() {  # step NAME COMMAND...: runs one step, counts it
  name=$1
  shift
  echo "== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "== FAILED: $name"
  fi
}

first=""
for dir in "$@"; do
  [ -n "$first" ] || first=$dir
  step "tests in $dir" ctest --test-dir "$dir" --output-on-failure -j 2 --timeout 900
done

# The web clients in a real browser (Debian chromium + playwright-core):
# the city page on another origin, embedded store, then once on Redis.
if [ -n "$first" ] && [ -x "$first/bin/termin-api" ]; then
  step "web: build (size budget)" sh scripts/build-web.sh
  step "web: browser tests, embedded store" node clients/web/test/browser.mjs --api-bin "$first/bin/termin-api"
  step "web: staff screens, embedded store" node clients/web/test/staff.mjs --api-bin "$first/bin/termin-api"
  step "web: evaluation page, embedded store" node clients/web/test/evaluation.mjs --api-bin "$first/bin/termin-api"
  step "web: office admin (closed days, holidays, rules), embedded store" node clients/web/test/admin.mjs --api-bin "$first/bin/termin-api"
  step "web: a fair release's queue, embedded store" node clients/web/test/release.mjs --api-bin "$first/bin/termin-api"
  if command -v redis-server >/dev/null; then
    rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
    rpid=$!
    sleep 0.5
    step "web: browser tests, Redis" env TERMIN_SCREENSHOTS="$first/web-screenshots-redis" \
      node clients/web/test/browser.mjs --api-bin "$first/bin/termin-api" --store "redis://127.0.0.1:$rport"
    kill "$rpid" 2>/dev/null || true
    # The staff screens on a fresh Redis (their own city: the Rathaus open all day).
    rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
    rpid=$!
    sleep 0.5
    step "web: staff screens, Redis" env TERMIN_SCREENSHOTS="$first/web-screenshots-redis" \
      node clients/web/test/staff.mjs --api-bin "$first/bin/termin-api" --store "redis://127.0.0.1:$rport"
    kill "$rpid" 2>/dev/null || true
    # The evaluation page on a fresh Redis.
    rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
    rpid=$!
    sleep 0.5
    step "web: evaluation page, Redis" env TERMIN_SCREENSHOTS="$first/web-screenshots-redis" \
      node clients/web/test/evaluation.mjs --api-bin "$first/bin/termin-api" --store "redis://127.0.0.1:$rport"
    kill "$rpid" 2>/dev/null || true
    # The office admin's closed days, holidays and rules on a fresh Redis.
    rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
    rpid=$!
    sleep 0.5
    step "web: office admin, Redis" env TERMIN_SCREENSHOTS="$first/web-screenshots-redis" \
      node clients/web/test/admin.mjs --api-bin "$first/bin/termin-api" --store "redis://127.0.0.1:$rport"
    kill "$rpid" 2>/dev/null || true
    # A fair release's queue on a fresh Redis.
    rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
    rpid=$!
    sleep 0.5
    step "web: a fair release's queue, Redis" env TERMIN_SCREENSHOTS="$first/web-screenshots-redis" \
      node clients/web/test/release.mjs --api-bin "$first/bin/termin-api" --store "redis://127.0.0.1:$rport"
    kill "$rpid" 2>/dev/null || true
  fi
fi

# The Helm chart: lint, render, and each binary's parser over its rendered args.
if [ -n "$first" ] && [ -x "$first/bin/termin-api" ] && [ -x "$first/bin/termin-worker" ]; then
  step "helm chart ($first)" sh scripts/helm-check.sh "$first"
  step "image: runtime package list covers the binaries" sh tests/image/check_runtime_list.sh "$first"
  # The runtime stage built as a debootstrap root and run (about 40 s to build the base
  # root, then cached by package list; about 30 s a run).
  if [ "$(id -u)" = 0 ]; then
    step "image: runtime root books and mails (make image-check)" sh tests/image/image_check.sh "$first"
  else
    echo "== not run: image-check needs root (make image-check)"
  fi
fi

if [ -x tests/contract/run.sh ]; then
  step "API contract: validator self-test" sh tests/contract/run.sh selftest
  if [ -f openapi.yaml ]; then
    step "API contract: lint openapi.yaml" sh tests/contract/run.sh lint
    if [ -n "$first" ]; then
      logs=$(ls "$first"/contract/*.jsonl 2>/dev/null || true)
      if [ -n "$logs" ]; then
        # shellcheck disable=SC2086
        step "API contract: responses of the black-box tests ($first)" sh tests/contract/run.sh validate $logs
      else
        echo "== FAILED: no contract logs in $first/contract (black-box tests not built?)"
        failed=$((failed + 1))
      fi
      if [ -x "$first/bin/termin-api" ]; then
        step "API contract: route parity ($first/bin/termin-api)" \
          sh tests/contract/run.sh parity "$first/bin/termin-api"
      fi
    fi
  else
    echo "== FAILED: openapi.yaml is missing"
    failed=$((failed + 1))
  fi
fi

echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
