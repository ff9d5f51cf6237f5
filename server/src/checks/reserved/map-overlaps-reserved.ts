// map-overlaps-reserved.
//
// Decisions where the catalogue is silent, taken from the kernel:
// - In a `paging` domain it counts only the devices whose RID domain it is (or, for a nest
//   parent, whose RID domain is a nested domain on it): iommufd enforces a device's reserved
//   regions only for the RID attach (`iommufd_hw_pagetable_attach`: attach_resv = hwpt_paging
//   && pasid == IOMMU_NO_PASID), and VFIO type1 has no PASID attach. Under the `dma-api`
//   backend a paging domain is a driver-owned UNMANAGED domain with no MSI cookie: its `sw-msi`
//   window means nothing there and is ignored.
// - In `dma`/`dma-fq` domains `direct-relaxable` regions behave like `direct` ones: the DMA
//   API identity-maps them and its IOVA allocator reserves them (iova_reserve_iommu_regions),
//   so only an identity map may cover them.

import { IntervalIndex, U64_MAX, hex, hexGrouped, sizeOf, type Interval } from '../../model/intervals';
import type { Translation } from '../../model/translation';
import type { Configuration, Device, Domain, Mapping, Region } from '../../model/types';
import { addr, freeSlot, mapAt, rewriteMap } from '../edits';
import { example, type AnalysisCheck, type CheckContext } from '../check';
import { describeRegion, mapText, nestedChildren, regionMessage, rng } from './common';

interface Hit extends Interval {
  region: Region;
  device: Device;
  /** Reached through a nested domain on this nest parent (IPA space). */
  viaNested: Domain | null;
}

function overlapsReserved(ctx: CheckContext, dom: Domain, children: Map<Domain, Domain[]>): void {
  const { config, tx } = ctx;
  if (dom.maps.length === 0) return;
  if (dom.type === 'nested') {
    if (dom.rmrs.length === 0) return;
    const idx = new IntervalIndex(dom.rmrs.map((r) => ({ start: r.range.start, last: r.range.last, rmr: r })));
    for (const m of dom.maps) {
      if (m.output === m.input.start) continue; // an identity map agrees with the RMR
      const hit = idx.overlapping(m.input.start, m.input.last)[0];
      if (!hit) continue;
      ctx.report(
        'map-overlaps-reserved',
        m.loc,
        `${mapText(m)} → ${hex(m.output)} in nested domain '${dom.name}' intersects its rmr ${rng(hit.rmr.range)}: the guest must identity-map the RMR (the host's doorbell IOVAs live there), and this map shadows it, so MSIs land in memory`,
        [{ loc: hit.rmr.loc, message: `rmr ${rng(hit.rmr.range)} of '${dom.name}'` }],
        { domain: dom.name, reserved: [addr(hit.rmr.range.start), addr(hit.rmr.range.last)] },
      );
    }
    return;
  }
  const dmaApi = dom.type === 'dma' || dom.type === 'dma-fq';
  if (!dmaApi && dom.type !== 'paging') return;
  // the devices whose reservations apply, and through which domain
  const sources: { dev: Device; via: Domain | null }[] = [];
  const seenDev = new Set<Device>();
  const add = (d: Device, via: Domain | null) => {
    if (seenDev.has(d) || d.broken) return;
    seenDev.add(d);
    sources.push({ dev: d, via });
  };
  for (const d of tx.devicesIn(dom)) add(d, null);
  if (dom.type === 'paging' && dom.nestParent)
    for (const child of children.get(dom) ?? []) for (const d of tx.devicesIn(child)) add(d, child);
  if (sources.length === 0) return;
  const hits: Hit[] = [];
  const seenRegion = new Set<Region>();
  for (const { dev, via } of sources) {
    for (const r of tx.regionsOf(dev)) {
      if (seenRegion.has(r)) continue;
      if (r.type === 'sw-msi' && (dmaApi || config.backend === 'dma-api')) continue; // no MSI cookie there
      if (r.type === 'direct-relaxable' && !dmaApi) continue; // relaxable: usable by user domains (T1)
      seenRegion.add(r);
      hits.push({ start: r.start, last: r.last, region: r, device: dev, viaNested: via });
    }
  }
  const idx = new IntervalIndex(hits);
  for (const m of dom.maps) {
    const identity = m.output === m.input.start;
    const hit = idx.overlapping(m.input.start, m.input.last).find((h) => !(dmaApi && identity && (h.region.type === 'direct' || h.region.type === 'direct-relaxable')));
    if (!hit) continue;
    const r = hit.region;
    let consequence: string;
    if (dmaApi) consequence = `the DMA API never maps there (its IOVA allocator reserves the range${r.type === 'direct' || r.type === 'direct-relaxable' ? ', which it identity-maps' : ''})`;
    else if (config.backend === 'iommufd') consequence = 'iommufd IOAS_MAP would fail with -EINVAL';
    else if (config.backend === 'vfio-type1') consequence = 'VFIO_IOMMU_MAP_DMA would fail with -EINVAL (QEMU: vfio_dma_map … = -22)';
    else consequence = 'the range is reserved: a mapping there breaks the device (the kernel never maps it itself)';
    const space = hit.viaNested ? ` (IPA space: '${hit.device.name}' uses nested domain '${hit.viaNested.name}' on this stage 2)` : '';
    ctx.report(
      'map-overlaps-reserved',
      m.loc,
      `${consequence}: ${mapText(m)} intersects ${describeRegion(r, hit.device)}${space}`,
      [{ loc: r.loc, message: regionMessage(r, hit.device) }],
      { domain: dom.name, reserved: [addr(r.start), addr(r.last)] },
    );
  }
}

