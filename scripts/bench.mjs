// `npm run bench`: time the engine on generated configurations of growing size.
// Prints a Markdown table (the figures recorded in BENCHMARKS.md).

import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { generate } from './gen-config.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const out = path.join(os.tmpdir(), `iommu-check-bench-${process.pid}.cjs`);
buildSync({
  entryPoints: [path.join(here, 'bench-entry.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: out,
  logLevel: 'error',
});
const require = createRequire(import.meta.url);
const { analyze, parse } = require(out);

function time(fn, runs) {
  fn(); // warm up
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

const sizes = [
  [16, 16],
  [256, 64],
  [2048, 64],
  [8192, 16],
];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-check-bench-'));
console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
console.log('');
console.log('| devices | maps | lines | parse (ms) | full check (ms) | diagnostics | resolve (µs/query) |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const [devices, maps] of sizes) {
  const text = generate(devices, maps);
  const file = path.join(dir, `bench-${devices}.iommu`);
  fs.writeFileSync(file, text);
  const runs = devices >= 2048 ? 3 : 10;
  const tParse = time(() => parse(text), runs);
  let last;
  const tCheck = time(() => (last = analyze(file)), runs);
  const devs = last.config.devices;
  const queries = 20000;
  const s = process.hrtime.bigint();
  for (let i = 0; i < queries; i++) {
    const d = devs[i % devs.length];
    last.tx.resolve(d, null, 0x4000_0000n + BigInt((i * 0x1000) % (maps * 0x20_0000)), 'write');
  }
  const perQuery = Number(process.hrtime.bigint() - s) / 1e3 / queries;
  const totalMaps = Math.floor(devices / 2) * maps;
  console.log(`| ${devices} | ${totalMaps} | ${text.split('\n').length} | ${tParse.toFixed(1)} | ${tCheck.toFixed(1)} | ${last.diagnostics.length} | ${perQuery.toFixed(2)} |`);
  if (last.internalErrors.length) console.log(`internal errors: ${last.internalErrors.join('; ')}`);
}
fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(out, { force: true });
