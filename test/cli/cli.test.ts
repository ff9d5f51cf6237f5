// The command line run in-process: options, exit status, file discovery, roots and includes,
// rule settings, the text format and explain.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../server/src/checks/registry';
import { main, VERSION } from '../../server/src/cli/cli';
import { CLEAN, MIXED, run, tmpTree, WARNING_ONLY } from './helpers';

const INCLUDE_TREE = {
  'main.iommu': `include "lib/devices.iommu"
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
domain vm : paging {
  attach nic
  map 0x4000_0000 -> 0x8_0000_0000 size 1G
}
`,
  // On its own this file names an undeclared irqchip; as part of main.iommu it does not.
  'lib/devices.iommu': `device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
irqchip spare { model gicv3-its base 0x1000_0000 }
`,
  'other.iommu': MIXED,
  'node_modules/pkg/broken.iommu': 'this is not a configuration {',
  '.git/broken.iommu': 'neither {',
  'notes.txt': 'not checked',
};

describe('exit status', () => {
  it('is 0 for a clean file, 1 with errors, 2 for a missing file', () => {
    const dir = tmpTree({ 'clean.iommu': CLEAN, 'mixed.iommu': MIXED });
    expect(run(['clean.iommu'], { cwd: dir })).toMatchObject({ code: 0, err: '' });
    expect(run(['mixed.iommu'], { cwd: dir }).code).toBe(1);
    const missing = run(['clean.iommu', 'nope.iommu'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.out).toBe('');
    expect(missing.err).toBe('iommu-check: cannot read nope.iommu: no such file or directory\n');
  });

  it('counts warnings against --max-warnings', () => {
    const dir = tmpTree({ 'w.iommu': WARNING_ONLY });
    expect(run(['w.iommu'], { cwd: dir }).code).toBe(0);
    expect(run(['--max-warnings', '1', 'w.iommu'], { cwd: dir }).code).toBe(0);
    const over = run(['--max-warnings=0', 'w.iommu'], { cwd: dir });
    expect(over.code).toBe(1);
    expect(over.err).toBe('iommu-check: 1 warnings, more than --max-warnings 0\n');
    expect(run(['--max-warnings', 'x', 'w.iommu'], { cwd: dir }).code).toBe(2);
  });

  it('reports usage errors in one line, without a stack', () => {
    const dir = tmpTree({ 'clean.iommu': CLEAN });
    const cases: [string[], string][] = [
      [['--bogus', 'clean.iommu'], "iommu-check: unknown option '--bogus' (see --help)\n"],
      [['--format', 'xml', 'clean.iommu'], "iommu-check: --format: 'xml' is not one of text, json, sarif, github\n"],
      [['--format'], 'iommu-check: --format needs a value (see --help)\n'],
      [['--rule', 'no-such-check=off', 'clean.iommu'], "iommu-check: --rule: unknown check code 'no-such-check' (run 'iommu-check explain' for the list)\n"],
      [['--rule', 'map-overlap=loud', 'clean.iommu'], "iommu-check: --rule map-overlap: 'loud' is not one of off, information, warning, error\n"],
      [['--rule', 'map-overlap', 'clean.iommu'], "iommu-check: --rule expects CODE=off|information|warning|error, got 'map-overlap'\n"],
      [[], 'iommu-check: no files to check (usage: iommu-check [options] PATH...; see --help)\n'],
    ];
    for (const [argv, err] of cases) {
      const r = run(argv, { cwd: dir });
      expect({ argv, code: r.code, err: r.err, out: r.out }).toEqual({ argv, code: 2, err, out: '' });
    }
  });

  it('prints the version and a help that names every subcommand and option', () => {
    const dir = tmpTree({});
    expect(run(['--version'], { cwd: dir })).toEqual({ code: 0, out: VERSION + '\n', err: '' });
    expect(VERSION).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).version);
    const help = run(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    for (const word of ['translate', 'import-sysfs', 'explain', '--stdio', '--lsp', '--format', '--output', '--max-warnings', '--rule', '--config', '--no-color', '--version', '--help', '.iommu-check.json', 'current directory']) {
      expect(help.out).toContain(word);
    }
  });
});

