// Snapshot archives (`iommu-check snapshot`): a gzip-compressed tar holding
//   snapshot.json   what was collected, from where, and what could not be read
//   sys/…           the parts of /sys the importers read, links kept relative and resolvable
//   proc/…          cmdline, sys/kernel/osrelease, interrupts
//   log/kmsg        the kernel log (/dev/kmsg records), when it could be read
// Reading one gives the same MachineTree views as a folder on disk, so every importer reads an
// archive, a live machine and a copied tree through the same code.

import * as fs from 'node:fs';
import * as tar from 'tar';
import { join, memoryTree, subtree, type MachineTree, type MemoryEntry } from './tree';

export const SNAPSHOT_FORMAT = 'iommu-check-snapshot';
export const SNAPSHOT_VERSION = 1;
export const MANIFEST = 'snapshot.json';

/** A part of the machine the snapshot could not read, and why. */
export interface Unreadable {
  path: string;
  reason: string;
}

export interface Manifest {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  /** The iommu-check version that wrote it. */
  tool: string;
  /** Where it was collected from. */
  sysfs: string;
  proc: string;
  /** Whether the collector ran as root (config space past 64 bytes and ACPI tables need it). */
  root: boolean;
  unreadable: Unreadable[];
}

export interface Snapshot {
  manifest: Manifest;
  /** The collected /sys. */
  sys: MachineTree;
  /** The collected /proc. */
  proc: MachineTree;
  /** The kernel log (`log/kmsg`, or a `log/dmesg` text), when the archive carries one. */
  kernelLog: string | null;
}

/** Where an archive keeps the kernel log: /dev/kmsg records as read, or a dmesg text. */
export const KERNEL_LOG_ENTRIES = ['log/kmsg', 'log/dmesg'];

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/** Whether the file starts like a gzip stream (a snapshot archive, as opposed to a folder or a table). */
export function looksLikeArchive(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const b = Buffer.alloc(2);
      return fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Read a snapshot archive into memory. Throws SnapshotError with a one-line reason. */
export function openSnapshot(file: string, shown: string = file): Snapshot {
  const entries = new Map<string, MemoryEntry>();
  try {
    tar.t({
      file,
      sync: true,
      strict: true,
      onReadEntry(e) {
        const p = join(e.path.replace(/^(\.\/)+/, ''));
        if (p === '' || p.startsWith('..')) return;
        if (e.type === 'Directory') entries.set(p, { type: 'dir' });
        else if (e.type === 'SymbolicLink') entries.set(p, { type: 'link', target: e.linkpath ?? '' });
        else if (e.type === 'File' || e.type === 'OldFile' || e.type === 'ContiguousFile') {
          const chunks: Buffer[] = [];
          e.on('data', (c: Buffer) => chunks.push(c));
          e.on('end', () => entries.set(p, { type: 'file', data: Buffer.concat(chunks) }));
        }
      },
    });
  } catch (e) {
    throw new SnapshotError(`${shown}: not a readable snapshot archive (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  const m = entries.get(MANIFEST);
  if (m?.type !== 'file') throw new SnapshotError(`${shown}: not a snapshot archive (no ${MANIFEST})`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(m.data.toString('utf8')) as Manifest;
  } catch {
    throw new SnapshotError(`${shown}: ${MANIFEST} is not valid JSON`);
  }
  if (manifest.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`${shown}: not a snapshot archive (${MANIFEST} has no format '${SNAPSHOT_FORMAT}')`);
  if (typeof manifest.version !== 'number' || manifest.version > SNAPSHOT_VERSION) {
    throw new SnapshotError(`${shown}: snapshot format version ${String(manifest.version)} is newer than this iommu-check reads (${SNAPSHOT_VERSION})`);
  }
  if (!Array.isArray(manifest.unreadable)) manifest.unreadable = [];
  const all = memoryTree(entries, shown);
  const log = KERNEL_LOG_ENTRIES.map((p) => entries.get(p)).find((e) => e?.type === 'file');
  const kernelLog = log?.type === 'file' ? log.data.toString('utf8') : null;
  return { manifest, sys: subtree(all, 'sys', `${shown}:sys`), proc: subtree(all, 'proc', `${shown}:proc`), kernelLog };
}

/** The raw ACPI table `signature` (IORT, DMAR, IVRS, APIC) from a snapshot, or null when it was not collected. */
export function acpiTable(snapshot: Snapshot, signature: string): Buffer | null {
  return snapshot.sys.read(`firmware/acpi/tables/${signature}`);
}
