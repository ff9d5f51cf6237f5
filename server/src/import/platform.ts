// What an importer learns about a machine, in the language's terms: IOMMU instances, irqchips,
// devices with their reserved regions. ACPI and devicetree importers fill one in; `emitPlatform`
// prints it as `.iommu` text.

import { hexGrouped } from '../model/intervals';
import type { IommuModel, IrqchipModel, RegionType } from '../model/types';

export interface PlatformRegion {
  start: bigint;
  last: bigint;
  type: RegionType;
  /** Where it comes from, e.g. `IORT RMR IORT+0x1F0`. */
  note: string;
}

export interface PlatformIommu {
  name: string;
  model: IommuModel;
  ias?: number;
  oas?: number;
  regions: PlatformRegion[];
  notes: string[];
}

export interface PlatformIrqchip {
  name: string;
  model: IrqchipModel;
  base?: bigint;
  doorbell?: bigint;
  notes: string[];
}

export interface PlatformDevice {
  name: string;
  /** `SSSS:BB:DD.F` */
  pci?: string;
  iommu?: string;
  msi?: string;
  driver?: string;
  /** An IORT named component's ACPI path (`\\_SB_.DMA0`), to match the machine's platform device. */
  acpiName?: string;
  regions: PlatformRegion[];
  notes: string[];
}

export class Platform {
  readonly header: string[] = [];
  readonly iommus: PlatformIommu[] = [];
  readonly irqchips: PlatformIrqchip[] = [];
  readonly devices: PlatformDevice[] = [];
  /** Comment lines describing what has no statement of its own (ID ranges, unit scopes). */
  readonly topology: string[] = [];
  /** Groups to declare: name and member device names. */
  readonly groups: { name: string; members: string[]; type: string; note?: string }[] = [];
  private readonly used = new Set<string>();
  private readonly byPci = new Map<string, PlatformDevice>();

  /** A unique identifier built from `base` (characters the language does not allow become `_`). */
  name(base: string): string {
    let b = base.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z_]/, (c) => `_${c}`);
    if (!b) b = 'unnamed';
    let n = b;
    for (let i = 2; this.used.has(n); i++) n = `${b}_${i}`;
    this.used.add(n);
    return n;
  }

  addIommu(i: Omit<PlatformIommu, 'regions' | 'notes'> & Partial<PlatformIommu>): PlatformIommu {
    const it: PlatformIommu = { regions: [], notes: [], ...i };
    this.iommus.push(it);
    return it;
  }

  addIrqchip(c: Omit<PlatformIrqchip, 'notes'> & Partial<PlatformIrqchip>): PlatformIrqchip {
    const it: PlatformIrqchip = { notes: [], ...c };
    this.irqchips.push(it);
    return it;
  }

  /** The device with this PCI address, created (named `dev_SSSS_BB_DD_F`, as import-sysfs names it) when new. */
  pciDevice(bdf: string): PlatformDevice {
    const key = bdf.toLowerCase();
    let d = this.byPci.get(key);
    if (!d) {
      d = { name: this.name(`dev_${key.replace(/[:.]/g, '_')}`), pci: key, regions: [], notes: [] };
      this.byPci.set(key, d);
      this.devices.push(d);
    }
    return d;
  }

  findPci(bdf: string): PlatformDevice | undefined {
    return this.byPci.get(bdf.toLowerCase());
  }

  addDevice(base: string): PlatformDevice {
    const d: PlatformDevice = { name: this.name(base), regions: [], notes: [] };
    this.devices.push(d);
    return d;
  }
}

export function bdf(segment: number, rid: number): string {
  const h = (v: number, w: number) => v.toString(16).padStart(w, '0');
  return `${h(segment, 4)}:${h(rid >> 8, 2)}:${h((rid >> 3) & 0x1f, 2)}.${rid & 7}`;
}

function range(r: { start: bigint; last: bigint }): string {
  return `${hexGrouped(r.start)}..${hexGrouped(r.last)}`;
}

const comment = (s: string, indent = '') => s.split('\n').map((l) => `${indent}// ${l}`);

/** The configuration text. */
export function emitPlatform(p: Platform): string {
  const out: string[] = [];
  out.push(...p.header.flatMap((h) => comment(h)));
  for (const i of p.iommus) {
    out.push('');
    out.push(...i.notes.flatMap((n) => comment(n)));
    out.push(`iommu ${i.name} {`);
    out.push(`  model ${i.model}`);
    if (i.ias !== undefined) out.push(`  ias ${i.ias}`);
    if (i.oas !== undefined) out.push(`  oas ${i.oas}`);
    for (const r of i.regions) out.push(`  reserved ${range(r)} ${r.type}${r.note ? `  // ${r.note}` : ''}`);
    out.push('}');
  }
  for (const c of p.irqchips) {
    out.push('');
    out.push(...c.notes.flatMap((n) => comment(n)));
    const parts = [`model ${c.model}`];
    if (c.base !== undefined) parts.push(`base ${hexGrouped(c.base)}`);
    if (c.doorbell !== undefined) parts.push(`doorbell ${hexGrouped(c.doorbell)}`);
    out.push(`irqchip ${c.name} { ${parts.join('  ')} }`);
  }
  if (p.topology.length) {
    out.push('');
    out.push(...p.topology.flatMap((t) => comment(t)));
  }
  for (const d of p.devices) {
    out.push('');
    out.push(...d.notes.flatMap((n) => comment(n)));
    if (!d.iommu && p.iommus.length !== 1) {
      // A device behind no IOMMU cannot be declared (the language needs its instance): described instead.
      const what = [d.pci ? `pci ${d.pci}` : '', ...d.regions.map((r) => `reserved ${range(r)} ${r.type}`)].filter(Boolean);
      out.push(`// device ${d.name}: behind no IOMMU${what.length ? ` (${what.join(', ')})` : ''}`);
      continue;
    }
    out.push(`device ${d.name} {`);
    if (d.pci) out.push(`  pci ${d.pci}`);
    if (d.iommu) out.push(`  iommu ${d.iommu}`);
    if (d.msi) out.push(`  msi ${d.msi}`);
    if (d.driver) out.push(`  driver ${d.driver}`);
    for (const r of d.regions) out.push(`  reserved ${range(r)} ${r.type}${r.note ? `  // ${r.note}` : ''}`);
    out.push('}');
  }
  for (const g of p.groups) {
    out.push('');
    if (g.note) out.push(...comment(g.note));
    out.push(`group ${g.name} : ${g.type} { ${g.members.join(' ')} }`);
  }
  return out.join('\n') + '\n';
}
