// Semantic tokens: names by the kind of what they denote (declarations marked), keywords,
// numbers, strings, comments and property values.

import { tokenize } from '../../../grammar/src/index';
import type { Configuration, SourceFile, SymbolKind } from '../model/types';

export type TokenKind = SymbolKind | 'keyword' | 'number' | 'string' | 'comment' | 'value' | 'operator';

export interface SemanticToken {
  start: number;
  end: number;
  kind: TokenKind;
  declaration: boolean;
}

export function semanticTokens(config: Configuration | null, file: SourceFile): SemanticToken[] {
  const refs = new Map<number, { kind: SymbolKind | null; declaration: boolean }>();
  if (config)
    for (const r of config.references)
      if (r.loc.file === file)
        refs.set(r.loc.span.start, { kind: r.target?.kind ?? null, declaration: !!r.target && r.target.nameLoc.file === file && r.target.nameLoc.span.start === r.loc.span.start });
  const out: SemanticToken[] = [];
  for (const t of tokenize(file.text)) {
    const base = { start: t.span.start, end: t.span.end, declaration: false };
    const ref = refs.get(t.span.start);
    if (ref) {
      if (ref.kind) out.push({ ...base, kind: ref.kind, declaration: ref.declaration });
      continue;
    }
    switch (t.kind) {
      case 'keyword':
        out.push({ ...base, kind: 'keyword' });
        break;
      case 'number':
      case 'pci':
        out.push({ ...base, kind: 'number' });
        break;
      case 'string':
        out.push({ ...base, kind: 'string' });
        break;
      case 'comment':
        out.push({ ...base, kind: 'comment' });
        break;
      case 'name':
        out.push({ ...base, kind: 'value' });
        break;
      case 'punctuation':
        if (t.image === '->' || t.image === '..') out.push({ ...base, kind: 'operator' });
        break;
    }
  }
  return out;
}
