// The language server: the protocol shell over the engine and the `ide` features. Workspace
// awareness (every `.iommu` checked on start, diagnostics of included files published under
// them), debounced re-checks of the configurations an edit touches, cancellation of stale work,
// and conversions between offsets and LSP positions (UTF-16, as JS strings are).
// The transport comes from argv (`--node-ipc` from VS Code, `--stdio` from other editors).

import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  FoldingRangeKind,
  InlayHintKind,
  ProposedFeatures,
  ResponseError,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction as LspCodeAction,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type Location,
  type Range,
  type SemanticTokens,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../../../grammar/src/ast';
import { codeActions } from '../ide/codeActions';
import type { TextEdit } from '../ide/common';
import { completion, type CompletionKind } from '../ide/completion';
import { foldingRanges } from '../ide/folding';
import { formatEdits } from '../ide/format';
import { hover } from '../ide/hover';
import { inlayHints } from '../ide/inlayHints';
import { definition, prepareRename, references, rename } from '../ide/navigation';
import { semanticTokens, type TokenKind } from '../ide/semanticTokens';
import { documentSymbols, workspaceSymbols, type OutlineSymbol } from '../ide/symbols';
import type { Diagnostic, Loc, SourceFile, SymbolKind as IommuSymbolKind } from '../model/types';
import { registerAddressMap } from './addressMap';
import { Checker, type WireDiagnostic } from './checker';
import { cleanRules, findIommuFiles, Workspace } from './workspace';

const DEBOUNCE_MS = 200;
const STATUS = 'iommu-check/status';

export const TOKEN_TYPES = ['namespace', 'event', 'variable', 'struct', 'type', 'keyword', 'number', 'string', 'comment', 'enumMember', 'operator'];
export const TOKEN_MODIFIERS = ['declaration'];
const TOKEN_INDEX: Record<TokenKind, number> = {
  iommu: 0,
  irqchip: 1,
  device: 2,
  group: 3,
  domain: 4,
  keyword: 5,
  number: 6,
  string: 7,
  comment: 8,
  value: 9,
  operator: 10,
};

const SYMBOL_KIND: Record<IommuSymbolKind | 'map', SymbolKind> = {
  iommu: SymbolKind.Namespace,
  irqchip: SymbolKind.Event,
  device: SymbolKind.Variable,
  group: SymbolKind.Struct,
  domain: SymbolKind.Module,
  map: SymbolKind.Field,
};

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  value: CompletionItemKind.EnumMember,
  code: CompletionItemKind.Constant,
  iommu: CompletionItemKind.Module,
  irqchip: CompletionItemKind.Event,
  device: CompletionItemKind.Variable,
  group: CompletionItemKind.Struct,
  domain: CompletionItemKind.Class,
};

function toPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return path.resolve(fileURLToPath(uri));
  } catch {
    return null;
  }
}

function range(file: SourceFile, span: Span): Range {
  return { start: file.lines.position(span.start), end: file.lines.position(span.end) };
}

