// rmr-mismatch: a nested domain's rmr does not cover the host SW_MSI window of a device of it.

import { formatInterval } from '../../model/intervals';
import type { AnalysisCheck } from '../check';
import { rmrMismatch, windowRelated } from './common';

const check: AnalysisCheck = {
  code: 'rmr-mismatch',
  severity: 'error',
  family: 'doorbells',
  title: "A nested domain's rmr differs from the host SW_MSI window.",
  explain:
    "The host maps doorbells at the SW_MSI window in stage 2; the guest's RMR makes stage 1 identity over the same range. If they differ, stage 1 covers the wrong range and MSIs fault (R38(ii)).",
  rules: 'R38, M32',
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
};

export default check;
