// What must hold for any text whatsoever: the engine never throws and no check fails inside;
// every diagnostic (and related location) lies inside its document by the LSP's line rules; no
// message is empty and every code is a registered one; the formatter is idempotent and keeps the
// meaning (the formatted text parses to the same tree and checks to the same diagnostics).
// Each function returns a description of the first violation, or `undefined`.

import * as path from 'node:path';
import { parse, type Span } from '../../grammar/src/index';
import { CHECKS } from '../../server/src/checks/index';
import { analyze, type Analysis } from '../../server/src/engine';
import { codeActions } from '../../server/src/ide/codeActions';
import { completion } from '../../server/src/ide/completion';
import { foldingRanges } from '../../server/src/ide/folding';
import { formatEdits, formatText } from '../../server/src/ide/format';
import { hover } from '../../server/src/ide/hover';
import { inlayHints } from '../../server/src/ide/inlayHints';
import { definition, prepareRename, references, rename } from '../../server/src/ide/navigation';
import { semanticTokens } from '../../server/src/ide/semanticTokens';
import { documentSymbols } from '../../server/src/ide/symbols';
import type { Diagnostic } from '../../server/src/model/types';
import type { FileHost } from '../../server/src/model/workspace';

export const ROOT = '/fixture';
export const KNOWN_CODES: ReadonlySet<string> = new Set(CHECKS.map((c) => c.code));

export function hostOf(files: Record<string, string>): FileHost {
  const abs = new Map(Object.entries(files).map(([k, v]) => [path.resolve(ROOT, k), v]));
  return { read: (p) => abs.get(p) };
}

/** Analyse one text as /fixture/main.iommu (plus any other files given). Throws only on a bug. */
/** The file that generated configurations include. */
export const LIBRARY = { 'lib.iommu': '# shared definitions\nirqchip lib-its { model gicv3-its base 0x2_0000_0000 }\n' };

export function analyzeText(text: string, others: Record<string, string> = LIBRARY): Analysis {
  const a = analyze(path.resolve(ROOT, 'main.iommu'), { host: hostOf({ 'main.iommu': text, ...others }), workspaceRoot: ROOT });
  if (!a) throw new Error('the root file could not be read');
  return a;
}

/**
 * Where an offset falls by the LSP's rules, computed independently of the engine: lines end at
 * `\n`, `\r\n` or `\r`; a position is a line and a UTF-16 column no greater than the line's length.
 */
export function lspPosition(text: string, offset: number): { line: number; character: number } | string {
  if (!Number.isInteger(offset) || offset < 0 || offset > text.length) return `offset ${offset} outside 0..${text.length}`;
  if (offset > 0 && text[offset - 1] === '\r' && text[offset] === '\n') return `offset ${offset} splits a \\r\\n`;
  let line = 0;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      start = i + 1;
    }
  }
  return { line, character: offset - start };
}

export function spanProblem(text: string, span: Span): string | undefined {
  if (!(span.start <= span.end)) return `span ${span.start}..${span.end} ends before it starts`;
  for (const o of [span.start, span.end]) {
    const p = lspPosition(text, o);
    if (typeof p === 'string') return p;
  }
  return undefined;
}

function diagnosticProblem(d: Diagnostic): string | undefined {
  const where = `${d.code} '${d.message}'`;
  if (!KNOWN_CODES.has(d.code)) return `unknown code ${d.code}`;
  if (typeof d.message !== 'string' || d.message.trim() === '') return `empty message for ${d.code}`;
  if (!['error', 'warning', 'information'].includes(d.severity)) return `bad severity ${d.severity} in ${where}`;
  const own = spanProblem(d.loc.file.text, d.loc.span);
  if (own) return `${where}: ${own}`;
  for (const r of d.related) {
    if (r.message.trim() === '') return `${where}: empty related message`;
    const p = spanProblem(r.loc.file.text, r.loc.span);
    if (p) return `${where}: related: ${p}`;
  }
  return undefined;
}

/** The engine's invariants on one analysed text. */
export function analysisProblem(a: Analysis): string | undefined {
  if (a.internalErrors.length > 0) return `internal errors: ${a.internalErrors.join('; ')}`;
  for (const d of a.diagnostics) {
    const p = diagnosticProblem(d);
    if (p) return p;
  }
  return undefined;
}

/** The tree without positions: what the text means. */
export function meaning(text: string): unknown {
  const { ast } = parse(text);
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      // a node the parser keeps compactly (a plain map) is read as the nodes it gives
      const node = typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (v as { toJSON(): object }).toJSON() : v;
      for (const [k, x] of Object.entries(node)) if (k !== 'span' && k !== 'keyword' && k !== 'body' && k !== 'none') o[k] = strip(x);
      if ('none' in (v as object)) o['none'] = true;
      return o;
    }
    return typeof v === 'bigint' ? `${v}n` : v;
  };
  return { statements: strip(ast.statements), comments: ast.comments.map((c) => c.text.trimEnd()) };
}

