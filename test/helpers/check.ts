// Fixture helper: a `.iommu` text with caret markers where diagnostics must appear.
//
//   device nic { msi its0 }
//   //           ^^^^ unmapped-doorbell: stage-1
//
// A marker line is a comment whose first non-space characters after `//` are carets. The carets
// give the columns on the nearest non-marker line above; the word after them is the code, and an
// optional `: text` must appear in the message. `check()` asserts that exactly the marked
// diagnostics are produced (no more, no fewer), reporting any difference in one readable failure.

import * as path from 'node:path';
import { expect } from 'vitest';
import { analyze, type Analysis, type RuleSettings } from '../../server/src/engine';
import type { FileHost } from '../../server/src/model/workspace';

export const FIXTURE_ROOT = '/fixture';

export interface Expected {
  file: string;
  line: number;
  start: number;
  end: number;
  code: string;
  message?: string;
}

const MARKER = /^(\s*)\/\/(\s*)(\^+)\s+([a-z0-9-]+)(?::\s*(.*))?$/;

export function parseMarkers(file: string, text: string): Expected[] {
  const lines = text.split('\n');
  const out: Expected[] = [];
  let target = -1;
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m) {
      target = i;
      return;
    }
    const col = m[1]!.length + 2 + m[2]!.length;
    out.push({ file, line: target, start: col, end: col + m[3]!.length, code: m[4]!, ...(m[5] ? { message: m[5].trim() } : {}) });
  });
  return out;
}

export function memoryHost(files: Record<string, string>): FileHost {
  const abs = new Map(Object.entries(files).map(([k, v]) => [path.resolve(FIXTURE_ROOT, k), v]));
  return { read: (p) => abs.get(p) };
}

/** Analyse fixture files (the first one is the root) and return the analysis. */
export function analyzeFixture(files: string | Record<string, string>, rules?: RuleSettings): Analysis {
  const map = typeof files === 'string' ? { 'main.iommu': files } : files;
  const root = Object.keys(map)[0]!;
  const a = analyze(path.resolve(FIXTURE_ROOT, root), { host: memoryHost(map), workspaceRoot: FIXTURE_ROOT, ...(rules ? { rules } : {}) });
  if (!a) throw new Error('fixture root unreadable');
  expect(a.internalErrors).toEqual([]);
  return a;
}

function show(e: Expected): string {
  return `${e.file}:${e.line + 1}:${e.start + 1}-${e.end + 1} ${e.code}${e.message ? `: ${e.message}` : ''}`;
}

/** Assert that exactly the marked diagnostics appear. Returns the analysis for further checks. */
export function check(files: string | Record<string, string>, rules?: RuleSettings): Analysis {
  const map = typeof files === 'string' ? { 'main.iommu': files } : files;
  const a = analyzeFixture(map, rules);
  const expected = Object.entries(map).flatMap(([f, t]) => parseMarkers(f, t));
  const actual = a.diagnostics.map((d) => {
    const s = d.loc.file.lines.position(d.loc.span.start);
    const e = d.loc.file.lines.position(d.loc.span.end);
    return {
      file: path.relative(FIXTURE_ROOT, d.loc.file.path),
      line: s.line,
      start: s.character,
      end: e.line === s.line ? e.character : s.character + 1,
      code: d.code,
      message: d.message,
    };
  });
  const missing = expected.filter(
    (x) => !actual.some((y) => y.file === x.file && y.line === x.line && y.start === x.start && y.end === x.end && y.code === x.code && (!x.message || y.message.includes(x.message))),
  );
  const extra = actual.filter(
    (y) => !expected.some((x) => y.file === x.file && y.line === x.line && y.start === x.start && y.end === x.end && y.code === x.code),
  );
  if (missing.length || extra.length) {
    const lines = [
      ...missing.map((m) => `missing  ${show(m)}`),
      ...extra.map((x) => `extra    ${x.file}:${x.line + 1}:${x.start + 1}-${x.end + 1} ${x.code}: ${x.message}`),
      'actual:',
      ...actual.map((x) => `  ${x.file}:${x.line + 1}:${x.start + 1}-${x.end + 1} ${x.code}: ${x.message}`),
    ];
    expect.fail(lines.join('\n'));
  }
  return a;
}
