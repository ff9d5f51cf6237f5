// `import-acpi`: read ACPI tables from files, directories and text dumps, then turn the IORT, MADT,
// DMAR and IVRS into a configuration and firmware findings.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { firmwareSeverity } from '../catalogue';
import { Findings, type Artifact } from '../findings';
import { emitPlatform, Platform } from '../platform';
import { parseIort } from './iort';
import { importIort } from './iort-model';
import { parseMadt } from './madt';
import { parseDmar } from './dmar';
import { importDmar } from './dmar-model';
import { parseIvrs } from './ivrs';
import { importIvrs } from './ivrs-model';
import { NO_PCI, type PciView } from '../pci-view';
import { looksLikeTextDump, readBinaryTables, readTextDump, type AcpiTable } from './tables';

export interface AcpiSource {
  artifact: Artifact;
  data: Uint8Array;
}

export interface AcpiImport {
  text: string;
  findings: Findings;
  tables: AcpiTable[];
}

/** The files to read for one command-line SRC: the file itself, or the regular files of a directory (sorted, hidden ones left out). */
export function expandSource(abs: string, shown: string): { abs: string; shown: string }[] {
  const st = fs.statSync(abs);
  if (!st.isDirectory()) return [{ abs, shown }];
  const out: { abs: string; shown: string }[] = [];
  for (const name of fs.readdirSync(abs).sort()) {
    if (name.startsWith('.')) continue; // hidden files (a .iommu-check.json beside the tables) are no tables
    const p = path.join(abs, name);
    let s: fs.Stats;
    try {
      s = fs.statSync(p);
    } catch {
      continue;
    }
    if (s.isFile()) out.push({ abs: p, shown: path.join(shown, name) });
  }
  return out;
}

/** Tables of interest, in the order they are imported. */
const KNOWN = ['IORT', 'APIC', 'DMAR', 'IVRS'];

export function importAcpi(sources: AcpiSource[], shownCommand: string, pci: PciView = NO_PCI): AcpiImport {
  const findings = new Findings(firmwareSeverity);
  const tables: AcpiTable[] = [];
  for (const s of sources) {
    if (looksLikeTextDump(s.data)) tables.push(...readTextDump(Buffer.from(s.data).toString('latin1'), s.artifact, findings));
    else tables.push(...readBinaryTables(s.data, s.artifact, findings));
  }
  const platform = new Platform();
  platform.header.push(`Imported with \`${shownCommand}\`.`);
  const first = (sig: string) => {
    const all = tables.filter((t) => t.signature === sig);
    for (const extra of all.slice(1)) {
      findings.report('table-malformed', { kind: 'table', table: extra.source, offset: 0, length: 4 }, `a second ${sig} table; only the first (${all[0]!.source.artifact.path}) is imported, as the kernel uses one`);
    }
    return all[0];
  };
  const iortTable = first('IORT');
  const madtTable = first('APIC');
  const iort = iortTable ? parseIort(iortTable, findings) : null;
  const madt = madtTable ? parseMadt(madtTable, findings) : null;
  if (iort || (madt && (madt.its.length || madt.v2m.length))) importIort(iort, madt, platform, findings, pci);
  const dmarTable = first('DMAR');
  if (dmarTable) importDmar(parseDmar(dmarTable, findings), pci, platform, findings);
  const ivrsTable = first('IVRS');
  if (ivrsTable) importIvrs(parseIvrs(ivrsTable, findings), madt, pci, platform, findings);
  mergeMachine(platform, pci);
  const others = [...new Set(tables.map((t) => t.signature).filter((s) => !KNOWN.includes(s)))];
  if (others.length) platform.header.push(`Tables read but not used for IOMMU purposes: ${others.join(', ')}.`);
  if (!tables.some((t) => ['IORT', 'DMAR', 'IVRS'].includes(t.signature))) {
    platform.header.push('No IORT, DMAR or IVRS table was given: nothing describes an IOMMU.');
  }
  return { text: emitPlatform(platform), findings, tables };
}

const DRIVER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** What the sysfs import adds: drivers, and the machine's multi-device groups. */
export function mergeMachine(platform: Platform, pci: PciView): void {
  if (pci.all().length === 0) return;
  platform.header.push(`Merged with the machine's sysfs: ${pci.all().length} PCI functions (devices matched by PCI address).`);
  for (const d of platform.devices) {
    const drv = d.pci ? pci.driver(d.pci) : null;
    if (drv && DRIVER.test(drv)) d.driver ??= drv;
  }
  for (const g of pci.groups()) {
    const members = g.members.map((b) => platform.findPci(b)).filter((d): d is NonNullable<typeof d> => !!d && !!d.iommu);
    // Written with the default domain the kernel gave it (sysfs `type`): a group of the machine is in use.
    if (members.length > 1) platform.groups.push({ name: platform.name(`group_${g.id}`), members: members.map((d) => d.name), type: g.type ?? 'dma', note: `/sys/kernel/iommu_groups/${g.id}${g.type === null ? ' (no type file: dma assumed)' : ''}` });
  }
}
