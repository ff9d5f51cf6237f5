// Shared by the nesting checks (checks.md "Nesting"): the parent of a nested domain, nesting
// support of the IOMMU, stage-2 coverage of the guest's stage-1 output and PASID table, and
// the PASID table format and granularity of the IOMMU model (R43, R47).

import { formatInterval, formatSize, mergeTouching, sizeOf, type Interval } from '../../model/intervals';
import type { Translation } from '../../model/translation';
import type { Domain } from '../../model/types';

/** The union of a paging domain's maps (explicit and implicit) as sorted, merged intervals. */
export function coverage(tx: Translation, dom: Domain): Interval[] {
  return mergeTouching(
    tx.mapsOf(dom).map((m) => ({ start: m.input.start, last: m.input.last })),
    (_first, start, last) => ({ start, last }),
  );
}

/** The parts of `want` that `cover` (sorted, merged, disjoint) leaves out. */
export function uncovered(cover: readonly Interval[], want: Interval): Interval[] {
  const out: Interval[] = [];
  // first interval whose last >= want.start
  let lo = 0;
  let hi = cover.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cover[mid]!.last < want.start) lo = mid + 1;
    else hi = mid;
  }
  let cur = want.start;
  for (let i = lo; i < cover.length; i++) {
    const c = cover[i]!;
    if (c.start > want.last) break;
    if (c.start > cur) out.push({ start: cur, last: c.start - 1n });
    if (c.last >= want.last) return out;
    cur = c.last + 1n;
  }
  out.push({ start: cur, last: want.last });
  return out;
}

export function describeGaps(gaps: Interval[]): string {
  const total = gaps.reduce((s, g) => s + sizeOf(g), 0n);
  const shown = gaps.slice(0, 3).map(formatInterval).join(', ');
  return `${shown}${gaps.length > 3 ? ` and ${gaps.length - 3} more` : ''} (${formatSize(total)} in all)`;
}

