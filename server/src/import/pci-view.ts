import type { Machine } from './machine';

// What an importer may know about the machine's PCI functions beyond the firmware tables: from a
// sysfs import of the same machine (snapshot or copy), or nothing at all.

export interface PciView {
  /** Whether a function exists (`SSSS:BB:DD.F`, lower case); null when there is nothing to tell. */
  exists(bdf: string): boolean | null;
  /** The 24-bit class code (`0x0c0330` for an xHCI controller), when known. */
  classCode(bdf: string): number | null;
  /** The secondary bus number of a bridge, when known. */
  secondaryBus(bdf: string): number | null;
  /** Functions whose path to the root goes through this bridge (not the bridge itself). */
  below(bdf: string): string[];
  /** The bound driver, when known. */
  driver(bdf: string): string | null;
  /** Every function known, sorted. */
  all(): string[];
  /** The machine's IOMMU groups with more than one PCI function (sysfs names), with their default domain type when sysfs gave it. */
  groups(): { id: number; members: string[]; type: 'dma' | 'dma-fq' | 'identity' | 'blocked' | null }[];
}

export const NO_PCI: PciView = {
  exists: () => null,
  classCode: () => null,
  secondaryBus: () => null,
  below: () => [],
  driver: () => null,
  all: () => [],
  groups: () => [],
};

const PCI_NAME = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
/** The sysfs group `type` as the language's default domain types. */
export const GROUP_TYPES: Readonly<Record<string, 'dma' | 'dma-fq' | 'identity' | 'blocked'>> = { DMA: 'dma', 'DMA-FQ': 'dma-fq', identity: 'identity', blocked: 'blocked' };

/** The PCI view of a machine read from sysfs (a copy, a live /sys, or a snapshot archive). */
export function pciViewOf(m: Machine): PciView {
  const fns = [...m.devices.values()].filter((d) => d.pci).map((d) => ({ ...d, name: d.name.toLowerCase() }));
  const by = new Map(fns.map((d) => [d.name, d]));
  const all = [...by.keys()].sort();
  const above = (name: string): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let p = by.get(name)?.parent?.toLowerCase(); p && !seen.has(p); p = by.get(p)?.parent?.toLowerCase()) {
      seen.add(p);
      out.push(p);
    }
    return out;
  };
  return {
    exists: (b) => by.has(b),
    classCode: (b) => by.get(b)?.classCode ?? null,
    secondaryBus: (b) => by.get(b)?.config?.secondaryBus ?? null,
    below: (b) => all.filter((x) => above(x).includes(b)),
    driver: (b) => by.get(b)?.driver ?? null,
    all: () => all,
    groups: () =>
      m.groups
        .map((g) => ({ id: g.id, members: g.devices.map((d) => d.toLowerCase()).filter((d) => PCI_NAME.test(d)), type: g.type === null ? null : GROUP_TYPES[g.type] ?? null }))
        .filter((g) => g.members.length > 1),
  };
}

export const PCI_CLASS = {
  /** `(class >> 8) == PCI_CLASS_SERIAL_USB` */
  isUsb: (c: number) => c >> 8 === 0x0c03,
  /** `(class >> 16) == PCI_BASE_CLASS_DISPLAY` */
  isDisplay: (c: number) => c >> 16 === 0x03,
  /** `(class >> 8) == PCI_CLASS_BRIDGE_ISA` */
  isIsaBridge: (c: number) => c >> 8 === 0x0601,
};
