// A reference resolver, written from language.md §4–§9 alone and deliberately naive: it reads the
// generated configuration (not the engine's model), recomputes every default, every implicit map
// and every domain from scratch for each query, and scans maps linearly in priority order. The
// property compares its answer with the engine's `resolve()` on random small configurations.

import fc from 'fast-check';
import { address, configuration, layout, print, type GConfig, type GDevice, type GDomain, type GIommu, type GIrqchip, type Range } from './generators';
import { analyzeText } from './invariants';

// ---- the reference model ----------------------------------------------------------------

interface Iv {
  start: bigint;
  last: bigint;
}
interface RMap {
  input: Iv;
  output: bigint;
  read: boolean;
  write: boolean;
}
export type RefEnd =
  | { kind: 'address'; pa: bigint; irqchip: string | null; interrupt: boolean }
  | { kind: 'fault'; cause: string; stage: string };

const K = 1024n;
const iv = (r: Range): Iv => ({ start: r.start.v, last: r.size ? r.start.v + r.size.v - 1n : r.last!.v });
const inside = (i: Iv, a: bigint) => i.start <= a && a <= i.last;

class Reference {
  readonly pageSize: bigint;
  readonly backend: string;

  constructor(readonly c: GConfig) {
    this.pageSize = c.pageSize === '16K' ? 16n * K : c.pageSize === '64K' ? 64n * K : 4n * K;
    this.backend = c.backend ?? 'iommufd';
  }

  // §4 an iommu's properties and their defaults
  ias(i: GIommu): bigint {
    return i.ias ? i.ias.v : i.model === 'dart' ? 36n : 48n;
  }
  swMsi(i: GIommu): Iv | null {
    if (i.swMsi === 'none') return null;
    if (i.swMsi) return iv(i.swMsi);
    return ['smmuv3', 'smmuv2', 'virtio-iommu'].includes(i.model) ? { start: 0x800_0000n, last: 0x800_0000n + 0x10_0000n - 1n } : null;
  }
  msiWindow(i: GIommu): Iv | null {
    if (i.msiWindow === 'none') return null;
    if (i.msiWindow) return iv(i.msiWindow);
    if (i.model === 'vtd' || i.model === 'amd-vi') return { start: 0xfee0_0000n, last: 0xfee0_0000n + 0x10_0000n - 1n };
    if (i.model === 'dart') return { start: 0xffff_f000n, last: 0xffff_ffffn };
    return null;
  }
  iommuReserved(i: GIommu): { iv: Iv; type: string }[] {
    const own = i.reserved.map((r) => ({ iv: iv(r.range), type: r.type }));
    return i.model === 'amd-vi' ? [{ iv: { start: 0xfd_0000_0000n, last: 0xff_ffff_ffffn }, type: 'reserved' }, ...own] : own;
  }

  // §5 an irqchip's doorbell
  doorbell(q: GIrqchip): bigint | null {
    if (q.doorbell) return q.doorbell.v;
    // x86 doorbells sit in the hardware MSI window (§5): its start when nothing else is said
    if (!q.base) return this.untranslatedChip(q) ? 0xfee0_0000n : null;
    if (q.model === 'gicv3-its') return q.base.v + 0x10040n;
    if (q.model === 'gicv2m') return q.base.v + 0x40n;
    return q.base.v; // generic, x86-*: the frame is the doorbell (§5 asks for `doorbell` only for `generic` without `base`)
  }
  untranslatedChip(q: GIrqchip): boolean {
    return q.model === 'x86-remap' || q.model === 'x86-compat';
  }
  page(a: bigint): bigint {
    return a - (a % this.pageSize);
  }
  chip(name: string): GIrqchip | undefined {
    return this.c.irqchips.find((q) => q.name === name);
  }

