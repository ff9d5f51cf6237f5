// The configuration of one or more VMs against their host: the host (included, or embedded when
// it is an imported machine or its drivers must change), then per VM one domain with the VFIO
// backend the VM uses, its guest RAM as maps at IOVA = GPA (layout.ts), its host devices
// attached by PCI address and its vIOMMU. Every statement carries a provenance comment
// (model/provenance.ts) naming the element or argument it comes from.

import * as path from 'node:path';
import { hexGrouped } from '../../model/intervals';
import { NEUTRAL_DRIVERS, type Backend, type Device, type IommuModel } from '../../model/types';
import { bdfOf, dropUsedGroupSuppressions, rebindDrivers, type Host } from './host';
import { memoryLayout, splitByNodes, type Layout } from './layout';
import { originText, VmError, type CpuVendor, type Origin, type VmDefinition, type ViommuConfig } from './types';

export interface VmSource {
  vm: VmDefinition;
  /** The definition file, absolute (null for argv after `--`). */
  abs: string | null;
  warnings: string[];
}

export interface VmImport {
  text: string;
  /** What was guessed or left out, one line each. */
  warnings: string[];
  /** What the VMM itself refuses at start (it exits): one line each; the import still prints the configuration. */
  refusals: string[];
}

/** Host addresses the pinned guest pages stand for: the kernel pins whatever pages back the guest. */
const STAND_IN_BASE = 0x1_0000_0000n;
const GiB = 1n << 30n;

const hex = (v: bigint) => '0x' + hexGrouped(v).slice(2).toUpperCase();
function sizeText(v: bigint): string {
  for (const [s, sh] of [['P', 50n], ['T', 40n], ['G', 30n], ['M', 20n], ['K', 10n]] as const) if (v >= 1n << sh && v % (1n << sh) === 0n) return `${v >> sh}${s}`;
  return hex(v);
}
const ident = (s: string) => {
  const t = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(t) ? t : `vm_${t}`;
};

const VIOMMU_MODEL: Record<ViommuConfig['model'], IommuModel> = { intel: 'vtd', smmuv3: 'smmuv3', virtio: 'virtio-iommu', amd: 'amd-vi' };

const atLeast = (v: [number, number] | null, major: number, minor: number) => v === null || v[0] > major || (v[0] === major && v[1] >= minor);

/** The width the vIOMMU offers when none is written (QEMU's compat properties by machine version). */
function defaultWidth(vm: VmDefinition, v: ViommuConfig): { bits: number; why: string } {
  const ver = vm.machine.version;
  if (v.model === 'intel') return atLeast(ver, 9, 2) ? { bits: 48, why: "intel-iommu's default aw-bits since machine types 9.2" } : { bits: 39, why: 'intel-iommu aw-bits default of machine types before 9.2' };
  if (v.model === 'virtio') {
    if (vm.format === 'cloud-hypervisor') return { bits: 64, why: 'cloud-hypervisor iommu_address_width default' };
    if (!atLeast(ver, 9, 0)) return { bits: 64, why: 'virtio-iommu aw-bits of machine types before 9.0' };
    return vm.machine.family === 'virt' ? { bits: 48, why: 'virtio-iommu aw-bits default on virt (9.0+)' } : { bits: 39, why: 'virtio-iommu aw-bits default on pc/q35 (9.0+)' };
  }
  if (v.model === 'smmuv3') return { bits: 44, why: "QEMU's SMMUv3 output address size, IDR5.OAS" };
  return { bits: 48, why: 'amd-iommu' };
}

function vendorOf(vm: VmDefinition, host: Host | null): { vendor: CpuVendor; note: string | null } {
  if (vm.cpu.vendor !== 'host' || (vm.machine.family !== 'q35' && vm.machine.family !== 'pc')) return { vendor: vm.cpu.vendor, note: null };
  const models = new Set(host?.analysis.config.iommus.map((i) => i.model) ?? []);
  if (models.has('amd-vi')) return { vendor: 'amd', note: `CPU ${vm.cpu.model}: the host's vendor, AMD (its IOMMU is AMD-Vi)` };
  if (models.has('vtd')) return { vendor: 'intel', note: `CPU ${vm.cpu.model}: the host's vendor, Intel (its IOMMU is VT-d)` };
  return { vendor: 'unknown', note: `CPU ${vm.cpu.model}: the host's vendor is unknown (no x86 IOMMU in the host); taken as not AMD` };
}

