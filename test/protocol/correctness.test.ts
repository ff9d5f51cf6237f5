// Language-server behaviour over stdio that editors rely on: documents closed unsaved, included
// files, failures of the checker and of its thread, positions past a line's end, untitled
// documents, workspace symbols from start-up, and files or settings changed on disk.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { absoluteTokens } from '../helpers/semanticTokens';
import { Server, workspace } from './lsp';

const MAIN = `include "lib/devices.iommu"
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
domain vm : paging {
  attach nic
  map 0x4000_0000 -> 0x8_0000_0000 size 1G
}
`;
// On its own this file names an undeclared irqchip; within main.iommu it does not.
const DEVICES = `device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
`;

const servers: Server[] = [];
async function serve(files: Record<string, string>, env: Record<string, string> = {}): Promise<Server> {
  const s = new Server(workspace(files), env);
  servers.push(s);
  await s.start();
  await s.settle();
  return s;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

const codes = (s: Server, rel: string) => s.diagnostics.get(s.uri(rel))?.diagnostics.map((d) => `${d.range.start.line}:${d.code}`);

describe('documents', () => {
  it('closing an unsaved document goes back to the text on disk', async () => {
    const s = await serve({ 'main.iommu': MAIN, 'lib/devices.iommu': DEVICES });
    expect(codes(s, 'main.iommu')).toEqual([]);
    await s.open('main.iommu', MAIN);
    await s.change('main.iommu', MAIN.replace('attach nic', 'attach nosuch'), 2);
    await s.until(() => s.diagnostics.get(s.uri('main.iommu'))?.version === 2);
    expect(codes(s, 'main.iommu')).toEqual(['4:unknown-name']);
    const before = s.published.length;
    await s.conn.sendNotification('textDocument/didClose', { textDocument: { uri: s.uri('main.iommu') } });
    const back = await s.until(() => s.published.slice(before).find((p) => p.uri === s.uri('main.iommu')));
    expect(back.diagnostics).toEqual([]);
    expect(back.version).toBeUndefined();
  }, 60_000);

  it('an included file is analysed within its root, never alone, also when opened', async () => {
    const s = await serve({ 'main.iommu': MAIN, 'lib/devices.iommu': DEVICES });
    expect(codes(s, 'lib/devices.iommu')).toEqual([]);
    await s.open('lib/devices.iommu', DEVICES);
    await s.change('lib/devices.iommu', DEVICES + '\n', 2);
    await s.until(() => s.diagnostics.get(s.uri('lib/devices.iommu'))?.version === 2);
    expect(codes(s, 'lib/devices.iommu')).toEqual([]);
    const def = (await s.conn.sendRequest('textDocument/definition', { textDocument: { uri: s.uri('lib/devices.iommu') }, position: { line: 0, character: 35 } })) as {
      uri: string;
      range: { start: { line: number } };
    };
    expect([def.uri, def.range.start.line]).toEqual([s.uri('main.iommu'), 2]);
  }, 60_000);

  it('checks an untitled document on its own', async () => {
    const s = await serve({ '.iommu-check.json': JSON.stringify({ rules: { 'unknown-name': 'off' } }), 'main.iommu': MAIN, 'lib/devices.iommu': DEVICES });
    const uri = 'untitled:Untitled-1';
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version: 1, text: DEVICES } });
    const p = await s.until(() => s.diagnostics.get(uri));
    // the workspace's .iommu-check.json does not apply to it
    expect(p.diagnostics.map((d) => `${d.range.start.line}:${d.code}`)).toEqual(['0:missing-property', '0:unknown-name']);
    const h = (await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 8 } })) as { contents: { value: string } } | null;
    expect(h?.contents.value).toContain('**device** `nic`');
  }, 60_000);

  it('maps a position past the end of a line to that line end', async () => {
    const text = 'iommu smmu0 { model smmuv3 }\nirqchip its0 { model gicv3-its base 0x0808_0000 }\ndevice nic {\n  msi\n}\n';
    const s = await serve({ 'a.iommu': text });
    await s.open('a.iommu', text);
    const at = async (character: number) =>
      ((await s.conn.sendRequest('textDocument/completion', { textDocument: { uri: s.uri('a.iommu') }, position: { line: 3, character } })) as { label: string; textEdit: unknown }[]).map((i) => [i.label, i.textEdit]);
    expect(await at(99)).toEqual(await at(5));
  }, 60_000);
});

