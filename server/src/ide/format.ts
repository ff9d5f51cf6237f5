// Formatting: a canonical layout. Two-space indentation, one statement per line, blocks as
// `name {` … `}`, the `->` of a domain's consecutive maps aligned, at most one blank line kept
// between statements, every comment kept (own-line comments on their own line, trailing ones
// at the end of their statement's line, at their column when it still fits). Idempotent.
// Files with syntax errors are left alone.

import { tokenize } from '../../../grammar/src/index';
import type { SourceFile } from '../model/types';
import { innerStatements, type TextEdit } from './common';

interface Line {
  indent: number;
  parts: string[];
  trailing?: { text: string; column: number };
  blank?: boolean;
  opener?: boolean;
  /** Index in `parts` of the map's `->`, for a line that holds a whole map statement's head. */
  arrow?: number;
  map?: boolean;
}

const INDENT = '  ';

export function formatText(file: Pick<SourceFile, 'text' | 'ast' | 'syntaxErrors'>): string | null {
  if (file.syntaxErrors.length > 0) return null;
  const text = file.text;
  const starts = new Set<number>();
  const mapStarts = new Set<number>();
  for (const st of file.ast.statements) {
    starts.add(st.span.start);
    for (const p of innerStatements(st)) {
      starts.add(p.span.start);
      if (p.kind === 'map') mapStarts.add(p.span.start);
    }
    if (st.kind === 'group') for (const m of st.members) starts.add(m.span.start);
  }
  const tokens = tokenize(text);
  const lines: Line[] = [];
  let cur: Line | null = null;
  let breakNext = false;
  let depth = 0;

  const lineStartOf = (o: number) => {
    const nl = Math.max(text.lastIndexOf('\n', o - 1), text.lastIndexOf('\r', o - 1));
    return nl + 1;
  };
  const gapBefore = (i: number): string => (i === 0 ? '' : text.slice(tokens[i - 1]!.span.end, tokens[i]!.span.start));
  const newlines = (s: string) => (s.match(/\r\n|\r|\n/g) ?? []).length;
  const finish = () => {
    if (cur) lines.push(cur);
    cur = null;
    breakNext = false;
  };
  const blankIfWanted = (i: number) => {
    if (i === 0 || newlines(gapBefore(i)) < 2) return;
    const last = lines[lines.length - 1];
    if (!last || last.blank || last.opener) return;
    lines.push({ indent: 0, parts: [], blank: true });
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'comment') {
      const body = t.image.startsWith('/*') ? t.image : t.image.trimEnd();
      const ownLine = text.slice(lineStartOf(t.span.start), t.span.start).trim() === '' || cur === null;
      if (ownLine) {
        if (cur) finish();
        blankIfWanted(i);
        lines.push({ indent: depth, parts: [body] });
        continue;
      }
      const line: Line = cur!;
      const next = tokens[i + 1];
      const sameLineNext = next !== undefined && newlines(text.slice(t.span.end, next.span.start)) === 0;
      if (t.image.startsWith('/*') && sameLineNext && next.kind !== 'comment' && !starts.has(next.span.start) && next.image !== '}' && !breakNext) {
        line.parts.push(body);
        continue;
      }
      line.trailing = { text: body, column: t.span.start - lineStartOf(t.span.start) };
      finish();
      continue;
    }
    const isStart = starts.has(t.span.start);
    if (t.image === '}') {
      depth = Math.max(0, depth - 1);
      finish();
      cur = { indent: depth, parts: ['}'] };
      breakNext = true;
      continue;
    }
    if (cur === null || isStart || breakNext) {
      finish();
      if (isStart) blankIfWanted(i);
      cur = { indent: isStart ? depth : depth + 1, parts: [] };
      if (mapStarts.has(t.span.start)) cur.map = true;
    }
    const line: Line = cur;
    if (t.image === '{') {
      const next = tokens[i + 1];
      if (next?.image === '}') {
        line.parts.push('{}');
        i++;
        breakNext = true;
        continue;
      }
      line.parts.push('{');
      line.opener = true;
      depth++;
      breakNext = true;
      continue;
    }
    if (t.image === '->' && line.map && line.arrow === undefined) line.arrow = line.parts.length;
    line.parts.push(t.image);
  }
  finish();

  // align the `->` of consecutive map lines
  for (let i = 0; i < lines.length; ) {
    if (lines[i]!.arrow === undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]!.arrow !== undefined && lines[j]!.indent === lines[i]!.indent) j++;
    const width = Math.max(...lines.slice(i, j).map((l) => join(l.parts.slice(0, l.arrow)).length));
    for (const l of lines.slice(i, j)) {
      const head = join(l.parts.slice(0, l.arrow));
      l.parts = [head.padEnd(width), ...l.parts.slice(l.arrow)];
      l.arrow = 1;
    }
    i = j;
  }

  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const out: string[] = [];
  for (const l of lines) {
    if (l.blank) {
      out.push('');
      continue;
    }
    let s = INDENT.repeat(l.indent) + join(l.parts);
    if (l.trailing) {
      const col = Math.max(s.length + 2, l.trailing.column);
      s = s.padEnd(col) + l.trailing.text;
    }
    out.push(s.trimEnd());
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.length ? out.join(eol) + eol : '';
}

function join(parts: string[]): string {
  let s = '';
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (k > 0 && p !== '..' && parts[k - 1] !== '..') s += ' ';
    s += p;
  }
  return s;
}

/** One edit replacing the file's text with its canonical layout; none when already canonical or not parseable. */
export function formatEdits(file: SourceFile): TextEdit[] {
  const formatted = formatText(file);
  if (formatted === null || formatted === file.text) return [];
  return [{ path: file.path, span: { start: 0, end: file.text.length }, newText: formatted }];
}
