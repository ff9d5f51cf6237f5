// Reserved regions and address space: map-overlaps-reserved, map-overlap, map-unaligned,
// map-outside-aperture, output-outside-range, pgsize-unsupported, sw-msi-conflict,
// sw-msi-window.
//
// Misconfigurations of domain.md §5.2–§5.5 covered here: M8, M9, M12 (with isolation.test.ts),
// M13, M16, M17, M19, M20, M21, M29, M34, M37. Not expressible in the language:
// - M10 (allowed IOVA lists): there is no IOAS_ALLOW_IOVAS statement.
// - M14 (DT iommu-addresses with IOVA ≠ phys downgraded to `reserved`): the language takes the
//   region type the kernel ends up with; the intent "this was meant as identity" cannot be
//   written, and what remains is an ordinary `reserved` region (M8 if mapped over).
// - M15 (badly formed IORT RMR): descriptor alignment, IORT revision and ID-mapping counts
//   are firmware encodings; the kernel only warns (FW_BUG) and the language has no IORT form.
// - M18 (vIOMMU wider than the host): `viommu-width`, in viommu.test.ts.
// - M22 (partial unmap): there is no unmap statement.
// - M23 (more than 65535 VFIO mappings): expressible in principle, but the catalogue has no
//   code for it.
// - M37's "set after attach" (-EBUSY) and overflow (-EOVERFLOW): a static configuration has no
//   order of operations, and a wrapping range is already `bad-number`.
// M17 (narrower domain attached over existing high mappings) has no order either; its end state
// is a map beyond the aperture of the attached instance, i.e. M16.

import { describe, expect, it } from 'vitest';
import { check } from '../helpers/check';

const ARM = `backend iommufd
page-size 4K
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
`;

const X86 = `backend iommufd
page-size 4K
iommu dmar0 { model vtd  ias 39  oas 39 }
irqchip ir0 { model x86-remap }
`;

