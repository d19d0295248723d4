#!/bin/sh
# Starts the main job: termin-api with the embedded store, the demo city and
# the demo staff keys (data/demo-keys.json; the keys themselves are in the
# README: demo only, never in production). Listens on 127.0.0.1 unless BIND
# says otherwise: the demo admin key is live.
#   scripts/run.sh [BUILD] [PORT] [BIND]
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PORT=${2:-8080}
BIND=${3:-127.0.0.1}
host=$BIND
[ "$host" = "0.0.0.0" ] && host=localhost
cat <<TEXT

  Termin, demo city Aalen (embedded store: the bookings live in this process)

  Open in a browser:  http://$host:$PORT/   (the demo page, the booking widget, every client)
  The API:            http://$host:$PORT/v1/offices   (README.md, "Calling the API")
  Demo staff keys:    demo-hotline (hotline, every office)
                      demo-kiosk-rathaus (kiosk of aalen-rathaus)
                      demo-desk-rathaus (desk console, any desk of aalen-rathaus)
                      demo-schalter-1 (desk console, schalter-1 of aalen-rathaus only)
                      demo-admin (admin)   as  Authorization: Bearer <key>
  Docs:               README.md, docs/api.md, openapi.yaml (the contract)
  Listening on:       $BIND:$PORT$( [ "$BIND" = 127.0.0.1 ] && echo "  (this machine only; make run BIND=0.0.0.0 opens it)")

  Stop with Ctrl-C.

TEXT
exec "$BUILD/bin/termin-api" --bind "$BIND" --port "$PORT" --seed data/demo-city.json --keys data/demo-keys.json \
  --web-root clients/web/dist --allowed-origin "http://localhost:$PORT" --allowed-origin "http://127.0.0.1:$PORT"
