// The check registry: every diagnostic code with its default severity, family and explanation,
// one file per code (see check.ts and all.ts). Severity overrides, suppressions, SARIF rule
// metadata and `explain` all read this one table.

import type { Diagnostic, DiagnosticData, Loc, Related } from '../model/types';
import { ALL_CHECKS } from './all';
import { isAnalysisCheck, type AnalysisCheck, type CheckDefinition } from './check';

export type { AnalysisCheck, CheckContext, CheckDefinition, CheckInfo, EmittedCheck, Family } from './check';

export const CHECKS: readonly CheckDefinition[] = ALL_CHECKS;

export const CHECK_BY_CODE: ReadonlyMap<string, CheckDefinition> = new Map(CHECKS.map((c) => [c.code, c]));
if (CHECK_BY_CODE.size !== CHECKS.length) throw new Error('two check files register the same diagnostic code');

/** The checks the analysis runs, in registry order. */
export const IMPLEMENTATIONS: readonly AnalysisCheck[] = CHECKS.filter(isAnalysisCheck);

export function makeDiagnostic(code: string, loc: Loc, message: string, related: Related[] = [], data?: DiagnosticData): Diagnostic {
  const info = CHECK_BY_CODE.get(code);
  return { code, severity: info?.severity ?? 'error', loc, message, related, ...(data ? { data } : {}) };
}
