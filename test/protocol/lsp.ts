// A language server over stdio for protocol tests: spawn dist/server.js in a folder, collect what
// it publishes and logs, and wait for conditions.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.join(__dirname, '../..');

let built = false;
export function buildOnce(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--quiet'], { cwd: ROOT });
  built = true;
}

/** A folder holding `files` (relative path → text). */
export function workspace(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-lsp-')));
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return dir;
}

export class Server {
  readonly conn: ProtocolConnection;
  readonly proc: ChildProcess;
  /** The last publication per URI, and every publication in order. */
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  readonly statuses: string[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    readonly dir: string,
    env: Record<string, string> = {},
  ) {
    buildOnce();
    this.proc = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      this.published.push(p);
      this.wake();
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
      this.wake();
    });
    this.conn.onNotification('iommu-check/status', (p: { state: string }) => {
      this.statuses.push(p.state);
      this.wake();
    });
    this.conn.onRequest('workspace/configuration', () => [{ rules: {} }]);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.listen();
  }

  uri(rel: string): string {
    return pathToFileURL(path.join(this.dir, rel)).href;
  }

  async start(): Promise<void> {
    await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(this.dir).href,
      workspaceFolders: [{ uri: pathToFileURL(this.dir).href, name: 'ws' }],
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    await this.conn.sendNotification('initialized', {});
  }

  private wake(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  /** Resolves with `get()` once it is truthy. */
  until<T>(get: () => T | undefined | null | false | 0, ms = 20_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out')), ms);
      const iv = setInterval(() => this.wake(), 50);
      const tick = () => {
        const v = get();
        if (v) {
          clearTimeout(timer);
          clearInterval(iv);
          return resolve(v);
        }
        this.waiters.push(tick);
      };
      tick();
    });
  }

  /** Until the server has been idle (no check running) for `quietMs`. */
  async settle(quietMs = 600): Promise<void> {
    let seen = -1;
    let since = Date.now();
    await this.until(() => {
      const n = this.published.length + this.statuses.length;
      if (n !== seen) {
        seen = n;
        since = Date.now();
      }
      return this.statuses[this.statuses.length - 1] === 'idle' && Date.now() - since >= quietMs;
    }, 60_000);
  }

  open(rel: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: this.uri(rel), languageId: 'iommu', version, text } });
  }

  change(rel: string, text: string, version: number): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri(rel), version }, contentChanges: [{ text }] });
  }

  async stop(): Promise<void> {
    try {
      await this.conn.sendRequest('shutdown');
      await this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    if (this.proc.exitCode === null) await new Promise((r) => this.proc.once('exit', r));
    this.conn.dispose();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
