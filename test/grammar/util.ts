import { expect } from 'vitest';
import { parse, type ParseResult, type Span, type TopStatement } from '../../grammar/src/index';

/** Parse and require no syntax errors. */
export function ok(text: string): ParseResult {
  const r = parse(text);
  expect(r.errors.map((e) => `${e.message} @ ${JSON.stringify(text.slice(e.span.start, e.span.end))}`)).toEqual([]);
  return r;
}

export function only<K extends TopStatement['kind']>(text: string, kind: K): Extract<TopStatement, { kind: K }> {
  const r = ok(text);
  expect(r.ast.statements).toHaveLength(1);
  const s = r.ast.statements[0]!;
  expect(s.kind).toBe(kind);
  return s as Extract<TopStatement, { kind: K }>;
}

export const slice = (text: string, span: Span | undefined): string | undefined =>
  span ? text.slice(span.start, span.end) : undefined;

/** Errors as `text-at-span: message`. */
export function errs(text: string): string[] {
  return parse(text).errors.map((e) => `${text.slice(e.span.start, e.span.end)}: ${e.message}`);
}

/**
 * A parse result as plain objects: a node kept compactly by the parser (a plain map) is replaced by
 * the nodes it gives (its `toJSON`), so that deep equality compares what readers see.
 */
export function plainTree<T>(v: T): T {
  if (Array.isArray(v)) return v.map(plainTree) as T;
  if (v === null || typeof v !== 'object') return v;
  const node = v as { toJSON?: () => object };
  const o: object = typeof node.toJSON === 'function' ? node.toJSON() : v;
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plainTree(x)])) as T;
}
