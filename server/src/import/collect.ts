// Collecting a live machine (or a copy of its /sys and /proc) into a snapshot archive. Only
// what the importers read is taken; links are kept as relative links whose targets are in the
// archive too, so it imports anywhere. A part that cannot be read is noted, never fatal.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import { MANIFEST, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Manifest, type Unreadable } from './snapshot';
import { join, type MemoryEntry } from './tree';

/** The bytes of PCI config space kept: the standard header, capabilities and extended capabilities. */
export const CONFIG_BYTES = 4096;

/** Files of a device folder the importer reads. */
const DEVICE_FILES = ['class', 'vendor', 'device', 'subsystem_vendor', 'subsystem_device', 'revision', 'modalias'];
/** Links of a device folder the importer reads. */
const DEVICE_LINKS = ['driver', 'iommu', 'iommu_group', 'physfn', 'subsystem', 'firmware_node'];
/** Registers of IOMMU instances, under /sys/class/iommu/NAME/. */
const IOMMU_FILES = ['intel-iommu/address', 'intel-iommu/cap', 'intel-iommu/ecap', 'intel-iommu/version', 'amd-iommu/cap', 'amd-iommu/features'];
/** ACPI tables the firmware importer reads (root only on most systems). */
export const ACPI_TABLES = ['IORT', 'DMAR', 'IVRS', 'APIC'];
/** Files of /proc (the head of self/smaps gives the kernel's page size: KernelPageSize). */
const PROC_FILES = ['cmdline', 'sys/kernel/osrelease', 'interrupts', 'self/smaps'];
const PROC_MAX = 1 << 20;
/** The most of the kernel log kept (its newest records). */
const KMSG_MAX = 4 << 20;
const SMAPS_MAX = 4096;

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (needs root)';
  if (code === 'ENOENT') return 'not present';
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

class Collector {
  readonly entries = new Map<string, MemoryEntry>();
  readonly unreadable: Unreadable[] = [];
  private readonly visited = new Set<string>();

  constructor(
    private readonly sysRoot: string,
    private readonly procRoot: string,
    private readonly isRoot: boolean,
  ) {}

  private abs(rel: string): string {
    return path.join(this.sysRoot, ...rel.split('/').filter(Boolean));
  }

  private note(where: string, why: string): void {
    this.unreadable.push({ path: where, reason: why });
  }

  /** The path `rel` leads to with links followed, relative to the sysfs root; null if it leaves it or dangles. */
  private real(rel: string): string | null {
    try {
      const r = path.relative(fs.realpathSync(this.sysRoot), fs.realpathSync(this.abs(rel)));
      return r.startsWith('..') || path.isAbsolute(r) ? null : r.split(path.sep).join('/');
    } catch {
      return null;
    }
  }

  private list(rel: string, required: boolean): string[] {
    try {
      return fs.readdirSync(this.abs(rel)).sort();
    } catch (e) {
      if (required || (e as NodeJS.ErrnoException).code !== 'ENOENT') this.note(`/sys/${rel}`, reason(e));
      return [];
    }
  }

  /** Keep the file at `rel` (at most `max` bytes). Absent optional files are not noted. */
  file(rel: string, opts: { max?: number; optional?: boolean } = {}): Buffer | null {
    const key = join('sys', rel);
    if (this.entries.has(key)) return null;
    try {
      const fd = fs.openSync(this.abs(rel), 'r');
      try {
        const buf = Buffer.alloc(opts.max ?? 1 << 20);
        let n = 0;
        for (let k; n < buf.length && (k = fs.readSync(fd, buf, n, buf.length - n, n)) > 0; ) n += k;
        const data = buf.subarray(0, n);
        this.entries.set(key, { type: 'file', data: Buffer.from(data) });
        return data;
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      if (!(opts.optional && (e as NodeJS.ErrnoException).code === 'ENOENT')) this.note(`/sys/${rel}`, reason(e));
      return null;
    }
  }

  /**
   * Keep the link at `rel` as a relative link. Returns where it leads (relative to the sysfs root),
   * or null when it is absent or dangles (a dangling link is kept as it is, and noted).
   */
  link(rel: string): string | null {
    let text: string;
    try {
      text = fs.readlinkSync(this.abs(rel));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'EINVAL') this.note(`/sys/${rel}`, reason(e));
      return null;
    }
    const target = this.real(rel);
    const dir = path.posix.dirname(rel);
    const relText = target === null ? text : path.posix.relative(dir === '.' ? '' : dir, target);
    this.entries.set(join('sys', rel), { type: 'link', target: relText || '.' });
    if (target === null) this.note(`/sys/${rel}`, `link to ${text} leads nowhere`);
    return target;
  }

