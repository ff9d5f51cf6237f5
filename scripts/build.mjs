#!/usr/bin/env node
// Bundles the CLI, the standalone language server and the VS Code client with esbuild.
//   dist/iommu-check.js      CLI (checker + `--stdio` language server), executable
//   dist/server.js           language server only (node-ipc for VS Code, stdio for other editors)
//   client/dist/extension.js VS Code client (vscode is external)
//   client/dist/server.js    copy of dist/server.js, shipped in the .vsix
//   client/syntaxes/iommu.tmLanguage.json  copy of grammar/iommu.tmLanguage.json
// Flags: --quiet (no output on success), --sourcemap (development builds; off by default).
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const sourcemap = args.has('--sourcemap');
const started = Date.now();
const log = (msg) => { if (!quiet) console.log(msg); };
const p = (...parts) => join(root, ...parts);

/** Fails the build if anything in a server bundle imports `vscode` (only the client may). */
const noVscode = {
  name: 'no-vscode-in-server',
  setup(b) {
    b.onResolve({ filter: /^vscode$/ }, (a) => ({
      errors: [{ text: `the server bundle must not import 'vscode' (imported by ${relative(root, a.importer) || a.importer})` }],
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: sourcemap ? 'linked' : false,
  logLevel: 'silent',
  legalComments: 'none',
  metafile: true,
  absWorkingDir: root,
};
const version = JSON.parse(readFileSync(p('package.json'), 'utf8')).version;
common.define = { IOMMU_CHECK_VERSION: JSON.stringify(version), IOMMU_CHECK_BUNDLE: 'true' };

function assertNoVscode(result, name) {
  for (const input of Object.keys(result.metafile.inputs)) {
    if (/(^|[\\/])node_modules[\\/](@types[\\/])?vscode[\\/]/.test(input)) {
      throw new Error(`${name} bundles ${input}: the server must not depend on 'vscode'`);
    }
  }
}

function firstError(err) {
  const e = err && Array.isArray(err.errors) && err.errors[0];
  if (!e) return String(err && err.message ? err.message : err).split('\n')[0];
  const loc = e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ` : '';
  const more = err.errors.length > 1 ? ` (+${err.errors.length - 1} more)` : '';
  return `${loc}${e.text}${more}`;
}

try {
  // Keep the extension manifest's version in step with the root package.
  const rootPkg = JSON.parse(readFileSync(p('package.json'), 'utf8'));
  const clientPkgPath = p('client', 'package.json');
  const clientPkgText = readFileSync(clientPkgPath, 'utf8');
  const clientPkg = JSON.parse(clientPkgText);
  if (clientPkg.version !== rootPkg.version) {
    clientPkg.version = rootPkg.version;
    writeFileSync(clientPkgPath, JSON.stringify(clientPkg, null, 2) + '\n');
    log(`client/package.json: version set to ${rootPkg.version}`);
  }

  const [cli, server] = await Promise.all([
    build({
      ...common,
      entryPoints: [p('server/src/cli/main.ts')],
      outfile: p('dist/iommu-check.js'),
      banner: { js: '#!/usr/bin/env node' },
      plugins: [noVscode],
    }),
    build({
      ...common,
      entryPoints: [p('server/src/lsp/main.ts')],
      outfile: p('dist/server.js'),
      plugins: [noVscode],
    }),
    build({
      ...common,
      entryPoints: [p('client/src/extension.ts')],
      outfile: p('client/dist/extension.js'),
      external: ['vscode'],
    }),
  ]);
  assertNoVscode(cli, 'dist/iommu-check.js');
  assertNoVscode(server, 'dist/server.js');

  chmodSync(p('dist/iommu-check.js'), 0o755);
  copyFileSync(p('dist/server.js'), p('client/dist/server.js'));
  mkdirSync(p('client/syntaxes'), { recursive: true });
  const grammar = readFileSync(p('grammar/iommu.tmLanguage.json'), 'utf8');
  JSON.parse(grammar); // a broken grammar must fail the build, not the editor
  writeFileSync(p('client/syntaxes/iommu.tmLanguage.json'), grammar);

  log(`built dist/iommu-check.js, dist/server.js, client/dist/extension.js in ${Date.now() - started} ms`);
} catch (err) {
  console.error(`build failed: ${firstError(err)}`);
  process.exit(1);
}
