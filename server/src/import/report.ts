// Firmware findings as text (one line each: `PATH: IORT+0x30: error CODE: message`), JSON (the
// check report's shape, with a `location` naming the table and offset or the devicetree node) and
// SARIF 2.1.0 (byte regions in binary artifacts, line/column regions in text dumps, and the
// table offset or node path as a logical location).

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../model/types';
import { CHECKS } from '../checks/registry';
import type { CheckInfo } from '../checks/check';
import { sarifHelp } from '../checks/explanation';
import { artifactOf, locationText, type Finding, type FirmwareLocation } from './findings';

export const REPORT_FORMATS = ['text', 'json', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface Counts {
  errors: number;
  warnings: number;
  information: number;
}

export function counts(findings: readonly Finding[]): Counts {
  const c: Counts = { errors: 0, warnings: 0, information: 0 };
  for (const f of findings) {
    if (f.severity === 'error') c.errors++;
    else if (f.severity === 'warning') c.warnings++;
    else c.information++;
  }
  return c;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function textPosition(loc: FirmwareLocation): { line: number; character: number } | null {
  return loc.kind === 'table' && loc.table.textPosition ? loc.table.textPosition(loc.offset) : null;
}

/** `PATH: IORT+0x30` (with `:LINE:COL` for a text dump). */
export function where(loc: FirmwareLocation): string {
  const a = artifactOf(loc);
  if (loc.kind === 'file') return a.path;
  const p = textPosition(loc);
  return `${a.path}${p ? `:${p.line + 1}:${p.character + 1}` : ''}: ${locationText(loc)}`;
}

export function formatFindingsText(findings: readonly Finding[]): string {
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${where(f.loc)}: ${f.severity} ${f.code}: ${f.message}`);
    for (const r of f.related) out.push(`    related: ${where(r.loc)}: ${r.message}`);
  }
  const c = counts(findings);
  out.push(`${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}, ${c.information} information`);
  return out.join('\n') + '\n';
}

function jsonLocation(loc: FirmwareLocation) {
  switch (loc.kind) {
    case 'table':
      return { table: loc.table.signature, offset: loc.offset, length: loc.length, text: locationText(loc) };
    case 'node':
      return { node: loc.path, ...(loc.property ? { property: loc.property } : {}), ...(loc.offset !== undefined ? { offset: loc.offset, length: loc.length ?? 0 } : {}), text: locationText(loc) };
    case 'file':
      return { text: loc.artifact.path };
  }
}

function jsonRange(loc: FirmwareLocation) {
  const p = textPosition(loc);
  return p ? { range: { start: p, end: { line: p.line, character: p.character + 2 } } } : {};
}

export function findingsJson(findings: readonly Finding[], artifacts: readonly string[]) {
  const byPath = new Map<string, Finding[]>(artifacts.map((a) => [a, []]));
  for (const f of findings) {
    const p = artifactOf(f.loc).path;
    if (!byPath.has(p)) byPath.set(p, []);
    byPath.get(p)!.push(f);
  }
  const c = counts(findings);
  return {
    version: 1 as const,
    files: [...byPath].map(([p, list]) => ({
      path: p,
      diagnostics: list.map((f) => ({
        location: jsonLocation(f.loc),
        ...jsonRange(f.loc),
        severity: f.severity,
        code: f.code,
        message: f.message,
        relatedInformation: f.related.map((r) => ({ path: artifactOf(r.loc).path, location: jsonLocation(r.loc), ...jsonRange(r.loc), message: r.message })),
      })),
    })),
    summary: { files: byPath.size, ...c },
  };
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note' };

const FIRMWARE_CHECKS = CHECKS.filter((c) => c.family === 'firmware');

function sarifRule(c: CheckInfo) {
  const help = sarifHelp(c);
  return {
    id: c.code,
    name: c.code.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
    shortDescription: { text: c.title },
    fullDescription: { text: help.fullDescription },
    help: { text: help.text, markdown: help.markdown },
    defaultConfiguration: { level: SARIF_LEVEL[c.severity] },
    properties: { tags: ['iommu', 'firmware'] },
  };
}

function artifactLocation(cwd: string, abs: string) {
  const rel = path.relative(cwd, abs);
  if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(abs).href };
}

function sarifLocation(cwd: string, loc: FirmwareLocation) {
  const a = artifactOf(loc);
  const physical: Record<string, unknown> = { artifactLocation: artifactLocation(cwd, a.abs) };
  const p = textPosition(loc);
  if (p) physical['region'] = { startLine: p.line + 1, startColumn: p.character + 1, endLine: p.line + 1, endColumn: p.character + 3 };
  else if (loc.kind === 'table' && loc.table.fileOffset !== null) physical['region'] = { byteOffset: loc.table.fileOffset + loc.offset, byteLength: loc.length };
  else if (loc.kind === 'node' && loc.offset !== undefined) physical['region'] = { byteOffset: loc.offset, byteLength: loc.length ?? 0 };
  const logical = loc.kind === 'file' ? [] : [{ fullyQualifiedName: locationText(loc), kind: loc.kind === 'table' ? 'member' : 'element' }];
  return { physicalLocation: physical, ...(logical.length ? { logicalLocations: logical } : {}) };
}

export function findingsSarif(findings: readonly Finding[], cwd: string, version: string) {
  const ruleIndex = new Map(FIRMWARE_CHECKS.map((c, i) => [c.code, i]));
  const seen = new Map<string, number>();
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'iommu-check', version, semanticVersion: version, rules: FIRMWARE_CHECKS.map(sarifRule) } },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
        results: findings.map((f) => {
          const hash = createHash('sha256').update(`${f.code}\0${artifactOf(f.loc).path}\0${locationText(f.loc)}`).digest('hex').slice(0, 32);
          const n = (seen.get(hash) ?? 0) + 1;
          seen.set(hash, n);
          const index = ruleIndex.get(f.code);
          return {
            ruleId: f.code,
            ...(index !== undefined ? { ruleIndex: index } : {}),
            level: SARIF_LEVEL[f.severity],
            message: { text: f.message },
            locations: [sarifLocation(cwd, f.loc)],
            ...(f.related.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, ...sarifLocation(cwd, r.loc), message: { text: r.message } })) } : {}),
            partialFingerprints: { firmwareLocationHash: `${hash}:${n}` },
          };
        }),
      },
    ],
  };
}

export function formatFindings(format: ReportFormat, findings: readonly Finding[], artifacts: readonly string[], cwd: string, version: string): string {
  if (format === 'json') return JSON.stringify(findingsJson(findings, artifacts), null, 2) + '\n';
  if (format === 'sarif') return JSON.stringify(findingsSarif(findings, cwd, version), null, 2) + '\n';
  return formatFindingsText(findings);
}
