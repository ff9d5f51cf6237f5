// `npm run bench` (second part): the real language server (dist/server.js --stdio) on a workspace
// with a large generated configuration and a small unrelated file. Measures hover and completion
// latency on the small file when idle and while the large one is re-checked after an edit, the
// time from an edit of the large file to its diagnostics, and what 20 edits in one second cost.
// Prints a Markdown table (the figures recorded in BENCHMARKS.md). Run after a build.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import protocol from 'vscode-languageserver-protocol/node';
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = protocol;
import { generate } from './gen-config.mjs';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 5000);
const MAPS = Number(process.env.BENCH_MAPS_PER_DOMAIN ?? 20);
const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.join(here, '..');
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-bench-lsp-')));
const big = generate(DEVICES, MAPS);
const SMALL = `iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x201F_0000 }
device nic { iommu smmu0 msi its0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x4000_0000 -> 0x80_0000_0000 size 1G rw
}
`;
fs.writeFileSync(path.join(dir, 'big.iommu'), big);
fs.writeFileSync(path.join(dir, 'small.iommu'), SMALL);
const uri = (n) => pathToFileURL(path.join(dir, n)).href;

const proc = spawn(process.execPath, [path.join(root, process.env.BENCH_SERVER ?? 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
const published = []; // { uri, version, at }
let listeners = [];
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  published.push({ uri: p.uri, version: p.version, count: p.diagnostics.length, at: performance.now() });
  listeners.splice(0).forEach((f) => f());
});
let checks = 0;
conn.onNotification('iommu-check/status', (p) => {
  if (p.state === 'checking') checks++;
});
conn.onRequest('workspace/configuration', () => [{ rules: {} }]);
conn.onRequest('client/registerCapability', () => null);
conn.listen();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function waitFor(pred, ms = 120_000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms);
    const check = () => {
      const v = pred();
      if (v) {
        clearTimeout(t);
        resolve(v);
      } else listeners.push(check);
    };
    check();
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(fn) {
  const s = performance.now();
  await fn();
  return performance.now() - s;
}
const hoverSmall = () => conn.sendRequest('textDocument/hover', { textDocument: { uri: uri('small.iommu') }, position: { line: 2, character: 8 } });
// On the large file itself: a device name on its first device line, and completion after `msi `.
const bigLines = big.split('\n');
const deviceLine = bigLines.findIndex((l) => l.startsWith('device '));
const hoverBig = () => conn.sendRequest('textDocument/hover', { textDocument: { uri: uri('big.iommu') }, position: { line: deviceLine, character: 8 } });
const completeBig = () => conn.sendRequest('textDocument/completion', { textDocument: { uri: uri('big.iommu') }, position: { line: deviceLine, character: bigLines[deviceLine].indexOf(' msi ') + 5 } });
const completeSmall = () => conn.sendRequest('textDocument/completion', { textDocument: { uri: uri('small.iommu') }, position: { line: 4, character: 9 } });

const t0 = performance.now();
await conn.sendRequest('initialize', {
  processId: process.pid,
  rootUri: pathToFileURL(dir).href,
  workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'bench' }],
  capabilities: { workspace: { configuration: true } },
});
await conn.sendNotification('initialized', {});
await waitFor(() => published.some((p) => p.uri === uri('big.iommu')));
const startup = performance.now() - t0;

let version = 1;
let bigText = big;
await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('big.iommu'), languageId: 'iommu', version, text: big } });
await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('small.iommu'), languageId: 'iommu', version: 1, text: SMALL } });
await waitFor(() => published.some((p) => p.uri === uri('small.iommu') && p.version === 1));
await waitFor(() => published.some((p) => p.uri === uri('big.iommu') && p.version === 1));
await sleep(500);
await hoverSmall(); // warm up

const idleHover = [];
const idleCompletion = [];
for (let i = 0; i < 10; i++) {
  idleHover.push(await timed(hoverSmall));
  idleCompletion.push(await timed(completeSmall));
}

