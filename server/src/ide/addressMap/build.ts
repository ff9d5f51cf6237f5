// Builds the address map of a domain (or of a device: its RID domain and its PASID domains) from
// the analysis. Every fact comes from the translation model: the maps of a domain in priority
// order with the implicit ones (`mapsOf`), the reserved regions of each device (`regionsOf`),
// the address each device's MSIs are programmed with (`programmedAddress`) and where a write to
// it ends (`resolve`). This module only arranges them.

import type { Analysis } from '../../engine';
import { alignDown, formatSize, hexGrouped, IntervalIndex, type Interval } from '../../model/intervals';
import type { Translation } from '../../model/translation';
import type { Device, Diagnostic, Domain, Irqchip, Loc, Mapping, Region, RegionType } from '../../model/types';
import { throughStage2 } from '../hover';
import { layoutLane } from './axis';
import { rangeLabel } from './labels';
import type { AddressMap, Arrow, Band, BandKind, BandState, DomainView, Lane, Limit, MarkedDiagnostic, SourceRef, SpaceName } from './types';

export type Subject = { kind: 'domain'; domain: Domain } | { kind: 'device'; device: Device };

export function sourceRef(loc: Loc): SourceRef {
  const p = loc.file.lines.position(loc.span.start);
  return { path: loc.file.path, start: loc.span.start, end: loc.span.end, line: p.line, character: p.character };
}

function sizeText(i: Interval): string {
  return formatSize(i.last - i.start + 1n);
}

function permText(m: Mapping): string {
  return (m.perm.read ? 'r' : '') + (m.perm.write ? 'w' : '') || '-';
}

const REGION_LABEL: Record<RegionType, string> = {
  direct: 'direct region',
  'direct-relaxable': 'direct-relaxable region',
  reserved: 'reserved region',
  msi: 'hardware MSI window',
  'sw-msi': 'sw-msi window',
};

const MAP_KIND: Record<Mapping['origin'], BandKind> = {
  map: 'map',
  'sw-msi': 'slot',
  'msi-bind': 'msi-bind',
  rmr: 'rmr',
  direct: 'direct-map',
};

/** One lane being filled, with the bands' keys so that a target drawn twice is one band. */
class LaneBuilder {
  readonly bands: Band[] = [];
  private readonly byKey = new Map<string, Band>();
  constructor(
    readonly index: number,
    readonly space: SpaceName,
    readonly caption: string,
    readonly limit: Limit | null,
  ) {}

  add(kind: BandKind, range: Interval, label: string, detail: string, source: Loc | null, extra: Partial<Band> = {}, key?: string): Band {
    if (key !== undefined) {
      const have = this.byKey.get(key);
      if (have) return have;
    }
    const band: Band = {
      id: `L${this.index}.${this.bands.length}`,
      kind,
      start: range.start,
      last: range.last,
      label,
      detail,
      track: 0,
      span: 1,
      source: source ? sourceRef(source) : null,
      diagnostics: [],
      ...extra,
    };
    this.bands.push(band);
    if (key !== undefined) this.byKey.set(key, band);
    return band;
  }

  finish(pageSize: bigint): Lane {
    const { rows, tracks } = layoutLane(this.bands, this.limit, pageSize);
    return { space: this.space, caption: this.caption, limit: this.limit, bands: this.bands, rows, tracks };
  }
}

function limitOf(bits: number | undefined, what: Limit['what']): Limit | null {
  if (bits === undefined || bits < 1 || bits > 64) return null;
  return { value: 1n << BigInt(bits), bits, what };
}

class ViewBuilder {
  readonly lanes: LaneBuilder[] = [];
  readonly arrows: Arrow[] = [];
  private readonly arrowKeys = new Set<string>();
  readonly notes: string[] = [];
  /** Irqchips whose doorbell an MSI of this view reaches. */
  private readonly reachedChips = new Set<Irqchip>();
  private readonly doorbellBands = new Map<Irqchip, Band>();

  constructor(
    readonly tx: Translation,
    readonly pageSize: bigint,
  ) {}

  lane(space: SpaceName, caption: string, limit: Limit | null): LaneBuilder {
    const l = new LaneBuilder(this.lanes.length, space, caption, limit);
    this.lanes.push(l);
    return l;
  }

  arrow(from: Band, to: Band): void {
    const key = `${from.id}>${to.id}`;
    if (this.arrowKeys.has(key)) return;
    this.arrowKeys.add(key);
    this.arrows.push({ from: from.id, to: to.id });
  }

