// `syntax`: raised while parsing and building the model.

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'syntax',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'The text does not parse.',
  explanation: {
    anchor: 'the offending token',
    what: 'The text does not parse; the parser recovers and keeps going, so one typo gives one diagnostic and the rest of the file is still checked.',
    why: 'The parser recovers after each error and keeps going, so one typo gives one diagnostic and the rest of the file is still checked. Fix the statement at the marked token.',
    fix: 'Correct the statement at the marked token; the rest of the file is checked meanwhile.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device nic { drvier vfio-pci }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device nic { driver vfio-pci }
    `,
  },
  emittedBy: 'model',
};

export default check;