  // §6 a device's IOMMU and reserved regions
  iommuOf(d: GDevice): GIommu | null {
    if (d.iommu) return this.c.iommus.find((i) => i.name === d.iommu) ?? null;
    return this.c.iommus.length === 1 ? this.c.iommus[0]! : null;
  }
  /** A device's own `sw-msi` window: an iommufd option (language.md §6), ignored under the other backends. */
  ownSwMsi(d: GDevice): Range | undefined {
    return this.backend === 'iommufd' ? d.swMsi : undefined;
  }
  /** The union of its IOMMU's regions (its own `sw-msi` replacing the IOMMU's window) and its own. */
  regions(d: GDevice): { iv: Iv; type: string }[] {
    const out: { iv: Iv; type: string }[] = [];
    const io = this.iommuOf(d);
    const own = this.ownSwMsi(d);
    if (io) {
      const sw = this.swMsi(io);
      if (sw && !own) out.push({ iv: sw, type: 'sw-msi' });
      const hw = this.msiWindow(io);
      if (hw) out.push({ iv: hw, type: 'msi' });
      out.push(...this.iommuReserved(io));
    }
    if (own) out.push({ iv: iv(own), type: 'sw-msi' });
    out.push(...d.reserved.map((r) => ({ iv: iv(r.range), type: r.type })));
    return out;
  }
  effectiveSwMsi(d: GDevice): Iv | null {
    const own = this.ownSwMsi(d);
    if (own) return iv(own);
    const io = this.iommuOf(d);
    return io ? this.swMsi(io) : null;
  }
  hwMsiWindows(d: GDevice): Iv[] {
    const io = this.iommuOf(d);
    const w = io ? this.msiWindow(io) : null;
    return w ? [w] : [];
  }

  // §7 groups
  groupOf(d: GDevice): string[] {
    const g = this.c.groups.find((x) => x.members.includes(d.name));
    return g ? g.members : [d.name];
  }
  groupNameOf(d: GDevice): string {
    return this.c.groups.find((x) => x.members.includes(d.name))?.name ?? `#${d.name}`;
  }

  // §8 attachments, in source order
  attaches(): { dom: GDomain; ref: string; pasid: bigint | null; group: string }[] {
    const out: { dom: GDomain; ref: string; pasid: bigint | null; group: string }[] = [];
    for (const dom of this.c.domains)
      for (const s of dom.stmts) {
        if (s.kind !== 'attach') continue;
        if (s.pasid && this.backend === 'vfio-type1') continue; // no PASID attachments in VFIO type1 (unsupported-feature)
        const dev = this.c.devices.find((d) => d.name === s.ref);
        const group = dev ? this.groupNameOf(dev) : s.ref;
        out.push({ dom, ref: s.ref, pasid: s.pasid ? s.pasid.v : null, group });
      }
    return out;
  }
  /** The RID domain: the first attachment of the device's group, else its default domain (`null`). */
  ridDomain(d: GDevice): GDomain | null {
    const g = this.groupNameOf(d);
    return this.attaches().find((a) => a.pasid === null && a.group === g)?.dom ?? null;
  }
  /**
   * The type of the RID domain when nothing attaches the group by RID: under iommufd a group
   * attached only by PASID (to a device) is bound, and its RID sits in the blocking domain
   * (language.md §9: PASID-only devices); otherwise the IOMMU's default domain.
   */
  defaultType(d: GDevice): string {
    const g = this.groupNameOf(d);
    if (this.backend === 'iommufd' && this.attaches().some((a) => a.pasid !== null && a.group === g && this.c.devices.some((x) => x.name === a.ref))) return 'blocked';
    const io = this.iommuOf(d);
    return io?.defaultDomain ?? 'dma';
  }
  domainIommu(dom: GDomain): GIommu | null {
    const ref = dom.stmts.find((s) => s.kind === 'iommu');
    if (ref && ref.kind === 'iommu') return this.c.iommus.find((i) => i.name === ref.ref) ?? null;
    const fromDevices = (x: GDomain): GIommu | null => {
      for (const s of x.stmts) {
        if (s.kind !== 'attach') continue;
        if (s.pasid && this.backend === 'vfio-type1') continue; // no PASID attachments in VFIO type1 (unsupported-feature)
        const dev = this.c.devices.find((d) => d.name === s.ref);
        const members = dev ? this.groupOf(dev) : (this.c.groups.find((g) => g.name === s.ref)?.members ?? []);
        for (const m of members) {
          const io = this.iommuOf(this.c.devices.find((d) => d.name === m)!);
          if (io) return io;
        }
      }
      return null;
    };
    let io = fromDevices(dom);
    if (!io && dom.stmts.some((s) => s.kind === 'nest-parent'))
      for (const child of this.c.domains) if (this.parentOf(child) === dom) io ??= this.domainIommu(child);
    return io ?? (this.c.iommus.length === 1 ? this.c.iommus[0]! : null);
  }
  parentOf(dom: GDomain): GDomain | null {
    const p = dom.stmts.find((s) => s.kind === 'parent');
    return p && p.kind === 'parent' ? (this.c.domains.find((x) => x.name === p.ref) ?? null) : null;
  }
  stage1(dom: GDomain): string {
    const s = dom.stmts.find((x) => x.kind === 'stage1');
    return s && s.kind === 'stage1' ? s.mode : 'translate';
  }
  /** Devices whose RID domain is `dom` (`dom === null` with `of`: the default domain of that group). */
  ridDevices(dom: GDomain | null, of?: GDevice): GDevice[] {
    if (dom) return this.c.devices.filter((d) => this.ridDomain(d) === dom);
    const g = this.groupNameOf(of!);
    return this.c.devices.filter((d) => this.groupNameOf(d) === g);
  }

