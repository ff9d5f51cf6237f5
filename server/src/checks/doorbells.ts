// MSI doorbell checks (checks.md "MSI doorbells"): every device's MSI write must reach its
// irqchip's doorbell page through the translation model; SW_MSI slots must exist; the msi-bind
// and RMR nesting approaches must be self-consistent.

import { formatInterval, formatSize, hex, sizeOf } from '../model/intervals';
import { describeMapping, type Resolution, type Translation } from '../model/translation';
import type { AttachEntry, Device, Domain, Irqchip, Related, Region } from '../model/types';
import { registerCheck, type CheckContext } from './registry';

function domLabel(dom: Domain): string {
  return dom.implicit ? dom.name : `'${dom.name}'`;
}

function domRelated(dom: Domain, what = 'the domain'): Related {
  return { loc: dom.nameLoc, message: `${what}: ${domLabel(dom)} (${dom.type ?? '?'})` };
}

function windowRelated(w: Region): Related {
  return { loc: w.loc, message: `SW_MSI window ${formatInterval(w)}${w.byDefault ? ' (the IOMMU model default)' : ''}` };
}

/** Does the device's MSI write go through SW_MSI at all (translated irqchip, no hardware MSI page)? */
function translatedMsi(tx: Translation, d: Device): boolean {
  const chip = d.msi?.irqchip;
  if (!chip || chip.untranslated || chip.doorbell === null) return false;
  return tx.untranslatedWindow(d, chip.doorbell) === null;
}

/** A nested domain whose RMRs do not cover the SW_MSI window a device of it uses (rmr-mismatch). */
function rmrMismatch(tx: Translation, dom: Domain, d: Device): Region | null {
  if (dom.type !== 'nested' || dom.stage1 !== 'translate' || dom.rmrs.length === 0 || dom.msiBinds.length > 0) return null;
  if (tx.config.backend === 'dma-api' || !translatedMsi(tx, d)) return null;
  const w = tx.swMsiWindow(d);
  if (!w) return null;
  if (tx.config.backend === 'vfio-type1' && tx.hwMsiRegions(d).length > 0) return null;
  return dom.rmrs.some((r) => r.range.start <= w.start && w.last <= r.range.last) ? null : w;
}

function checkDevice(ctx: CheckContext, d: Device): void {
  const { tx, config } = ctx;
  const msi = d.msi!;
  const chip = msi.irqchip!;
  const prog = tx.programmedAddress(d);
  const dom = tx.ridDomain(d);
  if (dom.broken || dom.type === null) return;
  if (dom.type === 'nested' && (!dom.parent || dom.parent.broken || dom.parent.type !== 'paging' || !dom.parent.nestParent)) return; // bad-nest-parent's business
  const db = chip.doorbell!;
  const page = tx.doorbellPageOf(chip)!;
  const chipRel: Related = { loc: chip.nameLoc, message: `${chip.name}: doorbell ${hex(db)}, page ${hex(page)}` };

  if (prog.kind === 'kernel' || prog.kind === 'none') return;
  if (prog.kind === 'exhausted') {
    const slot = tx.deviceSlots.get(d)!;
    const w = prog.window;
    const pages = sizeOf(w) / tx.pageSize;
    const why =
      slot.full === 'iommufd-64'
        ? `it would be the 65th SW_MSI doorbell map of the iommufd context, which holds at most 64: MSI allocation fails with -EOVERFLOW`
        : `the SW_MSI window ${formatInterval(w)} holds ${pages} page${pages === 1n ? '' : 's'} of ${hex(tx.pageSize)} bytes and doorbell page ${hex(page)} would be slot ${slot.k}` +
          (config.backend === 'iommufd' ? ' (iommufd would map it past the window, into IOVA space that is not reserved)' : ' (the VFIO MSI cookie does not check: the map lands past the window, in IOVA space user mappings may use)');
    ctx.report('sw-msi-exhausted', msi.loc, `${chip.name}'s doorbell page ${hex(page)} gets no SW_MSI slot for '${d.name}': ${why}`, [windowRelated(w), chipRel, domRelated(dom)]);
    return;
  }

  const addr = prog.address;
  const r = tx.resolve(d, null, addr, 'write');
  if (tx.reachesDoorbell(r, chip)) return;

  const mis = rmrMismatch(tx, dom, d);
  if (mis && r.end.kind === 'fault' && r.end.cause === 'stage1-unmapped') return; // reported as rmr-mismatch

  const head = `MSI writes of '${d.name}' to ${hex(addr)} (${prog.how}) do not reach ${chip.name}'s doorbell ${hex(db)}`;
  const { why, related } = explain(tx, d, r, chip, dom);
  let hint = '';
  const slot = tx.deviceSlots.get(d);
  if (msi.at !== null && slot?.address != null) {
    const want = slot.address + (db - page);
    hint = `; the kernel maps the doorbell at SW_MSI slot ${slot.k} (${hex(slot.address)}), so the device must be programmed with ${hex(want)}`;
  }
  ctx.report('unmapped-doorbell', msi.loc, `${head}: ${why}${hint}`, [...related, chipRel]);
}

