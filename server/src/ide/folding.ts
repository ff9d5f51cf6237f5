// Folding ranges: blocks, multi-line block comments, and runs of line comments.

import type { SourceFile } from '../model/types';

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind: 'region' | 'comment';
}

export function foldingRanges(file: SourceFile): FoldingRange[] {
  const out: FoldingRange[] = [];
  const line = (o: number) => file.lines.position(o).line;
  for (const st of file.ast.statements) {
    if (!('body' in st) || !st.body) continue;
    const s = line(st.span.start);
    const e = line(st.body.end - 1);
    if (e > s) out.push({ startLine: s, endLine: e - 1 >= s ? e - 1 : s, kind: 'region' });
  }
  let run: { start: number; end: number } | null = null;
  const flush = () => {
    if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: 'comment' });
    run = null;
  };
  for (const c of file.ast.comments) {
    const s = line(c.span.start);
    if (c.kind === 'block') {
      flush();
      const e = line(c.span.end);
      if (e > s) out.push({ startLine: s, endLine: e, kind: 'comment' });
      continue;
    }
    const ownLine = file.text.slice(file.lines.lineStart(s), c.span.start).trim() === '';
    if (!ownLine) {
      flush();
      continue;
    }
    if (run && s === run.end + 1) run.end = s;
    else {
      flush();
      run = { start: s, end: s };
    }
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine);
}
