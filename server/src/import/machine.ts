// A machine as sysfs and procfs show it: IOMMU groups, devices (with their drivers, IOMMU
// instance, config space and place in the PCI hierarchy), IOMMU instances with their registers,
// the kernel version, command line and interrupt-remapping state. Read from a MachineTree (a live
// /sys, a copied tree, a snapshot archive, or a bare copy of iommu_groups).

import * as path from 'node:path';
import type { RegionType } from '../model/types';
import { parsePciConfig, type PciConfig } from './pciConfig';
import { linkName, readText, type MachineTree } from './tree';

export interface SysRegion {
  start: bigint;
  last: bigint;
  type: RegionType;
}

export interface SysGroup {
  id: number;
  /** sysfs device names (`0000:01:00.0`, `3100000.usb`), sorted. */
  devices: string[];
  regions: SysRegion[];
  /** The `type` file: `identity`, `DMA`, `DMA-FQ`, `blocked`, `unmanaged`… */
  type: string | null;
}

export interface SysDevice {
  /** The sysfs name. */
  name: string;
  pci: boolean;
  /** Where the device's folder is (relative to the sysfs root), when the links resolve. */
  path: string | null;
  /** The PCI bridge above it (its sysfs name), from the device's path. */
  parent: string | null;
  driver: string | null;
  /** The class/iommu instance it sits behind. */
  iommu: string | null;
  group: number | null;
  classCode: number | null;
  vendor: number | null;
  deviceId: number | null;
  config: PciConfig | null;
  /** msi_irqs/ is present: MSIs are allocated now. */
  msiInUse: boolean;
  physfn: string | null;
  /** The bus it sits on (its `subsystem` link): pci, platform, amba, ccw…, when known. */
  platformBus: string | null;
  /** The ACPI path of its firmware node (`firmware_node/path`, e.g. `\\_SB_.DMA0`), when it has one. */
  acpiPath: string | null;
}

export type IommuKind = 'vtd' | 'amd-vi' | 'smmuv3' | 'smmuv2' | 'virtio-iommu' | 'unknown';

export interface SysIommu {
  /** The class/iommu name: dmar0, ivhd0, smmu3.0x0000000009050000… */
  name: string;
  kind: IommuKind;
  /** VT-d capability and extended capability registers. */
  cap: bigint | null;
  ecap: bigint | null;
  /** AMD extended feature register. */
  features: bigint | null;
  /** Register base (VT-d `address`), when shown. */
  address: bigint | null;
  devices: string[];
}

export interface Machine {
  groups: SysGroup[];
  devices: Map<string, SysDevice>;
  iommus: SysIommu[];
  /** `uname -r`, e.g. 6.8.0-45-generic. */
  osrelease: string | null;
  cmdline: string | null;
  /** The kernel's page size (KernelPageSize in /proc/self/smaps), when known. */
  pageSize: number | null;
  /** /proc/interrupts, when collected: tells whether interrupt remapping is on. */
  interrupts: string | null;
  /** Group members whose links dangle (a `cp -r` copy): devices known only by name. */
  dangling: string[];
  /** Things the reader could not use, for the importer's warnings. */
  warnings: string[];
}

export class MachineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineError';
  }
}

const REGION_TYPES: readonly string[] = ['direct', 'direct-relaxable', 'reserved', 'msi'];
const PCI_NAME = /^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/;

/**
 * The lines of a group's reserved_regions (`0x… 0x… TYPE`, as iommu_group_show_resv_regions
 * prints them). A line that is not one, or has a type the language does not know, is left out
 * with a warning: one odd line must not lose the machine.
 */
function parseRegions(text: string, where: string, warnings: string[]): SysRegion[] {
  const out: SysRegion[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t) return;
    const m = /^(0x[0-9a-fA-F]{1,16})\s+(0x[0-9a-fA-F]{1,16})\s+(\S+)$/.exec(t);
    if (!m) return void warnings.push(`${where}:${i + 1}: not a reserved_regions line, left out: '${t.slice(0, 80)}'`);
    if (!REGION_TYPES.includes(m[3]!)) return void warnings.push(`${where}:${i + 1}: region type '${m[3]!.slice(0, 40)}' is none of ${REGION_TYPES.join(', ')}; the region is left out`);
    const start = BigInt(m[1]!);
    const last = BigInt(m[2]!);
    if (last < start) return void warnings.push(`${where}:${i + 1}: the range ends before it starts, left out: '${t}'`);
    out.push({ start, last, type: m[3] as RegionType });
  });
  return out;
}