  dir(rel: string): void {
    const key = join('sys', rel);
    if (!this.entries.has(key)) this.entries.set(key, { type: 'dir' });
  }

  /** Keep what the importer reads of the device folder `rel` (a resolved path under devices/). */
  device(rel: string): void {
    if (this.visited.has(rel)) return;
    this.visited.add(rel);
    this.dir(rel);
    for (const f of DEVICE_FILES) this.file(`${rel}/${f}`, { optional: true });
    const isPci = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(path.posix.basename(rel));
    if (isPci) {
      const config = this.file(`${rel}/config`, { max: CONFIG_BYTES });
      if (config && config.length < 256 && !this.isRoot) this.note(`/sys/${rel}/config`, `only ${config.length} bytes readable without root (no capabilities: port type, ACS, MSI)`);
    }
    for (const l of DEVICE_LINKS) {
      const target = this.link(`${rel}/${l}`);
      if (target !== null && l === 'driver') this.dir(target);
      if (target !== null && l === 'physfn') this.device(target);
      if (target !== null && l === 'iommu') this.iommu(target);
      if (target !== null && l === 'subsystem') this.dir(target);
      // An ACPI device's path (\\_SB_.DMA0): what an IORT named component is matched by.
      if (target !== null && l === 'firmware_node' && !isPci) {
        this.dir(target);
        this.file(`${target}/path`, { optional: true });
      }
    }
    for (const name of this.list(rel, false)) {
      if (/^virtfn\d+$/.test(name)) this.link(`${rel}/${name}`);
    }
    // msi_irqs/ exists while MSIs are allocated: its entries are the vectors.
    if (fs.existsSync(this.abs(`${rel}/msi_irqs`))) {
      this.dir(`${rel}/msi_irqs`);
      for (const v of this.list(`${rel}/msi_irqs`, false)) this.dir(`${rel}/msi_irqs/${v}`);
    }
    // The bridges above a PCI device decide its group: keep them too.
    const parent = path.posix.dirname(rel);
    if (isPci && /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(path.posix.basename(parent))) this.device(parent);
  }

  /** An IOMMU instance's folder (resolved): its registers and the devices behind it. */
  iommu(rel: string): void {
    if (this.visited.has(rel)) return;
    this.visited.add(rel);
    this.dir(rel);
    for (const f of IOMMU_FILES) this.file(`${rel}/${f}`, { optional: true });
    for (const d of this.list(`${rel}/devices`, false)) {
      const target = this.link(`${rel}/devices/${d}`);
      if (target !== null) this.device(target);
    }
  }