  // §9 explicit and implicit maps
  explicitMaps(dom: GDomain): RMap[] {
    const out: RMap[] = [];
    for (const s of dom.stmts) {
      if (s.kind !== 'map') continue;
      let target: bigint;
      if ('addr' in s.target) target = s.target.addr.v;
      else {
        const q = this.chip(s.target.chip);
        const db = q ? this.doorbell(q) : null;
        if (db === null) continue;
        target = this.page(db);
      }
      const perm = s.perm ?? 'rw';
      out.push({ input: iv(s.range), output: target, read: perm.includes('r'), write: perm.includes('w') });
    }
    return out;
  }

  /** Does the device allocate translated MSIs (§9 "Implicit SW_MSI maps")? */
  translatedMsi(d: GDevice): GIrqchip | null {
    if (!d.msi) return null;
    const q = this.chip(d.msi.chip);
    if (!q || this.untranslatedChip(q) || this.doorbell(q) === null) return null;
    const driver = d.driver ?? 'none';
    if (driver === 'none' || driver === 'pci-stub') return null;
    return q;
  }

  /** The paging domain that holds a device's SW_MSI map, for a `paging` or `nested` RID domain. */
  slotDomain(d: GDevice): GDomain | null {
    const rid = this.ridDomain(d);
    if (!rid) return null;
    if (rid.type === 'paging') return rid;
    if (rid.type === 'nested') {
      if (rid.stmts.some((s) => s.kind === 'msi-bind')) return null; // the guest's msi-bind gIOVA is used instead
      const p = this.parentOf(rid);
      return p && p.type === 'paging' ? p : null;
    }
    return null;
  }

