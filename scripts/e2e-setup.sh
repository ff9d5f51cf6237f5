#!/usr/bin/env bash
# Installs what the end-to-end tests need (idempotent; a second run only checks):
#   - Debian packages: chromium (driven by playwright-core), neovim, ripgrep, and code-server's build deps
#   - code-server 4.100.3 (VS Code 1.100.3, the last line that runs on Node 20) in a cache dir outside the repo
# Environment: IOMMU_E2E_CACHE (default ~/.cache/iommu-check-e2e), E2E_SETUP_VERBOSE=1 for full output.
set -euo pipefail

CS_VERSION=4.100.3
CACHE="${IOMMU_E2E_CACHE:-$HOME/.cache/iommu-check-e2e}"
CS_DIR="$CACHE/code-server"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
VERBOSE="${E2E_SETUP_VERBOSE:-0}"

say() { [ "${QUIET:-0}" = 1 ] || echo "e2e-setup: $*"; }
die() { echo "e2e-setup: error: $*" >&2; exit 1; }
run_quiet() { # run a command, show its output only on failure
  local log; log=$(mktemp)
  if [ "$VERBOSE" = 1 ]; then "$@"; rm -f "$log"; return; fi
  if ! "$@" >"$log" 2>&1; then tail -n 40 "$log" >&2; rm -f "$log"; return 1; fi
  rm -f "$log"
}

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || die "node is not installed"
[ "$node_major" = 20 ] || die "code-server $CS_VERSION needs Node 20 (found $(node -v))"

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
  # @vscode/ripgrep 1.15.11 (a code-server dependency) downloads rg from GitHub in its postinstall
  # unless this tarball is already in its cache (under os.tmpdir(), as npm's child processes see it).
  RG_CACHE="$(node -e 'console.log(require("os").tmpdir())')/vscode-ripgrep-cache-1.15.11"
  RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$RG_TAR" ]; then
    mkdir -p "$RG_CACHE"; tmp=$(mktemp -d); cp "$(command -v rg)" "$tmp/rg"
    tar -C "$tmp" -czf "$RG_TAR" rg; rm -rf "$tmp"
  fi
  say "installing code-server@$CS_VERSION into $CS_DIR (1-3 min, native builds)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"; echo '{"private":true}' > "$CS_DIR/package.json"
  ( cd "$CS_DIR" && npm_config_yes=true npm_config_unsafe_perm=true \
      run_quiet npm install "code-server@$CS_VERSION" --unsafe-perm --no-audit --no-fund --no-package-lock ) \
    || die "npm install code-server@$CS_VERSION failed"
  cs_ok || die "code-server installed but '$CS_BIN --version' does not report $CS_VERSION"
fi
say "ready (code-server $CS_VERSION at $CS_BIN, $(/usr/bin/chromium --version 2>/dev/null | head -n1), $(nvim --version | head -n1))"
