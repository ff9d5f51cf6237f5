// Shared by the MSI doorbell checks (checks.md "MSI doorbells"): every device's MSI write must
// reach its irqchip's doorbell page through the translation model; SW_MSI slots must exist;
// the msi-bind and RMR nesting approaches must be self-consistent.

import { formatInterval, formatSize, hex, hexGrouped, sizeOf, type Interval } from '../../model/intervals';
import { describeMapping, type Programmed, type Resolution, type Translation } from '../../model/translation';
import { domainLabel } from '../../model/labels';
import type { Configuration, Device, Diagnostic, DiagnosticData, Domain, Irqchip, Related, Region } from '../../model/types';
import type { CheckContext, Fix } from '../check';
import { addr, insertInBlock, parseAddr, rangeSpan } from '../edits';

export function domRelated(dom: Domain, what = 'the domain'): Related {
  return { loc: dom.nameLoc, message: `${what}: ${domainLabel(dom)} (${dom.type ?? '?'})` };
}

export function windowRelated(w: Region): Related {
  return { loc: w.loc, message: `SW_MSI window ${formatInterval(w)}${w.byDefault ? ' (the IOMMU model default)' : ''}` };
}

/** A nested domain whose RMRs do not cover the SW_MSI window a device of it uses (rmr-mismatch). */
export function rmrMismatch(tx: Translation, dom: Domain, d: Device): Region | null {
  if (dom.type !== 'nested' || dom.stage1 !== 'translate' || dom.rmrs.length === 0 || dom.msiBinds.length > 0) return null;
  if (tx.config.backend === 'dma-api' || !tx.translatesMsi(d)) return null;
  const w = tx.swMsiWindow(d);
  if (!w) return null;
  if (tx.config.backend === 'vfio-type1' && tx.hwMsiRegions(d).length > 0) return null;
  return dom.rmrs.some((r) => r.range.start <= w.start && w.last <= r.range.last) ? null : w;
}

/**
 * The devices whose MSI writes the doorbell checks follow, with their RID domain: a translated
 * irqchip with a known doorbell (x86's interrupt window is never translated, T4), and a domain
 * whose nesting is sound (otherwise it is bad-nest-parent's business).
 */
export function msiDevices(ctx: CheckContext): { d: Device; chip: Irqchip; dom: Domain; prog: Programmed }[] {
  const { tx } = ctx;
  const out: { d: Device; chip: Irqchip; dom: Domain; prog: Programmed }[] = [];
  for (const d of ctx.config.devices) {
    const chip = d.msi?.irqchip;
    if (d.broken || !chip || chip.broken || chip.doorbell === null) continue;
    if (chip.untranslated) continue;
    const dom = tx.ridDomain(d);
    if (dom.broken || dom.type === null) continue;
    if (dom.type === 'nested' && (!dom.parent || dom.parent.broken || dom.parent.type !== 'paging' || !dom.parent.nestParent)) continue;
    out.push({ d, chip, dom, prog: tx.programmedAddress(d) });
  }
  return out;
}

export function chipRelated(tx: Translation, chip: Irqchip): Related {
  return { loc: chip.nameLoc, message: `${chip.name}: doorbell ${hex(chip.doorbell!)}, page ${hex(tx.doorbellPageOf(chip)!)}` };
}

