// Property-based tests (fast-check). In the suite each property runs a fixed number of cases from
// a fixed seed; `npm run fuzz -- --seconds N` runs the same properties for N seconds in all.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/src/index';
import { BLOCK_KEYWORDS, TOP_LEVEL_KEYWORDS } from '../../grammar/src/lexer';
import { CORPUS } from './corpus';
import { byteMutation, configuration, layout, print, statements, tokenSoup } from './generators';
import { analyzeText, editorProblem, textProblem } from './invariants';
import { resolverCase, resolverDisagreement, resolverStats } from './reference-resolver';
import { FUZZ_SECONDS, runProperty } from './run';

const offsets = fc.array(fc.nat(), { minLength: 1, maxLength: 6 });

/** Name resolution errors that a configuration built from declared names must never raise. */
const NAME_ERRORS = new Set(['syntax', 'unknown-name', 'duplicate-name', 'wrong-kind', 'include-error']);

const PROPERTIES: { name: string; runs: number; run: (name: string, runs: number, share: number) => unknown }[] = [
  {
    name: 'random token streams: nothing throws, every range is inside the text, formatting is stable',
    runs: 700,
    run: (name, runs, share) => runProperty(name, tokenSoup, (t) => textProblem(t), runs, share),
  },
  {
    name: 'well-formed configurations over every statement kind parse without errors and keep every invariant',
    runs: 500,
    run: (name, runs, share) =>
      runProperty(
        name,
        fc.tuple(configuration({ valid: false }), layout),
        ([c, l]) => {
          const text = print(c, l);
          const errors = parse(text).errors;
          if (errors.length > 0) return `a well-formed text has syntax errors: ${errors.map((e) => `${e.message} at ${JSON.stringify(text.slice(e.span.start, e.span.start + 20))}`).join('; ')}\n--- text ---\n${text}`;
          return textProblem(text);
        },
        runs,
        share,
      ),
  },
  {
    name: 'configurations that name only declared objects raise no syntax or name errors',
    runs: 300,
    run: (name, runs, share) =>
      runProperty(
        name,
        fc.tuple(configuration({ valid: true }), layout),
        ([c, l]) => {
          const text = print(c, l);
          const a = analyzeText(text);
          const bad = a.diagnostics.filter((d) => NAME_ERRORS.has(d.code));
          if (bad.length > 0) return `${bad.map((d) => `${d.code}: ${d.message}`).join('; ')}\n--- text ---\n${text}`;
          return textProblem(text);
        },
        runs,
        share,
      ),
  },
  {
    name: 'byte-level mutations of every sample and fixture keep every invariant',
    runs: 900,
    run: (name, runs, share) => runProperty(name, byteMutation(CORPUS), (m) => textProblem(m.text), runs, share),
  },
  {
    name: 'editor features on mutated samples and fixtures never throw and stay inside the text',
    runs: 250,
    run: (name, runs, share) =>
      runProperty(
        name,
        fc.tuple(fc.oneof(byteMutation(CORPUS), fc.constantFrom(...CORPUS)), offsets),
        ([m, os]) => {
          let a;
          try {
            a = analyzeText(m.text);
          } catch (e) {
            return `threw: ${String(e)}`;
          }
          return editorProblem(a, os);
        },
        runs,
        share,
      ),
  },
  {
    name: 'resolve() agrees with a reference resolver written from language.md §9',
    runs: 400,
    run: (name, runs, share) => {
      runProperty(name, resolverCase, resolverDisagreement, runs, share);
      // most generated configurations must be compared, not left out
      expect(resolverStats.compared).toBeGreaterThan(resolverStats.skipped);
    },
  },
];

describe('properties', () => {
  it('the generator of well-formed configurations writes every statement kind of the grammar', () => {
    const written = new Set<string>();
    for (const valid of [true, false])
      for (const c of fc.sample(configuration({ valid }), { seed: 1, numRuns: 300 }))
        for (const toks of statements(c)) {
          written.add(`top ${toks[0]}`);
          const block = toks[0] === 'domain' ? 'domain' : toks[0];
          for (const t of toks) if (t.startsWith('\u0001') && t !== '\u0001}') written.add(`${block} ${t.slice(1)}`);
        }
    const grammar = [...TOP_LEVEL_KEYWORDS.map((k) => `top ${k}`), ...Object.entries(BLOCK_KEYWORDS).flatMap(([b, ks]) => ks.map((k) => `${b} ${k}`))];
    expect(grammar.filter((k) => !written.has(k))).toEqual([]);
  });

  it('the corpus holds every sample and the inline fixtures', () => {
    expect(CORPUS.filter((c) => c.name.startsWith('samples/')).length).toBeGreaterThanOrEqual(7);
    expect(CORPUS.length).toBeGreaterThan(20);
  });

  const timeout = FUZZ_SECONDS > 0 ? (FUZZ_SECONDS + 120) * 1000 : 120_000;
  for (const p of PROPERTIES) {
    it(p.name, () => {
      p.run(p.name, p.runs, 1 / PROPERTIES.length);
    }, timeout);
  }
});
