// `iommu-check snapshot`: what the archive holds, links kept resolvable, unreadable parts noted.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSnapshot } from '../../server/src/import/snapshot';
import { run } from '../cli/helpers';
import { ACS_STD, buildMachine, tmpDir } from '../helpers/sysfsTree';

const small = () =>
  buildMachine({
    pci: [
      { bdf: '0000:00:1c.0', vendor: 0x8086, device: 0x7ab8, classCode: 0x060400, pcie: 'root-port', secondaryBus: 1, acs: ACS_STD, driver: 'pcieport', group: 3, iommu: 'dmar0' },
      { bdf: '0000:01:00.0', parent: '0000:00:1c.0', vendor: 0x144d, device: 0xa80a, classCode: 0x010802, pcie: 'endpoint', msix: true, driver: 'nvme', group: 4, iommu: 'dmar0' },
    ],
    groups: { 3: { reserved_regions: '0x00000000fee00000 0x00000000feefffff msi\n', type: 'DMA\n' }, 4: { reserved_regions: '0x00000000fee00000 0x00000000feefffff msi\n', type: 'DMA-FQ' } },
    iommus: [{ name: 'dmar0', path: 'virtual/iommu/dmar0', files: { 'intel-iommu/cap': 'd2008c40660462\n', 'intel-iommu/ecap': 'f050da\n' } }],
    proc: { cmdline: 'BOOT_IMAGE=/vmlinuz root=/dev/nvme0n1p2 intel_iommu=on', osrelease: '6.8.0-45-generic' },
  });

describe('snapshot', () => {
  it('collects groups, devices, their links and IOMMU registers into an archive that resolves on its own', () => {
    const root = small();
    const out = path.join(tmpDir(), 'snap.tar.gz');
    const r = run(['snapshot', '--sysfs', 'sys', '--proc', 'proc', '--output', out], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    // The test tree has no ACPI tables and no /proc/interrupts: absent optional parts are not noted,
    // /proc/interrupts is.
    expect(r.err).toMatch(/^iommu-check: could not read 2 parts \(listed in snapshot.json\):\n  not present: \/proc\/interrupts, \/proc\/self\/smaps\niommu-check: wrote /);
    // Move the machine away: the archive must not need it.
    fs.rmSync(root, { recursive: true });
    const s = openSnapshot(out);
    expect(s.manifest.unreadable).toEqual([
      { path: '/proc/interrupts', reason: 'not present' },
      { path: '/proc/self/smaps', reason: 'not present' },
    ]);
    expect(s.sys.list('kernel/iommu_groups')).toEqual(['3', '4']);
    expect(s.sys.readlink('kernel/iommu_groups/4/devices/0000:01:00.0')).toBe('../../../../devices/pci0000:00/0000:00:1c.0/0000:01:00.0');
    expect(s.sys.resolve('kernel/iommu_groups/4/devices/0000:01:00.0')).toBe('devices/pci0000:00/0000:00:1c.0/0000:01:00.0');
    expect(s.sys.resolve('kernel/iommu_groups/4/devices/0000:01:00.0/driver')).toBe('bus/pci/drivers/nvme');
    expect(s.sys.read('bus/pci/devices/0000:01:00.0/config')!.length).toBe(4096);
    expect(s.sys.read('class/iommu/dmar0/intel-iommu/cap')!.toString()).toBe('d2008c40660462\n');
    expect(s.sys.list('class/iommu/dmar0/devices')).toEqual(['0000:00:1c.0', '0000:01:00.0']);
    expect(s.proc.read('cmdline')!.toString()).toBe('BOOT_IMAGE=/vmlinuz root=/dev/nvme0n1p2 intel_iommu=on\n');
    expect(s.proc.read('sys/kernel/osrelease')!.toString()).toBe('6.8.0-45-generic\n');
  });

  it('notes links that lead nowhere and a missing iommu_groups, and still writes the archive', () => {
    const root = tmpDir();
    fs.mkdirSync(path.join(root, 'sys/kernel/iommu_groups/1/devices'), { recursive: true });
    fs.symlinkSync('../../../../devices/pci0000:00/0000:00:02.0', path.join(root, 'sys/kernel/iommu_groups/1/devices/0000:00:02.0'));
    const out = path.join(root, 'a.tgz');
    const r = run(['snapshot', '--sysfs', 'sys', '--proc', 'nowhere', '--output', 'a.tgz'], { cwd: root });
    expect(r.code).toBe(0);
    const s = openSnapshot(out);
    expect(s.manifest.unreadable.map((u) => `${u.path}: ${u.reason}`)).toEqual([
      '/sys/kernel/iommu_groups/1/devices/0000:00:02.0: link to ../../../../devices/pci0000:00/0000:00:02.0 leads nowhere',
      '/proc/cmdline: not present',
      '/proc/sys/kernel/osrelease: not present',
      '/proc/interrupts: not present',
      '/proc/self/smaps: not present',
    ]);
    expect(s.sys.kind('kernel/iommu_groups/1/devices/0000:00:02.0')).toBe('dangling');
    expect(run(['snapshot', '--sysfs'], { cwd: root })).toEqual({ code: 2, out: '', err: 'iommu-check: snapshot: --sysfs needs a value (see iommu-check snapshot --help)\n' });
    expect(run(['snapshot', '--output', path.join(root, 'no/such/dir/x.tgz'), '--sysfs', 'sys', '--proc', 'nowhere'], { cwd: root }).err).toMatch(/cannot write .*x\.tgz: no such file or directory\n$/);
  });

  it('refuses a file that is not a snapshot archive in one line', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'x.tgz'), 'not gzip');
    expect(() => openSnapshot(path.join(dir, 'x.tgz'), 'x.tgz')).toThrow(/^x\.tgz: not a readable snapshot archive/);
  });
});
