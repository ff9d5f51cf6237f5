// Which map to draw: a domain or a device named by the user, with a one-line error (and a
// suggestion) for a name that is not there. Shared by the CLI and the language server.

import type { Analysis } from '../../engine';
import type { SourceFile, Symbol } from '../../model/types';
import { statementAt, symbolAt } from '../common';
import { editDistance } from '../../../../grammar/src/spelling';
import type { Subject } from './build';

export type SubjectQuery = { domain: string } | { device: string } | { all: true };

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? 'an' : 'a';
}

function suggestion(name: string, candidates: string[]): string {
  let best: string | null = null;
  let bestDist = Infinity;
  for (const c of candidates) {
    const dist = editDistance(name.toLowerCase(), c.toLowerCase());
    if (dist < bestDist) {
      best = c;
      bestDist = dist;
    }
  }
  return best !== null && bestDist <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean '${best}'?` : '';
}

/** The subjects to draw, or a one-line reason why there are none. */
export function findSubjects(a: Analysis, q: SubjectQuery): Subject[] | string {
  if ('all' in q) {
    const list = a.config.domains.filter((d) => !d.broken || d.type !== null);
    if (list.length === 0) return 'the configuration declares no domain (name a device with --device to see its default domain)';
    return list.map((domain) => ({ kind: 'domain', domain }));
  }
  const [kind, name] = 'domain' in q ? (['domain', q.domain] as const) : (['device', q.device] as const);
  const sym: Symbol | undefined = a.config.symbols.get(name);
  if (sym && sym.kind === kind) return [sym.kind === 'domain' ? { kind: 'domain', domain: sym } : { kind: 'device', device: sym as Extract<Symbol, { kind: 'device' }> }];
  const names = kind === 'domain' ? a.config.domains.map((d) => d.name) : a.config.devices.map((d) => d.name);
  if (sym) {
    const hint = sym.kind === 'device' || sym.kind === 'domain' ? ` (use --${sym.kind} ${name})` : '';
    return `'${name}' is ${article(sym.kind)} ${sym.kind}, not ${article(kind)} ${kind}${hint}`;
  }
  const known = names.length ? suggestion(name, names) || `; ${kind}s: ${names.join(', ')}` : `; the configuration declares no ${kind}`;
  return `no ${kind} named '${name}'${known}`;
}

/** The domain or device whose declaration (or name) is at `offset`, for "show the map here". */
export function subjectAt(a: Analysis, file: SourceFile, offset: number): Subject | null {
  const sym = symbolAt(a.config, file, offset);
  if (sym?.kind === 'domain') return { kind: 'domain', domain: sym };
  if (sym?.kind === 'device') return { kind: 'device', device: sym };
  const { top } = statementAt(file, offset);
  if (top?.kind === 'domain') {
    const domain = a.config.domains.find((d) => d.decl === top);
    if (domain) return { kind: 'domain', domain };
  }
  if (top?.kind === 'device') {
    const device = a.config.devices.find((d) => d.decl === top);
    if (device) return { kind: 'device', device };
  }
  return null;
}

/** Where a "show the address map" link goes: on the name of every domain and device declared in the file. */
export interface MapLens {
  span: { start: number; end: number };
  kind: 'domain' | 'device';
  name: string;
}

export function addressMapLenses(a: Analysis, file: SourceFile): MapLens[] {
  const out: MapLens[] = [];
  for (const d of a.config.domains) if (d.nameLoc.file === file) out.push({ span: d.nameLoc.span, kind: 'domain', name: d.name });
  for (const d of a.config.devices) if (d.nameLoc.file === file) out.push({ span: d.nameLoc.span, kind: 'device', name: d.name });
  return out.sort((x, y) => x.span.start - y.span.start);
}
