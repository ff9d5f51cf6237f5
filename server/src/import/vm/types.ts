// A VM definition as the importers read it (libvirt domain XML, a QEMU command line, a
// cloud-hypervisor config): what decides the guest's memory layout, which host devices it is
// given, through which VFIO interface, and the vIOMMU it sees. Every part records where it was
// read (`Origin`) so the generated configuration can say where each statement comes from.

/** Where something was read: a line (and column) of the file, or an argument position. */
export interface Origin {
  /** 1-based line in the definition file; null for an argument given after `--`. */
  line: number | null;
  column: number | null;
  /** 0-based index among the arguments, for a command line. */
  argv: number | null;
  /** The element or argument, short: `<hostdev>`, `-device vfio-pci,host=01:00.0`. */
  what: string;
}

export type VmFormat = 'libvirt' | 'qemu' | 'cloud-hypervisor';

/** The machine types whose memory layouts are modelled. */
export type MachineFamily = 'q35' | 'pc' | 'virt' | 'ch-x86_64' | 'ch-aarch64';

export type CpuVendor = 'amd' | 'intel' | 'host' | 'unknown';

export interface HostDev {
  /** `SSSS:BB:DD.F`, lower case. */
  bdf: string;
  /** libvirt `managed='yes'` (the default): libvirt binds the device to vfio-pci before start. */
  managed: boolean;
  /** The device is placed behind the VM's vIOMMU (cloud-hypervisor `iommu: true`); null when every device is. */
  behindViommu: boolean | null;
  origin: Origin;
}

export type ViommuModel = 'intel' | 'smmuv3' | 'virtio' | 'amd';

export interface ViommuConfig {
  model: ViommuModel;
  /** The address width asked for (`aw_bits`, `aw-bits`, cloud-hypervisor `iommu_address_width`); null: the VMM's default. */
  awBits: number | null;
  /** SMMUv3 accelerated by the host (QEMU `arm-smmuv3,accel=on`, libvirt `<driver accel='on'/>`): a nested domain. */
  accel: boolean;
  /** intel-iommu `caching-mode` (libvirt `caching_mode`): QEMU needs it on to assign devices behind it. */
  cachingMode: boolean;
  origin: Origin;
}

export interface VmMemory {
  /** Boot RAM in bytes. */
  ram: bigint;
  /** Maximum RAM (`maxMemory`, `-m …,maxmem=`); equals `ram` without hot-plug. */
  maxmem: bigint;
  /** Memory slots for DIMM hot-plug. */
  slots: number;
  origin: Origin;
  /** cloud-hypervisor `hotplug_size`: RAM hot-plugged after boot into the device area. */
  hotplugSize: bigint;
  /** Memory devices present at boot (libvirt `<memory model='dimm|nvdimm'>`, QEMU `-device pc-dimm|nvdimm`): placed in the device-memory area. */
  dimms: { size: bigint; origin: Origin }[];
  /** The RAM of each NUMA node, in order (libvirt `<numa><cell memory>`, QEMU `-numa node,memdev=|mem=`); empty without NUMA. */
  nodes: bigint[];
}

export interface VmDefinition {
  format: VmFormat;
  /** The definition file as given on the command line (null for argv after `--`). */
  file: string | null;
  name: string;
  /** Where the VM as a whole is defined (`<domain>`, the emulator argument). */
  origin: Origin;
  machine: {
    family: MachineFamily;
    /** The machine type as written: `pc-q35-8.2`, `q35`, `virt-9.0`. */
    type: string;
    /** MAJOR.MINOR of a versioned machine type; null for the latest (`q35`, `pc`, `virt`). */
    version: [number, number] | null;
    /** `max-ram-below-4g` (q35, pc). */
    maxRamBelow4g: bigint | null;
    /** `pci-hole64-size` of the host bridge, when given. */
    hole64Size: bigint | null;
    origin: Origin;
  };
  cpu: { vendor: CpuVendor; model: string; physBits: number | null; origin: Origin | null };
  memory: VmMemory;
  hostdevs: HostDev[];
  /** The VM's VFIO devices are opened through iommufd (libvirt `<driver iommufd='yes'/>`, QEMU `-object iommufd`). */
  iommufd: Origin | null;
  viommu: ViommuConfig | null;
}

/** A VM definition that cannot be read: the message names the file and line, or the argument. */
export class VmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VmError';
  }
}

/** `file:line:col` or `argv[N]`, for messages. */
export function originText(file: string | null, o: Origin): string {
  if (o.line !== null) return `${file ?? '<args>'}:${o.line}${o.column !== null ? `:${o.column}` : ''}`;
  return `argv[${o.argv ?? 0}]`;
}

const UNITS: Record<string, bigint> = {
  b: 1n, bytes: 1n,
  k: 1n << 10n, kb: 1000n, kib: 1n << 10n,
  m: 1n << 20n, mb: 1000n ** 2n, mib: 1n << 20n,
  g: 1n << 30n, gb: 1000n ** 3n, gib: 1n << 30n,
  t: 1n << 40n, tb: 1000n ** 4n, tib: 1n << 40n,
  p: 1n << 50n, pb: 1000n ** 5n, pib: 1n << 50n,
  e: 1n << 60n, eb: 1000n ** 6n, eib: 1n << 60n,
};

/** A libvirt scaled integer (`unit` as libvirt takes it: default KiB, `KB` decimal, `KiB`/`k` binary). */
export function libvirtBytes(value: string, unit: string | null): bigint | null {
  if (!/^\d+$/.test(value.trim())) return null;
  const u = (unit ?? 'KiB').toLowerCase();
  const f = UNITS[u];
  return f === undefined ? null : BigInt(value.trim()) * f;
}

/** A QEMU size (`-m 16G`, `maxmem=1T`, `max-ram-below-4g=2G`): suffixes B K M G T P E (binary); a bare number of `-m` is MiB. */
export function qemuBytes(text: string, bareUnit: bigint): bigint | null {
  const m = /^(\d+)(?:\.(\d+))?([bkmgtpeBKMGTPE])?$/.exec(text.trim());
  if (!m) return null;
  const f = m[3] ? UNITS[m[3].toLowerCase()]! : bareUnit;
  const whole = BigInt(m[1]!) * f;
  if (!m[2]) return whole;
  const frac = (BigInt(m[2]) * f) / 10n ** BigInt(m[2].length);
  return whole + frac;
}
