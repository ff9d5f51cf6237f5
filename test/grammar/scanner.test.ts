// The scanner against the chevrotain lexer of the same token definitions: the same tokens (type,
// image, offsets, lines), the same comments and the same errors, on every configuration the
// project keeps and on random texts built from the language's fragments and troublemakers.

import * as fc from 'fast-check';
import type { IToken } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { KEYWORDS, numberValue, referenceLexer } from '../../grammar/src/lexer';
import { scan } from '../../grammar/src/scanner';
import { parse, tokenize } from '../../grammar/src/index';
import { parser } from '../../grammar/src/parser';
import { CORPUS } from '../properties/corpus';
import { PlainMap } from '../../grammar/src/plainMap';
import { plainTree } from './util';

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
        // the tokens before an offset (completion's view) are those of the whole text that start there
        const cut = Math.floor(text.length / 2);
        expect(tokenize(text, cut)).toEqual(tokenize(text).filter((t) => t.span.start < cut));
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
    let kept = 0;
    for (const c of CORPUS) {
      const { slow, fast } = bothWays(c.text);
      expect(plainTree(fast), c.name).toEqual(slow);
      for (const s of fast.ast.statements) if (s.kind === 'domain') kept += s.stmts.filter((m) => m instanceof PlainMap).length;
    }
    // the corpus has plain maps, read the direct way
    expect(kept).toBeGreaterThan(20);
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
        expect(plainTree(fast)).toEqual(slow);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('number values', () => {
  // the language's number syntax (language.md §1), read the slow and obvious way
  const SHIFT: Record<string, bigint> = { K: 10n, M: 20n, G: 30n, T: 40n, P: 50n };
  function expected(text: string): bigint | null | undefined {
    const m = /^(?:0x([0-9A-Fa-f_]*[0-9A-Fa-f][0-9A-Fa-f_]*)|0b([01_]*[01][01_]*)|([0-9][0-9_]*))([KMGTP]?)$/.exec(text);
    if (!m) return undefined;
    const digits = (m[1] ?? m[2] ?? m[3])!.replace(/_/g, '');
    let v = BigInt(m[1] !== undefined ? '0x' + digits : m[2] !== undefined ? '0b' + digits : digits);
    if (m[4]) v <<= SHIFT[m[4]]!;
    return v >= 1n << 64n ? null : v;
  }

  it('are those of the number syntax for every spelling', () => {
    for (const t of ['0', '00', '4K', '2M', '1G', '0x4000_0000', '0x80_0000_0000', '0xFFFF_FFFF_FFFF_FFFF', '0x1_0000_0000_0000_0000', '16P', '16384P', '0x', '0x_', '0X10', '1_', '_1', '0b101', '0b', '0x1G0', '4k', '12345678901234', '9007199254740993', '0xfffffffffffff', '0x1fffffffffffff', 'K', '0xK', '0x1K', '99999999999999999999']) {
      expect(numberValue(t), t).toBe(expected(t));
    }
    const ch = fc.constantFrom(...'0123456789abcdefABCDEFxX_bKMGTPk'.split(''));
    fc.assert(
      fc.property(fc.array(ch, { minLength: 1, maxLength: 22 }), fc.boolean(), (cs, hex) => {
        const t = (hex ? '0x' : '') + cs.join('');
        expect(numberValue(t)).toBe(expected(t));
      }),
      { numRuns: 5000 },
    );
  });
});
