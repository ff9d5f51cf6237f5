// Reserved regions and address space (checks.md "Reserved regions and address space"):
// map-overlaps-reserved, map-overlap, map-unaligned, map-outside-aperture,
// output-outside-range, pgsize-unsupported, sw-msi-conflict, sw-msi-window.
//
// Decisions where the catalogue is silent, taken from the kernel:
// - A domain with nothing attached (and, for a nest parent, no nested domain with devices) is
//   an IOAS with no domain: iova_alignment is 1 and it spans [0, SIZE_MAX] (R27g, T10). So
//   map-unaligned, map-outside-aperture, output-outside-range and pgsize-unsupported stay
//   silent for it. map-overlap (-EEXIST) holds with or without devices.
// - map-unaligned applies to nested domains too, with the nested domain's IOMMU minimum page:
//   the host never writes the guest's stage 1, but the guest's IOMMU driver maps through the
//   same io-pgtable granule rules (R26), so a misaligned stage-1 map is refused there.
// - map-outside-aperture is not applied to nested domains: the guest's IOVA width is that of
//   its vIOMMU, which the language does not describe (R43: the host does not check the guest's
//   stage-1 input space).
// - output-outside-range is not applied to nested domains: their output is an IPA, and an IPA
//   at or beyond 2^ias of the parent can never be mapped by it, which `s2-unmapped` already
//   reports; reporting it twice would pile on.
// - pgsize-unsupported applies to `paging` domains (including nest parents) with devices:
//   R16c is `iopt_table_add_domain`, which only HWPT_PAGING goes through; a nested HWPT is
//   never added to the IOAS. Default domains are kernel DMA domains, outside iommufd.
// - map-overlaps-reserved in a `paging` domain counts only the devices whose RID domain it is
//   (or, for a nest parent, whose RID domain is a nested domain on it): iommufd enforces a
//   device's reserved regions only for the RID attach (`iommufd_hw_pagetable_attach`:
//   attach_resv = hwpt_paging && pasid == IOMMU_NO_PASID), and VFIO type1 has no PASID attach.
//   Under the `dma-api` backend a paging domain is a driver-owned UNMANAGED domain with no
//   MSI cookie: its `sw-msi` window means nothing there and is ignored.
// - In `dma`/`dma-fq` domains `direct-relaxable` regions behave like `direct` ones: the DMA
//   API identity-maps them and its IOVA allocator reserves them (iova_reserve_iommu_regions),
//   so only an identity map may cover them.
// - sw-msi-conflict fires for devices that iommufd attaches by RID to a paging HWPT (RID
//   domain `paging`, or `nested` on a paging parent): the WARN/-EINVAL comes from
//   iopt_table_enforce_dev_resv_regions, which runs only for the RID attach, never for a PASID
//   attachment nor for a device left in its default domain. Identical windows given twice count once.

import type { Configuration, Device, Domain, Mapping, Region, RegionType } from '../model/types';
import type { Translation } from '../model/translation';
import { IntervalIndex, formatSize, hex, intersects, sizeOf, sweepOverlaps, type Interval } from '../model/intervals';
import { registerCheck, type CheckContext } from './registry';

const MIB = 1n << 20n;

const KERNEL_TYPE: Record<RegionType, string> = {
  direct: 'IOMMU_RESV_DIRECT',
  'direct-relaxable': 'IOMMU_RESV_DIRECT_RELAXABLE',
  reserved: 'IOMMU_RESV_RESERVED',
  msi: 'IOMMU_RESV_MSI',
  'sw-msi': 'SW_MSI',
};

function rng(i: Interval): string {
  return `${hex(i.start)}..${hex(i.last)}`;
}

