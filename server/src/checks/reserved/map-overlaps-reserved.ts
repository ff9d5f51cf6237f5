// map-overlaps-reserved.
//
// Decisions where the catalogue is silent, taken from the kernel (language.md §9 "Reservations
// follow the backend", `Translation.reservingDevices`):
// - In a `paging` domain under vfio-type1 the regions of every member of every attached group
//   count (`iommu_get_group_resv_regions`); under iommufd those of the devices bound to it
//   (vfio-pci, vfio-platform), RID attachments only (`iommufd_device_attach_reserved_iova`;
//   `attach_resv` only for IOMMU_NO_PASID), the whole group before v6.4. A group the kernel
//   refuses for a `direct` region (require-direct) is never attached and reserves nothing: its
//   one failure is the require-direct on the attach.
// - Under the `dma-api` backend a paging domain is a driver-owned UNMANAGED domain: iommu_map
//   consults no reserved region, so an identity map over a `direct` region (what firmware
//   needs) is silent, and only what breaks a device is reported, saying that the kernel does
//   not refuse it: a non-identity map over a `direct` region, a map over the hardware MSI
//   window, and (before v6.15, when the device writes its physical doorbell) a map over a
//   doorbell. `sw-msi`, `reserved` and `direct-relaxable` regions mean nothing there.
// - In `dma`/`dma-fq` domains `direct-relaxable` regions behave like `direct` ones: the DMA
//   API identity-maps them and its IOVA allocator reserves them (iova_reserve_iommu_regions),
//   so only an identity map may cover them.

import { IntervalIndex, U64_MAX, hex, hexGrouped, sizeOf, type Interval } from '../../model/intervals';
import type { Translation } from '../../model/translation';
import type { Configuration, Device, Domain, Mapping, Region } from '../../model/types';
import { addr, freeSlot, mapAt, rewriteMap } from '../edits';
import { example, type AnalysisCheck, type CheckContext } from '../check';
import { describeRegion, mapText, regionMessage, rng } from './common';

interface Hit extends Interval {
  region: Region;
  device: Device;
  /** Reached through a nested domain on this nest parent (IPA space). */
  viaNested: Domain | null;
}

