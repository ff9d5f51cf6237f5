// What `import-acpi` and `import-dt` share: their options, and how they print the configuration
// (standard output or --output) and the findings (standard error or --report, in --format).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../import/findings';
import { counts, formatFindings, REPORT_FORMATS, type ReportFormat } from '../import/report';
import { fsReason, UsageError, type CliIo } from './io';

export interface FirmwareImportOptions {
  sources: string[];
  output: string | null;
  report: string | null;
  format: ReportFormat;
  help: boolean;
}

const VALUE = new Set(['--output', '-o', '--report', '--format']);

export function parseFirmwareImportArgs(argv: readonly string[], command: string): FirmwareImportOptions {
  const o: FirmwareImportOptions = { sources: [], output: null, report: null, format: 'text', help: false };
  let onlySources = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlySources || !arg.startsWith('-') || arg === '-') {
      o.sources.push(arg);
      continue;
    }
    if (arg === '--') {
      onlySources = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (VALUE.has(name)) {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`${command}: ${name} needs a value (see iommu-check ${command} --help)`);
      }
    } else if (value !== undefined) throw new UsageError(`${command}: ${name} takes no value`);
    switch (name) {
      case '--help':
      case '-h':
        o.help = true;
        break;
      case '--output':
      case '-o':
        o.output = value!;
        break;
      case '--report':
        o.report = value!;
        break;
      case '--format':
        if (!(REPORT_FORMATS as readonly string[]).includes(value!)) throw new UsageError(`${command}: --format: '${value}' is not one of ${REPORT_FORMATS.join(', ')}`);
        o.format = value as ReportFormat;
        break;
      default:
        throw new UsageError(`${command}: unknown option '${name}' (see iommu-check ${command} --help)`);
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

/** Print the configuration and the findings; the exit status (1 when a finding is an error). */
export function finishImport(io: CliIo, o: FirmwareImportOptions, config: string, findings: readonly Finding[], artifacts: readonly string[], version: string): number {
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