describe('internal failures', () => {
  it('are one line asking for a report, exit status 2', () => {
    const dir = tmpTree({ 'clean.iommu': CLEAN });
    let err = '';
    const code = main(['clean.iommu'], {
      stdout: () => {
        throw new Error('disk on fire\n    at somewhere (x.ts:1:1)');
      },
      stderr: (s) => void (err += s),
      cwd: dir,
      env: {},
      isTTY: false,
      readStdin: () => Buffer.alloc(0),
    });
    expect(code).toBe(2);
    expect(err).toBe('iommu-check: disk on fire (internal error; please report)\n');
  });
});

describe('files, roots and includes', () => {
  it('walks folders in sorted order, skips node_modules and dot-folders, and checks included files as part of their includer', () => {
    const dir = tmpTree(INCLUDE_TREE);
    const r = run(['--format', 'json', '.'], { cwd: dir });
    const report = JSON.parse(r.out);
    expect(report.files.map((f: { path: string }) => f.path)).toEqual(['lib/devices.iommu', 'main.iommu', 'other.iommu']);
    const lib = report.files[0];
    // Not `unknown-name its0`: lib/devices.iommu is checked through main.iommu, its root.
    expect(lib.diagnostics.map((d: { code: string }) => d.code)).toEqual(['unused-object']);
    expect(report.files[1].diagnostics).toEqual([]);
    expect(report.summary).toEqual({ files: 3, errors: 1, warnings: 1, information: 2 });
    expect(r.code).toBe(1);
  });

  it('lists an included file that was not given, under its path relative to the working directory', () => {
    const dir = tmpTree(INCLUDE_TREE);
    const r = run(['--format', 'json', './main.iommu'], { cwd: dir });
    const report = JSON.parse(r.out);
    expect(report.files.map((f: { path: string }) => f.path)).toEqual(['./main.iommu', 'lib/devices.iommu']);
    expect(report.files[1].diagnostics[0].code).toBe('unused-object');
  });

  it('checks a file given alone as its own root', () => {
    const dir = tmpTree(INCLUDE_TREE);
    const r = run(['--format', 'json', 'lib/devices.iommu'], { cwd: dir });
    const codes = JSON.parse(r.out).files[0].diagnostics.map((d: { code: string }) => d.code);
    expect(codes).toContain('unknown-name');
    expect(r.code).toBe(1);
  });

  it('reports a diagnostic reached through several roots once', () => {
    const dir = tmpTree({
      'a.iommu': 'include "common.iommu"\n',
      'b.iommu': 'include "common.iommu"\n',
      'common.iommu': MIXED,
    });
    const r = run(['--format', 'json', 'a.iommu', 'b.iommu'], { cwd: dir });
    const report = JSON.parse(r.out);
    expect(report.files.map((f: { path: string }) => f.path)).toEqual(['a.iommu', 'b.iommu', 'common.iommu']);
    expect(report.summary).toEqual({ files: 3, errors: 1, warnings: 1, information: 1 });
  });

  it('confines includes to the nearest folder with .iommu-check.json, else the repository, whatever the working directory', () => {
    const outside = tmpTree({ 'lib.iommu': 'iommu smmu0 { model smmuv3 }\n' });
    const dir = tmpTree({ 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/conf/.iommu-check.json': '{}', 'free/x.iommu': '' });
    const rel = (from: string) => path.relative(from, path.join(outside, 'lib.iommu'));
    fs.writeFileSync(path.join(dir, 'repo/main.iommu'), `include "${rel(path.join(dir, 'repo'))}"\ninclude "conf/sub.iommu"\n`);
    fs.writeFileSync(path.join(dir, 'repo/conf/sub.iommu'), `include "../shared.iommu"\n`);
    fs.writeFileSync(path.join(dir, 'repo/shared.iommu'), '');
    fs.writeFileSync(path.join(dir, 'free/main.iommu'), `include "${rel(path.join(dir, 'free'))}"\n`);
    const codes = (cwd: string, arg: string) =>
      JSON.parse(run(['--format', 'json', arg], { cwd }).out).files.map((f: { path: string; diagnostics: { code: string; message: string }[] }) => [
        path.basename(f.path),
        f.diagnostics.map((d) => `${d.code}: ${d.message.replace(dir, '<dir>')}`),
      ]);
    const expected = [
      // the repository (.git) confines main.iommu, the nearer config folder confines sub.iommu
      ['main.iommu', [`include-error: include '${rel(path.join(dir, 'repo'))}' leaves the workspace folder <dir>/repo`]],
      ['sub.iommu', ["include-error: include '../shared.iommu' leaves the workspace folder <dir>/repo/conf"]],
    ];
    expect(codes(path.join(dir, 'repo'), 'main.iommu')).toEqual(expected);
    expect(codes('/', path.join(dir, 'repo/main.iommu'))).toEqual(expected);
    expect(codes(path.join(dir, 'repo/conf'), '../main.iommu')).toEqual(expected);
    // Neither a config file nor a repository above: includes are not confined, from anywhere.
    for (const cwd of [path.join(dir, 'free'), '/']) {
      expect(codes(cwd, path.join(dir, 'free/main.iommu'))).toEqual([
        ['main.iommu', []],
        ['lib.iommu', ["unused-object: iommu 'smmu0' is declared but no device or domain uses it"]],
      ]);
    }
  });

  it('checks files that include each other as one configuration, the cycle reported once, given in any order', () => {
    const dir = tmpTree({
      'a.iommu': 'include "b.iommu"\niommu smmu0 { model smmuv3 }\n',
      'b.iommu': 'include "a.iommu"\nirqchip x { model gicv3-its base 0x2000_0000 }\n',
    });
    const shape = (args: string[]) => {
      const r = JSON.parse(run(['--format', 'json', ...args], { cwd: dir }).out);
      return r.files
        .map((f: { path: string; diagnostics: { code: string; message: string; range: unknown }[] }) => [f.path, f.diagnostics.map((d) => [d.code, d.message, d.range])])
        .sort();
    };
    const all = shape(['.']);
    expect(all).toEqual([
      ['a.iommu', []],
      ['b.iommu', [['include-error', 'include cycle: a.iommu → b.iommu → a.iommu', { start: { line: 0, character: 8 }, end: { line: 0, character: 17 } }]]],
    ]);
    expect(shape(['b.iommu', 'a.iommu'])).toEqual(all);
    expect(shape(['b.iommu'])).toEqual(all);
  });

  it('applies the settings of the file a diagnostic is in, also for a file included from another folder', () => {
    const dir = tmpTree({
      '.iommu-check.json': JSON.stringify({ rules: { 'unused-object': 'warning' } }),
      'main.iommu': 'include "lib/devices.iommu"\nirqchip a { model gicv3-its base 0x1000_0000 }\n',
      'lib/.iommu-check.json': JSON.stringify({ rules: { 'unused-object': 'off' } }),
      'lib/devices.iommu': 'irqchip b { model gicv3-its base 0x2000_0000 }\n',
    });
    const r = JSON.parse(run(['--format', 'json', 'main.iommu'], { cwd: dir }).out);
    expect(r.files.map((f: { path: string; diagnostics: { code: string; severity: string }[] }) => [f.path, f.diagnostics.map((d) => `${d.code}:${d.severity}`)])).toEqual([
      ['main.iommu', ['unused-object:warning']],
      ['lib/devices.iommu', []],
    ]);
  });

  it('refuses a folder without .iommu files', () => {
    const dir = tmpTree({ 'empty/readme.txt': 'x' });
    expect(run(['empty'], { cwd: dir })).toEqual({ code: 2, out: '', err: 'iommu-check: no .iommu files found in empty\n' });
  });
});

describe('rule settings', () => {
  it('--rule changes a severity or turns a check off', () => {
    const dir = tmpTree({ 'mixed.iommu': MIXED });
    const off = JSON.parse(run(['--format', 'json', '--rule', 'map-unaligned=off', 'mixed.iommu'], { cwd: dir }).out);
    expect(off.summary).toEqual({ files: 1, errors: 0, warnings: 1, information: 1 });
    const r = run(['--format', 'json', '--rule', 'map-unaligned=warning', '--rule=unused-object=error', 'mixed.iommu'], { cwd: dir });
    expect(JSON.parse(r.out).summary).toEqual({ files: 1, errors: 1, warnings: 2, information: 0 });
    expect(r.code).toBe(1);
  });

  it('reads the nearest .iommu-check.json upward from each file; --rule overrides it', () => {
    const dir = tmpTree({
      '.iommu-check.json': JSON.stringify({ rules: { 'map-unaligned': 'warning' } }),
      'a/mixed.iommu': MIXED,
      'b/.iommu-check.json': JSON.stringify({ rules: { 'unused-object': 'off' } }),
      'b/mixed.iommu': MIXED,
    });
    const report = JSON.parse(run(['--format', 'json', '.'], { cwd: dir }).out);
    const sev = (i: number) => report.files[i].diagnostics.map((d: { code: string; severity: string }) => `${d.code}:${d.severity}`);
    expect(sev(0)).toEqual(['unused-object:information', 'unused-suppression:warning', 'map-unaligned:warning']);
    // b's config is nearer: only its own settings apply (they do not merge with the parent's).
    expect(sev(1)).toEqual(['unused-suppression:warning', 'map-unaligned:error']);
    const over = JSON.parse(run(['--format', 'json', '--rule', 'map-unaligned=information', '.'], { cwd: dir }).out);
    expect(over.files[1].diagnostics.map((d: { severity: string }) => d.severity)).toEqual(['warning', 'information']);
  });

  it('--config names the settings file for every checked file', () => {
    const dir = tmpTree({ 'mixed.iommu': MIXED, 'ci.json': JSON.stringify({ rules: { 'map-unaligned': 'off', 'unused-suppression': 'off' } }) });
    const r = run(['--config', 'ci.json', 'mixed.iommu'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 errors, 0 warnings, 1 information in 1 file');
  });

  it('rejects a malformed config in one line with exit status 2', () => {
    const cases: [string, string][] = [
      ['{ "rules": ', 'iommu-check: .iommu-check.json: invalid JSON: '],
      ['[]', 'iommu-check: .iommu-check.json: expected an object like { "rules": { "CODE": "off" } }'],
      ['{ "rule": {} }', `iommu-check: .iommu-check.json: unknown key 'rule'; did you mean 'rules'? (only "rules" is allowed)`],
      ['{ "rules": { "map-overlpa": "off" } }', "iommu-check: .iommu-check.json: unknown check code 'map-overlpa'; did you mean 'map-overlap'?"],
      ['{ "rules": { "map-overlap": "warnign" } }', 'iommu-check: .iommu-check.json: rule map-overlap: "warnign" is not one of off, information, warning, error; did you mean \'warning\'?'],
      ['{ "rules": { "nope": "off" } }', "iommu-check: .iommu-check.json: unknown check code 'nope'"],
      ['{ "rules": { "map-overlap": "fatal" } }', 'iommu-check: .iommu-check.json: rule map-overlap: "fatal" is not one of off, information, warning, error'],
    ];
    for (const [text, start] of cases) {
      const dir = tmpTree({ '.iommu-check.json': text, 'clean.iommu': CLEAN });
      const r = run(['clean.iommu'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.startsWith(start)).toBe(true);
      expect(r.err.split('\n')).toHaveLength(2);
    }
    const dir = tmpTree({ 'clean.iommu': CLEAN });
    expect(run(['--config', 'missing.json', 'clean.iommu'], { cwd: dir }).err).toBe('iommu-check: cannot read config missing.json: no such file or directory\n');
  });
});

describe('text format', () => {
  it('prints each diagnostic with a code frame, related locations as secondary frames, and a summary', () => {
    const dir = tmpTree({ 'mixed.iommu': MIXED, 'clean.iommu': CLEAN });
    const r = run(['clean.iommu', 'mixed.iommu'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out).toBe(`mixed.iommu:2:9: information unused-object: irqchip 'spare' is declared but no device sends MSIs to
  it and no map or expect names it
  |
2 | irqchip spare { model gicv3-its base 0x1000_0000 }
  |         ^^^^^

mixed.iommu:6:3: warning unused-suppression: suppression of 'map-overlap' silences nothing: no
  'map-overlap' on the next statement
  |
6 |   // iommu-check: ignore map-overlap
  |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

mixed.iommu:8:3: error map-unaligned: map 0x1000..0x17ff is not aligned to the 4K minimum page of
  'smmu0' (size 0x800): iommu_map rejects it with -EINVAL ("unaligned: iova 0x1000 pa 0x2000 size
  0x800 min_pagesz 0x1000")
  |
8 |   map 0x1000 -> 0x2000 size 0x800
  |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: Widen the map to 4K pages: 0x1000..0x1fff
  --> mixed.iommu:1:7: 'smmu0' supports pages of 4K 2M 1G
  |
1 | iommu smmu0 { model smmuv3 }
  |       -----

1 error, 1 warning, 1 information in 2 files
`);
  });

  it('uses colour only on a terminal, and never with --no-color, NO_COLOR or --output', () => {
    const dir = tmpTree({ 'mixed.iommu': MIXED });
    const tty = run(['mixed.iommu'], { cwd: dir, isTTY: true });
    expect(tty.out).toContain('\x1b[31m');
    expect(tty.out).toContain('\x1b[2m');
    expect(run(['--no-color', 'mixed.iommu'], { cwd: dir, isTTY: true }).out).not.toContain('\x1b[');
    expect(run(['mixed.iommu'], { cwd: dir, isTTY: true, env: { NO_COLOR: '1' } }).out).not.toContain('\x1b[');
    const written = run(['--output', 'report.txt', 'mixed.iommu'], { cwd: dir, isTTY: true });
    expect(written.out).toBe('');
    const text = fs.readFileSync(path.join(dir, 'report.txt'), 'utf8');
    expect(text).not.toContain('\x1b[');
    expect(text).toContain('1 error, 1 warning, 1 information in 1 file');
  });

  it('indents the continuation lines of a multi-line message, wrapped at COLUMNS', () => {
    const dir = tmpTree({
      'e.iommu': `iommu smmu0 { model smmuv3 }
device nic { pci 0000:01:00.0 }
domain vm : paging { attach nic  map 0x4000_0000 -> 0x8_0000_0000 size 1G }
expect nic 0x4000_0000 -> 0x1234_0000
`,
    });
    const r = run(['e.iommu'], { cwd: dir, env: { COLUMNS: '60' } });
    const lines = r.out.split('\n');
    const first = lines.findIndex((l) => l.includes('expect-failed'));
    const frame = lines.findIndex((l) => l === '  |');
    expect(first).toBe(0);
    expect(lines.slice(first + 1, frame)).toEqual([
      '  -> 0x1234_0000, but the actual chain is:',
      '  nic 0x4000_0000',
      "    0x4000_0000 → 0x8_0000_0000 'vm' (paging): map",
      '    (0x4000_0000..0x7fff_ffff → 0x8_0000_0000, rw)',
      '    = PA 0x8_0000_0000: memory',
    ]);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });
});

describe('explain', () => {
  it('explains a code from the registry', () => {
    const r = run(['explain', 'group-not-viable'], { cwd: '/' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('group-not-viable — A group is given to user space while a member is bound to a kernel driver.');
    expect(r.out).toContain('Default severity: error');
    expect(r.out).toContain('Kernel rules: R5–R7, M2, M3');
    expect(r.out).toContain('Bind the sibling to vfio-pci');
    expect(r.out).toContain('--rule group-not-viable=');
  });

  it('lists every code with its severity and title', () => {
    const r = run(['explain'], { cwd: '/' });
    expect(r.code).toBe(0);
    for (const c of CHECKS) expect(r.out).toMatch(new RegExp(`^  ${c.code} +${c.severity} +${c.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('refuses an unknown code with a hint, exit status 2', () => {
    const r = run(['explain', 'group-splt'], { cwd: '/' });
    expect(r).toEqual({ code: 2, out: '', err: "iommu-check: unknown check code 'group-splt'; did you mean 'group-split'? (run 'iommu-check explain' for the list)\n" });
  });
});

describe('translate', () => {
  it('routes to the translate subcommand', () => {
    const dir = tmpTree({ 'clean.iommu': CLEAN });
    const file = path.join(dir, 'clean.iommu');
    const r = run(['translate', file, 'nic', '0x4000_1000'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.out).toContain('0x800001000');
    const bad = run(['translate', file], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/^iommu-check translate: /);
  });
});
