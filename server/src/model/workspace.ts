// Loading a configuration's files: the root and everything it includes, each parsed once.

import * as path from 'node:path';
import { parse } from '../../../grammar/src/index';
import { LineIndex } from '../../../grammar/src/lines';
import { notTextReason } from './sourceText';
import type { Diagnostic, Loc, SourceFile } from './types';

/** Where file text comes from: the disk, or the editor's open documents over the disk. */
export interface FileHost {
  /** The file's text, or `undefined` when it cannot be read. */
  read(absPath: string): string | undefined;
  /** Why `read` gave `undefined` (a directory, a FIFO, too large, no such file…), when known. */
  whyUnreadable?(absPath: string): string | undefined;
}

/** Parsed files keyed by path, reused while the text is unchanged. */
export class ParseCache {
  private readonly files = new Map<string, SourceFile>();

  get(absPath: string, text: string): SourceFile {
    const hit = this.files.get(absPath);
    if (hit && hit.text === text) return hit;
    const notText = notTextReason(text);
    const { ast, errors } = notText ? { ast: parse('').ast, errors: [{ span: { start: notText.offset, end: notText.offset + 1 }, message: notText.message }] } : parse(text);
    const file: SourceFile = { path: absPath, text, lines: new LineIndex(text), ast, syntaxErrors: errors };
    this.files.set(absPath, file);
    return file;
  }

  delete(absPath: string): void {
    this.files.delete(absPath);
  }
}

export interface LoadedSources {
  files: SourceFile[];
  includes: Map<string, string[]>;
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  host: FileHost;
  /**
   * Includes may not leave this folder (when set); a function gives the folder for each including
   * file.
   */
  workspaceRoot?: string | null | ((file: string) => string | null);
  cache?: ParseCache;
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Where an include string of `fromFile` points: the absolute target, or why it is refused (an
 * empty path, a path leaving the workspace root). The loader and the configuration-root graph
 * both resolve includes here, so they agree on which file includes which.
 */
export function includeTarget(fromFile: string, rel: string, workspaceRoot: string | null): { target: string } | { error: string } {
  if (rel.trim() === '') return { error: 'include path is empty' };
  const target = path.resolve(path.dirname(fromFile), rel);
  if (workspaceRoot && !inside(path.resolve(workspaceRoot), target)) return { error: `include '${rel}' leaves the workspace folder ${path.resolve(workspaceRoot)}` };
  return { target };
}

/** The files a parsed file includes (those the loader would follow), in statement order. */
export function includedPaths(file: SourceFile, workspaceRoot: string | null): string[] {
  const out: string[] = [];
  for (const st of file.ast.statements) {
    if (st.kind !== 'include' || !st.path) continue;
    const t = includeTarget(file.path, st.path.value, workspaceRoot);
    if ('target' in t) out.push(t.target);
  }
  return out;
}

/**
 * Load `rootPath` and, depth first in statement order, every file it includes. A missing file,
 * a cycle or a path leaving the workspace is an `include-error` on the include string. Returns
 * `undefined` only when the root itself cannot be read.
 */
export function loadSources(rootPath: string, opts: LoadOptions): LoadedSources | undefined {
  const cache = opts.cache ?? new ParseCache();
  const rootAbs = path.resolve(rootPath);
  const rootText = opts.host.read(rootAbs);
  if (rootText === undefined) return undefined;
  const files: SourceFile[] = [];
  const loaded = new Map<string, SourceFile>();
  const includes = new Map<string, string[]>();
  const diagnostics: Diagnostic[] = [];
  const ws = opts.workspaceRoot;
  const wsRootOf = (file: string): string | null => (typeof ws === 'function' ? ws(file) : ws ? path.resolve(ws) : null);

  const visit = (file: SourceFile, stack: string[]): void => {
    files.push(file);
    loaded.set(file.path, file);
    const mine: string[] = [];
    includes.set(file.path, mine);
    for (const st of file.ast.statements) {
      if (st.kind !== 'include' || !st.path) continue;
      const loc = { file, span: st.path.span };
      const error = (message: string) =>
        diagnostics.push({ code: 'include-error', severity: 'error', loc, message, related: [] });
      const rel = st.path.value;
      const resolved = includeTarget(file.path, rel, wsRootOf(file.path));
      if ('error' in resolved) {
        error(resolved.error);
        continue;
      }
      const target = resolved.target;
      if (stack.includes(target)) {
        const cycle = [...stack.slice(stack.indexOf(target)), target].map((p) => path.basename(p)).join(' → ');
        error(`include cycle: ${cycle}`);
        continue;
      }
      mine.push(target);
      if (loaded.has(target)) continue; // parsed once however often it is included
      const text = opts.host.read(target);
      if (text === undefined) {
        const why = opts.host.whyUnreadable?.(target);
        error(`cannot read included file '${rel}' (${target})${why ? `: ${why}` : ''}`);
        continue;
      }
      visit(cache.get(target, text), [...stack, target]);
    }
  };
  visit(cache.get(rootAbs, rootText), [rootAbs]);
  return { files, includes, diagnostics };
}

/**
 * Source order over a configuration's files as if every include were written out in place: a
 * statement of an included file comes where its include statement is (at its first inclusion),
 * so `attach a` before `include "x"` precedes x's statements, and `attach b` after it follows
 * them. Attachments are ordered this way everywhere ("first attached" is the kernel's order of
 * operations when the file is read top to bottom).
 */
export function includeOrder(files: readonly SourceFile[], includes: ReadonlyMap<string, readonly string[]>): (a: Loc, b: Loc) => number {
  const chains = new Map<string, number[]>();
  if (files.length > 0) {
    const root = files[0]!;
    chains.set(root.path, []);
    const byPath = new Map(files.map((f) => [f.path, f]));
    // depth first, in statement order, as the files were loaded
    const visit = (file: SourceFile) => {
      const followed = includes.get(file.path) ?? [];
      for (const st of file.ast.statements) {
        if (st.kind !== 'include' || !st.path) continue;
        const target = path.resolve(path.dirname(file.path), st.path.value);
        const next = byPath.get(target);
        if (!next || chains.has(target) || !followed.includes(target)) continue;
        chains.set(target, [...chains.get(file.path)!, st.span.start]);
        visit(next);
      }
    };
    visit(root);
  }
  const key = (loc: Loc) => [...(chains.get(loc.file.path) ?? [Number.MAX_SAFE_INTEGER]), loc.span.start];
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return ka.length - kb.length;
  };
}
