// Builds sysfs and procfs trees of made-up machines with the kernel's real link structure:
//   sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/{class,vendor,device,config,driver→,iommu→,iommu_group→}
//   sys/kernel/iommu_groups/N/devices/BDF → ../../../../devices/pci0000:00/…
//   sys/bus/pci/devices/BDF → ../../../devices/pci0000:00/…
//   sys/class/iommu/NAME → ../../devices/virtual/iommu/NAME (devices/ links to each device behind it)
// Config space is a binary with the capabilities the importer reads (PCIe port type, ACS, MSI,
// MSI-X, PASID), written by `pciConfig` below.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';

export type PcieKind = 'endpoint' | 'root-port' | 'upstream-port' | 'downstream-port' | 'pcie-to-pci' | 'rc-endpoint';
const PCIE_CODE: Record<PcieKind, number> = { endpoint: 0, 'root-port': 4, 'upstream-port': 5, 'downstream-port': 6, 'pcie-to-pci': 7, 'rc-endpoint': 9 };

/** ACS bits: SV 0x01, TB 0x02, RR 0x04, CR 0x08, UF 0x10, EC 0x20, DT 0x40. */
export const ACS_STD = { cap: 0x1f, ctrl: 0x1d };

export interface ConfigSpec {
  vendor: number;
  device: number;
  classCode: number;
  /** null: conventional PCI (no PCI Express capability). */
  pcie?: PcieKind | null;
  multifunction?: boolean;
  secondaryBus?: number;
  subordinateBus?: number;
  acs?: { cap: number; ctrl: number };
  msi?: boolean;
  msix?: boolean;
  pasidBits?: number;
  /** ATS and SR-IOV extended capabilities. */
  ats?: boolean;
  sriov?: boolean;
  /** Subsystem vendor and device (type 0 header). */
  subsystem?: [number, number];
}

/** A 4 KiB config space. Bridges (ports, PCIe-to-PCI) get a type 1 header. */
export function pciConfig(s: ConfigSpec): Buffer {
  const b = Buffer.alloc(4096);
  b.writeUInt16LE(s.vendor, 0);
  b.writeUInt16LE(s.device, 2);
  b.writeUInt16LE(0x0010, 6); // status: capability list
  b.writeUInt8(s.classCode & 0xff, 0x09);
  b.writeUInt8((s.classCode >> 8) & 0xff, 0x0a);
  b.writeUInt8((s.classCode >> 16) & 0xff, 0x0b);
  const bridge = s.secondaryBus !== undefined;
  b.writeUInt8((bridge ? 1 : 0) | (s.multifunction ? 0x80 : 0), 0x0e);
  if (bridge) {
    b.writeUInt8(s.secondaryBus!, 0x19);
    b.writeUInt8(s.subordinateBus ?? s.secondaryBus!, 0x1a);
  } else if (s.subsystem) {
    b.writeUInt16LE(s.subsystem[0], 0x2c);
    b.writeUInt16LE(s.subsystem[1], 0x2e);
  }
  const caps: [number, (p: number) => void][] = [];
  if (s.pcie !== null && s.pcie !== undefined) caps.push([0x10, (p) => b.writeUInt16LE(0x0002 | (PCIE_CODE[s.pcie!] << 4), p + 2)]);
  if (s.msi) caps.push([0x05, (p) => b.writeUInt16LE(0x0080, p + 2)]);
  if (s.msix) caps.push([0x11, (p) => b.writeUInt16LE(0x0007, p + 2)]);
  let p = 0x40;
  b.writeUInt8(caps.length ? p : 0, 0x34);
  caps.forEach(([id, fill], i) => {
    b.writeUInt8(id, p);
    b.writeUInt8(i + 1 < caps.length ? p + 0x10 : 0, p + 1);
    fill(p);
    p += 0x10;
  });
  if (s.pcie === null || s.pcie === undefined) return b;
  const ext: [number, (p: number) => void][] = [];
  if (s.acs) ext.push([0x0d, (q) => (b.writeUInt16LE(s.acs!.cap, q + 4), b.writeUInt16LE(s.acs!.ctrl, q + 6))]);
  if (s.pasidBits) ext.push([0x1b, (q) => b.writeUInt16LE(s.pasidBits! << 8, q + 4)]);
  if (s.ats) ext.push([0x0f, (q) => b.writeUInt16LE(0x0020, q + 4)]);
  if (s.sriov) ext.push([0x10, (q) => b.writeUInt16LE(8, q + 0x0e)]);
  let q = 0x100;
  ext.forEach(([id, fill], i) => {
    const next = i + 1 < ext.length ? q + 0x20 : 0;
    b.writeUInt32LE((id | (1 << 16) | (next << 20)) >>> 0, q);
    fill(q);
    q += 0x20;
  });
  return b;
}

