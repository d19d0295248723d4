#!/bin/sh
# make image-check: the Dockerfile's runtime stage, built without a container engine and run.
#  1. debootstrap --variant=minbase bookworm ROOT with only deploy/runtime-packages.txt
#     (--include; the Dockerfile's `apt-get install --no-install-recommends` of the same list),
#     apt lists and caches removed as the Dockerfile does;
#  2. the stripped binaries into /usr/local/bin, the web files, message templates and demo
#     city under /usr/share/termin, as the Dockerfile's COPY lines do;
#  3. in a private mount namespace: ROOT bind-mounted read-only (readOnlyRootFilesystem; no
#     /tmp either), /proc, /dev, and a tmpfs at /run/secrets with the Redis password (the
#     chart's mounted Secret); termin-api and termin-worker run there by chroot as 65534:65534
#     from /usr/share/termin (the WORKDIR) against a redis-server with a password on loopback;
#  4. the chart's `helm test` script (helm/termin/files/test-api.sh) there; one booking
#     over HTTP; the confirmation mail must reach tests/worker/smtp_sink.py;
#  5. prints the root's size (goal: under 200 MB), with and without bookworm-slim's
#     path excludes (/usr/share/doc, man, info, locale).
# Needs root, debootstrap (installed when missing), a Debian mirror (the one apt uses, or
# TERMIN_DEBIAN_MIRROR) and about a minute the first time; the .debs are cached in
# BUILD/image/debs and the base root in BUILD/image/base-KEY.tar (TERMIN_IMAGE_FRESH=1: anew).
#   sh tests/image/image_check.sh BUILD_DIR
set -eu
cd "$(dirname "$0")/../.."
build=$(cd "${1:-build}" && pwd)
[ "$(id -u)" = 0 ] || { echo "image-check: needs root (debootstrap, chroot, mount)"; exit 1; }
for b in termin-api termin-worker termin-slots; do
  [ -x "$build/bin/$b" ] || { echo "image-check: $build/bin/$b missing (build first)"; exit 1; }
done
command -v debootstrap >/dev/null ||
  apt-get install -y --no-install-recommends debootstrap >/dev/null
command -v redis-server >/dev/null || { echo "image-check: redis-server needed"; exit 1; }
[ -f clients/web/dist/book.html ] || sh scripts/build-web.sh >/dev/null

mirror=${TERMIN_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(awk '/^URIs:/ {u = $2} /^Suites:/ && / bookworm( |$)/ {print u; exit}' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || { echo "image-check: no bookworm mirror in apt's sources; set TERMIN_DEBIAN_MIRROR"; exit 1; }

work=$build/image
root=$work/root
pkgs=$(grep -v '^#' deploy/runtime-packages.txt | grep -v '^ *$' | paste -sd, -)
rm -rf "$root" "$work/mail" "$work/run.log"
mkdir -p "$work/debs" "$work/mail"
start=$(date +%s)
# The debootstrapped base is cached as a tarball keyed by the package list and the mirror
# (like an image layer); TERMIN_IMAGE_FRESH=1 builds it anew. Every run unpacks a fresh root.
key=$( (cat deploy/runtime-packages.txt; echo "$mirror minbase bookworm") | sha256sum | cut -c1-16)
base=$work/base-$key.tar
if [ "${TERMIN_IMAGE_FRESH:-0}" = 1 ] || [ ! -f "$base" ]; then
  echo "  debootstrap --variant=minbase bookworm + $(echo "$pkgs" | tr ',' '\n' | wc -l) runtime packages"
  if ! debootstrap --variant=minbase --include="$pkgs" --cache-dir="$work/debs" \
      bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -20 "$work/debootstrap.log"
    echo "FAIL debootstrap (log: $work/debootstrap.log)"
    exit 1
  fi
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  rm -f "$work"/base-*.tar
  tar -C "$root" -cf "$base.tmp" . && mv "$base.tmp" "$base"
  echo "  base root built in $(($(date +%s) - start)) s (cached as $(basename "$base"))"
else
  mkdir -p "$root"
  tar -C "$root" -xf "$base"
  echo "  base root from the cache ($(basename "$base"), same package list and mirror)"
fi

# The Dockerfile's COPY lines (its build stage strips with install -s; so does this).
install -d "$root/usr/share/termin/web" "$root/usr/share/termin/service" "$root/usr/share/termin/data" \
  "$root/run/secrets"
install -s -m 0755 "$build/bin/termin-api" "$build/bin/termin-worker" "$build/bin/termin-slots" \
  "$root/usr/local/bin/"
cp -r clients/web/dist/. "$root/usr/share/termin/web/"
cp -r service/templates "$root/usr/share/termin/service/"
cp data/demo-city.json "$root/usr/share/termin/data/demo-city.json"
# The chart's preStop pause is `sleep N` in this image.
[ -x "$root/bin/sleep" ] || { echo "FAIL the image has no /bin/sleep (the chart's preStop)"; exit 1; }

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rport=$(port)
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --requirepass "$password" \
  >"$work/redis.log" 2>&1 &
rpid=$!
python3 tests/worker/smtp_sink.py --dir "$work/mail" --port 0 >"$work/smtp.out" 2>"$work/smtp.log" &
spid=$!
cleanup() { kill "$rpid" "$spid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
i=0
until grep -q '^PORT ' "$work/smtp.out" 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "FAIL smtp sink did not start"; exit 1; }; sleep 0.1
done
sport=$(sed -n 's/^PORT //p' "$work/smtp.out")

if unshare -m --propagation private \
    sh tests/image/in_root.sh "$root" "$work" "$rport" "$sport" "$password" "$(port)" >"$work/run.log" 2>&1; then
  ok=1
else
  ok=0
fi
sed 's/^/    /' "$work/run.log"
[ "$ok" = 1 ] || { echo "FAIL the runtime root did not book and send (log above)"; exit 1; }

mb() { du -sxm "$@" | awk '{s += $1} END {print s}'; }
total=$(mb "$root")
slim=$((total - $(mb "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/info" "$root/usr/share/locale")))
bins=$(mb "$root/usr/local/bin")
web=$(mb "$root/usr/share/termin")
echo "  runtime root: ${total} MB (${slim} MB without /usr/share/doc, man, info, locale as in bookworm-slim;" \
  "binaries ${bins} MB, web files and templates ${web} MB); goal < 200 MB; $(($(date +%s) - start)) s"
[ "$total" -lt 200 ] || { echo "FAIL the runtime root is ${total} MB, over 200 MB"; exit 1; }
