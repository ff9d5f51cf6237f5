// The translation model (language.md §9): which domain a device translates through, the
// implicit maps the kernel creates (SW_MSI doorbell slots, RMR identity maps, msi-bind stage-2
// maps, direct-region identity maps), the address each device's MSIs are programmed with, and
// `resolve()`, the one function that hover, `expect` and the doorbell checks share.

import { IntervalIndex, U64_MAX, containsPoint, formatSize, hex, type Interval } from './intervals';
import { doorbellPage } from './defaults';
import { domainLabel } from './labels';
import type { Configuration, Device, Domain, Group, Irqchip, Mapping, Perm, Region } from './types';
import { GATES, kernelText, since } from './kernel';

export type Access = 'read' | 'write';

export type FaultCause =
  | 'blocked'
  | 'no-pasid-domain'
  | 'aperture'
  | 'unmapped'
  | 'stage1-abort'
  | 'stage1-unmapped'
  | 'stage2-unmapped'
  | 'read-only'
  | 'write-only'
  | 'no-iommu';

export interface Hop {
  /** `msi-window`: delivered untranslated; `single`: one-stage domain; `stage-1` / `stage-2`: nesting. */
  stage: 'msi-window' | 'single' | 'stage-1' | 'stage-2';
  domain: Domain | null;
  input: bigint;
  output: bigint;
  /** The map that translated, or how the address passed through. */
  via: Mapping | 'identity' | 'bypass' | 'window';
  text: string;
}

export type End =
  | { kind: 'address'; pa: bigint; irqchip: Irqchip | null; interrupt: boolean }
  | { kind: 'fault'; cause: FaultCause; stage: 'single' | 'stage-1' | 'stage-2' | 'domain'; domain: Domain | null; at: bigint; reason: string; map?: Mapping };

export interface Resolution {
  device: Device;
  pasid: bigint | null;
  address: bigint;
  access: Access | null;
  /** The domain the transaction used (the PASID's, else the RID domain). */
  domain: Domain | null;
  hops: Hop[];
  end: End;
}

export type Programmed =
  | { kind: 'address'; address: bigint; how: string }
  /** dma / dma-fq: the kernel allocates the doorbell IOVA, always reachable. */
  | { kind: 'kernel'; how: string }
  /** The doorbell page got no SW_MSI slot (the 65th of an iommufd context). */
  | { kind: 'exhausted'; window: Region; how: string }
  /** v6.15+: the domain has no MSI cookie, so `iommu_dma_prepare_msi` fails with -EOPNOTSUPP. */
  | { kind: 'unsupported'; domain: Domain; how: string }
  | { kind: 'none'; how: string };

export interface Slot {
  /** Index in its sequence. */
  k: number;
  page: bigint;
  window: Region;
  /** Slot address (mapped even past the end of the window), or null for the 65th under iommufd (refused). */
  address: bigint | null;
  irqchip: Irqchip;
  /** The device whose MSI first used the slot. */
  firstUser: Device;
  /** The slot lies past the end of its window (still mapped), or it is the 65th map of the iommufd context (-EOVERFLOW, not mapped). */
  full: 'window' | 'iommufd-64' | null;
}

/** The dma-iommu MSI cookie of a paging domain: its slots start at `window.start`. */
export interface MsiCookie {
  window: Region;
  /** The group whose attach created it (R51: the first attached). */
  group: Group;
  slots: Map<bigint, Slot>;
}

/** Drivers that never enable MSIs: such a device allocates no MSI and takes no SW_MSI slot. */
const NO_MSI_DRIVERS = ['none', 'pci-stub'];

/** Does the device's driver allocate MSIs (`vfio-pci`, `vfio-platform`, any kernel driver)? */
export function allocatesMsi(d: Device): boolean {
  return !NO_MSI_DRIVERS.includes(d.driver);
}

/** Drivers that bind a device to VFIO / iommufd. */
const VFIO_DRIVERS = ['vfio-pci', 'vfio-platform'];

export function boundToVfio(d: Device): boolean {
  return VFIO_DRIVERS.includes(d.driver);
}

interface IndexedMap extends Interval {
  map: Mapping;
  order: number;
}

const IOMMUFD_MAX_SW_MSI = 64;

function permText(p: Perm): string {
  return (p.read ? 'r' : '') + (p.write ? 'w' : '') || '-';
}