  /** The SW_MSI doorbell maps of a paging domain. */
  swMsiMaps(target: GDomain): RMap[] {
    if (this.backend === 'dma-api') return [];
    const out: RMap[] = [];
    const add = (m: RMap) => {
      if (!out.some((x) => x.input.start === m.input.start && x.output === m.output)) out.push(m);
    };
    if (this.backend === 'iommufd') {
      const slots: { page: bigint; start: bigint; k: number }[] = [];
      for (const d of this.c.devices) {
        const q = this.translatedMsi(d);
        const w = this.effectiveSwMsi(d);
        const dom = this.slotDomain(d);
        if (!q || !w || !dom) continue;
        if (this.hwMsiWindows(d).some((h) => inside(h, this.doorbell(q)!))) continue; // a hardware MSI page: physical
        const page = this.page(this.doorbell(q)!);
        let s = slots.find((x) => x.page === page && x.start === w.start);
        if (!s) {
          if (slots.length >= 64) continue; // -EOVERFLOW
          s = { page, start: w.start, k: slots.filter((x) => x.start === w.start).length };
          slots.push(s);
        }
        if (dom !== target) continue;
        const at = w.start + BigInt(s.k) * this.pageSize;
        add({ input: { start: at, last: at + this.pageSize - 1n }, output: page, read: true, write: true });
      }
      return out;
    }
    // vfio-type1: one MSI cookie per domain, at the window of the first group attached to it
    const first = this.attaches().find((a) => a.pasid === null && this.c.devices.some((d) => this.groupNameOf(d) === a.group && this.slotDomain(d) === target));
    if (!first) return [];
    const firstMembers = this.c.devices.filter((d) => this.groupNameOf(d) === first.group);
    if (firstMembers.some((d) => this.hwMsiWindows(d).length > 0)) return []; // no cookie at all
    const windows = firstMembers.map((d) => this.effectiveSwMsi(d)).filter((w): w is Iv => w !== null);
    const w = windows[0];
    if (!w) return [];
    const pages: bigint[] = [];
    for (const d of this.c.devices) {
      const q = this.translatedMsi(d);
      if (!q || this.slotDomain(d) !== target || !this.effectiveSwMsi(d)) continue;
      const page = this.page(this.doorbell(q)!);
      if (!pages.includes(page)) pages.push(page);
      const at = w.start + BigInt(pages.indexOf(page)) * this.pageSize;
      add({ input: { start: at, last: at + this.pageSize - 1n }, output: page, read: false, write: true });
    }
    return out;
  }

  /** The stage-2 maps that the `msi-bind`s of nested domains on `parent` create. */
  msiBindMaps(parent: GDomain): RMap[] {
    const out: RMap[] = [];
    for (const dom of this.c.domains) {
      if (dom.type !== 'nested' || this.parentOf(dom) !== parent) continue;
      const bind = dom.stmts.find((s) => s.kind === 'msi-bind');
      if (!bind || bind.kind !== 'msi-bind') continue;
      // the irqchip of the first device attached to the nested domain
      let chip: GIrqchip | undefined;
      for (const a of this.attaches()) {
        if (a.dom !== dom || a.pasid !== null) continue;
        const members = this.c.devices.filter((d) => this.groupNameOf(d) === a.group && this.ridDomain(d) === dom);
        const withMsi = members.find((m) => m.msi && this.chip(m.msi.chip));
        if (withMsi) {
          chip = this.chip(withMsi.msi!.chip);
          break;
        }
      }
      const db = chip ? this.doorbell(chip) : null;
      if (db === null) continue;
      out.push({ input: { start: bind.gpa.v, last: bind.gpa.v + bind.size.v - 1n }, output: this.page(db), read: false, write: true });
    }
    return out;
  }

  rmrMaps(dom: GDomain): RMap[] {
    return dom.stmts.flatMap((s) => (s.kind === 'rmr' ? [{ input: iv(s.range), output: s.range.start.v, read: true, write: true }] : []));
  }

  directMaps(devices: GDevice[]): RMap[] {
    return devices.flatMap((d) => this.regions(d).filter((r) => r.type === 'direct' || r.type === 'direct-relaxable').map((r) => ({ input: r.iv, output: r.iv.start, read: true, write: true })));
  }

  // ---- resolve ----------------------------------------------------------------------------

  doorbellAt(pa: bigint): string | null {
    for (const q of this.c.irqchips) {
      const db = this.doorbell(q);
      if (db !== null && this.page(db) === this.page(pa)) return q.name;
    }
    return null;
  }

  /** First hit in priority order, and the permission check. */
  private scan(maps: RMap[], a: bigint, access: string | null): { out: bigint } | { perm: string } | null {
    for (const m of maps) {
      if (!inside(m.input, a)) continue;
      if (access === 'write' && !m.write) return { perm: 'read-only' };
      if (access === 'read' && !m.read) return { perm: 'write-only' };
      return { out: m.output + (a - m.input.start) };
    }
    return null;
  }