export function describeRegion(r: Region, dev: Device | null): string {
  const what =
    r.type === 'sw-msi'
      ? 'sw-msi window'
      : r.type === 'msi'
        ? 'hardware MSI window'
        : `${r.type} region`;
  const owner = dev ? ` of device '${dev.name}'` : '';
  const origin = r.fromIommu
    ? ` (${KERNEL_TYPE[r.type]} of ${r.fromIommu.name}${r.byDefault ? ', the model default' : ''})`
    : ` (${KERNEL_TYPE[r.type]}, firmware)`;
  return `the ${what} ${rng(r)}${owner}${origin}`;
}

function regionMessage(r: Region, dev: Device | null): string {
  const base = r.type === 'sw-msi' ? 'sw-msi window' : r.type === 'msi' ? 'hardware MSI window' : `${r.type} region`;
  if (r.fromIommu) return `${base} ${rng(r)} of iommu '${r.fromIommu.name}'${r.byDefault ? ' (its model default)' : ''}${dev ? `, reserved for '${dev.name}'` : ''}`;
  return `${base} ${rng(r)} of '${dev?.name ?? '?'}' declared here`;
}

/** The nested domains of each parent. */
function nestedChildren(config: Configuration): Map<Domain, Domain[]> {
  const out = new Map<Domain, Domain[]>();
  for (const c of config.domains) {
    if (c.type !== 'nested' || !c.parent) continue;
    const list = out.get(c.parent);
    if (list) list.push(c);
    else out.set(c.parent, [c]);
  }
  return out;
}

/** A domain has devices: something is attached to it, or (nest parent) to a nested domain on it. */
function hasDevices(children: Map<Domain, Domain[]>, dom: Domain): boolean {
  if (dom.attaches.length > 0) return true;
  if (dom.type === 'paging' && dom.nestParent) return (children.get(dom) ?? []).some((c) => c.attaches.length > 0);
  return false;
}

function mapText(m: Mapping): string {
  return `map ${rng(m.input)}`;
}

// ---- map-overlaps-reserved ----------------------------------------------------------------

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
    );
  }
}

// ---- map-overlap ----------------------------------------------------------------------------

function mapOverlap(ctx: CheckContext, dom: Domain): void {
  if (dom.maps.length < 2) return;
  const order = new Map(dom.maps.map((m, i) => [m, i]));
  const items = dom.maps.map((m) => ({ start: m.input.start, last: m.input.last, m }));
  const ord = new Map(items.map((it) => [it, order.get(it.m)!]));
  for (const [later, earlier] of sweepOverlaps(items, (it) => ord.get(it)!)) {
    const err =
      dom.type === 'nested'
        ? "the guest's own iommu_map of its stage 1 fails with -EEXIST"
        : dom.type === 'dma' || dom.type === 'dma-fq'
          ? "the DMA API's iommu_map fails with -EEXIST"
          : ctx.config.backend === 'dma-api' ? 'the second map fails with -EEXIST' : ctx.config.backend === 'iommufd' ? 'IOAS_MAP fails with -EEXIST' : 'VFIO_IOMMU_MAP_DMA fails with -EEXIST';
    ctx.report(
      'map-overlap',
      later.m.loc,
      `${mapText(later.m)} intersects ${mapText(earlier.m)} of domain '${dom.name}': an IOVA can be mapped only once, ${err}`,
      [{ loc: earlier.m.loc, message: `${mapText(earlier.m)} → ${hex(earlier.m.output)}` }],
    );
  }
}

// ---- alignment, aperture, output range ------------------------------------------------------

