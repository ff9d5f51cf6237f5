// DMAR (Intel VT-d DMA Remapping table): DRHD units (one per remapping hardware unit), RMRRs
// (memory firmware keeps using for DMA), ATSR/SATC/RHSA/ANDD structures (read past), each with
// device scopes (a start bus and a path of device/function hops). Layouts as in ACPICA's actbl1.h.

import type { Bytes } from '../bytes';
import type { Findings } from '../findings';
import { hex32 } from '../findings';
import type { AcpiTable } from './tables';

export const DMAR_FLAGS = { INTR_REMAP: 1, X2APIC_OPT_OUT: 2, DMA_CTRL_PLATFORM_OPT_IN: 4 } as const;
export const SCOPE_TYPES = ['reserved', 'PCI endpoint', 'PCI bridge', 'IOAPIC', 'HPET', 'ACPI namespace device'];

export interface DeviceScope {
  offset: number;
  type: number;
  enumerationId: number;
  bus: number;
  /** (device, function) hops from the start bus. */
  path: [number, number][];
}

export interface Drhd { offset: number; flags: number; segment: number; address: bigint; size: number; scopes: DeviceScope[] }
export interface Rmrr { offset: number; segment: number; base: bigint; end: bigint; scopes: DeviceScope[] }

export interface Dmar {
  table: AcpiTable;
  /** Host address width: the field plus one. */
  width: number;
  flags: number;
  drhds: Drhd[];
  rmrrs: Rmrr[];
}

const STRUCT_NAMES = ['DRHD', 'RMRR', 'ATSR', 'RHSA', 'ANDD', 'SATC', 'SIDP'];
const MIN_LENGTH: Record<number, number> = { 0: 16, 1: 24, 2: 8, 3: 20, 4: 8, 5: 8, 6: 8 };

export function parseDmar(table: AcpiTable, findings: Findings): Dmar {
  const b = table.bytes;
  const at = (offset: number, length: number) => ({ kind: 'table' as const, table: table.source, offset, length });
  const dmar: Dmar = { table, width: (b.u8(36) ?? 0) + 1, flags: b.u8(37) ?? 0, drhds: [], rmrrs: [] };
  if (table.revision > 2) findings.report('table-revision', at(8, 1), `DMAR revision ${table.revision} is newer than the newest this importer knows (2); structures are read with the revision-2 layout`);
  if (b.length < 48) {
    findings.report('table-malformed', at(36, Math.max(0, b.length - 36)), `DMAR: the table ends at ${hex32(b.length)}, before its first remapping structure (0x30); nothing imported`);
    return dmar;
  }
  let off = 48;
  while (off < b.length) {
    const type = b.u16(off);
    const length = b.u16(off + 2);
    if (type === null || length === null) {
      findings.report('table-malformed', at(off, b.length - off), `DMAR: ${b.length - off} stray bytes at ${hex32(off)}, too few for a structure header`);
      break;
    }
    const name = STRUCT_NAMES[type] ?? `type ${type}`;
    if (length < 4) {
      findings.report('table-malformed', at(off + 2, 2), `DMAR: the ${name} structure at ${hex32(off)} has length ${length}; the walk cannot go on`);
      break;
    }
    if (!b.has(off, length)) {
      findings.report('table-malformed', at(off + 2, 2), `DMAR: the ${name} structure at ${hex32(off)} has length ${hex32(length)}, reaching past the end of the table (${hex32(b.length)}); it and what follows are not imported`);
      break;
    }
    const s = b.slice(off, length)!;
    const need = MIN_LENGTH[type];
    if (need === undefined) {
      findings.report('table-revision', at(off, 2), `DMAR: structure type ${type} at ${hex32(off)} is not one this importer knows; skipped`);
    } else if (length < need) {
      findings.report('table-malformed', at(off + 2, 2), `DMAR: the ${name} structure at ${hex32(off)} has length ${length}, less than the ${need} bytes it needs; skipped`);
    } else if (type === 0) {
      dmar.drhds.push({ offset: off, flags: s.u8(4)!, size: s.u8(5)!, segment: s.u16(6)!, address: s.u64(8)!, scopes: scopes(s, off, 16, name, findings, at) });
    } else if (type === 1) {
      dmar.rmrrs.push({ offset: off, segment: s.u16(6)!, base: s.u64(8)!, end: s.u64(16)!, scopes: scopes(s, off, 24, name, findings, at) });
    }
    off += length;
  }
  return dmar;
}

type At = (offset: number, length: number) => { kind: 'table'; table: AcpiTable['source']; offset: number; length: number };

function scopes(s: Bytes, base: number, first: number, owner: string, findings: Findings, at: At): DeviceScope[] {
  const out: DeviceScope[] = [];
  let o = first;
  while (o < s.length) {
    const type = s.u8(o)!;
    const length = s.u8(o + 1);
    const where = `DMAR: the device scope at ${hex32(base + o)} of the ${owner} at ${hex32(base)}`;
    if (length === null || length < 6) {
      findings.report('table-malformed', at(base + o + 1, 1), `${where} has length ${length ?? 'missing'}, less than its 6-byte header; the remaining scopes of this ${owner} are not imported`);
      break;
    }
    if (!s.has(o, length)) {
      findings.report('table-malformed', at(base + o + 1, 1), `${where} has length ${length}, reaching past the end of its ${owner} (length ${hex32(s.length)}); the remaining scopes are not imported`);
      break;
    }
    if ((length - 6) % 2 !== 0) findings.report('table-malformed', at(base + o + 1, 1), `${where} has length ${length}: its path is not a whole number of (device, function) pairs; the odd byte is ignored`);
    const path: [number, number][] = [];
    for (let p = 6; p + 1 < length; p += 2) path.push([s.u8(o + p)!, s.u8(o + p + 1)!]);
    if (path.length === 0) findings.report('table-malformed', at(base + o, length), `${where} has no path: it names no device`);
    else out.push({ offset: base + o, type, enumerationId: s.u8(o + 4)!, bus: s.u8(o + 5)!, path });
    o += length;
  }
  return out;
}
