// Code actions: "ignore CODE on this line" for every diagnostic, and a quick fix where the fix
// is clear. Each fix is a set of text edits; applied, it makes its diagnostic go away.

import type * as ast from '../../../grammar/src/ast';
import { alignDown, alignUp, hexGrouped, formatSize, U64_MAX, type Interval } from '../model/intervals';
import type { Translation } from '../model/translation';
import type { Configuration, Diagnostic, Domain, Mapping, SourceFile } from '../model/types';
import { indentAt, innerStatements, statementAt, type AnalysisOf, type TextEdit } from './common';
import { editDistance } from '../spelling';

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  diagnostic: Diagnostic;
  edits: TextEdit[];
  preferred?: boolean;
}

export function codeActions(a: AnalysisOf, file: SourceFile, range: ast.Span): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of a.diagnostics) {
    if (d.loc.file !== file) continue;
    if (d.loc.span.end < range.start || d.loc.span.start > range.end) continue;
    out.push(...quickFixes(a.config, a.tx, d));
    const ignore = ignoreAction(file, d);
    if (ignore) out.push(ignore);
  }
  return out;
}

// ---- ignore -------------------------------------------------------------------------------

function statementStarts(file: SourceFile): ast.Span[] {
  const out: ast.Span[] = [];
  for (const st of file.ast.statements) {
    out.push(st.span);
    for (const p of innerStatements(st)) out.push(p.span);
  }
  return out.sort((x, y) => x.start - y.start || y.end - x.end);
}

function ignoreAction(file: SourceFile, d: Diagnostic): CodeAction | null {
  if (d.code === 'syntax' || d.code === 'unused-suppression') return null;
  const title = `Ignore '${d.code}' on this line`;
  const at = d.loc.span.start;
  const { top, inner } = statementAt(file, at);
  const st = inner ?? top;
  const pos = file.lines.position(st ? st.span.start : at);
  const lineStart = file.lines.lineStart(pos.line);
  // an own-line comment silences the first statement starting after it: it must cover the diagnostic
  const next = statementStarts(file).find((s) => s.start >= lineStart);
  if (next && next.start <= at && at < Math.max(next.end, next.start + 1)) {
    const indent = indentAt(file, lineStart);
    return { title, kind: 'quickfix', diagnostic: d, edits: [{ path: file.path, span: { start: lineStart, end: lineStart }, newText: `${indent}// iommu-check: ignore ${d.code}\n` }] };
  }
  // else a comment at the end of the diagnostic's line
  const dl = file.lines.position(at).line;
  const end = dl + 1 < file.lines.lineCount ? file.lines.lineStart(dl + 1) : file.text.length;
  const lineText = file.text.slice(file.lines.lineStart(dl), end).replace(/\r?\n$/, '');
  if (file.ast.comments.some((c) => c.span.start >= file.lines.lineStart(dl) && c.span.start < end)) return null;
  const eol = file.lines.lineStart(dl) + lineText.length;
  return { title, kind: 'quickfix', diagnostic: d, edits: [{ path: file.path, span: { start: eol, end: eol }, newText: `  // iommu-check: ignore ${d.code}` }] };
}

// ---- quick fixes --------------------------------------------------------------------------

function quickFixes(config: Configuration, tx: Translation, d: Diagnostic): CodeAction[] {
  switch (d.code) {
    case 'unknown-name':
      return didYouMean(config, d);
    case 'map-unaligned':
      return widenMap(config, tx, d);
    case 'map-overlaps-reserved':
      return moveMap(config, tx, d);
    case 'rmr-mismatch':
    case 'unmapped-doorbell':
      return addRmr(config, tx, d);
    case 'group-split':
      return fixGroupSplit(config, tx, d);
    default:
      return [];
  }
}

