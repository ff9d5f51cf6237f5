// Tokens of the `.iommu` language (language.md §1), built once.
//
// Keywords are reserved only where a keyword is expected: every keyword token is also in the
// `Identifier` category, so a rule that consumes an `Identifier` accepts `map`, `size`, … as a
// name. Keywords are tried longest first so that `msi` never shadows `msi-bind`, and each has
// `longer_alt: Identifier` so that `mapping` or `iommu0` stay identifiers.

import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

/** Any token that may appear as an argument: everything but braces. */
export const AnyArg = createToken({ name: 'AnyArg', pattern: Lexer.NA });

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
});
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\//,
  group: 'comments',
  line_breaks: true,
});
/** `/*` without its `*\/`: runs to the end of the file; reported as a syntax error. */
export const UnterminatedBlockComment = createToken({
  name: 'UnterminatedBlockComment',
  pattern: /\/\*[\s\S]*/,
  group: 'comments',
  line_breaks: true,
});
export const LineComment = createToken({
  name: 'LineComment',
  pattern: /(?:\/\/|#)[^\r\n]*/,
  group: 'comments',
});
/** A string; an unterminated one runs to the end of its line (checked after lexing). */
export const StringLit = createToken({
  name: 'String',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*(?:"|\\)?/,
  categories: [AnyArg],
});
export const Arrow = createToken({ name: 'Arrow', pattern: /->/, label: "'->'", categories: [AnyArg] });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./, label: "'..'", categories: [AnyArg] });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, label: "'}'" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'", categories: [AnyArg] });
/** `SSSS:BB:DD.F` or `BB:DD.F`, hex (leading zeros may be left out); tried before numbers and identifiers. */
export const PciAddr = createToken({
  name: 'Pci',
  pattern: /(?:[0-9A-Fa-f]{1,4}:)?[0-9A-Fa-f]{1,2}:[0-9A-Fa-f]{1,2}\.[0-9A-Fa-f](?![0-9A-Za-z_])/,
  label: 'a PCI address',
  categories: [AnyArg],
});
/** A kernel version `MAJOR.MINOR` (a patch level `.P` may follow); tried before numbers. */
export const VersionLit = createToken({
  name: 'Version',
  pattern: /[0-9]+\.[0-9]+(?:\.[0-9]+)?(?![0-9A-Za-z_.])/,
  label: 'a kernel version',
  categories: [AnyArg],
});
/**
 * A number: any digit followed by word characters, so that `4k` or `0x1G0` is one token that
 * the parser reports as malformed instead of a number followed by a stray name.
 */
export const NumberLit = createToken({
  name: 'Number',
  pattern: /[0-9][0-9A-Za-z_]*/,
  label: 'a number',
  categories: [AnyArg],
});
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_.-]*/,
  label: 'a name',
  categories: [AnyArg],
});

/** Statements allowed at the top level of a file. */
export const TOP_LEVEL_KEYWORDS = [
  'backend',
  'page-size',
  'kernel',
  'allow-unsafe-interrupts',
  'cmdline',
  'include',
  'iommu',
  'irqchip',
  'device',
  'group',
  'domain',
  'expect',
] as const;

export type BlockKind = 'iommu' | 'irqchip' | 'device' | 'domain';

/** Properties (statements) allowed inside each kind of block. */
export const BLOCK_KEYWORDS: Record<BlockKind, readonly string[]> = {
  iommu: [
    'model',
    'ias',
    'oas',
    'pgsizes',
    'nesting',
    'no-nesting',
    'sw-msi',
    'msi-window',
    'reserved',
    'default-domain',
  ],
  irqchip: ['model', 'base', 'doorbell', 'isolated', 'not-isolated'],
  device: ['pci', 'iommu', 'msi', 'driver', 'reserved', 'sw-msi', 'pasid', 'port', 'behind', 'acs', 'conventional', 'physfn', 'dma-alias'],
  domain: ['iommu', 'nest-parent', 'parent', 'stage1', 'attach', 'map', 'rmr', 'msi-bind', 'pasid-table', 'viommu'],
};

/** Words with a fixed meaning inside statements (`A size S`, `msi X at A`, `expect … fault`…). */
export const STRUCTURAL_KEYWORDS = ['size', 'at', 'vectors', 'none', 'pasid', 'read', 'write', 'fault', 'format'] as const;

/** Every keyword, once. */
export const KEYWORDS: readonly string[] = [
  ...new Set<string>([
    ...TOP_LEVEL_KEYWORDS,
    ...Object.values(BLOCK_KEYWORDS).flat(),
    ...STRUCTURAL_KEYWORDS,
  ]),
];

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** The keyword token of each keyword, by its spelling. */
export const Keyword: Readonly<Record<string, TokenType>> = Object.fromEntries(
  KEYWORDS.map((word) => [
    word,
    createToken({
      name: `Kw_${word}`,
      pattern: new RegExp(escapeRe(word)),
      label: `'${word}'`,
      longer_alt: Identifier,
      categories: [Identifier, AnyArg],
    }),
  ]),
);

