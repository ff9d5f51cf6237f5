// `group-membership`: raised while building the model (a device listed in two groups).

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'group-membership',
  severity: 'error',
  family: 'isolation',
  title: 'A device listed in two groups.',
  explanation: {
    anchor: 'the second listing',
    what: 'A device listed in two groups.',
    why: 'An IOMMU group is a partition of the devices: each device belongs to exactly one group (R8). Remove the second listing.',
    fix: 'List each device in one group only (as /sys/kernel/iommu_groups does).',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      device audio { pci 0000:01:00.1 driver vfio-pci }
      group g1 { gpu }
      group g2 { gpu audio }
      domain vm : paging { attach g2 }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      device audio { pci 0000:01:00.1 driver vfio-pci }
      group g2 { gpu audio }
      domain vm : paging { attach g2 }
    `,
  },
  rules: 'R8',
  emittedBy: 'model',
};

export default check;
