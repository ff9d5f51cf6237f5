import { describe, expect, it } from 'vitest';
import { hover } from '../../server/src/ide/hover';
import { withCursor } from './helpers';

const NESTED = `backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x201F_0000 }
device vf0 { iommu smmu0 msi its0 driver vfio-pci reserved 0x100000 size 64K direct reserved 0x110000 size 64K direct }
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 8G rw
}
domain guest : nested {
  parent s2
  attach vf0
  rmr 0x800_0000 size 1M
  map 0x1_0000_0000 -> 0x4000_0000 size 1G rw
}
`;

function hoverAt(fixture: string | Record<string, string>, at?: string) {
  const { a, file, offset } = withCursor(fixture, at);
  return hover(a, file, offset);
}

describe('hover', () => {
  // Each hover is compared whole, so a wrong or extra line fails (the expected text is the answer).
  it('on a device shows group, domain, sysfs regions, MSI address and the chain to the doorbell', () => {
    // sw-msi prints as msi; touching direct regions merge
    expect(hoverAt(NESTED.replace('device vf0', 'device v$0f0'))!.contents).toBe(`**device** \`vf0\` — behind \`smmu0\` (smmuv3), driver vfio-pci

- group: singleton (no declared group)
- RID domain: \`guest\` (nested, parent \`s2\`)

reserved regions (as sysfs prints them):
\`\`\`
0x0000000000100000 0x000000000011ffff direct
0x0000000008000000 0x00000000080fffff msi
\`\`\`

MSI to \`its0\` (gicv3-its, doorbell 0x20200040)
- programmed address: 0x8000040 — SW_MSI slot 0 at 0x8000000 + doorbell offset 0x40
- reaches the doorbell:
\`\`\`
vf0 write 0x8000040
  0x8000040 → 0x8000040  'guest' (nested) stage 1: rmr identity map 1M (0x8000000..0x80fffff → 0x8000000, rw)
  0x8000040 → 0x20200040  's2' (paging) stage 2: SW_MSI slot 0 for its0 (0x8000000..0x8000fff → 0x20200000, rw)
  = PA 0x20200040: doorbell of its0
\`\`\`
- computed for kernel 6.17 (the baseline; no \`kernel\` given)`);
  });

  it('on a device reference shows the same summary', () => {
    expect(hoverAt(NESTED.replace('attach vf0', 'attach vf$00'))!.contents).toBe(hoverAt(NESTED.replace('device vf0', 'device v$0f0'))!.contents);
  });

  it('merges same-type regions only (a device msi region and the sw-msi window are two types, both printed msi)', () => {
    const h = hoverAt(`iommu i { model smmuv3 }
device d$0 { reserved 0x8000000 size 4K msi reserved 0x1000 size 4K reserved reserved 0x2000 size 4K reserved }`);
    expect(h!.contents).toBe(`**device** \`d\` — behind \`i\` (smmuv3), driver none

- group: singleton (no declared group)
- RID domain: default domain of device 'd' (dma, default domain)

reserved regions (as sysfs prints them):
\`\`\`
0x0000000000001000 0x0000000000002fff reserved
0x0000000008000000 0x0000000008000fff msi
0x0000000008000000 0x00000000080fffff msi
\`\`\``);
  });

  it('on a nested map shows both range forms and the final PA through stage 2', () => {
    expect(hoverAt(NESTED.replace('  map 0x1_0000_0000', '  m$0ap 0x1_0000_0000'))!.contents).toBe(`**map** in \`guest\` (nested, parent \`s2\`)

\`\`\`
gIOVA 0x1_0000_0000 size 1G  =  0x1_0000_0000..0x1_3fff_ffff
IPA   0x4000_0000 size 1G  =  0x4000_0000..0x7fff_ffff
PA    0x80_0000_0000 size 1G  =  0x80_0000_0000..0x80_3fff_ffff  via s2
\`\`\``);
  });

  it('on an address literal in an expect resolves it for that device', () => {
    expect(hoverAt(NESTED + 'expect vf0 write 0x1_0000_$02000 -> 0x80_0000_2000\n')!.contents).toBe(`\`0x1_0000_2000\` = 4294975488 = 4194312K

\`\`\`
vf0 write 0x100002000
  0x100002000 → 0x40002000  'guest' (nested) stage 1: map (0x100000000..0x13fffffff → 0x40000000, rw)
  0x40002000 → 0x8000002000  's2' (paging) stage 2: map (0x40000000..0x23fffffff → 0x8000000000, rw)
  = PA 0x8000002000: memory
\`\`\``);
  });

  it('on a code in a suppression explains the check', () => {
    const h = hoverAt(`iommu i { model smmuv3 }
// iommu-check: ignore unused-o$0bject
irqchip c { model gicv3-its base 0x1000 }`);
    expect(h!.contents).toBe(`**unused-object** (information, hygiene)

An iommu, irqchip, group or domain nothing refers to.

Legal (a domain with maps and no devices is a valid IOAS, T10), but often a leftover or a typo.

**How to fix:** Remove the leftover, or use it (a typo in a reference often leaves the intended object unused).`);
  });

  it('on a domain (a nest parent: the stage 2 of its nested domain), an iommu and an irqchip gives a summary', () => {
    expect(hoverAt(NESTED.replace('domain s2', 'domain s$02'))!.contents).toBe(`**domain** \`s2\` (paging, nest-parent)

- iommu: \`smmu0\`
- attached groups: none
- devices translating through it: none
- stage 2 of \`guest\`: \`vf0\`
- maps: 1 (+ 1 implicit)
  - SW_MSI slot 0 for its0: 0x8000000..0x8000fff → 0x20200000`);
    expect(hoverAt(NESTED.replace('iommu smmu0 {', 'iommu smm$0u0 {'))!.contents).toBe(`**iommu** \`smmu0\` (smmuv3)

- ias 48, oas 48, page sizes 4K 2M 1G (minimum 4K)
- nesting: yes; default domain: dma
- sw-msi: 0x8000000..0x80fffff; msi-window: none
- devices: \`vf0\``);
    expect(hoverAt(NESTED.replace('msi its0', 'msi it$0s0'))!.contents).toBe(`**irqchip** \`its0\` (gicv3-its)

- base 0x201f0000
- doorbell: 0x20200040 (page 0x20200000)
- MSIs isolated
- used by: \`vf0\``);
  });

  it('on a number shows its other spellings, never the written one again, and its resolution', () => {
    expect(hoverAt(NESTED.replace('map 0x1_0000_0000', 'map 0x$01_0000_0000'))!.contents).toBe(`\`0x1_0000_0000\` = 4294967296 = 4G

\`\`\`
vf0 0x100000000
  0x100000000 → 0x40000000  'guest' (nested) stage 1: map (0x100000000..0x13fffffff → 0x40000000, rw)
  0x40000000 → 0x8000000000  's2' (paging) stage 2: map (0x40000000..0x23fffffff → 0x8000000000, rw)
  = PA 0x8000000000: memory
\`\`\``);
    expect(hoverAt(NESTED.replace('rmr 0x800_0000 size 1M', 'rmr 0x800_0000 size 1$0M'))!.contents).toBe(`\`1M\` = 0x10_0000 = 1048576`);
  });
});
