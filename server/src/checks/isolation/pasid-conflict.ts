// pasid-conflict: a second domain attached to the same (group, PASID).

import { example, type AnalysisCheck } from '../check';
import { pasidAttachesOf } from './pasid';

const check: AnalysisCheck = {
  code: 'pasid-conflict',
  severity: 'error',
  family: 'isolation',
  title: 'Two domains attached to the same (group, PASID).',
  explanation: {
    anchor: 'the second attachment',
    what: 'Two domains attached to the same (group, PASID) (-EBUSY).',
    why: 'Only one domain may be attached per group and PASID: the second attach fails with -EBUSY (R45).',
    fix: 'Give each domain its own PASID, or detach the first.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device acc { pci 0000:03:00.0 driver vfio-pci  pasid 8 }
      domain a : paging { attach acc pasid 1 }
      domain b : paging { attach acc pasid 1 }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device acc { pci 0000:03:00.0 driver vfio-pci  pasid 8 }
      domain a : paging { attach acc pasid 1 }
      domain b : paging { attach acc pasid 2 }
    `,
  },
  rules: 'R45',
  run(ctx) {
    for (const { a, dev, group, pasid: p, invalid, first } of ctx.shared(pasidAttachesOf)) {
      if (invalid || !first || first.domain === a.domain) continue;
      ctx.report(
        'pasid-conflict',
        a.loc,
        `PASID ${p} of ${group.members.length > 1 ? `group '${group.name}'` : `'${dev.name}'`} is already attached to domain '${first.domain.name}': only one domain per (group, PASID), so this attach fails with -EBUSY`,
        [{ loc: first.loc, message: `PASID ${p} first attached to '${first.domain.name}' here` }],
      );
    }
  },
};

export default check;
