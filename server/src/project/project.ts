// One project: the files known to be configurations, which of them are roots, the rule settings
// of each file, the workspace root that confines includes, and the analysis of each
// configuration. The command line builds one per run; the language server keeps one for the
// session and tells it what changed. Both report diagnostics from here, so they cannot disagree.

import * as path from 'node:path';
import { LineIndex } from '../../../grammar/src/lines';
import { analyzeSteps, internalError, type Analysis, type RuleSettings } from '../engine';
import type { Diagnostic } from '../model/types';
import { includedPaths, ParseCache } from '../model/workspace';
import { configurationRoots } from './configurations';
import { capFlood, compareInFile, diagnosticKey } from './diagnostics';
import { ProjectHost } from './host';
import { RuleSettingsResolver } from './settings';
import { WorkspaceRoots } from './workspaceRoot';

export interface ProjectOptions {
  host?: ProjectHost;
  /** Settings for every file instead of the nearest `.iommu-check.json` (`--config`). */
  explicitRules?: RuleSettings | null;
  /** Settings over the config files' (`--rule`, the editor's settings). */
  overrides?: RuleSettings;
}

/** The result of analysing one configuration. */
export interface ConfigurationAnalysis {
  root: string;
  /** Its files, root first, in include order. */
  files: string[];
  /** `null` when the root cannot be read or the analysis failed. */
  analysis: Analysis | null;
  /** A failure of the checker itself (an exception), reported once: one line… */
  failure: string | null;
  /** …and its stack, for the language server's log… */
  failureDetail?: string;
  /** …and the one `internal-error` diagnostic that shows it, on the root file. */
  failureDiagnostic?: Diagnostic;
  /** Internal errors of single checks. */
  internalErrors: string[];
  /** The text of each file as analysed. */
  texts: Map<string, string>;
}

export interface ProjectReport {
  /** Every file of the analysed configurations (with or without diagnostics), root order then include order. */
  files: Map<string, Diagnostic[]>;
  internalErrors: string[];
}

export class Project {
  readonly host: ProjectHost;
  readonly cache = new ParseCache();
  readonly workspaceRoots: WorkspaceRoots;
  private settings: RuleSettingsResolver;
  private options: ProjectOptions;
  private readonly known = new Set<string>();
  private readonly analyses = new Map<string, ConfigurationAnalysis>();

  constructor(options: ProjectOptions = {}) {
    this.options = options;
    this.host = options.host ?? new ProjectHost();
    this.workspaceRoots = new WorkspaceRoots((p) => this.host.exists(p));
    this.settings = this.newSettings();
  }

  private newSettings(): RuleSettingsResolver {
    return new RuleSettingsResolver({ read: (p) => this.host.read(p), explicit: this.options.explicitRules ?? null, overrides: this.options.overrides ?? {} });
  }

  // ---- files --------------------------------------------------------------------------------

  get files(): ReadonlySet<string> {
    return this.known;
  }

  addFile(absPath: string): void {
    this.known.add(path.resolve(absPath));
  }

  removeFile(absPath: string): void {
    this.known.delete(path.resolve(absPath));
  }

  /** The folder a file's includes may not leave. */
  workspaceRootOf(absFile: string): string | null {
    return this.workspaceRoots.rootFor(absFile);
  }

  /** The files a file includes (as its current text says). */
  includesOf(absFile: string): string[] {
    const text = this.host.read(absFile);
    if (text === undefined) return [];
    return includedPaths(this.cache.get(absFile, text), this.workspaceRootOf(absFile));
  }

  /** The configuration roots of the known files (in path order). */
  roots(): string[] {
    return configurationRoots(this.known, this);
  }

  /** The files reachable from a root through includes (the root first). */
  reach(root: string): Set<string> {
    const seen = new Set<string>([root]);
    const todo = [root];
    while (todo.length > 0) for (const next of this.includesOf(todo.pop()!)) if (!seen.has(next)) (seen.add(next), todo.push(next));
    return seen;
  }

  // ---- settings -----------------------------------------------------------------------------

  /** The settings that apply to diagnostics in a file. */
  rulesFor(absFile: string): RuleSettings {
    return this.settings.rulesFor(absFile);
  }

  /** Config files consulted so far that cannot be used. */
  settingsProblems() {
    return this.settings.problems();
  }

  /** The config files consulted so far. */
  settingsFiles(): string[] {
    return this.settings.consulted();
  }

  /** New overrides (editor settings changed); every analysis is out of date. */
  setOverrides(overrides: RuleSettings): void {
    this.options = { ...this.options, overrides };
    this.settingsChanged();
  }

  /** Config files or repositories changed on disk: read them again, analyse again. */
  settingsChanged(): void {
    this.settings = this.newSettings();
    this.workspaceRoots.clear();
    this.analyses.clear();
  }

  // ---- analyses -----------------------------------------------------------------------------

