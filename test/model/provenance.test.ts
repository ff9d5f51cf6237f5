// Provenance comments (`// iommu-check: from FILE:LINE[:COL] WHAT`, `// iommu-check: from argv[N] WHAT`):
// diagnostics on a statement with a provenance name the VM definition's place in related
// information (inside the named file when it can be read), and hover on a domain shows it.

import { describe, expect, it } from 'vitest';
import { hover } from '../../server/src/ide/hover';
import { analyzeFixture } from '../helpers/check';
import { withCursor } from '../ide/helpers';

const XML = `<domain type='kvm'>
  <name>win11</name>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
    </hostdev>
  </devices>
</domain>
`;

const CONFIG = `backend vfio-type1
iommu dmar0 { model vtd }
device gpu { pci 0000:01:00.0 driver vfio-pci }
device audio { pci 0000:01:00.1 driver snd_hda_intel }
group g { gpu audio }
// iommu-check: from vms/win11.xml:1 <domain> 'win11'
domain vm_win11 : paging {
  // iommu-check: from vms/win11.xml:4:5 <hostdev> 0000:01:00.0
  attach gpu
  map 0x0 -> 0x1_0000_0000 size 2G    // iommu-check: from argv[3] -m 2G
}
`;

const where = (d: { loc: { file: { path: string; lines: { position(o: number): { line: number; character: number } } }; span: { start: number; end: number } }; message: string }) => {
  const s = d.loc.file.lines.position(d.loc.span.start);
  const e = d.loc.file.lines.position(d.loc.span.end);
  return `${d.loc.file.path}:${s.line + 1}:${s.character + 1}-${e.line + 1}:${e.character + 1} ${d.message}`;
};

describe('provenance comments', () => {
  it("a diagnostic on an attach names the VM definition's element, inside the file", () => {
    const a = analyzeFixture({ 'main.iommu': CONFIG, 'vms/win11.xml': XML });
    const d = a.diagnostics.find((x) => x.code === 'group-not-viable')!;
    expect(d.related.map(where)).toEqual([
      "/fixture/main.iommu:4:33-4:53 'audio' is bound to the kernel driver snd_hda_intel",
      "/fixture/vms/win11.xml:4:5-4:56 from the VM definition: vms/win11.xml:4:5 <hostdev> 0000:01:00.0",
      "/fixture/vms/win11.xml:1:1-1:20 from the VM definition: vms/win11.xml:1 <domain> 'win11'",
    ]);
  });

  it('an unreadable file or an argv position points at the comment itself', () => {
    const a = analyzeFixture({ 'main.iommu': CONFIG.replace('map 0x0 ->', 'map 0xFEE0_0000 ->').replace('size 2G', 'size 4K') });
    const d = a.diagnostics.find((x) => x.code === 'map-overlaps-reserved')!;
    expect(d.related.filter((r) => r.message.startsWith('from the VM')).map(where)).toEqual([
      '/fixture/main.iommu:10:47-10:81 from the VM definition: argv[3] -m 2G',
      "/fixture/main.iommu:6:1-6:54 from the VM definition: vms/win11.xml:1 <domain> 'win11'",
    ]);
  });

  it('hover on the domain shows where it comes from', () => {
    const { a, file, offset } = withCursor({ 'main.iommu': CONFIG.replace('domain vm_win11', 'domain vm_w$0in11'), 'vms/win11.xml': XML });
    expect(hover(a, file, offset)!.contents).toContain("- from: `vms/win11.xml:1` <domain> 'win11'");
  });
});
