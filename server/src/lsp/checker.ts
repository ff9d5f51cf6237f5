// Re-checks run off the protocol thread: a worker thread owns its own Workspace (include graph,
// parse cache, analyses) and answers "check these files" with the diagnostics of every
// configuration, already in line/character form. The protocol thread stays free for hover,
// completion and the rest while a large configuration is checked. A shared generation counter
// lets the worker stop between configurations when the request became stale. When a worker
// cannot be started, the same code runs in-process.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { RuleSettings } from '../engine';
import type { Diagnostic, SourceFile } from '../model/types';
import { Workspace } from './workspace';

export interface WireRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
export interface WireDiagnostic {
  range: WireRange;
  severity: Diagnostic['severity'];
  code: string;
  message: string;
  related: { path: string; range: WireRange; message: string }[];
}

export interface CheckRequest {
  gen: number;
  folders: string[];
  files: string[];
  editorRules: RuleSettings;
  /** Open documents whose text changed since the last request (null: closed). */
  open: [string, string | null][];
  /** Paths whose disk text may have changed (drop them from the parse cache). */
  evict: string[];
  /** Forget every analysis (rules or workspace changed). */
  invalidate: boolean;
  dirty: string[];
  all: boolean;
}

export interface CheckReply {
  gen: number;
  /** Stopped early: a newer request is waiting. */
  stale: boolean;
  roots: string[];
  /** The files of each analysed configuration. */
  members: [string, string[]][];
  /** Diagnostics per file, over every configuration analysed so far. */
  diagnostics: [string, WireDiagnostic[]][];
  errors: string[];
}

const range = (f: SourceFile, s: { start: number; end: number }): WireRange => ({ start: f.lines.position(s.start), end: f.lines.position(s.end) });

/** The checking side: a Workspace of its own, kept in step by the requests. */
export class CheckCore {
  readonly ws = new Workspace();
  constructor(private readonly currentGen: () => number) {}

  async handle(req: CheckRequest): Promise<CheckReply> {
    const ws = this.ws;
    ws.folders = req.folders;
    ws.files.clear();
    for (const f of req.files) ws.files.add(f);
    ws.editorRules = req.editorRules;
    for (const [p, text] of req.open) {
      if (text === null) ws.open.delete(p);
      else ws.open.set(p, { text, version: 0 });
    }
    for (const p of req.evict) if (!ws.open.has(p)) ws.cache.delete(p);
    if (req.invalidate) ws.invalidate();
    const errors: string[] = [];
    const roots = ws.computeRoots();
    const wanted = req.all ? roots : roots.filter((r) => req.dirty.some((p) => ws.rootsOf(p).includes(r)));
    for (const r of wanted) {
      if (this.currentGen() !== req.gen) return { gen: req.gen, stale: true, roots, members: [], diagnostics: [], errors };
      try {
        const a = ws.analysisOf(r, true);
        for (const e of a?.internalErrors ?? []) errors.push(`${r}: ${e}`);
      } catch (e) {
        errors.push(`checking ${r} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
      await new Promise((res) => setImmediate(res));
    }
    const members: [string, string[]][] = [];
    for (const r of roots) {
      const a = ws.cachedAnalysis(r);
      if (a) members.push([r, a.config.files.map((f) => f.path)]);
    }
    const diagnostics: [string, WireDiagnostic[]][] = [];
    for (const [p, diags] of ws.diagnosticsByFile())
      diagnostics.push([
        p,
        diags.map((d) => ({
          range: range(d.loc.file, d.loc.span),
          severity: d.severity,
          code: d.code,
          message: d.message,
          related: d.related.map((x) => ({ path: x.loc.file.path, range: range(x.loc.file, x.loc.span), message: x.message })),
        })),
      ]);
    return { gen: req.gen, stale: false, roots, members, diagnostics, errors };
  }
}

const WORKER_FLAG = 'iommuCheckWorker';

/** True (and the worker started) when this bundle was loaded as the checking worker. */
export function runCheckWorkerIfWorker(): boolean {
  if (isMainThread || !parentPort || !(workerData && typeof workerData === 'object' && WORKER_FLAG in workerData)) return false;
  const gen = new Int32Array((workerData as { gen: SharedArrayBuffer }).gen);
  const core = new CheckCore(() => Atomics.load(gen, 0));
  const port = parentPort;
  port.on('message', (req: CheckRequest) => {
    void core.handle(req).then(
      (reply) => port.postMessage(reply),
      (e: unknown) => port.postMessage({ gen: req.gen, stale: true, roots: [], members: [], diagnostics: [], errors: [String(e)] } satisfies CheckReply),
    );
  });
  return true;
}

/** The protocol side: one request at a time, in a worker when possible. */
export class Checker {
  private readonly genBuffer = new SharedArrayBuffer(4);
  private readonly gen = new Int32Array(this.genBuffer);
  private worker: Worker | null = null;
  private local: CheckCore | null = null;
  private pending: ((r: CheckReply) => void) | null = null;
  /** The version of each open document as the checking side last saw it. */
  private readonly sent = new Map<string, number>();

  constructor(entry: string | null, private readonly log: (msg: string) => void) {
    if (entry) {
      try {
        this.worker = new Worker(entry, { workerData: { [WORKER_FLAG]: true, gen: this.genBuffer }, argv: [], stdout: false, stderr: false });
        this.worker.on('message', (r: CheckReply) => {
          const p = this.pending;
          this.pending = null;
          p?.(r);
        });
        this.worker.on('error', (e) => {
          this.log(`iommu-check: the checking thread failed, checking in-process from now on: ${e.stack ?? e.message}`);
          this.worker = null;
          this.sent.clear();
          const p = this.pending;
          this.pending = null;
          p?.({ gen: -1, stale: true, roots: [], members: [], diagnostics: [], errors: [] });
        });
        this.worker.unref();
      } catch (e) {
        this.log(`iommu-check: no checking thread (${String(e)}), checking in-process`);
        this.worker = null;
      }
    }
  }

  /** Marks every request older than `gen` stale (the worker stops at its next configuration). */
  setGeneration(gen: number): void {
    Atomics.store(this.gen, 0, gen);
  }

  /** Check; `open` are the open documents now (only those changed since the last request are sent). */
  check(base: Omit<CheckRequest, 'open'>, open: ReadonlyMap<string, { text: string; version: number }>): Promise<CheckReply> {
    const req: CheckRequest = { ...base, open: [] };
    for (const [p, d] of open)
      if (this.sent.get(p) !== d.version) {
        req.open.push([p, d.text]);
        this.sent.set(p, d.version);
      }
    for (const p of [...this.sent.keys()])
      if (!open.has(p)) {
        req.open.push([p, null]);
        this.sent.delete(p);
      }
    if (this.worker) {
      const w = this.worker;
      return new Promise((resolve) => {
        this.pending = resolve;
        w.postMessage(req);
      });
    }
    this.local ??= new CheckCore(() => Atomics.load(this.gen, 0));
    return this.local.handle(req);
  }

  /** True when the requests run in a worker thread. */
  get threaded(): boolean {
    return this.worker !== null;
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}
