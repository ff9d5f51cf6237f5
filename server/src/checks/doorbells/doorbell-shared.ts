// doorbell-shared: the devices of an msi-bind nested domain target different doorbell pages.

import { hex } from '../../model/intervals';
import type { AttachEntry, Device, Irqchip } from '../../model/types';
import { example, type AnalysisCheck } from '../check';

const check: AnalysisCheck = {
  code: 'doorbell-shared',
  severity: 'error',
  family: 'doorbells',
  title: 'Devices of an msi-bind nested domain target different doorbell pages.',
  explanation: {
    anchor: 'the `attach` bringing the second irqchip',
    what: 'The devices of a nested domain with an `msi-bind` target different doorbell pages.',
    why: 'One binding maps one physical doorbell: every device of the domain must use the same ITS (R40).',
    fix: 'Route every device of the nested domain to the same ITS, or split the devices over several nested domains.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain s2 : paging {
        nest-parent
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
      irqchip its1 { model gicv3-its base 0x0A08_0000 }
      device nic2 { pci 0000:02:00.0 msi its1 driver vfio-pci }
      domain guest : nested {
        parent s2
        attach nic
        attach nic2
        map 0xFFBF_0000 -> 0x0809_0000 size 4K
        msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain s2 : paging {
        nest-parent
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
      device nic2 { pci 0000:02:00.0 msi its0 driver vfio-pci }
      domain guest : nested {
        parent s2
        attach nic
        attach nic2
        map 0xFFBF_0000 -> 0x0809_0000 size 4K
        msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
      }
    `,
  },
  rules: 'R40, M36',
  run(ctx) {
    const { tx } = ctx;
    for (const dom of ctx.config.domains) {
      if (dom.type !== 'nested' || dom.msiBinds.length === 0 || dom.broken) continue;
      const first = dom.msiBinds[0]!;
      let firstChip: { chip: Irqchip; page: bigint; attach: AttachEntry; device: Device } | null = null;
      for (const a of dom.attaches) {
        if (a.pasid !== null || !a.group || a.group.ridAttach !== a) continue;
        let reported = false;
        for (const m of a.group.members) {
          const chip = m.msi?.irqchip;
          if (!chip || chip.broken || chip.untranslated || chip.doorbell === null || reported) continue;
          const page = tx.doorbellPageOf(chip)!;
          if (!firstChip) {
            firstChip = { chip, page, attach: a, device: m };
            continue;
          }
          if (page === firstChip.page) continue;
          reported = true;
          ctx.report(
            'doorbell-shared',
            a.loc,
            `'${m.name}' sends MSIs to ${chip.name} (doorbell page ${hex(page)}), but '${dom.name}' binds one doorbell, ${firstChip.chip.name}'s page ${hex(firstChip.page)} (for '${firstChip.device.name}'): an msi-bind maps one physical doorbell, so every device of the domain must use the same one`,
            [
              { loc: firstChip.attach.loc, message: `'${firstChip.device.name}' (${firstChip.chip.name}) is attached here` },
              { loc: first.loc, message: 'the msi-bind' },
              { loc: chip.nameLoc, message: `${chip.name} is declared here` },
            ],
          );
        }
      }
    }
  },
};

export default check;
