// `parse` never throws: every prefix of every sample and of a realistic text covering every
// construct gives a tree and in-bounds errors (random inputs: test/properties).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, type Span } from '../../grammar/src/index';

const samplesDir = join(__dirname, '..', '..', 'samples');
const samples: [string, string][] = (() => {
  try {
    return readdirSync(samplesDir)
      .filter((f) => f.endsWith('.iommu'))
      .sort()
      .map((f) => [f, readFileSync(join(samplesDir, f), 'utf8')] as [string, string]);
  } catch {
    return [];
  }
})();

/** Every construct of the language, comments and keyword-named objects included. */
const EVERYTHING = `// iommu-check: ignore-file unused-object
# a hash comment
/* a block
   comment */
backend iommufd
page-size 4K
allow-unsafe-interrupts
include "other \\"dir\\"/x.iommu"

iommu smmu0 {
  model smmuv3  ias 48  oas 44
  pgsizes 4K 2M 1G
  nesting no-nesting
  sw-msi 0x800_0000 size 1M
  msi-window none
  reserved 0xFD_0000_0000..0xFF_FFFF_FFFF reserved
  default-domain dma-fq
}
irqchip its0 { model gicv3-its base 0x0808_0000 doorbell 0x0809_0040 isolated }
irqchip msi2 { model gicv2m base 0x0802_0000 not-isolated }
device nic {
  pci 0000:01:00.0
  iommu smmu0
  msi its0 at 0x800_0040 vectors 32
  driver vfio-pci
  reserved 0x7000_0000 size 1M direct   // iommu-check: ignore require-direct
  sw-msi 0x1000_0000 size 1M
  pasid 20
}
device map { pci 01:00.1 iommu smmu0 msi msi2 vectors 4 at 0x0 driver snd_hda_intel }
group g0 { nic map }
domain s2 : paging {
  iommu smmu0
  nest-parent
  map 0x4000_0000 -> 0x8_0000_0000 size 4G rw
  map 0x800_0000 size 4K -> its0 w
  map 0x1_0000..0x1_ffff -> 0x2_0000 r
}
domain guest : nested {
  parent s2
  stage1 translate
  attach nic
  attach map pasid 3
  rmr 0x800_0000 size 1M
  msi-bind 0x900_0000 -> 0x4000_0000 size 4K
  msi-bind 0x900_0000 size 4K -> 0x4000_0000
  pasid-table 0x5000_0000 size 64K format smmuv3
  map 0x1_0000_0000 -> 0x4000_0000 size 1G rw
}
domain blk : blocked { }
expect nic 0x0800_0040 -> its0
expect nic pasid 3 read 0x1_0000_1000 -> 0x8_0000_1000
expect map write 0xffff_ffff_ffff_ffff fault
expect nic 18446744073709551615 fault
`;

function inBounds(span: Span, length: number): boolean {
  return Number.isInteger(span.start) && Number.isInteger(span.end) && 0 <= span.start && span.start <= span.end && span.end <= length;
}

/** Parse and check the invariants; returns a failure description or undefined. */
function check(text: string): string | undefined {
  let r;
  try {
    r = parse(text);
  } catch (e) {
    return `threw ${String(e)}`;
  }
  if (!r || !r.ast || !Array.isArray(r.ast.statements) || !Array.isArray(r.ast.comments)) return 'no tree';
  for (const e of r.errors) {
    if (!inBounds(e.span, text.length)) return `error span out of bounds: ${JSON.stringify(e)}`;
    if (!e.message || /\bToken\b|-->|<--|\bEOF\b/.test(e.message)) return `unfriendly message: ${e.message}`;
  }
  for (const s of r.ast.statements) {
    if (!inBounds(s.span, text.length)) return `statement span out of bounds: ${JSON.stringify(s.span)}`;
    if (s.span.start !== s.keyword.start) return `statement span does not start at its keyword`;
  }
  return undefined;
}

const corpora: [string, string][] = [['everything', EVERYTHING], ...samples];

describe('parse never throws', () => {
  it('the realistic text covering every construct parses without errors', () => {
    expect(parse(EVERYTHING).errors).toEqual([]);
    expect(parse(EVERYTHING).ast.statements.length).toBe(17);
  });

  for (const [name, text] of corpora) {
    it(`every prefix of ${name}`, () => {
      const failures: string[] = [];
      for (let cut = 0; cut <= text.length; cut++) {
        const f = check(text.slice(0, cut));
        if (f) failures.push(`cut ${cut}: ${f}`);
        if (failures.length > 5) break;
      }
      expect(failures).toEqual([]);
    });
  }

  it('odd inputs', () => {
    for (const text of [
      '', ' ', '\n', '{', '}', '}}}}', '{{{{', '->', '..', ':', '"', '"\\', '/*', '*/', '#', '//', '\u0000', '😀 device',
      'device', 'domain', 'domain d :', 'map', 'expect', 'expect nic', 'expect nic pasid', 'include "', 'device x {',
      'device x { msi', 'device x { msi y at', 'domain d : paging { map', 'domain d : paging { map 1 size',
      'domain d : paging { map 1 ->', 'domain d : paging { map 1 .. 2 -> x size', '0x', '01:00.0', 'iommu a { pgsizes 4K 2M',
      'group g { a b { c } d', 'iommu a { sw-msi', 'iommu a { msi-window', 'device d { reserved 1 size', 'x'.repeat(5000), '{'.repeat(2000), 'device a {'.repeat(500),
    ]) {
      expect(check(text)).toBeUndefined();
    }
  });
});
