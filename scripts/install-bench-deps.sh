#!/bin/sh
# Installs the Debian 12 packages that only `make bench` needs, beyond
# scripts/install-deps.sh: PostgreSQL 15 with contrib (btree_gist) and pgbench
# for the baseline of bench/api_bench.sh, redis-tools for redis-benchmark,
# util-linux for runuser (PostgreSQL refuses to run as root).
# Idempotent: only what is missing is installed. Runs apt-get as root, or through sudo.
set -eu

PACKAGES="postgresql postgresql-contrib postgresql-client redis-server redis-tools python3 util-linux"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -z "$missing" ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
echo "install-bench-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# The Debian package starts a cluster of its own on port 5432; the bench does
# not use it (it starts a throw-away cluster on a free port).
