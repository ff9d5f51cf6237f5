// The quick fixes of a reported diagnostic, from the check that raised it (checks/fixes.ts, as
// the editor's code actions), and applying text edits to file text.

import type { Fix } from '../checks/check';
import { fixesFor } from '../checks/fixes';
import type { Analysis } from '../engine';
import type { TextEdit } from '../ide/common';
import type { Diagnostic } from '../model/types';

/** The quick fixes for `d`, the preferred one first. */
export function fixesOf(analysis: Analysis | undefined, d: Diagnostic): Fix[] {
  if (!analysis) return [];
  return [...fixesFor(d, { config: analysis.config, tx: analysis.tx })].sort((a, b) => Number(b.preferred ?? false) - Number(a.preferred ?? false));
}

/** The fix `--fix` applies for `d`: the one marked safe, when there is exactly one. */
export function safeFixOf(analysis: Analysis | undefined, d: Diagnostic): Fix | undefined {
  const safe = fixesOf(analysis, d).filter((f) => f.safe === true);
  return safe.length === 1 ? safe[0] : undefined;
}

/**
 * `text` with `edits` applied. Edits that overlap an earlier-accepted one are skipped; returns
 * the new text and the edits applied.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; applied: TextEdit[] } {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const applied: TextEdit[] = [];
  let last = -1;
  for (const e of sorted) {
    if (e.span.start < last) continue;
    applied.push(e);
    last = e.span.end;
  }
  let out = text;
  for (const e of [...applied].reverse()) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return { text: out, applied };
}
