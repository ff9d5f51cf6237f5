// `include-error`: raised while parsing and building the model (loading the included files).

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'include-error',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'An include that cannot be followed.',
  explanation: {
    anchor: 'the include string',
    what: 'File missing, include cycle, or a path escaping the workspace.',
    why: 'The included file is missing, the includes form a cycle, or the path leaves the workspace folder. Paths are relative to the including file.',
    fix: 'Fix the path (relative to the including file), break the cycle, or keep included files inside the workspace (the folder of the nearest `.iommu-check.json`, else the repository root).',
    fires: example`
      include "common/missing.iommu"
      iommu smmu0 { model smmuv3 }
    `,
    nearMiss: {
      root: example`
        include "common/board.iommu"
        iommu smmu0 { model smmuv3 }
      `,
      files: {
        'common/board.iommu': example`
          device nic { pci 0000:01:00.0 driver vfio-pci }
        `,
      },
    },
  },
  emittedBy: 'model',
};

export default check;
