// The scanner: turns a file's text into the token vector the parser reads, exactly as the
// chevrotain lexer built from lexer.ts's token definitions would (the same tokens, images,
// offsets and lines, the same comments and the same errors; test/grammar/scanner.test.ts checks
// this against that lexer), at a fraction of its cost and memory.
//
// The rules, in the definitions' order: white space is skipped (it counts lines: `\n`, `\r\n`,
// `\r`); `/*…*/`, an unterminated `/*…`, `//…` and `#…` are comments; then strings, `->`, `..`,
// `{`, `}`, a PCI address, `:`, a version, a number; a word is a keyword token when the whole
// word is a keyword (a keyword followed by more word characters is a name: keywords have
// `longer_alt: Identifier`), else a name. A character that starts no token begins an error that
// runs to the next character that does.
//
// Tokens carry `image`, `startOffset`, `startLine` and their type; `endOffset` and `endLine`
// are computed (no token the parser reads spans lines), columns are not kept (nothing reads them).

import type { IToken, TokenType } from 'chevrotain';
import {
  Arrow,
  BlockComment,
  Colon,
  DotDot,
  Identifier,
  Keyword,
  KEYWORDS,
  LCurly,
  LineComment,
  NumberLit,
  PciAddr,
  RCurly,
  StringLit,
  UnterminatedBlockComment,
  VersionLit,
} from './lexer';

/** One token, as the parser reads it. */
class Token implements IToken {
  readonly tokenTypeIdx: number;
  constructor(
    readonly image: string,
    readonly startOffset: number,
    readonly startLine: number,
    readonly tokenType: TokenType,
  ) {
    this.tokenTypeIdx = tokenType.tokenTypeIdx!;
  }
  get endOffset(): number {
    return this.startOffset + this.image.length - 1;
  }
  get endLine(): number {
    return this.startLine;
  }
}

/** A comment (it may span lines). */
export interface CommentToken extends IToken {
  endOffset: number;
  endLine: number;
}

export interface ScanError {
  offset: number;
  length: number;
  line: number;
}

/**
 * The tokens of a file, in columns (a token object for each of hundreds of thousands of tokens
 * costs more in garbage collection than the scan itself): `token(i)` makes the object.
 */
export class TokenTable {
  constructor(
    readonly text: string,
    readonly count: number,
    private readonly types: Uint8Array,
    private readonly starts: Int32Array,
    private readonly lengths: Int32Array,
    private readonly lines: Int32Array,
  ) {}
  /** One string per distinct name or number spelling (`rw`, device names; numberImage: sizes, the IOVAs of like domains). */
  private readonly names = new Map<string, string>();

  type(i: number): TokenType {
    return TYPES[this.types[i]!]!;
  }
  start(i: number): number {
    return this.starts[i]!;
  }
  length(i: number): number {
    return this.lengths[i]!;
  }
  line(i: number): number {
    return this.lines[i]!;
  }
  image(i: number): string {
    const t = this.types[i]!;
    if (FIXED_IMAGE[t] !== undefined) return FIXED_IMAGE[t]!;
    const s = this.starts[i]!;
    const image = this.text.substring(s, s + this.lengths[i]!);
    if (t !== IDENTIFIER) return image;
    const known = this.names.get(image);
    if (known !== undefined) return known;
    this.names.set(image, image);
    return image;
  }
  /** The image of number token `i`, one string per distinct spelling (for the maps of large files). */
  numberImage(i: number): string {
    const s = this.starts[i]!;
    const image = this.text.substring(s, s + this.lengths[i]!);
    const known = this.names.get(image);
    if (known !== undefined) return known;
    this.names.set(image, image);
    return image;
  }
  /** The token object of token `i` (a new one each call). */
  token(i: number): IToken {
    return new Token(this.image(i), this.starts[i]!, this.lines[i]!, TYPES[this.types[i]!]!);
  }
}

// Sticky copies of the token patterns that are not scanned by hand.
const sticky = (t: TokenType): RegExp => new RegExp((t.PATTERN as RegExp).source, 'y');
const BLOCK_COMMENT = sticky(BlockComment);
const STRING = sticky(StringLit);
const PCI = sticky(PciAddr);
const VERSION = sticky(VersionLit);

