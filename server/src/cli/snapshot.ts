// `iommu-check snapshot [--sysfs DIR] [--proc DIR] [--output FILE]`: collect the machine into one
// archive that `import-sysfs` and `import-acpi` read anywhere.

import * as os from 'node:os';
import * as path from 'node:path';
import { collect, writeArchive } from '../import/collect';
import { fsReason, UsageError, type CliIo } from './io';
import { readArgs } from './options';

export const SNAPSHOT_HELP = `Usage: iommu-check snapshot [--sysfs DIR] [--proc DIR] [--output FILE]

Run on the machine: collects into one .tar.gz archive what import-sysfs and import-acpi read —
kernel/iommu_groups (devices, reserved_regions, type), every PCI device's driver, IOMMU, group,
class, ids, config space (capabilities: PCIe port type, ACS, MSI/MSI-X, PASID), SR-IOV links,
class/iommu (VT-d cap/ecap, AMD features), firmware/acpi/tables/{IORT,DMAR,IVRS,APIC}, and from
/proc: cmdline, sys/kernel/osrelease, interrupts. Links are kept so that the archive imports on any
machine. What cannot be read (config space past 64 bytes and the ACPI tables need root) is noted
in the archive and listed on standard error; it is never fatal.

  --sysfs DIR     the sysfs root (default /sys)
  --proc DIR      the procfs root (default /proc)
  --output FILE   the archive (default iommu-snapshot-HOSTNAME.tar.gz)
`;

export function runSnapshot(argv: readonly string[], io: CliIo, version: string): number {
  const read = readArgs('snapshot', argv, { values: ['--sysfs', '--proc', '--output'], short: { '-o': '--output' } });
  if (read.help) {
    io.stdout(SNAPSHOT_HELP);
    return 0;
  }
  const stray = [...read.operands, ...(read.rest ?? [])];
  if (stray.length > 0) throw new UsageError(`snapshot: unexpected argument '${stray[0]}' (see iommu-check snapshot --help)`);
  const opts: Record<string, string> = {};
  for (const { name, value } of read.options) opts[name] = value;
  const sysfs = path.resolve(io.cwd, opts['--sysfs'] ?? '/sys');
  const proc = path.resolve(io.cwd, opts['--proc'] ?? '/proc');
  const output = path.resolve(io.cwd, opts['--output'] ?? `iommu-snapshot-${os.hostname().replace(/[^A-Za-z0-9_.-]/g, '_') || 'host'}.tar.gz`);
  const result = collect(sysfs, proc, version);
  if (![...result.entries.keys()].some((k) => k.startsWith('sys/kernel/iommu_groups/'))) {
    io.stderr(`iommu-check: warning: ${sysfs}/kernel/iommu_groups has no groups (is the IOMMU enabled? intel_iommu=on for VT-d; an AMD IOMMU is on unless amd_iommu=off or iommu=off; or no IOMMU)\n`);
  }
  try {
    writeArchive(result, output);
  } catch (e) {
    throw new UsageError(`cannot write ${opts['--output'] ?? output}: ${fsReason(e)}`);
  }
  const missing = result.manifest.unreadable;
  if (missing.length > 0) {
    // One line per reason, with a count and the first paths.
    const byReason = new Map<string, string[]>();
    for (const u of missing) {
      const key = u.reason.replace(/^link to .* leads nowhere$/, 'links leading nowhere').replace(/^only \d+ bytes/, 'only the first bytes');
      let list = byReason.get(key);
      if (!list) byReason.set(key, (list = []));
      list.push(u.path);
    }
    io.stderr(`iommu-check: could not read ${missing.length} part${missing.length === 1 ? '' : 's'} (listed in snapshot.json):\n`);
    for (const [why, paths] of byReason) {
      const shown = paths.slice(0, 3).join(', ') + (paths.length > 3 ? `, and ${paths.length - 3} more` : '');
      io.stderr(`  ${why}: ${shown}\n`);
    }
  }
  io.stderr(`iommu-check: wrote ${path.relative(io.cwd, output) || output} (${result.entries.size} entries)\n`);
  return 0;
}
