// The report of `iommu-check explain-fault`: explained fault groups as text (one block per
// group: where in the log, what the driver said, the cause and why, the configuration's places)
// and as JSON (version 1, the shape docs/explain-fault.md documents).

import { hex } from '../model/intervals';
import type { Loc } from '../model/types';
import { resolutionJson } from './translate';
import type { FaultEvent, Unrecognised } from '../fault/event';
import { DRIVER_NAMES } from '../fault/event';
import type { FaultGroup } from '../fault/explain';

export interface LogReport {
  /** The log as shown to the user (path as given, `<stdin>`, `ARCHIVE:log/kmsg`). */
  path: string;
  lines: number;
  events: number;
  context: number;
  unrecognised: Unrecognised[];
}

export interface FaultReport {
  config: string;
  logs: LogReport[];
  groups: FaultGroup[];
  /** What the log says across groups (AMD-Vi domain IDs against the configuration's domains). */
  notes: string[];
}

/** How to show a configuration place: `path:line:col` (1-based) and a 0-based LSP range. */
export interface Placer {
  path(abs: string): string;
}

function pos(loc: Loc) {
  const s = loc.file.lines.position(loc.span.start);
  const e = loc.file.lines.position(loc.span.end);
  return { start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

function where(loc: Loc, placer: Placer): string {
  const p = loc.file.lines.position(loc.span.start);
  return `${placer.path(loc.file.path)}:${p.line + 1}:${p.character + 1}`;
}

/** The first occurrence's line numbers (1-based) of a group, at most `max`, for the text report. */
function lineList(g: FaultGroup, logs: readonly LogReport[], max: number): string {
  const multi = new Set(g.occurrences.map((o) => o.log)).size > 1;
  const shown = g.occurrences.slice(0, max).map((o) => `${multi ? logs[o.log]!.path + ':' : ''}${o.event.lines.first + 1}`);
  return shown.join(', ') + (g.occurrences.length > max ? `, … (${g.occurrences.length - max} more)` : '');
}

/** The headline of an event: `DMAR [DMA Read] from 01:00.0 at 0xfee00000`. */
export function eventHeadline(ev: FaultEvent, requester: string): string {
  const addr = ev.address !== null ? ` at ${hex(ev.address)}` : '';
  const acc = ev.access && ev.address !== null ? ` ${ev.access}` : '';
  const pasid = ev.pasid !== null ? ` PASID ${ev.pasid}` : '';
  const stage = ev.stage ? ` (${ev.stage})` : '';
  return `${DRIVER_NAMES[ev.driver]} ${ev.name}${stage}: ${requester}${pasid}${acc}${addr}`;
}

export function summaryText(r: FaultReport): string {
  const faults = r.groups.reduce((n, g) => n + g.count, 0);
  const unknown = r.groups.filter((g) => g.explanation.cause === 'unknown-device').length;
  const unrec = r.logs.reduce((n, l) => n + l.unrecognised.length, 0);
  const lines = r.logs.reduce((n, l) => n + l.lines, 0);
  const parts = [`${faults} IOMMU fault${faults === 1 ? '' : 's'} in ${r.groups.length} group${r.groups.length === 1 ? '' : 's'}`];
  if (unknown) parts.push(`${unknown} group${unknown === 1 ? '' : 's'} from requesters the configuration does not know`);
  parts.push(`${unrec} unrecognised line${unrec === 1 ? '' : 's'}`);
  return `${parts.join(', ')} (${lines} log line${lines === 1 ? '' : 's'} read)`;
}

/** The text report. `wrap` folds a paragraph to the terminal's width. */
export function faultReportText(r: FaultReport, placer: Placer, wrap: (text: string, indent: string) => string[]): string {
  const out: string[] = [];
  for (const g of r.groups) {
    const x = g.explanation;
    const first = g.occurrences[0]!;
    const log = r.logs[first.log]!;
    const ev = first.event;
    const count = g.count > 1 ? ` (×${g.count}${g.addresses > 1 ? `, ${g.addresses} addresses in the page` : ''})` : '';
    out.push(`${log.path}:${ev.lines.first + 1}: ${x.cause}: ${eventHeadline(ev, x.device ? `'${x.device.name}' (${x.requester.text})` : x.requester.text)}${count}`);
    out.push(...wrap(`  ${ev.reason}`, '    '));
    if (x.device && ev.requester?.kind !== 'pci') out.push(...wrap(`  requester: ${x.requester.how}`, '    '));
    out.push(...wrap(`  ${x.message}`, '    '));
    if (x.resolution) for (const line of chainLines(x)) out.push(`    ${line}`);
    for (const rel of x.related) out.push(`  ${where(rel.loc, placer)}: ${rel.message}`);
    if (g.count > 1) out.push(...wrap(`  lines: ${lineList(g, r.logs, 12)}`, '    '));
    out.push('');
  }
  for (const n of r.notes) out.push(...wrap(`note: ${n}`, '  '));
  for (const l of r.logs)
    for (const u of l.unrecognised.slice(0, 20)) out.push(`${l.path}:${u.line + 1}: unrecognised ${DRIVER_NAMES[u.driver]} line: ${u.why}`);
  const more = r.logs.reduce((n, l) => n + Math.max(0, l.unrecognised.length - 20), 0);
  if (more) out.push(`… and ${more} more unrecognised lines`);
  out.push(summaryText(r));
  return out.join('\n') + '\n';
}

function chainLines(x: FaultGroup['explanation']): string[] {
  const r = x.resolution!;
  const lines = r.hops.map((h) => `${hex(h.input)} → ${hex(h.output)}  ${h.text}`);
  if (r.end.kind === 'fault') lines.push(`✗ ${r.end.reason}`);
  else lines.push(`= PA ${hex(r.end.pa)}`);
  return lines;
}

/** The JSON report (addresses as hex strings, lines and characters 0-based as in LSP). */
export function faultReportJson(r: FaultReport, placer: Placer, diags: Parameters<typeof resolutionJson>[2]) {
  const place = (loc: Loc) => ({ path: placer.path(loc.file.path), range: pos(loc) });
  return {
    version: 1,
    config: r.config,
    logs: r.logs.map((l) => ({
      path: l.path,
      lines: l.lines,
      faults: l.events,
      context: l.context,
      unrecognised: l.unrecognised.map((u) => ({ line: u.line, driver: u.driver, why: u.why, text: u.text })),
    })),
    groups: r.groups.map((g) => {
      const x = g.explanation;
      const ev = g.occurrences[0]!.event;
      const rq = ev.requester;
      return {
        cause: x.cause,
        message: x.message,
        count: g.count,
        addresses: g.addresses,
        driver: ev.driver,
        event: ev.name,
        kind: ev.kind,
        reason: ev.reason,
        requester: rq === null ? null : rq.kind === 'pci' ? { kind: 'pci' as const, bdf: x.requester.text } : { kind: 'stream' as const, sid: hex(BigInt(rq.sid)), smmu: rq.smmu, client: rq.client },
        device: x.device ? { name: x.device.name, how: x.requester.how, ...place(x.device.declLoc) } : null,
        address: ev.address !== null ? hex(ev.address) : null,
        page: ev.address !== null ? hex(ev.address & ~0xfffn) : null,
        ipa: ev.ipa !== null ? hex(ev.ipa) : null,
        access: ev.access,
        pasid: ev.pasid,
        stage: { log: ev.stage, model: x.stage },
        domain: x.domain ? { name: x.domain.name, type: x.domain.type, implicit: x.domain.implicit, ...place(x.domain.declLoc) } : null,
        resolution: x.resolution ? resolutionJson(x.resolution, null, diags) : null,
        related: x.related.map((rel) => ({ ...place(rel.loc), message: rel.message })),
        detail: ev.detail,
        occurrences: g.occurrences.slice(0, 1000).map((o) => ({ log: o.log, line: o.event.lines.first, lastLine: o.event.lines.last, address: o.event.address !== null ? hex(o.event.address) : null })),
      };
    }),
    notes: r.notes,
    summary: {
      lines: r.logs.reduce((n, l) => n + l.lines, 0),
      faults: r.groups.reduce((n, g) => n + g.count, 0),
      groups: r.groups.length,
      unknownDevices: r.groups.filter((g) => g.explanation.cause === 'unknown-device').length,
      unrecognised: r.logs.reduce((n, l) => n + l.unrecognised.length, 0),
    },
  };
}
