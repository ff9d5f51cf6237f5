// import-vm: VM definitions (libvirt XML, QEMU command lines, cloud-hypervisor configs) checked
// against their hosts. The layouts equal what QEMU and cloud-hypervisor compute for the given sizes
// (their sources are cited in server/src/import/vm/layout.ts); every fixture is imported, then
// checked, and gives the refusals the kernel (or the VMM) would give at boot.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/engine';
import { run } from '../cli/helpers';
import { memoryLayout, splitByNodes, type LayoutInput } from '../../server/src/import/vm/layout';

const FIXTURES = path.join(__dirname, 'fixtures', 'vm');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'import-vm-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(tmp, f));

const G = 1n << 30n;
const base: LayoutInput = { family: 'q35', version: null, ram: 16n * G, maxmem: 16n * G, slots: 0, maxRamBelow4g: null, hole64Size: null, vendor: 'intel', physBits: null, hotplugSize: 0n };
const layout = (i: Partial<LayoutInput>) => memoryLayout({ ...base, maxmem: i.ram ?? base.ram, ...i });
const ram = (i: Partial<LayoutInput>) => layout(i).ram.map((r) => `0x${r.gpa.toString(16)}..0x${(r.gpa + r.size - 1n).toString(16)}`);

describe('memory layouts', () => {
  it('q35 (pc_q35.c): 2.75G or more splits at 2G, less stays below 4G; the VGA window is a hole', () => {
    expect(ram({ ram: 16n * G })).toEqual(['0x0..0x9ffff', '0xc0000..0x7fffffff', '0x100000000..0x47fffffff']);
    expect(ram({ ram: 0xb000_0000n - (1n << 20n) })).toEqual(['0x0..0x9ffff', '0xc0000..0xafefffff']);
    expect(ram({ ram: 0xb000_0000n })).toEqual(['0x0..0x9ffff', '0xc0000..0x7fffffff', '0x100000000..0x12fffffff']);
  });

  it('q35 with max-ram-below-4g lowers the split', () => {
    expect(ram({ ram: 4n * G, maxRamBelow4g: G })).toEqual(['0x0..0x9ffff', '0xc0000..0x3fffffff', '0x100000000..0x1bfffffff']);
    expect(layout({ ram: 4n * G, maxRamBelow4g: 5n * G }).refusals).toEqual(['max-ram-below-4g=5G is more than 4G: QEMU refuses the machine option']);
  });

  it('pc (pc_piix.c): up to 3.5G below 4G, 3G when it does not all fit', () => {
    expect(ram({ family: 'pc', ram: 0xd000_0000n })).toEqual(['0x0..0x9ffff', '0xc0000..0xcfffffff']);
    expect(ram({ family: 'pc', ram: 4n * G })).toEqual(['0x0..0x9ffff', '0xc0000..0xbfffffff', '0x100000000..0x13fffffff']);
  });

  it('the device-memory (hot-plug) area and the 64-bit PCI hole follow RAM, 1G aligned (pc.c)', () => {
    const l = layout({ ram: 16n * G, maxmem: 64n * G, slots: 4 });
    expect([l.deviceMemory, l.pciHole64]).toEqual([
      { base: 18n * G, size: 52n * G },
      { base: 70n * G, size: 32n * G },
    ]);
    expect(layout({ family: 'pc', ram: 4n * G }).pciHole64).toEqual({ base: 5n * G, size: 2n * G });
  });

  it('memory devices present at boot go into the device-memory area, in order (memory-device.c)', () => {
    const l = layout({ ram: 4n * G, maxmem: 16n * G, slots: 2, dimms: [2n * G, G] });
    expect(l.ram.slice(3).map((r) => [r.name, r.gpa, r.size])).toEqual([
      ['memory device 0', 6n * G, 2n * G],
      ['memory device 1', 8n * G, G],
    ]);
    expect(layout({ ram: 4n * G, dimms: [G] }).refusals).toEqual(['memory devices need a device-memory area: give maxmem (and slots) larger than the RAM']);
  });

  it('NUMA nodes split the RAM regions at the node boundaries (one backend per node)', () => {
    const l = layout({ ram: 16n * G });
    expect(splitByNodes(l.ram, [8n * G, 8n * G]).map((r) => `0x${r.gpa.toString(16)}+${r.size / 1024n}K ${r.name}`)).toEqual([
      '0x0+640K ram-below-4g (below the VGA window), NUMA node 0',
      '0xc0000+2096384K ram-below-4g (above the VGA window), NUMA node 0',
      '0x100000000+6291456K ram-above-4g, NUMA node 0',
      '0x280000000+8388608K ram-above-4g, NUMA node 1',
    ]);
    // a boundary inside the memory below 4G
    expect(splitByNodes(l.ram, [G, 15n * G]).map((r) => `0x${r.gpa.toString(16)}+${r.size / 1024n}K`)).toEqual(['0x0+640K', '0xc0000+1047808K', '0x40000000+1048576K', '0x100000000+14680064K']);
  });

  it('AMD CPU: RAM above 4G moves to 1T when the highest GPA reaches the HyperTransport range (7.1+)', () => {
    expect(ram({ ram: 1536n * G, vendor: 'amd', version: [8, 2] })).toEqual(['0x0..0x9ffff', '0xc0000..0x7fffffff', '0x10000000000..0x27f7fffffff']);
    expect(ram({ ram: 1536n * G, vendor: 'amd', version: [7, 0] })).toEqual(['0x0..0x9ffff', '0xc0000..0x7fffffff', '0x100000000..0x1807fffffff']);
    expect(ram({ ram: 1536n * G, vendor: 'intel', version: [8, 2] })).toEqual(['0x0..0x9ffff', '0xc0000..0x7fffffff', '0x100000000..0x1807fffffff']);
    // 978G: 4G + 976G of RAM + the 32G hole end at 1012G - 1, just below 0xFD_0000_0000: no relocation
    expect(ram({ ram: 978n * G, vendor: 'amd' })).toEqual(['0x0..0x9ffff', '0xc0000..0x7fffffff', '0x100000000..0xf4ffffffff']);
    expect(ram({ ram: 979n * G, vendor: 'amd' })[2]).toBe('0x10000000000..0x1f43fffffff');
  });

  it('phys-bits too low for the highest GPA: QEMU exits', () => {
    expect(layout({ ram: 1536n * G, physBits: 40 }).refusals).toEqual([
      'the highest guest address 0x1887FFFFFFF is beyond phys-bits 40: QEMU exits ("Address space limit 0xFFFFFFFFFF < 0x1887FFFFFFF phys-bits too low (40)", hw/i386/pc.c pc_memory_init)',
    ]);
  });

  it('Arm virt (virt.c): RAM from 1G, at most 255G', () => {
    expect(ram({ family: 'virt', ram: 8n * G })).toEqual(['0x40000000..0x23fffffff']);
    expect(layout({ family: 'virt', ram: 8n * G, maxmem: 16n * G, slots: 2 }).deviceMemory).toEqual({ base: 9n * G, size: 10n * G });
    expect(layout({ family: 'virt', ram: 300n * G }).refusals).toEqual(['300G of RAM: QEMU virt cannot model more than 255G of RAM (hw/arm/virt.c, LEGACY_RAMLIMIT_BYTES)']);
  });

  it('cloud-hypervisor (arch/src/*/layout.rs): RAM up to the 32-bit gap, the rest from 4G', () => {
    expect(ram({ family: 'ch-x86_64', ram: 16n * G })).toEqual(['0x0..0xbfffffff', '0x100000000..0x43fffffff']);
    expect(ram({ family: 'ch-x86_64', ram: 2n * G })).toEqual(['0x0..0x7fffffff']);
    expect(ram({ family: 'ch-aarch64', ram: 8n * G })).toEqual(['0x40000000..0xfbffffff', '0x100000000..0x243ffffff']);
    expect(layout({ family: 'ch-x86_64', ram: 16n * G, hotplugSize: 8n * G }).deviceMemory).toEqual({ base: 0x4_4000_0000n, size: 8n * G });
  });
});

