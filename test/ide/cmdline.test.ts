// Hover and completion inside `cmdline "…"`.

import { describe, expect, it } from 'vitest';
import { hover } from '../../server/src/ide/hover';
import { completion } from '../../server/src/ide/completion';
import { analyzeFixture } from '../helpers/check';
import { cursor, withCursor } from './helpers';

const X86 = `iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device nvme { pci 0000:02:00.0 msi ir0 driver nvme }
`;

function hoverAt(fixture: string) {
  const { a, file, offset } = withCursor(fixture);
  return hover(a, file, offset);
}

describe('hover on a kernel parameter', () => {
  it('says what the kernel does with it and what wins on this configuration', () => {
    const h = hoverAt(`cmdline "quiet iommu=p$0t iommu.passthrough=0"\n${X86}`)!;
    expect(h.contents).toBe(
      [
        '**`iommu=pt`**',
        '',
        'x86 early parameter (handled first, in line order).',
        '',
        'x86 `iommu_setup` (early): `pt` makes default domains identity and `nopt` translated (both count as set on the command line), `off` disables the VT-d and AMD IOMMUs (`no_iommu`); `force`, `merge`, `soft` concern the GART/swiotlb; `forcesac`, `allowdac`, `nodac` are ignored; any other option is ignored silently. Not read on Arm: write `iommu.passthrough=` there.',
        '',
        'On this configuration:',
        '- `iommu=pt`: overridden by `iommu.passthrough=0` (early parameters are handled in line order, so the last write wins).',
      ].join('\n'),
    );
    // the hover covers the whole parameter, inside the string
    expect(h.span).toEqual({ start: 15, end: 23 });
  });
  it('a parameter in force, an unknown one, one after --', () => {
    expect(hoverAt(`cmdline "intel_iommu=on,sm_o$0ff"\n${X86}`)!.contents.split('\n').slice(-3)).toEqual([
      'On this configuration:',
      '- `intel_iommu=on`: VT-d DMA remapping on — in force.',
      '- `intel_iommu=sm_off`: VT-d scalable mode off (no PASID, no nesting) — in force.',
    ]);
    expect(hoverAt(`cmdline "ro$0ot=/dev/sda1"\n${X86}`)!.contents).toBe('**`root=/dev/sda1`**\n\nNot an IOMMU parameter the checker knows: it does not change the model.');
    expect(hoverAt(`cmdline "-- intre$0map=off"\n${X86}`)!.contents).toBe('**`intremap=off`**\n\nAfter `--`: the kernel hands it to init and does not read it.');
    expect(hoverAt(`cmdline "intremap=off $0 quiet"\n${X86}`)).toBe(null);
  });
});

describe('hover on allow-unsafe-interrupts', () => {
  it('names the module parameter of the backend', () => {
    expect(hoverAt(`backend vfio-type1\nallow-un$0safe-interrupts\n${X86}`)!.contents).toBe(
      '**`allow-unsafe-interrupts`**\n\nUnder backend vfio-type1 this is `vfio_iommu_type1.allow_unsafe_interrupts=1` on the kernel command line: the VFIO type1 container attaches devices whose MSIs are not isolated (no interrupt remapping, GICv2m) instead of refusing them with -EPERM. Such a device can write any interrupt message.',
    );
  });
});

describe('completion inside cmdline', () => {
  const complete = (fixture: string) => {
    const { text, offset } = cursor(fixture);
    return completion(text, offset, analyzeFixture(text).config);
  };
  it('parameter names at the start of an argument, options after = and ,', () => {
    const names = complete(`cmdline "quiet intel_io$0"\n${X86}`);
    expect(names.map((n) => n.label)).toContain('intel_iommu=');
    expect(names.map((n) => n.label)).toContain('vfio_iommu_type1.allow_unsafe_interrupts=');
    expect(names.find((n) => n.label === 'intel_iommu=')!.replace).toEqual({ start: 15, end: 23 });
    expect(complete(`cmdline "intel_iommu=on,$0"\n${X86}`).map((n) => n.label)).toEqual(['off', 'igfx_off', 'forcedac', 'strict', 'sp_off', 'sm_on', 'sm_off', 'tboot_noforce']);
    expect(complete(`cmdline "intremap=$0"\n${X86}`).map((n) => n.label)).toEqual(['on', 'off', 'nosid', 'no_x2apic_optout', 'nopost', 'posted_msi']);
    expect(complete(`cmdline "root=$0"\n${X86}`)).toEqual([]);
  });
});
