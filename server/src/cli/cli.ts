// The command line: argument parsing and the subcommands, over the same engine as the language
// server. `main` never throws and never exits the process: it returns the exit status.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RuleSettings } from '../engine';
import { check, type CheckResult } from './check';
import { parseRuleOption } from './config';
import { explainCode, explainList } from './explain';
import { FORMATS, formatGithub, formatJson, formatSarif, summaryLine, type Format } from './formats';
import { COLOR_MODES, escapeControl, outputWidth, useColour, type ColorMode } from './terminal';
import { formatText } from './textReport';
import { runFormat } from './formatCommand';
import { fixesOf } from './fixes';
import { applySafeFixes } from './fixCommand';
import { didYouMean } from '../../../grammar/src/spelling';
import { runImportSysfs } from './import-sysfs';
import { runImportAcpi } from './import-acpi';
import { runImportDt } from './import-dt';
import { runImportVm } from './import-vm';
import { fsReason, UsageError, type CliIo } from './io';
import { runSnapshot } from './snapshot';
import { runMap } from './map';
import { runTranslate, TRANSLATE_HELP } from './translate';
import { runExplainFault } from './explainFault';

import { VERSION } from '../version';

export { VERSION };

export const HELP = `iommu-check ${VERSION} — static checker for IOMMU configurations (*.iommu)

Usage:
  iommu-check [options] PATH...          check files; a directory means every *.iommu below it
  iommu-check translate FILE DEVICE ADDR [--pasid N]
                                         print the resolution chain, hop by hop
  iommu-check import-sysfs SRC [--output FILE]
                                         the machine as .iommu text; SRC is a snapshot archive,
                                         a sysfs root, or a copy of /sys/kernel/iommu_groups
  iommu-check snapshot [--sysfs DIR] [--output FILE]
                                         collect this machine (groups, devices, IOMMUs, config
                                         space, ACPI tables, cmdline) into one .tar.gz archive
  iommu-check map FILE [--domain NAME | --device NAME] [--format text|svg] [--output F]
                                         the address map of a domain or a device, drawn
  iommu-check import-acpi SRC... [--output FILE] [--format text|json|sarif] [--report FILE]
                                         ACPI tables (IORT, MADT, DMAR, IVRS: raw, a directory, or
                                         acpidump text) into .iommu text, findings on stderr
  iommu-check import-dt FILE.dtb [--output FILE] [--format text|json|sarif] [--report FILE]
                                         a flattened devicetree into .iommu text, findings on stderr
  iommu-check explain-fault CONFIG [LOG...] [--format text|json]
                                         explain the IOMMU faults of kernel logs (dmesg,
                                         journalctl) through CONFIG (a .iommu file or a snapshot)
  iommu-check import-vm SRC... [--host HOST] [--output FILE]
                                         VM definitions (libvirt XML, a QEMU command line, a
                                         cloud-hypervisor config) as domains over their host
  iommu-check explain [CODE]             what a check means, why the kernel cares, how to fix it;
                                         without CODE, the list of checks
  iommu-check format [--check] PATH...   rewrite files in the canonical layout (--check: print a
                                         diff and exit 1 instead)
  iommu-check --stdio | --lsp            run the language server over stdio

Options for checking:
  --format text|json|sarif|github        output format (default: text)
  --output FILE                          write the report to FILE instead of standard output
  --max-warnings N                       exit 1 when there are more than N warnings
  --rule CODE=off|information|warning|error
                                         set a check's severity (repeatable; overrides the config)
  --config FILE                          rule settings { "rules": { "CODE": "off" } }; default: the
                                         nearest .iommu-check.json upward from each checked file
  --quiet, -q                            report errors only
  --fix                                  apply the quick fixes that need no choice by a person,
                                         say what changed, report the rest
  --stdin-filename NAME                  check standard input ('-') as NAME: shown in messages, and
                                         placed there for includes and config discovery
  --color[=auto|always|never]            colour; auto (default): on a terminal, unless NO_COLOR is
                                         set; FORCE_COLOR=1 forces it, FORCE_COLOR=0 turns it off
  --no-color                             same as --color=never
  --version                              print the version
  --help, -h                             print this help

Files and includes:
  Directories are searched recursively for *.iommu (node_modules and folders starting with '.' are
  skipped), in sorted order. A file included by another checked file is checked as part of its
  includer's configuration, and its diagnostics are reported under its own path; every checked
  file is listed, even without diagnostics. Files that include each other are one configuration.
  Includes may not leave the workspace root of the including file: the nearest folder upward
  holding a .iommu-check.json, else the repository's top folder (holding .git), else they are not
  confined. Results do not depend on the current directory.

Exit status:
  0  no errors, and no more warnings than --max-warnings
  1  errors, or too many warnings
  2  usage error, unreadable file, malformed config, or internal failure

Documentation: docs/cli.md (command line), docs/checks.md (every check).
`;

interface CheckOptions {
  format: Format;
  output: string | null;
  maxWarnings: number;
  rules: RuleSettings;
  config: string | null;
  color: ColorMode;
  quiet: boolean;
  fix: boolean;
  /** The name standard input (`-`) is checked under. */
  stdinFilename: string | null;
  paths: string[];
}

