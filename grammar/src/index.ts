// The grammar package: `parse` turns the text of one `.iommu` file into its syntax tree and its
// syntax errors. It never throws.

import { EOF, type IToken, type TokenType } from 'chevrotain';
import type { Comment, FileAst, ParseResult, Span, SyntaxError } from './ast';
import { Arrow, BlockComment, DotDot, LCurly, RCurly, StringLit, stringValue, UnterminatedBlockComment } from './lexer';
import { scan, type Scanned } from './scanner';
import { describeToken, parser } from './parser';

export * from './ast';
export { LineIndex, type Position } from './lines';
export {
  BLOCK_KEYWORDS,
  KEYWORDS,
  STRUCTURAL_KEYWORDS,
  TOP_LEVEL_KEYWORDS,
  numberValue,
  stringValue,
  type BlockKind,
} from './lexer';

/** One token of a file, for semantic highlighting and completion. */
export interface TokenInfo {
  span: Span;
  image: string;
  /** `keyword`, `name`, `number`, `string`, `pci`, `punctuation` or `comment`. */
  kind: 'keyword' | 'name' | 'number' | 'string' | 'pci' | 'punctuation' | 'comment';
}

const PUNCTUATION = new Set(['Arrow', 'DotDot', 'LCurly', 'RCurly', 'Colon']);

/** What kind of token each token type is, as TokenInfo names it. */
const KIND_OF_TYPE = new Map<TokenType, TokenInfo['kind']>();
function kindOf(type: TokenType): TokenInfo['kind'] {
  let kind = KIND_OF_TYPE.get(type);
  if (kind === undefined) {
    const name = type.name;
    kind = name.startsWith('Kw_')
      ? 'keyword'
      : name === 'Identifier'
        ? 'name'
        : name === 'Number' || name === 'Version'
          ? 'number'
          : name === 'String'
            ? 'string'
            : name === 'Pci'
              ? 'pci'
              : PUNCTUATION.has(name)
                ? 'punctuation'
                : 'name';
    KIND_OF_TYPE.set(type, kind);
  }
  return kind;
}

type Visit = (start: number, end: number, kind: TokenInfo['kind'], operator: boolean) => void;

/**
 * Calls `visit` for each token and comment of a file in order, without an object per token
 * (for the editor's features on large files); `operator` is true for `->` and `..`. With
 * `before`, only those that start before that offset (each whole).
 */
export function eachToken(text: string, visit: Visit, before?: number): void {
  visitFrom(scan(text, before), 0, 0, visit);
}

/** The scanned tokens from token `from` and the comments from offset `at`, in order. */
function visitFrom(lexed: Scanned, from: number, at: number, visit: Visit): void {
  const table = lexed.tokens;
  const comments = lexed.comments;
  let c = 0;
  while (c < comments.length && comments[c]!.startOffset < at) c++;
  /** The comments not yet visited that start before `offset`. */
  const commentsBefore = (offset: number) => {
    for (; c < comments.length && comments[c]!.startOffset < offset; c++) visit(comments[c]!.startOffset, comments[c]!.startOffset + comments[c]!.image.length, 'comment', false);
  };
  for (let i = from; i < table.count; i++) {
    const start = table.start(i);
    commentsBefore(start);
    const type = table.type(i);
    visit(start, start + table.length(i), kindOf(type), type === Arrow || type === DotDot);
  }
  commentsBefore(Infinity);
}

/**
 * The end of tokenize(text, before) that completion reads: from six tokens before the `{` of the
 * innermost block still open at `before` (the words that name the block), or, at the top level,
 * from the last brace before it (completion looks back no further than a brace). The blocks are
 * counted over the whole text, as completion counts them (a `}` with nothing open closes
 * nothing), but a large file's earlier tokens are never made.
 */
