// s2-unmapped: part of a nested domain's stage-1 output, or of its guest PASID table, is not
// mapped by the stage-2 parent.

import { formatInterval, type Interval } from '../../model/intervals';
import type { Domain } from '../../model/types';
import { example, type AnalysisCheck } from '../check';
import { coverage, describeGaps, uncovered } from './common';

const check: AnalysisCheck = {
  code: 's2-unmapped',
  severity: 'error',
  family: 'nesting',
  title: 'Part of a nested map (or the PASID table) is not mapped by the parent.',
  explanation: {
    anchor: 'the nested `map` (or `pasid-table`)',
    what: "Part of its output IPA range is not mapped by the parent: the device's DMA (or the IOMMU's table walk) faults at stage 2.",
    why: "The guest's stage-1 output is an IPA that stage 2 must map; otherwise the device's DMA, or the IOMMU's own table walk, faults at stage 2 (R37, R47).",
    fix: "Map the IPA range in the parent (guest RAM), or point the guest's map at IPAs the parent maps.",
    fires: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain s2 : paging {
        nest-parent
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
      domain guest : nested {
        parent s2
        attach nic
        rmr 0x0800_0000 size 1M
        map 0x1_0000_0000 -> 0x8000_0000 size 1G
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain s2 : paging {
        nest-parent
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
      domain guest : nested {
        parent s2
        attach nic
        rmr 0x0800_0000 size 1M
        map 0x1_0000_0000 -> 0x4000_0000 size 1G
      }
    `,
  },
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
