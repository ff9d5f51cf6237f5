// More made-up machines for import fidelity, each with the kernel's real link structure: an Arm
// server whose root complexes use different ITSes (IORT), a devicetree board with two PCIe host
// bridges, and an x86 workstation with the awkward parts of real trees (quirk DMA aliases, a
// PCIe-to-PCI bridge, SR-IOV, a multi-function NVMe without ACS, an empty hot-plug slot, a
// platform device in a group, a DMAR table in the snapshot).

import { ACS_STD, type MachineSpec } from '../helpers/sysfsTree';
import { buildIort, compileAsl, compileDts, fixture } from './acpi-build';
import { ARM_SW_MSI, madtWithIts, X86_MSI } from './machines';

/** Two root complexes (segments 0 and 1), each behind its own SMMUv3 whose StreamIDs go to its own ITS. */
const TWO_RC_IORT = buildIort([
  { name: 'g0', type: 'its', its: [0] },
  { name: 'g1', type: 'its', its: [1] },
  { name: 'smmu0', type: 'smmuv3', base: 0x1000_0000_0000n, mappings: [{ input: 0, count: 0x1ffff, output: 0, ref: 'g0' }] },
  { name: 'smmu1', type: 'smmuv3', base: 0x2000_0000_0000n, mappings: [{ input: 0, count: 0xffff, output: 0, ref: 'g1' }] },
  { name: 'rc0', type: 'rc', segment: 0, mappings: [{ input: 0, count: 0xffff, output: 0, ref: 'smmu0' }] },
  { name: 'rc1', type: 'rc', segment: 1, mappings: [{ input: 0, count: 0xffff, output: 0, ref: 'smmu1' }] },
  { name: 'dma', type: 'nc', device: '\\_SB_.DMA0', mappings: [{ input: 0, count: 0, output: 0x10000, ref: 'smmu0', single: true }] },
]).bytes;

/**
 * An Arm server: segment 0 (an NVMe drive) and segment 1 (an SR-IOV NIC whose two VFs are bound to
 * vfio-pci) behind different SMMUs and ITSes; a DMA engine (platform device, no driver bound; an
 * IORT named component, matched by its ACPI path) in a group of its own behind the first SMMU.
 */
export const ARM_TWO_ITS: MachineSpec = {
  pci: [
    { bdf: '0000:00:01.0', vendor: 0x1def, device: 0xe101, classCode: 0x060400, pcie: 'root-port', secondaryBus: 1, acs: ACS_STD, msi: true, driver: 'pcieport', group: 1, iommu: 'smmu3.0x0000100000000000' },
    { bdf: '0000:01:00.0', parent: '0000:00:01.0', vendor: 0x144d, device: 0xa824, classCode: 0x010802, pcie: 'endpoint', msix: true, driver: 'nvme', group: 2, iommu: 'smmu3.0x0000100000000000' },
    { bdf: '0001:00:01.0', vendor: 0x1def, device: 0xe101, classCode: 0x060400, pcie: 'root-port', secondaryBus: 1, acs: ACS_STD, msi: true, driver: 'pcieport', group: 3, iommu: 'smmu3.0x0000200000000000' },
    { bdf: '0001:01:00.0', parent: '0001:00:01.0', vendor: 0x15b3, device: 0x101d, classCode: 0x020000, pcie: 'endpoint', msix: true, sriov: true, ats: true, driver: 'mlx5_core', group: 4, iommu: 'smmu3.0x0000200000000000' },
    { bdf: '0001:01:00.1', parent: '0001:00:01.0', physfn: '0001:01:00.0', vendor: 0x15b3, device: 0x101e, classCode: 0x020000, pcie: 'endpoint', msix: true, ats: true, driver: 'vfio-pci', group: 5, iommu: 'smmu3.0x0000200000000000' },
    { bdf: '0001:01:00.2', parent: '0001:00:01.0', physfn: '0001:01:00.0', vendor: 0x15b3, device: 0x101e, classCode: 0x020000, pcie: 'endpoint', msix: true, ats: true, driver: 'vfio-pci', group: 6, iommu: 'smmu3.0x0000200000000000' },
  ],
  platform: [{ path: 'platform/ARMH0330:00', acpiPath: '\\_SB_.DMA0', group: 7, iommu: 'smmu3.0x0000100000000000' }],
  groups: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((g) => [g, { reserved_regions: ARM_SW_MSI, type: 'DMA' }])),
  iommus: [
    { name: 'smmu3.0x0000100000000000', path: 'platform/arm-smmu-v3.0.auto/iommu/smmu3.0x0000100000000000' },
    { name: 'smmu3.0x0000200000000000', path: 'platform/arm-smmu-v3.1.auto/iommu/smmu3.0x0000200000000000' },
  ],
  acpi: { APIC: madtWithIts(0x1000_0004_0000n, 0x2000_0004_0000n), IORT: Buffer.from(TWO_RC_IORT) },
  proc: { cmdline: 'root=/dev/nvme0n1p2 ro', osrelease: '6.12.0', pageKiB: 4, interrupts: ' 40: 0 ITS-MSI 524288 Edge nvme0q0\n' },
};

