// Suppression comments (language.md §11) and unused-suppression.

import { describe, it } from 'vitest';
import { check } from '../helpers/check';

const HEAD = `backend iommufd
iommu smmu0 { model smmuv3 }
device nic { driver vfio-pci }
`;

describe('suppressions', () => {
  it('own line: the next statement; end of line: that line; others still reported', () => {
    check(`${HEAD}domain vm : paging {
  attach nic
  // iommu-check: ignore map-unaligned -- firmware quirk, see ticket 42
  map 0x1000_0000 -> 0x8_0000_0000 size 0x1800
  map 0x2000_0000 -> 0x8_1000_0000 size 0x1800   // iommu-check: ignore map-unaligned
  map 0x3000_0000 -> 0x8_2000_0000 size 0x1800
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-unaligned
}
`);
  });
  it('a line holding only comments is its own line: the suppression covers the next statement', () => {
    check(`${HEAD}domain vm : paging {
  attach nic
  /* quirk */ // iommu-check: ignore map-unaligned
  map 0x1000_0000 -> 0x8_0000_0000 size 0x1800
}
`);
  });
  it('several codes in one comment, and # comments', () => {
    check(`${HEAD}domain vm : paging {
  attach nic
  # iommu-check: ignore map-unaligned, map-overlaps-reserved
  map 0x800_0000 -> 0x8_0000_0000 size 0x1800
}
`);
  });
  it('ignore-file silences a code everywhere in its file', () => {
    check(`// iommu-check: ignore-file map-unaligned
${HEAD}domain vm : paging {
  attach nic
  map 0x1000_0000 -> 0x8_0000_0000 size 0x1800
  map 0x2000_0000 -> 0x8_1000_0000 size 0x1800
}
`);
  });
  it('a suppression before a block covers the whole block', () => {
    check(`${HEAD}// iommu-check: ignore map-unaligned
domain vm : paging {
  attach nic
  map 0x1000_0000 -> 0x8_0000_0000 size 0x1800
}
`);
  });
  it('a suppression that silences nothing is unused-suppression', () => {
    check(`${HEAD}domain vm : paging {
  attach nic
  // iommu-check: ignore map-overlap -- not this one
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression: silences nothing
  map 0x1000_0000 -> 0x8_0000_0000 size 4K
}
`);
  });
  it('only the named code is silenced, and an unknown code is reported', () => {
    check(`${HEAD}domain vm : paging {
  attach nic
  map 0x1000_0000 -> 0x8_0000_0000 size 0x1800   // iommu-check: ignore map-overlap, no-such-code
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-unaligned
//                                               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression: silences nothing
//                                               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression: not a check code
}
`);
  });
  it('a suppression applies to diagnostics anchored in an included file only in that file', () => {
    check({
      'main.iommu': `include "maps.iommu"
  // iommu-check: ignore map-unaligned
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression
${HEAD}`,
      'maps.iommu': `domain vm : paging {
  attach nic
  map 0x1000_0000 -> 0x8_0000_0000 size 0x1800
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ map-unaligned
}
`,
    });
  });
});
