// Code actions: "ignore CODE on this line" for every diagnostic, and the quick fixes of the check
// that raised it (built from the diagnostic's data). Each fix is a set of text edits; applied, it
// makes its diagnostic go away.

import type * as ast from '../../../grammar/src/ast';
import { fixesFor } from '../checks/fixes';
import type { Translation } from '../model/translation';
import type { Configuration, Diagnostic, SourceFile } from '../model/types';
import { indentAt, innerStatements, statementAt, type AnalysisOf, type TextEdit } from './common';

export { freeSlot } from '../checks/edits';

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  diagnostic: Diagnostic;
  edits: TextEdit[];
  preferred?: boolean;
}

export function codeActions(a: AnalysisOf, file: SourceFile, range: ast.Span): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of a.diagnostics) {
    if (d.loc.file !== file) continue;
    if (d.loc.span.end < range.start || d.loc.span.start > range.end) continue;
    out.push(...quickFixes(a.config, a.tx, d));
    const ignore = ignoreAction(file, d);
    if (ignore) out.push(ignore);
  }
  return out;
}

// ---- ignore -------------------------------------------------------------------------------

function statementStarts(file: SourceFile): ast.Span[] {
  const out: ast.Span[] = [];
  for (const st of file.ast.statements) {
    out.push(st.span);
    for (const p of innerStatements(st)) out.push(p.span);
  }
  return out.sort((x, y) => x.start - y.start || y.end - x.end);
}

function ignoreAction(file: SourceFile, d: Diagnostic): CodeAction | null {
  if (d.code === 'syntax' || d.code === 'unused-suppression') return null;
  const title = `Ignore '${d.code}' on this line`;
  const at = d.loc.span.start;
  const { top, inner } = statementAt(file, at);
  const st = inner ?? top;
  const pos = file.lines.position(st ? st.span.start : at);
  const lineStart = file.lines.lineStart(pos.line);
  // an own-line comment silences the first statement starting after it: it must cover the diagnostic
  const next = statementStarts(file).find((s) => s.start >= lineStart);
  if (next && next.start <= at && at < Math.max(next.end, next.start + 1)) {
    const indent = indentAt(file, lineStart);
    return { title, kind: 'quickfix', diagnostic: d, edits: [{ path: file.path, span: { start: lineStart, end: lineStart }, newText: `${indent}// iommu-check: ignore ${d.code}\n` }] };
  }
  // else a comment at the end of the diagnostic's line
  const dl = file.lines.position(at).line;
  const end = dl + 1 < file.lines.lineCount ? file.lines.lineStart(dl + 1) : file.text.length;
  const lineText = file.text.slice(file.lines.lineStart(dl), end).replace(/\r?\n$/, '');
  if (file.ast.comments.some((c) => c.span.start >= file.lines.lineStart(dl) && c.span.start < end)) return null;
  const eol = file.lines.lineStart(dl) + lineText.length;
  return { title, kind: 'quickfix', diagnostic: d, edits: [{ path: file.path, span: { start: eol, end: eol }, newText: `  // iommu-check: ignore ${d.code}` }] };
}

// ---- quick fixes: from the check that raised the diagnostic (checks/fixes.ts) ------------------

function quickFixes(config: Configuration, tx: Translation, d: Diagnostic): CodeAction[] {
  return fixesFor(d, { config, tx }).map((f) => ({
    title: f.title,
    kind: 'quickfix',
    diagnostic: d,
    edits: f.edits,
    ...(f.preferred ? { preferred: true } : {}),
  }));
}
