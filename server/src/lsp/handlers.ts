// Requests: each feature is answered by the analysis owner; here every one goes through one
// wrapper that honours cancellation and turns a handler's exception into an error answer (logged
// once per distinct failure) so the server keeps serving. A request the client cancels
// (`$/cancelRequest`) is answered RequestCancelled at once, without waiting for the owner; one
// whose document was edited while it was being answered is answered ContentModified (its
// positions belong to a text that is gone), as rust-analyzer does: the editor asks again.

import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { FEATURES } from './features/index';
import { OwnerError, type OwnerClient } from './ownerClient';

export type Handler<P, R> = (params: P, token: CancellationToken | undefined) => R | Promise<R>;

export interface GuardOptions<P> {
  /** The version of the document a request is about, now (undefined: no document, or not open). */
  versionOf?: (params: P) => number | undefined;
}

/** The open document a request names, if any. */
export function requestUri(params: unknown): string | undefined {
  const doc = (params as { textDocument?: { uri?: unknown } } | null)?.textDocument;
  return typeof doc?.uri === 'string' ? doc.uri : undefined;
}

/** `handler` behind cancellation and failure isolation. */
export function guarded<P, R>(method: string, handler: Handler<P, R>, log: (msg: string) => void, opts: GuardOptions<P> = {}): Handler<P, R | ResponseError<void>> {
  const logged = new Set<string>();
  const cancelled = () => new ResponseError<void>(LSPErrorCodes.RequestCancelled, `${method} cancelled`);
  const modified = () => new ResponseError<void>(LSPErrorCodes.ContentModified, `${method}: the document changed while it was answered`);
  return async (params, token) => {
    if (token?.isCancellationRequested) return cancelled();
    const version = opts.versionOf?.(params);
    let stop: { dispose(): void } | undefined;
    try {
      const answer = Promise.resolve(handler(params, token));
      const result = token
        ? await Promise.race([answer, new Promise<typeof CANCELLED>((resolve) => (stop = token.onCancellationRequested(() => resolve(CANCELLED))))])
        : await answer;
      if (result === CANCELLED || token?.isCancellationRequested) {
        answer.catch(() => undefined); // its failure, if any, no longer matters
        return cancelled();
      }
      if (version !== undefined && opts.versionOf?.(params) !== version) return modified();
      return result as R;
    } catch (e) {
      if (e instanceof OwnerError && e.code !== undefined) return new ResponseError<void>(e.code, e.message);
      const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
      if (!logged.has(text)) {
        logged.add(text);
        log(`iommu-check: ${method} failed: ${text}`);
      }
      return new ResponseError<void>(ErrorCodes.InternalError, `iommu-check: ${method} failed: ${text.split('\n')[0]}`);
    } finally {
      stop?.dispose();
    }
  };
}

const CANCELLED = Symbol('cancelled');

/** Every feature request, forwarded to the analysis owner. `versionOf`: an open document's version. */
export function registerFeatures(connection: Connection, owner: OwnerClient, log: (msg: string) => void, versionOf: (uri: string) => number | undefined = () => undefined): void {
  const version = (params: unknown) => {
    const uri = requestUri(params);
    return uri === undefined ? undefined : versionOf(uri);
  };
  for (const method of Object.keys(FEATURES)) {
    connection.onRequest(method, guarded(method, (params: unknown) => owner.request(method, params), log, { versionOf: version }));
  }
}
