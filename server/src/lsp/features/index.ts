// Every request the analysis owner answers, by method. A custom request (e.g. the address map)
// is one more entry here and one line in ../capabilities.ts if the client must learn of it.

import { ADDRESS_MAP_REQUEST, onAddressMap, onCodeLens } from '../addressMap';
import type { FeatureContext } from './context';
import { onDocumentSymbols, onFoldingRanges, onHover, onInlayHints, onSemanticTokens, onSemanticTokensRange, onWorkspaceSymbols } from './display';
import { onCodeAction, onCompletion, onFormatting } from './edits';
import { onDefinition, onPrepareRename, onReferences, onRename } from './navigation';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Feature = (ctx: FeatureContext, params: any) => unknown;

export const FEATURES: Record<string, Feature> = {
  'textDocument/hover': onHover,
  'textDocument/definition': onDefinition,
  'textDocument/references': onReferences,
  'textDocument/prepareRename': onPrepareRename,
  'textDocument/rename': onRename,
  'textDocument/documentSymbol': onDocumentSymbols,
  'workspace/symbol': onWorkspaceSymbols,
  'textDocument/completion': onCompletion,
  'textDocument/semanticTokens/full': onSemanticTokens,
  'textDocument/semanticTokens/range': onSemanticTokensRange,
  'textDocument/foldingRange': onFoldingRanges,
  'textDocument/formatting': onFormatting,
  'textDocument/codeAction': onCodeAction,
  'textDocument/inlayHint': onInlayHints,
  'textDocument/codeLens': onCodeLens,
  [ADDRESS_MAP_REQUEST]: onAddressMap,
};

export { FeatureContext } from './context';
export { FeatureRefusal } from './navigation';