  /** The doorbell page band of an irqchip in a lane of physical addresses. */
  doorbell(pa: LaneBuilder, chip: Irqchip): Band | null {
    const page = this.tx.doorbellPageOf(chip);
    if (page === null || chip.untranslated) return null;
    let band = this.doorbellBands.get(chip);
    if (!band) {
      band = pa.add('doorbell', { start: page, last: page + this.pageSize - 1n }, `${chip.name} doorbell page`, `doorbell ${hexGrouped(chip.doorbell!)}`, chip.nameLoc);
      this.doorbellBands.set(chip, band);
    }
    return band;
  }

  /**
   * The maps of a one-stage table (a paging or DMA domain, or the stage 2 of a nested one) as
   * bands of `input`, each with an arrow to where it lands in `output`.
   */
  translations(dom: Domain, input: LaneBuilder, output: LaneBuilder | null, outSpace: string): { band: Band; out: Interval; m: Mapping }[] {
    const made: { band: Band; out: Interval; m: Mapping }[] = [];
    for (const m of this.tx.mapsOf(dom)) {
      const kind = MAP_KIND[m.origin];
      const size = m.input.last - m.input.start + 1n;
      const out: Interval = { start: m.output, last: m.output + size - 1n };
      const label = kind === 'map' ? `map ${permText(m)} ${sizeText(m.input)}` : kind === 'rmr' ? `rmr identity ${sizeText(m.input)}` : m.describe;
      const detail = `→ ${outSpace} ${hexGrouped(out.start)}..${hexGrouped(out.last)}${kind === 'map' ? '' : ` (${permText(m)})`}`;
      const band = input.add(kind, m.input, label, detail, m.loc);
      made.push({ band, out, m });
      if (!output) continue;
      const chip = m.irqchip;
      const target = chip && out.start === this.tx.doorbellPageOf(chip) && size === this.pageSize ? this.doorbell(output, chip) : null;
      this.arrow(band, target ?? this.target(output, out, outSpace, m.loc, `← ${input.space} ${rangeLabel(m.input.start, m.input.last)}`));
    }
    return made;
  }

  /** Where a map lands; one band for several maps landing on the same range (the first one's source). */
  target(lane: LaneBuilder, out: Interval, space: string, source: Loc, from: string): Band {
    const what = space === 'PA' ? 'memory' : space;
    return lane.add('target', out, `${what} ${sizeText(out)}`, from, source, {}, `target:${out.start}:${out.last}`);
  }

  /**
   * The reserved regions of the devices, merged per type (overlapping or touching) as the kernel
   * lists them. A region no device of `reserving` brings (the backend does not reserve it for this
   * domain, or the kernel refuses the attach) is still drawn, and says so.
   */
  regions(lane: LaneBuilder, devices: readonly Device[], reserving: ReadonlySet<Device>): void {
    type Item = { start: bigint; last: bigint; region: Region; owner: string; reserved: boolean };
    const byType = new Map<RegionType, Item[]>();
    for (const d of devices)
      for (const r of this.tx.regionsOf(d)) {
        const list = byType.get(r.type) ?? [];
        byType.set(r.type, list);
        list.push({ start: r.start, last: r.last, region: r, owner: r.fromIommu ? r.fromIommu.name : d.name, reserved: reserving.has(d) });
      }
    for (const type of [...byType.keys()].sort()) {
      const sorted = byType.get(type)!.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
      const merged: { start: bigint; last: bigint; region: Region; owners: Set<string>; reserved: boolean }[] = [];
      for (const it of sorted) {
        const top = merged[merged.length - 1];
        if (top && it.start <= top.last + 1n) {
          if (it.last > top.last) top.last = it.last;
          top.owners.add(it.owner);
          top.reserved ||= it.reserved;
        } else merged.push({ start: it.start, last: it.last, region: it.region, owners: new Set([it.owner]), reserved: it.reserved });
      }
      for (const m of merged) {
        const note = m.reserved ? '' : ', not reserved in this domain';
        lane.add('reserved', m, REGION_LABEL[type], `${sizeText(m)} of ${[...m.owners].sort().join(', ')}${note}`, m.region.loc, { regionType: type }, `region:${type}:${m.start}:${m.last}`);
      }
    }
  }

