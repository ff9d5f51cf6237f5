// Group isolation checks: group-split, group-not-viable, domain-iommu-mismatch, require-direct,
// msi-not-isolated, pasid-invalid, pasid-conflict, pasid-shared-group.
//
// Misconfigurations of domain.md §5.1 / §5.6 covered here: M1, M2, M3, M7, M11, M12 (with
// reserved.test.ts), M30, M42. Not expressible in the language:
// - M4 (legacy single-device attach): `attach DEVICE` always means the device's whole group
//   (language.md §8); there is no iommu_attach_device form to misuse.
// - M6 (RIDs sharing a SID/DeviceID): the language has no ID mappings. M5 (declared groups
//   contradicting the topology) is in topology.test.ts.
// - M42's HWPT without IOMMU_HWPT_ALLOC_PASID, an IOAS attached to a PASID, and a RID replaced
//   by a PASID-incompatible HWPT: domains carry no allocation flags and there is no
//   replace/ordering in a static configuration.

import { describe, it } from 'vitest';
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

describe('group-split', () => {
  it('M1: GPU group in one VM, its audio function attached to another', () => {
    check(`${ARM}
device gpu { pci 0000:01:00.0  msi its0  driver vfio-pci }
device gpu_audio { pci 0000:01:00.1  msi its0  driver vfio-pci }
group grp { gpu gpu_audio }
domain vm_a : paging {
    attach grp
    map 0x4000_0000 -> 0x84_0000_0000 size 1G
}
domain vm_b : paging {
    attach gpu_audio
//  ^^^^^^^^^^^^^^^^ group-split: already attached to domain 'vm_a'
    map 0x4000_0000 -> 0x85_0000_0000 size 1G
}
`);
  });
  it('one device attached to two domains', () => {
    check(`${ARM}
device nic { msi its0  driver vfio-pci }
domain a : paging { attach nic }
domain b : paging {
    attach nic
//  ^^^^^^^^^^ group-split: -EINVAL
}
`);
  });
  it('T18: each member of a group attached to the same domain in turn is silent', () => {
    check(`${ARM}
device gpu { pci 0000:01:00.0  msi its0  driver vfio-pci }
device gpu_audio { pci 0000:01:00.1  msi its0  driver vfio-pci }
group grp { gpu gpu_audio }
domain vm : paging {
    attach gpu
    attach gpu_audio
    attach grp
    map 0x4000_0000 -> 0x84_0000_0000 size 1G
}
`);
  });
  it('T14: several groups sharing one domain is silent', () => {
    check(`${X86}
device gpu { pci 0000:01:00.0  msi ir0  driver vfio-pci }
device gpu_audio { pci 0000:01:00.1  msi ir0  driver vfio-pci }
group grp_gpu { gpu gpu_audio }
device nvme { pci 0000:02:00.0  msi ir0  driver vfio-pci }
device nic { pci 0000:03:00.0  msi ir0  driver vfio-pci }
domain vm : paging {
    attach grp_gpu
    attach nvme
    attach nic
    map 0x0 -> 0x1_0000_0000 size 2G
    map 0x1_0000_0000 -> 0x2_0000_0000 size 2G
}
`);
  });
});

