// Failure isolation, forced through the test-only fault hook (server/src/faults.ts, read from
// IOMMU_CHECK_FAULTS): an exception in one check drops that check's results only and is reported
// once; an exception outside the checks fails that configuration with one message; the command
// line says so on one line each and exits 2.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOnce, ROOT, startSession } from './lspSession';

const TWO_ERRORS = `iommu smmu0 { model smmuv3 }
device nic { pci 01:00.0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x1000 -> 0x2000 size 4K
  map 0x1000 -> 0x3000 size 4K
  map 0x10000 -> 0x3000 size 0x800
}
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function cli(faults: string, text: string): { code: number | null; out: string; err: string } {
  buildOnce();
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-faults-')));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'main.iommu'), text);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/iommu-check.js'), '--format', 'json', 'main.iommu'], {
    cwd: dir,
    env: { ...process.env, IOMMU_CHECK_FAULTS: faults },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const codesOf = (out: string) => (JSON.parse(out) as { files: { diagnostics: { code: string }[] }[] }).files.flatMap((f) => f.diagnostics.map((d) => d.code));

describe('failure isolation: the command line', () => {
  it('without faults the file has both errors', () => {
    const r = cli('', TWO_ERRORS);
    expect(r.code).toBe(1);
    expect(codesOf(r.out)).toEqual(['map-overlap', 'map-unaligned']);
  });

  it('a check that throws loses its own results only, shows one internal-error, and is reported once', () => {
    const r = cli('check:map-overlap', TWO_ERRORS);
    expect(r.code).toBe(2);
    expect(codesOf(r.out)).toEqual(['internal-error', 'map-unaligned']);
    expect(r.err).toBe('iommu-check: check map-overlap failed: injected fault at check:map-overlap (internal error; please report)\n');
  });

  it('an exception while building the model fails that configuration, with one report and one internal-error', () => {
    const r = cli('model', TWO_ERRORS);
    expect(r.code).toBe(2);
    expect(codesOf(r.out)).toEqual(['internal-error']);
    expect(r.err.match(/injected fault at model/g)).toHaveLength(1);
  });

  it('the fault hook is inert without the variable (checked above) and with an unknown place', () => {
    const r = cli('nowhere:at-all', TWO_ERRORS);
    expect(r.code).toBe(1);
    expect(codesOf(r.out)).toEqual(['map-overlap', 'map-unaligned']);
  });
});

describe('failure isolation: the language server and a misbehaving client', () => {
  const TEXT = 'iommu smmu0 { model smmuv3 }\ndevice nic { pci 01:00.0 driver vfio-pci }\n';

  it('malformed JSON-RPC, unknown methods, bad parameters and positions outside the document get errors or empty answers, and the server keeps serving', async () => {
    const s = await startSession({ 'main.iommu': TEXT });
    try {
      const uri = s.uri('main.iommu');
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version: 1, text: TEXT } });
      await s.until(() => s.diagnostics.get(uri));
      const hoverNic = () => s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 8 } }) as Promise<{ contents: { value: string } } | null>;
      expect((await hoverNic())?.contents.value).toMatch(/nic/);

      // bytes that are not JSON, JSON that is not JSON-RPC
      const raw = (body: string) => s.proc.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      raw('{this is not json');
      raw('{"foo": 1}');
      raw('[1, 2, 3]');
      raw('{"jsonrpc": "2.0", "id": 900, "method": 42}');
      expect((await hoverNic())?.contents.value).toMatch(/nic/);

      // an unknown request is MethodNotFound; an unknown notification is ignored
      await expect(s.conn.sendRequest('iommu-check/no-such-method', {})).rejects.toMatchObject({ code: -32601 });
      await s.conn.sendNotification('iommu-check/no-such-notification', { x: 1 });

      // missing or wrong parameters
      const bad: [string, unknown][] = [
        ['textDocument/hover', {}],
        ['textDocument/hover', { textDocument: { uri }, position: null }],
        ['textDocument/completion', { textDocument: { uri: 42 }, position: { line: 0, character: 0 } }],
        ['textDocument/rename', { textDocument: { uri }, position: { line: 1, character: 8 } }],
        ['textDocument/formatting', null],
      ];
      for (const [method, params] of bad) {
        const r = await s.conn.sendRequest(method, params).then(
          (v) => ({ answered: v }),
          (e: { code: number }) => ({ error: e.code }),
        );
        expect(r, method).toBeDefined();
      }

      // positions outside the document, and a document nobody opened
      const far = { line: 10_000, character: 10_000 };
      const neg = { line: -1, character: -5 };
      for (const position of [far, neg, { line: 1, character: 10_000 }, { line: 0.5, character: 1 }]) {
        for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/references', 'textDocument/prepareRename']) {
          const params = { textDocument: { uri }, position, context: { includeDeclaration: true } };
          const r = await s.conn.sendRequest(method, params).then(
            () => 'answered',
            (e: { code: number }) => (e.code === -32603 ? `internal error: ${JSON.stringify(e)}` : 'refused'),
          );
          expect(r, `${method} at ${JSON.stringify(position)}`).not.toMatch(/^internal error/);
        }
        const range = { start: position, end: far };
        for (const [method, params] of [
          ['textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } }],
          ['textDocument/inlayHint', { textDocument: { uri }, range }],
          ['textDocument/rangeFormatting', { textDocument: { uri }, range, options: { tabSize: 2, insertSpaces: true } }],
        ] as [string, unknown][]) {
          const r = await s.conn.sendRequest(method, params).then(
            () => 'answered',
            (e: { code: number }) => (e.code === -32603 ? `internal error: ${JSON.stringify(e)}` : 'refused'),
          );
          expect(r, `${method} over ${JSON.stringify(range)}`).not.toMatch(/^internal error/);
        }
      }
      const stranger = s.uri('nobody-opened.iommu');
      expect(await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: stranger }, position: { line: 0, character: 0 } })).toBeNull();

      // an edit that reaches past the end of the document
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 50, character: 0 }, end: { line: 60, character: 3 } }, text: '# tail\n' }] });
      await s.until(() => (s.diagnostics.get(uri)?.version === 2 ? true : undefined));
      expect((await hoverNic())?.contents.value).toMatch(/nic/);
      expect(s.exited()).toBeNull();
    } finally {
      await s.close();
    }
  }, 120_000);
});

describe('failure isolation: broken framing over stdio', () => {
  const TEXT = 'iommu smmu0 { model smmuv3 }\ndevice nic { pci 01:00.0 driver vfio-pci }\n';

  it('a frame without Content-Length, with a bad one, with a wrong length, or bytes that are no frame: an error answer each, and the server keeps serving', async () => {
    const s = await startSession({ 'main.iommu': TEXT });
    try {
      let out = '';
      s.proc.stdout!.on('data', (b: Buffer) => {
        out += b.toString('utf8');
      });
      const uri = s.uri('main.iommu');
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version: 1, text: TEXT } });
      await s.until(() => s.diagnostics.get(uri));
      const hoverNic = () => s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 8 } }) as Promise<{ contents: { value: string } } | null>;
      const body = (id: string) => JSON.stringify({ jsonrpc: '2.0', id, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 1, character: 8 } } });
      const broken = [
        `X-Not-A-Length: 12\r\n\r\n${body('no-length')}`,
        `Content-Length: twelve\r\n\r\n${body('bad-length')}`,
        `Content-Length: ${Buffer.byteLength(body('too-long')) + 40}\r\n\r\n${body('too-long')}`,
        `Content-Length: 20\r\n\r\n${body('too-short')}`,
        'bytes that are no header at all\r\n\r\n',
      ];
      for (const b of broken) {
        s.proc.stdin!.write(b);
        // each is followed by a good request, which must be answered
        expect((await hoverNic())?.contents.value, b.slice(0, 30)).toMatch(/nic/);
      }
      const errors = () =>
        out
          .split(/Content-Length: \d+\r\n\r\n/)
          .filter((m) => m.includes('"error"'))
          .map((m) => JSON.parse(m) as { id: string | null; error: { code: number; message: string } })
          .map((m) => [m.id, m.error.code, m.error.message.replace(/ \(.*\)/, ' (…)')]);
      await s.until(() => (errors().length >= broken.length ? true : undefined));
      expect(errors()).toEqual([
        [null, -32700, 'a message header without Content-Length: the message was skipped'],
        [null, -32700, 'Content-Length must be a number of bytes up to 268435456, not "twelve": the message was skipped'],
        ['too-long', -32700, 'the body is shorter than its Content-Length (…): the message was skipped'],
        [null, -32700, 'the body is not JSON (…): the message was skipped'],
        [null, -32700, 'not a header line: "bytes that are no header at all": the message was skipped'],
      ]);
      expect(s.logs.filter((l) => l.startsWith('iommu-check: malformed input from the client:'))).toHaveLength(broken.length);
      // a body that is JSON but no JSON-RPC request: Invalid Request, with its id
      const invalid = '{"jsonrpc": "2.0", "id": 901, "method": 42}';
      s.proc.stdin!.write(`Content-Length: ${invalid.length}\r\n\r\n${invalid}`);
      await s.until(() => (out.includes('"id":901') ? true : undefined));
      expect(out).toContain('{"jsonrpc":"2.0","id":901,"error":{"code":-32600,"message":"a method name must be a string"}}');
      expect((await hoverNic())?.contents.value).toMatch(/nic/);
      expect(s.exited()).toBeNull();
    } finally {
      await s.close();
    }
  }, 120_000);
});

describe('failure isolation: output of the analysis thread', () => {
  it('a line the analysis thread prints goes to the log, never into the protocol stream', async () => {
    const TEXT = 'iommu smmu0 { model smmuv3 }\ndevice nic { pci 01:00.0 driver vfio-pci }\n';
    const s = await startSession({ 'main.iommu': TEXT }, { env: { IOMMU_CHECK_FAULTS: 'worker-print:1' } });
    try {
      const uri = s.uri('main.iommu');
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version: 1, text: TEXT } });
      await s.until(() => s.logs.find((l) => l.includes('injected fault at worker-print:1')));
      expect(s.logs.filter((l) => l.includes('worker-print'))).toEqual(['iommu-check: the analysis thread printed: injected fault at worker-print:1: a line printed by the analysis thread']);
      await s.until(() => (s.diagnostics.get(uri)?.version === 1 ? true : undefined));
      const h = (await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 8 } })) as { contents: { value: string } } | null;
      expect(h?.contents.value).toMatch(/nic/);
    } finally {
      await s.close();
    }
  }, 120_000);
});

describe('failure isolation: a check that throws inside the language server', () => {
  it('drops that check\'s results only, shows one internal-error, reports the failure once, and keeps serving', async () => {
    const s = await startSession({ 'main.iommu': TWO_ERRORS }, { env: { IOMMU_CHECK_FAULTS: 'check:map-overlap' } });
    try {
      const uri = s.uri('main.iommu');
      let version = 1;
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version, text: TWO_ERRORS } });
      for (let i = 0; i < 3; i++) {
        version++;
        await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: TWO_ERRORS + '#'.repeat(i + 1) + '\n' }] });
        const v = version;
        const p = await s.until(() => (s.diagnostics.get(uri)?.version === v ? s.diagnostics.get(uri) : undefined));
        expect(p.diagnostics.map((d) => [d.range.start.line, d.code, String(d.message).split(' (')[0]])).toEqual([
          [0, 'internal-error', 'check map-overlap failed: injected fault at check:map-overlap'],
          [6, 'map-unaligned', "map 0x10000..0x107ff is not aligned to the 4K minimum page of 'smmu0'"],
        ]);
      }
      const h = (await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 8 } })) as { contents: { value: string } } | null;
      expect(h?.contents.value).toMatch(/nic/);
      const reports = [...s.logs, ...s.stderr().split('\n')].filter((l) => l.includes('injected fault at check:map-overlap'));
      expect(reports).toHaveLength(1);
      expect(s.exited()).toBeNull();
    } finally {
      await s.close();
    }
  }, 120_000);
});
