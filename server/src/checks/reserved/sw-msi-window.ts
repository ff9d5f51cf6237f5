// sw-msi-window: a per-device SW_MSI window that is not 1 MiB aligned (-EINVAL) or intersects a
// reserved, direct or hardware MSI region of the device (-EADDRINUSE).

import { formatSize, hex, intersects, sizeOf } from '../../model/intervals';
import { example, type AnalysisCheck } from '../check';
import { describeRegion, MIB, regionMessage, rng } from './common';

const check: AnalysisCheck = {
  code: 'sw-msi-window',
  severity: 'error',
  family: 'reserved',
  title: 'A per-device SW_MSI window that is misaligned or overlaps a reserved region.',
  explanation: {
    anchor: "the device's `sw-msi`",
    what: 'A per-device window not 1M aligned in start or size (-EINVAL), or intersecting a `reserved`, `direct` or `msi` region of the device (-EADDRINUSE).',
    why: 'IOMMU_OPTION_SW_MSI_START/SIZE need 1 MiB alignment (-EINVAL) and a window that does not intersect a reserved, direct or msi region of the device (-EADDRINUSE) (R41).',
    fix: "Give a window whose start and size are multiples of 1 MiB and that misses the device's reserved, direct and msi regions.",
    fires: example`
      iommu smmu0 { model smmuv3 }
      device nic { pci 0000:01:00.0 driver vfio-pci  sw-msi 0x0800_8000 size 1M }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device nic { pci 0000:01:00.0 driver vfio-pci  sw-msi 0x0810_0000 size 1M }
    `,
  },
  rules: 'R41, M37',
  run(ctx) {
    for (const d of ctx.config.devices) {
      const w = d.swMsiProp;
      if (!w || d.broken) continue;
      const size = sizeOf(w);
      if (w.start % MIB !== 0n || size % MIB !== 0n) {
        const what = [w.start % MIB !== 0n ? `start ${hex(w.start)}` : null, size % MIB !== 0n ? `size ${formatSize(size)}` : null].filter(Boolean).join(' and ');
        ctx.report('sw-msi-window', w.loc, `the sw-msi window ${rng(w)} of '${d.name}' is not 1M aligned (${what}): IOMMU_OPTION_SW_MSI_START/SIZE fail with -EINVAL`, d.iommu?.swMsi ? [{ loc: d.iommu.swMsi.loc, message: `the window it replaces: ${rng(d.iommu.swMsi)} of '${d.iommu.name}'` }] : []);
        continue;
      }
      const clash = ctx.tx.regionsOf(d).find((r) => r !== w && (r.type === 'reserved' || r.type === 'direct' || r.type === 'msi') && intersects(r, w));
      if (clash) {
        ctx.report(
          'sw-msi-window',
          w.loc,
          `the sw-msi window ${rng(w)} of '${d.name}' intersects ${describeRegion(clash, d)}: IOMMU_OPTION_SW_MSI_START fails with -EADDRINUSE`,
          [{ loc: clash.loc, message: regionMessage(clash, d) }],
        );
      }
    }
  },
};

export default check;