/** Import, write the configuration next to the fixtures, check it: `code line: message` per diagnostic, with the VM places named. */
function importAndCheck(args: string[]): { code: number; err: string; text: string; found: string[] } {
  const out = path.join(tmp, `out-${args.join('-').replace(/[^A-Za-z0-9.-]/g, '_')}.iommu`);
  const r = run(['import-vm', ...args, '--output', out], { cwd: tmp });
  if (r.code === 2) throw new Error(r.err);
  const a = analyze(out)!;
  const found = a.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const pos = d.loc.file.lines.position(d.loc.span.start);
      const vm = d.related.filter((x) => x.message.startsWith('from the VM definition')).map((x) => `${path.basename(x.loc.file.path)}:${x.loc.file.lines.position(x.loc.span.start).line + 1}`);
      const line = d.loc.file.text.split('\n')[pos.line]!.replace(/\s*\/\/.*$/, '').trim();
      return `${d.code} at '${line}' [${vm.join(' ')}]`;
    });
  return { code: r.code, err: r.err, text: fs.readFileSync(out, 'utf8'), found };
}

describe('import-vm against hosts: the refusals at boot', () => {
  it('q35 with a GPU and its HDMI audio sibling, both managed: libvirt rebinds them, nothing is refused', () => {
    const r = importAndCheck(['q35-gpu.xml', '--host', 'host-desktop.iommu']);
    expect([r.code, r.err, r.found]).toEqual([0, '', []]);
    expect(r.text).toContain("  driver vfio-pci /* libvirt (managed='yes') binds it to vfio-pci at start; the host has amdgpu */");
  });

  it('the HDMI audio sibling left behind: group-not-viable, naming the <hostdev>', () => {
    const r = importAndCheck(['q35-gpu-audio-left.xml', '--host', 'host-desktop.iommu']);
    expect(r.found).toEqual(["group-not-viable at 'attach gpu' [q35-gpu-audio-left.xml:26 q35-gpu-audio-left.xml:1]"]);
  });

  it('two VMs sharing one group: group-split on the second VM\'s attach', () => {
    const r = importAndCheck(['q35-gpu-audio-left.xml', 'q35-audio-only.xml', '--host', 'host-desktop.iommu']);
    expect(r.found).toEqual(["group-split at 'attach hdmi_audio' [q35-audio-only.xml:26 q35-audio-only.xml:1 q35-gpu-audio-left.xml:26]"]);
  });

  it('a 1.5 TiB EPYC VM on an old machine type crosses the HyperTransport hole; 8.2 relocates above 1T', () => {
    expect(importAndCheck(['epyc-1.5t.xml', '--host', 'host-epyc.iommu']).found).toEqual(["map-overlaps-reserved at 'map 0x1_0000_0000 -> 0x1_C000_0000 size 1534G rw' [epyc-1.5t.xml:3 epyc-1.5t.xml:1]"]);
    expect(importAndCheck(['epyc-1.5t-q35-8.2.xml', '--host', 'host-epyc.iommu']).found).toEqual([]);
    expect(importAndCheck(['epyc-1.5t.args', '--host', 'host-epyc.iommu']).found).toEqual(["map-overlaps-reserved at 'map 0x1_0000_0000 -> 0x1_C000_0000 size 1534G rw' [epyc-1.5t.args:1 epyc-1.5t.args:1]"]);
  });

  it('Arm virt with an accelerated SMMUv3 and iommufd: a nested domain with the vIORT RMR over the host window', () => {
    const r = importAndCheck(['arm-virt-smmuv3.xml', '--host', 'host-arm.iommu']);
    expect([r.code, r.err, r.found]).toEqual([0, '', []]);
    expect(importAndCheck(['arm-virt-smmuv3.args', '--host', 'host-arm.iommu']).found).toEqual([]);
  });

  it('a 39-bit intel-iommu with RAM above 512 GiB: viommu-width', () => {
    expect(importAndCheck(['q35-viommu39-600g.xml', '--host', 'host-server.iommu']).found).toEqual(["viommu-width at 'viommu vtd ias 39' [q35-viommu39-600g.xml:20 q35-viommu39-600g.xml:1 q35-viommu39-600g.xml:3]"]);
    expect(importAndCheck(['viommu39-600g.args', '--host', 'host-server.iommu']).found).toEqual(["viommu-width at 'viommu vtd ias 39' [viommu39-600g.args:2 viommu39-600g.args:1 viommu39-600g.args:1]"]);
  });

  it('an RMRR device assigned: require-direct', () => {
    expect(importAndCheck(['q35-rmrr-raid.xml', '--host', 'host-server.iommu']).found).toEqual(["require-direct at 'attach raid' [q35-rmrr-raid.xml:8 q35-rmrr-raid.xml:1]"]);
  });

  it('a cloud-hypervisor config', () => {
    const r = importAndCheck(['ch-nvme.json', '--host', 'host-epyc.iommu']);
    expect([r.code, r.err, r.found]).toEqual([0, '', []]);
  });
});

