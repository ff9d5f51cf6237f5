// Never crash on any input: the whole engine (model, translation, every check, suppressions) and
// every editor feature run over every prefix of every sample (random edits of them are the
// property-based tests' business, in test/properties) and over odd inputs, without throwing, with
// every range inside the text and no check failing inside.

import { describe, expect, it } from 'vitest';
import { SAMPLES } from './properties/corpus';
import { analyzeText, editorProblem, textProblem } from './properties/invariants';

function exercise(text: string): string | undefined {
  const p = textProblem(text);
  if (p) return p;
  const offsets = [0, text.length, text.length >> 1, text.length >> 2, (3 * text.length) >> 2];
  return editorProblem(analyzeText(text), offsets);
}

describe('robustness of the engine and the editor features', () => {
  for (const s of SAMPLES) {
    it(`${s.name}: every prefix at 40 cuts`, () => {
      const step = Math.max(1, Math.floor(s.text.length / 40));
      const failures: string[] = [];
      for (let cut = 0; cut <= s.text.length && failures.length < 3; cut += step) {
        const p = exercise(s.text.slice(0, cut));
        if (p) failures.push(`cut ${cut}: ${p}`);
      }
      expect(failures).toEqual([]);
    });
  }
  it('odd inputs', () => {
    const odd = ['', '\n', '\r', '\r\n', '{', '}', 'domain', 'domain x : nested { parent x }', 'domain a : nested { parent b } domain b : nested { parent a }', 'device d { msi d }', 'group g { g }', 'expect', 'expect x 0 ->', 'map 0 -> 0', '\u0000\u00ff\ud83d\ude00', '\ud800', 'a'.repeat(5000), '{'.repeat(2000)];
    expect(odd.map((t) => [JSON.stringify(t.slice(0, 40)), exercise(t)]).filter(([, p]) => p)).toEqual([]);
  });
});