/** Options that take a value, for `--opt value` and `--opt=value`. */
const VALUE_OPTIONS = new Set(['--format', '--output', '-o', '--max-warnings', '--rule', '--config', '--stdin-filename']);
/** Every option of a check, for "did you mean". */
const CHECK_OPTIONS = [...VALUE_OPTIONS, '--help', '--version', '--color', '--colour', '--no-color', '--no-colour', '--quiet', '--fix', '--stdio', '--lsp'];

function parseCheckArgs(argv: readonly string[]): CheckOptions | 'help' | 'version' {
  const o: CheckOptions = { format: 'text', output: null, maxWarnings: -1, rules: {}, config: null, color: 'auto', quiet: false, fix: false, stdinFilename: null, paths: [] };
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPaths || !arg.startsWith('-') || arg === '-') {
      o.paths.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (name === '--color' || name === '--colour') {
      // `--color` alone means always; `--color=WHEN` (not `--color WHEN`, which would eat a path)
      o.color = value === undefined ? 'always' : parseColorMode(value);
      continue;
    }
    if (VALUE_OPTIONS.has(name)) {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`${name} needs a value (see --help)`);
      }
    } else if (value !== undefined) throw new UsageError(`${name} takes no value (see --help)`);
    switch (name) {
      case '--help':
      case '-h':
        return 'help';
      case '--version':
        return 'version';
      case '--no-color':
      case '--no-colour':
        o.color = 'never';
        break;
      case '--quiet':
      case '-q':
        o.quiet = true;
        break;
      case '--fix':
        o.fix = true;
        break;
      case '--format':
        if (!(FORMATS as readonly string[]).includes(value!)) throw new UsageError(`--format: '${value}' is not one of ${FORMATS.join(', ')}${didYouMean(value!, FORMATS)}`);
        o.format = value as Format;
        break;
      case '--output':
      case '-o':
        o.output = value!;
        break;
      case '--max-warnings': {
        if (!/^\d+$/.test(value!)) throw new UsageError(`--max-warnings: '${value}' is not a non-negative integer`);
        o.maxWarnings = Number(value);
        break;
      }
      case '--rule': {
        const [code, setting] = parseRuleOption(value!);
        o.rules[code] = setting;
        break;
      }
      case '--config':
        o.config = value!;
        break;
      case '--stdin-filename':
        o.stdinFilename = value!;
        break;
      default:
        throw new UsageError(`unknown option '${name}'${didYouMean(name, CHECK_OPTIONS)} (see --help)`);
    }
  }
  return o;
}

function parseColorMode(value: string): ColorMode {
  if ((COLOR_MODES as readonly string[]).includes(value)) return value as ColorMode;
  throw new UsageError(`--color: '${value}' is not one of ${COLOR_MODES.join(', ')}${didYouMean(value, COLOR_MODES)}`);
}

/** A first argument that is no file but looks like a mistyped subcommand. */
function mistypedSubcommand(arg: string, cwd: string): string | null {
  if (arg.includes('/') || arg.includes('.') || fs.existsSync(path.resolve(cwd, arg))) return null;
  const hint = didYouMean(arg, Object.keys(SUBCOMMAND_RUNNERS));
  return hint ? `'${arg}' is neither a file nor a subcommand${hint}` : null;
}

/** Paths that are standard input: read from descriptor 0 (opening them fails for a socket). */
const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/**
 * `-` among the paths: read standard input once and check it as `--stdin-filename` (default
 * `<stdin>` in the working directory), which names it in messages and places it for includes
 * and config discovery. Replaces `-` in `o.paths` with that name.
 */
function readStdinInput(o: CheckOptions, io: CliIo): Map<string, string> {
  const dashes = o.paths.filter((p) => p === '-' || STDIN_PATHS.has(p)).length;
  if (dashes === 0) {
    if (o.stdinFilename !== null) throw new UsageError("--stdin-filename names standard input, which is read only when '-' is among the paths");
    return new Map();
  }
  if (dashes > 1) throw new UsageError("'-' (standard input) can be given once");
  const given = o.paths.find((p) => p === '-' || STDIN_PATHS.has(p))!;
  const name = o.stdinFilename ?? (given === '-' ? '<stdin>' : given);
  if (name === '' || name === '-') throw new UsageError('--stdin-filename needs a file name');
  let bytes: Buffer;
  try {
    bytes = io.readStdin();
  } catch (e) {
    throw new UsageError(`cannot read standard input: ${fsReason(e)}`);
  }
  o.paths = o.paths.map((p) => (p === given ? name : p));
  // decoded as UTF-8; bytes that are not (or NULs) become one error on the file, as for any file
  return new Map([[path.resolve(io.cwd, name), bytes.toString('utf8')]]);
}

/** Only the errors, with the counts to match (`--quiet`). */
function onlyErrors(r: CheckResult): CheckResult {
  return {
    ...r,
    files: r.files.map((f) => ({ ...f, diagnostics: f.diagnostics.filter((d) => d.severity === 'error') })),
    warnings: 0,
    information: 0,
  };
}

