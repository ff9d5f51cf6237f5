// map-outside-aperture: a map reaches 2^ias or beyond.

import { hex } from '../../model/intervals';
import { example, type AnalysisCheck } from '../check';
import { mapText, pageTableDomains } from './common';
import { beyondAperture, widthLoc, widthsIommu } from './widths';

const check: AnalysisCheck = {
  code: 'map-outside-aperture',
  severity: 'error',
  family: 'reserved',
  title: 'A map reaches 2^ias or beyond.',
  explanation: {
    anchor: 'the `map`',
    what: 'Input range reaches 2^ias or beyond.',
    why: "The domain's aperture is [0, 2^ias − 1]; iommufd reserves everything outside it and io-pgtable returns -ERANGE (R30).",
    fix: 'Keep IOVAs below 2^ias (QEMU: a smaller guest physical address space, e.g. intel-iommu `aw-bits`).',
    fires: example`
      iommu smmu0 { model smmuv3  ias 32 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0xFFFF_F000 -> 0x8_0000_0000 size 8K
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3  ias 32 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0xFFFF_F000 -> 0x8_0000_0000 size 4K
      }
    `,
  },
  rules: 'R30, M16',
  run(ctx) {
    for (const dom of ctx.shared(pageTableDomains)) {
      const io = widthsIommu(dom);
      if (!io) continue;
      const space = dom.nestParent ? 'IPA' : 'IOVA';
      for (const m of dom.maps) {
        if (!beyondAperture(io, m.input.last)) continue;
        const err =
          dom.type === 'dma' || dom.type === 'dma-fq'
            ? 'the DMA API never allocates an IOVA there, and iommu_map refuses it (io-pgtable: -ERANGE)'
            : ctx.config.backend === 'iommufd' ? 'iommufd reserves everything outside it, IOAS_MAP fails with -EINVAL' : ctx.config.backend === 'vfio-type1' ? 'VFIO_IOMMU_MAP_DMA fails with -EINVAL' : 'io-pgtable refuses it with -ERANGE';
        ctx.report(
          'map-outside-aperture',
          m.loc,
          `${mapText(m)} reaches ${space} ${hex(m.input.last)}, beyond the ${io.ias}-bit aperture of '${io.name}' (last ${space} ${hex((1n << BigInt(io.ias)) - 1n)}): ${err}`,
          [{ loc: widthLoc(io, 'ias'), message: `'${io.name}' input address size: ${io.ias} bits` }],
        );
      }
    }
  },
};

export default check;
