// What the editor shows from the last analysis: hover, inlay hints, semantic tokens, the outline,
// workspace symbols, folding.

import {
  FoldingRangeKind,
  InlayHintKind,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type FoldingRange,
  type FoldingRangeParams,
  type Hover,
  type HoverParams,
  type InlayHint,
  type InlayHintParams,
  type SemanticTokens,
  type Range,
  type SemanticTokensParams,
  type SemanticTokensRangeParams,
  type SymbolInformation,
  type WorkspaceSymbolParams,
} from 'vscode-languageserver/node';
import { foldingRanges } from '../../ide/folding';
import { hover } from '../../ide/hover';
import { inlayHints } from '../../ide/inlayHints';
import { semanticTokens } from '../../ide/semanticTokens';
import { documentSymbols, workspaceSymbols, type OutlineSymbol } from '../../ide/symbols';
import type { SourceFile } from '../../model/types';
import { encodeTokens, SYMBOL_KIND } from '../convert';
import type { FeatureContext } from './context';

export function onHover(ctx: FeatureContext, params: HoverParams): Hover | null {
  const v = ctx.view(params.textDocument.uri);
  const at = v && ctx.offset(v, params.position);
  if (!v || at === null) return null;
  const h = hover(v.analysis, v.file, at);
  const range = h && ctx.range(v.file, h.span);
  return h && range ? { contents: { kind: 'markdown', value: h.contents }, range } : null;
}

export function onInlayHints(ctx: FeatureContext, params: InlayHintParams): InlayHint[] {
  const v = ctx.view(params.textDocument.uri);
  if (!v) return [];
  const start = v.map.toAnalysed(v.map.current.offset(params.range.start));
  const end = v.map.toAnalysed(v.map.current.offset(params.range.end));
  const span = start !== null && end !== null ? { start, end } : undefined;
  const out: InlayHint[] = [];
  for (const h of inlayHints(v.analysis.config, v.analysis.tx, v.file, span)) {
    const at = v.map.spanToCurrent({ start: h.offset, end: h.offset });
    if (!at) continue;
    out.push({ position: v.map.current.position(at.start), label: h.label, kind: InlayHintKind.Type, paddingLeft: true, ...(h.tooltip ? { tooltip: h.tooltip } : {}) });
  }
  return out;
}

export function onSemanticTokens(ctx: FeatureContext, params: SemanticTokensParams): SemanticTokens {
  return encodedTokens(ctx, params.textDocument.uri, null);
}

/** The tokens of the range asked for (an editor asks for what it shows of a large file first). */
export function onSemanticTokensRange(ctx: FeatureContext, params: SemanticTokensRangeParams): SemanticTokens {
  return encodedTokens(ctx, params.textDocument.uri, params.range);
}

function encodedTokens(ctx: FeatureContext, uri: string, range: Range | null): SemanticTokens {
  const v = ctx.view(uri);
  if (!v) return { data: [] };
  const now = ctx.project.host.read(v.path) ?? v.file.text;
  // the range in the analysed text (the whole file when an edit since touches its ends)
  const start = range && v.map.toAnalysed(v.map.current.offset(range.start));
  const end = range && v.map.toAnalysed(v.map.current.offset(range.end));
  const span = start !== null && end !== null ? { start, end } : undefined;
  const tokens = [];
  for (const t of semanticTokens(v.analysis.config, v.file, span)) {
    const s = v.map.spanToCurrent(t);
    if (s) tokens.push(s === t ? t : { ...t, start: s.start, end: s.end });
  }
  return { data: encodeTokens(now, v.map.current, tokens) };
}

export function onDocumentSymbols(ctx: FeatureContext, params: DocumentSymbolParams): DocumentSymbol[] {
  const v = ctx.view(params.textDocument.uri);
  if (!v) return [];
  const conv = (s: OutlineSymbol): DocumentSymbol[] => {
    const range = ctx.range(v.file, s.span);
    const selectionRange = ctx.range(v.file, s.selection);
    if (!range || !selectionRange) return [];
    return [{ name: s.name, detail: s.detail, kind: SYMBOL_KIND[s.kind], range, selectionRange, children: s.children.flatMap(conv) }];
  };
  return documentSymbols(v.file).flatMap(conv);
}

export function onWorkspaceSymbols(ctx: FeatureContext, params: WorkspaceSymbolParams): SymbolInformation[] {
  const configs = ctx.project.analysed().flatMap((c) => (c.analysis ? [c.analysis.config] : []));
  const files = new Map<string, SourceFile>();
  for (const c of configs) for (const f of c.files) files.set(f.path, f);
  const out: SymbolInformation[] = [];
  for (const s of workspaceSymbols(configs, params.query)) {
    const location = ctx.location({ file: files.get(s.path)!, span: s.span });
    if (location) out.push({ name: s.name, kind: SYMBOL_KIND[s.kind], containerName: s.container, location });
  }
  return out;
}

export function onFoldingRanges(ctx: FeatureContext, params: FoldingRangeParams): FoldingRange[] {
  const file = ctx.currentParse(params.textDocument.uri);
  if (!file) return [];
  return foldingRanges(file).map((f) => ({ startLine: f.startLine, endLine: f.endLine, kind: f.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region }));
}
