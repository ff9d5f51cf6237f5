// `iommu-check` entry point. `--stdio` / `--lsp` run the language server over stdio; everything
// else is the command line (cli.ts). The language server's modules are loaded only when it runs:
// a check starts without them.
import { isMainThread } from 'node:worker_threads';
import { main } from './cli';
import { processIo } from './io';

type OwnerModule = typeof import('../lsp/ownerClient');
type ServerModule = typeof import('../lsp/server');

const argv = process.argv.slice(2);
if (!isMainThread && (require('../lsp/ownerClient') as OwnerModule).runOwnerIfWorker()) {
  // loaded again as the language server's checking thread
} else if (argv.includes('--stdio') || argv.includes('--lsp')) {
  // createConnection() picks its transport from process.argv; `--lsp` means stdio.
  if (!process.argv.includes('--stdio')) process.argv.push('--stdio');
  (require('../lsp/server') as ServerModule).startServer();
} else {
  process.exitCode = main(argv, processIo());
}