export function describeMapping(m: Mapping): string {
  return `${m.describe} (${hex(m.input.start)}..${hex(m.input.last)} → ${hex(m.output)}, ${permText(m.perm)})`;
}

/** The translation model of one configuration. Built once; every query is an index lookup. */
export class Translation {
  readonly pageSize: bigint;
  /** Implicit maps by domain: SW_MSI slots and msi-bind maps (paging), RMR maps (nested), direct maps (dma). */
  readonly implicitMaps = new Map<Domain, Mapping[]>();
  /** The SW_MSI slot of each device with translated MSIs in a paging/nested RID domain. */
  readonly deviceSlots = new Map<Device, Slot>();
  private readonly indexes = new Map<Domain, IntervalIndex<IndexedMap>>();
  private readonly ridMembers = new Map<Domain, Device[]>();
  private readonly doorbellPages: IntervalIndex<Interval & { chip: Irqchip }>;

  constructor(readonly config: Configuration) {
    this.pageSize = config.pageSize;
    for (const d of config.devices) {
      const dom = this.ridDomain(d);
      const list = this.ridMembers.get(dom);
      if (list) list.push(d);
      else this.ridMembers.set(dom, [d]);
    }
    this.doorbellPages = new IntervalIndex(
      config.irqchips
        .filter((c) => c.doorbell !== null)
        .map((c) => {
          const page = doorbellPage(c.doorbell!, this.pageSize);
          return { start: page, last: page + this.pageSize - 1n, chip: c };
        }),
    );
    this.buildSwMsiSlots();
    this.buildMsiBindMaps();
    this.buildRmrMaps();
    this.buildDirectMaps();
  }

  // ---- structure ------------------------------------------------------------------------

  ridDomain(d: Device): Domain {
    return this.groupRidDomain(d.group);
  }

  /**
   * The group's RID domain: the domain attached without PASID, else (iommufd, attached only by
   * PASID) the blocking domain DMA ownership put it in, else its default domain.
   */
  groupRidDomain(g: Group): Domain {
    if (g.ridAttach) return g.ridAttach.domain;
    if (this.ridBlocked(g)) return g.blockedDomain;
    return g.defaultDomain;
  }

  /**
   * Under iommufd a group bound and attached only by PASID has its RID in the blocking domain:
   * binding claims DMA ownership (`iommu_device_claim_dma_owner` → the group's blocking domain)
   * and only a RID attach replaces it.
   */
  ridBlocked(g: Group): boolean {
    return !g.ridAttach && this.config.backend === 'iommufd' && g.pasidAttaches.size > 0;
  }

  /** The targeted kernel, for messages: `kernel 6.8`. */
  kernelText(): string {
    return `kernel ${kernelText(this.config.kernel)}`;
  }

  /** Does the targeted kernel map SW_MSI through iommufd itself (v6.15+, `iommufd_sw_msi`)? */
  iommufdSwMsi(): boolean {
    return this.config.backend === 'iommufd' && since(this.config.kernel, GATES.swMsi);
  }

  /**
   * The minimum page of a domain's maps: the smallest of its IOMMU's `pgsizes`; under
   * `vfio-type1` raised to `page-size` (`vfio_update_pgsize_bitmap` hides sub-PAGE_SIZE sizes
   * and adds PAGE_SIZE).
   */
  minPage(dom: Domain): bigint | null {
    const io = dom.iommu;
    if (!io) return null;
    if (this.config.backend === 'vfio-type1' && io.minPage < this.pageSize) return this.pageSize;
    return io.minPage;
  }

  /**
   * The devices whose reserved regions a domain's maps must avoid (language.md §9 "Reservations
   * follow the backend"), with the nested domain they come through (nest parent, IPA space).
   * `vfio-type1`: every member of every group attached (`iommu_get_group_resv_regions`).
   * `iommufd`: the devices bound to it (driver vfio-pci / vfio-platform), RID attachments only
   * (`iommufd_device_attach_reserved_iova`); before v6.4 the whole group of each. `dma-api` and
   * DMA domains: the devices translating through it. A group whose attach the kernel refuses
   * for a `direct` region (require-direct) never gets there and reserves nothing.
   */
  reservingDevices(dom: Domain): { dev: Device; via: Domain | null }[] {
    const out: { dev: Device; via: Domain | null }[] = [];
    const seen = new Set<Device>();
    const backend = this.config.backend;
    const user = dom.type === 'paging' && backend !== 'dma-api';
    const add = (d: Device, via: Domain | null) => {
      if (seen.has(d)) return;
      if (user && backend === 'iommufd' && since(this.config.kernel, GATES.iommufdPerDeviceResv) && !boundToVfio(d)) return;
      if (user && this.refusedForDirect(d.group)) return;
      seen.add(d);
      out.push({ dev: d, via });
    };
    for (const d of this.devicesIn(dom)) add(d, null);
    if (dom.type === 'paging' && dom.nestParent)
      for (const child of this.config.domains) if (child.type === 'nested' && child.parent === dom && !child.broken) for (const d of this.devicesIn(child)) add(d, child);
    return out;
  }

