#!/usr/bin/env node
// `npm start [-- ARGS…]`: builds quietly, then runs the command line.
//   npm start               checks the bundled samples/ and prints their diagnostics. The exit
//                           status says whether every sample checks exactly as its
//                           `// expect-diagnostic:` header says (0) or not (1): the mistakes in
//                           misconfigured.iommu and syntax-errors.iommu are deliberate, so they
//                           are shown but are not a failure of the run.
//   npm start -- ARGS…      runs `iommu-check ARGS…` with its own exit status.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'iommu-check.js');
const args = process.argv.slice(2);

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(2);

if (args.length > 0) {
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  process.exit(r.status ?? 2);
}

// No arguments: the samples, as a user sees them (paths relative to the repository).
const shown = spawnSync(process.execPath, [bin, 'samples/'], { cwd: root, stdio: 'inherit' });
if (shown.status === 2 || shown.status === null) process.exit(2);

const json = spawnSync(process.execPath, [bin, '--format', 'json', 'samples/'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
if (json.status === 2 || json.status === null) {
  process.stderr.write(json.stderr);
  process.exit(2);
}
const report = JSON.parse(json.stdout);
const problems = [];
let deliberate = 0;
for (const f of report.files) {
  const text = readFileSync(join(root, f.path), 'utf8');
  const declared = [...text.matchAll(/^\/\/ expect-diagnostic: (.*)$/gm)].map((m) => m[1].trim()).filter((d) => d !== 'none');
  const actual = f.diagnostics.map((d) => `${d.code} line ${d.range.start.line + 1}`);
  const missing = [...declared];
  for (const a of actual) {
    const i = missing.indexOf(a);
    if (i >= 0) missing.splice(i, 1);
    else problems.push(`${f.path}: ${a} is not in its header`);
  }
  for (const m of missing) problems.push(`${f.path}: the header expects ${m}, which was not reported`);
  deliberate += declared.length;
}
if (problems.length > 0) {
  process.stderr.write(`\nnpm start: the samples do not check as their headers say:\n${problems.map((p) => `  ${p}\n`).join('')}`);
  process.exit(1);
}
process.stdout.write(
  `\nnpm start: all ${report.files.length} samples check as their headers say ` +
    `(the ${deliberate} diagnostics above are the deliberate mistakes in the samples).\n` +
    `Check your own files with: npm start -- PATH…\n`,
);
