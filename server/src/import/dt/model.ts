// What a devicetree means for DMA isolation and MSI delivery: IOMMU nodes (arm,smmu-v3, arm,mmu-500
// and other SMMUv2s, Apple DART, or anything with #iommu-cells), MSI controllers (arm,gic-v3-its,
// arm,gic-v2m-frame) with their doorbells, platform devices with `iommus` / `msi-parent`, PCI host
// bridges with `iommu-map` / `msi-map` (and their masks, bus-range, dma-ranges), and reserved-memory
// regions with `iommu-addresses`, typed as of_iommu_get_resv_regions does. Checks: dangling
// phandles, overlapping map entries, shared StreamIDs / DeviceIDs, map gaps over bus-range,
// iommu-addresses naming a host bridge, regions the named device does not list.

import { IntervalIndex, sweepOverlaps } from '../../model/intervals';
import type { IommuModel } from '../../model/types';
import type { Findings, FirmwareLocation } from '../findings';
import type { Platform, PlatformDevice } from '../platform';
import { addressCells, cells, firstReg, number, strings, u32prop, type DtNode, type DtProperty, type Fdt } from './fdt';

const h = (v: bigint | number) => '0x' + v.toString(16).toUpperCase();

function iommuModel(compat: string[]): IommuModel | null {
  if (compat.some((c) => c === 'arm,smmu-v3')) return 'smmuv3';
  if (compat.some((c) => /^(arm,mmu-500|arm,smmu-v[12]|arm,mmu-40[01]|qcom,.*smmu|nvidia,.*smmu-500|.*,smmu-500)$/.test(c))) return 'smmuv2';
  if (compat.some((c) => /^apple,.*dart/.test(c))) return 'dart';
  if (compat.some((c) => c === 'virtio,iommu' || c === 'virtio,pci-iommu')) return 'virtio-iommu';
  return null;
}

const isHostBridge = (n: DtNode) => strings(n.props.get('device_type')).includes('pci') || strings(n.props.get('compatible')).some((c) => /pci(e)?(-host)?/.test(c) && !/pci-iommu/.test(c));

interface Requester extends Readonly<{ start: bigint; last: bigint }> {
  node: DtNode;
  prop: DtProperty;
  entry: number;
  what: string;
}

/** Where a PCI host bridge's devices send MSIs: `msi-map` entries (RIDs after the mask → an MSI controller), else `msi-parent`. */
export interface HostBridgeMsi {
  node: DtNode;
  /** `linux,pci-domain`, when given. */
  domain: number | null;
  /** The platform device name the kernel gives the bridge (`40000000.pcie`), from the node name. */
  deviceName: string | null;
  mask: number;
  map: { start: number; last: number; chip: string | null }[];
  parent: string | null;
}

/** The irqchip a PCI function (RID) behind a host bridge sends MSIs to, as of_msi_map_id does; null when none. */
export function msiChipOfRid(b: HostBridgeMsi, rid: number): string | null {
  if (b.map.length > 0) {
    const id = (rid & b.mask) >>> 0;
    return b.map.find((e) => id >= e.start && id <= e.last)?.chip ?? null;
  }
  return b.parent;
}

