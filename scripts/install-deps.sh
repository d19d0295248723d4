#!/bin/sh
# Installs the Debian 12 packages that Termin needs to build, test and benchmark.
# Idempotent: only what is missing is installed. Runs apt-get as root, or through sudo.
set -eu

PACKAGES="chromium chromium-l10n build-essential cmake pkg-config git ca-certificates tzdata
libpistache-dev libhiredis-dev rapidjson-dev libcpp-httplib-dev doctest-dev
libhowardhinnant-date-dev prometheus-cpp-dev libcurl4-openssl-dev libssl-dev libcli11-dev libqrencode-dev libpng-dev
libjemalloc-dev libbenchmark-dev redis-server wrk python3 python3-icalendar python3-yaml unzip curl jq openssl procps"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
# Node.js and npm for the contract lint/validation; any Node.js >= 18 already on PATH is fine.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing="$missing nodejs npm"
fi

if [ -z "$missing" ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