describe('group-not-viable', () => {
  it('M2: GPU assigned while its HDMI audio stays on snd_hda_intel', () => {
    check(`${X86}
device gpu { pci 0000:01:00.0  msi ir0  driver vfio-pci }
device gpu_audio { pci 0000:01:00.1  msi ir0  driver snd_hda_intel }
group grp { gpu gpu_audio }
domain vm : paging {
    attach grp
//  ^^^^^^^^^^ group-not-viable: 'gpu_audio' (driver snd_hda_intel)
    map 0x0 -> 0x1_0000_0000 size 2G
}
`);
  });
  it('M3: a kernel driver in a group given to user space by naming one member (vfio-type1)', () => {
    check(`backend vfio-type1
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device nic0 { pci 0000:05:00.0  msi ir0  driver vfio-pci }
device nic1 { pci 0000:05:00.1  msi ir0  driver ixgbe }
group g { nic0 nic1 }
domain dpdk : paging {
    attach nic0
//  ^^^^^^^^^^^ group-not-viable: -EPERM
    map 0x1_0000_0000 -> 0x3_0000_0000 size 1G
}
`);
  });
  it('a blocked domain also takes the group from its kernel driver', () => {
    check(`${X86}
device a { pci 0000:06:00.0  msi ir0  driver vfio-pci }
device b { pci 0000:06:00.1  msi ir0  driver e1000e }
group g { a b }
domain off : blocked {
    attach g
//  ^^^^^^^^ group-not-viable
}
`);
  });
  it('T7: pcieport, pci-stub and unbound siblings beside vfio-pci are viable', () => {
    check(`${X86}
device port { pci 0000:00:1c.0  driver pcieport }
device gpu { pci 0000:01:00.0  msi ir0  driver vfio-pci }
device gpu_audio { pci 0000:01:00.1  driver pci-stub }
device usb { pci 0000:01:00.2  driver none }
device serial { pci 0000:01:00.3 }
group grp { port gpu gpu_audio usb serial }
domain vm : paging {
    attach grp
    map 0x0 -> 0x1_0000_0000 size 2G
}
`);
  });
  it('dma-api backend: a driver-owned paging domain claims no user ownership', () => {
    check(`backend dma-api
iommu smmu0 { model smmuv3 }
device gpu { pci 0000:01:00.0  driver panfrost }
device gpu_aux { pci 0000:01:00.1  driver snd_hda_intel }
group g { gpu gpu_aux }
domain gpu_ctx : paging {
    attach g
    map 0x1_0000_0000 -> 0x90_0000_0000 size 256M
}
`);
  });
  it('T17/T21: a dma-fq domain with kernel drivers bound is not user ownership', () => {
    check(`${X86}
device nvme { pci 0000:02:00.0  msi ir0  driver nvme }
device sata { pci 0000:00:17.0  msi ir0  driver ahci }
group g { nvme sata }
domain host_fq : dma-fq {
    attach g
}
`);
  });
});

