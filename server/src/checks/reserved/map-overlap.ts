// map-overlap: two maps of one domain intersect (with or without devices: -EEXIST holds for
// an IOAS too).

import { hex, sweepOverlaps } from '../../model/intervals';
import { example, type AnalysisCheck } from '../check';
import { mapText } from './common';

const check: AnalysisCheck = {
  code: 'map-overlap',
  severity: 'error',
  family: 'reserved',
  title: 'Two maps of one domain overlap.',
  explanation: {
    anchor: 'the later `map`',
    what: 'Two maps of one domain whose input ranges intersect (-EEXIST).',
    why: 'An IOVA can be mapped only once: the later map fails with -EEXIST (R27e, R49).',
    fix: 'Map each IOVA once: shorten or move one of the maps (the ranges are inclusive).',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
        map 0x7FFF_F000 -> 0x9_0000_0000 size 4K
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
        map 0x8000_0000 -> 0x9_0000_0000 size 4K
      }
    `,
  },
  rules: 'R27e, M21',
  run(ctx) {
    for (const dom of ctx.config.domains) {
      if (dom.broken || dom.maps.length < 2) continue;
      // each map with its place in the source order
      const items = dom.maps.map((m, order) => ({ start: m.input.start, last: m.input.last, m, order }));
      for (const [later, earlier] of sweepOverlaps(items, (it) => it.order)) {
        const err =
          dom.type === 'nested'
            ? "the guest's own iommu_map of its stage 1 fails with -EEXIST"
            : dom.type === 'dma' || dom.type === 'dma-fq'
              ? "the DMA API's iommu_map fails with -EEXIST"
              : ctx.config.backend === 'dma-api' ? 'the second map fails with -EEXIST' : ctx.config.backend === 'iommufd' ? 'IOAS_MAP fails with -EEXIST' : 'VFIO_IOMMU_MAP_DMA fails with -EEXIST';
        ctx.report(
          'map-overlap',
          later.m.loc,
          `${mapText(later.m)} intersects ${mapText(earlier.m)} of domain '${dom.name}': an IOVA can be mapped only once, ${err}`,
          [{ loc: earlier.m.loc, message: `${mapText(earlier.m)} → ${hex(earlier.m.output)}` }],
        );
      }
    }
  },
};

export default check;
