// `iommu-check import-sysfs SRC`: a machine (snapshot archive, sysfs root, or a bare copy of
// /sys/kernel/iommu_groups) as a configuration: the kernel version and command line, one `iommu`
// per instance with its widths from the hardware, irqchips from the interrupt-remapping state
// (or the MADT's ITS), devices with human names, drivers, MSIs, reserved regions and their place
// in the PCI topology, and the groups with their default domain types.

import { cmdlineEffects, readCommandLine, settingText } from '../model/cmdline';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TOP_LEVEL_KEYWORDS } from '../../../grammar/src/lexer';
import { hexGrouped } from '../model/intervals';
import { deriveGroups, REQ_ACS_FLAGS, type AcsFlagName, type PortKind, type TopologyNode } from '../model/topology';
import type { IommuModel, RegionType } from '../model/types';
import { parseDmar } from './acpi/dmar';
import { readBinaryTables } from './acpi/tables';
import { firmwareSeverity } from './catalogue';
import { assignNames, kindOf } from './deviceNames';
import { Findings } from './findings';
import { dmaAliasQuirk, usesPcieBridgeAlias } from './dmaAliasQuirks';
import { amdCapabilities, vtdCapabilities, type Capabilities } from './iommuRegisters';
import { MachineError, readMachine, type Machine, type SysDevice, type SysGroup, type SysIommu, type SysRegion } from './machine';
import { armMsiRouting } from './msiRouting';
import { effectiveAcs, type PcieType } from './pciConfig';
import { GROUP_TYPES } from './pci-view';
import { looksLikeArchive, openSnapshot, type Unreadable } from './snapshot';
import { directoryTree, type MachineTree } from './tree';

export interface ImportSource {
  sys: MachineTree;
  proc: MachineTree | null;
  /** Parts a snapshot could not read. */
  unreadable: Unreadable[];
}

export interface SysfsImport {
  text: string;
  /** One-line warnings for standard error (what was lost or guessed). */
  warnings: string[];
}

const isDir = (p: string) => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Open SRC: a snapshot archive, a folder holding sys/ (and proc/), a sysfs root, or a copy of iommu_groups. */
export function openSource(abs: string, shown: string): ImportSource {
  if (!isDir(abs)) {
    if (!fs.existsSync(abs)) throw new MachineError(`cannot read ${abs}: no such file or directory`);
    if (!looksLikeArchive(abs)) throw new MachineError(`${shown}: neither a snapshot archive (.tar.gz from iommu-check snapshot) nor a folder`);
    const s = openSnapshot(abs, shown);
    return { sys: s.sys, proc: s.proc, unreadable: s.manifest.unreadable };
  }
  if (isDir(path.join(abs, 'sys'))) {
    return { sys: directoryTree(path.join(abs, 'sys')), proc: isDir(path.join(abs, 'proc')) ? directoryTree(path.join(abs, 'proc')) : null, unreadable: [] };
  }
  if (isDir(path.join(abs, 'kernel', 'iommu_groups'))) {
    const proc = path.join(abs, '..', 'proc');
    return { sys: directoryTree(abs), proc: isDir(proc) ? directoryTree(proc) : null, unreadable: [] };
  }
  // A copy of iommu_groups inside a copy of /sys: read the whole copy.
  if (path.basename(abs) === 'iommu_groups' && path.basename(path.dirname(abs)) === 'kernel' && isDir(path.join(abs, '..', '..', 'bus'))) {
    const root = path.join(abs, '..', '..');
    return { sys: directoryTree(root, root), proc: null, unreadable: [] };
  }
  return { sys: directoryTree(abs), proc: null, unreadable: [] };
}

const X86_MSI: SysRegion = { start: 0xfee00000n, last: 0xfeefffffn, type: 'msi' };
const AMD_HT: SysRegion = { start: 0xfd00000000n, last: 0xffffffffffn, type: 'reserved' };
const ARM_SW_MSI: SysRegion = { start: 0x8000000n, last: 0x80fffffn, type: 'msi' };
const same = (a: SysRegion, b: SysRegion) => a.start === b.start && a.last === b.last && a.type === b.type;

