// Made-up machines for the importer's tests, each shaped like a real kind of host. Register values
// are composed from the fields the kernel reads (see server/src/import/iommuRegisters.ts).

import { ACS_STD, type MachineSpec } from '../helpers/sysfsTree';

export const X86_MSI = '0x00000000fee00000 0x00000000feefffff msi\n';
const HT_HOLE = '0x000000fd00000000 0x000000ffffffffff reserved\n';
export const ARM_SW_MSI = '0x0000000008000000 0x00000000080fffff msi\n';

const b = (n: number) => 1n << BigInt(n);
const field = (v: number, lo: number) => BigInt(v) << BigInt(lo);
const hex = (v: bigint) => v.toString(16) + '\n';

/** VT-d unit of the graphics device: legacy mode, MGAW 39, SAGAW 39 bits, no superpages, IR. */
export const DMAR0_CAP = field(38, 16) | field(0b00010, 8);
export const DMAR0_ECAP = b(3) | b(1);
/** The other VT-d unit: scalable mode with first- and second-stage, MGAW 48, SAGAW 39/48, 2M (SL) and 1G (FL1GP), nesting, 20-bit PASID, IR. */
export const DMAR1_CAP = field(47, 16) | field(0b00110, 8) | field(0b0001, 34) | b(56);
export const DMAR1_ECAP = b(43) | b(47) | b(46) | b(26) | b(40) | field(19, 35) | b(3) | b(1);

/**
 * A laptop: two DMAR units (dmar0 for the iGPU only), the iGPU in an identity group with its
 * RMRR (direct), the xHCI with a USB RMRR (direct-relaxable), a discrete GPU with its HDMI audio
 * function behind a root port with ACS, an NVMe drive, and the PCH functions (LPC with the floppy
 * region, HD audio, SMBus) sharing a group.
 */
