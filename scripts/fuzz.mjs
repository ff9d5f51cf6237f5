#!/usr/bin/env node
// npm run fuzz -- [--seconds N] [--seed S]
// Runs the property-based tests (test/properties) for about N seconds in all (default 60), each
// property from a fresh seed (or from S, to replay a failure), and prints the cases per second of
// each. A failure is shrunk to a small counterexample and printed with its seed.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let seconds = 60;
let seed;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    const v = args[++i];
    if (v === undefined) usage(`${a} needs a value`);
    return v;
  };
  if (a === '--seconds') seconds = Number(value());
  else if (a.startsWith('--seconds=')) seconds = Number(a.slice(10));
  else if (a === '--seed') seed = value();
  else if (a.startsWith('--seed=')) seed = a.slice(7);
  else if (a === '--help' || a === '-h') usage();
  else usage(`unknown option ${a}`);
}
if (!Number.isFinite(seconds) || seconds <= 0) usage('--seconds takes a positive number');
if (seed !== undefined && !/^-?\d+$/.test(seed)) usage('--seed takes an integer');

function usage(error) {
  if (error) console.error(`fuzz: ${error}`);
  console.error('usage: npm run fuzz -- [--seconds N] [--seed S]');
  process.exit(error ? 2 : 0);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const env = { ...process.env, IOMMU_FUZZ_SECONDS: String(seconds), ...(seed !== undefined ? { IOMMU_FUZZ_SEED: seed } : {}) };
const r = spawnSync(process.execPath, [vitest, 'run', '--project', 'unit', 'test/properties/properties.test.ts', `--testTimeout=${Math.ceil((seconds + 120) * 1000)}`], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