export interface PciFunctionSpec extends ConfigSpec {
  bdf: string;
  /** The BDF of the bridge above it; absent on the root bus. */
  parent?: string;
  driver?: string;
  group: number;
  iommu?: string;
  /** MSIs allocated now (msi_irqs/ with these vectors). */
  msiIrqs?: number[];
  /** An SR-IOV virtual function of this PF (BDF): `physfn` link, and the PF's `virtfnN` link. */
  physfn?: string;
}

export interface PlatformDeviceSpec {
  /** Its folder under sys/devices, e.g. platform/3100000.usb. */
  path: string;
  /** The ACPI path of its firmware node (`firmware_node/path`), e.g. \\_SB_.DMA0. */
  acpiPath?: string;
  /** Its bus (the `subsystem` link): platform unless told (amba, ccw…). */
  bus?: string;
  driver?: string;
  group: number;
  iommu?: string;
}

export interface IommuSpec {
  name: string;
  /** Its folder under sys/devices, e.g. virtual/iommu/dmar0. */
  path: string;
  files?: Record<string, string>;
}

export interface MachineSpec {
  pci: PciFunctionSpec[];
  platform?: PlatformDeviceSpec[];
  groups: Record<number, { reserved_regions?: string; type?: string }>;
  iommus?: IommuSpec[];
  acpi?: Record<string, Buffer>;
  /** /sys/firmware/fdt of a devicetree machine. */
  fdt?: Buffer;
  /** The folder under sys/devices a root bus (`SSSS:BB`) sits in, e.g. platform/40000000.pcie; default: devices/ itself. */
  hostBridges?: Record<string, string>;
  proc?: { cmdline?: string; osrelease?: string; interrupts?: string; /** KernelPageSize in /proc/self/smaps, in KiB. */ pageKiB?: number };
  /** Bytes of config space readable (64 as for a non-root reader). */
  configBytes?: number;
}

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

