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
const TOKEN_INDEX: Record<TokenKind, number> = {
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
export function encodeTokens(text: string, lines: LineIndex, tokens: Iterable<{ start: number; end: number; kind: TokenKind; declaration?: boolean }>): number[] {
  const data: number[] = [];
  let line = 0;
  let char = 0;
  for (const t of tokens) {
    let s = t.start;
    while (s < t.end) {
      const pos = lines.position(s);
      const lineEnd = pos.line + 1 < lines.lineCount ? lines.lineStart(pos.line + 1) : text.length;
      let e = Math.min(t.end, lineEnd);
      while (e > s && (text[e - 1] === '\n' || text[e - 1] === '\r')) e--;
      if (e > s) {
        data.push(pos.line - line, pos.line === line ? pos.character - char : pos.character, e - s, TOKEN_INDEX[t.kind], t.declaration ? 1 : 0);
        line = pos.line;
        char = pos.character;
      }
      if (lineEnd <= s) break;
      s = lineEnd;
    }
  }
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
