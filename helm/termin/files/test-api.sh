# `helm test`: the API answers through its Service. Runs in the Termin image itself, which
# has no HTTP client, so bash's /dev/tcp speaks HTTP/1.1. TARGET=host:port.
# tests/image/image_check.sh runs this same file in the runtime root.
set -eu
host=${TARGET%:*}
port=${TARGET##*:}
for path in /readyz /v1/offices; do
  exec 3<>"/dev/tcp/$host/$port"
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$host" >&3
  IFS= read -r status <&3 || status=""
  exec 3<&-
  status=${status%$'\r'}
  echo "GET $path: $status"
  case $status in
    "HTTP/1.1 200 "*) ;;
    *) exit 1 ;;
  esac
done
