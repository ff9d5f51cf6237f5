// What `import-acpi` and `import-dt` share: their options, and how they print the configuration
// (standard output or --output) and the findings (standard error or --report, in --format).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RuleSettings } from '../engine';
import { artifactOf, type Finding } from '../import/findings';
import { counts, formatFindings, REPORT_FORMATS, type ReportFormat } from '../import/report';
import { parseRuleConfig, RuleSettingsResolver } from '../project/index';
import { parseRuleOption } from './config';
import { displayPath, fsReason, UsageError, type CliIo } from './io';
import { readArgs } from './options';

export interface FirmwareImportOptions {
  sources: string[];
  output: string | null;
  report: string | null;
  format: ReportFormat;
  /** `--rule CODE=SEVERITY`, over the config files. */
  rules: RuleSettings;
  /** `--config FILE`, instead of the nearest `.iommu-check.json`. */
  config: string | null;
  help: boolean;
}

export function parseFirmwareImportArgs(argv: readonly string[], command: string): FirmwareImportOptions {
  const o: FirmwareImportOptions = { sources: [], output: null, report: null, format: 'text', rules: {}, config: null, help: false };
  const read = readArgs(command, argv, { values: ['--output', '--report', '--format', '--rule', '--config'], short: { '-o': '--output' } });
  if (read.help) return { ...o, help: true };
  o.sources = [...read.operands, ...(read.rest ?? [])];
  for (const { name, value } of read.options) {
    switch (name) {
      case '--output':
        o.output = value;
        break;
      case '--report':
        o.report = value;
        break;
      case '--format':
        if (!(REPORT_FORMATS as readonly string[]).includes(value)) throw new UsageError(`${command}: --format: '${value}' is not one of ${REPORT_FORMATS.join(', ')}`);
        o.format = value as ReportFormat;
        break;
      case '--rule': {
        const [code, setting] = parseRuleOption(value);
        o.rules[code] = setting;
        break;
      }
      default:
        o.config = value;
    }
  }
  return o;
}

export function readSource(io: CliIo, shown: string): Uint8Array {
  try {
    return fs.readFileSync(path.resolve(io.cwd, shown));
  } catch (e) {
    throw new UsageError(`cannot read ${shown}: ${fsReason(e)}`);
  }
}

function write(io: CliIo, file: string, text: string): void {
  try {
    fs.writeFileSync(path.resolve(io.cwd, file), text);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${fsReason(e)}`);
  }
}

const readText = (p: string): string | undefined => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * The findings under the rule settings, as every other diagnostic: `--config FILE` or the
 * `.iommu-check.json` nearest to each artifact, with `--rule` on top. `off` drops a finding; a
 * severity replaces its own. A config file that cannot be used is a usage error.
 */
export function applyFirmwareRules(io: CliIo, o: FirmwareImportOptions, findings: readonly Finding[]): Finding[] {
  let explicit: RuleSettings | null = null;
  if (o.config !== null) {
    const abs = path.resolve(io.cwd, o.config);
    const text = readText(abs);
    if (text === undefined) throw new UsageError(`cannot read config ${o.config}`);
    const parsed = parseRuleConfig(text);
    if ('problem' in parsed) throw new UsageError(`${o.config}: ${parsed.problem.message}`);
    explicit = parsed.rules;
  }
  const resolver = new RuleSettingsResolver({ read: readText, explicit, overrides: o.rules });
  const out: Finding[] = [];
  for (const f of findings) {
    const abs = artifactOf(f.loc).abs;
    const setting = resolver.rulesFor(path.isAbsolute(abs) ? abs : path.resolve(io.cwd, abs))[f.code];
    if (setting === 'off') continue;
    out.push(setting ? { ...f, severity: setting } : f);
  }
  const bad = resolver.problems()[0];
  if (bad) throw new UsageError(`${displayPath(io.cwd, bad.path)}: ${bad.problem.message}`);
  return out;
}

/** Print the configuration and the findings; the exit status (1 when a finding is an error). */
export function finishImport(io: CliIo, o: FirmwareImportOptions, config: string, all: readonly Finding[], artifacts: readonly string[], version: string): number {
  const findings = applyFirmwareRules(io, o, all);
  if (o.output === null) io.stdout(config);
  else write(io, o.output, config);
  const c = counts(findings);
  if (findings.length > 0 || o.format !== 'text' || o.report !== null) {
    const text = formatFindings(o.format, findings, artifacts, io.cwd, version);
    if (o.report === null) io.stderr(text);
    else write(io, o.report, text);
  }
  return c.errors > 0 ? 1 : 0;
}
