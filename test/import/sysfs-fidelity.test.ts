// import-sysfs on machines with the parts real trees have: an ITS per root complex (IORT) or per
// host bridge (devicetree), SR-IOV, quirk DMA aliases, a PCIe-to-PCI bridge, a multi-function
// NVMe without ACS, platform devices in groups, the DMAR's width, an empty hot-plug port. Each is
// imported directly and through a snapshot (the same text, given whole in fixtures/machines/),
// checks with no error, and planned attachments get exactly the kernel's refusals.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/engine';
import { run } from '../cli/helpers';
import { buildMachine, tmpDir, type MachineSpec } from '../helpers/sysfsTree';
import { ARM_TWO_ITS, dtBoard, WORKSTATION } from './fidelity-machines';
import { LAPTOP } from './machines';

function check(text: string) {
  const file = '/imported/host.iommu';
  const a = analyze(file, { host: { read: (p) => (p === file ? text : undefined) } })!;
  expect(a.internalErrors).toEqual([]);
  return a;
}
const codes = (text: string) => check(text).diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);
const expected = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures/machines', name), 'utf8');

/** Import the machine directly and through a snapshot; both give the same text (after the line naming the source). */
function importBoth(spec: MachineSpec): { text: string; err: string } {
  const root = buildMachine(spec);
  const direct = run(['import-sysfs', '.'], { cwd: root });
  expect(direct.code).toBe(0);
  const archive = path.join(tmpDir(), 'host.tar.gz');
  expect(run(['snapshot', '--sysfs', 'sys', '--proc', 'proc', '--output', archive], { cwd: root }).code).toBe(0);
  const viaSnapshot = run(['import-sysfs', archive], { cwd: root });
  expect(viaSnapshot.code).toBe(0);
  const body = (t: string) => t.split('\n').slice(1).join('\n');
  expect(body(viaSnapshot.out)).toBe(body(direct.out));
  expect(viaSnapshot.err).toBe(direct.err);
  return { text: direct.out, err: direct.err };
}
const body = (t: string) => t.split('\n').slice(1).join('\n');
/** Rebind a device to vfio-pci in the imported text (the first `driver` line of its block). */
const toVfio = (text: string, device: string) => text.replace(new RegExp(`(device ${device} \\{[^}]*?)driver \\S+`), '$1driver vfio-pci');

describe('import-sysfs fidelity: an Arm server whose root complexes use different ITSes (IORT)', () => {
  const { text, err } = importBoth(ARM_TWO_ITS);
  it('each device gets the ITS its root complex maps to; VFs are their own groups with physfn; the DMA engine without a driver is a platform device', () => {
    expect(err).toBe('');
    expect(body(text)).toBe(expected('arm-two-its.iommu'));
    expect(codes(text)).toEqual([]);
  });
  it('a VF bound to vfio-pci is assignable alone; the NVMe still bound to nvme is refused', () => {
    expect(codes(text + 'domain vm : paging {\n  attach nic1\n}\n')).toEqual([]);
    expect(codes(text + 'domain vm : paging {\n  attach nvme0\n}\n')).toEqual([
      "error group-not-viable: attaching 'nvme0' to paging domain 'vm' makes it user-owned, but 'nvme0' (driver nvme) is bound to a kernel driver: the DMA ownership claim fails with -EPERM (iommufd: \"group is not viable\"); bind it to vfio-pci or unbind it",
    ]);
  });
});

describe('import-sysfs fidelity: a devicetree board with two PCIe host bridges', () => {
  const { text, err } = importBoth(dtBoard());
  it('the MSI controllers as import-dt names them; PCI devices by their host bridge (msi-map, msi-parent), the USB controller by its msi-parent', () => {
    expect(err).toBe('');
    expect(body(text)).toBe(expected('dt-board.iommu'));
    expect(codes(text)).toEqual([]);
  });
});

