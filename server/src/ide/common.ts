// Shared vocabulary of the editor features: text edits, and finding what lies at an offset
// (the statement, the name, the number literal) in one file of an analysed configuration.

import type * as ast from '../../../grammar/src/ast';
import type { Analysis } from '../engine';
import type { Configuration, Reference, SourceFile, Symbol } from '../model/types';

/** A replacement of `span` in the file at `path` (absolute). */
export interface TextEdit {
  path: string;
  span: ast.Span;
  newText: string;
}

export function within(span: ast.Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

export function fileOf(config: Configuration, path: string): SourceFile | undefined {
  return config.files.find((f) => f.path === path);
}

/** The use of a name (a declaration's own name included) at `offset`. */
export function referenceAt(config: Configuration, file: SourceFile, offset: number): Reference | undefined {
  return config.references.find((r) => r.loc.file === file && within(r.loc.span, offset));
}

/** The symbol whose name is at `offset` (declaration or use). */
export function symbolAt(config: Configuration, file: SourceFile, offset: number): Symbol | null {
  return referenceAt(config, file, offset)?.target ?? null;
}

/** Every use of a symbol, its declaration first. */
export function usesOf(config: Configuration, sym: Symbol): Reference[] {
  const refs = config.references.filter((r) => r.target === sym);
  return refs.sort((a, b) => (a.loc.span === sym.nameLoc.span ? -1 : b.loc.span === sym.nameLoc.span ? 1 : 0));
}

export type Inner = ast.IommuProp | ast.IrqchipProp | ast.DeviceProp | ast.DomainStmt;

/** The top-level statement, and the statement inside its block, at `offset`. */
export function statementAt(file: SourceFile, offset: number): { top?: ast.TopStatement; inner?: Inner } {
  for (const top of file.ast.statements) {
    if (!within(top.span, offset)) continue;
    for (const p of innerStatements(top)) if (within(p.span, offset)) return { top, inner: p };
    return { top };
  }
  return {};
}

export function innerStatements(top: ast.TopStatement): Inner[] {
  switch (top.kind) {
    case 'iommu':
    case 'irqchip':
    case 'device':
      return top.props;
    case 'domain':
      return top.stmts;
    default:
      return [];
  }
}

/** What a number literal means where it is written. */
export type NumRole = 'address' | 'size' | 'output' | 'value';

export function numbersOf(st: ast.TopStatement | Inner): { num: ast.Num; role: NumRole }[] {
  const out: { num: ast.Num; role: NumRole }[] = [];
  const range = (r: ast.AddrRange | undefined, role: NumRole = 'address') => {
    if (!r) return;
    out.push({ num: r.start, role });
    if (r.size) out.push({ num: r.size, role: 'size' });
    if (r.last) out.push({ num: r.last, role });
  };
  switch (st.kind) {
    case 'page-size':
    case 'ias':
    case 'oas':
    case 'pasid':
      if (st.value) out.push({ num: st.value, role: 'value' });
      break;
    case 'pgsizes':
      for (const v of st.values) out.push({ num: v, role: 'size' });
      break;
    case 'reserved':
    case 'sw-msi':
    case 'msi-window':
    case 'rmr':
    case 'pasid-table':
      range(st.range);
      break;
    case 'base':
    case 'doorbell':
      if (st.value) out.push({ num: st.value, role: 'output' });
      break;
    case 'msi':
      if (st.at) out.push({ num: st.at, role: 'address' });
      if (st.vectors) out.push({ num: st.vectors, role: 'value' });
      break;
    case 'attach':
      if (st.pasid) out.push({ num: st.pasid, role: 'value' });
      break;
    case 'map':
      range(st.input);
      if (st.target?.kind === 'address') out.push({ num: st.target.value, role: 'output' });
      break;
    case 'msi-bind':
      range(st.giova);
      if (st.gpa) out.push({ num: st.gpa, role: 'output' });
      break;
    case 'expect':
      if (st.pasid) out.push({ num: st.pasid, role: 'value' });
      if (st.address) out.push({ num: st.address, role: 'address' });
      if (st.result?.kind === 'address') out.push({ num: st.result.value, role: 'output' });
      break;
    default:
      break;
  }
  return out;
}

/** Leading whitespace of the line holding `offset`. */
export function indentAt(file: SourceFile, offset: number): string {
  const line = file.lines.position(offset).line;
  const start = file.lines.lineStart(line);
  return /^[ \t]*/.exec(file.text.slice(start))![0];
}

/** The analysis of a file: handy signature for features that take one. */
export type AnalysisOf = Pick<Analysis, 'config' | 'tx' | 'diagnostics'>;
