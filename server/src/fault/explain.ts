// A fault of the kernel log explained through the model: which device asked, which domain and
// stage its address went through (`resolve()`), and what that means in the user's terms — DMA
// outside every map, an MSI write to an unmapped doorbell, a write through a read-only map, an
// address inside a firmware reserved region, beyond the input width, a fault in the guest's
// stage 1 or the host's stage 2, a device the configuration does not know. Repeated faults
// (same device, same page, same cause) are grouped with their count.

import type { Analysis } from '../engine';
import { containsPoint, hex } from '../model/intervals';
import { domainLabel } from '../model/labels';
import { describeMapping, type Resolution } from '../model/translation';
import type { Device, Domain, Loc, Mapping, Region, Related } from '../model/types';
import { doorbellPage } from '../model/defaults';
import type { FaultEvent } from './event';
import { DRIVER_NAMES, parseHex } from './event';
import { RequesterIndex, type RequesterMatch } from './requester';

export const CAUSES = [
  'unknown-device',
  'outside-maps',
  'msi-doorbell',
  'read-only',
  'write-only',
  'reserved-region',
  'aperture',
  'guest-stage1',
  'host-stage2',
  'blocked',
  'not-attached',
  'interrupt-remapping',
  'iommu-error',
  'config-translates',
  'unexplained',
] as const;
export type CauseCode = (typeof CAUSES)[number];

/** One line per cause, for `--help` and the docs. */
export const CAUSE_TITLES: Readonly<Record<CauseCode, string>> = {
  'unknown-device': 'the requester is no device of the configuration',
  'outside-maps': 'DMA to an address outside every map of the domain (the driver\'s bug, or a missing map)',
  'msi-doorbell': 'an MSI write to a doorbell address the domain does not map (a missing SW_MSI slot, msi-bind or rmr)',
  'read-only': 'a write through a read-only map',
  'write-only': 'a read through a write-only map',
  'reserved-region': 'DMA into a reserved region (RMRR, IVMD, IORT RMR): firmware-owned memory the domain does not map',
  aperture: 'an address beyond the IOMMU\'s input width (the domain\'s aperture)',
  'guest-stage1': 'a fault in the guest\'s stage 1 of a nested domain',
  'host-stage2': 'a fault in the host\'s stage 2 (the nest parent maps nothing at the IPA)',
  blocked: 'the device (or the PASID) is in a blocked domain, or has no domain',
  'not-attached': 'the IOMMU found no valid context / stream-table / device-table entry for the device',
  'interrupt-remapping': 'an interrupt-remapping fault',
  'iommu-error': 'an error of the IOMMU itself (table walk, command queue, invalidation)',
  'config-translates': 'the configuration translates the access: the running system differs from it',
  unexplained: 'the fault does not map onto the configuration',
};

export interface FaultExplanation {
  event: FaultEvent;
  requester: RequesterMatch;
  device: Device | null;
  /** The domain the access went through (the PASID's, else the RID domain). */
  domain: Domain | null;
  resolution: Resolution | null;
  cause: CauseCode;
  /** Where the model stopped: a single-stage domain, the guest's stage 1, the host's stage 2. */
  stage: 'single' | 'stage-1' | 'stage-2' | null;
  /** What happened, in the user's terms (sentences, no trailing newline). */
  message: string;
  /** The configuration's map, region, domain and device the explanation rests on, most relevant first. */
  related: Related[];
}

const PAGE = 0xfffn;

/** What events that are no translation fault mean (AMD-Vi event types, SMMUv3 event names). */
const OTHER_EVENTS: Readonly<Record<string, string>> = {
  INVALID_DEVICE_REQUEST: 'The device sent a request its device-table entry does not allow: an ATS translation request while ATS is off for it, or a PASID-tagged or privileged request its domain does not enable. Check the device\'s ATS/PASID setup against the domain it is attached to.',
  INVALID_PPR_REQUEST: 'The device sent a page request (PRI) the IOMMU cannot take: page requests are not enabled for it (no SVA / IOPF domain attached).',
  RMP_PAGE_FAULT: 'An SEV-SNP reverse-map check failed: the device accessed memory that belongs to another guest or to the host. No IOMMU configuration explains it; the memory\'s RMP ownership does.',
  F_BAD_ATS_TREQ: 'The device sent an ATS translation request the stream does not allow (ATS is off for it, or the request is malformed).',
  F_TRANSL_FORBIDDEN: 'The device sent an ATS-translated transaction while its stream-table entry does not allow translated traffic.',
  F_UUT: 'The SMMU received a transaction of a type it does not support.',
  E_PAGE_REQUEST: 'A stall-mode page request reached the event queue: a stalled transaction that nothing resolved.',
};

