// `npm run bench`: the engine's figures, in one run.
//   1. CLI end to end (`iommu-check --format json`, a child process) on generated configurations of
//      10k…1M maps (100 devices, one paging domain each, 2M and 4K maps) against the ingestion
//      floor of the same maps as JSON (scripts/bench-floor.mjs), the cost of each doubling, and
//      peak RSS over the input size.
//   2. The engine in process on a typical hand-written configuration and on the older generated
//      shapes (parse, full check, resolve()).
//   3. The language server (scripts/bench-lsp.mjs, run as a child with the same arguments).
//   4. The language server on one file of 100k maps (scripts/bench-lsp-large.mjs; not with --quick).
// BENCH_BEFORE=DIR (a build of an earlier version: DIR/dist/iommu-check.js, DIR/dist/server.js)
// times that version as well, in the same run, for before/after tables.
// `--cli-only`: part 1 only. `npm run bench -- --quick` (or BENCH_QUICK=1) stops the CLI series at 100k maps and takes fewer
// samples. Prints Markdown tables (the figures recorded in BENCHMARKS.md). Run after a build.

import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { generate, generateMaps, MAPS_PER_FILE } from './gen-config.mjs';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.join(here, '..');
const cli = path.join(root, 'dist', 'iommu-check.js');
const before = process.env.BENCH_BEFORE ? path.resolve(process.env.BENCH_BEFORE) : null;
const beforeCli = before && path.join(before, 'dist', 'iommu-check.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-check-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Run `node ARGS` as a child: wall-clock and CPU milliseconds, and peak RSS (bytes). */
function child(args) {
  const rssFile = path.join(dir, 'rss');
  fs.rmSync(rssFile, { force: true });
  const s = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', path.join(here, 'bench-rss.cjs'), ...args], {
    cwd: dir,
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - s) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr.slice(0, 500)}`);
  const { rss, cpuMs } = JSON.parse(fs.readFileSync(rssFile, 'utf8'));
  return { ms, cpuMs, rss, stdout: r.stdout };
}

console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('');

// 1. CLI end to end against the JSON floor.
const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 250_000, 500_000, 1_000_000];
const cliOnly = process.argv.includes('--cli-only');
const mb = (bytes) => (bytes / 1e6).toFixed(1);
console.log(`CLI end to end (\`iommu-check --format json\`, a clean configuration of 100 devices, one paging domain each, 2M and 4K maps; above ${MAPS_PER_FILE.toLocaleString('en')} maps the domains are split over included files, as a file may be at most 64 MB) against the floor (the same maps as JSON: read, JSON.parse, BigInt of every field, a sort per domain), both child processes; medians of the runs shown; "doubling cost" is the CLI time ratio per doubling of the maps.`);
console.log('');
const beforeHead = beforeCli ? ' before: CLI (s) | CLI / floor | CPU ratio | doubling cost | RSS / input |' : '';
console.log(`| maps | input | runs | CLI (s) | floor (s) | CLI / floor | CPU: CLI / floor (s) | doubling cost | peak RSS | RSS / input |${beforeHead}`);
console.log(`|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|${beforeCli ? '---:|---:|---:|---:|---:|' : ''}`);
let prev;
for (const n of sizes) {
  const g = generateMaps(n);
  const sizeDir = path.join(dir, `maps-${n}`);
  fs.mkdirSync(sizeDir);
  let inputBytes = 0;
  for (const [name, text] of g.files) {
    fs.writeFileSync(path.join(sizeDir, name), text);
    inputBytes += Buffer.byteLength(text);
  }
  const conf = path.join(sizeDir, 'main.iommu');
  const json = path.join(dir, `maps-${n}.json`);
  fs.writeFileSync(json, g.json);
  const runs = n >= 500_000 ? (quick ? 1 : 2) : 3;
  const tCli = [];
  const tFloor = [];
  const cCli = [];
  const cFloor = [];
  const cBefore = [];
  const rss = [];
  const tBefore = [];
  const rssBefore = [];
  for (let i = 0; i < runs; i++) {
    const c = child([cli, '--format', 'json', conf]);
    const out = JSON.parse(c.stdout);
    const diags = out.files.reduce((k, f) => k + f.diagnostics.length, 0);
    if (diags !== 0) throw new Error(`the ${n}-map configuration is not clean: ${diags} diagnostics`);
    tCli.push(c.ms);
    cCli.push(c.cpuMs);
    rss.push(c.rss);
    const f = child([path.join(here, 'bench-floor.mjs'), json]);
    tFloor.push(f.ms);
    cFloor.push(f.cpuMs);
    if (beforeCli) {
      const b = child([beforeCli, '--format', 'json', conf]);
      tBefore.push(b.ms);
      cBefore.push(b.cpuMs);
      rssBefore.push(b.rss);
    }
  }
  const cliMs = median(tCli);
  const floorMs = median(tFloor);
  const peak = Math.max(...rss);
  // the cost of doubling, normalised to the step (250k→500k is ×2; 10k→100k is ×10, shown per doubling)
  const doublingCost = (now, then) => {
    if (!prev) return '';
    const steps = Math.log2(n / prev.n);
    return `${Math.pow(now / then, 1 / steps).toFixed(2)}×${steps === 1 ? '' : ` (per doubling over ×${n / prev.n})`}`;
  };
  const cliCpu = median(cCli);
  const doubling = prev ? `${doublingCost(cliMs, prev.cliMs)}; CPU ${doublingCost(cliCpu, prev.cliCpu)}` : '';
  const beforeMs = beforeCli ? median(tBefore) : 0;
  const beforeCols = beforeCli
    ? ` ${(beforeMs / 1000).toFixed(2)} | ${(beforeMs / floorMs).toFixed(1)}× | ${(median(cBefore) / median(cFloor)).toFixed(1)}× | ${doublingCost(beforeMs, prev?.beforeMs)} | ${(Math.max(...rssBefore) / inputBytes).toFixed(0)}× |`
    : '';
  console.log(`| ${n.toLocaleString('en')} | ${mb(inputBytes)} MB${g.files.size > 1 ? ` (${g.files.size} files)` : ''} | ${runs} | ${(cliMs / 1000).toFixed(2)} | ${(floorMs / 1000).toFixed(2)} | ${(cliMs / floorMs).toFixed(1)}× | ${(median(cCli) / median(cFloor)).toFixed(1)}× (${(median(cCli) / 1000).toFixed(2)} / ${(median(cFloor) / 1000).toFixed(2)}) | ${doubling} | ${(peak / 1e6).toFixed(0)} MB | ${(peak / inputBytes).toFixed(0)}× |${beforeCols}`);
  prev = { n, cliMs, cliCpu, beforeMs };
  fs.rmSync(sizeDir, { recursive: true });
  fs.rmSync(json);
}