  private paging(dom: GDomain, a: bigint, access: string | null, stage: 'single' | 'stage-2'): { out: bigint } | { fault: string } {
    const io = this.domainIommu(dom);
    if (io && this.ias(io) < 64n && a >= 1n << this.ias(io)) return { fault: 'aperture' };
    const hit = this.scan([...this.swMsiMaps(dom), ...this.msiBindMaps(dom), ...this.explicitMaps(dom)], a, access);
    if (!hit) return { fault: stage === 'stage-2' ? 'stage2-unmapped' : 'unmapped' };
    if ('perm' in hit) return { fault: hit.perm };
    return hit;
  }

  resolve(d: GDevice, pasid: bigint | null, a: bigint, access: string | null): RefEnd {
    const end = (pa: bigint): RefEnd => ({ kind: 'address', pa, irqchip: this.doorbellAt(pa), interrupt: false });
    const fault = (cause: string, stage: string): RefEnd => ({ kind: 'fault', cause, stage });
    // 1. the hardware MSI window
    if (this.hwMsiWindows(d).some((w) => inside(w, a))) return { kind: 'address', pa: a, irqchip: null, interrupt: true };
    // 2. the domain
    let dom: GDomain | null;
    let type: string;
    if (pasid !== null) {
      const g = this.groupNameOf(d);
      const at = this.attaches().find((x) => x.pasid === pasid && x.group === g);
      if (!at) return fault('no-pasid-domain', 'domain');
      dom = at.dom;
      type = dom.type;
    } else {
      dom = this.ridDomain(d);
      type = dom ? dom.type : this.defaultType(d);
    }
    // 3. by type
    switch (type) {
      case 'blocked':
        return fault('blocked', 'single');
      case 'identity':
        return end(a);
      case 'dma':
      case 'dma-fq': {
        const maps = [...(dom ? this.explicitMaps(dom) : []), ...this.directMaps(this.ridDevices(dom, d))];
        const hit = this.scan(maps, a, access);
        if (!hit) return fault('unmapped', 'single');
        if ('perm' in hit) return fault(hit.perm, 'single');
        return end(hit.out);
      }
      case 'paging': {
        const r = this.paging(dom!, a, access, 'single');
        return 'fault' in r ? fault(r.fault, 'single') : end(r.out);
      }
      case 'nested': {
        const s1 = this.stage1(dom!);
        let ipa: bigint;
        if (s1 === 'abort') return fault('stage1-abort', 'stage-1');
        if (s1 === 'bypass') ipa = a;
        else {
          const hit = this.scan([...this.explicitMaps(dom!), ...this.rmrMaps(dom!)], a, access);
          if (!hit) return fault('stage1-unmapped', 'stage-1');
          if ('perm' in hit) return fault(hit.perm, 'stage-1');
          ipa = hit.out;
        }
        const parent = this.parentOf(dom!);
        if (!parent || parent.type !== 'paging') return fault('stage2-unmapped', 'stage-2');
        const r = this.paging(parent, ipa, access, 'stage-2');
        return 'fault' in r ? fault(r.fault, 'stage-2') : end(r.out);
      }
    }
    throw new Error(`no domain type '${type}'`);
  }
}

// ---- the property -----------------------------------------------------------------------

export interface Query {
  device: number;
  pasid: bigint | null;
  address: bigint;
  access: 'read' | 'write' | null;
}

