// The "Syntax and names" family: syntax, unknown-name, duplicate-name, wrong-kind, bad-number,
// bad-value, missing-property, include-error (and group-membership, found while building groups).

import { describe, expect, it } from 'vitest';
import { analyzeFixture, check } from '../helpers/check';

const HEAD = `
backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
`;

describe('unknown-name', () => {
  it('fires on the reference', () => {
    check(`${HEAD}
device nic { msi its1 }
//               ^^^^ unknown-name: no irqchip named 'its1'
domain vm : identity { attach nic }
`);
  });
  it('names are visible before their declaration and across includes', () => {
    check({
      'main.iommu': `include "chips.iommu"
domain vm : identity { attach nic }
device nic { iommu smmu0 msi its0 }
`,
      'chips.iommu': `iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
`,
    });
  });
});

describe('duplicate-name', () => {
  it('fires on the second declaration, across kinds', () => {
    const a = check(`${HEAD}
device nic { msi its0 }
domain nic : identity { }
//     ^^^ duplicate-name: already declared as a device
domain vm : identity { attach nic }
`);
    expect(a.diagnostics[0]!.related[0]!.message).toContain('first declaration');
  });
  it('fires across included files', () => {
    check({
      'main.iommu': `include "more.iommu"
iommu smmu0 { model smmuv3 }
device nic { }
domain vm : identity { attach nic }
`,
      'more.iommu': `device nic { }
//     ^^^ duplicate-name
`,
    });
  });
});

describe('wrong-kind', () => {
  it('attach of an irqchip', () => {
    check(`${HEAD}
device nic { msi its0 }
domain vm : identity {
  attach nic
  attach its0
//       ^^^^ wrong-kind: is an irqchip
}
`);
  });
  it('msi naming a device, parent naming a device', () => {
    check(`${HEAD}
device nic { msi its0 }
device gpu { msi nic }
//               ^^^ wrong-kind
domain s2 : paging { nest-parent }
domain g : nested { parent gpu  attach nic }
//                         ^^^ wrong-kind
domain h : nested { parent s2  attach gpu }
`);
  });
});

describe('bad-number', () => {
  it('2^64-1 is accepted, 2^64 is refused', () => {
    check(`
iommu smmu0 { model smmuv3  ias 64  oas 64 }
device nic { }
domain vm : identity { attach nic }
expect nic 0xffff_ffff_ffff_ffff -> 18446744073709551615
expect nic 0x1_0000_0000_0000_0000 -> 0
//         ^^^^^^^^^^^^^^^^^^^^^^^ bad-number: does not fit in 64 bits
`);
  });
  it('decimal 2^64 and size-suffix overflow', () => {
    check(`${HEAD}
device nic {
  msi its0
  reserved 18446744073709551615 size 1 reserved
  reserved 18446744073709551616 size 1 reserved
//         ^^^^^^^^^^^^^^^^^^^^ bad-number
  reserved 0 size 16383P reserved
  reserved 0 size 16384P reserved
//                ^^^^^^ bad-number
}
domain vm : identity { attach nic }
`);
  });
  it('size 0, L < A, and ranges wrapping past 2^64-1', () => {
    check(`${HEAD}
device nic {
  msi its0
  reserved 0x1000 size 0 reserved
//                     ^ bad-number: greater than 0
  reserved 0x2000..0x1fff reserved
//         ^^^^^^^^^^^^^^ bad-number: ends before it starts
  reserved 0xffff_ffff_ffff_f000 size 8K reserved
//         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ bad-number: wraps
  reserved 0xffff_ffff_ffff_f000 size 4K reserved
}
domain vm : identity { attach nic }
`);
  });
  it('a page size that is not a power of two', () => {
    check(`
iommu smmu0 { model smmuv3  pgsizes 4K 3K }
//                                     ^^ bad-number: not a power of two
device nic { }
domain vm : identity { attach nic }
`);
  });
});

describe('bad-value', () => {
  it('ias, oas and pasid widths out of range', () => {
    check(`
iommu smmu0 { model smmuv3  ias 65  oas 0 }
//                              ^^ bad-value: between 1 and 64
//                                      ^ bad-value
device nic { pasid 21 }
//                 ^^ bad-value: between 1 and 20
domain vm : identity { attach nic }
`);
  });
  it('unknown model, domain type, region type, backend', () => {
    check(`
backend vfio
//      ^^^^ bad-value
iommu smmu0 { model smmuv4 }
//                  ^^^^^^ bad-value
device nic { reserved 0x1000 size 4K firmware }
//                                   ^^^^^^^^ bad-value
domain vm : pageing { attach nic }
//          ^^^^^^^ bad-value
`);
  });
  it('statements not allowed in this domain type', () => {
    check(`${HEAD}
device nic { msi its0 }
domain vm : identity {
  attach nic
  map 0x1000 -> 0x1000 size 4K
//^^^ bad-value: not allowed in identity domain 'vm'
  rmr 0x800_0000 size 1M
//^^^ bad-value
}
`);
  });
  it('a property given twice', () => {
    check(`
iommu smmu0 { model smmuv3  ias 48  ias 44 }
//                                  ^^^ bad-value: given twice
device nic { }
domain vm : identity { attach nic }
`);
  });
});

