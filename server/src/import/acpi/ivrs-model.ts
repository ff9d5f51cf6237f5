// What an IVRS means: one AMD-Vi instance per IVHD block of the type the kernel uses (the highest
// supported type listed for the first IOMMU, get_highest_supported_ivhd_type), the DeviceIDs each
// translates, IVMD blocks as identity-mapped regions of the devices they name, and interrupt
// remapping as the kernel decides it (check_ioapic_information: every MADT I/O APIC must appear in
// an IVHD special entry, and the southbridge one at DeviceID 00:14.0).

import { IntervalIndex } from '../../model/intervals';
import type { FirmwareLocation, Findings } from '../findings';
import { hex32 } from '../findings';
import type { PciView } from '../pci-view';
import { bdf, type Platform } from '../platform';
import { IVMD_FLAGS, type Ivrs } from './ivrs';
import type { Madt } from './madt';

const PAGE = 0x1000n;
const SB_IOAPIC_DEVID = 0x00a0; // 00:14.0
const MAX_IVMD_DEVICES = 64;
const hx = (v: bigint) => '0x' + v.toString(16).toUpperCase();
const dev = (seg: number, id: number) => bdf(seg, id);

export function importIvrs(ivrs: Ivrs, madt: Madt | null, pci: PciView, platform: Platform, findings: Findings): void {
  const at = (offset: number, length: number): FirmwareLocation => ({ kind: 'table', table: ivrs.table.source, offset, length });
  const first = ivrs.ivhds[0];
  let target = first?.type ?? 0x10;
  for (const u of ivrs.ivhds) if (u.deviceId === first!.deviceId) target = u.type;
  const units = ivrs.ivhds.filter((u) => u.type === target);
  const pa = (ivrs.ivinfo >> 8) & 0x7f;
  const va = (ivrs.ivinfo >> 15) & 0x7f;
  platform.header.push(`IVRS rev ${ivrs.table.revision} (${ivrs.table.oemId} ${ivrs.table.oemTableId}): IVinfo ${hex32(ivrs.ivinfo)} (physical address size ${pa}, virtual address size ${va}); ${units.length} IVHD block${units.length === 1 ? '' : 's'} of type ${hex32(target)} used${ivrs.ivhds.length > units.length ? ` (${ivrs.ivhds.length - units.length} of other types ignored, as the kernel does)` : ''}, ${ivrs.ivmds.length} IVMD block${ivrs.ivmds.length === 1 ? '' : 's'}`);

  // Interrupt remapping.
  const ioapicDevid = new Map<number, number>();
  for (const u of units) for (const e of u.entries) if (e.special?.variety === 1 && !ioapicDevid.has(e.special.handle)) ioapicDevid.set(e.special.handle, e.first);
  let remap: boolean;
  let why: string;
  if (madt && madt.ioapics.length > 0) {
    // check_ioapic_information: each I/O APIC not listed sets the result false, the southbridge one
    // (at 00:14.0) sets it true; the last word wins.
    remap = false;
    let sb = false;
    const missing = [];
    for (const io of madt.ioapics) {
      const d = ioapicDevid.get(io.id);
      if (d === undefined) {
        remap = false;
        missing.push(io);
      } else if (d === SB_IOAPIC_DEVID) {
        sb = true;
        remap = true;
      }
    }
    for (const io of missing) {
      findings.report('no-interrupt-remapping', { kind: 'table', table: madt.table.source, offset: io.offset, length: 12 }, `the MADT I/O APIC ${io.id} has no IVHD special entry in the IVRS: the kernel logs "IOAPIC[${io.id}] not in IVRS table"${remap ? '; interrupt remapping stays on only because the southbridge I/O APIC comes later in the MADT' : ' and disables interrupt remapping'} (check_ioapic_information)`);
    }
    if (!sb && units.length > 0) {
      findings.report('no-interrupt-remapping', at(units[0]!.offset, 24), `no IVHD special entry puts an I/O APIC of the MADT at the southbridge DeviceID 00:14.0: the kernel logs "No southbridge IOAPIC found" and disables interrupt remapping (check_ioapic_information)`);
    }
    why = remap ? 'the MADT I/O APICs are listed in the IVRS, the southbridge one at 00:14.0 (check_ioapic_information)' : 'check_ioapic_information fails: the kernel disables interrupt remapping';
  } else {
    remap = [...ioapicDevid.values()].includes(SB_IOAPIC_DEVID);
    why = remap ? 'the IVRS lists an I/O APIC at the southbridge DeviceID 00:14.0 (give the MADT to check every I/O APIC)' : 'no IVHD special entry lists an I/O APIC at 00:14.0';
    if (!remap && units.length > 0) findings.report('no-interrupt-remapping', at(units[0]!.offset, 24), `no IVHD special entry lists the southbridge I/O APIC (DeviceID 00:14.0): the kernel logs "No southbridge IOAPIC found" and disables interrupt remapping (check_ioapic_information)`);
  }
  const chip = platform.addIrqchip({ name: platform.name(remap ? 'ir' : 'compat'), model: remap ? 'x86-remap' : 'x86-compat', notes: [`${remap ? 'interrupt remapping' : 'no interrupt remapping'}: ${why}`] });

  // IOMMU instances and the DeviceIDs they cover.
  const cover = new Map<number, { start: bigint; last: bigint; iommu: string }[]>();
  units.forEach((u, i) => {
    const name = platform.name(`ivhd${i}`);
    platform.addIommu({ name, model: 'amd-vi', ...(pa ? { oas: pa } : {}), notes: [`IVHD type ${hex32(u.type)} IVRS+${hex32(u.offset)}: IOMMU ${dev(u.segment, u.deviceId)}, registers at ${hx(u.base)}, segment ${u.segment}`] });
    const list = cover.get(u.segment) ?? [];
    cover.set(u.segment, list);
    const ranges: string[] = [];
    for (const e of u.entries) {
      if (e.special) {
        platform.topology.push(`${name}: ${e.special.variety === 1 ? 'I/O APIC' : e.special.variety === 2 ? 'HPET' : `special device (variety ${e.special.variety})`} ${e.special.handle} at ${dev(u.segment, e.first)}`);
        continue;
      }
      if (e.hid) {
        platform.topology.push(`${name}: ACPI device ${e.hid} at ${dev(u.segment, e.first)}`);
        continue;
      }
      list.push({ start: BigInt(e.first), last: BigInt(e.last), iommu: name });
      ranges.push(e.first === e.last ? dev(u.segment, e.first) : `${dev(u.segment, e.first)}..${dev(u.segment, e.last)}`);
    }
    if (ranges.length) platform.topology.push(`${name} translates ${ranges.length > 8 ? `${ranges.slice(0, 8).join(', ')} and ${ranges.length - 8} more` : ranges.join(', ')}`);
  });
  const index = new Map([...cover].map(([seg, l]) => [seg, new IntervalIndex(l)]));
  const iommuOf = (seg: number, id: number) => index.get(seg)?.containing(BigInt(id))[0]?.iommu;

  // IVMD blocks.
  for (const m of ivrs.ivmds) {
    if (!(m.flags & (IVMD_FLAGS.UNITY | IVMD_FLAGS.EXCLUSION))) {
      platform.topology.push(`IVMD IVRS+${hex32(m.offset)} sets neither the unity nor the exclusion flag: the kernel ignores it`);
      continue;
    }
    if (m.length === 0n) {
      findings.report('rmr-unaligned', at(m.offset + 24, 8), `IVMD IVRS+${hex32(m.offset)} has zero length: it reserves nothing`);
      continue;
    }
    // init_unity_map_range: start rounded up to a page, length rounded up to pages.
    const start = ((m.start + PAGE - 1n) / PAGE) * PAGE;
    const length = ((m.length + PAGE - 1n) / PAGE) * PAGE;
    const last = start + length - 1n;
    if (m.start % PAGE !== 0n || m.length % PAGE !== 0n) {
      findings.report('rmr-unaligned', at(m.offset + 16, 16), `IVMD ${hx(m.start)} size ${hx(m.length)} at IVRS+${hex32(m.offset)} is not page aligned: the kernel rounds the start up (PAGE_ALIGN) and uses ${hx(start)}..${hx(last)}${start > m.start ? ', leaving the first bytes of the range unprotected' : ''}`);
    }
    const excl = (m.flags & IVMD_FLAGS.EXCLUSION) !== 0;
    const note = `IVMD IVRS+${hex32(m.offset)}${excl ? ' (exclusion range: the kernel treats it as a read/write unity map)' : `, unity${m.flags & IVMD_FLAGS.READ ? ' r' : ''}${m.flags & IVMD_FLAGS.WRITE ? ' w' : ''}`}`;
    const region = { start, last, type: 'direct' as const, note };
    if (m.type === 0x20) {
      const seg = platform.iommus.filter((i) => i.model === 'amd-vi');
      for (const i of seg) i.regions.push({ ...region, note: `${note}, for every device` });
      continue;
    }
    const known = pci.all().filter((b) => parseInt(b.slice(0, 4), 16) === m.segment).map((b) => ({ b, id: parseInt(b.slice(5, 7), 16) * 256 + parseInt(b.slice(8, 10), 16) * 8 + Number(b.slice(11)) }));
    let ids: number[];
    if (known.length) ids = known.filter((k) => k.id >= m.first && k.id <= m.last).map((k) => k.id);
    else if (m.last - m.first + 1 <= MAX_IVMD_DEVICES) ids = Array.from({ length: m.last - m.first + 1 }, (_, i) => m.first + i);
    else {
      platform.topology.push(`${note}: ${hx(start)}..${hx(last)} direct for DeviceIDs ${dev(m.segment, m.first)}..${dev(m.segment, m.last)}`);
      continue;
    }
    if (ids.length === 0) {
      findings.report('rmr-no-device', at(m.offset + 4, 4), `IVMD IVRS+${hex32(m.offset)} names DeviceIDs ${dev(m.segment, m.first)}${m.last !== m.first ? `..${dev(m.segment, m.last)}` : ''}, which the sysfs import does not have: the reservation reaches no device`);
      continue;
    }
    for (const id of ids) {
      const iommu = iommuOf(m.segment, id);
      if (!iommu) {
        findings.report('rmr-no-device', at(m.offset + 4, 4), `IVMD IVRS+${hex32(m.offset)} names ${dev(m.segment, id)}, which no IVHD block translates: the kernel gives that device no IOMMU and no reserved region`);
        continue;
      }
      const d = platform.pciDevice(dev(m.segment, id));
      d.iommu ??= iommu;
      d.msi ??= chip.name;
      if (!d.regions.some((x) => x.start === start && x.last === last && x.type === 'direct')) d.regions.push(region);
    }
  }

  // Devices known from elsewhere (a sysfs import): their IOMMU.
  for (const b of pci.all()) {
    const seg = parseInt(b.slice(0, 4), 16);
    const id = parseInt(b.slice(5, 7), 16) * 256 + parseInt(b.slice(8, 10), 16) * 8 + Number(b.slice(11));
    const iommu = iommuOf(seg, id);
    if (!iommu) continue;
    const d = platform.pciDevice(b);
    d.iommu ??= iommu;
    d.msi ??= chip.name;
  }
}
