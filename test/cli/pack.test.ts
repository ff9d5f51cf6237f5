// The published package: `npm pack` builds dist/ (prepack) and the tarball, installed globally
// into an empty prefix with no network and no repository files, gives a working `iommu-check`.
// It is packed from a copy of the sources without dist/ (so prepack must build it, and the other
// tests' dist/ is left alone).

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '../..');
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let tmp = '';
let bin = '';
let packed: string[] = [];

/** An environment that knows nothing of the repository: a PATH with node, and a temporary home. */
function env(): NodeJS.ProcessEnv {
  return { PATH: `${path.dirname(bin)}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: tmp, npm_config_cache: path.join(tmp, 'npm-cache') };
}

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-check-pack-')));
  const src = path.join(tmp, 'src');
  const topLevelSkip = new Set(['.git', 'test', 'test-results']);
  const anywhereSkip = new Set(['node_modules', 'dist']);
  const copied = (from: string) =>
    !anywhereSkip.has(path.basename(from)) && !(path.dirname(from) === ROOT && topLevelSkip.has(path.basename(from)));
  fs.cpSync(ROOT, src, { recursive: true, filter: copied });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'), 'dir');
  const pack = spawnSync(NPM, ['pack', '--json', '--pack-destination', tmp], { cwd: src, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  packed = info[0]!.files.map((f) => f.path).sort();
  const prefix = path.join(tmp, 'prefix');
  const tarball = path.join(tmp, info[0]!.filename);
  const install = spawnSync(NPM, ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], {
    cwd: tmp,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: tmp, npm_config_cache: path.join(tmp, 'npm-cache') },
  });
  if (install.status !== 0) throw new Error(`npm install -g failed: ${install.stderr}`);
  bin = path.join(prefix, 'bin', 'iommu-check');
}, 180_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function cli(args: string[], cwd: string) {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', env: env() });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm pack, then npm install -g into an empty prefix', { timeout: 60_000 }, () => {
  it('packs the bundle, the docs, README and LICENSE, and nothing else', () => {
    expect(packed).toEqual([
      'LICENSE',
      'README.md',
      'dist/iommu-check.js',
      'docs/address-map.md',
      'docs/checks.md',
      'docs/cli.md',
      'docs/editor.md',
      'docs/explain-fault.md',
      'docs/firmware.md',
      'docs/language.md',
      'docs/neovim.lua',
      'docs/vm.md',
      'package.json',
    ]);
  });

  it('installs no dependencies: the bundle is self-contained', () => {
    const installed = path.join(tmp, 'prefix', 'lib', 'node_modules', 'iommu-check');
    expect(fs.existsSync(path.join(installed, 'node_modules'))).toBe(false);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.engines).toEqual({ node: '>=20' });
    expect(manifest.bin).toEqual({ 'iommu-check': 'dist/iommu-check.js' });
  });

  it('prints its version', () => {
    expect(cli(['--version'], tmp)).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
  });

  it('checks a file outside any repository', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'configs-'));
    fs.writeFileSync(
      path.join(dir, 'host.iommu'),
      'iommu smmu0 { model smmuv3 }\ndevice nic { pci 0000:01:00.0 driver vfio-pci }\ndomain vm : paging {\n  attach nic\n  map 0x1000 -> 0x2000 size 0x800\n}\n',
    );
    const r = cli(['--format', 'github', 'host.iommu'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^::error file=host\.iommu,line=5,col=3,endLine=5,endColumn=\d+,title=map-unaligned::/);
    expect(r.err).toBe('');
  });

  it('explains a check', () => {
    const r = cli(['explain', 'map-overlap'], tmp);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('map-overlap — Two maps of one domain overlap.');
  });

  it('serves the language server over --stdio', async () => {
    const child = spawn(bin, ['--stdio'], { cwd: tmp, env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const reply = await new Promise<string>((resolve, reject) => {
      let got = '';
      const timer = setTimeout(() => reject(new Error(`no initialize reply; got ${JSON.stringify(got)}`)), 20_000);
      child.stdout.on('data', (b: Buffer) => {
        got += b.toString('utf8');
        const m = /Content-Length: (\d+)\r\n\r\n/.exec(got);
        if (m && Buffer.byteLength(got.slice(m.index + m[0].length)) >= Number(m[1])) {
          clearTimeout(timer);
          resolve(got.slice(m.index + m[0].length));
        }
      });
    });
    child.kill();
    const msg = JSON.parse(reply);
    expect(msg.id).toBe(1);
    expect(msg.result.serverInfo).toEqual({ name: 'iommu-check', version: VERSION });
    expect(msg.result.capabilities.hoverProvider).toBe(true);
  });
});

describe("the README's CI examples, run with the installed command", { timeout: 60_000 }, () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const yaml = readme.slice(readme.indexOf('```yaml'), readme.indexOf('```', readme.indexOf('```yaml') + 7));
  const commands = [...yaml.matchAll(/^- run: (iommu-check .*)$/gm)].map((m) => m[1]!);

  it('there are two: github annotations and SARIF', () => {
    expect(commands).toEqual(['iommu-check --format github configs/', 'iommu-check --format sarif --output iommu.sarif configs/ || true']);
  });

  it('they run as written in a folder with configs/', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'ci-'));
    fs.mkdirSync(path.join(dir, 'configs'));
    fs.writeFileSync(path.join(dir, 'configs', 'vm.iommu'), 'iommu smmu0 { model smmuv3 }\ndevice nic { pci 0000:01:00.0 driver vfio-pci }\ndomain vm : paging {\n  attach nic\n  map 0x1000 -> 0x2000 size 0x800\n}\n');
    const shell = (cmd: string) => spawnSync('/bin/sh', ['-c', cmd], { cwd: dir, encoding: 'utf8', env: env() });
    const github = shell(commands[0]!);
    expect(github.status).toBe(1);
    expect(github.stdout).toMatch(/^::error file=configs\/vm\.iommu,line=5,col=3,/);
    const sarif = shell(commands[1]!);
    expect(sarif.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'iommu.sarif'), 'utf8')).runs[0].results[0].ruleId).toBe('map-unaligned');
  });
});