export function tmpDir(prefix = 'iommu-check-sysfs-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Build the machine under a fresh folder; returns it (holding sys/ and proc/). */
export function buildMachine(spec: MachineSpec): string {
  const root = tmpDir();
  const sys = path.join(root, 'sys');
  const put = (rel: string, data: string | Buffer) => {
    const p = path.join(sys, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
  };
  const link = (rel: string, targetRel: string) => {
    const p = path.join(sys, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(p), path.join(sys, targetRel)), p);
  };
  const byBdf = new Map(spec.pci.map((f) => [f.bdf, f]));
  const devPath = (f: PciFunctionSpec): string => {
    if (f.parent) return `${devPath(byBdf.get(f.parent)!)}/${f.bdf}`;
    const [seg, bus] = f.bdf.split(':');
    const host = spec.hostBridges?.[`${seg}:${bus}`];
    return `devices/${host ? `${host}/` : ''}pci${seg}:${bus}/${f.bdf}`;
  };
  const iommuPath = new Map((spec.iommus ?? []).map((i) => [i.name, `devices/${i.path}`]));
  for (const i of spec.iommus ?? []) {
    fs.mkdirSync(path.join(sys, `devices/${i.path}/devices`), { recursive: true });
    for (const [f, text] of Object.entries(i.files ?? {})) put(`devices/${i.path}/${f}`, text);
    link(`class/iommu/${i.name}`, `devices/${i.path}`);
  }
  const device = (dir: string, name: string, d: { driver?: string; group: number; iommu?: string }, bus: string) => {
    fs.mkdirSync(path.join(sys, dir), { recursive: true });
    if (d.driver) {
      fs.mkdirSync(path.join(sys, `bus/${bus}/drivers/${d.driver}`), { recursive: true });
      link(`${dir}/driver`, `bus/${bus}/drivers/${d.driver}`);
    }
    fs.mkdirSync(path.join(sys, `bus/${bus}/devices`), { recursive: true });
    link(`${dir}/subsystem`, `bus/${bus}`);
    link(`kernel/iommu_groups/${d.group}/devices/${name}`, dir);
    link(`${dir}/iommu_group`, `kernel/iommu_groups/${d.group}`);
    if (d.iommu) {
      link(`${dir}/iommu`, iommuPath.get(d.iommu)!);
      link(`${iommuPath.get(d.iommu)!}/devices/${name}`, dir);
    }
  };
  for (const f of spec.pci) {
    const dir = devPath(f);
    device(dir, f.bdf, f, 'pci');
    const hex = (v: number, w: number) => '0x' + v.toString(16).padStart(w, '0');
    put(`${dir}/class`, hex(f.classCode, 6) + '\n');
    put(`${dir}/vendor`, hex(f.vendor, 4) + '\n');
    put(`${dir}/device`, hex(f.device, 4) + '\n');
    put(`${dir}/config`, pciConfig(f).subarray(0, spec.configBytes ?? 4096));
    for (const v of f.msiIrqs ?? []) fs.mkdirSync(path.join(sys, `${dir}/msi_irqs/${v}`), { recursive: true });
    link(`bus/pci/devices/${f.bdf}`, dir);
  }
  const vfCount = new Map<string, number>();
  for (const f of spec.pci) {
    if (!f.physfn) continue;
    const pf = devPath(byBdf.get(f.physfn)!);
    link(`${devPath(f)}/physfn`, pf);
    const k = vfCount.get(f.physfn) ?? 0;
    vfCount.set(f.physfn, k + 1);
    link(`${pf}/virtfn${k}`, devPath(f));
  }
  if (spec.fdt) put('firmware/fdt', spec.fdt);
  for (const p of spec.platform ?? []) {
    device(`devices/${p.path}`, path.posix.basename(p.path), p, p.bus ?? 'platform');
    if (p.acpiPath) {
      const node = `devices/LNXSYSTM:00/LNXSYBUS:00/${path.posix.basename(p.path)}`;
      put(`${node}/path`, p.acpiPath + '\n');
      link(`devices/${p.path}/firmware_node`, node);
    }
  }
  for (const [id, g] of Object.entries(spec.groups)) {
    fs.mkdirSync(path.join(sys, `kernel/iommu_groups/${id}/devices`), { recursive: true });
    put(`kernel/iommu_groups/${id}/reserved_regions`, g.reserved_regions ?? '');
    if (g.type !== undefined) put(`kernel/iommu_groups/${id}/type`, g.type + '\n');
  }
  for (const [sig, data] of Object.entries(spec.acpi ?? {})) put(`firmware/acpi/tables/${sig}`, data);
  const proc = path.join(root, 'proc');
  fs.mkdirSync(path.join(proc, 'sys/kernel'), { recursive: true });
  if (spec.proc?.cmdline !== undefined) fs.writeFileSync(path.join(proc, 'cmdline'), spec.proc.cmdline + '\n');
  if (spec.proc?.osrelease !== undefined) fs.writeFileSync(path.join(proc, 'sys/kernel/osrelease'), spec.proc.osrelease + '\n');
  if (spec.proc?.interrupts !== undefined) fs.writeFileSync(path.join(proc, 'interrupts'), spec.proc.interrupts);
  if (spec.proc?.pageKiB !== undefined) {
    fs.mkdirSync(path.join(proc, 'self'), { recursive: true });
    const kb = spec.proc.pageKiB;
    fs.writeFileSync(path.join(proc, 'self/smaps'), `aaaab0000000-aaaab0010000 r-xp 00000000 103:02 1835 /usr/bin/node\nSize:                 ${kb} kB\nKernelPageSize:       ${kb} kB\nMMUPageSize:          ${kb} kB\n`);
  }
  return root;
}

/** A copy of sys/kernel/iommu_groups as `cp -r` makes it: the links are copied as they are and dangle. */
export function copyGroupsLikeCpR(machineRoot: string): string {
  const dest = path.join(tmpDir('iommu-check-cpr-'), 'iommu_groups');
  fs.cpSync(path.join(machineRoot, 'sys/kernel/iommu_groups'), dest, { recursive: true, verbatimSymlinks: true });
  return dest;
}
