// Statement spans of a file, and "a comment on its own line": shared by the comment directives
// that apply to the next statement (suppressions, provenance).

import type * as ast from '../../../grammar/src/ast';
import type { SourceFile } from './types';

/** Every statement of a file (top level and inside blocks), sorted by start, outer before inner. */
export function statementSpans(file: SourceFile): ast.Span[] {
  const out: ast.Span[] = [];
  for (const st of file.ast.statements) {
    out.push(st.span);
    if (st.kind === 'iommu' || st.kind === 'irqchip' || st.kind === 'device') for (const p of st.props) out.push(p.span);
    else if (st.kind === 'domain') for (const p of st.stmts) out.push(p.span);
  }
  return out.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Nothing but whitespace and comments between two offsets (a line holding only comments is "its own line"). */
export function onlyCommentsBetween(file: SourceFile, from: number, to: number): boolean {
  let o = from;
  for (const k of file.ast.comments) {
    if (k.span.end <= from || k.span.start >= to) continue;
    if (file.text.slice(o, Math.max(o, k.span.start)).trim() !== '') return false;
    o = Math.max(o, k.span.end);
  }
  return file.text.slice(o, to).trim() === '';
}

/** The span a directive comment applies to: on its own line, the next statement; else its line. */
export function directiveScope(file: SourceFile, comment: ast.Comment, stmts: () => ast.Span[]): { scope: 'span' | 'line'; span: ast.Span } {
  const pos = file.lines.position(comment.span.start);
  const lineStart = file.lines.lineStart(pos.line);
  if (onlyCommentsBetween(file, lineStart, comment.span.start)) {
    const next = stmts().find((s) => s.start >= comment.span.end);
    return { scope: 'span', span: next ?? { start: comment.span.end, end: comment.span.end } };
  }
  const lineEnd = pos.line + 1 < file.lines.lineCount ? file.lines.lineStart(pos.line + 1) : file.text.length;
  return { scope: 'line', span: { start: lineStart, end: lineEnd } };
}
