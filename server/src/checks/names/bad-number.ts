// `bad-number`: raised while parsing and building the model.

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'bad-number',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'A number or range that is not valid.',
  explanation: {
    anchor: 'the number or range',
    what: 'Value ≥ 2^64, size 0, `A..L` with L < A, a range wrapping past 2^64−1, a page size that is not a power of two.',
    why: 'Numbers are unsigned 64-bit: values of 2^64 or more are refused. A range needs a size greater than 0, `A..L` needs L ≥ A, and no range may wrap past 0xffff_ffff_ffff_ffff (the kernel returns -EOVERFLOW for such a range). Page sizes must be powers of two.',
    fix: 'Give a size above 0, an inclusive last address not below the start, values below 2^64, power-of-two page sizes.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0x8_0000_0000 size 0
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0x8_0000_0000 size 4K
      }
    `,
  },
  emittedBy: 'model',
};

export default check;
