// A plain map — `map A -> T size S [PERM]` or `map A size S -> T [PERM]`, three well-formed
// numbers — as the parser keeps it: where its tokens are and the three values. A large domain
// holds such maps by the hundred thousand and most of their syntax nodes are never looked at (the
// model reads the values; a diagnostic or an editor feature wants a span now and then), so each
// node is made when first asked for, then kept. They are the nodes the general map rule makes for
// the same text (test/grammar/scanner.test.ts compares the two on the project's configurations
// and on random map lines).

import type { AddrRange, MapStmt, MapTarget, Name, Num, Span } from './ast';

/** The permission of a plain map: as written, absent, or another word (for the model to report). */
export type PlainPerm = 'r' | 'w' | 'rw' | 'none' | 'other';

/** The syntax nodes of a plain map made so far. */
interface Nodes {
  span?: Span;
  keyword?: Span;
  input?: AddrRange;
  target?: MapTarget;
  perm?: Name;
}

export class PlainMap implements MapStmt {
  /** Made on the first node asked for (each field less counts, a million times). */
  private nodes: Nodes | undefined = undefined;

  constructor(
    /** The file's text (the spellings are read from it when asked for). */
    private readonly text: string,
    /** Where `map` starts. */
    private readonly at: number,
    /** The three numbers in the order written: where each starts and ends (exclusive). */
    private readonly s0: number,
    private readonly e0: number,
    private readonly s1: number,
    private readonly e1: number,
    private readonly s2: number,
    private readonly e2: number,
    /** The permission word: where it starts and ends, or -1 when there is none. */
    private readonly ps: number,
    private readonly pe: number,
    /** `map A size S -> T` (else `map A -> T size S`). */
    readonly sizeFirst: boolean,
    /** The values in the order written (`null`: 2^64 or more). */
    private readonly v0: bigint | null,
    private readonly v1: bigint | null,
    private readonly v2: bigint | null,
  ) {}

  /** The input's first address. */
  get startValue(): bigint | null {
    return this.v0;
  }
  get sizeValue(): bigint | null {
    return this.sizeFirst ? this.v1 : this.v2;
  }
  get outputValue(): bigint | null {
    return this.sizeFirst ? this.v2 : this.v1;
  }
  /** The permission, read without making its string. */
  get permKind(): PlainPerm {
    const { ps, pe, text } = this;
    if (ps < 0) return 'none';
    const c = text.charCodeAt(ps);
    if (pe - ps === 1) return c === 114 ? 'r' : c === 119 ? 'w' : 'other';
    return pe - ps === 2 && c === 114 && text.charCodeAt(ps + 1) === 119 ? 'rw' : 'other';
  }

  get kind(): 'map' {
    return 'map';
  }
  get span(): Span {
    return ((this.nodes ??= {}).span ??= { start: this.at, end: this.ps < 0 ? this.e2 : this.pe });
  }
  get keyword(): Span {
    return ((this.nodes ??= {}).keyword ??= { start: this.at, end: this.at + 3 });
  }
  get input(): AddrRange {
    const nodes = (this.nodes ??= {});
    if (nodes.input) return nodes.input;
    const start = this.num(this.s0, this.e0, this.v0);
    // `A size S -> T`: the range spans `A size S`; `A -> T size S`: it spans `A` (the same span
    // object as A's, as the general rule gives it)
    nodes.input = this.sizeFirst
      ? { span: { start: this.s0, end: this.e1 }, start, size: this.num(this.s1, this.e1, this.v1) }
      : { span: start.span, start, size: this.num(this.s2, this.e2, this.v2) };
    return nodes.input;
  }
  get target(): MapTarget {
    return ((this.nodes ??= {}).target ??= {
      kind: 'address',
      value: this.sizeFirst ? this.num(this.s2, this.e2, this.v2) : this.num(this.s1, this.e1, this.v1),
    });
  }
  get perm(): Name | undefined {
    if (this.ps < 0) return undefined;
    return ((this.nodes ??= {}).perm ??= { span: { start: this.ps, end: this.pe }, text: this.text.slice(this.ps, this.pe) });
  }

  /** The statement as plain objects (what JSON.stringify shows; what the general rule builds). */
  toJSON(): MapStmt {
    const s: MapStmt = { kind: 'map', span: this.span, keyword: this.keyword, input: this.input, target: this.target };
    if (this.perm) s.perm = this.perm;
    return s;
  }

  private num(start: number, end: number, value: bigint | null): Num {
    return { span: { start, end }, text: this.text.slice(start, end), value };
  }
}
