// Provenance comments: where a generated statement comes from (docs/vm.md "Provenance").
//
//   // iommu-check: from PATH:LINE[:COL] WHAT      a line (and column) of a file, e.g. a libvirt XML element
//   // iommu-check: from argv[N] WHAT               the Nth argument of a command line given after `--`
//
// Like a suppression, the comment on its own line applies to the next statement (a whole `domain`
// when it precedes one), and at the end of a line to that line. PATH is relative to the file
// holding the comment (a path with spaces is written in double quotes). `iommu-check import-vm`
// writes them; diagnostics on a statement with a provenance gain a related-information entry at
// that place, and hover on a domain shows it.

import type * as ast from '../../../grammar/src/ast';
import * as path from 'node:path';
import { directiveScope, statementSpans } from './statements';
import { LineIndex } from '../../../grammar/src/lines';
import type { Diagnostic, Loc, Related, SourceFile } from './types';

export interface Provenance {
  file: SourceFile;
  comment: ast.Comment;
  /** The statement (or line) it applies to. */
  span: ast.Span;
  /** The file named, absolute; null for an argv position. */
  path: string | null;
  /** As written: `vm.xml:12:3` or `argv[7]`. */
  where: string;
  /** 1-based line and column in `path`, when given. */
  line: number | null;
  column: number | null;
  argv: number | null;
  /** What is there: `<hostdev> 0000:01:00.0`. */
  what: string;
}

const DIRECTIVE = /iommu-check:\s*from\s+(?:"((?:[^"\\]|\\.)*)"|(\S+?))(?::(\d+)(?::(\d+))?)?(?:\s+(.*))?$/;
const ARGV = /^argv\[(\d+)\]$/;

const cache = new WeakMap<SourceFile, Provenance[]>();

/** The provenance comments of a file (parsed once per file version). */
export function provenanceOf(file: SourceFile): Provenance[] {
  let found = cache.get(file);
  if (found) return found;
  found = [];
  let stmts: ast.Span[] | null = null;
  for (const c of file.ast.comments) {
    if (c.kind !== 'line' || !c.text.includes('iommu-check:')) continue;
    const m = DIRECTIVE.exec(c.text.trimEnd());
    if (!m) continue;
    const quoted = m[1] !== undefined;
    const name = quoted ? m[1]!.replace(/\\(.)/g, '$1') : m[2]!;
    const argv = !quoted ? ARGV.exec(name) : null;
    const line = m[3] !== undefined ? Number(m[3]) : null;
    if (!argv && line === null) continue;
    const { span } = directiveScope(file, c, () => (stmts ??= statementSpans(file)));
    found.push({
      file,
      comment: c,
      span,
      path: argv ? null : path.resolve(path.dirname(file.path), name),
      where: argv ? name : `${name}:${line}${m[4] !== undefined ? `:${m[4]}` : ''}`,
      line,
      column: m[4] !== undefined ? Number(m[4]) : null,
      argv: argv ? Number(argv[1]) : null,
      what: (m[5] ?? '').trim(),
    });
  }
  cache.set(file, found);
  return found;
}

/** The provenances that apply at a place: the innermost statement's first (a map's), then the enclosing ones (its domain's). */
export function provenanceAt(loc: Loc): Provenance[] {
  const at = loc.span.start;
  return provenanceOf(loc.file)
    .filter((p) => at >= p.span.start && at < Math.max(p.span.end, p.span.start + 1))
    .sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start));
}

/** `vm.xml:12 <hostdev> 0000:01:00.0`, for messages and hover. */
export function describeProvenance(p: Provenance): string {
  return p.what ? `${p.where} ${p.what}` : p.where;
}

/** A file that is not a configuration (a VM definition), for related information pointing into it. */
function foreignFile(file: string, text: string): SourceFile {
  return { path: file, text, lines: new LineIndex(text), ast: { statements: [], comments: [] }, syntaxErrors: [] };
}

/**
 * Where a provenance points: the line (from its column, or its first non-blank character, to its
 * end) in the named file when `read` can read it, else the provenance comment itself.
 */
export function provenanceLoc(p: Provenance, read: (file: string) => string | undefined, files: Map<string, SourceFile | null>): Loc {
  if (p.path !== null && p.line !== null) {
    let f = files.get(p.path);
    if (f === undefined) {
      let text: string | undefined;
      try {
        text = read(p.path);
      } catch {
        text = undefined;
      }
      f = text === undefined ? null : foreignFile(p.path, text);
      files.set(p.path, f);
    }
    if (f && p.line - 1 < f.lines.lineCount) {
      const start = f.lines.lineStart(p.line - 1);
      const end = p.line < f.lines.lineCount ? f.lines.lineStart(p.line) : f.text.length;
      const lineText = f.text.slice(start, end).replace(/\r?\n$/, '');
      const first = p.column !== null ? Math.min(p.column - 1, lineText.length) : lineText.length - lineText.trimStart().length;
      return { file: f, span: { start: start + first, end: start + lineText.trimEnd().length } };
    }
  }
  return { file: p.file, span: p.comment.span };
}

/** Add to each diagnostic the VM-definition places its anchor (and its related places) come from. */
export function withProvenance(diags: Diagnostic[], read: (file: string) => string | undefined): Diagnostic[] {
  const files = new Map<string, SourceFile | null>();
  return diags.map((d) => {
    const found = provenanceAt(d.loc).slice(0, 2);
    for (const r of d.related) {
      const p = provenanceAt(r.loc)[0];
      if (p) found.push(p);
    }
    const seen = new Set<string>();
    const extra: Related[] = [];
    for (const p of found) {
      const key = `${p.path ?? ''}|${p.where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      extra.push({ loc: provenanceLoc(p, read, files), message: `from the VM definition: ${describeProvenance(p)}` });
    }
    return extra.length === 0 ? d : { ...d, related: [...d.related, ...extra] };
  });
}
