// Completion reads only the tokens of the block the cursor is in (tokenizeTail), not the whole
// file's: on a file of 100k maps that is the difference between milliseconds and most of a
// second. Its answers must be those of reading the whole file, wherever the cursor is.

import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize, tokenizeTail } from '../../grammar/src/index';
import { completion, completionTokens } from '../../server/src/ide/completion';
import { analyzeText } from '../properties/invariants';
import { CORPUS } from '../properties/corpus';

function bothWays(text: string, offset: number, config: ReturnType<typeof analyzeText>['config'] | null) {
  completionTokens.wholeFile = true;
  try {
    const whole = completion(text, offset, config);
    completionTokens.wholeFile = false;
    return { whole, tail: completion(text, offset, config) };
  } finally {
    completionTokens.wholeFile = false;
  }
}

describe('completion from the tokens of the block at the cursor', () => {
  it('answers as from the whole file at every 7th offset of every configuration of the project', () => {
    let shorter = 0;
    for (const c of CORPUS) {
      const config = analyzeText(c.text).config;
      for (let o = 0; o <= c.text.length; o += 7) {
        const { whole, tail } = bothWays(c.text, o, config);
        expect(tail, `${c.name} at ${o}`).toEqual(whole);
        if (tokenizeTail(c.text, o).length < tokenize(c.text, o).length) shorter++;
      }
    }
    // most places read fewer tokens than the whole file's
    expect(shorter).toBeGreaterThan(1000);
  });

  it('answers as from the whole file on random texts, braces unbalanced included', () => {
    const piece = fc.constantFrom('domain d : paging', 'device n', 'iommu i', 'group g', '{', '}', '}', ' ', '\n', 'map 0x1000 -> 0x2000 size 4K', ' rw', 'attach', 'msi', '->', 'expect n 0x1000 ->', '/* { */', '// }', '"{"', 'acs sv', 'reserved 0x1000 size 4K', 'cmdline "iommu=pt', 'x');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }), fc.nat(), (ps, at) => {
        const text = ps.join(' ');
        const offset = text.length === 0 ? 0 : at % (text.length + 1);
        const { whole, tail } = bothWays(text, offset, null);
        expect(tail).toEqual(whole);
      }),
      { numRuns: 3000 },
    );
  });

  it('is the end of the whole list of tokens', () => {
    const text = 'domain a : paging {\n  map 0x1000 -> 0x2000 size 4K\n}\n// note\ndevice n {\n  pci 0000:01:00.0 /* c */\n  msi ';
    const whole = tokenize(text, text.length);
    const tail = tokenizeTail(text, text.length);
    // inside `device n {`: from six tokens before its `{`
    expect(tail.map((t) => t.image)).toEqual(['0x2000', 'size', '4K', '}', '// note', 'device', 'n', '{', 'pci', '0000:01:00.0', '/* c */', 'msi']);
    // at the top level: from the last brace
    const top = text.slice(0, text.indexOf('// note'));
    expect(tokenizeTail(top, top.length).map((t) => t.image)).toEqual(['}']);
    expect(whole.slice(whole.length - tail.length)).toEqual(tail);
  });
});
