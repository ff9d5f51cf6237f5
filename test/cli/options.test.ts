// The subcommands read their options one way (server/src/cli/options.ts): the same forms, and
// mistakes worded the same for each, with the subcommand named.

import { describe, expect, it } from 'vitest';
import { readArgs } from '../../server/src/cli/options';
import { run, tmpTree } from './helpers';

describe('readArgs', () => {
  const spec = { values: ['--output', '--format'], flags: ['--check'], short: { '-o': '--output' } };

  it('reads --name VALUE, --name=VALUE, short names, flags, operands, - and what follows --', () => {
    expect(readArgs('cmd', ['a', '--output', 'x', '--format=json', '-o', 'y', '--check', '-', '--', '--format', 'b'], spec)).toEqual({
      help: false,
      options: [
        { name: '--output', value: 'x' },
        { name: '--format', value: 'json' },
        { name: '--output', value: 'y' },
        { name: '--check', value: '' },
      ],
      operands: ['a', '-'],
      rest: ['--format', 'b'],
    });
  });

  it('stops at --help or -h, but not after --', () => {
    expect(readArgs('cmd', ['a', '-h', '--bogus'], spec)).toEqual({ help: true, options: [], operands: ['a'], rest: null });
    expect(readArgs('cmd', ['--', '--help'], spec)).toEqual({ help: false, options: [], operands: [], rest: ['--help'] });
  });

  it('words each mistake with the subcommand and where to look', () => {
    const err = (argv: string[]) => {
      try {
        readArgs('cmd', argv, spec);
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(err(['--output'])).toBe('cmd: --output needs a value (see iommu-check cmd --help)');
    expect(err(['-o'])).toBe('cmd: -o needs a value (see iommu-check cmd --help)');
    expect(err(['--format='])).toBe('cmd: --format needs a value (see iommu-check cmd --help)');
    expect(err(['--check=yes'])).toBe('cmd: --check takes no value (see iommu-check cmd --help)');
    expect(err(['--outptu', 'x'])).toBe("cmd: unknown option '--outptu'; did you mean '--output'? (see iommu-check cmd --help)");
    expect(err(['-x'])).toBe("cmd: unknown option '-x' (see iommu-check cmd --help)");
  });
});

describe('every subcommand reads its options the same way', () => {
  const dir = tmpTree({ 'a.iommu': 'backend iommufd\n' });
  const subcommands: [string, string][] = [
    ['format', '--stdin-filename'],
    ['map', '--domain'],
    ['import-sysfs', '--output'],
    ['import-acpi', '--report'],
    ['import-dt', '--config'],
    ['import-vm', '--host'],
    ['explain-fault', '--format'],
    ['snapshot', '--sysfs'],
  ];

  it.each(subcommands)('%s: a missing value, a misspelt option, and --help before anything else', (cmd, valued) => {
    expect(run([cmd, valued], { cwd: dir })).toEqual({ code: 2, out: '', err: `iommu-check: ${cmd}: ${valued} needs a value (see iommu-check ${cmd} --help)\n` });
    expect(run([cmd, `${valued}=`], { cwd: dir })).toEqual({ code: 2, out: '', err: `iommu-check: ${cmd}: ${valued} needs a value (see iommu-check ${cmd} --help)\n` });
    const typo = valued.slice(0, -1) + valued.slice(-1).repeat(2);
    expect(run([cmd, typo, 'x'], { cwd: dir })).toEqual({ code: 2, out: '', err: `iommu-check: ${cmd}: unknown option '${typo}'; did you mean '${valued}'? (see iommu-check ${cmd} --help)\n` });
    const help = run([cmd, '--help', '--no-such-option'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.out).toMatch(new RegExp(`^Usage: iommu-check ${cmd}`));
  });
});
