#!/bin/sh
# Runs every test against one or more build directories. Each suite starts
# the real servers it needs (redis-server, SMTP sink, the API) on free
# loopback ports itself, through ctest fixtures and tests/harness.
set -eu
cd "$(dirname "$0")/.."

fail=0
for dir in "$@"; do
  echo "== tests in $dir"
  if ! ctest --test-dir "$dir" --output-on-failure -j 2 --timeout 900; then
    fail=1
  fi
done

if [ -x tests/contract/run.sh ]; then
  echo "== API contract (lint openapi.yaml)"
  if ! sh tests/contract/run.sh lint; then fail=1; fi
fi
exit $fail
