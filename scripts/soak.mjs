#!/usr/bin/env node
// npm run soak -- [--edits N] [--seed S]
// A long language-server soak (test/protocol/soak.ts): N random edits (default 10 000) with
// requests interleaved, over stdio against the built server. Prints the edits, the requests
// answered and cancelled, the peak RSS of the server and whether the final diagnostics equal a
// fresh command-line check.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let edits = 10000;
let seed;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s) : [a, undefined];
  const value = () => inline ?? args[++i] ?? usage(`${flag} needs a value`);
  if (flag === '--edits') edits = Number(value());
  else if (flag === '--seed') seed = value();
  else if (flag === '--help' || flag === '-h') usage();
  else usage(`unknown option ${a}`);
}
if (!Number.isInteger(edits) || edits <= 0) usage('--edits takes a positive integer');
if (seed !== undefined && !/^-?\d+$/.test(seed)) usage('--seed takes an integer');

function usage(error) {
  if (error) console.error(`soak: ${error}`);
  console.error('usage: npm run soak -- [--edits N] [--seed S]');
  process.exit(error ? 2 : 0);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const env = { ...process.env, IOMMU_SOAK_EDITS: String(edits), ...(seed !== undefined ? { IOMMU_SOAK_SEED: seed } : {}) };
const r = spawnSync(process.execPath, [vitest, 'run', '--project', 'protocol', 'test/protocol/soak.test.ts'], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
