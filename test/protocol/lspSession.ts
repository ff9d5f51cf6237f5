// A language-server session for tests: the built server (dist/server.js) over stdio in a fresh
// workspace folder, its published diagnostics by URI, its stderr, whether it exited, and its
// resident memory sampled from /proc while it runs.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';

export const ROOT = path.join(__dirname, '../..');

let built = false;
export function buildOnce(): void {
  if (built || process.env['IOMMU_E2E_PREBUILT']) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--quiet'], { cwd: ROOT });
  built = true;
}

export interface Session {
  dir: string;
  proc: ChildProcess;
  conn: ProtocolConnection;
  uri(name: string): string;
  /** Messages the server logged (window/logMessage) and showed (window/showMessage). */
  logs: string[];
  /** The latest diagnostics published for each URI. */
  diagnostics: Map<string, PublishDiagnosticsParams>;
  stderr(): string;
  exited(): { code: number | null; signal: string | null } | null;
  /** Peak resident set size of the server process seen so far, in bytes (0 where /proc is missing). */
  peakRss(): number;
  /** Resolves when `get` gives a value (checked on every notification and every 50 ms). */
  until<T>(get: () => T | undefined, ms?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startSession(files: Record<string, string>, opts: { env?: Record<string, string>; initOptions?: unknown } = {}): Promise<Session> {
  buildOnce();
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-lsp-')));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const proc = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  let err = '';
  proc.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  let exit: { code: number | null; signal: string | null } | null = null;
  proc.on('exit', (code, signal) => {
    exit = { code, signal };
  });
  let peak = 0;
  const sample = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // gone, or no /proc
    }
  };
  const sampler = setInterval(sample, 100);
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const diagnostics = new Map<string, PublishDiagnosticsParams>();
  const waiters: (() => void)[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    diagnostics.set(p.uri, p);
    waiters.splice(0).forEach((w) => w());
  });
  const logs: string[] = [];
  conn.onNotification('window/logMessage', (p: { message: string }) => void logs.push(p.message));
  conn.onNotification('window/showMessage', (p: { message: string }) => void logs.push(p.message));
  conn.onUnhandledNotification(() => undefined);
  conn.onRequest('workspace/configuration', () => [{ rules: {} }]);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  const uri = (name: string) => pathToFileURL(path.join(dir, name)).href;
  const until = <T>(get: () => T | undefined, ms = 30_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const iv = setInterval(() => tick(), 50);
      const tick = () => {
        const v = get();
        if (v !== undefined) {
          clearInterval(iv);
          return resolve(v);
        }
        if (exit) {
          clearInterval(iv);
          return reject(new Error(`the server exited (${JSON.stringify(exit)}) while waiting; stderr:\n${err}`));
        }
        if (Date.now() - started > ms) {
          clearInterval(iv);
          return reject(new Error('timed out'));
        }
        waiters.push(tick);
      };
      tick();
    });
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
    capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    ...(opts.initOptions !== undefined ? { initializationOptions: opts.initOptions } : {}),
  });
  await conn.sendNotification('initialized', {});
  return {
    dir,
    proc,
    conn,
    uri,
    diagnostics,
    logs,
    stderr: () => err,
    exited: () => exit,
    peakRss: () => {
      sample();
      return peak;
    },
    until,
    close: async () => {
      clearInterval(sampler);
      if (!exit) {
        try {
          await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 5000))]);
          await conn.sendNotification('exit');
        } catch {
          // already gone
        }
        if (!exit) await Promise.race([new Promise((r) => proc.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
        if (!exit) proc.kill();
      }
      conn.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