export const LAPTOP: MachineSpec = {
  pci: [
    { bdf: '0000:00:00.0', vendor: 0x8086, device: 0x9a14, classCode: 0x060000, pcie: null, group: 1, iommu: 'dmar1' },
    { bdf: '0000:00:02.0', vendor: 0x8086, device: 0x9a49, classCode: 0x030000, pcie: 'rc-endpoint', msi: true, driver: 'i915', group: 0, iommu: 'dmar0' },
    { bdf: '0000:00:14.0', vendor: 0x8086, device: 0xa0ed, classCode: 0x0c0330, pcie: null, msi: true, driver: 'xhci_hcd', group: 2, iommu: 'dmar1' },
    { bdf: '0000:00:1c.0', vendor: 0x8086, device: 0xa0b8, classCode: 0x060400, pcie: 'root-port', secondaryBus: 1, acs: ACS_STD, msi: true, driver: 'pcieport', group: 3, iommu: 'dmar1' },
    { bdf: '0000:01:00.0', parent: '0000:00:1c.0', vendor: 0x10de, device: 0x1f95, classCode: 0x030000, pcie: 'endpoint', multifunction: true, msi: true, driver: 'nouveau', group: 4, iommu: 'dmar1' },
    { bdf: '0000:01:00.1', parent: '0000:00:1c.0', vendor: 0x10de, device: 0x10fa, classCode: 0x040300, pcie: 'endpoint', multifunction: true, msi: true, driver: 'snd_hda_intel', group: 4, iommu: 'dmar1' },
    { bdf: '0000:00:1d.0', vendor: 0x8086, device: 0xa0b0, classCode: 0x060400, pcie: 'root-port', secondaryBus: 2, acs: ACS_STD, msi: true, driver: 'pcieport', group: 5, iommu: 'dmar1' },
    { bdf: '0000:02:00.0', parent: '0000:00:1d.0', vendor: 0x144d, device: 0xa80a, classCode: 0x010802, pcie: 'endpoint', msix: true, pasidBits: 20, driver: 'nvme', group: 6, iommu: 'dmar1' },
    { bdf: '0000:00:1f.0', vendor: 0x8086, device: 0xa082, classCode: 0x060100, pcie: null, multifunction: true, group: 7, iommu: 'dmar1' },
    { bdf: '0000:00:1f.3', vendor: 0x8086, device: 0xa0c8, classCode: 0x040300, pcie: null, multifunction: true, msi: true, driver: 'snd_hda_intel', group: 7, iommu: 'dmar1' },
    { bdf: '0000:00:1f.4', vendor: 0x8086, device: 0xa0a3, classCode: 0x0c0500, pcie: null, multifunction: true, driver: 'i801_smbus', group: 7, iommu: 'dmar1' },
  ],
  groups: {
    0: { reserved_regions: '0x000000007c000000 0x000000007fffffff direct\n' + X86_MSI, type: 'identity' },
    1: { reserved_regions: X86_MSI, type: 'DMA-FQ' },
    2: { reserved_regions: '0x000000007a3a5000 0x000000007a3c4fff direct-relaxable\n' + X86_MSI, type: 'DMA-FQ' },
    3: { reserved_regions: X86_MSI, type: 'DMA-FQ' },
    4: { reserved_regions: X86_MSI, type: 'DMA-FQ' },
    5: { reserved_regions: X86_MSI, type: 'DMA-FQ' },
    6: { reserved_regions: X86_MSI, type: 'DMA-FQ' },
    7: { reserved_regions: '0x0000000000000000 0x0000000000ffffff direct-relaxable\n' + X86_MSI, type: 'DMA-FQ' },
  },
  iommus: [
    { name: 'dmar0', path: 'virtual/iommu/dmar0', files: { 'intel-iommu/cap': hex(DMAR0_CAP), 'intel-iommu/ecap': hex(DMAR0_ECAP), 'intel-iommu/address': 'fed90000\n', 'intel-iommu/version': '1:0\n' } },
    { name: 'dmar1', path: 'virtual/iommu/dmar1', files: { 'intel-iommu/cap': hex(DMAR1_CAP), 'intel-iommu/ecap': hex(DMAR1_ECAP), 'intel-iommu/address': 'fed91000\n', 'intel-iommu/version': '1:0\n' } },
  ],
  proc: {
    cmdline: 'BOOT_IMAGE=/boot/vmlinuz-6.8.0-45-generic root=UUID=2f6c ro quiet splash intel_iommu=on',
    osrelease: '6.8.0-45-generic',
    pageKiB: 4,
    interrupts: '           CPU0       CPU1\n 120:          0         12  IR-PCI-MSI-0000:00:14.0    0-edge      xhci_hcd\n 121:         35          0  IR-PCI-MSIX-0000:02:00.0    0-edge      nvme0q0\n',
  },
};

/** AMD EPYC: one IVHD with a 4-level host page table, guest translation, 16-bit PASIDs; the HT hole in every group; an IVMD unity range on the xHCI. */
export const EPYC_FEATURES = b(4) | field(15, 32) | b(7) | b(3);
export const EPYC: MachineSpec = {
  pci: [
    { bdf: '0000:00:01.1', vendor: 0x1022, device: 0x1483, classCode: 0x060400, pcie: 'root-port', secondaryBus: 1, acs: ACS_STD, msi: true, driver: 'pcieport', group: 10, iommu: 'ivhd0' },
    { bdf: '0000:01:00.0', parent: '0000:00:01.1', vendor: 0x15b3, device: 0x1017, classCode: 0x020000, pcie: 'endpoint', multifunction: true, acs: ACS_STD, msix: true, driver: 'mlx5_core', group: 11, iommu: 'ivhd0' },
    { bdf: '0000:01:00.1', parent: '0000:00:01.1', vendor: 0x15b3, device: 0x1017, classCode: 0x020000, pcie: 'endpoint', multifunction: true, acs: ACS_STD, msix: true, driver: 'mlx5_core', group: 12, iommu: 'ivhd0' },
    { bdf: '0000:00:07.1', vendor: 0x1022, device: 0x1484, classCode: 0x060400, pcie: 'root-port', secondaryBus: 2, acs: ACS_STD, msi: true, driver: 'pcieport', group: 13, iommu: 'ivhd0' },
    { bdf: '0000:02:00.3', parent: '0000:00:07.1', vendor: 0x1022, device: 0x148c, classCode: 0x0c0330, pcie: 'endpoint', msix: true, driver: 'xhci_hcd', group: 14, iommu: 'ivhd0' },
  ],
  groups: {
    10: { reserved_regions: X86_MSI + HT_HOLE, type: 'DMA-FQ' },
    11: { reserved_regions: X86_MSI + HT_HOLE, type: 'DMA-FQ' },
    12: { reserved_regions: X86_MSI + HT_HOLE, type: 'DMA-FQ' },
    13: { reserved_regions: X86_MSI + HT_HOLE, type: 'DMA-FQ' },
    14: { reserved_regions: '0x000000009d000000 0x000000009d0fffff direct\n' + X86_MSI + HT_HOLE, type: 'DMA-FQ' },
  },
  iommus: [{ name: 'ivhd0', path: 'pci0000:00/0000:00:00.2/iommu/ivhd0', files: { 'amd-iommu/cap': '190b0011\n', 'amd-iommu/features': hex(EPYC_FEATURES) } }],
  proc: { cmdline: 'root=/dev/sda2 ro amd_iommu=on iommu.strict=0', osrelease: '6.12.9-200.fc41.x86_64', pageKiB: 4, interrupts: ' 60:   0  IR-PCI-MSIX-0000:01:00.0  0-edge  mlx5_async0\n' },
};

