// The request wrapper (server/src/lsp/handlers.ts): a cancelled request is answered
// RequestCancelled at once, without waiting for the analysis owner; a request whose document
// changed while it was answered gets ContentModified; a handler's exception is an InternalError
// answer, logged once; a refusal of the owner keeps its code.

import { describe, expect, it } from 'vitest';
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { guarded, requestUri } from '../../server/src/lsp/handlers';
import { OwnerError } from '../../server/src/lsp/ownerClient';

const params = { textDocument: { uri: 'file:///w/a.iommu' }, position: { line: 0, character: 0 } };
const code = (r: unknown) => (r instanceof ResponseError ? r.code : 'answer');

describe('request wrapper', () => {
  it('a request cancelled while the owner works is answered RequestCancelled at once', async () => {
    let release!: (v: string) => void;
    const h = guarded('textDocument/hover', () => new Promise<string>((r) => (release = r)), () => undefined);
    const t = new CancellationTokenSource();
    const answer = h(params, t.token);
    t.cancel();
    expect(code(await answer)).toBe(LSPErrorCodes.RequestCancelled);
    release('late');
    // cancelled before it started: not even started
    let started = false;
    const t2 = new CancellationTokenSource();
    t2.cancel();
    expect(code(await guarded('x', () => ((started = true), 'v'), () => undefined)(params, t2.token))).toBe(LSPErrorCodes.RequestCancelled);
    expect(started).toBe(false);
  });

  it('a request whose document was edited meanwhile is answered ContentModified; otherwise with its result', async () => {
    let version = 1;
    const h = guarded('textDocument/hover', async () => {
      await new Promise((r) => setTimeout(r, 5));
      return 'hover';
    }, () => undefined, { versionOf: () => version });
    const t = new CancellationTokenSource();
    expect(await h(params, t.token)).toBe('hover');
    const edited = h(params, t.token);
    version = 2;
    expect(code(await edited)).toBe(LSPErrorCodes.ContentModified);
    expect(await h(params, undefined)).toBe('hover');
  });

  it('an exception is an InternalError answer, logged once; a refusal of the owner keeps its code', async () => {
    const logs: string[] = [];
    const boom = new Error('boom'); // the same failure each time (as the owner reports it: one text)
    const h = guarded('textDocument/hover', () => {
      throw boom;
    }, (m) => logs.push(m));
    for (let i = 0; i < 3; i++) expect(code(await h(params, undefined))).toBe(-32603);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^iommu-check: textDocument\/hover failed: Error: boom/);
    const r = guarded('textDocument/rename', () => {
      throw new OwnerError('the analysis thread restarted; please retry', LSPErrorCodes.ServerCancelled);
    }, (m) => logs.push(m));
    expect(code(await r(params, undefined))).toBe(LSPErrorCodes.ServerCancelled);
    expect(logs).toHaveLength(1);
  });

  it('finds the document a request names', () => {
    expect([requestUri(params), requestUri({}), requestUri(null), requestUri({ textDocument: { uri: 3 } })]).toEqual(['file:///w/a.iommu', undefined, undefined, undefined]);
  });
});
