#!/bin/sh
# Contract checks of openapi.yaml (the API contract, OpenAPI 3.1):
#   run.sh lint                    Redocly lint of openapi.yaml
#   run.sh validate LOG.jsonl...   every response the black-box tests saw,
#                                  validated against the spec (Ajv, 2020-12)
#   run.sh parity TERMIN_API_BIN   `termin-api --print-routes` vs the spec's
#                                  paths and methods, both directions
#   run.sh selftest                the validator against selftest/ (a toy spec,
#                                  responses that must pass and that must fail)
# Installs the pinned npm packages (package-lock.json) into node_modules on
# first use; needs Node.js >= 18.17 (Debian 12 ships 18.19).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "contract: node and npm are needed (scripts/install-deps.sh installs them)" >&2
    exit 1
  fi
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>18||(a===18&&b>=17)?0:1)'; then
    echo "contract: Node.js >= 18.17 needed, found $(node --version)" >&2
    exit 1
  fi
  # Reinstall when the lock file changed since the last install.
  if [ ! -f "$here/node_modules/.package-lock.json" ] ||
     [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
    echo "contract: installing pinned npm packages into tests/contract/node_modules"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  lint)
    ensure_node
    cd "$root"
    exec "$here/node_modules/.bin/redocly" lint openapi.yaml --config "$here/redocly.yaml" --format=stylish
    ;;
  validate)
    ensure_node
    [ $# -gt 0 ] || { echo "usage: run.sh validate LOG.jsonl..." >&2; exit 2; }
    exec node "$here/validate.mjs" "$root/openapi.yaml" "$@"
    ;;
  parity)
    ensure_node
    [ $# -eq 1 ] || { echo "usage: run.sh parity PATH/TO/termin-api" >&2; exit 2; }
    exec node "$here/parity.mjs" "$root/openapi.yaml" "$1"
    ;;
  selftest)
    ensure_node
    node "$here/validate.mjs" "$here/selftest/openapi.yaml" "$here/selftest/good.jsonl"
    out=$(node "$here/validate.mjs" "$here/selftest/openapi.yaml" "$here/selftest/bad.jsonl" || true)
    echo "$out" | tail -n 1
    want=$(grep -c . "$here/selftest/bad.jsonl")
    if ! echo "$out" | grep -qx "contract: 0 validated, $want failed"; then
      echo "contract selftest FAILED: the validator let bad responses through" >&2
      echo "$out" >&2
      exit 1
    fi
    echo "contract selftest: the validator passes the $(grep -c . "$here/selftest/good.jsonl") good and fails the $want bad responses"
    ;;
  *)
    echo "usage: run.sh lint | validate LOG.jsonl... | parity TERMIN_API_BIN | selftest" >&2
    exit 2
    ;;
esac
