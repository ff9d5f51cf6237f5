// The real server over stdio: a workspace with two files (one including the other), diagnostics
// for the unopened included file, hover, completion, rename and code actions, clean shutdown.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

const ROOT = path.join(__dirname, '../..');

const BOARD = `include "devices.iommu"
backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x201F_0000 }
domain vm : paging {
  attach nic
  map 0x4000_0000 -> 0x80_0000_0000 size 1G rw
}
`;
const DEVICES = `device nic {
  iommu smmu0
  msi its0
  driver vfio-pci
  pasid 3
}
device disk { iommu smmu0 msi nosuchchip }
`;

let dir: string;
let proc: ChildProcess;
let conn: ProtocolConnection;
const diagnostics = new Map<string, PublishDiagnosticsParams>();
const waiters: (() => void)[] = [];
const statuses: string[] = [];

function until<T>(get: () => T | undefined, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const v = get();
      if (v !== undefined) return resolve(v);
      if (Date.now() - started > ms) return reject(new Error('timed out'));
      waiters.push(tick);
    };
    tick();
    const iv = setInterval(() => waiters.splice(0).forEach((w) => w()), 50);
    setTimeout(() => clearInterval(iv), ms + 100);
  });
}

const uri = (name: string) => pathToFileURL(path.join(dir, name)).href;

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--quiet'], { cwd: ROOT });
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-lsp-')));
  fs.writeFileSync(path.join(dir, 'board.iommu'), BOARD);
  fs.writeFileSync(path.join(dir, 'devices.iommu'), DEVICES);
  proc = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    diagnostics.set(p.uri, p);
    waiters.splice(0).forEach((w) => w());
  });
  conn.onNotification('iommu-check/status', (p: { state: string }) => {
    statuses.push(p.state);
  });
  conn.onRequest('workspace/configuration', () => [{ rules: {} }]);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  const init = await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
    capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
  });
  expect((init as { capabilities: { hoverProvider: boolean } }).capabilities.hoverProvider).toBe(true);
  await conn.sendNotification('initialized', {});
}, 30_000);

afterAll(async () => {
  if (conn) {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
  }
  if (proc && proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
  conn?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('language server over stdio', () => {
  it('publishes diagnostics on start for the unopened included file', async () => {
    const d = await until(() => diagnostics.get(uri('devices.iommu')));
    const unknown = d.diagnostics.find((x) => x.code === 'unknown-name');
    expect(unknown).toBeDefined();
    expect(unknown!.source).toBe('iommu-check');
    expect(unknown!.range.start.line).toBe(6);
    expect(statuses).toContain('checking');
    await until(() => (statuses[statuses.length - 1] === 'idle' ? true : undefined));
  });

  it('re-checks the including configuration on an edit of the included file', async () => {
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('devices.iommu'), languageId: 'iommu', version: 1, text: DEVICES } });
    const fixed = DEVICES.replace('nosuchchip', 'its0');
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri('devices.iommu'), version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const d = await until(() => {
      const p = diagnostics.get(uri('devices.iommu'));
      return p && p.version === 2 ? p : undefined;
    });
    expect(d.diagnostics.filter((x) => x.code === 'unknown-name')).toEqual([]);
  });

  it('hovers a device with its domain and MSI chain', async () => {
    const h = (await conn.sendRequest('textDocument/hover', { textDocument: { uri: uri('devices.iommu') }, position: { line: 0, character: 8 } })) as {
      contents: { value: string };
    };
    expect(h.contents.value).toContain('**device** `nic`');
    expect(h.contents.value).toContain("RID domain: `vm` (paging)");
    expect(h.contents.value).toContain('doorbell of its0');
  });

  it('completes irqchips after msi', async () => {
    const items = (await conn.sendRequest('textDocument/completion', { textDocument: { uri: uri('devices.iommu') }, position: { line: 2, character: 6 } })) as { label: string }[];
    expect(items.map((i) => i.label)).toEqual(['its0']);
  });

  it('renames a device across both files', async () => {
    const r = (await conn.sendRequest('textDocument/rename', { textDocument: { uri: uri('devices.iommu') }, position: { line: 0, character: 8 }, newName: 'eth0' })) as {
      changes: Record<string, { newText: string }[]>;
    };
    expect(Object.keys(r.changes).sort()).toEqual([uri('board.iommu'), uri('devices.iommu')].sort());
    expect(r.changes[uri('board.iommu')]!.map((e) => e.newText)).toEqual(['eth0']);
  });

  it('offers code actions for a diagnostic', async () => {
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri('devices.iommu'), version: 3 },
      contentChanges: [{ text: DEVICES.replace('nosuchchip', 'its1') }],
    });
    await until(() => {
      const p = diagnostics.get(uri('devices.iommu'));
      return p && p.version === 3 ? p : undefined;
    });
    const actions = (await conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uri('devices.iommu') },
      range: { start: { line: 6, character: 31 }, end: { line: 6, character: 31 } },
      context: { diagnostics: [] },
    })) as { title: string }[];
    const titles = actions.map((a) => a.title);
    expect(titles).toContain("Did you mean 'its0'?");
    expect(titles).toContain("Ignore 'unknown-name' on this line");
  });
});

