// Kernel logs in the project: which files are logs the editor explains, which configuration a
// log is explained against, and the diagnostics on its fault lines (the same explanations as
// `iommu-check explain-fault`, in the plain diagnostic shape the language server converts).

import * as path from 'node:path';
import { DRIVER_NAMES } from '../fault/event';
import { explainLogs } from '../fault/explain';
import { scanLog, type ScanResult } from '../fault/scan';
import { hex } from '../model/intervals';
import type { PlainDiagnostic, PlainRelated } from './diagnostics';
import { capPerCode, rangeOf } from './diagnostics';
import type { ConfigurationAnalysis, Project } from './project';

/**
 * Kernel log files, by name: `*.log` (and rotated `*.log.1`), `dmesg`, `dmesg*.txt`, `dmesg-*`,
 * `kern.log*`, `kmsg*`, `*.kmsg`, `*.dmesg`, and journal exports `journal*.txt` / `*.journal.txt`.
 * (A binary `*.journal` is not text: export it with `journalctl -o short` or `-o export`.)
 */
export function isKernelLogFile(p: string): boolean {
  const base = path.basename(p).toLowerCase();
  return (
    /\.log(\.\d+)?$/.test(base) ||
    /^dmesg([-._].*)?$/.test(base) ||
    /^kern\.log/.test(base) ||
    /^kmsg([-._].*)?$/.test(base) ||
    /\.(kmsg|dmesg)$/.test(base) ||
    /^journal.*\.txt$/.test(base) ||
    /\.journal\.txt$/.test(base)
  );
}

/**
 * The configuration a log is explained against: the one whose root file is in the log's folder
 * (the first by name when several), else in the nearest folder above it, else the only
 * configuration of the project.
 */
export function configurationForLog(project: Project, logPath: string): string | null {
  const roots = project.roots();
  if (roots.length === 0) return null;
  for (let dir = path.dirname(logPath); ; ) {
    const here = roots.filter((r) => path.dirname(r) === dir).sort();
    if (here.length) return here[0]!;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return roots.length === 1 ? roots[0]! : null;
}

/** At most this many diagnostics on one log, after each code is cut to MAX_DIAGNOSTICS_PER_CODE and a count. */
export const MAX_LOG_DIAGNOSTICS = 1000;

/** The explanations of a log's faults as diagnostics on its lines, with related places in the configuration. */
export function logDiagnostics(text: string, config: ConfigurationAnalysis | null, configShown: string | null, scanned?: ScanResult): PlainDiagnostic[] {
  const scan = scanned ?? scanLog(text);
  const out: PlainDiagnostic[] = [];
  const lineRange = (line: number, start: number, end: number) => ({ start: { line, character: start }, end: { line, character: end } });
  const analysis = config?.analysis ?? null;
  const unrecognised = (): PlainDiagnostic[] =>
    scan.unrecognised.map((u) => ({ range: lineRange(u.line, u.column, u.end), severity: 'information', code: 'fault:unrecognised', message: `unrecognised ${DRIVER_NAMES[u.driver]} line: ${u.why}`, related: [] }));
  if (!analysis) {
    out.push(...unrecognised());
    if (scan.events.length > 0) {
      const e = scan.events[0]!;
      out.push({
        range: lineRange(e.lines.first, e.columns.start, e.columns.end),
        severity: 'information',
        code: 'fault-no-configuration',
        message: `${scan.events.length} IOMMU fault line${scan.events.length === 1 ? '' : 's'} in this log, but ${configShown ? `the configuration ${configShown} cannot be analysed` : 'no configuration (*.iommu) is beside it to explain them'}: open or create one in this folder.`,
        related: [],
      });
    }
  } else {
    const groups = explainLogs(analysis, [scan.events]);
    const firsts: PlainDiagnostic[] = [];
    const rest: PlainDiagnostic[] = [];
    for (const g of groups) {
      const x = g.explanation;
      const related: PlainRelated[] = x.related.map((r) => ({ path: r.loc.file.path, range: rangeOf(r.loc), message: r.message }));
      g.occurrences.forEach((o, i) => {
        const ev = o.event;
        const range = lineRange(ev.lines.first, ev.columns.start, ev.columns.end);
        const who = x.device ? `'${x.device.name}'` : x.requester.text;
        const what = `${DRIVER_NAMES[ev.driver]} ${ev.name}: ${who}${ev.access && ev.address !== null ? ` ${ev.access}` : ''}${ev.address !== null ? ` at ${hex(ev.address)}` : ''}`;
        if (i === 0) {
          const count = g.count > 1 ? ` (${g.count} faults like it in this log)` : '';
          firsts.push({ range, severity: x.cause === 'config-translates' ? 'warning' : 'error', code: `fault:${x.cause}`, message: `${what}${count}\n${x.message}`, related });
        } else {
          const first = g.occurrences[0]!.event.lines.first;
          rest.push({ range, severity: 'information', code: 'fault:repeat', message: `${what}: as on line ${first + 1} (${x.cause})`, related: [] });
        }
      });
    }
    out.push(...firsts, ...unrecognised());
    out.push(...rest);
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  // each code cut as Project.report() cuts a configuration's (capFlood)
  return capPerCode(out, (d, _rest, message) => ({ ...d, message, related: [] })).slice(0, MAX_LOG_DIAGNOSTICS);
}

