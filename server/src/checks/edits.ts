// Text edits shared by the quick fixes of several checks: rewrite a map's range keeping its
// written form, insert a statement in a block, delete a statement, and the nearest free IOVA.

import type * as ast from '../../../grammar/src/ast';
import { alignDown, alignUp, formatSize, hexGrouped, type Interval } from '../model/intervals';
import type { Configuration, Domain, Mapping, SourceFile } from '../model/types';
import { indentAt, statementAt } from '../ide/common';
import type { FixEdit } from './check';

/** The domain and explicit map of a `map` statement at an offset. */
export function mapAt(config: Configuration, file: SourceFile, offset: number): { dom: Domain; m: Mapping; stmt: ast.MapStmt } | null {
  const { top, inner } = statementAt(file, offset);
  if (top?.kind !== 'domain' || inner?.kind !== 'map') return null;
  const dom = config.domains.find((x) => x.decl === top);
  const m = dom?.maps.find((x) => x.stmt === inner);
  return dom && m ? { dom, m, stmt: inner } : null;
}

/** Edits that rewrite a map's input range (and output) keeping its written form. */
export function rewriteMap(file: SourceFile, stmt: ast.MapStmt, start: bigint, last: bigint, output: bigint | null): FixEdit[] | null {
  const r = stmt.input;
  if (!r) return null;
  const edits: FixEdit[] = [{ path: file.path, span: r.start.span, newText: hexGrouped(start) }];
  if (r.size) edits.push({ path: file.path, span: r.size.span, newText: formatSize(last - start + 1n) });
  else if (r.last) edits.push({ path: file.path, span: r.last.span, newText: hexGrouped(last) });
  else return null;
  if (output !== null) {
    if (stmt.target?.kind !== 'address') return null;
    edits.push({ path: file.path, span: stmt.target.value.span, newText: hexGrouped(output) });
  }
  return edits;
}

export function rangeSpan(r: ast.AddrRange): ast.Span {
  return { start: r.start.span.start, end: (r.size ?? r.last ?? r.start).span.end };
}

/** Insert a statement as the last line of a block, indented like its statements. */
export function insertInBlock(file: SourceFile, body: ast.Span, stmts: { span: ast.Span }[], statement: string): FixEdit {
  const close = body.end - 1;
  const last = stmts[stmts.length - 1];
  const indent = last ? indentAt(file, last.span.start) : indentAt(file, body.start) + '  ';
  if (last && file.lines.position(last.span.end).line < file.lines.position(close).line) {
    // after the last statement's line
    const line = file.lines.position(last.span.end).line;
    const at = file.lines.lineStart(line + 1);
    return { path: file.path, span: { start: at, end: at }, newText: `${indent}${statement}\n` };
  }
  return { path: file.path, span: { start: close, end: close }, newText: ` ${statement} ` };
}

/** Delete a statement: its whole line when it is alone on it. */
export function deleteStatement(file: SourceFile, st: { span: ast.Span }): FixEdit {
  const l = file.lines.position(st.span.start).line;
  const ls = file.lines.lineStart(l);
  const le = l + 1 < file.lines.lineCount ? file.lines.lineStart(l + 1) : file.text.length;
  const before = file.text.slice(ls, st.span.start);
  let after = file.text.slice(st.span.end, le);
  const comment = file.ast.comments.find((c) => c.span.start >= st.span.end && c.span.start < le);
  if (comment && comment.kind === 'line') after = file.text.slice(comment.span.end, le);
  if (before.trim() === '' && after.trim() === '') return { path: file.path, span: { start: ls, end: le }, newText: '' };
  return { path: file.path, span: st.span, newText: '' };
}

/** The aligned start nearest to `want` where [start, start+size-1] meets none of `busy` and stays ≤ limit. */
export function freeSlot(busy: Interval[], want: bigint, size: bigint, align: bigint, limit: bigint): bigint | null {
  const sorted = [...busy].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const free = (s: bigint): boolean => {
    const l = s + size - 1n;
    if (s < 0n || l > limit) return false;
    for (const b of sorted) {
      if (b.start > l) break;
      if (b.last >= s) return false;
    }
    return true;
  };
  const cands = new Set<bigint>();
  const down = alignDown(want, align);
  cands.add(down);
  const up0 = alignUp(want, align);
  if (up0 !== null) cands.add(up0);
  for (const b of sorted) {
    const after = alignUp(b.last + 1n, align);
    if (after !== null) cands.add(after);
    if (b.start >= size) cands.add(alignDown(b.start - size, align));
  }
  let best: bigint | null = null;
  let bestDist = 0n;
  for (const c of cands) {
    if (!free(c)) continue;
    const dist = c > want ? c - want : want - c;
    if (best === null || dist < bestDist || (dist === bestDist && c < best)) {
      best = c;
      bestDist = dist;
    }
  }
  return best;
}

/** A JSON-safe address for diagnostic data, and back. */
export function addr(v: bigint): string {
  return `0x${v.toString(16)}`;
}

export function parseAddr(v: unknown): bigint | null {
  if (typeof v !== 'string' || !/^0x[0-9a-f]+$/.test(v)) return null;
  return BigInt(v);
}
