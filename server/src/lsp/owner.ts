// The analysis owner: the one place that holds the project and its analyses. It runs in a worker
// thread (or, when none can be started, on the protocol thread) and answers three messages: an
// update (documents, files, settings), a check (analyse the configurations holding some files,
// then report what to publish) and a request (a feature, answered from the last analyses, ahead
// of any check still to do: checks give way between analysis steps).

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { LineIndex } from '../../../grammar/src/lines';
import { CONFIG_FILE_NAME, configurationForLog, findIommuFiles, isIommuFile, isKernelLogFile, logDiagnostics, Project, toPlain, type PlainDiagnostic } from '../project/index';
import { toRange } from './convert';
import { DocumentPaths } from './documents';
import { FeatureContext, FeatureRefusal, FEATURES } from './features/index';
import type { CheckMessage, FileDiagnostics, FromOwner, ToOwner, UpdateMessage } from './protocol';
import { faultNumber, injectFault } from '../faults';

/** How long a check runs before it lets waiting messages in. */
const SLICE_MS = 8;

export class AnalysisOwner {
  readonly project = new Project();
  readonly docs = new DocumentPaths();
  private readonly ctx = new FeatureContext(this.project, this.docs);
  private readonly open = new Map<string, number>();
  private folders: string[] = [];
  private folderFiles = new Set<string>();
  /** What was last sent for each URI (to send only changes). */
  private readonly sent = new Map<string, string>();
  private checks: Promise<void> = Promise.resolve();
  private jobs = 0;
  /** Open kernel logs (explained, never parsed as configurations): path → text and version. */
  private readonly logs = new Map<string, { text: string; version: number }>();
  /** The last diagnostics of each log, with the text and analysis they were made from. */
  private readonly logResults = new Map<string, { text: string; analysis: unknown; diagnostics: PlainDiagnostic[] }>();

  constructor(
    private readonly send: (m: FromOwner) => void,
    private readonly currentGen: () => number,
  ) {}