/** An ACPI MADT with a GIC ITS structure per base (translation IDs 0, 1, …), checksum made right. */
export function madtWithIts(...bases: bigint[]): Buffer {
  const structs = bases.map((base, id) => {
    const its = Buffer.alloc(20);
    its.writeUInt8(0x0f, 0);
    its.writeUInt8(20, 1);
    its.writeUInt32LE(id, 4);
    its.writeBigUInt64LE(base, 8);
    return its;
  });
  const t = Buffer.concat([Buffer.alloc(44), ...structs]);
  t.write('APIC', 0, 'ascii');
  t.writeUInt32LE(t.length, 4);
  t.writeUInt8(5, 8);
  t.write('IOMMUC', 10, 'ascii');
  t.write('TESTMADT', 16, 'ascii');
  let sum = 0;
  for (const x of t) sum = (sum + x) & 0xff;
  t.writeUInt8((256 - sum) & 0xff, 9);
  return t;
}

/** An Arm server: an SMMUv3 per root complex (segments 0 and 1), a GIC ITS in the MADT, an IORT RMR on the BMC-shared NIC, a two-function NIC without ACS. */
export const ARM_SERVER: MachineSpec = {
  pci: [
    { bdf: '0000:00:01.0', vendor: 0x1def, device: 0xe101, classCode: 0x060400, pcie: 'root-port', secondaryBus: 1, acs: ACS_STD, msi: true, driver: 'pcieport', group: 1, iommu: 'smmu3.0x0000100000000000' },
    { bdf: '0000:01:00.0', parent: '0000:00:01.0', vendor: 0x144d, device: 0xa824, classCode: 0x010802, pcie: 'endpoint', msix: true, driver: 'nvme', group: 2, iommu: 'smmu3.0x0000100000000000' },
    { bdf: '0001:00:01.0', vendor: 0x1def, device: 0xe101, classCode: 0x060400, pcie: 'root-port', secondaryBus: 1, acs: ACS_STD, msi: true, driver: 'pcieport', group: 3, iommu: 'smmu3.0x0000200000000000' },
    { bdf: '0001:01:00.0', parent: '0001:00:01.0', vendor: 0x8086, device: 0x1563, classCode: 0x020000, pcie: 'endpoint', multifunction: true, msix: true, driver: 'ixgbe', group: 4, iommu: 'smmu3.0x0000200000000000' },
    { bdf: '0001:01:00.1', parent: '0001:00:01.0', vendor: 0x8086, device: 0x1563, classCode: 0x020000, pcie: 'endpoint', multifunction: true, msix: true, driver: 'ixgbe', group: 4, iommu: 'smmu3.0x0000200000000000' },
  ],
  groups: {
    1: { reserved_regions: ARM_SW_MSI, type: 'DMA' },
    2: { reserved_regions: ARM_SW_MSI, type: 'DMA' },
    3: { reserved_regions: ARM_SW_MSI, type: 'DMA' },
    4: { reserved_regions: ARM_SW_MSI + '0x00000000e0000000 0x00000000e00fffff direct-relaxable\n', type: 'DMA' },
  },
  iommus: [
    { name: 'smmu3.0x0000100000000000', path: 'platform/arm-smmu-v3.0.auto/iommu/smmu3.0x0000100000000000' },
    { name: 'smmu3.0x0000200000000000', path: 'platform/arm-smmu-v3.1.auto/iommu/smmu3.0x0000200000000000' },
  ],
  acpi: { APIC: madtWithIts(0x1000_0004_0000n) },
  proc: { cmdline: 'BOOT_IMAGE=/vmlinuz-6.14.0 root=/dev/nvme0n1p2 ro', osrelease: '6.14.0-1003-nvidia-64k', pageKiB: 64, interrupts: ' 40: 0 ITS-MSI 524288 Edge nvme0q0\n' },
};