function alignment(ctx: CheckContext, dom: Domain): void {
  const io = dom.iommu;
  if (!io || io.broken || dom.maps.length === 0) return;
  const min = io.minPage;
  for (const m of dom.maps) {
    const size = sizeOf(m.input);
    const bad: string[] = [];
    if (m.input.start % min !== 0n) bad.push(`IOVA ${hex(m.input.start)}`);
    if (m.output % min !== 0n) bad.push(`output ${hex(m.output)}`);
    if (size % min !== 0n) bad.push(`size ${hex(size)}`);
    if (bad.length === 0) continue;
    const pg = io.decl.props.find((p) => p.kind === 'pgsizes');
    ctx.report(
      'map-unaligned',
      m.loc,
      `${mapText(m)} is not aligned to the ${formatSize(min)} minimum page of '${io.name}' (${bad.join(', ')}): iommu_map rejects it with -EINVAL ("unaligned: iova ${hex(m.input.start)} pa ${hex(m.output)} size ${hex(size)} min_pagesz ${hex(min)}")`,
      [{ loc: pg ? { file: io.nameLoc.file, span: pg.span } : io.nameLoc, message: `'${io.name}' supports pages of ${io.pgsizes.map(formatSize).join(' ')}` }],
    );
  }
}

function widths(ctx: CheckContext, dom: Domain): void {
  const io = dom.iommu;
  if (!io || io.broken || dom.type === 'nested' || dom.maps.length === 0) return;
  const widthLoc = (k: 'ias' | 'oas') => {
    const p = io.decl.props.find((x) => x.kind === k);
    return p ? { file: io.nameLoc.file, span: p.span } : io.nameLoc;
  };
  const space = dom.nestParent ? 'IPA' : 'IOVA';
  for (const m of dom.maps) {
    if (io.ias < 64 && m.input.last >= 1n << BigInt(io.ias)) {
      const err =
        dom.type === 'dma' || dom.type === 'dma-fq'
          ? 'the DMA API never allocates an IOVA there, and iommu_map refuses it (io-pgtable: -ERANGE)'
          : ctx.config.backend === 'iommufd' ? 'iommufd reserves everything outside it, IOAS_MAP fails with -EINVAL' : ctx.config.backend === 'vfio-type1' ? 'VFIO_IOMMU_MAP_DMA fails with -EINVAL' : 'io-pgtable refuses it with -ERANGE';
      ctx.report(
        'map-outside-aperture',
        m.loc,
        `${mapText(m)} reaches ${space} ${hex(m.input.last)}, beyond the ${io.ias}-bit aperture of '${io.name}' (last ${space} ${hex((1n << BigInt(io.ias)) - 1n)}): ${err}`,
        [{ loc: widthLoc('ias'), message: `'${io.name}' input address size: ${io.ias} bits` }],
      );
      continue;
    }
    const outLast = m.output + sizeOf(m.input) - 1n;
    if (io.oas < 64 && outLast >= 1n << BigInt(io.oas)) {
      ctx.report(
        'output-outside-range',
        m.loc,
        `${mapText(m)} outputs up to ${hex(outLast)}, beyond the ${io.oas}-bit output range of '${io.name}' (last PA ${hex((1n << BigInt(io.oas)) - 1n)}): io-pgtable refuses the physical address with -ERANGE`,
        [{ loc: widthLoc('oas'), message: `'${io.name}' output address size: ${io.oas} bits` }],
      );
    }
  }
}

function pgsize(ctx: CheckContext, dom: Domain): void {
  const io = dom.iommu;
  if (ctx.config.backend !== 'iommufd' || dom.type !== 'paging' || !io || io.broken) return;
  if (io.minPage <= ctx.config.pageSize) return;
  const pg = io.decl.props.find((p) => p.kind === 'pgsizes');
  ctx.report(
    'pgsize-unsupported',
    dom.nameLoc,
    `domain '${dom.name}' on '${io.name}' has a minimum page of ${formatSize(io.minPage)}, larger than the ${formatSize(ctx.config.pageSize)} CPU page size: iommufd refuses it when a device attaches (-EINVAL, iopt_table_add_domain)`,
    [{ loc: pg ? { file: io.nameLoc.file, span: pg.span } : io.nameLoc, message: `'${io.name}' supports pages of ${io.pgsizes.map(formatSize).join(' ')}` }],
  );
}

// ---- SW_MSI windows ---------------------------------------------------------------------------

