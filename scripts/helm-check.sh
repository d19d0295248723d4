#!/bin/sh
# The Helm chart, checked the way a cluster would see it (scripts/test.sh runs this):
# helm lint --strict, helm template with the default values and with the production
# example, a template-time failure for redis.internal=false without a url, and
# tests/helm/check_manifests.py over the rendered objects (probes, resources, security
# context, each binary's own parser over its rendered args, no secret in a ConfigMap).
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
if "$helm" template termin "$chart" --set redis.internal=false >/dev/null 2>"$out/no-url.err"; then
  echo "FAIL redis.internal=false without a url rendered"; exit 1
fi
grep -q "redis.url is required" "$out/no-url.err" || { echo "FAIL unclear message:"; cat "$out/no-url.err"; exit 1; }
echo "  redis.internal=false without a url: refused at template time"
python3 tests/helm/check_manifests.py "$build/bin" "$out/default.yaml" "$out/production.yaml"