export function kw(word: string): TokenType {
  const t = Keyword[word];
  if (!t) throw new Error(`no keyword '${word}'`);
  return t;
}

// Longest first: a keyword that is a prefix of another must not shadow it.
const keywordTokens = [...KEYWORDS].sort((a, b) => b.length - a.length || a.localeCompare(b)).map(kw);

export const allTokens: TokenType[] = [
  WhiteSpace,
  BlockComment,
  UnterminatedBlockComment,
  LineComment,
  StringLit,
  Arrow,
  DotDot,
  LCurly,
  RCurly,
  PciAddr,
  Colon,
  VersionLit,
  NumberLit,
  ...keywordTokens,
  Identifier,
  AnyArg,
];

let reference: Lexer | undefined;
/**
 * The chevrotain lexer of these token definitions: the reference the scanner (scanner.ts, which
 * the parser reads from) is tested against. Built on first use.
 */
export function referenceLexer(): Lexer {
  return (reference ??= new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true }));
}

/** The keyword a token spells, if it is a keyword token. */
export function keywordOf(tok: IToken): string | undefined {
  const name = tok.tokenType.name;
  return name.startsWith('Kw_') ? name.slice(3) : undefined;
}

const SUFFIX_SHIFT: Record<string, bigint> = { K: 10n, M: 20n, G: 30n, T: 40n, P: 50n };
const NUMBER_RE = /^(?:0x([0-9A-Fa-f_]*[0-9A-Fa-f][0-9A-Fa-f_]*)|0b([01_]*[01][01_]*)|([0-9][0-9_]*))([KMGTP]?)$/;
const MAX = (1n << 64n) - 1n;

/**
 * The value of a number literal: a bigint, `null` when it is 2^64 or more, or `undefined` when
 * the spelling is not a number at all.
 */
export function numberValue(text: string): bigint | null | undefined {
  const small = smallNumberValue(text);
  if (small !== undefined) return small;
  const m = NUMBER_RE.exec(text);
  if (!m) return undefined;
  const [, hex, bin, dec, suffix] = m;
  let v: bigint;
  if (hex !== undefined) v = BigInt('0x' + hex.replace(/_/g, ''));
  else if (bin !== undefined) v = BigInt('0b' + bin.replace(/_/g, ''));
  else v = BigInt(dec!.replace(/_/g, ''));
  if (suffix) v <<= SUFFIX_SHIFT[suffix]!;
  return v > MAX ? null : v;
}

const SUFFIX_FACTOR: Record<number, number> = { 75: 2 ** 10, 77: 2 ** 20, 71: 2 ** 30, 84: 2 ** 40, 80: 2 ** 50 };

/**
 * numberValue for the usual spellings (hex or decimal, with `_` and a size suffix, whose value
 * fits a double exactly), without a regular expression or a string per digit group; `undefined`
 * for any other spelling (valid or not), which numberValue then reads the general way.
 */
function smallNumberValue(text: string): bigint | undefined {
  const v = smallNumberAt(text, 0, text.length);
  return v === undefined ? undefined : BigInt(v);
}

/**
 * The value of the number spelled by `text` from `from` to `to` (exclusive), read in place (no
 * string made) when it is a usual spelling whose value is at most 2^53 − 1 (smallNumberValue's
 * cases); `undefined` for any other spelling, valid or not.
 */
export function smallNumberAt(text: string, from: number, to: number): number | undefined {
  let i = from;
  let base = 10;
  if (to - from > 2 && text.charCodeAt(from) === 48 && text.charCodeAt(from + 1) === 120) {
    base = 16;
    i = from + 2;
  }
  let v = 0;
  let digits = 0;
  let end = to;
  const factor = SUFFIX_FACTOR[text.charCodeAt(to - 1)] ?? 1;
  if (factor !== 1) end--;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c === 95) continue;
    else if (base === 16 && c >= 97 && c <= 102) d = c - 87;
    else if (base === 16 && c >= 65 && c <= 70) d = c - 55;
    else return undefined;
    v = v * base + d;
    digits++;
  }
  // a decimal number starts with a digit; at most 13 digits (under 2^53, so exact)
  if (digits === 0 || digits > 13 || (base === 10 && text.charCodeAt(from) === 95)) return undefined;
  const value = v * factor;
  return value <= Number.MAX_SAFE_INTEGER ? value : undefined;
}

/** The value of a string literal's spelling, and whether it was closed. */
export function stringValue(text: string): { value: string; terminated: boolean } {
  let value = '';
  let i = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return { value, terminated: i === text.length - 1 };
    if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1]!;
      value += n === '"' || n === '\\' ? n : c + n;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return { value, terminated: false };
}
