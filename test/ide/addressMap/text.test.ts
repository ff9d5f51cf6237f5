// The address map's text form, stated in full (the files under maps/): every bundled sample,
// and the nested, msi-bind, PASID, 64-bit-edge, empty-domain and too-small-window cases.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type Analysis } from '../../../server/src/engine';
import { buildAddressMap, buildAddressMaps } from '../../../server/src/ide/addressMap/build';
import { findSubjects, type SubjectQuery } from '../../../server/src/ide/addressMap/subject';
import { addressMapText } from '../../../server/src/ide/addressMap/text';
import { analyzeFixture } from '../../helpers/check';
import { EDGE_64, EMPTY, MSI_BIND, NESTED_NO_RMR, PASID, WINDOW_TOO_SMALL } from './fixtures';

const SAMPLES = path.resolve(__dirname, '../../../samples');

export function mapText(a: Analysis, q: SubjectQuery, name = 'main.iommu'): string {
  const subjects = findSubjects(a, q);
  if (typeof subjects === 'string') throw new Error(subjects);
  return addressMapText('all' in q ? buildAddressMaps(a, subjects, name) : buildAddressMap(a, subjects[0]!));
}

describe('address map text: samples', () => {
  for (const name of fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.iommu')).sort()) {
    it(name, async () => {
      const a = analyze(path.join(SAMPLES, name), { workspaceRoot: SAMPLES })!;
      await expect(mapText(a, { all: true }, name)).toMatchFileSnapshot(`maps/${name.replace(/\.iommu$/, '')}.txt`);
    });
  }
});

describe('address map text: cases', () => {
  const cases: [string, string, SubjectQuery][] = [
    ['nested-no-rmr', NESTED_NO_RMR, { domain: 'guest' }],
    ['nested-no-rmr-parent', NESTED_NO_RMR, { domain: 's2' }],
    ['msi-bind', MSI_BIND, { device: 'vf0' }],
    ['pasid-device', PASID, { device: 'acc' }],
    ['edge-64', EDGE_64, { domain: 'top' }],
    ['empty-domain', EMPTY, { domain: 'spare' }],
    ['window-too-small', WINDOW_TOO_SMALL, { domain: 'vm' }],
  ];
  for (const [name, text, q] of cases)
    it(name, async () => {
      await expect(mapText(analyzeFixture({ 'main.iommu': text }), q)).toMatchFileSnapshot(`maps/${name}.txt`);
    });
});
