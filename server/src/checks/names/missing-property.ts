// `missing-property`: raised while parsing and building the model.

import type { EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'missing-property',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'A required property is absent.',
  explain:
    'Every iommu and irqchip needs a `model`; a device needs `iommu NAME` when several IOMMU instances are declared; a nested domain needs `parent`; an irqchip needs `base` or `doorbell` so that its doorbell address is known.',
  emittedBy: 'model',
};

export default check;
