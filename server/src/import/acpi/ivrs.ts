// IVRS (AMD I/O Virtualization Reporting Structure): IVHD blocks (types 0x10, 0x11, 0x40: one per
// IOMMU, the newer types repeating the older with more fields) with device entries saying which
// DeviceIDs the IOMMU translates, and IVMD blocks (0x20 all, 0x21 one, 0x22 a range of devices)
// with memory the devices use for firmware DMA. Layouts as in ACPICA's actbl2.h and the kernel's
// drivers/iommu/amd/init.c.

import type { Findings } from '../findings';
import { hex32 } from '../findings';
import type { AcpiTable } from './tables';

export const IVHD_TYPES = [0x10, 0x11, 0x40];

/** One IVHD device entry, normalised: the DeviceIDs it covers. */
export interface IvhdEntry {
  offset: number;
  type: number;
  /** First and last DeviceID (equal for a select). */
  first: number;
  last: number;
  /** Special entries: IOAPIC (1) or HPET (2) with their handle (APIC id / HPET number). */
  special?: { variety: number; handle: number };
  hid?: string;
  alias?: number;
}

export interface Ivhd {
  offset: number;
  type: number;
  flags: number;
  deviceId: number;
  capOffset: number;
  base: bigint;
  segment: number;
  info: number;
  attributes: number;
  efr: bigint | null;
  entries: IvhdEntry[];
}

export interface Ivmd {
  offset: number;
  type: number;
  flags: number;
  first: number;
  last: number;
  segment: number;
  start: bigint;
  length: bigint;
}

export interface Ivrs {
  table: AcpiTable;
  ivinfo: number;
  ivhds: Ivhd[];
  ivmds: Ivmd[];
}

export const IVMD_FLAGS = { UNITY: 1, READ: 2, WRITE: 4, EXCLUSION: 8 } as const;

