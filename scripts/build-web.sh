#!/bin/sh
# Builds the web clients (clients/web -> clients/web/dist): npm ci from the
# lockfile when node_modules is missing or older than it, then esbuild.
# Fails when the widget's first screen is over its size budget.
set -eu
cd "$(dirname "$0")/../clients/web"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules
fi
node build.mjs
