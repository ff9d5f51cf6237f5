// Unit tests of the translation model: resolve() for every domain type and both nesting
// approaches, PASID attachments, permissions, SW_MSI slot assignment per backend, hardware MSI
// windows, and the 64-bit edges.

import { describe, expect, it } from 'vitest';
import { analyzeFixture } from '../helpers/check';
import { formatResolution, type Access, type Resolution } from '../../server/src/model/translation';
import type { Analysis } from '../../server/src/engine';

function tx(text: string): Analysis {
  return analyzeFixture(text);
}

function res(a: Analysis, device: string, address: bigint, access: Access | null = 'write', pasid: bigint | null = null): Resolution {
  const d = a.config.devices.find((x) => x.name === device);
  if (!d) throw new Error(`no device ${device}`);
  return a.tx.resolve(d, pasid, address, access);
}

/** The end as a short string: `PA 0x…`, `its0 0x…`, `irq 0x…` or `fault:<cause>`. */
function end(r: Resolution): string {
  const e = r.end;
  if (e.kind === 'fault') return `fault:${e.cause}`;
  if (e.interrupt) return `irq ${'0x' + e.pa.toString(16)}`;
  return `${e.irqchip ? e.irqchip.name : 'PA'} 0x${e.pa.toString(16)}`;
}

const ARM = `backend iommufd
page-size 4K
iommu smmu0 { model smmuv3 ias 48 oas 44 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
`;

describe('resolve: single-stage domain types', () => {
  const a = tx(`${ARM}
device b { pci 00:01.0 msi its0 }
device i { pci 00:02.0 msi its0 driver nvme }
device dm { pci 00:03.0 msi its0 driver ahci reserved 0x100_0000..0x10FF_FFFF direct-relaxable reserved 0xEC00_0000 size 64K direct }
device fq { pci 00:04.0 driver ixgbe }
device p { pci 00:05.0 msi its0 driver vfio-pci }
domain blk : blocked { attach b }
domain pt : identity { attach i }
domain host : dma { attach dm map 0x4000_0000 -> 0x80_0000_0000 size 2M }
domain lazy : dma-fq { attach fq map 0x1000 -> 0x9000 size 4K r }
domain vm : paging { attach p map 0x1_0000_0000 -> 0x80_0000_0000 size 1G map 0x2_0000_0000 -> 0x90_0000_0000 size 4K r }
`);
  it('blocked faults', () => {
    expect(end(res(a, 'b', 0x1000n))).toBe('fault:blocked');
    expect(res(a, 'b', 0x1000n).domain?.name).toBe('blk');
  });
  it('identity: PA = IOVA, and the doorbell is recognised', () => {
    expect(end(res(a, 'i', 0x1234_5678n))).toBe('PA 0x12345678');
    expect(end(res(a, 'i', 0x0809_0040n))).toBe('its0 0x8090040');
  });
  it('dma: explicit maps, then identity maps of direct and direct-relaxable regions', () => {
    expect(end(res(a, 'dm', 0x4000_0010n))).toBe('PA 0x8000000010');
    expect(end(res(a, 'dm', 0x800_0040n))).toBe('PA 0x8000040'); // relaxable identity covers the SW_MSI base (T6)
    expect(end(res(a, 'dm', 0xEC00_1000n))).toBe('PA 0xec001000');
    expect(end(res(a, 'dm', 0x3000_0000n))).toBe('fault:unmapped');
  });
  it('dma-fq: same as dma; a read-only map refuses writes', () => {
    expect(end(res(a, 'fq', 0x1008n, 'read'))).toBe('PA 0x9008');
    expect(end(res(a, 'fq', 0x1008n, 'write'))).toBe('fault:read-only');
    expect(end(res(a, 'fq', 0x1008n, null))).toBe('PA 0x9008');
  });
  it('paging: explicit maps, SW_MSI slot first, aperture fault past 2^ias', () => {
    expect(end(res(a, 'p', 0x1_0000_1000n))).toBe('PA 0x8000001000');
    expect(end(res(a, 'p', 0x800_0040n))).toBe('its0 0x8090040');
    expect(end(res(a, 'p', 0x1_0000_0000_0000n))).toBe('fault:aperture');
    expect(end(res(a, 'p', 0xffff_ffff_ffffn))).toBe('fault:unmapped');
  });
  it('read-only maps: write faults, read passes; write-only SW_MSI map under vfio-type1 refuses reads', () => {
    expect(end(res(a, 'p', 0x2_0000_0010n, 'write'))).toBe('fault:read-only');
    expect(end(res(a, 'p', 0x2_0000_0010n, 'read'))).toBe('PA 0x9000000010');
    const v = tx(`backend vfio-type1
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device p { msi its0 driver vfio-pci }
domain vm : paging { attach p }
`);
    expect(end(res(v, 'p', 0x800_0040n, 'write'))).toBe('its0 0x8090040');
    expect(end(res(v, 'p', 0x800_0040n, 'read'))).toBe('fault:write-only');
  });
  it('iommufd installs the SW_MSI map read-write (IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO)', () => {
    expect(end(res(a, 'p', 0x800_0040n, 'read'))).toBe('its0 0x8090040');
  });
});

