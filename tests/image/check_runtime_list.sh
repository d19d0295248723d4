#!/bin/sh
# The runtime image's package list (deploy/runtime-packages.txt, the one the Dockerfile
# installs) is enough for the binaries: every shared library they load (ldd) belongs to a
# listed package or to one of its dependencies (apt-cache depends --recurse, from the local
# apt cache; nothing is downloaded). Also checks that the Dockerfile reads that list.
#   tests/image/check_runtime_list.sh BUILD_DIR
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build}
list=deploy/runtime-packages.txt
grep -q "deploy/runtime-packages.txt" Dockerfile || { echo "FAIL Dockerfile does not use $list"; exit 1; }
pkgs=$(grep -v '^#' "$list" | grep -v '^ *$')
# shellcheck disable=SC2086
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances $pkgs 2>/dev/null | grep -v '^ ' | grep -v '^<' | sort -u)
missing=0
for b in termin-api termin-worker termin-slots; do
  for lib in $(ldd "$build/bin/$b" | awk '$3 ~ /^\// {print $3}'); do
    pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "${lib#/usr}" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null || true)
    pkg=${pkg%%:*}
    if [ -z "$pkg" ] || ! echo "$closure" | grep -qx "$pkg"; then
      echo "FAIL $b needs $lib (${pkg:-no package}), not in $list or its dependencies"
      missing=1
    fi
  done
done
[ "$missing" = 0 ] && echo "  $(echo "$pkgs" | wc -l) listed packages cover every library of termin-api, termin-worker, termin-slots"
exit "$missing"
