// Kernel fidelity: `kernel X.Y` and `unsupported-feature`, reservations that follow the backend,
// the minimum page under VFIO type1, prepared iommufd page tables, MSI slots and cookies as
// the kernel makes them, one failure reported once, and PASID-only devices.
//
// Each behaviour has a fixture that fires and a near miss that stays silent. The kernel
// functions behind each rule are named in the test titles' comments.

import { describe, it } from 'vitest';
import { check } from '../helpers/check';

const ITS = `irqchip its0 { model gicv3-its  base 0x0808_0000 }
`;

describe('unsupported-feature', () => {
  it('a nested domain under vfio-type1', () => {
    check(`backend vfio-type1
iommu smmu0 { model smmuv3 }
${ITS}device vf { pci 01:00.0  msi its0  driver vfio-pci }
domain s2 : paging { nest-parent  map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested { parent s2  attach vf  rmr 0x800_0000 size 1M }
//             ^^^^^^ unsupported-feature: the VFIO type1 container has no nested domains
`);
  });
  it('a nest parent alone: under vfio-type1, under dma-api, before 6.7', () => {
    check(`backend vfio-type1
iommu smmu0 { model smmuv3 }
device vf { pci 01:00.0  driver vfio-pci }
domain s2 : paging { nest-parent  attach vf  map 0x4000_0000 -> 0x80_0000_0000 size 1G }
//                   ^^^^^^^^^^^ unsupported-feature: the VFIO type1 container cannot allocate a nest parent
`);
    check(`backend dma-api
iommu smmu0 { model smmuv3 }
device nic { pci 01:00.0  driver ixgbe }
domain s2 : paging { nest-parent  attach nic }
//                   ^^^^^^^^^^^ unsupported-feature: kernel drivers using the DMA API never allocate a nest parent
`);
    check(`kernel 6.6
iommu smmu0 { model smmuv3 }
device vf { pci 01:00.0  driver vfio-pci }
domain s2 : paging { nest-parent  attach vf }
//                   ^^^^^^^^^^^ unsupported-feature: kernel 6.6 has no IOMMU_HWPT_ALLOC_NEST_PARENT (it arrived with nested HWPTs in v6.7)
`);
  });
  it('near miss: a nest parent alone under iommufd from 6.7', () => {
    check(`kernel 6.7
iommu smmu0 { model smmuv3 }
device vf { pci 01:00.0  driver vfio-pci }
domain s2 : paging { nest-parent  attach vf }
`);
  });
  it("a device's own sw-msi window is an iommufd option; the refused window takes no part in the checks", () => {
    check(`backend vfio-type1
iommu smmu0 { model smmuv3 }
${ITS}device vf { pci 01:00.0  msi its0  driver vfio-pci  sw-msi 0x7000_0000 size 2M }
//                                                  ^^^^^^^^^^^^^^^^^^^^^^^^^^ unsupported-feature: the VFIO type1 container takes the IOMMU driver's SW_MSI window as it is
domain vm : paging { attach vf  map 0x7000_0000 -> 0x1_0000_0000 size 2M }
`);
  });
  it('a PASID attachment under vfio-type1', () => {
    check(`backend vfio-type1
iommu smmu0 { model smmuv3 }
device acc { pci 03:00.0  driver vfio-pci  pasid 8 }
domain rid : paging { attach acc }
domain sva : paging { attach acc pasid 5 }
//                    ^^^^^^^^^^^^^^^^^^ unsupported-feature: attaches whole groups by RID only
`);
  });
  it('backend iommufd on a 5.x kernel; the version is reported when the backend is the default', () => {
    check(`backend iommufd
//      ^^^^^^^ unsupported-feature: kernel 5.15 has no iommufd
kernel 5.15
iommu smmu0 { model smmuv3 }
device nic { pci 01:00.0  driver vfio-pci }
domain vm : paging { attach nic }
`);
    check(`kernel 6.1
//     ^^^ unsupported-feature: the default backend
iommu smmu0 { model smmuv3 }
device nic { pci 01:00.0  driver vfio-pci }
domain vm : paging { attach nic }
`);
  });
  it('near miss: VFIO type1 on the same old kernel, iommufd from 6.2', () => {
    check(`backend vfio-type1
kernel 5.10
iommu smmu0 { model smmuv3 }
device nic { pci 01:00.0  driver vfio-pci }
domain vm : paging { attach nic }
`);
    check(`backend iommufd
kernel 6.2
iommu smmu0 { model smmuv3 }
device nic { pci 01:00.0  driver vfio-pci }
domain vm : paging { attach nic }
`);
  });
  it('nested domains before 6.7, and before the IOMMU driver supports them (VT-d 6.8, SMMUv3 6.13)', () => {
    const nested = (kernel: string, model: string, marker: string) => `backend iommufd
kernel ${kernel}
iommu io0 { model ${model} }
device vf { pci 01:00.0  driver vfio-pci }
domain s2 : paging { nest-parent  map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested { parent s2  attach vf }
${marker}`;
    check(nested('6.6', 'vtd', '//             ^^^^^^ unsupported-feature: arrived in v6.7\n'));
    check(nested('6.7', 'vtd', '//             ^^^^^^ unsupported-feature: the VT-d driver allocates nested domains from v6.8\n'));
    check(nested('6.8', 'vtd', ''));
    check(nested('6.12', 'smmuv3', '//             ^^^^^^ unsupported-feature: the SMMUv3 driver allocates nested domains from v6.13\n'));
    check(nested('6.13', 'smmuv3', ''));
  });
  it('PASID attachments through iommufd before 6.15; the refused attachment takes no part in the other checks', () => {
    check(`backend iommufd
kernel 6.12
iommu smmu0 { model smmuv3 }
device acc { pci 03:00.0  driver vfio-pci  pasid 8 }
device acc_fn1 { pci 03:00.1  driver vfio-pci }
group g { acc acc_fn1 }
domain sva : paging { attach acc pasid 5 }
//                    ^^^^^^^^^^^^^^^^^^ unsupported-feature: VFIO_DEVICE_PASID_ATTACH_IOMMUFD_PT arrived in v6.15
`);
    check(`backend iommufd
kernel 6.15
iommu smmu0 { model smmuv3 }
device acc { pci 03:00.0  driver vfio-pci  pasid 8 }
domain sva : paging { attach acc pasid 5 }
`);
  });
  it('a kernel version that is not MAJOR.MINOR', () => {
    check(`kernel 6
//     ^ bad-value: write MAJOR.MINOR
backend vfio-type1
`);
    check(`kernel 6.8.12
backend vfio-type1
`);
  });
});

