// The one engine behind the CLI and the language server: load a configuration, build the model
// and the translation, run every registered check, apply suppressions and rule severities.

import { IMPLEMENTATIONS, makeDiagnostic, type CheckContext } from './checks/index';
import { applySuppressions } from './checks/suppressions';
import { buildConfiguration } from './model/build';
import { Translation } from './model/translation';
import type { Configuration, Diagnostic, Severity, SourceFile } from './model/types';
import { injectFault } from './faults';
import { withProvenance } from './model/provenance';
import { readTextFile } from './model/readText';
import { loadSources, ParseCache, type FileHost } from './model/workspace';

export type RuleSetting = Severity | 'off';
export type RuleSettings = Record<string, RuleSetting>;

export interface AnalyzeOptions {
  host?: FileHost;
  workspaceRoot?: string | null | ((file: string) => string | null);
  cache?: ParseCache;
  /** The settings for all files, or for each file (a diagnostic takes those of the file it is in). */
  rules?: RuleSettings | ((filePath: string) => RuleSettings);
}

export interface Analysis {
  config: Configuration;
  tx: Translation;
  /** After suppressions and rule settings, sorted by file then position. */
  diagnostics: Diagnostic[];
  /** Checks that threw: a bug in the checker, reported once each. */
  internalErrors: string[];
}

export const diskHost: FileHost = {
  read(p) {
    const r = readTextFile(p);
    return 'text' in r ? r.text : undefined;
  },
  whyUnreadable(p) {
    const r = readTextFile(p);
    return 'error' in r ? r.error : undefined;
  },
};

/** Check the configuration rooted at `rootPath`; `undefined` when the root cannot be read. */
export function analyze(rootPath: string, opts: AnalyzeOptions = {}): Analysis | undefined {
  const steps = analyzeSteps(rootPath, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same analysis in steps (loading, the model, the translation, each check): a caller that
 * must stay responsive (the language server's analysis owner) answers requests between steps.
 */
export function* analyzeSteps(rootPath: string, opts: AnalyzeOptions = {}): Generator<void, Analysis | undefined> {
  const sources = loadSources(rootPath, { host: opts.host ?? diskHost, workspaceRoot: opts.workspaceRoot ?? null, cache: opts.cache ?? new ParseCache() });
  if (!sources) return undefined;
  injectFault('model');
  yield;
  const config = buildConfiguration(sources);
  yield;
  const tx = new Translation(config);
  yield;
  const found: Diagnostic[] = [...config.diagnostics];
  const internalErrors: string[] = [];
  const derived = new Map<unknown, unknown>();
  for (const check of IMPLEMENTATIONS) {
    // a check reports its own code only (one file per code)
    let foreign = false;
    const ctx: CheckContext = {
      config,
      tx,
      shared<T>(derive: (c: CheckContext) => T): T {
        if (!derived.has(derive)) derived.set(derive, derive(ctx));
        return derived.get(derive) as T;
      },
      report: (code, loc, message, related = [], data) => {
        if (code === check.code) found.push(makeDiagnostic(code, loc, message, related, data));
        else foreign = true;
      },
    };
    const failures: string[] = [];
    try {
      injectFault(`check:${check.code}`);
      check.run(ctx);
    } catch (e) {
      failures.push(`check ${check.code} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (foreign) failures.push(`check ${check.code} reported another check's code`);
    if (failures.length > 0) {
      internalErrors.push(...failures);
      found.push(internalError(config.root, `${failures[0]} (a bug in iommu-check; please report it): the findings of ${check.code} are left out`));
    }
    yield;
  }
  let diagnostics = withProvenance(applySuppressions(config.files, dedupe(found)), (p) => (opts.host ?? diskHost).read(p));
  diagnostics = applyRules(diagnostics, opts.rules ?? {});
  const order = new Map(config.files.map((f, i) => [f, i]));
  diagnostics.sort((a, b) => order.get(a.loc.file)! - order.get(b.loc.file)! || a.loc.span.start - b.loc.span.start || a.code.localeCompare(b.code));
  return { config, tx, diagnostics, internalErrors };
}

/** The one `internal-error` diagnostic of a failure of the checker, on the text of the first line of `root`. */
export function internalError(root: SourceFile, message: string): Diagnostic {
  const m = /^[ \t]*([^\r\n]*)/.exec(root.text)!;
  const start = m[0].length - m[1]!.length;
  return makeDiagnostic('internal-error', { file: root, span: { start, end: m[0].length } }, message);
}

export function applyRules(diags: Diagnostic[], rules: RuleSettings | ((filePath: string) => RuleSettings)): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byFile = new Map<string, RuleSettings>();
  const settingsOf = (p: string): RuleSettings => {
    if (typeof rules !== 'function') return rules;
    let s = byFile.get(p);
    if (!s) byFile.set(p, (s = rules(p)));
    return s;
  };
  for (const d of diags) {
    const r = settingsOf(d.loc.file.path)[d.code];
    if (r === 'off') continue;
    out.push(r ? { ...d, severity: r } : d);
  }
  return out;
}

function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const k = `${d.loc.file.path}:${d.loc.span.start}:${d.loc.span.end}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
