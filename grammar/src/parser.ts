// The parser of `.iommu` files: a chevrotain EmbeddedActionsParser that builds the syntax tree
// of ast.ts directly, built once at module load.
//
// Fault tolerance. Every value is read through a gated production: a missing or misplaced value
// gives one error of our own ("expected a number after 'ias'") and the statement still appears
// with that part `undefined`. Unknown words have explicit error productions: at the top level an
// unknown statement swallows its arguments and a following balanced `{…}`; inside a block an
// unknown property swallows its arguments (every token up to the next property keyword of the
// block). A block left open ends at `}`, at the end of the file, or at a line starting a new
// top-level statement. Chevrotain's own recovery stays enabled as the last line of defence.

import {
  createTokenInstance,
  EmbeddedActionsParser,
  EOF,
  NotAllInputParsedException,
  tokenMatcher,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from 'chevrotain';
import type * as A from './ast';
import { PlainMap } from './plainMap';
import type { TokenTable } from './scanner';
import { didYouMean } from './spelling';
import {
  allTokens,
  AnyArg,
  Arrow,
  BLOCK_KEYWORDS,
  Colon,
  DotDot,
  Identifier,
  keywordOf,
  kw,
  LCurly,
  NumberLit,
  numberValue,
  smallNumberAt,
  PciAddr,
  RCurly,
  StringLit,
  stringValue,
  TOP_LEVEL_KEYWORDS,
  KEYWORDS,
  VersionLit,
} from './lexer';

/** Defined (true) in the esbuild bundles. */
declare const IOMMU_CHECK_BUNDLE: boolean | undefined;

type Ctx = 'top' | 'iommu' | 'irqchip' | 'device' | 'group' | 'domain';

const TOP = new Set<string>(TOP_LEVEL_KEYWORDS);
const DECLS = new Set<string>(['iommu', 'irqchip', 'device', 'group', 'domain']);
const BLOCK_WORDS: Record<Ctx, Set<string>> = {
  top: new Set(),
  iommu: new Set(BLOCK_KEYWORDS.iommu),
  irqchip: new Set(BLOCK_KEYWORDS.irqchip),
  device: new Set(BLOCK_KEYWORDS.device),
  domain: new Set(BLOCK_KEYWORDS.domain),
  group: new Set(),
};
/** Words that start a statement in a context: a name on a later line is not taken from these. */
const CTX_WORDS: Record<Ctx, Set<string>> = Object.fromEntries(
  (Object.keys(BLOCK_WORDS) as Ctx[]).map((c) => [c, new Set([...BLOCK_WORDS[c], ...TOP])]),
) as Record<Ctx, Set<string>>;
const ALL_BLOCK_WORDS = new Set<string>(Object.values(BLOCK_KEYWORDS).flat());
const KEYWORD_SET = new Set<string>(KEYWORDS);
const PERM_RE = /^[rwRW]{1,2}$/;
/** Words of an `acs` list: the ACS control flags, and `none` (an ACS capability enforcing nothing). */
const ACS_WORDS = new Set(['sv', 'tb', 'rr', 'cr', 'uf', 'ec', 'dt', 'none']);

/** What LA returns past either end of the tokens. */
const END_OF_FILE: IToken = Object.freeze(createTokenInstance(EOF, '', NaN, NaN, NaN, NaN, NaN, NaN));
const MAP = kw('map');
const SIZE = kw('size');
/** How many of the last tokens read are kept (a power of two). */
const TOKEN_CACHE = 32;

// ---- helpers on tokens ------------------------------------------------------------------

const isEof = (t: IToken): boolean => t.tokenType === EOF;
const isWord = (t: IToken): boolean => !isEof(t) && tokenMatcher(t, Identifier);
const tokSpan = (a: IToken, b: IToken = a): A.Span => ({ start: a.startOffset, end: (b.endOffset ?? b.startOffset) + 1 });
const mkName = (t: IToken): A.Name => ({ span: tokSpan(t), text: t.image });

function shown(image: string): string {
  return image.length > 24 ? image.slice(0, 21) + '…' : image;
}

/** `16g` → `; did you mean '16G'?` (size suffixes are upper case); '' when no fix is obvious. */
function numberSuggestion(image: string): string {
  const candidates = [image.toUpperCase(), image.toLowerCase(), image.replace(/[kmgtp]$/, (c) => c.toUpperCase()), image.replace(/^0X/, '0x')];
  for (const c of candidates) {
    if (c !== image && numberValue(c) !== undefined) return `; did you mean '${c}'?`;
  }
  return '';
}

/** How a token is named in a message. */
export function describeToken(t: IToken | undefined): string {
  if (!t || isEof(t)) return 'the end of the file';
  if (t.tokenType === NumberLit) return `number '${shown(t.image)}'`;
  if (t.tokenType === StringLit) return `string ${shown(t.image)}`;
  if (t.tokenType === PciAddr) return `PCI address '${t.image}'`;
  if (t.tokenType === VersionLit) return `version '${t.image}'`;
  return `'${shown(t.image)}'`;
}

function describeType(t: TokenType): string {
  const label = t.LABEL ?? t.name;
  return label;
}

const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${describeType(expected)}, found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${describeToken(firstRedundant)}`,
  buildNoViableAltMessage: ({ actual }) => `unexpected ${describeToken(actual[0])}`,
  buildEarlyExitMessage: ({ actual }) => `unexpected ${describeToken(actual[0])}`,
};

const CTX_LABEL: Record<Ctx, string> = {
  top: 'top level',
  iommu: 'iommu',
  irqchip: 'irqchip',
  device: 'device',
  group: 'group',
  domain: 'domain',
};

// ---- the parser -------------------------------------------------------------------------

export class IommuParser extends EmbeddedActionsParser {
  /** The block being read, for gates and messages. */
  private ctx: Ctx = 'top';
  /** `device 'nic'`: the block being read, as messages name it. */
  private ctxLabel = '';
  /** Errors found by the error productions. */
  ownErrors: A.SyntaxError[] = [];
  private textLength = 0;
  /** Whether the last range read had `size` or `..` (even with its number missing). */
  private rangeHadTail = false;

  constructor() {
    // The bundles skip chevrotain's grammar validations (start-up time): the tests, which run the
    // sources, keep them.
    super(allTokens, { recoveryEnabled: true, maxLookahead: 1, errorMessageProvider, skipValidations: typeof IOMMU_CHECK_BUNDLE !== 'undefined' });
    this.performSelfAnalysis();
  }

  /** Prepare for a new file's tokens. */
  begin(tokens: TokenTable, textLength: number): void {
    this.textLength = textLength;
    // chevrotain only takes the length of its input: every token is read through LA below
    this.input = { length: tokens.count } as IToken[];
    this.table = tokens;
    this.cachedAt.fill(-1);
    this.ownErrors = [];
    this.ctx = 'top';
    this.ctxLabel = '';
  }

  // ---- the token vector, read from the scanner's table ----
  //
  // Token objects are made on demand, and the last few kept (a token is looked at several times):
  // a file never holds an object per token, and plain maps need none at all. (Made up front, they
  // cost more: 28 ms against 11 ms for a 10k-map file, 39 against 28 ms for 900 devices, warm.)

  /** chevrotain's index of the last token consumed. */
  declare private currIdx: number;
  private table: TokenTable | undefined;
  private readonly cachedAt = new Int32Array(TOKEN_CACHE).fill(-1);
  private readonly cached: IToken[] = new Array<IToken>(TOKEN_CACHE);

  override LA(howMuch: number): IToken {
    const i = this.currIdx + howMuch;
    const table = this.table;
    if (i < 0 || table === undefined || i >= table.count) return END_OF_FILE;
    const slot = i & (TOKEN_CACHE - 1);
    if (this.cachedAt[slot] === i) return this.cached[slot]!;
    const t = table.token(i);
    this.cachedAt[slot] = i;
    this.cached[slot] = t;
    return t;
  }
  override LA_FAST(howMuch: number): IToken {
    return this.LA(howMuch);
  }
  // No end-of-file sentinels in the vector: LA checks its bounds.
  onBeforeParse(): void {}
  onAfterParse(): void {
    this.values.clear();
    this.smallValues.clear();
    const next = this.LA(1);
    if (isEof(next)) return;
    const message = errorMessageProvider.buildNotAllInputParsedMessage({ firstRedundant: next, ruleName: 'file' });
    (this as unknown as { SAVE_ERROR(e: Error): void }).SAVE_ERROR(new NotAllInputParsedException(message, next));
  }

  // ---- lookahead predicates (used in GATEs and ACTIONs only) ----

  private prev(): IToken {
    return this.LA(0);
  }
  private sameLine(t: IToken): boolean {
    const p = this.prev();
    if (isEof(t) || isEof(p)) return false;
    return t.startLine === (p.endLine ?? p.startLine);
  }
  private isCtxKeyword(t: IToken): boolean {
    const k = keywordOf(t);
    return k !== undefined && CTX_WORDS[this.ctx].has(k);
  }
  /** A name may be read here: a word on this line, or on a later line a word that starts no statement. */
  private nameAhead(): boolean {
    const t = this.LA(1);
    return isWord(t) && (this.sameLine(t) || !this.isCtxKeyword(t));
  }
  /** A token on the same line that is clearly a wrong value and belongs to this statement. */
  private strayAhead(want: 'name' | 'number' | 'string' | 'pci'): boolean {
    const t = this.LA(1);
    if (!this.sameLine(t)) return false;
    const tt = t.tokenType;
    if (tt === NumberLit || tt === StringLit || tt === PciAddr) return true;
    if (want !== 'name' && isWord(t)) return keywordOf(t) === undefined;
    return false;
  }
  /** A line starting a new top-level declaration while a block is open: the block ends here. */
  private closesBlock(): boolean {
    const t = this.LA(1);
    const k = keywordOf(t);
    if (k === undefined || !TOP.has(k) || this.sameLine(t)) return false;
    if (!BLOCK_WORDS[this.ctx].has(k)) {
      if (!DECLS.has(k) || this.ctx !== 'group') return true;
    }
    // `iommu` inside a device or domain: a declaration only when `iommu NAME {` follows.
    const t3 = this.LA(3);
    return isWord(this.LA(2)) && (t3.tokenType === LCurly || t3.tokenType === Colon);
  }
  private blockEnds(): boolean {
    const t = this.LA(1);
    return isEof(t) || t.tokenType === RCurly || this.closesBlock();
  }
  /** An argument of an unknown statement or property. */
  private argAhead(): boolean {
    const t = this.LA(1);
    if (isEof(t) || !tokenMatcher(t, AnyArg)) return false;
    if (isWord(t) && this.isCtxKeyword(t)) return false;
    return !(this.ctx !== 'top' && this.closesBlock());
  }
  private permAhead(): boolean {
    const t = this.LA(1);
    if (!isWord(t) || this.isCtxKeyword(t)) return false;
    return this.sameLine(t) || PERM_RE.test(t.image);
  }
  /** A plain word on this line that is no keyword here (a value written without its keyword). */
  private looseWordAhead(): boolean {
    const t = this.LA(1);
    return isWord(t) && this.sameLine(t) && !this.isCtxKeyword(t) && keywordOf(t) === undefined;
  }
  /** A map target written without its `->`. */
  private looseTargetAhead(): boolean {
    const t = this.LA(1);
    return (t.tokenType === NumberLit && this.sameLine(t)) || this.looseWordAhead();
  }
  private la1Is(...words: string[]): boolean {
    const k = keywordOf(this.LA(1));
    return k !== undefined && words.includes(k);
  }

  // ---- error recording ----

  private error(span: A.Span, message: string): void {
    this.ownErrors.push({ span, message });
  }
  private errorAt(t: IToken, message: string): void {
    if (isEof(t)) return this.error({ start: this.textLength, end: this.textLength }, message);
    this.error(tokSpan(t), message);
  }
  /** The span from a statement's keyword to the last token read. */
  private stmtSpan(k: IToken): A.Span {
    const p = this.prev();
    return tokSpan(k, isEof(p) || p.startOffset < k.startOffset ? k : p);
  }
  private num(t: IToken): A.Num | undefined {
    const value = numberValue(t.image);
    if (value === undefined) {
      this.errorAt(t, `malformed number '${shown(t.image)}'${numberSuggestion(t.image)}`);
      return undefined;
    }
    return { span: tokSpan(t), text: t.image, value };
  }
  /**
   * A value is missing after `before`. The error sits on the offending token: the wrong value
   * that was read (`stray`), else the next token when it is on the same line (`ias }`), else
   * the token the value should follow.
   */
  private missing(what: string, before: IToken, stray: IToken | undefined): void {
    const next = this.LA(1);
    const at = stray ?? (this.sameLine(next) ? next : undefined);
    if (at) this.errorAt(at, `expected ${what} after '${shown(before.image)}', found ${describeToken(at)}`);
    else this.errorAt(before, `expected ${what} after '${shown(before.image)}'`);
  }

  // ---- values ----

  /** A name (keywords allowed); reports its absence. */
  private expectName = this.RULE('expectName', (what: string, numberIsStray = true): A.Name | undefined => {
    let before: IToken | undefined;
    let tok: IToken | undefined;
    let stray: IToken | undefined;
    this.ACTION(() => {
      before = this.prev();
    });
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.nameAhead(), ALT: () => { tok = this.CONSUME(Identifier); } },
        {
          GATE: () => this.strayAhead('name') && (numberIsStray || this.LA(1).tokenType !== NumberLit),
          ALT: () => { stray = this.CONSUME(AnyArg); },
        },
        { ALT: () => undefined },
      ],
    });
    return this.ACTION(() => {
      if (tok) return mkName(tok);
      this.missing(what, before!, stray);
      return undefined;
    });
  });

  /** A number; reports its absence. */
  private expectNum = this.RULE('expectNum', (): A.Num | undefined => {
    let before: IToken | undefined;
    let tok: IToken | undefined;
    let stray: IToken | undefined;
    this.ACTION(() => {
      before = this.prev();
    });
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => { tok = this.CONSUME(NumberLit); } },
        { GATE: () => this.strayAhead('number'), ALT: () => { stray = this.CONSUME(AnyArg); } },
        { ALT: () => undefined },
      ],
    });
    return this.ACTION(() => {
      if (tok) return this.num(tok);
      this.missing('a number', before!, stray);
      return undefined;
    });
  });

  /** A number known to be next (its token is already the lookahead). */
  private numLit = this.RULE('numLit', (): A.Num | undefined => {
    const t = this.CONSUME(NumberLit);
    return this.ACTION(() => this.num(t));
  });

  /**
   * `A size S` or `A..L`. With `tailOptional` (map, msi-bind) a bare `A` is returned as is and
   * the caller looks for the size later.
   */
  private range = this.RULE('range', (tailOptional: boolean): A.AddrRange | undefined => {
    let sizeKw: IToken | undefined;
    let dots: IToken | undefined;
    let size: A.Num | undefined;
    let last: A.Num | undefined;
    const start = this.SUBRULE(this.expectNum);
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            sizeKw = this.CONSUME(kw('size'));
            size = this.SUBRULE1(this.expectNum);
          },
        },
        {
          ALT: () => {
            dots = this.CONSUME(DotDot);
            last = this.SUBRULE2(this.expectNum);
          },
        },
        { ALT: () => undefined },
      ],
    });
    return this.ACTION(() => {
      this.rangeHadTail = sizeKw !== undefined || dots !== undefined;
      if (!sizeKw && !dots && !tailOptional && start) {
        this.errorAt(this.prev(), `expected 'size' or '..' after '${shown(this.prev().image)}'`);
      }
      if (!start) return undefined;
      const r: A.AddrRange = { span: { start: start.span.start, end: this.prev().endOffset! + 1 }, start };
      if (size) r.size = size;
      if (last) r.last = last;
      return r;
    });
  });

  // ---- top level ----

  file = this.RULE('file', (): A.TopStatement[] => {
    const statements: A.TopStatement[] = [];
    this.MANY({
      GATE: () => !isEof(this.LA(1)),
      DEF: () => {
        const s = this.SUBRULE(this.topStatement);
        this.ACTION(() => {
          if (s) statements.push(s);
        });
      },
    });
    return statements;
  });

  private topStatement = this.RULE('topStatement', (): A.TopStatement | undefined => {
    this.ACTION(() => {
      this.ctx = 'top';
      this.ctxLabel = '';
    });
    return this.OR<A.TopStatement | undefined>({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.backendStmt) },
        { ALT: () => this.SUBRULE(this.pageSizeStmt) },
        { ALT: () => this.SUBRULE(this.kernelStmt) },
        { ALT: () => this.SUBRULE(this.allowUnsafeStmt) },
        { ALT: () => this.SUBRULE(this.includeStmt) },
        { ALT: () => this.SUBRULE(this.cmdlineStmt) },
        { ALT: () => this.SUBRULE(this.iommuDecl) },
        { ALT: () => this.SUBRULE(this.irqchipDecl) },
        { ALT: () => this.SUBRULE(this.deviceDecl) },
        { ALT: () => this.SUBRULE(this.groupDecl) },
        { ALT: () => this.SUBRULE(this.domainDecl) },
        { ALT: () => this.SUBRULE(this.expectStmt) },
        {
          ALT: () => {
            this.SUBRULE(this.unknown);
            return undefined;
          },
        },
      ],
    });
  });

  private backendStmt = this.RULE('backendStmt', (): A.BackendStmt => {
    const k = this.CONSUME(kw('backend'));
    const value = this.SUBRULE(this.expectName, { ARGS: ['a backend (iommufd, vfio-type1, dma-api)'] });
    return this.ACTION(() => ({ kind: 'backend', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  private pageSizeStmt = this.RULE('pageSizeStmt', (): A.PageSizeStmt => {
    const k = this.CONSUME(kw('page-size'));
    const value = this.SUBRULE(this.expectNum);
    return this.ACTION(() => ({ kind: 'page-size', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  /** `kernel X.Y`; a plain number (`kernel 6`) is kept for the model to report. */
  private kernelStmt = this.RULE('kernelStmt', (): A.KernelStmt => {
    const k = this.CONSUME(kw('kernel'));
    let tok: IToken | undefined;
    let stray: IToken | undefined;
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => { tok = this.CONSUME(VersionLit); } },
        { GATE: () => this.sameLine(this.LA(1)), ALT: () => { tok = this.CONSUME(NumberLit); } },
        { GATE: () => this.strayAhead('number'), ALT: () => { stray = this.CONSUME(AnyArg); } },
        { ALT: () => undefined },
      ],
    });
    return this.ACTION(() => {
      if (!tok) this.missing('a kernel version (MAJOR.MINOR, e.g. 6.8)', k, stray);
      return { kind: 'kernel', span: this.stmtSpan(k), keyword: tokSpan(k), ...(tok ? { value: mkName(tok) } : {}) };
    });
  });

  private allowUnsafeStmt = this.RULE('allowUnsafeStmt', (): A.AllowUnsafeStmt => {
    const k = this.CONSUME(kw('allow-unsafe-interrupts'));
    return this.ACTION(() => ({ kind: 'allow-unsafe-interrupts', span: this.stmtSpan(k), keyword: tokSpan(k) }));
  });

  private cmdlineStmt = this.RULE('cmdlineStmt', (): A.CmdlineStmt => {
    const k = this.CONSUME(kw('cmdline'));
    const value = this.quotedString(k, 'the quoted kernel command line');
    return this.ACTION(() => ({ kind: 'cmdline', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  private includeStmt = this.RULE('includeStmt', (): A.IncludeStmt => {
    const k = this.CONSUME(kw('include'));
    const path = this.quotedString(k, 'a quoted path');
    return this.ACTION(() => ({ kind: 'include', span: this.stmtSpan(k), keyword: tokSpan(k), path }));
  });

  /** The string argument of keyword `k` (`include`, `cmdline`); `what` names it when it is missing. */
  private quotedString(k: IToken, what: string): A.Str | undefined {
    let tok: IToken | undefined;
    let stray: IToken | undefined;
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => { tok = this.CONSUME(StringLit); } },
        { GATE: () => this.strayAhead('string'), ALT: () => { stray = this.CONSUME(AnyArg); } },
        { ALT: () => undefined },
      ],
    });
    return this.ACTION(() => {
      if (tok) return { span: tokSpan(tok), text: tok.image, value: stringValue(tok.image).value };
      this.missing(what, k, stray);
      return undefined;
    });
  }

  private expectStmt = this.RULE('expectStmt', (): A.ExpectStmt => {
    const k = this.CONSUME(kw('expect'));
    let access: IToken | undefined;
    let arrow: IToken | undefined;
    let fault: IToken | undefined;
    let targetNum: A.Num | undefined;
    let targetName: IToken | undefined;
    let pasid: A.Num | undefined;
    const device = this.SUBRULE(this.expectName, { ARGS: ['a device name', false] });
    this.OPTION(() => {
      this.CONSUME(kw('pasid'));
      pasid = this.SUBRULE(this.expectNum);
    });
    this.OPTION2(() => {
      access = this.OR([{ ALT: () => this.CONSUME(kw('read')) }, { ALT: () => this.CONSUME(kw('write')) }]);
    });
    const address = this.SUBRULE2(this.expectNum);
    this.OR2({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            arrow = this.CONSUME(Arrow);
            this.OR3({
              IGNORE_AMBIGUITIES: true,
              DEF: [
                { ALT: () => { targetNum = this.SUBRULE(this.numLit); } },
                { GATE: () => this.nameAhead(), ALT: () => { targetName = this.CONSUME(Identifier); } },
                {
                  ALT: () => {
                    this.ACTION(() => this.errorAt(arrow!, "expected an address or an irqchip name after '->'"));
                  },
                },
              ],
            });
          },
        },
        { ALT: () => { fault = this.CONSUME(kw('fault')); } },
        {
          ALT: () => {
            this.ACTION(() => {
              if (address) this.errorAt(this.prev(), `expected '->' or 'fault' after '${shown(this.prev().image)}'`);
            });
          },
        },
      ],
    });
    return this.ACTION(() => {
      const s: A.ExpectStmt = { kind: 'expect', span: this.stmtSpan(k), keyword: tokSpan(k) };
      if (device) s.device = device;
      if (pasid) s.pasid = pasid;
      if (access) s.access = mkName(access);
      if (address) s.address = address;
      if (fault) s.result = { kind: 'fault', span: tokSpan(fault) };
      else if (targetNum) s.result = { kind: 'address', span: targetNum.span, value: targetNum };
      else if (targetName) s.result = { kind: 'irqchip', span: tokSpan(targetName), ref: mkName(targetName) };
      return s;
    });
  });

  // ---- error productions ----

  /** A balanced `{ … }`, read without meaning (iteratively: nesting depth is unbounded). */
  private balanced = this.RULE('balanced', (): void => {
    let depth = 1;
    this.CONSUME(LCurly);
    this.MANY({
      GATE: () => depth > 0,
      DEF: () => {
        this.OR([
          { ALT: () => { this.CONSUME2(LCurly); this.ACTION(() => depth++); } },
          { ALT: () => { this.CONSUME(RCurly); this.ACTION(() => depth--); } },
          { ALT: () => { this.CONSUME(AnyArg); } },
        ]);
      },
    });
  });

  /**
   * Something that is not a statement (at the top level) or not a property (in a block): the
   * word, its arguments and a following `{ … }` become one error.
   */
  private unknown = this.RULE('unknown', (): void => {
    let first: IToken | undefined;
    this.ACTION(() => {
      first = this.LA(1);
    });
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.balanced) },
        { ALT: () => this.CONSUME(RCurly) },
        {
          ALT: () => {
            this.CONSUME(AnyArg);
            this.MANY({ GATE: () => this.argAhead(), DEF: () => this.CONSUME2(AnyArg) });
            this.OPTION(() => this.SUBRULE2(this.balanced));
          },
        },
      ],
    });
    this.ACTION(() => {
      const t = first!;
      const word = isWord(t) ? t.image : undefined;
      const k = keywordOf(t);
      let message: string;
      if (this.ctx === 'top') {
        if (word === undefined) message = `unexpected ${describeToken(t)}`;
        else if (k !== undefined && ALL_BLOCK_WORDS.has(k)) message = `'${k}' is only allowed inside a block`;
        else if (k !== undefined) message = `unexpected '${k}'`;
        else message = `unknown statement '${shown(word)}'${didYouMean(word, TOP_LEVEL_KEYWORDS)}`;
      } else if (this.ctx === 'group') {
        message = `expected a device name in ${this.ctxLabel}, found ${describeToken(t)}`;
      } else {
        const label = CTX_LABEL[this.ctx];
        if (word === undefined) message = `unexpected ${describeToken(t)} in ${this.ctxLabel}`;
        else if (k !== undefined && KEYWORD_SET.has(k)) message = `'${k}' is not allowed in ${this.ctxLabel}`;
        else message = `unknown ${label} property '${shown(word)}'${didYouMean(word, BLOCK_WORDS[this.ctx])}`;
      }
      this.errorAt(t, message);
    });
  });

  // ---- blocks ----

  /**
   * `{ PROP… }` of a declaration. Returns the body span (absent without `{`).
   * `label` names the block in messages (`device 'nic'`). `bulk`, where given, reads the
   * statements that follow in one go when it can (it returns how many it read).
   */
  private blockBody<P>(ctx: Ctx, label: () => string, prop: () => P | undefined, props: P[], named: () => boolean, bulk?: (props: P[]) => number): A.Span | undefined {
    let lc: IToken | undefined;
    let rc: IToken | undefined;
    /** `{` is missing but properties of this block follow: read them anyway. */
    let braceless = false;
    let saved: [Ctx, string] = ['top', ''];
    this.ACTION(() => {
      saved = [this.ctx, this.ctxLabel];
      this.ctx = ctx;
      this.ctxLabel = label();
    });
    this.OR9({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => { lc = this.CONSUME9(LCurly); } },
        {
          ALT: () => {
            this.ACTION(() => {
              const k = keywordOf(this.LA(1));
              braceless = k !== undefined && BLOCK_WORDS[ctx].has(k) && !this.closesBlock();
              // A missing name already has its error; `{` is then not asked for again.
              if (named() || braceless) this.errorAt(this.prev(), `expected '{' after ${label()}`);
            });
          },
        },
      ],
    });
    this.MANY9({
      GATE: () => (lc !== undefined || braceless) && !this.blockEnds(),
      DEF: () => {
        // read in bulk, the next repetition reads on (ACTION: not while chevrotain records)
        if (bulk && this.ACTION(() => bulk(props)) > 0) return;
        const p = prop();
        this.ACTION(() => {
          if (p) props.push(p);
        });
      },
    });
    this.OPTION9({
      GATE: () => lc !== undefined || braceless,
      DEF: () => {
        rc = this.CONSUME9(RCurly);
      },
    });
    return this.ACTION(() => {
      [this.ctx, this.ctxLabel] = saved;
      if (!lc) return undefined;
      if (!rc) this.errorAt(lc, `expected '}' to close ${label()}`);
      return tokSpan(lc, rc ?? this.prev());
    });
  }

  private iommuDecl = this.RULE('iommuDecl', (): A.IommuDecl => {
    const k = this.CONSUME(kw('iommu'));
    const name = this.SUBRULE(this.expectName, { ARGS: ['an iommu name'] });
    const props: A.IommuProp[] = [];
    const body = this.blockBody('iommu', () => label('iommu', name), () => this.SUBRULE(this.iommuProp), props, () => name !== undefined);
    return this.ACTION(() => decl({ kind: 'iommu', span: this.stmtSpan(k), keyword: tokSpan(k), props }, name, body));
  });

  private irqchipDecl = this.RULE('irqchipDecl', (): A.IrqchipDecl => {
    const k = this.CONSUME(kw('irqchip'));
    const name = this.SUBRULE(this.expectName, { ARGS: ['an irqchip name'] });
    const props: A.IrqchipProp[] = [];
    const body = this.blockBody('irqchip', () => label('irqchip', name), () => this.SUBRULE(this.irqchipProp), props, () => name !== undefined);
    return this.ACTION(() => decl({ kind: 'irqchip', span: this.stmtSpan(k), keyword: tokSpan(k), props }, name, body));
  });

  private deviceDecl = this.RULE('deviceDecl', (): A.DeviceDecl => {
    const k = this.CONSUME(kw('device'));
    const name = this.SUBRULE(this.expectName, { ARGS: ['a device name'] });
    const props: A.DeviceProp[] = [];
    const body = this.blockBody('device', () => label('device', name), () => this.SUBRULE(this.deviceProp), props, () => name !== undefined);
    return this.ACTION(() => decl({ kind: 'device', span: this.stmtSpan(k), keyword: tokSpan(k), props }, name, body));
  });

  private groupDecl = this.RULE('groupDecl', (): A.GroupDecl => {
    const k = this.CONSUME(kw('group'));
    const name = this.SUBRULE(this.expectName, { ARGS: ['a group name'] });
    let type: A.Name | undefined;
    this.OPTION(() => {
      this.CONSUME(Colon);
      type = this.SUBRULE2(this.expectName, { ARGS: ['a default domain type'] });
    });
    const members: A.Name[] = [];
    const body = this.blockBody('group', () => label('group', name), () => this.SUBRULE(this.groupMember), members, () => name !== undefined);
    return this.ACTION(() => {
      const d = decl<A.GroupDecl>({ kind: 'group', span: this.stmtSpan(k), keyword: tokSpan(k), members }, name, body);
      if (type) d.type = type;
      return d;
    });
  });

  private groupMember = this.RULE('groupMember', (): A.Name | undefined => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            const t = this.CONSUME(Identifier);
            return this.ACTION(() => mkName(t));
          },
        },
        {
          ALT: () => {
            this.SUBRULE(this.unknown);
            return undefined;
          },
        },
      ],
    });
  });

  private domainDecl = this.RULE('domainDecl', (): A.DomainDecl => {
    const k = this.CONSUME(kw('domain'));
    const name = this.SUBRULE(this.expectName, { ARGS: ['a domain name'] });
    let type: A.Name | undefined;
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(Colon);
            type = this.SUBRULE2(this.expectName, { ARGS: ['a domain type'] });
          },
        },
        {
          GATE: () => isWord(this.LA(1)) && this.sameLine(this.LA(1)),
          ALT: () => {
            const t = this.CONSUME(Identifier);
            this.ACTION(() => {
              type = mkName(t);
              this.errorAt(t, `expected ':' before the domain type '${shown(t.image)}'`);
            });
          },
        },
        {
          ALT: () => {
            this.ACTION(() => this.errorAt(this.prev(), `expected ':' and a type after ${label('domain', name)}`));
          },
        },
      ],
    });
    const stmts: A.DomainStmt[] = [];
    const body = this.blockBody('domain', () => label('domain', name), () => this.SUBRULE(this.domainStmt), stmts, () => name !== undefined, (into) => this.readPlainMaps(into));
    return this.ACTION(() => {
      const d = decl<A.DomainDecl>({ kind: 'domain', span: this.stmtSpan(k), keyword: tokSpan(k), stmts }, name, body);
      if (type) d.type = type;
      return d;
    });
  });

  // ---- properties ----

  private iommuProp = this.RULE('iommuProp', (): A.IommuProp | undefined =>
    this.OR<A.IommuProp | undefined>({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.modelProp) },
        { ALT: () => this.SUBRULE(this.widthProp) },
        { ALT: () => this.SUBRULE(this.pgsizesProp) },
        { GATE: () => this.la1Is('nesting', 'no-nesting'), ALT: () => this.SUBRULE(this.flagProp) },
        { ALT: () => this.SUBRULE(this.windowProp) },
        { ALT: () => this.SUBRULE(this.reservedProp) },
        { ALT: () => this.SUBRULE(this.defaultDomainProp) },
        { ALT: () => this.unknownProp() },
      ],
    }),
  );

  private irqchipProp = this.RULE('irqchipProp', (): A.IrqchipProp | undefined =>
    this.OR<A.IrqchipProp | undefined>({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.modelProp) },
        { ALT: () => this.SUBRULE(this.addressProp) },
        { GATE: () => this.la1Is('isolated', 'not-isolated'), ALT: () => this.SUBRULE(this.flagProp) },
        { ALT: () => this.unknownProp() },
      ],
    }),
  );

  private deviceProp = this.RULE('deviceProp', (): A.DeviceProp | undefined =>
    this.OR<A.DeviceProp | undefined>({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.pciProp) },
        { ALT: () => this.SUBRULE(this.iommuRefProp) },
        { ALT: () => this.SUBRULE(this.msiProp) },
        { ALT: () => this.SUBRULE(this.driverProp) },
        { ALT: () => this.SUBRULE(this.reservedProp) },
        { GATE: () => this.la1Is('sw-msi'), ALT: () => this.SUBRULE(this.windowProp) },
        { ALT: () => this.SUBRULE(this.pasidBitsProp) },
        { ALT: () => this.SUBRULE(this.portProp) },
        { ALT: () => this.SUBRULE(this.behindProp) },
        { ALT: () => this.SUBRULE(this.acsProp) },
        { ALT: () => this.SUBRULE(this.conventionalProp) },
        { ALT: () => this.SUBRULE(this.physfnProp) },
        { ALT: () => this.SUBRULE(this.dmaAliasProp) },
        { ALT: () => this.unknownProp() },
      ],
    }),
  );

  private domainStmt = this.RULE('domainStmt', (): A.DomainStmt | undefined =>
    this.OR<A.DomainStmt | undefined>({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.iommuRefProp) },
        { GATE: () => this.la1Is('nest-parent'), ALT: () => this.SUBRULE(this.flagProp) },
        { ALT: () => this.SUBRULE(this.parentStmt) },
        { ALT: () => this.SUBRULE(this.stage1Stmt) },
        { ALT: () => this.SUBRULE(this.attachStmt) },
        { ALT: () => this.SUBRULE(this.mapStmt) },
        { ALT: () => this.SUBRULE(this.rmrStmt) },
        { ALT: () => this.SUBRULE(this.msiBindStmt) },
        { ALT: () => this.SUBRULE(this.pasidTableStmt) },
        { ALT: () => this.SUBRULE(this.viommuStmt) },
        { ALT: () => this.unknownProp() },
      ],
    }),
  );

  /** The value of each unusual number spelling of the file read so far (one bigint per distinct spelling). */
  private readonly values = new Map<string, bigint | null>();
  /** The bigint of each value under 2^30 read in place so far (one per distinct value). */
  private readonly smallValues = new Map<number, bigint>();
  /** Whether plain maps are read directly (off only to test that both ways give the same). */
  plainMaps = true;
  /** The plain map ahead: its form, and its values in the order written (set by plainMapAhead). */
  private plain: { sizeFirst: boolean; values: [bigint | null, bigint | null, bigint | null] } = { sizeFirst: false, values: [null, null, null] };

  /**
   * A plain map is next, three well-formed numbers: `map A -> T size S` or `map A size S -> T`
   * (then no `size` after T). mapStmt would read it without an error, exactly as readPlainMaps does.
   */
  private plainMapAhead(): boolean {
    if (!this.plainMaps) return false;
    const table = this.table!;
    const i = this.currIdx + 1;
    if (i + 5 >= table.count || table.type(i) !== MAP) return false;
    if (table.type(i + 1) !== NumberLit || table.type(i + 3) !== NumberLit || table.type(i + 5) !== NumberLit) return false;
    const second = table.type(i + 2);
    const fourth = table.type(i + 4);
    if (second === Arrow && fourth === SIZE) this.plain.sizeFirst = false;
    else if (second === SIZE && fourth === Arrow && !(i + 6 < table.count && table.type(i + 6) === SIZE)) this.plain.sizeFirst = true;
    else return false;
    const v = this.plain.values;
    const text = table.text;
    for (let n = 0; n < 3; n++) {
      const j = i + 1 + 2 * n;
      const at = table.start(j);
      // the usual spellings are read in place; others through their string
      const small = smallNumberAt(text, at, at + table.length(j));
      let value: bigint | null | undefined;
      if (small !== undefined) {
        // sizes and low addresses, which repeat, share one bigint; other addresses rarely repeat
        if (small < 0x4000_0000) {
          value = this.smallValues.get(small);
          if (value === undefined) {
            value = BigInt(small);
            this.smallValues.set(small, value);
          }
        } else value = BigInt(small);
      } else {
        const image = table.numberImage(j);
        value = this.values.get(image);
        if (value === undefined) {
          value = numberValue(image);
          if (value === undefined) return false;
          this.values.set(image, value);
        }
      }
      v[n] = value;
    }
    return true;
  }

  /**
   * Reads the plain maps that follow, one after another, straight from the token table (a large
   * domain is mostly such maps): the nodes mapStmt would give, kept as PlainMap. Returns how
   * many were read.
   */
  private readPlainMaps(stmts: A.DomainStmt[]): number {
    const table = this.table!;
    const text = table.text;
    let n = 0;
    while (this.plainMapAhead()) {
      const k = this.currIdx + 1; // the keyword
      const last = k + 5; // the third number
      this.currIdx = last;
      let ps = -1;
      let pe = -1;
      const p = last + 1;
      // a plain word on the map's line is its permission; any other word, as permAhead says
      if (p < table.count && ((table.type(p) === Identifier && table.line(p) === table.line(last)) || this.permAhead())) {
        ps = table.start(p);
        pe = ps + table.length(p);
        this.currIdx = p;
      }
      const { sizeFirst, values } = this.plain;
      const s1 = table.start(k + 1);
      const s3 = table.start(k + 3);
      const s5 = table.start(last);
      stmts.push(
        new PlainMap(text, table.start(k), s1, s1 + table.length(k + 1), s3, s3 + table.length(k + 3), s5, s5 + table.length(last), ps, pe, sizeFirst, values[0], values[1], values[2]),
      );
      n++;
    }
    return n;
  }

  private unknownProp(): undefined {
    this.SUBRULE9(this.unknown);
    return undefined;
  }

  private modelProp = this.RULE('modelProp', (): A.ModelProp => {
    const k = this.CONSUME(kw('model'));
    const value = this.SUBRULE(this.expectName, { ARGS: ['a model name'] });
    return this.ACTION(() => ({ kind: 'model', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  private widthProp = this.RULE('widthProp', (): A.WidthProp => {
    const k = this.OR([{ ALT: () => this.CONSUME(kw('ias')) }, { ALT: () => this.CONSUME(kw('oas')) }]);
    const value = this.SUBRULE(this.expectNum);
    return this.ACTION(() => ({ kind: keywordOf(k) as 'ias' | 'oas', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  private pgsizesProp = this.RULE('pgsizesProp', (): A.PgsizesProp => {
    const k = this.CONSUME(kw('pgsizes'));
    const values: A.Num[] = [];
    let seen = false;
    this.MANY(() => {
      const n = this.SUBRULE(this.numLit);
      this.ACTION(() => {
        seen = true;
        if (n) values.push(n);
      });
    });
    return this.ACTION(() => {
      if (!seen) this.errorAt(k, "expected page sizes after 'pgsizes'");
      return { kind: 'pgsizes', span: this.stmtSpan(k), keyword: tokSpan(k), values };
    });
  });

  private flagProp = this.RULE('flagProp', (): A.FlagProp => {
    const k = this.OR([
      { ALT: () => this.CONSUME(kw('nesting')) },
      { ALT: () => this.CONSUME(kw('no-nesting')) },
      { ALT: () => this.CONSUME(kw('isolated')) },
      { ALT: () => this.CONSUME(kw('not-isolated')) },
      { ALT: () => this.CONSUME(kw('nest-parent')) },
    ]);
    return this.ACTION(() => ({ kind: keywordOf(k) as A.FlagProp['kind'], span: tokSpan(k), keyword: tokSpan(k) }));
  });

  private windowProp = this.RULE('windowProp', (): A.WindowProp => {
    const k = this.OR([{ ALT: () => this.CONSUME(kw('sw-msi')) }, { ALT: () => this.CONSUME(kw('msi-window')) }]);
    let none: IToken | undefined;
    let range: A.AddrRange | undefined;
    let entered = false;
    this.OPTION(() => {
      none = this.CONSUME(kw('none'));
    });
    this.OPTION2({
      GATE: () => none === undefined,
      DEF: () => {
        this.ACTION(() => {
          entered = true;
        });
        range = this.SUBRULE(this.range, { ARGS: [false] });
      },
    });
    return this.ACTION(() => {
      if (!none && !entered) this.missing("a range or 'none'", k, undefined);
      const p: A.WindowProp = { kind: keywordOf(k) as 'sw-msi' | 'msi-window', span: this.stmtSpan(k), keyword: tokSpan(k) };
      if (range) p.range = range;
      if (none) {
        p.none = tokSpan(none);
        if (this.ctx === 'device') this.errorAt(none, "'sw-msi none' is only allowed in an iommu");
      }
      return p;
    });
  });

  private reservedProp = this.RULE('reservedProp', (): A.ReservedProp => {
    const k = this.CONSUME(kw('reserved'));
    const range = this.SUBRULE(this.range, { ARGS: [false] });
    const type = this.SUBRULE(this.expectName, { ARGS: ['a region type'] });
    return this.ACTION(() => ({ kind: 'reserved', span: this.stmtSpan(k), keyword: tokSpan(k), range, type }));
  });

  private iommuRefProp = this.RULE('iommuRefProp', (): A.IommuRefProp => {
    const k = this.CONSUME(kw('iommu'));
    const ref = this.SUBRULE(this.expectName, { ARGS: ['an iommu name'] });
    return this.ACTION(() => ({ kind: 'iommu', span: this.stmtSpan(k), keyword: tokSpan(k), ref }));
  });

  private defaultDomainProp = this.RULE('defaultDomainProp', (): A.DefaultDomainProp => {
    const k = this.CONSUME(kw('default-domain'));
    const value = this.SUBRULE(this.expectName, { ARGS: ['a domain type'] });
    return this.ACTION(() => ({ kind: 'default-domain', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  private addressProp = this.RULE('addressProp', (): A.AddressProp => {
    const k = this.OR([{ ALT: () => this.CONSUME(kw('base')) }, { ALT: () => this.CONSUME(kw('doorbell')) }]);
    const value = this.SUBRULE(this.expectNum);
    return this.ACTION(() => ({ kind: keywordOf(k) as 'base' | 'doorbell', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  private pciProp = this.RULE('pciProp', (): A.PciProp => {
    const k = this.CONSUME(kw('pci'));
    let tok: IToken | undefined;
    let stray: IToken | undefined;
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => { tok = this.CONSUME(PciAddr); } },
        { GATE: () => this.strayAhead('pci'), ALT: () => { stray = this.CONSUME(AnyArg); } },
        { ALT: () => undefined },
      ],
    });
    return this.ACTION(() => {
      const p: A.PciProp = { kind: 'pci', span: this.stmtSpan(k), keyword: tokSpan(k) };
      if (tok) p.value = pci(tok);
      else this.missing('a PCI address (SSSS:BB:DD.F)', k, stray);
      return p;
    });
  });

  private msiProp = this.RULE('msiProp', (): A.MsiProp => {
    const k = this.CONSUME(kw('msi'));
    const ref = this.SUBRULE(this.expectName, { ARGS: ['an irqchip name'] });
    let at: A.Num | undefined;
    let vectors: A.Num | undefined;
    let atSeen = false;
    let vectorsSeen = false;
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const a = this.CONSUME(kw('at'));
            const n = this.SUBRULE1(this.expectNum);
            this.ACTION(() => {
              if (atSeen) this.errorAt(a, "'at' given twice");
              else at = n;
              atSeen = true;
            });
          },
        },
        {
          ALT: () => {
            const v = this.CONSUME(kw('vectors'));
            const n = this.SUBRULE2(this.expectNum);
            this.ACTION(() => {
              if (vectorsSeen) this.errorAt(v, "'vectors' given twice");
              else vectors = n;
              vectorsSeen = true;
            });
          },
        },
      ]);
    });
    return this.ACTION(() => {
      const p: A.MsiProp = { kind: 'msi', span: this.stmtSpan(k), keyword: tokSpan(k) };
      if (ref) p.ref = ref;
      if (at) p.at = at;
      if (vectors) p.vectors = vectors;
      return p;
    });
  });

  private driverProp = this.RULE('driverProp', (): A.DriverProp => {
    const k = this.CONSUME(kw('driver'));
    const value = this.SUBRULE(this.expectName, { ARGS: ['a driver name'] });
    return this.ACTION(() => ({ kind: 'driver', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  private pasidBitsProp = this.RULE('pasidBitsProp', (): A.PasidBitsProp => {
    const k = this.CONSUME(kw('pasid'));
    const value = this.SUBRULE(this.expectNum);
    return this.ACTION(() => ({ kind: 'pasid', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  private portProp = this.RULE('portProp', (): A.PortProp => {
    const k = this.CONSUME(kw('port'));
    const value = this.SUBRULE(this.expectName, { ARGS: ['a port kind (root, upstream, downstream, pcie-to-pci, pci-to-pcie)'] });
    return this.ACTION(() => ({ kind: 'port', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  private behindProp = this.RULE('behindProp', (): A.BehindProp => {
    const k = this.CONSUME(kw('behind'));
    const ref = this.SUBRULE(this.expectName, { ARGS: ['a bridge (device) name'] });
    return this.ACTION(() => ({ kind: 'behind', span: this.stmtSpan(k), keyword: tokSpan(k), ref }));
  });

  private acsProp = this.RULE('acsProp', (): A.AcsProp => {
    const k = this.CONSUME(kw('acs'));
    const flags: A.Name[] = [];
    this.MANY({
      GATE: () => isWord(this.LA(1)) && ACS_WORDS.has(this.LA(1).image.toLowerCase()),
      DEF: () => {
        const t = this.CONSUME(Identifier);
        this.ACTION(() => flags.push(mkName(t)));
      },
    });
    return this.ACTION(() => {
      if (flags.length === 0) this.errorAt(k, "expected ACS flags after 'acs' (sv tb rr cr uf ec dt, or none)");
      return { kind: 'acs', span: this.stmtSpan(k), keyword: tokSpan(k), flags };
    });
  });

  private physfnProp = this.RULE('physfnProp', (): A.PhysfnProp => {
    const k = this.CONSUME(kw('physfn'));
    const ref = this.SUBRULE(this.expectName, { ARGS: ['the physical function (device) name'] });
    return this.ACTION(() => ({ kind: 'physfn', span: this.stmtSpan(k), keyword: tokSpan(k), ref }));
  });

  private dmaAliasProp = this.RULE('dmaAliasProp', (): A.DmaAliasProp => {
    const k = this.CONSUME(kw('dma-alias'));
    const values: A.Pci[] = [];
    this.MANY(() => {
      const t = this.CONSUME(PciAddr);
      this.ACTION(() => values.push(pci(t)));
    });
    return this.ACTION(() => {
      if (values.length === 0) this.errorAt(k, "expected PCI addresses after 'dma-alias' (SSSS:BB:DD.F)");
      return { kind: 'dma-alias', span: this.stmtSpan(k), keyword: tokSpan(k), values };
    });
  });

  private conventionalProp = this.RULE('conventionalProp', (): A.ConventionalProp => {
    const k = this.CONSUME(kw('conventional'));
    return this.ACTION(() => ({ kind: 'conventional', span: tokSpan(k), keyword: tokSpan(k) }));
  });

  private parentStmt = this.RULE('parentStmt', (): A.ParentStmt => {
    const k = this.CONSUME(kw('parent'));
    const ref = this.SUBRULE(this.expectName, { ARGS: ['a domain name'] });
    return this.ACTION(() => ({ kind: 'parent', span: this.stmtSpan(k), keyword: tokSpan(k), ref }));
  });

  private stage1Stmt = this.RULE('stage1Stmt', (): A.Stage1Stmt => {
    const k = this.CONSUME(kw('stage1'));
    const value = this.SUBRULE(this.expectName, { ARGS: ['translate, bypass or abort'] });
    return this.ACTION(() => ({ kind: 'stage1', span: this.stmtSpan(k), keyword: tokSpan(k), value }));
  });

  /** `viommu MODEL [ias BITS]`: the IOMMU the VM's guest sees (a VMM's emulated or accelerated vIOMMU). */
  private viommuStmt = this.RULE('viommuStmt', (): A.ViommuStmt => {
    const k = this.CONSUME(kw('viommu'));
    const model = this.SUBRULE(this.expectName, { ARGS: ['a vIOMMU model (vtd, amd-vi, smmuv3, virtio-iommu)'] });
    let ias: A.Num | undefined;
    this.OPTION(() => {
      this.CONSUME(kw('ias'));
      ias = this.SUBRULE(this.expectNum);
    });
    return this.ACTION(() => {
      const s: A.ViommuStmt = { kind: 'viommu', span: this.stmtSpan(k), keyword: tokSpan(k) };
      if (model) s.model = model;
      if (ias) s.ias = ias;
      return s;
    });
  });

  private attachStmt = this.RULE('attachStmt', (): A.AttachStmt => {
    const k = this.CONSUME(kw('attach'));
    const ref = this.SUBRULE(this.expectName, { ARGS: ['a device or group name'] });
    let pasid: A.Num | undefined;
    this.OPTION(() => {
      this.CONSUME(kw('pasid'));
      pasid = this.SUBRULE(this.expectNum);
    });
    return this.ACTION(() => {
      const s: A.AttachStmt = { kind: 'attach', span: this.stmtSpan(k), keyword: tokSpan(k) };
      if (ref) s.ref = ref;
      if (pasid) s.pasid = pasid;
      return s;
    });
  });

  private mapStmt = this.RULE('mapStmt', (): A.MapStmt => {
    const k = this.CONSUME(kw('map'));
    const input = this.SUBRULE(this.range, { ARGS: [true] });
    let hasTail = false;
    this.ACTION(() => {
      hasTail = this.rangeHadTail;
    });
    let arrow: IToken | undefined;
    let target: A.MapTarget | undefined;
    let lateSizeKw: IToken | undefined;
    let lateSize: A.Num | undefined;
    let perm: IToken | undefined;
    this.OPTION({
      GATE: () => this.LA(1).tokenType === Arrow || this.looseTargetAhead(),
      DEF: () => {
      this.OPTION4(() => {
        arrow = this.CONSUME(Arrow);
      });
      this.ACTION(() => {
        if (!arrow) this.errorAt(this.LA(1), `expected '->' before ${describeToken(this.LA(1))}`);
      });
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            ALT: () => {
              const n = this.SUBRULE(this.numLit);
              this.ACTION(() => {
                if (n) target = { kind: 'address', value: n };
              });
            },
          },
          {
            GATE: () => this.nameAhead(),
            ALT: () => {
              const t = this.CONSUME(Identifier);
              this.ACTION(() => {
                target = { kind: 'irqchip', ref: mkName(t) };
              });
            },
          },
          {
            ALT: () => {
              this.ACTION(() => this.errorAt(arrow!, "expected an address or an irqchip name after '->'"));
            },
          },
        ],
      });
      },
    });
    this.ACTION(() => {
      if (!arrow && !target) this.errorAt(this.prev(), `expected '->' and a target after '${shown(this.prev().image)}'`);
    });
    this.OPTION2(() => {
      lateSizeKw = this.CONSUME(kw('size'));
      lateSize = this.SUBRULE(this.expectNum);
    });
    this.OPTION3({
      GATE: () => this.permAhead(),
      DEF: () => {
        perm = this.CONSUME2(Identifier);
      },
    });
    return this.ACTION(() => {
      const s: A.MapStmt = { kind: 'map', span: this.stmtSpan(k), keyword: tokSpan(k) };
      if (input) {
        if (lateSizeKw && hasTail) this.errorAt(lateSizeKw, 'the map already has a size');
        else if (lateSize) input.size = lateSize;
        else if (!hasTail && !lateSizeKw) {
          this.error(input.start.span, "the map has no size: write 'A size S', 'A..L' or '-> T size S'");
        }
        s.input = input;
      }
      if (target) s.target = target;
      if (perm) s.perm = mkName(perm);
      return s;
    });
  });

  private rmrStmt = this.RULE('rmrStmt', (): A.RmrStmt => {
    const k = this.CONSUME(kw('rmr'));
    const range = this.SUBRULE(this.range, { ARGS: [false] });
    return this.ACTION(() => {
      const s: A.RmrStmt = { kind: 'rmr', span: this.stmtSpan(k), keyword: tokSpan(k) };
      if (range) s.range = range;
      return s;
    });
  });

  private msiBindStmt = this.RULE('msiBindStmt', (): A.MsiBindStmt => {
    const k = this.CONSUME(kw('msi-bind'));
    const giova = this.SUBRULE(this.range, { ARGS: [true] });
    let hasTail = false;
    this.ACTION(() => {
      hasTail = this.rangeHadTail;
    });
    let arrow: IToken | undefined;
    let gpa: A.Num | undefined;
    let lateSizeKw: IToken | undefined;
    let lateSize: A.Num | undefined;
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            arrow = this.CONSUME(Arrow);
            gpa = this.SUBRULE(this.expectNum);
          },
        },
        {
          GATE: () => this.sameLine(this.LA(1)),
          ALT: () => {
            gpa = this.SUBRULE(this.numLit);
            this.ACTION(() => {
              if (gpa) this.error(gpa.span, `expected '->' before ${describeToken(this.prev())}`);
            });
          },
        },
        { ALT: () => undefined },
      ],
    });
    this.ACTION(() => {
      if (!arrow && !gpa) this.errorAt(this.prev(), `expected '->' and the doorbell's guest-physical address after '${shown(this.prev().image)}'`);
    });
    this.OPTION2(() => {
      lateSizeKw = this.CONSUME(kw('size'));
      lateSize = this.SUBRULE2(this.expectNum);
    });
    return this.ACTION(() => {
      const s: A.MsiBindStmt = { kind: 'msi-bind', span: this.stmtSpan(k), keyword: tokSpan(k) };
      if (giova) {
        if (lateSizeKw && hasTail) this.errorAt(lateSizeKw, 'the msi-bind already has a size');
        else if (lateSize) giova.size = lateSize;
        else if (!hasTail && !lateSizeKw) this.errorAt(k, "the msi-bind has no size: write 'msi-bind GIOVA -> GPA size S'");
        s.giova = giova;
      }
      if (gpa) s.gpa = gpa;
      return s;
    });
  });

  private pasidTableStmt = this.RULE('pasidTableStmt', (): A.PasidTableStmt => {
    const k = this.CONSUME(kw('pasid-table'));
    const range = this.SUBRULE(this.range, { ARGS: [false] });
    let format: A.Name | undefined;
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(kw('format'));
            format = this.SUBRULE(this.expectName, { ARGS: ['a table format (smmuv3, vtd)'] });
          },
        },
        {
          GATE: () => this.looseWordAhead(),
          ALT: () => {
            const t = this.CONSUME(Identifier);
            this.ACTION(() => {
              format = mkName(t);
              this.errorAt(t, `expected 'format' before '${shown(t.image)}'`);
            });
          },
        },
        {
          ALT: () => {
            this.ACTION(() => this.errorAt(this.prev(), `expected 'format' after '${shown(this.prev().image)}'`));
          },
        },
      ],
    });
    return this.ACTION(() => {
      const s: A.PasidTableStmt = { kind: 'pasid-table', span: this.stmtSpan(k), keyword: tokSpan(k) };
      if (range) s.range = range;
      if (format) s.format = format;
      return s;
    });
  });
}

// ---- node helpers -----------------------------------------------------------------------

function label(kind: string, name: A.Name | undefined): string {
  return name ? `${kind} '${shown(name.text)}'` : kind;
}

function decl<D extends A.Decl>(d: Omit<D, 'name' | 'body'>, name: A.Name | undefined, body: A.Span | undefined): D {
  const out = d as D;
  if (name) out.name = name;
  if (body) out.body = body;
  return out;
}

function pci(t: IToken): A.Pci {
  const parts = t.image.split(/[:.]/).map((p) => parseInt(p, 16));
  const [segment, bus, device, fn] = parts.length === 4 ? parts : [0, ...parts];
  return { span: tokSpan(t), text: t.image, segment: segment!, bus: bus!, device: device!, fn: fn! };
}

/** The one parser instance. */
export const parser = new IommuParser();
