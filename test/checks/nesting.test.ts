// Nesting checks: bad-nest-parent, nesting-unsupported, s2-unmapped, pasid-table-format.
// Misconfigurations: M35 (stage-1 output not mapped at stage 2), M38 (bad parent), M43
// (PASID-table format and granularity). Trap: T9 (many nested domains on one parent).

import { describe, expect, it } from 'vitest';
import { check } from '../helpers/check';
import { uncovered } from '../../server/src/checks/nesting/common';

const ARM = `backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device vf { pci 01:00.1 msi its0 driver vfio-pci }
`;

describe('bad-nest-parent', () => {
  it('M38: parent without nest-parent', () => {
    check(`${ARM}
domain s2 : paging { map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
//^^^^^^^^^ bad-nest-parent: without nest-parent
  stage1 bypass
  attach vf
}
`);
  });

  it('M38: parent is itself nested', () => {
    check(`${ARM}
device vf2 { pci 01:00.2 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain g1 : nested { parent s2 stage1 bypass attach vf }
domain g2 : nested {
  stage1 bypass
  parent g1
//^^^^^^^^^ bad-nest-parent: itself a nested domain
  attach vf2
}
`);
  });

  it('M38: parent of another type', () => {
    check(`${ARM}
device vf2 { pci 01:00.2 msi its0 driver nvme }
domain host : dma { attach vf2 }
domain g : nested {
  parent host
//^^^^^^^^^^^ bad-nest-parent: is a dma domain
  stage1 bypass
  attach vf
}
`);
  });

  it('M38: parent on another IOMMU instance', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
iommu smmu1 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device vf { pci 01:00.1 iommu smmu0 msi its0 driver vfio-pci }
device vf1 { pci 02:00.1 iommu smmu1 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent attach vf1 map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain g : nested {
  parent s2
//^^^^^^^^^ bad-nest-parent: on iommu 'smmu1'
  stage1 bypass
  attach vf
}
`);
  });

  it('near miss / T9: several nested domains on one nest-parent, several devices on one', () => {
    check(`${ARM}
device vf2 { pci 01:00.2 msi its0 driver vfio-pci }
device vf3 { pci 01:00.3 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain g1 : nested { parent s2 stage1 bypass attach vf attach vf2 }
domain g2 : nested { parent s2 rmr 0x800_0000 size 1M attach vf3 map 0x1_0000_0000 -> 0x4000_0000 size 1G }
`);
  });
});

describe('nesting-unsupported', () => {
  it('nest-parent and nested domains on an IOMMU without nesting', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 no-nesting }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device vf { pci 01:00.1 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
//     ^^ nesting-unsupported: no nesting support
domain guest : nested { parent s2 stage1 bypass attach vf }
//     ^^^^^ nesting-unsupported: nested domain 'guest'
`);
  });

  it('smmuv2 has no nesting by default', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv2 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device vf { pci 01:00.1 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
//     ^^ nesting-unsupported: smmuv2
domain guest : nested { parent s2 stage1 bypass attach vf }
//     ^^^^^ nesting-unsupported
`);
  });

  it('near miss: smmuv2 declared with nesting', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv2 nesting }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device vf { pci 01:00.1 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested { parent s2 stage1 bypass attach vf }
`);
  });
});

