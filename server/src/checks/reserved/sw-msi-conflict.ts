// sw-msi-conflict: fires for devices that iommufd attaches by RID to a paging HWPT (RID domain
// `paging`, or `nested` on a paging parent): the WARN/-EINVAL comes from
// iopt_table_enforce_dev_resv_regions, which runs only for the RID attach, never for a PASID
// attachment nor for a device left in its default domain. Identical windows given twice count once.

import type { Region } from '../../model/types';
import { example, type AnalysisCheck } from '../check';
import { attachedToPaging, describeRegion, regionMessage, rng } from './common';

const check: AnalysisCheck = {
  code: 'sw-msi-conflict',
  severity: 'error',
  family: 'reserved',
  title: 'A device reports a SW_MSI window together with a hardware MSI region (or two SW_MSI windows) under iommufd.',
  explanation: {
    anchor: "the device's name",
    what: 'Under `iommufd`, a device has both a `sw-msi` window and a hardware `msi` region, or two `sw-msi` windows (-EINVAL); not an error under `vfio-type1`.',
    why: 'iommufd refuses such a device at attach with a WARN and -EINVAL (R23); VFIO type1 accepts it and uses the hardware MSI window.',
    fix: 'Under iommufd a device may report one kind of MSI region: use VFIO type1 for such hardware, or firmware that reports only one.',
    fires: example`
      backend iommufd
      iommu smmu0 { model smmuv3 }
      device vf { pci 0000:81:10.0 driver vfio-pci  reserved 0xC601_0000 size 64K msi }
      domain vm : paging { attach vf }
    `,
    nearMiss: example`
      backend vfio-type1
      iommu smmu0 { model smmuv3 }
      device vf { pci 0000:81:10.0 driver vfio-pci  reserved 0xC601_0000 size 64K msi }
      domain vm : paging { attach vf }
    `,
  },
  rules: 'R23, M29',
  run(ctx) {
    const { config, tx } = ctx;
    if (config.backend !== 'iommufd') return;
    for (const d of config.devices) {
      if (d.broken || !attachedToPaging(tx, d)) continue;
      const regions = tx.regionsOf(d);
      const sw: Region[] = [];
      for (const r of regions) if (r.type === 'sw-msi' && !sw.some((s) => s.start === r.start && s.last === r.last)) sw.push(r);
      if (sw.length === 0) continue;
      const hw = regions.filter((r) => r.type === 'msi');
      if (hw.length > 0) {
        ctx.report(
          'sw-msi-conflict',
          d.nameLoc,
          `device '${d.name}' reports both ${describeRegion(sw[0]!, null)} and ${describeRegion(hw[0]!, null)}: iommufd refuses the attach with a WARN and -EINVAL (VFIO type1 would accept it and use the hardware MSI window)`,
          [{ loc: sw[0]!.loc, message: regionMessage(sw[0]!, d) }, { loc: hw[0]!.loc, message: regionMessage(hw[0]!, d) }],
        );
      } else if (sw.length > 1) {
        ctx.report(
          'sw-msi-conflict',
          d.nameLoc,
          `device '${d.name}' reports two SW_MSI windows, ${rng(sw[0]!)} and ${rng(sw[1]!)}: iommufd refuses the attach with a WARN and -EINVAL`,
          sw.slice(0, 2).map((r) => ({ loc: r.loc, message: regionMessage(r, d) })),
        );
      }
    }
  },
};

export default check;
