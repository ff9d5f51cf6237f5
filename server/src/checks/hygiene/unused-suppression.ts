// `unused-suppression`: raised when suppression comments are applied (checks/suppressions.ts).

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'unused-suppression',
  severity: 'warning',
  family: 'hygiene',
  title: 'A suppression comment that silenced nothing.',
  explanation: {
    anchor: 'the suppression comment',
    what: 'It silenced nothing.',
    why: 'The code it names did not fire on its statement (or in its file, for ignore-file). Remove it so that it does not hide a future problem.',
    fix: 'Remove the suppression (or correct the code it names).',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        // iommu-check: ignore map-overlap -- sharing a page on purpose
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
        // iommu-check: ignore map-overlap -- sharing a page on purpose
        map 0x4000_0000 -> 0x9_0000_0000 size 4K
      }
    `,
  },
  emittedBy: 'suppressions',
};

export default check;
