// Groups derived from the PCI topology (pci_device_group), the model's placement of devices in
// no declared group, the topology's own diagnostics, and the device hover that says why.

import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/engine';
import { hover } from '../../server/src/ide/hover';
import { withCursor } from '../ide/helpers';

function config(text: string) {
  const file = '/t/topology.iommu';
  const a = analyze(file, { host: { read: (p) => (p === file ? text : undefined) } })!;
  return a;
}
/** The groups as member lists, in the model's order. */
const groups = (text: string) => config(text).config.groups.map((g) => `${g.implicit ? '' : g.name + ': '}${g.members.map((m) => m.name).join(' ')}`);
const diags = (text: string) => config(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

const HEAD = 'iommu vtd0 { model vtd }\n';

describe('derived groups', () => {
  it('a root port without ACS takes everything below it; with ACS each device below is its own group', () => {
    const t = `${HEAD}device rp { pci 00:1c.0 port root }
device usp { pci 01:00.0 port upstream behind rp }
device dsp { pci 02:00.0 port downstream behind usp acs sv rr cr uf }
device nic { pci 03:00.0 behind dsp }
`;
    expect(groups(t)).toEqual(['rp usp dsp nic']);
    expect(groups(t.replace('port root', 'port root acs sv rr cr uf'))).toEqual(['rp', 'usp', 'dsp', 'nic']);
    // An ACS capability without RR is not enough; one that does not implement RR would list it (the kernel counts it).
    expect(groups(t.replace('port root', 'port root acs sv cr uf'))).toEqual(['rp usp dsp nic']);
  });

  it('a downstream port without ACS shares its group with what is below it, not with its sibling ports', () => {
    const t = `${HEAD}device rp { pci 00:01.0 port root acs sv rr cr uf }
device usp { pci 01:00.0 port upstream behind rp }
device dsp0 { pci 02:08.0 port downstream behind usp }
device dsp1 { pci 02:10.0 port downstream behind usp }
device gpu { pci 03:00.0 behind dsp0 }
device nvme { pci 04:00.0 behind dsp1 }
`;
    expect(groups(t)).toEqual(['rp', 'usp', 'dsp0 gpu', 'dsp1 nvme']);
  });

  it('conventional devices behind a PCIe-to-PCI bridge share the bridge group (DMA alias), whatever ACS is above', () => {
    const t = `${HEAD}device rp { pci 00:1c.0 port root acs sv rr cr uf }
device br { pci 01:00.0 port pcie-to-pci behind rp }
device a { pci 02:00.0 conventional behind br }
device b { pci 02:01.0 conventional behind br }
`;
    expect(groups(t)).toEqual(['rp', 'br a b']);
  });

  it('functions of a multifunction device without ACS share a group; a function with ACS stays apart', () => {
    const t = `${HEAD}device rp { pci 00:1c.0 port root acs sv rr cr uf }
device f0 { pci 01:00.0 behind rp }
device f1 { pci 01:00.1 behind rp }
device f2 { pci 01:00.2 behind rp acs sv rr cr uf }
`;
    expect(groups(t)).toEqual(['rp', 'f0 f1', 'f2']);
    // Root-bus functions (a PCH) group the same way.
    expect(groups(`${HEAD}device lpc { pci 00:1f.0 conventional }\ndevice hda { pci 00:1f.3 conventional }\ndevice smbus { pci 00:1f.4 conventional }\n`)).toEqual(['lpc hda smbus']);
  });

  it('devices in no declared group join the declared group of their derived group', () => {
    const t = `${HEAD}device rp { pci 00:1c.0 port root acs sv rr cr uf }
device gpu { pci 01:00.0 behind rp driver vfio-pci }
device audio { pci 01:00.1 behind rp driver snd_hda_intel }
group g { gpu }
domain vm : paging { attach g }
`;
    expect(groups(t)).toEqual(['g: gpu audio', 'rp']);
    expect(diags(t).map((d) => d.split(':')[0])).toEqual(['group-not-viable']);
  });

  it('behind must name a bridge, and must not loop', () => {
    expect(diags(`${HEAD}device a { pci 01:00.0 behind b }\ndevice b { pci 00:01.0 }\n`)).toEqual([
      "bad-value: 'b' is not a bridge: a device sits behind a root port, a switch port or a PCI bridge (give 'b' a 'port')",
    ]);
    expect(diags(`${HEAD}device a { pci 01:00.0 port downstream behind b }\ndevice b { pci 02:00.0 port upstream behind a }\n`)).toEqual(["bad-value: 'behind' makes a cycle: a → b → a"]);
    expect(diags(`${HEAD}device a { pci 01:00.0 port sideways }\n`)).toEqual([
      "bad-value: 'sideways' is not a valid port kind; expected 'root', 'upstream', 'downstream', 'pcie-to-pci', 'pci-to-pcie'",
    ]);
  });

  it('SR-IOV virtual functions are their own requester IDs, never functions of a multifunction device', () => {
    // The VFs share a slot number (01:10.x) but pci_iov_add_virtfn clears multifunction: each is its own group below an ACS port.
    const t = `${HEAD}device rp { pci 00:1c.0 port root acs sv rr cr uf }
device pf { pci 01:00.0 behind rp }
device vf0 { pci 01:10.0 physfn pf }
device vf1 { pci 01:10.1 physfn pf }
device vf2 { pci 01:10.2 physfn pf }
`;
    expect(groups(t)).toEqual(['rp', 'pf', 'vf0', 'vf1', 'vf2']);
    // Without the physfn lines the same addresses are three functions of one device lacking ACS.
    expect(groups(t.replace(/ physfn pf/g, ' behind rp'))).toEqual(['rp', 'pf', 'vf0 vf1 vf2']);
    // Below a root port without ACS, VFs sit in the port's group like their PF (they inherit its place).
    expect(groups(t.replace('port root acs sv rr cr uf', 'port root'))).toEqual(['rp pf vf0 vf1 vf2']);
  });

  it('physfn names a physical function', () => {
    expect(diags(`${HEAD}device pf { pci 01:00.0 }
device vf { pci 01:10.0 physfn vf }
`)).toEqual(["bad-value: device 'vf' cannot be its own physical function"]);
    expect(diags(`${HEAD}device pf { pci 01:00.0 }
device vf { pci 01:10.0 physfn pf }
device vf2 { pci 01:10.1 physfn vf }
`)).toEqual([
      "bad-value: 'vf' is itself a virtual function (of 'pf'): a VF's 'physfn' names the physical function",
    ]);
    expect(diags(`${HEAD}device vf { pci 01:10.0 physfn nowhere }
`).map((d) => d.split(':')[0])).toEqual(['unknown-name']);
  });

  it('a quirk DMA alias to an existing function merges the groups; an alias to a phantom function changes nothing', () => {
    const t = `${HEAD}device rp { pci 00:1c.0 port root acs sv rr cr uf }
device sata { pci 03:00.0 behind rp acs sv rr cr uf dma-alias 03:00.1 }
device ide { pci 03:00.1 behind rp acs sv rr cr uf }
`;
    expect(groups(t)).toEqual(['rp', 'sata ide']);
    expect(groups(t.replace('dma-alias 03:00.1', 'dma-alias 03:00.2'))).toEqual(['rp', 'sata', 'ide']);
    expect(diags(t.replace('dma-alias 03:00.1', 'dma-alias 04:00.1'))).toEqual([
      "bad-value: DMA alias 04:00.1 is not on sata's bus 0000:03: the kernel's DMA aliases are functions of the device's own bus (dma_alias_mask)",
    ]);
    expect(diags(`${HEAD}device x { dma-alias }
`).map((d) => d.split(':')[0])).toEqual(['syntax']);
  });

  it('group NAME : TYPE sets the group default domain type', () => {
    const a = config(`${HEAD}device igpu { pci 00:02.0 }\ngroup gfx : identity { igpu }\n`);
    expect(a.config.groups[0]!.defaultDomain.type).toBe('identity');
    expect(diags(`${HEAD}device igpu { pci 00:02.0 }\ngroup gfx : paging { igpu }\n`)[0]).toBe(
      "bad-value: 'paging' is not a valid group default domain type; expected 'dma', 'dma-fq', 'identity', 'blocked'",
    );
  });
});

describe('hover on a device says why it is grouped', () => {
  it('names the bridge and the missing ACS flags', () => {
    const text = `${HEAD}device rp { pci 00:1c.0 port root acs sv cr uf driver pcieport }
device n$0ic { pci 01:00.0 behind rp driver vfio-pci }
`;
    const { a, file, offset } = withCursor(text);
    const h = hover(a, file, offset)!.contents;
    expect(h).toContain('- group: derived from the PCI topology (rp, **nic**)\n');
    expect(h).toContain(
      '- topology: rp (0000:00:1c.0) above it lacks ACS RR: peer-to-peer below it bypasses the IOMMU (pci_acs_path_enabled, REQ_ACS_FLAGS SV RR CR UF)\n',
    );
  });
});
