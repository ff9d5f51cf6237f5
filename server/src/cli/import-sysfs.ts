// `iommu-check import-sysfs SRC [--output FILE]`: the command around server/src/import/sysfs.ts.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { MachineError } from '../import/machine';
import { SnapshotError } from '../import/snapshot';
import { importSysfs, openSource } from '../import/sysfs';
import { fsReason, UsageError, type CliIo } from './io';
import { readArgs } from './options';

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
  const read = readArgs('import-sysfs', argv, { values: ['--output'], short: { '-o': '--output' } });
  if (read.help) {
    io.stdout(IMPORT_SYSFS_HELP);
    return 0;
  }
  let output: string | null = null;
  for (const o of read.options) output = o.value;
  const sources = [...read.operands, ...(read.rest ?? [])];
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
