// map-unaligned: applies to nested domains too, with the nested domain's IOMMU minimum page:
// the host never writes the guest's stage 1, but the guest's IOMMU driver maps through the
// same io-pgtable granule rules (R26), so a misaligned stage-1 map is refused there.

import { formatSize, hex, sizeOf } from '../../model/intervals';
import { example, type AnalysisCheck } from '../check';
import { domainsWithDevices, mapText } from './common';

const check: AnalysisCheck = {
  code: 'map-unaligned',
  severity: 'error',
  family: 'reserved',
  title: "A map's start, output or size is not a multiple of the domain's minimum page.",
  explanation: {
    anchor: 'the `map`',
    what: "Input start, output start or size not a multiple of the domain's minimum page (smallest of its IOMMU's `pgsizes`).",
    why: 'The core rejects `iova | paddr | size` not aligned to the smallest page of pgsize_bitmap (-EINVAL, "unaligned: iova … pa … size … min_pagesz …", R26).',
    fix: "Align the input start, the output start and the size to the IOMMU's smallest page.",
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0x8_0000_0800 size 4K
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0x8_0000_1000 size 4K
      }
    `,
  },
  rules: 'R26, M19',
  run(ctx) {
    for (const dom of domainsWithDevices(ctx.config)) {
      const io = dom.iommu;
      if (!io || io.broken || dom.maps.length === 0) continue;
      const min = io.minPage;
      for (const m of dom.maps) {
        const size = sizeOf(m.input);
        const bad: string[] = [];
        if (m.input.start % min !== 0n) bad.push(`IOVA ${hex(m.input.start)}`);
        if (m.output % min !== 0n) bad.push(`output ${hex(m.output)}`);
        if (size % min !== 0n) bad.push(`size ${hex(size)}`);
        if (bad.length === 0) continue;
        const pg = io.decl.props.find((p) => p.kind === 'pgsizes');
        ctx.report(
          'map-unaligned',
          m.loc,
          `${mapText(m)} is not aligned to the ${formatSize(min)} minimum page of '${io.name}' (${bad.join(', ')}): iommu_map rejects it with -EINVAL ("unaligned: iova ${hex(m.input.start)} pa ${hex(m.output)} size ${hex(size)} min_pagesz ${hex(min)}")`,
          [{ loc: pg ? { file: io.nameLoc.file, span: pg.span } : io.nameLoc, message: `'${io.name}' supports pages of ${io.pgsizes.map(formatSize).join(' ')}` }],
        );
      }
    }
  },
};

export default check;