if (cliOnly) {
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

// 2. The engine in process.
const out = path.join(dir, 'bench-entry.cjs');
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
  return median(t);
}

console.log('');
console.log('Engine in process: `analyze()` (read, parse, model, translation, every check, suppressions), median of the runs; resolve is the mean over 20 000 `resolve()` calls.');
console.log('');
console.log('| configuration | lines | parse (ms) | full check (ms) | diagnostics | resolve (µs/query) |');
console.log('|---|---:|---:|---:|---:|---:|');
const typical = path.join(root, 'samples', 'x86-gpu-hdmi-audio-usb-rmrr.iommu');
{
  const text = fs.readFileSync(typical, 'utf8');
  const tParse = time(() => parse(text), 20);
  let last;
  const tCheck = time(() => (last = analyze(typical)), 20);
  console.log(`| samples/${path.basename(typical)} | ${text.split('\n').length} | ${tParse.toFixed(2)} | ${tCheck.toFixed(2)} | ${last.diagnostics.length} | |`);
}
const shapes = quick ? [[16, 16], [256, 64]] : [[16, 16], [256, 64], [2048, 64], [8192, 16]];
for (const [devices, maps] of shapes) {
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
  console.log(`| ${devices} devices, ${totalMaps} maps | ${text.split('\n').length} | ${tParse.toFixed(1)} | ${tCheck.toFixed(1)} | ${last.diagnostics.length} | ${perQuery.toFixed(2)} |`);
  if (last.internalErrors.length) console.log(`internal errors: ${last.internalErrors.join('; ')}`);
}
fs.rmSync(dir, { recursive: true, force: true });

// 3. The language server.
const lsp = spawnSync(process.execPath, [path.join(here, 'bench-lsp.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = lsp.status ?? 1;
if (before) {
  console.log('');
  console.log(`The language server of ${before}:`);
  const old = spawnSync(process.execPath, [path.join(here, 'bench-lsp.mjs'), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_SERVER: path.join(before, 'dist', 'server.js'), BENCH_CLI: beforeCli },
  });
  process.exitCode ||= old.status ?? 1;
}

// 4. The language server on one large file (not with --quick).
if (!quick) {
  console.log('');
  const large = spawnSync(process.execPath, [path.join(here, 'bench-lsp-large.mjs')], { stdio: 'inherit' });
  process.exitCode ||= large.status ?? 1;
  if (before) {
    const old = spawnSync(process.execPath, [path.join(here, 'bench-lsp-large.mjs')], { stdio: 'inherit', env: { ...process.env, BENCH_SERVER: path.join(before, 'dist', 'server.js') } });
    process.exitCode ||= old.status ?? 1;
  }
}