describe('reservations follow the backend', () => {
  const sibling = (backend: string, kernel = '') => `backend ${backend}
${kernel}
iommu smmu0 { model smmuv3 }
device gpu { pci 01:00.0  driver vfio-pci }
device port { pci 00:01.0  driver pcieport  reserved 0x9000_0000 size 1M reserved }
group g { gpu port }
domain vm : paging {
  attach gpu
  map 0x8000_0000 -> 0x80_0000_0000 size 1G
`;
  it('vfio-type1: a pcieport sibling\'s region is reserved in the domain (iommu_get_group_resv_regions)', () => {
    check(`${sibling('vfio-type1')}//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: of device 'port'
}
`);
  });
  it('near miss: iommufd enforces only the devices bound to it (iommufd_device_attach_reserved_iova)', () => {
    check(`${sibling('iommufd')}}
`);
  });
  it('iommufd before 6.4 enforced the whole group', () => {
    check(`${sibling('iommufd', 'kernel 6.3')}//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: of device 'port'
}
`);
  });
  it('dma-api: an identity map over a direct region is what firmware needs; the kernel refuses none of these maps', () => {
    check(`backend dma-api
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device gfx { pci 00:02.0  msi ir0  driver i915  reserved 0x7b80_0000 size 8M direct }
domain gtt : paging {
  attach gfx
  map 0x7b80_0000 -> 0x7b80_0000 size 8M
  map 0xfd_0000_0000 -> 0x1_0000_0000 size 1G
}
`);
  });
  it('dma-api: a non-identity map over a direct region, and one over the hardware MSI window, break the device', () => {
    check(`backend dma-api
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device gfx { pci 00:02.0  msi ir0  driver i915  reserved 0x7b80_0000 size 8M direct }
domain gtt : paging {
  attach gfx
  map 0x7b80_0000 -> 0x2_0000_0000 size 8M
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: the kernel does not refuse it
  map 0xfee0_0000 -> 0x2_1000_0000 size 1M
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: the kernel does not refuse it
}
`);
  });
});