// Character classes, by char code.
const WS = 1;
const DIGIT = 2;
const HEX_LETTER = 4;
const WORD_START = 8; // [A-Za-z_]
const WORD = 16; // [A-Za-z0-9_.-] (an identifier's rest)
const NUMBER_REST = 32; // [0-9A-Za-z_]
const CLASS = new Uint8Array(128);
for (const c of ' \t\r\n\f\v') CLASS[c.charCodeAt(0)]! |= WS;
for (let c = 48; c <= 57; c++) CLASS[c]! |= DIGIT | WORD | NUMBER_REST;
for (let c = 65; c <= 90; c++) CLASS[c]! |= WORD_START | WORD | NUMBER_REST;
for (let c = 97; c <= 122; c++) CLASS[c]! |= WORD_START | WORD | NUMBER_REST;
for (const c of 'abcdefABCDEF') CLASS[c.charCodeAt(0)]! |= HEX_LETTER;
CLASS[95]! |= WORD_START | WORD | NUMBER_REST; // _
CLASS[46]! |= WORD; // .
CLASS[45]! |= WORD; // -

const cls = (code: number): number => (code < 128 ? CLASS[code]! : 0);
const isWhite = (code: number): boolean => (code < 128 ? (CLASS[code]! & WS) !== 0 : code === 0xa0 || code === 0xfeff);
const isHex = (code: number): boolean => (cls(code) & (DIGIT | HEX_LETTER)) !== 0;

/** Token types by number (the table's type column), and the image of those spelt one way. */
const TYPES: readonly TokenType[] = [Identifier, NumberLit, PciAddr, VersionLit, StringLit, Arrow, DotDot, LCurly, RCurly, Colon, ...KEYWORDS.map((w) => Keyword[w]!)];
const FIXED_IMAGE: readonly (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, '->', '..', '{', '}', ':', ...KEYWORDS];
const IDENTIFIER = 0;
const TYPE_NUMBER = new Map<TokenType, number>(TYPES.map((t, i) => [t, i]));
/** Keyword type numbers by spelling. */
const KEYWORD_NUMBER = new Map<string, number>(KEYWORDS.map((w, i) => [w, 10 + i]));

/**
 * Whether a PCI address can start at `at`: one to four hex digits then `:` (a cheap test before
 * the pattern itself).
 */
function pciPossible(text: string, at: number): boolean {
  let j = at;
  while (j < at + 5 && isHex(text.charCodeAt(j))) j++;
  return j > at && j - at <= 4 && text.charCodeAt(j) === 58;
}

/** Whether a version can start at `at`: digits, `.`, a digit (a cheap test before the pattern). */
function versionPossible(text: string, at: number): boolean {
  let j = at;
  while (j < text.length && cls(text.charCodeAt(j)) & DIGIT) j++;
  return text.charCodeAt(j) === 46 && (cls(text.charCodeAt(j + 1)) & DIGIT) !== 0;
}

/** The length of the token starting at `at` and its type (`null` type: skipped white space); 0 when none starts there. */
function match(text: string, at: number, out: { type: TokenType | null }): number {
  const c = text.charCodeAt(at);
  const k = cls(c);
  if (isWhite(c)) {
    let j = at + 1;
    while (j < text.length && isWhite(text.charCodeAt(j))) j++;
    out.type = null;
    return j - at;
  }
  if (k & (DIGIT | HEX_LETTER) && pciPossible(text, at)) {
    PCI.lastIndex = at;
    if (PCI.test(text)) {
      out.type = PciAddr;
      return PCI.lastIndex - at;
    }
  }
  if (k & DIGIT) {
    VERSION.lastIndex = at;
    if (versionPossible(text, at) && VERSION.test(text)) {
      out.type = VersionLit;
      return VERSION.lastIndex - at;
    }
    let j = at + 1;
    while (j < text.length && cls(text.charCodeAt(j)) & NUMBER_REST) j++;
    out.type = NumberLit;
    return j - at;
  }
  if (k & WORD_START) {
    let j = at + 1;
    while (j < text.length && cls(text.charCodeAt(j)) & WORD) j++;
    out.type = Identifier; // the caller looks the word up among the keywords
    return j - at;
  }
  switch (c) {
    case 47: {
      // '/'
      const n = text.charCodeAt(at + 1);
      if (n === 42) {
        BLOCK_COMMENT.lastIndex = at;
        if (BLOCK_COMMENT.test(text)) {
          out.type = BlockComment;
          return BLOCK_COMMENT.lastIndex - at;
        }
        out.type = UnterminatedBlockComment;
        return text.length - at;
      }
      if (n === 47) return lineComment(text, at, out);
      return 0;
    }
    case 35: // '#'
      return lineComment(text, at, out);
    case 34: // '"'
      STRING.lastIndex = at;
      STRING.test(text);
      out.type = StringLit;
      return STRING.lastIndex - at;
    case 45: // '-'
      if (text.charCodeAt(at + 1) !== 62) return 0;
      out.type = Arrow;
      return 2;
    case 46: // '.'
      if (text.charCodeAt(at + 1) !== 46) return 0;
      out.type = DotDot;
      return 2;
    case 123:
      out.type = LCurly;
      return 1;
    case 125:
      out.type = RCurly;
      return 1;
    case 58:
      out.type = Colon;
      return 1;
  }
  return 0;
}

