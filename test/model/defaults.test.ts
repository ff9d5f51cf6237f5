// Model defaults come from one table (model/defaults.ts): the model builder applies it, hover on
// a `model` value and completion of `model` show it, and each value is the kernel's.

import { describe, expect, it } from 'vitest';
import { completion } from '../../server/src/ide/completion';
import { hover } from '../../server/src/ide/hover';
import { describeIommuDefaults, describeIrqchipDefaults, doorbellPage, IOMMU_DEFAULTS, IRQCHIP_DEFAULTS } from '../../server/src/model/defaults';
import { formatInterval } from '../../server/src/model/intervals';
import { IOMMU_MODELS, IRQCHIP_MODELS } from '../../server/src/model/types';
import { analyzeFixture } from '../helpers/check';
import { cursor, withCursor } from '../ide/helpers';

describe('IOMMU model defaults', () => {
  it('states the values the kernel drivers use', () => {
    expect(describeIommuDefaults('smmuv3')).toBe('ias 48, oas 48; pages 4K 2M 1G; nesting; sw-msi 0x8000000..0x80fffff');
    expect(describeIommuDefaults('smmuv2')).toBe('ias 48, oas 48; pages 4K 2M 1G; no nesting; sw-msi 0x8000000..0x80fffff');
    expect(describeIommuDefaults('vtd')).toBe('ias 48, oas 48; pages 4K 2M 1G; nesting; msi-window 0xfee00000..0xfeefffff');
    expect(describeIommuDefaults('amd-vi')).toBe(
      'ias 48, oas 48; pages 4K 2M 1G; no nesting; msi-window 0xfee00000..0xfeefffff; reserved 0xfd00000000..0xffffffffff reserved',
    );
    expect(describeIommuDefaults('virtio-iommu')).toBe('ias 48, oas 48; pages 4K 2M 1G; no nesting; sw-msi 0x8000000..0x80fffff');
    expect(describeIommuDefaults('dart')).toBe('ias 36, oas 36; pages 16K; no nesting; msi-window 0xfffff000..0xffffffff');
    expect(describeIommuDefaults('generic')).toBe('ias 48, oas 48; pages 4K 2M 1G; no nesting');
  });

  it('are what the model builder gives an iommu of each model', () => {
    for (const model of IOMMU_MODELS) {
      const a = analyzeFixture(`iommu io { model ${model} }\n`);
      const io = a.config.iommus[0]!;
      const d = IOMMU_DEFAULTS[model];
      expect({ ias: io.ias, oas: io.oas, pgsizes: io.pgsizes, nesting: io.nesting }, model).toEqual({ ias: d.ias, oas: d.oas, pgsizes: [...d.pgsizes], nesting: d.nesting });
      expect(io.swMsi && formatInterval(io.swMsi), model).toBe(d.swMsi && formatInterval(d.swMsi));
      expect(io.msiWindow && formatInterval(io.msiWindow), model).toBe(d.msiWindow && formatInterval(d.msiWindow));
      expect(io.reserved.map((r) => `${formatInterval(r)} ${r.type} ${r.byDefault}`), model).toEqual(d.reserved.map((r) => `${formatInterval(r)} ${r.type} true`));
    }
  });

  it('give way to declared properties', () => {
    const io = analyzeFixture('iommu io { model smmuv3 ias 40 no-nesting sw-msi none pgsizes 64K }\n').config.iommus[0]!;
    expect({ ias: io.ias, oas: io.oas, nesting: io.nesting, swMsi: io.swMsi, pgsizes: io.pgsizes }).toEqual({ ias: 40, oas: 48, nesting: false, swMsi: null, pgsizes: [65536n] });
  });
});

describe('irqchip model defaults', () => {
  it('states isolation and where the doorbell is', () => {
    expect(IRQCHIP_MODELS.map((m) => `${m}: ${describeIrqchipDefaults(m)}`)).toEqual([
      'gicv3-its: MSIs isolated; doorbell = base + 0x10040',
      'gicv2m: MSIs not isolated; doorbell = base + 0x40',
      'x86-remap: MSIs isolated; untranslated (hardware MSI window), doorbell 0xfee00000',
      'x86-compat: MSIs not isolated; untranslated (hardware MSI window), doorbell 0xfee00000',
      'generic: MSIs isolated; doorbell = base',
    ]);
  });

  it('are what the model builder gives an irqchip of each model', () => {
    for (const model of IRQCHIP_MODELS) {
      const d = IRQCHIP_DEFAULTS[model];
      const chip = analyzeFixture(`irqchip c { model ${model} base 0x2000_0000 }\n`).config.irqchips[0]!;
      expect({ isolated: chip.isolated, untranslated: chip.untranslated, doorbell: chip.doorbell }, model).toEqual({
        isolated: d.isolated,
        untranslated: d.untranslated,
        doorbell: 0x2000_0000n + d.doorbellOffset,
      });
    }
    expect(analyzeFixture('irqchip c { model x86-remap }\n').config.irqchips[0]!.doorbell).toBe(0xfee00000n);
  });

  it('a doorbell page is the CPU page holding the doorbell', () => {
    expect(doorbellPage(0x2001_0040n, 4096n)).toBe(0x2001_0000n);
    expect(doorbellPage(0x2001_0040n, 65536n)).toBe(0x2001_0000n);
    expect(doorbellPage(0x2000_0000n, 4096n)).toBe(0x2000_0000n);
  });
});

describe('the editor shows the defaults', () => {
  it('hover on a model value', () => {
    const { a, file, offset } = withCursor('iommu io { model smm$0uv3 }\nirqchip c { model gicv3-its base 0x1000 }\n');
    expect(hover(a, file, offset)).toEqual({
      contents: '**iommu model** `smmuv3`\n\nDefaults: ias 48, oas 48; pages 4K 2M 1G; nesting; sw-msi 0x8000000..0x80fffff',
      span: { start: 17, end: 23 },
    });
    const chip = withCursor('irqchip c { model gic$0v3-its base 0x1000 }\n');
    expect(hover(chip.a, chip.file, chip.offset)!.contents).toBe('**irqchip model** `gicv3-its`\n\nDefaults: MSIs isolated; doorbell = base + 0x10040');
    const unknown = withCursor('iommu io { model smm$0uv9 }\n');
    expect(hover(unknown.a, unknown.file, unknown.offset)).toBeNull();
  });

  it('completion of a model value', () => {
    const { text, offset } = cursor('iommu io { model $0 }\n');
    const items = completion(text, offset, analyzeFixture(text).config);
    expect(items.map((i) => [i.label, i.detail])).toEqual(IOMMU_MODELS.map((m) => [m, `iommu model: ${describeIommuDefaults(m)}`]));
  });
});