/** iommufd enforces the device's reserved regions (and checks its MSI regions) at the RID attach only. */
function attachedToPaging(tx: Translation, d: Device): boolean {
  const x = tx.ridDomain(d);
  return x.type === 'paging' || (x.type === 'nested' && tx.pagingDomainOf(x) !== null);
}

function swMsiConflict(ctx: CheckContext, d: Device): void {
  const { config, tx } = ctx;
  if (config.backend !== 'iommufd' || d.broken || !attachedToPaging(tx, d)) return;
  const regions = tx.regionsOf(d);
  const sw: Region[] = [];
  for (const r of regions) if (r.type === 'sw-msi' && !sw.some((s) => s.start === r.start && s.last === r.last)) sw.push(r);
  if (sw.length === 0) return;
  const hw = regions.filter((r) => r.type === 'msi');
  if (hw.length > 0) {
    ctx.report(
      'sw-msi-conflict',
      d.nameLoc,
      `device '${d.name}' reports both ${describeRegion(sw[0]!, null)} and ${describeRegion(hw[0]!, null)}: iommufd refuses the attach with a WARN and -EINVAL (VFIO type1 would accept it and use the hardware MSI window)`,
      [{ loc: sw[0]!.loc, message: regionMessage(sw[0]!, d) }, { loc: hw[0]!.loc, message: regionMessage(hw[0]!, d) }],
    );
  } else if (sw.length > 1) {
    ctx.report(
      'sw-msi-conflict',
      d.nameLoc,
      `device '${d.name}' reports two SW_MSI windows, ${rng(sw[0]!)} and ${rng(sw[1]!)}: iommufd refuses the attach with a WARN and -EINVAL`,
      sw.slice(0, 2).map((r) => ({ loc: r.loc, message: regionMessage(r, d) })),
    );
  }
}

function swMsiWindow(ctx: CheckContext, d: Device): void {
  const w = d.swMsiProp;
  if (!w || d.broken) return;
  const size = sizeOf(w);
  if (w.start % MIB !== 0n || size % MIB !== 0n) {
    const what = [w.start % MIB !== 0n ? `start ${hex(w.start)}` : null, size % MIB !== 0n ? `size ${formatSize(size)}` : null].filter(Boolean).join(' and ');
    ctx.report('sw-msi-window', w.loc, `the sw-msi window ${rng(w)} of '${d.name}' is not 1M aligned (${what}): IOMMU_OPTION_SW_MSI_START/SIZE fail with -EINVAL`, d.iommu?.swMsi ? [{ loc: d.iommu.swMsi.loc, message: `the window it replaces: ${rng(d.iommu.swMsi)} of '${d.iommu.name}'` }] : []);
    return;
  }
  const clash = ctx.tx.regionsOf(d).find((r) => r !== w && (r.type === 'reserved' || r.type === 'direct' || r.type === 'msi') && intersects(r, w));
  if (clash) {
    ctx.report(
      'sw-msi-window',
      w.loc,
      `the sw-msi window ${rng(w)} of '${d.name}' intersects ${describeRegion(clash, d)}: IOMMU_OPTION_SW_MSI_START fails with -EADDRINUSE`,
      [{ loc: clash.loc, message: regionMessage(clash, d) }],
    );
  }
}

registerCheck({
  codes: ['map-overlaps-reserved', 'map-overlap', 'map-unaligned', 'map-outside-aperture', 'output-outside-range', 'pgsize-unsupported', 'sw-msi-conflict', 'sw-msi-window'],
  run(ctx) {
    const { config } = ctx;
    const children = nestedChildren(config);
    for (const dom of config.domains) {
      if (dom.broken) continue;
      overlapsReserved(ctx, dom, children);
      mapOverlap(ctx, dom);
      if (!hasDevices(children, dom)) continue;
      alignment(ctx, dom);
      widths(ctx, dom);
      pgsize(ctx, dom);
    }
    for (const d of config.devices) {
      swMsiConflict(ctx, d);
      swMsiWindow(ctx, d);
    }
  },
});
