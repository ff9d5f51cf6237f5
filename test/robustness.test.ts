// Never crash on any input: the whole engine (model, translation, every check, suppressions) and
// every editor feature run over broken text — prefixes and seeded mutations of every sample —
// without throwing, and no check reports an internal error.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeActions } from '../server/src/ide/codeActions';
import { completion } from '../server/src/ide/completion';
import { foldingRanges } from '../server/src/ide/folding';
import { formatText } from '../server/src/ide/format';
import { hover } from '../server/src/ide/hover';
import { inlayHints } from '../server/src/ide/inlayHints';
import { definition, references } from '../server/src/ide/navigation';
import { semanticTokens } from '../server/src/ide/semanticTokens';
import { documentSymbols } from '../server/src/ide/symbols';
import { analyzeFixture } from './helpers/check';

const dir = path.resolve(__dirname, '../samples');
const samples = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.iommu'))
  .sort()
  .map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['{', '}', '->', '..', ' size ', ' 0x', '0', 'map', 'attach', 'nested', 'parent', ' pasid 1', 'rmr', ' msi ', '"', '/*', '\n', ' iommu-check: ignore map-overlap', 'nest-parent'];

function mutate(text: string, rnd: () => number): string {
  let t = text;
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rnd() * (t.length + 1));
    const op = rnd();
    if (op < 0.35) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 12));
    else if (op < 0.7) t = t.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)] + t.slice(at);
    else {
      const from = Math.floor(rnd() * t.length);
      t = t.slice(0, at) + t.slice(from, from + Math.floor(rnd() * 40)) + t.slice(at);
    }
  }
  return t;
}

/** Run the engine and every editor feature over one text; throws only on a bug. */
function exercise(text: string, rnd: () => number): void {
  const a = analyzeFixture(text); // asserts no internal errors
  const file = a.config.root;
  const offsets = [0, text.length, ...Array.from({ length: 12 }, () => Math.floor(rnd() * (text.length + 1)))];
  for (const o of offsets) {
    hover(a, file, o);
    completion(text, o, a.config);
    definition(a.config, file, o);
    references(a.config, file, o);
    codeActions(a, file, { start: o, end: Math.min(text.length, o + 10) });
  }
  for (const d of a.diagnostics) if (d.loc.file === file) codeActions(a, file, d.loc.span);
  inlayHints(a.config, a.tx, file);
  semanticTokens(a.config, file);
  foldingRanges(file);
  documentSymbols(file);
  const formatted = formatText(file);
  if (formatted !== null) {
    // formatting a parseable file keeps it parseable and checks the same way
    const b = analyzeFixture(formatted);
    expect(b.diagnostics.map((d) => d.code).sort()).toEqual(a.diagnostics.map((d) => d.code).sort());
  }
  for (const d of a.diagnostics) {
    expect(d.loc.span.start).toBeGreaterThanOrEqual(0);
    expect(d.loc.span.end).toBeLessThanOrEqual(d.loc.file.text.length);
    expect(d.loc.span.end).toBeGreaterThanOrEqual(d.loc.span.start);
  }
}

describe('robustness of the engine and the editor features', () => {
  for (const s of samples) {
    it(`${s.name}: prefixes and 60 mutations`, () => {
      const rnd = prng(s.name.length * 7919 + s.text.length);
      const step = Math.max(1, Math.floor(s.text.length / 40));
      for (let cut = 0; cut <= s.text.length; cut += step) exercise(s.text.slice(0, cut), rnd);
      for (let i = 0; i < 60; i++) exercise(mutate(s.text, rnd), rnd);
    });
  }
  it('odd inputs', () => {
    const rnd = prng(1);
    for (const t of ['', '\n', '{', '}', 'domain', 'domain x : nested { parent x }', 'domain a : nested { parent b } domain b : nested { parent a }', 'device d { msi d }', 'group g { g }', 'expect', 'expect x 0 ->', 'map 0 -> 0', '\u0000\u00ff\ud83d\ude00', 'a'.repeat(5000), '{'.repeat(2000)]) exercise(t, rnd);
  });
});
