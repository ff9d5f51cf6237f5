// Quick fixes built from structured diagnostic data: the check that raises a diagnostic records
// the facts its fixes need (`data`), and `fixesFor` builds the edits from them and the model,
// never from the message text. Safe fixes (the ones `--fix` applies) make their diagnostic go away.

import { describe, expect, it } from 'vitest';
import { exampleFiles } from '../../server/src/checks/explanation';
import { fixesFor } from '../../server/src/checks/fixes';
import { CHECKS } from '../../server/src/checks/registry';
import type { Analysis } from '../../server/src/engine';
import type { Diagnostic } from '../../server/src/model/types';
import { analyzeFixture } from '../helpers/check';
import { abs, applyEdits } from '../ide/helpers';

const SMMU = `backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x201F_0000 }
`;

const NESTED_NO_RMR = SMMU + `device vf0 { msi its0 driver vfio-pci }
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G rw
}
domain guest : nested {
  parent s2
  attach vf0
  map 0x1_0000_0000 -> 0x4000_0000 size 1G rw
}
`;

const CASES: { name: string; text: string; code: string; data: unknown; fixes: { title: string; safe: boolean }[] }[] = [
  {
    name: 'unknown-name: the closest declared names of the right kind',
    text: SMMU + 'irqchip its1x { model gicv3-its base 0x3000_0000 }\ndevice nic { msi its1 }\n',
    code: 'unknown-name',
    data: { candidates: ['its0', 'its1x'] },
    fixes: [
      { title: "Did you mean 'its0'?", safe: false },
      { title: "Did you mean 'its1x'?", safe: false },
    ],
  },
  {
    name: 'map-unaligned: the map widened to whole pages',
    text: SMMU + 'device nic { driver vfio-pci }\ndomain d : paging {\n  attach nic\n  map 0x4000_0800 -> 0x8000_0800 size 0x1000 rw\n}\n',
    code: 'map-unaligned',
    data: { start: '0x40000000', last: '0x40001fff', output: '0x80000000', page: '0x1000' },
    fixes: [{ title: 'Widen the map to 4K pages: 0x4000_0000..0x4000_1fff', safe: false }],
  },
  {
    name: 'map-overlaps-reserved: the domain and the reserved range; the move is a choice',
    text: SMMU + 'device nic { driver vfio-pci }\ndomain d : paging {\n  attach nic\n  map 0x800_0000 -> 0x80_0000_0000 size 2M rw\n}\n',
    code: 'map-overlaps-reserved',
    data: { domain: 'd', reserved: ['0x8000000', '0x80fffff'] },
    fixes: [{ title: 'Move the map to the nearest free IOVA 0x7e0_0000', safe: false }],
  },
  {
    name: 'unmapped-doorbell: the nested domain and the host SW_MSI window its rmr must be',
    text: NESTED_NO_RMR,
    code: 'unmapped-doorbell',
    data: { domain: 'guest', window: ['0x8000000', '0x80fffff'] },
    fixes: [{ title: "Add 'rmr 0x800_0000 size 1M' (the host SW_MSI window) to 'guest'", safe: true }],
  },
  {
    name: 'rmr-mismatch: the nested domain and the host SW_MSI window',
    text: NESTED_NO_RMR.replace('  attach vf0\n', '  attach vf0\n  rmr 0x900_0000 size 1M\n'),
    code: 'rmr-mismatch',
    data: { domain: 'guest', window: ['0x8000000', '0x80fffff'] },
    fixes: [{ title: 'Make the rmr the host SW_MSI window (0x800_0000 size 1M)', safe: true }],
  },
  {
    name: 'group-split: the group and both domains; two fixes, a choice',
    text: SMMU + 'device gpu { driver vfio-pci }\ndevice audio { driver vfio-pci }\ngroup g { gpu audio }\ndomain a : paging {\n  attach g\n}\ndomain b : paging {\n  attach audio\n}\n',
    code: 'group-split',
    data: { group: 'g', domain: 'b', first: 'a' },
    fixes: [
      { title: "Remove 'attach audio' from 'b': group 'g' is attached to 'a'", safe: false },
      { title: "Attach the whole group 'g' to 'b' instead", safe: false },
    ],
  },
];

function diagnostic(a: Analysis, code: string): Diagnostic {
  const d = a.diagnostics.find((x) => x.code === code);
  expect(d, `no '${code}': ${a.diagnostics.map((x) => x.code).join(', ')}`).toBeDefined();
  return d!;
}

describe('quick fixes from diagnostic data', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const a = analyzeFixture(c.text);
      const d = diagnostic(a, c.code);
      expect(d.data).toEqual(c.data);
      expect(JSON.parse(JSON.stringify(d.data))).toEqual(d.data); // crosses a thread or the wire as JSON
      const fixes = fixesFor(d, a);
      expect(fixes.map((f) => ({ title: f.title, safe: f.safe }))).toEqual(c.fixes);
      // built from the data and the model, not from the message
      expect(fixesFor({ ...d, message: '' }, a)).toEqual(fixes);
      // each fix removes its diagnostic
      for (const f of fixes) {
        const after = analyzeFixture(applyEdits(c.text, f.edits.filter((e) => e.path === abs('main.iommu'))));
        expect(after.diagnostics.map((x) => x.code), f.title).not.toContain(c.code);
      }
    });
  }

  it('no data, no fix; data that no longer matches the model gives none', () => {
    const c = CASES.find((x) => x.code === 'group-split')!;
    const a = analyzeFixture(c.text);
    const d = diagnostic(a, c.code);
    expect(fixesFor({ ...d, data: undefined }, a)).toEqual([]);
    expect(fixesFor({ ...d, data: { ...d.data, group: 'other' } }, a)).toEqual([]);
    const r = CASES.find((x) => x.code === 'rmr-mismatch')!;
    const ra = analyzeFixture(r.text);
    expect(fixesFor({ ...diagnostic(ra, 'rmr-mismatch'), data: { domain: 'guest', window: ['bogus', '0x1'] } }, ra)).toEqual([]);
  });

  it('the safe fixes of every registry example that fires remove the diagnostic', () => {
    const applied: string[] = [];
    for (const c of CHECKS) {
      const { root, files } = exampleFiles(c.explanation.fires);
      if (Object.keys(files).length > 0) continue;
      const a = analyzeFixture(root);
      for (const d of a.diagnostics.filter((x) => x.code === c.code)) {
        expect(JSON.parse(JSON.stringify(d.data ?? null)), c.code).toEqual(d.data ?? null);
        for (const f of fixesFor(d, a).filter((x) => x.safe)) {
          const after = analyzeFixture(applyEdits(root, f.edits.filter((e) => e.path === abs('main.iommu'))));
          expect(after.diagnostics.filter((x) => x.code === c.code && x.loc.span.start === d.loc.span.start), `${c.code}: ${f.title}`).toEqual([]);
          applied.push(c.code);
        }
      }
    }
    expect(applied).toEqual(['rmr-mismatch', 'cmdline-overridden', 'cmdline-deprecated']); // map-unaligned's example misaligns only the output: no widening can fix it
  });
});
