// Every bundled sample checks as its header says: the `// expect-diagnostic: CODE line N` lines
// list exactly the diagnostics it produces (`none` for a clean sample).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../server/src/engine';

const dir = path.resolve(__dirname, '../samples');
const samples = fs.readdirSync(dir).filter((f) => f.endsWith('.iommu')).sort();

describe('samples', () => {
  it('there are at least six', () => {
    expect(samples.length).toBeGreaterThanOrEqual(6);
  });
  for (const name of samples) {
    it(`${name} checks as its header says`, () => {
      const file = path.join(dir, name);
      const text = fs.readFileSync(file, 'utf8');
      const declared = [...text.matchAll(/^\/\/ expect-diagnostic: (.*)$/gm)].map((m) => m[1]!.trim());
      expect(declared.length, 'the header lists its expected diagnostics').toBeGreaterThan(0);
      const expected = declared.filter((d) => d !== 'none').sort();
      const a = analyze(file, { workspaceRoot: dir })!;
      expect(a.internalErrors).toEqual([]);
      const actual = a.diagnostics
        .filter((d) => d.loc.file.path === file)
        .map((d) => `${d.code} line ${d.loc.file.lines.position(d.loc.span.start).line + 1}`)
        .sort();
      expect(actual).toEqual(expected);
    });
  }
});
