// The owner's view of the editor's documents: URIs ↔ paths (a document that is not a file, such
// as an untitled one, gets a path no file can have, so it is checked on its own), the open texts
// and versions, and how positions move between the text last analysed and the text now.

import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LineIndex } from '../../../grammar/src/lines';

/** Documents that are not files live here: no disk file, no config file, no repository. */
const VIRTUAL_ROOT = path.join(path.sep, '\0iommu-check-untitled');

export class DocumentPaths {
  private readonly uris = new Map<string, string>();

  /** The path of a document (untitled documents get a virtual one). */
  pathOf(uri: string): string {
    let p: string;
    if (uri.startsWith('file:')) {
      try {
        p = path.resolve(fileURLToPath(uri));
      } catch {
        p = path.join(VIRTUAL_ROOT, encodeURIComponent(uri));
      }
    } else p = path.join(VIRTUAL_ROOT, encodeURIComponent(uri));
    this.uris.set(p, uri);
    return p;
  }

  /** The URI of a path (as the editor spelled it when it named the document). */
  uriOf(p: string): string {
    return this.uris.get(p) ?? pathToFileURL(p).href;
  }
}

/**
 * How offsets move between the text an analysis saw and the text now: everything before the
 * first difference stays, everything after the last one shifts; offsets inside the changed part
 * have no counterpart (they go to its start, and spans touching it are dropped).
 */
export class TextMapping {
  private readonly prefix: number;
  private readonly oldEnd: number;
  private readonly newEnd: number;
  readonly identical: boolean;
  readonly current: LineIndex;

  constructor(analysed: string, now: string, current?: LineIndex) {
    this.identical = analysed === now;
    this.current = current ?? new LineIndex(now);
    let p = 0;
    const min = Math.min(analysed.length, now.length);
    if (!this.identical) while (p < min && analysed.charCodeAt(p) === now.charCodeAt(p)) p++;
    else p = min;
    let s = 0;
    if (!this.identical) while (s < min - p && analysed.charCodeAt(analysed.length - 1 - s) === now.charCodeAt(now.length - 1 - s)) s++;
    this.prefix = p;
    this.oldEnd = analysed.length - s;
    this.newEnd = now.length - s;
  }

  /** An offset in the text now → the analysed text (null inside the changed part). */
  toAnalysed(offset: number): number | null {
    if (this.identical || offset <= this.prefix) return offset;
    if (offset >= this.newEnd) return offset - this.newEnd + this.oldEnd;
    return null;
  }

  /** An offset in the analysed text → the text now (null inside the changed part). */
  toCurrent(offset: number): number | null {
    if (this.identical || offset <= this.prefix) return offset;
    if (offset >= this.oldEnd) return offset - this.oldEnd + this.newEnd;
    return null;
  }

  /**
   * A span of the analysed text → the text now: spans before or after the changed part move with
   * it, a span enclosing it stretches over it, a span overlapping it has no counterpart (null).
   */
  spanToCurrent(span: { start: number; end: number }): { start: number; end: number } | null {
    if (this.identical) return span;
    const delta = this.newEnd - this.oldEnd;
    if (span.end <= this.prefix) return span;
    if (span.start >= this.oldEnd) return { start: span.start + delta, end: span.end + delta };
    if (span.start < this.prefix && span.end > this.oldEnd) return { start: span.start, end: span.end + delta };
    return null;
  }
}
