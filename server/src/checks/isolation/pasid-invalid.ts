// pasid-invalid: PASID 0, a device without the PASID capability, or a PASID beyond the width
// of a PASID-capable member of the group.

import { example, type AnalysisCheck } from '../check';
import { pasidAttachesOf } from './pasid';

const check: AnalysisCheck = {
  code: 'pasid-invalid',
  severity: 'error',
  family: 'isolation',
  title: 'A PASID that the device cannot use.',
  explanation: {
    anchor: 'the `pasid N`',
    what: 'PASID 0, or N ≥ 2^bits of the device, or the device has no `pasid`.',
    why: 'PASID 0 is IOMMU_NO_PASID (RID traffic) and cannot be attached; a PASID must be below 2^bits of the device, and the device must have the PASID capability (-EINVAL, R45).',
    fix: 'Use a PASID from 1 to 2^bits − 1 of a device that declares `pasid BITS`; RID traffic is a plain `attach`.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device acc { pci 0000:03:00.0 driver vfio-pci  pasid 8 }
      domain sva : paging { attach acc pasid 0 }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device acc { pci 0000:03:00.0 driver vfio-pci  pasid 8 }
      domain sva : paging { attach acc pasid 1 }
    `,
  },
  rules: 'R45, M42',
  run(ctx) {
    for (const x of ctx.shared(pasidAttachesOf))
      if (x.invalid) ctx.report('pasid-invalid', x.loc, x.invalid.message, x.invalid.related);
  },
};

export default check;