/** Addresses where a configuration's maps, windows, regions and doorbells begin and end. */
function landmarks(c: GConfig): bigint[] {
  const out = new Set<bigint>();
  const add = (r: Range) => {
    const i = iv(r);
    out.add(i.start);
    out.add(i.last);
    for (let k = 0n; k < 3n; k++) out.add(i.start + k * 0x1000n + 0x40n);
  };
  for (const i of c.iommus) {
    if (i.swMsi && i.swMsi !== 'none') add(i.swMsi);
    if (i.msiWindow && i.msiWindow !== 'none') add(i.msiWindow);
    i.reserved.forEach((r) => add(r.range));
  }
  for (const q of c.irqchips) for (const n of [q.base, q.doorbell]) if (n) out.add(n.v);
  for (const d of c.devices) {
    if (d.swMsi) add(d.swMsi);
    d.reserved.forEach((r) => add(r.range));
  }
  for (const dom of c.domains)
    for (const st of dom.stmts) {
      if (st.kind === 'map' || st.kind === 'rmr') add(st.range);
      if (st.kind === 'map' && 'addr' in st.target) out.add(st.target.addr.v);
      if (st.kind === 'msi-bind') for (const n of [st.giova.v, st.gpa.v]) out.add(n + 0x40n);
    }
  for (let k = 0n; k < 3n; k++) out.add(0x800_0000n + k * 0x1000n + 0x40n);
  return [...out].filter((a) => a >= 0n && a < 1n << 64n);
}

const query = (c: GConfig): fc.Arbitrary<Query> =>
  fc.record({
    device: fc.nat({ max: c.devices.length - 1 }),
    pasid: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(1n, 2n, 7n) }),
    address: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...landmarks(c)) }, { weight: 1, arbitrary: address }),
    access: fc.constantFrom('read' as const, 'write' as const, null),
  });

export const resolverCase = configuration({ valid: true, forResolver: true }).chain((c) => fc.tuple(fc.constant(c), layout, fc.array(query(c), { minLength: 1, maxLength: 12 })));

/** Diagnostics after which the language leaves resolution undefined (or the reference does not model it). */
const UNDEFINED_AFTER = new Set(['syntax', 'unknown-name', 'duplicate-name', 'wrong-kind', 'bad-number', 'bad-value', 'missing-property', 'group-membership', 'domain-iommu-mismatch']);

const show = (e: RefEnd): string =>
  e.kind === 'address' ? `PA 0x${e.pa.toString(16)}${e.interrupt ? ' (interrupt)' : e.irqchip ? ` doorbell of ${e.irqchip}` : ''}` : `fault ${e.cause} at ${e.stage}`;

/** How many configurations were compared, and how many left out (resolution undefined). */
export const resolverStats = { compared: 0, skipped: 0 };

export function resolverDisagreement([c, l, queries]: [GConfig, { seps: number[] }, Query[]]): string | undefined {
  const text = print(c, l);
  const a = analyzeText(text);
  if (a.diagnostics.some((d) => UNDEFINED_AFTER.has(d.code))) {
    resolverStats.skipped++;
    return undefined;
  }
  const ref = new Reference(c);
  // a group whose members sit behind different IOMMUs has no single default domain type
  for (const g of c.groups) {
    const ios = new Set(g.members.map((m) => ref.iommuOf(c.devices.find((d) => d.name === m)!)?.name));
    if (ios.size > 1) {
      resolverStats.skipped++;
      return undefined;
    }
  }
  resolverStats.compared++;
  for (const q of queries) {
    const d = c.devices[q.device % c.devices.length]!;
    const dev = a.config.devices.find((x) => x.name === d.name);
    if (!dev) return `device ${d.name} is missing from the model`;
    const got = a.tx.resolve(dev, q.pasid, q.address, q.access);
    const engine: RefEnd =
      got.end.kind === 'address'
        ? { kind: 'address', pa: got.end.pa, irqchip: got.end.interrupt ? null : (got.end.irqchip?.name ?? null), interrupt: got.end.interrupt }
        : { kind: 'fault', cause: got.end.cause, stage: got.end.stage };
    const want = ref.resolve(d, q.pasid, q.address, q.access);
    if (show(engine) !== show(want)) {
      const what = `${d.name}${q.pasid !== null ? ` pasid ${q.pasid}` : ''}${q.access ? ` ${q.access}` : ''} 0x${q.address.toString(16)}`;
      return `resolve(${what}): engine ${show(engine)}, reference ${show(want)}\n--- text ---\n${text}`;
    }
  }
  return undefined;
}