function label(dom: Domain): string {
  return `${domainLabel(dom)} (${dom.type ?? '?'})`;
}

function rangeText(r: { start: bigint; last: bigint }): string {
  return `${hex(r.start)}..${hex(r.last)}`;
}

/** Explains the faults of one configuration; holds the indexes, reuse it for every log line. */
export class FaultExplainer {
  private readonly index: RequesterIndex;
  private readonly cache = new Map<string, FaultExplanation>();

  constructor(private readonly analysis: Analysis) {
    this.index = new RequesterIndex(analysis.config);
  }

  explain(ev: FaultEvent): FaultExplanation {
    const key = eventKey(ev);
    const hit = this.cache.get(key);
    if (hit) return { ...hit, event: ev };
    const x = this.withCheckerFindings(this.compute(ev));
    this.cache.set(key, x);
    return x;
  }

  private declKeys: Set<string> | null = null;

  /**
   * The checker's own errors and warnings on the maps, regions and MSIs the explanation rests
   * on (not on whole declarations): the static diagnosis of the same fault, as related places.
   */
  private withCheckerFindings(x: FaultExplanation): FaultExplanation {
    const key = (l: Loc) => `${l.file.path}:${l.span.start}:${l.span.end}`;
    if (!this.declKeys) {
      this.declKeys = new Set();
      for (const sym of this.analysis.config.symbols.values()) this.declKeys.add(key(sym.declLoc));
      for (const g of this.analysis.config.groups) {
        this.declKeys.add(key(g.defaultDomain.declLoc));
        this.declKeys.add(key(g.blockedDomain.declLoc));
      }
    }
    const precise = x.related.filter((r) => !this.declKeys!.has(key(r.loc)));
    if (precise.length === 0) return x;
    const found: Related[] = [];
    for (const d of this.analysis.diagnostics) {
      if (d.severity === 'information' || found.length >= 3) continue;
      if (precise.some((r) => r.loc.file === d.loc.file && d.loc.span.start < r.loc.span.end && r.loc.span.start < d.loc.span.end))
        found.push({ loc: d.loc, message: `the checker reports this too: ${d.severity} ${d.code}` });
    }
    return found.length ? { ...x, related: [...x.related, ...found] } : x;
  }

