// Guest memory layouts: where each VMM puts a VM's RAM in guest-physical address space. Under
// VFIO the VMM maps every RAM region into the device's IOMMU domain at IOVA = GPA, so these are
// the maps of the VM's domain. Each layout follows the VMM's own source:
//
// QEMU x86 (q35: hw/i386/pc_q35.c pc_q35_init; pc: hw/i386/pc_piix.c pc_init1; both then
// hw/i386/pc.c pc_memory_init, pc_get_device_memory_range, pc_pci_hole64_start, pc_max_used_gpa):
//   - q35 splits RAM at 2 GiB when it is 2.75 GiB or more (else all of it below 4G up to
//     2.75 GiB): lowmem = ram >= 0xB000_0000 ? 0x8000_0000 : 0xB000_0000, lowered to
//     max-ram-below-4g (default 4 GiB).
//   - pc (i440fx) splits at max-ram-below-4g (default 3.5 GiB), moved down to 3 GiB when RAM
//     does not fit below it (gigabyte alignment).
//   - RAM above 4G starts at 4 GiB (x86ms->above_4g_mem_start); the device-memory (hot-plug)
//     region follows it, 1 GiB aligned, sized maxmem - ram + 1 GiB per slot; the 64-bit PCI hole
//     follows that, 1 GiB aligned (pci-hole64-size: 32 GiB on q35, 2 GiB on pc).
//   - AMD CPUs (machine types 7.1 and later, enforce_amd_1tb_hole): when the highest used GPA
//     (end of the 64-bit PCI hole) reaches the HyperTransport range at 0xFD_0000_0000, RAM above
//     4G moves to 1 TiB (AMD_ABOVE_1TB_START) so no guest RAM lies in the IOMMU's reserved window.
//   - The legacy VGA window 0xA_0000..0xB_FFFF is MMIO over the RAM: QEMU's VFIO listener maps
//     the RAM below and above it as two sections.
// QEMU Arm virt (hw/arm/virt.c base_memmap VIRT_MEM, virt_set_memmap): RAM from 1 GiB
//   (0x4000_0000), at most 255 GiB (LEGACY_RAMLIMIT_BYTES); the device-memory region after it,
//   1 GiB aligned.
// cloud-hypervisor (arch/src/x86_64/layout.rs and arch/src/x86_64/mod.rs arch_memory_regions:
//   RAM from 0 up to MEM_32BIT_RESERVED_START 0xC000_0000, the rest from RAM_64BIT_START 4 GiB;
//   arch/src/aarch64/layout.rs and aarch64/mod.rs: RAM from RAM_START 0x4000_0000 up to
//   MEM_32BIT_RESERVED_START 0xFC00_0000, the rest from 4 GiB; vmm/src/memory_manager.rs fills
//   them in order, and puts hot-pluggable memory after the end of RAM).

import type { CpuVendor, MachineFamily } from './types';

const GiB = 1n << 30n;
const TiB = 1n << 40n;
export const AMD_HT_START = 0xfd_0000_0000n;
export const AMD_ABOVE_1TB_START = 0x100_0000_0000n;
const FOUR_G = 0x1_0000_0000n;

export interface RamRegion {
  gpa: bigint;
  size: bigint;
  /** For a memory device: its index among the VM's memory devices. */
  dimm?: number;
  /** For boot RAM: the offset in the VM's RAM (QEMU's machine->ram) at which it starts. */
  offset?: bigint;
  /** What QEMU / cloud-hypervisor call it: `ram-below-4g`, `ram-above-4g`, `mach-virt.ram`. */
  name: string;
}

export interface Layout {
  ram: RamRegion[];
  /** The hot-plug (device memory) area: RAM appears there only when DIMMs are plugged. */
  deviceMemory: { base: bigint; size: bigint } | null;
  /** The 64-bit PCI window where the guest firmware places 64-bit BARs (x86 QEMU). */
  pciHole64: { base: bigint; size: bigint } | null;
  /** How the layout was decided, one line each, for comments. */
  notes: string[];
  /** What the VMM refuses at start for these sizes (it exits): one line each. */
  refusals: string[];
}

export interface LayoutInput {
  family: MachineFamily;
  /** MAJOR.MINOR of a versioned machine type, null for the latest. */
  version: [number, number] | null;
  ram: bigint;
  maxmem: bigint;
  slots: number;
  maxRamBelow4g: bigint | null;
  hole64Size: bigint | null;
  vendor: CpuVendor;
  physBits: number | null;
  hotplugSize: bigint;
  /** Sizes of the memory devices present at boot, in order. */
  dimms?: bigint[];
}

