// `iommu-check` entry point. `--stdio` / `--lsp` run the language server over stdio; everything
// else is the command line (cli.ts).
import { runOwnerIfWorker } from '../lsp/ownerClient';
import { startServer } from '../lsp/server';
import { main } from './cli';
import { processIo } from './io';

const argv = process.argv.slice(2);
if (runOwnerIfWorker()) {
  // loaded again as the language server's checking thread
} else if (argv.includes('--stdio') || argv.includes('--lsp')) {
  // createConnection() picks its transport from process.argv; `--lsp` means stdio.
  if (!process.argv.includes('--stdio')) process.argv.push('--stdio');
  startServer();
} else {
  process.exitCode = main(argv, processIo());
}
