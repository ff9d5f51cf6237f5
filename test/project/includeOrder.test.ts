// Attachments in include order: an included file's statements count where its include statement
// is, so the attachment "first" is the one read first with the includes written out in place.

import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/engine';

const ARM = `iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nic { iommu smmu0 msi its0 driver vfio-pci }
`;

function splitAt(files: Record<string, string>): string[] {
  const a = analyze('/w/main.iommu', { host: { read: (p) => files[p] } })!;
  return a.diagnostics.filter((d) => d.code === 'group-split').map((d) => `${d.loc.file.path}:${d.loc.file.lines.position(d.loc.span.start).line}`);
}

describe('include order', () => {
  it('an attachment in a file included before the other attachment comes first', () => {
    expect(
      splitAt({
        '/w/main.iommu': `${ARM}include "first.iommu"\ndomain later : paging { attach nic }\n`,
        '/w/first.iommu': 'domain early : paging { attach nic }\n',
      }),
    ).toEqual(['/w/main.iommu:4']);
  });

  it('an attachment written before the include comes first', () => {
    expect(
      splitAt({
        '/w/main.iommu': `${ARM}domain early : paging { attach nic }\ninclude "second.iommu"\n`,
        '/w/second.iommu': 'domain later : paging { attach nic }\n',
      }),
    ).toEqual(['/w/second.iommu:0']);
  });

  it('through nested includes, at the first inclusion', () => {
    expect(
      splitAt({
        '/w/main.iommu': `${ARM}include "mid.iommu"\ndomain c : paging { attach nic }\ninclude "leaf.iommu"\n`,
        '/w/mid.iommu': 'include "leaf.iommu"\n',
        '/w/leaf.iommu': 'domain a : paging { attach nic }\n',
      }),
    ).toEqual(['/w/main.iommu:4']);
  });
});
