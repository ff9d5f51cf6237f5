// Where a project's file text comes from: in-memory text given for a path (an editor's open
// document, standard input) over the disk. Each disk file is read once until it is forgotten
// (the file changed on disk), so a check sees one consistent text per file and `/dev/stdin` or
// `<(…)` inputs are not drained by a second read.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextFile } from '../model/readText';
import type { FileHost } from '../model/workspace';

export class ProjectHost implements FileHost {
  private readonly overlays = new Map<string, string>();
  private readonly disk = new Map<string, string | undefined>();
  private readonly errors = new Map<string, string>();

  /** Text for `absPath` that replaces the disk's (null: back to the disk). */
  setText(absPath: string, text: string | null): void {
    const p = path.resolve(absPath);
    if (text === null) this.overlays.delete(p);
    else this.overlays.set(p, text);
  }

  /** Whether `absPath` has in-memory text. */
  hasText(absPath: string): boolean {
    return this.overlays.has(path.resolve(absPath));
  }

  /** Paths with in-memory text. */
  get overlaid(): string[] {
    return [...this.overlays.keys()];
  }

  /** Read `absPath` from the disk again next time (it changed there). */
  forget(absPath?: string): void {
    if (absPath === undefined) {
      this.disk.clear();
      this.errors.clear();
    } else {
      this.disk.delete(path.resolve(absPath));
      this.errors.delete(path.resolve(absPath));
    }
  }

  read(absPath: string): string | undefined {
    const p = path.resolve(absPath);
    const mem = this.overlays.get(p);
    if (mem !== undefined) return mem;
    if (this.disk.has(p)) return this.disk.get(p);
    const r = readTextFile(p);
    const text = 'text' in r ? r.text : undefined;
    if ('error' in r) this.errors.set(p, r.error);
    this.disk.set(p, text);
    return text;
  }

  /** Why `absPath` could not be read (after `read` returned undefined). */
  whyUnreadable(absPath: string): string | undefined {
    return this.errors.get(path.resolve(absPath));
  }

  /** Whether a file or folder exists at `absPath` (in memory or on the disk). */
  exists(absPath: string): boolean {
    return this.overlays.has(path.resolve(absPath)) || fs.existsSync(absPath);
  }
}