  /** A member of the group has a `direct` region, so the kernel refuses to take its DMA ownership (R13). */
  refusedForDirect(g: Group): boolean {
    if (this.config.backend === 'dma-api') return false;
    return this.requireDirectMembers(g).length > 0;
  }

  /**
   * The members whose `direct` region makes the kernel refuse a user (paging or nested)
   * domain for the group: from v6.3 any (`require_direct` in the core); before, only those
   * behind VT-d, whose driver refused an UNMANAGED domain for a device with an RMRR.
   */
  requireDirectMembers(g: Group): { dev: Device; region: Region }[] {
    const core = since(this.config.kernel, GATES.requireDirect);
    const out: { dev: Device; region: Region }[] = [];
    for (const m of g.members) {
      if (!core && m.iommu?.model !== 'vtd') continue;
      const r = this.regionsOf(m).find((x) => x.type === 'direct');
      if (r) out.push({ dev: m, region: r });
    }
    return out;
  }

  /** Devices whose RID domain is `dom`. */
  devicesIn(dom: Domain): Device[] {
    return this.ridMembers.get(dom) ?? [];
  }

  /** All domains with devices or maps: declared ones and the group default domains in use. */
  allDomains(): Domain[] {
    const out = [...this.config.domains];
    for (const g of this.config.groups) out.push(this.ridBlocked(g) ? g.blockedDomain : g.defaultDomain);
    return out;
  }

  /** The paging domain that holds a device's SW_MSI map: its RID domain if paging, the parent if nested. */
  pagingDomainOf(dom: Domain): Domain | null {
    if (dom.type === 'paging') return dom;
    if (dom.type === 'nested' && dom.parent && dom.parent.type === 'paging') return dom.parent;
    return null;
  }

  /** A device's reserved regions: its IOMMU's (with its own `sw-msi` replacing the IOMMU's window) and its own. */
  regionsOf(d: Device): Region[] {
    const out: Region[] = [];
    const io = d.iommu;
    if (io) {
      if (io.swMsi && !d.swMsiProp) out.push(io.swMsi);
      if (io.msiWindow) out.push(io.msiWindow);
      out.push(...io.reserved);
    }
    if (d.swMsiProp) out.push(d.swMsiProp);
    out.push(...d.ownRegions);
    return out;
  }

  /** The device's SW_MSI window: its own `sw-msi`, else an own `sw-msi` region, else its IOMMU's. */
  swMsiWindow(d: Device): Region | null {
    return d.swMsiProp ?? d.ownRegions.find((r) => r.type === 'sw-msi') ?? d.iommu?.swMsi ?? null;
  }

  /** Hardware MSI regions of a device: the IOMMU's `msi-window` and its own `reserved … msi`. */
  hwMsiRegions(d: Device): Region[] {
    return this.regionsOf(d).filter((r) => r.type === 'msi');
  }

  /** The hardware MSI region where an address is delivered untranslated (language.md §9 step 1). */
  untranslatedWindow(d: Device, address: bigint): Region | null {
    for (const r of this.hwMsiRegions(d)) {
      if (!containsPoint(r, address)) continue;
      if (r === d.iommu?.msiWindow) return r;
      // a `reserved … msi` region counts when it holds an irqchip doorbell
      if (this.config.irqchips.some((c) => c.doorbell !== null && containsPoint(r, c.doorbell))) return r;
    }
    return null;
  }

  doorbellAt(pa: bigint): Irqchip | null {
    return this.doorbellPages.containing(pa)[0]?.chip ?? null;
  }

  doorbellPageOf(chip: Irqchip): bigint | null {
    return chip.doorbell === null ? null : doorbellPage(chip.doorbell, this.pageSize);
  }

