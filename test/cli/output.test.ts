// What the command line prints for people and logs: binary and non-UTF-8 input, control characters
// from the input escaped, --quiet, colour from --color / FORCE_COLOR / NO_COLOR, did-you-mean.

import { describe, expect, it } from 'vitest';
import { displayWidth, escapeControl, groupHex, useColour, wrapText } from '../../server/src/cli/terminal';
import { CLEAN, MIXED, run, tmpTree } from './helpers';

describe('input that is not UTF-8 text', () => {
  it('a binary file is one error and nothing else', () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    const dir = tmpTree({});
    require('node:fs').writeFileSync(`${dir}/blob.iommu`, bytes);
    const r = run(['--format', 'json', 'blob.iommu'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.summary).toEqual({ files: 1, errors: 1, warnings: 0, information: 0 });
    expect(report.files[0].diagnostics.map((d: { code: string; message: string }) => [d.code, d.message])).toEqual([
      ['syntax', 'not a text file (it contains NUL bytes): .iommu files are UTF-8 text; nothing else in this file is checked'],
    ]);
  });

  it('a Latin-1 file is one error at the first byte that is not UTF-8', () => {
    const dir = tmpTree({});
    require('node:fs').writeFileSync(`${dir}/latin1.iommu`, Buffer.from('iommu smmu0 { model smmuv3 }\n// caf\xe9\n', 'latin1'));
    const r = run(['latin1.iommu'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toBe(
      'latin1.iommu:2:7: error syntax: not valid UTF-8 (this byte sequence cannot be decoded): save the',
    );
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('1 error, 0 warnings, 0 information in 1 file');
  });
});

describe('control characters from the input', () => {
  const hostile = 'iommu smmu0 { model smmuv3 }\ndevice nic\x1b]0;pwned\x07 { pci 0000:01:00.0 } // \u202e reversed\n';

  it('are escaped in the text report: message and code frame', () => {
    const dir = tmpTree({ 'h.iommu': hostile });
    const r = run(['h.iommu'], { cwd: dir });
    expect(r.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    expect(r.out).toContain("h.iommu:2:11: error syntax: unexpected characters '\\x1b]'\n");
    expect(r.out).toContain("h.iommu:2:20: error syntax: unexpected character '\\x07'\n");
    expect(r.out).toContain('2 | device nic\\x1b]0;pwned\\x07 { pci 0000:01:00.0 } // \\u{202e} reversed\n  |                       ^^^^\n');
  });

  it('are escaped in GitHub annotations', () => {
    const dir = tmpTree({ 'h.iommu': hostile });
    const r = run(['--format', 'github', 'h.iommu'], { cwd: dir });
    expect(r.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    expect(r.out).toContain(",title=syntax::unexpected character '\\x07'\n");
  });

  it('are escaped in one-line errors on stderr', () => {
    const dir = tmpTree({});
    const r = run(['--frob\x1b[2J'], { cwd: dir });
    expect(r).toEqual({ code: 2, out: '', err: "iommu-check: unknown option '--frob\\x1b[2J' (see --help)\n" });
    expect(run(['missing\x07.iommu'], { cwd: dir }).err).toBe('iommu-check: cannot read missing\\x07.iommu: no such file or directory\n');
  });

  it('escapeControl writes C0, DEL, C1 and bidi controls as escapes; tabs only on request', () => {
    expect(escapeControl('a\x00b\x1bc\x7fd\x9be\u202ef\u2066g\th\ni')).toBe('a\\x00b\\x1bc\\x7fd\\x9be\\u{202e}f\\u{2066}g\\th\ni');
    expect(escapeControl('a\tb\nc', { tabs: false, newlines: true })).toBe('a\tb\\nc');
  });
});

describe('code frames', () => {
  it('put the carets under the characters as a terminal draws them: wide characters take two columns, combining marks none', () => {
    const dir = tmpTree({ 'w.iommu': 'iommu smmu0 { model smmuv3 }\n/* \u7f51\u5361 */ include "\u7f51\u5361-e\u0301.iommu"\n' });
    const r = run(['w.iommu'], { cwd: dir });
    expect(r.out.split('\n').slice(2, 5)).toEqual([
      '  |',
      '2 | /* \u7f51\u5361 */ include "\u7f51\u5361-e\u0301.iommu"',
      '  |                    ^^^^^^^^^^^^^^',
    ]);
  });

  it('displayWidth counts terminal columns', () => {
    expect([displayWidth('abc'), displayWidth('\u7f51\u5361'), displayWidth('e\u0301'), displayWidth('\u{1f600}x'), displayWidth('\u{1d400}')]).toEqual([3, 4, 1, 3, 1]);
  });
});

describe('--quiet', () => {
  it('reports only errors, in every format, and counts only them', () => {
    const dir = tmpTree({ 'mixed.iommu': MIXED });
    const text = run(['--quiet', 'mixed.iommu'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.out.split('\n').filter((l) => /^mixed\.iommu:\d+:\d+: /.test(l))).toEqual([
      'mixed.iommu:8:3: error map-unaligned: map 0x1000..0x17ff is not aligned to the 4K minimum page of',
    ]);
    expect(text.out.trimEnd().split('\n').at(-1)).toBe('1 error, 0 warnings, 0 information in 1 file');
    const json = JSON.parse(run(['-q', '--format', 'json', 'mixed.iommu'], { cwd: dir }).out);
    expect(json.summary).toEqual({ files: 1, errors: 1, warnings: 0, information: 0 });
    expect(json.files[0].diagnostics.map((d: { code: string }) => d.code)).toEqual(['map-unaligned']);
    expect(run(['--quiet', '--max-warnings', '0', '--rule', 'map-unaligned=off', 'mixed.iommu'], { cwd: dir }).code).toBe(0);
  });
});

describe('colour', () => {
  const dir = tmpTree({ 'mixed.iommu': MIXED });
  const coloured = (argv: string[], env: Record<string, string>, isTTY: boolean) => run([...argv, 'mixed.iommu'], { cwd: dir, env, isTTY }).out.includes('\x1b[');

  it('auto: on a terminal only, unless NO_COLOR or FORCE_COLOR say otherwise', () => {
    expect(coloured([], {}, true)).toBe(true);
    expect(coloured([], {}, false)).toBe(false);
    expect(coloured([], { NO_COLOR: '1' }, true)).toBe(false);
    expect(coloured([], { NO_COLOR: '' }, true)).toBe(true);
    expect(coloured([], { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(coloured([], { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(coloured([], { FORCE_COLOR: 'false' }, true)).toBe(false);
    expect(coloured([], { FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true);
  });

  it('--color=always|never|auto and --no-color override the environment', () => {
    expect(coloured(['--color=always'], { NO_COLOR: '1' }, false)).toBe(true);
    expect(coloured(['--color'], {}, false)).toBe(true);
    expect(coloured(['--color=never'], { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(coloured(['--no-color'], { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(coloured(['--color=auto'], {}, true)).toBe(true);
    expect(run(['--color=sometimes', 'mixed.iommu'], { cwd: dir }).err).toBe("iommu-check: --color: 'sometimes' is not one of auto, always, never\n");
  });

  it('useColour in full', () => {
    expect(useColour('auto', {}, true)).toBe(true);
    expect(useColour('auto', { FORCE_COLOR: '3' }, false)).toBe(true);
    expect(useColour('always', {}, false)).toBe(true);
    expect(useColour('never', { FORCE_COLOR: '1' }, true)).toBe(false);
  });

  it('paints severity, path and carets', () => {
    const out = run(['--color=always', 'mixed.iommu'], { cwd: dir }).out;
    expect(out).toContain('\x1b[1m\x1b[31merror\x1b[0m');
    expect(out).toContain('\x1b[1m\x1b[31m^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\x1b[0m');
    expect(out).toContain('\x1b[1mmixed.iommu:8:3:\x1b[0m');
  });
});

describe('did you mean, on the command line', () => {
  const dir = tmpTree({ 'clean.iommu': CLEAN });
  const err = (argv: string[]) => run(argv, { cwd: dir }).err;

  it('for options', () => {
    expect(err(['--quite', 'clean.iommu'])).toBe("iommu-check: unknown option '--quite'; did you mean '--quiet'? (see --help)\n");
    expect(err(['--fromat', 'json', 'clean.iommu'])).toBe("iommu-check: unknown option '--fromat'; did you mean '--format'? (see --help)\n");
  });

  it('for option values', () => {
    expect(err(['--format', 'sarf', 'clean.iommu'])).toBe("iommu-check: --format: 'sarf' is not one of text, json, sarif, github; did you mean 'sarif'?\n");
  });

  it('for subcommands', () => {
    expect(err(['explian', 'map-overlap'])).toBe("iommu-check: 'explian' is neither a file nor a subcommand; did you mean 'explain'?\n");
    expect(err(['tranlsate'])).toBe("iommu-check: 'tranlsate' is neither a file nor a subcommand; did you mean 'translate'?\n");
  });
});

describe('terminal helpers', () => {
  it('groupHex groups hex numbers of five digits or more by four', () => {
    expect(groupHex('0x8000040 and 0x100010050040, not 0x1000 or 0x8_0000')).toBe('0x800_0040 and 0x1000_1005_0040, not 0x1000 or 0x8_0000');
  });

  it('wrapText keeps leading spaces and indents the rest', () => {
    expect(wrapText('  one two three four', 12, '    ')).toEqual(['  one two', '    three', '    four']);
  });
});

describe('did you mean, for check codes', () => {
  const dir = tmpTree({ 'clean.iommu': CLEAN });
  it('in --rule, for the code and the severity', () => {
    expect(run(['--rule', 'map-overlpa=off', 'clean.iommu'], { cwd: dir }).err).toBe(
      "iommu-check: --rule: unknown check code 'map-overlpa'; did you mean 'map-overlap'? (run 'iommu-check explain' for the list)\n",
    );
    expect(run(['--rule', 'map-overlap=of', 'clean.iommu'], { cwd: dir }).err).toBe(
      "iommu-check: --rule map-overlap: 'of' is not one of off, information, warning, error; did you mean 'off'?\n",
    );
  });
  it('in explain', () => {
    expect(run(['explain', 'unmaped-doorbell'], { cwd: dir }).err).toBe(
      "iommu-check: unknown check code 'unmaped-doorbell'; did you mean 'unmapped-doorbell'? (run 'iommu-check explain' for the list)\n",
    );
  });
});
