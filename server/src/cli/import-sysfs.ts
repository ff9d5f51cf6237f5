// `iommu-check import-sysfs DIR`: turn a copy of /sys/kernel/iommu_groups (and, where present,
// /sys/bus/pci/devices/*/iommu_group links) into `.iommu` text.
//
// Accepted layouts: DIR is the copy of /sys/kernel/iommu_groups itself (`DIR/<N>/devices/…`), or
// a copy of /sys holding `kernel/iommu_groups` and `bus/pci/devices`. Entries under
// `<N>/devices/` may be symlinks (even dangling ones, as `cp -r` leaves them) or plain files or
// folders: only their names are used, plus a `driver` link or file inside them when present.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { IOMMU_DEFAULTS } from '../model/defaults';
import type { DefaultDomainType, IommuModel, RegionType } from '../model/types';
import { fsReason, UsageError } from './io';

interface SysRegion {
  start: bigint;
  last: bigint;
  type: RegionType;
}

interface SysGroup {
  id: number;
  devices: string[];
  regions: SysRegion[];
  type: string | null;
}

const SYSFS_REGION_TYPES: readonly string[] = ['direct', 'direct-relaxable', 'reserved', 'msi'];
const PCI_NAME = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const TYPE_TO_DOMAIN: Record<string, DefaultDomainType> = { DMA: 'dma', 'DMA-FQ': 'dma-fq', identity: 'identity' };

// The model defaults as sysfs lists them (reserved_regions shows a SW_MSI window as `msi`).
const X86_MSI: SysRegion = { ...IOMMU_DEFAULTS.vtd.msiWindow!, type: 'msi' };
const AMD_HT: SysRegion = IOMMU_DEFAULTS['amd-vi'].reserved[0]!;
const ARM_SW_MSI: SysRegion = { ...IOMMU_DEFAULTS.smmuv3.swMsi!, type: 'msi' };

const same = (a: SysRegion, b: SysRegion) => a.start === b.start && a.last === b.last && a.type === b.type;

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readText(p: string): string | null {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

/** The last path component a link (or a plain file holding the link's text) points to. */
function linkTarget(p: string): string | null {
  try {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return path.basename(fs.readlinkSync(p));
    if (st.isFile()) {
      const t = fs.readFileSync(p, 'utf8').trim();
      return t ? path.basename(t) : null;
    }
  } catch {
    // absent
  }
  return null;
}

function parseRegions(text: string, where: string): SysRegion[] {
  const out: SysRegion[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t) return;
    const m = /^(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s+(\S+)$/.exec(t);
    if (!m || !SYSFS_REGION_TYPES.includes(m[3]!)) throw new UsageError(`${where}:${i + 1}: not a reserved_regions line: '${t}'`);
    const start = BigInt(m[1]!);
    const last = BigInt(m[2]!);
    if (last < start || last > 0xffff_ffff_ffff_ffffn) throw new UsageError(`${where}:${i + 1}: bad range '${t}'`);
    out.push({ start, last, type: m[3] as RegionType });
  });
  return out;
}

export function hex(v: bigint): string {
  const digits = v.toString(16).toUpperCase();
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end));
  return '0x' + groups.join('_');
}

function range(r: SysRegion): string {
  return `${hex(r.start)}..${hex(r.last)}`;
}

interface Layout {
  groupsDir: string;
  pciDir: string | null;
}

function layout(dir: string): Layout {
  const nested = path.join(dir, 'kernel', 'iommu_groups');
  const groupsDir = isDir(nested) ? nested : dir;
  const pciCandidates = [path.join(dir, 'bus', 'pci', 'devices'), path.resolve(groupsDir, '..', '..', 'bus', 'pci', 'devices')];
  return { groupsDir, pciDir: pciCandidates.find(isDir) ?? null };
}

