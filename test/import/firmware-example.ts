// Running a firmware check's example (checks/firmware/<code>.ts) through its importer.

import { importAcpi } from '../../server/src/import/acpi/import';
import { importDevicetree } from '../../server/src/import/dt/import';
import type { FirmwareExample } from '../../server/src/checks/check';
import { compileAsl, compileDts } from './acpi-build';

/** The codes of the findings the example's tables give. */
export function runFirmwareExample(e: FirmwareExample): string[] {
  const all = [e, ...(e.with ?? [])];
  if (e.format === 'dts') {
    return importDevicetree(compileDts(e.source), { path: 'example.dtb', abs: '/example/example.dtb' }, 'iommu-check import-dt example.dtb').findings.list.map((f) => f.code);
  }
  const sources = all.map((x, i) => ({
    artifact: { path: `table${i}`, abs: `/example/table${i}` },
    data: x.format === 'asl' ? compileAsl(x.source) : new TextEncoder().encode(x.source),
  }));
  return importAcpi(sources, 'iommu-check import-acpi example').findings.list.map((f) => f.code);
}
