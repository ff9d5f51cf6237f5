// The address map as text, for terminals and tests: per view, each lane from low to high
// addresses, one line per band (range, kind, label, detail, source, diagnostic marks) and one per
// collapsed empty stretch, the lane's limit where it falls, then the view's diagnostics.

import { bandTag, diagnosticLabel, gapLabel, limitLabel, rangeLabel, sourceLabel } from './labels';
import type { AddressMap, Band, DomainView, Lane } from './types';

function laneText(map: AddressMap, lane: Lane): string[] {
  const out: string[] = [];
  out.push(`  ${lane.space} — ${lane.caption}${lane.limit ? ` (${lane.limit.what} 2^${lane.limit.bits})` : ''}`);
  const starts = new Map<bigint, Band[]>();
  for (const b of lane.bands) {
    const list = starts.get(b.start) ?? [];
    starts.set(b.start, list);
    list.push(b);
  }
  const width = Math.max(0, ...lane.rows.map((r) => rangeLabel(r.start, r.last).length), ...lane.bands.map((b) => rangeLabel(b.start, b.last).length));
  const tagWidth = Math.max(0, ...lane.bands.map((b) => bandTag(b).length));
  for (const r of lane.rows) {
    if (lane.limit && r.start === lane.limit.value) out.push(`    ${'─'.repeat(width)}  ${limitLabel(lane.limit)}`);
    if (r.kind !== 'used') {
      out.push(`    ${rangeLabel(r.start, r.last).padEnd(width)}  ┆ ${gapLabel(r)}`);
      continue;
    }
    const here = (starts.get(r.start) ?? []).sort((x, y) => x.track - y.track);
    for (const b of here) {
      const marks = b.diagnostics.length ? `  ${b.diagnostics.map((i) => `!${i + 1}`).join(' ')}` : '';
      const src = b.source ? `  (${sourceLabel(map, b.source)})` : '';
      const state = b.state ? ` [${b.state}]` : '';
      out.push(`    ${rangeLabel(b.start, b.last).padEnd(width)}  ${bandTag(b).padEnd(tagWidth)}  ${b.label}${state}  ${b.detail}${src}${marks}`);
    }
  }
  const end = lane.rows[lane.rows.length - 1];
  if (lane.limit && end && end.last + 1n === lane.limit.value) out.push(`    ${'─'.repeat(width)}  ${limitLabel(lane.limit)}`);
  return out;
}

function viewText(map: AddressMap, v: DomainView): string[] {
  const out = [`${v.title}${v.role ? ` — ${v.role}` : ''}`];
  for (const n of v.notes) out.push(`  ${n}`);
  for (const lane of v.lanes) {
    out.push('');
    out.push(...laneText(map, lane));
  }
  if (v.diagnostics.length) {
    out.push('', '  diagnostics');
    v.diagnostics.forEach((d, i) => out.push(`    ${diagnosticLabel(map, i, d)}`));
  }
  return out;
}

export function addressMapText(map: AddressMap): string {
  const out = [`address map of ${map.subject.kind} ${map.subject.name} (${map.context})`];
  for (const v of map.views) out.push('', ...viewText(map, v));
  return out.join('\n') + '\n';
}
