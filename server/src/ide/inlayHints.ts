// Inlay hints: the final PA of each map of a nested domain (through stage 2), and the address
// each device's MSIs are programmed with.

import { hex, hexGrouped } from '../model/intervals';
import type { Translation } from '../model/translation';
import type { Configuration, SourceFile } from '../model/types';
import { throughStage2 } from './hover';

export interface InlayHint {
  /** Shown after this offset. */
  offset: number;
  label: string;
  tooltip?: string;
}

export function inlayHints(config: Configuration, tx: Translation, file: SourceFile, range?: { start: number; end: number }): InlayHint[] {
  const out: InlayHint[] = [];
  const inRange = (o: number) => !range || (o >= range.start && o <= range.end);
  for (const dom of config.domains) {
    if (dom.type !== 'nested' || !dom.parent || dom.nameLoc.file !== file) continue;
    for (const m of dom.maps) {
      if (!m.stmt || !inRange(m.stmt.span.end)) continue;
      const size = m.input.last - m.input.start + 1n;
      const pieces = throughStage2(tx, dom.parent, { start: m.output, last: m.output + size - 1n });
      const first = pieces[0];
      let label: string;
      if (!first || first.pa === null) label = pieces.length === 1 ? '⇒ stage-2 fault' : `⇒ stage-2 fault, then PA ${hexGrouped(pieces.find((p) => p.pa !== null)!.pa!)}…`;
      else label = pieces.length === 1 ? `⇒ PA ${hexGrouped(first.pa)}` : `⇒ PA ${hexGrouped(first.pa)} (partly unmapped in stage 2)`;
      out.push({ offset: m.stmt.span.end, label, tooltip: `through stage 2 of '${dom.parent.name}'` });
    }
  }
  for (const d of config.devices) {
    if (!d.msi || d.msi.loc.file !== file || !inRange(d.msi.prop.span.end)) continue;
    const p = tx.programmedAddress(d);
    let label: string;
    switch (p.kind) {
      case 'address':
        label = `→ ${hex(p.address)}`;
        break;
      case 'kernel':
        label = '→ IOVA allocated by the kernel';
        break;
      case 'exhausted':
        label = '→ no SW_MSI slot';
        break;
      case 'unsupported':
        label = '→ MSI allocation fails (-EOPNOTSUPP)';
        break;
      case 'none':
        continue;
    }
    out.push({ offset: d.msi.prop.span.end, label, tooltip: p.how });
  }
  return out.sort((a, b) => a.offset - b.offset);
}