  /**
   * Every map of a domain in priority order (language.md §9): a paging domain's implicit maps
   * (SW_MSI slots, msi-bind) before its explicit ones; a nested domain's explicit stage-1 maps
   * before its RMR identity maps; a dma domain's explicit maps before its direct identity maps.
   */
  mapsOf(dom: Domain): Mapping[] {
    const implicit = this.implicitMaps.get(dom) ?? [];
    return dom.type === 'paging' ? [...implicit, ...dom.maps] : [...dom.maps, ...implicit];
  }

  private index(dom: Domain): IntervalIndex<IndexedMap> {
    let idx = this.indexes.get(dom);
    if (!idx) {
      idx = new IntervalIndex(this.mapsOf(dom).map((map, order) => ({ start: map.input.start, last: map.input.last, map, order })));
      this.indexes.set(dom, idx);
    }
    return idx;
  }

  /** The map of `dom` that translates `address` (the first in priority order). */
  lookup(dom: Domain, address: bigint): Mapping | null {
    let best: IndexedMap | null = null;
    for (const it of this.index(dom).containing(address)) if (!best || it.order < best.order) best = it;
    return best?.map ?? null;
  }

  private addImplicit(dom: Domain, m: Mapping): void {
    const list = this.implicitMaps.get(dom);
    if (list) list.push(m);
    else this.implicitMaps.set(dom, [m]);
    this.indexes.delete(dom);
  }

  // ---- implicit maps ----------------------------------------------------------------------

  /**
   * Does the device allocate translated MSIs (language.md §9): an irqchip that is not `x86-*`,
   * a doorbell outside its hardware MSI regions, a driver that enables MSIs, a backend that
   * gives user domains doorbell maps?
   */
  translatesMsi(d: Device): boolean {
    const chip = d.msi?.irqchip;
    if (!chip || chip.untranslated || chip.doorbell === null || !allocatesMsi(d)) return false;
    return this.untranslatedWindow(d, chip.doorbell) === null;
  }

  /** The device's MSI address depends on the kernel version (SW_MSI slots and MSI cookies changed in v6.15). */
  msiDependsOnKernel(d: Device): boolean {
    if (!this.translatesMsi(d) || d.msi?.at != null) return false;
    const t = this.ridDomain(d).type;
    return t === 'paging' || t === 'nested';
  }

  private readonly cookies = new Map<Domain, MsiCookie | null>();

  /**
   * The dma-iommu MSI cookie of a paging domain (vfio-type1; iommufd before v6.15), or null.
   * vfio-type1 (`vfio_iommu_type1_attach_group`): made when the first group is attached (R51),
   * at that group's SW_MSI window, and not at all when that group reports a hardware MSI region
   * (R23, `vfio_iommu_has_sw_msi`); later groups join the domain without a cookie of their own.
   * iommufd before v6.15 (`iommufd_group_setup_msi`): made by the first attached group that
   * has a SW_MSI window, through any HWPT on this paging domain (a nested one included).
   */
  msiCookie(paging: Domain): MsiCookie | null {
    if (this.cookies.has(paging)) return this.cookies.get(paging)!;
    let cookie: MsiCookie | null = null;
    const backend = this.config.backend;
    if (backend === 'vfio-type1') {
      const first = paging.attaches.find((a) => a.pasid === null && a.group && a.group.ridAttach === a);
      const g = first?.group;
      if (g && !g.members.some((m) => this.hwMsiRegions(m).length > 0)) {
        const w = g.members.map((m) => this.swMsiWindow(m)).find((x) => x) ?? null;
        if (w) cookie = { window: w, group: g, slots: new Map() };
      }
    } else if (backend === 'iommufd' && !this.iommufdSwMsi()) {
      const fileOrder = new Map(this.config.files.map((f, i) => [f, i]));
      const attaches = this.config.domains
        .filter((x) => x === paging || (x.type === 'nested' && x.parent === paging))
        .flatMap((x) => x.attaches)
        .filter((a) => a.pasid === null && a.group && a.group.ridAttach === a)
        .sort((a, b) => fileOrder.get(a.loc.file)! - fileOrder.get(b.loc.file)! || a.loc.span.start - b.loc.span.start);
      for (const a of attaches) {
        const w = a.group!.members.map((m) => this.swMsiWindow(m)).find((x) => x) ?? null;
        if (w) {
          cookie = { window: w, group: a.group!, slots: new Map() };
          break;
        }
      }
    }
    this.cookies.set(paging, cookie);
    return cookie;
  }