function hexNumber(text: string | null): bigint | null {
  if (text === null) return null;
  const t = text.trim();
  if (!/^(0x)?[0-9a-fA-F]+$/.test(t)) return null;
  return BigInt(t.startsWith('0x') ? t : '0x' + t);
}

function iommuKind(name: string, tree: MachineTree, dir: string): IommuKind {
  if (tree.kind(`${dir}/intel-iommu`) === 'dir' || /^dmar\d+$/.test(name)) return 'vtd';
  if (tree.kind(`${dir}/amd-iommu`) === 'dir' || /^ivhd\d+$/.test(name)) return 'amd-vi';
  if (name.startsWith('smmu3.')) return 'smmuv3';
  if (name.startsWith('smmu.')) return 'smmuv2';
  if (/^virtio/.test(name)) return 'virtio-iommu';
  return 'unknown';
}

/**
 * Read the machine. `sys` is a sysfs root or a bare copy of iommu_groups (`<N>/devices/…`);
 * `proc` is its /proc, when known.
 */
export function readMachine(sys: MachineTree, proc: MachineTree | null): Machine {
  const nested = sys.kind('kernel/iommu_groups') === 'dir';
  const groupsDir = nested ? 'kernel/iommu_groups' : '';
  const m: Machine = { groups: [], devices: new Map(), iommus: [], osrelease: null, cmdline: null, pageSize: null, interrupts: null, dangling: [], warnings: [] };

  // Devices, by the folder their links lead to.
  const byPath = new Map<string, string>();
  const device = (name: string, folder: string): SysDevice => {
    let d = m.devices.get(name);
    if (!d) {
      const pci = PCI_NAME.test(name);
      d = { name, pci, path: null, parent: null, driver: null, iommu: null, group: null, classCode: null, vendor: null, deviceId: null, config: null, msiInUse: false, physfn: null, platformBus: null, acpiPath: null };
      m.devices.set(name, d);
    }
    if (d.path === null) {
      const real = sys.resolve(folder);
      const kind = sys.kind(folder);
      if (real !== null && kind === 'dir') {
        d.path = real;
        byPath.set(real, name);
        readDevice(sys, d, folder);
      } else if (kind === 'dir') {
        readDevice(sys, d, folder);
      }
    }
    return d;
  };

  const groupIds = (sys.list(groupsDir) ?? []).filter((n) => /^\d+$/.test(n) && sys.kind(path.posix.join(groupsDir, n)) === 'dir');
  if (groupIds.length === 0 && sys.kind(groupsDir || '.') === null) throw new MachineError(`cannot read ${sys.shown}: no such file or directory`);
  const groups = new Map<number, SysGroup>();
  for (const n of groupIds) {
    const gdir = path.posix.join(groupsDir, n);
    const id = Number(n);
    const rtext = readText(sys, `${gdir}/reserved_regions`);
    const g: SysGroup = { id, devices: [], regions: rtext ? parseRegions(rtext, `${sys.shown}/${gdir}/reserved_regions`, m.warnings) : [], type: readText(sys, `${gdir}/type`) || null };
    groups.set(id, g);
    for (const name of sys.list(`${gdir}/devices`) ?? []) {
      if (name.startsWith('.')) continue;
      g.devices.push(name);
      const entry = `${gdir}/devices/${name}`;
      const kind = sys.kind(entry);
      const d = device(name, entry);
      d.group = id;
      if (kind === 'dangling' || (kind === 'file' && d.driver === null && sys.readlink(entry) === null)) {
        if (kind === 'dangling') m.dangling.push(name);
      }
      if (d.driver === null) {
        // A copy that kept a `driver` entry in a plain folder or file.
        const drv = linkName(sys, `${entry}/driver`);
        if (drv) d.driver = drv;
      }
    }
  }

  // bus/pci/devices: every PCI function, including those a bare group copy does not show.
  for (const name of sys.list('bus/pci/devices') ?? []) {
    const d = device(name, `bus/pci/devices/${name}`);
    if (d.group === null) {
      const g = linkName(sys, `bus/pci/devices/${name}/iommu_group`);
      if (g !== null && /^\d+$/.test(g)) d.group = Number(g);
    }
    if (d.group !== null) {
      let grp = groups.get(d.group);
      if (!grp) groups.set(d.group, (grp = { id: d.group, devices: [], regions: [], type: null }));
      if (!grp.devices.includes(name)) grp.devices.push(name);
    }
  }

  // Parents: the nearest folder above a device's own that is itself a known PCI device.
  for (const d of m.devices.values()) {
    if (d.path === null) continue;
    for (let dir = path.posix.dirname(d.path); dir !== '.' && dir !== ''; dir = path.posix.dirname(dir)) {
      const above = byPath.get(dir) ?? (PCI_NAME.test(path.posix.basename(dir)) ? path.posix.basename(dir) : undefined);
      if (above !== undefined) {
        d.parent = above;
        if (!m.devices.has(above)) device(above, dir);
        break;
      }
      if (/^pci[0-9a-f]{4}:[0-9a-f]{2}$/i.test(path.posix.basename(dir))) break;
    }
  }

  // IOMMU instances.
  for (const name of sys.list('class/iommu') ?? []) {
    const dir = `class/iommu/${name}`;
    const i: SysIommu = {
      name,
      kind: iommuKind(name, sys, dir),
      cap: hexNumber(readText(sys, `${dir}/intel-iommu/cap`)) ?? hexNumber(readText(sys, `${dir}/amd-iommu/cap`)),
      ecap: hexNumber(readText(sys, `${dir}/intel-iommu/ecap`)),
      features: hexNumber(readText(sys, `${dir}/amd-iommu/features`)),
      address: hexNumber(readText(sys, `${dir}/intel-iommu/address`)),
      devices: [],
    };
    if (i.kind === 'amd-vi') i.cap = hexNumber(readText(sys, `${dir}/amd-iommu/cap`));
    for (const d of sys.list(`${dir}/devices`) ?? []) {
      const real = sys.resolve(`${dir}/devices/${d}`);
      const dev = (real !== null ? byPath.get(real) : undefined) ?? (m.devices.has(d) ? d : undefined);
      if (dev !== undefined) {
        i.devices.push(dev);
        m.devices.get(dev)!.iommu ??= name;
      }
    }
    m.iommus.push(i);
  }
  // A device's own `iommu` link names its instance too.
  const byIommuPath = new Map<string, string>();
  for (const i of m.iommus) {
    const real = sys.resolve(`class/iommu/${i.name}`);
    if (real !== null) byIommuPath.set(real, i.name);
  }
  for (const d of m.devices.values()) {
    if (d.iommu !== null || d.path === null) continue;
    const real = sys.resolve(`${d.path}/iommu`);
    const name = real !== null ? byIommuPath.get(real) : undefined;
    if (name !== undefined) {
      d.iommu = name;
      m.iommus.find((i) => i.name === name)!.devices.push(d.name);
    }
  }

  m.groups = [...groups.values()].filter((g) => g.devices.length > 0).sort((a, b) => a.id - b.id);
  for (const g of m.groups) g.devices.sort();
  if (m.groups.length === 0) throw new MachineError(`no IOMMU groups with devices found in ${sys.shown} (expected kernel/iommu_groups/<N>/devices/<device>, or <N>/devices/<device>)`);

  if (proc) {
    m.osrelease = readText(proc, 'sys/kernel/osrelease');
    m.cmdline = readText(proc, 'cmdline')?.replace(/\0/g, ' ').trim() ?? null;
    const irq = proc.read('interrupts');
    m.interrupts = irq === null ? null : irq.toString('utf8');
    const smaps = readText(proc, 'self/smaps');
    const kps = smaps ? /KernelPageSize:\s+(\d+) kB/.exec(smaps) : null;
    if (kps) m.pageSize = Number(kps[1]) * 1024;
  }
  return m;
}

function readDevice(sys: MachineTree, d: SysDevice, folder: string): void {
  d.driver ??= linkName(sys, `${folder}/driver`);
  const num = (f: string) => {
    const v = hexNumber(readText(sys, `${folder}/${f}`));
    return v === null ? null : Number(v);
  };
  d.classCode ??= num('class');
  d.vendor ??= num('vendor');
  d.deviceId ??= num('device');
  const config = sys.read(`${folder}/config`);
  if (config !== null && d.config === null) {
    d.config = parsePciConfig(config);
    if (d.config) {
      d.classCode ??= d.config.classCode;
      d.vendor ??= d.config.vendor;
      d.deviceId ??= d.config.device;
    }
  }
  d.msiInUse ||= sys.kind(`${folder}/msi_irqs`) === 'dir';
  d.physfn ??= linkName(sys, `${folder}/physfn`);
  d.platformBus ??= linkName(sys, `${folder}/subsystem`);
  if (!d.pci) d.acpiPath ??= readText(sys, `${folder}/firmware_node/path`) || null;
  if (d.group === null) {
    const g = linkName(sys, `${folder}/iommu_group`);
    if (g !== null && /^\d+$/.test(g)) d.group = Number(g);
  }
}
