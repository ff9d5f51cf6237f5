// A kernel log opened beside a configuration, over stdio as an editor does it: its IOMMU fault
// lines get the explanations of `explain-fault` as diagnostics, with related information into the
// configuration; they follow edits of the configuration; the log gets no other feature, and is
// never checked as a configuration.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { startSession, type Session } from './lspSession';

const CONFIG = `backend vfio-type1
iommu dmar0 { model vtd ias 39 }
device nic { pci 0000:01:00.0 iommu dmar0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x0 -> 0x1_0000_0000 size 2G
  map 0x8000_0000 -> 0x2_0000_0000 size 1M r
}
`;

const LOG = `[    0.000000] Linux version 6.8.0 (fixture)
[  100.000002] DMAR: [DMA Write NO_PASID] Request device [01:00.0] fault addr 0x80000000 [fault reason 0x05] PTE Write access is not set
[  100.000003] DMAR: [DMA Write NO_PASID] Request device [01:00.0] fault addr 0x80000008 [fault reason 0x05] PTE Write access is not set
[  100.000004] DMAR: [DMA Read NO_PASID] Request device [01:00
`;

let s: Session;
beforeAll(async () => {
  s = await startSession({ 'host.iommu': CONFIG, 'dmesg.txt': LOG });
});
afterAll(async () => {
  await s?.close();
});

const published = (name: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true) =>
  s.until(() => {
    const p = s.diagnostics.get(s.uri(name));
    return p && pred(p) ? p : undefined;
  });

const LOG_LINES = LOG.split('\n');
const line = (n: number, start: number, end: number) => ({ start: { line: n, character: start }, end: { line: n, character: end } });

describe('a kernel log beside a configuration', () => {
  it('explains its fault lines, with related information into the configuration', async () => {
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: s.uri('dmesg.txt'), languageId: 'log', version: 1, text: LOG } });
    const p = await published('dmesg.txt', (d) => d.diagnostics.length > 0);
    expect(p.version).toBe(1);
    const hostUri = s.uri('host.iommu');
    const expected: Diagnostic[] = [
      {
        range: line(1, 15, LOG_LINES[1]!.length),
        severity: 1,
        code: 'fault:read-only',
        source: 'iommu-check',
        message:
          "Intel VT-d (DMAR) DMA Write: 'nic' write at 0x80000000 (2 faults like it in this log)\n'nic' (01:00.0) write at 0x80000000: map (0x80000000..0x800fffff → 0x200000000, r) in 'vm' (paging) does not allow write. The device writes into memory mapped read-only (a receive buffer mapped DMA_TO_DEVICE, or a map made without write permission): make the map `rw` if the device must write, or find why it writes there.",
        relatedInformation: [
          { location: { uri: hostUri, range: line(6, 2, 44) }, message: 'map (0x80000000..0x800fffff → 0x200000000, r)' },
          { location: { uri: hostUri, range: { start: { line: 3, character: 0 }, end: { line: 7, character: 1 } } }, message: "domain 'vm' (paging)" },
          { location: { uri: hostUri, range: line(2, 0, 59) }, message: "device 'nic'" },
        ],
      },
      { range: line(2, 15, LOG_LINES[2]!.length), severity: 3, code: 'fault:repeat', source: 'iommu-check', message: "Intel VT-d (DMAR) DMA Write: 'nic' write at 0x80000008: as on line 2 (read-only)" },
      { range: line(3, 15, LOG_LINES[3]!.length), severity: 3, code: 'fault:unrecognised', source: 'iommu-check', message: 'unrecognised Intel VT-d (DMAR) line: a VT-d fault line that does not parse' },
    ];
    expect(p.diagnostics.map((d) => ({ ...d, ...(d.relatedInformation?.length ? {} : { relatedInformation: undefined }) }))).toEqual(expected.map((d) => ({ relatedInformation: undefined, ...d })));
  });

  it('gives the log no other feature, and never checks it as a configuration', async () => {
    const hover = await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: s.uri('dmesg.txt') }, position: { line: 1, character: 20 } });
    expect(hover).toBeNull();
    const edits = await s.conn.sendRequest('textDocument/formatting', { textDocument: { uri: s.uri('dmesg.txt') }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toBeNull();
    const config = await published('host.iommu');
    expect(config.diagnostics).toEqual([]);
  });

  it('follows edits of the configuration', async () => {
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: s.uri('host.iommu'), languageId: 'iommu', version: 1, text: CONFIG } });
    await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri('host.iommu'), version: 2 }, contentChanges: [{ text: CONFIG.replace('size 1M r', 'size 1M rw') }] });
    const p = await published('dmesg.txt', (d) => d.diagnostics[0]?.code === 'fault:config-translates');
    expect(p.diagnostics[0]!.severity).toBe(2);
    expect(p.diagnostics[0]!.message).toMatch(/^Intel VT-d \(DMAR\) DMA Write: 'nic' write at 0x80000000 \(2 faults like it in this log\)\n'nic' \(01:00\.0\) write at 0x80000000: the configuration translates this write/);
  });

  it('edits of the log are explained again; closing it clears its diagnostics', async () => {
    await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri('dmesg.txt'), version: 2 }, contentChanges: [{ text: 'nothing to see\n' }] });
    await published('dmesg.txt', (d) => d.version === 2 && d.diagnostics.length === 0);
    await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri('dmesg.txt'), version: 3 }, contentChanges: [{ text: LOG }] });
    await published('dmesg.txt', (d) => d.version === 3 && d.diagnostics.length === 3);
    await s.conn.sendNotification('textDocument/didClose', { textDocument: { uri: s.uri('dmesg.txt') } });
    await published('dmesg.txt', (d) => d.diagnostics.length === 0);
  });
});

describe('a kernel log with no configuration beside it', () => {
  it('says so on its first fault line', async () => {
    const t = await startSession({ 'logs/kern.log': LOG, 'a/one.iommu': CONFIG, 'b/two.iommu': CONFIG });
    try {
      await t.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: t.uri('logs/kern.log'), languageId: 'log', version: 1, text: LOG } });
      const p = await t.until(() => {
        const d = t.diagnostics.get(t.uri('logs/kern.log'));
        return d && d.diagnostics.length > 0 ? d : undefined;
      });
      expect(p.diagnostics.map((d) => [d.range.start.line, d.code, d.message])).toEqual([
        [1, 'fault-no-configuration', '2 IOMMU fault lines in this log, but no configuration (*.iommu) is beside it to explain them: open or create one in this folder.'],
        [3, 'fault:unrecognised', 'unrecognised Intel VT-d (DMAR) line: a VT-d fault line that does not parse'],
      ]);
    } finally {
      await t.close();
    }
  });
});