  /**
   * SW_MSI doorbell slots. iommufd from v6.15 (`iommufd_sw_msi_get_map`): one list per iommufd
   * context keyed by (doorbell page, sw_msi_start); the page offset counts the entries with the
   * same window start, and the context holds at most 64 entries whatever their window
   * (-EOVERFLOW). Each map is installed IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO. vfio-type1 and
   * iommufd before v6.15 (`iommu_dma_get_msi_page`): the MSI cookie of the domain (see
   * `msiCookie`), pages handed out in order, mapped IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO.
   * Neither path checks the window's length: a slot past its end is mapped all the same.
   */
  private buildSwMsiSlots(): void {
    if (this.config.backend === 'dma-api') return;
    const iommufd = this.iommufdSwMsi();
    const global = new Map<string, Slot>();
    let globalCount = 0;
    const perStart = new Map<bigint, number>();
    for (const d of this.config.devices) {
      if (!this.translatesMsi(d)) continue;
      const dom = this.ridDomain(d);
      if (dom.type === 'nested' && dom.msiBinds.length > 0) continue; // msi-bind: the gIOVA is used, no SW_MSI map
      const paging = this.pagingDomainOf(dom);
      if (!paging) continue;
      const chip = d.msi!.irqchip!;
      const page = doorbellPage(chip.doorbell!, this.pageSize);
      let slot: Slot | undefined;
      if (iommufd) {
        const own = this.swMsiWindow(d);
        if (!own) continue;
        const key = `${page}@${own.start}`;
        slot = global.get(key);
        if (!slot) {
          const k = perStart.get(own.start) ?? 0;
          const addr = own.start + BigInt(k) * this.pageSize;
          const full = globalCount >= IOMMUFD_MAX_SW_MSI ? 'iommufd-64' : addr + this.pageSize - 1n > own.last ? 'window' : null;
          slot = { k, page, window: own, address: full === 'iommufd-64' ? null : addr, irqchip: chip, firstUser: d, full };
          if (full !== 'iommufd-64') {
            perStart.set(own.start, k + 1);
            globalCount++;
          }
          global.set(key, slot);
        }
      } else {
        // the cookie sits on the paging domain; a nested domain has none of its own before v6.15
        if (dom.type === 'nested') continue;
        const cookie = this.msiCookie(paging);
        if (!cookie) continue;
        slot = cookie.slots.get(page);
        if (!slot) {
          const k = cookie.slots.size;
          const addr = cookie.window.start + BigInt(k) * this.pageSize;
          const full = addr + this.pageSize - 1n > cookie.window.last ? 'window' : null;
          slot = { k, page, window: cookie.window, address: addr, irqchip: chip, firstUser: d, full };
          cookie.slots.set(page, slot);
        }
      }
      this.deviceSlots.set(d, slot);
      if (slot.address === null) continue;
      const at = slot.address;
      const have = (this.implicitMaps.get(paging) ?? []).some((m) => m.origin === 'sw-msi' && m.input.start === at && m.output === page);
      if (!have) {
        this.addImplicit(paging, {
          input: { start: at, last: at + this.pageSize - 1n },
          output: page,
          perm: { read: iommufd, write: true },
          origin: 'sw-msi',
          loc: d.msi!.loc,
          irqchip: chip,
          describe: `SW_MSI slot ${slot.k} for ${chip.name}${slot.full === 'window' ? ' (past the end of the window)' : ''}`,
        });
      }
    }
  }

  private buildMsiBindMaps(): void {
    for (const dom of this.config.domains) {
      if (dom.type !== 'nested' || !dom.parent || dom.parent.type !== 'paging') continue;
      const bind = dom.msiBinds[0];
      if (!bind) continue;
      const chip = this.firstAttachedIrqchip(dom);
      if (!chip || chip.doorbell === null) continue;
      const page = doorbellPage(chip.doorbell, this.pageSize);
      const size = bind.giova.last - bind.giova.start;
      if (bind.gpa + size > U64_MAX) continue;
      this.addImplicit(dom.parent, {
        input: { start: bind.gpa, last: bind.gpa + size },
        output: page,
        perm: { read: false, write: true },
        origin: 'msi-bind',
        loc: bind.loc,
        irqchip: chip,
        describe: `msi-bind of '${dom.name}' to ${chip.name}`,
      });
    }
  }

