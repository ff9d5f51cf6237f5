// What an IORT (with the MADT's ITS and GICv2m structures) means for DMA isolation and MSI
// delivery: IOMMU instances, ITS doorbells, requesters (root complexes, named components) with
// their RID → StreamID → DeviceID paths, RMR reservations on the devices they reach; and the
// firmware checks on those paths (dangling references, overlapping inputs, shared IDs, RMRs).

import { IntervalIndex, sweepOverlaps } from '../../model/intervals';
import type { Interval } from '../../model/intervals';
import type { FirmwareLocation, Findings } from '../findings';
import { hex32 } from '../findings';
import { bdf, type Platform, type PlatformDevice } from '../platform';
import type { IdMapping, Iort, IortNode, NamedComponentNode, RmrNode, RootComplexNode, SmmuNode, SmmuV3Node } from './iort';
import { IORT_NODE, nodeTypeName } from './iort';
import type { Madt } from './madt';
import { NO_PCI, type PciView } from '../pci-view';
import type { AcpiTable } from './tables';

/** At most this many devices are created for one RMR ID range; wider ranges are described in comments. */
const MAX_RMR_DEVICES = 64;
const SZ_64K = 0x10000n;

const SMMUV3_MODELS: Record<number, string> = { 0: 'generic', 1: 'HiSilicon Hi161x', 2: 'Cavium CN99xx' };
const SMMU_MODELS: Record<number, string> = { 0: 'generic SMMUv1', 1: 'generic SMMUv2', 2: 'Arm MMU-400', 3: 'Arm MMU-500', 4: 'Cavium ThunderX', 5: 'Arm MMU-401' };

type Requester = RootComplexNode | NamedComponentNode;
type Smmu = SmmuNode | SmmuV3Node;

/** An ID range leaving a node through one mapping. */
interface Route extends Interval {
  node: IortNode;
  mapping: IdMapping;
  /** Input range [inStart, inStart + (last - start)]. */
  inStart: bigint;
}

const isRequester = (n: IortNode): n is Requester => n.type === IORT_NODE.ROOT_COMPLEX || n.type === IORT_NODE.NAMED_COMPONENT;
const isSmmu = (n: IortNode): n is Smmu => n.type === IORT_NODE.SMMU || n.type === IORT_NODE.SMMU_V3;

function ids(a: bigint, b: bigint): string {
  return a === b ? hex32(Number(a)) : `${hex32(Number(a))}..${hex32(Number(b))}`;
}

