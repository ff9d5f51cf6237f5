// The stdio framing (server/src/lsp/transport.ts): well-formed frames are delivered in order
// however the bytes are split into reads, and each malformed frame is reported once and skipped,
// with reading going on at the next frame.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameParser, MAX_FRAME_BYTES, type Malformed } from '../../server/src/lsp/transport';

const frame = (body: string, length = Buffer.byteLength(body)) => `Content-Length: ${length}\r\n\r\n${body}`;
const request = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'textDocument/hover', params: { text: `é ${'x'.repeat(id % 7)}` } });

function read(chunks: (string | Buffer)[]): { messages: unknown[]; malformed: Malformed[] } {
  const messages: unknown[] = [];
  const malformed: Malformed[] = [];
  const p = new FrameParser((m) => messages.push(m), (m) => malformed.push(m));
  for (const c of chunks) p.push(typeof c === 'string' ? Buffer.from(c) : c);
  return { messages, malformed };
}

describe('stdio framing', () => {
  it('reads frames split anywhere, with a Content-Type header and multi-byte text', () => {
    const bytes = Buffer.from(frame(request(1)) + `Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n${frame(request(2))}`);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = read([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(r, `cut at ${cut}`).toEqual({ messages: [JSON.parse(request(1)), JSON.parse(request(2))], malformed: [] });
    }
  });

  it('answers each malformed frame once, with the request id when it can be read, and reads on', () => {
    const body = request(7);
    const r = read([
      `X-Foo: 1\r\n\r\n${body}`, // no Content-Length
      frame(request(1)),
      `Content-Length: twelve\r\n\r\n${body}`,
      frame(request(2)),
      `Content-Length: ${MAX_FRAME_BYTES + 1}\r\n\r\n${body}`,
      frame(request(3)),
      frame(body, body.length + 500), // longer than the body: the next frame is inside it
      frame(request(4)),
      frame(body, 12), // shorter than the body: the rest is junk before the next frame
      frame(request(5)),
      'garbage that is no header\r\n',
      frame(request(6)),
      frame('{this is not json'),
      frame('[1, 2, 3]'),
      frame('{"jsonrpc": "2.0", "id": 900, "method": 42}'),
      frame('{"jsonrpc": "2.0", "id": {"a": 1}, "method": "x"}'),
      frame('"just a string"'),
      frame(request(8)),
    ]);
    expect(r.messages.map((m) => (m as { id: number }).id)).toEqual([1, 2, 3, 4, 5, 6, 8]);
    expect(r.malformed.map((m) => [m.code, m.id, m.message.replace(/ \(.*\)/, ' (…)')])).toEqual([
      [-32700, null, 'a message header without Content-Length: the message was skipped'],
      [-32700, null, 'Content-Length must be a number of bytes up to 268435456, not "twelve": the message was skipped'],
      [-32700, null, `Content-Length must be a number of bytes up to 268435456, not "${MAX_FRAME_BYTES + 1}": the message was skipped`],
      [-32700, 7, 'the body is shorter than its Content-Length (…): the message was skipped'],
      [-32700, null, 'the body is not JSON (…): the message was skipped'],
      [-32700, null, 'not a header line: "garbage that is no header": the message was skipped'],
      [-32700, null, 'the body is not JSON (…): the message was skipped'],
      [-32600, null, 'batches of JSON-RPC messages are not supported'],
      [-32600, 900, 'a method name must be a string'],
      [-32600, null, 'a request id must be a number or a string'],
      [-32600, null, 'a JSON-RPC message must be an object'],
    ]);
  });

  it('a long body arriving in many small reads is read once whole', () => {
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { text: 'device nic { }\n'.repeat(50_000) } });
    const bytes = Buffer.from(frame(body) + frame(request(1)));
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 4096) chunks.push(bytes.subarray(i, i + 4096));
    const r = read(chunks);
    expect(r.malformed).toEqual([]);
    expect(r.messages).toEqual([JSON.parse(body), JSON.parse(request(1))]);
  });

  it('property: any mix of good and broken frames, split anywhere: every good frame once, in order; broken ones between two good ones reported at least once, at most once each', () => {
    const kinds = ['good', 'no-length', 'bad-length', 'too-long', 'too-short', 'junk', 'not-json', 'not-an-object'] as const;
    const arb = fc.record({
      items: fc.array(fc.tuple(fc.constantFrom(...kinds), fc.string({ unit: 'grapheme', maxLength: 30 })), { maxLength: 12 }),
      cuts: fc.array(fc.nat(), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(arb, ({ items, cuts }) => {
        let bytes = '';
        // what must be seen: each good frame's id, and for each run of broken frames between two good ones, its length
        const expected: (number | { broken: number })[] = [];
        items.forEach(([kind, junk], i) => {
          const body = JSON.stringify({ jsonrpc: '2.0', id: i, method: 'm', params: { s: junk } });
          const last = expected[expected.length - 1];
          if (kind === 'good') expected.push(i);
          else if (typeof last === 'object') last.broken++;
          else expected.push({ broken: 1 });
          bytes +=
            kind === 'good' ? frame(body)
            : kind === 'no-length' ? `X-Junk: ${junk.length}\r\n\r\n${body}`
            : kind === 'bad-length' ? `Content-Length: -${junk.length}\r\n\r\n${body}`
            : kind === 'too-long' ? frame(body, Buffer.byteLength(body) + 1 + junk.length)
            : kind === 'too-short' ? frame(body, Math.max(1, Buffer.byteLength(body) - 1 - junk.length))
            : kind === 'junk' ? `{${junk.replace(/[:\r\n]/g, '')}\r\n`
            : kind === 'not-json' ? frame(`{${body}`)
            : frame(JSON.stringify(junk));
        });
        // the end of the stream: a last good frame (a too-long frame waits for the next one)
        bytes += frame(request(999));
        expected.push(999);
        const buf = Buffer.from(bytes);
        const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((c, k) => buf.subarray(c, k < at.length ? at[k] : buf.length));
        const seen: (number | { broken: number })[] = [];
        const p = new FrameParser(
          (m) => seen.push((m as unknown as { id: number }).id),
          () => {
            const last = seen[seen.length - 1];
            if (typeof last === 'object') last.broken++;
            else seen.push({ broken: 1 });
          },
        );
        for (const c of chunks) p.push(c);
        expect(seen.map((x) => (typeof x === 'number' ? x : 'broken'))).toEqual(expected.map((x) => (typeof x === 'number' ? x : 'broken')));
        seen.forEach((x, k) => {
          if (typeof x === 'object') expect(x.broken).toBeLessThanOrEqual((expected[k] as { broken: number }).broken);
        });
      }),
      { seed: 17, numRuns: 400 },
    );
  });
});
