#!/usr/bin/env bash
# The one command that runs every suite (`npm test`): test and e2e prerequisites, build, package, then the
# vitest projects unit, protocol and e2e. The last line printed is `N passed, N failed[, N skipped]`.
set -uo pipefail
cd "$(dirname "$0")/.."

RESULTS=test-results.json
fail() { echo "test-all: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

bash scripts/test-setup.sh || fail "scripts/test-setup.sh failed"
bash scripts/e2e-setup.sh || fail "scripts/e2e-setup.sh failed"
npm run build --silent -- --quiet || fail "build failed"
npm run package --silent >/dev/null || fail "packaging the .vsix failed"

rm -f "$RESULTS"
# The e2e suites reuse the bundles and the .vsix just built.
IOMMU_E2E_PREBUILT=1 npx vitest run --reporter=default --reporter=json --outputFile="$RESULTS"
vitest_rc=$?

[ -s "$RESULTS" ] || fail "vitest exited with $vitest_rc and wrote no $RESULTS"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
// a suite that fails to load counts as a failure even when it has no test results
const broken = (r.testResults || []).filter((f) => f.status === "failed" && !(f.assertionResults || []).some((a) => a.status === "failed")).length;
console.log(`${r.numPassedTests} passed, ${r.numFailedTests + broken} failed` + (skipped ? `, ${skipped} skipped` : ""));
process.exit(r.numFailedTests + broken > 0 ? 1 : 0);
' "$RESULTS"
summary_rc=$?
[ $vitest_rc -eq 0 ] && [ $summary_rc -eq 0 ]
