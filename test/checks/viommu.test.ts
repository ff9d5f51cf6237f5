// viommu-width: a VM's vIOMMU (`viommu MODEL ias BITS` in its domain) that cannot reach the
// guest's RAM, or that is wider than the host IOMMU of its assigned devices. Misconfiguration
// M18 (vIOMMU wider than the host).

import { describe, it } from 'vitest';
import { check } from '../helpers/check';

const X86 = `backend vfio-type1
iommu dmar0 { model vtd  ias 48  oas 48 }
irqchip ir { model x86-remap }
device gpu { pci 0000:01:00.0 msi ir driver vfio-pci }
`;

describe('viommu-width', () => {
  it('a 39-bit intel-iommu with guest RAM above 512 GiB', () => {
    check(`${X86}
domain vm : paging {
  viommu vtd ias 39
//^^^^^^^^^^^^^^^^^ viommu-width: the 39-bit vtd vIOMMU of 'vm' reaches guest-physical 0x7fffffffff at most, but guest RAM reaches 0x96ffffffff
  attach gpu
  map 0x0 -> 0x1_0000_0000 size 2G
  map 0x1_0000_0000 -> 0x1_8000_0000 size 600G
}
`);
  });

  it('RAM that ends exactly at 2^39 is reachable', () => {
    check(`${X86}
domain vm : paging {
  viommu vtd ias 39
  attach gpu
  map 0x0 -> 0x1_0000_0000 size 2G
  map 0x1_0000_0000 -> 0x1_8000_0000 size 508G
}
`);
  });

  it('M18: a 48-bit intel-iommu over a 39-bit host VT-d with a device assigned', () => {
    check(`backend vfio-type1
iommu dmar0 { model vtd  ias 39  oas 39 }
device gpu { pci 0000:01:00.0 driver vfio-pci }
domain vm : paging {
  viommu vtd ias 48
//^^^^^^^^^^^^^^^^^ viommu-width: QEMU refuses the device ("aw-bits 48 > host aw-bits 39")
  attach gpu
  map 0x0 -> 0x1_0000_0000 size 2G
}
`);
  });

  it('M18 near miss: the same vIOMMU with nothing assigned, or at the host width', () => {
    check(`backend vfio-type1
iommu dmar0 { model vtd  ias 39  oas 39 }
device gpu { pci 0000:01:00.0 driver vfio-pci }
domain idle : paging {
  viommu vtd ias 48
  map 0x0 -> 0x1_0000_0000 size 2G
}
domain vm : paging {
  viommu vtd ias 39
  attach gpu
  map 0x0 -> 0x1_0000_0000 size 2G
}
`);
  });

  it("a nested domain: the guest RAM is the nest parent's stage 2", () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3  ias 48  oas 48 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 64G
}
domain guest : nested {
  parent s2
  viommu smmuv3 ias 32
//^^^^^^^^^^^^^^^^^^^^ viommu-width: the 32-bit smmuv3 vIOMMU of 'guest' reaches guest-physical 0xffffffff at most
  stage1 bypass
  attach nic
  rmr 0x800_0000 size 1M
}
`);
  });

  it('viommu is a paging or nested domain statement, with a known model and a width of 1–64', () => {
    check(`${X86}
domain d : dma {
  viommu vtd
//^^^^^^ bad-value: 'viommu' is not allowed in dma domain 'd'
  attach gpu
}
domain vm : paging {
  viommu intel ias 48
//       ^^^^^ bad-value: 'intel' is not a valid vIOMMU model
}
domain vm2 : paging {
  viommu vtd ias 65
//               ^^ bad-value: vIOMMU ias 65 is outside 1–64
  map 0x0 -> 0x1_0000_0000 size 2G
}
`);
  });
});
