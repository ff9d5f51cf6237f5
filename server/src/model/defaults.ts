// What a `model` implies (language.md §4, §5): the defaults of each IOMMU and irqchip model in
// one table, read by the model builder, hover, completion and import-sysfs.

import { alignDown, formatInterval, formatSize, hex, type Interval } from './intervals';
import type { IommuModel, IrqchipModel, RegionType } from './types';

const KIB = 1n << 10n;
const MIB = 1n << 20n;
const GIB = 1n << 30n;

export interface DefaultRegion extends Interval {
  type: RegionType;
}

export interface IommuDefaults {
  /** Input (IOVA/IPA) and output address sizes in bits. */
  ias: number;
  oas: number;
  /** Supported page sizes, ascending (pgsize_bitmap). */
  pgsizes: readonly bigint[];
  /** Nesting support unless declared `nesting` / `no-nesting`. */
  nesting: boolean;
  /** The SW_MSI window the driver reserves for the MSI cookie (MSI_IOVA_BASE). */
  swMsi: Interval | null;
  /** The hardware MSI window, never translated. */
  msiWindow: Interval | null;
  /** Further reserved regions the driver reports for every device. */
  reserved: readonly DefaultRegion[];
}

const COMMON_PGSIZES: readonly bigint[] = [4n * KIB, 2n * MIB, GIB];
/** MSI_IOVA_BASE/MSI_IOVA_LENGTH of arm-smmu-v3, arm-smmu and virtio-iommu. */
export const ARM_SW_MSI: Interval = { start: 0x8000000n, last: 0x8000000n + MIB - 1n };
/** The x86 interrupt window 0xFEE0_0000..0xFEEF_FFFF (IOAPIC_RANGE_START/END, MSI_RANGE). */
export const X86_MSI_WINDOW: Interval = { start: 0xfee00000n, last: 0xfee00000n + MIB - 1n };
/** The AMD HyperTransport hole, reserved by amd_iommu_get_resv_regions. */
export const AMD_HT_HOLE: DefaultRegion = { start: 0xfd00000000n, last: 0xffffffffffn, type: 'reserved' };

const BASE: IommuDefaults = { ias: 48, oas: 48, pgsizes: COMMON_PGSIZES, nesting: false, swMsi: null, msiWindow: null, reserved: [] };

export const IOMMU_DEFAULTS: Readonly<Record<IommuModel, IommuDefaults>> = {
  smmuv3: { ...BASE, nesting: true, swMsi: ARM_SW_MSI },
  smmuv2: { ...BASE, swMsi: ARM_SW_MSI },
  vtd: { ...BASE, nesting: true, msiWindow: X86_MSI_WINDOW },
  'amd-vi': { ...BASE, msiWindow: X86_MSI_WINDOW, reserved: [AMD_HT_HOLE] },
  'virtio-iommu': { ...BASE, swMsi: ARM_SW_MSI },
  dart: { ...BASE, ias: 36, oas: 36, pgsizes: [16n * KIB], msiWindow: { start: 0xfffff000n, last: 0xffffffffn } },
  generic: BASE,
};

/** The defaults of a model; an iommu without a valid model gets the generic ones. */
export function iommuDefaults(model: IommuModel | null): IommuDefaults {
  return model ? IOMMU_DEFAULTS[model] : BASE;
}

export interface IrqchipDefaults {
  /** MSIs isolated per device (GICv3 ITS, interrupt remapping) unless declared otherwise. */
  isolated: boolean;
  /** MSI writes land in the hardware MSI window and are never translated (x86). */
  untranslated: boolean;
  /** The doorbell's offset from `base` (GITS_TRANSLATER, MSI_SETSPI_NS). */
  doorbellOffset: bigint;
  /** The doorbell when neither `base` nor `doorbell` is given. */
  fixedDoorbell: bigint | null;
}

const CHIP: IrqchipDefaults = { isolated: false, untranslated: false, doorbellOffset: 0n, fixedDoorbell: null };

export const IRQCHIP_DEFAULTS: Readonly<Record<IrqchipModel, IrqchipDefaults>> = {
  'gicv3-its': { ...CHIP, isolated: true, doorbellOffset: 0x10040n },
  gicv2m: { ...CHIP, doorbellOffset: 0x40n },
  'x86-remap': { ...CHIP, isolated: true, untranslated: true, fixedDoorbell: X86_MSI_WINDOW.start },
  'x86-compat': { ...CHIP, untranslated: true, fixedDoorbell: X86_MSI_WINDOW.start },
  generic: { ...CHIP, isolated: true },
};

/** The defaults of an irqchip model; without a valid model: not isolated, doorbell = base. */
export function irqchipDefaults(model: IrqchipModel | null): IrqchipDefaults {
  return model ? IRQCHIP_DEFAULTS[model] : CHIP;
}

/** The CPU page holding a doorbell: what the kernel maps for it (iommu_dma_get_msi_page). */
export function doorbellPage(doorbell: bigint, pageSize: bigint): bigint {
  return alignDown(doorbell, pageSize);
}

/** One line: what a model implies, for completion and hover. */
export function describeIommuDefaults(model: IommuModel): string {
  const d = IOMMU_DEFAULTS[model];
  const parts = [`ias ${d.ias}, oas ${d.oas}`, `pages ${d.pgsizes.map(formatSize).join(' ')}`, d.nesting ? 'nesting' : 'no nesting'];
  if (d.swMsi) parts.push(`sw-msi ${formatInterval(d.swMsi)}`);
  if (d.msiWindow) parts.push(`msi-window ${formatInterval(d.msiWindow)}`);
  for (const r of d.reserved) parts.push(`reserved ${formatInterval(r)} ${r.type}`);
  return parts.join('; ');
}

export function describeIrqchipDefaults(model: IrqchipModel): string {
  const d = IRQCHIP_DEFAULTS[model];
  const parts = [d.isolated ? 'MSIs isolated' : 'MSIs not isolated'];
  if (d.untranslated) parts.push(`untranslated (hardware MSI window), doorbell ${hex(d.fixedDoorbell!)}`);
  else parts.push(d.doorbellOffset === 0n ? 'doorbell = base' : `doorbell = base + ${hex(d.doorbellOffset)}`);
  return parts.join('; ');
}
