// `iommu-check explain-fault CONFIG [LOG…]`: the IOMMU faults of kernel logs, resolved through
// the configuration's model and explained (server/src/fault/).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, diskHost, type Analysis } from '../engine';
import { scanLog, type ScanResult } from '../fault/scan';
import { CAUSES, CAUSE_TITLES, domainIdNotes, explainLogs } from '../fault/explain';
import { SnapshotError, looksLikeArchive, openSnapshot } from '../import/snapshot';
import { MachineError } from '../import/machine';
import { importSysfs, openSource } from '../import/sysfs';
import { didYouMean } from '../../../grammar/src/spelling';
import { faultReportJson, faultReportText, type LogReport } from './faultReport';
import { displayPath, fsReason, UsageError, type CliIo } from './io';
import { readArgs } from './options';
import { escapeControl, outputWidth, wrapText } from './terminal';

export const EXPLAIN_FAULT_HELP = `Usage: iommu-check explain-fault CONFIG [LOG...] [--format text|json] [--output FILE]

Reads kernel logs (dmesg, journalctl -k, /var/log/kern.log, /dev/kmsg records, journalctl -o
export or json), finds the IOMMU fault and event lines of VT-d (DMAR), AMD-Vi, Arm SMMUv3 and
Arm SMMUv2 as the kernel prints them (old and new formats), and explains each through the
configuration CONFIG: which device asked (PCI requester ID; SMMU StreamID by the client the
kernel names, else as the requester ID of a PCI device behind that SMMU), which domain and
stage its address went through, and why it faulted. Repeated faults (same device, same page,
same cause) are grouped with their count.

LOG is a file, or '-' for standard input. CONFIG may be a .iommu file or a snapshot archive
(iommu-check snapshot), which is imported first; without LOG the snapshot's kernel log is read.

Causes:
${CAUSES.map((c) => `  ${c.padEnd(20)} ${CAUSE_TITLES[c]}`).join('\n')}

  --format text|json   text (default) or JSON (docs/explain-fault.md describes the shape)
  --output FILE        write the report to FILE instead of standard output

Exit status: 0 no IOMMU fault in the logs; 1 faults found (explained or not); 2 usage error,
unreadable CONFIG or LOG, or no log to read.
`;

interface Options {
  format: 'text' | 'json';
  output: string | null;
  files: string[];
}

function parseArgs(argv: readonly string[]): Options | 'help' {
  // the colour options of the check command are accepted and have no effect here
  const colour = (a: string) => a === '--no-color' || a === '--no-colour' || a.startsWith('--color') || a.startsWith('--colour');
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv.filter((a) => !colour(a)) : [...argv.slice(0, dash).filter((a) => !colour(a)), ...argv.slice(dash)];
  const read = readArgs('explain-fault', own, { values: ['--format', '--output'], short: { '-o': '--output' } });
  if (read.help) return 'help';
  const o: Options = { format: 'text', output: null, files: [...read.operands, ...(read.rest ?? [])] };
  for (const { name, value } of read.options) {
    if (name === '--format') {
      if (value !== 'text' && value !== 'json') throw new UsageError(`explain-fault: --format: '${value}' is not one of text, json${didYouMean(value, ['text', 'json'])}`);
      o.format = value;
    } else o.output = value;
  }
  return o;
}

/** A snapshot archive as CONFIG: imported into .iommu text, analysed under a name beside it; its kernel log. */
function analyzeSnapshot(abs: string, shown: string): { analysis: Analysis; log: string | null; virtualPath: string } {
  let text: string;
  let log: string | null;
  try {
    text = importSysfs(openSource(abs, shown), shown).text;
    log = openSnapshot(abs, shown).kernelLog;
  } catch (e) {
    if (e instanceof MachineError || e instanceof SnapshotError) throw new UsageError(e.message);
    throw e;
  }
  const virtualPath = abs.replace(/(\.tar\.gz|\.tgz|\.gz)?$/, '.iommu');
  const analysis = analyze(virtualPath, {
    host: { read: (p) => (p === virtualPath ? text : diskHost.read(p)), whyUnreadable: (p) => (p === virtualPath ? undefined : diskHost.whyUnreadable?.(p)) },
  });
  if (!analysis) throw new UsageError(`${shown}: the imported configuration cannot be read`);
  return { analysis, log, virtualPath };
}

