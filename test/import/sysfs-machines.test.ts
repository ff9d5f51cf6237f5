// import-sysfs over realistic machines built with the kernel's link structure: what it writes,
// that a snapshot of the machine imports to the same text, that the result checks with no error,
// and that planned attachments get exactly the kernel's refusals.

import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOP_LEVEL_KEYWORDS } from '../../grammar/src/lexer';
import { analyze } from '../../server/src/engine';
import { run } from '../cli/helpers';
import { buildMachine, copyGroupsLikeCpR, tmpDir, type MachineSpec } from '../helpers/sysfsTree';
import { ARM_SERVER, EPYC, LAPTOP, switchMachine } from './machines';

function check(text: string) {
  const file = '/imported/host.iommu';
  const a = analyze(file, { host: { read: (p) => (p === file ? text : undefined) } })!;
  expect(a.internalErrors).toEqual([]);
  return a;
}
/** The plan a user makes: a domain attaching a group of the machine (the import wrote nothing that goes stale). */
const attachPlan = (text: string, group: string, extra: string) => {
  expect(text).toMatch(new RegExp(`^group ${group} : [a-z-]+ \\{`, 'm'));
  return text + extra;
};
const codes = (text: string) => check(text).diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);

/** Import the machine directly and through a snapshot; both must give the same configuration. */
function importBoth(spec: MachineSpec): { text: string; err: string; root: string } {
  const root = buildMachine(spec);
  const direct = run(['import-sysfs', '.'], { cwd: root });
  expect(direct.code).toBe(0);
  const archive = path.join(tmpDir(), 'host.tar.gz');
  const snap = run(['snapshot', '--sysfs', 'sys', '--proc', 'proc', '--output', archive], { cwd: root });
  expect(snap.code).toBe(0);
  const viaSnapshot = run(['import-sysfs', archive], { cwd: root });
  expect(viaSnapshot.code).toBe(0);
  const body = (t: string) => t.split('\n').slice(1).join('\n');
  expect(body(viaSnapshot.out)).toBe(body(direct.out));
  expect(viaSnapshot.err).toBe(direct.err);
  return { text: direct.out, err: direct.err, root };
}

describe('import-sysfs: a laptop with two DMAR units', () => {
  const { text, err } = importBoth(LAPTOP);

  it('writes the machine: kernel, command line, both units with their widths, IR, names, drivers, RMRRs, topology, groups', () => {
    expect(err).toBe('');
    expect(text.split('\n').slice(1).join('\n')).toBe(LAPTOP_TEXT);
  });

  it('checks with no error', () => {
    expect(codes(text)).toEqual([]);
  });

  it('planned attachments get the kernel refusals: the GPU drags its HDMI audio, the iGPU needs its RMRR', () => {
    const plan = attachPlan(text.replace('  driver nouveau\n', '  driver vfio-pci\n'), 'group_4', 'domain vm : paging {\n  attach gpu\n}\n');
    expect(codes(plan)).toEqual([
      "error group-not-viable: attaching group 'group_4' to paging domain 'vm' makes it user-owned, but 'hda0' (driver snd_hda_intel) is bound to a kernel driver: the DMA ownership claim fails with -EPERM (iommufd: \"group is not viable\"); bind it to vfio-pci or unbind it",
    ]);
    const both = plan.replace('  driver snd_hda_intel\n  msi ir\n  behind rp0\n', '  driver vfio-pci\n  msi ir\n  behind rp0\n');
    expect(codes(both)).toEqual([]);
    const igpu = text.replace('  driver i915\n', '  driver vfio-pci\n') + 'domain vm : paging {\n  attach igpu\n}\n';
    expect(check(igpu).diagnostics.map((d) => d.code)).toEqual(['require-direct']);
  });
});