const BOARD_DTS = `/dts-v1/;
/ {
  #address-cells = <2>;
  #size-cells = <2>;
  model = "test board";
  its0: msi-controller@6000000 { compatible = "arm,gic-v3-its"; reg = <0x0 0x6000000 0x0 0x20000>; msi-controller; #msi-cells = <1>; };
  its1: msi-controller@6040000 { compatible = "arm,gic-v3-its"; reg = <0x0 0x6040000 0x0 0x20000>; msi-controller; #msi-cells = <1>; };
  smmu: iommu@5000000 { compatible = "arm,smmu-v3"; reg = <0x0 0x5000000 0x0 0x20000>; #iommu-cells = <1>; };
  pcie@40000000 {
    compatible = "pci-host-ecam-generic"; device_type = "pci"; reg = <0x0 0x40000000 0x0 0x1000000>;
    #address-cells = <3>; #size-cells = <2>; bus-range = <0x0 0xff>; linux,pci-domain = <0>;
    iommu-map = <0x0 &smmu 0x0 0x10000>;
    msi-map = <0x0 &its0 0x0 0x10000>;
  };
  pcie@50000000 {
    compatible = "pci-host-ecam-generic"; device_type = "pci"; reg = <0x0 0x50000000 0x0 0x1000000>;
    #address-cells = <3>; #size-cells = <2>; bus-range = <0x0 0xff>; linux,pci-domain = <1>;
    iommu-map = <0x0 &smmu 0x10000 0x10000>;
    msi-parent = <&its1>;
  };
  usb@3100000 { compatible = "snps,dwc3"; reg = <0x0 0x3100000 0x0 0x10000>; iommus = <&smmu 0x20000>; msi-parent = <&its0 0x20000>; };
};
`;

/** A devicetree board: two host bridges (msi-map to its0, msi-parent its1), a USB controller with its own msi-parent. */
export function dtBoard(): MachineSpec {
  const smmu = 'smmu3.0x0000000005000000';
  return {
    pci: [
      { bdf: '0000:00:00.0', vendor: 0x1e0f, device: 0x0001, classCode: 0x060400, pcie: 'root-port', secondaryBus: 1, acs: ACS_STD, msi: true, driver: 'pcieport', group: 0, iommu: smmu },
      { bdf: '0000:01:00.0', parent: '0000:00:00.0', vendor: 0x144d, device: 0xa80a, classCode: 0x010802, pcie: 'endpoint', msix: true, driver: 'nvme', group: 1, iommu: smmu },
      { bdf: '0001:00:00.0', vendor: 0x1e0f, device: 0x0001, classCode: 0x060400, pcie: 'root-port', secondaryBus: 1, acs: ACS_STD, msi: true, driver: 'pcieport', group: 2, iommu: smmu },
      { bdf: '0001:01:00.0', parent: '0001:00:00.0', vendor: 0x8086, device: 0x1533, classCode: 0x020000, pcie: 'endpoint', msix: true, driver: 'igb', group: 3, iommu: smmu },
    ],
    platform: [{ path: 'platform/3100000.usb', driver: 'dwc3', group: 4, iommu: smmu }],
    hostBridges: { '0000:00': 'platform/40000000.pcie', '0001:00': 'platform/50000000.pcie' },
    groups: Object.fromEntries([0, 1, 2, 3, 4].map((g) => [g, { reserved_regions: ARM_SW_MSI, type: 'DMA' }])),
    iommus: [{ name: smmu, path: 'platform/5000000.iommu/iommu/smmu3.0x0000000005000000' }],
    fdt: Buffer.from(compileDts(BOARD_DTS)),
    proc: { cmdline: 'console=ttyAMA0 root=/dev/nvme0n1p2', osrelease: '6.6.30', pageKiB: 4, interrupts: ' 50: 0 ITS-MSI 0 Edge nvme0q0\n' },
  };
}

const DMAR0_CAP = (47n << 16n) | (0b00100n << 8n) | (0b0011n << 34n);
const DMAR0_ECAP = (1n << 3n) | (1n << 1n);

/**
 * An x86 workstation: a Marvell 88SE9230 SATA controller (its DMA also uses the phantom function 1,
 * quirk_dma_func1_alias), a Ricoh card reader at function 1 whose DMA carries function 0's
 * requester ID (quirk_dma_func0_alias: it shares the FireWire function's group although both have
 * ACS), an ASMedia PCIe-to-PCI bridge with a conventional card behind it, a four-function NVMe
 * without ACS, an empty hot-plug root port, an SR-IOV NIC with one VF, and the DMAR table.
 */