  /** The irqchip of the first device attached to a domain (msi-bind binds one doorbell). */
  firstAttachedIrqchip(dom: Domain): Irqchip | null {
    for (const a of dom.attaches) {
      if (a.pasid !== null || !a.group || a.group.ridAttach !== a) continue;
      for (const m of a.group.members) if (m.msi?.irqchip) return m.msi.irqchip;
    }
    return null;
  }

  private buildRmrMaps(): void {
    for (const dom of this.config.domains) {
      if (dom.type !== 'nested') continue;
      for (const r of dom.rmrs)
        this.addImplicit(dom, {
          input: r.range,
          output: r.range.start,
          perm: { read: true, write: true },
          origin: 'rmr',
          loc: r.loc,
          describe: `rmr identity map ${formatSize(r.range.last - r.range.start + 1n)}`,
        });
    }
  }

  private buildDirectMaps(): void {
    for (const dom of this.allDomains()) {
      if (dom.type !== 'dma' && dom.type !== 'dma-fq') continue;
      for (const d of this.devicesIn(dom))
        for (const r of this.regionsOf(d)) {
          if (r.type !== 'direct' && r.type !== 'direct-relaxable') continue;
          this.addImplicit(dom, {
            input: { start: r.start, last: r.last },
            output: r.start,
            perm: { read: true, write: true },
            origin: 'direct',
            loc: r.loc,
            describe: `${r.type} identity map of '${d.name}'`,
          });
        }
    }
  }

  // ---- MSI ------------------------------------------------------------------------------

  /** The address a device's MSIs are programmed with (language.md §9). */
  programmedAddress(d: Device): Programmed {
    const msi = d.msi;
    const chip = msi?.irqchip;
    if (!msi || !chip || chip.doorbell === null) return { kind: 'none', how: 'no MSI' };
    if (!allocatesMsi(d)) return { kind: 'none', how: `driver ${d.driver} allocates no MSIs` };
    if (msi.at !== null) return { kind: 'address', address: msi.at, how: `set with 'msi ${chip.name} at ${hex(msi.at)}'` };
    const db = chip.doorbell;
    if (chip.untranslated) return { kind: 'address', address: db, how: `${chip.name} is an x86 interrupt-remapping target: the doorbell is never translated` };
    const hw = this.untranslatedWindow(d, db);
    if (hw) return { kind: 'address', address: db, how: `the doorbell lies in the hardware MSI region ${hex(hw.start)}..${hex(hw.last)}: physical address` };
    const dom = this.ridDomain(d);
    const offset = db - doorbellPage(db, this.pageSize);
    switch (dom.type) {
      case 'identity':
        return { kind: 'address', address: db, how: 'identity domain: the physical doorbell' };
      case 'dma':
      case 'dma-fq':
        return { kind: 'kernel', how: `${dom.type} domain: the kernel maps the doorbell at an IOVA it allocates` };
      case 'nested': {
        const bind = dom.msiBinds[0];
        if (bind) return { kind: 'address', address: bind.giova.start + offset, how: `msi-bind gIOVA ${hex(bind.giova.start)} + doorbell offset ${hex(offset)}` };
        if (this.config.backend === 'iommufd' && !this.iommufdSwMsi())
          return { kind: 'address', address: db, how: `${this.kernelText()}: nested domain '${dom.name}' has no MSI cookie (iommufd puts it on the parent, and iommufd_sw_msi arrived in v6.15), so the address stays the physical doorbell` };
        return this.slotAddress(d, dom, db, offset);
      }
      case 'paging':
        return this.slotAddress(d, dom, db, offset);
      default:
        return { kind: 'address', address: db, how: 'no doorbell mapping is made: the physical doorbell' };
    }
  }

