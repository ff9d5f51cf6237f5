// Hostile inputs through the command line (in process, real files): each is answered with a
// bounded number of diagnostics or one line saying what is wrong, never a hang, a crash or a
// flood. Devices, FIFOs and symlink loops are refused before they are read.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SYNTAX_ERRORS } from '../grammar/src/index';
import { MAX_TEXT_CHARS } from '../server/src/model/sourceText';
import { MAX_DIAGNOSTICS_PER_CODE } from '../server/src/project/index';
import { CLEAN, run, tmpTree } from './cli/helpers';
import { analyzeText } from './properties/invariants';

interface JsonDiag {
  code: string;
  message: string;
  range: { start: { line: number; character: number } };
}
interface Json {
  files: { path: string; diagnostics: JsonDiag[] }[];
}

/** `iommu-check --format json FILE` in `dir`: the exit code and the diagnostics of each file. */
function checkJson(dir: string, file = 'main.iommu'): { code: number; files: Record<string, JsonDiag[]>; err: string } {
  const r = run(['--format', 'json', file], { cwd: dir });
  const files: Record<string, JsonDiag[]> = {};
  if (r.out) for (const f of (JSON.parse(r.out) as Json).files) files[f.path] = f.diagnostics;
  return { code: r.code, files, err: r.err };
}

const codes = (ds: JsonDiag[]) => ds.map((d) => d.code);