describe('import-sysfs: AMD EPYC', () => {
  const { text, err } = importBoth(EPYC);
  it('one IVHD with widths from the feature register, dma-fq groups, the HT hole as the instance default, the IVMD unity range on the xHCI', () => {
    expect(err).toBe('');
    expect(text).toContain(
      '// kernel 6.12    // uname -r: 6.12.9-200.fc41.x86_64\n'.replace('// kernel', supportsKernel() ? 'kernel' : '// kernel') +
        'cmdline "root=/dev/sda2 ro amd_iommu=on iommu.strict=0"\n\n' +
        '// /sys/class/iommu/ivhd0: /sys/class/iommu/ivhd0 is an AMD-Vi unit\n' +
        '// extended features 0xf00000098: HATS 4-level host page tables (48 bits), v1 format; guest translation yes (nested domains possible); PASID 16 bits\n' +
        'iommu ivhd0 {\n  model amd-vi\n  ias 48\n  oas 52\n' +
        '  pgsizes 4K 8K 16K 32K 64K 128K 256K 512K 1M 2M 4M 8M 16M 32M 64M 128M 256M 512M 1G 2G 4G 8G 16G 32G 64G 128G 256G 1T 2T 4T 8T 16T 32T 64T 128T 256T 512T 1P 2P\n' +
        '  nesting\n  default-domain dma-fq\n}\n\n' +
        '// /proc/interrupts shows IR- (remapped) interrupt chips\nirqchip ir { model x86-remap }\n',
    );
    expect(text).toContain('device xhci {\n  pci 0000:02:00.3\n  driver xhci_hcd\n  msi ir\n  behind rp1\n  // reserved_regions of group 14\n  reserved 0x9D00_0000..0x9D0F_FFFF direct\n}\n');
    expect(text).not.toMatch(/reserved 0xFD/);
    // The two NIC functions have ACS: separate groups, as the kernel formed them, nothing declared.
    expect(text).not.toMatch(/^group /m);
    const a = check(text);
    // the machine boots with amd_iommu=on, which the AMD driver does not know (parse_amd_iommu_options: "Unknown option - 'on'")
    expect(a.diagnostics.map((d) => `${d.severity} ${d.code} ${d.loc.file.text.slice(d.loc.span.start, d.loc.span.end)}`)).toEqual(['warning cmdline-no-effect amd_iommu=on']);
    expect(a.config.devices.map((d) => [d.name, d.group.members.length])).toEqual([['rp0', 1], ['nic0', 1], ['nic1', 1], ['rp1', 1], ['xhci', 1]]);
  });
});

describe('import-sysfs: an Arm server', () => {
  const { text, err } = importBoth(ARM_SERVER);
  it('an SMMUv3 per root complex, the ITS from the MADT, the 64K kernel page, the RMR, the NIC functions as one group', () => {
    expect(err).toBe('');
    expect(text).toContain('page-size 64K    // KernelPageSize in /proc/self/smaps\n');
    expect(text).toContain('iommu smmu0 {\n  model smmuv3\n}\n');
    expect(text).toContain('iommu smmu1 {\n  model smmuv3\n}\n');
    expect(text).toContain('// From the MADT\nirqchip its0 { model gicv3-its base 0x1000_0004_0000 }\n');
    expect(text).toContain('device nvme0 {\n  pci 0000:01:00.0\n  iommu smmu0\n  driver nvme\n  msi its0\n  behind rp0\n}\n');
    expect(text).toContain('  reserved 0xE000_0000..0xE00F_FFFF direct-relaxable\n');
    expect(text).toContain('group group_4 : dma { nic0 nic1 }\n');
    expect(codes(text)).toEqual([]);
  });

  it('assigning one NIC function to a VM is refused for the other (same group, kernel driver)', () => {
    const plan = attachPlan(text.replace(/(device nic0 \{[^}]*?)driver ixgbe/, '$1driver vfio-pci'), 'group_4', 'domain vm : paging {\n  attach nic0\n}\n');
    expect(check(plan).diagnostics.map((d) => `${d.code}: ${d.related.map((r) => r.message).join('; ')}`)).toEqual([
      "group-not-viable: 'nic1' is bound to the kernel driver ixgbe",
    ]);
  });
});

