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