describe('map-overlaps-reserved', () => {
  it('M8 (Arm): guest RAM from GPA 0 covers the SW_MSI window', () => {
    check(`${ARM}
device nvme_vf { pci 0000:03:00.1  msi its0  driver vfio-pci }
domain vm : paging {
    attach nvme_vf
    map 0x0 -> 0x87_0000_0000 size 2G rw
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: intersects the sw-msi window 0x8000000..0x80fffff of device 'nvme_vf'
}
`);
  });
  it('M8 (x86): a peer-to-peer BAR placed in the interrupt window', () => {
    check(`${X86}
device gpu { pci 0000:01:00.0  msi ir0  driver vfio-pci }
domain vm : paging {
    attach gpu
    map 0x0 -> 0x1_0000_0000 size 2G
    map 0xFEE0_0000 -> 0x60_0000_0000 size 1M
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: hardware MSI window 0xfee00000..0xfeefffff
}
`);
  });
  it('M9 under vfio-type1: the area exists where the attached device reserves', () => {
    check(`backend vfio-type1
iommu smmu0 { model smmuv3 }
device fpga { pci 0000:09:00.0  driver vfio-pci  reserved 0x2000_0000 size 16M reserved }
domain vm : paging {
    attach fpga
    map 0x1000_0000 -> 0x80_0000_0000 size 512M
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: VFIO_IOMMU_MAP_DMA would fail with -EINVAL
}
`);
  });
  it('M13: AMD host, guest RAM across the HyperTransport hole', () => {
    check(`backend iommufd
iommu ivhd0 { model amd-vi }
irqchip ir0 { model x86-remap }
device gpu { pci 0000:41:00.0  msi ir0  driver vfio-pci }
domain bigvm : paging {
    attach gpu
    map 0x0 -> 0x100_0000_0000 size 2G
    map 0x1_0000_0000 -> 0x102_0000_0000 size 1T
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: reserved region 0xfd00000000..0xffffffffff
}
`);
  });
  it('AMD dump 2: guest RAM below the HT hole and the MSI window is silent', () => {
    check(`backend iommufd
iommu ivhd0 { model amd-vi }
irqchip ir0 { model x86-remap }
device gpu { pci 0000:41:00.0  msi ir0  driver vfio-pci }
domain vm : paging {
    attach gpu
    map 0x0 -> 0x100_0000_0000 size 2G
    map 0x1_0000_0000 -> 0x102_0000_0000 size 0xFC_0000_0000
}
expect gpu write 0xFEE0_0000 -> ir0
`);
  });
  it('a map ending just below the SW_MSI window, and one starting just after, are silent', () => {
    check(`${ARM}
device nic { pci 0000:01:00.0  msi its0  driver vfio-pci }
domain vm : paging {
    attach nic
    map 0x0 -> 0x80_0000_0000 size 0x800_0000
    map 0x810_0000 -> 0x80_0810_0000 size 0x37F0_0000
}
expect nic write 0x800_0040 -> its0
`);
  });
  it('M34 (stage 2): guest RAM in the nest parent covers the SW_MSI window of a nested device', () => {
    check(`${ARM}
device nic { pci 0000:01:00.0  msi its0  driver vfio-pci }
domain s2 : paging {
    nest-parent
    map 0x0 -> 0x80_0000_0000 size 1G
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: IPA space
}
domain guest : nested {
    parent s2
    attach nic
    rmr 0x800_0000 size 1M
}
`);
  });
  it('M34 (stage 1): the guest maps other memory inside its RMR', () => {
    check(`${ARM}
device nic { pci 0000:01:00.0  msi its0  driver vfio-pci }
domain s2 : paging {
    nest-parent
    map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
domain guest : nested {
    parent s2
    attach nic
    rmr 0x800_0000 size 1M
    map 0x80F_0000 -> 0x4000_0000 size 64K
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: rmr 0x8000000..0x80fffff
}
`);
  });
  it("a nested domain: identity over the RMR and maps over host reservations are the guest's business", () => {
    check(`${X86.replace('ias 39  oas 39', 'ias 48  oas 46')}
device nic { pci 0000:01:00.0  msi ir0  driver vfio-pci }
domain s2 : paging {
    nest-parent
    map 0x0 -> 0x10_0000_0000 size 2G
}
domain guest : nested {
    parent s2
    attach nic
    rmr 0x1000_0000 size 1M
    map 0x1000_0000 -> 0x1000_0000 size 1M
    map 0xFEE0_0000 -> 0x2000_0000 size 1M
}
`);
  });
  it('T6: a dma domain ignores sw-msi; identity maps over direct regions are fine', () => {
    check(`${ARM}
device sata { pci 0000:00:01.0  msi its0  driver ahci  reserved 0x0100_0000..0x10FF_FFFF direct-relaxable }
device disp { pci 0000:00:02.0  driver mxsfb  reserved 0x9000_0000 size 8M direct }
domain host : dma {
    attach sata
    attach disp
    map 0x800_0000 -> 0x800_0000 size 64K
    map 0x9000_0000 -> 0x9000_0000 size 8M
    map 0x4000_0000 -> 0x2_0000_0000 size 1M
}
expect sata 0x800_0040 -> 0x800_0040
`);
  });
  it('a dma domain mapping a direct region elsewhere', () => {
    check(`${ARM}
device disp { pci 0000:00:02.0  msi its0  driver mxsfb  reserved 0x9000_0000 size 8M direct }
domain host : dma {
    attach disp
    map 0x9000_0000 -> 0x2_0000_0000 size 4K
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: the DMA API never maps there
}
`);
  });
  it('T10: a domain with no devices has no reservations to hit', () => {
    check(
      `${ARM}
domain ioas : paging {
    map 0x0 -> 0x80_0000_0000 size 0x2000
    map 0x800_0000 -> 0x80_1000_0000 size 1M
}
device nic { pci 0000:01:00.0  msi its0  driver vfio-pci }
`,
    );
  });
  it('a PASID attachment reserves nothing: iommufd enforces reserved regions only for the RID attach', () => {
    // iommufd_hw_pagetable_attach: attach_resv = hwpt_paging && pasid == IOMMU_NO_PASID, so an
    // SVA-style PASID domain may map over the device's SW_MSI window (its MSIs use the RID).
    check(`${ARM}
device acc { pci 0000:05:00.0  msi its0  driver vfio-pci  pasid 8 }
domain rid : paging {
    attach acc
    map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
domain sva : paging {
    attach acc pasid 1
    map 0x0 -> 0x81_0000_0000 size 1G
}
`);
  });
});

