// Diagnostics in one plain shape (0-based lines and UTF-16 characters, absolute paths): what the
// JSON report writes (with paths as shown) and what the language server sends (with URIs).

import type { Diagnostic, Loc, Severity } from '../model/types';

/** The most diagnostics of one code shown in one file; past that, one more says how many are left. */
export const MAX_DIAGNOSTICS_PER_CODE = 100;

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

/** How many diagnostics a capped summary stands for (the rest of its code), so that totals stay true. */
const STANDS_FOR = new WeakMap<Diagnostic, number>();

/** How many diagnostics `d` counts for in totals (`--max-warnings`, the summary line): 1, or the rest a summary stands for. */
export function countOf(d: Diagnostic): number {
  return STANDS_FOR.get(d) ?? 1;
}

/**
 * A file's diagnostics (sorted by position) with each code that fires more than
 * MAX_DIAGNOSTICS_PER_CODE + 1 times cut to its first MAX_DIAGNOSTICS_PER_CODE and one diagnostic
 * of the same code, where the next one was, giving the count of the rest (as the parser does for
 * syntax errors): a binary file or a generated one with a thousand errors stays readable.
 */
export function capFlood(sorted: Diagnostic[]): Diagnostic[] {
  return capPerCode(sorted, (d, rest, message) => {
    const summary: Diagnostic = { code: d.code, severity: d.severity, loc: d.loc, message, related: [] };
    STANDS_FOR.set(summary, rest);
    return summary;
  });
}

/**
 * Each code of `sorted` that fires more than MAX_DIAGNOSTICS_PER_CODE + 1 times cut to its first
 * MAX_DIAGNOSTICS_PER_CODE and, in place of the next, what `summary` makes of it, of the count of
 * the rest and of the message saying so (for configurations, capFlood; for kernel logs).
 */
export function capPerCode<T extends { code: string }>(sorted: T[], summary: (next: T, rest: number, message: string) => T): T[] {
  const count = new Map<string, number>();
  for (const d of sorted) count.set(d.code, (count.get(d.code) ?? 0) + 1);
  if ([...count.values()].every((n) => n <= MAX_DIAGNOSTICS_PER_CODE + 1)) return sorted;
  const seen = new Map<string, number>();
  const out: T[] = [];
  for (const d of sorted) {
    const total = count.get(d.code)!;
    const k = (seen.get(d.code) ?? 0) + 1;
    seen.set(d.code, k);
    if (total <= MAX_DIAGNOSTICS_PER_CODE + 1 || k <= MAX_DIAGNOSTICS_PER_CODE) out.push(d);
    else if (k === MAX_DIAGNOSTICS_PER_CODE + 1) {
      const rest = total - MAX_DIAGNOSTICS_PER_CODE;
      out.push(summary(d, rest, `${rest} more ${d.code} diagnostics from here on are not reported (the first ${MAX_DIAGNOSTICS_PER_CODE} are)`));
    }
  }
  return out;
}
