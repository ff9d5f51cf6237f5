// The host a VM is checked against: a host configuration (.iommu, included as it is), or a
// machine (a snapshot archive or a sysfs root, imported with import-sysfs and embedded). Its
// model gives the devices by PCI address, their groups, drivers and IOMMUs.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from '../../../../grammar/src/index';
import { analyze, type Analysis } from '../../engine';
import { MachineError } from '../machine';
import { SnapshotError } from '../snapshot';
import { importSysfs, openSource } from '../sysfs';
import type { Backend, Device } from '../../model/types';
import { VmError } from './types';

export interface Host {
  /** As given on the command line. */
  shown: string;
  /** A host configuration file (absolute), included; null for an imported machine. */
  file: string | null;
  /** The host's text (the file's, or the imported machine's). */
  text: string;
  analysis: Analysis;
  /** The backend the host's files declare, when they do. */
  declaredBackend: Backend | null;
  byBdf: Map<string, Device>;
  /** One-line notes of the import (import-sysfs warnings). */
  warnings: string[];
}

export const bdfOf = (d: Device): string | null =>
  d.pci ? `${d.pci.segment.toString(16).padStart(4, '0')}:${d.pci.bus.toString(16).padStart(2, '0')}:${d.pci.device.toString(16).padStart(2, '0')}.${d.pci.fn}` : null;

function view(shown: string, file: string | null, text: string, analysis: Analysis, warnings: string[]): Host {
  let declaredBackend: Backend | null = null;
  for (const f of analysis.config.files) for (const st of f.ast.statements) if (st.kind === 'backend' && st.value) declaredBackend = st.value.text as Backend;
  const byBdf = new Map<string, Device>();
  for (const d of analysis.config.devices) {
    const b = bdfOf(d);
    if (b !== null && !byBdf.has(b)) byBdf.set(b, d);
  }
  return { shown, file, text, analysis, declaredBackend, byBdf, warnings };
}

/** Open the host: a .iommu file, a snapshot archive, or a sysfs root. `virtualPath` places an imported machine's text for its analysis. */
export function openHost(shown: string, abs: string, virtualPath: string): Host {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new VmError(`--host ${shown}: no such file or directory`);
  }
  if (stat.isFile() && abs.endsWith('.iommu')) {
    const text = fs.readFileSync(abs, 'utf8');
    const a = analyze(abs);
    if (!a) throw new VmError(`--host ${shown}: cannot be read`);
    const syntax = a.config.files.flatMap((f) => f.syntaxErrors.map((e) => `${path.relative(process.cwd(), f.path) || f.path}:${f.lines.position(e.span.start).line + 1}: ${e.message}`));
    if (syntax.length > 0) throw new VmError(`--host ${shown} does not parse: ${syntax[0]}`);
    return view(shown, abs, text, a, []);
  }
  let imported;
  try {
    imported = importSysfs(openSource(abs, shown), shown);
  } catch (e) {
    if (e instanceof MachineError || e instanceof SnapshotError) throw new VmError(`--host ${shown}: ${e.message}`);
    throw e;
  }
  const text = imported.text;
  const a = analyze(virtualPath, { host: { read: (p) => (p === virtualPath ? text : undefined) } });
  if (!a) throw new VmError(`--host ${shown}: the imported machine cannot be analysed`);
  return view(shown, null, text, a, imported.warnings);
}

/** The host text with the `driver` of the named devices replaced (libvirt rebinds managed devices to vfio-pci at start). */
export function rebindDrivers(text: string, names: Map<string, string>): string {
  if (names.size === 0) return text;
  const ast = parse(text).ast;
  const edits: { start: number; end: number; text: string }[] = [];
  for (const st of ast.statements) {
    if (st.kind !== 'device' || !st.name) continue;
    const why = names.get(st.name.text);
    if (why === undefined) continue;
    const drv = st.props.find((p) => p.kind === 'driver');
    if (drv && drv.kind === 'driver' && drv.value) edits.push({ start: drv.value.span.start, end: drv.value.span.end, text: `vfio-pci /* ${why} */` });
    else if (st.body) edits.push({ start: st.body.end - 1, end: st.body.end - 1, text: ` driver vfio-pci /* ${why} */ ` });
  }
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/**
 * Drop the `ignore unused-object` suppressions (as import-sysfs writes them above each group) of
 * the groups the VMs attach: attached, they are no longer unused, and the suppression would be.
 */
export function dropUsedGroupSuppressions(text: string, attached: Set<string>): string {
  const ast = parse(text).ast;
  const drop: { start: number; end: number }[] = [];
  for (const st of ast.statements) {
    if (st.kind !== 'group' || !st.members.some((m) => attached.has(m.text))) continue;
    const before = ast.comments.filter((c) => c.span.end <= st.span.start && /iommu-check:\s*ignore\s+unused-object\b/.test(c.text) && text.slice(c.span.end, st.span.start).trim() === '');
    const c = before[before.length - 1];
    if (c) drop.push({ start: c.span.start, end: text.indexOf('\n', c.span.end) + 1 || c.span.end });
  }
  let out = text;
  for (const d of drop.sort((a, b) => b.start - a.start)) out = out.slice(0, d.start) + out.slice(d.end);
  return out;
}