  /** The page holding the address a device's MSIs are programmed with, and where a write to it ends. */
  msi(lane: LaneBuilder, d: Device): void {
    const p = this.tx.programmedAddress(d);
    const chip = d.msi?.irqchip;
    if (!chip || !d.msi) return;
    if (p.kind === 'none') return;
    if (p.kind !== 'address') {
      this.notes.push(`MSI of ${d.name}: ${p.how}`);
      if (p.kind === 'kernel') this.reachedChips.add(chip);
      return;
    }
    const r = this.tx.resolve(d, null, p.address, 'write');
    const ok = this.tx.reachesDoorbell(r, chip);
    if (ok) this.reachedChips.add(chip);
    const end = r.end.kind === 'fault' ? `✗ ${r.end.reason}` : ok ? `→ ${chip.name} doorbell${r.end.interrupt ? ' (not translated)' : ''}` : `✗ ends at PA ${hexGrouped(r.end.pa)}, not on the ${chip.name} doorbell`;
    const page = alignDown(p.address, this.pageSize);
    lane.add('msi', { start: page, last: page + this.pageSize - 1n }, `MSI of ${d.name} at ${hexGrouped(p.address)}`, end, d.msi.loc, { state: ok ? 'reached' : 'fault' });
  }

  /** Doorbell states: reached by an MSI of the view, mapped by some map, or unmapped. */
  settleDoorbells(): void {
    const targeted = new Set(this.arrows.map((a) => a.to));
    for (const [chip, band] of this.doorbellBands) {
      const state: BandState = this.reachedChips.has(chip) ? 'reached' : targeted.has(band.id) ? 'mapped' : 'unmapped';
      band.state = state;
      band.detail += state === 'reached' ? ', reached' : state === 'mapped' ? ', mapped (no MSI of these devices arrives)' : ', unmapped';
    }
  }
}

function domainTitle(dom: Domain): string {
  const io = dom.iommu;
  const on = io ? ` on ${io.name} (ias ${io.ias}, oas ${io.oas})` : '';
  const name = dom.implicit ? dom.name : `domain ${dom.name}`;
  const type = dom.type ?? '?';
  if (dom.type === 'nested') return `${name} : nested, stage 1 ${dom.stage1}${dom.parent ? `, parent ${dom.parent.name}` : ''}${on}`;
  return `${name} : ${type}${dom.nestParent ? ', nest-parent' : ''}${on}`;
}

/**
 * The devices whose regions a table's lane shows (its RID devices; for a parent, those of its
 * nested domains) and, among them, those whose regions the kernel reserves there (the model's
 * `reservingDevices`: by backend, RID attachments only, not for a refused attach).
 */
function regionDevices(tx: Translation, dom: Domain): [Device[], Set<Device>] {
  const table = dom.type === 'nested' && dom.parent ? dom.parent : dom;
  const out = [...tx.devicesIn(table)];
  if (table.type === 'paging' && table.nestParent)
    for (const c of tx.config.domains) if (c.type === 'nested' && c.parent === table) out.push(...tx.devicesIn(c));
  if (table !== dom) out.push(...tx.devicesIn(dom));
  return [[...new Set(out)], new Set(tx.reservingDevices(table).map((x) => x.dev))];
}

function attachNotes(tx: Translation, dom: Domain): string[] {
  const rid = tx.devicesIn(dom).map((d) => d.name);
  const pasid = dom.attaches.filter((a) => a.pasid !== null && a.target?.kind === 'device').map((a) => `${a.target!.name} (PASID ${a.pasid})`);
  const all = [...rid, ...pasid];
  const out = [all.length ? `devices: ${all.join(', ')}` : 'no device translates through this domain'];
  if (dom.type === 'paging' && dom.nestParent) {
    const kids = tx.config.domains.filter((c) => c.type === 'nested' && c.parent === dom).map((c) => c.name);
    if (kids.length) out.push(`stage 2 of: ${kids.join(', ')}`);
  }
  return out;
}