export function parseIvrs(table: AcpiTable, findings: Findings): Ivrs {
  const b = table.bytes;
  const at = (offset: number, length: number) => ({ kind: 'table' as const, table: table.source, offset, length });
  const ivrs: Ivrs = { table, ivinfo: b.u32(36) ?? 0, ivhds: [], ivmds: [] };
  if (table.revision > 2) findings.report('table-revision', at(8, 1), `IVRS revision ${table.revision} is newer than the newest this importer knows (2); blocks are read with the revision-2 layout`);
  if (b.length < 48) {
    findings.report('table-malformed', at(36, Math.max(0, b.length - 36)), `IVRS: the table ends at ${hex32(b.length)}, before its first block (0x30); nothing imported`);
    return ivrs;
  }
  let off = 48;
  while (off < b.length) {
    const type = b.u8(off)!;
    const length = b.u16(off + 2);
    if (length === null) {
      findings.report('table-malformed', at(off, b.length - off), `IVRS: ${b.length - off} stray bytes at ${hex32(off)}, too few for a block header`);
      break;
    }
    if (length < 8) {
      findings.report('table-malformed', at(off + 2, 2), `IVRS: the block of type ${hex32(type)} at ${hex32(off)} has length ${length}; the walk cannot go on`);
      break;
    }
    if (!b.has(off, length)) {
      findings.report('table-malformed', at(off + 2, 2), `IVRS: the block of type ${hex32(type)} at ${hex32(off)} has length ${hex32(length)}, reaching past the end of the table (${hex32(b.length)}); it and what follows are not imported`);
      break;
    }
    if (IVHD_TYPES.includes(type)) {
      const head = type === 0x10 ? 24 : 40;
      if (length < head) findings.report('table-malformed', at(off + 2, 2), `IVRS: the IVHD block (type ${hex32(type)}) at ${hex32(off)} has length ${length}, less than its ${head}-byte header; skipped`);
      else ivrs.ivhds.push(ivhd(type, off, length, head));
    } else if (type >= 0x20 && type <= 0x22) {
      if (length < 32) findings.report('table-malformed', at(off + 2, 2), `IVRS: the IVMD block (type ${hex32(type)}) at ${hex32(off)} has length ${length}, less than 32; skipped`);
      else {
        const devid = b.u16(off + 4)!;
        const aux = b.u16(off + 6)!;
        ivrs.ivmds.push({ offset: off, type, flags: b.u8(off + 1)!, first: type === 0x20 ? 0 : devid, last: type === 0x20 ? 0xffff : type === 0x22 ? aux : devid, segment: b.u16(off + 8)!, start: b.u64(off + 16)!, length: b.u64(off + 24)! });
      }
    } else {
      findings.report('table-revision', at(off, 1), `IVRS: block type ${hex32(type)} at ${hex32(off)} is not one this importer knows; skipped`);
    }
    off += length;
  }
  return ivrs;

  function ivhd(type: number, off: number, length: number, head: number): Ivhd {
    const u: Ivhd = {
      offset: off, type, flags: b.u8(off + 1)!, deviceId: b.u16(off + 4)!, capOffset: b.u16(off + 6)!, base: b.u64(off + 8)!, segment: b.u16(off + 16)!,
      info: b.u16(off + 18)!, attributes: b.u32(off + 20)!, efr: type === 0x10 ? null : b.u64(off + 24)!, entries: [],
    };
    let start: { at: number; first: number; alias?: number } | null = null;
    let o = off + head;
    const end = off + length;
    while (o < end) {
      const t = b.u8(o)!;
      let size = t < 0x40 ? 4 : t < 0x80 ? 8 : t < 0xc0 ? 16 : 32;
      if (t === 0xf0) {
        const uidLen = o + 21 < end ? b.u8(o + 21)! : null;
        if (uidLen === null) {
          findings.report('table-malformed', at(o, end - o), `IVRS: the ACPI HID device entry at ${hex32(o)} is cut off by the end of its IVHD block (${hex32(end)})`);
          break;
        }
        size = 22 + uidLen;
      }
      if (o + size > end) {
        findings.report('table-malformed', at(o, end - o), `IVRS: the device entry of type ${hex32(t)} at ${hex32(o)} needs ${size} bytes but its IVHD block ends at ${hex32(end)}; the rest of the block is not imported`);
        break;
      }
      const devid = b.u16(o + 1)!;
      switch (t) {
        case 0x01:
          u.entries.push({ offset: o, type: t, first: 0, last: 0xffff });
          break;
        case 0x02:
        case 0x42:
        case 0x46:
          u.entries.push({ offset: o, type: t, first: devid, last: devid, ...(t === 0x42 ? { alias: b.u16(o + 5)! } : {}) });
          break;
        case 0x03:
        case 0x43:
        case 0x47:
          if (start) findings.report('table-malformed', at(o, size), `IVRS: a device range starts at ${hex32(o)} before the range started at ${hex32(start.at)} ended`);
          start = { at: o, first: devid, ...(t === 0x43 ? { alias: b.u16(o + 5)! } : {}) };
          break;
        case 0x04:
          if (!start) findings.report('table-malformed', at(o, size), `IVRS: the end-of-range entry at ${hex32(o)} has no start-of-range entry before it`);
          else if (devid < start.first) findings.report('table-malformed', at(o, size), `IVRS: the device range ${hex32(start.first)}..${hex32(devid)} ending at ${hex32(o)} ends before it starts`);
          else u.entries.push({ offset: start.at, type: 0x03, first: start.first, last: devid, ...(start.alias !== undefined ? { alias: start.alias } : {}) });
          start = null;
          break;
        case 0x48:
          u.entries.push({ offset: o, type: t, first: b.u16(o + 5)!, last: b.u16(o + 5)!, special: { variety: b.u8(o + 7)!, handle: b.u8(o + 4)! } });
          break;
        case 0xf0:
          u.entries.push({ offset: o, type: t, first: devid, last: devid, hid: (b.ascii(o + 4, 8) ?? '').replace(/\.+$/, '') });
          break;
        default:
          break; // padding (0) and reserved types carry no DeviceIDs
      }
      o += size;
    }
    if (start) findings.report('table-malformed', at(start.at, 4), `IVRS: the device range started at ${hex32(start.at)} has no end-of-range entry in its IVHD block`);
    return u;
  }
}
