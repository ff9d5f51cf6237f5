// `iommu-check format [--check] PATH…`: the language server's formatter over files. Rewrites
// files in place, or with --check changes nothing and prints a unified diff of what it would
// change (exit 1). `-` formats standard input to standard output. Files with syntax errors are
// left alone and reported (exit 2).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatText } from '../ide/format';
import { ParseCache } from '../model/workspace';
import { collectInputs } from './check';
import { unifiedDiff } from './diff';
import { fsReason, UsageError, type CliIo } from './io';
import { readArgs } from './options';
import { escapeControl } from './terminal';

export const FORMAT_HELP = `Usage: iommu-check format [--check] [--stdin-filename NAME] PATH...

Rewrites each file (a directory means every *.iommu below it) in the canonical layout the editor's
"Format Document" uses: two-space indentation, one statement per line, the '->' of consecutive maps
aligned, comments kept. '-' formats standard input to standard output.

  --check                 change nothing; print a unified diff of each file that is not formatted
  --stdin-filename NAME   format standard input ('-') as NAME: the name messages and the diff show

Exit status: 0 formatted (or, with --check, nothing to change); 1 with --check, some file would
change; 2 usage error, unreadable file, or a file with syntax errors (left unchanged).
`;

export function runFormat(argv: readonly string[], io: CliIo): number {
  const read = readArgs('format', argv, { values: ['--stdin-filename'], flags: ['--check'] });
  if (read.help) {
    io.stdout(FORMAT_HELP);
    return 0;
  }
  let checkOnly = false;
  let stdinName: string | null = null;
  for (const { name, value } of read.options) {
    if (name === '--check') checkOnly = true;
    else stdinName = value;
  }
  const paths = [...read.operands, ...(read.rest ?? [])];
  if (paths.length === 0) throw new UsageError('format: no files (usage: iommu-check format [--check] PATH...)');
  const cache = new ParseCache();

  if (stdinName !== null && !paths.includes('-')) throw new UsageError("format: --stdin-filename names standard input, which is read only when '-' is among the paths");
  if (paths.includes('-')) {
    if (paths.length > 1) throw new UsageError("format: '-' (standard input) cannot be mixed with files");
    const text = io.readStdin().toString('utf8');
    const name = stdinName ?? '<stdin>';
    const shown = escapeControl(name, { newlines: true });
    const formatted = formatText(cache.get(path.resolve(io.cwd, name), text));
    if (formatted === null) {
      io.stderr(`iommu-check: format: ${shown} has syntax errors; left unchanged\n`);
      io.stdout(text);
      return 2;
    }
    if (checkOnly) {
      io.stdout(unifiedDiff(shown, text, formatted));
      return formatted === text ? 0 : 1;
    }
    io.stdout(formatted);
    return 0;
  }

  let changed = 0;
  let unchanged = 0;
  let broken = 0;
  for (const input of collectInputs(paths, io.cwd)) {
    let text: string;
    try {
      text = fs.readFileSync(input.abs, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${input.shown}: ${fsReason(e)}`);
    }
    const shown = escapeControl(input.shown, { newlines: true });
    const formatted = formatText(cache.get(input.abs, text));
    if (formatted === null) {
      io.stderr(`iommu-check: format: ${shown} has syntax errors; left unchanged\n`);
      broken++;
      continue;
    }
    if (formatted === text) {
      unchanged++;
      continue;
    }
    changed++;
    if (checkOnly) io.stdout(escapeControl(unifiedDiff(input.shown, text, formatted), { tabs: false }));
    else {
      try {
        fs.writeFileSync(input.abs, formatted);
      } catch (e) {
        throw new UsageError(`cannot write ${input.shown}: ${fsReason(e)}`);
      }
    }
  }
  const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
  const summary = checkOnly
    ? `${changed ? `${files(changed)} would be reformatted` : 'nothing to reformat'}, ${files(unchanged)} already formatted`
    : `${files(changed)} reformatted, ${files(unchanged)} already formatted`;
  io.stderr(`${summary}${broken ? `, ${files(broken)} with syntax errors left unchanged` : ''}\n`);
  if (broken) return 2;
  return checkOnly && changed ? 1 : 0;
}
