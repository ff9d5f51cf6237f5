// unmapped-doorbell: a device's MSI write, followed through its domain, does not land on its
// irqchip's doorbell page with write permission.

import { hex } from '../../model/intervals';
import type { AnalysisCheck } from '../check';
import { chipRelated, explainMiss, msiDevices, rmrMismatch } from './common';

const check: AnalysisCheck = {
  code: 'unmapped-doorbell',
  severity: 'error',
  family: 'doorbells',
  title: "A device's MSI write does not reach its irqchip's doorbell.",
  explain:
    'On Arm, MSI writes are DMA: the address the device is programmed with is translated by its domain, and must land on the doorbell page with write permission, or the interrupt is lost as a translation fault (R32–R40).',
  rules: 'R32–R40, M24–M27, M31, M35',
  run(ctx) {
    const { tx, config } = ctx;
    for (const { d, chip, dom } of msiDevices(tx, config.devices)) {
      const msi = d.msi!;
      const prog = tx.programmedAddress(d);
      if (prog.kind === 'kernel' || prog.kind === 'none' || prog.kind === 'exhausted') continue;
      const db = chip.doorbell!;
      const page = tx.doorbellPageOf(chip)!;
      const addr = prog.address;
      const r = tx.resolve(d, null, addr, 'write');
      if (tx.reachesDoorbell(r, chip)) continue;

      const mis = rmrMismatch(tx, dom, d);
      if (mis && r.end.kind === 'fault' && r.end.cause === 'stage1-unmapped') continue; // reported as rmr-mismatch

      const head = `MSI writes of '${d.name}' to ${hex(addr)} (${prog.how}) do not reach ${chip.name}'s doorbell ${hex(db)}`;
      const { why, related } = explainMiss(tx, d, r, chip, dom);
      let hint = '';
      const slot = tx.deviceSlots.get(d);
      if (msi.at !== null && slot?.address != null) {
        const want = slot.address + (db - page);
        hint = `; the kernel maps the doorbell at SW_MSI slot ${slot.k} (${hex(slot.address)}), so the device must be programmed with ${hex(want)}`;
      }
      ctx.report('unmapped-doorbell', msi.loc, `${head}: ${why}${hint}`, [...related, chipRelated(tx, chip)]);
    }
  },
};

export default check;
