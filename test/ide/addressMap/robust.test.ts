// Every domain and device of every sample, and of every prefix of it (broken references, missing
// parents, half-written maps), draws without throwing: text and well-formed SVG.
import { DOMParser } from '@xmldom/xmldom';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAddressMap } from '../../../server/src/ide/addressMap/build';
import type { Subject } from '../../../server/src/ide/addressMap/build';
import { addressMapSvg } from '../../../server/src/ide/addressMap/svg';
import { addressMapText } from '../../../server/src/ide/addressMap/text';
import { analyzeFixture } from '../../helpers/check';
import { EDGE_64, EMPTY, MSI_BIND, NESTED_NO_RMR, PASID, WINDOW_TOO_SMALL } from './fixtures';

const SAMPLES = path.resolve(__dirname, '../../../samples');
const texts: [string, string][] = [
  ...fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.iommu')).sort().map((f): [string, string] => [f, fs.readFileSync(path.join(SAMPLES, f), 'utf8')]),
  ['nested', NESTED_NO_RMR],
  ['msi-bind', MSI_BIND],
  ['pasid', PASID],
  ['edge-64', EDGE_64],
  ['empty', EMPTY],
  ['window-too-small', WINDOW_TOO_SMALL],
];

function drawAll(text: string, parse: boolean): number {
  const a = analyzeFixture({ 'main.iommu': text });
  const subjects: Subject[] = [...a.config.domains.map((domain): Subject => ({ kind: 'domain', domain })), ...a.config.devices.map((device): Subject => ({ kind: 'device', device }))];
  for (const s of subjects) {
    const map = buildAddressMap(a, s);
    expect(addressMapText(map).length).toBeGreaterThan(0);
    const svg = addressMapSvg(map);
    if (parse) {
      const problems: string[] = [];
      new DOMParser({ onError: (level, msg) => problems.push(`${level}: ${msg}`) }).parseFromString(svg, 'image/svg+xml');
      expect(problems).toEqual([]);
    }
    for (const v of map.views) for (const l of v.lanes) for (const r of l.rows) expect(r.start <= r.last).toBe(true);
  }
  return subjects.length;
}

describe('address map robustness', () => {
  for (const [name, text] of texts)
    it(`${name}: every domain and device of every prefix draws`, () => {
      let drawn = 0;
      for (let end = 0; end <= text.length; end += 173) drawn += drawAll(text.slice(0, end), end % 5 === 0);
      drawn += drawAll(text, true);
      expect(drawn).toBeGreaterThan(0);
    });
});