/** Edit the first map line of the large file (alternating its permission). */
function editBig() {
  version++;
  const line = bigText.split('\n').findIndex((l) => l.startsWith('  map '));
  const lines = bigText.split('\n');
  lines[line] = lines[line].endsWith(' rw') ? lines[line].replace(/ rw$/, ' r ') : lines[line].replace(/ r $/, ' rw');
  bigText = lines.join('\n');
  return conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri('big.iommu'), version }, contentChanges: [{ text: bigText }] });
}
const publishedFor = (v) => published.find((p) => p.uri === uri('big.iommu') && p.version === v);

// An edit, then requests on the small file while the re-check runs (the debounce is 200 ms).
const busyHover = [];
const busyCompletion = [];
const editedHover = [];
const editedCompletion = [];
const checkingHover = [];
const checkingCompletion = [];
const recheck = [];
for (let i = 0; i < 5; i++) {
  await editBig();
  const edited = performance.now();
  const v = version;
  // on the just-edited large file, before its re-check starts
  editedHover.push(await timed(hoverBig));
  editedCompletion.push(await timed(completeBig));
  await sleep(350);
  busyHover.push(await timed(hoverSmall));
  busyCompletion.push(await timed(completeSmall));
  // on the large file while it is re-checked
  checkingHover.push(await timed(hoverBig));
  checkingCompletion.push(await timed(completeBig));
  const p = await waitFor(() => publishedFor(v));
  recheck.push(p.at - edited);
  await sleep(300);
}

// 20 edits in one second.
const checksBefore = checks;
const burstStart = performance.now();
for (let i = 0; i < 20; i++) {
  await editBig();
  await sleep(50);
}
const last = version;
const p = await waitFor(() => publishedFor(last));
const burstDone = p.at - burstStart;
await sleep(1500);
const burstChecks = checks - checksBefore;
const stale = published.filter((x) => x.uri === uri('big.iommu') && x.at > burstStart && x.version !== last).length;

await conn.sendRequest('shutdown');
await conn.sendNotification('exit');
await new Promise((r) => (proc.exitCode === null ? proc.once('exit', r) : r()));
conn.dispose();
fs.rmSync(dir, { recursive: true, force: true });

const f = (x) => x.toFixed(1);
console.log('');
console.log(`Language server: ${DEVICES} devices, ${Math.floor(DEVICES / 2) * MAPS} maps (${big.split('\n').length} lines) + a small unrelated file`);
console.log('');
console.log('| measure | median (ms) | max (ms) |');
console.log('|---|---:|---:|');
console.log(`| start-up: initialize to the large file's first diagnostics | ${f(startup)} | |`);
console.log(`| hover on the small file, idle | ${f(median(idleHover))} | ${f(Math.max(...idleHover))} |`);
console.log(`| hover on the small file, large file re-checking | ${f(median(busyHover))} | ${f(Math.max(...busyHover))} |`);
console.log(`| completion on the small file, idle | ${f(median(idleCompletion))} | ${f(Math.max(...idleCompletion))} |`);
console.log(`| completion on the small file, large file re-checking | ${f(median(busyCompletion))} | ${f(Math.max(...busyCompletion))} |`);
console.log(`| hover on the large file just after an edit of it | ${f(median(editedHover))} | ${f(Math.max(...editedHover))} |`);
console.log(`| completion on the large file just after an edit of it | ${f(median(editedCompletion))} | ${f(Math.max(...editedCompletion))} |`);
console.log(`| hover on the large file while it is re-checked | ${f(median(checkingHover))} | ${f(Math.max(...checkingHover))} |`);
console.log(`| completion on the large file while it is re-checked | ${f(median(checkingCompletion))} | ${f(Math.max(...checkingCompletion))} |`);
console.log(`| edit of the large file to its diagnostics (200 ms debounce included) | ${f(median(recheck))} | ${f(Math.max(...recheck))} |`);
console.log(`| 20 edits in 1 s: first edit to the last version's diagnostics | ${f(burstDone)} | |`);
console.log('');
console.log(`20 edits in 1 s: ${burstChecks} check run(s) started, ${stale} stale publication(s) of the large file.`);
