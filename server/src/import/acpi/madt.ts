// MADT (signature APIC): the interrupt controllers. For IOMMU purposes: GIC ITS structures
// (type 0xF: translation ID and base; the doorbell GITS_TRANSLATER is base + 0x10040), GICv2m
// MSI frames (type 0xD: base; doorbell base + 0x40), and I/O APICs (type 1: id), which AMD-Vi
// interrupt remapping must find in the IVRS.

import type { Findings } from '../findings';
import { hex32 } from '../findings';
import type { AcpiTable } from './tables';

export interface GicIts { offset: number; id: number; base: bigint }
export interface GicV2mFrame { offset: number; id: number; base: bigint; spiCount: number; spiBase: number }
export interface IoApic { offset: number; id: number; address: number; gsiBase: number }

export interface Madt {
  table: AcpiTable;
  its: GicIts[];
  v2m: GicV2mFrame[];
  ioapics: IoApic[];
}

/** Minimum lengths of the structures read here. */
const MIN_LENGTH: Record<number, number> = { 0x1: 12, 0xd: 24, 0xf: 20 };

export function parseMadt(table: AcpiTable, findings: Findings): Madt {
  const b = table.bytes;
  const at = (offset: number, length: number) => ({ kind: 'table' as const, table: table.source, offset, length });
  const madt: Madt = { table, its: [], v2m: [], ioapics: [] };
  let off = 44;
  if (b.length < off) {
    findings.report('table-malformed', at(36, b.length - 36), `APIC: the table ends at ${hex32(b.length)}, before its first structure (0x2C); nothing imported`);
    return madt;
  }
  while (off < b.length) {
    const type = b.u8(off)!;
    const length = b.u8(off + 1);
    if (length === null) {
      findings.report('table-malformed', at(off, 1), `APIC: a structure of type ${hex32(type)} at ${hex32(off)} is cut off before its length byte`);
      break;
    }
    if (length < 2) {
      findings.report('table-malformed', at(off + 1, 1), `APIC: the structure of type ${hex32(type)} at ${hex32(off)} has length ${length}; the walk cannot go on`);
      break;
    }
    if (!b.has(off, length)) {
      findings.report('table-malformed', at(off + 1, 1), `APIC: the structure of type ${hex32(type)} at ${hex32(off)} has length ${hex32(length)}, reaching past the end of the table (${hex32(b.length)})`);
      break;
    }
    const need = MIN_LENGTH[type];
    if (need !== undefined && length < need) {
      findings.report('table-malformed', at(off + 1, 1), `APIC: the structure of type ${hex32(type)} at ${hex32(off)} has length ${length}, less than the ${need} bytes it needs; skipped`);
    } else if (type === 0xf) {
      madt.its.push({ offset: off, id: b.u32(off + 4)!, base: b.u64(off + 8)! });
    } else if (type === 0xd) {
      madt.v2m.push({ offset: off, id: b.u32(off + 4)!, base: b.u64(off + 8)!, spiCount: b.u16(off + 20)!, spiBase: b.u16(off + 22)! });
    } else if (type === 0x1) {
      madt.ioapics.push({ offset: off, id: b.u8(off + 2)!, address: b.u32(off + 4)!, gsiBase: b.u32(off + 8)! });
    }
    off += length;
  }
  return madt;
}
