// import-acpi merged with a sysfs copy of the same machine: devices matched by PCI address get
// their drivers, classes (RMRR typing) and groups.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importAcpi } from '../../server/src/import/acpi/import';
import { readMachine } from '../../server/src/import/machine';
import { pciViewOf } from '../../server/src/import/pci-view';
import { directoryTree } from '../../server/src/import/tree';
import { tmpTree } from '../cli/helpers';
import { compileAsl, fixture } from './acpi-build';
import { engineCodes } from './helpers';

function sysfs(fns: Record<string, { cls: string; driver?: string; group: number }>): string {
  const dir = tmpTree({});
  for (const [bdf, f] of Object.entries(fns)) {
    const dev = path.join(dir, 'devices/pci0000:00', bdf);
    fs.mkdirSync(dev, { recursive: true });
    fs.writeFileSync(path.join(dev, 'class'), `${f.cls}\n`);
    if (f.driver) {
      fs.mkdirSync(path.join(dir, 'bus/pci/drivers', f.driver), { recursive: true });
      fs.symlinkSync(path.relative(dev, path.join(dir, 'bus/pci/drivers', f.driver)), path.join(dev, 'driver'));
    }
    fs.mkdirSync(path.join(dir, 'bus/pci/devices'), { recursive: true });
    fs.symlinkSync(path.relative(path.join(dir, 'bus/pci/devices'), dev), path.join(dir, 'bus/pci/devices', bdf));
    const g = path.join(dir, 'kernel/iommu_groups', String(f.group), 'devices');
    fs.mkdirSync(g, { recursive: true });
    fs.symlinkSync(path.relative(g, dev), path.join(g, bdf));
  }
  return dir;
}

describe('import-acpi with the machine\'s sysfs', () => {
  it('DMAR: USB and display RMRRs relaxable from the class files, drivers and multi-device groups from sysfs', () => {
    const dir = sysfs({
      '0000:00:02.0': { cls: '0x030000', driver: 'i915', group: 0 },
      '0000:00:14.0': { cls: '0x0c0330', driver: 'xhci_hcd', group: 5 },
      '0000:00:14.2': { cls: '0x050000', group: 5 },
    });
    const pci = pciViewOf(readMachine(directoryTree(dir), null));
    const r = importAcpi([{ artifact: { path: 'DMAR', abs: '/fixtures/DMAR' }, data: compileAsl(fixture('dmar-client.asl')) }], 'iommu-check import-acpi DMAR', pci);
    expect(r.findings.list).toEqual([]);
    expect(r.text).toContain('// Merged with the machine\'s sysfs: 3 PCI functions (devices matched by PCI address).');
    expect(r.text).toContain(`device dev_0000_00_14_0 {
  pci 0000:00:14.0
  iommu dmar1
  msi ir
  driver xhci_hcd
  reserved 0x3e2e_0000..0x3e2f_ffff direct-relaxable  // RMRR DMAR+0x68; class 0xC0330 (USB): relaxable
}`);
    expect(r.text).toContain('  driver i915\n  reserved 0x3f80_0000..0x47ff_ffff direct-relaxable');
    expect(r.text).toContain('// /sys/kernel/iommu_groups/5 (no type file: dma assumed)\ngroup group_5 : dma { dev_0000_00_14_0 dev_0000_00_14_2 }');
    expect(engineCodes(r.text)).toEqual([]);
  });
});
