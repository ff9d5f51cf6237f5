// `npm run bench` (fourth part): the real language server (dist/server.js --stdio) on one large
// generated file (100k maps by default: gen-config.mjs `generateMaps`, about 4.5 MB): the time
// from opening it to its diagnostics, then each request an editor makes on opening or typing,
// one after another (each alone): hover on a map, semantic tokens (of a screenful, then of the
// whole file), the outline, folding ranges, and completion near the end of the file. Prints a
// Markdown table. BENCH_LARGE_MAPS changes the size; BENCH_SERVER names another build's
// dist/server.js (bench.mjs's BENCH_BEFORE).
//   node scripts/bench-lsp-large.mjs

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import protocol from 'vscode-languageserver-protocol/node';
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = protocol;
import { generateMaps } from './gen-config.mjs';

const MAPS = Number(process.env.BENCH_LARGE_MAPS ?? 100_000);
const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.join(here, '..');
const server = path.resolve(root, process.env.BENCH_SERVER ?? 'dist/server.js');
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-bench-lsp-large-')));
const text = generateMaps(MAPS).files.get('main.iommu');
const file = path.join(dir, 'main.iommu');
fs.writeFileSync(file, text);
const uri = pathToFileURL(file).href;
const lines = text.split('\n');

const proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
let diagnosed = null;
const opened = new Promise((resolve) => (diagnosed = resolve));
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  if (p.uri === uri) diagnosed(p.diagnostics.length);
});
conn.onRequest('workspace/configuration', () => [{ rules: {} }]);
conn.onRequest('client/registerCapability', () => null);
conn.listen();

const rows = [];
async function timed(label, method, params, describe) {
  const s = performance.now();
  const r = await conn.sendRequest(method, params);
  rows.push([label, performance.now() - s, describe(r)]);
}

await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'bench' }] });
conn.sendNotification('initialized', {});
const s = performance.now();
conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version: 1, text } });
const count = await opened;
rows.push(['open → diagnostics', performance.now() - s, `${count} diagnostics`]);
const doc = { uri };
const mapLine = Math.floor(lines.length / 2);
const at = { line: mapLine, character: lines[mapLine].indexOf('0x') + 3 };
await timed('hover on a map (first)', 'textDocument/hover', { textDocument: doc, position: at }, (r) => (r ? 'answered' : 'none'));
await timed('hover on another map', 'textDocument/hover', { textDocument: doc, position: { ...at, line: mapLine + 1000 } }, (r) => (r ? 'answered' : 'none'));
await timed('semantic tokens of 60 lines (range)', 'textDocument/semanticTokens/range', { textDocument: doc, range: { start: { line: mapLine, character: 0 }, end: { line: mapLine + 60, character: 0 } } }, (r) => `${(r.data.length / 5).toLocaleString('en')} tokens`);
await timed('semantic tokens (whole file)', 'textDocument/semanticTokens/full', { textDocument: doc }, (r) => `${(r.data.length / 5).toLocaleString('en')} tokens`);
await timed('outline (document symbols)', 'textDocument/documentSymbol', { textDocument: doc }, (r) => `${r.reduce((n, d) => n + 1 + (d.children?.length ?? 0), 0).toLocaleString('en')} symbols`);
await timed('folding ranges', 'textDocument/foldingRange', { textDocument: doc }, (r) => `${r.length} ranges`);
const end = lines.length - 3;
await timed('completion near the end', 'textDocument/completion', { textDocument: doc, position: { line: end, character: lines[end].length } }, (r) => `${(Array.isArray(r) ? r : r.items).length} items`);
await conn.sendRequest('shutdown');
conn.sendNotification('exit');
fs.rmSync(dir, { recursive: true, force: true });

console.log(`Language server on one file of ${MAPS.toLocaleString('en')} maps (${(text.length / 1e6).toFixed(1)} MB, ${lines.length.toLocaleString('en')} lines), each request alone; ${path.relative(root, server) || server}`);
console.log('');
console.log('| request | ms | answer |');
console.log('|---|---:|---|');
for (const [label, ms, what] of rows) console.log(`| ${label} | ${ms.toFixed(0)} | ${what} |`);
console.log('');
