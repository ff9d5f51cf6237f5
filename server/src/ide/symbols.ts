// Document symbols (the outline) and workspace symbols.

import type * as ast from '../../../grammar/src/ast';
import { formatSize, hexGrouped } from '../model/intervals';
import type { Configuration, SourceFile, SymbolKind } from '../model/types';

export type OutlineKind = SymbolKind | 'map';

export interface OutlineSymbol {
  name: string;
  kind: OutlineKind;
  detail: string;
  /** The whole declaration. */
  span: ast.Span;
  /** The name (or the map's keyword). */
  selection: ast.Span;
  children: OutlineSymbol[];
}

function mapLabel(m: ast.MapStmt): string {
  const r = m.input;
  if (!r) return 'map';
  const start = r.start.value === null ? r.start.text : hexGrouped(r.start.value);
  const size = r.size?.value != null ? ` size ${formatSize(r.size.value)}` : r.last ? `..${r.last.text}` : '';
  const target = m.target ? (m.target.kind === 'address' ? m.target.value.text : m.target.ref.text) : '?';
  return `${start}${size} -> ${target}`;
}

/**
 * At most this many maps are listed in a file's outline; the rest of each domain's maps are one
 * entry (an outline of 100k maps helps no one and costs seconds to send, so VS Code's own JSON
 * service likewise stops its outline at 5,000 items).
 */
export const MAX_OUTLINE_MAPS = 5000;

export function documentSymbols(file: SourceFile, maxMaps = MAX_OUTLINE_MAPS): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  let budget = maxMaps;
  for (const st of file.ast.statements) {
    if (st.kind !== 'iommu' && st.kind !== 'irqchip' && st.kind !== 'device' && st.kind !== 'group' && st.kind !== 'domain') continue;
    if (!st.name) continue;
    let detail = '';
    const children: OutlineSymbol[] = [];
    if (st.kind === 'domain') {
      detail = st.type?.text ?? '';
      let first: ast.MapStmt | null = null;
      let last: ast.MapStmt | null = null;
      let more = 0;
      for (const s of st.stmts) {
        if (s.kind !== 'map') continue;
        if (budget > 0) {
          budget--;
          children.push({ name: mapLabel(s), kind: 'map', detail: s.perm?.text ?? '', span: s.span, selection: s.keyword, children: [] });
        } else {
          first ??= s;
          last = s;
          more++;
        }
      }
      if (first && last) {
        const detail = `not listed: the outline shows at most ${maxMaps.toLocaleString('en')} maps`;
        children.push({ name: `… ${more.toLocaleString('en')} more map${more === 1 ? '' : 's'}`, kind: 'map', detail, span: { start: first.span.start, end: last.span.end }, selection: first.keyword, children: [] });
      }
    } else if (st.kind === 'iommu' || st.kind === 'irqchip') {
      const model = st.props.find((p): p is ast.ModelProp => p.kind === 'model');
      detail = model?.value?.text ?? '';
    } else if (st.kind === 'device') {
      const pci = st.props.find((p): p is ast.PciProp => p.kind === 'pci');
      detail = pci?.value?.text ?? '';
    } else detail = st.members.map((m) => m.text).join(' ');
    out.push({ name: st.name.text, kind: st.kind, detail, span: st.span, selection: st.name.span, children });
  }
  return out;
}

export interface WorkspaceSymbol {
  name: string;
  kind: SymbolKind;
  path: string;
  span: ast.Span;
  container: string;
}

/** Symbols of every configuration whose name contains the query's characters in order (case-insensitive). */
export function workspaceSymbols(configs: Iterable<Configuration>, query: string): WorkspaceSymbol[] {
  const q = query.toLowerCase();
  const seen = new Set<string>();
  const out: WorkspaceSymbol[] = [];
  for (const c of configs)
    for (const sym of c.symbols.values()) {
      if (!fuzzy(sym.name.toLowerCase(), q)) continue;
      const key = `${sym.nameLoc.file.path}:${sym.nameLoc.span.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name: sym.name, kind: sym.kind, path: sym.nameLoc.file.path, span: sym.nameLoc.span, container: sym.kind });
    }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function fuzzy(name: string, q: string): boolean {
  let i = 0;
  for (const ch of name) if (i < q.length && ch === q[i]) i++;
  return i === q.length;
}