describe('domain-iommu-mismatch', () => {
  it('M7: one domain for devices behind two SMMU instances', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
iommu smmu1 { model smmuv3 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
device nic0 { iommu smmu0  msi its0  driver vfio-pci }
device nic1 { iommu smmu1  msi its0  driver vfio-pci }
domain vm : paging {
    attach nic0
    attach nic1
//  ^^^^^^^^^^^ domain-iommu-mismatch: 'nic1' sits behind iommu 'smmu1'
    map 0x4000_0000 -> 0x80_0000_0000 size 1G
}
`);
  });
  it("a declared iommu differing from the attached device's", () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
iommu smmu1 { model smmuv3 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
device nic0 { iommu smmu0  msi its0  driver vfio-pci }
device nic1 { iommu smmu1  msi its0  driver vfio-pci }
domain vm1 : paging { iommu smmu1  attach nic1 }
domain vm0 : paging {
    iommu smmu1
    attach nic0
//  ^^^^^^^^^^^ domain-iommu-mismatch: belongs to 'smmu1'
}
`);
  });
  it('one domain per instance is silent', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
iommu smmu1 { model smmuv3 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
device nic0 { iommu smmu0  msi its0  driver vfio-pci }
device nic1 { iommu smmu1  msi its0  driver vfio-pci }
domain vm_s0 : paging { iommu smmu0  attach nic0  map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain vm_s1 : paging { attach nic1  map 0x4000_0000 -> 0x80_0000_0000 size 1G }
`);
  });
});

describe('require-direct', () => {
  it('M11: a NIC with a non-relaxable IORT RMR handed to a VM', () => {
    check(`${ARM}
device ncsi_nic {
  pci 0000:06:00.0
  msi its0
  driver vfio-pci
  reserved 0xEC00_0000 size 64K direct
}
domain vm : paging {
    attach ncsi_nic
//  ^^^^^^^^^^^^^^^ require-direct: 1:1 IOMMU mapping
    map 0x4000_0000 -> 0x8B_0000_0000 size 1G
}
`);
  });
  it('a blocked domain for a require_direct device', () => {
    check(`${X86}
device bmc_nic { pci 0000:07:00.0  msi ir0  driver vfio-pci  reserved 0x7A00_0000 size 1M direct }
domain off : blocked {
    attach bmc_nic
//  ^^^^^^^^^^^^^^ require-direct: -EINVAL
}
`);
  });
  it('a direct region of a group sibling blocks assigning the group', () => {
    check(`${X86}
device nic { pci 0000:08:00.0  msi ir0  driver vfio-pci }
device nic_mgmt { pci 0000:08:00.1  driver vfio-pci  reserved 0xBDF6_E000..0xBDF8_4FFF direct }
group g { nic nic_mgmt }
domain vm : paging {
    attach nic
//  ^^^^^^^^^^ require-direct: 'nic_mgmt'
    map 0x1_0000_0000 -> 0x2_0000_0000 size 1G
}
`);
  });
  it('T19: a direct region on a device that stays in its dma default domain', () => {
    check(`${X86}
device ilo { pci 0000:01:00.2  msi ir0  driver hpilo  reserved 0xBDF6_E000..0xBDF8_4FFF direct }
device gpu { pci 0000:03:00.0  msi ir0  driver vfio-pci }
domain vm : paging { attach gpu  map 0x0 -> 0x1_0000_0000 size 2G }
expect ilo 0xBDF7_0000 -> 0xBDF7_0000
`);
  });
  it('direct-relaxable (USB/GFX RMRR) does not prevent assignment', () => {
    check(`${X86}
device xhci { pci 0000:00:14.0  msi ir0  driver vfio-pci  reserved 0x7A3A_5000..0x7A3C_4FFF direct-relaxable }
domain vm : paging { attach xhci  map 0x0 -> 0x1_0000_0000 size 2G }
`);
  });
  it('dma-api backend: an UNMANAGED domain is not a blocking domain', () => {
    check(`backend dma-api
iommu dmar0 { model vtd }
device dsp { pci 0000:00:1f.3  driver snd_sof_pci  reserved 0x7000_0000 size 1M direct }
domain dsp_ctx : paging { attach dsp  map 0x1_0000_0000 -> 0x2_0000_0000 size 1M }
`);
  });
});

describe('HP ProLiant DL380 Gen8 group 19 (pre-5.3 RMRRs)', () => {
  // reserved_regions of group 19:
  //   0x0000000000000000 0x0000000000ffffff direct
  //   0x00000000bdf6e000 0x00000000bdf84fff direct
  //   0x00000000fee00000 0x00000000feefffff msi
  const HP = `backend vfio-type1
iommu dmar0 { model vtd  ias 46  oas 46 }
irqchip ir0 { model x86-remap }
device isa { pci 0000:00:1f.0  driver lpc_ich  reserved 0x0..0xFF_FFFF direct }
device nic { pci 0000:00:1f.6  msi ir0  driver e1000e  reserved 0xBDF6_E000..0xBDF8_4FFF direct }
group g19 { isa nic }
`;
  it('left with the host (T19): silent, the DMA domain identity-maps both RMRRs', () => {
    check(`${HP}
domain host19 : dma { attach g19 }     // the group's default DMA domain, written out
expect nic 0xBDF7_0000 -> 0xBDF7_0000
expect isa 0x1000 -> 0x1000
`);
  });
  it('M12: assigning the NIC (bound to vfio-pci) with guest RAM from GPA 0', () => {
    // One failure, reported once: taking DMA ownership of the group is refused first (the
    // blocking domain, require_direct), so the map over the direct regions is never made.
    check(`${HP.replace('driver e1000e', 'driver vfio-pci').replace('driver lpc_ich', 'driver none')}
domain vm : paging {
    attach nic
//  ^^^^^^^^^^ require-direct: 'isa' (0x0..0xffffff), 'nic'
    map 0x0 -> 0x1_0000_0000 size 2G
}
`);
  });
});

describe('msi-not-isolated', () => {
  it('M30: a GICv2m device handed to user space', () => {
    check(`${ARM.replace('irqchip its0 { model gicv3-its  base 0x0808_0000 }', 'irqchip v2m { model gicv2m  base 0x0802_0000 }')}
device nic { pci 0000:01:00.0  msi v2m  driver vfio-pci }
domain dpdk : paging {
    attach nic
//  ^^^^^^^^^^ msi-not-isolated: -EPERM
    map 0x1_0000_0000 -> 0x90_0000_0000 size 1G
}
`);
  });
  it('M30: x86 with interrupt remapping off under vfio-type1', () => {
    check(`backend vfio-type1
iommu dmar0 { model vtd }
irqchip compat { model x86-compat }
device gpu { pci 0000:01:00.0  msi compat  driver vfio-pci }
domain vm : paging {
    attach gpu
//  ^^^^^^^^^^ msi-not-isolated: allow_unsafe_interrupts
    map 0x0 -> 0x1_0000_0000 size 2G
}
`);
  });
  it('allow-unsafe-interrupts lets it through', () => {
    check(`backend vfio-type1
  allow-unsafe-interrupts
//^^^^^^^^^^^^^^^^^^^^^^^ unsafe-interrupts: lets VFIO take 'gpu' (compat, x86-compat)
iommu dmar0 { model vtd }
irqchip compat { model x86-compat }
device gpu { pci 0000:01:00.0  msi compat  driver vfio-pci }
domain vm : paging { attach gpu  map 0x0 -> 0x1_0000_0000 size 2G }
`);
  });
  it('a GICv2m device kept by the host, and a member without MSI, are silent', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
irqchip v2m { model gicv2m  base 0x0802_0000 }
device sata { pci 0000:00:01.0  msi v2m  driver ahci }
device nic { pci 0000:01:00.0  driver vfio-pci }
domain vm : paging { attach nic  map 0x4000_0000 -> 0x90_0000_0000 size 1G }
`);
  });
});

