// Shared by map-outside-aperture and output-outside-range: neither applies to nested domains.
// - The guest's IOVA width is that of its vIOMMU, which the language does not describe (R43:
//   the host does not check the guest's stage-1 input space).
// - A nested domain's output is an IPA, and an IPA at or beyond 2^ias of the parent can never
//   be mapped by it, which `s2-unmapped` already reports; reporting it twice would pile on.

import type { Domain, Iommu, Loc } from '../../model/types';

/** The iommu whose widths bound a domain's maps, or null when they are not judged. */
export function widthsIommu(dom: Domain): Iommu | null {
  const io = dom.iommu;
  if (!io || io.broken || dom.type === 'nested' || dom.maps.length === 0) return null;
  return io;
}

export function widthLoc(io: Iommu, k: 'ias' | 'oas'): Loc {
  const p = io.decl.props.find((x) => x.kind === k);
  return p ? { file: io.nameLoc.file, span: p.span } : io.nameLoc;
}

/** The map reaches 2^ias or beyond (map-outside-aperture's business). */
export function beyondAperture(io: Iommu, last: bigint): boolean {
  return io.ias < 64 && last >= 1n << BigInt(io.ias);
}