/** Diagnostics without positions: code, severity, message and the words they cover. */
export function diagnosticSummary(a: Analysis): string[] {
  return a.diagnostics
    .map((d) => `${d.code} ${d.severity} [${d.loc.file.text.slice(d.loc.span.start, d.loc.span.end).replace(/\s+/g, '')}] ${d.message}`)
    .sort();
}

/** Formatting: idempotent, and the formatted text means and checks the same. */
export function formattingProblem(text: string, a: Analysis): string | undefined {
  const formatted = formatText(a.config.root);
  if (formatted === null) return undefined; // files with syntax errors are left alone
  const b = analyzeText(formatted);
  if (b.config.root.syntaxErrors.length > 0) return `the formatted text has syntax errors: ${b.config.root.syntaxErrors.map((e) => e.message).join('; ')}\n--- formatted ---\n${formatted}`;
  const again = formatText(b.config.root);
  if (again !== formatted) return `formatting is not idempotent\n--- once ---\n${formatted}\n--- twice ---\n${again}`;
  const m1 = JSON.stringify(meaning(text));
  const m2 = JSON.stringify(meaning(formatted));
  if (m1 !== m2) return `formatting changed the tree\n--- formatted ---\n${formatted}\n--- before ---\n${m1}\n--- after ---\n${m2}`;
  const d1 = diagnosticSummary(a);
  const d2 = diagnosticSummary(b);
  if (JSON.stringify(d1) !== JSON.stringify(d2)) return `formatting changed the diagnostics\n--- formatted ---\n${formatted}\n--- before ---\n${d1.join('\n')}\n--- after ---\n${d2.join('\n')}`;
  return undefined;
}

/** Parse and analyse `text`, and check every invariant; the first violation, or `undefined`. */
export function textProblem(text: string, opts: { format?: boolean } = {}): string | undefined {
  let a: Analysis;
  try {
    const r = parse(text);
    for (const e of r.errors) {
      if (!e.message) return 'a syntax error without a message';
      const p = spanProblem(text, e.span);
      if (p) return `syntax error '${e.message}': ${p}`;
    }
    a = analyzeText(text);
  } catch (e) {
    return `threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  const p = analysisProblem(a);
  if (p) return p;
  if (opts.format !== false) {
    try {
      return formattingProblem(text, a);
    } catch (e) {
      return `formatting threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    }
  }
  return undefined;
}

/**
 * Every editor feature at the given offsets: none throws, and every range or edit it returns
 * lies inside the document.
 */
export function editorProblem(a: Analysis, offsets: number[]): string | undefined {
  const file = a.config.root;
  const text = file.text;
  const span = (what: string, s: Span): string | undefined => {
    const p = spanProblem(text, s);
    return p ? `${what}: ${p}` : undefined;
  };
  try {
    for (const raw of offsets) {
      const o = raw % (text.length + 1);
      const h = hover(a, file, o);
      if (h) {
        if (h.contents.trim() === '') return `empty hover at ${o}`;
        const p = span('hover', h.span);
        if (p) return p;
      }
      completion(text, o, a.config);
      const def = definition(a.config, file, o);
      if (def) {
        const p = spanProblem(def.file.text, def.span);
        if (p) return `definition: ${p}`;
      }
      for (const r of references(a.config, file, o)) {
        const p = spanProblem(r.file.text, r.span);
        if (p) return `references: ${p}`;
      }
      const prep = prepareRename(a.config, file, o);
      if ('loc' in prep) {
        const r = rename(a.config, file, o, 'renamed_x');
        if ('edits' in r) for (const e of r.edits) if (e.path === file.path) {
          const p = span('rename edit', e.span);
          if (p) return p;
        }
      }
      for (const ca of codeActions(a, file, { start: o, end: Math.min(text.length, o + 10) })) {
        if (ca.title.trim() === '') return 'a code action without a title';
        for (const e of ca.edits) if (e.path === file.path) {
          const p = span(`code action '${ca.title}'`, e.span);
          if (p) return p;
        }
      }
    }
    for (const d of a.diagnostics) if (d.loc.file === file) codeActions(a, file, d.loc.span);
    for (const h of inlayHints(a.config, a.tx, file)) {
      const p = lspPosition(text, h.offset);
      if (typeof p === 'string') return `inlay hint: ${p}`;
      if (h.label.trim() === '') return 'an empty inlay hint';
    }
    for (const t of semanticTokens(a.config, file)) {
      const p = span('semantic token', t);
      if (p) return p;
    }
    const lines = a.config.root.lines.lineCount;
    for (const f of foldingRanges(file)) if (f.startLine < 0 || f.endLine >= lines || f.endLine < f.startLine) return `folding range ${f.startLine}..${f.endLine} of ${lines} lines`;
    documentSymbols(file);
    for (const e of formatEdits(file)) {
      const p = span('format edit', e.span);
      if (p) return p;
    }
  } catch (e) {
    return `an editor feature threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  return undefined;
}