/** A large configuration (groups of two devices, one paging domain per group with `maps` maps). */
function largeConfig(devices: number, maps: number): string {
  const lines = ['backend iommufd', 'allow-unsafe-interrupts', 'iommu smmu0 { model smmuv3 }', 'irqchip its0 { model gicv3-its base 0x0808_0000 }'];
  for (let d = 0; d < devices; d++) lines.push(`device d${d} { iommu smmu0 msi its0 driver vfio-pci }`);
  for (let g = 0; g + 1 < devices; g += 2) {
    lines.push(`group g${g} { d${g} d${g + 1} }`, `domain vm${g} : paging {`, `  attach g${g}`);
    for (let m = 0; m < maps; m++) lines.push(`  map 0x${(0x4000_0000 + m * 0x20_0000).toString(16)} -> 0x${(0x80_0000_0000 + g * 0x1000_0000 + m * 0x20_0000).toString(16)} size 2M rw`);
    lines.push('}');
  }
  return lines.join('\n') + '\n';
}

describe('language server under load', () => {
  const SMALL = 'iommu smmu0 { model smmuv3 }\ndevice nic { iommu smmu0 driver vfio-pci }\n';
  let ldir: string;
  let lproc: ChildProcess;
  let lconn: ProtocolConnection;
  const events: string[] = [];
  const published: PublishDiagnosticsParams[] = [];
  const checking: number[] = [];
  const luri = (name: string) => pathToFileURL(path.join(ldir, name)).href;
  let big = largeConfig(3000, 8);
  let version = 1;

  beforeAll(async () => {
    ldir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-lsp-load-')));
    fs.writeFileSync(path.join(ldir, 'big.iommu'), big);
    fs.writeFileSync(path.join(ldir, 'small.iommu'), SMALL);
    lproc = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    lconn = createProtocolConnection(new StreamMessageReader(lproc.stdout!), new StreamMessageWriter(lproc.stdin!));
    lconn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      published.push(p);
      events.push(`diagnostics ${path.basename(p.uri)} v${p.version ?? '-'}`);
      waiters.splice(0).forEach((w) => w());
    });
    lconn.onNotification('iommu-check/status', (p: { state: string }) => {
      if (p.state === 'checking') checking.push(Date.now());
      events.push(`status ${p.state}`);
      waiters.splice(0).forEach((w) => w());
    });
    lconn.onRequest('client/registerCapability', () => null);
    lconn.listen();
    await lconn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(ldir).href, capabilities: {} });
    await lconn.sendNotification('initialized', {});
    await lconn.sendNotification('textDocument/didOpen', { textDocument: { uri: luri('big.iommu'), languageId: 'iommu', version, text: big } });
    await lconn.sendNotification('textDocument/didOpen', { textDocument: { uri: luri('small.iommu'), languageId: 'iommu', version: 1, text: SMALL } });
    await until(() => published.find((p) => p.uri === luri('big.iommu') && p.version === 1), 60_000);
    await until(() => published.find((p) => p.uri === luri('small.iommu') && p.version === 1), 60_000);
  }, 90_000);

  afterAll(async () => {
    if (lconn) {
      await lconn.sendRequest('shutdown');
      await lconn.sendNotification('exit');
    }
    if (lproc && lproc.exitCode === null) await new Promise((r) => lproc.once('exit', r));
    lconn?.dispose();
    if (ldir) fs.rmSync(ldir, { recursive: true, force: true });
  });

  const edit = (text: string) => {
    big = text;
    version++;
    return lconn.sendNotification('textDocument/didChange', { textDocument: { uri: luri('big.iommu'), version }, contentChanges: [{ text }] });
  };

  it('answers a hover on a small file before the large file re-checked after an edit is published', async () => {
    events.length = 0;
    await edit(big.replace('  attach g0\n', '  attach g0\n  attach nosuch\n'));
    const v = version;
    await until(() => (events.includes('status checking') ? true : undefined));
    const h = (await lconn.sendRequest('textDocument/hover', { textDocument: { uri: luri('small.iommu') }, position: { line: 1, character: 8 } })) as { contents: { value: string } } | null;
    events.push('hover answered');
    expect(h?.contents.value).toContain('nic');
    await until(() => published.find((p) => p.uri === luri('big.iommu') && p.version === v), 60_000);
    const hoverAt = events.indexOf('hover answered');
    const publishedAt = events.indexOf(`diagnostics big.iommu v${v}`);
    expect(hoverAt).toBeGreaterThanOrEqual(0);
    expect(hoverAt).toBeLessThan(publishedAt);
    const d = published.find((p) => p.uri === luri('big.iommu') && p.version === v)!;
    expect(d.diagnostics.some((x) => x.code === 'unknown-name' && x.range.start.line === big.split('\n').indexOf('  attach nosuch'))).toBe(true);
  }, 60_000);

  it('publishes only the final text after 20 edits in one second, without a check per edit', async () => {
    const firstPublished = published.length;
    const checksBefore = checking.length;
    for (let i = 0; i < 20; i++) {
      const line = i === 19 ? '  attach last_one\n' : `  attach n${i}\n`;
      await edit(big.replace(/  attach (nosuch|n\d+|last_one)\n/, line));
      await new Promise((r) => setTimeout(r, 50));
    }
    const last = version;
    const d = await until(() => published.find((p) => p.uri === luri('big.iommu') && p.version === last), 60_000);
    await new Promise((r) => setTimeout(r, 500));
    const unknown = d.diagnostics.filter((x) => x.code === 'unknown-name');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.message).toContain('last_one');
    expect(unknown[0]!.range.start.line).toBe(big.split('\n').indexOf('  attach last_one'));
    // nothing for the large file after the final version, and far fewer checks than edits
    const after = published.slice(firstPublished).filter((p) => p.uri === luri('big.iommu'));
    expect(after[after.length - 1]!.version).toBe(last);
    expect(checking.length - checksBefore).toBeLessThanOrEqual(5);
  }, 60_000);
});