export function importIort(iort: Iort | null, madt: Madt | null, platform: Platform, findings: Findings, pci: PciView = NO_PCI): void {
  const at = (t: AcpiTable, offset: number, length: number): FirmwareLocation => ({ kind: 'table', table: t.source, offset, length });
  const iortAt = (offset: number, length: number): FirmwareLocation => at(iort!.table, offset, length);

  // ---- irqchips from the MADT ----------------------------------------------------------------
  const itsChip = new Map<number, string>();
  if (madt) {
    for (const its of madt.its) {
      const name = platform.name(`its${its.id}`);
      itsChip.set(its.id, name);
      platform.addIrqchip({ name, model: 'gicv3-its', base: its.base, notes: [`MADT GIC ITS ${its.id} (APIC+${hex32(its.offset)}): GITS_TRANSLATER at ${hex32(Number(its.base + 0x10040n))}`] });
    }
    for (const f of madt.v2m) {
      platform.addIrqchip({ name: platform.name(`v2m${f.id}`), model: 'gicv2m', base: f.base, notes: [`MADT GICv2m MSI frame ${f.id} (APIC+${hex32(f.offset)}): SPIs ${f.spiBase}..${f.spiBase + f.spiCount - 1}; MSIs through it are not isolated`] });
    }
  }
  if (!iort) return;
  const iortName = `IORT rev ${iort.revision}`;
  const loc = (n: { offset: number }, length = 1) => iortAt(n.offset, length);
  const mloc = (m: IdMapping) => iortAt(m.offset, 20);
  const what = (n: IortNode) => `${nodeTypeName(n.type)} at IORT+${hex32(n.offset)}`;

  // ---- IOMMU instances ------------------------------------------------------------------------
  const smmuName = new Map<IortNode, string>();
  let k = 0;
  for (const n of iort.nodes) {
    if (!isSmmu(n)) continue;
    const name = platform.name(`smmu${k++}`);
    smmuName.set(n, name);
    if (n.type === IORT_NODE.SMMU_V3) {
      platform.addIommu({ name, model: 'smmuv3', notes: [`IORT+${hex32(n.offset)}: SMMUv3 at ${hex32(Number(n.base))}, model ${n.model} (${SMMUV3_MODELS[n.model] ?? 'unknown'})`] });
    } else {
      platform.addIommu({ name, model: 'smmuv2', notes: [`IORT+${hex32(n.offset)}: SMMU at ${hex32(Number(n.base))}, model ${n.model} (${SMMU_MODELS[n.model] ?? 'unknown'})`] });
    }
  }

  // ---- references ------------------------------------------------------------------------------
  const allowed = (from: IortNode): number[] => {
    switch (from.type) {
      case IORT_NODE.ROOT_COMPLEX:
      case IORT_NODE.NAMED_COMPONENT:
        return [IORT_NODE.SMMU, IORT_NODE.SMMU_V3, IORT_NODE.ITS_GROUP];
      case IORT_NODE.RMR:
        return [IORT_NODE.SMMU, IORT_NODE.SMMU_V3];
      default:
        return [IORT_NODE.ITS_GROUP];
    }
  };
  const sorted = [...iort.nodes].sort((a, b) => a.offset - b.offset);
  const containing = (off: number): IortNode | undefined => {
    let lo = 0;
    let hi = sorted.length - 1;
    let found: IortNode | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.offset <= off) {
        found = sorted[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found && off < found.offset + found.length ? found : undefined;
  };
  const target = new Map<IdMapping, IortNode>();
  for (const n of iort.nodes) {
    for (const m of n.mappings) {
      const t = iort.byOffset.get(m.outputRef);
      const kinds = allowed(n).map(nodeTypeName).join(' or ');
      if (m.outputRef === 0) {
        findings.report('id-map-dangling', mloc(m), `ID mapping ${m.index} of the ${what(n)} has a zero output reference (the kernel logs "ID map has NULL parent reference"); IDs ${ids(BigInt(m.inputBase), BigInt(m.inputBase) + BigInt(m.idCount))} go nowhere`);
      } else if (!t) {
        const inside = containing(m.outputRef);
        findings.report('id-map-dangling', mloc(m), `ID mapping ${m.index} of the ${what(n)} refers to IORT+${hex32(m.outputRef)}, where no node starts${inside ? ` (it points inside the ${what(inside)})` : m.outputRef >= iort.table.bytes.length ? ' (past the end of the table)' : ''}; expected a ${kinds}`,
          inside ? [{ loc: loc(inside), message: `the ${what(inside)}` }] : []);
      } else if (!allowed(n).includes(t.type)) {
        findings.report('id-map-dangling', mloc(m), `ID mapping ${m.index} of the ${what(n)} refers to the ${what(t)}; expected a ${kinds}`, [{ loc: loc(t), message: `the ${what(t)}` }]);
      } else target.set(m, t);
    }
  }

  // ---- overlapping inputs within one node ------------------------------------------------------
  for (const n of iort.nodes) {
    if (n.type === IORT_NODE.RMR || n.mappings.length < 2) continue;
    const skip = n.type === IORT_NODE.SMMU_V3 ? n.deviceIdIndex : null;
    const ranges = n.mappings
      .filter((m) => !m.single && m.index !== skip)
      .map((m) => ({ start: BigInt(m.inputBase), last: BigInt(m.inputBase) + BigInt(m.idCount), m }));
    for (const [later, earlier] of sweepOverlaps(ranges, (r) => r.m.index)) {
      const [a, b] = later.m.index > earlier.m.index ? [earlier, later] : [later, earlier];
      const offByOne = (x: typeof a, y: typeof a) => x.m.idCount > 0 && x.last === y.start;
      if (offByOne(a, b) || offByOne(b, a)) {
        const [first, second] = offByOne(a, b) ? [a, b] : [b, a];
        findings.report('id-count-off-by-one', mloc(first.m), `ID mapping ${first.m.index} of the ${what(n)} ends at input ID ${hex32(Number(first.last))}, where mapping ${second.m.index} starts: "Number of IDs" ${hex32(first.m.idCount)} looks like a count, not count − 1 (the kernel gives ${hex32(Number(first.last))} to mapping ${second.m.index})`,
          [{ loc: mloc(second.m), message: `mapping ${second.m.index} starts at ${hex32(Number(second.start))}` }]);
      } else {
        const lo = later.start > earlier.start ? later.start : earlier.start;
        const hi = later.last < earlier.last ? later.last : earlier.last;
        findings.report('id-map-overlap', mloc(b.m), `ID mappings ${a.m.index} and ${b.m.index} of the ${what(n)} both accept input IDs ${ids(lo, hi)}; the kernel logs "conflicting mapping for input ID" and uses mapping ${a.m.index}`,
          [{ loc: mloc(a.m), message: `mapping ${a.m.index}: input IDs ${ids(a.start, a.last)}` }]);
      }
    }
  }

  // ---- routes: requester → SMMU (StreamIDs), → ITS group (DeviceIDs) --------------------------------
  const outRange = (m: IdMapping): [bigint, bigint] => (m.single ? [BigInt(m.outputBase), BigInt(m.outputBase)] : [BigInt(m.outputBase), BigInt(m.outputBase) + BigInt(m.idCount)]);
  const toSmmu = new Map<IortNode, Route[]>();
  const toIts = new Map<IortNode, Route[]>();
  const push = (map: Map<IortNode, Route[]>, key: IortNode, r: Route) => {
    const l = map.get(key);
    if (l) l.push(r);
    else map.set(key, [r]);
  };
  for (const n of iort.nodes) {
    if (!isRequester(n)) continue;
    for (const m of n.mappings) {
      const t = target.get(m);
      if (!t) continue;
      const [start, last] = outRange(m);
      const r: Route = { start, last, node: n, mapping: m, inStart: BigInt(m.inputBase) };
      if (isSmmu(t)) push(toSmmu, t, r);
      else push(toIts, t, r);
    }
  }
  // SMMU mappings: StreamIDs → DeviceIDs on an ITS group; the SMMU's own DeviceID (index) too.
  const smmuIndex = new Map<IortNode, IntervalIndex<Route>>();
  for (const n of iort.nodes) {
    if (!isSmmu(n) && n.type !== IORT_NODE.PMCG) continue;
    const index = n.type === IORT_NODE.SMMU_V3 ? n.deviceIdIndex : null;
    const routes: Route[] = [];
    for (const m of n.mappings) {
      const t = target.get(m);
      if (!t) continue;
      if (m.index === index || n.type === IORT_NODE.PMCG) {
        const [start, last] = outRange(m);
        push(toIts, t, { start, last, node: n, mapping: m, inStart: 0n });
      } else if (!m.single) routes.push({ start: BigInt(m.inputBase), last: BigInt(m.inputBase) + BigInt(m.idCount), node: n, mapping: m, inStart: BigInt(m.outputBase) });
    }
    smmuIndex.set(n, new IntervalIndex(routes));
  }
  /** DeviceIDs a requester's StreamIDs reach through its SMMU: [deviceId range, ITS group]. */
  const throughSmmu = (smmu: IortNode, sids: Interval): { start: bigint; last: bigint; its: IortNode; sm: Route }[] => {
    const out: { start: bigint; last: bigint; its: IortNode; sm: Route }[] = [];
    for (const sm of smmuIndex.get(smmu)?.overlapping(sids.start, sids.last) ?? []) {
      const lo = sids.start > sm.start ? sids.start : sm.start;
      const hi = sids.last < sm.last ? sids.last : sm.last;
      out.push({ start: sm.inStart + (lo - sm.start), last: sm.inStart + (hi - sm.start), its: target.get(sm.mapping)!, sm });
    }
    return out;
  };
  for (const [smmu, routes] of toSmmu) {
    for (const r of routes) for (const d of throughSmmu(smmu, r)) push(toIts, d.its, { start: d.start, last: d.last, node: r.node, mapping: r.mapping, inStart: r.inStart });
  }

  // ---- shared StreamIDs and DeviceIDs (M6) --------------------------------------------------------
  const shared = (code: 'shared-stream-id' | 'shared-device-id', owner: IortNode, routes: Route[], idName: string) => {
    const seen = new Set<string>();
    for (const [later, earlier] of sweepOverlaps(routes, (r) => r.mapping.offset)) {
      if (later.mapping === earlier.mapping) continue;
      if (later.node === earlier.node && later.node.type === IORT_NODE.PMCG) continue;
      const key = `${later.mapping.offset}:${earlier.mapping.offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const lo = later.start > earlier.start ? later.start : earlier.start;
      const hi = later.last < earlier.last ? later.last : earlier.last;
      // The kernel's off-by-one workaround gives the shared input ID to one mapping only.
      if (later.node === earlier.node && lo === hi) {
        const a = later.mapping;
        const b = earlier.mapping;
        if ((a.idCount > 0 && a.inputBase + a.idCount === b.inputBase) || (b.idCount > 0 && b.inputBase + b.idCount === a.inputBase)) continue;
      }
      const side = (r: Route) => (isRequester(r.node) ? `${what(r.node)}${r.node.type === IORT_NODE.NAMED_COMPONENT ? ` (${r.node.name})` : ''} mapping ${r.mapping.index}` : `${what(r.node)} (its own MSIs)`);
      findings.report(code, mloc(later.mapping), `${side(later)} and ${side(earlier)} both reach ${idName} ${ids(lo, hi)} of the ${what(owner)}: the requesters cannot be told apart, so they cannot be isolated from each other`,
        [{ loc: mloc(earlier.mapping), message: `${side(earlier)}` }]);
    }
  };
  for (const [smmu, routes] of toSmmu) shared('shared-stream-id', smmu, routes, 'StreamIDs');
  for (const [its, routes] of toIts) shared('shared-device-id', its, routes, 'DeviceIDs');

  // ---- ITS groups → irqchips ------------------------------------------------------------------------
  const groupChip = new Map<IortNode, string>();
  for (const n of iort.nodes) {
    if (n.type !== IORT_NODE.ITS_GROUP) continue;
    if (n.its.length === 0) {
      findings.report('table-malformed', iortAt(n.offset + 16, 4), `the ${what(n)} lists no ITS; devices mapped to it get no MSI domain`);
      continue;
    }
    if (!madt) continue;
    n.its.forEach((id, i) => {
      const chip = itsChip.get(id);
      if (chip) {
        if (i === 0) groupChip.set(n, chip);
      } else {
        findings.report('id-map-dangling', iortAt(n.offset + 20 + 4 * i, 4), `the ${what(n)} names ITS ${id}, but the MADT has no GIC ITS structure with that translation ID${i === 0 ? ': the kernel finds no MSI domain for the devices mapped to this group' : ''}`,
          madt.its.length ? [{ loc: at(madt.table, madt.its[0]!.offset, 20), message: `GIC ITS ${madt.its.map((x) => x.id).join(', ')} are declared` }] : []);
      }
    });
  }

  // ---- requesters: topology comments and named-component devices ---------------------------------
  const msiOf = (r: Requester, m: IdMapping, sids?: Interval): string | undefined => {
    const t = target.get(m);
    if (!t) return undefined;
    if (t.type === IORT_NODE.ITS_GROUP) return groupChip.get(t);
    if (sids) for (const d of throughSmmu(t, sids)) { const c = groupChip.get(d.its); if (c) return c; }
    return undefined;
  };
  const path = (r: Requester, m: IdMapping): string => {
    const t = target.get(m);
    const [s, l] = outRange(m);
    const input = m.single ? 'any ID' : `${r.type === IORT_NODE.ROOT_COMPLEX ? 'RIDs' : 'IDs'} ${ids(BigInt(m.inputBase), BigInt(m.inputBase) + BigInt(m.idCount))}`;
    if (!t) return `${input} → (no valid output)`;
    if (t.type === IORT_NODE.ITS_GROUP) return `${input} → no IOMMU → ${groupChip.get(t) ?? what(t)} DeviceIDs ${ids(s, l)}`;
    const dev = throughSmmu(t, { start: s, last: l }).map((d) => `${groupChip.get(d.its) ?? what(d.its)} DeviceIDs ${ids(d.start, d.last)}`);
    return `${input} → ${smmuName.get(t)} StreamIDs ${ids(s, l)}${dev.length ? ' → ' + dev.join(', ') : ''}`;
  };
  const ncDevice = new Map<IortNode, PlatformDevice>();
  for (const n of iort.nodes) {
    if (n.type === IORT_NODE.ROOT_COMPLEX) {
      platform.topology.push(`PCI root complex, segment ${n.segment} (IORT+${hex32(n.offset)})${n.ats ? ', ATS supported' : ''}:`);
      for (const m of n.mappings) platform.topology.push(`  ${path(n, m)}`);
      if (n.mappings.length === 0) platform.topology.push('  no ID mappings: its devices sit behind no IOMMU and have no MSI domain');
    } else if (n.type === IORT_NODE.NAMED_COMPONENT) {
      const d = platform.addDevice(`nc_${n.name.replace(/^\\+/, '').replace(/^_SB[._]/, '')}`);
      ncDevice.set(n, d);
      d.acpiName = n.name;
      d.notes.push(`IORT named component ${n.name} (IORT+${hex32(n.offset)})`);
      for (const m of n.mappings) d.notes.push(`  ${path(n, m)}`);
      const smmu = n.mappings.map((m) => target.get(m)).find((t): t is Smmu => !!t && isSmmu(t));
      if (smmu) d.iommu = smmuName.get(smmu);
      for (const m of n.mappings) {
        const [s, l] = outRange(m);
        const c = msiOf(n, m, { start: s, last: l });
        if (c) {
          d.msi = c;
          break;
        }
      }
    }
  }

  // ---- the machine's PCI functions (a sysfs import): each behind its root complex's mapping ------
  for (const b of pci.all()) {
    const seg = parseInt(b.slice(0, 4), 16);
    const rid = parseInt(b.slice(5, 7), 16) * 256 + parseInt(b.slice(8, 10), 16) * 8 + Number(b.slice(11));
    const rc = iort.nodes.find((n): n is RootComplexNode => n.type === IORT_NODE.ROOT_COMPLEX && n.segment === seg);
    if (!rc) continue;
    const m = rc.mappings.find((x) => target.has(x) && (x.single || (rid >= x.inputBase && rid <= x.inputBase + x.idCount)));
    if (!m) continue;
    const t = target.get(m)!;
    const sid = m.single ? BigInt(m.outputBase) : BigInt(m.outputBase + (rid - m.inputBase));
    const d = platform.pciDevice(b);
    if (isSmmu(t)) d.iommu ??= smmuName.get(t);
    d.msi ??= msiOf(rc, m, { start: sid, last: sid });
  }

  // ---- HiSilicon HW-MSI quirk: ITS pages reported as hardware MSI regions ---------------------------
  for (const n of iort.nodes) {
    if (n.type !== IORT_NODE.SMMU_V3 || n.model !== 1 || !madt) continue;
    const iommu = platform.iommus.find((i) => i.name === smmuName.get(n))!;
    const groups = new Set([...(smmuIndex.get(n)?.all() ?? [])].map((r) => target.get(r.mapping)).filter((t): t is IortNode => !!t));
    for (const g of groups) {
      if (g.type !== IORT_NODE.ITS_GROUP) continue;
      for (const id of g.its) {
        const its = madt.its.find((x) => x.id === id);
        if (its) iommu.regions.push({ start: its.base + SZ_64K, last: its.base + 2n * SZ_64K - 1n, type: 'msi', note: `ITS ${id} translation page (HiSilicon Hi161x quirk, iort_iommu_msi_get_resv_regions)` });
      }
    }
  }

  // ---- RMR nodes → direct regions on the devices they reach ------------------------------------
  for (const n of iort.nodes) {
    if (n.type !== IORT_NODE.RMR) continue;
    if (iort.revision < 5) {
      findings.report('table-revision', iortAt(8, 1), `the ${what(n)} is ignored by the kernel: RMR nodes are read only from IORT revision 5 (E.d) on, and this table is revision ${iort.revision} (iort_find_rmrs)`, [{ loc: loc(n), message: `the ${what(n)}` }]);
      continue;
    }
    importRmr(n);
  }

  function importRmr(n: RmrNode): void {
    const type = (n.flags & 1) === 1 ? 'direct-relaxable' : 'direct';
    const regions: { start: bigint; last: bigint; d: RmrNode['descriptors'][number] }[] = [];
    for (const d of n.descriptors) {
      if (d.length === 0n) {
        findings.report('rmr-unaligned', iortAt(d.offset + 8, 8), `RMR descriptor at ${hex32(Number(d.base))} of the ${what(n)} has zero length (the kernel logs "RMR descriptor[…] with zero length, continue anyway")`);
        continue;
      }
      let start = d.base;
      let last = d.base + d.length - 1n;
      if (d.base % SZ_64K !== 0n || d.length % SZ_64K !== 0n) {
        const pageStart = d.base & ~0xfffn;
        const pageLast = ((d.base + d.length + 0xfffn) & ~0xfffn) - 1n;
        findings.report('rmr-unaligned', iortAt(d.offset, 16), `RMR descriptor ${hex32(Number(d.base))}..${hex32(Number(last))} of the ${what(n)} is not 64 KiB aligned; the kernel logs "not aligned to 64K" and uses ${hex32(Number(pageStart))}..${hex32(Number(pageLast))} (4 KiB pages)`);
        start = pageStart;
        last = pageLast;
      }
      regions.push({ start, last, d });
    }
    // Overlaps among this node's descriptors (iort_rmr_desc_check_overlap), by sort and sweep.
    const descs = n.descriptors.filter((d) => d.length > 0n).map((d) => ({ start: d.base, last: d.base + d.length - 1n, d }));
    for (const [later, earlier] of sweepOverlaps(descs, (x) => x.d.offset)) {
      findings.report('rmr-overlap', iortAt(later.d.offset, 16), `RMR descriptors ${hex32(Number(earlier.start))}..${hex32(Number(earlier.last))} and ${hex32(Number(later.start))}..${hex32(Number(later.last))} of the ${what(n)} overlap (the kernel logs "RMR descriptor[…] overlaps, continue anyway")`,
        [{ loc: iortAt(earlier.d.offset, 16), message: 'the other descriptor' }]);
    }
    if (regions.length === 0) return;
    for (const m of n.mappings) {
      const smmu = target.get(m);
      if (!smmu) continue;
      const sids: Interval = { start: BigInt(m.outputBase), last: BigInt(m.outputBase) + BigInt(m.idCount) };
      const note = `IORT RMR IORT+${hex32(n.offset)}${type === 'direct-relaxable' ? ', remap permitted' : ''}`;
      let reached = false;
      const requesters = new IntervalIndex(toSmmu.get(smmu) ?? []);
      for (const r of requesters.overlapping(sids.start, sids.last)) {
        const lo = sids.start > r.start ? sids.start : r.start;
        const hi = sids.last < r.last ? sids.last : r.last;
        reached = true;
        const devices: PlatformDevice[] = [];
        if (r.node.type === IORT_NODE.NAMED_COMPONENT) devices.push(ncDevice.get(r.node)!);
        else if (r.node.type === IORT_NODE.ROOT_COMPLEX) {
          const rc = r.node;
          if (r.mapping.single || hi - lo + 1n > BigInt(MAX_RMR_DEVICES)) {
            platform.topology.push(`${note}: StreamIDs ${ids(lo, hi)} of ${smmuName.get(smmu)} (RIDs of segment ${rc.segment} through mapping ${r.mapping.index}) reserve ${regions.map((x) => `${hex32(Number(x.start))}..${hex32(Number(x.last))}`).join(', ')} ${type}`);
          } else {
            for (let sid = lo; sid <= hi; sid++) {
              const rid = Number(r.inStart + (sid - r.start));
              const dev = platform.pciDevice(bdf(rc.segment, rid));
              if (!dev.iommu) dev.iommu = smmuName.get(smmu);
              if (!dev.msi) dev.msi = msiOf(rc, r.mapping, { start: sid, last: sid });
              if (dev.notes.length === 0) dev.notes.push(`RID ${hex32(rid)} of the PCI root complex at IORT+${hex32(rc.offset)} → ${smmuName.get(smmu)} StreamID ${hex32(Number(sid))}; the kernel applies the RMR only if the host bridge preserves the boot configuration (_DSM function 5)`);
              devices.push(dev);
            }
          }
        }
        for (const dev of devices) for (const x of regions) if (!dev.regions.some((y) => y.start === x.start && y.last === x.last && y.type === type)) dev.regions.push({ start: x.start, last: x.last, type, note });
      }
      if (!reached) {
        findings.report('rmr-no-device', mloc(m), `the ${what(n)} reserves memory for StreamIDs ${ids(sids.start, sids.last)} of ${smmuName.get(smmu)}, which no root complex or named component maps: the reservation reaches no device`,
          [{ loc: loc(smmu), message: `${smmuName.get(smmu)}` }]);
      }
    }
  }

  // ---- MSI isolation on Arm -------------------------------------------------------------------------
  if (madt && madt.v2m.length > 0 && madt.its.length === 0 && smmuName.size > 0) {
    const f = madt.v2m[0]!;
    findings.report('no-interrupt-remapping', at(madt.table, f.offset, 24), `the MADT offers GICv2m MSI frames and no GIC ITS: MSIs of the devices behind ${[...smmuName.values()].join(', ')} are not isolated, so VFIO and iommufd refuse to assign them without allow_unsafe_interrupts`);
  }

  platform.header.push(`${iortName} (${iort.table.oemId} ${iort.table.oemTableId}): ${iort.nodes.length} node${iort.nodes.length === 1 ? '' : 's'}${madt ? '' : '; no MADT given, so ITS doorbells are unknown'}`);
}