function readGroups(dir: string): { groups: SysGroup[]; drivers: Map<string, string> } {
  if (!isDir(dir)) throw new UsageError(`cannot read ${dir}: ${fs.existsSync(dir) ? 'not a directory' : 'no such file or directory'}`);
  const { groupsDir, pciDir } = layout(dir);
  const groups = new Map<number, SysGroup>();
  const drivers = new Map<string, string>();
  const driverOf = (devDir: string, name: string) => {
    const d = linkTarget(path.join(devDir, 'driver'));
    if (d && IDENT.test(d) && !drivers.has(name)) drivers.set(name, d);
  };
  let entries: string[];
  try {
    entries = fs.readdirSync(groupsDir);
  } catch (e) {
    throw new UsageError(`cannot read ${groupsDir}: ${fsReason(e)}`);
  }
  for (const n of entries) {
    if (!/^\d+$/.test(n)) continue;
    const gdir = path.join(groupsDir, n);
    if (!isDir(gdir)) continue;
    let devices: string[] = [];
    try {
      devices = fs.readdirSync(path.join(gdir, 'devices')).filter((d) => !d.startsWith('.'));
    } catch {
      // a group without its devices folder: members may still come from bus/pci links
    }
    for (const d of devices) driverOf(path.join(gdir, 'devices', d), d);
    const rtext = readText(path.join(gdir, 'reserved_regions'));
    const type = readText(path.join(gdir, 'type'))?.trim() || null;
    groups.set(Number(n), { id: Number(n), devices, regions: rtext ? parseRegions(rtext, path.join(gdir, 'reserved_regions')) : [], type });
  }
  if (pciDir) {
    for (const bdf of fs.readdirSync(pciDir).sort()) {
      const target = linkTarget(path.join(pciDir, bdf, 'iommu_group'));
      if (target === null || !/^\d+$/.test(target)) continue;
      const id = Number(target);
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { id, devices: [], regions: [], type: null }));
      if (![...groups.values()].some((x) => x.devices.includes(bdf))) g.devices.push(bdf);
      driverOf(path.join(pciDir, bdf), bdf);
    }
  }
  const list = [...groups.values()].filter((g) => g.devices.length > 0).sort((a, b) => a.id - b.id);
  if (list.length === 0) throw new UsageError(`no IOMMU groups with devices found in ${dir} (expected <N>/devices/<device> entries)`);
  for (const g of list) g.devices.sort();
  return { groups: list, drivers };
}

function guessModel(groups: SysGroup[]): { model: IommuModel; defaults: SysRegion[]; why: string } {
  const all = groups.flatMap((g) => g.regions);
  const has = (r: SysRegion) => all.some((x) => same(x, r));
  if (has(X86_MSI) && has(AMD_HT)) {
    return { model: 'amd-vi', defaults: [X86_MSI, AMD_HT], why: 'MSI window 0xFEE00000..0xFEEFFFFF and the HyperTransport hole 0xFD_0000_0000..0xFF_FFFF_FFFF' };
  }
  if (has(X86_MSI)) return { model: 'vtd', defaults: [X86_MSI], why: 'MSI window 0xFEE00000..0xFEEFFFFF without the AMD HyperTransport hole' };
  if (has(ARM_SW_MSI)) return { model: 'smmuv3', defaults: [ARM_SW_MSI], why: 'the Arm SW_MSI window 0x0800_0000..0x080F_FFFF' };
  return { model: 'generic', defaults: [], why: 'no well-known window in reserved_regions' };
}