export function importVms(sources: VmSource[], host: Host | null, outDir: string, shownCommand: string): VmImport {
  const warnings: string[] = [...(host?.warnings ?? [])];
  const refusals: string[] = [];
  const out: string[] = [];
  const rel = (abs: string) => {
    const r = path.relative(outDir, abs).split(path.sep).join('/');
    return /\s|"/.test(r) ? `"${r.replace(/["\\]/g, '\\$&')}"` : r;
  };
  const from = (s: VmSource, o: Origin) => {
    const where = s.abs !== null && o.line !== null ? `${rel(s.abs)}:${o.line}${o.column !== null ? `:${o.column}` : ''}` : `argv[${o.argv ?? 0}]`;
    return `iommu-check: from ${where} ${o.what}`.replace(/\s+$/, '');
  };
  const at = (s: VmSource, o: Origin) => originText(s.vm.file, o);

  // The backend: one per configuration.
  const backends = new Set<Backend>(sources.map((s) => (s.vm.iommufd ? 'iommufd' : 'vfio-type1')));
  if (backends.size > 1) throw new VmError(`the VMs use different VFIO backends (${[...backends].join(' and ')}): one configuration has one backend; import them separately`);
  const backend = [...backends][0] ?? 'vfio-type1';
  if (host?.declaredBackend && host.declaredBackend !== backend) {
    if (host.file !== null) throw new VmError(`--host ${host.shown} declares backend ${host.declaredBackend}, but the VM uses ${backend}: one configuration has one backend`);
  }

  // Devices per VM, and the drivers libvirt changes at start.
  const rebind = new Map<string, string>();
  const standIns = new Map<string, string>();
  const devicesOf = sources.map((s) =>
    s.vm.hostdevs.map((hd) => {
      if (!host) {
        let name = standIns.get(hd.bdf);
        if (!name) standIns.set(hd.bdf, (name = `dev_${hd.bdf.replace(/[:.]/g, '_')}`));
        return { hd, name, device: null as Device | null };
      }
      const d = host.byBdf.get(hd.bdf);
      if (!d) {
        const known = [...host.byBdf.keys()].sort();
        throw new VmError(`${at(s, hd.origin)}: ${hd.origin.what}: the host ${host.shown} has no PCI device ${hd.bdf}${known.length ? ` (it has ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''})` : ' (it lists no PCI devices)'}`);
      }
      if (hd.managed && !(NEUTRAL_DRIVERS as readonly string[]).includes(d.driver)) rebind.set(d.name, `libvirt (managed='yes') binds it to vfio-pci at start; the host has ${d.driver}`);
      return { hd, name: d.name, device: d };
    }),
  );

  // The header and the host.
  const names = sources.map((s) => s.vm.name);
  out.push(`// Imported with \`iommu-check ${shownCommand}\`: ${sources.length === 1 ? `VM '${names[0]}'` : `VMs ${names.map((n) => `'${n}'`).join(', ')}`} against ${host ? `the host ${host.shown}` : 'a stand-in host (no --host)'}.`);
  out.push('// Under VFIO the VMM maps all guest RAM into the devices\' IOMMU domain at IOVA = GPA: each VM below');
  out.push('// is one domain holding those maps. Their targets stand for the host pages the kernel pins (any');
  out.push('// pages; the addresses are placeholders). Provenance comments name the element or argument of the');
  out.push('// VM definition each statement comes from (docs/vm.md).');
  out.push('');
  let embedHost = host !== null && host.file === null;
  if (host && host.file !== null && rebind.size > 0) {
    const hasIncludes = host.analysis.config.files.length > 1;
    if (hasIncludes) warnings.push(`${host.shown} includes other files, so it is included unchanged: write 'driver vfio-pci' for ${[...rebind.keys()].join(', ')} there (libvirt binds managed devices to vfio-pci at start)`);
    else embedHost = true;
  }
  if (host && !embedHost) {
    out.push(`include "${rel(host.file!).replace(/^"|"$/g, '').replace(/["\\]/g, '\\$&')}"`);
    out.push('');
  } else if (host) {
    const reason = host.file === null ? `the machine ${host.shown}, imported as import-sysfs does` : `${host.shown}, embedded because libvirt rebinds managed devices to vfio-pci at start`;
    out.push(`// ---- the host: ${reason} ----`);
    let text = dropUsedGroupSuppressions(rebindDrivers(host.text, rebind), new Set(devicesOf.flat().map((d) => d.name)));
    if (host.declaredBackend && host.declaredBackend !== backend) text = text.replace(/^backend\s+\S+/m, `// backend ${host.declaredBackend}    (the VM's backend below replaces it)`);
    out.push(text.trimEnd());
    out.push('');
    out.push('// ---- the VMs ----');
  } else {
    const arm = sources.some((s) => s.vm.machine.family === 'virt' || s.vm.machine.family === 'ch-aarch64');
    const amd = sources.some((s) => s.vm.cpu.vendor === 'amd');
    out.push(`// No --host: a stand-in ${arm ? 'SMMUv3' : amd ? 'AMD-Vi' : 'VT-d'} IOMMU with the VM's devices alone, bound to vfio-pci in singleton`);
    out.push('// groups. Give --host (the host configuration, a snapshot or a sysfs root) to check them for real.');
    out.push(`iommu host_iommu { model ${arm ? 'smmuv3' : amd ? 'amd-vi' : 'vtd'} }`);
    for (const [bdf, name] of standIns) out.push(`device ${name} { pci ${bdf}  driver vfio-pci }`);
  }
  if (!host?.declaredBackend || host.declaredBackend !== backend || embedHost) {
    if (!(embedHost && host?.declaredBackend === backend)) out.push(`backend ${backend}`);
  }

  // The VMs.
  let cursor = STAND_IN_BASE;
  const used = new Set<string>(host ? [...host.analysis.config.symbols.keys()] : [...standIns.values(), 'host_iommu']);
  sources.forEach((s, k) => {
    const vm = s.vm;
    warnings.push(...s.warnings);
    const { vendor, note } = vendorOf(vm, host);
    const layout: Layout = memoryLayout({
      family: vm.machine.family,
      version: vm.machine.version,
      ram: vm.memory.ram,
      maxmem: vm.memory.maxmem,
      slots: vm.memory.slots,
      maxRamBelow4g: vm.machine.maxRamBelow4g,
      hole64Size: vm.machine.hole64Size,
      vendor,
      physBits: vm.cpu.physBits,
      hotplugSize: vm.memory.hotplugSize,
      dimms: vm.memory.dimms.map((d) => d.size),
    });
    for (const r of layout.refusals) refusals.push(`${at(s, r.startsWith('max-ram') ? vm.machine.origin : vm.memory.origin)}: ${r}`);
    let name = `vm_${ident(vm.name)}`;
    for (let n = 2; used.has(name); n++) name = `vm_${ident(vm.name)}_${n}`;
    used.add(name);
    const v = vm.viommu;
    const devs = devicesOf[k]!;
    const viommuModel = v ? VIOMMU_MODEL[v.model] : null;
    const width = v ? (v.awBits !== null ? { bits: v.awBits, why: null as string | null } : defaultWidth(vm, v)) : null;
    const nested = v !== null && v.model === 'smmuv3' && v.accel;
    if (v && devs.length > 0) {
      if (v.model === 'intel' && !v.cachingMode) refusals.push(`${at(s, v.origin)}: intel-iommu without caching-mode=on: QEMU refuses to assign ${devs.map((d) => d.hd.bdf).join(', ')} behind it ("We need to set caching-mode=on for intel-iommu to enable device assignment with IOMMU protection", hw/i386/intel_iommu.c)`);
      if (v.model === 'smmuv3' && !v.accel) refusals.push(`${at(s, v.origin)}: QEMU's emulated SMMUv3 cannot have VFIO devices behind it ("SMMUv3 does not support notification on MAP: device assignment is not supported", hw/arm/smmuv3.c); use arm-smmuv3,accel=on with iommufd`);
      if (v.model === 'smmuv3' && v.accel && !vm.iommufd) refusals.push(`${at(s, v.origin)}: an accelerated SMMUv3 needs its devices opened through iommufd (-object iommufd, vfio-pci iommufd=…)`);
    }

    // Header of the VM.
    const machineText = `${vm.machine.type} (${vm.machine.family})`;
    out.push('');
    out.push(`// VM '${vm.name}' (${vm.format}${vm.file ? ` ${rel(s.abs!)}` : ''}): machine ${machineText}, ${sizeText(vm.memory.ram)} of RAM${vm.memory.maxmem > vm.memory.ram ? `, up to ${sizeText(vm.memory.maxmem)}${vm.memory.slots ? ` in ${vm.memory.slots} slots` : ''}` : ''}, VFIO through ${vm.iommufd ? 'iommufd' : 'the VFIO container (type1)'}.`);
    if (note) out.push(`// ${note}`);
    for (const n of layout.notes) out.push(`// ${n}`);
    if (layout.deviceMemory) out.push(`// Device memory (hot-plug) ${hex(layout.deviceMemory.base)}..${hex(layout.deviceMemory.base + layout.deviceMemory.size - 1n)}: RAM plugged there later is mapped too.`);
    if (layout.pciHole64) out.push(`// 64-bit PCI hole from ${hex(layout.pciHole64.base)} (${sizeText(layout.pciHole64.size)}): where the firmware places 64-bit BARs.`);
    if (v && width && !nested && v.model !== 'smmuv3') out.push(`// With an emulated vIOMMU the guest chooses its IOVAs; until it enables the vIOMMU (and whenever it uses passthrough) QEMU maps all guest RAM at IOVA = GPA, as below.`);
    if (v && width && width.bits < 64 && layout.deviceMemory && layout.deviceMemory.base + layout.deviceMemory.size - 1n >= 1n << BigInt(width.bits)) {
      warnings.push(`${at(s, v.origin)}: the ${width.bits}-bit vIOMMU cannot reach the device-memory (hot-plug) area, which ends at ${hex(layout.deviceMemory.base + layout.deviceMemory.size - 1n)}: RAM plugged there would be out of the guest's DMA reach (viommu-width)`);
    }

    const ramLines: string[] = [];
    for (const r of splitByNodes(layout.ram, vm.memory.nodes)) {
      const target = cursor;
      cursor = ((cursor + r.size + GiB - 1n) / GiB) * GiB;
      const round = r.size % (1n << 20n) === 0n && (r.size < GiB || r.size % GiB === 0n);
      const m = round ? `${hex(r.gpa)} -> ${hex(target)} size ${sizeText(r.size)}` : `${hex(r.gpa)}..${hex(r.gpa + r.size - 1n)} -> ${hex(target)}`;
      const o = r.dimm !== undefined ? vm.memory.dimms[r.dimm]!.origin : vm.memory.origin;
      ramLines.push(`  map ${m} rw    // ${from(s, { ...o, what: `${o.what}: ${r.name}` })}`);
    }
    const attachLines: string[] = [];
    const seen = new Set<string>();
    for (const d of devs) {
      if (seen.has(d.name)) continue;
      seen.add(d.name);
      attachLines.push(`  // ${from(s, d.hd.origin)}`);
      attachLines.push(`  attach ${d.name}`);
    }
    const viommuLines: string[] = [];
    if (v && viommuModel && width) {
      viommuLines.push(`  // ${from(s, v.origin)}${width.why ? ` (${width.why}: ${width.bits} bits)` : ''}`);
      viommuLines.push(`  viommu ${viommuModel} ias ${width.bits}`);
    }
    out.push(`// ${from(s, vm.origin)}`);
    if (nested) {
      out.push(`domain ${name}_s2 : paging {`);
      out.push('  nest-parent                  // stage 2: guest RAM, IPA = GPA');
      out.push(...ramLines);
      out.push('}');
      out.push(`// ${from(s, v!.origin)}`);
      out.push(`domain ${name} : nested {`);
      out.push(`  parent ${name}_s2`);
      out.push(...viommuLines);
      out.push(...attachLines);
      out.push(`  rmr 0x800_0000 size 1M       // the vIORT RMR QEMU gives an accelerated SMMUv3 (MSI_IOVA_BASE, MSI_IOVA_LENGTH; hw/arm/virt-acpi-build.c build_iort_rmr_nodes)`);
      out.push('}');
    } else {
      out.push(`domain ${name} : paging {`);
      out.push(...viommuLines);
      out.push(...attachLines);
      out.push(...ramLines);
      out.push('}');
    }
  });
  return { text: out.join('\n') + '\n', warnings, refusals };
}

export { bdfOf };
