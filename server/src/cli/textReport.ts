// The text report, for people: each diagnostic as a header line (`path:line:col: severity code:
// message`, wrapped to the width), a code frame with the source line(s) and carets under the
// range, a `help:` line with the quick fix where there is one, and each related location as a
// secondary frame; then the summary. Everything echoed from the input has its control characters
// escaped; hex numbers are grouped by four.

import type { Diagnostic, Loc, SourceFile } from '../model/types';
import type { CheckResult } from './check';
import { displayWidth, escapeControl, groupHex, painter, wrapText, type Paint } from './terminal';

export interface TextOptions {
  colour: boolean;
  /** Columns to wrap messages at. */
  width: number;
  /** The quick fix offered for a diagnostic (its title), if any. */
  helpOf?: (d: Diagnostic) => string | undefined;
}

const TAB = 4;
/** Source lines wider than this are shown as a window around the range. */
const MAX_SOURCE = 160;
/** A range over more lines than this shows its first two and its last. */
const MAX_FRAME_LINES = 4;

interface ShownLine {
  text: string;
  /** Display column of each UTF-16 offset of the line (and one past its end). */
  col: number[];
}

/** A source line as shown: tabs expanded, control characters escaped, each offset's column. */
function showLine(raw: string): ShownLine {
  let text = '';
  const col: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    col.push(text.length);
    const c = raw[i]!;
    if (c === '\t') text += ' '.repeat(TAB - (text.length % TAB));
    else {
      const code = c.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < raw.length) {
        text += c + raw[i + 1]!;
        col.push(text.length - 1);
        i++;
      } else text += escapeControl(c, { newlines: true });
    }
  }
  col.push(text.length);
  return { text, col };
}

function lineText(file: SourceFile, line: number): string {
  const start = file.lines.lineStart(line);
  const end = line + 1 < file.lines.lineCount ? file.lines.lineStart(line + 1) : file.text.length;
  return file.text.slice(start, end).replace(/\r?\n$/, '').replace(/\r$/, '');
}

interface FrameLine {
  number: number;
  text: string;
  /** Marker columns [from, to) on this line, or null for an elision line. */
  mark: [number, number] | null;
}

/** The lines of a frame for `loc`, with the columns to underline on each. */
function frameLines(loc: Loc): FrameLine[] {
  const file = loc.file;
  const start = file.lines.position(loc.span.start);
  const end = file.lines.position(Math.max(loc.span.start, loc.span.end));
  // a range ending at the start of a line does not cover that line
  const lastLine = end.line > start.line && end.character === 0 ? end.line - 1 : end.line;
  const numbers: (number | null)[] = [];
  const count = lastLine - start.line + 1;
  if (count <= MAX_FRAME_LINES) for (let l = start.line; l <= lastLine; l++) numbers.push(l);
  else numbers.push(start.line, start.line + 1, null, lastLine);
  const out: FrameLine[] = [];
  for (const l of numbers) {
    if (l === null) {
      out.push({ number: -1, text: '...', mark: null });
      continue;
    }
    let raw = lineText(file, l);
    let from = l === start.line ? start.character : raw.length - raw.trimStart().length;
    let to = l === lastLine && l === end.line ? end.character : raw.length;
    if (raw.length > 4 * MAX_SOURCE) {
      // a huge line (generated, or one 10 MB line): only the part around the marker is shown
      const cut = Math.max(0, Math.min(from, raw.length) - 2 * MAX_SOURCE);
      raw = raw.slice(cut, Math.min(raw.length, Math.max(from, Math.min(to, from + MAX_SOURCE)) + 2 * MAX_SOURCE));
      from -= cut;
      to = Math.min(to - cut, raw.length);
    }
    const shown = showLine(raw);
    let a = shown.col[Math.min(from, raw.length)]!;
    let b = shown.col[Math.min(to, raw.length)]!;
    if (b <= a) b = a + 1; // an empty range (a missing token) still gets one marker
    let text = shown.text;
    // very long lines (generated or binary text): a window around the marker
    if (text.length > MAX_SOURCE) {
      const left = Math.max(0, Math.min(a - 20, text.length - MAX_SOURCE));
      const right = Math.min(text.length, left + MAX_SOURCE);
      text = (left > 0 ? '…' : '') + text.slice(left, right) + (right < text.length ? '…' : '');
      const shift = left > 0 ? left - 1 : 0;
      a -= shift;
      b = Math.min(b - shift, text.length + 1);
    }
    // markers go under the characters as the terminal draws them (wide and combining characters)
    const left = displayWidth(text.slice(0, a));
    out.push({ number: l + 1, text, mark: [left, left + Math.max(1, displayWidth(text.slice(a, b)))] });
  }
  return out;
}

