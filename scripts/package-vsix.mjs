#!/usr/bin/env node
// Packages client/ (after scripts/build.mjs) into dist/iommu-check-<version>.vsix with vsce.
// Works offline: the bundles are self-contained, so dependencies are not packaged.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const fail = (msg) => { console.error(`package failed: ${msg}`); process.exit(1); };

const manifest = JSON.parse(readFileSync(join(root, 'client', 'package.json'), 'utf8'));
for (const f of ['dist/extension.js', 'dist/server.js', 'syntaxes/iommu.tmLanguage.json']) {
  if (!existsSync(join(root, 'client', f))) fail(`client/${f} is missing; run 'npm run build' first`);
}
const out = join(root, 'dist', `${manifest.name}-${manifest.version}.vsix`);
mkdirSync(dirname(out), { recursive: true });

const require = createRequire(import.meta.url);
const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
const started = Date.now();
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-update-package-json', '-o', out], {
  cwd: join(root, 'client'),
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, VSCE_STORE: 'file' },
});
if (r.status !== 0) {
  const text = `${r.stderr || ''}\n${r.stdout || ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  fail(text.find((l) => /error/i.test(l)) ?? text[0] ?? `vsce exited with ${r.status ?? r.signal}`);
}
if (!quiet) {
  const kb = (statSync(out).size / 1024).toFixed(0);
  console.log(`packaged ${out.slice(root.length + 1)} (${kb} KB) in ${Date.now() - started} ms`);
}