describe('import-sysfs: a switch whose downstream ports lack ACS', () => {
  it('the kernel groups each downstream port with what is below it; the import reproduces them without declaring a group', () => {
    const { text, err } = importBoth(switchMachine());
    expect(err).toBe('');
    expect(text).toContain('group group_3 : dma { dsp0 gpu hda }\n');
    expect(text).toContain('group group_6 : dma { dsp1 nvme0 }\n');
    expect(codes(text)).toEqual([]);
    // The plan to give the GPU to a VM while the audio function stays with the host.
    const plan = attachPlan(text, 'group_3', 'domain vm : paging {\n  attach gpu_only\n}\n').replace('group group_3 : dma { dsp0 gpu hda }', 'group gpu_only { dsp0 gpu }\ngroup audio_only : dma { hda }');
    expect(check(plan).diagnostics.map((d) => `${d.severity} ${d.code} ${d.loc.file.text.slice(d.loc.span.start, d.loc.span.end)}`)).toEqual(['error group-topology audio_only']);
  });

  it('with pcie_acs_override the kernel forms finer groups: they are declared, and acs-override warns', () => {
    const { text, err } = importBoth(switchMachine({ override: true }));
    expect(err).toBe('');
    for (const g of ['group group_3 : dma { dsp0 }', 'group group_4 : dma { gpu }', 'group group_5 : dma { hda }', 'group group_6 : dma { dsp1 }', 'group group_7 : dma { nvme0 }']) expect(text).toContain(g + '\n');
    expect(check(text).diagnostics.map((d) => `${d.severity} ${d.code} ${d.loc.file.text.slice(d.loc.span.start, d.loc.span.end)}`)).toEqual([
      'warning acs-override group_4',
      'warning acs-override group_5',
      'warning acs-override group_7',
    ]);
  });

  it('groups finer than config space shows, without an override, are a kernel ACS quirk: declared as ACS the port provides', () => {
    const spec = switchMachine({ override: true });
    spec.proc!.cmdline = 'root=/dev/sda1';
    const { text, err } = importBoth(spec);
    expect(err).toBe('');
    expect(text).toContain('device dsp0 {\n  pci 0000:02:08.0\n  driver pcieport\n  msi ir\n  port downstream\n  behind usp0\n  acs sv rr cr uf    // not in config space: the kernel grouped as if (a device-specific ACS quirk)\n}\n');
    expect(text).toContain('  acs sv rr cr uf    // not in config space');
    expect(codes(text)).toEqual([]);
  });
});

describe('import-sysfs: what could not be read', () => {
  it('a cp -r copy of iommu_groups: one warning naming what is lost, the groups and regions still imported', () => {
    const root = buildMachine(LAPTOP);
    const copy = copyGroupsLikeCpR(root);
    const r = run(['import-sysfs', copy], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      "iommu-check: warning: 11 group member links lead nowhere (0000:00:02.0, 0000:00:00.0, 0000:00:14.0, 0000:00:1c.0, …): a copy made with 'cp -r' keeps the links, not the devices. " +
        'Lost for them: drivers (so group-not-viable cannot see a host driver), class names, config space (PCI topology, ACS, MSI), the IOMMU instance. ' +
        "Run 'iommu-check snapshot' on the machine and import the archive instead.\n",
    );
    expect(r.out).toContain('group group_4 : dma-fq { dev_0000_01_00_0 dev_0000_01_00_1 }');
    expect(codes(r.out)).toEqual([]);
  });

  it('config space read without root (64 bytes): no topology, MSIs from msi_irqs, and a warning', () => {
    const spec: MachineSpec = { ...LAPTOP, configBytes: 64, pci: LAPTOP.pci.map((f) => (f.bdf === '0000:02:00.0' ? { ...f, msiIrqs: [130, 131] } : f)) };
    const { text, err } = importBoth(spec);
    expect(err).toBe(
      "iommu-check: warning: config space of 11 PCI devices is only 64 bytes (read without root): PCI topology, ACS and port types are not imported, and MSI-capable devices are those with MSIs allocated now. Run 'iommu-check snapshot' as root for the full picture.\n",
    );
    expect(text).not.toMatch(/^ {2}(port|behind|acs|conventional)\b/m);
    expect(text).toContain('device nvme0 {\n  pci 0000:02:00.0\n  iommu dmar1\n  driver nvme\n  msi ir\n}\n');
    expect(text).toContain('device gpu {\n  pci 0000:01:00.0\n  iommu dmar1\n  driver nouveau\n}\n');
    expect(codes(text)).toEqual([]);
  });
});

/** `kernel X.Y` is written as a statement once the grammar has it, as a comment before. */
function supportsKernel(): boolean {
  return (TOP_LEVEL_KEYWORDS as readonly string[]).includes('kernel');
}