describe('s2-unmapped', () => {
  it('M35: a stage-1 map whose IPA range runs past guest RAM', () => {
    const a = check(`${ARM}
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
  attach vf
  rmr 0x800_0000 size 1M
  map 0x1_0000_0000 -> 0x6000_0000 size 1G
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ s2-unmapped: does not map 0x80000000..0x9fffffff (512M in all)
}
`);
    expect(a.diagnostics[0]!.related[0]!.message).toContain("'s2'");
  });

  it('near miss: the IPA range is covered by two adjoining parent maps', () => {
    check(`${ARM}
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G
  map 0x8000_0000 -> 0x90_0000_0000 size 1G
}
domain guest : nested {
  parent s2
  attach vf
  rmr 0x800_0000 size 1M
  map 0x1_0000_0000 -> 0x6000_0000 size 1G
}
`);
  });

  it('implicit stage-2 maps count: the msi-bind map covers the stage-1 doorbell map', () => {
    check(`${ARM}
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
  attach vf
  msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
  map 0xFFBF_0000 -> 0x0809_0000 size 4K w
}
`);
  });

  it('the guest PASID table must be mapped at stage 2', () => {
    check(`${ARM}
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
  attach vf
  rmr 0x800_0000 size 1M
  pasid-table 0x3FFF_F000 size 8K format smmuv3
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ s2-unmapped: table walk faults at stage 2
}
`);
  });

  it('a 4G map over a parent of many small maps is checked by intervals, not pages', () => {
    let maps = '';
    for (let i = 0; i < 2048; i++) maps += `  map ${'0x' + (0x1_0000_0000 + i * 0x20_0000).toString(16)} -> ${'0x' + (0x80_0000_0000 + i * 0x20_0000).toString(16)} size 2M\n`;
    const t0 = Date.now();
    check(`${ARM}
domain s2 : paging {
  nest-parent
${maps}}
domain guest : nested {
  parent s2
  attach vf
  rmr 0x800_0000 size 1M
  map 0x10_0000_0000 -> 0x1_0000_0000 size 4G
}
`);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('uncovered() on sorted merged intervals, up to 2^64 - 1', () => {
    const cover = [
      { start: 0x1000n, last: 0x1fffn },
      { start: 0x3000n, last: 0x3fffn },
      { start: 0xffff_ffff_ffff_f000n, last: 0xffff_ffff_ffff_ffffn },
    ];
    expect(uncovered(cover, { start: 0x1000n, last: 0x3fffn })).toEqual([{ start: 0x2000n, last: 0x2fffn }]);
    expect(uncovered(cover, { start: 0x0n, last: 0xfffn })).toEqual([{ start: 0n, last: 0xfffn }]);
    expect(uncovered(cover, { start: 0xffff_ffff_ffff_f800n, last: 0xffff_ffff_ffff_ffffn })).toEqual([]);
    expect(uncovered(cover, { start: 0x3800n, last: 0x4800n })).toEqual([{ start: 0x4000n, last: 0x4800n }]);
    expect(uncovered([], { start: 5n, last: 6n })).toEqual([{ start: 5n, last: 6n }]);
  });

  it('a bypass guest\'s maps are not walked: silent', () => {
    check(`${ARM}
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested { parent s2 stage1 bypass attach vf map 0x1_0000_0000 -> 0x9000_0000 size 1G }
`);
  });
});

describe('pasid-table-format', () => {
  it('M43: an smmuv3 table on VT-d', () => {
    check(`backend iommufd
iommu dmar0 { model vtd }
irqchip ir { model x86-remap }
device vf { pci 01:00.1 msi ir driver vfio-pci }
domain s2 : paging { nest-parent map 0x0 -> 0x1_0000_0000 size 2G }
domain guest : nested {
  parent s2
  attach vf
  pasid-table 0x1000_0000 size 4K format smmuv3
//                                       ^^^^^^ pasid-table-format: VT-d binds first-stage tables per PASID
  map 0x1_0000_0000 -> 0x0 size 1G
}
`);
  });

  it('M43: a vtd table on SMMUv3', () => {
    check(`${ARM}
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
  attach vf
  rmr 0x800_0000 size 1M
  pasid-table 0x4000_0000 size 4K format vtd
//                                       ^^^ pasid-table-format: context-descriptor table
}
`);
  });

  it('M43: one guest PASID table shared by two VT-d devices', () => {
    check(`backend iommufd
iommu dmar0 { model vtd }
irqchip ir { model x86-remap }
device vf0 { pci 01:00.1 msi ir driver vfio-pci }
device vf1 { pci 01:00.2 msi ir driver vfio-pci }
domain s2 : paging { nest-parent map 0x0 -> 0x1_0000_0000 size 2G }
domain guest : nested {
  parent s2
  attach vf0
  attach vf1
  pasid-table 0x1000_0000 size 4K format vtd
//                                       ^^^ pasid-table-format: cannot be shared by 2 devices
}
`);
  });

  it('near miss: a matching format on each model', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
iommu dmar0 { model vtd }
irqchip its0 { model gicv3-its base 0x0808_0000 }
irqchip ir { model x86-remap }
device vf { pci 01:00.1 iommu smmu0 msi its0 driver vfio-pci }
device xvf { pci 02:00.1 iommu dmar0 msi ir driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested { parent s2 attach vf rmr 0x800_0000 size 1M pasid-table 0x4000_0000 size 4K format smmuv3 }
domain xs2 : paging { nest-parent map 0x0 -> 0x1_0000_0000 size 2G }
domain xguest : nested { parent xs2 attach xvf pasid-table 0x1000_0000 size 4K format vtd }
`);
  });
});