function didYouMean(config: Configuration, d: Diagnostic): CodeAction[] {
  const name = d.loc.file.text.slice(d.loc.span.start, d.loc.span.end);
  const want = /no ([a-z ]+?) named/.exec(d.message)?.[1]?.split(' or ') ?? [];
  const limit = Math.max(2, Math.floor(name.length / 3));
  const cands = [...config.symbols.values()]
    .filter((s) => want.length === 0 || want.includes(s.kind))
    .map((s) => ({ s, dist: editDistance(name.toLowerCase(), s.name.toLowerCase()) }))
    .filter((c) => c.dist <= limit)
    .sort((x, y) => x.dist - y.dist || x.s.name.localeCompare(y.s.name))
    .slice(0, 3);
  return cands.map((c, i) => ({
    title: `Did you mean '${c.s.name}'?`,
    kind: 'quickfix',
    diagnostic: d,
    preferred: i === 0,
    edits: [{ path: d.loc.file.path, span: d.loc.span, newText: c.s.name }],
  }));
}

/** The domain and explicit map of a `map` statement at the diagnostic. */
function mapAt(config: Configuration, d: Diagnostic): { dom: Domain; m: Mapping; stmt: ast.MapStmt } | null {
  const { top, inner } = statementAt(d.loc.file, d.loc.span.start);
  if (top?.kind !== 'domain' || inner?.kind !== 'map') return null;
  const dom = config.domains.find((x) => x.decl === top);
  const m = dom?.maps.find((x) => x.stmt === inner);
  return dom && m ? { dom, m, stmt: inner } : null;
}

function minPageOf(config: Configuration, tx: Translation, dom: Domain): bigint {
  const io = dom.iommu ?? tx.devicesIn(dom)[0]?.iommu ?? config.iommus[0];
  return io?.minPage ?? config.pageSize;
}

/** Edits that rewrite a map's input range (and output) keeping its written form. */
function rewriteMap(file: SourceFile, stmt: ast.MapStmt, start: bigint, last: bigint, output: bigint | null): TextEdit[] | null {
  const r = stmt.input;
  if (!r) return null;
  const edits: TextEdit[] = [{ path: file.path, span: r.start.span, newText: hexGrouped(start) }];
  if (r.size) edits.push({ path: file.path, span: r.size.span, newText: formatSize(last - start + 1n) });
  else if (r.last) edits.push({ path: file.path, span: r.last.span, newText: hexGrouped(last) });
  else return null;
  if (output !== null) {
    if (stmt.target?.kind !== 'address') return null;
    edits.push({ path: file.path, span: stmt.target.value.span, newText: hexGrouped(output) });
  }
  return edits;
}

function widenMap(config: Configuration, tx: Translation, d: Diagnostic): CodeAction[] {
  const at = mapAt(config, d);
  if (!at) return [];
  const { dom, m, stmt } = at;
  const page = minPageOf(config, tx, dom);
  const start = alignDown(m.input.start, page);
  const end = alignUp(m.input.last + 1n, page);
  if (end === null) return [];
  const shift = m.input.start - start;
  if (stmt.target?.kind === 'address' && (m.output < shift || (m.output - shift) % page !== 0n)) return [];
  const output = stmt.target?.kind === 'address' ? m.output - shift : null;
  const edits = rewriteMap(d.loc.file, stmt, start, end - 1n, output);
  if (!edits) return [];
  return [{ title: `Widen the map to ${formatSize(page)} pages: ${hexGrouped(start)}..${hexGrouped(end - 1n)}`, kind: 'quickfix', diagnostic: d, preferred: true, edits }];
}

