// The language-server soak: a long editing session on one file over stdio, as an editor would
// drive it. Random edits (inserts of tokens, deletes, pastes of whole samples, undo of recent
// edits and now and then back to the start) sent as incremental changes, interleaved with hover,
// completion, inlay hints, semantic tokens, code actions, formatting and rename at random
// positions, with pauses now and then. Now and then an edit supersedes the requests still
// pending, and the client cancels them (`$/cancelRequest`), as editors do. Every request must be
// answered, or refused as cancelled (RequestCancelled), as asked about a text that changed
// meanwhile (ContentModified) or as cut short by a restart (ServerCancelled); the server must not
// die, and the diagnostics it publishes for the final version must equal a fresh command-line
// check of the final text.

import fc from 'fast-check';
import * as fs from 'node:fs';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import * as path from 'node:path';
import { run } from '../cli/helpers';
import { SAMPLES } from '../properties/corpus';
import { SOUP_PIECES } from '../properties/generators';
import { startSession } from './lspSession';

type RequestKind = 'hover' | 'completion' | 'inlayHint' | 'semanticTokens' | 'codeAction' | 'formatting' | 'rename';
const REQUEST_KINDS: RequestKind[] = ['hover', 'completion', 'inlayHint', 'semanticTokens', 'codeAction', 'formatting', 'rename'];

type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; n: number }
  | { kind: 'paste'; at: number; sample: number }
  | { kind: 'undo'; steps: number }
  | { kind: 'undo-all' };

interface Step {
  edit: Edit;
  request: { kind: RequestKind; at: number } | null;
  pause: number;
  /** The edit supersedes the requests still pending: cancel them. */
  cancelPending: boolean;
  /** Wait for the answer to this step's request before the next edit (a user reading a hover). */
  waitForAnswer: boolean;
}

const step: fc.Arbitrary<Step> = fc.record({
  edit: fc.oneof(
    { weight: 200, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...SOUP_PIECES.filter((p) => !/["\u0000\ud800]/.test(p)), ' ', '\n', '\r\n', '}\n') }) },
    { weight: 120, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }) },
    { weight: 20, arbitrary: fc.record({ kind: fc.constant('paste' as const), at: fc.nat(), sample: fc.nat() }) },
    { weight: 40, arbitrary: fc.record({ kind: fc.constant('undo' as const), steps: fc.integer({ min: 1, max: 12 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'undo-all' as const }) },
  ),
  request: fc.option(fc.record({ kind: fc.constantFrom(...REQUEST_KINDS), at: fc.nat() }), { freq: 2 }),
  pause: fc.oneof({ weight: 30, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }) }),
  cancelPending: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 9, arbitrary: fc.constant(false) }),
  waitForAnswer: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 2, arbitrary: fc.constant(false) }),
});

/** LSP position of an offset (lines end at \n, \r\n or \r). */
function position(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  return { line, character: offset - start };
}

/** A cursor offset that splits neither a \r\n nor a surrogate pair. */
function cursor(text: string, at: number): number {
  let o = at % (text.length + 1);
  while (o > 0 && o < text.length && ((text[o - 1] === '\r' && text[o] === '\n') || /[\ud800-\udbff]/.test(text[o - 1]!))) o--;
  return o;
}

/** The one range change that turns `a` into `b`. */
function change(a: string, b: string): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  // never split a \r\n or a surrogate pair at either end
  while (p > 0 && (a[p - 1] === '\r' || /[\ud800-\udbff]/.test(a[p - 1]!))) p--;
  while (s > 0 && (a[a.length - s] === '\n' || /[\udc00-\udfff]/.test(a[a.length - s]!))) s--;
  return { range: { start: position(a, p), end: position(a, a.length - s) }, text: b.slice(p, b.length - s) };
}

