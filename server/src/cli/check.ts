// Checking a set of paths on the command line: name the files, hand them to one Project (which
// works out the configurations, their settings and workspace roots, as the editor does), and
// gather every diagnostic under the file it is in.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Analysis, RuleSettings } from '../engine';
import type { Diagnostic } from '../model/types';
import { countOf, findIommuFiles, parseRuleConfig, Project, ProjectHost } from '../project/index';
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
  /** The analysis a reported diagnostic comes from (for its quick fixes). */
  analysisOf(d: Diagnostic): Analysis | undefined;
}

interface Input {
  abs: string;
  shown: string;
}

export interface CheckOptions {
  /** `--rule` settings, over the config files. */
  rules?: RuleSettings;
  /** `--config FILE` (absolute), instead of the nearest `.iommu-check.json`. */
  configFile?: string | null;
  /** Text for paths that is not on the disk (standard input under its `--stdin-filename`). */
  texts?: ReadonlyMap<string, string>;
}

/** The files named by the arguments, in order, each once. */
export function collectInputs(args: readonly string[], cwd: string, texts: ReadonlyMap<string, string> = new Map()): Input[] {
  const out: Input[] = [];
  const seen = new Set<string>();
  const add = (abs: string, shown: string) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({ abs, shown });
  };
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    if (texts.has(abs)) {
      add(abs, arg);
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      throw new UsageError(`cannot read ${arg}: ${fsReason(e)}`);
    }
    if (st.isDirectory()) {
      const found = findIommuFiles(abs, (dir, e) => {
        throw new UsageError(`cannot read directory ${dir}: ${fsReason(e)}`);
      });
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

/** Read `--config FILE` through the one config parser; a problem is a one-line usage error. */
function explicitSettings(host: ProjectHost, file: string, shown: string): RuleSettings {
  const text = host.read(file);
  if (text === undefined) {
    let why = 'cannot be read';
    try {
      fs.readFileSync(file);
    } catch (e) {
      why = fsReason(e);
    }
    throw new UsageError(`cannot read config ${shown}: ${why}`);
  }
  const parsed = parseRuleConfig(text);
  if ('problem' in parsed) throw new UsageError(`${shown}: ${parsed.problem.message}`);
  return parsed.rules;
}

export function check(args: readonly string[], cwd: string, options: CheckOptions = {}): CheckResult {
  const host = new ProjectHost();
  for (const [p, text] of options.texts ?? []) host.setText(p, text);
  const inputs = collectInputs(args, cwd, options.texts);
  const shown = new Map<string, string>(inputs.map((i) => [i.abs, i.shown]));
  const show = (abs: string) => shown.get(abs) ?? displayPath(cwd, abs);
  const explicitRules = options.configFile ? explicitSettings(host, options.configFile, show(options.configFile)) : null;
  const project = new Project({ host, explicitRules, overrides: options.rules ?? {} });
  for (const i of inputs) {
    if (host.read(i.abs) === undefined) {
      const why = host.whyUnreadable(i.abs);
      throw new UsageError(`cannot read ${i.shown}${why ? `: ${why}` : ''}`);
    }
    project.addFile(i.abs);
  }
  const analyses = project.analyzeAll();
  const bad = project.settingsProblems()[0];
  if (bad) throw new UsageError(`${show(bad.path)}: ${bad.problem.message}`);
  const report = project.report(analyses);

  const files: CheckedFile[] = [];
  const listed = new Set<string>();
  const list = (abs: string) => {
    if (listed.has(abs)) return;
    listed.add(abs);
    files.push({ abs, path: show(abs), diagnostics: report.files.get(abs) ?? [] });
  };
  for (const i of inputs) list(i.abs);
  for (const abs of report.files.keys()) list(abs);

  let errors = 0;
  let warnings = 0;
  let information = 0;
  for (const f of files)
    for (const d of f.diagnostics) {
      // a capped flood's summary counts for the diagnostics it stands for
      const n = countOf(d);
      if (d.severity === 'error') errors += n;
      else if (d.severity === 'warning') warnings += n;
      else information += n;
    }
  const owner = new Map<Diagnostic, Analysis>();
  for (const c of analyses) if (c.analysis) for (const d of c.analysis.diagnostics) owner.set(d, c.analysis);
  return { files, show, internalErrors: report.internalErrors, errors, warnings, information, analysisOf: (d) => owner.get(d) };
}
