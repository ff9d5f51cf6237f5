import { describe, expect, it } from 'vitest';
import { hover } from '../../server/src/ide/hover';
import { withCursor } from './helpers';

const NESTED = `backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x201F_0000 }
device vf0 { iommu smmu0 msi its0 driver vfio-pci reserved 0x100000 size 64K direct reserved 0x110000 size 64K direct }
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 8G rw
}
domain guest : nested {
  parent s2
  attach vf0
  rmr 0x800_0000 size 1M
  map 0x1_0000_0000 -> 0x4000_0000 size 1G rw
}
`;

function hoverAt(fixture: string | Record<string, string>, at?: string) {
  const { a, file, offset } = withCursor(fixture, at);
  return hover(a, file, offset);
}

describe('hover', () => {
  it('on a device shows group, domain, sysfs regions, MSI address and the chain to the doorbell', () => {
    const h = hoverAt(NESTED.replace('device vf0', 'device v$0f0'));
    expect(h).not.toBeNull();
    const t = h!.contents;
    expect(t).toContain('**device** `vf0`');
    expect(t).toContain('group: singleton');
    expect(t).toContain('RID domain: `guest` (nested, parent `s2`)');
    // sw-msi prints as msi; touching direct regions merge
    expect(t).toContain('0x0000000000100000 0x000000000011ffff direct');
    expect(t).toContain('0x0000000008000000 0x00000000080fffff msi');
    expect(t).toContain('programmed address: 0x8000040');
    expect(t).toContain('= PA 0x20200040: doorbell of its0');
  });

  it('on a device reference shows the same summary', () => {
    const h = hoverAt(NESTED.replace('attach vf0', 'attach vf$00'));
    expect(h!.contents).toContain('**device** `vf0`');
  });

  it('merges same-type regions only', () => {
    const h = hoverAt(`iommu i { model smmuv3 }
device d$0 { reserved 0x8000000 size 4K msi reserved 0x1000 size 4K reserved reserved 0x2000 size 4K reserved }`);
    const t = h!.contents;
    expect(t).toContain('0x0000000000001000 0x0000000000002fff reserved');
    expect(t).toContain('0x0000000008000000 0x0000000008000fff msi');
    expect(t).toContain('0x0000000008000000 0x00000000080fffff msi');
  });

  it('on a nested map shows both range forms and the final PA through stage 2', () => {
    const h = hoverAt(NESTED.replace('  map 0x1_0000_0000', '  m$0ap 0x1_0000_0000'));
    const t = h!.contents;
    expect(t).toContain('gIOVA 0x1_0000_0000 size 1G  =  0x1_0000_0000..0x1_3fff_ffff');
    expect(t).toContain('IPA   0x4000_0000 size 1G  =  0x4000_0000..0x7fff_ffff');
    expect(t).toContain('PA    0x80_0000_0000 size 1G  =  0x80_0000_0000..0x80_3fff_ffff  via s2');
  });

  it('on an address literal in an expect resolves it for that device', () => {
    const h = hoverAt(NESTED + 'expect vf0 write 0x1_0000_$02000 -> 0x80_0000_2000\n');
    expect(h!.contents).toContain('vf0 write 0x100002000');
    expect(h!.contents).toContain('= PA 0x8000002000: memory');
  });

  it('on a code in a suppression explains the check', () => {
    const h = hoverAt(`iommu i { model smmuv3 }
// iommu-check: ignore unused-o$0bject
irqchip c { model gicv3-its base 0x1000 }`);
    expect(h!.contents).toContain('**unused-object**');
    expect(h!.contents).toContain('valid IOAS');
  });

  it('on a domain, group, iommu and irqchip gives a summary', () => {
    expect(hoverAt(NESTED.replace('domain s2', 'domain s$02'))!.contents).toContain('maps: 1');
    expect(hoverAt(NESTED.replace('iommu smmu0 {', 'iommu smm$0u0 {'))!.contents).toContain('devices: `vf0`');
    expect(hoverAt(NESTED.replace('msi its0', 'msi it$0s0'))!.contents).toContain('doorbell: 0x20200040 (page 0x20200000)');
  });
  it('on a number shows its other spellings, never the written one again, and its resolution', () => {
    const h = hoverAt(NESTED.replace('map 0x1_0000_0000 -> 0x4000_0000', 'map 0x1_0000_0000 -> 0x4000_0000').replace('map 0x1_0000_0000', 'map 0x$01_0000_0000'));
    const head = h!.contents.split('\n')[0]!;
    expect(head).toBe('`0x1_0000_0000` = 4294967296 = 4G');
    expect(h!.contents).toContain('vf0 0x100000000');
    expect(h!.contents).toContain('= PA 0x8000000000: memory');
    const small = hoverAt(NESTED.replace('rmr 0x800_0000 size 1M', 'rmr 0x800_0000 size 1$0M'));
    expect(small!.contents.split('\n')[0]).toBe('`1M` = 0x10_0000 = 1048576');
  });
});