describe('map-overlap', () => {
  it('M21: two maps of one IOAS intersect (-EEXIST)', () => {
    check(`${X86}
device gpu { pci 0000:01:00.0  msi ir0  driver vfio-pci }
domain vm : paging {
    attach gpu
    map 0x0 -> 0x1_0000_0000 size 2G
    map 0x1_0000_0000 -> 0x2_0000_0000 size 1G
    map 0x7FFF_F000 -> 0x3_0000_0000 size 8K
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlap: intersects map 0x0..0x7fffffff
}
`);
  });
  it('a kernel DMA domain and a guest stage 1 are not IOASes: the message names their own map call', () => {
    check(`${X86}
device nic { pci 0000:02:00.0  msi ir0  driver ixgbe }
domain kdma : dma {
    attach nic
    map 0x1000_0000 -> 0x1_0000_0000 size 1M
    map 0x1008_0000 -> 0x2_0000_0000 size 1M
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlap: the DMA API's iommu_map fails with -EEXIST
}
device vf { pci 0000:03:00.0  msi ir0  driver vfio-pci }
domain s2 : paging { nest-parent  attach vf  map 0x0 -> 0x1_0000_0000 size 1G }
domain guest : nested {
    parent s2
    map 0x1000 -> 0x2000 size 4K
    map 0x1000 -> 0x3000 size 4K
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlap: the guest's own iommu_map of its stage 1 fails with -EEXIST
}
`);
  });
  it('touching maps are silent', () => {
    check(`${X86}
device gpu { pci 0000:01:00.0  msi ir0  driver vfio-pci }
domain vm : paging {
    attach gpu
    map 0x4000_0000 -> 0x2_0000_0000 size 1G
    map 0x0 -> 0x1_0000_0000 size 1G
}
`);
  });
});

describe('map-unaligned', () => {
  it('M19: a 6 KiB ring mapped with its exact size', () => {
    check(`${ARM}
device accel0 { pci 0000:05:00.0  msi its0  driver vfio-pci }
domain ring : paging {
    attach accel0
    map 0x1_0000_0000 -> 0x8A_0000_0000 size 0x1800 rw
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-unaligned: size 0x1800
}
`);
  });
  it('T16: the minimum page comes from pgsizes, never 4K (DART 16K)', () => {
    check(`backend iommufd
page-size 16K
iommu dart0 { model dart }
device nvme { pci 0000:01:00.0  driver vfio-pci }
domain vm : paging {
    attach nvme
    map 0x1_0000 -> 0x8_0000_0000 size 64K
    map 0x2_1000 -> 0x8_0010_0000 size 16K
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-unaligned: 16K minimum page
}
`);
  });
  it('T16: a 2048-byte mock domain and a 4K IOMMU under a 64K kernel are fine', () => {
    check(`backend iommufd
page-size 64K
iommu mock0 { model generic  pgsizes 2K 1M }
iommu smmu0 { model smmuv3 }
device m { iommu mock0  driver vfio-pci }
device nic { iommu smmu0  driver vfio-pci }
domain vm_mock : paging {
    attach m
    map 0x100_0800 -> 0x4000_0800 size 0x800
}
domain vm : paging {
    attach nic
    map 0x4000_1000 -> 0x80_0000_1000 size 12K
}
`);
  });
  it('an output address off the page', () => {
    check(`${X86}
device gpu { pci 0000:01:00.0  msi ir0  driver vfio-pci }
domain vm : paging {
    attach gpu
    map 0x1000 -> 0x1_0000_0800 size 4K
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-unaligned: output 0x100000800
}
`);
  });
});

describe('map-outside-aperture and output-outside-range', () => {
  it('M16: IOVA 512 GiB in a 39-bit VT-d domain', () => {
    check(`${X86}
device gpu { pci 0000:01:00.0  msi ir0  driver vfio-pci }
domain vm : paging {
    attach gpu
    map 0x0 -> 0x1_0000_0000 size 2G
    map 0x80_0000_0000 -> 0x2_0000_0000 size 1G
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-outside-aperture: beyond the 39-bit aperture
}
`);
  });
  it('a map ending at the last IOVA of the aperture is silent (T11: and one at IOVA 0)', () => {
    check(`${X86}
device gpu { pci 0000:01:00.0  msi ir0  driver vfio-pci }
domain vm : paging {
    attach gpu
    map 0x0 -> 0x1_0000_0000 size 2G
    map 0x7F_C000_0000 -> 0x2_0000_0000 size 1G
}
expect gpu 0x0 -> 0x1_0000_0000
`);
  });
  it('a kernel DMA domain beyond the aperture: no IOAS is involved', () => {
    check(`${X86}
device nic { pci 0000:02:00.0  msi ir0  driver ixgbe }
domain kdma : dma {
    attach nic
    map 0x80_0000_0000 -> 0x3_0000_0000 size 1M
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-outside-aperture: the DMA API never allocates an IOVA there
}
`);
  });
  it('a nest parent: the IPA beyond the stage-2 input size', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3  ias 40  oas 44 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
device nic { pci 0000:01:00.0  msi its0  driver vfio-pci }
domain s2 : paging {
    nest-parent
    map 0x100_0000_0000 -> 0x800_0000_0000 size 1G
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-outside-aperture: IPA
}
domain guest : nested { parent s2  attach nic  stage1 bypass }
`);
  });
  it('output at 2^oas', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3  ias 48  oas 44 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
device nic { pci 0000:01:00.0  msi its0  driver vfio-pci }
domain vm : paging {
    attach nic
    map 0x4000_0000 -> 0xFFF_C000_0000 size 1G
    map 0x8000_0000 -> 0xFFF_F000_0000 size 512M
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ output-outside-range: 44-bit output range
}
`);
  });
});