export function runExplainFault(argv: readonly string[], io: CliIo): number {
  const o = parseArgs(argv);
  if (o === 'help') {
    io.stdout(EXPLAIN_FAULT_HELP);
    return 0;
  }
  if (o.files.length === 0) throw new UsageError('explain-fault needs a CONFIG (usage: iommu-check explain-fault CONFIG [LOG...])');
  const [config, ...logPaths] = o.files as [string, ...string[]];
  if (config === '-') throw new UsageError("explain-fault: CONFIG must be a file ('-' reads a LOG from standard input)");
  if (logPaths.filter((p) => p === '-').length > 1) throw new UsageError("explain-fault: '-' (standard input) can be given once");
  const configAbs = path.resolve(io.cwd, config);
  let analysis: Analysis;
  const logs: { path: string; text: string }[] = [];
  const shownPaths = new Map<string, string>();
  if (looksLikeArchive(configAbs)) {
    const snap = analyzeSnapshot(configAbs, config);
    analysis = snap.analysis;
    shownPaths.set(snap.virtualPath, `${config} (imported)`);
    if (logPaths.length === 0) {
      if (snap.log === null) throw new UsageError(`explain-fault: ${config} carries no kernel log; give the log as LOG (e.g. dmesg > dmesg.txt)`);
      logs.push({ path: `${config}:log/kmsg`, text: snap.log });
    }
  } else {
    if (!fs.existsSync(configAbs)) throw new UsageError(`explain-fault: cannot read ${config}: no such file or directory`);
    const a = analyze(configAbs);
    if (!a) throw new UsageError(`explain-fault: cannot read ${config}: ${diskHost.whyUnreadable?.(configAbs) ?? 'unreadable'}`);
    analysis = a;
    if (logPaths.length === 0) throw new UsageError('explain-fault needs a LOG (a file, or - for standard input) unless CONFIG is a snapshot that carries one');
  }
  for (const p of logPaths) {
    if (p === '-') {
      let bytes: Buffer;
      try {
        bytes = io.readStdin();
      } catch (e) {
        throw new UsageError(`explain-fault: cannot read standard input: ${fsReason(e)}`);
      }
      logs.push({ path: '<stdin>', text: bytes.toString('utf8') });
      continue;
    }
    try {
      logs.push({ path: p, text: fs.readFileSync(path.resolve(io.cwd, p), 'utf8') });
    } catch (e) {
      throw new UsageError(`explain-fault: cannot read ${p}: ${fsReason(e)}`);
    }
  }
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    io.stderr(`iommu-check: warning: ${escapeControl(config, { newlines: true })} has ${errors.length} error${errors.length === 1 ? '' : 's'} (run iommu-check on it); the explanations below use the model as written\n`);
  const scans: ScanResult[] = logs.map((l) => scanLog(l.text));
  const groups = explainLogs(analysis, scans.map((s) => s.events));
  const logReports: LogReport[] = logs.map((l, i) => ({ path: l.path, lines: scans[i]!.lines, events: scans[i]!.events.length, context: scans[i]!.context, unrecognised: scans[i]!.unrecognised }));
  const placer = { path: (abs: string) => shownPaths.get(abs) ?? displayPath(io.cwd, abs) };
  const report = { config, logs: logReports, groups, notes: domainIdNotes(groups, analysis) };
  let text: string;
  if (o.format === 'json') text = JSON.stringify(faultReportJson(report, placer, analysis.diagnostics), null, 2) + '\n';
  else {
    const width = outputWidth(o.output === null ? io.columns : undefined, io.env);
    const raw = faultReportText(report, placer, (t, indent) => wrapText(t, width, indent));
    text = raw
      .split('\n')
      .map((l) => escapeControl(l))
      .join('\n');
  }
  if (o.output === null) io.stdout(text);
  else {
    try {
      fs.writeFileSync(path.resolve(io.cwd, o.output), text);
    } catch (e) {
      throw new UsageError(`cannot write ${o.output}: ${fsReason(e)}`);
    }
  }
  return groups.length > 0 ? 1 : 0;
}