  collectSys(): void {
    const groups = this.list('kernel/iommu_groups', true);
    this.dir('kernel/iommu_groups');
    for (const g of groups) {
      const gdir = `kernel/iommu_groups/${g}`;
      this.dir(gdir);
      this.file(`${gdir}/reserved_regions`, { optional: true });
      this.file(`${gdir}/type`, { optional: true });
      this.dir(`${gdir}/devices`);
      for (const d of this.list(`${gdir}/devices`, false)) {
        const target = this.link(`${gdir}/devices/${d}`);
        if (target !== null) this.device(target);
      }
    }
    this.dir('bus/pci/devices');
    for (const d of this.list('bus/pci/devices', false)) {
      const target = this.link(`bus/pci/devices/${d}`);
      if (target !== null) this.device(target);
    }
    this.dir('class/iommu');
    for (const i of this.list('class/iommu', false)) {
      const target = this.link(`class/iommu/${i}`);
      if (target !== null) this.iommu(target);
    }
    for (const t of ACPI_TABLES) this.file(`firmware/acpi/tables/${t}`, { optional: true });
    // A devicetree machine's flattened tree: which ITS each PCI host bridge and device uses.
    this.file('firmware/fdt', { optional: true, max: 16 << 20 });
  }

  collectProc(): void {
    for (const f of PROC_FILES) {
      try {
        const max = f === 'self/smaps' ? SMAPS_MAX : PROC_MAX;
        const fd = fs.openSync(path.join(this.procRoot, ...f.split('/')), 'r');
        const buf = Buffer.alloc(max);
        let n = 0;
        try {
          for (let k; n < max && (k = fs.readSync(fd, buf, n, max - n, null)) > 0; ) n += k;
        } finally {
          fs.closeSync(fd);
        }
        this.entries.set(join('proc', f), { type: 'file', data: Buffer.from(buf.subarray(0, n)) });
      } catch (e) {
        this.note(`/proc/${f}`, reason(e));
      }
    }
  }
}

/**
 * The kernel log as /dev/kmsg gives it (one `PRIORITY,SEQ,TIME,FLAGS;message` record per read),
 * read without blocking until the buffer is drained; the newest KMSG_MAX bytes are kept.
 */
function readKmsg(file: string): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(1 << 16);
  try {
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') break;
        if (code === 'EPIPE') continue; // records overwritten while reading: go on with the next
        throw e;
      }
      if (n <= 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      total += n;
      while (total > KMSG_MAX && chunks.length > 1) total -= chunks.shift()!.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return Buffer.concat(chunks);
}

export interface CollectResult {
  manifest: Manifest;
  entries: Map<string, MemoryEntry>;
}

/** Collect `sysRoot` (a /sys) and `procRoot` (a /proc). Never throws for an unreadable part. */
export function collect(sysRoot: string, procRoot: string, tool: string, kmsg: string | null = procRoot === '/proc' ? '/dev/kmsg' : null): CollectResult {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const c = new Collector(sysRoot, procRoot, isRoot);
  c.collectSys();
  c.collectProc();
  if (kmsg !== null) {
    // the kernel log, for `explain-fault` (dmesg_restrict may need root)
    try {
      c.entries.set('log/kmsg', { type: 'file', data: readKmsg(kmsg) });
    } catch (e) {
      c.unreadable.push({ path: kmsg, reason: reason(e) });
    }
  }
  const manifest: Manifest = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, tool, sysfs: sysRoot, proc: procRoot, root: isRoot, unreadable: c.unreadable };
  return { manifest, entries: c.entries };
}

/** Write the collected entries as a gzip-compressed tar archive at `file`. */
export function writeArchive(result: CollectResult, file: string): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-check-snapshot-'));
  try {
    fs.writeFileSync(path.join(tmp, MANIFEST), JSON.stringify(result.manifest, null, 2) + '\n');
    const sorted = [...result.entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [rel, e] of sorted) {
      const p = path.join(tmp, ...rel.split('/'));
      fs.mkdirSync(e.type === 'dir' ? p : path.dirname(p), { recursive: true });
      if (e.type === 'file') fs.writeFileSync(p, e.data);
      else if (e.type === 'link') fs.symlinkSync(e.target, p);
    }
    const top = [MANIFEST, ...['sys', 'proc', 'log'].filter((d) => fs.existsSync(path.join(tmp, d)))];
    tar.c({ gzip: true, file, cwd: tmp, sync: true, portable: true }, top);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
