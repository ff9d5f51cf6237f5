// pasid-shared-group: the first valid attachment of a PASID on a device whose group has other
// members.

import { example, type AnalysisCheck } from '../check';
import { names } from './common';
import { pasidAttachesOf } from './pasid';

const check: AnalysisCheck = {
  code: 'pasid-shared-group',
  severity: 'warning',
  family: 'isolation',
  title: 'A PASID attachment on a device whose group has other members.',
  explanation: {
    anchor: 'the `pasid N`',
    what: 'A PASID attachment on a device whose group has other members: they share it, and PASID needs ACS isolation.',
    why: 'PASID attachments are group-wide, and enabling PASID needs ACS isolation on the whole path, which multi-device groups usually lack (R45).',
    fix: 'Use PASIDs on a device that is alone in its group (ACS on the path), or accept that its siblings share the PASID.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device acc { pci 0000:03:00.0 driver vfio-pci  pasid 8 }
      device acc_fn1 { pci 0000:03:00.1 driver vfio-pci }
      group g { acc acc_fn1 }
      domain sva : paging { attach acc pasid 1 }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device acc { pci 0000:03:00.0 driver vfio-pci  pasid 8 }
      domain sva : paging { attach acc pasid 1 }
    `,
  },
  rules: 'R45, M42',
  run(ctx) {
    for (const { dev, group, loc, pasid: p, invalid, first } of ctx.shared(pasidAttachesOf)) {
      if (invalid || first || group.members.length <= 1) continue;
      const others = group.members.filter((m) => m !== dev);
      ctx.report(
        'pasid-shared-group',
        loc,
        `'${dev.name}' shares group '${group.name}' with ${names(others)}: PASID attachments are group-wide, so they share PASID ${p}, and enabling PASID needs ACS isolation on the whole path, which a multi-device group usually lacks`,
        [{ loc: group.nameLoc, message: `group '${group.name}' has ${group.members.length} members` }],
      );
    }
  },
};

export default check;
