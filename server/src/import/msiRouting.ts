// Which MSI controller each device of an Arm machine sends its MSIs to, from the firmware the
// snapshot carries: the IORT (each root complex's ID mappings → an ITS group, directly or
// through its SMMU; `iort_pmsi_get_dev_id`, `iort_get_device_domain`) with the MADT's GIC ITS
// structures, or the devicetree (`msi-map` / `msi-parent` of each PCI host bridge, `msi-parent` of
// platform devices; `of_msi_map_id`). The irqchips are named as import-acpi and import-dt name
// them, so the three importers agree.

import * as path from 'node:path';
import type { IrqchipModel } from '../model/types';
import { parseIort } from './acpi/iort';
import { importIort } from './acpi/iort-model';
import { parseMadt } from './acpi/madt';
import { readBinaryTables } from './acpi/tables';
import { firmwareSeverity } from './catalogue';
import { NotADevicetree, parseFdt } from './dt/fdt';
import { importDt, msiChipOfRid, type HostBridgeMsi } from './dt/model';
import { Findings } from './findings';
import type { Machine, SysDevice } from './machine';
import { pciViewOf } from './pci-view';
import { Platform } from './platform';
import type { MachineTree } from './tree';

export interface MsiRouting {
  chips: { name: string; model: IrqchipModel; base: bigint }[];
  /** Comment lines: where the routing comes from. */
  why: string[];
  /** The irqchip a device's MSIs go to; null when the firmware routes them nowhere known. */
  chipOf(d: SysDevice): string | null;
}

const PCI_NAME = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i;

function table(sys: MachineTree, sig: string, findings: Findings) {
  const data = sys.read(`firmware/acpi/tables/${sig}`);
  if (data === null) return null;
  return readBinaryTables(data, { path: sig, abs: sig }, findings).find((t) => t.source.signature === sig) ?? null;
}

/** From the ACPI tables (MADT, and the IORT when readable); null without a GIC ITS or GICv2m frame. */
function fromAcpi(sys: MachineTree, m: Machine): MsiRouting | null {
  const findings = new Findings(firmwareSeverity);
  const madtTable = table(sys, 'APIC', findings);
  if (!madtTable) return null;
  const madt = parseMadt(madtTable, findings);
  if (madt.its.length === 0 && madt.v2m.length === 0) return null;
  const iortTable = table(sys, 'IORT', findings);
  const iort = iortTable ? parseIort(iortTable, findings) : null;
  const p = new Platform();
  importIort(iort, madt, p, findings, pciViewOf(m));
  const chips = p.irqchips.filter((c) => c.base !== undefined).map((c) => ({ name: c.name, model: c.model, base: c.base! }));
  if (iort && madt.its.length > 0) {
    return {
      chips,
      why: [`From the MADT GIC ITS structures; each device's ITS from its root complex's IORT ID mappings (RID → StreamID → ITS group), a platform device's from the named component of its ACPI path`],
      chipOf: (d) => (d.pci ? p.findPci(d.name)?.msi ?? null : d.acpiPath !== null ? p.devices.find((x) => x.acpiName === d.acpiPath)?.msi ?? null : null),
    };
  }
  const first = chips[0]!;
  return {
    chips,
    why: [
      madt.its.length === 0
        ? `From the MADT: GICv2m MSI frames and no ITS; PCI MSIs go to the first frame, ${first.name} (gicv2m_allocate_domains: not isolated)`
        : `From the MADT${chips.length > 1 ? `; without a readable IORT the ITS of each root complex is unknown: every device is sent to ${first.name} (import-acpi with the IORT tells)` : ''}`,
    ],
    chipOf: (d) => (d.pci ? first.name : null),
  };
}

/** The PCI host bridge a device sits below, from its sysfs path (`…/40000000.pcie/pci0000:00/…`). */
function hostBridgeOf(d: SysDevice, bridges: HostBridgeMsi[]): HostBridgeMsi | null {
  const parts = (d.path ?? '').split('/');
  const root = parts.findIndex((x) => /^pci[0-9a-f]{4}:[0-9a-f]{2}$/i.test(x));
  const byName = root > 0 ? bridges.find((b) => b.deviceName !== null && b.deviceName === parts[root - 1]) : undefined;
  if (byName) return byName;
  const seg = PCI_NAME.exec(d.name);
  const byDomain = seg ? bridges.filter((b) => b.domain === parseInt(seg[1]!, 16)) : [];
  if (byDomain.length === 1) return byDomain[0]!;
  return bridges.length === 1 ? bridges[0]! : null;
}

/** From the flattened devicetree (/sys/firmware/fdt); null without one or without MSI controllers. */
function fromDevicetree(sys: MachineTree): MsiRouting | null {
  const data = sys.read('firmware/fdt');
  if (data === null) return null;
  const findings = new Findings(firmwareSeverity);
  const p = new Platform();
  let dt;
  try {
    dt = importDt(parseFdt(data, { path: 'fdt', abs: 'fdt' }, findings), p, findings);
  } catch (e) {
    if (e instanceof NotADevicetree) return null;
    throw e;
  }
  const chips = p.irqchips.filter((c) => c.base !== undefined).map((c) => ({ name: c.name, model: c.model, base: c.base! }));
  if (chips.length === 0) return null;
  return {
    chips,
    why: ['From the devicetree (/sys/firmware/fdt): each PCI device\'s MSI controller from its host bridge\'s msi-map (or msi-parent), platform devices\' from their msi-parent'],
    chipOf(d) {
      const bdf = PCI_NAME.exec(d.name);
      if (d.pci && bdf) {
        const b = hostBridgeOf(d, dt.hostBridges);
        return b ? msiChipOfRid(b, parseInt(bdf[2]!, 16) * 256 + parseInt(bdf[3]!, 16) * 8 + Number(bdf[4])) : null;
      }
      return dt.platformMsi.get(path.posix.basename(d.path ?? d.name)) ?? null;
    },
  };
}

export function armMsiRouting(sys: MachineTree, m: Machine): MsiRouting | null {
  return fromAcpi(sys, m) ?? fromDevicetree(sys);
}