describe('import-vm: malformed definitions are one clear error naming the element or argument', () => {
  const fail = (files: Record<string, string>, args: string[]) => {
    for (const [f, t] of Object.entries(files)) fs.writeFileSync(path.join(tmp, f), t);
    const r = run(['import-vm', ...args], { cwd: tmp });
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
    return r.err.trim();
  };
  const XML = fs.readFileSync(path.join(FIXTURES, 'q35-rmrr-raid.xml'), 'utf8');

  it('libvirt XML', () => {
    expect(fail({ 'nomem.xml': XML.replace("  <memory unit='MiB'>8192</memory>\n", '') }, ['nomem.xml'])).toBe("iommu-check: nomem.xml:1:1: <domain> has no <memory> element (the guest's RAM size)");
    expect(fail({ 'badmem.xml': XML.replace('8192', 'lots') }, ['badmem.xml'])).toBe("iommu-check: badmem.xml:3:3: <memory unit='MiB'>lots</memory> is not a size");
    expect(fail({ 'noaddr.xml': XML.replace(/<source>[\s\S]*?<\/source>/, '<source/>') }, ['noaddr.xml'])).toBe("iommu-check: noaddr.xml:8:5: <hostdev type='pci'> has no <source><address …/></source>");
    expect(fail({ 'badbus.xml': XML.replace("bus='0x03'", "bus='0x300'") }, ['badbus.xml'])).toBe("iommu-check: badbus.xml:10:9: <address> bus='0x300' is not a PCI bus (0..0xff)");
    expect(fail({ 'microvm.xml': XML.replace("machine='q35'", "machine='microvm'") }, ['microvm.xml'])).toBe("iommu-check: microvm.xml:5:5: <type machine='microvm'>: machine type 'microvm' (x86_64) is not modelled: import-vm knows q35 (pc-q35-*), pc (pc-i440fx-*) and virt (virt-*)");
    expect(fail({ 'broken.xml': XML.replace('</devices>', '</device>') }, ['broken.xml'])).toBe('iommu-check: broken.xml:12:15: not well-formed XML: Opening and ending tag mismatch: "devices" != "device"');
    expect(fail({ 'other.xml': '<network><name>default</name></network>\n' }, ['other.xml'])).toBe("iommu-check: other.xml: not a libvirt domain XML (the root element is <network>, expected <domain>; use 'virsh dumpxml NAME')");
  });

  it('a host device the host does not have', () => {
    expect(fail({ 'unknown.xml': XML.replace("bus='0x03'", "bus='0x09'") }, ['unknown.xml', '--host', 'host-server.iommu'])).toBe(
      'iommu-check: unknown.xml:8:5: <hostdev> 0000:09:00.0: the host host-server.iommu has no PCI device 0000:09:00.0 (it has 0000:03:00.0, 0000:3b:00.0, 0000:3b:00.1, 0000:5e:00.0)',
    );
  });

  it('QEMU arguments', () => {
    expect(fail({}, ['--', 'qemu-system-x86_64', '-m'])).toBe('iommu-check: argv[1]: -m needs a value');
    expect(fail({}, ['--', 'qemu-system-x86_64', '-m', 'lots'])).toBe("iommu-check: argv[2]: -m size 'lots' is not a size (e.g. 16G, 2048M)");
    expect(fail({}, ['--', 'qemu-system-x86_64', '-m', '4G', '-device', 'vfio-pci,host=zz'])).toBe('iommu-check: argv[4]: -device vfio-pci,host=zz: not a PCI address (expected 0000:01:00.0 or 01:00.0)');
    expect(fail({}, ['--', 'qemu-system-aarch64', '-m', '4G'])).toBe('iommu-check: the command line: no -machine: qemu-system-aarch64 has no default machine (use -machine virt)');
    expect(fail({ 'quote.args': "qemu-system-x86_64 -name 'win11\n" }, ['quote.args'])).toBe('iommu-check: quote.args:1:26: unterminated single quote');
  });

  it('cloud-hypervisor JSON', () => {
    expect(fail({ 'bad.json': '{ "memory": { "size": 1 }, ' }, ['bad.json'])).toMatch(/^iommu-check: bad\.json: not valid JSON \(/);
    expect(fail({ 'nomem.json': '{ "cpus": {} }' }, ['nomem.json'])).toBe(`iommu-check: nomem.json: not a cloud-hypervisor VM config (no "memory" object; expected the output of 'ch-remote info' or a vm.create body)`);
  });
});

describe('import-vm: the configuration', () => {
  it('an Arm virt VM with an accelerated SMMUv3 and iommufd, whole', () => {
    const r = run(['import-vm', 'arm-virt-smmuv3.xml', '--host', 'host-arm.iommu'], { cwd: tmp });
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(`// Imported with \`iommu-check import-vm arm-virt-smmuv3.xml --host host-arm.iommu\`: VM 'arm-guest' against the host host-arm.iommu.
// Under VFIO the VMM maps all guest RAM into the devices' IOMMU domain at IOVA = GPA: each VM below
// is one domain holding those maps. Their targets stand for the host pages the kernel pins (any
// pages; the addresses are placeholders). Provenance comments name the element or argument of the
// VM definition each statement comes from (docs/vm.md).

include "host-arm.iommu"

backend iommufd

// VM 'arm-guest' (libvirt arm-virt-smmuv3.xml): machine virt-10.1 (virt), 32G of RAM, VFIO through iommufd.
// QEMU virt: RAM from 0x4000_0000 (hw/arm/virt.c base_memmap VIRT_MEM)
// iommu-check: from arm-virt-smmuv3.xml:1:1 <domain> 'arm-guest'
domain vm_arm_guest_s2 : paging {
  nest-parent                  // stage 2: guest RAM, IPA = GPA
  map 0x4000_0000 -> 0x1_0000_0000 size 32G rw    // iommu-check: from arm-virt-smmuv3.xml:3:3 <memory> 32 GiB: mach-virt.ram
}
// iommu-check: from arm-virt-smmuv3.xml:16:5 <iommu model='smmuv3'>
domain vm_arm_guest : nested {
  parent vm_arm_guest_s2
  // iommu-check: from arm-virt-smmuv3.xml:16:5 <iommu model='smmuv3'> (QEMU's SMMUv3 output address size, IDR5.OAS: 44 bits)
  viommu smmuv3 ias 44
  // iommu-check: from arm-virt-smmuv3.xml:10:5 <hostdev> 0000:01:00.0
  attach nvme0
  rmr 0x800_0000 size 1M       // the vIORT RMR QEMU gives an accelerated SMMUv3 (MSI_IOVA_BASE, MSI_IOVA_LENGTH; hw/arm/virt-acpi-build.c build_iort_rmr_nodes)
}
`);
  });

  it('the QEMU command line gives the same domain as the libvirt XML', () => {
    const body = (args: string[]) => {
      const r = run(['import-vm', ...args, '--host', 'host-desktop.iommu'], { cwd: tmp });
      const t = r.out.slice(r.out.indexOf('domain vm_win11'));
      return t.split('\n').map((l) => l.replace(/\s*\/\/.*$/, '')).filter((l) => l.trim() !== '');
    };
    const xml = body(['q35-gpu.xml']);
    expect(xml).toEqual(['domain vm_win11 : paging {', '  attach gpu', '  attach hdmi_audio', '  map 0x0..0x9_FFFF -> 0x1_0000_0000 rw', '  map 0xC_0000..0x7FFF_FFFF -> 0x1_4000_0000 rw', '  map 0x1_0000_0000 -> 0x1_C000_0000 size 14G rw', '}']);
    expect(body(['q35-gpu.args'])).toEqual(xml);
  });

  it('QEMU by hand does not rebind: the GPU on its host driver makes its group not viable', () => {
    expect(importAndCheck(['q35-gpu.args', '--host', 'host-desktop.iommu']).found).toEqual(["group-not-viable at 'attach gpu' [q35-gpu.args:9 q35-gpu.args:3]"]);
  });

  it('arguments after -- are named by their position', () => {
    const r = run(['import-vm', '--host', 'host-epyc.iommu', '--', 'qemu-system-x86_64', '-machine', 'q35', '-m', '8G', '-device', 'vfio-pci,host=42:00.0'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.out).toContain('  // iommu-check: from argv[6] -device vfio-pci,host=42:00.0\n  attach nvme0\n');
    expect(r.out).toContain('  map 0x1_0000_0000 -> 0x1_C000_0000 size 6G rw    // iommu-check: from argv[4] -m 8G: ram-above-4g\n');
  });

  it('libvirt NUMA cells split the maps; <qemu:commandline> max-ram-below-4g moves the split', () => {
    const xml = fs.readFileSync(path.join(FIXTURES, 'q35-rmrr-raid.xml'), 'utf8')
      .replace("<domain type='kvm'>", "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>")
      .replace('  <devices>', "  <cpu mode='host-passthrough'>\n    <numa>\n      <cell id='0' cpus='0-3' memory='4096' unit='MiB'/>\n      <cell id='1' cpus='4-7' memory='4096' unit='MiB'/>\n    </numa>\n  </cpu>\n  <devices>")
      .replace('</domain>', "  <qemu:commandline>\n    <qemu:arg value='-machine'/>\n    <qemu:arg value='max-ram-below-4g=1G'/>\n  </qemu:commandline>\n</domain>");
    fs.writeFileSync(path.join(tmp, 'numa.xml'), xml);
    const r = run(['import-vm', 'numa.xml', '--host', 'host-server.iommu'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => l.startsWith('  map ')).map((l) => l.replace(/ rw .*$/, ''))).toEqual([
      '  map 0x0..0x9_FFFF -> 0x1_0000_0000',
      '  map 0xC_0000..0x3FFF_FFFF -> 0x1_4000_0000',
      '  map 0x1_0000_0000 -> 0x1_8000_0000 size 3G',
      '  map 0x1_C000_0000 -> 0x2_4000_0000 size 4G',
    ]);
    expect(r.out).toContain("// q35 puts at most 2G of RAM below 4G, at most max-ram-below-4g=1G (hw/i386/pc_q35.c)");
  });

  it('a libvirt DIMM is mapped where QEMU plugs it, named by its element', () => {
    const xml = fs.readFileSync(path.join(FIXTURES, 'q35-rmrr-raid.xml'), 'utf8')
      .replace("<memory unit='MiB'>8192</memory>", "<maxMemory slots='4' unit='GiB'>32</maxMemory>\n  <memory unit='MiB'>8192</memory>")
      .replace('  </devices>', "    <memory model='dimm'>\n      <target><size unit='GiB'>2</size><node>0</node></target>\n    </memory>\n  </devices>");
    fs.writeFileSync(path.join(tmp, 'dimm.xml'), xml);
    const r = run(['import-vm', 'dimm.xml', '--host', 'host-server.iommu'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.out).toContain('  map 0x1_0000_0000 -> 0x1_C000_0000 size 4G rw    // iommu-check: from dimm.xml:4:3 <memory> 8192 MiB: ram-above-4g\n');
    expect(r.out).toContain("  map 0x2_0000_0000 -> 0x2_C000_0000 size 2G rw    // iommu-check: from dimm.xml:14:5 <memory model='dimm'>: memory device 0\n");
  });

  it('what QEMU refuses at start is an error, and the configuration is still written', () => {
    const r = run(['import-vm', '--', 'qemu-system-x86_64', '-machine', 'q35', '-m', '8G', '-device', 'intel-iommu,aw-bits=48', '-device', 'vfio-pci,host=01:00.0'], { cwd: tmp });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'iommu-check: error: argv[6]: intel-iommu without caching-mode=on: QEMU refuses to assign 0000:01:00.0 behind it ("We need to set caching-mode=on for intel-iommu to enable device assignment with IOMMU protection", hw/i386/intel_iommu.c)\n',
    );
    expect(r.out).toContain('device dev_0000_01_00_0 { pci 0000:01:00.0  driver vfio-pci }');
    expect(r.out).toContain('  viommu vtd ias 48\n');
  });

  it('a sysfs root as the host is imported and embedded', () => {
    const sysfs = path.join(__dirname, '..', 'cli', 'fixtures', 'sysfs-amd');
    const xml = fs.readFileSync(path.join(FIXTURES, 'epyc-1.5t.xml'), 'utf8').replace("bus='0x41'", "bus='0x0a'").replace("bus='0x42' slot='0x00' function='0x0'", "bus='0x0c' slot='0x00' function='0x3'");
    fs.writeFileSync(path.join(tmp, 'epyc-sysfs.xml'), xml);
    const r = importAndCheck(['epyc-sysfs.xml', '--host', sysfs]);
    expect(r.text).toContain('// ---- the host: the machine ');
    expect(r.found).toEqual(["map-overlaps-reserved at 'map 0x1_0000_0000 -> 0x1_C000_0000 size 1534G rw' [epyc-sysfs.xml:3 epyc-sysfs.xml:1]"]);
  });
});
