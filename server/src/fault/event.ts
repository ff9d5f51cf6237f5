// What a fault or event line of the kernel log says, whatever driver printed it: who asked
// (a PCI requester ID, an SMMU StreamID), for which address, read or write, through which
// stage, and what the hardware reported. The driver parsers (vtd.ts, amdvi.ts, smmuv3.ts,
// smmuv2.ts) produce these; explain.ts resolves them through the model.

export type FaultDriver = 'vtd' | 'amd-vi' | 'smmuv3' | 'smmuv2';

export const DRIVER_NAMES: Readonly<Record<FaultDriver, string>> = {
  vtd: 'Intel VT-d (DMAR)',
  'amd-vi': 'AMD-Vi',
  smmuv3: 'Arm SMMUv3',
  smmuv2: 'Arm SMMUv2',
};

/** A PCI requester: segment (when printed), bus, device, function. */
export interface Bdf {
  segment: number | null;
  bus: number;
  device: number;
  fn: number;
}

export type Requester =
  | { kind: 'pci'; bdf: Bdf }
  /** An SMMU StreamID; `client` is the device name the kernel printed for it, when it did. */
  | { kind: 'stream'; sid: number; smmu: string | null; client: string | null };

/**
 * What the hardware reported, in the explanation's terms:
 * `translation` no valid entry, `permission` the entry forbids the access, `address-size` the
 * address is beyond what the table can hold, `access-flag` (Arm AF), `context` the device's
 * context/STE/DTE is missing or invalid, `interrupt` an interrupt-remapping fault,
 * `hardware` an IOMMU-side error unrelated to the device's address, `other` anything else.
 */
export type FaultKind = 'translation' | 'permission' | 'address-size' | 'access-flag' | 'context' | 'interrupt' | 'hardware' | 'other';

export interface FaultEvent {
  driver: FaultDriver;
  /** The event as the driver names it: `DMA Read`, `IO_PAGE_FAULT`, `F_TRANSLATION`, `context fault`. */
  name: string;
  kind: FaultKind;
  requester: Requester | null;
  /** The faulting input address (IOVA; for a nested stage-2 fault, the IOVA the device issued). */
  address: bigint | null;
  /** For Arm nested (stage-2) faults: the IPA the stage-1 walk produced. */
  ipa: bigint | null;
  access: 'read' | 'write' | null;
  pasid: number | null;
  /** The stage the hardware says faulted: Arm `s1`/`s2`; null when the format does not say. */
  stage: 'stage-1' | 'stage-2' | null;
  /** The hardware's reason, in its own words (VT-d fault reason, AMD flags, SMMU class and flags). */
  reason: string;
  /** Driver-specific fields, JSON-safe (numbers as hex strings): reason code, flags, domain id, cb… */
  detail: Record<string, string | number | boolean | null>;
  /** The IOMMU instance as the log names it (`dmar0`, `arm-smmu-v3.0.auto`), when printed. */
  instance: string | null;
  /** The log lines the event spans (0-based, first..last). */
  lines: { first: number; last: number };
  /** Columns of the event's text on its first line. */
  columns: { start: number; end: number };
}

/** A line that looks like an IOMMU fault or event but does not parse (malformed or cut short). */
export interface Unrecognised {
  line: number;
  /** Where the message starts on the line, and the line's end (for editor ranges). */
  column: number;
  end: number;
  driver: FaultDriver;
  text: string;
  why: string;
}

export function formatBdf(b: Bdf): string {
  const h = (v: number, w: number) => v.toString(16).padStart(w, '0');
  return `${b.segment !== null ? h(b.segment, 4) + ':' : ''}${h(b.bus, 2)}:${h(b.device, 2)}.${b.fn.toString(16)}`;
}

/** The 16-bit requester ID of a BDF. */
export function ridOf(b: Bdf): number {
  return (b.bus << 8) | (b.device << 3) | b.fn;
}

export function bdfOfRid(rid: number, segment: number | null = null): Bdf {
  return { segment, bus: (rid >> 8) & 0xff, device: (rid >> 3) & 0x1f, fn: rid & 7 };
}

/** `SSSS:BB:DD.F` or `BB:DD.F` (hex), as the kernel prints it; `0x` before bus and device (VT-d in v5.14–v5.15) allowed. */
export function parseBdf(text: string): Bdf | null {
  const m = /^(?:([0-9a-f]{1,4}):)?(?:0x)?([0-9a-f]{1,2}):(?:0x)?([0-9a-f]{1,2})\.([0-7])$/i.exec(text);
  if (!m) return null;
  const device = parseInt(m[3]!, 16);
  if (device > 0x1f) return null;
  return { segment: m[1] !== undefined ? parseInt(m[1], 16) : null, bus: parseInt(m[2]!, 16), device, fn: parseInt(m[4]!, 16) };
}

/** A hex number as the kernel prints it (`0x1f`, `1f`, `0`); null when it is not one or does not fit 64 bits. */
export function parseHex(text: string): bigint | null {
  const t = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (!/^[0-9a-f]{1,16}$/i.test(t)) return null;
  return BigInt('0x' + t);
}

export function hexText(v: bigint | number): string {
  return '0x' + v.toString(16);
}
