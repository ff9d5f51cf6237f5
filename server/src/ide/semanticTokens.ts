// Semantic tokens: names by the kind of what they denote (declarations marked), keywords,
// numbers, strings, comments and property values.

import { eachToken, type TokenInfo } from '../../../grammar/src/index';
import type { Configuration, SourceFile, SymbolKind } from '../model/types';

export type TokenKind = SymbolKind | 'keyword' | 'number' | 'string' | 'comment' | 'value' | 'operator';

export interface SemanticToken {
  start: number;
  end: number;
  kind: TokenKind;
  declaration: boolean;
}

/** What each kind of token is shown as (names that refer to something are shown as what they name). */
const TOKEN_KIND: Record<TokenInfo['kind'], TokenKind> = {
  keyword: 'keyword',
  number: 'number',
  pci: 'number',
  string: 'string',
  comment: 'comment',
  name: 'value',
  punctuation: 'operator', // `->` and `..` only
};

/**
 * The file's tokens in order; with `span`, only those that overlap it (the text is scanned from
 * its start, since a comment or string may begin before the span, and no further than its end).
 */
export function semanticTokens(config: Configuration | null, file: SourceFile, span?: { start: number; end: number }): SemanticToken[] {
  const from = span?.start ?? 0;
  const refs = new Map<number, { kind: SymbolKind | null; declaration: boolean }>();
  if (config)
    for (const r of config.references)
      if (r.loc.file === file)
        refs.set(r.loc.span.start, { kind: r.target?.kind ?? null, declaration: !!r.target && r.target.nameLoc.file === file && r.target.nameLoc.span.start === r.loc.span.start });
  const out: SemanticToken[] = [];
  // one object per token (a large file has hundreds of thousands)
  eachToken(
    file.text,
    (start, end, kind, operator) => {
      if (end <= from) return;
      const ref = refs.get(start);
      if (ref) {
        if (ref.kind) out.push({ start, end, kind: ref.kind, declaration: ref.declaration });
        return;
      }
      if (kind !== 'punctuation' || operator) out.push({ start, end, kind: TOKEN_KIND[kind], declaration: false });
    },
    span?.end,
  );
  return out;
}