const PORTS: Partial<Record<PcieType, PortKind>> = {
  'root-port': 'root',
  'upstream-port': 'upstream',
  'downstream-port': 'downstream',
  'pcie-to-pci': 'pcie-to-pci',
  'pci-to-pcie': 'pci-to-pcie',
};

/** Addresses as the language writes long ones: grouped by 4 digits, upper case. */
const hex = (v: bigint) => '0x' + hexGrouped(v).slice(2).toUpperCase();
const range = (r: SysRegion) => `${hex(r.start)}..${hex(r.last)}`;
const sizeText = (v: bigint) => {
  for (const [shift, unit] of [[50n, 'P'], [40n, 'T'], [30n, 'G'], [20n, 'M'], [10n, 'K']] as const) if (v >= 1n << shift && v % (1n << shift) === 0n) return `${v >> shift}${unit}`;
  return `${v}`;
};

interface Instance {
  name: string;
  sys: SysIommu | null;
  model: IommuModel;
  why: string;
  caps: Capabilities | null;
  /** Reserved regions every group behind it shows as its own windows. */
  defaults: SysRegion[];
  swMsi: boolean;
  defaultDomain: string;
  groups: SysGroup[];
  /** VT-d: the DMAR's host address width, when the snapshot has the table. */
  hostWidth?: number;
}

function guessModel(regions: SysRegion[]): { model: IommuModel; why: string } {
  const has = (r: SysRegion) => regions.some((x) => same(x, r));
  if (has(X86_MSI) && has(AMD_HT)) return { model: 'amd-vi', why: 'the MSI window 0xFEE00000..0xFEEFFFFF and the HyperTransport hole in reserved_regions' };
  if (has(X86_MSI)) return { model: 'vtd', why: 'the MSI window 0xFEE00000..0xFEEFFFFF without the HyperTransport hole in reserved_regions' };
  if (has(ARM_SW_MSI)) return { model: 'smmuv3', why: 'the Arm SW_MSI window 0x0800_0000..0x080F_FFFF in reserved_regions' };
  return { model: 'generic', why: 'no well-known window in reserved_regions' };
}

function kernelVersion(osrelease: string | null): string | null {
  const m = osrelease ? /^(\d+)\.(\d+)/.exec(osrelease) : null;
  return m ? `${m[1]}.${m[2]}` : null;
}

/** Interrupt remapping as the running kernel set it up. */
function remapState(m: Machine, instances: Instance[]): { remap: boolean; why: string } {
  if (m.interrupts !== null) {
    if (/\bIR-(PCI-MSI|PCI-MSIX|IO-APIC)/.test(m.interrupts)) return { remap: true, why: '/proc/interrupts shows IR- (remapped) interrupt chips' };
    if (/\bPCI-MSI/.test(m.interrupts)) return { remap: false, why: '/proc/interrupts shows PCI-MSI without IR-: interrupt remapping is off' };
  }
  if (m.cmdline) {
    // as the kernel reads it: the last of intremap=on/off and nointremap wins; amd_iommu=off takes
    // AMD remapping with it; intel_iommu=off and amd_iommu_intr= leave remapping alone
    const fx = cmdlineEffects(readCommandLine(m.cmdline), 'x86');
    const off = fx.intremapOff ?? (instances.some((i) => i.model === 'amd-vi') ? fx.amdIrOff : null);
    if (off) return { remap: false, why: `the command line turns interrupt remapping off (${settingText(off)})` };
  }
  const vtd = instances.filter((i) => i.model === 'vtd' && i.caps?.irqRemap !== null && i.caps?.irqRemap !== undefined);
  if (vtd.length > 0) {
    const all = vtd.every((i) => i.caps!.irqRemap);
    return { remap: all, why: all ? 'every VT-d unit supports interrupt remapping (ecap IR) and nothing turns it off' : 'a VT-d unit lacks interrupt remapping (ecap IR): the kernel leaves it off' };
  }
  return { remap: true, why: 'interrupt remapping is on by default with an x86 IOMMU (no /proc/interrupts to confirm)' };
}

