// What the importer reads from a PCI function's config space (sysfs `config`): header type and
// multifunction bit, bridge bus numbers, and the capabilities that decide grouping and MSIs —
// PCI Express (port type), ACS, MSI, MSI-X, PASID, ATS. Never reads past the buffer; a list that
// loops or points outside the space ends the walk.

/** PCI Express device/port types (PCI_EXP_FLAGS_TYPE). */
export type PcieType = 'endpoint' | 'legacy-endpoint' | 'root-port' | 'upstream-port' | 'downstream-port' | 'pcie-to-pci' | 'pci-to-pcie' | 'rc-endpoint' | 'rc-event-collector';

const PCIE_TYPES: Record<number, PcieType> = {
  0: 'endpoint',
  1: 'legacy-endpoint',
  4: 'root-port',
  5: 'upstream-port',
  6: 'downstream-port',
  7: 'pcie-to-pci',
  8: 'pci-to-pcie',
  9: 'rc-endpoint',
  10: 'rc-event-collector',
};

/** ACS control/capability bits (PCI_ACS_*), in register order. */
export const ACS_BITS = ['sv', 'tb', 'rr', 'cr', 'uf', 'ec', 'dt'] as const;
export type AcsFlag = (typeof ACS_BITS)[number];

export interface PciConfig {
  /** The bytes read: 64 without root, 256 or 4096 with it. */
  length: number;
  /** Capabilities are readable (more than the 64-byte header). */
  complete: boolean;
  vendor: number;
  device: number;
  classCode: number;
  /** Subsystem vendor and device (type 0 header), for quirks matched on them. */
  subsystemVendor: number | null;
  subsystemDevice: number | null;
  /** Header layout: 0 endpoint, 1 PCI-to-PCI bridge, 2 CardBus bridge. */
  headerLayout: number;
  multifunction: boolean;
  secondaryBus: number | null;
  subordinateBus: number | null;
  /** The PCI Express capability's port type, or null for a conventional PCI/PCI-X function. */
  pcie: PcieType | null;
  /** The ACS extended capability: what it implements and what is enabled. */
  acs: { cap: number; ctrl: number } | null;
  msi: boolean;
  msix: boolean;
  /** Max PASID width from the PASID capability. */
  pasidBits: number | null;
  ats: boolean;
  sriov: boolean;
}

export function parsePciConfig(b: Uint8Array): PciConfig | null {
  if (b.length < 64) return null;
  const u8 = (o: number) => (o < b.length ? b[o]! : 0);
  const u16 = (o: number) => u8(o) | (u8(o + 1) << 8);
  const u32 = (o: number) => (u16(o) | (u16(o + 2) << 16)) >>> 0;
  const header = u8(0x0e);
  const layout = header & 0x7f;
  const cfg: PciConfig = {
    length: b.length,
    complete: b.length >= 256,
    vendor: u16(0),
    device: u16(2),
    classCode: (u8(0x0b) << 16) | (u8(0x0a) << 8) | u8(0x09),
    subsystemVendor: layout === 0 ? u16(0x2c) : null,
    subsystemDevice: layout === 0 ? u16(0x2e) : null,
    headerLayout: layout,
    multifunction: (header & 0x80) !== 0,
    secondaryBus: layout === 1 ? u8(0x19) : null,
    subordinateBus: layout === 1 ? u8(0x1a) : null,
    pcie: null,
    acs: null,
    msi: false,
    msix: false,
    pasidBits: null,
    ats: false,
    sriov: false,
  };
  if (!cfg.complete) return cfg;
  // Standard capabilities: a list from 0x34 when the status register says there is one.
  if (u16(0x06) & 0x10) {
    const seen = new Set<number>();
    for (let p = u8(layout === 2 ? 0x14 : 0x34) & 0xfc; p >= 0x40 && p < 256 && !seen.has(p); p = u8(p + 1) & 0xfc) {
      seen.add(p);
      const id = u8(p);
      if (id === 0x05) cfg.msi = true;
      else if (id === 0x11) cfg.msix = true;
      else if (id === 0x10) cfg.pcie = PCIE_TYPES[(u16(p + 2) >> 4) & 0xf] ?? 'endpoint';
    }
  }
  // Extended capabilities from 0x100 (PCI Express only, and only when 4 KiB were readable).
  if (cfg.pcie !== null && b.length >= 0x104) {
    const seen = new Set<number>();
    for (let p = 0x100; p >= 0x100 && p + 4 <= b.length && !seen.has(p); ) {
      seen.add(p);
      const h = u32(p);
      if (h === 0 || h === 0xffffffff) break;
      const id = h & 0xffff;
      if (id === 0x0d) cfg.acs = { cap: u16(p + 4), ctrl: u16(p + 6) };
      else if (id === 0x1b) cfg.pasidBits = ((u16(p + 4) >> 8) & 0x1f) || null;
      else if (id === 0x0f) cfg.ats = true;
      else if (id === 0x10) cfg.sriov = true;
      p = (h >>> 20) & 0xffc;
    }
  }
  return cfg;
}

/**
 * The ACS flags the kernel counts as enforced (`pci_acs_flags_enabled`): enabled in the control
 * register, or not implemented by the capability (a flag the port does not implement is not
 * required of it).
 */
export function effectiveAcs(acs: { cap: number; ctrl: number }): AcsFlag[] {
  // EC is required whenever asked for (`acs_flags &= (cap | PCI_ACS_EC)`).
  return ACS_BITS.filter((f, i) => (acs.ctrl & (1 << i)) !== 0 || (f !== 'ec' && (acs.cap & (1 << i)) === 0));
}
