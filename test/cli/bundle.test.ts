// The built command line, spawned as users run it: exit status, one-line errors, no stack traces.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEAN, MIXED, tmpTree } from './helpers';

const ROOT = path.join(__dirname, '../..');
const BIN = path.join(ROOT, 'dist/iommu-check.js');

function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--quiet'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr || b.stdout}`);
}, 120_000);

describe('dist/iommu-check.js', { timeout: 60_000 }, () => {
  it('exits 0, 1 and 2', () => {
    const dir = tmpTree({ 'clean.iommu': CLEAN, 'mixed.iommu': MIXED });
    const clean = cli(['clean.iommu'], dir);
    expect(clean).toEqual({ code: 0, out: '0 errors, 0 warnings, 0 information in 1 file\n', err: '' });
    const mixed = cli(['mixed.iommu'], dir);
    expect(mixed.code).toBe(1);
    expect(mixed.out).toMatch(/^mixed\.iommu:8:3: error map-unaligned: /m);
    expect(mixed.out).not.toContain('\x1b['); // not a terminal
    expect(cli(['--max-warnings', '0', '--rule', 'map-unaligned=off', 'mixed.iommu'], dir).code).toBe(1);
    expect(cli(['--rule', 'map-unaligned=off', 'mixed.iommu'], dir).code).toBe(0);
  });

  it('reports an unreadable path or a bad option in one line on stderr', () => {
    const dir = tmpTree({ 'clean.iommu': CLEAN });
    expect(cli(['missing.iommu'], dir)).toEqual({ code: 2, out: '', err: 'iommu-check: cannot read missing.iommu: no such file or directory\n' });
    expect(cli(['--frobnicate'], dir)).toEqual({ code: 2, out: '', err: "iommu-check: unknown option '--frobnicate' (see --help)\n" });
    fs.writeFileSync(path.join(dir, '.iommu-check.json'), '{ oops');
    const bad = cli(['clean.iommu'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^iommu-check: \.iommu-check\.json: invalid JSON: [^\n]*\n$/);
  });

  it('prints the package version and the help', () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(cli(['--version'], ROOT)).toEqual({ code: 0, out: `${version}\n`, err: '' });
    const help = cli(['--help'], ROOT);
    expect(help.code).toBe(0);
    expect(help.out).toContain('iommu-check explain [CODE]');
    expect(help.out).toContain('import-sysfs SRC');
  });

  it('writes json, sarif and github output', () => {
    const dir = tmpTree({ 'mixed.iommu': MIXED });
    expect(JSON.parse(cli(['--format', 'json', 'mixed.iommu'], dir).out).summary).toEqual({ files: 1, errors: 1, warnings: 1, information: 1 });
    expect(cli(['--format', 'sarif', '--output', 'out.sarif', 'mixed.iommu'], dir).out).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8')).runs[0].results).toHaveLength(3);
    expect(cli(['--format', 'github', 'mixed.iommu'], dir).out).toMatch(/^::error file=mixed\.iommu,line=8,col=3,/m);
  });

  it('explains a check, and refuses an unknown one', () => {
    expect(cli(['explain', 'map-overlap'], ROOT).out).toContain('map-overlap — Two maps of one domain overlap.');
    expect(cli(['explain', 'nope'], ROOT)).toEqual({ code: 2, out: '', err: "iommu-check: unknown check code 'nope' (run 'iommu-check explain' for the list)\n" });
  });

  it('imports a sysfs copy', () => {
    const r = cli(['import-sysfs', 'test/cli/fixtures/sysfs-amd'], ROOT);
    expect(r.code).toBe(0);
    expect(r.out).toContain('model amd-vi');
  });
});
