// The catalogue of domain.md §5 (misconfigurations M1–M46) and §5b (traps T1–T21): each one is
// either covered by a fixture (a test whose `describe`/`it` title names it, in the file given
// here) or listed with the reason the language cannot express it. The test fails when a
// covered item loses its fixture or an item is in neither list.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../server/src/checks/registry';

const COVERED: Record<string, string[]> = {
  M1: ['isolation'], M5: ['topology'], M2: ['isolation'], M3: ['isolation'], M7: ['isolation'], M8: ['reserved'],
  M9: ['reserved'], M11: ['isolation'], M12: ['isolation'], M13: ['reserved'], M16: ['reserved'],
  M19: ['reserved'], M20: ['reserved'], M21: ['reserved'], M24: ['doorbells'], M25: ['doorbells'],
  M26: ['doorbells'], M27: ['doorbells'], M28: ['doorbells'], M29: ['reserved'], M30: ['isolation'],
  M31: ['doorbells'], M32: ['doorbells'], M33: ['doorbells'], M34: ['reserved'], M18: ['viommu'],
  M35: ['doorbells', 'nesting'], M36: ['doorbells'], M37: ['reserved'], M38: ['nesting'],
  M42: ['isolation'], M43: ['nesting'],
  T1: ['reserved'], T2: ['reserved'], T3: ['reserved'], T4: ['doorbells'], T5: ['doorbells'],
  T6: ['doorbells', 'reserved'], T7: ['isolation'], T8: ['doorbells'], T9: ['doorbells', 'nesting'],
  T10: ['hygiene', 'reserved', 'kernel'], T11: ['reserved'], T13: ['reserved', 'kernel'], T14: ['isolation'],
  T15: ['doorbells'], T16: ['reserved'], T17: ['isolation'], T18: ['isolation'], T19: ['isolation'],
  T20: ['doorbells'], T21: ['isolation'],
};

const NOT_EXPRESSIBLE: Record<string, string> = {
  M4: '`attach DEVICE` always attaches the whole group (language.md §8): there is no single-device attach to misuse',
  M6: 'no StreamID / DeviceID mappings (iommu-map, msi-map, IORT ID mappings) in the language',
  M10: 'no allowed-IOVA list (IOAS_ALLOW_IOVAS) statement',
  M14: 'a region is written with the type the kernel ends up with; "meant as identity" cannot be said',
  M15: 'IORT encodings (descriptor alignment, revision, ID counts) are firmware details; the kernel only warns',
  M17: 'a static configuration has no order of attach and map; its end state is M16 (map outside the aperture)',
  M22: 'no unmap statement',
  M23: 'expressible (65 536 maps) but checks.md has no code for it',
  M39: 'no vIOMMU / vDEVICE objects or virt_ids',
  M40: 'stage1 takes only translate, bypass or abort: other vSTE configurations cannot be written',
  M41: 'no host SSID state at nested attach',
  M44: 'no object lifetime or destroy order',
  M45: 'no dirty-tracking flags',
  M46: 'no sysfs type writes, driver binding order or capabilities',
  T12: 'no unmap statement',
};

const dir = __dirname;
const titles = new Map<string, string>();
const fixtureText: string[] = [];
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts') && f !== 'catalogue.test.ts')) {
  const text = fs.readFileSync(path.join(dir, f), 'utf8');
  const found = [...text.matchAll(/\b(?:describe|it)\(\s*(['"`])(.*?)\1/g)].map((m) => m[2]!).join('\n');
  titles.set(f.replace('.test.ts', ''), found);
  fixtureText.push(text);
}

describe('domain.md catalogue', () => {
  const all = [...Array.from({ length: 46 }, (_, i) => `M${i + 1}`), ...Array.from({ length: 21 }, (_, i) => `T${i + 1}`)];
  it('every misconfiguration and trap is covered or explained, never both', () => {
    for (const id of all) expect(id in COVERED !== id in NOT_EXPRESSIBLE, id).toBe(true);
  });
  for (const [id, files] of Object.entries(COVERED)) {
    it(`${id} has a fixture`, () => {
      for (const f of files) {
        const t = titles.get(f) ?? '';
        expect(new RegExp(`\\b${id}\\b`).test(t), `${id} in a test title of ${f}.test.ts`).toBe(true);
      }
    });
  }
});

describe('check catalogue (checks.md)', () => {
  // Every code, unsupported-feature included, has a fixture whose caret marker expects it: the
  // fixture helper then asserts that the code fires exactly there.
  // The firmware checks fire on tables, not on .iommu text: their fixtures are table sources in
  // test/import (and each one's own example, run by registry.test.ts).
  const all = fixtureText.join('\n');
  for (const c of CHECKS.filter((x) => x.family !== 'firmware')) {
    it(`${c.code} has a fixture that fires it`, () => {
      expect(new RegExp(`//\\s*\\^+\\s+${c.code}(?![a-z0-9-])`).test(all), `a '^^^ ${c.code}' marker in test/checks`).toBe(true);
    });
  }
});
