#!/bin/sh
# Starts the main job: termin-api with the embedded store, the demo city and
# the demo staff keys (data/demo-keys.json; the keys themselves are in the
# README: demo only, never in production).
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PORT=${2:-8080}
echo "Termin API (embedded store, demo city Aalen): http://localhost:$PORT/v1/offices"
echo "Stop with Ctrl-C."
exec "$BUILD/bin/termin-api" --port "$PORT" --seed data/demo-city.json --keys data/demo-keys.json \
  --web-root clients/web/dist --allowed-origin "http://localhost:$PORT" --allowed-origin "http://127.0.0.1:$PORT"
