// `iommu-check import-sysfs SRC [--output FILE]`: the command around server/src/import/sysfs.ts.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { MachineError } from '../import/machine';
import { SnapshotError } from '../import/snapshot';
import { importSysfs, openSource } from '../import/sysfs';
import { fsReason, UsageError, type CliIo } from './io';

export const IMPORT_SYSFS_HELP = `Usage: iommu-check import-sysfs SRC [--output FILE]

SRC is a snapshot archive (iommu-check snapshot), a sysfs root (/sys, or a folder holding sys/ and
proc/), or a copy of /sys/kernel/iommu_groups. Prints the machine as .iommu text: the kernel
version and command line, one iommu per instance with its widths from the hardware registers, the
interrupt-remapping irqchip (or the ITS from the MADT), each device with a name from its class
(gpu, nvme0, hda), driver, MSIs, reserved regions and place in the PCI topology (ports, bridges,
ACS), and the groups the kernel formed with their default domain types. What could not be
imported (links that lead nowhere, config space read without root) is said on standard error.
`;

export function runImportSysfs(argv: readonly string[], io: CliIo): number {
  let output: string | null = null;
  const sources: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      io.stdout(IMPORT_SYSFS_HELP);
      return 0;
    }
    if (a === '--output' || a === '-o') {
      output = argv[++i] ?? null;
      if (output === null) throw new UsageError(`${a} needs a value (see --help)`);
    } else if (a.startsWith('--output=')) output = a.slice('--output='.length);
    else if (a.startsWith('-')) throw new UsageError(`import-sysfs: unknown option '${a}' (see iommu-check import-sysfs --help)`);
    else sources.push(a);
  }
  if (sources.length !== 1) throw new UsageError('import-sysfs takes one SRC (usage: iommu-check import-sysfs SRC [--output FILE])');
  const shown = sources[0]!;
  let result;
  try {
    result = importSysfs(openSource(path.resolve(io.cwd, shown), shown), shown);
  } catch (e) {
    if (e instanceof MachineError || e instanceof SnapshotError) throw new UsageError(e.message);
    throw e;
  }
  for (const w of result.warnings) io.stderr(`iommu-check: warning: ${w}\n`);
  if (output === null) io.stdout(result.text);
  else {
    try {
      fs.writeFileSync(path.resolve(io.cwd, output), result.text);
    } catch (e) {
      throw new UsageError(`cannot write ${output}: ${fsReason(e)}`);
    }
  }
  return 0;
}
