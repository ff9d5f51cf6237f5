// `iommu-check import-acpi SRC…`: ACPI tables (raw, a directory of them, or an acpidump text dump)
// → a configuration on standard output, firmware findings on standard error.

import * as path from 'node:path';
import { expandSource, importAcpi, type AcpiSource } from '../import/acpi/import';
import { readMachine, MachineError } from '../import/machine';
import { NO_PCI, pciViewOf, type PciView } from '../import/pci-view';
import { acpiTable, looksLikeArchive, openSnapshot, SnapshotError } from '../import/snapshot';
import { displayPath, fsReason, UsageError, type CliIo } from './io';
import { finishImport, parseFirmwareImportArgs, readSource } from './firmware-import';

export const IMPORT_ACPI_HELP = `Usage: iommu-check import-acpi SRC... [--output FILE] [--format text|json|sarif] [--report FILE]
       [--rule CODE=SEVERITY]... [--config FILE]

SRC is a raw ACPI table (a file of /sys/firmware/acpi/tables, an \`acpidump -b\` .dat file, or
several raw tables back to back), a directory of such files, or the text \`acpidump\` prints.
The IORT (SMMUs, ITS groups, root complexes, named components, RMRs), the MADT (GIC ITS and GICv2m
frames), the DMAR (DRHD units, RMRRs, interrupt remapping) and the IVRS (IVHD units, IVMD blocks)
become a configuration, printed on standard output (or written to --output FILE). Findings about
the tables (locations TABLE+0xOFFSET) go to standard error, or to --report FILE, in --format.

Findings follow the rule settings as every diagnostic does: the .iommu-check.json nearest to each
source (or --config FILE), then --rule CODE=off|information|warning|error.

Exit status: 0 no error findings; 1 error findings; 2 unreadable input or usage error.
See docs/firmware.md.
`;

export function runImportAcpi(argv: readonly string[], io: CliIo, version: string): number {
  const o = parseFirmwareImportArgs(argv, 'import-acpi');
  if (o.help) {
    io.stdout(IMPORT_ACPI_HELP);
    return 0;
  }
  if (o.sources.length === 0) throw new UsageError('import-acpi needs at least one SRC (usage: iommu-check import-acpi SRC... ; see --help)');
  const sources: AcpiSource[] = [];
  const artifacts: string[] = [];
  let pci: PciView = NO_PCI;
  for (const shown of o.sources) {
    const abs = path.resolve(io.cwd, shown);
    if (looksLikeArchive(abs)) {
      // a snapshot archive: its ACPI tables, and its sysfs for the merge
      try {
        const snap = openSnapshot(abs, shown);
        for (const sig of ['IORT', 'APIC', 'DMAR', 'IVRS']) {
          const t = acpiTable(snap, sig);
          if (t) sources.push({ artifact: { path: `${displayPath(io.cwd, abs)}:firmware/acpi/tables/${sig}`, abs }, data: new Uint8Array(t) });
        }
        if (pci === NO_PCI) pci = pciViewOf(readMachine(snap.sys, snap.proc));
      } catch (e) {
        if (e instanceof SnapshotError || e instanceof MachineError) throw new UsageError(e.message);
        throw e;
      }
      artifacts.push(displayPath(io.cwd, abs));
      continue;
    }
    let files: { abs: string; shown: string }[];
    try {
      files = expandSource(abs, shown);
    } catch (e) {
      throw new UsageError(`cannot read ${shown}: ${fsReason(e)}`);
    }
    if (files.length === 0) throw new UsageError(`${shown}: an empty directory`);
    for (const f of files) {
      const display = displayPath(io.cwd, f.abs);
      sources.push({ artifact: { path: display, abs: f.abs }, data: readSource(io, f.abs) });
      artifacts.push(display);
    }
  }
  const result = importAcpi(sources, `iommu-check import-acpi ${o.sources.join(' ')}`, pci);
  if (result.tables.length === 0) {
    const why = result.findings.list[0]?.message ?? 'no ACPI table found';
    throw new UsageError(`${o.sources.join(', ')}: no ACPI table could be read (${why})`);
  }
  return finishImport(io, o, result.text, result.findings.list, artifacts, version);
}

