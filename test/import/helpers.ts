import { importAcpi } from '../../server/src/import/acpi/import';
import { locationText } from '../../server/src/import/findings';

export interface Imported {
  text: string;
  /** `LOCATION: severity code: message` per finding, in order. */
  findings: string[];
}

/** Import tables given as (file name, bytes); findings shown with their table locations. */
export function acpi(...files: [string, Uint8Array | string][]): Imported {
  const r = importAcpi(
    files.map(([name, data]) => ({ artifact: { path: name, abs: `/fixtures/${name}` }, data: typeof data === 'string' ? new TextEncoder().encode(data) : data })),
    `iommu-check import-acpi ${files.map((f) => f[0]).join(' ')}`,
  );
  return { text: r.text, findings: r.findings.list.map((f) => `${locationText(f.loc)}: ${f.severity} ${f.code}: ${f.message}`) };
}

/** The codes of the findings, in order. */
export const codes = (r: Imported) => r.findings.map((f) => f.split(': ')[1]!.split(' ')[1]!);

import { analyze } from '../../server/src/engine';

/** The diagnostics the engine gives on an imported configuration (`code: message`). */
export function engineCodes(text: string): string[] {
  const file = '/imported/config.iommu';
  const a = analyze(file, { host: { read: (p) => (p === file ? text : undefined) } })!;
  return a.diagnostics.map((d) => `${d.code}: ${d.message}`);
}

import type { PciView } from '../../server/src/import/pci-view';

/** A PCI view of a made-up machine: function → class code, secondary bus (bridges), driver. */
export function pciView(fns: Record<string, { cls: number; secondary?: number; parent?: string; driver?: string }>): PciView {
  const all = Object.keys(fns).sort();
  return {
    exists: (b) => b in fns,
    classCode: (b) => fns[b]?.cls ?? null,
    secondaryBus: (b) => fns[b]?.secondary ?? null,
    below: (b) => all.filter((x) => { for (let p = fns[x]?.parent; p; p = fns[p]?.parent) if (p === b) return true; return false; }),
    driver: (b) => fns[b]?.driver ?? null,
    all: () => all,
    groups: () => [],
  };
}

/** Import with a PCI view. */
export function acpiWith(pci: PciView, ...files: [string, Uint8Array][]): Imported {
  const r = importAcpi(files.map(([name, data]) => ({ artifact: { path: name, abs: `/fixtures/${name}` }, data })), `iommu-check import-acpi ${files.map((f) => f[0]).join(' ')}`, pci);
  return { text: r.text, findings: r.findings.list.map((f) => `${locationText(f.loc)}: ${f.severity} ${f.code}: ${f.message}`) };
}
