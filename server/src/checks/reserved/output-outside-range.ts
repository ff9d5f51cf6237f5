// output-outside-range: a map outputs at 2^oas or beyond (not reported for a map that is
// already outside the aperture).

import { hex, sizeOf } from '../../model/intervals';
import { example, type AnalysisCheck } from '../check';
import { mapText, pageTableDomains } from './common';
import { beyondAperture, widthLoc, widthsIommu } from './widths';

const check: AnalysisCheck = {
  code: 'output-outside-range',
  severity: 'error',
  family: 'reserved',
  title: 'A map outputs at 2^oas or beyond.',
  explanation: {
    anchor: 'the `map`',
    what: 'Output range reaches 2^oas or beyond.',
    why: 'The IOMMU cannot emit physical addresses wider than its output size (R30).',
    fix: 'Map memory the IOMMU can reach: below 2^oas.',
    fires: example`
      iommu smmu0 { model smmuv3  oas 40 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0x100_0000_0000 size 4K
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3  oas 40 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0xFF_0000_0000 size 4K
      }
    `,
  },
  rules: 'R30',
  run(ctx) {
    for (const dom of ctx.shared(pageTableDomains)) {
      const io = widthsIommu(dom);
      if (!io) continue;
      for (const m of dom.maps) {
        if (beyondAperture(io, m.input.last)) continue;
        const outLast = m.output + sizeOf(m.input) - 1n;
        if (io.oas >= 64 || outLast < 1n << BigInt(io.oas)) continue;
        ctx.report(
          'output-outside-range',
          m.loc,
          `${mapText(m)} outputs up to ${hex(outLast)}, beyond the ${io.oas}-bit output range of '${io.name}' (last PA ${hex((1n << BigInt(io.oas)) - 1n)}): ${
            io.model === 'vtd'
              ? 'the address bits above the host address width are reserved in a VT-d entry: the VT-d driver writes the entry (__domain_mapping checks only the IOVA) and the DMA faults'
              : 'io-pgtable refuses the physical address with -ERANGE'
          }`,
          [{ loc: widthLoc(io, 'oas'), message: `'${io.name}' output address size: ${io.oas} bits` }],
        );
      }
    }
  },
};

export default check;