describe('output-outside-range on VT-d (the DMAR host address width)', () => {
  it('a map above the host address width: the driver writes it and the DMA faults', () => {
    const a = check(`iommu dmar0 { model vtd  oas 39 }
device nic { pci 0000:01:00.0  driver vfio-pci }
domain vm : paging {
    attach nic
    map 0x4000_0000 -> 0x80_0000_0000 size 4K
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ output-outside-range: reserved in a VT-d entry
}
`);
    expect(a.diagnostics[0]!.message).toContain('the VT-d driver writes the entry (__domain_mapping checks only the IOVA) and the DMA faults');
  });
});

describe('pgsize-unsupported', () => {
  const G64 = `iommu smmu0 { model smmuv3  pgsizes 64K 512M }
device nic { pci 0000:01:00.0  driver vfio-pci }
`;
  it('M20: a 64K-granule SMMU domain under a 4K kernel, iommufd', () => {
    check(`backend iommufd
page-size 4K
${G64}
domain vm : paging {
//     ^^ pgsize-unsupported: minimum page of 64K
    attach nic
    map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
`);
  });
  it('vfio-type1 accepts it, and so does a 64K kernel', () => {
    check(`backend vfio-type1
page-size 4K
${G64}
domain vm : paging { attach nic  map 0x4000_0000 -> 0x80_0000_0000 size 1G }
`);
    check(`backend iommufd
page-size 64K
${G64}
domain vm : paging { attach nic  map 0x4000_0000 -> 0x80_0000_0000 size 1G }
`);
  });
});

describe('sw-msi-conflict and the HiSilicon D05 dump', () => {
  // reserved_regions: 0x0000000008000000 0x00000000080fffff msi   (SW_MSI)
  //                   0x00000000c6010000 0x00000000c601ffff msi   (ITS frame, HW-MSI quirk)
  const D05 = (backend: string, marker: string) => `backend ${backend}
iommu d05_smmu {
  model smmuv3
  reserved 0xC601_0000..0xC601_FFFF msi
}
irqchip d05_its { model gicv3-its  base 0xC600_0000 }
device d05_vf {
${marker}  pci 0000:81:10.0
  msi d05_its
  driver vfio-pci
}
domain vm : paging {
    attach d05_vf
    map 0x4000_0000 -> 0x20_0000_0000 size 2G
}
expect d05_vf write 0xC601_0040 -> d05_its
`;
  it('T13: vfio-type1 accepts SW_MSI beside the hardware MSI region', () => {
    check(D05('vfio-type1', ''));
  });
  it('M29: iommufd refuses the attach (-EINVAL)', () => {
    check(D05('iommufd', '//     ^^^^^^ sw-msi-conflict: -EINVAL\n'));
  });
  it('a D05 device left in its DMA domain under iommufd is never attached by iommufd', () => {
    check(`backend iommufd
iommu d05_smmu { model smmuv3  reserved 0xC601_0000..0xC601_FFFF msi }
irqchip d05_its { model gicv3-its  base 0xC600_0000 }
device d05_sas { pci 0000:74:02.0  msi d05_its  driver hisi_sas_v2 }
`);
  });
  it('a D05 device attached by PASID only: iommufd checks regions at the RID attach, not this one', () => {
    check(`backend iommufd
iommu d05_smmu { model smmuv3  reserved 0xC601_0000..0xC601_FFFF msi }
irqchip d05_its { model gicv3-its  base 0xC600_0000 }
device d05_acc { pci 0000:75:00.0  msi d05_its  driver vfio-pci  pasid 4 }
domain sva : paging { attach d05_acc pasid 3  map 0x0 -> 0x20_0000_0000 size 1G }
`);
  });
  it('two SW_MSI windows on one device', () => {
    check(`${ARM}
device nic {
//     ^^^ sw-msi-conflict: two SW_MSI windows
  pci 0000:01:00.0
  msi its0
  driver vfio-pci
  reserved 0x7000_0000 size 1M sw-msi
}
domain vm : paging { attach nic  map 0x4000_0000 -> 0x80_0000_0000 size 512M }
`);
  });
});

