#!/usr/bin/env bash
# Runs the shell examples of README.md and docs/api.md as a newcomer pastes them,
# against a termin-api started here (embedded store, demo city, demo keys) on a
# free loopback port. A block is marked by the line before its ```sh fence:
#   <!-- example: NAME -->          every curl must answer 2xx
#   <!-- example: NAME lenient -->  answers that depend on the hour (409, 422) are allowed
# Blocks of one file run in order in one shell, so variables carry through
# (as in the reader's terminal). After the blocks, checks what they left behind.
#   tests/docs/run_examples.sh path/to/termin-api
set -euo pipefail
cd "$(dirname "$0")/../.."
api_bin=$1
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$api_bin" --bind 127.0.0.1 --port "$port" --seed data/demo-city.json --keys data/demo-keys.json \
  --no-access-log >"$work/api.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

# Extracts the marked blocks of FILE into one script; the address of make run becomes ours.
extract() {
  awk -v port="$port" '
    /^<!-- example: / { name = $3; mode = ($4 == "lenient") ? "lenient" : "strict"; next }
    name != "" && /^```sh$/ { inside = 1; print "EXAMPLE_MODE=" mode; print "echo \"== block " name "\" >&2"; next }
    inside && /^```$/ { inside = 0; print "declare -p REF SECRET >\"$EXAMPLE_STATE." name "\" 2>/dev/null || true"; name = ""; next }
    inside { gsub(/localhost:8080|127\.0\.0\.1:8080/, "127.0.0.1:" port); print }
  ' "$1"
}

# curl as the examples call it, but every answer's status is checked and logged.
cat >"$work/prelude.sh" <<'PRELUDE'
set -euo pipefail
curl() {
  local out status
  out=$(mktemp)
  status=$(command curl -o "$out" -w '%{http_code}' "$@") || { echo "curl failed: $*" >&2; return 1; }
  echo "$status $*" >>"$EXAMPLE_LOG"
  cat "$out"; rm -f "$out"
  case "$status" in
    2??) return 0 ;;
    409|422) [ "$EXAMPLE_MODE" = lenient ] && return 0 ;;
  esac
  echo "example answered $status: curl $*" >&2
  return 1
}
PRELUDE

failed=0
for doc in README.md docs/api.md; do
  script="$work/$(basename "$doc").sh"
  { cat "$work/prelude.sh"; extract "$doc"; } >"$script"
  blocks=$(grep -c '^<!-- example: ' "$doc")
  [ "$blocks" -gt 0 ] || { echo "no example blocks in $doc"; failed=1; continue; }
  echo "== $doc: $blocks example blocks"
  if ! (cd "$work" && EXAMPLE_LOG="$work/calls.log" EXAMPLE_STATE="$work/state" bash "$script" >"$work/out.txt"); then
    echo "FAILED: the examples of $doc"; cat "$work/calls.log" 2>/dev/null; failed=1; continue
  fi
  echo "   $(wc -l <"$work/calls.log") calls, every answer as expected"
  rm -f "$work/calls.log"
done

# What the blocks left behind: the citizen's appointment exists and is cancelled;
# the hotline's booking is found by its reference.
base="http://127.0.0.1:$port"
for block in readme-citizen api-citizen; do
  REF="" SECRET=""
  # shellcheck disable=SC1090
  source "$work/state.$block" 2>/dev/null || true
  status=$(command curl -s "$base/v1/appointments/$REF" -H "X-Manage-Secret: $SECRET" | jq -r .status)
  if [[ ! "$REF" =~ ^[A-Z0-9]{4}-[A-Z0-9]{4}$ || "$status" != cancelled ]]; then
    echo "FAILED: block $block left reference '$REF' with status '$status' (expected cancelled)"; failed=1
  else
    echo "== block $block: booked $REF, now $status"
  fi
done
REF=""
# shellcheck disable=SC1091
source "$work/state.api-staff" 2>/dev/null || true
found=$(command curl -s "$base/v1/hotline/appointments?reference=$REF" -H 'Authorization: Bearer demo-hotline' |
  jq -r '[.. | .reference? // empty] | index($ref) != null' --arg ref "$REF")
if [ "$found" != true ]; then echo "FAILED: the hotline's booking '$REF' is not found"; failed=1; fi
kill "$pid"; wait "$pid" 2>/dev/null || true
if [ "$failed" -ne 0 ]; then echo "api log:"; tail -20 "$work/api.log"; exit 1; fi
echo "all examples ran"
