// Suppression comments (language.md §11):
//   // iommu-check: ignore CODE[,CODE…] [-- reason]   own line: the next statement; end of a line: that line
//   // iommu-check: ignore-file CODE[,…]              the whole file
// A code that silenced nothing is reported as `unused-suppression`.

import type * as ast from '../../../grammar/src/ast';
import type { Diagnostic, SourceFile } from '../model/types';
import { CHECK_BY_CODE, makeDiagnostic } from './registry';
import { directiveScope, statementSpans } from '../model/statements';

export interface Suppression {
  file: SourceFile;
  comment: ast.Comment;
  scope: 'file' | 'span' | 'line';
  /** For `span`: the statement silenced; for `line`: the line's offsets. */
  span: ast.Span;
  codes: { code: string; span: ast.Span; used: boolean }[];
}

const DIRECTIVE = /iommu-check:\s*(ignore-file|ignore)\b/;

export function parseSuppressions(file: SourceFile): Suppression[] {
  const out: Suppression[] = [];
  let stmts: ast.Span[] | null = null;
  for (const c of file.ast.comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
    const after = m.index + m[0].length;
    let rest = c.text.slice(after);
    if (c.kind === 'block') rest = rest.replace(/\*\/\s*$/, '');
    const reason = rest.indexOf('--');
    if (reason >= 0) rest = rest.slice(0, reason);
    const codes: Suppression['codes'] = [];
    const re = /[A-Za-z0-9_-]+/g;
    let cm: RegExpExecArray | null;
    while ((cm = re.exec(rest))) {
      const start = c.span.start + after + cm.index;
      codes.push({ code: cm[0], span: { start, end: start + cm[0].length }, used: false });
    }
    if (codes.length === 0) continue;
    if (m[1] === 'ignore-file') {
      out.push({ file, comment: c, scope: 'file', span: { start: 0, end: file.text.length }, codes });
    } else {
      const { scope, span } = directiveScope(file, c, () => (stmts ??= statementSpans(file)));
      out.push({ file, comment: c, scope, span, codes });
    }
  }
  return out;
}

function covers(s: Suppression, d: Diagnostic): boolean {
  if (d.loc.file !== s.file) return false;
  const a = d.loc.span.start;
  if (s.scope === 'file') return true;
  if (s.scope === 'line') return a >= s.span.start && a < s.span.end;
  return a >= s.span.start && a < Math.max(s.span.end, s.span.start + 1);
}

/** Drop suppressed diagnostics and add `unused-suppression` for codes that silenced nothing. */
export function applySuppressions(files: readonly SourceFile[], diags: Diagnostic[]): Diagnostic[] {
  const sups = files.flatMap(parseSuppressions);
  if (sups.length === 0) return diags;
  const kept: Diagnostic[] = [];
  for (const d of diags) {
    let silenced = false;
    for (const s of sups) {
      if (!covers(s, d)) continue;
      for (const c of s.codes) if (c.code === d.code) { c.used = true; silenced = true; }
    }
    if (!silenced) kept.push(d);
  }
  for (const s of sups)
    for (const c of s.codes) {
      if (c.used) continue;
      const known = CHECK_BY_CODE.has(c.code);
      const where = s.scope === 'file' ? 'in this file' : s.scope === 'line' ? 'on this line' : 'on the next statement';
      kept.push(makeDiagnostic('unused-suppression', { file: s.file, span: s.comment.span },
        known ? `suppression of '${c.code}' silences nothing: no '${c.code}' ${where}` : `suppression names '${c.code}', which is not a check code`));
    }
  return kept;
}