  private slotAddress(d: Device, dom: Domain, db: bigint, offset: bigint): Programmed {
    const slot = this.deviceSlots.get(d);
    if (slot) {
      if (slot.address === null) return { kind: 'exhausted', window: slot.window, how: `no SW_MSI slot left for doorbell page ${hex(slot.page)}` };
      const past = slot.full === 'window' ? `, past the end of the window ${hex(slot.window.start)}..${hex(slot.window.last)}` : '';
      return { kind: 'address', address: slot.address + offset, how: `SW_MSI slot ${slot.k} at ${hex(slot.address)}${past} + doorbell offset ${hex(offset)}` };
    }
    const backend = this.config.backend;
    if (backend === 'iommufd' && this.iommufdSwMsi()) return { kind: 'address', address: db, how: 'no SW_MSI window (iommufd_sw_msi leaves the address alone): the physical doorbell' };
    // cookie mode: vfio-type1, dma-api, iommufd before v6.15
    const paging = this.pagingDomainOf(dom) ?? dom;
    let why: string;
    if (backend === 'dma-api') why = `under the dma-api backend paging domain '${paging.name}' belongs to a kernel driver and has no MSI cookie`;
    else if (backend === 'vfio-type1') {
      const first = paging.attaches.find((a) => a.pasid === null && a.group && a.group.ridAttach === a)?.group;
      const hwMsi = first?.members.some((m) => this.hwMsiRegions(m).length > 0);
      why = `domain '${paging.name}' has no MSI cookie (${first ? `its first attached group '${first.name}' ${hwMsi ? 'reports a hardware MSI region (R23)' : 'has no SW_MSI window'}` : 'no group attached'})`;
    } else why = `domain '${paging.name}' has no MSI cookie (no attached group has a SW_MSI window)`;
    if (since(this.config.kernel, GATES.swMsi)) return { kind: 'unsupported', domain: paging, how: `${why}: from v6.15 iommu_dma_prepare_msi refuses translated MSIs there (-EOPNOTSUPP), so MSI allocation fails (${this.kernelText()})` };
    return { kind: 'address', address: db, how: `${why}: before v6.15 the address stays the physical doorbell (${this.kernelText()})` };
  }

  // ---- resolve ----------------------------------------------------------------------------

  resolve(d: Device, pasid: bigint | null, address: bigint, access: Access | null): Resolution {
    const hops: Hop[] = [];
    const res = (domain: Domain | null, end: End): Resolution => ({ device: d, pasid, address, access, domain, hops, end });
    // 1. hardware MSI window: delivered as an interrupt, untranslated
    const win = this.untranslatedWindow(d, address);
    if (win) {
      hops.push({ stage: 'msi-window', domain: null, input: address, output: address, via: 'window', text: `hardware MSI window ${hex(win.start)}..${hex(win.last)}: delivered as an interrupt, not translated` });
      const chip = this.doorbellAt(address) ?? (d.msi?.irqchip?.untranslated ? d.msi.irqchip : this.config.irqchips.find((c) => c.untranslated) ?? null);
      return res(null, { kind: 'address', pa: address, irqchip: chip, interrupt: true });
    }
    // 2. the domain
    let dom: Domain;
    if (pasid !== null) {
      const a = d.group.pasidAttaches.get(pasid.toString());
      if (!a) return res(null, { kind: 'fault', cause: 'no-pasid-domain', stage: 'domain', domain: null, at: address, reason: `no domain is attached to PASID ${pasid} of '${d.name}'` });
      dom = a.domain;
    } else dom = this.ridDomain(d);
    // 3. by type
    const fault = (cause: FaultCause, stage: 'single' | 'stage-1' | 'stage-2', at: bigint, reason: string, map?: Mapping, on: Domain = dom): Resolution =>
      res(dom, { kind: 'fault', cause, stage, domain: on, at, reason, ...(map ? { map } : {}) });
    const label = (x: Domain) => `${domainLabel(x)} (${x.type ?? '?'})`;
    switch (dom.type) {
      case null:
        return fault('unmapped', 'single', address, `domain ${label(dom)} has no valid type`);
      case 'blocked':
        return fault('blocked', 'single', address, `domain ${label(dom)} is blocked: all DMA is refused`);
      case 'identity':
        hops.push({ stage: 'single', domain: dom, input: address, output: address, via: 'identity', text: `${label(dom)}: identity, PA = IOVA` });
        return res(dom, this.end(address));
      case 'dma':
      case 'dma-fq':
      case 'paging': {
        const r = this.stage(dom, address, access, dom.type === 'paging' ? 'single' : 'single', hops);
        if ('fault' in r) return fault(r.fault, 'single', address, r.reason, r.map);
        return res(dom, this.end(r.out));
      }
      case 'nested': {
        let ipa: bigint;
        if (dom.stage1 === 'abort') return fault('stage1-abort', 'stage-1', address, `${label(dom)}: the guest's stage 1 is set to abort`);
        if (dom.stage1 === 'bypass') {
          ipa = address;
          hops.push({ stage: 'stage-1', domain: dom, input: address, output: address, via: 'bypass', text: `${label(dom)} stage 1: bypass, IPA = gIOVA` });
        } else {
          const m = this.lookup(dom, address);
          if (!m) return fault('stage1-unmapped', 'stage-1', address, `stage-1 fault: the guest's stage 1 of '${dom.name}' maps nothing at ${hex(address)}${dom.rmrs.length === 0 ? ' (no rmr identity map)' : ''}`);
          const perm = this.permFault(m, access);
          if (perm) return fault(perm, 'stage-1', address, `stage-1 fault: ${describeMapping(m)} does not allow ${access}`, m);
          ipa = m.output + (address - m.input.start);
          hops.push({ stage: 'stage-1', domain: dom, input: address, output: ipa, via: m, text: `${label(dom)} stage 1: ${describeMapping(m)}` });
        }
        const parent = dom.parent;
        if (!parent || parent.type !== 'paging') return fault('stage2-unmapped', 'stage-2', ipa, `stage-2 fault: '${dom.name}' has no usable paging parent`);
        const r = this.stage(parent, ipa, access, 'stage-2', hops);
        if ('fault' in r) return fault(r.fault, 'stage-2', ipa, r.reason, r.map, parent);
        return res(dom, this.end(r.out));
      }
    }
  }