function renderFrame(lines: FrameLine[], gutter: number, marker: string, markStyle: 'error' | 'warning' | 'information' | 'secondary', paint: Paint): string[] {
  const bar = paint('gutter', `${' '.repeat(gutter)} |`);
  const out = [bar];
  for (const l of lines) {
    if (!l.mark) {
      out.push(paint('gutter', '...'));
      continue;
    }
    out.push(`${paint('gutter', `${String(l.number).padStart(gutter)} |`)}${l.text ? ' ' + l.text : ''}`);
    const [a, b] = l.mark;
    out.push(`${bar} ${' '.repeat(a)}${paint(markStyle, marker.repeat(b - a))}`);
  }
  return out;
}

function position(loc: Loc): { line: number; character: number } {
  return loc.file.lines.position(loc.span.start);
}

/** The message as shown: control characters escaped, hex grouped. */
function shownMessage(message: string): string {
  return groupHex(escapeControl(message));
}

export function formatDiagnosticText(r: Pick<CheckResult, 'show'>, d: Diagnostic, o: TextOptions): string[] {
  const paint = painter(o.colour);
  const out: string[] = [];
  const p = position(d.loc);
  const where = `${escapeControl(r.show(d.loc.file.path), { newlines: true })}:${p.line + 1}:${p.character + 1}:`;
  const prefix = `${where} ${d.severity} ${d.code}:`;
  const [first = '', ...more] = shownMessage(d.message).split(/\r\n|\r|\n/);
  const wrapped = wrapText(first, o.width, '  ', o.width - prefix.length - 1);
  out.push(`${paint('path', where)} ${paint(d.severity, d.severity)} ${paint('code', d.code + ':')} ${wrapped[0]}`);
  out.push(...wrapped.slice(1));
  for (const line of more) out.push(...wrapText('  ' + line, o.width, '    '));

  const primary = frameLines(d.loc);
  const secondary = d.related.map((rel) => ({ rel, lines: frameLines(rel.loc) }));
  const gutter = Math.max(...[primary, ...secondary.map((s) => s.lines)].flat().map((l) => String(l.number).length), 1);
  out.push(...renderFrame(primary, gutter, '^', d.severity, paint));
  const help = o.helpOf?.(d);
  if (help) {
    const lines = wrapText(`${' '.repeat(gutter)} = help: ${shownMessage(help)}`, o.width, ' '.repeat(gutter + 9));
    lines[0] = lines[0]!.replace(' = help:', ` = ${paint('help', 'help:')}`);
    out.push(...lines);
  }
  for (const { rel, lines } of secondary) {
    const rp = position(rel.loc);
    const head = `${' '.repeat(gutter)} --> ${escapeControl(r.show(rel.loc.file.path), { newlines: true })}:${rp.line + 1}:${rp.character + 1}: `;
    const msg = wrapText(head + shownMessage(rel.message).replace(/\s*\n\s*/g, ' '), o.width, ' '.repeat(gutter + 5));
    msg[0] = msg[0]!.replace(' --> ', ` ${paint('secondary', '-->')} `);
    out.push(...msg);
    out.push(...renderFrame(lines, gutter, '-', 'secondary', paint));
  }
  return out;
}

export function formatText(r: CheckResult, o: TextOptions, summary: string): string {
  const out: string[] = [];
  for (const f of r.files) for (const d of f.diagnostics) out.push(...formatDiagnosticText(r, d, o), '');
  out.push(summary);
  return out.join('\n') + '\n';
}
