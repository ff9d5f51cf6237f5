// `iommu-check import-dt FILE.dtb`: a flattened devicetree → a configuration on standard output,
// firmware findings (devicetree node paths) on standard error.

import * as path from 'node:path';
import { importDevicetree, NotADevicetree } from '../import/dt/import';
import { finishImport, parseFirmwareImportArgs, readSource } from './firmware-import';
import { displayPath, UsageError, type CliIo } from './io';

export const IMPORT_DT_HELP = `Usage: iommu-check import-dt FILE.dtb [--output FILE] [--format text|json|sarif] [--report FILE]
       [--rule CODE=SEVERITY]... [--config FILE]

FILE.dtb is a flattened devicetree (dtc -O dtb, /sys/firmware/fdt, a boot partition's .dtb).
IOMMU nodes (arm,smmu-v3, arm,mmu-500 and other SMMUs, anything with #iommu-cells), MSI
controllers (arm,gic-v3-its, arm,gic-v2m-frame), devices with iommus / msi-parent, PCI host
bridges with iommu-map / msi-map (and masks, bus-range, dma-ranges), and reserved-memory regions
with iommu-addresses become a configuration on standard output (or --output FILE). Findings
(located by node path) go to standard error, or to --report FILE, in --format.

Findings follow the rule settings as every diagnostic does: the .iommu-check.json nearest to each
source (or --config FILE), then --rule CODE=off|information|warning|error.

Exit status: 0 no error findings; 1 error findings; 2 unreadable input or usage error.
See docs/firmware.md.
`;

export function runImportDt(argv: readonly string[], io: CliIo, version: string): number {
  const o = parseFirmwareImportArgs(argv, 'import-dt');
  if (o.help) {
    io.stdout(IMPORT_DT_HELP);
    return 0;
  }
  if (o.sources.length !== 1) throw new UsageError('import-dt takes one FILE.dtb (usage: iommu-check import-dt FILE.dtb; see --help)');
  const shown = o.sources[0]!;
  const abs = path.resolve(io.cwd, shown);
  const data = readSource(io, shown);
  const display = displayPath(io.cwd, abs);
  let result;
  try {
    result = importDevicetree(data, { path: display, abs }, `iommu-check import-dt ${shown}`);
  } catch (e) {
    if (e instanceof NotADevicetree) throw new UsageError(`${shown}: ${e.message}`);
    throw e;
  }
  return finishImport(io, o, result.text, result.findings.list, [display], version);
}
