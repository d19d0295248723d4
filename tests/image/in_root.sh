#!/bin/sh
# Run by tests/image/image_check.sh inside `unshare -m` (mounts here vanish with it):
# makes ROOT read-only, starts termin-api and termin-worker in it by chroot as 65534:65534,
# runs the chart's `helm test` script there, books once over HTTP (host curl and jq: the network namespace is shared) and waits for
# the confirmation mail in WORK/mail.
#   in_root.sh ROOT WORK REDIS_PORT SMTP_PORT REDIS_PASSWORD API_PORT
set -eu
root=$1 work=$2 rport=$3 sport=$4 password=$5 aport=$6
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
# The chart's mounted Secret: a tmpfs holding the password, readable by 65534 only.
mount -t tmpfs -o size=64k,mode=0755 tmpfs "$root/run/secrets"
printf '%s\n' "$password" >"$root/run/secrets/redis-password"
chown 65534:65534 "$root/run/secrets/redis-password"
chmod 0400 "$root/run/secrets/redis-password"
if touch "$root/usr/share/termin/write-test" 2>/dev/null; then
  echo "FAIL the root is writable"; exit 1
fi

# As the pod runs them: user 65534, working directory /usr/share/termin, no argv secret.
run() {  # exec: $! is then the server's own pid (chroot and env exec in turn)
  exec chroot --userspec=65534:65534 "$root" /usr/bin/env -i --chdir=/usr/share/termin \
    TERMIN_REDIS_PASSWORD_FILE=/run/secrets/redis-password "$@"
}
run /usr/local/bin/termin-api --port "$aport" --bind 127.0.0.1 --store "redis://127.0.0.1:$rport" \
  --seed /usr/share/termin/data/demo-city.json --web-root /usr/share/termin/web \
  --metrics-port 0 >"$work/api.log" 2>&1 &
api=$!
run /usr/local/bin/termin-worker --store "redis://127.0.0.1:$rport" \
  --seed /usr/share/termin/data/demo-city.json --smtp "smtp://127.0.0.1:$sport" \
  --smtp-starttls none --base-url https://termine.example.invalid --metrics-port 0 \
  --poll-ms 100 >"$work/worker.log" 2>&1 &
worker=$!
stop() { kill "$api" "$worker" 2>/dev/null || true; wait "$api" "$worker" 2>/dev/null || true; }
trap stop EXIT

API=http://127.0.0.1:$aport
i=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$API/readyz")" = 200 ]; do
  i=$((i + 1))
  if [ $i -ge 150 ]; then echo "FAIL termin-api not ready in 15 s"; cat "$work/api.log"; exit 1; fi
  sleep 0.1
done
for pid in $api $worker; do
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
  [ "$uid" = 65534 ] || { echo "FAIL $(cat "/proc/$pid/comm") runs as uid $uid, want 65534"; exit 1; }
done
echo "termin-api and termin-worker run in the read-only root as uid 65534"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$API/book.html")" = 200 ] ||
  { echo "FAIL the web files are not served"; exit 1; }
# The chart's `helm test` script, in this root as in its pod (bash /dev/tcp, no HTTP client).
if ! (run TARGET="127.0.0.1:$aport" /bin/bash -c "$(cat helm/termin/files/test-api.sh)"); then
  echo "FAIL helm/termin/files/test-api.sh (the helm test) failed in the runtime root"; exit 1
fi

START=$(curl -s "$API/v1/availability/next?services=personalausweis&offices=aalen-rathaus&limit=1" |
  jq -r '.slots[0].start')
[ -n "$START" ] && [ "$START" != null ] || { echo "FAIL no free slot"; exit 1; }
HOLD=$(jq -n --arg start "$START" '{office: "aalen-rathaus", services: ["personalausweis"], start: $start}' |
  curl -s -X POST "$API/v1/holds" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: image-check-$$" -d @-)
BOOKED=$(echo "$HOLD" | jq '{hold_id: .id, hold_secret: .secret,
    contact: {name: "Erika Mustermann", email: "erika@example.org", language: "de", reminders: false}}' |
  curl -s -X POST "$API/v1/appointments" -H 'Content-Type: application/json' -d @-)
REF=$(echo "$BOOKED" | jq -r .reference)
[ -n "$REF" ] && [ "$REF" != null ] || { echo "FAIL booking: $HOLD / $BOOKED"; exit 1; }
echo "booked $REF at $START"

i=0
until ls "$work"/mail/*.json >/dev/null 2>&1; do
  i=$((i + 1))
  if [ $i -ge 300 ]; then echo "FAIL no mail within 30 s"; cat "$work/worker.log"; exit 1; fi
  sleep 0.1
done
mail=$(ls "$work"/mail/*.json | head -n 1)
to=$(jq -r '.to | tostring' "$mail")
subject=$(jq -r .subject "$mail")
case "$to" in *erika@example.org*) ;; *) echo "FAIL the mail went to $to"; exit 1 ;; esac
jq -r '.text' "$mail" | grep -q "$REF" || { echo "FAIL the mail does not name $REF"; exit 1; }
[ "$(jq -r '.ics != null and .ics != ""' "$mail")" = true ] || { echo "FAIL the mail has no .ics"; exit 1; }
echo "confirmation mail to erika@example.org: \"$subject\", names $REF, with .ics"
