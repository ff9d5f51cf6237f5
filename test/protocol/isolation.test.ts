// Failure isolation, forced through the test-only fault hook (server/src/faults.ts, read from
// IOMMU_CHECK_FAULTS): an exception in one check drops that check's results only and is reported
// once; an exception outside the checks fails that configuration with one message; the command
// line says so on one line each and exits 2.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOnce, ROOT } from './lspSession';

const TWO_ERRORS = `iommu smmu0 { model smmuv3 }
device nic { pci 01:00.0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x1000 -> 0x2000 size 4K
  map 0x1000 -> 0x3000 size 4K
  map 0x10000 -> 0x3000 size 0x800
}
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function cli(faults: string, text: string): { code: number | null; out: string; err: string } {
  buildOnce();
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-faults-')));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'main.iommu'), text);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/iommu-check.js'), '--format', 'json', 'main.iommu'], {
    cwd: dir,
    env: { ...process.env, IOMMU_CHECK_FAULTS: faults },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const codesOf = (out: string) => (JSON.parse(out) as { files: { diagnostics: { code: string }[] }[] }).files.flatMap((f) => f.diagnostics.map((d) => d.code));

describe('failure isolation: the command line', () => {
  it('without faults the file has both errors', () => {
    const r = cli('', TWO_ERRORS);
    expect(r.code).toBe(1);
    expect(codesOf(r.out)).toEqual(['map-overlap', 'map-unaligned']);
  });

  it('a check that throws loses its own results only, and is reported once', () => {
    const r = cli('check:map-overlap', TWO_ERRORS);
    expect(r.code).toBe(2);
    expect(codesOf(r.out)).toEqual(['map-unaligned']);
    expect(r.err).toBe('iommu-check: check map-overlap failed: injected fault at check:map-overlap (internal error; please report)\n');
  });

  it('an exception while building the model fails that configuration, with one report', () => {
    const r = cli('model', TWO_ERRORS);
    expect(r.code).toBe(2);
    expect(codesOf(r.out)).toEqual([]);
    expect(r.err.match(/injected fault at model/g)).toHaveLength(1);
  });

  it('the fault hook is inert without the variable (checked above) and with an unknown place', () => {
    const r = cli('nowhere:at-all', TWO_ERRORS);
    expect(r.code).toBe(1);
    expect(codesOf(r.out)).toEqual(['map-overlap', 'map-unaligned']);
  });
});