function moveMap(config: Configuration, tx: Translation, d: Diagnostic): CodeAction[] {
  const at = mapAt(config, d);
  if (!at) return [];
  const { dom, m, stmt } = at;
  const size = m.input.last - m.input.start + 1n;
  const busy: Interval[] = [];
  const users = new Set(tx.devicesIn(dom));
  if (dom.nestParent) for (const n of config.domains) if (n.parent === dom) for (const dev of tx.devicesIn(n)) users.add(dev);
  for (const dev of users) for (const r of tx.regionsOf(dev)) busy.push(r);
  for (const other of tx.mapsOf(dom)) if (other !== m) busy.push(other.input);
  const page = minPageOf(config, tx, dom);
  const ias = dom.iommu?.ias ?? [...users][0]?.iommu?.ias ?? 64;
  const limit = ias >= 64 ? U64_MAX : (1n << BigInt(ias)) - 1n;
  let natural = page;
  while (natural * 2n <= size && size % (natural * 2n) === 0n && natural < 1n << 30n) natural *= 2n;
  const target = freeSlot(busy, m.input.start, size, natural, limit) ?? (natural !== page ? freeSlot(busy, m.input.start, size, page, limit) : null);
  if (target === null) return [];
  const edits = rewriteMap(d.loc.file, stmt, target, target + size - 1n, null);
  if (!edits) return [];
  return [{ title: `Move the map to the nearest free IOVA ${hexGrouped(target)}`, kind: 'quickfix', diagnostic: d, preferred: true, edits }];
}

/** The aligned start nearest to `want` where [start, start+size-1] meets none of `busy` and stays ≤ limit. */
export function freeSlot(busy: Interval[], want: bigint, size: bigint, align: bigint, limit: bigint): bigint | null {
  const sorted = [...busy].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const free = (s: bigint): boolean => {
    const l = s + size - 1n;
    if (s < 0n || l > limit) return false;
    for (const b of sorted) {
      if (b.start > l) break;
      if (b.last >= s) return false;
    }
    return true;
  };
  const cands = new Set<bigint>();
  const down = alignDown(want, align);
  cands.add(down);
  const up0 = alignUp(want, align);
  if (up0 !== null) cands.add(up0);
  for (const b of sorted) {
    const after = alignUp(b.last + 1n, align);
    if (after !== null) cands.add(after);
    if (b.start >= size) cands.add(alignDown(b.start - size, align));
  }
  let best: bigint | null = null;
  let bestDist = 0n;
  for (const c of cands) {
    if (!free(c)) continue;
    const dist = c > want ? c - want : want - c;
    if (best === null || dist < bestDist || (dist === bestDist && c < best)) {
      best = c;
      bestDist = dist;
    }
  }
  return best;
}

function domainAtDiagnostic(config: Configuration, tx: Translation, d: Diagnostic): Domain | null {
  const { top } = statementAt(d.loc.file, d.loc.span.start);
  if (top?.kind === 'domain') return config.domains.find((x) => x.decl === top) ?? null;
  if (top?.kind === 'device') {
    const dev = config.devices.find((x) => x.decl === top);
    return dev ? tx.ridDomain(dev) : null;
  }
  return null;
}

function addRmr(config: Configuration, tx: Translation, d: Diagnostic): CodeAction[] {
  const dom = domainAtDiagnostic(config, tx, d);
  if (!dom || dom.type !== 'nested' || !dom.decl?.body) return [];
  const devs = tx.devicesIn(dom);
  const win = devs.map((x) => tx.swMsiWindow(x)).find((w) => w) ?? null;
  if (!win) return [];
  if (d.code === 'unmapped-doorbell') {
    const dev = devs.find((x) => {
      if (!x.msi?.irqchip) return false;
      const p = tx.programmedAddress(x);
      if (p.kind !== 'address') return false;
      const r = tx.resolve(x, null, p.address, 'write');
      return r.end.kind === 'fault' && r.end.cause === 'stage1-unmapped';
    });
    if (!dev) return [];
  }
  const file = dom.nameLoc.file;
  const range = `${hexGrouped(win.start)} size ${formatSize(win.last - win.start + 1n)}`;
  const wrong = dom.rmrs.find((r) => r.range.start !== win.start || r.range.last !== win.last);
  if (wrong && wrong.stmt.range) {
    return [{ title: `Make the rmr the host SW_MSI window (${range})`, kind: 'quickfix', diagnostic: d, preferred: true, edits: [{ path: file.path, span: rangeSpan(wrong.stmt.range), newText: range }] }];
  }
  if (dom.rmrs.some((r) => r.range.start === win.start && r.range.last === win.last)) return [];
  return [{ title: `Add 'rmr ${range}' (the host SW_MSI window) to '${dom.name}'`, kind: 'quickfix', diagnostic: d, preferred: true, edits: [insertInBlock(file, dom.decl.body, dom.decl.stmts, `rmr ${range}`)] }];
}

