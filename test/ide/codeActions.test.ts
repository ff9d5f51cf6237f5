import { describe, expect, it } from 'vitest';
import { codeActions, freeSlot } from '../../server/src/ide/codeActions';
import { analyzeFixture } from '../helpers/check';
import { abs, applyEdits } from './helpers';

/** Apply the first action whose title matches to the fixture, re-analyse, return the codes left. */
function applyFix(text: string, code: string, title: RegExp): { codes: string[]; fixed: string; titles: string[] } {
  const a = analyzeFixture(text);
  const d = a.diagnostics.find((x) => x.code === code);
  expect(d, `no '${code}' before the fix: ${a.diagnostics.map((x) => x.code).join(', ')}`).toBeDefined();
  const actions = codeActions(a, d!.loc.file, d!.loc.span).filter((x) => x.diagnostic === d);
  const titles = actions.map((x) => x.title);
  const act = actions.find((x) => title.test(x.title));
  expect(act, `no action ${title} among ${titles.join(' | ')}`).toBeDefined();
  const fixed = applyEdits(text, act!.edits.filter((e) => e.path === abs('main.iommu')));
  const after = analyzeFixture(fixed);
  return { codes: after.diagnostics.map((x) => x.code), fixed, titles };
}

const SMMU = `backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x201F_0000 }
`;

describe('code actions', () => {
  it('ignores a diagnostic with an own-line comment above its statement', () => {
    const text = `iommu smmu0 { model smmuv3 }
domain d : paging {
  attach nope
}
`;
    const r = applyFix(text, 'unknown-name', /^Ignore 'unknown-name'/);
    expect(r.fixed).toContain("  // iommu-check: ignore unknown-name\n  attach nope");
    expect(r.codes).not.toContain('unknown-name');
    expect(r.codes).not.toContain('unused-suppression');
  });

  it("suggests the nearest name for an unknown one", () => {
    const r = applyFix(SMMU + 'device nic { msi its1 }\n', 'unknown-name', /^Did you mean 'its0'\?$/);
    expect(r.codes).not.toContain('unknown-name');
  });

  it('widens an unaligned map to the minimum page', () => {
    const r = applyFix(SMMU + 'device nic { driver vfio-pci }\ndomain d : paging {\n  attach nic\n  map 0x4000_0800 -> 0x8000_0800 size 0x1000 rw\n}\n', 'map-unaligned', /^Widen/);
    expect(r.fixed).toContain('map 0x4000_0000 -> 0x8000_0000 size 8K rw');
    expect(r.codes).not.toContain('map-unaligned');
  });

  it('moves a map out of a reserved window to the nearest free aligned IOVA', () => {
    const r = applyFix(SMMU + 'device nic { driver vfio-pci }\ndomain d : paging {\n  attach nic\n  map 0x800_0000 -> 0x80_0000_0000 size 2M rw\n}\n', 'map-overlaps-reserved', /^Move the map/);
    expect(r.fixed).toContain('map 0x7e0_0000 -> 0x80_0000_0000 size 2M rw');
    expect(r.codes).not.toContain('map-overlaps-reserved');
  });

  it('adds the host SW_MSI window as rmr to a nested domain whose doorbell faults in stage 1', () => {
    const text = SMMU + `device vf0 { msi its0 driver vfio-pci }
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
    const r = applyFix(text, 'unmapped-doorbell', /^Add 'rmr 0x800_0000 size 1M'/);
    expect(r.codes).not.toContain('unmapped-doorbell');
  });

  it('makes a mismatched rmr the host SW_MSI window', () => {
    const text = SMMU + `device vf0 { msi its0 driver vfio-pci }
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G rw
}
domain guest : nested {
  parent s2
  attach vf0
  rmr 0x900_0000 size 1M
  map 0x1_0000_0000 -> 0x4000_0000 size 1G rw
}
`;
    const r = applyFix(text, 'rmr-mismatch', /^Make the rmr/);
    expect(r.codes).not.toContain('rmr-mismatch');
    expect(r.codes).not.toContain('unmapped-doorbell');
  });

  it('resolves a group split by removing the second attach', () => {
    const text = SMMU + `device gpu { driver vfio-pci }
device audio { driver vfio-pci }
group g { gpu audio }
domain a : paging {
  attach g
}
domain b : paging {
  attach audio
}
`;
    const r = applyFix(text, 'group-split', /^Remove 'attach audio'/);
    expect(r.codes).not.toContain('group-split');
    const r2 = applyFix(text, 'group-split', /^Attach the whole group/);
    expect(r2.codes).not.toContain('group-split');
  });

  it('finds the nearest free aligned slot', () => {
    const busy = [{ start: 0x1000n, last: 0x1fffn }, { start: 0x3000n, last: 0x3fffn }];
    expect(freeSlot(busy, 0x1000n, 0x1000n, 0x1000n, 0xffffn)).toBe(0x0n);
    expect(freeSlot(busy, 0x3000n, 0x1000n, 0x1000n, 0xffffn)).toBe(0x2000n);
    expect(freeSlot(busy, 0x1800n, 0x2000n, 0x1000n, 0xffffn)).toBe(0x4000n);
  });
});
