// The output formats of a check: text (for people), json (the documented contract), sarif (code
// scanning) and github (workflow commands). Lines and characters come from the file's LineIndex:
// 0-based UTF-16 offsets, shown 1-based where the format says so.

import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { sarifHelp } from '../checks/explanation';
import { CHECKS, type CheckInfo } from '../checks/registry';
import type { Diagnostic, Loc, Severity } from '../model/types';
import { rangeOf, toPlain, type PlainRange } from '../project/index';
import type { CheckResult } from './check';
import { escapeControl } from './terminal';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export type Range = PlainRange;
export { rangeOf };

function plural(n: number, one: string, many: string = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function summaryLine(r: CheckResult): string {
  return `${plural(r.errors, 'error')}, ${plural(r.warnings, 'warning')}, ${r.information} information in ${plural(r.files.length, 'file')}`;
}

// ---- json -----------------------------------------------------------------------------------

export interface JsonReport {
  version: 1;
  files: {
    path: string;
    diagnostics: {
      range: Range;
      severity: Severity;
      code: string;
      message: string;
      relatedInformation: { path: string; range: Range; message: string }[];
    }[];
  }[];
  summary: { files: number; errors: number; warnings: number; information: number };
}

export function jsonReport(r: CheckResult): JsonReport {
  return {
    version: 1,
    files: r.files.map((f) => ({
      path: f.path,
      diagnostics: f.diagnostics.map(toPlain).map((d) => ({
        range: d.range,
        severity: d.severity,
        code: d.code,
        message: d.message,
        relatedInformation: d.related.map((rel) => ({ ...rel, path: r.show(rel.path) })),
      })),
    })),
    summary: { files: r.files.length, errors: r.errors, warnings: r.warnings, information: r.information },
  };
}

export function formatJson(r: CheckResult): string {
  return JSON.stringify(jsonReport(r), null, 2) + '\n';
}

// ---- sarif ----------------------------------------------------------------------------------

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note' };

function ruleName(code: string): string {
  return code.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function sarifRule(c: CheckInfo) {
  const help = sarifHelp(c);
  return {
    id: c.code,
    name: ruleName(c.code),
    shortDescription: { text: c.title },
    fullDescription: { text: help.fullDescription },
    help: { text: help.text, markdown: help.markdown },
    defaultConfiguration: { level: SARIF_LEVEL[c.severity] },
    properties: { tags: ['iommu', c.family] },
  };
}

function isInside(cwd: string, abs: string): boolean {
  const rel = path.relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function artifactLocation(cwd: string, abs: string) {
  if (isInside(cwd, abs)) {
    const rel = path.relative(cwd, abs).split(path.sep).map(encodeURIComponent).join('/');
    return { uri: rel, uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(abs).href };
}

function region(loc: Loc) {
  const r = rangeOf(loc);
  const endColumn = r.end.character + 1;
  return {
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.line === r.start.line ? Math.max(endColumn, r.start.character + 1) : endColumn,
  };
}

function physical(cwd: string, loc: Loc) {
  return { artifactLocation: artifactLocation(cwd, loc.file.path), region: region(loc) };
}

/** A hash of what identifies a finding across unrelated edits: code, file, the line's text. */
function lineHash(d: Diagnostic, shownPath: string): string {
  const line = d.loc.file.lines.position(d.loc.span.start).line;
  const start = d.loc.file.lines.lineStart(line);
  const next = d.loc.file.lines.lineStart(line + 1);
  const text = d.loc.file.text.slice(start, next > start ? next : undefined).replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(`${d.code}\0${shownPath}\0${text}`).digest('hex').slice(0, 32);
}

export function sarifLog(r: CheckResult, cwd: string, version: string) {
  const ruleIndex = new Map(CHECKS.map((c, i) => [c.code, i]));
  const occurrences = new Map<string, number>();
  const results = r.files.flatMap((f) =>
    f.diagnostics.map((d) => {
      const hash = lineHash(d, f.path);
      const n = occurrences.get(hash) ?? 0;
      occurrences.set(hash, n + 1);
      const index = ruleIndex.get(d.code);
      return {
        ruleId: d.code,
        ...(index !== undefined ? { ruleIndex: index } : {}),
        level: SARIF_LEVEL[d.severity],
        message: { text: d.message },
        locations: [{ physicalLocation: physical(cwd, d.loc) }],
        ...(d.related.length
          ? { relatedLocations: d.related.map((rel, i) => ({ id: i, physicalLocation: physical(cwd, rel.loc), message: { text: rel.message } })) }
          : {}),
        partialFingerprints: { primaryLocationLineHash: `${hash}:${n + 1}` },
      };
    }),
  );
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'iommu-check',
            version,
            semanticVersion: version,
            rules: CHECKS.map(sarifRule),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: r.internalErrors.length === 0,
            ...(r.internalErrors.length
              ? { toolExecutionNotifications: r.internalErrors.map((e) => ({ level: 'error', message: { text: e } })) }
              : {}),
          },
        ],
        results,
      },
    ],
  };
}

export function formatSarif(r: CheckResult, cwd: string, version: string): string {
  return JSON.stringify(sarifLog(r, cwd, version), null, 2) + '\n';
}

// ---- github ---------------------------------------------------------------------------------

const GITHUB_COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice' };

/** Escaping of a workflow command's message (toolkit `escapeData`). */
export function escapeData(s: string): string {
  // control characters (but line breaks, which the toolkit encodes) must not reach the log raw
  const safe = s.split(/(\r|\n)/).map((part) => (part === '\r' || part === '\n' ? part : escapeControl(part, { tabs: false }))).join('');
  return safe.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a workflow command's property value (toolkit `escapeProperty`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(r: CheckResult): string {
  const out: string[] = [];
  for (const f of r.files) {
    for (const d of f.diagnostics) {
      const { start, end } = rangeOf(d.loc);
      const props = [
        `file=${escapeProperty(f.path)}`,
        `line=${start.line + 1}`,
        `col=${start.character + 1}`,
        `endLine=${end.line + 1}`,
        `endColumn=${end.character + 1}`,
        `title=${escapeProperty(d.code)}`,
      ].join(',');
      let message = d.message;
      for (const rel of d.related) {
        const p = rel.loc.file.lines.position(rel.loc.span.start);
        message += `\nrelated: ${r.show(rel.loc.file.path)}:${p.line + 1}:${p.character + 1}: ${rel.message}`;
      }
      out.push(`::${GITHUB_COMMAND[d.severity]} ${props}::${escapeData(message)}`);
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}