export const WORKSTATION: MachineSpec = {
  pci: [
    { bdf: '0000:00:1c.0', vendor: 0x8086, device: 0x7ab8, classCode: 0x060400, pcie: 'root-port', secondaryBus: 5, acs: ACS_STD, msi: true, driver: 'pcieport', group: 10, iommu: 'dmar0' },
    { bdf: '0000:05:00.0', parent: '0000:00:1c.0', vendor: 0x1b4b, device: 0x9230, classCode: 0x010601, pcie: 'endpoint', msi: true, driver: 'ahci', group: 11, iommu: 'dmar0' },
    { bdf: '0000:00:1c.1', vendor: 0x8086, device: 0x7ab9, classCode: 0x060400, pcie: 'root-port', secondaryBus: 6, acs: ACS_STD, msi: true, driver: 'pcieport', group: 12, iommu: 'dmar0' },
    { bdf: '0000:06:00.0', parent: '0000:00:1c.1', vendor: 0x1180, device: 0x0832, classCode: 0x0c0010, pcie: 'endpoint', multifunction: true, acs: ACS_STD, msi: true, driver: 'firewire_ohci', group: 13, iommu: 'dmar0' },
    { bdf: '0000:06:00.1', parent: '0000:00:1c.1', vendor: 0x1180, device: 0xe832, classCode: 0x080501, pcie: 'endpoint', multifunction: true, acs: ACS_STD, msi: true, driver: 'sdhci-pci', group: 13, iommu: 'dmar0' },
    { bdf: '0000:00:1c.4', vendor: 0x8086, device: 0x7abc, classCode: 0x060400, pcie: 'root-port', secondaryBus: 7, subordinateBus: 8, acs: ACS_STD, msi: true, driver: 'pcieport', group: 14, iommu: 'dmar0' },
    { bdf: '0000:07:00.0', parent: '0000:00:1c.4', vendor: 0x1b21, device: 0x1080, classCode: 0x060401, pcie: null, secondaryBus: 8, group: 15, iommu: 'dmar0' },
    { bdf: '0000:08:00.0', parent: '0000:07:00.0', vendor: 0x13f6, device: 0x8788, classCode: 0x040100, pcie: null, driver: 'snd_oxygen', group: 15, iommu: 'dmar0' },
    { bdf: '0000:00:1c.6', vendor: 0x8086, device: 0x7abe, classCode: 0x060400, pcie: 'root-port', secondaryBus: 9, acs: ACS_STD, msi: true, driver: 'pcieport', group: 16, iommu: 'dmar0' },
    { bdf: '0000:00:1d.0', vendor: 0x8086, device: 0x7ab0, classCode: 0x060400, pcie: 'root-port', secondaryBus: 10, acs: ACS_STD, msi: true, driver: 'pcieport', group: 17, iommu: 'dmar0' },
    ...[0, 1, 2, 3].map((fn) => ({ bdf: `0000:0a:00.${fn}`, parent: '0000:00:1d.0', vendor: 0x1c5f, device: 0x0557, classCode: 0x010802, pcie: 'endpoint' as const, multifunction: true, msix: true, driver: 'nvme', group: 18, iommu: 'dmar0' })),
    { bdf: '0000:00:1d.1', vendor: 0x8086, device: 0x7ab1, classCode: 0x060400, pcie: 'root-port', secondaryBus: 11, acs: ACS_STD, msi: true, driver: 'pcieport', group: 19, iommu: 'dmar0' },
    { bdf: '0000:0b:00.0', parent: '0000:00:1d.1', vendor: 0x8086, device: 0x1521, classCode: 0x020000, pcie: 'endpoint', msix: true, sriov: true, driver: 'igb', group: 20, iommu: 'dmar0' },
    { bdf: '0000:0b:10.0', parent: '0000:00:1d.1', physfn: '0000:0b:00.0', vendor: 0x8086, device: 0x1520, classCode: 0x020000, pcie: 'endpoint', msix: true, driver: 'igbvf', group: 21, iommu: 'dmar0' },
  ],
  groups: Object.fromEntries([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21].map((g) => [g, { reserved_regions: X86_MSI, type: 'DMA-FQ' }])),
  iommus: [{ name: 'dmar0', path: 'virtual/iommu/dmar0', files: { 'intel-iommu/cap': DMAR0_CAP.toString(16) + '\n', 'intel-iommu/ecap': DMAR0_ECAP.toString(16) + '\n', 'intel-iommu/address': 'fed90000\n' } }],
  acpi: { DMAR: Buffer.from(compileAsl(fixture('dmar-client.asl'))) },
  proc: { cmdline: 'root=/dev/nvme0n1p2 ro intel_iommu=on', osrelease: '6.10.3', pageKiB: 4, interrupts: ' 120: 0 IR-PCI-MSI-0000:05:00.0 0-edge ahci\n' },
};