function tree(files: Record<string, string | Buffer>): string {
  const text = Object.fromEntries(Object.entries(files).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const dir = tmpTree(text);
  for (const [rel, v] of Object.entries(files)) if (typeof v !== 'string') fs.writeFileSync(path.join(dir, rel), v);
  return dir;
}

describe('hostile inputs', () => {
  it('an empty file: no diagnostics, exit 0', () => {
    const r = checkJson(tree({ 'main.iommu': '' }));
    expect(r).toEqual({ code: 0, files: { 'main.iommu': [] }, err: '' });
  });

  it('binary data: one diagnostic', () => {
    const bytes = Buffer.alloc(64 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const r = checkJson(tree({ 'main.iommu': bytes }));
    expect(r.code).toBe(1);
    expect(r.files['main.iommu']!.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'syntax: not a text file (it contains NUL bytes): .iommu files are UTF-8 text; nothing else in this file is checked',
    ]);
  });

  it('invalid UTF-8: one diagnostic at the first bad byte', () => {
    const r = checkJson(tree({ 'main.iommu': Buffer.concat([Buffer.from(CLEAN), Buffer.from([0x23, 0x20, 0xc3, 0x28, 0x0a])]) }));
    expect(r.code).toBe(1);
    const ds = r.files['main.iommu']!;
    expect(ds.map((d) => d.code)).toEqual(['syntax']);
    expect(ds[0]!.message).toMatch(/^not valid UTF-8/);
    expect(ds[0]!.range.start).toEqual({ line: CLEAN.split('\n').length - 1, character: 2 });
  });

  it('UTF-16 with a byte-order mark (little and big endian) is read as the text it is', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CLEAN, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    expect(checkJson(tree({ 'main.iommu': le }))).toEqual({ code: 0, files: { 'main.iommu': [] }, err: '' });
    expect(checkJson(tree({ 'main.iommu': be }))).toEqual({ code: 0, files: { 'main.iommu': [] }, err: '' });
  });

  it('a file over 64 MB is refused before it is read, as the file checked and as an include', () => {
    const dir = tree({ 'main.iommu': 'include "big.iommu"\n' });
    const fd = fs.openSync(path.join(dir, 'big.iommu'), 'w');
    fs.ftruncateSync(fd, 100 * 1024 * 1024); // sparse: no 100 MB written to the disk
    fs.closeSync(fd);
    const direct = run(['big.iommu'], { cwd: dir });
    expect(direct.code).toBe(2);
    expect(direct.err).toBe('iommu-check: cannot read big.iommu: it is 100.0 MB; a configuration file may be at most 64 MB\n');
    const viaInclude = checkJson(dir);
    expect(viaInclude.files['main.iommu']!.map((d) => d.message)).toEqual([`cannot read included file 'big.iommu' (${path.join(dir, 'big.iommu')}): it is 100.0 MB; a configuration file may be at most 64 MB`]);
  });

  it('a 50 MB file is read: zeros are one error saying it is not text', () => {
    const dir = tree({});
    const fd = fs.openSync(path.join(dir, 'zeros.iommu'), 'w');
    fs.ftruncateSync(fd, 50 * 1024 * 1024); // sparse
    fs.closeSync(fd);
    const r = checkJson(dir, 'zeros.iommu');
    expect(r.code).toBe(1);
    expect(r.files['zeros.iommu']!.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'syntax: not a text file (it contains NUL bytes): .iommu files are UTF-8 text; nothing else in this file is checked',
    ]);
  });

  it('a text too large for a configuration (an editor buffer): one diagnostic, nothing parsed', () => {
    const a = analyzeText('#'.repeat(MAX_TEXT_CHARS + 1));
    expect(a.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([`syntax: too large for a configuration (${MAX_TEXT_CHARS + 1} characters; at most ${MAX_TEXT_CHARS}): nothing in this file is checked`]);
  });

  it('one 10 MB line: checked, and the text report quotes a window of it', () => {
    const line = `device nic { pci 0000:01:00.0 msi nowhere } // ${'x'.repeat(10 * 1024 * 1024)}\n`;
    const dir = tree({ 'main.iommu': CLEAN.replace(/device nic \{[^\n]*\n/, line) });
    const r = checkJson(dir);
    expect(codes(r.files['main.iommu']!)).toEqual(['unknown-name']);
    const text = run(['main.iommu'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.out.length).toBeLessThan(4000);
  });

  it('100 000 nested comments and braces: at most MAX_SYNTAX_ERRORS errors, then a count', () => {
    for (const body of ['/*'.repeat(100_000), '{'.repeat(100_000), 'device d {'.repeat(100_000), '/* /* */ */'.repeat(100_000)]) {
      const ds = checkJson(tree({ 'main.iommu': body })).files['main.iommu']!;
      expect(ds.length).toBeLessThanOrEqual(MAX_SYNTAX_ERRORS + 1);
      expect(ds.length).toBeGreaterThan(0);
      if (ds.length === MAX_SYNTAX_ERRORS + 1) expect(ds[MAX_SYNTAX_ERRORS]!.message).toMatch(/^\d+ more syntax errors from here on are not reported \(the first 100 are\)$/);
    }
  });

  it('numbers with 10 000 digits: one bad-number each', () => {
    const digits = '9'.repeat(10_000);
    const r = checkJson(tree({ 'main.iommu': `page-size ${digits}\niommu smmu0 { model smmuv3 ias 0x${'f'.repeat(10_000)} }\n` }));
    expect(codes(r.files['main.iommu']!)).toEqual(['bad-number', 'bad-number']);
  });

  it('1 000 syntax errors in one file: the first 100 and a count of the rest', () => {
    const r = checkJson(tree({ 'main.iommu': 'device @ { }\n'.repeat(1000) }));
    const ds = r.files['main.iommu']!;
    expect(ds.length).toBe(MAX_SYNTAX_ERRORS + 1);
    expect(ds.every((d) => d.code === 'syntax')).toBe(true);
    expect(ds[MAX_SYNTAX_ERRORS]!.message).toMatch(/^\d+ more syntax errors from here on are not reported \(the first 100 are\)$/);
    expect(ds[MAX_SYNTAX_ERRORS]!.range.start.line).toBe(ds[MAX_SYNTAX_ERRORS - 1]!.range.start.line + 1); // two errors a line
  });

  it('1 000 errors of the checks in one file: the first 100 of each code and a count of the rest', () => {
    const lines = ['iommu smmu0 { model smmuv3 }'];
    for (let i = 0; i < 1000; i++) lines.push(`device d${i} { pci 0000:${(i >> 5).toString(16).padStart(2, '0')}:${(i & 31).toString(16).padStart(2, '0')}.0 msi nowhere }`);
    for (let i = 0; i < 150; i++) lines.push(`domain vm${i} : paging { attach d${i} map 0x1000 -> 0x2000 size 0x800 }`);
    const r = checkJson(tree({ 'main.iommu': lines.join('\n') + '\n' }));
    expect(r.code).toBe(1);
    const ds = r.files['main.iommu']!;
    const count = (code: string) => ds.filter((d) => d.code === code).length;
    expect([count('unknown-name'), count('map-unaligned')]).toEqual([MAX_DIAGNOSTICS_PER_CODE + 1, MAX_DIAGNOSTICS_PER_CODE + 1]);
    expect(ds.length).toBe(2 * (MAX_DIAGNOSTICS_PER_CODE + 1));
    const summaries = ds.filter((d) => / more /.test(d.message)).map((d) => [d.code, d.range.start.line, d.message]);
    expect(summaries).toEqual([
      ['unknown-name', 101, '900 more unknown-name diagnostics from here on are not reported (the first 100 are)'],
      ['map-unaligned', 1101, '50 more map-unaligned diagnostics from here on are not reported (the first 100 are)'],
    ]);
    // the first 100 are the first by position
    expect(ds.filter((d) => d.code === 'unknown-name').slice(0, 100).map((d) => d.range.start.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // totals count every one: the summary line, and --max-warnings over a flood of warnings
    const dir = tree({ 'main.iommu': lines.join('\n') + '\n' });
    expect(run(['main.iommu'], { cwd: dir }).out.trimEnd().split('\n').pop()).toBe('1150 errors, 0 warnings, 0 information in 1 file');
    const warn = ['--rule', 'unknown-name=warning', '--rule', 'map-unaligned=off', '--rule', 'unused-object=off', '--format', 'json', 'main.iommu'];
    expect(run(['--max-warnings', '999', ...warn], { cwd: dir }).code).toBe(1);
    expect(run(['--max-warnings', '1000', ...warn], { cwd: dir }).code).toBe(0);
  });

  it('include cycles, of a file with itself and through another', () => {
    const dir = tree({ 'main.iommu': 'include "a.iommu"\ninclude "main.iommu"\n', 'a.iommu': 'include "main.iommu"\n' });
    const r = checkJson(dir);
    expect(Object.entries(r.files).map(([f, ds]) => [f, ds.map((d) => d.message)])).toEqual([
      ['main.iommu', ['include cycle: a.iommu → main.iommu → a.iommu', 'include cycle: main.iommu → main.iommu']],
      ['a.iommu', []],
    ]);
  });

  it('an include of a directory, of /dev/zero, of a FIFO, of a symlink loop: refused without reading', () => {
    const dir = tree({ 'main.iommu': 'include "sub"\ninclude "zero.iommu"\ninclude "pipe.iommu"\ninclude "loop.iommu"\n', 'sub/x.iommu': '' });
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.iommu'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.iommu')]);
    fs.symlinkSync('loop.iommu', path.join(dir, 'loop.iommu'));
    const r = checkJson(dir);
    expect(r.files['main.iommu']!.map((d) => d.message.replace(`${dir}/`, ''))).toEqual([
      "cannot read included file 'sub' (sub): a directory, not a file",
      "cannot read included file 'zero.iommu' (zero.iommu): a character device, not a file",
      "cannot read included file 'pipe.iommu' (pipe.iommu): a FIFO, not a file",
      "cannot read included file 'loop.iommu' (loop.iommu): too many levels of symbolic links",
    ]);
    // and on the command line
    expect(run(['pipe.iommu'], { cwd: dir }).err).toBe('iommu-check: cannot read pipe.iommu: a FIFO, not a file\n');
    expect(run(['zero.iommu'], { cwd: dir }).err).toBe('iommu-check: cannot read zero.iommu: a character device, not a file\n');
  });

  it('an include of a path outside the workspace', () => {
    const dir = tree({ 'ws/.git/HEAD': 'ref: refs/heads/main\n', 'ws/main.iommu': 'include "../outside.iommu"\ninclude "/etc/passwd"\n', 'outside.iommu': '' });
    const r = checkJson(path.join(dir, 'ws'));
    expect(r.files['main.iommu']!.map((d) => d.message)).toEqual([
      `include '../outside.iommu' leaves the workspace folder ${path.join(dir, 'ws')}`,
      `include '/etc/passwd' leaves the workspace folder ${path.join(dir, 'ws')}`,
    ]);
  });

  it('terminal control characters in names and strings never reach the terminal raw', () => {
    const evil = 'device n\u001b[2Jx { pci 01:00.0 }\ninclude "\u001b]0;owned\u0007\u009b31m\u202e.iommu"\ndomain d : paging { attach \u001b[31m }\n';
    const dir = tree({ 'main.iommu': evil });
    for (const format of ['text', 'github']) {
      const r = run(['--format', format, '--color=never', 'main.iommu'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.out + r.err).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
      expect(r.out).toMatch(/\\x1b/);
    }
  });
});
