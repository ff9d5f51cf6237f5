// The soak test (see soak.ts): a short fixed-seed session in the suite; `npm run soak -- --edits N`
// runs a long one (IOMMU_SOAK_EDITS) and prints its figures.

import { describe, expect, it } from 'vitest';
import { run } from '../cli/helpers';
import { startSession } from './lspSession';
import { soak } from './soak';

const EDITS = Number(process.env['IOMMU_SOAK_EDITS'] ?? 400);
const SEED = Number(process.env['IOMMU_SOAK_SEED'] ?? 20261201);
const LONG = process.env['IOMMU_SOAK_EDITS'] !== undefined;

describe('language server soak', () => {
  it(`${EDITS} random edits with requests interleaved: every request answered, the server alive, the final diagnostics equal the command line's`, async () => {
    const stats = await soak({
      edits: EDITS,
      seed: SEED,
      ...(LONG ? { progress: (n: number, s: { requests: number; peakRssBytes: number }) => console.log(`soak: ${n} edits, ${s.requests} requests, peak RSS so far ${(s.peakRssBytes / 1048576).toFixed(0)} MB`) } : {}),
    });
    const summary = `soak: ${stats.edits} edits, ${stats.requests} requests (${stats.answered} answered, ${stats.cancelled} cancelled: ${stats.refusals.requestCancelled} RequestCancelled after ${stats.cancelRequests} $/cancelRequest, ${stats.refusals.contentModified} ContentModified, ${stats.refusals.serverCancelled} ServerCancelled; ${stats.failures.length} failed), peak RSS ${(stats.peakRssBytes / 1048576).toFixed(0)} MB, final text ${stats.finalLength} characters, final diagnostics ${stats.agreement ? 'equal' : 'DIFFER from'} the command line's (${stats.published.length}), ${stats.seconds.toFixed(0)} s, seed ${SEED}`;
    console.log(summary);
    expect(stats.serverExit).toBeNull();
    expect(stats.failures).toEqual([]);
    expect(stats.answered + stats.cancelled).toBe(stats.requests);
    // the client cancelled superseded requests; many requests were answered with a result
    expect(stats.cancelRequests).toBeGreaterThan(0);
    expect(stats.answered).toBeGreaterThan(0);
    expect(stats.published).toEqual(stats.expected);
    expect(stats.peakRssBytes).toBeLessThan(1024 * 1048576);
  }, LONG ? 24 * 3600_000 : 240_000);
});

describe('language server soak with a dying analysis thread', () => {
  it('each analysis thread exits on its 2nd check: it is restarted, every request is answered or refused, the server lives on, the final diagnostics equal the command line\'s', async () => {
    const stats = await soak({ edits: 300, seed: SEED + 1, faults: 'worker-exit:2' });
    expect(stats.serverExit).toBeNull();
    expect(stats.failures).toEqual([]);
    expect(stats.answered + stats.cancelled).toBe(stats.requests);
    expect(stats.published).toEqual(stats.expected);
    expect(stats.log.filter((l) => l.includes('analysis thread exited')).length).toBeGreaterThan(0);
  }, 240_000);
});

describe('language server and command line agree on what the soak found', () => {
  it('an include of a missing file: the same include-error, with its reason', async () => {
    const text = 'include "common/missing.iommu"\niommu smmu0 { model smmuv3 }\n';
    const s = await startSession({ 'main.iommu': text, '.iommu-check.json': '{ "rules": {} }\n' });
    try {
      const uri = s.uri('main.iommu');
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version: 1, text } });
      const p = await s.until(() => (s.diagnostics.get(uri)?.version === 1 ? s.diagnostics.get(uri) : undefined));
      const cli = JSON.parse(run(['--format', 'json', 'main.iommu'], { cwd: s.dir }).out) as { files: { diagnostics: { message: string }[] }[] };
      expect(p.diagnostics.map((d) => d.message)).toEqual(cli.files[0]!.diagnostics.map((d) => d.message));
      expect(p.diagnostics.map((d) => d.message)).toEqual([`cannot read included file 'common/missing.iommu' (${s.dir}/common/missing.iommu): no such file`]);
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe('a flood of diagnostics in the editor', () => {
  it('1 000 errors in one file: the editor shows what the command line shows, the first 100 of each code and a count', async () => {
    const lines = ['iommu smmu0 { model smmuv3 }'];
    for (let i = 0; i < 1000; i++) lines.push(`device d${i} { pci 0000:${(i >> 5).toString(16).padStart(2, '0')}:${(i & 31).toString(16).padStart(2, '0')}.0 msi nowhere }`);
    for (let i = 0; i < 150; i++) lines.push(`domain vm${i} : paging { attach d${i} map 0x1000 -> 0x2000 size 0x800 }`);
    const text = lines.join('\n') + '\n';
    const s = await startSession({ 'main.iommu': text });
    try {
      const uri = s.uri('main.iommu');
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version: 1, text } });
      const p = await s.until(() => (s.diagnostics.get(uri)?.version === 1 ? s.diagnostics.get(uri) : undefined), 60_000);
      const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];
      const cli = JSON.parse(run(['--format', 'json', 'main.iommu'], { cwd: s.dir }).out) as { files: { diagnostics: { range: unknown; severity: string; code: string; message: string }[] }[] };
      const expected = cli.files[0]!.diagnostics.map((d) => [d.range, d.severity, d.code, d.message]);
      expect(p.diagnostics.map((d) => [d.range, SEVERITY[d.severity ?? 1], d.code, d.message])).toEqual(expected);
      expect(expected).toHaveLength(202);
      expect(expected.filter((d) => / more /.test(String(d[3]))).map((d) => d[3])).toEqual([
        '900 more unknown-name diagnostics from here on are not reported (the first 100 are)',
        '50 more map-unaligned diagnostics from here on are not reported (the first 100 are)',
      ]);
    } finally {
      await s.close();
    }
  }, 120_000);
});
