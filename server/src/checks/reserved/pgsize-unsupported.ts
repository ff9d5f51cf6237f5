// pgsize-unsupported: applies to `paging` domains (including nest parents) with devices, and to
// prepared ones (an allocated HWPT is added to its IOAS at once): R16c is
// `iopt_table_add_domain`, which only HWPT_PAGING goes through; a nested HWPT is never added to
// the IOAS. Default domains are kernel DMA domains, outside iommufd.

import { formatSize } from '../../model/intervals';
import { example, type AnalysisCheck } from '../check';
import { pageTableDomains } from './common';

const check: AnalysisCheck = {
  code: 'pgsize-unsupported',
  severity: 'error',
  family: 'reserved',
  title: "A domain's minimum page is larger than the CPU page size under iommufd.",
  explanation: {
    anchor: "the domain's name",
    what: "Under `iommufd`, the domain's minimum page is larger than `page-size` (-EINVAL at attach).",
    why: 'iommufd supports only domains whose smallest page is at most PAGE_SIZE: a 64K-granule domain under a 4K kernel fails at attach with -EINVAL (R16c, R31).',
    fix: "Run a kernel whose PAGE_SIZE is at least the IOMMU's smallest page, or configure a smaller granule.",
    fires: example`
      page-size 4K
      iommu smmu0 { model smmuv3  pgsizes 64K 512M }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging { attach gpu }
    `,
    nearMiss: example`
      page-size 64K
      iommu smmu0 { model smmuv3  pgsizes 64K 512M }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging { attach gpu }
    `,
  },
  rules: 'R16c, R31, M20',
  run(ctx) {
    if (ctx.config.backend !== 'iommufd') return;
    for (const dom of ctx.shared(pageTableDomains)) {
      const io = dom.iommu;
      if (dom.type !== 'paging' || !io || io.broken) continue;
      if (io.minPage <= ctx.config.pageSize) continue;
      const pg = io.decl.props.find((p) => p.kind === 'pgsizes');
      ctx.report(
        'pgsize-unsupported',
        dom.nameLoc,
        `domain '${dom.name}' on '${io.name}' has a minimum page of ${formatSize(io.minPage)}, larger than the ${formatSize(ctx.config.pageSize)} CPU page size: iommufd refuses the page table when it is allocated or a device attaches (-EINVAL, iopt_table_add_domain)`,
        [{ loc: pg ? { file: io.nameLoc.file, span: pg.span } : io.nameLoc, message: `'${io.name}' supports pages of ${io.pgsizes.map(formatSize).join(' ')}` }],
      );
    }
  },
};

export default check;
