// The scanner against the chevrotain lexer of the same token definitions: the same tokens (type,
// image, offsets, lines), the same comments and the same errors, on every configuration the
// project keeps and on random texts built from the language's fragments and troublemakers.

import * as fc from 'fast-check';
import type { IToken } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { KEYWORDS, referenceLexer } from '../../grammar/src/lexer';
import { scan } from '../../grammar/src/scanner';
import { parse } from '../../grammar/src/index';
import { parser } from '../../grammar/src/parser';
import { CORPUS } from '../properties/corpus';

const tok = (t: IToken) => ({ type: t.tokenType.name, image: t.image, start: t.startOffset, end: t.endOffset, line: t.startLine, endLine: t.endLine });

function reference(text: string) {
  const r = referenceLexer().tokenize(text);
  return {
    tokens: r.tokens.map(tok),
    comments: (r.groups['comments'] ?? []).map(tok),
    errors: r.errors.map((e) => ({ offset: e.offset, length: e.length, line: e.line })),
  };
}

function scanned(text: string) {
  const r = scan(text);
  const tokens = [];
  for (let i = 0; i < r.tokens.count; i++) tokens.push(tok(r.tokens.token(i)));
  return { tokens, comments: r.comments.map(tok), errors: r.errors };
}

describe('scanner', () => {
  it('reads a map line as the parser expects it', () => {
    expect(scanned('domain vm : paging {\r\n  map 0x4000_0000 -> 0x80_0000_0000 size 2M rw // guest RAM\n}')).toEqual({
      tokens: [
        { type: 'Kw_domain', image: 'domain', start: 0, end: 5, line: 1, endLine: 1 },
        { type: 'Identifier', image: 'vm', start: 7, end: 8, line: 1, endLine: 1 },
        { type: 'Colon', image: ':', start: 10, end: 10, line: 1, endLine: 1 },
        { type: 'Identifier', image: 'paging', start: 12, end: 17, line: 1, endLine: 1 },
        { type: 'LCurly', image: '{', start: 19, end: 19, line: 1, endLine: 1 },
        { type: 'Kw_map', image: 'map', start: 24, end: 26, line: 2, endLine: 2 },
        { type: 'Number', image: '0x4000_0000', start: 28, end: 38, line: 2, endLine: 2 },
        { type: 'Arrow', image: '->', start: 40, end: 41, line: 2, endLine: 2 },
        { type: 'Number', image: '0x80_0000_0000', start: 43, end: 56, line: 2, endLine: 2 },
        { type: 'Kw_size', image: 'size', start: 58, end: 61, line: 2, endLine: 2 },
        { type: 'Number', image: '2M', start: 63, end: 64, line: 2, endLine: 2 },
        { type: 'Identifier', image: 'rw', start: 66, end: 67, line: 2, endLine: 2 },
        { type: 'RCurly', image: '}', start: 82, end: 82, line: 3, endLine: 3 },
      ],
      comments: [{ type: 'LineComment', image: '// guest RAM', start: 69, end: 80, line: 2, endLine: 2 }],
      errors: [],
    });
  });

  it('agrees with the chevrotain lexer on every configuration of the project', () => {
    expect(CORPUS.length).toBeGreaterThan(20);
    for (const c of CORPUS) expect(scanned(c.text), c.name).toEqual(reference(c.text));
  });

  it('agrees with the chevrotain lexer on random texts', () => {
    const fragment = fc.oneof(
      fc.constantFrom(...KEYWORDS),
      fc.constantFrom('nic0', 'map-x', 'msi-bindx', 'a.b', '_x', 'deadbeef', 'DEAD', 'é', 'naïve', 'rw', 'r', 'K'),
      fc.constantFrom('0x4000_0000', '2M', '4k', '0b101', '12', '6.8', '6.8.1', '6.8.x', '1.', '1..2', '00:1f.3', '0000:00:1f.7', 'abcd:ef:01.2', 'ab:cd.e', '12345:00.0', '1:2.3x', '0:0.0'),
      fc.constantFrom('->', '-', '..', '.', '{', '}', ':', '/', '*', '/*', '*/', '/* a\n b */', '/* x', '//c', '# c', '"', '"s"', '"a\\"b"', '"\\', '\\', '@', '$', '!', '\u2028', '\u00a0', '\ufeff'),
      fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\r', '\r\r\n', '\f', '\v'),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), fc.array(fc.boolean(), { maxLength: 40 }), (parts, glue) => {
        const text = parts.map((p, i) => (glue[i] ? p : p + ' ')).join('');
        expect(scanned(text)).toEqual(reference(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the chevrotain lexer on random characters', () => {
    const ch = fc.constantFrom(...'ab09fFxX_.-:/*#"\\{} \n\r\tmsizé@'.split(''));
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 60 }), (cs) => {
        const text = cs.join('');
        expect(scanned(text)).toEqual(reference(text));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('plain maps read directly', () => {
  function bothWays(text: string) {
    parser.plainMaps = false;
    try {
      return { slow: parse(text), fast: (parser.plainMaps = true, parse(text)) };
    } finally {
      parser.plainMaps = true;
    }
  }

  it('give the syntax tree and errors of the general map rule on every configuration of the project', () => {
    for (const c of CORPUS) {
      const { slow, fast } = bothWays(c.text);
      expect(fast, c.name).toEqual(slow);
    }
  });

  it('give the syntax tree and errors of the general map rule on random map lines', () => {
    const word = fc.constantFrom('map', '0x1000', '4K', '2M', '0x4000_0000', '0xZZ', '1x', '0x1_0000_0000_0000_0000', 'size', '->', '..', 'rw', 'r', 'w', 'x', 'attach', 'iommu', 'device', '}', 'msi', 'nic', '"s"');
    const line = fc.array(word, { maxLength: 9 }).map((ws) => ws.join(' '));
    const plain = fc
      .tuple(fc.constantFrom('0x1000', '0', '0x1_0000_0000_0000_0000'), fc.constantFrom('4K', '2M', '0x20_0000'), fc.constantFrom('0x8000', '1G'), fc.boolean(), fc.constantFrom('', ' rw', ' r', ' w', ' x', ' rw size 4K', ' size 4K', '\n rw', '\n r', '\n attach', ' }', ' map'))
      .map(([a, s, t, sizeFirst, tail]) => (sizeFirst ? `map ${a} size ${s} -> ${t}${tail}` : `map ${a} -> ${t} size ${s}${tail}`));
    fc.assert(
      fc.property(fc.array(fc.oneof(plain, line), { maxLength: 6 }), fc.boolean(), (lines, closed) => {
        const text = `domain vm : paging {\n${lines.map((l) => `  ${l}\n`).join('')}${closed ? '}\n' : ''}device nic { }\n`;
        const { slow, fast } = bothWays(text);
        expect(fast).toEqual(slow);
      }),
      { numRuns: 2000 },
    );
  });
});
