// sw-msi-conflict: fires for devices that iommufd attaches by RID to a paging HWPT (RID domain
// `paging`, or `nested` on a paging parent): the WARN/-EINVAL comes from
// iopt_table_enforce_dev_resv_regions, which runs only for the RID attach, never for a PASID
// attachment nor for a device left in its default domain. Identical windows given twice count once.

import type { Region } from '../../model/types';
import type { AnalysisCheck } from '../check';
import { attachedToPaging, describeRegion, regionMessage, rng } from './common';

const check: AnalysisCheck = {
  code: 'sw-msi-conflict',
  severity: 'error',
  family: 'reserved',
  title: 'A device reports a SW_MSI window together with a hardware MSI region (or two SW_MSI windows) under iommufd.',
  explain:
    'iommufd refuses such a device at attach with a WARN and -EINVAL (R23); VFIO type1 accepts it and uses the hardware MSI window.',
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
