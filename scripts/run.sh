#!/bin/sh
# Starts the main job. While the API is not built yet, prints the next free
# starts of the demo city instead.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PORT=${2:-8080}
if [ -x "$BUILD/bin/termin-api" ]; then
  echo "Termin API with the embedded store and the demo city: http://localhost:$PORT/v1/offices"
  exec "$BUILD/bin/termin-api" --port "$PORT" --seed data/demo-city.json
fi
exec "$BUILD/bin/termin-slots" --city data/demo-city.json
