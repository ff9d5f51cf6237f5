// import-sysfs over sysfs copies (symlinks, plain files and folders): the text it writes, and
// that the text checks cleanly.

import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/engine';
import { run, tmpTree } from './helpers';

const FIXTURES = path.join(__dirname, 'fixtures');

/** The warning for group members whose links lead nowhere (these fixtures are `cp -r` copies). */
const dangling = (names: string[]) =>
  `iommu-check: warning: ${names.length} group member link${names.length === 1 ? ' leads' : 's lead'} nowhere (${names.join(', ')}): a copy made with 'cp -r' keeps the links, not the devices. ` +
  `Lost for ${names.length === 1 ? 'it' : 'them'}: drivers (so group-not-viable cannot see a host driver), class names, config space (PCI topology, ACS, MSI), the IOMMU instance. ` +
  `Run 'iommu-check snapshot' on the machine and import the archive instead.\n`;

function importAndCheck(name: string, lost: string[]) {
  const r = run(['import-sysfs', name], { cwd: FIXTURES });
  expect(r.err).toBe(dangling(lost));
  expect(r.code).toBe(0);
  const file = '/imported/config.iommu';
  const analysis = analyze(file, { host: { read: (p) => (p === file ? r.out : undefined) } })!;
  return { text: r.out, analysis };
}

