// The `iommu-check/addressMap` request and the "Show address map" code lenses over stdio, as
// VS Code's webview and Neovim use them: by name, by cursor position, after an edit, and errors.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { NESTED_NO_RMR } from '../ide/addressMap/fixtures';

const ROOT = path.join(__dirname, '../..');

interface Result {
  subject: { kind: string; name: string } | null;
  svg?: string;
  text?: string;
  error?: string;
  domains: string[];
  devices: string[];
}

let dir: string;
let proc: ChildProcess;
let conn: ProtocolConnection;
let uri: string;

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--quiet'], { cwd: ROOT });
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-map-')));
  fs.writeFileSync(path.join(dir, 'guest.iommu'), NESTED_NO_RMR);
  uri = pathToFileURL(path.join(dir, 'guest.iommu')).href;
  proc = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onRequest('workspace/configuration', () => [{ rules: {} }]);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  const init = (await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} })) as { capabilities: { codeLensProvider?: unknown } };
  expect(init.capabilities.codeLensProvider).toBeDefined();
  await conn.sendNotification('initialized', {});
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version: 1, text: NESTED_NO_RMR } });
});

afterAll(async () => {
  try {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
  } catch {
    /* already gone */
  }
  proc.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

const map = (params: object) => conn.sendRequest('iommu-check/addressMap', { textDocument: { uri }, ...params }) as Promise<Result>;

describe('iommu-check/addressMap', () => {
  it('draws a named domain as SVG and text', async () => {
    const r = await map({ domain: 'guest' });
    expect(r.subject).toEqual({ kind: 'domain', name: 'guest' });
    expect(r.svg!.startsWith('<?xml')).toBe(true);
    expect(r.svg).toContain('MSI of nic at 0x800_0040 [fault]');
    expect(r.text!.split('\n')[0]).toBe('address map of domain guest (backend iommufd, page size 4K)');
    expect(r.domains).toEqual(['s2', 'guest']);
    expect(r.devices).toEqual(['nic']);
  });

  it('picks the domain or device at the cursor, and returns only the format asked', async () => {
    const onDevice = await map({ position: { line: 3, character: 8 }, format: 'text' });
    expect(onDevice.subject).toEqual({ kind: 'device', name: 'nic' });
    expect(onDevice.svg).toBeUndefined();
    expect(onDevice.text).toContain('address map of device nic');
    const inDomain = await map({ position: { line: 11, character: 4 }, format: 'svg' });
    expect(inDomain.subject).toEqual({ kind: 'domain', name: 'guest' });
    expect(inDomain.text).toBeUndefined();
    const outside = await map({ position: { line: 0, character: 0 } });
    expect(outside).toEqual({ subject: null, error: 'the cursor is not on a domain or a device', domains: ['s2', 'guest'], devices: ['nic'] });
  });

  it('follows the text as it is edited', async () => {
    const fixed = NESTED_NO_RMR.replace('attach nic\n', 'attach nic\n  rmr 0x800_0000 size 1M\n');
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const r = await map({ domain: 'guest', format: 'text' });
    expect(r.text).toContain('MSI of nic at 0x800_0040 [reached]');
    expect(r.text).toContain('rmr identity 1M');
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: NESTED_NO_RMR }] });
  });

  it('says why it cannot draw an unknown name', async () => {
    expect((await map({ domain: 'gest' })).error).toBe("no domain named 'gest'; did you mean 'guest'?");
    expect((await map({ device: 's2' })).error).toBe("'s2' is a domain, not a device (use --domain s2)");
    const other = await conn.sendRequest('iommu-check/addressMap', { textDocument: { uri: 'untitled:x' }, domain: 'guest' });
    expect(other).toEqual({ subject: null, error: 'no analysis for this document (is it an .iommu file?)', domains: [], devices: [] });
  });

  it('puts a code lens on every domain and device declaration', async () => {
    const lenses = (await conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }[];
    expect(lenses.map((l) => [l.range.start.line, l.command.title, l.command.command, ...l.command.arguments])).toEqual([
      [3, 'Show address map', 'iommuCheck.showAddressMap', uri, 'device', 'nic'],
      [4, 'Show address map', 'iommuCheck.showAddressMap', uri, 'domain', 's2'],
      [8, 'Show address map', 'iommuCheck.showAddressMap', uri, 'domain', 'guest'],
    ]);
  });
});
