// The workspace root of a configuration: the folder its includes may not leave. It is the nearest
// folder upward from the configuration's root file that holds a `.iommu-check.json`, else the
// repository's top folder (the nearest holding `.git`), else none (includes are not confined).
// It depends only on where the file is, never on the working directory or the editor's folders,
// so the command line and the editor confine includes alike.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME } from './settings';

export class WorkspaceRoots {
  private readonly byDir = new Map<string, { config: string | null; repo: string | null }>();

  constructor(private readonly exists: (absPath: string) => boolean = fs.existsSync) {}

  /** The workspace root for a configuration whose root file is `absFile`. */
  rootFor(absFile: string): string | null {
    const found = this.lookup(path.dirname(path.resolve(absFile)));
    return found.config ?? found.repo;
  }

  /** Forget what was found (config files or repositories appeared or went away). */
  clear(): void {
    this.byDir.clear();
  }

  private lookup(dir: string): { config: string | null; repo: string | null } {
    const hit = this.byDir.get(dir);
    if (hit) return hit;
    const parent = path.dirname(dir);
    const up = parent === dir ? { config: null, repo: null } : this.lookup(parent);
    const found = {
      config: this.exists(path.join(dir, CONFIG_FILE_NAME)) ? dir : up.config,
      repo: this.exists(path.join(dir, '.git')) ? dir : up.repo,
    };
    this.byDir.set(dir, found);
    return found;
  }
}
