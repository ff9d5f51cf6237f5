import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/src/index';
import { formatText } from '../../server/src/ide/format';

function fmt(text: string): string | null {
  const p = parse(text);
  return formatText({ text, ast: p.ast, syntaxErrors: p.errors });
}

function comments(text: string): string[] {
  return parse(text).ast.comments.map((c) => (c.kind === 'line' ? c.text.trimEnd() : c.text)).sort();
}

const SAMPLES = path.join(__dirname, '../../samples');
const samples = fs.existsSync(SAMPLES) ? fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.iommu')) : [];

describe('formatting', () => {
  it('lays out blocks, one statement per line, aligned arrows, comments kept', () => {
    const input = `backend iommufd
iommu smmu0 { model smmuv3  ias 48  oas 44 }   // the SMMU
/* a block
   comment */
domain s2 : paging { nest-parent
map 0x4000_0000 -> 0x8_0000_0000 size 4G rw // guest RAM
  map 0x1000..0x1fff -> 0x2000 r
      // own line
   attach   nic pasid 3 }
device nic {}
group g { nic }
`;
    expect(fmt(input)).toBe(`backend iommufd
iommu smmu0 {
  model smmuv3
  ias 48
  oas 44
}                                              // the SMMU
/* a block
   comment */
domain s2 : paging {
  nest-parent
  map 0x4000_0000    -> 0x8_0000_0000 size 4G rw  // guest RAM
  map 0x1000..0x1fff -> 0x2000 r
  // own line
  attach nic pasid 3
}
device nic {}
group g {
  nic
}
`);
  });

  it('keeps one blank line of several and none after an opening brace', () => {
    expect(fmt('iommu a {\n\n  model smmuv3\n}\n\n\n\niommu b { model vtd }\n')).toBe('iommu a {\n  model smmuv3\n}\n\niommu b {\n  model vtd\n}\n');
  });

  it('leaves a file with syntax errors alone', () => {
    expect(fmt('iommu a { model }}}')).toBeNull();
  });

  it.each(samples)('is idempotent on samples/%s and keeps every comment', (name) => {
    const text = fs.readFileSync(path.join(SAMPLES, name), 'utf8');
    const once = fmt(text);
    if (once === null) {
      expect(parse(text).errors.length).toBeGreaterThan(0);
      return;
    }
    expect(parse(once).errors).toEqual([]);
    expect(fmt(once)).toBe(once);
    expect(comments(once)).toEqual(comments(text));
  });
});
