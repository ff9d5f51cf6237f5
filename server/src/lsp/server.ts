// The language server's wiring: the connection, document sync, the editor's settings and file
// events, the check scheduler, and publishing. The analysis owner (./owner.ts, in a worker
// thread) holds the project and answers every feature request (./features/); this thread never
// analyses. The transport comes from argv (`--node-ipc` from VS Code, `--stdio` elsewhere:
// ./transport.ts, which survives malformed input).

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { cleanRules } from '../project/index';
import { CAPABILITIES } from './capabilities';
import { toDiagnostic } from './convert';
import { registerFeatures } from './handlers';
import { OwnerClient } from './ownerClient';
import type { CheckedMessage } from './protocol';
import { CheckScheduler } from './scheduler';
import { serverConnection } from './transport';
import { VERSION } from '../version';

const STATUS = 'iommu-check/status';

function toPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return path.resolve(fileURLToPath(uri));
  } catch {
    return null;
  }
}

export function startServer(): void {
  const { connection, shutDown } = serverConnection();
  const documents = new TextDocuments(TextDocument);
  const log = (m: string) => connection.console.error(m);
  const caps = { config: false, watch: false, folders: false };
  let folders: string[] = [];

  const owner = new OwnerClient(typeof __filename === 'string' ? __filename : null, log, () => scheduler.schedule('all', 0));
  const scheduler = new CheckScheduler({
    check: async (paths, gen) => {
      const r = await owner.check(paths, gen);
      if (!r.stale) publish(r);
      return r;
    },
    setGeneration: (gen) => owner.setGeneration(gen),
    onBusy: (busy) => void connection.sendNotification(STATUS, { state: busy ? 'checking' : 'idle' }),
  });

  const reported = new Set<string>();
  function publish(r: CheckedMessage): void {
    // a failure of the checker is logged once, not again at every re-check of the same text
    for (const e of r.errors) {
      if (reported.has(e)) continue;
      reported.add(e);
      log(`iommu-check: ${e}`);
    }
    for (const f of r.files) {
      // an open document edited since: the next check publishes it
      if (f.version !== null && documents.get(f.uri)?.version !== f.version) continue;
      void connection.sendDiagnostics({ uri: f.uri, diagnostics: f.diagnostics.map((d) => toDiagnostic(d, (p) => owner.uriOf(p))), ...(f.version !== null ? { version: f.version } : {}) });
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------

  connection.onInitialize((params: InitializeParams) => {
    const named = params.workspaceFolders?.map((f) => toPath(f.uri)) ?? [params.rootUri ? toPath(params.rootUri) : (params.rootPath ?? null)];
    folders = named.filter((f): f is string => !!f);
    caps.config = !!params.capabilities.workspace?.configuration;
    caps.folders = !!params.capabilities.workspace?.workspaceFolders;
    caps.watch = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const init = params.initializationOptions as { rules?: unknown } | undefined;
    if (init?.rules) owner.update({ overrides: cleanRules(init.rules) });
    return { capabilities: CAPABILITIES, serverInfo: { name: 'iommu-check', version: VERSION } };
  });

  async function readSettings(): Promise<void> {
    if (!caps.config) return;
    try {
      const s = (await connection.workspace.getConfiguration('iommuCheck')) as { rules?: unknown } | null;
      owner.update({ overrides: cleanRules(s?.rules) });
    } catch {
      /* the client has no settings for us */
    }
  }

  connection.onInitialized(async () => {
    if (caps.folders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((r) => toPath(r.uri)));
        folders = [...folders.filter((f) => !removed.has(f)), ...e.added.map((a) => toPath(a.uri)).filter((p): p is string => !!p)];
        owner.update({ folders });
        scheduler.schedule('all', 0);
      });
    }
    if (caps.watch)
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.iommu' }, { globPattern: '**/.iommu-check.json' }] });
    if (caps.config) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'iommuCheck' });
    owner.update({ folders });
    await readSettings();
    scheduler.schedule('all', 0);
  });

  connection.onDidChangeConfiguration(async (change) => {
    const s = (change.settings as { iommuCheck?: { rules?: unknown } } | null)?.iommuCheck;
    if (caps.config) await readSettings();
    else if (s) owner.update({ overrides: cleanRules(s.rules) });
    scheduler.schedule('all', 0);
  });

  connection.onDidChangeWatchedFiles((e) => {
    const created: string[] = [];
    const deleted: string[] = [];
    const changed: string[] = [];
    for (const c of e.changes) {
      const p = toPath(c.uri);
      if (!p) continue;
      (c.type === FileChangeType.Created ? created : c.type === FileChangeType.Deleted ? deleted : changed).push(p);
    }
    owner.update({ created, deleted, changed });
    const all = [...created, ...deleted, ...changed];
    if (all.some((p) => path.basename(p) === '.iommu-check.json')) scheduler.schedule('all');
    else for (const p of all) scheduler.schedule(p);
  });

  // ---- documents --------------------------------------------------------------------------

  const track = (doc: TextDocument) => {
    owner.update({ documents: [[doc.uri, doc.getText(), doc.version]] });
    scheduler.schedule(owner.pathOf(doc.uri));
  };
  documents.onDidOpen((e) => track(e.document));
  documents.onDidChangeContent((e) => track(e.document));
  documents.onDidClose((e) => {
    owner.update({ documents: [[e.document.uri, null, e.document.version]] });
    scheduler.schedule(owner.pathOf(e.document.uri));
  });

  registerFeatures(connection, owner, log, (uri) => documents.get(uri)?.version);
  connection.onShutdown(() => {
    shutDown();
    owner.dispose();
  });

  documents.listen(connection);
  connection.listen();
}