function buildView(a: Analysis, dom: Domain, msiDevices: readonly Device[], role: string | null, extraScope: Loc[]): DomainView {
  const { tx } = a;
  const ps = a.config.pageSize;
  const v = new ViewBuilder(tx, ps);
  const io = dom.iommu;
  v.notes.push(...attachNotes(tx, dom));
  switch (dom.type) {
    case 'nested': {
      const parent = dom.parent && dom.parent.type === 'paging' ? dom.parent : null;
      const s1 = v.lane('guest IOVA', `stage 1 of ${dom.name} (${dom.stage1})`, null);
      const ipa = v.lane('IPA', parent ? `stage 2: ${parent.name}` : 'no usable stage 2', limitOf(parent?.iommu?.ias ?? io?.ias, 'aperture'));
      const pa = parent ? v.lane('PA', 'physical', limitOf(parent.iommu?.oas ?? io?.oas, 'output range')) : null;
      if (dom.stage1 === 'bypass') v.notes.push('stage 1 bypass: IPA = guest IOVA');
      if (dom.stage1 === 'abort') v.notes.push('stage 1 abort: every access faults');
      // stage-1 maps land in IPA space: a target band each, marked where stage 2 leaves holes
      for (const { band, out, m } of v.translations(dom, s1, null, 'IPA')) {
        const t = v.target(ipa, out, 'IPA', m.loc, `← guest IOVA ${rangeLabel(m.input.start, m.input.last)}`);
        // (an rmr's IPA range is the host's SW_MSI window: stage 2 maps only the slots in use)
        if (parent && m.origin === 'map' && throughStage2(tx, parent, out).some((p) => p.pa === null)) {
          t.state = 'unmapped';
          if (!t.detail.includes('stage 2')) t.detail += `, partly unmapped in stage 2 (${parent.name})`;
        }
        v.arrow(band, t);
      }
      for (const d of msiDevices) v.msi(s1, d);
      if (parent && pa) {
        v.translations(parent, ipa, pa, 'PA');
        v.regions(ipa, ...regionDevices(tx, dom));
        for (const d of msiDevices) if (d.msi?.irqchip) v.doorbell(pa, d.msi.irqchip);
      }
      if (dom.pasidTable) ipa.add('pasid-table', dom.pasidTable.range, `pasid-table ${dom.pasidTable.format ?? '?'} ${sizeText(dom.pasidTable.range)}`, 'walked by the IOMMU through stage 2', dom.pasidTable.loc);
      break;
    }
    case 'identity': {
      const lane = v.lane('IOVA = PA', 'identity: every address is its own PA', limitOf(io?.oas, 'output range'));
      v.regions(lane, ...regionDevices(tx, dom));
      for (const d of msiDevices) v.msi(lane, d);
      for (const d of msiDevices) if (d.msi?.irqchip) v.doorbell(lane, d.msi.irqchip);
      break;
    }
    case 'blocked': {
      const lane = v.lane('IOVA', 'blocked: all DMA faults', limitOf(io?.ias, 'aperture'));
      v.regions(lane, ...regionDevices(tx, dom));
      for (const d of msiDevices) v.msi(lane, d);
      break;
    }
    default: {
      // paging (a nest parent's input is an IPA), dma, dma-fq
      const inSpace: SpaceName = dom.type === 'paging' && dom.nestParent ? 'IPA' : 'IOVA';
      const what = dom.type === 'paging' ? (dom.nestParent ? 'stage 2' : 'user-managed maps') : 'kernel DMA API maps';
      const input = v.lane(inSpace, `${what}: ${dom.name}`, limitOf(io?.ias, 'aperture'));
      const pa = v.lane('PA', 'physical', limitOf(io?.oas, 'output range'));
      v.translations(dom, input, pa, 'PA');
      v.regions(input, ...regionDevices(tx, dom));
      for (const d of msiDevices) v.msi(input, d);
      for (const d of msiDevices) if (d.msi?.irqchip) v.doorbell(pa, d.msi.irqchip);
      if (dom.maps.length === 0 && (tx.implicitMaps.get(dom) ?? []).length === 0) v.notes.push(dom.type === 'paging' ? 'no maps: every access faults' : 'no maps declared');
    }
  }
  v.settleDoorbells();
  const lanes = v.lanes.map((l) => l.finish(ps));
  const diagnostics = markDiagnostics(a.diagnostics, lanes, scopeOf(dom, extraScope));
  return {
    domain: dom.name,
    title: domainTitle(dom),
    role,
    notes: v.notes,
    lanes,
    arrows: v.arrows,
    diagnostics,
    source: dom.implicit ? null : sourceRef(dom.nameLoc),
  };
}