describe('import-sysfs fidelity: an x86 workstation', () => {
  const { text, err } = importBoth(WORKSTATION);
  it('DMAR width as oas, quirk DMA aliases, the PCIe-to-PCI bridge group, the NVMe functions, SR-IOV', () => {
    expect(err).toBe('');
    expect(body(text)).toBe(expected('workstation.iommu'));
    expect(codes(text)).toEqual([]);
    const a = check(text);
    const groupOf = (n: string) => a.config.devices.find((d) => d.name === n)!.group.members.map((m) => m.name).join(' ');
    expect([groupOf('sata'), groupOf('sys'), groupOf('media'), groupOf('nvme2'), groupOf('nic1')]).toEqual(['sata', 'serialbus sys', 'pcibridge media', 'nvme0 nvme1 nvme2 nvme3', 'nic1']);
  });
  it("the card reader cannot be assigned while the FireWire function its DMA aliases keeps its driver (the kernel's refusal names it)", () => {
    const plan = toVfio(text, 'sys') + 'domain vm : paging {\n  attach sys\n}\n';
    expect(codes(plan)).toEqual([
      "error group-not-viable: attaching group 'group_13' to paging domain 'vm' makes it user-owned, but 'serialbus' (driver firewire_ohci) is bound to a kernel driver: the DMA ownership claim fails with -EPERM (iommufd: \"group is not viable\"); bind it to vfio-pci or unbind it",
    ]);
    expect(codes(toVfio(plan, 'serialbus'))).toEqual([]);
  });
  it('one NVMe function of the four cannot be assigned alone', () => {
    const plan = toVfio(text, 'nvme0') + 'domain vm : paging {\n  attach nvme0\n}\n';
    expect(check(plan).diagnostics.map((d) => `${d.code}: ${d.related.map((r) => r.message).join('; ')}`)).toEqual([
      "group-not-viable: 'nvme1' is bound to the kernel driver nvme; 'nvme2' is bound to the kernel driver nvme; 'nvme3' is bound to the kernel driver nvme",
    ]);
  });
});

describe('import-sysfs fidelity: what real trees lack or add', () => {
  it('a PCI function whose config space is missing: no topology (a warning names it), the kernel groups kept', () => {
    const root = buildMachine(LAPTOP);
    fs.rmSync(path.join(root, 'sys/devices/pci0000:00/0000:00:1c.0/config'));
    const r = run(['import-sysfs', '.'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.err).toBe("iommu-check: warning: the config space of 0000:00:1c.0 could not be read: PCI topology, ACS and port types are not imported (the groups are those the kernel formed)\n");
    expect(r.out).not.toMatch(/^ {2}(port|behind|acs|conventional)\b/m);
    expect(r.out).toContain('group group_4 : dma-fq { gpu hda0 }\n');
    expect(codes(r.out)).toEqual([]);
  });

  it('a channel-attached (ccw) device and an amba device in groups: devices of their bus, no PCI address', () => {
    const spec: MachineSpec = {
      ...ARM_TWO_ITS,
      platform: [
        { path: 'css0/0.0.0000/0.0.1234', bus: 'ccw', group: 8, iommu: 'smmu3.0x0000100000000000' },
        { path: 'platform/soc/9000000.serial', bus: 'amba', driver: 'uart-pl011', group: 9, iommu: 'smmu3.0x0000100000000000' },
      ],
      groups: { ...ARM_TWO_ITS.groups, 8: { reserved_regions: '', type: 'DMA' }, 9: { reserved_regions: '', type: 'DMA' } },
    };
    const { text, err } = importBoth(spec);
    expect(err).toBe('');
    expect(text).toContain('// /sys/kernel/iommu_groups/8, type DMA\n// 0.0.1234 (ccw device, no driver bound)\ndevice dev_0.0.1234 {\n  iommu smmu0\n}\n');
    expect(text).toContain('// 9000000.serial (amba device)\ndevice dev_9000000.serial {\n  iommu smmu0\n  driver uart-pl011\n}\n');
    expect(codes(text)).toEqual([]);
  });
});