describe('minimum page', () => {
  const cfg = (backend: string, map: string, marker = '') => `backend ${backend}
page-size 64K
iommu smmu0 { model smmuv3  pgsizes 4K 2M 1G }
device nic { pci 01:00.0  driver vfio-pci }
domain vm : paging {
  attach nic
  ${map}
${marker}}
`;
  it('vfio-type1 raises the IOMMU\'s 4K to the 64K PAGE_SIZE (vfio_update_pgsize_bitmap)', () => {
    check(cfg('vfio-type1', 'map 0x4000_1000 -> 0x80_0000_1000 size 4K', '//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-unaligned: 64K minimum page\n'));
  });
  it('near miss: a 64K-aligned map under vfio-type1; the same 4K map under iommufd', () => {
    check(cfg('vfio-type1', 'map 0x4001_0000 -> 0x80_0001_0000 size 64K'));
    check(cfg('iommufd', 'map 0x4000_1000 -> 0x80_0000_1000 size 4K'));
  });
});

describe('a prepared iommufd paging HWPT', () => {
  it('T10 with its IOMMU\'s rules: an unattached paging domain under iommufd is allocated and added to its IOAS', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3  ias 40 }
domain prepared : paging {
  map 0x0 -> 0x80_0000_0000 size 0x1800
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-unaligned
  map 0x100_0000_0000 -> 0x80_1000_0000 size 1G
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-outside-aperture
}
device nic { pci 01:00.0  driver vfio-pci }
`);
  });
  it('T10: near miss, the same maps under vfio-type1 (no domain before the first group) and aligned ones under iommufd', () => {
    check(`backend vfio-type1
iommu smmu0 { model smmuv3  ias 40 }
domain prepared : paging {
  map 0x0 -> 0x80_0000_0000 size 0x1800
  map 0x100_0000_0000 -> 0x80_1000_0000 size 1G
}
device nic { pci 01:00.0  driver vfio-pci }
`);
    check(`backend iommufd
iommu smmu0 { model smmuv3  ias 40 }
domain prepared : paging {
  map 0x0 -> 0x80_0000_0000 size 2M
}
device nic { pci 01:00.0  driver vfio-pci }
`);
  });
});

describe('MSI slots and cookies', () => {
  it('a device with driver none or pci-stub allocates no MSIs: no slot, no doorbell check', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3  sw-msi 0x800_0000 size 4K }
${ITS}irqchip its1 { model gicv3-its  base 0x0900_0000 }
device idle { pci 01:00.0  msi its0 }
device stub { pci 01:00.1  msi its0  driver pci-stub }
device nic { pci 01:00.2  msi its1  driver vfio-pci }
domain vm : paging { attach idle  attach stub  attach nic  map 0x800_0000 -> 0x80_0000_0000 size 4K }
//                                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved
`);
  });
  it('a slot past the window is mapped and resolves; sw-msi-exhausted names the IOVA the kernel used', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3  sw-msi 0x800_0000 size 4K }
${ITS}irqchip its1 { model gicv3-its  base 0x0900_0000 }
device vf0 { pci 01:00.1  msi its0  driver vfio-pci }
device vf1 { pci 01:00.2  msi its1  driver vfio-pci }
//                            ^^^^ sw-msi-exhausted: maps it at IOVA 0x8001000
domain vm : paging { attach vf0  attach vf1 }
expect vf1 write 0x800_1040 -> its1
`);
  });
  it('T13: vfio-type1, the first attached group reports a hardware MSI region: no cookie, translated MSIs fail from 6.15', () => {
    const cfg = (kernel: string, marker: string) => `backend vfio-type1
