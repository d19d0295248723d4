#!/bin/sh
# Runs a command with the Node that Debian 12 ships (nodejs 18.20.4 from
# apt), without installing it: the .debs are fetched with apt-get download
# and extracted into $NODE18 (default /work/node18), then the command runs
# with that node first on PATH. Debian's libnode loads its externalised
# builtins (cjs-module-lexer, undici, acorn) from /usr/share/nodejs, so the
# command runs in a private mount namespace (unshare -m, needs root) with
# the extracted tree bound there; only an empty /usr/share/nodejs mount point
# is left on the host if it was missing.
#   sh scripts/debian-node18.sh sh scripts/build-web.sh
#   sh scripts/debian-node18.sh node clients/web/test/browser.mjs --api-bin build/bin/termin-api
set -eu
NODE18=${NODE18:-/work/node18}
if [ ! -x "$NODE18/usr/bin/node" ]; then
  debs=$(mktemp -d)
  (cd "$debs" && apt-get download nodejs=18.20.4+dfsg-1~deb12u3 libnode108=18.20.4+dfsg-1~deb12u3 \
    node-acorn node-cjs-module-lexer node-undici)
  for f in "$debs"/*.deb; do dpkg-deb -x "$f" "$NODE18"; done
  rm -rf "$debs"
fi
mkdir -p /usr/share/nodejs
exec unshare -m sh -c '
  mount --bind "$0/usr/share/nodejs" /usr/share/nodejs &&
  LD_LIBRARY_PATH="$0/usr/lib/x86_64-linux-gnu" PATH="$0/usr/bin:$PATH" exec "$@"' "$NODE18" "$@"
