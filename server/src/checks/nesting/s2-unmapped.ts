// s2-unmapped: part of a nested domain's stage-1 output, or of its guest PASID table, is not
// mapped by the stage-2 parent.

import { formatInterval, type Interval } from '../../model/intervals';
import type { Domain } from '../../model/types';
import type { AnalysisCheck } from '../check';
import { coverage, describeGaps, uncovered } from './common';

const check: AnalysisCheck = {
  code: 's2-unmapped',
  severity: 'error',
  family: 'nesting',
  title: 'Part of a nested map (or the PASID table) is not mapped by the parent.',
  explain:
    "The guest's stage-1 output is an IPA that stage 2 must map; otherwise the device's DMA, or the IOMMU's own table walk, faults at stage 2 (R37, R47).",
  rules: 'R37, R47, M35',
  run(ctx) {
    const { tx } = ctx;
    const covers = new Map<Domain, Interval[]>();
    for (const dom of ctx.config.domains) {
      if (dom.broken || dom.type !== 'nested' || dom.stage1 !== 'translate') continue;
      const p = dom.parent;
      if (!p || p.broken || p.type !== 'paging' || !p.nestParent) continue;
      let cover = covers.get(p);
      if (!cover) covers.set(p, (cover = coverage(tx, p)));
      const rel = { loc: p.nameLoc, message: `stage-2 parent '${p.name}'` };
      for (const m of dom.maps) {
        const ipa = { start: m.output, last: m.output + (m.input.last - m.input.start) };
        const gaps = uncovered(cover, ipa);
        if (gaps.length === 0) continue;
        ctx.report(
          's2-unmapped',
          m.loc,
          `this stage-1 map outputs IPA ${formatInterval(ipa)}, but parent '${p.name}' does not map ${describeGaps(gaps)}: the device's DMA there faults at stage 2`,
          [rel],
        );
      }
      const t = dom.pasidTable;
      if (t) {
        const gaps = uncovered(cover, t.range);
        if (gaps.length > 0)
          ctx.report(
            's2-unmapped',
            t.loc,
            `the guest PASID table at IPA ${formatInterval(t.range)} is not fully mapped by parent '${p.name}' (missing ${describeGaps(gaps)}): the IOMMU's table walk faults at stage 2`,
            [rel],
          );
      }
    }
  },
};

export default check;