function rangeSpan(r: ast.AddrRange): ast.Span {
  return { start: r.start.span.start, end: (r.size ?? r.last ?? r.start).span.end };
}

/** Insert a statement as the last line of a block, indented like its statements. */
function insertInBlock(file: SourceFile, body: ast.Span, stmts: { span: ast.Span }[], statement: string): TextEdit {
  const close = body.end - 1;
  const last = stmts[stmts.length - 1];
  const indent = last ? indentAt(file, last.span.start) : indentAt(file, body.start) + '  ';
  if (last && file.lines.position(last.span.end).line < file.lines.position(close).line) {
    // after the last statement's line
    const line = file.lines.position(last.span.end).line;
    const at = file.lines.lineStart(line + 1);
    return { path: file.path, span: { start: at, end: at }, newText: `${indent}${statement}\n` };
  }
  return { path: file.path, span: { start: close, end: close }, newText: ` ${statement} ` };
}

function fixGroupSplit(config: Configuration, tx: Translation, d: Diagnostic): CodeAction[] {
  const { top, inner } = statementAt(d.loc.file, d.loc.span.start);
  if (top?.kind !== 'domain' || inner?.kind !== 'attach') return [];
  const dom = config.domains.find((x) => x.decl === top);
  const entry = dom?.attaches.find((a) => a.stmt === inner);
  if (!dom || !entry?.group) return [];
  const g = entry.group;
  const out: CodeAction[] = [];
  const others = config.domains.flatMap((x) => x.attaches).filter((a) => a !== entry && a.pasid === null && a.group === g && a.domain !== dom);
  if (others.length === 0) return [];
  const where = others[0]!.domain;
  out.push({
    title: `Remove 'attach ${entry.target?.name ?? g.name}' from '${dom.name}': group '${g.name}' is attached to '${where.name}'`,
    kind: 'quickfix',
    diagnostic: d,
    preferred: true,
    edits: [deleteStatement(d.loc.file, inner)],
  });
  out.push({
    title: `Attach the whole group '${g.name}' to '${dom.name}' instead`,
    kind: 'quickfix',
    diagnostic: d,
    edits: [
      ...others.map((a) => deleteStatement(a.loc.file, a.stmt)),
      ...(entry.target === g ? [] : [{ path: d.loc.file.path, span: inner.ref!.span, newText: g.implicit ? entry.target!.name : g.name }]),
    ],
  });
  void tx;
  return out;
}

/** Delete a statement: its whole line when it is alone on it. */
function deleteStatement(file: SourceFile, st: { span: ast.Span }): TextEdit {
  const l = file.lines.position(st.span.start).line;
  const ls = file.lines.lineStart(l);
  const le = l + 1 < file.lines.lineCount ? file.lines.lineStart(l + 1) : file.text.length;
  const before = file.text.slice(ls, st.span.start);
  let after = file.text.slice(st.span.end, le);
  const comment = file.ast.comments.find((c) => c.span.start >= st.span.end && c.span.start < le);
  if (comment && comment.kind === 'line') after = file.text.slice(comment.span.end, le);
  if (before.trim() === '' && after.trim() === '') return { path: file.path, span: { start: ls, end: le }, newText: '' };
  return { path: file.path, span: st.span, newText: '' };
}
