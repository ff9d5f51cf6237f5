// Diagnostics in one plain shape (0-based lines and UTF-16 characters, absolute paths): what the
// JSON report writes (with paths as shown) and what the language server sends (with URIs).

import type { Diagnostic, Loc, Severity } from '../model/types';

export interface PlainRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface PlainRelated {
  path: string;
  range: PlainRange;
  message: string;
}

export interface PlainDiagnostic {
  range: PlainRange;
  severity: Severity;
  code: string;
  message: string;
  related: PlainRelated[];
}

export function rangeOf(loc: Loc): PlainRange {
  return { start: loc.file.lines.position(loc.span.start), end: loc.file.lines.position(loc.span.end) };
}

export function toPlain(d: Diagnostic): PlainDiagnostic {
  return {
    range: rangeOf(d.loc),
    severity: d.severity,
    code: d.code,
    message: d.message,
    related: d.related.map((r) => ({ path: r.loc.file.path, range: rangeOf(r.loc), message: r.message })),
  };
}

/** The identity of a diagnostic found through several configurations. */
export function diagnosticKey(d: Diagnostic): string {
  return `${d.loc.file.path}\0${d.loc.span.start}\0${d.loc.span.end}\0${d.code}\0${d.message}`;
}

/** In a file: by position, then code. */
export function compareInFile(a: Diagnostic, b: Diagnostic): number {
  return a.loc.span.start - b.loc.span.start || a.loc.span.end - b.loc.span.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
