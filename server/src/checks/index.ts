// The checks: one file per diagnostic code (checks/<family>/<code>.ts), listed in all.ts.

export { CHECKS, CHECK_BY_CODE, IMPLEMENTATIONS, makeDiagnostic } from './registry';
export type { AnalysisCheck, CheckContext, CheckDefinition, CheckInfo, EmittedCheck, Family } from './registry';