function lineComment(text: string, at: number, out: { type: TokenType | null }): number {
  let j = at + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13) break;
    j++;
  }
  out.type = LineComment;
  return j - at;
}

/** Line breaks in `text[from, to)` (`\n`, `\r\n` or `\r`), and the offset just after the last. */
function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (i + 1 < to && text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

export interface Scanned {
  tokens: TokenTable;
  comments: CommentToken[];
  errors: ScanError[];
}

/** Scan a file's text (only the tokens that start before `before`, when given). Never throws. */
export function scan(text: string, before = text.length): Scanned {
  const length = text.length;
  // a token every 5 characters is more than configurations have (maps: one every 6–7)
  let capacity = Math.max(16, Math.ceil(Math.min(length, before) / 5));
  let types = new Uint8Array(capacity);
  let starts = new Int32Array(capacity);
  let lengths = new Int32Array(capacity);
  let lines = new Int32Array(capacity);
  let count = 0;
  const comments: CommentToken[] = [];
  const errors: ScanError[] = [];
  const out: { type: TokenType | null } = { type: null };
  let line = 1;
  let offset = 0;
  while (offset < length && offset < before) {
    const len = match(text, offset, out);
    if (len === 0) {
      // an error: skip to the next character that starts a token
      const start = offset;
      do offset++;
      while (offset < length && match(text, offset, out) === 0);
      errors.push({ offset: start, length: offset - start, line });
      continue;
    }
    const type = out.type;
    if (type === null) {
      line += lineBreaks(text, offset, offset + len);
    } else if (type === BlockComment || type === UnterminatedBlockComment || type === LineComment) {
      const breaks = type === LineComment ? 0 : lineBreaks(text, offset, offset + len);
      // as chevrotain counts a comment's end line: a final line break is not counted, unless it is the only one
      const last = text.charCodeAt(offset + len - 1);
      const endsInBreak = last === 10 || last === 13;
      const endLine = breaks === 0 || (breaks === 1 && endsInBreak) ? line : line + breaks - (endsInBreak ? 1 : 0);
      const image = text.substring(offset, offset + len);
      comments.push({ image, startOffset: offset, endOffset: offset + len - 1, startLine: line, endLine, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! });
      line += breaks;
    } else {
      if (count === capacity) {
        // enough for the rest at the rate seen so far (and a tenth more), at least a quarter more
        const end = Math.min(length, before);
        capacity = Math.max(Math.ceil(capacity * 1.25), Math.ceil((count / Math.max(1, offset)) * end * 1.1) + 16);
        types = grow(types, new Uint8Array(capacity));
        starts = grow(starts, new Int32Array(capacity));
        lengths = grow(lengths, new Int32Array(capacity));
        lines = grow(lines, new Int32Array(capacity));
      }
      types[count] = type === Identifier ? (KEYWORD_NUMBER.get(text.substring(offset, offset + len)) ?? IDENTIFIER) : TYPE_NUMBER.get(type)!;
      starts[count] = offset;
      lengths[count] = len;
      lines[count] = line;
      count++;
    }
    offset += len;
  }
  return { tokens: new TokenTable(text, count, types, starts, lengths, lines), comments, errors };
}

function grow<A extends Uint8Array | Int32Array>(from: A, to: A): A {
  to.set(from);
  return to;
}