  private compute(ev: FaultEvent): FaultExplanation {
    const match = this.index.find(ev.requester, ev.driver);
    const dev = match.device;
    const base = { event: ev, requester: match, device: dev, domain: null, resolution: null, stage: null } as const;
    const access = ev.access ?? 'access';
    if (!dev) {
      const unassigned = ev.requester?.kind === 'stream' && ev.detail['client'] === '(unassigned sid)';
      return {
        ...base,
        cause: 'unknown-device',
        message:
          `${match.text} is no device of the configuration: ${match.how}.` +
          (unassigned ? ' The kernel itself has no device for this StreamID ("unassigned sid"): something DMAs with a StreamID no firmware description (IORT, devicetree iommus / iommu-map) gives a device.' : '') +
          ` Declare the device (with its \`pci\` address and \`iommu\`) to have its faults explained, or check that the log comes from the machine this configuration describes.`,
        related: [],
      };
    }
    const tx = this.analysis.tx;
    const pasid = ev.pasid !== null ? BigInt(ev.pasid) : null;
    const domain = pasid !== null ? (dev.group.pasidAttaches.get(pasid.toString())?.domain ?? null) : tx.ridDomain(dev);
    const devRel: Related = { loc: dev.declLoc, message: `device '${dev.name}'` };
    const domRel: Related[] = domain ? [{ loc: domain.declLoc, message: `${domain.implicit ? '' : 'domain '}${label(domain)}` }] : [];
    const who = ev.requester ? `'${dev.name}' (${match.text})` : `'${dev.name}'`;

    if (ev.kind === 'interrupt') {
      const chip = dev.msi?.irqchip;
      return {
        ...base,
        domain,
        cause: 'interrupt-remapping',
        message: `${who} sent an interrupt${ev.address !== null ? ` (a write to ${hex(ev.address)})` : ''} that interrupt remapping refused: ${ev.reason}. This is no DMA fault: the device's MSI (or its interrupt-remapping table entry) is not set up as the IOMMU expects${chip ? ` (its MSIs go to ${chip.name}, ${chip.model ?? 'irqchip'})` : ''}; a device that raises MSIs after its driver freed them, or one that was reset while its vectors were live, does this.`,
        related: [devRel, ...(dev.msi ? [{ loc: dev.msi.loc, message: `the MSI of '${dev.name}'` }] : [])],
      };
    }
    if (ev.kind === 'hardware') {
      return { ...base, domain, cause: 'iommu-error', message: `${ev.name} on ${who}: ${ev.reason}. An error of the IOMMU itself (its tables, command queue or invalidation), not of the device's address: the configuration cannot explain it; look for firmware or hardware errata.`, related: [devRel] };
    }
    if (ev.kind === 'context') {
      if (pasid !== null && !domain)
        return { ...base, cause: 'blocked', message: `${who} used PASID ${pasid}, and the configuration attaches no domain to that PASID: the IOMMU has no table for it (${ev.name}). Attach a domain with \`attach ${dev.name} pasid ${pasid}\`, or find why the device uses that PASID.`, related: [devRel] };
      const rid = tx.ridDomain(dev);
      const consistent = rid.type === 'blocked';
      return {
        ...base,
        domain: rid,
        cause: 'not-attached',
        message:
          `${ev.name}: the IOMMU found no valid entry for ${who} (${ev.reason}). ` +
          (consistent
            ? `That agrees with the configuration: '${dev.name}' is in ${label(rid)}, so its DMA is refused until a domain is attached to it.`
            : `The configuration puts it in ${label(rid)}, so at the time of the fault the device was not (or no longer) attached: it did DMA while its driver was unbound, during a reset, before VFIO/iommufd attached it, or the firmware describes it with another requester ID.`),
        related: [devRel, { loc: rid.declLoc, message: `${rid.implicit ? '' : 'domain '}${label(rid)}` }],
      };
    }
    if (ev.address === null || ev.access === null || ev.kind === 'other') {
      // not a translation of the device's access: a malformed request or entry; say what the model has there all the same
      let model = '';
      if (ev.address !== null) {
        const r = tx.resolve(dev, pasid, ev.address, ev.access);
        model = r.end.kind === 'address' ? ` (The configuration translates ${hex(ev.address)} to PA ${hex(r.end.pa)}.)` : ` (The configuration faults there too: ${r.end.reason}.)`;
      }
      return {
        ...base,
        domain,
        cause: 'unexplained',
        message: `${ev.name} on ${who}${ev.address !== null ? ` at ${hex(ev.address)}` : ''}: ${ev.reason}. ${OTHER_EVENTS[ev.name] ?? (ev.address === null ? 'The event carries no address to resolve.' : 'The hardware reports a malformed request or page-table entry, not a missing or forbidden translation: the configuration cannot explain it.')}${model}`,
        related: [devRel, ...domRel],
      };
    }
    const address = ev.address;
    const acc = ev.access;
    const r = tx.resolve(dev, pasid, address, acc);
    const at = `${who} ${access} at ${hex(address)}`;
    // Only a write into the interrupt window is an interrupt: the IOMMU refuses a read of it (resolve() does not look at the access there)
    const window = acc === 'read' && pasid === null ? tx.untranslatedWindow(dev, address) : null;
    if (window && r.end.kind === 'address' && r.end.interrupt) {
      return {
        ...base,
        domain: tx.ridDomain(dev),
        resolution: r,
        stage: 'single',
        cause: 'reserved-region',
        message: `${at}: the address is in the hardware MSI window ${rangeText(window)}, where only writes are interrupt requests: a DMA read of it is refused whatever the domain maps. The driver used an MSI doorbell address as a buffer address, or its DMA addresses run into the interrupt range (an IOVA allocator or a guest that does not reserve it).`,
        related: [{ loc: window.loc, message: `hardware MSI window ${rangeText(window)}` }, devRel, ...domRel],
      };
    }
    const stageNote = stageAgreement(ev, r);
    const io = dev.iommu;
    const ias = r.domain?.iommu?.ias ?? io?.ias ?? 64;
    if (ias < 64 && address >= 1n << BigInt(ias) && (r.end.kind !== 'fault' || r.end.cause === 'aperture' || r.end.cause === 'unmapped' || ev.kind === 'address-size')) {
      return {
        ...base,
        domain: r.domain,
        resolution: r,
        stage: 'single',
        cause: 'aperture',
        message: `${at}: the address is beyond the ${ias}-bit input range of ${io ? `'${io.name}'` : 'the IOMMU'}${r.domain ? ` (domain ${label(r.domain)})` : ''}, so no map can ever cover it. The device or its driver uses addresses wider than the IOMMU translates (a DMA mask wider than the domain's address width, a guest given a wider IOMMU than the host has); narrow the DMA mask or the IOVA allocation, or give the IOMMU its real width in the configuration.${stageNote}`,
        related: [devRel, ...(io ? [{ loc: io.declLoc, message: `IOMMU '${io.name}' (ias ${io.ias})` }] : []), ...domRel],
      };
    }
    if (r.end.kind === 'address') {
      const chain = r.hops.map((h) => h.text).join('; ');
      const mapHop = r.hops.find((h) => typeof h.via === 'object');
      const mapRel = mapHop && typeof mapHop.via === 'object' ? [{ loc: mapHop.via.loc, message: describeMapping(mapHop.via) }] : [];
      return {
        ...base,
        domain: r.domain,
        resolution: r,
        cause: 'config-translates',
        message: `${at}: the configuration translates this ${acc ?? 'access'} (${chain || 'no translation'} → PA ${hex(r.end.pa)}${r.end.irqchip ? `, doorbell of ${r.end.irqchip.name}` : ''}), yet the hardware reported ${ev.kind === 'permission' ? 'a permission fault' : ev.kind === 'address-size' ? 'an address-size fault' : 'a fault'} (${ev.reason}). ${
          r.domain?.type === 'identity'
            ? `An identity (passthrough) domain translates every address, so on the machine '${dev.name}' was not in it: its group had another default domain (check the kernel command line — iommu=pt, iommu.passthrough — and the group's type file), or a driver attached it to a domain of its own.`
            : 'The running system does not match the configuration: the map was not made yet or was already removed, the device was in another domain at the time, or the permissions differ.'
        }`,
        related: [...mapRel, ...domRel, devRel],
      };
    }
    const end = r.end;
    const faultDomain = end.domain ?? r.domain;
    const faultRel: Related[] = faultDomain ? [{ loc: faultDomain.declLoc, message: `${faultDomain.implicit ? '' : 'domain '}${label(faultDomain)}` }] : domRel;
    const region = firmwareRegion(tx.regionsOf(dev), address, end.at);
    const msi = this.msiContext(dev, address, end.at);
    const common = { ...base, domain: r.domain, resolution: r, stage: end.stage === 'domain' ? null : end.stage } as const;
    switch (end.cause) {
      case 'read-only':
      case 'write-only': {
        const m = end.map!;
        return {
          ...common,
          cause: end.cause,
          message: `${at}: ${describeMapping(m)} in ${faultDomain ? label(faultDomain) : 'the domain'}${end.stage === 'stage-1' ? ' (the guest\'s stage 1)' : end.stage === 'stage-2' ? ' (stage 2)' : ''} does not allow ${acc}. The device ${end.cause === 'read-only' ? 'writes into memory mapped read-only (a receive buffer mapped DMA_TO_DEVICE, or a map made without write permission)' : 'reads memory mapped write-only'}: ${m.origin === 'map' ? `make the map \`${end.cause === 'read-only' ? 'rw' : 'rw'}\` if the device must ${acc}, or find why it ${acc}s there` : `the ${m.origin} map is made by the kernel with these permissions`}.${stageNote}`,
          related: [{ loc: m.loc, message: describeMapping(m) }, ...faultRel, devRel],
        };
      }
      case 'aperture':
        return { ...common, cause: 'aperture', message: `${at}: ${end.reason}.${stageNote}`, related: [devRel, ...faultRel] };
      case 'blocked':
      case 'no-pasid-domain':
        return {
          ...common,
          cause: 'blocked',
          message: `${at}: ${end.reason}. ${end.cause === 'blocked' ? `The IOMMU refuses all DMA of '${dev.name}' there${tx.ridBlocked(dev.group) ? ' (under iommufd a group bound and attached only by PASID keeps its RID blocked)' : ''}: attach a domain to its RID (or its group) if it must do DMA.` : `Attach a domain to that PASID, or find why the device uses it.`}`,
          related: [devRel, ...faultRel],
        };
      case 'stage1-abort':
      case 'stage1-unmapped':
        if (msi)
          return { ...common, cause: 'msi-doorbell', message: `${at}: an MSI write (${msi.what}) that the guest's stage 1 of ${faultDomain ? label(faultDomain) : 'the nested domain'} does not map. ${guestMsiAdvice(faultDomain, msi.window ?? tx.swMsiWindow(dev))}${stageNote}`, related: [...msi.related, ...faultRel, devRel] };
        return {
          ...common,
          cause: 'guest-stage1',
          message: `${at}: a fault in the guest's stage 1 — ${end.reason}. The guest's own IOMMU driver (its page table, not the host's) maps nothing there: a guest driver bug or a guest mapping not yet made. Under iommufd such faults go to the VMM's vIOMMU; seeing them in the host log means they were not forwarded (no vIOMMU for the device).${stageNote}`,
          related: [...faultRel, devRel],
        };
      case 'stage2-unmapped':
      case 'unmapped': {
        if (msi)
          return { ...common, cause: 'msi-doorbell', message: `${at}: an MSI write (${msi.what}) that ${faultDomain ? label(faultDomain) : 'the domain'} does not map. ${msi.fix}${stageNote}`, related: [...msi.related, ...faultRel, devRel] };
        if (region) {
          const fw = region.type === 'direct' || region.type === 'direct-relaxable';
          return {
            ...common,
            cause: 'reserved-region',
            message: `${at}: the address is inside the ${region.type} region ${rangeText(region)} of '${dev.name}'${region.fromIommu ? ` (from IOMMU '${region.fromIommu.name}')` : ''}, which ${faultDomain ? label(faultDomain) : 'the domain'} does not map. ${fw ? `This is firmware-owned memory (an RMRR, IVMD or IORT RMR) that the device's firmware-initiated DMA uses (USB legacy emulation, a display scan-out, a BMC): only the kernel's DMA and identity domains identity-map it, a user-owned domain never does. Keep the device in its DMA domain, or stop the firmware's DMA before assigning it.` : `Nothing may be mapped in a reserved region, so DMA there always faults: if the firmware does DMA into it, its RMRR / IVMD / RMR is missing or has the wrong type (firmware); otherwise the driver used a bad address.`}${stageNote}`,
            related: [{ loc: region.loc, message: `${region.type} region ${rangeText(region)}` }, ...faultRel, devRel],
          };
        }
        const near = nearestMaps(faultDomain ? tx.mapsOf(faultDomain) : [], end.at);
        const nearRel = near.map((m) => ({ loc: m.loc, message: `nearest map: ${describeMapping(m)}` }));
        if (end.cause === 'stage2-unmapped') {
          const s1 = r.hops.find((h) => h.stage === 'stage-1' && typeof h.via === 'object');
          const s1Rel = s1 && typeof s1.via === 'object' ? [{ loc: s1.via.loc, message: `the guest's stage-1 map: ${describeMapping(s1.via)}` }] : [];
          return {
            ...common,
            cause: 'host-stage2',
            message: `${at}: a fault in the host's stage 2 — ${end.reason}${end.at !== address ? ` (IPA ${hex(end.at)} after the guest's stage 1)` : ''}. The guest's stage 1 translated, but the nest parent maps nothing at that IPA: the VMM did not map this guest-physical range (guest RAM, a BAR, an MSI page) into stage 2.${stageNote}`,
            related: [...s1Rel, ...faultRel, ...nearRel, devRel],
          };
        }
        const dma = faultDomain && (faultDomain.type === 'dma' || faultDomain.type === 'dma-fq');
        const vtdNote = ev.driver === 'vtd' && (ev.detail['reasonCode'] === 5 || ev.detail['reasonCode'] === 6) ? ` (VT-d reports a page that is not mapped at all as "PTE ${acc === 'write' ? 'Write' : 'Read'} access is not set".)` : '';
        return {
          ...common,
          cause: 'outside-maps',
          message: dma
            ? `${at}: outside every map of ${label(faultDomain!)}. The kernel's DMA API maps buffers on demand, so this is DMA to an address the driver had not mapped or had already unmapped (a driver bug: use after dma_unmap, a stale descriptor), or firmware-initiated DMA (USB legacy, a display scan-out, a BMC) whose memory the firmware does not reserve with an RMRR / IVMD / RMR.${vtdNote}${stageNote}`
            : `${at}: outside every map of ${faultDomain ? label(faultDomain) : 'the domain'}. The domain's owner (the VMM, a user-space driver, the kernel driver that made the domain) never mapped this IOVA or already unmapped it: a driver bug (a stale or wrong DMA address), or a map missing from the configuration${near.length ? ` (nearest: ${near.map((m) => rangeText(m.input)).join(', ')})` : ''}.${vtdNote}${stageNote}`,
          related: [...faultRel, ...nearRel, devRel],
        };
      }
      default:
        return { ...common, cause: 'unexplained', message: `${at}: ${end.reason}.${stageNote}`, related: [devRel, ...faultRel] };
    }
  }

  /** Is the faulting address an MSI write (its doorbell page, its SW_MSI window, an irqchip's doorbell)? */
  private msiContext(dev: Device, address: bigint, at: bigint): { what: string; fix: string; related: Related[]; window: Region | null } | null {
    const tx = this.analysis.tx;
    const chip = dev.msi?.irqchip ?? null;
    const page = tx.pageSize;
    const related: Related[] = dev.msi ? [{ loc: dev.msi.loc, message: `the MSI of '${dev.name}'` }] : [];
    const programmed = dev.msi ? tx.programmedAddress(dev) : null;
    const window = tx.swMsiWindow(dev);
    const doorbellChip = tx.doorbellAt(address) ?? tx.doorbellAt(at);
    if (programmed && programmed.kind === 'address' && doorbellPage(programmed.address, page) === doorbellPage(address, page)) {
      const inWindow = window && containsPoint(window, address);
      if (window) related.push({ loc: window.loc, message: `SW_MSI window ${rangeText(window)}` });
      return {
        window: inWindow ? window : null,
        what: `'${dev.name}' is programmed with MSI address ${hex(programmed.address)}: ${programmed.how}`,
        fix: inWindow
          ? `The doorbell slot at ${hex(doorbellPage(address, page))} is missing in the domain that should hold it: ${slotAdvice(dev, this.analysis)}`
          : `No doorbell mapping exists at that address: map ${chip ? `${chip.name}'s doorbell page` : 'the doorbell page'} there (\`map ${hex(doorbellPage(address, page))} size ${page === 4096n ? '4K' : hex(page)} -> ${chip?.name ?? 'IRQCHIP'}\`) or give the device a domain whose MSI cookie maps it.`,
        related,
      };
    }
    if (window && containsPoint(window, address)) {
      related.push({ loc: window.loc, message: `SW_MSI window ${rangeText(window)}` });
      const k = (address - window.start) / page;
      return {
        window,
        what: `into the SW_MSI window ${rangeText(window)}, slot ${k}`,
        fix: `The doorbell slot ${k} is not mapped: ${slotAdvice(dev, this.analysis)}`,
        related,
      };
    }
    if (doorbellChip) {
      return {
        window: null,
        what: `to the physical doorbell page of ${doorbellChip.name}, used as an IOVA`,
        fix: `The device writes its MSI to the doorbell's physical address, which means nothing translated its MSI address (no MSI cookie, or an MSI programmed by hand); map ${doorbellChip.name}'s doorbell page at that IOVA, or give the domain a SW_MSI window.`,
        related,
      };
    }
    return null;
  }
}

/** What the guest's stage 1 lacks for the MSI write to pass. */
function guestMsiAdvice(dom: Domain | null, window: Region | null): string {
  const name = dom ? `'${dom.name}'` : 'the nested domain';
  if (dom && dom.rmrs.length > 0) return `Its rmr ${dom.rmrs.map((r) => rangeText(r.range)).join(', ')} does not cover the address: the guest's RMR must equal the host SW_MSI window${window ? ` ${rangeText(window)}` : ''}.`;
  if (!window) return `Give ${name} an \`msi-bind\` for the doorbell (the guest's MSI IOVA → the doorbell's guest-physical page).`;
  return `The guest's stage 1 needs an identity map of the host SW_MSI window: add \`rmr ${rangeText(window)}\` (the vIORT RMR) to ${name}, or an \`msi-bind\`.`;
}

/** What to add so that the device's MSI doorbell slot exists. */
function slotAdvice(dev: Device, analysis: Analysis): string {
  const tx = analysis.tx;
  const slot = tx.deviceSlots.get(dev);
  const programmed = tx.programmedAddress(dev);
  if (!slot) return `the configuration gives '${dev.name}' no SW_MSI slot (${programmed.how}).`;
  if (slot.address === null) return `the doorbell got no slot: the iommufd context already holds 64 SW_MSI maps (-EOVERFLOW).`;
  return `the configuration maps slot ${slot.k} for ${slot.irqchip.name} at ${hex(slot.address)} (${programmed.how}); the device wrote another address, so its MSI was programmed for a different slot or window.`;
}

/** A firmware region (not an MSI window) holding the address. */
function firmwareRegion(regions: readonly Region[], address: bigint, at: bigint): Region | null {
  return regions.find((r) => r.type !== 'msi' && r.type !== 'sw-msi' && (containsPoint(r, address) || containsPoint(r, at))) ?? null;
}

/** The explicit maps just below and just above an address (for "nearest"). */
function nearestMaps(maps: readonly Mapping[], at: bigint): Mapping[] {
  let below: Mapping | null = null;
  let above: Mapping | null = null;
  for (const m of maps) {
    if (m.origin !== 'map') continue;
    if (m.input.last < at && (!below || m.input.last > below.input.last)) below = m;
    if (m.input.start > at && (!above || m.input.start < above.input.start)) above = m;
  }
  return [below, above].filter((m): m is Mapping => m !== null);
}

/** A note when the hardware's stage and the model's disagree (Arm prints s1/s2). */
function stageAgreement(ev: FaultEvent, r: Resolution): string {
  if (!ev.stage && ev.driver === 'vtd' && r.domain?.type === 'nested' && (ev.detail['level'] === 'first' || ev.detail['level'] === 'second'))
    ev = { ...ev, stage: ev.detail['level'] === 'first' ? 'stage-1' : 'stage-2' };
  if (!ev.stage || r.end.kind !== 'fault') return '';
  const model = r.end.stage;
  if (model !== 'stage-1' && model !== 'stage-2') {
    if (ev.stage === 'stage-2' && r.domain?.type !== 'nested' && !(r.domain?.type === 'paging' && r.domain.nestParent))
      return ` (The hardware reports a stage-2 fault, but the configuration translates '${r.device.name}' in one stage through ${r.domain ? label(r.domain) : 'its domain'}: on the machine the domain is a stage-2 (nest parent or S2-only) table.)`;
    return '';
  }
  if (model === ev.stage) {
    if (model === 'stage-2' && ev.ipa !== null && ev.ipa !== r.end.at && r.end.at !== r.address)
      return ` (The hardware faulted at IPA ${hex(ev.ipa)}; the configuration's stage 1 gives IPA ${hex(r.end.at)}: the guest's page table differs from the configuration.)`;
    return '';
  }
  return ` (The hardware reports ${ev.stage === 'stage-1' ? 'stage 1' : 'stage 2'}; the configuration faults in ${model === 'stage-1' ? 'the guest\'s stage 1' : 'the host\'s stage 2'}.)`;
}

/** What makes two events the same for the cache (the explanation depends on nothing else). */
function eventKey(ev: FaultEvent): string {
  const r = ev.requester;
  const who = !r ? '-' : r.kind === 'pci' ? `p${r.bdf.segment ?? ''}:${r.bdf.bus}:${r.bdf.device}.${r.bdf.fn}` : `s${r.sid}@${r.smmu ?? ''}/${r.client ?? ''}`;
  return `${ev.driver}|${ev.name}|${ev.kind}|${who}|${ev.address ?? '-'}|${ev.ipa ?? '-'}|${ev.access}|${ev.pasid}|${ev.stage}|${ev.reason}|${String(ev.detail['client'] ?? '')}`;
}

/** A group of faults: the same device (or requester), the same page, the same cause. */
export interface FaultGroup {
  explanation: FaultExplanation;
  count: number;
  /** Every occurrence: the log (index into the logs given) and the event. */
  occurrences: { log: number; event: FaultEvent }[];
  /** Distinct addresses in the group (the page is shared). */
  addresses: number;
}

/** Explain and group the events of one or more logs, in order of first appearance. */
export function explainLogs(analysis: Analysis, logs: readonly (readonly FaultEvent[])[]): FaultGroup[] {
  const ex = new FaultExplainer(analysis);
  const groups = new Map<string, FaultGroup & { seen: Set<string> }>();
  logs.forEach((events, log) => {
    for (const ev of events) {
      const x = ex.explain(ev);
      const who = x.device ? `d:${x.device.name}` : `r:${x.requester.text}`;
      const page = ev.address !== null ? (ev.address & ~PAGE).toString(16) : '-';
      const key = `${who}|${page}|${x.cause}|${ev.driver}|${ev.name}|${ev.access}|${ev.pasid}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { explanation: x, count: 0, occurrences: [], addresses: 0, seen: new Set() }));
      g.count++;
      g.occurrences.push({ log, event: ev });
      const a = ev.address?.toString(16) ?? '-';
      if (!g.seen.has(a)) {
        g.seen.add(a);
        g.addresses++;
      }
    }
  });
  return [...groups.values()].map(({ seen: _seen, ...g }) => g);
}

/**
 * What the AMD-Vi domain IDs of the log say about the domains (the only place a log ties devices
 * together): devices faulting with one domain ID share a domain on the machine; one device with
 * two IDs changed domain while the log ran. Compared with the configuration's RID domains.
 */
export function domainIdNotes(groups: readonly FaultGroup[], analysis: Analysis): string[] {
  const byId = new Map<string, Set<Device>>();
  const byDevice = new Map<Device, Set<string>>();
  for (const g of groups)
    for (const { event: ev } of g.occurrences) {
      const dev = g.explanation.device;
      const id = ev.driver === 'amd-vi' && ev.name === 'IO_PAGE_FAULT' && ev.pasid === null && ev.kind !== 'interrupt' ? ev.detail['domainId'] : undefined;
      // domain ID 0 is none: the kernel never hands it out (a blocked or unset device-table entry)
      if (!dev || typeof id !== 'string' || Number(parseHex(id) ?? 0n) === 0) continue;
      const key = id.toLowerCase();
      (byId.get(key) ?? byId.set(key, new Set()).get(key)!).add(dev);
      (byDevice.get(dev) ?? byDevice.set(dev, new Set()).get(dev)!).add(key);
    }
  const notes: string[] = [];
  const tx = analysis.tx;
  for (const [id, devs] of byId) {
    if (devs.size < 2) continue;
    const doms = new Set([...devs].map((d) => tx.ridDomain(d)));
    const names = [...devs].map((d) => `'${d.name}'`).join(', ');
    notes.push(
      doms.size === 1
        ? `AMD-Vi domain ID ${id}: ${names} faulted in one domain, as the configuration has them (${label([...doms][0]!)}).`
        : `AMD-Vi domain ID ${id}: ${names} faulted in one domain on the machine, but the configuration puts them in ${[...doms].map(label).join(', ')}.`,
    );
  }
  for (const [dev, ids] of byDevice) if (ids.size > 1) notes.push(`'${dev.name}' faulted with AMD-Vi domain IDs ${[...ids].join(', ')}: it changed domain while the log was written.`);
  return notes;
}

export function driverName(ev: FaultEvent): string {
  return DRIVER_NAMES[ev.driver];
}

/** The configuration place an explanation points at first (for the editor's related information). */
export function primaryLoc(x: FaultExplanation): Loc | null {
  return x.related[0]?.loc ?? null;
}