export function importDt(fdt: Fdt, platform: Platform, findings: Findings): { hostBridges: HostBridgeMsi[]; platformMsi: Map<string, string> } {
  const hostBridges: HostBridgeMsi[] = [];
  /** Platform device name (`3100000.usb`) → the irqchip its msi-parent names. */
  const platformMsi = new Map<string, string>();
  const at = (n: DtNode, prop?: DtProperty): FirmwareLocation => ({ kind: 'node', artifact: fdt.artifact, path: n.path, ...(prop ? { property: prop.name, offset: prop.offset, length: prop.length } : { offset: n.offset, length: 4 }) });
  const all: DtNode[] = [];
  const walk = (n: DtNode) => {
    all.push(n);
    n.children.forEach(walk);
  };
  walk(fdt.root);
  const label = (n: DtNode) => n.name.replace(/@/g, '_').replace(/,/g, '_') || 'root';
  const model = strings(fdt.root.props.get('model'))[0];
  platform.header.push(`Devicetree${model ? ` "${model}"` : ''}${strings(fdt.root.props.get('compatible')).length ? ` (${strings(fdt.root.props.get('compatible')).join(', ')})` : ''}, format version ${fdt.version}: ${all.length} nodes`);

  // ---- IOMMUs and MSI controllers --------------------------------------------------------------
  const iommuName = new Map<DtNode, string>();
  const chipName = new Map<DtNode, string>();
  for (const n of all) {
    const compat = strings(n.props.get('compatible'));
    const reg = firstReg(n);
    if (n.props.has('#iommu-cells')) {
      const m = iommuModel(compat) ?? 'generic';
      const name = platform.name(label(n));
      iommuName.set(n, name);
      platform.addIommu({ name, model: m, notes: [`${n.path}: ${compat.join(', ') || 'no compatible'}${reg ? ` at ${h(reg.address)}` : ''}, #iommu-cells ${u32prop(n, '#iommu-cells')}`] });
    }
    if (compat.includes('arm,gic-v3-its') && reg) {
      const name = platform.name(label(n));
      chipName.set(n, name);
      platform.addIrqchip({ name, model: 'gicv3-its', base: reg.address, notes: [`${n.path}: arm,gic-v3-its, GITS_TRANSLATER at ${h(reg.address + 0x10040n)}`] });
    } else if (compat.includes('arm,gic-v2m-frame') && reg) {
      const name = platform.name(label(n));
      chipName.set(n, name);
      platform.addIrqchip({ name, model: 'gicv2m', base: reg.address, notes: [`${n.path}: arm,gic-v2m-frame (MSIs through it are not isolated)`] });
    } else if (n.props.has('msi-controller') && !chipName.has(n)) {
      platform.topology.push(`${n.path}: MSI controller ${compat.join(', ') || '(no compatible)'} of unknown doorbell; devices sending MSIs to it have no msi line`);
    }
  }

  // phandle references: (node, arity) pairs
  const ref = (n: DtNode, p: DtProperty, phandle: number, want: 'iommu' | 'msi'): DtNode | null => {
    const t = fdt.byPhandle.get(phandle);
    const kind = want === 'iommu' ? 'an IOMMU (a node with #iommu-cells)' : 'an MSI controller (a node with msi-controller)';
    if (!t) {
      findings.report('id-map-dangling', at(n, p), `${n.path}: ${p.name} refers to phandle ${h(phandle)}, which no node has; expected ${kind}`);
      return null;
    }
    if (want === 'iommu' ? !t.props.has('#iommu-cells') : !t.props.has('msi-controller')) {
      findings.report('id-map-dangling', at(n, p), `${n.path}: ${p.name} refers to ${t.path}, which is not ${kind}`);
      return null;
    }
    return t;
  };

  const toIommu = new Map<DtNode, Requester[]>();
  const toMsi = new Map<DtNode, Requester[]>();
  const add = (m: Map<DtNode, Requester[]>, k: DtNode, r: Requester) => (m.get(k) ?? m.set(k, []).get(k)!).push(r);
  const device = new Map<DtNode, PlatformDevice>();
  const deviceOf = (n: DtNode) => {
    let d = device.get(n);
    if (!d) {
      d = platform.addDevice(label(n));
      d.notes.push(`${n.path}${strings(n.props.get('compatible')).length ? ` (${strings(n.props.get('compatible'))[0]})` : ''}`);
      device.set(n, d);
    }
    return d;
  };

  // ---- platform devices: iommus, msi-parent ----------------------------------------------------
  for (const n of all) {
    const ip = n.props.get('iommus');
    if (ip && !isHostBridge(n)) {
      const c = cells(ip);
      if (ip.value.length % 4 !== 0) findings.report('table-malformed', at(n, ip), `${n.path}: iommus is ${ip.value.length} bytes, not a whole number of cells`);
      const d = deviceOf(n);
      let i = 0;
      const ids: string[] = [];
      while (i < c.length) {
        const target = ref(n, ip, c[i]!, 'iommu');
        if (!target) break; // without the target's #iommu-cells the rest cannot be split
        const arity = u32prop(target, '#iommu-cells') ?? 0;
        if (i + 1 + arity > c.length) {
          findings.report('table-malformed', at(n, ip), `${n.path}: iommus entry ${ids.length} names ${target.path} (#iommu-cells ${arity}) but only ${c.length - i - 1} cells follow`);
          break;
        }
        {
          d.iommu ??= iommuName.get(target);
          const sid = arity > 0 ? BigInt(c[i + 1]!) : 0n;
          ids.push(`${iommuName.get(target)} StreamID ${h(sid)}${arity > 1 ? ` (+${arity - 1} cell${arity > 2 ? 's' : ''}: ${c.slice(i + 2, i + 1 + arity).map(h).join(' ')})` : ''}`);
          if (arity >= 1) add(toIommu, target, { start: sid, last: sid, node: n, prop: ip, entry: ids.length - 1, what: `${n.path}` });
        }
        i += 1 + arity;
      }
      if (ids.length) d.notes.push(`  iommus: ${ids.join(', ')}`);
    }
    const mp = n.props.get('msi-parent');
    if (mp && !isHostBridge(n)) {
      const c = cells(mp);
      const t = c.length ? ref(n, mp, c[0]!, 'msi') : null;
      if (t) {
        const d = deviceOf(n);
        const chip = chipName.get(t);
        if (chip) d.msi ??= chip;
        const dn = platformDeviceName(n);
        if (chip && dn) platformMsi.set(dn, chip);
        const arity = u32prop(t, '#msi-cells') ?? (c.length > 1 ? 1 : 0);
        if (arity >= 1 && c.length > 1) {
          const id = BigInt(c[1]!);
          d.notes.push(`  msi-parent: ${chip ?? t.path} DeviceID ${h(id)}`);
          add(toMsi, t, { start: id, last: id, node: n, prop: mp, entry: 0, what: n.path });
        }
      }
    }
  }

  // ---- PCI host bridges: iommu-map, msi-map ----------------------------------------------------------
  for (const n of all) {
    if (!isHostBridge(n)) continue;
    const br = n.props.get('bus-range');
    const bc = br ? cells(br) : [];
    const first = bc.length >= 2 ? bc[0]! : 0;
    const last = bc.length >= 2 ? bc[1]! : 0xff;
    platform.topology.push(`PCI host bridge ${n.path}, buses ${h(first)}..${h(last)}${br ? '' : ' (no bus-range: 0..0xFF)'}:`);
    if (n.props.has('iommus')) platform.topology.push(`  iommus on a host bridge: the kernel uses iommu-map for PCI devices`);
    for (const [mapName, maskName, want] of [['iommu-map', 'iommu-map-mask', 'iommu'], ['msi-map', 'msi-map-mask', 'msi']] as const) {
      const mp = n.props.get(mapName);
      if (!mp) continue;
      const maskProp = n.props.get(maskName);
      const mask = maskProp ? u32prop(n, maskName)! : 0xffffffff;
      const c = cells(mp);
      if (mp.value.length % 16 !== 0) findings.report('table-malformed', at(n, mp), `${n.path}: ${mapName} is ${mp.value.length} bytes, not a whole number of (rid-base, phandle, base, length) entries; the last ${mp.value.length % 16} bytes are ignored`);
      const entries: { start: bigint; last: bigint; i: number; out: bigint; target: DtNode | null }[] = [];
      for (let i = 0; i + 4 <= c.length; i += 4) {
        const [ridBase, ph, outBase, len] = [c[i]!, c[i + 1]!, c[i + 2]!, c[i + 3]!];
        const target = ref(n, mp, ph, want);
        if (len === 0) {
          findings.report('iommu-map-gap', at(n, mp), `${n.path}: ${mapName} entry ${i / 4} has length 0 and maps no RID`);
          continue;
        }
        if ((ridBase & ~mask) >>> 0 !== 0) {
          findings.report('iommu-map-gap', at(n, mp), `${n.path}: ${maskName} ${h(mask)} ignores bits of ${mapName} entry ${i / 4}'s rid-base ${h(ridBase)}: the kernel logs "Invalid ${want === 'iommu' ? 'iommu-map' : 'msi-map'} translation - ${maskName} (…) ignores id-base (…)" and maps no RID of this bridge (of_map_id, -EFAULT)`);
        }
        entries.push({ start: BigInt(ridBase), last: BigInt(ridBase) + BigInt(len) - 1n, i: i / 4, out: BigInt(outBase), target });
        const name = target ? (want === 'iommu' ? iommuName.get(target) : chipName.get(target)) ?? target.path : `phandle ${h(ph)}`;
        platform.topology.push(`  ${mapName}: RIDs ${h(ridBase)}..${h(ridBase + len - 1)}${maskProp ? ` (after mask ${h(mask)})` : ''} → ${name} ${want === 'iommu' ? 'StreamIDs' : 'DeviceIDs'} ${h(outBase)}..${h(outBase + len - 1)}`);
        if (target) add(want === 'iommu' ? toIommu : toMsi, target, { start: BigInt(outBase), last: BigInt(outBase) + BigInt(len) - 1n, node: n, prop: mp, entry: i / 4, what: `${n.path} ${mapName} entry ${i / 4}` });
      }
      // overlapping rid-bases: of_map_id takes the first match
      for (const [later, earlier] of sweepOverlaps(entries, (e) => e.i)) {
        const lo = later.start > earlier.start ? later.start : earlier.start;
        const hi = later.last < earlier.last ? later.last : earlier.last;
        findings.report('id-map-overlap', at(n, mp), `${n.path}: ${mapName} entries ${earlier.i} and ${later.i} both match RIDs ${h(lo)}..${h(hi)}; the kernel uses entry ${Math.min(earlier.i, later.i)} (the first match, of_map_id)`);
      }
      // coverage of the bus range, after the mask: interval arithmetic without a mask, RID by RID with one
      const gaps: [number, number][] = [];
      const lo = first << 8;
      const hi = (last << 8) | 0xff;
      if (mask === 0xffffffff) {
        let next = lo;
        for (const e of [...entries].sort((a, b) => (a.start < b.start ? -1 : 1))) {
          if (next > hi) break;
          if (Number(e.start) > next) gaps.push([next, Math.min(hi, Number(e.start) - 1)]);
          if (Number(e.last) + 1 > next) next = Number(e.last) + 1;
        }
        if (next <= hi) gaps.push([next, hi]);
      } else {
        const idx = new IntervalIndex(entries);
        for (let rid = lo; rid <= hi; rid++) {
          if (idx.containing(BigInt((rid & mask) >>> 0)).length) continue;
          const g = gaps[gaps.length - 1];
          if (g && g[1] === rid - 1) g[1] = rid;
          else gaps.push([rid, rid]);
        }
      }
      if (gaps.length && entries.length) {
        const shown = gaps.slice(0, 4).map(([a, b]) => (a === b ? h(a) : `${h(a)}..${h(b)}`)).join(', ');
        findings.report('iommu-map-gap', at(n, mp), `${n.path}: ${mapName}${maskProp ? ` (with ${maskName} ${h(mask)})` : ''} leaves RIDs ${shown}${gaps.length > 4 ? ` and ${gaps.length - 4} more ranges` : ''} of bus-range ${h(first)}..${h(last)} unmapped: the kernel logs "no ${mapName} translation for id" and ${want === 'iommu' ? 'those devices get no IOMMU' : 'those devices get no MSI domain'}`);
      }
    }
    const dr = n.props.get('dma-ranges');
    if (dr) platform.topology.push(`  dma-ranges: ${describeRanges(n, dr)}`);
    // Where its devices' MSIs go: msi-map, else the bridge's msi-parent (of_msi_map_id, of_msi_get_domain).
    const hb: HostBridgeMsi = { node: n, domain: u32prop(n, 'linux,pci-domain'), deviceName: platformDeviceName(n), mask: 0xffffffff, map: [], parent: null };
    const mm = n.props.get('msi-map');
    if (mm) {
      hb.mask = n.props.has('msi-map-mask') ? u32prop(n, 'msi-map-mask')! : 0xffffffff;
      const c = cells(mm);
      for (let i = 0; i + 4 <= c.length; i += 4) {
        if (c[i + 3] === 0) continue;
        const t = fdt.byPhandle.get(c[i + 1]!);
        hb.map.push({ start: c[i]!, last: c[i]! + c[i + 3]! - 1, chip: t ? chipName.get(t) ?? null : null });
      }
    } else {
      const mp = n.props.get('msi-parent');
      const c = mp ? cells(mp) : [];
      const t = c.length ? ref(n, mp!, c[0]!, 'msi') : null;
      if (t) {
        hb.parent = chipName.get(t) ?? null;
        platform.topology.push(`  msi-parent: every device below it sends MSIs to ${chipName.get(t) ?? t.path}`);
      }
    }
    hostBridges.push(hb);
  }

  // ---- shared IDs ------------------------------------------------------------------------------------
  const shared = (code: 'shared-stream-id' | 'shared-device-id', m: Map<DtNode, Requester[]>, idName: string) => {
    for (const [owner, rs] of m) {
      for (const [later, earlier] of sweepOverlaps(rs, (r) => r.prop.offset * 64 + r.entry)) {
        if (later.node === earlier.node && later.prop === earlier.prop && later.entry === earlier.entry) continue;
        const lo = later.start > earlier.start ? later.start : earlier.start;
        const hi = later.last < earlier.last ? later.last : earlier.last;
        findings.report(code, at(later.node, later.prop), `${later.what} and ${earlier.what} both reach ${idName} ${lo === hi ? h(lo) : `${h(lo)}..${h(hi)}`} of ${owner.path}: the requesters cannot be told apart, so they cannot be isolated from each other`,
          [{ loc: at(earlier.node, earlier.prop), message: earlier.what }]);
      }
    }
  };
  shared('shared-stream-id', toIommu, 'StreamIDs');
  shared('shared-device-id', toMsi, 'DeviceIDs');

  // ---- reserved-memory with iommu-addresses -----------------------------------------------------
  const rmem = all.find((n) => n.path === '/reserved-memory');
  for (const r of rmem?.children ?? []) {
    const ia = r.props.get('iommu-addresses');
    if (!ia) continue;
    const reg = firstReg(r);
    const c = cells(ia);
    const owner = r.props.has('phandle') || r.props.has('linux,phandle') ? u32prop(r, 'phandle') ?? u32prop(r, 'linux,phandle') : null;
    let i = 0;
    while (i < c.length) {
      const t = fdt.byPhandle.get(c[i]!);
      if (!t) {
        findings.report('id-map-dangling', at(r, ia), `${r.path}: iommu-addresses refers to phandle ${h(c[i]!)}, which no node has`);
        break;
      }
      const { na, ns } = addressCells(t);
      if (i + 1 + na + ns > c.length) {
        findings.report('table-malformed', at(r, ia), `${r.path}: iommu-addresses entry for ${t.path} needs ${1 + na + ns} cells (#address-cells ${na}, #size-cells ${ns} of its parent) but only ${c.length - i} remain`);
        break;
      }
      const iova = number(c, i + 1, na);
      const size = number(c, i + 1 + na, ns);
      i += 1 + na + ns;
      if (isHostBridge(t)) {
        findings.report('host-bridge-iommu-addresses', at(r, ia), `${r.path}: iommu-addresses names the PCI host bridge ${t.path}; of_iommu_get_resv_regions applies it only to the device whose own node is named, so no PCI endpoint below the bridge gets this reservation`);
        continue;
      }
      const listed = owner !== null && (t.props.get('memory-region') ? cells(t.props.get('memory-region')!).includes(owner) : false);
      if (!listed) {
        findings.report('rmr-no-device', at(r, ia), `${r.path}: iommu-addresses names ${t.path}, whose memory-region does not list ${r.path}: the kernel reads iommu-addresses only through the device's memory-region, so the reservation reaches no device`);
        continue;
      }
      if (size === 0n) {
        findings.report('rmr-unaligned', at(r, ia), `${r.path}: the iommu-addresses entry for ${t.path} has size 0 (the kernel warns "Cannot reserve IOVA region of 0 size" and skips it)`);
        continue;
      }
      // iommu_resv_region_get_type: direct when the IOVA range equals the physical one, else reserved
      const type = reg && reg.size > 0n && reg.address === iova && reg.size === size ? 'direct' : 'reserved';
      const why = !reg ? 'no reg: a reservation' : type === 'direct' ? 'IOVA = physical: identity-mapped' : `IOVA differs from the physical ${h(reg.address)}: the kernel warns "treating non-direct mapping … as reservation"`;
      const d = deviceOf(t);
      d.regions.push({ start: iova, last: iova + size - 1n, type, note: `${r.path} (${why})` });
    }
  }

  // devices whose IOMMU is known go out; the others are described
  for (const n of all) {
    const d = device.get(n);
    if (d && !d.iommu) d.notes.push('  (no IOMMU reference: DMA from this device is not translated)');
  }
  return { hostBridges, platformMsi };
}

/** `pcie@40000000` → `40000000.pcie` (of_device_make_bus_id names a device by its address and node name). */
function platformDeviceName(n: DtNode): string | null {
  const m = /^([^@]+)@([0-9a-fA-F]+)(?:,.*)?$/.exec(n.name);
  return m ? `${BigInt('0x' + m[2]!).toString(16)}.${m[1]}` : null;
}

function describeRanges(n: DtNode, p: DtProperty): string {
  const c = cells(p);
  if (c.length === 0) return 'empty (1:1)';
  const na = u32prop(n, '#address-cells') ?? 3;
  const pna = (n.parent && u32prop(n.parent, '#address-cells')) ?? 1;
  const ns = u32prop(n, '#size-cells') ?? 2;
  const w = na + pna + ns;
  const out: string[] = [];
  for (let i = 0; i + w <= c.length; i += w) {
    const child = number(c, i + (na === 3 ? 1 : 0), na === 3 ? 2 : na);
    const parent = number(c, i + na, pna);
    const size = number(c, i + na + pna, ns);
    out.push(`bus ${h(child)} → CPU ${h(parent)} size ${h(size)}`);
  }
  return out.join(', ');
}