/** The DMAR's host address width (HAW + 1), when the snapshot has a usable table; the kernel rejects one below 12 bits. */
function dmarHostWidth(sys: MachineTree): number | null {
  const data = sys.read('firmware/acpi/tables/DMAR');
  if (data === null) return null;
  const findings = new Findings(firmwareSeverity);
  const t = readBinaryTables(data, { path: 'DMAR', abs: 'DMAR' }, findings).find((x) => x.source.signature === 'DMAR');
  if (!t) return null;
  const w = parseDmar(t, findings).width;
  return w >= 12 && w <= 64 ? w : null;
}

function instancesOf(m: Machine): { instances: Instance[]; of: (d: SysDevice) => Instance } {
  const instances: Instance[] = [];
  const groupsOf = (names: Set<string>) => m.groups.filter((g) => g.devices.some((d) => names.has(d)));
  const used = new Set<string>();
  for (const si of m.iommus) {
    const members = new Set(si.devices);
    const groups = groupsOf(members);
    const regions = groups.flatMap((g) => g.regions);
    let model: IommuModel;
    let why: string;
    let caps: Capabilities | null = null;
    if (si.kind === 'vtd') {
      model = 'vtd';
      why = `/sys/class/iommu/${si.name} is a VT-d unit`;
      if (si.cap !== null && si.ecap !== null) caps = vtdCapabilities(si.cap, si.ecap);
    } else if (si.kind === 'amd-vi') {
      model = 'amd-vi';
      why = `/sys/class/iommu/${si.name} is an AMD-Vi unit`;
      if (si.features !== null) caps = amdCapabilities(si.features);
    } else if (si.kind === 'smmuv3' || si.kind === 'smmuv2' || si.kind === 'virtio-iommu') {
      model = si.kind;
      why = `/sys/class/iommu/${si.name}`;
    } else ({ model, why } = guessModel(regions));
    const name = /^[A-Za-z_][A-Za-z0-9_-]{0,15}$/.test(si.name) ? si.name : `${model === 'smmuv3' || model === 'smmuv2' ? 'smmu' : 'iommu'}${instances.length}`;
    used.add(name);
    instances.push({ name, sys: si, model, why, caps, defaults: [], swMsi: false, defaultDomain: 'dma', groups });
  }
  let fallback: Instance | null = null;
  const of = (d: SysDevice): Instance => {
    const found = d.iommu !== null ? instances.find((i) => i.sys?.name === d.iommu) : undefined;
    if (found) return found;
    if (instances.length === 1) return instances[0]!;
    if (!fallback) {
      const { model, why } = guessModel(m.groups.flatMap((g) => g.regions));
      let name = 'iommu0';
      for (let k = 1; used.has(name); k++) name = `iommu${k}`;
      fallback = { name, sys: null, model, why, caps: null, defaults: [], swMsi: false, defaultDomain: 'dma', groups: [] };
      instances.push(fallback);
    }
    return fallback;
  };
  return { instances, of };
}

