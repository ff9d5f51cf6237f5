// Language server entry. The transport comes from argv (`--node-ipc` from VS Code, `--stdio` from
// other editors), so the same bundle serves both.
// Minimal placeholder: tracks open documents and publishes no diagnostics yet.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);

  connection.onInitialize(() => ({
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'iommu-check' },
  }));

  documents.listen(connection);
  connection.listen();
}