describe('missing-property', () => {
  it('model of an iommu and an irqchip', () => {
    check(`
iommu smmu0 { ias 48 }
//    ^^^^^ missing-property: no 'model'
irqchip its0 { base 0x0808_0000 }
//      ^^^^ missing-property
device nic { msi its0 }
domain vm : identity { attach nic }
`);
  });
  it('iommu of a device when several are declared', () => {
    check(`
iommu smmu0 { model smmuv3 }
iommu smmu1 { model smmuv3 }
device nic { }
//     ^^^ missing-property: needs 'iommu NAME'
device gpu { iommu smmu1 }
domain vm : identity { attach nic  attach gpu  iommu smmu0 }
`);
  });
  it('parent of a nested domain', () => {
    check(`${HEAD}
device nic { msi its0 }
domain g : nested { attach nic }
//     ^ missing-property: needs 'parent NAME'
`);
  });
});

describe('include-error', () => {
  it('missing file', () => {
    check(`
include "nowhere.iommu"
//      ^^^^^^^^^^^^^^^ include-error: cannot read
iommu smmu0 { model smmuv3 }
`);
  });
  it('a cycle', () => {
    check({
      'a.iommu': `include "b.iommu"
iommu smmu0 { model smmuv3 }
`,
      'b.iommu': `include "a.iommu"
//      ^^^^^^^^^ include-error: include cycle
`,
    });
  });
  it('a path leaving the workspace', () => {
    check(`
include "../outside.iommu"
//      ^^^^^^^^^^^^^^^^^^ include-error: leaves the workspace
iommu smmu0 { model smmuv3 }
`);
  });
  it('each file is parsed once however often it is included', () => {
    const a = analyzeFixture({
      'a.iommu': `include "b.iommu"
include "c.iommu"
`,
      'b.iommu': `include "c.iommu"
`,
      'c.iommu': `iommu smmu0 { model smmuv3 }
device nic { }
`,
    });
    expect(a.config.files.map((f) => f.path.split('/').pop())).toEqual(['a.iommu', 'b.iommu', 'c.iommu']);
    expect(a.diagnostics).toEqual([]);
  });
});

describe('group-membership', () => {
  it('a device listed in two groups', () => {
    check(`${HEAD}
device gpu { msi its0 }
device audio { }
group g1 { gpu audio }
group g2 { audio }
//         ^^^^^ group-membership
domain vm : identity { attach g1 }
`);
  });
});

describe('defaults', () => {
  it('applies IOMMU and irqchip defaults', () => {
    const a = analyzeFixture(`
iommu smmu0 { model smmuv3 }
iommu dmar0 { model vtd }
iommu dart0 { model dart }
iommu amd0 { model amd-vi }
irqchip its0 { model gicv3-its base 0x0808_0000 }
irqchip v2m { model gicv2m base 0x0802_0000 }
irqchip remap { model x86-remap }
`);
    const [smmu, vtd, dart, amd] = a.config.iommus;
    expect(smmu!.swMsi).toMatchObject({ start: 0x8000000n, last: 0x80fffffn });
    expect(smmu!.nesting).toBe(true);
    expect(vtd!.msiWindow).toMatchObject({ start: 0xfee00000n, last: 0xfeefffffn });
    expect(vtd!.swMsi).toBeNull();
    expect(dart!.ias).toBe(36);
    expect(dart!.minPage).toBe(16384n);
    expect(dart!.msiWindow).toMatchObject({ start: 0xfffff000n, last: 0xffffffffn });
    expect(amd!.reserved[0]).toMatchObject({ start: 0xfd00000000n, last: 0xffffffffffn, type: 'reserved' });
    expect(amd!.nesting).toBe(false);
    const [its, v2m, remap] = a.config.irqchips;
    expect(its!.doorbell).toBe(0x8090040n);
    expect(its!.isolated).toBe(true);
    expect(v2m!.doorbell).toBe(0x8020040n);
    expect(v2m!.isolated).toBe(false);
    expect(remap!.untranslated).toBe(true);
  });
  it('a device in no group forms a singleton group in its default domain', () => {
    const a = analyzeFixture(`
iommu smmu0 { model smmuv3  default-domain identity }
device nic { }
`);
    const nic = a.config.devices[0]!;
    expect(nic.group.implicit).toBe(true);
    expect(a.tx.ridDomain(nic).type).toBe('identity');
    expect(a.tx.ridDomain(nic).implicit).toBe(true);
  });
});

describe('syntax', () => {
  it('several independent errors are each reported once, and the rest is still checked', () => {
    check(`
iommu smmu0 { model smmuv3 }
  devce nic { pci 01:00.0 iommu smmu0 }
//^^^^^ syntax: unknown statement 'devce'
device gpu { mdoel x  iommu smmu0 }
//           ^^^^^ syntax: unknown device property 'mdoel'
device audio { iommu smmu0 }
domain vm : identity {
  attach gpu
  attach audio
  attach ghost
//       ^^^^^ unknown-name
}
`);
  });
  it('a missing closing brace at the end of the file', () => {
    const a = analyzeFixture(`
iommu smmu0 { model smmuv3 }
device nic { iommu smmu0 `);
    expect(a.diagnostics.map((d) => d.code)).toEqual(['syntax']);
    expect(a.config.devices.map((d) => d.name)).toEqual(['nic']);
  });
});