/** Import the machine at `src` (see openSource); `shownCommand` is the argument as the user typed it. */
export function importSysfs(src: ImportSource, shownSource: string): SysfsImport {
  const m = readMachine(src.sys, src.proc);
  const warnings: string[] = [...m.warnings];
  const { instances, of } = instancesOf(m);

  // VT-d output width: the DMAR's host address width (the physical addresses DMA can reach).
  const haw = dmarHostWidth(src.sys);
  if (haw !== null) for (const inst of instances) if (inst.model === 'vtd') inst.hostWidth = haw;

  // Group → instance (by its first member), and each instance's windows and default domain type.
  const groupInstance = new Map<number, Instance>();
  for (const g of m.groups) {
    const first = m.devices.get(g.devices[0]!)!;
    const inst = of(first);
    groupInstance.set(g.id, inst);
    if (!inst.groups.includes(g)) inst.groups.push(g);
  }
  for (const inst of instances) {
    inst.groups = inst.groups.filter((g) => groupInstance.get(g.id) === inst);
    const candidates = inst.model === 'amd-vi' ? [X86_MSI, AMD_HT] : inst.model === 'vtd' ? [X86_MSI] : inst.model === 'smmuv3' || inst.model === 'smmuv2' || inst.model === 'virtio-iommu' ? [ARM_SW_MSI] : [];
    inst.defaults = candidates.filter((c) => inst.groups.some((g) => g.regions.some((r) => same(r, c))));
    inst.swMsi = inst.defaults.some((r) => same(r, ARM_SW_MSI));
    const counts = new Map<string, number>();
    for (const g of inst.groups) {
      const t = g.type ? GROUP_TYPES[g.type] : undefined;
      if (t && t !== 'blocked') counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    for (const t of ['dma', 'dma-fq', 'identity']) if ((counts.get(t) ?? 0) > (counts.get(inst.defaultDomain) ?? 0)) inst.defaultDomain = t;
  }
  const ownRegions = (g: SysGroup) => {
    const inst = groupInstance.get(g.id)!;
    return g.regions.filter((r) => !inst.defaults.some((d) => same(d, r)));
  };

  // Devices in group order; lost information from links that dangle.
  const ordered: SysDevice[] = [];
  for (const g of m.groups) for (const n of g.devices) ordered.push(m.devices.get(n)!);
  const lost = ordered.filter((d) => d.path === null && m.dangling.includes(d.name));
  if (lost.length > 0) {
    const names = lost.map((d) => d.name);
    warnings.push(
      `${lost.length} group member link${lost.length === 1 ? '' : 's'} lead${lost.length === 1 ? 's' : ''} nowhere (${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}): a copy made with 'cp -r' keeps the links, not the devices. ` +
        `Lost for ${lost.length === 1 ? 'it' : 'them'}: drivers (so group-not-viable cannot see a host driver), class names, config space (PCI topology, ACS, MSI), the IOMMU instance. ` +
        `Run 'iommu-check snapshot' on the machine and import the archive instead.`,
    );
  }

  // PCI topology: only when every PCI device's config space was readable in full.
  const pciDevices = [...m.devices.values()].filter((d) => d.pci && d.config !== null);
  const truncated = [...m.devices.values()].filter((d) => d.pci && d.config !== null && !d.config.complete);
  // A PCI function whose config space could not be read at all hides its port type and ACS: a
  // topology without it would group what is below it wrongly, so none is written.
  const noConfig = [...m.devices.values()].filter((d) => d.pci && d.path !== null && d.config === null);
  const withTopology = pciDevices.length > 0 && truncated.length === 0 && lost.length === 0 && noConfig.length === 0;
  if (noConfig.length > 0 && pciDevices.length > 0) {
    const names = noConfig.map((d) => d.name);
    warnings.push(`the config space of ${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''} could not be read: PCI topology, ACS and port types are not imported (the groups are those the kernel formed)`);
  }
  if (truncated.length > 0) {
    warnings.push(
      `config space of ${truncated.length} PCI device${truncated.length === 1 ? ' is' : 's is'} only ${truncated[0]!.config!.length} bytes (read without root): PCI topology, ACS and port types are not imported, and MSI-capable devices are those with MSIs allocated now. Run 'iommu-check snapshot' as root for the full picture.`,
    );
  }

  // Names.
  const portOf = (d: SysDevice): PortKind | null => (d.config?.pcie ? PORTS[d.config.pcie] ?? null : d.config && d.config.headerLayout === 1 && d.config.complete ? 'pcie-to-pci' : null);
  const taken = new Set<string>(instances.map((i) => i.name));
  const kinds = ordered.map((d) => {
    if (!d.pci) return { base: d.name, numbered: false, what: 'platform device' };
    if (d.classCode === null) return { base: `dev_${d.name.replace(/[:.]/g, '_').toLowerCase()}`, numbered: false, what: 'device (class unknown)' };
    const k = kindOf(d.classCode, portOf(d));
    const integratedGpu = k.name === 'gpu' && d.parent === null && /:00:0[0-9a-f]\.\d$/.test(d.name);
    return { base: integratedGpu ? 'igpu' : k.name, numbered: k.numbered ?? false, what: k.what };
  });
  const anyArm = instances.some((i) => i.model === 'smmuv3' || i.model === 'smmuv2');
  const routing = anyArm ? armMsiRouting(src.sys, m) : null;
  const irqNames = ['ir', 'apic', ...(routing?.chips.map((c) => c.name) ?? [])];
  for (const n of irqNames) taken.add(n);
  const names = assignNames(kinds, taken);
  const nameOf = new Map(ordered.map((d, i) => [d.name, names[i]!]));
  const orderIndex = new Map(ordered.map((d, i) => [d, i]));

  // Topology nodes, and ACS that the kernel's groups show but config space does not (quirks).
  const acsOf = new Map<string, Set<AcsFlagName> | null>();
  const quirk = new Set<string>();
  /** Sysfs groups whose members are not exactly a group the topology derives: declared explicitly. */
  const mismatched = new Set<number>();
  if (withTopology) {
    for (const d of ordered) if (d.config?.acs) acsOf.set(d.name, new Set(effectiveAcs(d.config.acs)));
    const override = m.cmdline !== null && cmdlineEffects(readCommandLine(m.cmdline), 'x86').acsOverride !== null;
    for (let round = 0; round < 8; round++) {
      const nodes: TopologyNode[] = ordered.map((d) => topoNode(d, acsOf.get(d.name) ?? null, m));
      const index = new Map(ordered.map((d, i) => [d.name, i]));
      for (const [i, d] of ordered.entries()) nodes[i]!.behind = d.parent !== null ? index.get(d.parent) ?? null : null;
      const der = deriveGroups(nodes);
      const crossing: number[] = [];
      der.edge.forEach((e, i) => {
        if (e && ordered[i]!.group !== ordered[e.other]!.group) crossing.push(i);
      });
      der.functionEdges.forEach((es, i) => es.forEach((e) => e.rule === 'function' && ordered[i]!.group !== ordered[e.other]!.group && crossing.push(i)));
      if (crossing.length === 0 || override) break;
      let changed = false;
      for (const i of crossing) {
        const e = der.edge[i];
        const mark = (k: number) => {
          const cur = acsOf.get(ordered[k]!.name) ?? new Set<AcsFlagName>();
          if (REQ_ACS_FLAGS.every((f) => cur.has(f))) return;
          for (const f of REQ_ACS_FLAGS) cur.add(f);
          acsOf.set(ordered[k]!.name, cur);
          quirk.add(ordered[k]!.name);
          changed = true;
        };
        if (e?.rule === 'acs-path') {
          for (let b: number | null = e.other; b !== null; b = nodes[b]!.behind) if (!der.acsEnabled[b]) mark(b);
        } else if (!e) {
          mark(i);
          for (const f of der.functionEdges[i]!) if (f.rule === 'function') mark(f.other);
        }
      }
      if (!changed) {
        warnings.push(`the kernel's groups differ from what the PCI topology gives (DMA alias quirks?): the topology is written without ACS reconciliation; check the group-topology findings against the machine`);
        break;
      }
    }
    // Groups that the final derivation does not reproduce by itself must be declared.
    const nodes: TopologyNode[] = ordered.map((d) => topoNode(d, acsOf.get(d.name) ?? null, m));
    const index = new Map(ordered.map((d, i) => [d.name, i]));
    for (const [i, d] of ordered.entries()) nodes[i]!.behind = d.parent !== null ? index.get(d.parent) ?? null : null;
    const der = deriveGroups(nodes);
    const byRoot = new Map<number, Set<number | null>>();
    ordered.forEach((d, i) => {
      const r = der.root[i]!;
      let set = byRoot.get(r);
      if (!set) byRoot.set(r, (set = new Set()));
      set.add(d.group);
    });
    for (const set of byRoot.values()) if (set.size > 1) for (const g of set) if (g !== null) mismatched.add(g);
  }

  // The configuration.
  const out: string[] = [];
  const deviceCount = ordered.length;
  out.push(`// Imported with \`iommu-check import-sysfs ${shownSource}\`: ${m.groups.length} IOMMU group${m.groups.length === 1 ? '' : 's'}, ${deviceCount} device${deviceCount === 1 ? '' : 's'}, ${instances.length} IOMMU instance${instances.length === 1 ? '' : 's'}.`);
  out.push('// Group ids are assigned at boot and are not stable; the groups below are those the kernel formed.');
  out.push('');
  const supports = (kw: string) => (TOP_LEVEL_KEYWORDS as readonly string[]).includes(kw);
  const version = kernelVersion(m.osrelease);
  if (version !== null) out.push(`${supports('kernel') ? '' : '// '}kernel ${version}${m.osrelease !== version ? `    // uname -r: ${m.osrelease}` : ''}`);
  if (m.cmdline) out.push(`${supports('cmdline') ? '' : '// '}cmdline "${m.cmdline.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  if (m.pageSize !== null && m.pageSize !== 4096 && [16384, 65536].includes(m.pageSize)) out.push(`page-size ${m.pageSize / 1024}K    // KernelPageSize in /proc/self/smaps`);
  if (version !== null || m.cmdline || (m.pageSize !== null && m.pageSize !== 4096)) out.push('');

  const hwMsiWithSwMsi = instances.some((i) => i.swMsi && i.groups.some((g) => ownRegions(g).some((r) => r.type === 'msi')));
  if (hwMsiWithSwMsi) {
    out.push('// A hardware MSI region sits beside the SW_MSI window: iommufd would refuse these devices');
    out.push('// (sw-msi-conflict), VFIO type1 uses the hardware MSI region.');
    out.push('backend vfio-type1');
    out.push('');
  }

  for (const inst of instances) {
    const where = inst.sys?.address ? ` at ${hex(inst.sys.address)}` : '';
    out.push(`// ${inst.sys ? `/sys/class/iommu/${inst.sys.name}` : 'model guessed'}${where}: ${inst.why}`);
    for (const n of inst.caps?.notes ?? []) out.push(`// ${n}`);
    if (inst.hostWidth !== undefined) out.push(`// DMAR host address width ${inst.hostWidth}: the output address width of its page tables`);
    if (inst.model === 'smmuv3' || inst.model === 'smmuv2') out.push('// sysfs does not show the SMMU ID registers: ias, oas and pgsizes are the language defaults; check them against the IORT and the driver log');
    out.push(`iommu ${inst.name} {`);
    out.push(`  model ${inst.model}`);
    const c = inst.caps;
    if (c?.ias !== null && c?.ias !== undefined) out.push(`  ias ${c.ias}`);
    const oas = inst.hostWidth ?? c?.oas;
    if (oas !== null && oas !== undefined) out.push(`  oas ${oas}`);
    if (c?.pgsizes) out.push(`  pgsizes ${c.pgsizes.map(sizeText).join(' ')}`);
    if (c?.nesting !== null && c?.nesting !== undefined) out.push(`  ${c.nesting ? 'nesting' : 'no-nesting'}`);
    if ((inst.model === 'smmuv3' || inst.model === 'smmuv2' || inst.model === 'virtio-iommu') && !inst.swMsi && inst.groups.length > 0) out.push('  sw-msi none');
    if (inst.defaultDomain !== 'dma') out.push(`  default-domain ${inst.defaultDomain}`);
    out.push('}');
  }

  // Irqchips.
  const x86 = instances.some((i) => i.model === 'vtd' || i.model === 'amd-vi');
  let msiChip: string | null = null;
  /** Line of each irqchip, and which ones a device sends MSIs to. */
  const chipLines = new Map<string, number>();
  const chipsUsed = new Set<string>();
  if (x86) {
    const { remap, why } = remapState(m, instances);
    msiChip = remap ? 'ir' : 'apic';
    out.push('');
    out.push(`// ${why}`);
    chipLines.set(remap ? 'ir' : 'apic', out.length);
    out.push(remap ? 'irqchip ir { model x86-remap }' : 'irqchip apic { model x86-compat }');
  } else if (anyArm) {
    out.push('');
    if (routing === null) {
      out.push('// The GIC ITS base is in the MADT (firmware/acpi/tables/APIC) or the devicetree (firmware/fdt), which this source lacks (reading them needs root):');
      out.push('// devices get no msi lines. Add `irqchip its0 { model gicv3-its base ADDR }` and `msi its0` to check doorbells.');
      if (src.sys.kind('firmware/acpi/tables') !== null || src.unreadable.some((u) => u.path.endsWith('/APIC'))) warnings.push('no readable MADT (APIC) table: the ITS doorbell is unknown and devices get no msi lines');
    } else {
      for (const w of routing.why) out.push(`// ${w}`);
      for (const c of routing.chips) {
        chipLines.set(c.name, out.length);
        out.push(`irqchip ${c.name} { model ${c.model} base ${hex(c.base)} }`);
      }
    }
  }

  // Devices and groups.
  const groupName = (g: SysGroup) => `group_${g.id}`;
  for (const g of m.groups) {
    const inst = groupInstance.get(g.id)!;
    const type = g.type === null ? null : GROUP_TYPES[g.type] ?? null;
    out.push('');
    out.push(`// /sys/kernel/iommu_groups/${g.id}${g.type === null ? '' : `, type ${g.type}${type === null ? ' (not a default domain type; left out)' : ''}`}`);
    const regions = ownRegions(g);
    const holder = g.devices.find((n) => portOf(m.devices.get(n)!) === null) ?? g.devices[0]!;
    for (const n of g.devices) {
      const d = m.devices.get(n)!;
      const name = nameOf.get(n)!;
      const k = kinds[orderIndex.get(d)!]!;
      const ids = d.vendor !== null && d.deviceId !== null ? ` [${d.vendor.toString(16).padStart(4, '0')}:${d.deviceId.toString(16).padStart(4, '0')}]` : '';
      const pf = physfnOf(d, m);
      const traits = [
        pf ? `SR-IOV virtual function of ${nameOf.get(pf.name) ?? pf.name}` : d.config?.sriov ? 'SR-IOV physical function' : '',
        d.config?.ats ? 'ATS' : '',
        usesPcieBridgeAlias(d.vendor, d.deviceId) ? `its devices' DMA carries the requester ID of its secondary bus (quirk_use_pcie_bridge_dma_alias; groups unchanged)` : '',
      ].filter(Boolean);
      out.push(d.pci ? `// ${n} ${k.what}${ids}${traits.length ? `; ${traits.join('; ')}` : ''}` : `// ${n} (${d.platformBus ?? 'platform'} device${d.acpiPath ? ` ${d.acpiPath}` : ''}${d.driver === null ? ', no driver bound' : ''})`);
      out.push(`device ${name} {`);
      if (d.pci) out.push(`  pci ${n.toLowerCase()}`);
      if (instances.length > 1) out.push(`  iommu ${of(d).name}`);
      if (d.driver) out.push(`  driver ${/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(d.driver) ? d.driver : 'none'}`);
      const msiCapable = d.config?.complete ? d.config.msi || d.config.msix : d.msiInUse;
      const chip = routing ? (d.pci ? (msiCapable ? routing.chipOf(d) : null) : routing.chipOf(d)) : d.pci && msiCapable ? msiChip : null;
      if (chip !== null) {
        out.push(`  msi ${chip}`);
        chipsUsed.add(chip);
      }
      const devPasid = d.config?.pasidBits ?? null;
      if (devPasid !== null && inst.caps?.pasidBits) out.push(`  pasid ${Math.min(devPasid, inst.caps.pasidBits)}`);
      if (withTopology && d.config) {
        const port = portOf(d);
        if (port) out.push(`  port ${port}`);
        if (d.config.pcie === null) out.push('  conventional');
        if (d.parent !== null && nameOf.has(d.parent)) out.push(`  behind ${nameOf.get(d.parent)}`);
        if (pf && nameOf.has(pf.name)) out.push(`  physfn ${nameOf.get(pf.name)}`);
        const bdf = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(n);
        if (bdf) {
          const own = parseInt(bdf[3]!, 16) * 8 + Number(bdf[4]);
          const aliases = aliasesOf(d, own);
          // A whole-bus alias is written as the functions that exist (only those change a group).
          const shown = aliases.length > 8 ? aliases.filter((a) => m.devices.has(bdfOf(bdf[1]!, bdf[2]!, a))) : aliases;
          const q = dmaAliasQuirk(d.vendor, d.deviceId, d.config.subsystemVendor, d.config.subsystemDevice);
          if (shown.length > 0 && q) out.push(`  dma-alias ${shown.map((a) => bdfOf(bdf[1]!, bdf[2]!, a)).join(' ')}    // ${q.quirk} (drivers/pci/quirks.c)${shown.length < aliases.length ? `: every function of bus ${bdf[2]}, those present written` : ''}`);
        }
        const acs = acsOf.get(n);
        if (acs) out.push(`  acs ${[...acs].sort((a, b) => ACS_ORDER.indexOf(a) - ACS_ORDER.indexOf(b)).join(' ')}${quirk.has(n) ? '    // not in config space: the kernel grouped as if (a device-specific ACS quirk)' : ''}`);
      }
      if (n === holder && regions.length > 0) {
        out.push(`  // reserved_regions of group ${g.id}${g.devices.length > 1 ? ' (sysfs lists them per group; given on one member)' : ''}`);
        for (const r of regions) out.push(`  reserved ${range(r)} ${r.type satisfies RegionType}`);
      }
      out.push('}');
    }
    const explicitType = type !== null && type !== inst.defaultDomain;
    if (g.devices.length >= 2 || explicitType || mismatched.has(g.id)) {
      // Written with the default domain the kernel gave it: a group of the machine is in use
      // (by that domain) before anything is planned for it.
      out.push(`group ${groupName(g)} : ${type ?? inst.defaultDomain} { ${g.devices.map((n) => nameOf.get(n)!).join(' ')} }`);
    }
  }
  for (const [chip, line] of chipLines) {
    // Nothing imported sends MSIs to it: kept as a comment, ready for the devices that will.
    if (!chipsUsed.has(chip)) out[line] = `// ${out[line]}    (no imported device is known to use MSIs through it: uncomment it and add \`msi ${chip}\` to those that do)`;
  }
  if (src.unreadable.length > 0) {
    const shown = src.unreadable.slice(0, 3).map((u) => `${u.path} (${u.reason})`);
    warnings.push(`the snapshot could not read ${src.unreadable.length} part${src.unreadable.length === 1 ? '' : 's'} of the machine: ${shown.join(', ')}${src.unreadable.length > 3 ? ', …' : ''} (all listed in its snapshot.json)`);
  }
  return { text: out.join('\n') + '\n', warnings };
}

const ACS_ORDER: readonly AcsFlagName[] = ['sv', 'tb', 'rr', 'cr', 'uf', 'ec', 'dt'];

function topoNode(d: SysDevice, acs: Set<AcsFlagName> | null, machine: Machine): TopologyNode {
  const m = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(d.name);
  const port = d.config?.pcie ? PORTS[d.config.pcie] ?? null : d.config?.headerLayout === 1 ? 'pcie-to-pci' : null;
  const bdf = m ? { segment: parseInt(m[1]!, 16), bus: parseInt(m[2]!, 16), device: parseInt(m[3]!, 16), fn: Number(m[4]) } : null;
  return {
    name: d.name,
    bdf,
    port,
    conventional: d.config !== null && d.config.pcie === null,
    acs,
    behind: null,
    virtfn: physfnOf(d, machine) !== null,
    dmaAliases: bdf ? aliasesOf(d, bdf.device * 8 + bdf.fn).map((devfn) => ({ bus: bdf.bus, devfn })) : [],
  };
}

/** The physical function of an SR-IOV virtual function (its `physfn` link), when imported. */
function physfnOf(d: SysDevice, m: Machine): SysDevice | null {
  if (d.physfn === null) return null;
  return m.devices.get(d.physfn) ?? null;
}

/** Quirk DMA aliases (devfns on its bus) of a PCI function, from the kernel's table by ID. */
function aliasesOf(d: SysDevice, devfn: number): number[] {
  const q = dmaAliasQuirk(d.vendor, d.deviceId, d.config?.subsystemVendor ?? null, d.config?.subsystemDevice ?? null);
  return q ? q.aliases(devfn).filter((a) => a !== devfn) : [];
}

const bdfOf = (segment: string, bus: string, devfn: number) => `${segment}:${bus}:${(devfn >> 3).toString(16).padStart(2, '0')}.${devfn & 7}`;
