// `npm run bench`: time the engine on generated configurations of growing size.
// Prints a Markdown table (the figures recorded in BENCHMARKS.md).

import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

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

/** A host with `smmus` SMMUv3 instances, devices in 2-member groups, one paging domain per group with `maps` maps. */
function generate(devices, mapsPerDomain) {
  const lines = ['backend iommufd', 'allow-unsafe-interrupts'];
  const smmus = Math.max(1, Math.ceil(devices / 512));
  for (let s = 0; s < smmus; s++) lines.push(`iommu smmu${s} { model smmuv3  oas 48 }`);
  const chips = Math.max(1, Math.min(32, Math.ceil(devices / 64)));
  for (let c = 0; c < chips; c++) lines.push(`irqchip its${c} { model gicv3-its  base 0x${(0x0808_0000 + c * 0x2_0000).toString(16)} }`);
  for (let d = 0; d < devices; d++) {
    const bus = (d >> 8) & 0xff, dev = (d >> 3) & 0x1f, fn = d & 7;
    const pci = `${(d >> 16).toString(16).padStart(4, '0')}:${bus.toString(16).padStart(2, '0')}:${dev.toString(16).padStart(2, '0')}.${fn}`;
    lines.push(`device d${d} { pci ${pci}  iommu smmu${Math.floor(d / 512)}  msi its${d % chips}  driver vfio-pci  reserved 0x${(0x1_0000_0000 + d * 0x10_0000).toString(16)} size 64K direct-relaxable }`);
  }
  for (let g = 0; g + 1 < devices; g += 2) {
    lines.push(`group g${g} { d${g} d${g + 1} }`);
    lines.push(`domain vm${g} : paging {`);
    lines.push(`  attach g${g}`);
    for (let m = 0; m < mapsPerDomain; m++) lines.push(`  map 0x${(0x4000_0000 + m * 0x20_0000).toString(16)} -> 0x${(0x80_0000_0000 + g * 0x1000_0000 + m * 0x20_0000).toString(16)} size 2M rw`);
    lines.push('}');
    lines.push(`expect d${g} 0x4000_0000 -> 0x${(0x80_0000_0000 + g * 0x1000_0000).toString(16)}`);
  }
  return lines.join('\n') + '\n';
}

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
