// The server's view of the workspace: every `.iommu` file, which files include which, the
// configurations (roots: files no other checked file includes) and a cached analysis per root.
// Open documents are read before the disk. One ParseCache is shared by all roots.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, diskHost, type Analysis, type RuleSettings } from '../engine';
import type { Diagnostic } from '../model/types';
import { ParseCache, type FileHost } from '../model/workspace';

const RULE_VALUES = new Set(['off', 'information', 'warning', 'error']);

export function cleanRules(raw: unknown): RuleSettings {
  const out: RuleSettings = {};
  if (raw && typeof raw === 'object')
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === 'string' && RULE_VALUES.has(v)) out[k] = v as RuleSettings[string];
  return out;
}

/** Every `*.iommu` below a folder (no node_modules, no dot-directories). */
export async function findIommuFiles(folder: string, out: string[] = []): Promise<string[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(folder, e.name);
    if (e.isDirectory()) await findIommuFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.iommu')) out.push(p);
  }
  return out;
}

interface Cached {
  analysis: Analysis;
  /** The text of each file when analysed. */
  texts: Map<string, string>;
}

export class Workspace {
  folders: string[] = [];
  /** Known `.iommu` files (absolute paths). */
  readonly files = new Set<string>();
  readonly cache = new ParseCache();
  readonly open = new Map<string, { text: string; version: number }>();
  editorRules: RuleSettings = {};
  private readonly analyses = new Map<string, Cached>();
  private roots: string[] = [];
  /** The files of each configuration, as a checker elsewhere last reported them. */
  private readonly members = new Map<string, Set<string>>();

  readonly host: FileHost = {
    read: (p) => this.open.get(p)?.text ?? diskHost.read(p),
  };

  /** Included paths of a file, from its current text. */
  private includesOf(p: string): string[] {
    const text = this.host.read(p);
    if (text === undefined) return [];
    const file = this.cache.get(p, text);
    const out: string[] = [];
    for (const st of file.ast.statements) if (st.kind === 'include' && st.path && st.path.value.trim()) out.push(path.resolve(path.dirname(p), st.path.value));
    return out;
  }

  /** Recompute the roots: files no other known file includes (cycles: the first file of each). */
  computeRoots(): string[] {
    const all = [...this.files].sort();
    const graph = new Map(all.map((f) => [f, this.includesOf(f)]));
    const included = new Set<string>();
    for (const [, inc] of graph) for (const i of inc) included.add(i);
    const roots = all.filter((f) => !included.has(f));
    const reached = new Set<string>();
    const walk = (f: string) => {
      if (reached.has(f)) return;
      reached.add(f);
      for (const i of graph.get(f) ?? this.includesOf(f)) walk(i);
    };
    roots.forEach(walk);
    for (const f of all)
      if (!reached.has(f)) {
        roots.push(f);
        walk(f);
      }
    this.roots = roots;
    for (const r of [...this.analyses.keys()]) if (!roots.includes(r)) this.analyses.delete(r);
    return roots;
  }

  /** Take the roots and their files from a checker that computed them (no parsing here). */
  setRoots(roots: string[], members: [string, string[]][]): void {
    this.roots = roots;
    for (const r of [...this.analyses.keys()]) if (!roots.includes(r)) this.analyses.delete(r);
    for (const [r, files] of members) this.members.set(r, new Set(files));
    for (const r of [...this.members.keys()]) if (!roots.includes(r)) this.members.delete(r);
  }

  /** The files of a root's configuration as last reported (empty when unknown). */
  membersOf(root: string): ReadonlySet<string> {
    return this.members.get(root) ?? new Set();
  }

  get rootList(): readonly string[] {
    return this.roots;
  }

  folderOf(p: string): string | null {
    let best: string | null = null;
    for (const f of this.folders) {
      const rel = path.relative(f, p);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && (!best || f.length > best.length)) best = f;
    }
    return best;
  }

  /** `.iommu-check.json` nearest upward from a file (within its workspace folder when it has one). */
  fileRules(p: string): RuleSettings {
    const stop = this.folderOf(p);
    let dir = path.dirname(p);
    for (;;) {
      const text = diskHost.read(path.join(dir, '.iommu-check.json'));
      if (text !== undefined) {
        try {
          return cleanRules((JSON.parse(text) as { rules?: unknown }).rules);
        } catch {
          return {};
        }
      }
      const up = path.dirname(dir);
      if (up === dir || (stop && dir === stop)) return {};
      dir = up;
    }
  }

  private fresh(c: Cached): boolean {
    for (const [p, t] of c.texts) {
      const o = this.open.get(p);
      if (o && o.text !== t) return false;
    }
    return true;
  }

  /** The analysis of a root, from the cache when its open files are unchanged. */
  analysisOf(root: string, force = false): Analysis | undefined {
    const hit = this.analyses.get(root);
    if (hit && !force && this.fresh(hit)) return hit.analysis;
    const rules = { ...this.fileRules(root), ...this.editorRules };
    const analysis = analyze(root, { host: this.host, workspaceRoot: this.folderOf(root), cache: this.cache, rules });
    if (!analysis) {
      this.analyses.delete(root);
      return undefined;
    }
    this.analyses.set(root, { analysis, texts: new Map(analysis.config.files.map((f) => [f.path, f.text])) });
    return analysis;
  }

  cachedAnalysis(root: string): Analysis | undefined {
    return this.analyses.get(root)?.analysis;
  }

  invalidate(): void {
    this.analyses.clear();
  }

  /** Roots whose configuration holds the file (from the last analyses; the file itself if none). */
  rootsOf(p: string): string[] {
    const out: string[] = [];
    for (const r of this.roots) {
      const c = this.analyses.get(r);
      if (r === p || this.members.get(r)?.has(p) || c?.analysis.config.files.some((f) => f.path === p)) out.push(r);
    }
    if (out.length === 0) {
      // not analysed yet: ask the include graph
      for (const r of this.roots) if (this.reaches(r, p)) out.push(r);
    }
    return out.length ? out : [p];
  }

  private reaches(from: string, to: string, seen = new Set<string>()): boolean {
    if (from === to) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return this.includesOf(from).some((i) => this.reaches(i, to, seen));
  }

  /** An up-to-date analysis holding the file, computed now if needed (for hover, completion…). */
  analysisFor(p: string): Analysis | undefined {
    for (const r of this.rootsOf(p)) {
      const a = this.analysisOf(r);
      if (a?.config.files.some((f) => f.path === p)) return a;
    }
    return undefined;
  }

  /** Every analysis holding the file (for references and rename across configurations). */
  analysesFor(p: string): Analysis[] {
    const out: Analysis[] = [];
    for (const r of this.rootsOf(p)) {
      const a = this.analysisOf(r);
      if (a?.config.files.some((f) => f.path === p)) out.push(a);
    }
    return out;
  }

  /** Diagnostics per file, merged over every cached root that holds it, deduplicated. */
  diagnosticsByFile(): Map<string, Diagnostic[]> {
    const out = new Map<string, Diagnostic[]>();
    const seen = new Set<string>();
    for (const r of this.roots) {
      const c = this.analyses.get(r);
      if (!c) continue;
      for (const f of c.analysis.config.files) if (!out.has(f.path)) out.set(f.path, []);
      for (const d of c.analysis.diagnostics) {
        const key = `${d.loc.file.path}:${d.loc.span.start}:${d.loc.span.end}:${d.code}:${d.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.get(d.loc.file.path)!.push(d);
      }
    }
    return out;
  }

  allAnalyses(): Analysis[] {
    return [...this.analyses.values()].map((c) => c.analysis);
  }
}
