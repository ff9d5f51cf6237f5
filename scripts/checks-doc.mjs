#!/usr/bin/env node
// Writes docs/checks.md from the check registry (server/src/checks/*/<code>.ts).
// `--check`: exit 1 when the file differs from the registry instead of writing it.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = await build({
  stdin: {
    contents: "export { renderChecksDoc } from './server/src/checks/explanation'; export { CHECKS } from './server/src/checks/registry';",
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  logLevel: 'silent',
});
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
const text = mod.exports.renderChecksDoc(mod.exports.CHECKS);
const file = join(root, 'docs/checks.md');
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== text) {
    console.error('docs/checks.md is out of date: run npm run docs:checks');
    process.exit(1);
  }
} else writeFileSync(file, text);