/** Name the hop that broke, with the objects involved. */
export function explainMiss(tx: Translation, d: Device, r: Resolution, chip: Irqchip, dom: Domain): { why: string; related: Related[] } {
  const related: Related[] = [domRelated(dom)];
  const end = r.end;
  const page = tx.doorbellPageOf(chip)!;
  const window = tx.swMsiWindow(d);
  const backend = tx.config.backend;
  if (end.kind === 'address') {
    const lastHop = r.hops[r.hops.length - 1];
    if (lastHop && typeof lastHop.via === 'object') related.push({ loc: lastHop.via.loc, message: `the map that was hit: ${describeMapping(lastHop.via)}` });
    if (end.irqchip && end.irqchip !== chip)
      return { why: `it lands on PA ${hex(end.pa)}, the doorbell page of another irqchip, ${end.irqchip.name}, not the doorbell page ${hex(page)} of ${chip.name}`, related: [...related, { loc: end.irqchip.nameLoc, message: `${end.irqchip.name} is declared here` }] };
    if (end.interrupt) return { why: `${hex(r.address)} lies in a hardware MSI window and is delivered untranslated to PA ${hex(end.pa)}, not to ${chip.name}'s doorbell page ${hex(page)}`, related };
    return { why: `PA ${hex(end.pa)} is memory, not the doorbell page ${hex(page)} of ${chip.name}: the MSI write would corrupt memory instead of raising an interrupt`, related };
  }
  if (end.map) related.push({ loc: end.map.loc, message: `the map that was hit: ${describeMapping(end.map)}` });
  switch (end.cause) {
    case 'blocked':
      return { why: `domain ${domainLabel(dom)} is blocked: every DMA, MSI writes included, is refused`, related };
    case 'stage1-abort':
      return { why: `the guest's stage 1 of '${dom.name}' is set to abort: the MSI write faults at stage 1`, related };
    case 'stage1-unmapped': {
      const hint = window
        ? dom.rmrs.length === 0
          ? `; the guest needs an RMR over the host SW_MSI window (\`rmr ${hex(window.start)} size ${formatSize(sizeOf(window))}\`) so that its stage 1 is identity there`
          : `; the domain's rmr does not cover it`
        : '';
      if (window) related.push(windowRelated(window));
      return { why: `stage-1 miss: no rmr / identity map covers gIOVA ${hex(end.at)} in the guest's stage 1 of '${dom.name}'${hint}`, related };
    }
    case 'stage2-unmapped': {
      const parent = end.domain;
      if (parent && parent !== dom) related.push(domRelated(parent, 'the stage-2 parent'));
      return { why: `stage-2 miss: IPA ${hex(end.at)} is not mapped by the parent ${parent ? domainLabel(parent) : '?'} (nothing maps the doorbell page ${hex(page)} there)`, related };
    }
    case 'read-only':
      return { why: `the map that translates it is read-only (${end.map ? describeMapping(end.map) : '?'}): the MSI write faults${end.stage === 'stage-1' ? ' at stage 1' : end.stage === 'stage-2' ? ' at stage 2' : ''}`, related };
    case 'aperture':
      return { why: end.reason, related };
    case 'unmapped': {
      if (r.address === chip.doorbell && dom.type === 'paging') {
        if (backend === 'dma-api')
          return { why: `it is programmed with the physical doorbell and paging domain '${dom.name}' maps nothing at ${hex(r.address)}: under the dma-api backend a paging domain has no MSI cookie and gets no implicit doorbell maps (${tx.kernelText()}; from v6.15 MSI allocation fails with -EOPNOTSUPP instead)`, related };
        if (!tx.deviceSlots.has(d) && !tx.iommufdSwMsi())
          return { why: `paging domain '${dom.name}' has no MSI cookie, so the device is programmed with the physical doorbell (${tx.kernelText()}: before v6.15), and the domain maps nothing at ${hex(r.address)}`, related };
        if (!window)
          return { why: `paging domain '${dom.name}' has no SW_MSI window, so the device is programmed with the physical doorbell, and the domain maps nothing at ${hex(r.address)}`, related };
      }
      if (window && dom.type === 'paging') related.push(windowRelated(window));
      return { why: `${domainLabel(dom)} maps nothing at ${hex(end.at)}`, related };
    }
    default:
      return { why: end.reason, related };
  }
}

/** Diagnostic data for the rmr fix: the nested domain and the host SW_MSI window its rmr must be. */
export function rmrData(dom: Domain, window: Interval): DiagnosticData {
  return { domain: dom.name, window: [addr(window.start), addr(window.last)] };
}

/** Make the nested domain's rmr the host SW_MSI window: correct the wrong one, or add it. Safe: the window is the only right value. */
export function rmrFixes(d: Diagnostic, config: Configuration): Fix[] {
  const w = d.data?.window;
  const dom = config.domains.find((x) => x.name === d.data?.domain);
  if (!Array.isArray(w) || !dom || dom.type !== 'nested' || !dom.decl?.body) return [];
  const start = parseAddr(w[0]);
  const last = parseAddr(w[1]);
  if (start === null || last === null) return [];
  const file = dom.nameLoc.file;
  const range = `${hexGrouped(start)} size ${formatSize(last - start + 1n)}`;
  const differs = (r: { range: Interval }) => r.range.start !== start || r.range.last !== last;
  const wrong = dom.rmrs.find((r) => r.loc.file === d.loc.file && r.loc.span.start === d.loc.span.start && differs(r)) ?? dom.rmrs.find(differs);
  if (wrong && wrong.stmt.range)
    return [{ title: `Make the rmr the host SW_MSI window (${range})`, edits: [{ path: file.path, span: rangeSpan(wrong.stmt.range), newText: range }], safe: true, preferred: true }];
  if (dom.rmrs.some((r) => !differs(r))) return [];
  return [{ title: `Add 'rmr ${range}' (the host SW_MSI window) to '${dom.name}'`, edits: [insertInBlock(file, dom.decl.body, dom.decl.stmts, `rmr ${range}`)], safe: true, preferred: true }];
}