export function tokenizeTail(text: string, before: number): TokenInfo[] {
  const lexed = scan(text, before);
  const table = lexed.tokens;
  const open: number[] = [];
  let lastBrace = -1;
  for (let i = 0; i < table.count; i++) {
    const type = table.type(i);
    if (type === LCurly) open.push(i);
    else if (type === RCurly) open.pop();
    else continue;
    lastBrace = i;
  }
  const from = open.length > 0 ? Math.max(0, open[open.length - 1]! - 6) : Math.max(0, lastBrace);
  const at = from < table.count ? table.start(from) : 0;
  const out: TokenInfo[] = [];
  visitFrom(lexed, from, at, (start, end, kind) => out.push({ span: { start, end }, image: text.slice(start, end), kind }));
  return out;
}

/**
 * The tokens and comments of a file in order (lexing only; never throws); with `before`, only
 * those that start before that offset (each whole).
 */
export function tokenize(text: string, before?: number): TokenInfo[] {
  const out: TokenInfo[] = [];
  eachToken(text, (start, end, kind) => out.push({ span: { start, end }, image: text.slice(start, end), kind }), before);
  return out;
}

function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

/** Parse one file. Never throws: what cannot be read is absent, and an error says why. */
export function parse(text: string): ParseResult {
  const lexed = scan(text);
  const errors: SyntaxError[] = [];
  for (const e of lexed.errors) {
    const bad = text.slice(e.offset, e.offset + e.length);
    errors.push({
      span: { start: e.offset, end: e.offset + e.length },
      message: bad.length === 1 ? `unexpected character '${bad}'` : `unexpected characters '${bad.slice(0, 20)}'`,
    });
  }
  const comments: Comment[] = [];
  for (const t of lexed.comments) {
    const span = tokenSpan(t);
    if (t.tokenType === UnterminatedBlockComment) {
      errors.push({ span: { start: span.start, end: span.start + 2 }, message: "unterminated comment: '/*' without '*/'" });
    }
    comments.push({ span, text: t.image, kind: t.tokenType === BlockComment || t.tokenType === UnterminatedBlockComment ? 'block' : 'line' });
  }
  const table = lexed.tokens;
  for (let i = 0; i < table.count; i++) {
    if (table.type(i) === StringLit && !stringValue(table.image(i)).terminated) {
      errors.push({ span: { start: table.start(i), end: table.start(i) + table.length(i) }, message: 'unterminated string' });
    }
  }

  parser.begin(table, text.length);
  const statements = parser.file();
  errors.push(...parser.ownErrors);
  for (const e of parser.errors) {
    const t = e.token;
    const span = t.tokenType === EOF || Number.isNaN(t.startOffset) ? { start: text.length, end: text.length } : tokenSpan(t);
    errors.push({ span, message: e.message || `unexpected ${describeToken(t)}` });
  }

  const ast: FileAst = { statements: statements ?? [], comments };
  return { ast, errors: tidy(errors, text.length) };
}

/** Errors in file order, clamped to the text, each reported once. */
function tidy(errors: SyntaxError[], length: number): SyntaxError[] {
  const seen = new Set<string>();
  const out: SyntaxError[] = [];
  for (const e of errors) {
    const start = Math.max(0, Math.min(e.span.start, length));
    const end = Math.max(start, Math.min(e.span.end, length));
    const key = `${start}:${end}:${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ span: { start, end }, message: e.message });
  }
  out.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  if (out.length <= MAX_SYNTAX_ERRORS) return out;
  const rest = out.length - MAX_SYNTAX_ERRORS;
  const at = out[MAX_SYNTAX_ERRORS]!.span;
  return [...out.slice(0, MAX_SYNTAX_ERRORS), { span: at, message: `${rest} more syntax errors from here on are not reported (the first ${MAX_SYNTAX_ERRORS} are)` }];
}

/** Past this many, the syntax errors of a file are summed up in one: a flood helps no one. */
export const MAX_SYNTAX_ERRORS = 100;
