// `group-membership`: raised while building the model (a device listed in two groups).

import type { EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'group-membership',
  severity: 'error',
  family: 'isolation',
  title: 'A device listed in two groups.',
  explain:
    'An IOMMU group is a partition of the devices: each device belongs to exactly one group (R8). Remove the second listing.',
  rules: 'R8',
  emittedBy: 'model',
};

export default check;