function apply(text: string, e: Edit, samples: readonly string[]): string {
  switch (e.kind) {
    case 'insert': {
      const o = cursor(text, e.at);
      return text.slice(0, o) + e.text + text.slice(o);
    }
    case 'delete': {
      const o = cursor(text, e.at);
      const end = cursor(text, Math.min(text.length, o + e.n));
      return text.slice(0, o) + text.slice(Math.max(o, end));
    }
    case 'paste': {
      const o = cursor(text, e.at);
      return text.slice(0, o) + samples[e.sample % samples.length]! + text.slice(o);
    }
    default:
      return text;
  }
}

export interface SoakOptions {
  edits: number;
  seed: number;
  /** Called after every 1 000 edits or so (with the peak RSS so far). */
  progress?: (done: number, stats: SoakStats) => void;
  /** IOMMU_CHECK_FAULTS for the server (server/src/faults.ts). */
  faults?: string;
}

export interface SoakStats {
  edits: number;
  requests: number;
  answered: number;
  /** Refused as RequestCancelled, ContentModified or ServerCancelled. */
  cancelled: number;
  /** `$/cancelRequest` sent by the client (for requests an edit superseded). */
  cancelRequests: number;
  /** Of the cancelled: by kind of refusal. */
  refusals: { requestCancelled: number; contentModified: number; serverCancelled: number };
  /** Requests answered with an error other than a cancellation: each is a failure. */
  failures: string[];
  peakRssBytes: number;
  finalLength: number;
  /** The published diagnostics for the final version equal the command line's. */
  agreement: boolean;
  published: string[];
  expected: string[];
  seconds: number;
  serverExit: string | null;
  /** What the server logged. */
  log: string[];
}

const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];