const roundUp = (v: bigint, a: bigint) => ((v + a - 1n) / a) * a;
const size = (v: bigint) => (v % TiB === 0n && v > 0n ? `${v / TiB}T` : v % GiB === 0n && v > 0n ? `${v / GiB}G` : v % (1n << 20n) === 0n ? `${v >> 20n}M` : `${v}`);
const hx = (v: bigint) => '0x' + v.toString(16).toUpperCase();

/** Below the legacy VGA window, and from the end of it up to `end`. */
function lowRam(end: bigint): RamRegion[] {
  if (end <= 0xa_0000n) return end > 0n ? [{ gpa: 0n, size: end, name: 'ram-below-4g', offset: 0n }] : [];
  const out: RamRegion[] = [{ gpa: 0n, size: 0xa_0000n, name: 'ram-below-4g (below the VGA window)', offset: 0n }];
  if (end > 0xc_0000n) out.push({ gpa: 0xc_0000n, size: end - 0xc_0000n, name: 'ram-below-4g (above the VGA window)', offset: 0xc_0000n });
  return out;
}

function qemuX86(i: LayoutInput): Layout {
  const notes: string[] = [];
  const refusals: string[] = [];
  let lowmem: bigint;
  if (i.family === 'q35') {
    lowmem = i.ram >= 0xb000_0000n ? 0x8000_0000n : 0xb000_0000n;
    const max = i.maxRamBelow4g ?? FOUR_G;
    if (lowmem > max) lowmem = max;
    notes.push(`q35 puts ${i.ram >= 0xb000_0000n ? 'at most 2G' : 'up to 2.75G'} of RAM below 4G${i.maxRamBelow4g !== null ? `, at most max-ram-below-4g=${size(i.maxRamBelow4g)}` : ''} (hw/i386/pc_q35.c)`);
  } else {
    const max = i.maxRamBelow4g ?? 0xe000_0000n;
    lowmem = max;
    if (i.ram >= max && lowmem > 0xc000_0000n) lowmem = 0xc000_0000n;
    notes.push(`pc (i440fx) puts up to ${size(max)} of RAM below 4G${i.ram >= max ? ', 3G when it does not all fit' : ''} (hw/i386/pc_piix.c)`);
  }
  if (i.maxRamBelow4g !== null && i.maxRamBelow4g > FOUR_G) refusals.push(`max-ram-below-4g=${size(i.maxRamBelow4g)} is more than 4G: QEMU refuses the machine option`);
  const below = i.ram >= lowmem ? lowmem : i.ram;
  const above = i.ram - below;
  const hole64Size = i.hole64Size ?? (i.family === 'q35' ? 32n * GiB : 2n * GiB);
  const hotplug = i.maxmem > i.ram;
  const placed = (aboveStart: bigint) => {
    const aboveEnd = aboveStart + above;
    const dev = hotplug ? { base: roundUp(aboveEnd, GiB), size: i.maxmem - i.ram + BigInt(i.slots) * GiB } : null;
    const holeStart = roundUp(dev ? dev.base + dev.size : aboveEnd, GiB);
    return { dev, hole: { base: holeStart, size: hole64Size }, maxUsed: holeStart + hole64Size - 1n };
  };
  let aboveStart = FOUR_G;
  let p = placed(aboveStart);
  const amd = i.vendor === 'amd';
  const enforce = i.version === null || i.version[0] > 7 || (i.version[0] === 7 && i.version[1] >= 1);
  if (amd && p.maxUsed >= AMD_HT_START) {
    if (enforce) {
      aboveStart = AMD_ABOVE_1TB_START;
      p = placed(aboveStart);
      notes.push(`AMD CPU: the highest guest address (${hx(placed(FOUR_G).maxUsed)}, end of the 64-bit PCI hole) reaches the HyperTransport range at 0xFD_0000_0000, so RAM above 4G starts at 1T (hw/i386/pc.c pc_memory_init, enforce_amd_1tb_hole)`);
    } else {
      notes.push(`AMD CPU, but machine type ${i.version![0]}.${i.version![1]} predates the 1T relocation (enforce_amd_1tb_hole from 7.1): RAM above 4G stays at 4G and may cross the HyperTransport range`);
    }
  }
  if (i.physBits !== null && p.maxUsed > (1n << BigInt(i.physBits)) - 1n) {
    refusals.push(`the highest guest address ${hx(p.maxUsed)} is beyond phys-bits ${i.physBits}: QEMU exits ("Address space limit ${hx((1n << BigInt(i.physBits)) - 1n)} < ${hx(p.maxUsed)} phys-bits too low (${i.physBits})", hw/i386/pc.c pc_memory_init)`);
  }
  const ram = lowRam(below);
  if (above > 0n) ram.push({ gpa: aboveStart, size: above, name: 'ram-above-4g', offset: below });
  return { ram, deviceMemory: p.dev, pciHole64: p.hole, notes, refusals };
}