function deviceName(sysName: string, used: Set<string>): string {
  const m = PCI_NAME.exec(sysName);
  let base = m ? `dev_${m[1]}_${m[2]}_${m[3]}_${m[4]}`.toLowerCase() : `dev_${sysName.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  if (!IDENT.test(base)) base = 'dev_unnamed';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}

/** Read the sysfs copy at `dir` and return the configuration text. */
export function importSysfs(dir: string, shownDir: string = dir): string {
  const { groups, drivers } = readGroups(dir);
  const { model, defaults, why } = guessModel(groups);

  // The groups' default-domain types: the most common becomes the IOMMU's default-domain.
  const counts = new Map<DefaultDomainType, number>();
  for (const g of groups) {
    const t = g.type ? TYPE_TO_DOMAIN[g.type] : undefined;
    if (t) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  let defaultDomain: DefaultDomainType = 'dma';
  for (const t of ['dma', 'dma-fq', 'identity'] as const) if ((counts.get(t) ?? 0) > (counts.get(defaultDomain) ?? 0)) defaultDomain = t;

  const extra = (g: SysGroup) => g.regions.filter((r) => !defaults.some((d) => same(d, r)));
  // An Arm SW_MSI window beside a hardware MSI region is refused by iommufd (-EINVAL) but used as is
  // by VFIO type1: such a machine is described with the vfio-type1 backend.
  const hwMsiWithSwMsi = model === 'smmuv3' && groups.some((g) => g.regions.some((r) => same(r, ARM_SW_MSI)) && extra(g).some((r) => r.type === 'msi'));
  const deviceCount = groups.reduce((n, g) => n + g.devices.length, 0);

  const out: string[] = [];
  out.push(`// Imported with \`iommu-check import-sysfs ${shownDir}\`: ${groups.length} IOMMU group${groups.length === 1 ? '' : 's'}, ${deviceCount} device${deviceCount === 1 ? '' : 's'}.`);
  out.push('// Group ids are assigned at boot and are not stable; device drivers are those found in the copy.');
  out.push('');
  if (hwMsiWithSwMsi) {
    out.push('// A hardware MSI region sits beside the SW_MSI window: iommufd would refuse these devices');
    out.push('// (sw-msi-conflict), VFIO type1 uses the hardware MSI region.');
    out.push('backend vfio-type1');
    out.push('');
  }
  out.push(`// model guessed from the reserved regions: ${why}`);
  out.push('iommu iommu0 {');
  out.push(`  model ${model}`);
  if (model === 'smmuv3') out.push(`  sw-msi ${range(ARM_SW_MSI)}`);
  if (defaultDomain !== 'dma') out.push(`  default-domain ${defaultDomain}`);
  out.push('}');

  const used = new Set<string>(['iommu0']);
  for (const g of groups) {
    const names = g.devices.map((d) => deviceName(d, used));
    out.push('');
    const typeNote = g.type === null ? '' : TYPE_TO_DOMAIN[g.type] ? `, type ${g.type}` : `, type ${g.type} (not a default-domain type; left out)`;
    out.push(`// /sys/kernel/iommu_groups/${g.id}${typeNote}`);
    const t = g.type ? TYPE_TO_DOMAIN[g.type] : undefined;
    if (t && t !== defaultDomain) out.push(`// note: this group's default domain is ${t}, the IOMMU's is ${defaultDomain} (the language sets it per IOMMU)`);
    const regions = extra(g);
    g.devices.forEach((sys, i) => {
      const name = names[i]!;
      out.push(`device ${name} {`);
      const m = PCI_NAME.exec(sys);
      if (m) out.push(`  pci ${sys.toLowerCase()}`);
      else out.push(`  // sysfs name: ${sys}`);
      out.push('  iommu iommu0');
      const driver = drivers.get(sys);
      if (driver) out.push(`  driver ${driver}`);
      if (i === 0 && regions.length > 0) {
        out.push(`  // reserved_regions of group ${g.id} (sysfs lists them per group; given on its first member)`);
        for (const r of regions) out.push(`  reserved ${range(r)} ${r.type}`);
      }
      out.push('}');
    });
    if (names.length >= 2) {
      // Nothing attaches an imported group yet: it describes the machine, it is not a leftover.
      out.push('// iommu-check: ignore unused-object -- a group of the machine; attach it to a domain to assign it');
      out.push(`group group_${g.id} { ${names.join(' ')} }`);
    }
  }
  return out.join('\n') + '\n';
}
