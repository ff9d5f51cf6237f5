// Finding the configuration files of a folder: every `*.iommu` below it, sorted by name at each
// level; folders named `node_modules` or starting with `.` are skipped; links count when they
// lead to a file. The command line and the language server list a folder the same way.

import * as fs from 'node:fs';
import * as path from 'node:path';

const SKIP_DIRS = new Set(['node_modules']);

export const CONFIG_EXTENSION = '.iommu';

/** Every `*.iommu` below `dir`. `onError` hears about folders that cannot be read (the top one included). */
export function findIommuFiles(dir: string, onError: (dir: string, e: unknown) => void = () => {}, out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    onError(dir, e);
    return out;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      findIommuFiles(full, onError, out);
    } else if (e.name.endsWith(CONFIG_EXTENSION)) {
      if (e.isFile()) out.push(full);
      else if (e.isSymbolicLink()) {
        try {
          if (fs.statSync(full).isFile()) out.push(full);
        } catch {
          // a dangling link is not a configuration
        }
      }
    }
  }
  return out;
}

/** Whether a path names a configuration file. */
export function isIommuFile(p: string): boolean {
  return p.endsWith(CONFIG_EXTENSION);
}
