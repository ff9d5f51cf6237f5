// rmr-mismatch: a nested domain's rmr does not cover the host SW_MSI window of a device of it.

import { formatInterval } from '../../model/intervals';
import { example, type AnalysisCheck } from '../check';
import { rmrData, rmrFixes, rmrMismatch, windowRelated } from './common';

const check: AnalysisCheck = {
  code: 'rmr-mismatch',
  severity: 'error',
  family: 'doorbells',
  title: "A nested domain's rmr differs from the host SW_MSI window.",
  explanation: {
    anchor: 'the `rmr`',
    what: "A nested domain's `rmr` differs from the SW_MSI window of its attached devices.",
    why: "The host maps doorbells at the SW_MSI window in stage 2; the guest's RMR makes stage 1 identity over the same range. If they differ, stage 1 covers the wrong range and MSIs fault (R38(ii)).",
    fix: "Make the guest's RMR equal to the host SW_MSI window (QEMU's vIORT RMR does this: 0x8000000, 1 MiB).",
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
        rmr 0x0800_0000 size 64K
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
      }
    `,
  },
  rules: 'R38, M32',
  run(ctx) {
    const { tx } = ctx;
    for (const dom of ctx.config.domains) {
      if (dom.broken || dom.type !== 'nested' || dom.rmrs.length === 0) continue;
      const seen = new Set<string>();
      for (const d of tx.devicesIn(dom)) {
        if (d.broken || d.msi?.irqchip?.broken) continue;
        const w = rmrMismatch(tx, dom, d);
        if (!w) continue;
        const rmr = dom.rmrs.find((r) => r.range.start <= w.last && w.start <= r.range.last) ?? dom.rmrs[0]!;
        const key = `${rmr.loc.span.start}:${w.start}:${w.last}`;
        if (seen.has(key)) continue;
        seen.add(key);
        ctx.report(
          'rmr-mismatch',
          rmr.loc,
          `rmr ${formatInterval(rmr.range)} of '${dom.name}' differs from the host SW_MSI window ${formatInterval(w)} of '${d.name}': the host maps doorbells in stage 2 inside that window, so the guest's stage 1 must be identity over exactly that range, or MSI writes fault at stage 1`,
          [windowRelated(w), { loc: d.nameLoc, message: `'${d.name}' is attached to '${dom.name}'` }],
          rmrData(dom, w),
        );
      }
    }
  },
  fixes: (d, { config }) => rmrFixes(d, config),
};

export default check;