describe('sw-msi-window', () => {
  it('M37: a window not 1M aligned (-EINVAL)', () => {
    check(`${ARM}
device nic {
  pci 0000:01:00.0
  msi its0
  driver vfio-pci
  sw-msi 0x7008_0000 size 1M
//^^^^^^^^^^^^^^^^^^^^^^^^^^ sw-msi-window: not 1M aligned
}
domain vm : paging { attach nic  map 0x4000_0000 -> 0x80_0000_0000 size 512M }
`);
  });
  it('M37: a window over a reserved region (-EADDRINUSE)', () => {
    check(`${ARM}
device nic {
  pci 0000:01:00.0
  msi its0
  driver vfio-pci
  reserved 0x7010_0000 size 64K reserved
  sw-msi 0x7000_0000 size 2M
//^^^^^^^^^^^^^^^^^^^^^^^^^^ sw-msi-window: -EADDRINUSE
}
domain vm : paging { attach nic  map 0x4000_0000 -> 0x80_0000_0000 size 512M }
`);
  });
  it('a moved window over direct-relaxable memory is fine', () => {
    check(`${ARM}
device nic {
  pci 0000:01:00.0
  msi its0
  driver vfio-pci
  reserved 0x6000_0000..0x7FFF_FFFF direct-relaxable
  sw-msi 0x7000_0000 size 2M
}
domain vm : paging { attach nic  map 0x4000_0000 -> 0x80_0000_0000 size 512M }
expect nic write 0x7000_0040 -> its0
`);
  });
});

describe('NXP LX2160A dump: msi inside direct-relaxable (T1, T2, T3)', () => {
  // 0x0000000001000000 0x0000000010ffffff direct-relaxable
  // 0x0000000008000000 0x00000000080fffff msi
  // 0x000000080c000000 0x000000081bffffff direct-relaxable
  // 0x0000001c00000000 0x0000001c001fffff direct-relaxable
  // 0x0000002080000000 0x000000209fffffff direct-relaxable
  const LX = (backend: string) => `backend ${backend}
page-size 4K
iommu lx_smmu { model smmuv2 }
irqchip lx_its { model gicv3-its  base 0x0602_0000 }
device lx_nic {
  pci 0001:01:00.0
  msi lx_its
  driver vfio-pci
  reserved 0x0100_0000..0x10FF_FFFF direct-relaxable
  reserved 0x8_0C00_0000..0x8_13FF_FFFF direct-relaxable
  reserved 0x8_1400_0000..0x8_1BFF_FFFF direct-relaxable
  reserved 0x1C_0000_0000..0x1C_001F_FFFF direct-relaxable
  reserved 0x20_8000_0000..0x20_9FFF_FFFF direct-relaxable
}
device lx_sata {
  pci 0002:01:00.0
  msi lx_its
  driver ahci
  reserved 0x0100_0000..0x10FF_FFFF direct-relaxable
}
domain lx_vm : paging {
    attach lx_nic
    map 0x1000_0000 -> 0x21_0000_0000 size 1G
    map 0x8_0000_0000 -> 0x22_0000_0000 size 1G
}
expect lx_nic write 0x0800_0040 -> lx_its
expect lx_sata 0x0800_0040 -> 0x0800_0040
`;
  it('vfio-type1: silent', () => check(LX('vfio-type1')));
  it('iommufd: silent', () => check(LX('iommufd')));
  it('but guest RAM over the SW_MSI window inside the relaxable range is refused', () => {
    check(
      LX('iommufd').replace(
        '    map 0x8_0000_0000 -> 0x22_0000_0000 size 1G\n',
        '    map 0x8_0000_0000 -> 0x22_0000_0000 size 1G\n    map 0x0 -> 0x23_0000_0000 size 256M\n//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-overlaps-reserved: sw-msi window 0x8000000..0x80fffff\n',
      ),
    );
  });
});

describe('map-unaligned in a nested domain', () => {
  it("the guest's stage-1 map still needs the IOMMU's minimum page", () => {
    check(`${ARM}
device nic { pci 0000:01:00.0  msi its0  driver vfio-pci }
domain s2 : paging {
    nest-parent
    map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
domain guest : nested {
    parent s2
    attach nic
    rmr 0x800_0000 size 1M
    map 0x1_0000_0000 -> 0x4000_0000 size 1G
    map 0x2_0000_0000 -> 0x5000_0800 size 4K
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-unaligned: output 0x50000800
}
`);
  });
});
