// `iommu-check` command line. `--stdio` / `--lsp` run the language server over stdio.
import { startServer } from '../lsp/server';

declare const IOMMU_CHECK_VERSION: string | undefined;

const USAGE = `usage: iommu-check [options] PATH...
       iommu-check --stdio | --lsp      run the language server over stdio
       iommu-check --version | --help`;

function main(argv: string[]): number | undefined {
  if (argv.includes('--stdio') || argv.includes('--lsp')) {
    // createConnection() picks its transport from process.argv; `--lsp` means stdio.
    if (!process.argv.includes('--stdio')) process.argv.push('--stdio');
    startServer();
    return undefined; // keep running until the client disconnects
  }
  if (argv.includes('--version')) {
    console.log(typeof IOMMU_CHECK_VERSION === 'string' ? IOMMU_CHECK_VERSION : '0.0.0');
    return 0;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  console.error('iommu-check: checking files is not implemented yet');
  return 2;
}

const code = main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
