// Words shared by the text and SVG forms of the address map, so both say the same thing.

import * as path from 'node:path';
import { formatSize, hexGrouped, SIZE_UNITS } from '../../model/intervals';
import type { AddressMap, Band, Limit, MarkedDiagnostic, Row, SourceRef } from './types';

/** A size in the language's units; huge powers of two as 2^N. */
export function sizeLabel(size: bigint): string {
  if (size >= 1n << 50n && (size & (size - 1n)) === 0n) return `2^${size.toString(2).length - 1}`;
  for (const [u, s] of SIZE_UNITS) {
    if (size < u) continue;
    if (size % u === 0n) return `${size / u}${s}`;
    // not a whole number of the largest unit it reaches: about so many, to 3 significant digits
    const hundredths = Number((size * 100n) / u) / 100;
    return `≈${hundredths >= 100 ? Math.round(hundredths) : Number(hundredths.toPrecision(3))}${s}`;
  }
  return formatSize(size);
}

export function rangeLabel(start: bigint, last: bigint): string {
  return start === last ? hexGrouped(start) : `${hexGrouped(start)}..${hexGrouped(last)}`;
}

/** `line 12` in the root file, `other.iommu:12` elsewhere (1-based). */
export function sourceLabel(map: AddressMap, s: SourceRef): string {
  return s.path === map.root ? `line ${s.line + 1}` : `${path.basename(s.path)}:${s.line + 1}`;
}

/** What kind of band, in a word: the region type for reserved regions, the state for doorbells. */
export function bandTag(b: Band): string {
  if (b.kind === 'reserved') return b.regionType ?? 'reserved';
  if (b.kind === 'msi') return 'msi-address';
  return b.kind;
}

export function gapLabel(r: Row): string {
  return r.kind === 'beyond' ? `${sizeLabel(r.last - r.start + 1n)} outside` : `${sizeLabel(r.last - r.start + 1n)} empty`;
}

export function limitLabel(l: Limit): string {
  return `${l.what === 'aperture' ? 'aperture' : 'output range'} end 2^${l.bits} = ${hexGrouped(l.value)}`;
}

export function diagnosticLabel(map: AddressMap, i: number, d: MarkedDiagnostic): string {
  return `!${i + 1} ${d.severity} ${d.code} (${sourceLabel(map, d.source)}): ${d.message}`;
}
