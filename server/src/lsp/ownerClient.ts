// The protocol thread's handle on the analysis owner: starts it in a worker thread (the same
// bundle, loaded again), forwards updates, checks and requests, and restarts it when the worker
// exits (with or without an `error` event), replaying the documents and settings it had. When no
// worker can be started (or it keeps dying), the owner runs on this thread instead.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { LSPErrorCodes } from 'vscode-languageserver/node';
import { DocumentPaths } from './documents';
import { AnalysisOwner } from './owner';
import type { CheckedMessage, FromOwner, ToOwner, UpdateMessage } from './protocol';

const WORKER_FLAG = 'iommuCheckOwner';
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/** A request the owner answered with an error (`code` set: an answer for the user). */
export class OwnerError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

/** True (and the owner started) when this bundle was loaded as the owner's worker. */
export function runOwnerIfWorker(): boolean {
  if (isMainThread || !parentPort || !(workerData && typeof workerData === 'object' && WORKER_FLAG in workerData)) return false;
  const gen = new Int32Array((workerData as { gen: SharedArrayBuffer }).gen);
  const port = parentPort;
  const owner = new AnalysisOwner(
    (m) => port.postMessage(m.kind === 'reply' && m.result !== undefined ? { kind: 'reply', id: m.id, json: JSON.stringify(m.result) } : m),
    () => Atomics.load(gen, 0),
  );
  port.on('message', (m: ToOwner) => owner.receive(m));
  return true;
}

export class OwnerClient {
  private readonly genBuffer = new SharedArrayBuffer(4);
  private readonly gen = new Int32Array(this.genBuffer);
  private worker: Worker | null = null;
  private local: AnalysisOwner | null = null;
  private nextId = 1;
  private readonly requests = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly checks = new Map<number, (m: CheckedMessage) => void>();
  private disposed = false;
  private readonly restarts: number[] = [];
  /** The state to replay into a new owner. */
  private readonly documents = new Map<string, [string, number]>();
  private folders: string[] = [];
  private overrides: UpdateMessage['overrides'] = {};
  /** URIs ↔ paths, named as the owner names them. */
  private readonly paths = new DocumentPaths();

  /** `entry`: the bundle to load as the worker (null: run on this thread). `onRestart`: check everything again. */
  constructor(
    private readonly entry: string | null,
    private readonly log: (msg: string) => void,
    private readonly onRestart: () => void = () => {},
  ) {
    this.start();
  }

  private start(): void {
    if (this.entry && !this.gaveUp()) {
      try {
        // its standard output is read here and logged: over stdio, the server's own is the protocol
        const w = new Worker(this.entry, { workerData: { [WORKER_FLAG]: true, gen: this.genBuffer }, argv: [], stdout: true, stderr: false });
        w.stdout.setEncoding('utf8');
        w.stdout.on('data', (text: string) => this.log(`iommu-check: the analysis thread printed: ${text.trimEnd()}`));
        w.on('message', (m: FromOwner) => this.receive(m));
        w.on('error', (e) => this.log(`iommu-check: the analysis thread failed: ${e.stack ?? e.message}`));
        w.on('exit', (code) => this.exited(w, code));
        w.unref();
        this.worker = w;
        return;
      } catch (e) {
        this.log(`iommu-check: no analysis thread (${String(e)}), analysing on the protocol thread`);
      }
    }
    this.worker = null;
    this.local = new AnalysisOwner(
      (m) => setImmediate(() => this.receive(m)),
      () => Atomics.load(this.gen, 0),
    );
  }

  private gaveUp(): boolean {
    const now = Date.now();
    while (this.restarts.length && now - this.restarts[0]! > RESTART_WINDOW_MS) this.restarts.shift();
    return this.restarts.length >= MAX_RESTARTS;
  }

  private exited(w: Worker, code: number): void {
    if (this.disposed || this.worker !== w) return;
    this.worker = null;
    this.restarts.push(Date.now());
    this.log(`iommu-check: the analysis thread exited (code ${code}); restarting it and checking the workspace again`);
    // ServerCancelled: the client may ask again, and the new owner answers
    for (const [, r] of this.requests) r.reject(new OwnerError('the analysis thread restarted; please retry', LSPErrorCodes.ServerCancelled));
    this.requests.clear();
    for (const [id, done] of this.checks) done({ kind: 'checked', id, gen: -1, stale: true, files: [], errors: [] });
    this.checks.clear();
    this.start();
    this.post({ kind: 'update', folders: this.folders, overrides: this.overrides, documents: [...this.documents].map(([uri, [text, v]]) => [uri, text, v]) });
    this.onRestart();
  }

  private receive(m: FromOwner): void {
    if (m.kind === 'checked') {
      const done = this.checks.get(m.id);
      this.checks.delete(m.id);
      done?.(m);
      return;
    }
    const r = this.requests.get(m.id);
    this.requests.delete(m.id);
    if (!r) return;
    if (m.error !== undefined) r.reject(new OwnerError(m.error, m.code));
    else r.resolve(m.json !== undefined ? JSON.parse(m.json) : m.result);
  }

  private post(m: ToOwner): void {
    if (this.worker) this.worker.postMessage(m);
    else if (this.local) {
      const owner = this.local;
      if (m.kind === 'update') owner.receive(m);
      else setImmediate(() => owner.receive(m));
    }
  }

  update(m: Omit<UpdateMessage, 'kind'>): void {
    for (const [uri, text, v] of m.documents ?? []) {
      if (text === null) this.documents.delete(uri);
      else this.documents.set(uri, [text, v]);
    }
    if (m.folders) this.folders = m.folders;
    if (m.overrides) this.overrides = m.overrides;
    this.post({ kind: 'update', ...m });
  }

  /** Marks every check older than `gen` stale (the owner stops at its next step). */
  setGeneration(gen: number): void {
    Atomics.store(this.gen, 0, gen);
  }

  check(paths: string[] | 'all', gen: number): Promise<CheckedMessage> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.checks.set(id, resolve);
      this.post({ kind: 'check', id, gen, paths });
    });
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      this.post({ kind: 'request', id, method, params });
    });
  }

  pathOf(uri: string): string {
    return this.paths.pathOf(uri);
  }

  uriOf(p: string): string {
    return this.paths.uriOf(p);
  }

  /** True when the owner runs in a worker thread. */
  get threaded(): boolean {
    return this.worker !== null;
  }

  dispose(): void {
    this.disposed = true;
    void this.worker?.terminate();
    this.worker = null;
  }
}
