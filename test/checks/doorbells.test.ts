// MSI doorbell checks: unmapped-doorbell, sw-msi-exhausted, msi-bind-multiple, doorbell-shared,
// rmr-mismatch. Every fixture is a complete configuration; carets mark the expected anchors.
//
// Misconfigurations covered here: M24 (no doorbell route: no SW_MSI window, dma-api paging),
// M25 (programmed with the physical doorbell), M26 (doorbell IOVA shadowed by RAM), M27
// (read-only doorbell map), M28 (window exhausted, 65th iommufd map), M31 (nested, no RMR),
// M32 (host window ≠ guest RMR), M33 (relaxable vRMR: the guest's own user domain has no
// identity map), M35 (msi-bind chain broken at stage 2, or host IOVA programmed), M36 (two
// bindings, two doorbells in one binding). Traps: T4, T5, T6, T8, T9, T15, T20.
//
// Not expressible in the language (no syntax for the objects involved): M39 (vIOMMU/vDEVICE
// objects, virt_ids), M40 (vSTE bits other than stage1 translate/bypass/abort), M41 (host SSIDs
// in use at nested attach), M44 (object lifetime: destroy order), M45 (dirty tracking flags),
// M46 (sysfs default-domain type changes, CAP_SYS_RAWIO); also the S1/S2 granule mismatch of
// M36 (a binding has no granule of its own) and the MMIO/cacheable attribute half of M27.

import { describe, expect, it } from 'vitest';
import { check } from '../helpers/check';

const ARM = `backend iommufd
page-size 4K
iommu smmu0 { model smmuv3 ias 48 oas 44 }
irqchip its0 { model gicv3-its base 0x0808_0000 }   // doorbell 0x0809_0040
`;

describe('unmapped-doorbell', () => {
  it('M24: a paging domain without SW_MSI window maps nothing at the physical doorbell', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 sw-msi none }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nic { pci 01:00.0 msi its0 driver vfio-pci }
//                           ^^^^ unmapped-doorbell: has no SW_MSI window
domain vm : paging {
  attach nic
  map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
`);
  });

  it('near miss: the same domain with an explicit doorbell map at the physical address', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 sw-msi none }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nic { pci 01:00.0 msi its0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x0809_0000 -> its0 size 4K w
  map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
`);
  });

  it('M24: dma-api backend: a driver-owned paging domain has no MSI cookie (-EOPNOTSUPP from v6.15)', () => {
    check(`backend dma-api
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device accel { msi its0 driver my_accel }
//                 ^^^^ unmapped-doorbell: from v6.15 iommu_dma_prepare_msi refuses translated MSIs there (-EOPNOTSUPP)
domain drv : paging {
  attach accel
  map 0x1000_0000 -> 0x80_0000_0000 size 16M
}
`);
  });

  it('M24 before v6.15: the physical doorbell is programmed and the paging domain maps nothing there', () => {
    check(`backend dma-api
kernel 6.6
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device accel { msi its0 driver my_accel }
//                 ^^^^ unmapped-doorbell: maps nothing at 0x8090040
domain drv : paging {
  attach accel
  map 0x1000_0000 -> 0x80_0000_0000 size 16M
}
`);
  });

  it('near miss: dma-api backend with a dma domain (the kernel allocates the doorbell IOVA)', () => {
    check(`backend dma-api
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device accel { msi its0 driver my_accel }
domain drv : dma {
  attach accel
}
`);
  });

  it('M25: programmed with the physical GITS_TRANSLATER while the kernel maps slot 0', () => {
    const a = check(`${ARM}
device nic { pci 01:00.0 msi its0 at 0x0809_0040 driver vfio-pci }
//                           ^^^^ unmapped-doorbell: must be programmed with 0x8000040
domain dpdk : paging {
  attach nic
  map 0x1_0000_0000 -> 0x88_0000_0000 size 1G
}
`);
    const d = a.diagnostics[0]!;
    expect(d.message).toContain("'dpdk' maps nothing at 0x8090040");
    expect(d.related.some((r) => r.message.includes('SW_MSI window'))).toBe(true);
  });

  it('near miss: programmed with the SW_MSI slot address', () => {
    check(`${ARM}
device nic { pci 01:00.0 msi its0 at 0x0800_0040 driver vfio-pci }
domain dpdk : paging {
  attach nic
  map 0x1_0000_0000 -> 0x88_0000_0000 size 1G
}
`);
  });

  it('M26: the programmed IOVA is mapped to RAM', () => {
    const a = check(`backend iommufd
iommu smmu0 { model smmuv3 sw-msi none }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nic { pci 01:00.0 msi its0 driver vfio-pci }
//                           ^^^^ unmapped-doorbell: PA 0x8000090040 is memory, not the doorbell page 0x8090000 of its0
domain vm : paging {
  attach nic
  map 0x0800_0000 -> 0x80_0000_0000 size 16M
}
`);
    expect(a.diagnostics[0]!.related.some((r) => r.message.startsWith('the map that was hit'))).toBe(true);
  });

  it('M27: the doorbell map is read-only', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 sw-msi none }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nic { pci 01:00.0 msi its0 driver vfio-pci }
