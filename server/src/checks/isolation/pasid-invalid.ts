// pasid-invalid: PASID 0, a device without the PASID capability, or a PASID beyond the width
// of a PASID-capable member of the group.

import type { AnalysisCheck } from '../check';
import { attachesInOrder } from './common';
import { pasidAttaches } from './pasid';

const check: AnalysisCheck = {
  code: 'pasid-invalid',
  severity: 'error',
  family: 'isolation',
  title: 'A PASID that the device cannot use.',
  explain:
    'PASID 0 is IOMMU_NO_PASID (RID traffic) and cannot be attached; a PASID must be below 2^bits of the device, and the device must have the PASID capability (-EINVAL, R45).',
  rules: 'R45, M42',
  run(ctx) {
    for (const x of pasidAttaches(attachesInOrder(ctx.config)))
      if (x.invalid) ctx.report('pasid-invalid', x.loc, x.invalid.message, x.invalid.related);
  },
};

export default check;