function overlapsReserved(ctx: CheckContext, dom: Domain): void {
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
  // dma-api backend: a paging domain belongs to a kernel driver and iommu_map consults nothing
  const driverOwned = dom.type === 'paging' && config.backend === 'dma-api';
  // the devices whose reservations apply, and through which domain (language.md §9)
  const sources = tx.reservingDevices(dom).filter((x) => !x.dev.broken);
  if (sources.length === 0) return;
  const hits: Hit[] = [];
  const seenRegion = new Set<Region>();
  for (const { dev, via } of sources) {
    for (const r of tx.regionsOf(dev)) {
      if (seenRegion.has(r)) continue;
      if (driverOwned && r.type !== 'direct' && r.type !== 'msi') continue; // only what breaks the device
      if (r.type === 'sw-msi' && dmaApi) continue; // the DMA API's own cookie places its doorbells
      if (r.type === 'direct-relaxable' && !dmaApi) continue; // relaxable: usable by user domains (T1)
      seenRegion.add(r);
      hits.push({ start: r.start, last: r.last, region: r, device: dev, viaNested: via });
    }
  }
  const idx = new IntervalIndex(hits);
  const doorbells = driverOwned ? physicalDoorbells(tx, sources.map((x) => x.dev)) : null;
  for (const m of dom.maps) {
    const identity = m.output === m.input.start;
    const hit = idx.overlapping(m.input.start, m.input.last).find((h) => !((dmaApi || driverOwned) && identity && (h.region.type === 'direct' || h.region.type === 'direct-relaxable')));
    if (!hit) {
      const db = identity ? undefined : doorbells?.overlapping(m.input.start, m.input.last)[0];
      if (db)
        ctx.report(
          'map-overlaps-reserved',
          m.loc,
          `the kernel does not refuse it (iommu_map consults no reserved region), but ${mapText(m)} → ${hex(m.output)} covers the doorbell ${hex(db.doorbell)} that '${db.dev.name}' writes its MSIs to (paging domain '${dom.name}' has no MSI cookie: ${tx.kernelText()} programs the physical address), so they land in memory instead of raising interrupts`,
          [{ loc: db.dev.msi!.loc, message: `'${db.dev.name}' sends MSIs to ${db.dev.msi!.irqchip!.name}` }],
        );
      continue;
    }
    const r = hit.region;
    let consequence: string;
    if (dmaApi) consequence = `the DMA API never maps there (its IOVA allocator reserves the range${r.type === 'direct' || r.type === 'direct-relaxable' ? ', which it identity-maps' : ''})`;
    else if (driverOwned)
      consequence =
        r.type === 'direct'
          ? `the kernel does not refuse it (iommu_map consults no reserved region), but '${hit.device.name}' keeps doing DMA to its direct region expecting it identity-mapped, and this map sends it elsewhere`
          : `the kernel does not refuse it (iommu_map consults no reserved region), but DMA into the hardware MSI window is taken as an interrupt and never translated, so the map cannot be used`;
    else if (config.backend === 'iommufd') consequence = 'iommufd IOAS_MAP would fail with -EINVAL';
    else consequence = 'VFIO_IOMMU_MAP_DMA would fail with -EINVAL (QEMU: vfio_dma_map … = -22)';
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

/**
 * dma-api: the doorbell pages that devices of a driver-owned paging domain write to as physical
 * addresses (no MSI cookie; before v6.15 — from v6.15 their MSIs are not allocated at all).
 */
export function physicalDoorbells(tx: Translation, devices: readonly Device[]): IntervalIndex<Interval & { dev: Device; doorbell: bigint }> {
  const items: (Interval & { dev: Device; doorbell: bigint })[] = [];
  for (const d of devices) {
    const chip = d.msi?.irqchip;
    if (!chip || chip.broken || !tx.translatesMsi(d)) continue;
    const p = tx.programmedAddress(d);
    if (p.kind !== 'address' || p.address !== chip.doorbell) continue;
    const page = tx.doorbellPageOf(chip)!;
    items.push({ start: page, last: page + tx.pageSize - 1n, dev: d, doorbell: chip.doorbell! });
  }
  return new IntervalIndex(items);
}

const check: AnalysisCheck = {
  code: 'map-overlaps-reserved',
  severity: 'error',
  family: 'reserved',
  title: 'A map intersects a reserved region of a device using the domain.',
  explanation: {
    anchor: 'the `map`',
    what: "In a `paging`, `dma` or `dma-fq` domain, a map's input range intersects a reserved region that this domain's backend enforces (language.md §9 'Reservations follow the backend': every member of every attached group under `vfio-type1`; the devices bound to iommufd (`vfio-pci`, `vfio-platform`) and attached by RID under `iommufd`, the whole group before v6.4) — or, for a nest parent, a nested domain on it (the reservations then apply in IPA space, R43): `direct`, `reserved`, `msi`, `sw-msi`, the hardware MSI window. `direct-relaxable` never conflicts in `paging` domains. In `dma`/`dma-fq` domains `sw-msi` is ignored and identity maps over `direct` regions are fine. In a `nested` domain (the guest's own stage 1, which the host never checks against its reservations): only a non-identity map intersecting the domain's `rmr`. Under `dma-api` the kernel refuses none of these maps: only what breaks a device is reported (a non-identity map over a `direct` region, a map over the hardware MSI window, before v6.15 a map over the physical doorbell a device writes), and the message says the kernel does not refuse it. A group refused for a `direct` region (`require-direct`) reserves nothing: that one failure is reported once, on the attach. Never reported between two reserved regions.",
    why: 'iommufd IOAS_MAP with a fixed IOVA and VFIO MAP_DMA refuse mappings that intersect a reserved region (-EINVAL; QEMU prints "vfio_dma_map … = -22"). Which regions count follows the backend: VFIO type1 reserves the regions of every member of every attached group (iommu_get_group_resv_regions), iommufd those of the devices bound to it (iommufd_device_attach_reserved_iova), so a pcieport sibling\'s RMRR reserves nothing in the guest\'s IOAS. direct-relaxable regions are usable by user domains; DMA domains ignore sw-msi. For a nest parent the reservations apply in IPA space (R43). Under the dma-api backend iommu_map consults no reserved region.',
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
    for (const dom of ctx.config.domains) if (!dom.broken) overlapsReserved(ctx, dom);
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