//                           ^^^^ unmapped-doorbell: read-only (map (0x8090000..0x8090fff
domain vm : paging {
  attach nic
  map 0x0809_0000 -> its0 size 4K r
}
`);
  });

  it('lands on another irqchip\'s doorbell', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 sw-msi none }
irqchip its0 { model gicv3-its base 0x0808_0000 }
irqchip its1 { model gicv3-its base 0x0900_0000 }
device nic { pci 01:00.0 msi its0 driver vfio-pci }
//                           ^^^^ unmapped-doorbell: the doorbell page of another irqchip, its1
device nic2 { pci 01:00.1 msi its1 driver vfio-pci }
domain vm : paging {
  attach nic
  attach nic2
  map 0x0809_0000 -> its1 size 4K w
  map 0x0901_0000 -> its1 size 4K w
}
`);
  });

  it('a blocked domain refuses the MSI write', () => {
    check(`${ARM}
device nic { pci 01:00.0 msi its0 driver vfio-pci }
//                           ^^^^ unmapped-doorbell: is blocked
domain off : blocked { attach nic }
`);
  });

  it('M31: nested, stage 1 translating, no RMR for the SW_MSI window', () => {
    check(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci }
//                          ^^^^ unmapped-doorbell: no rmr / identity map covers gIOVA 0x8000040
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
domain guest : nested {
  parent s2
  stage1 translate
  attach vf
  map 0x1_0000_0000 -> 0x4000_0000 size 1G
}
`);
  });

  it('M33: a remap-permitted vRMR is dropped in the guest\'s own user domain (no identity map there)', () => {
    // The guest moved the VF from its DMA domain (which honoured the relaxable RMR) into a
    // domain of its own VFIO user: stage 1 now has no identity map over the window.
    check(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci }
//                          ^^^^ unmapped-doorbell: stage-1 miss
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
domain guest_vfio : nested {
  parent s2
  attach vf
  map 0x1000_0000 -> 0x4000_0000 size 256M
}
`);
  });

  it('M35: msi-bind, the guest maps gIOVA to the vITS page but stage 2 binds another GPA', () => {
    check(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci }
//                          ^^^^ unmapped-doorbell: stage-2 miss: IPA 0x8090040
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
domain guest : nested {
  parent s2
  attach vf
  msi-bind 0xFFBF_0000 -> 0x0808_0000 size 4K
  map 0xFFBF_0000 -> 0x0809_0000 size 4K w
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ s2-unmapped
  map 0x1_0000_0000 -> 0x4000_0000 size 1G
}
`);
  });

  it('M35: msi-bind domain but the device is programmed with the host IOVA', () => {
    check(`${ARM}
device vf { pci 01:00.1 msi its0 at 0x0800_0040 driver vfio-pci }
//                          ^^^^ unmapped-doorbell: stage-1 miss
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
domain guest : nested {
  parent s2
  attach vf
  msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
  map 0xFFBF_0000 -> 0x0809_0000 size 4K w
}
`);
  });

  it('near miss: the complete msi-bind chain', () => {
    check(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci }
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
domain guest : nested {
  parent s2
  attach vf
  msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
  map 0xFFBF_0000 -> 0x0809_0000 size 4K w
}
expect vf write 0xFFBF_0040 -> its0
`);
  });

  it('nested stage 1 abort', () => {
    check(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci }
//                          ^^^^ unmapped-doorbell: set to abort
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
domain guest : nested { parent s2 stage1 abort attach vf }
`);
  });

  it('a device whose MSIs go to a broken irqchip stays silent', () => {
    check(`${ARM}
irqchip bad { model gicv3-its }
//      ^^^ missing-property
device vf { pci 01:00.1 msi bad driver vfio-pci }
device nic { pci 01:00.2 msi its0 driver vfio-pci }
domain vm : paging { attach vf attach nic }
`);
  });
});

describe('traps (no diagnostic)', () => {
  it('T4: x86 device with no doorbell map anywhere', () => {
    check(`backend iommufd
iommu dmar0 { model vtd }
irqchip ir { model x86-remap }
device gpu { pci 0000:01:00.0 msi ir driver vfio-pci }
device gpu_audio { pci 0000:01:00.1 msi ir driver vfio-pci }
group g { gpu gpu_audio }
domain vm : paging {
  attach g
  map 0x0 -> 0x1_0000_0000 size 2G
  map 0x1_0000_0000 -> 0x2_0000_0000 size 4G
}
expect gpu write 0xFEE0_0000 -> ir
`);
  });

  it('T5: Arm device in an identity domain with no doorbell map', () => {
    check(`${ARM}
device nvme { pci 00:01.0 msi its0 driver nvme }
domain pt : identity { attach nvme }
expect nvme write 0x0809_0040 -> its0
`);
  });

  it('T5: identity as the default domain', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 default-domain identity }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nvme { pci 00:01.0 msi its0 driver nvme }
`);
  });

  it('T6: dma domain whose direct-relaxable identity map covers 0x8000000', () => {
    check(`${ARM}
device hba { pci 00:02.0 msi its0 driver ahci reserved 0x100_0000..0x10FF_FFFF direct-relaxable }
domain host : dma { attach hba }
`);
  });

  it('T8: the same doorbell reached through several domains (one slot, one IOVA)', () => {
    const a = check(`${ARM}
device vf0 { pci 01:00.1 msi its0 driver vfio-pci }
device vf1 { pci 01:00.2 msi its0 driver vfio-pci }
device vf2 { pci 01:00.3 msi its0 driver vfio-pci }
domain vm_a : paging { attach vf0 map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain vm_b : paging { attach vf1 map 0x4000_0000 -> 0x81_0000_0000 size 1G }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x82_0000_0000 size 1G }
domain guest : nested { parent s2 stage1 bypass attach vf2 }
expect vf0 write 0x0800_0040 -> its0
expect vf1 write 0x0800_0040 -> its0
expect vf2 write 0x0800_0040 -> its0
`);
    expect(new Set([...a.tx.deviceSlots.values()].map((s) => s.address)).size).toBe(1);
  });

  it('T9 + T15: several nested domains on one parent, several devices on one, RMR approach; GPA 0x800_0000 is the vGICD', () => {
    check(`${ARM}
device vf0 { pci 01:00.1 msi its0 driver vfio-pci }
device vf1 { pci 01:00.2 msi its0 driver vfio-pci }
device vf2 { pci 01:00.3 msi its0 driver vfio-pci }
// stage 2: guest RAM from 0x4000_0000; GPA 0x800_0000 (the guest's vGIC distributor) is
// emulated and is not part of the IOAS: the same number as the host SW_MSI base, no conflict
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 2G
}
domain guest_a : nested {
  parent s2
  attach vf0
  attach vf1
  rmr 0x800_0000 size 1M
  map 0x1_0000_0000 -> 0x4000_0000 size 1G
}
domain guest_b : nested {
  parent s2
  attach vf2
  rmr 0x800_0000 size 1M
  map 0x1_0000_0000 -> 0x8000_0000 size 1G
}
expect vf0 write 0x800_0040 -> its0
expect vf2 write 0x800_0040 -> its0
expect vf2 0x1_0000_1000 -> 0x80_4000_1000
`);
  });

  it('T20: nested stage1 bypass without an rmr', () => {
    check(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested { parent s2 stage1 bypass attach vf }
expect vf write 0x800_0040 -> its0
`);
  });

  it('D05-style: the ITS doorbell in a hardware msi region is delivered untranslated', () => {
    check(`backend vfio-type1
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0xc600_0000 }
device nic { pci 7d:00.0 msi its0 driver vfio-pci reserved 0xc600_0000 size 128K msi }
domain vm : paging { attach nic map 0x4000_0000 -> 0x80_0000_0000 size 1G }
expect nic write 0xc601_0040 -> its0
`);
  });
});

describe('sw-msi-exhausted', () => {
  it('M28: the window holds fewer pages than distinct doorbells', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 sw-msi 0x800_0000 size 4K }
irqchip its0 { model gicv3-its base 0x0808_0000 }
irqchip its1 { model gicv3-its base 0x0900_0000 }
device vf0 { pci 01:00.1 msi its0 driver vfio-pci }
device vf1 { pci 01:00.2 msi its1 driver vfio-pci }
//                           ^^^^ sw-msi-exhausted: holds 1 page
domain vm : paging { attach vf0 attach vf1 map 0x4000_0000 -> 0x80_0000_0000 size 1G }
`);
  });

  it('near miss: one doorbell shared by both devices fits the one-page window', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 sw-msi 0x800_0000 size 4K }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device vf0 { pci 01:00.1 msi its0 driver vfio-pci }
