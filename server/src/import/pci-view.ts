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
}

export const NO_PCI: PciView = {
  exists: () => null,
  classCode: () => null,
  secondaryBus: () => null,
  below: () => [],
  driver: () => null,
  all: () => [],
};

export const PCI_CLASS = {
  /** `(class >> 8) == PCI_CLASS_SERIAL_USB` */
  isUsb: (c: number) => c >> 8 === 0x0c03,
  /** `(class >> 16) == PCI_BASE_CLASS_DISPLAY` */
  isDisplay: (c: number) => c >> 16 === 0x03,
  /** `(class >> 8) == PCI_CLASS_BRIDGE_ISA` */
  isIsaBridge: (c: number) => c >> 8 === 0x0601,
};