/**
 * A PCIe switch whose downstream ports lack ACS: a GPU and its audio function below one port, an
 * NVMe drive below the other. The kernel puts each downstream port in a group with what is below it.
 */
export function switchMachine(opts: { override?: boolean } = {}): MachineSpec {
  const groups = opts.override ? { dsp0: 3, gpu: 4, audio: 5, dsp1: 6, nvme: 7 } : { dsp0: 3, gpu: 3, audio: 3, dsp1: 6, nvme: 6 };
  const regions = Object.fromEntries([1, 2, ...new Set(Object.values(groups))].map((g) => [g, { reserved_regions: X86_MSI, type: 'DMA' }]));
  return {
    pci: [
      { bdf: '0000:00:01.0', vendor: 0x8086, device: 0x2030, classCode: 0x060400, pcie: 'root-port', secondaryBus: 1, subordinateBus: 5, acs: ACS_STD, msi: true, driver: 'pcieport', group: 1, iommu: 'dmar0' },
      { bdf: '0000:01:00.0', parent: '0000:00:01.0', vendor: 0x10b5, device: 0x8747, classCode: 0x060400, pcie: 'upstream-port', secondaryBus: 2, subordinateBus: 5, msi: true, driver: 'pcieport', group: 2, iommu: 'dmar0' },
      { bdf: '0000:02:08.0', parent: '0000:01:00.0', vendor: 0x10b5, device: 0x8747, classCode: 0x060400, pcie: 'downstream-port', secondaryBus: 3, msi: true, driver: 'pcieport', group: groups.dsp0, iommu: 'dmar0' },
      { bdf: '0000:03:00.0', parent: '0000:02:08.0', vendor: 0x10de, device: 0x2204, classCode: 0x030000, pcie: 'endpoint', multifunction: true, msi: true, driver: 'vfio-pci', group: groups.gpu, iommu: 'dmar0' },
      { bdf: '0000:03:00.1', parent: '0000:02:08.0', vendor: 0x10de, device: 0x1aef, classCode: 0x040300, pcie: 'endpoint', multifunction: true, msi: true, driver: 'snd_hda_intel', group: groups.audio, iommu: 'dmar0' },
      { bdf: '0000:02:10.0', parent: '0000:01:00.0', vendor: 0x10b5, device: 0x8747, classCode: 0x060400, pcie: 'downstream-port', secondaryBus: 4, msi: true, driver: 'pcieport', group: groups.dsp1, iommu: 'dmar0' },
      { bdf: '0000:04:00.0', parent: '0000:02:10.0', vendor: 0x144d, device: 0xa80a, classCode: 0x010802, pcie: 'endpoint', msix: true, driver: 'nvme', group: groups.nvme, iommu: 'dmar0' },
    ],
    groups: regions,
    iommus: [{ name: 'dmar0', path: 'virtual/iommu/dmar0', files: { 'intel-iommu/cap': hex(DMAR1_CAP), 'intel-iommu/ecap': hex(DMAR1_ECAP) } }],
    proc: { cmdline: opts.override ? 'root=/dev/sda1 intel_iommu=on pcie_acs_override=downstream,multifunction' : 'root=/dev/sda1 intel_iommu=on', osrelease: '6.6.58', pageKiB: 4, interrupts: ' 30: 0 IR-PCI-MSI-0000:03:00.0 0-edge\n' },
  };
}
