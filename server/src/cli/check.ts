// Checking a set of paths: find the files, work out the configuration roots, analyse each root
// once, and gather every diagnostic under the file it is in.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, applyRules, diskHost } from '../engine';
import type { Diagnostic } from '../model/types';
import { loadSources, ParseCache } from '../model/workspace';
import type { RuleResolver } from './config';
import { displayPath, fsReason, UsageError } from './io';

export interface CheckedFile {
  /** Absolute path. */
  abs: string;
  /** As shown in every output format. */
  path: string;
  diagnostics: Diagnostic[];
}

export interface CheckResult {
  files: CheckedFile[];
  /** The shown path of any file of the result (for related locations). */
  show(abs: string): string;
  internalErrors: string[];
  errors: number;
  warnings: number;
  information: number;
}

interface Input {
  abs: string;
  shown: string;
}

const SKIP_DIRS = new Set(['node_modules']);

/** Every `*.iommu` below `dir`, sorted by name at each level; dot-folders and node_modules skipped. */
function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new UsageError(`cannot read directory ${dir}: ${fsReason(e)}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      walk(full, out);
    } else if (e.name.endsWith('.iommu')) {
      if (e.isFile()) out.push(full);
      else if (e.isSymbolicLink()) {
        try {
          if (fs.statSync(full).isFile()) out.push(full);
        } catch {
          // a dangling link is not a configuration
        }
      }
    }
  }
}

/** The files named by the arguments, in order, each once. */
export function collectInputs(args: readonly string[], cwd: string): Input[] {
  const out: Input[] = [];
  const seen = new Set<string>();
  const add = (abs: string, shown: string) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({ abs, shown });
  };
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      throw new UsageError(`cannot read ${arg}: ${fsReason(e)}`);
    }
    if (st.isDirectory()) {
      const found: string[] = [];
      walk(abs, found);
      if (found.length === 0) throw new UsageError(`no .iommu files found in ${arg}`);
      for (const f of found) add(f, displayPath(cwd, f));
    } else {
      try {
        fs.accessSync(abs, fs.constants.R_OK);
      } catch (e) {
        throw new UsageError(`cannot read ${arg}: ${fsReason(e)}`);
      }
      add(abs, arg);
    }
  }
  return out;
}

/** Includes are confined to the working directory for files inside it; elsewhere, not at all. */
export function workspaceRootFor(abs: string, cwd: string): string | null {
  const rel = path.relative(cwd, abs);
  return !rel.startsWith('..') && !path.isAbsolute(rel) ? cwd : null;
}

export function check(args: readonly string[], cwd: string, rules: RuleResolver): CheckResult {
  const inputs = collectInputs(args, cwd);
  const cache = new ParseCache();
  const shown = new Map<string, string>(inputs.map((i) => [i.abs, i.shown]));
  const show = (abs: string) => shown.get(abs) ?? displayPath(cwd, abs);

  // Which files each input reaches through its includes.
  const reach = new Map<string, Set<string>>();
  for (const input of inputs) {
    const sources = loadSources(input.abs, { host: diskHost, workspaceRoot: workspaceRootFor(input.abs, cwd), cache });
    if (!sources) throw new UsageError(`cannot read ${input.shown}`);
    reach.set(input.abs, new Set(sources.files.map((f) => f.path)));
  }
  // A root is an input no other input includes (files including each other are both roots).
  const roots = inputs.filter(
    (f) => !inputs.some((g) => g.abs !== f.abs && reach.get(g.abs)!.has(f.abs) && !reach.get(f.abs)!.has(g.abs)),
  );

  const files = new Map<string, CheckedFile>();
  for (const i of inputs) files.set(i.abs, { abs: i.abs, path: i.shown, diagnostics: [] });
  const seen = new Set<string>();
  const internalErrors: string[] = [];
  for (const root of roots) {
    const analysis = analyze(root.abs, { host: diskHost, workspaceRoot: workspaceRootFor(root.abs, cwd), cache });
    if (!analysis) throw new UsageError(`cannot read ${root.shown}`);
    for (const e of analysis.internalErrors) if (!internalErrors.includes(e)) internalErrors.push(e);
    for (const f of analysis.config.files) {
      if (!files.has(f.path)) files.set(f.path, { abs: f.path, path: show(f.path), diagnostics: [] });
    }
    for (const d of analysis.diagnostics) {
      const key = `${d.loc.file.path}\0${d.loc.span.start}\0${d.loc.span.end}\0${d.code}\0${d.severity}\0${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      files.get(d.loc.file.path)!.diagnostics.push(d);
    }
  }

  let errors = 0;
  let warnings = 0;
  let information = 0;
  const list = [...files.values()];
  for (const f of list) {
    f.diagnostics = applyRules(f.diagnostics, rules.rulesFor(f.abs));
    f.diagnostics.sort((a, b) => a.loc.span.start - b.loc.span.start || a.loc.span.end - b.loc.span.end || a.code.localeCompare(b.code));
    for (const d of f.diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
      else information++;
    }
  }
  return { files: list, show, internalErrors, errors, warnings, information };
}