function scopeOf(dom: Domain, extra: Loc[]): Loc[] {
  const out = [...extra];
  if (!dom.implicit) out.push(dom.declLoc);
  if (dom.type === 'nested' && dom.parent && !dom.parent.implicit) out.push(dom.parent.declLoc);
  return out;
}

const KIND_PRIORITY: BandKind[] = ['msi', 'map', 'rmr', 'slot', 'msi-bind', 'pasid-table', 'reserved', 'direct-map', 'target', 'doorbell'];

/**
 * The diagnostics of a view: those anchored inside its declarations, or on a band's source. Each
 * is marked on the band whose source holds its anchor most tightly.
 */
function markDiagnostics(all: readonly Diagnostic[], lanes: Lane[], scope: Loc[]): MarkedDiagnostic[] {
  // the bands' sources as intervals of offsets, per file
  const byPath = new Map<string, (Interval & { band: Band })[]>();
  for (const l of lanes)
    for (const b of l.bands) {
      if (!b.source) continue;
      const list = byPath.get(b.source.path) ?? [];
      byPath.set(b.source.path, list);
      list.push({ start: BigInt(b.source.start), last: BigInt(b.source.end), band: b });
    }
  const index = new Map([...byPath].map(([p, list]) => [p, new IntervalIndex(list)]));
  const out: MarkedDiagnostic[] = [];
  for (const d of all) {
    const { path } = d.loc.file;
    const { start, end } = d.loc.span;
    let best: Band | null = null;
    for (const it of index.get(path)?.overlapping(BigInt(start), BigInt(end)) ?? []) {
      const s = it.band.source!;
      if (s.start > start || end > s.end) continue;
      if (!best) best = it.band;
      else {
        const w = s.end - s.start;
        const bw = best.source!.end - best.source!.start;
        if (w < bw || (w === bw && KIND_PRIORITY.indexOf(it.band.kind) < KIND_PRIORITY.indexOf(best.kind))) best = it.band;
      }
    }
    const inScope = scope.some((l) => l.file.path === path && l.span.start <= start && end <= l.span.end);
    if (!best && !inScope) continue;
    const i = out.length;
    out.push({ code: d.code, severity: d.severity, message: d.message, source: sourceRef(d.loc), band: best?.id ?? null });
    if (best) best.diagnostics.push(i);
  }
  return out;
}

function contextLine(a: Analysis): string {
  return `backend ${a.config.backend}, page size ${formatSize(a.config.pageSize)}`;
}

/** Band ids unique in the whole map: `V<view>.L<lane>.<n>`. */
function numberViews(views: DomainView[]): DomainView[] {
  views.forEach((v, i) => {
    const ids = new Map<string, string>();
    for (const l of v.lanes)
      for (const b of l.bands) {
        const id = `V${i}.${b.id.replace(/^V\d+\./, '')}`;
        ids.set(b.id, id);
        b.id = id;
      }
    for (const ar of v.arrows) {
      ar.from = ids.get(ar.from) ?? ar.from;
      ar.to = ids.get(ar.to) ?? ar.to;
    }
    for (const d of v.diagnostics) if (d.band) d.band = ids.get(d.band) ?? d.band;
  });
  return views;
}

/** One map of several subjects (every domain of a configuration). */
export function buildAddressMaps(a: Analysis, subjects: Subject[], name: string): AddressMap {
  const views = numberViews(subjects.flatMap((s) => buildAddressMap(a, s).views));
  return { subject: { kind: 'configuration', name }, context: contextLine(a), root: a.config.root.path, views };
}

export function buildAddressMap(a: Analysis, subject: Subject): AddressMap {
  const { tx } = a;
  if (subject.kind === 'domain') {
    const dom = subject.domain;
    return { subject: { kind: 'domain', name: dom.name }, context: contextLine(a), root: a.config.root.path, views: numberViews([buildView(a, dom, tx.devicesIn(dom), null, [])]) };
  }
  const d = subject.device;
  const views: DomainView[] = [buildView(a, tx.ridDomain(d), [d], 'RID domain', [d.declLoc])];
  const pasids = [...d.group.pasidAttaches.entries()].filter(([, at]) => at.target === d).sort(([x], [y]) => (BigInt(x) < BigInt(y) ? -1 : 1));
  for (const [pasid, at] of pasids) views.push(buildView(a, at.domain, [], `PASID ${pasid}`, [at.loc]));
  return { subject: { kind: 'device', name: d.name }, context: contextLine(a), root: a.config.root.path, views: numberViews(views) };
}
