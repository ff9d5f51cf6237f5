#!/usr/bin/env bash
# The one command that runs every suite (`npm test`):
#   1. e2e prerequisites (scripts/e2e-setup.sh) and Node 20, 22 and 24: the `node` on PATH serves
#      for its own major; the others come from the npm registry (scripts/node-versions.sh)
#   2. build, and package the .vsix
#   3. the unit and protocol suites on each of Node 20, 22 and 24
#   4. the end-to-end suites: VS Code (code-server on its own Node 24) and Neovim (default Node)
# The last line printed is `N passed, N failed[, N skipped]` over every run.
# Environment: IOMMU_TEST_NODES (default "20 22 24") to choose the Node majors of step 3.
set -uo pipefail
cd "$(dirname "$0")/.."

RESULTS=test-results
fail() { echo "test-all: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

rm -rf "$RESULTS"; mkdir -p "$RESULTS"
bash scripts/e2e-setup.sh || fail "scripts/e2e-setup.sh failed"

default_major=$(node -p 'process.versions.node.split(".")[0]') || fail "node is not installed"
declare -A NODE_OF
for major in ${IOMMU_TEST_NODES:-20 22 24}; do
  if [ "$major" = "$default_major" ]; then NODE_OF[$major]=$(command -v node)
  else NODE_OF[$major]=$(bash scripts/node-versions.sh "$major") || fail "could not install Node $major"
  fi
done

npm run build --silent -- --quiet || fail "build failed"
npm run package --silent >/dev/null || fail "packaging the .vsix failed"

status=0
VITEST=node_modules/vitest/vitest.mjs
# run NAME NODE VITEST-ARGS…: one vitest run on one Node, its results in $RESULTS/NAME.json
run() {
  local name=$1 node=$2; shift 2
  echo "test-all: $name on Node $("$node" -v)"
  # that Node first on PATH, so that npm and every child process the tests start use it too
  PATH="$(dirname "$node"):$PATH" IOMMU_E2E_PREBUILT=1 "$node" "$VITEST" run --reporter=default \
    --reporter=json --outputFile="$RESULTS/$name.json" "$@" || status=1
}

for major in ${IOMMU_TEST_NODES:-20 22 24}; do
  run "node$major" "${NODE_OF[$major]}" --project unit --project protocol
done
# code-server runs on the Node its wrapper names; Neovim starts the server with the default Node
run e2e "$(command -v node)" --project e2e

node -e '
const fs = require("fs");
const dir = process.argv[1];
let passed = 0, failed = 0, skipped = 0;
for (const name of process.argv.slice(2)) {
  const file = `${dir}/${name}.json`;
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) { console.error(`test-all: ${name} wrote no results`); failed++; continue; }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  // a suite that fails to load counts as a failure even when it has no test results
  const broken = (r.testResults || []).filter((f) => f.status === "failed" && !(f.assertionResults || []).some((a) => a.status === "failed")).length;
  console.error(`test-all: ${name}: ${r.numPassedTests} passed, ${r.numFailedTests + broken} failed`);
  passed += r.numPassedTests; failed += r.numFailedTests + broken; skipped += (r.numPendingTests || 0) + (r.numTodoTests || 0);
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
process.exit(failed > 0 ? 1 : 0);
' "$RESULTS" $(for m in ${IOMMU_TEST_NODES:-20 22 24}; do echo "node$m"; done) e2e
summary_rc=$?
[ $status -eq 0 ] && [ $summary_rc -eq 0 ]