const check: AnalysisCheck = {
  code: 'map-overlaps-reserved',
  severity: 'error',
  family: 'reserved',
  title: 'A map intersects a reserved region of a device using the domain.',
  explanation: {
    anchor: 'the `map`',
    what: "In a `paging`, `dma` or `dma-fq` domain, a map's input range intersects a reserved region of a device whose RID domain is this domain — or, for a nest parent, a nested domain on it (the reservations then apply in IPA space, R43): `direct`, `reserved`, `msi`, `sw-msi`, the hardware MSI window. `direct-relaxable` never conflicts in `paging` domains. In `dma`/`dma-fq` domains `sw-msi` is ignored and identity maps over `direct` regions are fine. In a `nested` domain (the guest's own stage 1, which the host never checks against its reservations): only a non-identity map intersecting the domain's `rmr`. Never reported between two reserved regions..",
    why: 'iommufd IOAS_MAP with a fixed IOVA and VFIO MAP_DMA refuse mappings that intersect a reserved region (-EINVAL; QEMU prints "vfio_dma_map … = -22"). direct-relaxable regions are usable by user domains; DMA domains ignore sw-msi. For a nest parent the reservations apply in IPA space (R43).',
    fix: 'Move the map out of the reserved region (QEMU: lay guest RAM out around it), or split it around the region.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain vm : paging {
        attach nic
        map 0x0 -> 0x8_0000_0000 size 1G
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain vm : paging {
        attach nic
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
    `,
  },
  rules: 'R20–R22, M8, M34',
  run(ctx) {
    const children = nestedChildren(ctx.config);
    for (const dom of ctx.config.domains) if (!dom.broken) overlapsReserved(ctx, dom, children);
  },
  // data: { domain, reserved: [start, last] }. The nearest free IOVA is searched when the fix is
  // asked for (a search over the domain's maps and regions, too costly for every diagnostic).
  fixes(d, { config, tx }) {
    const at = mapAt(config, d.loc.file, d.loc.span.start);
    if (!at || at.dom.name !== d.data?.domain) return [];
    const target = moveTarget(config, tx, at.dom, at.m);
    if (target === null) return [];
    const edits = rewriteMap(d.loc.file, at.stmt, target, target + sizeOf(at.m.input) - 1n, null);
    if (!edits) return [];
    // moving changes the IOVA the device uses: a person's choice
    return [{ title: `Move the map to the nearest free IOVA ${hexGrouped(target)}`, edits, safe: false, preferred: true }];
  },
};

/** The aligned IOVA nearest to the map's where it meets no reserved region and no other map. */
function moveTarget(config: Configuration, tx: Translation, dom: Domain, m: Mapping): bigint | null {
  const size = sizeOf(m.input);
  const busy: Interval[] = [];
  const users = new Set(tx.devicesIn(dom));
  if (dom.nestParent) for (const n of config.domains) if (n.parent === dom) for (const dev of tx.devicesIn(n)) users.add(dev);
  for (const dev of users) for (const r of tx.regionsOf(dev)) busy.push(r);
  for (const other of tx.mapsOf(dom)) if (other !== m) busy.push(other.input);
  const io = dom.iommu ?? tx.devicesIn(dom)[0]?.iommu ?? config.iommus[0];
  const page = io?.minPage ?? config.pageSize;
  const ias = dom.iommu?.ias ?? [...users][0]?.iommu?.ias ?? 64;
  const limit = ias >= 64 ? U64_MAX : (1n << BigInt(ias)) - 1n;
  let natural = page;
  while (natural * 2n <= size && size % (natural * 2n) === 0n && natural < 1n << 30n) natural *= 2n;
  return freeSlot(busy, m.input.start, size, natural, limit) ?? (natural !== page ? freeSlot(busy, m.input.start, size, page, limit) : null);
}

export default check;
