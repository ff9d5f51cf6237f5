// `unknown-name`: raised while parsing and building the model.

import type { EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'unknown-name',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'A name that no declaration defines.',
  explain:
    'Every name used (an attached device, an irqchip, a parent domain, an iommu) must be declared somewhere in the configuration: in this file or a file it includes. Names are visible regardless of declaration order.',
  emittedBy: 'model',
};

export default check;
