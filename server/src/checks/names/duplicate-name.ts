// `duplicate-name`: raised while parsing and building the model.

import type { EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'duplicate-name',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'Two objects share one name.',
  explain:
    'iommus, irqchips, devices, groups and domains share one namespace across all included files. Rename one of them.',
  emittedBy: 'model',
};

export default check;
