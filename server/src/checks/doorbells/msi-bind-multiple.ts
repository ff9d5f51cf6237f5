// msi-bind-multiple: more than one msi-bind in one nested domain.

import { formatInterval, hex } from '../../model/intervals';
import { example, type AnalysisCheck } from '../check';

const check: AnalysisCheck = {
  code: 'msi-bind-multiple',
  severity: 'error',
  family: 'doorbells',
  title: 'More than one msi-bind in one nested domain.',
  explanation: {
    anchor: 'the second `msi-bind`',
    what: 'More than one `msi-bind` in one nested domain.',
    why: 'The bind_guest_msi design allows one gIOVA/gDB binding per domain (R40).',
    fix: 'Keep one `msi-bind` per nested domain; put devices that need another doorbell in another nested domain.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain s2 : paging {
        nest-parent
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
      domain guest : nested {
        parent s2
        attach nic
        map 0xFFBF_0000 -> 0x0809_0000 size 4K
        msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
        msi-bind 0xFFBE_0000 -> 0x0809_0000 size 4K
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
      domain guest : nested {
        parent s2
        attach nic
        map 0xFFBF_0000 -> 0x0809_0000 size 4K
        msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
      }
    `,
  },
  rules: 'R40, M36',
  run(ctx) {
    for (const dom of ctx.config.domains) {
      if (dom.type !== 'nested' || dom.msiBinds.length === 0) continue;
      const first = dom.msiBinds[0]!;
      for (const b of dom.msiBinds.slice(1))
        ctx.report('msi-bind-multiple', b.loc, `nested domain '${dom.name}' already has an msi-bind: one gIOVA/doorbell binding per domain (iommu_bind_guest_msi)`, [
          { loc: first.loc, message: `first msi-bind: ${formatInterval(first.giova)} -> ${hex(first.gpa)}` },
        ]);
    }
  },
};

export default check;
