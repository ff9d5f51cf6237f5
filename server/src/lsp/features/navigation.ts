// Go to definition, find references, rename: across the included files of every configuration
// that holds the document, from their last analyses.

import {
  ErrorCodes,
  type DefinitionParams,
  type Location,
  type PrepareRenameParams,
  type ReferenceParams,
  type RenameParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextEdit as IdeEdit } from '../../ide/common';
import { definition, prepareRename, references, rename } from '../../ide/navigation';
import type { SourceFile } from '../../model/types';
import type { FeatureContext } from './context';

/** An answer for the user ("cannot rename this"), not a failure. */
export class FeatureRefusal extends Error {
  constructor(
    message: string,
    readonly code: number = ErrorCodes.InvalidRequest,
  ) {
    super(message);
  }
}

const CHANGED = 'the file changed since it was last checked: try again in a moment';

export function onDefinition(ctx: FeatureContext, params: DefinitionParams): Location | null {
  const v = ctx.view(params.textDocument.uri);
  const at = v && ctx.offset(v, params.position);
  if (!v || at === null) return null;
  const loc = definition(v.analysis.config, v.file, at);
  return loc ? ctx.location(loc) : null;
}

export function onReferences(ctx: FeatureContext, params: ReferenceParams): Location[] {
  const out: Location[] = [];
  const seen = new Set<string>();
  for (const v of ctx.views(params.textDocument.uri)) {
    const at = ctx.offset(v, params.position);
    if (at === null) continue;
    for (const loc of references(v.analysis.config, v.file, at, params.context.includeDeclaration)) {
      const key = `${loc.file.path}:${loc.span.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const l = ctx.location(loc);
      if (l) out.push(l);
    }
  }
  return out;
}

export function onPrepareRename(ctx: FeatureContext, params: PrepareRenameParams) {
  const v = ctx.view(params.textDocument.uri);
  const at = v && ctx.offset(v, params.position);
  if (!v || at === null) return null;
  const r = prepareRename(v.analysis.config, v.file, at);
  if ('error' in r) throw new FeatureRefusal(r.error);
  const range = ctx.range(v.file, r.loc.span);
  return range ? { range, placeholder: r.name } : null;
}

/** Text edits of several files as a workspace edit; null when an edit since touches one. */
export function workspaceEdit(ctx: FeatureContext, edits: IdeEdit[], files: Map<string, SourceFile>): WorkspaceEdit | null {
  const changes: Record<string, TextEdit[]> = {};
  const seen = new Set<string>();
  for (const e of edits) {
    const key = `${e.path}:${e.span.start}:${e.span.end}:${e.newText}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const f = files.get(e.path);
    if (!f) continue;
    const range = ctx.range(f, e.span);
    if (!range) return null;
    (changes[ctx.docs.uriOf(e.path)] ??= []).push({ range, newText: e.newText });
  }
  return { changes };
}

export function onRename(ctx: FeatureContext, params: RenameParams): WorkspaceEdit | null {
  const edits: IdeEdit[] = [];
  const files = new Map<string, SourceFile>();
  for (const v of ctx.views(params.textDocument.uri)) {
    const at = ctx.offset(v, params.position);
    if (at === null) throw new FeatureRefusal(CHANGED);
    const r = rename(v.analysis.config, v.file, at, params.newName);
    if ('error' in r) throw new FeatureRefusal(r.error);
    edits.push(...r.edits);
    for (const f of v.analysis.config.files) files.set(f.path, f);
  }
  if (edits.length === 0) return null;
  const edit = workspaceEdit(ctx, edits, files);
  if (!edit) throw new FeatureRefusal(CHANGED);
  return edit;
}