function qemuVirt(i: LayoutInput): Layout {
  const base = GiB;
  const refusals: string[] = [];
  if (i.ram > 255n * GiB) refusals.push(`${size(i.ram)} of RAM: QEMU virt cannot model more than 255G of RAM (hw/arm/virt.c, LEGACY_RAMLIMIT_BYTES)`);
  const dev = i.maxmem > i.ram || i.slots > 0 ? { base: roundUp(base + i.ram, GiB), size: i.maxmem - i.ram + BigInt(i.slots) * GiB } : null;
  return { ram: [{ gpa: base, size: i.ram, name: 'mach-virt.ram', offset: 0n }], deviceMemory: dev, pciHole64: null, notes: ['QEMU virt: RAM from 0x4000_0000 (hw/arm/virt.c base_memmap VIRT_MEM)'], refusals };
}

function cloudHypervisor(i: LayoutInput): Layout {
  const arm = i.family === 'ch-aarch64';
  const lowStart = arm ? GiB : 0n;
  const lowEnd = arm ? 0xfc00_0000n : 0xc000_0000n;
  const low = i.ram < lowEnd - lowStart ? i.ram : lowEnd - lowStart;
  const ram: RamRegion[] = [];
  if (low > 0n) ram.push({ gpa: lowStart, size: low, name: 'RAM before the 32-bit gap' });
  if (i.ram > low) ram.push({ gpa: FOUR_G, size: i.ram - low, name: 'RAM after the 32-bit gap' });
  const end = ram.length ? ram[ram.length - 1]!.gpa + ram[ram.length - 1]!.size : lowStart;
  const dev = i.hotplugSize > 0n ? { base: end, size: i.hotplugSize } : null;
  const src = arm ? 'arch/src/aarch64/layout.rs: RAM_START 0x4000_0000, MEM_32BIT_RESERVED_START 0xFC00_0000' : 'arch/src/x86_64/layout.rs: MEM_32BIT_RESERVED_START 0xC000_0000';
  return { ram, deviceMemory: dev, pciHole64: null, notes: [`cloud-hypervisor ${arm ? 'aarch64' : 'x86_64'}: RAM up to the 32-bit gap, the rest from 4G (${src}; RAM_64BIT_START 4G)`], refusals: [] };
}

/**
 * Memory devices present at boot go into the device-memory area in order, each at the first free
 * address aligned to its own size up to 1 GiB (hw/mem/memory-device.c memory_device_get_free_addr
 * takes the backend's alignment; 1 GiB pages are the largest the area is sized for).
 */
function placeDimms(l: Layout, sizes: bigint[]): Layout {
  if (sizes.length === 0) return l;
  if (!l.deviceMemory) {
    l.refusals.push('memory devices need a device-memory area: give maxmem (and slots) larger than the RAM');
    return l;
  }
  let at = l.deviceMemory.base;
  const end = l.deviceMemory.base + l.deviceMemory.size;
  sizes.forEach((size, k) => {
    let align = 1n;
    while (align < GiB && size % (align * 2n) === 0n) align *= 2n;
    at = roundUp(at, align);
    if (at + size > end) l.refusals.push(`memory device ${k} (${size} bytes) does not fit in the device-memory area`);
    l.ram.push({ gpa: at, size, name: `memory device ${k}`, dimm: k });
    at += size;
  });
  return l;
}

/**
 * With NUMA nodes the VM's RAM is one backend per node (QEMU's machine->ram is a container of
 * them), and the VFIO listener maps each backend's part of a RAM region on its own: the regions
 * split at the node boundaries (in RAM offsets).
 */
export function splitByNodes(ram: RamRegion[], nodeSizes: bigint[]): RamRegion[] {
  if (nodeSizes.length < 2) return ram;
  const bounds: bigint[] = [];
  let acc = 0n;
  for (const n of nodeSizes.slice(0, -1)) bounds.push((acc += n));
  const out: RamRegion[] = [];
  for (const r of ram) {
    if (r.offset === undefined) {
      out.push(r);
      continue;
    }
    let start = r.offset;
    const end = r.offset + r.size;
    while (start < end) {
      const node = bounds.filter((b) => b <= start).length;
      const next = bounds.find((b) => b > start && b < end) ?? end;
      out.push({ gpa: r.gpa + (start - r.offset), size: next - start, name: `${r.name}, NUMA node ${node}`, offset: start });
      start = next;
    }
  }
  return out;
}

/** The guest-physical layout of a VM's RAM. */
export function memoryLayout(i: LayoutInput): Layout {
  switch (i.family) {
    case 'q35':
    case 'pc':
      return placeDimms(qemuX86(i), i.dimms ?? []);
    case 'virt':
      return placeDimms(qemuVirt(i), i.dimms ?? []);
    default:
      return cloudHypervisor(i);
  }
}