describe('pasid', () => {
  const ACC = `${X86}
device accel { pci 0000:6a:01.0  msi ir0  driver vfio-pci  pasid 8 }
domain vm : paging { attach accel  map 0x0 -> 0x1_0000_0000 size 1G }
`;
  it('M42: PASID 0 is IOMMU_NO_PASID', () => {
    check(`${ACC}
domain sva : paging {
    attach accel pasid 0
//                     ^ pasid-invalid: IOMMU_NO_PASID
    map 0x1000_0000 -> 0x3_0000_0000 size 2M
}
`);
  });
  it('M42: PASID at or above 2^bits', () => {
    check(`${ACC}
domain sva : paging {
    attach accel pasid 256
//                     ^^^ pasid-invalid: 8-bit PASID space
    map 0x1000_0000 -> 0x3_0000_0000 size 2M
}
`);
  });
  it('a device without the PASID capability', () => {
    check(`${X86}
device nic { pci 0000:03:00.0  msi ir0  driver vfio-pci }
domain vm : paging { attach nic  map 0x0 -> 0x1_0000_0000 size 1G }
domain sva : paging {
    attach nic pasid 1
//                   ^ pasid-invalid: no PASID capability
}
`);
  });
  it('the highest PASID of the space is valid', () => {
    check(`${ACC}
domain sva : paging { attach accel pasid 255  map 0x1000_0000 -> 0x3_0000_0000 size 2M }
`);
  });
  it('pasid-conflict: two domains on one PASID', () => {
    check(`${ACC}
domain sva1 : paging { attach accel pasid 3  map 0x1000_0000 -> 0x3_0000_0000 size 2M }
domain sva2 : paging {
    attach accel pasid 3
//  ^^^^^^^^^^^^^^^^^^^^ pasid-conflict: -EBUSY
    map 0x1000_0000 -> 0x4_0000_0000 size 2M
}
`);
  });
  it('different PASIDs in different domains are silent', () => {
    check(`${ACC}
domain sva1 : paging { attach accel pasid 3  map 0x1000_0000 -> 0x3_0000_0000 size 2M }
domain sva2 : paging { attach accel pasid 4  map 0x1000_0000 -> 0x4_0000_0000 size 2M }
`);
  });
  it('M42: PASID on a device whose group has other members', () => {
    check(`${X86}
device accel { pci 0000:6a:01.0  msi ir0  driver vfio-pci  pasid 8 }
device accel_fn1 { pci 0000:6a:01.1  driver vfio-pci }
group g { accel accel_fn1 }
domain vm : paging { attach g  map 0x0 -> 0x1_0000_0000 size 1G }
domain sva : paging {
    attach accel pasid 7
//                     ^ pasid-shared-group: shares group 'g'
    map 0x1000_0000 -> 0x3_0000_0000 size 2M
}
`);
  });
});

describe('domain-iommu-mismatch: per-driver domains', () => {
  it('an identity domain spans instances of one driver, not two drivers', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
iommu smmu1 { model smmuv3 }
iommu dart0 { model dart }
device a { iommu smmu0  driver igb }
device b { iommu smmu1  driver igb }
device c { iommu dart0  driver nvme }
domain pt : identity {
    attach a
    attach b
    attach c
//  ^^^^^^^^ domain-iommu-mismatch: 'c' sits behind iommu 'dart0'
}
`);
  });
});
