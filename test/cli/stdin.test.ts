// `-` reads standard input once; --stdin-filename names it for messages, includes and config
// discovery. The built command is also run with a real pipe and with /dev/stdin.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEAN, MIXED, run, tmpTree } from './helpers';

const ROOT = path.join(__dirname, '../..');
const BIN = path.join(ROOT, 'dist/iommu-check.js');

describe('standard input', () => {
  it('is checked as <stdin> in the working directory', () => {
    const dir = tmpTree({});
    const r = run(['--format', 'json', '-'], { cwd: dir, stdin: MIXED });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.files.map((f: { path: string }) => f.path)).toEqual(['<stdin>']);
    expect(report.summary).toEqual({ files: 1, errors: 1, warnings: 1, information: 1 });
  });

  it('--stdin-filename names it in messages and places it for includes and .iommu-check.json', () => {
    const dir = tmpTree({
      'hosts/.iommu-check.json': '{ "rules": { "unused-object": "off" } }',
      'hosts/lib/dev.iommu': 'device nic { pci 0000:01:00.0 driver vfio-pci }\n',
    });
    const text = 'include "lib/dev.iommu"\niommu smmu0 { model smmuv3 }\nirqchip spare { model gicv3-its base 0x1000_0000 }\ndomain vm : paging {\n  attach nic\n  map 0x1000 -> 0x2000 size 0x800\n}\n';
    const r = run(['--stdin-filename', 'hosts/lab.iommu', '-'], { cwd: dir, stdin: text });
    expect(r.code).toBe(1);
    const heads = r.out.split('\n').filter((l) => /^\S+:\d+:\d+: /.test(l));
    expect(heads).toEqual(['hosts/lab.iommu:6:3: error map-unaligned: map 0x1000..0x17ff is not aligned to the 4K minimum page']);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('1 error, 0 warnings, 0 information in 2 files');
  });

  it('is checked together with files given on the command line', () => {
    const dir = tmpTree({ 'clean.iommu': CLEAN });
    const r = run(['--format', 'json', 'clean.iommu', '-'], { cwd: dir, stdin: CLEAN });
    expect(JSON.parse(r.out).files.map((f: { path: string }) => f.path)).toEqual(['clean.iommu', '<stdin>']);
  });

  it('binary input is one error', () => {
    const dir = tmpTree({});
    const r = run(['--format', 'json', '-'], { cwd: dir, stdin: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0xff, 0xfe]) });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).files[0].diagnostics.map((d: { code: string; range: unknown }) => [d.code, d.range])).toEqual([
      ['syntax', { start: { line: 0, character: 7 }, end: { line: 0, character: 8 } }],
    ]);
  });

  it('usage errors: - twice, --stdin-filename without -, unreadable input', () => {
    const dir = tmpTree({});
    expect(run(['-', '-'], { cwd: dir, stdin: CLEAN }).err).toBe("iommu-check: '-' (standard input) can be given once\n");
    expect(run(['--stdin-filename', 'a.iommu', 'x.iommu'], { cwd: dir }).err).toBe(
      "iommu-check: --stdin-filename names standard input, which is read only when '-' is among the paths\n",
    );
    expect(run(['-'], { cwd: dir })).toEqual({ code: 2, out: '', err: 'iommu-check: cannot read standard input: EAGAIN: no input\n' });
  });
});

describe('standard input, through the built command', () => {
  beforeAll(() => {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr || b.stdout}`);
  }, 120_000);

  const piped = (args: string[], input: string, cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, input, encoding: 'utf8' });

  it('- and /dev/stdin read a pipe once: a broken file is reported, not called clean', { timeout: 60_000 }, () => {
    const dir = tmpTree({});
    for (const arg of ['-', '/dev/stdin']) {
      const r = piped(['--format', 'json', arg], MIXED, dir);
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stdout).summary).toEqual({ files: 1, errors: 1, warnings: 1, information: 1 });
    }
  });
});