export async function soak(opts: SoakOptions): Promise<SoakStats> {
  const started = performance.now();
  const samples = SAMPLES.map((s) => s.text);
  const start = samples.find((s) => /nested/.test(s)) ?? samples[0]!;
  const s = await startSession({ 'main.iommu': start, '.iommu-check.json': '{ "rules": {} }\n' }, opts.faults ? { env: { IOMMU_CHECK_FAULTS: opts.faults } } : {});
  const uri = s.uri('main.iommu');
  const stats: SoakStats = { edits: 0, requests: 0, answered: 0, cancelled: 0, cancelRequests: 0, refusals: { requestCancelled: 0, contentModified: 0, serverCancelled: 0 }, failures: [], peakRssBytes: 0, finalLength: 0, agreement: false, published: [], expected: [], seconds: 0, serverExit: null, log: [] };
  try {
    let text = start;
    let version = 1;
    const history: string[] = [];
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version, text } });
    const pending: Promise<void>[] = [];
    /** Requests not yet answered, cancellable. */
    const open = new Set<CancellationTokenSource>();
    const cancelOpen = () => {
      for (const t of open) {
        t.cancel();
        stats.cancelRequests++;
      }
      open.clear();
    };
    const send = (kind: RequestKind, at: number): void => {
      const o = cursor(text, at);
      const pos = position(text, o);
      const doc = { uri };
      const end = position(text, cursor(text, o + 20));
      const params: Record<RequestKind, [string, unknown]> = {
        hover: ['textDocument/hover', { textDocument: doc, position: pos }],
        completion: ['textDocument/completion', { textDocument: doc, position: pos }],
        inlayHint: ['textDocument/inlayHint', { textDocument: doc, range: { start: { line: 0, character: 0 }, end: position(text, text.length) } }],
        semanticTokens: ['textDocument/semanticTokens/full', { textDocument: doc }],
        codeAction: ['textDocument/codeAction', { textDocument: doc, range: { start: pos, end }, context: { diagnostics: [] } }],
        formatting: ['textDocument/formatting', { textDocument: doc, options: { tabSize: 2, insertSpaces: true } }],
        rename: ['textDocument/rename', { textDocument: doc, position: pos, newName: 'renamed_x' }],
      };
      const [method, p] = params[kind];
      stats.requests++;
      const token = new CancellationTokenSource();
      open.add(token);
      pending.push(
        s.conn.sendRequest(method, p, token.token).then(
          () => {
            open.delete(token);
            stats.answered++;
          },
          (e: { code?: number; message?: string }) => {
            open.delete(token);
            // cancelled because superseded, the document changed under it, or the owner restarted
            if (e?.code === -32800 || e?.code === -32801 || e?.code === -32802) {
              stats.cancelled++;
              if (e.code === -32800) stats.refusals.requestCancelled++;
              else if (e.code === -32801) stats.refusals.contentModified++;
              else stats.refusals.serverCancelled++;
            }
            else if (kind === 'rename' && (e?.code === -32600 || e?.code === -32602 || e?.code === -32803)) stats.answered++; // a refusal ("no name here") is an answer
            else stats.failures.push(`${method} at ${pos.line}:${pos.character}: ${e?.code} ${e?.message}`);
          },
        ),
      );
    };
    // steps in batches from the seed, until the number of edits sent (undo steps count one each) is reached
    let batch = 0;
    let nextReport = 1000;
    const steps = function* (): Generator<Step> {
      for (;;) yield* fc.sample(step, { seed: opts.seed + batch++, numRuns: 500 });
    };
    for (const st of steps()) {
      if (s.exited() || stats.edits >= opts.edits) break;
      let next = text;
      const e = st.edit;
      if (st.cancelPending) cancelOpen();
      if (e.kind === 'undo' || e.kind === 'undo-all') {
        // an editor's undo: one change per step back
        const n = Math.min(e.kind === 'undo-all' ? history.length : e.steps, history.length, opts.edits - stats.edits);
        for (let i = 0; i < n; i++) {
          const prev = history.pop()!;
          version++;
          await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change(text, prev)] });
          text = prev;
          stats.edits++;
        }
      } else {
        // keep the text a plausible size: past 40 000 characters, cut instead of adding
        next = text.length > 40_000 && e.kind !== 'delete' ? apply(text, { kind: 'delete', at: e.at, n: 4000 }, samples) : apply(text, e, samples);
        if (next !== text) {
          history.push(text);
          if (history.length > 400) history.splice(0, history.length - 400);
          version++;
          await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change(text, next)] });
          text = next;
        }
        stats.edits++;
      }
      if (st.request) {
        send(st.request.kind, st.request.at);
        if (st.waitForAnswer) await pending[pending.length - 1];
      }
      if (st.pause > 0) {
        await new Promise((r) => setTimeout(r, st.pause));
        await Promise.all(pending.splice(0));
      }
      if (pending.length > 64) await Promise.all(pending.splice(0));
      if (opts.progress && stats.edits >= nextReport) {
        nextReport += 1000;
        stats.peakRssBytes = s.peakRss();
        opts.progress(stats.edits, stats);
      }
    }
    await Promise.all(pending.splice(0));
    stats.finalLength = text.length;
    const finalVersion = version;
    const published = await s.until(() => {
      const p = s.diagnostics.get(uri);
      return p && p.version === finalVersion ? p : undefined;
    }, 120_000);
    // a fresh command-line check of the final text, in the same folder
    fs.writeFileSync(path.join(s.dir, 'main.iommu'), text);
    const cli = run(['--format', 'json', 'main.iommu'], { cwd: s.dir });
    const json = JSON.parse(cli.out) as { files: { path: string; diagnostics: { range: unknown; severity: string; code: string; message: string }[] }[] };
    const key = (range: unknown, severity: string, code: string, message: string) => `${JSON.stringify(range)} ${severity} ${code}: ${message}`;
    stats.expected = (json.files.find((f) => f.path === 'main.iommu')?.diagnostics ?? []).map((d) => key(d.range, d.severity, d.code, d.message)).sort();
    stats.published = published.diagnostics.map((d) => key(d.range, SEVERITY[d.severity ?? 1]!, String(d.code), typeof d.message === 'string' ? d.message : d.message.value)).sort();
    stats.agreement = JSON.stringify(stats.expected) === JSON.stringify(stats.published);
  } finally {
    stats.peakRssBytes = s.peakRss();
    stats.log = [...s.logs];
    const ex = s.exited();
    stats.serverExit = ex ? `${JSON.stringify(ex)}\n${s.stderr()}` : null;
    stats.seconds = (performance.now() - started) / 1000;
    await s.close();
  }
  return stats;
}
