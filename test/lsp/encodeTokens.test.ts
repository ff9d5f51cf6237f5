// Semantic tokens as the protocol encodes them (relative line, relative start, length, type,
// modifiers), a token over several lines cut at each line end: encodeTokens walks the lines
// forward; here every position is found the slow and obvious way and compared.

import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineIndex, parse } from '../../grammar/src/index';
import { semanticTokens, type SemanticToken } from '../../server/src/ide/semanticTokens';
import { encodeTokens, TOKEN_INDEX } from '../../server/src/lsp/convert';

const COMMENT = TOKEN_INDEX.comment;
import type { SourceFile } from '../../server/src/model/types';
import { CORPUS } from '../properties/corpus';
import { absoluteTokens } from '../helpers/semanticTokens';

/** Each token's pieces, line by line, as absolute [line, character, length, type, modifiers]. */
function reference(text: string, tokens: readonly SemanticToken[]): number[][] {
  const lineOf = (o: number) => (text.slice(0, o).match(/\r\n|\r|\n/g) ?? []).length;
  const lineStart = (o: number) => Math.max(text.lastIndexOf('\n', o - 1), text.lastIndexOf('\r', o - 1)) + 1;
  const out: number[][] = [];
  for (const t of tokens) {
    let s = t.start;
    while (s < t.end) {
      const rest = /\r\n|\r|\n/.exec(text.slice(s, t.end));
      const e = rest ? s + rest.index : t.end;
      if (e > s) out.push([lineOf(s), s - lineStart(s), e - s, TOKEN_INDEX[t.kind], t.declaration ? 1 : 0]);
      s = rest ? e + rest[0].length : t.end;
    }
  }
  return out;
}

function fileOf(text: string): SourceFile {
  const { ast, errors } = parse(text);
  return { path: '/x.iommu', text, lines: new LineIndex(text), ast, syntaxErrors: errors };
}

describe('encodeTokens', () => {
  it('gives every token of every configuration of the project its line and character', () => {
    for (const c of CORPUS) {
      const f = fileOf(c.text);
      const tokens = semanticTokens(null, f);
      expect(absoluteTokens(encodeTokens(c.text, f.lines, tokens)), c.name).toEqual(reference(c.text, tokens));
    }
  });

  it('cuts tokens over several lines at each line end, with any line breaks', () => {
    const text = 'iommu a { /* one\r\ntwo\rthree\n\nfour */ model smmuv3 }\r\n// last';
    const f = fileOf(text);
    const tokens = semanticTokens(null, f);
    expect(absoluteTokens(encodeTokens(text, f.lines, tokens))).toEqual(reference(text, tokens));
    expect(absoluteTokens(encodeTokens(text, f.lines, tokens)).filter((t) => t[3] === COMMENT)).toEqual([
      [0, 10, 6, COMMENT, 0],
      [1, 0, 3, COMMENT, 0],
      [2, 0, 5, COMMENT, 0],
      [4, 0, 7, COMMENT, 0],
      [5, 0, 7, COMMENT, 0],
    ]);
  });

  it('agrees with the slow way on random texts', () => {
    const piece = fc.constantFrom('map', ' ', '0x1000', '\n', '\r\n', '\r', '/* a\nb */', '// c', '"s"', '->', '..', 'domain', '{', '}', 'x', '#d\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (ps) => {
        const text = ps.join('');
        const f = fileOf(text);
        const tokens = semanticTokens(null, f);
        expect(absoluteTokens(encodeTokens(text, f.lines, tokens))).toEqual(reference(text, tokens));
      }),
      { numRuns: 1000 },
    );
  });
});
