// Inclusive 64-bit intervals and a static interval index (sort once, binary search per query).

export const U64_MAX = (1n << 64n) - 1n;

/** An inclusive interval [start, last]. */
export interface Interval {
  start: bigint;
  last: bigint;
}

export function intersects(a: Interval, b: Interval): boolean {
  return a.start <= b.last && b.start <= a.last;
}

export function contains(outer: Interval, inner: Interval): boolean {
  return outer.start <= inner.start && inner.last <= outer.last;
}

export function containsPoint(i: Interval, p: bigint): boolean {
  return i.start <= p && p <= i.last;
}

export function sizeOf(i: Interval): bigint {
  return i.last - i.start + 1n;
}

export function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

/** `0x…` grouped with `_` every 4 digits (as users write long addresses), e.g. 0x8_0000_1000. */
export function hexGrouped(v: bigint): string {
  const digits = v.toString(16);
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end));
  return '0x' + groups.join('_');
}

/** sysfs `reserved_regions` style: 16 zero-padded hex digits. */
export function hex16(v: bigint): string {
  return '0x' + v.toString(16).padStart(16, '0');
}

export function formatInterval(i: Interval): string {
  return `${hex(i.start)}..${hex(i.last)}`;
}

/** The language's size suffixes, largest first. */
export const SIZE_UNITS: readonly (readonly [bigint, string])[] = [
  [1n << 50n, 'P'],
  [1n << 40n, 'T'],
  [1n << 30n, 'G'],
  [1n << 20n, 'M'],
  [1n << 10n, 'K'],
];

/** Human size: 4K, 1M, 2G, or hex when not a whole unit. */
export function formatSize(size: bigint): string {
  for (const [u, s] of SIZE_UNITS) if (size >= u && size % u === 0n) return `${size / u}${s}`;
  return size < 1024n ? `${size}` : hex(size);
}

export function alignDown(v: bigint, a: bigint): bigint {
  return v - (v % a);
}

export function alignUp(v: bigint, a: bigint): bigint | null {
  const r = v % a;
  const up = r === 0n ? v : v + (a - r);
  return up > U64_MAX ? null : up;
}

export function isPowerOfTwo(v: bigint): boolean {
  return v > 0n && (v & (v - 1n)) === 0n;
}

/**
 * A static index over intervals carrying values: sorted by start once, with the running
 * maximum of `last`, so that a query walks only the entries that can still reach it.
 */
export class IntervalIndex<T extends Interval> {
  private readonly items: T[];
  private readonly maxLast: bigint[];

  constructor(items: Iterable<T>) {
    this.items = [...items].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    this.maxLast = [];
    let m = -1n;
    for (const it of this.items) {
      if (it.last > m) m = it.last;
      this.maxLast.push(m);
    }
  }

  get size(): number {
    return this.items.length;
  }

  all(): readonly T[] {
    return this.items;
  }

  /** Every entry intersecting [start, last], in index (start) order. */
  overlapping(start: bigint, last: bigint): T[] {
    const out: T[] = [];
    // last index whose start <= last
    let lo = 0;
    let hi = this.items.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid]!.start <= last) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (let i = idx; i >= 0 && this.maxLast[i]! >= start; i--) {
      const it = this.items[i]!;
      if (it.last >= start) out.push(it);
    }
    return out.reverse();
  }

  /** Every entry containing the point. */
  containing(p: bigint): T[] {
    return this.overlapping(p, p);
  }
}

/**
 * Merge inclusive intervals that overlap or touch (next.start <= top.last + 1), as the kernel's
 * `iommu_insert_resv_region` does for regions of one type.
 */
export function mergeTouching<T extends Interval>(items: readonly T[], make: (first: T, start: bigint, last: bigint) => T): T[] {
  const sorted = [...items].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: T[] = [];
  for (const it of sorted) {
    const top = out[out.length - 1];
    if (top && it.start <= top.last + 1n) {
      if (it.last > top.last) out[out.length - 1] = make(top, top.start, it.last);
    } else out.push(it);
  }
  return out;
}

/** Pairs of intersecting intervals found by one sort-and-sweep: each later item with an earlier one it hits. */
export function sweepOverlaps<T extends Interval>(items: readonly T[], order: (t: T) => number): [T, T][] {
  const sorted = [...items].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : order(a) - order(b)));
  const pairs: [T, T][] = [];
  let reach: T | null = null; // the interval with the largest `last` so far
  for (const it of sorted) {
    if (reach && it.start <= reach.last) {
      // report on the later one (source order), related to the other
      if (order(it) > order(reach)) pairs.push([it, reach]);
      else pairs.push([reach, it]);
    }
    if (!reach || it.last > reach.last) reach = it;
  }
  return pairs;
}