/** Name the hop that broke, with the objects involved. */
function explain(tx: Translation, d: Device, r: Resolution, chip: Irqchip, dom: Domain): { why: string; related: Related[] } {
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
      return { why: `domain ${domLabel(dom)} is blocked: every DMA, MSI writes included, is refused`, related };
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
      return { why: `stage-2 miss: IPA ${hex(end.at)} is not mapped by the parent ${parent ? domLabel(parent) : '?'} (nothing maps the doorbell page ${hex(page)} there)`, related };
    }
    case 'read-only':
      return { why: `the map that translates it is read-only (${end.map ? describeMapping(end.map) : '?'}): the MSI write faults${end.stage === 'stage-1' ? ' at stage 1' : end.stage === 'stage-2' ? ' at stage 2' : ''}`, related };
    case 'aperture':
      return { why: end.reason, related };
    case 'unmapped': {
      if (r.address === chip.doorbell && dom.type === 'paging') {
        if (backend === 'dma-api')
          return { why: `it is programmed with the physical doorbell and paging domain '${dom.name}' maps nothing at ${hex(r.address)}: under the dma-api backend, paging domains get no implicit doorbell maps (no MSI cookie: MSI allocation fails with -EOPNOTSUPP)`, related };
        if (!window)
          return { why: `paging domain '${dom.name}' has no SW_MSI window, so the device is programmed with the physical doorbell, and the domain maps nothing at ${hex(r.address)}`, related };
      }
      if (window && dom.type === 'paging') related.push(windowRelated(window));
      return { why: `${domLabel(dom)} maps nothing at ${hex(end.at)}`, related };
    }
    default:
      return { why: end.reason, related };
  }
}

registerCheck({
  codes: ['unmapped-doorbell', 'sw-msi-exhausted'],
  run(ctx) {
    for (const d of ctx.config.devices) {
      const chip = d.msi?.irqchip;
      if (d.broken || !chip || chip.broken || chip.doorbell === null) continue;
      if (chip.untranslated) continue; // x86: the interrupt window is never translated (T4)
      checkDevice(ctx, d);
    }
  },
});

registerCheck({
  codes: ['msi-bind-multiple', 'doorbell-shared'],
  run(ctx) {
    const { tx } = ctx;
    for (const dom of ctx.config.domains) {
      if (dom.type !== 'nested' || dom.msiBinds.length === 0) continue;
      const first = dom.msiBinds[0]!;
      for (const b of dom.msiBinds.slice(1))
        ctx.report('msi-bind-multiple', b.loc, `nested domain '${dom.name}' already has an msi-bind: one gIOVA/doorbell binding per domain (iommu_bind_guest_msi)`, [
          { loc: first.loc, message: `first msi-bind: ${formatInterval(first.giova)} -> ${hex(first.gpa)}` },
        ]);
      if (dom.broken) continue;
      let firstChip: { chip: Irqchip; page: bigint; attach: AttachEntry; device: Device } | null = null;
      for (const a of dom.attaches) {
        if (a.pasid !== null || !a.group || a.group.ridAttach !== a) continue;
        let reported = false;
        for (const m of a.group.members) {
          const chip = m.msi?.irqchip;
          if (!chip || chip.broken || chip.untranslated || chip.doorbell === null || reported) continue;
          const page = tx.doorbellPageOf(chip)!;
          if (!firstChip) {
            firstChip = { chip, page, attach: a, device: m };
            continue;
          }
          if (page === firstChip.page) continue;
          reported = true;
          ctx.report(
            'doorbell-shared',
            a.loc,
            `'${m.name}' sends MSIs to ${chip.name} (doorbell page ${hex(page)}), but '${dom.name}' binds one doorbell, ${firstChip.chip.name}'s page ${hex(firstChip.page)} (for '${firstChip.device.name}'): an msi-bind maps one physical doorbell, so every device of the domain must use the same one`,
            [
              { loc: firstChip.attach.loc, message: `'${firstChip.device.name}' (${firstChip.chip.name}) is attached here` },
              { loc: first.loc, message: 'the msi-bind' },
              { loc: chip.nameLoc, message: `${chip.name} is declared here` },
            ],
          );
        }
      }
    }
  },
});

registerCheck({
  codes: ['rmr-mismatch'],
  run(ctx) {
    const { tx } = ctx;
    for (const dom of ctx.config.domains) {
      if (dom.broken || dom.type !== 'nested' || dom.rmrs.length === 0) continue;
      const seen = new Set<string>();
      for (const d of tx.devicesIn(dom)) {
        if (d.broken || d.msi?.irqchip?.broken) continue;
        const w = rmrMismatch(tx, dom, d);
        if (!w) continue;
        const rmr = dom.rmrs.find((r) => r.range.start <= w.last && w.start <= r.range.last) ?? dom.rmrs[0]!;
        const key = `${rmr.loc.span.start}:${w.start}:${w.last}`;
        if (seen.has(key)) continue;
        seen.add(key);
        ctx.report(
          'rmr-mismatch',
          rmr.loc,
          `rmr ${formatInterval(rmr.range)} of '${dom.name}' differs from the host SW_MSI window ${formatInterval(w)} of '${d.name}': the host maps doorbells in stage 2 inside that window, so the guest's stage 1 must be identity over exactly that range, or MSI writes fault at stage 1`,
          [windowRelated(w), { loc: d.nameLoc, message: `'${d.name}' is attached to '${dom.name}'` }],
        );
      }
    }
  },
});
