// What a check is: one file per diagnostic code (checks/<family>/<code>.ts) holding its code,
// default severity, family, explanation and, for the codes the analysis raises, `run`.
// Codes raised while parsing or building the model (or by suppression comments) have the same
// metadata and say who emits them instead of a `run`.

import type * as ast from '../../../grammar/src/ast';
import type { Configuration, Diagnostic, DiagnosticData, Loc, Related, Severity } from '../model/types';
import type { Translation } from '../model/translation';

export type Family = 'syntax-and-names' | 'isolation' | 'reserved' | 'doorbells' | 'nesting' | 'cmdline' | 'hygiene' | 'firmware';

/** The metadata every code has (the registry's table: `explain`, SARIF, hover, docs). */
export interface CheckInfo {
  code: string;
  severity: Severity;
  family: Family;
  /** One line: what it finds. */
  title: string;
  /** What it means, why the kernel cares, how to fix it, examples (checks/explanation.ts renders it). */
  explanation: Explanation;
  /** Kernel rules behind it (domain.md). */
  rules?: string;
}

export interface CheckContext {
  config: Configuration;
  tx: Translation;
  report(code: string, loc: Loc, message: string, related?: Related[], data?: DiagnosticData): void;
  /**
   * A fact derived from the configuration that several checks use, computed once per analysis
   * (keyed by the function; `derive` must not report).
   */
  shared<T>(derive: (ctx: CheckContext) => T): T;
}

/** A text edit of a quick fix (offsets in the file's current text). */
export interface FixEdit {
  path: string;
  span: ast.Span;
  newText: string;
}

/** A quick fix: applied, it makes its diagnostic go away. */
export interface Fix {
  title: string;
  edits: FixEdit[];
  /** Applying it needs no choice by a person (`iommu-check --fix` applies only these). */
  safe: boolean;
  /** The editor's preferred fix for the diagnostic. */
  preferred?: boolean;
}

/** What a quick fix may read besides the diagnostic's `data`. */
export interface FixContext {
  config: Configuration;
  tx: Translation;
}

/** A code the analysis raises: `run` reports it (and only it) through the context. */
export interface AnalysisCheck extends CheckInfo {
  run(ctx: CheckContext): void;
  emittedBy?: never;
  /** Quick fixes built from the diagnostic's `data`. */
  fixes?(d: Diagnostic, ctx: FixContext): Fix[];
}

/**
 * A code raised outside the checks: by the parser and model builder, by suppression comments, by
 * the firmware importers (import-acpi, import-dt) about the tables they read, or by the engine
 * when the checker itself fails (`internal-error`).
 */
export interface EmittedCheck extends CheckInfo {
  emittedBy: 'model' | 'suppressions' | 'firmware' | 'engine';
  run?: never;
  fixes?(d: Diagnostic, ctx: FixContext): Fix[];
}

export type CheckDefinition = AnalysisCheck | EmittedCheck;

export function isAnalysisCheck(c: CheckDefinition): c is AnalysisCheck {
  return typeof c.run === 'function';
}

/**
 * A firmware example (for the firmware checks): a devicetree source (dtc), an ACPI data-table
 * source (iasl's `Field : value` format), or the text `acpidump` prints; `with` lists more tables
 * imported together with it.
 */
export interface FirmwareExample {
  format: 'dts' | 'asl' | 'acpidump';
  source: string;
  with?: readonly FirmwareExample[];
}

/** A configuration of an example: one file, or a root file with the files it includes; or firmware. */
export type Example = string | { root: string; files: Readonly<Record<string, string>> } | FirmwareExample;

export function isFirmwareExample(e: Example): e is FirmwareExample {
  return typeof e === 'object' && 'format' in e;
}

/**
 * What a code means, for `explain`, SARIF rule help, hover on a suppression and docs/checks.md.
 * The examples are checked by the tests: `fires` raises the code, `nearMiss` (a small change
 * away) does not and is otherwise clean but for `unused-object` notes.
 */
export interface Explanation {
  /** The range the diagnostic is reported on. */
  anchor: string;
  /** When it fires. */
  what: string;
  /** Why the kernel cares: what it does and the errno or message a user meets. */
  why: string;
  /** How to fix it. */
  fix: string;
  fires: Example;
  nearMiss: Example;
}

/**
 * An example configuration written indented in a check file: drops the first line break and
 * the common indentation, ends with one line break.
 */
export function example(strings: TemplateStringsArray): string {
  const lines = strings.raw.join('').replace(/^\n/, '').replace(/\n[ \t]*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}