  /** The last analysis of a root's configuration (fresh or not). */
  analysisOf(root: string): ConfigurationAnalysis | undefined {
    return this.analyses.get(root);
  }

  /** Every configuration analysed so far. */
  analysed(): ConfigurationAnalysis[] {
    return [...this.analyses.values()];
  }

  /** Forget the analyses of roots that are no longer roots. */
  retainRoots(roots: readonly string[]): void {
    const keep = new Set(roots);
    for (const r of [...this.analyses.keys()]) if (!keep.has(r)) this.analyses.delete(r);
  }

  /** Whether a root's last analysis saw the current text of each of its files. */
  isFresh(root: string): boolean {
    const c = this.analyses.get(root);
    if (!c) return false;
    for (const [p, t] of c.texts) if (this.host.read(p) !== t) return false;
    return true;
  }

  /** The configurations whose last analysis holds a file. */
  configurationsHolding(absFile: string): ConfigurationAnalysis[] {
    const out: ConfigurationAnalysis[] = [];
    for (const c of this.analyses.values()) if (c.texts.has(absFile)) out.push(c);
    return out;
  }

  /** Analyse one configuration now (an exception in the checker is its failure, not a crash). */
  analyze(root: string): ConfigurationAnalysis {
    const steps = this.analyzeSteps(root);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /**
   * The same in steps, for a caller that answers requests between them; the result is stored
   * only when the last step is done (until then, the previous analysis stays the current one).
   */
  *analyzeSteps(root: string): Generator<void, ConfigurationAnalysis> {
    const texts = new Map<string, string>();
    let result: ConfigurationAnalysis;
    try {
      const analysis = yield* analyzeSteps(root, {
        host: this.host,
        cache: this.cache,
        workspaceRoot: (file) => this.workspaceRootOf(file),
        rules: (file) => this.rulesFor(file),
      });
      if (analysis) for (const f of analysis.config.files) texts.set(f.path, f.text);
      // Every file's settings are read, so that a broken config file is found even when clean.
      for (const p of texts.keys()) this.rulesFor(p);
      result = { root, files: [...texts.keys()], analysis: analysis ?? null, failure: null, internalErrors: analysis?.internalErrors ?? [], texts };
    } catch (e) {
      // Remember the texts it failed on: it is tried again only when one of them changes.
      texts.clear();
      try {
        for (const p of this.reach(root)) {
          const text = this.host.read(p);
          if (text !== undefined) texts.set(p, text);
        }
      } catch {
        const text = this.host.read(root);
        if (text !== undefined) texts.set(root, text);
      }
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      const stack = e instanceof Error ? (e.stack ?? '') : '';
      const text = texts.get(root) ?? '';
      const file = { path: root, text, lines: new LineIndex(text), ast: { statements: [], comments: [] }, syntaxErrors: [] };
      const failureDiagnostic = internalError(file, `iommu-check failed on this configuration (please report): ${why}; nothing in it is checked until its text changes`);
      result = { root, files: [...texts.keys()], analysis: null, failure: `checking ${root} failed: ${why}`, failureDetail: stack, failureDiagnostic, internalErrors: [], texts };
    }
    this.analyses.set(root, result);
    return result;
  }

  /** Analyse every configuration that is not fresh (all of them: `force`). */
  analyzeAll(force = false): ConfigurationAnalysis[] {
    const roots = this.roots();
    this.retainRoots(roots);
    return roots.map((r) => (!force && this.isFresh(r) ? this.analyses.get(r)! : this.analyze(r)));
  }

  /**
   * Diagnostics by file over the given configurations (default: every one analysed), each once,
   * a flood of one code in a file cut to its first ones and a count (what the command line and
   * the editor both show).
   */
  report(configurations: Iterable<ConfigurationAnalysis> = this.analyses.values()): ProjectReport {
    const files = new Map<string, Diagnostic[]>();
    const seen = new Set<string>();
    const internalErrors: string[] = [];
    for (const c of configurations) {
      for (const f of c.files) if (!files.has(f)) files.set(f, []);
      for (const e of c.internalErrors) if (!internalErrors.includes(e)) internalErrors.push(e);
      if (c.failure && !internalErrors.includes(c.failure)) internalErrors.push(c.failure);
      const shown = c.failureDiagnostic && this.rulesFor(c.root)['internal-error'] !== 'off' ? [c.failureDiagnostic] : [];
      for (const d of [...shown, ...(c.analysis?.diagnostics ?? [])]) {
        const key = diagnosticKey(d);
        if (seen.has(key)) continue;
        seen.add(key);
        let list = files.get(d.loc.file.path);
        if (!list) files.set(d.loc.file.path, (list = []));
        list.push(d);
      }
    }
    for (const [p, list] of files) files.set(p, capFlood(list.sort(compareInFile)));
    return { files, internalErrors };
  }
}