describe('resolve: nesting', () => {
  const rmr = tx(`${ARM}
device vf0 { pci 01:00.1 msi its0 driver vfio-pci }
device vf1 { pci 01:00.2 msi its0 driver vfio-pci }
device vf2 { pci 01:00.3 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
  attach vf0
  rmr 0x800_0000 size 1M
  map 0x1_0000_0000 -> 0x4000_0000 size 1G
  map 0x1_4000_0000 -> 0x9000_0000 size 4K
}
domain byp : nested { parent s2 stage1 bypass attach vf1 }
domain ab : nested { parent s2 stage1 abort attach vf2 }
`);
  it('RMR approach: gIOVA 0x800_0040 -> IPA 0x800_0040 -> its0', () => {
    const r = res(rmr, 'vf0', 0x800_0040n);
    expect(end(r)).toBe('its0 0x8090040');
    expect(r.hops.map((h) => h.stage)).toEqual(['stage-1', 'stage-2']);
    expect(r.hops[0]!.output).toBe(0x800_0040n);
    expect(formatResolution(r).join('\n')).toContain('rmr identity map');
  });
  it('translate: gIOVA -> IPA -> PA; stage-1 and stage-2 misses', () => {
    expect(end(res(rmr, 'vf0', 0x1_0000_2000n))).toBe('PA 0x8000002000');
    expect(end(res(rmr, 'vf0', 0x2_0000_0000n))).toBe('fault:stage1-unmapped');
    const r = res(rmr, 'vf0', 0x1_4000_0000n);
    expect(end(r)).toBe('fault:stage2-unmapped');
    expect(r.end.kind === 'fault' && r.end.at).toBe(0x9000_0000n);
  });
  it('the RMR page next to the slot is not mapped at stage 2', () => {
    expect(end(res(rmr, 'vf0', 0x801_0000n))).toBe('fault:stage2-unmapped');
  });
  it('bypass: IPA = gIOVA; abort faults at stage 1', () => {
    expect(end(res(rmr, 'vf1', 0x4000_2000n))).toBe('PA 0x8000002000');
    expect(end(res(rmr, 'vf1', 0x800_0040n))).toBe('its0 0x8090040');
    expect(end(res(rmr, 'vf2', 0x4000_2000n))).toBe('fault:stage1-abort');
  });
  it('msi-bind approach: 0xFFBF_0040 -> GPA 0x0809_0040 -> PA doorbell', () => {
    const a = tx(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
  attach vf
  msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
  map 0xFFBF_0000 -> 0x0809_0000 size 4K w
}
`);
    const r = res(a, 'vf', 0xFFBF_0040n);
    expect(end(r)).toBe('its0 0x8090040');
    expect(r.hops.map((h) => h.output)).toEqual([0x0809_0040n, 0x0809_0040n]);
    const p = a.tx.programmedAddress(a.config.devices[0]!);
    expect(p.kind === 'address' && p.address).toBe(0xFFBF_0040n);
    // no SW_MSI slot for a device whose domain uses msi-bind
    expect(a.tx.deviceSlots.size).toBe(0);
    expect(end(res(a, 'vf', 0x800_0040n))).toBe('fault:stage1-unmapped');
  });
  it('nested maps take priority over the RMR identity maps (language.md §9)', () => {
    const a = tx(`${ARM}
device vf { pci 01:00.1 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested { parent s2 attach vf rmr 0x800_0000 size 1M map 0x800_0000 -> 0x4000_0000 size 4K }
`);
    expect(end(res(a, 'vf', 0x800_0040n))).toBe('PA 0x8000000040');
  });
});

describe('resolve: PASID', () => {
  const a = tx(`${ARM}
device acc { pci 03:00.0 msi its0 driver vfio-pci pasid 8 }
domain rid : paging { attach acc map 0x1000_0000 -> 0x80_0000_0000 size 1M }
domain sva : paging { attach acc pasid 5 map 0x1000_0000 -> 0x81_0000_0000 size 1M }
`);
  it('the PASID domain is used for PASID traffic, the RID domain otherwise', () => {
    expect(end(res(a, 'acc', 0x1000_0000n))).toBe('PA 0x8000000000');
    const r = res(a, 'acc', 0x1000_0000n, 'write', 5n);
    expect(end(r)).toBe('PA 0x8100000000');
    expect(r.domain?.name).toBe('sva');
  });
  it('a PASID with nothing attached faults', () => {
    expect(end(res(a, 'acc', 0x1000_0000n, 'write', 6n))).toBe('fault:no-pasid-domain');
  });
  it('MSIs are RID traffic: the programmed address comes from the RID domain', () => {
    const p = a.tx.programmedAddress(a.config.devices[0]!);
    expect(p.kind === 'address' && p.address).toBe(0x800_0040n);
  });
});

describe('SW_MSI slots', () => {
  const chips = (n: number) => Array.from({ length: n }, (_, i) => `irqchip its${i} { model gicv3-its base 0x${(0x1000_0000 + i * 0x2_0000).toString(16)} }`).join('\n');
  const devs = (n: number, dom: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => `device d${i} { pci 01:${(i >> 3).toString(16)}.${i & 7} msi its${i} driver vfio-pci }\ndomain ${dom(i)}_${i} : paging { attach d${i} }`).join('\n');
  const addr = (a: Analysis, name: string) => {
    const p = a.tx.programmedAddress(a.config.devices.find((d) => d.name === name)!);
    return p.kind === 'address' ? p.address : p.kind;
  };

  it('iommufd: one global sequence across domains, the same doorbell gets the same IOVA', () => {
    const a = tx(`backend iommufd
iommu smmu0 { model smmuv3 }
${chips(3)}
${devs(3, () => 'vm')}
device e { pci 02:00.0 msi its0 driver vfio-pci }
domain other : paging { attach e }
`);
    expect(addr(a, 'd0')).toBe(0x800_0040n);
    expect(addr(a, 'd1')).toBe(0x800_1040n);
    expect(addr(a, 'd2')).toBe(0x800_2040n);
    expect(addr(a, 'e')).toBe(0x800_0040n);
    expect(end(res(a, 'd2', 0x800_2040n))).toBe('its2 0x10050040');
    expect(end(res(a, 'd2', 0x800_0040n))).toBe('fault:unmapped'); // slot 0 is mapped only where it is used
  });

  it('iommufd: at most 64 maps per context; the 65th is exhausted', () => {
    const a = tx(`backend iommufd
iommu smmu0 { model smmuv3 }
${chips(65)}
${devs(65, () => 'vm')}
`);
    expect(addr(a, 'd63')).toBe(0x800_0000n + 63n * 0x1000n + 0x40n);
    expect(addr(a, 'd64')).toBe('exhausted');
    expect(a.tx.deviceSlots.get(a.config.devices[64]!)!.full).toBe('iommufd-64');
  });

  it('iommufd: the page offset counts per window start (iommufd_sw_msi_get_map)', () => {
    const a = tx(`backend iommufd
iommu smmu0 { model smmuv3 }
${chips(3)}
device d0 { pci 01:00.0 msi its0 driver vfio-pci }
device d1 { pci 01:00.1 msi its1 driver vfio-pci sw-msi 0x7000_0000 size 1M }
device d2 { pci 01:00.2 msi its2 driver vfio-pci }
domain a : paging { attach d0 }
domain b : paging { attach d1 }
domain c : paging { attach d2 }
`);
    expect(addr(a, 'd0')).toBe(0x800_0040n);
    expect(addr(a, 'd1')).toBe(0x7000_0040n); // per-device window: its own sequence
    expect(addr(a, 'd2')).toBe(0x800_1040n);
  });

  it('vfio-type1: one sequence per domain', () => {
    const a = tx(`backend vfio-type1
iommu smmu0 { model smmuv3 }
${chips(3)}
device d0 { pci 01:00.0 msi its0 driver vfio-pci }
device d1 { pci 01:00.1 msi its1 driver vfio-pci }
device d2 { pci 01:00.2 msi its2 driver vfio-pci }
domain a : paging { attach d0 attach d1 }
domain b : paging { attach d2 }
`);
    expect(addr(a, 'd0')).toBe(0x800_0040n);
    expect(addr(a, 'd1')).toBe(0x800_1040n);
    expect(addr(a, 'd2')).toBe(0x800_0040n);
    expect(end(res(a, 'd2', 0x800_0040n))).toBe('its2 0x10050040');
  });

  it('a window smaller than the doorbells it needs: the slot past its end is mapped all the same', () => {
    const a = tx(`backend vfio-type1
iommu smmu0 { model smmuv3 sw-msi 0x800_0000 size 4K }
${chips(2)}
device d0 { pci 01:00.0 msi its0 driver vfio-pci }
device d1 { pci 01:00.1 msi its1 driver vfio-pci }
domain a : paging { attach d0 attach d1 }
`);
    // iommu_dma_get_msi_page never checks the window length: slot 1 lands at 0x800_1000
    expect(addr(a, 'd1')).toBe(0x800_1040n);
    expect(a.tx.deviceSlots.get(a.config.devices[1]!)!.full).toBe('window');
    // neither iommufd_sw_msi_get_map nor the MSI cookie checks the window: the page past it is mapped all the same
    expect(end(res(a, 'd1', 0x800_1040n))).toBe('its1 0x10030040');
  });

  it('devices whose driver enables no MSIs (none, pci-stub) take no slot', () => {
    const a = tx(`backend iommufd
iommu smmu0 { model smmuv3 }
${chips(3)}
device d0 { pci 01:00.0 msi its0 }
device d1 { pci 01:00.1 msi its1 driver pci-stub }
device d2 { pci 01:00.2 msi its2 driver vfio-pci }
domain a : paging { attach d0 attach d1 attach d2 }
`);
    expect(a.tx.deviceSlots.has(a.config.devices[0]!)).toBe(false);
    expect(a.tx.deviceSlots.has(a.config.devices[1]!)).toBe(false);
    expect(addr(a, 'd2')).toBe(0x800_0040n);
    expect(end(res(a, 'd2', 0x800_0040n))).toBe('its2 0x10050040');
  });

  it('dma-api: no implicit maps; from v6.15 MSIs of the cookie-less domain fail to allocate', () => {
    const a = tx(`backend dma-api
iommu smmu0 { model smmuv3 }
${chips(1)}
device d0 { pci 01:00.0 msi its0 driver vfio-pci }
domain a : paging { attach d0 }
`);
    expect(a.tx.deviceSlots.size).toBe(0);
    expect(addr(a, 'd0')).toBe('unsupported');
  });

  it('dma-api before v6.15: the physical doorbell is programmed', () => {
    const a = tx(`backend dma-api
kernel 6.14
iommu smmu0 { model smmuv3 }
${chips(1)}
device d0 { pci 01:00.0 msi its0 driver vfio-pci }
domain a : paging { attach d0 }
`);
    expect(a.tx.deviceSlots.size).toBe(0);
    expect(addr(a, 'd0')).toBe(0x1001_0040n);
    expect(end(res(a, 'd0', 0x1001_0040n))).toBe('fault:unmapped');
  });

  it('devices whose driver allocates no MSIs (none, pci-stub) take no slot; the numbering of the others follows', () => {
    const a = tx(`backend iommufd
iommu smmu0 { model smmuv3 }
${chips(3)}
device d0 { pci 01:00.0 msi its0 driver none }
device d1 { pci 01:00.1 msi its1 driver pci-stub }
device d2 { pci 01:00.2 msi its2 driver vfio-pci }
device d3 { pci 01:00.3 msi its0 }
domain vm : paging { attach d0 attach d1 attach d2 attach d3 }
`);
    expect(addr(a, 'd0')).toBe('none');
    expect(addr(a, 'd1')).toBe('none');
    expect(addr(a, 'd3')).toBe('none'); // no driver line: driver none
    expect(addr(a, 'd2')).toBe(0x800_0040n);
    expect(a.tx.deviceSlots.size).toBe(1);
  });

  it('vfio-type1: the cookie is made at the window of the first group attached (attach order, not declaration order)', () => {
    const a = tx(`backend vfio-type1
iommu smmu0 { model smmuv3 }
${chips(2)}
device d0 { pci 01:00.0 msi its0 driver vfio-pci }
device d1 { pci 01:00.1 msi its1 driver vfio-pci reserved 0x900_0000 size 1M sw-msi }
domain vm : paging { attach d1 attach d0 }
`);
    // d1's group came first: the cookie starts at 0x900_0000; slots go by first MSI use (d0 first)
    expect(addr(a, 'd0')).toBe(0x900_0040n);
    expect(addr(a, 'd1')).toBe(0x900_1040n);
  });

  it('vfio-type1: a first group with a hardware MSI region leaves the domain without a cookie (R23 per group)', () => {
    const text = (kernel: string) => `backend vfio-type1
${kernel}
iommu smmu0 { model smmuv3 }
${chips(2)}
device d0 { pci 01:00.0 driver vfio-pci reserved 0xd000_0000 size 64K msi }
device d0b { pci 01:00.1 msi its0 driver vfio-pci }
group g0 { d0 d0b }
device d1 { pci 02:00.0 msi its1 driver vfio-pci }
domain vm : paging { attach g0 attach d1 }
`;
    const a = tx(text(''));
    expect(a.tx.deviceSlots.size).toBe(0);
    expect(addr(a, 'd0b')).toBe('unsupported'); // its sibling's region decides for the whole group
    expect(addr(a, 'd1')).toBe('unsupported'); // a later group gets no cookie of its own
    const old = tx(text('kernel 6.12'));
    expect(addr(old, 'd1')).toBe(0x1003_0040n); // before v6.15: the physical doorbell
  });

  it('vfio-type1: a later group with a hardware MSI region uses the cookie of the first', () => {
    const a = tx(`backend vfio-type1
iommu smmu0 { model smmuv3 }
${chips(2)}
device d0 { pci 01:00.0 msi its0 driver vfio-pci }
device d1 { pci 02:00.0 msi its1 driver vfio-pci reserved 0xd000_0000 size 64K msi }
domain vm : paging { attach d0 attach d1 }
`);
    expect(addr(a, 'd1')).toBe(0x800_1040n);
  });

  it('iommufd before v6.15: a write-only MSI cookie per domain, like VFIO type1', () => {
    const a = tx(`backend iommufd
kernel 6.8
iommu smmu0 { model smmuv3 }
${chips(2)}
device d0 { pci 01:00.0 msi its0 driver vfio-pci }
device d1 { pci 01:00.1 msi its1 driver vfio-pci }
domain a : paging { attach d0 }
domain b : paging { attach d1 }
`);
    expect(addr(a, 'd0')).toBe(0x800_0040n);
    expect(addr(a, 'd1')).toBe(0x800_0040n); // its own domain, its own sequence
    expect(end(res(a, 'd1', 0x800_0040n, 'read'))).toBe('fault:write-only');
  });

  it('iommufd before v6.15: a nested domain has no cookie, its devices keep the physical doorbell', () => {
    const a = tx(`backend iommufd
kernel 6.14
iommu smmu0 { model smmuv3 }
${chips(1)}
device vf { pci 01:00.0 msi its0 driver vfio-pci }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested { parent s2 attach vf rmr 0x800_0000 size 1M }
`);
    expect(addr(a, 'vf')).toBe(0x1001_0040n);
    expect(a.tx.deviceSlots.size).toBe(0);
  });
  it('a per-device sw-msi window replaces the IOMMU\'s', () => {
    const a = tx(`${ARM}
device d0 { pci 01:00.0 msi its0 driver vfio-pci sw-msi 0x7000_0000 size 2M }
domain a : paging { attach d0 }
`);
    expect(a.tx.swMsiWindow(a.config.devices[0]!)?.start).toBe(0x7000_0000n);
    expect(addr(a, 'd0')).toBe(0x7000_0040n);
    expect(end(res(a, 'd0', 0x800_0040n))).toBe('fault:unmapped');
  });
});

describe('hardware MSI windows (never translated)', () => {
  it('x86: the 0xFEE window is delivered as an interrupt, whatever the domain', () => {
    const a = tx(`backend iommufd
iommu dmar0 { model vtd }
irqchip ir { model x86-remap }
device gpu { pci 01:00.0 msi ir driver vfio-pci }
domain off : blocked { attach gpu }
`);
    const r = res(a, 'gpu', 0xFEE0_1000n);
    expect(end(r)).toBe('irq 0xfee01000');
    expect(r.end.kind === 'address' && r.end.irqchip?.name).toBe('ir');
    expect(r.hops[0]!.stage).toBe('msi-window');
    expect(end(res(a, 'gpu', 0xFED0_0000n))).toBe('fault:blocked');
  });
  it('DART: the 0xFFFFF000 page', () => {
    const a = tx(`backend iommufd
page-size 16K
iommu dart0 { model dart }
irqchip aic { model generic doorbell 0xFFFF_F000 }
device wlan { pci 01:00.0 msi aic driver vfio-pci }
domain vm : paging { attach wlan }
`);
    expect(end(res(a, 'wlan', 0xFFFF_F000n))).toBe('irq 0xfffff000');
    const p = a.tx.programmedAddress(a.config.devices[0]!);
    expect(p.kind === 'address' && p.address).toBe(0xFFFF_F000n);
    expect(a.tx.deviceSlots.size).toBe(0);
  });
  it('D05-style reserved … msi region holding the ITS doorbell', () => {
    const a = tx(`backend vfio-type1
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0xc600_0000 }
device nic { pci 7d:00.0 msi its0 driver vfio-pci reserved 0xc600_0000 size 128K msi }
domain vm : paging { attach nic }
`);
    expect(end(res(a, 'nic', 0xc601_0040n))).toBe('irq 0xc6010040');
    expect(a.tx.reachesDoorbell(res(a, 'nic', 0xc601_0040n), a.config.irqchips[0]!)).toBe(true);
    expect(a.tx.deviceSlots.size).toBe(0); // R23: a hardware MSI region turns the cookie off
  });
  it('a reserved … msi region without a doorbell is not an interrupt window', () => {
    const a = tx(`${ARM}
device nic { pci 7d:00.0 driver vfio-pci reserved 0xd000_0000 size 64K msi }
domain vm : paging { attach nic }
`);
    expect(end(res(a, 'nic', 0xd000_0000n))).toBe('fault:unmapped');
  });
});

describe('kernel versions', () => {
  it('kernel X.Y is read; without it the baseline (6.17) applies', () => {
    expect(tx(`kernel 6.8\niommu smmu0 { model smmuv3 }`).config.kernel).toEqual({ major: 6, minor: 8 });
    expect(tx(`kernel 5.15.120\nbackend vfio-type1\niommu smmu0 { model smmuv3 }`).config.kernel).toEqual({ major: 5, minor: 15 });
    expect(tx(`iommu smmu0 { model smmuv3 }`).config.kernel).toEqual({ major: 6, minor: 17 });
  });
});

describe('PASID-only devices', () => {
  it('under iommufd a device attached only by PASID has its RID in the blocking domain', () => {
    const a = tx(`${ARM}
device acc { pci 03:00.0 driver vfio-pci pasid 8 }
domain sva : paging { attach acc pasid 5 map 0x1000_0000 -> 0x81_0000_0000 size 1M }
`);
    const d = a.config.devices[0]!;
    expect(a.tx.ridDomain(d).type).toBe('blocked');
    expect(end(res(a, 'acc', 0x1000_0000n))).toBe('fault:blocked');
    expect(end(res(a, 'acc', 0x1000_0000n, 'write', 5n))).toBe('PA 0x8100000000');
  });
  it('under dma-api a kernel driver attaching a PASID keeps its default domain', () => {
    const a = tx(`backend dma-api
iommu smmu0 { model smmuv3 }
device acc { pci 03:00.0 driver idxd pasid 8 }
domain sva : paging { attach acc pasid 5 }
`);
    expect(a.tx.ridDomain(a.config.devices[0]!).type).toBe('dma');
  });
});

describe('reservations follow the backend; minimum page', () => {
  const text = (backend: string, kernel = '') => `backend ${backend}
${kernel}
iommu smmu0 { model smmuv3 }
device gpu { pci 01:00.0 driver vfio-pci }
device port { pci 00:01.0 driver pcieport reserved 0x9000_0000 size 1M reserved }
group g { gpu port }
domain vm : paging { attach gpu }
`;
  const names = (a: Analysis) => a.tx.reservingDevices(a.config.domains[0]!).map((x) => x.dev.name);
  it('vfio-type1: every member of every attached group', () => {
    expect(names(tx(text('vfio-type1')))).toEqual(['gpu', 'port']);
  });
  it('iommufd: only the devices bound to it; before v6.4 the whole group', () => {
    expect(names(tx(text('iommufd')))).toEqual(['gpu']);
    expect(names(tx(text('iommufd', 'kernel 6.3')))).toEqual(['gpu', 'port']);
  });
  it('vfio-type1 raises the minimum page to page-size (vfio_update_pgsize_bitmap); iommufd keeps the IOMMU\'s', () => {
    const t = (backend: string) => tx(`backend ${backend}\npage-size 64K\niommu smmu0 { model smmuv3 pgsizes 4K 64K 2M }\ndomain vm : paging { }`);
    const v = t('vfio-type1');
    expect(v.tx.minPage(v.config.domains[0]!)).toBe(0x10000n);
    const i = t('iommufd');
    expect(i.tx.minPage(i.config.domains[0]!)).toBe(0x1000n);
  });
});

describe('64-bit edges', () => {
  const a = tx(`backend iommufd
iommu wide { model generic ias 64 oas 48 }
device d { pci 01:00.0 driver vfio-pci }
domain vm : paging { attach d map 0xffff_ffff_ffff_f000 size 4K -> 0x1000 }
`);
  it('a map ending at 2^64 - 1', () => {
    expect(end(res(a, 'd', 0xffff_ffff_ffff_f000n))).toBe('PA 0x1000');
    expect(end(res(a, 'd', 0xffff_ffff_ffff_ffffn))).toBe('PA 0x1fff');
    expect(end(res(a, 'd', 0xffff_ffff_ffff_efffn))).toBe('fault:unmapped');
  });
  it('a 48-bit aperture refuses the top page', () => {
    const b = tx(`${ARM}
device d { pci 01:00.0 driver vfio-pci }
domain vm : paging { attach d }
`);
    expect(end(res(b, 'd', 0xffff_ffff_ffff_f000n))).toBe('fault:aperture');
  });
});
