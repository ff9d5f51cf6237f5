// What a feature handler works with, on the analysis owner: the last analysis holding a document
// (the one whose diagnostics were published), its analysed file, and positions mapped between
// the analysed text and the text now. No handler analyses anything.

import type { Location, Position, Range } from 'vscode-languageserver/node';
import type { Span } from '../../../../grammar/src/ast';
import type { Analysis } from '../../engine';
import type { Loc, SourceFile } from '../../model/types';
import type { Project } from '../../project/index';
import { toRange } from '../convert';
import { DocumentPaths, TextMapping } from '../documents';

/** A document as its configuration's last analysis saw it. */
export interface View {
  path: string;
  uri: string;
  analysis: Analysis;
  /** The file as analysed. */
  file: SourceFile;
  /** Analysed text ↔ text now. */
  map: TextMapping;
}

export class FeatureContext {
  private readonly mappings = new Map<string, { analysed: string; now: string; map: TextMapping }>();

  constructor(
    readonly project: Project,
    readonly docs: DocumentPaths,
  ) {}

  /** The mapping for a file of an analysis (identity when its text is unchanged). */
  mapping(file: SourceFile): TextMapping {
    const now = this.project.host.read(file.path) ?? file.text;
    const hit = this.mappings.get(file.path);
    if (hit && hit.analysed === file.text && hit.now === now) return hit.map;
    const map = new TextMapping(file.text, now, now === file.text ? file.lines : undefined);
    this.mappings.set(file.path, { analysed: file.text, now, map });
    return map;
  }

  /** Every last analysis holding the document (several when shared by configurations). */
  views(uri: string): View[] {
    const p = this.docs.pathOf(uri);
    const out: View[] = [];
    for (const c of this.project.configurationsHolding(p)) {
      const file = c.analysis?.config.files.find((f) => f.path === p);
      if (c.analysis && file) out.push({ path: p, uri, analysis: c.analysis, file, map: this.mapping(file) });
    }
    return out;
  }

  view(uri: string): View | null {
    return this.views(uri)[0] ?? null;
  }

  /**
   * A view current with the text now, for requests that show a whole configuration (the address
   * map): the configurations holding the document are analysed first if they are out of date.
   * The result is the owner's analysis like any other: the queued check finds it fresh and
   * publishes its diagnostics.
   */
  freshView(uri: string): View | null {
    const p = this.docs.pathOf(uri);
    if (this.project.host.read(p) === undefined) return null;
    for (const root of this.project.roots()) if (this.project.reach(root).has(p) && !this.project.isFresh(root)) this.project.analyze(root);
    return this.view(uri);
  }

  /** A position of the text now → an offset of the analysed text (null inside an edit since). */
  offset(v: View, pos: Position): number | null {
    return v.map.toAnalysed(v.map.current.offset(pos));
  }

  /** A span of an analysed file → a range of the text now (null when an edit since touches it). */
  range(file: SourceFile, span: Span): Range | null {
    const m = this.mapping(file);
    const s = m.spanToCurrent(span);
    return s ? toRange(m.current, s) : null;
  }

  location(loc: Loc): Location | null {
    const r = this.range(loc.file, loc.span);
    return r ? { uri: this.docs.uriOf(loc.file.path), range: r } : null;
  }

  /** The document's text now, parsed (for folding and formatting, which need no analysis). */
  currentParse(uri: string): SourceFile | null {
    const p = this.docs.pathOf(uri);
    const text = this.project.host.read(p);
    return text === undefined ? null : this.project.cache.get(p, text);
  }
}
