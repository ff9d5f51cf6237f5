// Requests: each feature is answered by the analysis owner; here every one goes through one
// wrapper that honours the cancellation token and turns a handler's exception into an error
// answer (logged once per distinct failure) so the server keeps serving.

import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { FEATURES } from './features/index';
import { OwnerError, type OwnerClient } from './ownerClient';

export type Handler<P, R> = (params: P, token: CancellationToken | undefined) => R | Promise<R>;

/** `handler` behind cancellation and failure isolation. */
export function guarded<P, R>(method: string, handler: Handler<P, R>, log: (msg: string) => void): Handler<P, R | ResponseError<void>> {
  const logged = new Set<string>();
  const cancelled = () => new ResponseError<void>(LSPErrorCodes.RequestCancelled, `${method} cancelled`);
  return async (params, token) => {
    if (token?.isCancellationRequested) return cancelled();
    try {
      const result = await handler(params, token);
      return token?.isCancellationRequested ? cancelled() : result;
    } catch (e) {
      if (e instanceof OwnerError && e.code !== undefined) return new ResponseError<void>(e.code, e.message);
      const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
      if (!logged.has(text)) {
        logged.add(text);
        log(`iommu-check: ${method} failed: ${text}`);
      }
      return new ResponseError<void>(ErrorCodes.InternalError, `iommu-check: ${method} failed: ${text.split('\n')[0]}`);
    }
  };
}

/** Every feature request, forwarded to the analysis owner. */
export function registerFeatures(connection: Connection, owner: OwnerClient, log: (msg: string) => void): void {
  for (const method of Object.keys(FEATURES)) {
    connection.onRequest(method, guarded(method, (params: unknown) => owner.request(method, params), log));
  }
}
