// map-unaligned: applies to nested domains too, with the nested domain's IOMMU minimum page:
// the host never writes the guest's stage 1, but the guest's IOMMU driver maps through the
// same io-pgtable granule rules (R26), so a misaligned stage-1 map is refused there.

import { alignDown, alignUp, formatSize, hex, hexGrouped, sizeOf } from '../../model/intervals';
import type { DiagnosticData, Mapping } from '../../model/types';
import { addr, mapAt, parseAddr, rewriteMap } from '../edits';
import { example, type AnalysisCheck } from '../check';
import { mapText, pageTableDomains } from './common';

const check: AnalysisCheck = {
  code: 'map-unaligned',
  severity: 'error',
  family: 'reserved',
  title: "A map's start, output or size is not a multiple of the domain's minimum page.",
  explanation: {
    anchor: 'the `map`',
    what: "Input start, output start or size not a multiple of the domain's minimum page (smallest of its IOMMU's `pgsizes`; under `vfio-type1` at least `page-size`: -EINVAL from `VFIO_IOMMU_MAP_DMA`, `vfio_update_pgsize_bitmap`). Judged in domains with devices, and in an explicit `paging` domain with nothing attached under `iommufd` (an allocated HWPT, already part of its IOAS).",
    why: 'The core rejects `iova | paddr | size` not aligned to the smallest page of pgsize_bitmap (-EINVAL, "unaligned: iova … pa … size … min_pagesz …", R26). Under VFIO type1 the smallest page is at least PAGE_SIZE (`vfio_update_pgsize_bitmap` hides smaller sizes), so a 4K map fails on a 64K kernel even with a 4K IOMMU. Under iommufd an unattached paging HWPT already imposes its IOMMU\'s alignment on its IOAS (`iommufd_hwpt_paging_alloc` → `iopt_table_add_domain`).',
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
    const { tx, config } = ctx;
    for (const dom of ctx.shared(pageTableDomains)) {
      const io = dom.iommu;
      const min = tx.minPage(dom);
      if (!io || io.broken || min === null || dom.maps.length === 0) continue;
      const raised = min > io.minPage; // vfio-type1: PAGE_SIZE above the IOMMU's smallest page
      for (const m of dom.maps) {
        const size = sizeOf(m.input);
        const bad: string[] = [];
        if (m.input.start % min !== 0n) bad.push(`IOVA ${hex(m.input.start)}`);
        if (m.output % min !== 0n) bad.push(`output ${hex(m.output)}`);
        if (size % min !== 0n) bad.push(`size ${hex(size)}`);
        if (bad.length === 0) continue;
        const pg = io.decl.props.find((p) => p.kind === 'pgsizes');
        const text = raised
          ? `${mapText(m)} is not aligned to the ${formatSize(min)} minimum page of VFIO type1 (${bad.join(', ')}): vfio_update_pgsize_bitmap raises '${io.name}''s ${formatSize(io.minPage)} to the ${formatSize(config.pageSize)} PAGE_SIZE, and VFIO_IOMMU_MAP_DMA rejects the map with -EINVAL`
          : `${mapText(m)} is not aligned to the ${formatSize(min)} minimum page of '${io.name}' (${bad.join(', ')}): iommu_map rejects it with -EINVAL ("unaligned: iova ${hex(m.input.start)} pa ${hex(m.output)} size ${hex(size)} min_pagesz ${hex(min)}")`;
        const widened = widen(m, min);
        ctx.report(
          'map-unaligned',
          m.loc,
          text,
          [{ loc: pg ? { file: io.nameLoc.file, span: pg.span } : io.nameLoc, message: `'${io.name}' supports pages of ${io.pgsizes.map(formatSize).join(' ')}` }],
          widened ?? undefined,
        );
      }
    }
  },
  // data: the map widened to whole pages, { start, last, output (null for an irqchip target), page }
  fixes(d, { config }) {
    const start = parseAddr(d.data?.start);
    const last = parseAddr(d.data?.last);
    const page = parseAddr(d.data?.page);
    const output = d.data?.output === null ? null : parseAddr(d.data?.output);
    const at = mapAt(config, d.loc.file, d.loc.span.start);
    if (start === null || last === null || page === null || !at) return [];
    const edits = rewriteMap(d.loc.file, at.stmt, start, last, output);
    if (!edits) return [];
    // Not applied by --fix: widening gives the device DMA access to memory the map did not
    // cover, which a person decides (like ruff's unsafe fixes: they change what runs).
    return [{ title: `Widen the map to ${formatSize(page)} pages: ${hexGrouped(start)}..${hexGrouped(last)}`, edits, safe: false, preferred: true }];
  },
};

/** The smallest page-aligned map covering `m`, with its output shifted alike (null: none exists). */
function widen(m: Mapping, page: bigint): DiagnosticData | null {
  const start = alignDown(m.input.start, page);
  const end = alignUp(m.input.last + 1n, page);
  if (end === null) return null;
  const shift = m.input.start - start;
  const toAddress = m.stmt?.target?.kind === 'address';
  if (toAddress && (m.output < shift || (m.output - shift) % page !== 0n)) return null;
  return { start: addr(start), last: addr(end - 1n), output: toAddress ? addr(m.output - shift) : null, page: addr(page) };
}

export default check;
