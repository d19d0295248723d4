#!/bin/sh
# The Helm chart, checked the way a cluster would see it (scripts/test.sh runs this):
# helm lint --strict, helm template with the default values, the production example,
# tests/helm/values-all-on.yaml (every optional object) and tests/helm/values-cluster.yaml
# (an external Redis Cluster); every file in tests/helm/bad-values/
# must be refused by both `helm template` and `helm lint` with the message its first line
# names (values.schema.json, or a template-time check); then over the rendered objects
# tests/helm/check_manifests.py (probes, resources, security context, each binary's own
# parser over its rendered args, no secret in a ConfigMap) and tests/helm/check_wiring.py
# (service accounts, PDB/HPA/Service/ServiceMonitor targets, network policies, the Redis
# password's way, preStop and grace period) and tests/helm/kube-schema/validate.mjs (the
# Kubernetes API schemas of a recent release, offline, unknown fields refused; npm packages
# pinned in its package-lock.json); last tests/helm/check_bundled_redis.py runs the bundled
# Redis as rendered (start.sh, redis.conf, the probe) on loopback with termin-api against
# it, the password only in the Secret file.
#   scripts/helm-check.sh BUILD_DIR
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
helm=$(sh scripts/install-helm.sh)
chart=helm/termin
out=$build/helm
mkdir -p "$out"
"$helm" lint --strict "$chart"
"$helm" lint --strict "$chart" -f "$chart/examples/values-production.yaml"
"$helm" template termin "$chart" >"$out/default.yaml" 2>/dev/null
"$helm" template termin "$chart" -f "$chart/examples/values-production.yaml" >"$out/production.yaml" 2>/dev/null
"$helm" lint --strict "$chart" -f tests/helm/values-all-on.yaml
"$helm" template termin "$chart" -f tests/helm/values-all-on.yaml >"$out/all-on.yaml" 2>/dev/null
"$helm" lint --strict "$chart" -f tests/helm/values-cluster.yaml
"$helm" template termin "$chart" -f tests/helm/values-cluster.yaml >"$out/cluster.yaml" 2>/dev/null
bad=0
for f in tests/helm/bad-values/*.yaml; do
  want=$(sed -n '1s/^# expect: //p' "$f")
  [ -n "$want" ] || { echo "FAIL $f: first line is not '# expect: TEXT'"; bad=1; continue; }
  for cmd in template lint; do
    if "$helm" $cmd termin "$chart" -f "$f" >"$out/bad.out" 2>&1; then
      echo "FAIL helm $cmd accepted $f"; bad=1
    elif ! grep -v 'symbolic link' "$out/bad.out" | grep -q -- "$want"; then
      echo "FAIL helm $cmd refused $f without naming $want:"; cat "$out/bad.out"; bad=1
    fi
  done
done
[ "$bad" = 0 ] || exit 1
echo "  $(ls tests/helm/bad-values/*.yaml | wc -l) bad values files: refused by helm template and helm lint"
if "$helm" template termin "$chart" --set redis.internal=false >/dev/null 2>"$out/no-url.err"; then
  echo "FAIL redis.internal=false without a url rendered"; exit 1
fi
grep -q "redis.url is required" "$out/no-url.err" || { echo "FAIL unclear message:"; cat "$out/no-url.err"; exit 1; }
echo "  redis.internal=false without a url: refused at template time"
rendered="$out/default.yaml $out/production.yaml $out/all-on.yaml $out/cluster.yaml"
# shellcheck disable=SC2086
python3 tests/helm/check_manifests.py "$build/bin" $rendered
# shellcheck disable=SC2086
python3 tests/helm/check_wiring.py $rendered
kube=tests/helm/kube-schema
if [ ! -f "$kube/node_modules/.package-lock.json" ] ||
   [ "$kube/package-lock.json" -nt "$kube/node_modules/.package-lock.json" ]; then
  (cd "$kube" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
node "$kube/validate.mjs" --selftest
# shellcheck disable=SC2086
node "$kube/validate.mjs" $rendered
python3 tests/helm/check_bundled_redis.py "$build/bin" "$out/default.yaml"
