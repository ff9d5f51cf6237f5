// One reader of the subcommands' options: `--name VALUE` and `--name=VALUE`, short names (`-o`),
// flags, `--` ending the options, `-` as an operand (standard input). The mistakes it finds are
// worded the same for every subcommand, with a suggestion for a misspelt option.

import { didYouMean } from '../../../grammar/src/spelling';
import { UsageError } from './io';

export interface OptionSpec {
  /** Long options that take a value. */
  values?: readonly string[];
  /** Long options that take none (`--help` is always one). */
  flags?: readonly string[];
  /** Short names of long options: `{ '-o': '--output' }` (`-h` is always `--help`). */
  short?: Readonly<Record<string, string>>;
}

export interface ReadArgs {
  /** `--help` or `-h` came before `--`: the rest was not read. */
  help: boolean;
  /** The options in the order given, by their long names (a flag's value is ''). */
  options: { name: string; value: string }[];
  /** The operands. */
  operands: string[];
  /** What follows `--`, or null when there is no `--`. */
  rest: string[] | null;
}

/** Reads `argv` of subcommand `command` (named in the messages). Throws UsageError on a mistake. */
export function readArgs(command: string, argv: readonly string[], spec: OptionSpec): ReadArgs {
  const values = new Set(spec.values ?? []);
  const flags = new Set(['--help', ...(spec.flags ?? [])]);
  const short: Record<string, string> = { '-h': '--help', ...spec.short };
  const see = `(see iommu-check ${command} --help)`;
  const out: ReadArgs = { help: false, options: [], operands: [], rest: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.operands.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const written = eq > 0 ? arg.slice(0, eq) : arg;
    const name = short[written] ?? written;
    if (name === '--help') {
      out.help = true;
      return out;
    }
    if (flags.has(name)) {
      if (eq > 0) throw new UsageError(`${command}: ${written} takes no value ${see}`);
      out.options.push({ name, value: '' });
    } else if (values.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${command}: ${written} needs a value ${see}`);
      out.options.push({ name, value });
    } else {
      // a misspelt long option gets a suggestion (one letter is too little to guess from)
      const hint = written.startsWith('--') ? didYouMean(written, [...values, ...flags]) : '';
      throw new UsageError(`${command}: unknown option '${written}'${hint} ${see}`);
    }
  }
  return out;
}
