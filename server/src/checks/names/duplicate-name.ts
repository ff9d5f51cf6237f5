// `duplicate-name`: raised while parsing and building the model.

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'duplicate-name',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'Two objects share one name.',
  explanation: {
    anchor: "the second declaration's name",
    what: 'Two objects with one name (names share one namespace).',
    why: 'iommus, irqchips, devices, groups and domains share one namespace across all included files. Rename one of them.',
    fix: 'Rename one of the two objects: iommus, irqchips, devices, groups and domains share one namespace.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain gpu : paging { }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging { attach gpu }
    `,
  },
  emittedBy: 'model',
};

export default check;
