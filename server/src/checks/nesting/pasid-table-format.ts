// pasid-table-format: the guest PASID table format (and its granularity) does not match the
// IOMMU model.

import type { Loc } from '../../model/types';
import { example, type AnalysisCheck } from '../check';

const check: AnalysisCheck = {
  code: 'pasid-table-format',
  severity: 'error',
  family: 'nesting',
  title: 'The PASID table format does not match the IOMMU model.',
  explanation: {
    anchor: 'the `format`',
    what: 'The table format does not match the IOMMU model (`smmuv3` table on `vtd`…).',
    why: 'SMMUv3 uses a guest-owned CD table per STE; VT-d binds first-stage tables per PASID (R47).',
    fix: 'Use the table format of the IOMMU model: `smmuv3` (CD table) on SMMUv3, `vtd` on VT-d.',
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
        rmr 0x0800_0000 size 1M
        pasid-table 0x4000_0000 size 64K format vtd
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
        rmr 0x0800_0000 size 1M
        pasid-table 0x4000_0000 size 64K format smmuv3
      }
    `,
  },
  rules: 'R47, M43',
  run(ctx) {
    const { tx } = ctx;
    for (const dom of ctx.config.domains) {
      const t = dom.pasidTable;
      if (dom.broken || dom.type !== 'nested' || !t || !t.format || !t.stmt.format) continue;
      const io = dom.iommu;
      if (!io || io.broken || !io.model) continue;
      const loc: Loc = { file: dom.nameLoc.file, span: t.stmt.format.span };
      const rel = [{ loc: io.nameLoc, message: `iommu '${io.name}' is ${io.model}` }];
      if (io.model === 'smmuv3' || io.model === 'vtd') {
        if (t.format !== io.model) {
          ctx.report(
            'pasid-table-format',
            loc,
            io.model === 'smmuv3'
              ? `a ${t.format} PASID table on SMMUv3 iommu '${io.name}': the guest owns a context-descriptor table (format smmuv3) through the vSTE`
              : `a ${t.format} PASID table on VT-d iommu '${io.name}': VT-d binds first-stage tables per PASID (format vtd)`,
            rel,
          );
          continue;
        }
        if (io.model === 'vtd') {
          const devs = tx.devicesIn(dom);
          if (devs.length > 1)
            ctx.report(
              'pasid-table-format',
              loc,
              `VT-d binds the guest's first-stage tables per (device, PASID): one guest PASID table cannot be shared by ${devs.length} devices (${devs.map((d) => `'${d.name}'`).join(', ')})`,
              rel,
            );
        } else {
          const viaPasid = dom.attaches.find((a) => a.pasid !== null);
          if (viaPasid)
            ctx.report(
              'pasid-table-format',
              loc,
              `on SMMUv3 the guest's CD table belongs to the whole STE (every PASID of the device): it cannot be attached to PASID ${viaPasid.pasid} alone`,
              [...rel, { loc: viaPasid.loc, message: 'the PASID attachment' }],
            );
        }
        continue;
      }
      // Other models have neither table format; without nesting, nesting-unsupported says it already.
      if (io.model !== 'generic' && io.nesting)
        ctx.report('pasid-table-format', loc, `iommu '${io.name}' is ${io.model}: it has no ${t.format} guest PASID table format`, rel);
    }
  },
};

export default check;
