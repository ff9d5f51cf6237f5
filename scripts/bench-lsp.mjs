// `npm run bench` (second part): the real language server (dist/server.js --stdio) on a workspace
// with a large generated configuration (about 5,000 lines by default) and a small unrelated file.
// Measures hover and completion latency on the small file when idle and while the large one is
// re-checked after an edit, hover and completion on the large file just after an edit of it, the
// time from an edit of the large file to its diagnostics, what 20 edits in one second cost, and
// start-up to the first diagnostics; and, for the targets, a CLI check of the same text
// (`iommu-check --format json`, a child process). Prints Markdown tables (the figures recorded in
// BENCHMARKS.md). Run after a build. `--quick` (or BENCH_QUICK=1) takes fewer samples.
// BENCH_DEVICES and BENCH_MAPS_PER_DOMAIN change the size (gen-config.mjs `generate`); BENCH_SERVER
// and BENCH_CLI name another build's dist/server.js and dist/iommu-check.js (bench.mjs's BENCH_BEFORE).

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import protocol from 'vscode-languageserver-protocol/node';
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = protocol;
import { generate } from './gen-config.mjs';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 900);
const MAPS = Number(process.env.BENCH_MAPS_PER_DOMAIN ?? 4);
const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const EDITS = quick ? 8 : 20;
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

const proc = spawn(process.execPath, [path.resolve(root, process.env.BENCH_SERVER ?? 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
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
/** The 95th percentile (nearest rank). */
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)];

// A CLI check of the same text, end to end (the reference of the targets): median of 5 runs.
function cliCheck() {
  const s = performance.now();
  const r = spawnSync(process.execPath, [path.resolve(root, process.env.BENCH_CLI ?? 'dist/iommu-check.js'), '--format', 'json', path.join(dir, 'big.iommu')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`iommu-check exited with ${r.status}: ${r.stderr}`);
  return performance.now() - s;
}
const cliRuns = [];
for (let i = 0; i < 5; i++) cliRuns.push(cliCheck());
const cli = median(cliRuns);
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
for (let i = 0; i < EDITS; i++) {
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
const loadavg = os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log('');
console.log(`Language-server targets: ${DEVICES} devices, ${Math.floor(DEVICES / 2) * MAPS} maps (${big.split('\n').length} lines); ${EDITS} edits; node ${process.version}; load average now ${loadavg}`);
console.log('');
console.log('| measure | p95 (ms) | reference: CLI check of the same text (ms) | ratio | target |');
console.log('|---|---:|---:|---:|---|');
const row = (name, v, ref, target) => console.log(`| ${name} | ${f(v)} | ${f(ref)} | ${(v / ref).toFixed(3)} | ${target} |`);
row('hover on the large file just after an edit of it', p95(editedHover), cli, '≤ 0.05');
row('completion on the large file just after an edit of it', p95(editedCompletion), cli, '≤ 0.05');
row('edit to its diagnostics (200 ms debounce included)', p95(recheck), cli + 200, '≤ 1.2 (CLI + debounce)');
row('start-up: initialize to the first diagnostics', startup, cli, '≤ 2');
console.log('');
console.log(`Language server, medians and maxima: ${DEVICES} devices, ${Math.floor(DEVICES / 2) * MAPS} maps (${big.split('\n').length} lines) + a small unrelated file`);
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
console.log(`| CLI check of the large file's text (\`--format json\`, end to end) | ${f(cli)} | ${f(Math.max(...cliRuns))} |`);
console.log(`| 20 edits in 1 s: first edit to the last version's diagnostics | ${f(burstDone)} | |`);
console.log('');
console.log(`20 edits in 1 s: ${burstChecks} check run(s) started, ${stale} stale publication(s) of the large file.`);