export function startServer(): void {
  const connection: Connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  const ws = new Workspace();
  const uris = new Map<string, string>();
  const uriOf = (p: string) => uris.get(p) ?? pathToFileURL(p).href;
  const published = new Set<string>();
  let configCapable = false;
  let watchCapable = false;
  let foldersCapable = false;

  // ---- checking --------------------------------------------------------------------------

  let generation = 0;
  let timer: NodeJS.Timeout | null = null;
  const dirty = new Set<string>();
  let dirtyAll = false;
  const evict = new Set<string>();
  let invalidateAll = false;
  let running = false;
  const checker = new Checker(typeof __filename === 'string' ? __filename : null, (m) => connection.console.error(m));

  function schedule(p: string | 'all', delay = DEBOUNCE_MS): void {
    if (p === 'all') dirtyAll = true;
    else dirty.add(p);
    generation++;
    checker.setGeneration(generation);
    kick(delay);
  }

  function kick(delay: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void run();
    }, delay);
  }

  /** Forget analyses here and on the checking side (rules, settings or files on disk changed). */
  function invalidate(): void {
    ws.invalidate();
    invalidateAll = true;
  }

  async function run(): Promise<void> {
    if (running) return; // the running pass sees the new generation and hands its work back
    running = true;
    const gen = generation;
    const changed = [...dirty];
    dirty.clear();
    const wasAll = dirtyAll;
    dirtyAll = false;
    const versions = new Map([...ws.open].map(([p, d]) => [p, d.version]));
    void connection.sendNotification(STATUS, { state: 'checking' });
    try {
      const reply = await checker.check(
        { gen, folders: ws.folders, files: [...ws.files], editorRules: ws.editorRules, evict: [...evict], invalidate: invalidateAll, dirty: changed, all: wasAll },
        ws.open,
      );
      evict.clear();
      invalidateAll = false;
      for (const e of reply.errors) connection.console.error(`iommu-check: ${e}`);
      if (reply.stale) {
        // a newer edit arrived: hand the work back to the next pass
        for (const p of changed) dirty.add(p);
        if (wasAll) dirtyAll = true;
        return;
      }
      ws.setRoots(reply.roots, reply.members);
      // Files edited while checking: every configuration holding one is out of date; the
      // next pass (already scheduled by the edit) publishes those.
      const moved = [...versions].filter(([p, v]) => ws.open.get(p)?.version !== v).map(([p]) => p);
      const skip = new Set<string>();
      for (const [, files] of reply.members) if (moved.some((p) => files.includes(p))) for (const f of files) skip.add(f);
      for (const p of moved) skip.add(p);
      publish(reply.diagnostics, skip, versions);
    } finally {
      running = false;
      void connection.sendNotification(STATUS, { state: 'idle' });
      if ((dirty.size > 0 || dirtyAll) && !timer) kick(DEBOUNCE_MS);
    }
  }

  function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
    const sev = d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
    return {
      range: range(d.loc.file, d.loc.span),
      severity: sev,
      code: d.code,
      source: 'iommu-check',
      message: d.message,
      ...(d.related.length ? { relatedInformation: d.related.map((r) => ({ location: location(r.loc), message: r.message })) } : {}),
    };
  }

  function location(loc: Loc): Location {
    return { uri: uriOf(loc.file.path), range: range(loc.file, loc.span) };
  }

  function fromWire(d: WireDiagnostic): LspDiagnostic {
    const sev = d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
    return {
      range: d.range,
      severity: sev,
      code: d.code,
      source: 'iommu-check',
      message: d.message,
      ...(d.related.length ? { relatedInformation: d.related.map((r) => ({ location: { uri: uriOf(r.path), range: r.range }, message: r.message })) } : {}),
    };
  }

  /** Publish the diagnostics of every file not in `skip`; open files carry the version checked. */
  function publish(byFile: [string, WireDiagnostic[]][], skip: Set<string>, versions: Map<string, number>): void {
    const now = new Set<string>();
    for (const [p, diags] of byFile) {
      const uri = uriOf(p);
      now.add(uri);
      if (skip.has(p)) continue;
      const v = versions.get(p);
      void connection.sendDiagnostics({ uri, diagnostics: diags.map(fromWire), ...(v !== undefined ? { version: v } : {}) });
    }
    for (const uri of [...published]) {
      if (now.has(uri) || skip.has(toPath(uri) ?? '')) continue;
      void connection.sendDiagnostics({ uri, diagnostics: [] });
      published.delete(uri);
    }
    for (const u of now) published.add(u);
  }

  // ---- lifecycle --------------------------------------------------------------------------

  connection.onInitialize((params: InitializeParams) => {
    const folders = params.workspaceFolders?.map((f) => toPath(f.uri)) ?? [params.rootUri ? toPath(params.rootUri) : params.rootPath ?? null];
    ws.folders = folders.filter((f): f is string => !!f);
    configCapable = !!params.capabilities.workspace?.configuration;
    foldersCapable = !!params.capabilities.workspace?.workspaceFolders;
    watchCapable = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const init = params.initializationOptions as { rules?: unknown } | undefined;
    if (init?.rules) ws.editorRules = cleanRules(init.rules);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        completionProvider: { triggerCharacters: [' ', ':', ','] },
        semanticTokensProvider: { legend: { tokenTypes: TOKEN_TYPES, tokenModifiers: TOKEN_MODIFIERS }, full: true },
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        inlayHintProvider: true,
        codeLensProvider: {},
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'iommu-check' },
    };
  });

  async function readSettings(): Promise<void> {
    if (!configCapable) return;
    try {
      const s = (await connection.workspace.getConfiguration('iommuCheck')) as { rules?: unknown } | null;
      ws.editorRules = cleanRules(s?.rules);
    } catch {
      /* the client has no settings for us */
    }
  }

  connection.onInitialized(async () => {
    if (foldersCapable) {
      connection.workspace.onDidChangeWorkspaceFolders(async (e) => {
        for (const r of e.removed) ws.folders = ws.folders.filter((f) => f !== toPath(r.uri));
        for (const a of e.added) {
          const p = toPath(a.uri);
          if (!p) continue;
          ws.folders.push(p);
          for (const f of await findIommuFiles(p)) ws.files.add(f);
        }
        schedule('all', 0);
      });
    }
    if (watchCapable)
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.iommu' }, { globPattern: '**/.iommu-check.json' }] });
    if (configCapable) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'iommuCheck' });
    await readSettings();
    for (const f of ws.folders) for (const p of await findIommuFiles(f)) ws.files.add(p);
    schedule('all', 0);
  });

  connection.onDidChangeConfiguration(async (change) => {
    const s = (change.settings as { iommuCheck?: { rules?: unknown } } | null)?.iommuCheck;
    if (configCapable) await readSettings();
    else if (s) ws.editorRules = cleanRules(s.rules);
    invalidate();
    schedule('all', 0);
  });

  connection.onDidChangeWatchedFiles((e) => {
    let all = false;
    for (const c of e.changes) {
      const p = toPath(c.uri);
      if (!p) continue;
      if (p.endsWith('.iommu-check.json')) {
        invalidate();
        all = true;
        continue;
      }
      if (!p.endsWith('.iommu')) continue;
      if (c.type === FileChangeType.Deleted) ws.files.delete(p);
      else ws.files.add(p);
      if (!ws.open.has(p)) ws.cache.delete(p);
      evict.add(p);
      invalidate();
      all = true;
    }
    if (all) schedule('all');
  });

  // ---- documents --------------------------------------------------------------------------

  function track(doc: TextDocument): void {
    const p = toPath(doc.uri);
    if (!p) return;
    uris.set(p, doc.uri);
    ws.open.set(p, { text: doc.getText(), version: doc.version });
    ws.files.add(p);
    schedule(p);
  }
  documents.onDidOpen((e) => track(e.document));
  documents.onDidChangeContent((e) => track(e.document));
  documents.onDidClose((e) => {
    const p = toPath(e.document.uri);
    if (!p) return;
    ws.open.delete(p);
    schedule(p);
  });

  /** The analysis and source file of a document, current with its text. */
  function at(uri: string): { a: NonNullable<ReturnType<Workspace['analysisFor']>>; file: SourceFile } | null {
    const p = toPath(uri);
    if (!p) return null;
    const a = ws.analysisFor(p);
    const file = a?.config.files.find((f) => f.path === p);
    return a && file ? { a, file } : null;
  }
  const offsetOf = (file: SourceFile, pos: { line: number; character: number }) => file.lines.offset(pos);
  const toEdits = (edits: TextEdit[], files: Map<string, SourceFile>): WorkspaceEdit => {
    const changes: Record<string, LspTextEdit[]> = {};
    const seen = new Set<string>();
    for (const e of edits) {
      const key = `${e.path}:${e.span.start}:${e.span.end}:${e.newText}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const f = files.get(e.path);
      if (!f) continue;
      (changes[uriOf(e.path)] ??= []).push({ range: range(f, e.span), newText: e.newText });
    }
    return { changes };
  };

  // ---- features ---------------------------------------------------------------------------

  connection.onHover((params) => {
    const c = at(params.textDocument.uri);
    if (!c) return null;
    const h = hover(c.a, c.file, offsetOf(c.file, params.position));
    return h ? { contents: { kind: 'markdown', value: h.contents }, range: range(c.file, h.span) } : null;
  });

  connection.onDefinition((params) => {
    const c = at(params.textDocument.uri);
    if (!c) return null;
    const loc = definition(c.a.config, c.file, offsetOf(c.file, params.position));
    return loc ? location(loc) : null;
  });

  connection.onReferences((params) => {
    const p = toPath(params.textDocument.uri);
    if (!p) return [];
    const out: Location[] = [];
    const seen = new Set<string>();
    for (const a of ws.analysesFor(p)) {
      const file = a.config.files.find((f) => f.path === p)!;
      for (const loc of references(a.config, file, offsetOf(file, params.position), params.context.includeDeclaration)) {
        const key = `${loc.file.path}:${loc.span.start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(location(loc));
      }
    }
    return out;
  });

  connection.onPrepareRename((params) => {
    const c = at(params.textDocument.uri);
    if (!c) return null;
    const r = prepareRename(c.a.config, c.file, offsetOf(c.file, params.position));
    if ('error' in r) return new ResponseError(ErrorCodes.InvalidRequest, r.error);
    return { range: range(c.file, r.loc.span), placeholder: r.name };
  });

  connection.onRenameRequest((params) => {
    const p = toPath(params.textDocument.uri);
    if (!p) return null;
    const edits: TextEdit[] = [];
    const files = new Map<string, SourceFile>();
    for (const a of ws.analysesFor(p)) {
      const file = a.config.files.find((f) => f.path === p)!;
      const r = rename(a.config, file, offsetOf(file, params.position), params.newName);
      if ('error' in r) return new ResponseError(ErrorCodes.InvalidRequest, r.error);
      edits.push(...r.edits);
      for (const f of a.config.files) files.set(f.path, f);
    }
    return toEdits(edits, files);
  });

  connection.onDocumentSymbol((params) => {
    const c = at(params.textDocument.uri);
    if (!c) return [];
    const conv = (s: OutlineSymbol): import('vscode-languageserver').DocumentSymbol => ({
      name: s.name,
      detail: s.detail,
      kind: SYMBOL_KIND[s.kind],
      range: range(c.file, s.span),
      selectionRange: range(c.file, s.selection),
      children: s.children.map(conv),
    });
    return documentSymbols(c.file).map(conv);
  });

  connection.onWorkspaceSymbol((params) => {
    return workspaceSymbols(
      ws.allAnalyses().map((a) => a.config),
      params.query,
    ).map((s) => {
      const file = ws.allAnalyses().flatMap((a) => a.config.files).find((f) => f.path === s.path)!;
      return { name: s.name, kind: SYMBOL_KIND[s.kind], containerName: s.container, location: { uri: uriOf(s.path), range: range(file, s.span) } };
    });
  });

  connection.onCompletion((params) => {
    const doc = documents.get(params.textDocument.uri);
    const p = toPath(params.textDocument.uri);
    if (!doc || !p) return [];
    const text = doc.getText();
    const offset = doc.offsetAt(params.position);
    const a = ws.analysisFor(p);
    return completion(text, offset, a?.config ?? null).map((it) => ({
      label: it.label,
      kind: COMPLETION_KIND[it.kind],
      ...(it.detail ? { detail: it.detail } : {}),
      textEdit: { range: { start: doc.positionAt(it.replace.start), end: doc.positionAt(it.replace.end) }, newText: it.label },
    }));
  });

  connection.languages.semanticTokens.on((params): SemanticTokens => {
    const c = at(params.textDocument.uri);
    if (!c) return { data: [] };
    const data: number[] = [];
    let line = 0;
    let char = 0;
    for (const t of semanticTokens(c.a.config, c.file)) {
      // one entry per line of a multi-line token
      let s = t.start;
      while (s < t.end) {
        const pos = c.file.lines.position(s);
        const lineEnd = pos.line + 1 < c.file.lines.lineCount ? c.file.lines.lineStart(pos.line + 1) : c.file.text.length;
        let e = Math.min(t.end, lineEnd);
        while (e > s && (c.file.text[e - 1] === '\n' || c.file.text[e - 1] === '\r')) e--;
        if (e > s) {
          data.push(pos.line - line, pos.line === line ? pos.character - char : pos.character, e - s, TOKEN_INDEX[t.kind], t.declaration ? 1 : 0);
          line = pos.line;
          char = pos.character;
        }
        if (lineEnd <= s) break;
        s = lineEnd;
      }
    }
    return { data };
  });

  connection.onFoldingRanges((params) => {
    const c = at(params.textDocument.uri);
    if (!c) return [];
    return foldingRanges(c.file).map((f) => ({ startLine: f.startLine, endLine: f.endLine, kind: f.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region }));
  });

  connection.onDocumentFormatting((params) => {
    const doc = documents.get(params.textDocument.uri);
    const p = toPath(params.textDocument.uri);
    if (!doc || !p) return [];
    const file = ws.cache.get(p, doc.getText());
    return formatEdits(file).map((e) => ({ range: range(file, e.span), newText: e.newText }));
  });

  connection.onCodeAction((params) => {
    const c = at(params.textDocument.uri);
    if (!c) return [];
    const span = { start: offsetOf(c.file, params.range.start), end: offsetOf(c.file, params.range.end) };
    const files = new Map(c.a.config.files.map((f) => [f.path, f]));
    return codeActions(c.a, c.file, span).map(
      (x): LspCodeAction => ({
        title: x.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLspDiagnostic(x.diagnostic)],
        edit: toEdits(x.edits, files),
        ...(x.preferred ? { isPreferred: true } : {}),
      }),
    );
  });

  connection.languages.inlayHint.on((params) => {
    const c = at(params.textDocument.uri);
    if (!c) return [];
    const span = { start: offsetOf(c.file, params.range.start), end: offsetOf(c.file, params.range.end) };
    return inlayHints(c.a.config, c.a.tx, c.file, span).map((h) => ({
      position: c.file.lines.position(h.offset),
      label: h.label,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      ...(h.tooltip ? { tooltip: h.tooltip } : {}),
    }));
  });

  registerAddressMap(connection, at);

  connection.onShutdown(() => checker.dispose());

  documents.listen(connection);
  connection.listen();
}
