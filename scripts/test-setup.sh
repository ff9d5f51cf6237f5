#!/usr/bin/env bash
# Installs what the unit tests need beyond node_modules (idempotent; a second run only checks):
#   - acpica-tools (iasl) compiles the ACPI table sources under test/import/fixtures
#   - device-tree-compiler (dtc) compiles the devicetree sources of the import-dt tests
set -euo pipefail

say() { [ "${QUIET:-0}" = 1 ] || echo "test-setup: $*"; }
die() { echo "test-setup: error: $*" >&2; exit 1; }

PKGS=(acpica-tools device-tree-compiler)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  say "installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2; rm -f "$log"; die "apt-get install ${missing[*]} failed"
  fi
  rm -f "$log"
fi
command -v iasl >/dev/null || die "iasl not found after install"
command -v dtc >/dev/null || die "dtc not found after install"
say "ready ($(iasl -v 2>/dev/null | grep -o 'version [0-9]*' | head -n1 | sed 's/^/iasl /'), $(dtc --version | head -n1))"