/** The laptop's configuration after the first line (which names the source folder). */
const LAPTOP_TEXT = `// Group ids are assigned at boot and are not stable; the groups below are those the kernel formed.

${supportsKernel() ? '' : '// '}kernel 6.8    // uname -r: 6.8.0-45-generic
cmdline "BOOT_IMAGE=/boot/vmlinuz-6.8.0-45-generic root=UUID=2f6c ro quiet splash intel_iommu=on"

// /sys/class/iommu/dmar0 at 0xFED9_0000: /sys/class/iommu/dmar0 is a VT-d unit
// MGAW 39, SAGAW 39; second-stage paging domains
// superpages none; nesting no (ecap NEST); PASID no; interrupt remapping supported
iommu dmar0 {
  model vtd
  ias 39
  pgsizes 4K
  no-nesting
  default-domain identity
}
// /sys/class/iommu/dmar1 at 0xFED9_1000: /sys/class/iommu/dmar1 is a VT-d unit
// MGAW 48, SAGAW 39/48; scalable mode, first-stage paging domains (aperture 2^47)
// superpages 2M 1G; nesting yes (ecap NEST); PASID 20 bits; interrupt remapping supported
iommu dmar1 {
  model vtd
  ias 47
  pgsizes 4K 2M 1G
  nesting
  default-domain dma-fq
}

// /proc/interrupts shows IR- (remapped) interrupt chips
irqchip ir { model x86-remap }

// /sys/kernel/iommu_groups/0, type identity
// 0000:00:02.0 display controller [8086:9a49]
device igpu {
  pci 0000:00:02.0
  iommu dmar0
  driver i915
  msi ir
  // reserved_regions of group 0
  reserved 0x7C00_0000..0x7FFF_FFFF direct
}

// /sys/kernel/iommu_groups/1, type DMA-FQ
// 0000:00:00.0 host bridge [8086:9a14]
device host {
  pci 0000:00:00.0
  iommu dmar1
  conventional
}

// /sys/kernel/iommu_groups/2, type DMA-FQ
// 0000:00:14.0 USB xHCI controller [8086:a0ed]
device xhci {
  pci 0000:00:14.0
  iommu dmar1
  driver xhci_hcd
  msi ir
  conventional
  // reserved_regions of group 2
  reserved 0x7A3A_5000..0x7A3C_4FFF direct-relaxable
}

// /sys/kernel/iommu_groups/3, type DMA-FQ
// 0000:00:1c.0 PCIe root port [8086:a0b8]
device rp0 {
  pci 0000:00:1c.0
  iommu dmar1
  driver pcieport
  msi ir
  port root
  acs sv rr cr uf dt
}

// /sys/kernel/iommu_groups/4, type DMA-FQ
// 0000:01:00.0 display controller [10de:1f95]
device gpu {
  pci 0000:01:00.0
  iommu dmar1
  driver nouveau
  msi ir
  behind rp0
}
// 0000:01:00.1 HD audio controller [10de:10fa]
device hda0 {
  pci 0000:01:00.1
  iommu dmar1
  driver snd_hda_intel
  msi ir
  behind rp0
}
group group_4 : dma-fq { gpu hda0 }

// /sys/kernel/iommu_groups/5, type DMA-FQ
// 0000:00:1d.0 PCIe root port [8086:a0b0]
device rp1 {
  pci 0000:00:1d.0
  iommu dmar1
  driver pcieport
  msi ir
  port root
  acs sv rr cr uf dt
}

// /sys/kernel/iommu_groups/6, type DMA-FQ
// 0000:02:00.0 NVMe controller [144d:a80a]
device nvme0 {
  pci 0000:02:00.0
  iommu dmar1
  driver nvme
  msi ir
  pasid 20
  behind rp1
}

// /sys/kernel/iommu_groups/7, type DMA-FQ
// 0000:00:1f.0 ISA bridge [8086:a082]
device lpc {
  pci 0000:00:1f.0
  iommu dmar1
  conventional
  // reserved_regions of group 7 (sysfs lists them per group; given on one member)
  reserved 0x0..0xFF_FFFF direct-relaxable
}
// 0000:00:1f.3 HD audio controller [8086:a0c8]
device hda1 {
  pci 0000:00:1f.3
  iommu dmar1
  driver snd_hda_intel
  msi ir
  conventional
}
// 0000:00:1f.4 SMBus controller [8086:a0a3]
device smbus {
  pci 0000:00:1f.4
  iommu dmar1
  driver i801_smbus
  conventional
}
group group_7 : dma-fq { lpc hda1 smbus }
`;
