// The axis of one lane: the address space cut at every band edge (and at the lane's limit) into
// rows. A row some band covers is drawn with a height that grows with the logarithm of its size,
// so a 4 KiB doorbell page and a 1 TiB RAM map are both readable; an empty stretch, however
// long, is one short collapsed row with a visible break. Overlapping bands get side-by-side
// tracks: reserved regions first, then MSI addresses, then targets, then the maps (rightmost, so
// their arrows leave the lane freely); a band then widens over the tracks beside it left free.

import type { Band, BandKind, Limit, Row } from './types';

const SPACE_END = 1n << 64n;
export const GAP_HEIGHT = 30;
const MIN_HEIGHT = 30;
const MAX_HEIGHT = 150;

const CATEGORY: Record<BandKind, number> = {
  reserved: 0,
  msi: 1,
  target: 2,
  doorbell: 2,
  map: 3,
  slot: 3,
  'msi-bind': 3,
  rmr: 3,
  'direct-map': 3,
  'pasid-table': 3,
};

function bitLength(v: bigint): number {
  return v <= 0n ? 0 : v.toString(2).length;
}

/** Height of a used row: 30 px for a page or less, 4 px more per doubling, at most 150. */
export function rowHeight(size: bigint): number {
  const log2 = bitLength(size) - 1;
  return Math.min(MAX_HEIGHT, MIN_HEIGHT + 4 * Math.max(0, log2 - 12));
}

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

function assignTracks(bands: Band[]): number {
  let offset = 0;
  for (let cat = 0; cat <= 3; cat++) {
    const members = bands
      .map((b, i) => ({ b, i }))
      .filter((x) => CATEGORY[x.b.kind] === cat)
      .sort((x, y) => cmp(x.b.start, y.b.start) || cmp(y.b.last, x.b.last) || x.i - y.i);
    const ends: bigint[] = [];
    for (const { b } of members) {
      let t = ends.findIndex((e) => e < b.start);
      if (t < 0) {
        t = ends.length;
        ends.push(b.last);
      } else ends[t] = b.last;
      b.track = offset + t;
    }
    offset += ends.length;
  }
  const tracks = Math.max(1, offset);
  widen(bands, tracks);
  return tracks;
}

/** Let each band span the free tracks beside it: nothing else overlaps it there. */
function widen(bands: Band[], tracks: number): void {
  const byTrack: Band[][] = Array.from({ length: tracks }, () => []);
  for (const b of bands) byTrack[b.track]!.push(b);
  for (const list of byTrack) list.sort((x, y) => cmp(x.start, y.start));
  // within a track bands never overlap: the one starting last at or before `last` is the only candidate
  const free = (t: number, start: bigint, last: bigint): boolean => {
    const list = byTrack[t]!;
    let lo = 0;
    let hi = list.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.start <= last) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at < 0 || list[at]!.last < start;
  };
  // First rightwards, against the original placement: a band that could reach a free track is
  // stopped by any overlapping band in a track between, so no two claims collide.
  for (const b of bands) {
    let right = b.track;
    while (right + 1 < tracks && free(right + 1, b.start, b.last)) right++;
    b.span = right - b.track + 1;
  }
  // Then leftwards, against what the first pass occupies: the same argument holds.
  for (const list of byTrack) list.length = 0;
  for (const b of bands) for (let t = b.track; t < b.track + b.span; t++) byTrack[t]!.push(b);
  for (const list of byTrack) list.sort((x, y) => cmp(x.start, y.start));
  for (const b of bands) {
    let left = b.track;
    while (left > 0 && free(left - 1, b.start, b.last)) left--;
    b.span += b.track - left;
    b.track = left;
  }
}

export function layoutLane(bands: Band[], limit: Limit | null, _pageSize: bigint): { rows: Row[]; tracks: number } {
  const tracks = assignTracks(bands);
  let end = limit ? limit.value : bands.length ? 0n : SPACE_END;
  for (const b of bands) if (b.last + 1n > end) end = b.last + 1n;
  const pointSet = new Set<bigint>([0n, end]);
  if (limit && limit.value < end) pointSet.add(limit.value);
  for (const b of bands) {
    pointSet.add(b.start);
    pointSet.add(b.last + 1n);
  }
  const points = [...pointSet].sort(cmp);
  const index = new Map(points.map((p, i) => [p, i]));
  const cover = new Array<number>(points.length).fill(0);
  for (const b of bands) {
    cover[index.get(b.start)!]! += 1;
    cover[index.get(b.last + 1n)!]! -= 1;
  }
  const rows: Row[] = [];
  let depth = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    depth += cover[i]!;
    const start = points[i]!;
    const last = points[i + 1]! - 1n;
    if (depth > 0) rows.push({ start, last, kind: 'used', height: rowHeight(last - start + 1n) });
    else rows.push({ start, last, kind: limit && start >= limit.value ? 'beyond' : 'gap', height: GAP_HEIGHT });
  }
  return { rows, tracks };
}