describe('import-sysfs', () => {
  it('Intel: VT-d from the MSI window, the GPU and its audio function as one group, RMRRs on the first member', () => {
    const { text, analysis } = importAndCheck('sysfs-intel', ['0000:00:14.0']);
    expect(analysis.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    expect(analysis.internalErrors).toEqual([]);
    const { config } = analysis;
    expect(config.iommus.map((i) => [i.name, i.model, i.defaultDomain])).toEqual([['iommu0', 'vtd', 'dma']]);
    expect(text).toContain('group group_1 : dma { dev_0000_01_00_0 dev_0000_01_00_1 }');
    expect(text).toContain('group group_9 : dma { dev_0000_00_1f_0 dev_0000_00_1f_3 dev_0000_00_1f_4 }');
    const dev = (n: string) => config.devices.find((d) => d.name === n)!;
    // Drivers from bus/pci/devices/*/driver (links and plain files).
    expect(dev('dev_0000_01_00_0').driver).toBe('vfio-pci');
    expect(dev('dev_0000_00_1f_3').driver).toBe('snd_hda_intel');
    // Group 12 is known only from bus/pci/devices/0000:02:00.0/iommu_group.
    expect(dev('dev_0000_02_00_0').driver).toBe('nvme');
    expect(text).toContain('// /sys/kernel/iommu_groups/12');
    // The floppy workaround region is on the first member of group 9 only; the MSI window is the IOMMU's.
    expect(dev('dev_0000_00_1f_0').ownRegions.map((r) => [r.start, r.last, r.type])).toEqual([[0n, 0xffffffn, 'direct-relaxable']]);
    expect(dev('dev_0000_00_1f_3').ownRegions).toEqual([]);
    expect(text).toContain('// reserved_regions of group 9 (sysfs lists them per group; given on one member)');
    expect(dev('dev_0000_00_14_0').ownRegions.map((r) => [r.start, r.last])).toEqual([[0x7a3a5000n, 0x7a3c4fffn]]);
    expect(text).not.toMatch(/reserved 0xFEE0/);
    expect(dev('dev_0000_01_00_1').pci).not.toBeNull();
    // Group 0's member is a folder (a copy that followed the link), not a link or a file.
    expect(dev('dev_0000_00_00_0').driver).toBe('none');
  });

  it('LX2160A (domain.md §4.2 dump 5): SMMUv3 with its SW_MSI window, the RMRs as direct-relaxable lines', () => {
    const { text, analysis } = importAndCheck('sysfs-lx2160a', ['0001:01:00.0', '0002:01:00.0', '3100000.usb']);
    expect(analysis.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    const { config } = analysis;
    expect(config.iommus[0]!.model).toBe('smmuv3');
    expect(config.iommus[0]!.swMsi && [config.iommus[0]!.swMsi.start, config.iommus[0]!.swMsi.last]).toEqual([0x8000000n, 0x80fffffn]);
    const nic = config.devices.find((d) => d.name === 'dev_0001_01_00_0')!;
    expect(nic.ownRegions.map((r) => `${r.start.toString(16)}..${r.last.toString(16)} ${r.type}`)).toEqual([
      '1000000..10ffffff direct-relaxable',
      '80c000000..81bffffff direct-relaxable',
      '1c00000000..1c001fffff direct-relaxable',
      '2080000000..209fffffff direct-relaxable',
    ]);
    expect(text).toContain('reserved 0x8_0C00_0000..0x8_1BFF_FFFF direct-relaxable');
    expect(text).not.toMatch(/reserved 0x800_0000\.\./);
    // A platform device keeps its sysfs name in a valid identifier.
    expect(config.devices.map((d) => d.name)).toContain('dev_3100000.usb');
    expect(text).not.toContain('backend');
  });

  it('AMD: amd-vi from the MSI window and the HyperTransport hole; DMA-FQ groups give default-domain dma-fq', () => {
    const { text, analysis } = importAndCheck('sysfs-amd', ['0000:00:00.2', '0000:0a:00.0', '0000:0a:00.1', '0000:0c:00.3']);
    expect(analysis.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    const iommu = analysis.config.iommus[0]!;
    expect([iommu.model, iommu.defaultDomain]).toEqual(['amd-vi', 'dma-fq']);
    expect(text).not.toMatch(/reserved 0xFD/);
    // A group whose type differs from its IOMMU's default is declared with its own type.
    expect(text).toContain('group group_15 : identity { dev_0000_0c_00_3 }');
    expect(analysis.config.groups.find((g) => g.name === 'group_15')!.defaultDomain.type).toBe('identity');
    expect(text).toContain('group group_14 : dma-fq { dev_0000_0a_00_0 dev_0000_0a_00_1 }');
  });

  it('describes an SMMU with a hardware MSI region beside SW_MSI under vfio-type1 (D05)', () => {
    const dir = tmpTree({
      'groups/5/devices/0000:81:10.0': '',
      'groups/5/reserved_regions': '0x0000000008000000 0x00000000080fffff msi\n0x00000000c6010000 0x00000000c601ffff msi\n',
      'groups/5/type': 'DMA\n',
    });
    const r = run(['import-sysfs', 'groups'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.out).toContain('backend vfio-type1');
    expect(r.out).toContain('reserved 0xC601_0000..0xC601_FFFF msi');
    const file = '/x.iommu';
    const analysis = analyze(file, { host: { read: (p) => (p === file ? r.out : undefined) } })!;
    expect(analysis.diagnostics.map((d) => d.code)).toEqual([]);
  });

  it('writes to --output, and fails in one line on a missing folder; an odd reserved_regions line is left out with a warning, the rest imported', () => {
    const dir = tmpTree({
      'g/1/devices/0000:01:00.0': '',
      'bad/1/devices/0000:01:00.0': '',
      'bad/1/reserved_regions': 'garbage\n0x00000000fee00000 0x00000000feefffff msi\n0x0000000000100000 0x00000000001fffff sw-msi-future\n0x0000000000300000 0x00000000002fffff direct\n',
    });
    expect(run(['import-sysfs', 'g', '--output', 'out.iommu'], { cwd: dir })).toEqual({ code: 0, out: '', err: '' });
    expect(run(['import-sysfs', 'nope'], { cwd: dir })).toEqual({ code: 2, out: '', err: `iommu-check: cannot read ${path.join(dir, 'nope')}: no such file or directory\n` });
    const bad = run(['import-sysfs', 'bad'], { cwd: dir });
    expect(bad.code).toBe(0);
    const file = path.join(dir, 'bad/1/reserved_regions');
    expect(bad.err).toBe(
      `iommu-check: warning: ${file}:1: not a reserved_regions line, left out: 'garbage'\n` +
        `iommu-check: warning: ${file}:3: region type 'sw-msi-future' is none of direct, direct-relaxable, reserved, msi; the region is left out\n` +
        `iommu-check: warning: ${file}:4: the range ends before it starts, left out: '0x0000000000300000 0x00000000002fffff direct'\n`,
    );
    expect(bad.out).toContain('model vtd');
    expect(run(['import-sysfs'], { cwd: dir }).code).toBe(2);
    const generic = run(['g/../out.iommu'], { cwd: dir });
    expect(generic.code).toBe(0);
  });
});
