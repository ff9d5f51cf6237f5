// What a check is: one file per diagnostic code (checks/<family>/<code>.ts) holding its code,
// default severity, family, explanation and, for the codes the analysis raises, `run`.
// Codes raised while parsing or building the model (or by suppression comments) have the same
// metadata and say who emits them instead of a `run`.

import type { Configuration, Loc, Related, Severity } from '../model/types';
import type { Translation } from '../model/translation';

export type Family = 'syntax-and-names' | 'isolation' | 'reserved' | 'doorbells' | 'nesting' | 'hygiene';

/** The metadata every code has (the registry's table: `explain`, SARIF, hover, docs). */
export interface CheckInfo {
  code: string;
  severity: Severity;
  family: Family;
  /** One line: what it finds. */
  title: string;
  /** Why the kernel cares and how to fix it (for `explain`, SARIF help, hover on suppressions). */
  explain: string;
  /** Kernel rules behind it (domain.md). */
  rules?: string;
}

export interface CheckContext {
  config: Configuration;
  tx: Translation;
  report(code: string, loc: Loc, message: string, related?: Related[]): void;
}

/** A code the analysis raises: `run` reports it (and only it) through the context. */
export interface AnalysisCheck extends CheckInfo {
  run(ctx: CheckContext): void;
  emittedBy?: never;
}

/** A code raised outside the checks: by the parser and model builder, or by suppression comments. */
export interface EmittedCheck extends CheckInfo {
  emittedBy: 'model' | 'suppressions';
  run?: never;
}

export type CheckDefinition = AnalysisCheck | EmittedCheck;

export function isAnalysisCheck(c: CheckDefinition): c is AnalysisCheck {
  return typeof c.run === 'function';
}
