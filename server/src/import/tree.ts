// A read-only view of a machine's files (a sysfs root, /proc, or a snapshot archive's contents),
// so that the importers read a live /sys, a copy of it, and an archive through the same code.
//
// Paths are '/'-separated and relative to the view's root ('' is the root). Links are followed the
// way the kernel's sysfs links are: relative to the folder holding the link; a link that leaves
// the view or points at nothing dangles (`kind` says 'dangling').

import * as fs from 'node:fs';
import * as path from 'node:path';

export type EntryKind = 'file' | 'dir' | 'dangling';

export interface MachineTree {
  /** What `p` is, links followed; null when nothing is there. */
  kind(p: string): EntryKind | null;
  /** The bytes of a file (links followed), or null. */
  read(p: string): Buffer | null;
  /** The names in a folder (links followed), sorted, or null. */
  list(p: string): string[] | null;
  /** The text of the link at `p` (not followed), or null when `p` is not a link. */
  readlink(p: string): string | null;
  /** Where `p` leads once every link is followed, relative to the root; null when it dangles. */
  resolve(p: string): string | null;
  /** How the view's root is shown in messages. */
  readonly shown: string;
}

export function join(...parts: string[]): string {
  return path.posix.normalize(parts.filter((p) => p !== '').join('/')).replace(/^\.\/?$/, '').replace(/\/$/, '');
}

/** The text of a file, trimmed, or null. */
export function readText(tree: MachineTree, p: string): string | null {
  const b = tree.read(p);
  return b === null ? null : b.toString('utf8').trim();
}

/** The last component of the path a link (or a plain file holding a link's text) names. */
export function linkName(tree: MachineTree, p: string): string | null {
  const l = tree.readlink(p);
  if (l !== null) return path.posix.basename(l) || null;
  if (tree.kind(p) === 'file') {
    const t = readText(tree, p);
    return t ? path.posix.basename(t) : null;
  }
  return null;
}

/** A folder on disk. Links that leave the folder are followed too (a live /sys links within itself). */
export function directoryTree(root: string, shown: string = root): MachineTree {
  const abs = (p: string) => path.join(root, ...p.split('/').filter(Boolean));
  const stat = (p: string) => {
    try {
      return fs.statSync(abs(p));
    } catch {
      return null;
    }
  };
  return {
    shown,
    kind(p) {
      const st = stat(p);
      if (st) return st.isDirectory() ? 'dir' : 'file';
      try {
        fs.lstatSync(abs(p));
        return 'dangling';
      } catch {
        return null;
      }
    },
    read(p) {
      try {
        return fs.readFileSync(abs(p));
      } catch {
        return null;
      }
    },
    list(p) {
      try {
        return fs.readdirSync(abs(p)).sort();
      } catch {
        return null;
      }
    },
    readlink(p) {
      try {
        return fs.readlinkSync(abs(p));
      } catch {
        return null;
      }
    },
    resolve(p) {
      try {
        const real = fs.realpathSync(abs(p));
        const rel = path.relative(fs.realpathSync(root), real);
        if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
        return rel.split(path.sep).join('/');
      } catch {
        return null;
      }
    },
  };
}

export type MemoryEntry = { type: 'file'; data: Buffer } | { type: 'dir' } | { type: 'link'; target: string };

/** Files held in memory (an archive's contents): path → entry. Parent folders are implied. */
export function memoryTree(entries: Map<string, MemoryEntry>, shown: string): MachineTree {
  const children = new Map<string, Set<string>>();
  const addChild = (p: string) => {
    for (let cur = p; cur !== ''; ) {
      const parent = path.posix.dirname(cur) === '.' ? '' : path.posix.dirname(cur);
      let set = children.get(parent);
      if (!set) children.set(parent, (set = new Set()));
      if (set.has(path.posix.basename(cur))) break;
      set.add(path.posix.basename(cur));
      cur = parent;
    }
  };
  for (const p of entries.keys()) addChild(p);

  /** Follow links in every component; null when something on the way dangles. */
  const resolve = (p: string, depth = 0): string | null => {
    if (depth > 40) return null;
    const parts = join(p).split('/').filter(Boolean);
    let cur = '';
    for (const part of parts) {
      const next = join(cur, part);
      const e = entries.get(next);
      if (e?.type === 'link') {
        const target = join(cur, e.target);
        if (target.startsWith('..')) return null;
        const r = resolve(target, depth + 1);
        if (r === null) return null;
        cur = r;
      } else if (e || children.has(next)) {
        cur = next;
      } else {
        return null;
      }
    }
    return cur;
  };
  const isDir = (p: string) => p === '' || entries.get(p)?.type === 'dir' || children.has(p);

  return {
    shown,
    kind(p) {
      const r = resolve(p);
      if (r === null) {
        const parent = resolve(path.posix.dirname(join(p)) === '.' ? '' : path.posix.dirname(join(p)));
        return parent !== null && entries.get(join(parent, path.posix.basename(p)))?.type === 'link' ? 'dangling' : null;
      }
      return isDir(r) ? 'dir' : 'file';
    },
    read(p) {
      const r = resolve(p);
      const e = r === null ? undefined : entries.get(r);
      return e?.type === 'file' ? e.data : null;
    },
    list(p) {
      const r = resolve(p);
      if (r === null || !isDir(r)) return null;
      return [...(children.get(r) ?? [])].sort();
    },
    readlink(p) {
      const dir = path.posix.dirname(join(p));
      const parent = resolve(dir === '.' ? '' : dir);
      const e = parent === null ? undefined : entries.get(join(parent, path.posix.basename(p)));
      return e?.type === 'link' ? e.target : null;
    },
    resolve: (p) => resolve(p),
  };
}

/** A sub-folder of a tree as a tree of its own. */
export function subtree(tree: MachineTree, prefix: string, shown: string): MachineTree {
  const at = (p: string) => join(prefix, p);
  return {
    shown,
    kind: (p) => tree.kind(at(p)),
    read: (p) => tree.read(at(p)),
    list: (p) => tree.list(at(p)),
    readlink: (p) => tree.readlink(at(p)),
    resolve(p) {
      const r = tree.resolve(at(p));
      if (r === null) return null;
      if (r === prefix) return '';
      return r.startsWith(prefix + '/') ? r.slice(prefix.length + 1) : null;
    },
  };
}