  receive(m: ToOwner): void {
    if (m.kind === 'update') this.update(m);
    else if (m.kind === 'check') this.checks = this.checks.then(() => this.check(m));
    else {
      try {
        injectFault(`request:${m.method}`);
        // a kernel log has the explanations of its faults as diagnostics, and no other feature
        const doc = (m.params as { textDocument?: { uri?: unknown } } | null)?.textDocument?.uri;
        if (typeof doc === 'string' && this.logs.has(this.docs.pathOf(doc))) return this.send({ kind: 'reply', id: m.id, result: null });
        const feature = FEATURES[m.method];
        if (!feature) this.send({ kind: 'reply', id: m.id, error: `unknown request ${m.method}` });
        else this.send({ kind: 'reply', id: m.id, result: feature(this.ctx, m.params) ?? null });
      } catch (e) {
        if (e instanceof FeatureRefusal) this.send({ kind: 'reply', id: m.id, error: e.message, code: e.code });
        else this.send({ kind: 'reply', id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    }
  }

  private update(m: UpdateMessage): void {
    const { project } = this;
    for (const [uri, text, version] of m.documents ?? []) {
      const p = this.docs.pathOf(uri);
      if (isKernelLogFile(p)) {
        if (text === null) this.logs.delete(p);
        else this.logs.set(p, { text, version });
        continue;
      }
      if (text === null) {
        // closed: back to the text on disk (read again), and gone if it is no file there
        project.host.setText(p, null);
        project.host.forget(p);
        this.open.delete(p);
        if (!this.folderFiles.has(p) && project.host.read(p) === undefined) project.removeFile(p);
      } else {
        project.host.setText(p, text);
        this.open.set(p, version);
        project.addFile(p);
      }
    }
    if (m.folders) {
      this.folders = m.folders;
      this.folderFiles = new Set(m.folders.flatMap((f) => findIommuFiles(f)));
      for (const p of [...project.files]) if (!this.folderFiles.has(p) && !this.open.has(p)) project.removeFile(p);
      for (const p of this.folderFiles) project.addFile(p);
    }
    let settings = !!m.settingsChanged;
    for (const p of [...(m.created ?? []), ...(m.deleted ?? []), ...(m.changed ?? [])]) {
      project.host.forget(p);
      const base = path.basename(p);
      if (base === CONFIG_FILE_NAME || base === '.git') settings = true;
    }
    for (const p of m.created ?? []) if (isIommuFile(p) && this.inFolders(p)) (this.folderFiles.add(p), project.addFile(p));
    for (const p of m.deleted ?? []) {
      this.folderFiles.delete(p);
      if (!this.open.has(p)) project.removeFile(p);
    }
    if (m.overrides) project.setOverrides(m.overrides);
    else if (settings) project.settingsChanged();
  }

  private inFolders(p: string): boolean {
    return this.folders.some((f) => {
      const rel = path.relative(f, p);
      return !rel.startsWith('..') && !path.isAbsolute(rel);
    });
  }

  private async check(m: CheckMessage): Promise<void> {
    const { project } = this;
    this.jobs++;
    if (!isMainThread) dieIfAsked(this.jobs);
    const stale = () => this.currentGen() !== m.gen;
    const roots = project.roots();
    project.retainRoots(roots);
    const wanted =
      m.paths === 'all'
        ? roots
        : roots.filter((r) => {
            const reach = project.reach(r);
            return (m.paths as string[]).some((p) => reach.has(p));
          });
    // the configurations open kernel logs are explained against
    for (const log of this.logs.keys()) {
      const root = configurationForLog(project, log);
      if (root && !wanted.includes(root)) wanted.push(root);
    }
    // configurations holding an open document first
    wanted.sort((a, b) => Number(!this.holdsOpen(b)) - Number(!this.holdsOpen(a)));
    const errors: string[] = [];
    let slice = Date.now();
    for (const root of wanted) {
      if (stale()) return this.send({ kind: 'checked', id: m.id, gen: m.gen, stale: true, files: [], errors });
      if (project.isFresh(root)) continue;
      const steps = project.analyzeSteps(root);
      for (;;) {
        const r = steps.next();
        if (r.done) {
          if (r.value.failure) errors.push(`${r.value.failure}\n${r.value.failureDetail ?? ''}`.trim());
          for (const e of r.value.internalErrors) errors.push(`${root}: ${e}`);
          break;
        }
        if (Date.now() - slice >= SLICE_MS) {
          await new Promise((res) => setImmediate(res));
          slice = Date.now();
          if (stale()) {
            steps.return(undefined as never);
            return this.send({ kind: 'checked', id: m.id, gen: m.gen, stale: true, files: [], errors });
          }
        }
      }
    }
    this.send({ kind: 'checked', id: m.id, gen: m.gen, stale: false, files: this.changedDiagnostics(), errors });
  }

  /** A kernel log's fault lines explained through the configuration beside it (kept while neither changes). */
  private logDiagnostics(p: string, text: string): PlainDiagnostic[] {
    const root = configurationForLog(this.project, p);
    const c = root ? this.project.analysisOf(root) : undefined;
    const analysis = c?.analysis ?? null;
    const last = this.logResults.get(p);
    if (last && last.text === text && last.analysis === analysis) return last.diagnostics;
    let diagnostics: PlainDiagnostic[];
    try {
      diagnostics = logDiagnostics(text, c ?? null, root ? path.basename(root) : null);
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      diagnostics = [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error', code: 'internal-error', message: `iommu-check failed on this log (please report): ${why}`, related: [] }];
    }
    this.logResults.set(p, { text, analysis, diagnostics });
    for (const k of [...this.logResults.keys()]) if (!this.logs.has(k) && k !== p) this.logResults.delete(k);
    return diagnostics;
  }

  private holdsOpen(root: string): boolean {
    for (const p of this.project.reach(root)) if (this.open.has(p)) return true;
    return false;
  }

  /** The diagnostics of every file (and config file) whose published set changed. */
  private changedDiagnostics(): FileDiagnostics[] {
    const { project } = this;
    const byPath = new Map<string, PlainDiagnostic[]>();
    const report = project.report();
    for (const [p, diags] of report.files) byPath.set(p, diags.map(toPlain));
    for (const config of project.settingsFiles()) byPath.set(config, []);
    for (const { path: p, problem } of project.settingsProblems()) {
      const text = project.host.read(p) ?? '';
      byPath.set(p, [{ range: toRange(new LineIndex(text), problem), severity: 'error', code: 'invalid-config', message: problem.message, related: [] }]);
    }
    for (const [p, log] of this.logs) byPath.set(p, this.logDiagnostics(p, log.text));
    const out: FileDiagnostics[] = [];
    const now = new Set<string>();
    for (const [p, diagnostics] of byPath) {
      const uri = path.basename(p) === CONFIG_FILE_NAME ? pathToFileURL(p).href : this.docs.uriOf(p);
      now.add(uri);
      let version: number | null = null;
      if (this.logs.has(p)) version = this.logs.get(p)!.version;
      else if (this.open.has(p)) {
        // published only when the analysis saw the text open now
        const seen = project.configurationsHolding(p)[0]?.texts.get(p);
        if (seen !== project.host.read(p)) continue;
        version = this.open.get(p)!;
      }
      const key = JSON.stringify([version, diagnostics]);
      if (this.sent.get(uri) === key) continue;
      this.sent.set(uri, key);
      out.push({ uri, version, diagnostics });
    }
    for (const uri of [...this.sent.keys()])
      if (!now.has(uri)) {
        this.sent.delete(uri);
        out.push({ uri, version: null, diagnostics: [] });
      }
    return out;
  }
}

/** Failure-isolation tests (server/src/faults.ts): the worker exits, dies of an uncaught error, or prints to its standard output, on its Nth check. */
function dieIfAsked(job: number): void {
  if (faultNumber('worker-print') === job) console.log(`injected fault at worker-print:${job}: a line printed by the analysis thread`);
  if (faultNumber('worker-exit') === job) process.exit(7);
  if (faultNumber('worker-error') === job)
    setImmediate(() => {
      throw new Error(`injected fault at worker-error:${job}`);
    });
}