device vf1 { pci 01:00.2 msi its0 driver vfio-pci }
domain vm : paging { attach vf0 attach vf1 map 0x4000_0000 -> 0x80_0000_0000 size 1G }
`);
  });

  it('near miss: vfio-type1 hands out slots per domain, so each domain has room', () => {
    check(`backend vfio-type1
iommu smmu0 { model smmuv3 sw-msi 0x800_0000 size 4K }
irqchip its0 { model gicv3-its base 0x0808_0000 }
irqchip its1 { model gicv3-its base 0x0900_0000 }
device vf0 { pci 01:00.1 msi its0 driver vfio-pci }
device vf1 { pci 01:00.2 msi its1 driver vfio-pci }
domain vm_a : paging { attach vf0 map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain vm_b : paging { attach vf1 map 0x4000_0000 -> 0x81_0000_0000 size 1G }
expect vf1 write 0x800_0040 -> its1
`);
  });

  it('M28: the 65th doorbell of one iommufd context (-EOVERFLOW)', () => {
    const n = 65;
    let text = 'backend iommufd\niommu smmu0 { model smmuv3 }\n';
    for (let i = 0; i < n; i++) text += `irqchip its${i} { model gicv3-its base ${'0x' + (0x1000_0000 + i * 0x2_0000).toString(16)} }\n`;
    for (let i = 0; i < n; i++) {
      text += `device d${i} { pci 01:${(i >> 3).toString(16)}.${i & 7} msi its${i} driver vfio-pci }\n`;
      if (i === n - 1) text += `//                          ^^^^^ sw-msi-exhausted: 65th\n`;
    }
    text += 'domain vm : paging {\n' + Array.from({ length: n }, (_, i) => `  attach d${i}\n`).join('') + '  map 0x4000_0000 -> 0x80_0000_0000 size 1G\n}\n';
    text += 'expect d63 write 0x803_f040 -> its63\n';
    check(text);
  });
});