describe('semantic tokens', () => {
  it('for a range are those of the whole file that overlap it, also after an edit', async () => {
    const s = await serve({ 'main.iommu': MAIN, 'lib/devices.iommu': DEVICES });
    await s.open('main.iommu', MAIN);
    const doc = { uri: s.uri('main.iommu') };
    const full = absoluteTokens(((await s.conn.sendRequest('textDocument/semanticTokens/full', { textDocument: doc })) as { data: number[] }).data);
    expect(full.length).toBeGreaterThan(20);
    const range = { start: { line: 2, character: 10 }, end: { line: 4, character: 5 } };
    const part = absoluteTokens(((await s.conn.sendRequest('textDocument/semanticTokens/range', { textDocument: doc, range })) as { data: number[] }).data);
    const lines = MAIN.split('\n');
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    const [from, to] = [offset(range.start), offset(range.end)];
    expect(part).toEqual(full.filter(([line, char, length]) => offset({ line: line!, character: char! }) < to && offset({ line: line!, character: char! }) + length! > from));
    expect(part.length).toBeGreaterThan(3);
    // an edit the analysis has not seen yet: positions follow the text now
    const edited = MAIN.replace('domain vm', '\n\ndomain vm');
    await s.conn.sendNotification('textDocument/didChange', { textDocument: { ...doc, version: 2 }, contentChanges: [{ text: edited }] });
    const moved = absoluteTokens(((await s.conn.sendRequest('textDocument/semanticTokens/range', { textDocument: doc, range: { start: { line: 5, character: 0 }, end: { line: 6, character: 0 } } })) as { data: number[] }).data);
    expect(moved.map(([line, char, length]) => edited.split('\n')[line!]!.slice(char!, char! + length!))).toEqual(['domain', 'vm', 'paging']);
  }, 60_000);
});

describe('workspace', () => {
  it('answers workspace/symbol from start-up, with no document opened', async () => {
    const s = await serve({ 'main.iommu': MAIN, 'lib/devices.iommu': DEVICES });
    const found = (await s.conn.sendRequest('workspace/symbol', { query: 'nic' })) as { name: string; location: { uri: string; range: { start: { line: number } } } }[];
    expect(found.map((x) => [x.name, x.location.uri, x.location.range.start.line])).toEqual([['nic', s.uri('lib/devices.iommu'), 0]]);
  }, 60_000);

  it('re-checks the configurations of a file changed on disk', async () => {
    const s = await serve({ 'main.iommu': MAIN, 'lib/devices.iommu': DEVICES });
    fs.writeFileSync(path.join(s.dir, 'lib/devices.iommu'), DEVICES.replace('its0', 'its9'));
    await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: s.uri('lib/devices.iommu'), type: 2 }] });
    await s.until(() => codes(s, 'lib/devices.iommu')?.length);
    expect(codes(s, 'lib/devices.iommu')).toEqual(['0:unknown-name']);
    // a new file is checked; a deleted one is cleared
    fs.writeFileSync(path.join(s.dir, 'new.iommu'), 'device x { iommu nosuch }\n');
    await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: s.uri('new.iommu'), type: 1 }] });
    await s.until(() => codes(s, 'new.iommu')?.length);
    expect(codes(s, 'new.iommu')).toEqual(['0:unknown-name']);
    fs.rmSync(path.join(s.dir, 'new.iommu'));
    await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: s.uri('new.iommu'), type: 3 }] });
    await s.until(() => codes(s, 'new.iommu')?.length === 0);
  }, 60_000);

  it('applies an edited .iommu-check.json, and shows a broken one on the config file', async () => {
    const s = await serve({ 'main.iommu': MAIN, 'lib/devices.iommu': 'irqchip spare { model gicv3-its base 0x1000_0000 }\n' + DEVICES });
    expect(codes(s, 'lib/devices.iommu')).toEqual(['0:unused-object']);
    const config = path.join(s.dir, 'lib/.iommu-check.json');
    fs.writeFileSync(config, JSON.stringify({ rules: { 'unused-object': 'off' } }));
    await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: s.uri('lib/.iommu-check.json'), type: 1 }] });
    await s.until(() => codes(s, 'lib/devices.iommu')?.length === 0);
    fs.writeFileSync(config, '{ "rules": { "unused-objekt": "off" } }');
    await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: s.uri('lib/.iommu-check.json'), type: 2 }] });
    const bad = await s.until(() => s.diagnostics.get(s.uri('lib/.iommu-check.json'))?.diagnostics[0]);
    expect([bad.code, bad.message, bad.range]).toEqual([
      'invalid-config',
      "unknown check code 'unused-objekt'; did you mean 'unused-object'? (run 'iommu-check explain' for the list)",
      { start: { line: 0, character: 13 }, end: { line: 0, character: 28 } },
    ]);
    // the broken file's settings are not used: the check is back on
    expect(codes(s, 'lib/devices.iommu')).toEqual(['0:unused-object']);
  }, 60_000);
});

