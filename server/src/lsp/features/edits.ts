// Features that change text: completion (on the text now, with the names of the last analysis),
// formatting (of the text now) and code actions (from the last analysis's diagnostics).

import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  type CompletionParams,
  type DocumentFormattingParams,
  type TextEdit,
} from 'vscode-languageserver/node';
import { LineIndex } from '../../../../grammar/src/lines';
import { codeActions } from '../../ide/codeActions';
import { completion } from '../../ide/completion';
import { formatEdits } from '../../ide/format';
import { toPlain } from '../../project/index';
import { COMPLETION_KIND, toDiagnostic, toRange } from '../convert';
import type { FeatureContext } from './context';
import { workspaceEdit } from './navigation';

export function onCompletion(ctx: FeatureContext, params: CompletionParams): CompletionItem[] {
  const v = ctx.view(params.textDocument.uri);
  const text = ctx.project.host.read(ctx.docs.pathOf(params.textDocument.uri));
  if (text === undefined) return [];
  const lines = v ? v.map.current : new LineIndex(text);
  const offset = lines.offset(params.position);
  return completion(text, offset, v?.analysis.config ?? null).map((it) => ({
    label: it.label,
    kind: COMPLETION_KIND[it.kind],
    ...(it.detail ? { detail: it.detail } : {}),
    textEdit: { range: toRange(lines, it.replace), newText: it.label },
  }));
}

export function onFormatting(ctx: FeatureContext, params: DocumentFormattingParams): TextEdit[] {
  const file = ctx.currentParse(params.textDocument.uri);
  if (!file) return [];
  return formatEdits(file).map((e) => ({ range: toRange(file.lines, e.span), newText: e.newText }));
}

export function onCodeAction(ctx: FeatureContext, params: CodeActionParams): CodeAction[] {
  const v = ctx.view(params.textDocument.uri);
  if (!v) return [];
  const start = ctx.offset(v, params.range.start);
  const end = ctx.offset(v, params.range.end);
  if (start === null || end === null) return [];
  const files = new Map(v.analysis.config.files.map((f) => [f.path, f]));
  const out: CodeAction[] = [];
  for (const x of codeActions(v.analysis, v.file, { start, end })) {
    const range = ctx.range(x.diagnostic.loc.file, x.diagnostic.loc.span);
    const edit = workspaceEdit(ctx, x.edits, files);
    if (!range || !edit) continue;
    const diagnostic = toDiagnostic({ ...toPlain(x.diagnostic), range }, (p) => ctx.docs.uriOf(p));
    out.push({ title: x.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, ...(x.preferred ? { isPreferred: true } : {}) });
  }
  return out;
}
