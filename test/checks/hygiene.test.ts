// Hygiene: unused-object (information). expect-failed and unused-suppression are tested with
// the code that reports them.

import { describe, expect, it } from 'vitest';
import { check } from '../helpers/check';

describe('unused-object', () => {
  it('an iommu, an irqchip, a group and a domain nothing refers to', () => {
    const a = check(`backend iommufd
iommu smmu0 { model smmuv3 }
iommu smmu1 { model smmuv3 }
//    ^^^^^ unused-object: iommu 'smmu1'
irqchip its0 { model gicv3-its  base 0x0808_0000 }
irqchip v2m { model gicv2m  base 0x0802_0000 }
//      ^^^ unused-object: irqchip 'v2m'
device nic { iommu smmu0  msi its0  driver vfio-pci }
device sata { iommu smmu0  driver ahci }
device sata1 { iommu smmu0  driver ahci }
group host_sata { sata sata1 }
//    ^^^^^^^^^ unused-object: group 'host_sata'
domain vm : paging { attach nic  map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain spare : paging {
//     ^^^^^ unused-object: nothing attached
}
`);
    expect(a.diagnostics.every((d) => d.severity === 'information')).toBe(true);
  });
  it('T10: an IOAS with maps and no devices is legal and stays silent', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
domain ioas : paging {
    map 0x0 -> 0x80_0000_0000 size 0x1800_0000
    map 0x1_0000_0000 -> 0x80_1000_0000 size 1G
}
device nic { driver vfio-pci }
`);
  });
  it('an empty domain nothing uses is reported', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
domain leftover : paging { }
//     ^^^^^^^^ unused-object: no maps, nothing attached
device nic { driver vfio-pci }
`);
  });
  it('uses by default: the only iommu, a group whose member is attached, a nest parent', () => {
    check(`backend iommufd
page-size 4K
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
device gpu { pci 0000:01:00.0  msi its0  driver vfio-pci }
device gpu_audio { pci 0000:01:00.1  driver vfio-pci }
group grp { gpu gpu_audio }
domain s2 : paging {
    nest-parent
    map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
domain guest : nested {
    parent s2
    attach gpu
    rmr 0x800_0000 size 1M
    map 0x1_0000_0000 -> 0x4000_0000 size 1G
}
`);
  });
  it('a group written with its default domain type is in use by that domain, as every group of a running kernel', () => {
    check(`iommu smmu0 { model smmuv3 }
device sata { driver ahci }
device sata1 { driver ahci }
group host_sata : dma { sata sata1 }
device nvme { driver nvme }
group host_nvme : identity { nvme }
`);
  });
  it('an irqchip named only by a map target or an expect is used', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3  sw-msi none }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
irqchip its1 { model gicv3-its  base 0x0810_0000 }
device nic { msi its0  driver vfio-pci }
domain vm : paging {
    attach nic
    map 0x0809_0000 -> its0 size 4K w
}
expect nic write 0x0809_0040 -> its0
expect nic 0x0812_0000 fault
domain vm2 : paging {
    iommu smmu0
    map 0x1000 -> its1 size 4K w
}
`);
  });
  it('silent while a name is unresolved (the missing use may be the typo)', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
device nic { msi its1  driver vfio-pci }
//               ^^^^ unknown-name
`);
  });
});
