// `wrong-kind`: raised while parsing and building the model.

import type { EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'wrong-kind',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'A name of the wrong kind.',
  explain:
    'The name exists but denotes another kind of object: `attach` takes a device or group, `msi` and map targets take an irqchip, `parent` takes a domain, `iommu` takes an iommu.',
  emittedBy: 'model',
};

export default check;