  /** Translate through one paging/DMA table. */
  private stage(dom: Domain, input: bigint, access: Access | null, stage: 'single' | 'stage-2', hops: Hop[]): { out: bigint } | { fault: FaultCause; reason: string; map?: Mapping } {
    const what = stage === 'stage-2' ? 'stage-2 fault' : 'fault';
    const label = `${domainLabel(dom)} (${dom.type})`;
    if (dom.type === 'paging' && dom.iommu && dom.iommu.ias < 64 && input >= 1n << BigInt(dom.iommu.ias)) {
      return { fault: 'aperture', reason: `${what}: ${hex(input)} is outside the ${dom.iommu.ias}-bit aperture of ${label}` };
    }
    const m = this.lookup(dom, input);
    if (!m) return { fault: stage === 'stage-2' ? 'stage2-unmapped' : 'unmapped', reason: `${what}: ${label} maps nothing at ${hex(input)}` };
    const perm = this.permFault(m, access);
    if (perm) return { fault: perm, reason: `${what}: ${describeMapping(m)} in ${label} does not allow ${access}`, map: m };
    const out = m.output + (input - m.input.start);
    hops.push({ stage, domain: dom, input, output: out, via: m, text: `${label}${stage === 'stage-2' ? ' stage 2' : ''}: ${describeMapping(m)}` });
    return { out };
  }

  private permFault(m: Mapping, access: Access | null): FaultCause | null {
    if (access === 'write' && !m.perm.write) return 'read-only';
    if (access === 'read' && !m.perm.read) return 'write-only';
    return null;
  }

  private end(pa: bigint): End {
    return { kind: 'address', pa, irqchip: this.doorbellAt(pa), interrupt: false };
  }

  /** Does the resolution end on the doorbell page of `chip`? */
  reachesDoorbell(r: Resolution, chip: Irqchip): boolean {
    if (chip.untranslated) return true;
    return r.end.kind === 'address' && r.end.irqchip === chip;
  }
}

/** One line per hop and the end, as `iommu-check translate` and hover print them. */
export function formatResolution(r: Resolution): string[] {
  const lines: string[] = [];
  const head = `${r.device.name}${r.pasid !== null ? ` pasid ${r.pasid}` : ''}${r.access ? ` ${r.access}` : ''} ${hex(r.address)}`;
  lines.push(head);
  for (const h of r.hops) lines.push(`  ${hex(h.input)} → ${hex(h.output)}  ${h.text}`);
  if (r.end.kind === 'address') {
    const what = r.end.irqchip ? `doorbell of ${r.end.irqchip.name}${r.end.interrupt ? ' (interrupt)' : ''}` : r.end.interrupt ? 'interrupt' : 'memory';
    lines.push(`  = PA ${hex(r.end.pa)}: ${what}`);
  } else lines.push(`  ✗ ${r.end.reason}`);
  return lines;
}
