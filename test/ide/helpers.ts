// Cursor fixtures for the editor features: `$0` marks the cursor in a `.iommu` text.

import * as path from 'node:path';
import type { Analysis } from '../../server/src/engine';
import type { SourceFile } from '../../server/src/model/types';
import { analyzeFixture, FIXTURE_ROOT } from '../helpers/check';

export function cursor(fixture: string): { text: string; offset: number } {
  const offset = fixture.indexOf('$0');
  if (offset < 0) throw new Error('fixture has no $0 cursor marker');
  return { text: fixture.slice(0, offset) + fixture.slice(offset + 2), offset };
}

export function abs(name: string): string {
  return path.resolve(FIXTURE_ROOT, name);
}

/** Analyse a one-file fixture with a cursor, or several files (cursor in `at`). */
export function withCursor(
  fixture: string | Record<string, string>,
  at = 'main.iommu',
): { a: Analysis; file: SourceFile; offset: number; text: string } {
  const files: Record<string, string> = typeof fixture === 'string' ? { 'main.iommu': fixture } : { ...fixture };
  const c = cursor(files[at]!);
  files[at] = c.text;
  const a = analyzeFixture(files);
  const file = a.config.files.find((f) => f.path === abs(at))!;
  return { a, file, offset: c.offset, text: c.text };
}

/** Apply edits (offsets in the original text) to a text. */
export function applyEdits(text: string, edits: { span: { start: number; end: number }; newText: string }[]): string {
  const sorted = [...edits].sort((x, y) => y.span.start - x.span.start || y.span.end - x.span.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}