describe('msi-bind-multiple and doorbell-shared', () => {
  it('M36: two bindings in one nested domain', () => {
    check(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
  attach vf
  msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
  map 0xFFBF_0000 -> 0x0809_0000 size 4K w
  msi-bind 0xFFBE_0000 -> 0x080A_0000 size 4K
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ msi-bind-multiple: already has an msi-bind
}
`);
  });

  it('M36: devices behind two ITSes share one binding', () => {
    check(`${ARM}
irqchip its1 { model gicv3-its base 0x0900_0000 }
device vf0 { pci 01:00.1 msi its0 driver vfio-pci }
device vf1 { pci 02:00.1 msi its1 driver vfio-pci }
//                           ^^^^ unmapped-doorbell: the doorbell page of another irqchip, its0
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
  attach vf0
  attach vf1
//^^^^^^^^^^ doorbell-shared: binds one doorbell
  msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
  map 0xFFBF_0000 -> 0x0809_0000 size 4K w
}
`);
  });

  it('near miss: two devices on the same ITS share one binding', () => {
    check(`${ARM}
device vf0 { pci 01:00.1 msi its0 driver vfio-pci }
device vf1 { pci 02:00.1 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
  attach vf0
  attach vf1
  msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
  map 0xFFBF_0000 -> 0x0809_0000 size 4K w
}
expect vf1 write 0xFFBF_0040 -> its0
`);
  });
});

describe('rmr-mismatch', () => {
  const m32 = (rmr: string, marker: string) => `backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device vf { pci 01:00.1 msi its0 driver vfio-pci sw-msi 0x7000_0000 size 1M }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 512M }
domain guest : nested {
  parent s2
  attach vf
  ${rmr}
${marker}
  map 0x1_0000_0000 -> 0x4000_0000 size 256M
}
`;
  it('M32: the host moved its window, the VMM still advertises RMR 0x800_0000', () => {
    check(m32('rmr 0x800_0000 size 1M', '//^^^^^^^^^^^^^^^^^^^^^^ rmr-mismatch: differs from the host SW_MSI window 0x70000000..0x700fffff'));
  });
  it('near miss: RMR equal to the moved window', () => {
    check(m32('rmr 0x7000_0000 size 1M', ''));
  });
  it('M31 is not rmr-mismatch: a translating guest with a window but no rmr is a stage-1 miss', () => {
    check(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci }
//                          ^^^^ unmapped-doorbell: stage-1 miss
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested { parent s2 attach vf map 0x1_0000_0000 -> 0x4000_0000 size 1G }
`);
  });
  it('near miss: an rmr in a bypass guest is irrelevant to MSIs', () => {
    check(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci sw-msi 0x7000_0000 size 1M }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 512M }
domain guest : nested { parent s2 stage1 bypass attach vf rmr 0x800_0000 size 1M }
`);
  });
});
