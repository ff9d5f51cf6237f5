// The quick fixes of a diagnostic, from the check that raised it (its `fixes`, reading the
// diagnostic's `data`). The editor's code actions and `iommu-check --fix` (safe fixes only) both
// call this.

import type { Diagnostic } from '../model/types';
import type { Fix, FixContext } from './check';
import { CHECK_BY_CODE } from './registry';

export function fixesFor(d: Diagnostic, ctx: FixContext): Fix[] {
  const check = CHECK_BY_CODE.get(d.code);
  if (!check?.fixes || !d.data) return [];
  try {
    return check.fixes(d, ctx);
  } catch {
    return []; // a fix must never take the editor or the command line down
  }
}

/** The fixes that need no choice by a person. */
export function safeFixesFor(d: Diagnostic, ctx: FixContext): Fix[] {
  return fixesFor(d, ctx).filter((f) => f.safe);
}
