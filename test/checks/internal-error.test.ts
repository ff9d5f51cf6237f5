// internal-error: a check that throws (forced through server/src/faults.ts) gives exactly one
// internal-error diagnostic on the first line of the root file; every other check's findings
// are still there, and the failure is listed once among the analysis's internal errors.

import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/engine';
import { setFaults } from '../../server/src/faults';
import { FIXTURE_ROOT, memoryHost, parseMarkers } from '../helpers/check';

afterEach(() => setFaults(''));

function marked(text: string, faults: string) {
  setFaults(faults);
  const a = analyze(path.join(FIXTURE_ROOT, 'main.iommu'), { host: memoryHost({ 'main.iommu': text }), workspaceRoot: FIXTURE_ROOT })!;
  const actual = a.diagnostics.map((d) => {
    const s = d.loc.file.lines.position(d.loc.span.start);
    const e = d.loc.file.lines.position(d.loc.span.end);
    return { file: 'main.iommu', line: s.line, start: s.character, end: e.character, code: d.code, message: d.message };
  });
  const expected = parseMarkers('main.iommu', text);
  return { a, actual, expected };
}

describe('internal-error', () => {
  it('a throwing check: one internal-error on the first line, the other checks still report', () => {
    const text = `   iommu smmu0 { model smmuv3 }
// ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ internal-error: check map-overlap failed: injected fault at check:map-overlap (a bug in iommu-check; please report it): the findings of map-overlap are left out
device nic { pci 01:00.0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x1000 -> 0x2000 size 4K
  map 0x1000 -> 0x3000 size 4K
  map 0x10000 -> 0x3000 size 0x800
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-unaligned
}
`;
    const { a, actual, expected } = marked(text, 'check:map-overlap');
    expect(actual.map(({ line, start, end, code }) => ({ file: 'main.iommu', line, start, end, code }))).toEqual(expected.map(({ message: _, ...e }) => e));
    for (const e of expected) if (e.message) expect(actual.find((x) => x.code === e.code)!.message).toBe(e.message);
    expect(a.internalErrors).toEqual(['check map-overlap failed: injected fault at check:map-overlap']);
  });

  it('two throwing checks: one internal-error each; none without faults', () => {
    const text = 'iommu smmu0 { model smmuv3 }\ndevice nic { pci 01:00.0 driver vfio-pci }\ndomain vm : paging { attach nic map 0x1000 -> 0x2000 size 4K map 0x1000 -> 0x3000 size 4K }\n';
    const codes = (faults: string) => marked(text, faults).a.diagnostics.map((d) => `${d.code}: ${d.message.split(' (')[0]}`);
    expect(codes('check:map-overlap,check:unused-object')).toEqual([
      'internal-error: check map-overlap failed: injected fault at check:map-overlap',
      'internal-error: check unused-object failed: injected fault at check:unused-object',
    ]);
    expect(codes('').map((c) => c.split(':')[0])).toEqual(['map-overlap']);
  });
});