${kernel}
iommu smmu0 { model smmuv3 }
${ITS}irqchip hwits { model gicv3-its  base 0xC600_0000 }
device d05 { pci 81:10.0  msi hwits  driver vfio-pci  reserved 0xC601_0000..0xC601_FFFF msi }
device nic { pci 82:00.0  msi its0  driver vfio-pci }
${marker}domain vm : paging { attach d05  attach nic  map 0x4000_0000 -> 0x20_0000_0000 size 1G }
`;
    check(cfg('', '//                            ^^^^ unmapped-doorbell: -EOPNOTSUPP\n'));
    check(cfg('kernel 6.14', '//                            ^^^^ unmapped-doorbell: maps nothing at 0x8090040\n'));
  });
  it('near miss: the group with the hardware MSI region attached second joins the cookie of the first', () => {
    check(`backend vfio-type1
iommu smmu0 { model smmuv3 }
${ITS}irqchip hwits { model gicv3-its  base 0xC600_0000 }
device d05 { pci 81:10.0  msi hwits  driver vfio-pci  reserved 0xC601_0000..0xC601_FFFF msi }
device nic { pci 82:00.0  msi its0  driver vfio-pci }
domain vm : paging { attach nic  attach d05  map 0x4000_0000 -> 0x20_0000_0000 size 1G }
expect nic write 0x800_0040 -> its0
`);
  });
});

describe('one failure, reported once', () => {
  it('require-direct and a map over the direct region: the ownership claim is refused first', () => {
    check(`backend vfio-type1
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device gfx { pci 00:02.0  msi ir0  driver vfio-pci  reserved 0x7b80_0000 size 8M direct }
domain vm : paging {
  attach gfx
//^^^^^^^^^^ require-direct
  map 0x0 -> 0x1_0000_0000 size 4G
}
`);
  });
  it('before v6.3 only the VT-d driver refuses an RMRR device (-EPERM); an SMMU with an IORT RMR attaches, and the map over it is refused', () => {
    check(`backend vfio-type1
kernel 6.1
iommu dmar0 { model vtd }
device gfx { pci 00:02.0  driver vfio-pci  reserved 0x7b80_0000 size 8M direct }
domain vm : paging {
  attach gfx
//^^^^^^^^^^ require-direct: -EPERM
  map 0x0 -> 0x1_0000_0000 size 4G
}
`);
    check(`backend vfio-type1
kernel 6.1
iommu smmu0 { model smmuv3 }
device nic { pci 05:00.0  driver vfio-pci  reserved 0xEC00_0000 size 64K direct }
domain vm : paging {
  attach nic
  map 0xE000_0000 -> 0x1_0000_0000 size 256M
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: direct region
}
`);
  });
  it('a misspelled model: the device behind that IOMMU gets no semantic checks', () => {
    check(`backend iommufd
iommu smmu0 { modle smmuv3 }
//    ^^^^^ missing-property
//            ^^^^^ syntax
${ITS}device nic { msi its0  driver vfio-pci }
domain vm : paging { attach nic  map 0x0 -> 0x80_0000_0000 size 1G }
`);
  });
});

describe('PASID-only devices', () => {
  it('under iommufd the RID of a device attached only by PASID is blocked: its MSIs cannot get out', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
${ITS}device acc { pci 03:00.0  msi its0  driver vfio-pci  pasid 8 }
//                            ^^^^ unmapped-doorbell: blocked
domain sva : paging { attach acc pasid 5  map 0x1000_0000 -> 0x81_0000_0000 size 1M }
expect acc 0x1000_0000 fault
expect acc pasid 5 0x1000_0000 -> 0x81_0000_0000
`);
  });
  it('near miss: x86 interrupts never go through the RID domain\'s page table', () => {
    check(`backend iommufd
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device acc { pci 03:00.0  msi ir0  driver vfio-pci  pasid 8 }
domain sva : paging { attach acc pasid 5  map 0x1000_0000 -> 0x81_0000_0000 size 1M }
`);
  });
});