describe('failures', () => {
  it('reports an exception of the checker once, does not re-check it forever, and keeps serving', async () => {
    const s = await serve({ 'main.iommu': MAIN, 'lib/devices.iommu': DEVICES }, { IOMMU_CHECK_FAULTS: 'model' });
    await s.open('main.iommu', MAIN);
    await s.settle();
    await new Promise((r) => setTimeout(r, 1500)); // several debounce periods: nothing is re-queued
    expect(s.logs.filter((l) => l.includes('injected fault at model'))).toHaveLength(1);
    expect(s.diagnostics.get(s.uri('main.iommu'))!.diagnostics.map((d) => [d.range.start.line, d.code, String(d.message).split(':')[0]])).toEqual([
      [0, 'internal-error', 'iommu-check failed on this configuration (please report)'],
    ]);
    const symbols = await s.conn.sendRequest('workspace/symbol', { query: '' });
    expect(symbols).toEqual([]);
  }, 60_000);

  for (const how of ['exit', 'error']) {
    it(`restarts the analysis thread when it dies (${how}) and checks the workspace again`, async () => {
      // the thread dies on its second check: the one after the edit below
      const s = await serve({ 'main.iommu': MAIN, 'lib/devices.iommu': DEVICES, 'bad.iommu': 'device x { iommu nosuch }\n' }, { IOMMU_CHECK_FAULTS: `worker-${how}:2` });
      const before = s.published.length;
      await s.open('main.iommu', MAIN);
      await s.change('main.iommu', MAIN.replace('attach nic', 'attach nosuch'), 2);
      await s.until(() => s.logs.find((l) => l.includes('analysis thread exited')));
      // everything is published again by the new thread, the open document at its version
      await s.until(() => s.published.slice(before).find((p) => p.uri === s.uri('bad.iommu')));
      const main = await s.until(() => s.published.slice(before).find((p) => p.uri === s.uri('main.iommu')));
      expect([main.version, main.diagnostics.map((d) => d.code)]).toEqual([2, ['unknown-name']]);
      const h = (await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: s.uri('lib/devices.iommu') }, position: { line: 0, character: 8 } })) as { contents: { value: string } };
      expect(h.contents.value).toContain('**device** `nic`');
      if (how === 'error') expect(s.logs.some((l) => l.includes('injected fault at worker-error:2'))).toBe(true);
    }, 60_000);
  }

  it('answers a request whose handler throws with an error, logged once, and keeps serving', async () => {
    const s = await serve({ 'main.iommu': MAIN, 'lib/devices.iommu': DEVICES }, { IOMMU_CHECK_FAULTS: 'request:textDocument/hover' });
    const ask = () => s.conn.sendRequest('textDocument/hover', { textDocument: { uri: s.uri('lib/devices.iommu') }, position: { line: 0, character: 8 } });
    await expect(ask()).rejects.toThrow('injected fault at request:textDocument/hover');
    await expect(ask()).rejects.toThrow('injected fault at request:textDocument/hover');
    expect(s.logs.filter((l) => l.includes('textDocument/hover failed'))).toHaveLength(1);
    const def = (await s.conn.sendRequest('textDocument/definition', { textDocument: { uri: s.uri('lib/devices.iommu') }, position: { line: 0, character: 35 } })) as { uri: string };
    expect(def.uri).toBe(s.uri('main.iommu'));
  }, 60_000);
});
