// expect assertions (language.md §10): -> ADDR, -> IRQCHIP, fault; with and without an access.

import { describe, expect, it } from 'vitest';
import { check } from '../helpers/check';

const BASE = `backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nic { pci 01:00.0 msi its0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x1_0000_0000 -> 0x80_0000_0000 size 1G
  map 0x2_0000_0000 -> 0x90_0000_0000 size 2M r
}
`;

describe('expect-failed', () => {
  it('holding expectations are silent', () => {
    check(`${BASE}
expect nic 0x1_0000_1000 -> 0x80_0000_1000
expect nic write 0x1_0000_1000 -> 0x80_0000_1000
expect nic 0x0800_0040 -> its0
expect nic write 0x0800_0040 -> its0
expect nic 0x3_0000_0000 fault
expect nic read 0x2_0000_0010 -> 0x90_0000_0010
expect nic 0x2_0000_0010 -> 0x90_0000_0010
expect nic write 0x2_0000_0010 fault
`);
  });

  it('a wrong address shows the actual chain', () => {
    const a = check(`${BASE}
  expect nic 0x1_0000_1000 -> 0x80_0000_2000
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expect-failed: expected nic 0x100001000 -> 0x8000002000
`);
    const m = a.diagnostics[0]!.message;
    expect(m).toContain('= PA 0x8000001000: memory');
    expect(m).toContain("'vm' (paging): map (0x100000000..0x13fffffff");
  });

  it('fault expected, but the address translates', () => {
    check(`${BASE}
  expect nic 0x1_0000_1000 fault
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expect-failed: to fault
`);
  });

  it('an address expected, but it faults', () => {
    check(`${BASE}
  expect nic 0x5_0000_0000 -> 0x80_0000_0000
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expect-failed: maps nothing at 0x500000000
`);
  });

  it('with write, a read-only map refuses the access: -> ADDR fails, fault holds', () => {
    check(`${BASE}
  expect nic write 0x2_0000_0010 -> 0x90_0000_0010
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expect-failed: does not allow write
  expect nic 0x2_0000_0010 fault
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expect-failed: = PA 0x9000000010: memory
`);
  });

  it('-> IRQCHIP needs the doorbell page of that irqchip', () => {
    check(`${BASE}
  expect nic 0x1_0000_0040 -> its0
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expect-failed: (doorbell page 0x8090000)
expect nic 0x0800_0fff -> its0
  expect nic 0x0800_1000 -> its0
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expect-failed
`);
  });

  it('x86: -> IRQCHIP holds inside the hardware MSI window', () => {
    check(`backend iommufd
iommu dmar0 { model vtd }
irqchip ir { model x86-remap }
device gpu { pci 01:00.0 msi ir driver vfio-pci }
domain vm : paging { attach gpu map 0x0 -> 0x1_0000_0000 size 2G }
expect gpu write 0xFEE0_0000 -> ir
expect gpu 0xFEEF_F000 -> ir
  expect gpu 0x1000 -> ir
//^^^^^^^^^^^^^^^^^^^^^^^ expect-failed: the hardware MSI window
`);
  });

  it('PASID: the PASID attachment is used; a missing one faults', () => {
    check(`backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device acc { pci 03:00.0 msi its0 driver vfio-pci pasid 8 }
domain rid : paging { attach acc map 0x1000_0000 -> 0x80_0000_0000 size 1M }
domain sva : paging { attach acc pasid 5 map 0x1000_0000 -> 0x81_0000_0000 size 1M }
expect acc 0x1000_0000 -> 0x80_0000_0000
expect acc pasid 5 0x1000_0000 -> 0x81_0000_0000
expect acc pasid 6 0x1000_0000 fault
  expect acc pasid 6 0x1000_0000 -> 0x81_0000_0000
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expect-failed: no domain is attached to PASID 6
`);
  });

  it('an expect on an unknown device is an unknown-name only', () => {
    check(`${BASE}
expect nosuch 0x1000 fault
//     ^^^^^^ unknown-name
`);
  });
});
