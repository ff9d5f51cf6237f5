// The conversions between the project's plain data and the protocol's: severity, range, location,
// diagnostic, semantic tokens, symbol and completion kinds — each written once.

import {
  CompletionItemKind,
  DiagnosticSeverity,
  SymbolKind,
  type Diagnostic as LspDiagnostic,
  type Location,
  type Range,
} from 'vscode-languageserver/node';
import type { LineIndex } from '../../../grammar/src/lines';
import type { CompletionKind } from '../ide/completion';
import type { TokenKind } from '../ide/semanticTokens';
import type { OutlineKind } from '../ide/symbols';
import type { Severity } from '../model/types';
import type { PlainDiagnostic, PlainRange } from '../project/index';

export const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export function toRange(lines: LineIndex, span: { start: number; end: number }): Range {
  return { start: lines.position(span.start), end: lines.position(span.end) };
}

export function toLocation(uri: string, range: PlainRange): Location {
  return { uri, range };
}

export function toDiagnostic(d: PlainDiagnostic, uriOf: (path: string) => string): LspDiagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'iommu-check',
    message: d.message,
    ...(d.related.length ? { relatedInformation: d.related.map((r) => ({ location: toLocation(uriOf(r.path), r.range), message: r.message })) } : {}),
  };
}

export const TOKEN_TYPES = ['namespace', 'event', 'variable', 'struct', 'type', 'keyword', 'number', 'string', 'comment', 'enumMember', 'operator'];
export const TOKEN_MODIFIERS = ['declaration'];
export const TOKEN_INDEX: Record<TokenKind, number> = {
  iommu: 0,
  irqchip: 1,
  device: 2,
  group: 3,
  domain: 4,
  keyword: 5,
  number: 6,
  string: 7,
  comment: 8,
  value: 9,
  operator: 10,
};

/** Semantic tokens (offsets into `text`, in order) as the protocol's relative encoding, one entry per line of a token. */
export function encodeTokens(text: string, lines: LineIndex, tokens: readonly { start: number; end: number; kind: TokenKind; declaration?: boolean }[]): number[] {
  // five numbers a token (more for one over several lines): made at its size, not grown by pushing
  const data: number[] = new Array<number>(tokens.length * 5);
  let n = 0;
  let line = 0;
  let char = 0;
  // the token type of the kind before (runs of one kind are common), without a lookup each
  let kind: TokenKind | null = null;
  let index = 0;
  // the line of the offset being encoded, found by walking forward (tokens come in order)
  let at = 0;
  const lineCount = lines.lineCount;
  for (const t of tokens) {
    let s = t.start;
    while (s < t.end) {
      if (s < lines.lineStart(at)) at = lines.position(s).line;
      while (at + 1 < lineCount && lines.lineStart(at + 1) <= s) at++;
      const lineEnd = at + 1 < lineCount ? lines.lineStart(at + 1) : text.length;
      let e = Math.min(t.end, lineEnd);
      while (e > s && (text.charCodeAt(e - 1) === 10 || text.charCodeAt(e - 1) === 13)) e--;
      if (e > s) {
        const character = s - lines.lineStart(at);
        if (t.kind !== kind) {
          kind = t.kind;
          index = TOKEN_INDEX[kind];
        }
        data[n++] = at - line;
        data[n++] = at === line ? character - char : character;
        data[n++] = e - s;
        data[n++] = index;
        data[n++] = t.declaration ? 1 : 0;
        line = at;
        char = character;
      }
      if (lineEnd <= s) break;
      s = lineEnd;
    }
  }
  data.length = n;
  return data;
}

export const SYMBOL_KIND: Record<OutlineKind, SymbolKind> = {
  iommu: SymbolKind.Namespace,
  irqchip: SymbolKind.Event,
  device: SymbolKind.Variable,
  group: SymbolKind.Struct,
  domain: SymbolKind.Module,
  map: SymbolKind.Field,
};

export const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  value: CompletionItemKind.EnumMember,
  code: CompletionItemKind.Constant,
  iommu: CompletionItemKind.Module,
  irqchip: CompletionItemKind.Event,
  device: CompletionItemKind.Variable,
  group: CompletionItemKind.Struct,
  domain: CompletionItemKind.Class,
};