function writeOutput(io: CliIo, file: string | null, text: string): void {
  if (file === null) {
    io.stdout(text);
    return;
  }
  try {
    fs.writeFileSync(path.resolve(io.cwd, file), text);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${fsReason(e)}`);
  }
}

function runCheck(argv: readonly string[], io: CliIo): number {
  const o = parseCheckArgs(argv);
  if (o === 'help') {
    io.stdout(HELP);
    return 0;
  }
  if (o === 'version') {
    io.stdout(VERSION + '\n');
    return 0;
  }
  if (o.paths.length === 0) throw new UsageError('no files to check (usage: iommu-check [options] PATH...; see --help)');
  const typo = mistypedSubcommand(o.paths[0]!, io.cwd);
  if (typo) throw new UsageError(typo);
  const stdin = readStdinInput(o, io);
  const options = { rules: o.rules, configFile: o.config ? path.resolve(io.cwd, o.config) : null, texts: stdin };
  if (o.fix && stdin.size > 0) throw new UsageError('--fix rewrites files; it cannot be used with standard input');
  const checked = o.fix ? applySafeFixes(() => check(o.paths, io.cwd, options), io) : check(o.paths, io.cwd, options);
  const result = o.quiet ? onlyErrors(checked) : checked;
  const colour = useColour(o.color, io.env, o.output === null && io.isTTY);
  let text: string;
  switch (o.format) {
    case 'json':
      text = formatJson(result);
      break;
    case 'sarif':
      text = formatSarif(result, io.cwd, VERSION);
      break;
    case 'github':
      text = formatGithub(result);
      break;
    default:
      text = formatText(
        result,
        { colour, width: outputWidth(o.output === null ? io.columns : undefined, io.env), helpOf: (d) => fixesOf(result.analysisOf(d), d)[0]?.title },
        summaryLine(result),
      );
  }
  writeOutput(io, o.output, text);
  if (result.internalErrors.length > 0) {
    for (const e of result.internalErrors) io.stderr(`iommu-check: ${e} (internal error; please report)\n`);
    return 2;
  }
  if (result.errors > 0) return 1;
  if (o.maxWarnings >= 0 && result.warnings > o.maxWarnings) {
    io.stderr(`iommu-check: ${result.warnings} warnings, more than --max-warnings ${o.maxWarnings}\n`);
    return 1;
  }
  return 0;
}

function runExplain(argv: readonly string[], io: CliIo): number {
  const args = argv.filter((a) => a !== '--no-color' && a !== '--no-colour');
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout('Usage: iommu-check explain [CODE]\n\nWithout CODE: every check code with its default severity and title.\n');
    return 0;
  }
  const bad = args.find((a) => a.startsWith('-'));
  if (bad) throw new UsageError(`explain: unknown option '${bad}' (see --help)`);
  if (args.length > 1) throw new UsageError(`explain takes one CODE, got ${args.length} (usage: iommu-check explain [CODE])`);
  io.stdout(args.length === 0 ? explainList() : explainCode(args[0]!));
  return 0;
}

function runTranslateCommand(argv: readonly string[], io: CliIo): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(TRANSLATE_HELP.endsWith('\n') ? TRANSLATE_HELP : TRANSLATE_HELP + '\n');
    return 0;
  }
  // runTranslate prints its usage errors through `out` too: those go to stderr.
  const lines: string[] = [];
  const status = runTranslate([...argv], (s: string) => lines.push(s.endsWith('\n') ? s : s + '\n'), {
    cwd: io.cwd,
    warn: (s) => io.stderr(s.endsWith('\n') ? s : s + '\n'),
  });
  (status === 2 ? io.stderr : io.stdout)(lines.join(''));
  return status;
}

/** The subcommands: each in its own module, one line here. */
const SUBCOMMAND_RUNNERS: Record<string, (argv: readonly string[], io: CliIo) => number> = {
  translate: runTranslateCommand,
  explain: runExplain,
  format: runFormat,
  'import-sysfs': runImportSysfs,
  'import-acpi': (argv, io) => runImportAcpi(argv, io, VERSION),
  'import-dt': (argv, io) => runImportDt(argv, io, VERSION),
  'import-vm': runImportVm,
  snapshot: (argv, io) => runSnapshot(argv, io, VERSION),
  map: runMap,
  'explain-fault': runExplainFault,
};

/** Run the command line; returns the exit status. `--stdio`/`--lsp` are handled by the entry point. */
export function main(argv: readonly string[], io: CliIo): number {
  try {
    const [first, ...rest] = argv;
    const sub = first !== undefined ? SUBCOMMAND_RUNNERS[first] : undefined;
    return sub ? sub(rest, io) : runCheck(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`iommu-check: ${escapeControl(e.message, { newlines: true })}\n`);
      return 2;
    }
    const what = e instanceof Error ? e.message.split('\n')[0] : String(e);
    io.stderr(`iommu-check: ${escapeControl(what ?? '', { newlines: true })} (internal error; please report)\n`);
    return 2;
  }
}
