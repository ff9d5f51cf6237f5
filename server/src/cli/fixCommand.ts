// `iommu-check --fix PATH…`: apply the quick fixes that are right without a person's choice
// (those marked safe), write the files, say what changed (on standard error, so that standard
// output keeps the report's format), and report what remains.

import * as fs from 'node:fs';
import type { TextEdit } from '../ide/common';
import type { CheckResult } from './check';
import { applyEdits, safeFixOf } from './fixes';
import { fsReason, UsageError, type CliIo } from './io';
import { escapeControl } from './terminal';

/** A fix can enable another (a name fixed makes its declaration's checks run): a few rounds. */
const MAX_ROUNDS = 3;

export function applySafeFixes(check: () => CheckResult, io: CliIo): CheckResult {
  let result = check();
  const lines: string[] = [];
  const touched = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const edits = new Map<string, { edit: TextEdit; note: string }[]>();
    /** The text each file had when it was analysed (the edits' offsets are into it). */
    const analysed = new Map<string, string>();
    for (const f of result.files)
      for (const d of f.diagnostics) {
        const fix = safeFixOf(result.analysisOf(d), d);
        if (!fix) continue;
        analysed.set(d.loc.file.path, d.loc.file.text);
        const p = d.loc.file.lines.position(d.loc.span.start);
        const note = `${result.show(d.loc.file.path)}:${p.line + 1}:${p.character + 1}: ${d.code}: ${fix.title}`;
        for (const edit of fix.edits) {
          const list = edits.get(edit.path) ?? [];
          list.push({ edit, note });
          edits.set(edit.path, list);
        }
      }
    if (edits.size === 0) break;
    for (const [file, list] of edits) {
      const text = analysed.get(file);
      if (text === undefined) continue; // an edit outside the files analysed: not applied blindly
      const { text: fixed, applied } = applyEdits(text, list.map((l) => l.edit));
      if (applied.length === 0 || fixed === text) continue;
      try {
        fs.writeFileSync(file, fixed);
      } catch (e) {
        throw new UsageError(`cannot write ${result.show(file)}: ${fsReason(e)}`);
      }
      touched.add(file);
      for (const l of list) if (applied.includes(l.edit) && !lines.includes(l.note)) lines.push(l.note);
    }
    result = check();
  }
  const n = lines.length;
  io.stderr(
    n === 0
      ? 'iommu-check: --fix: nothing to fix safely\n'
      : `${lines.map((l) => `fixed ${escapeControl(l, { newlines: true })}\n`).join('')}iommu-check: --fix: ${n} problem${n === 1 ? '' : 's'} fixed in ${touched.size} file${touched.size === 1 ? '' : 's'}\n`,
  );
  return result;
}
