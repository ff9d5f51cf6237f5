// Plain maps are read in bulk by the parser and become mappings without their syntax nodes being
// made (grammar/src/plainMap.ts, addPlainMap in model/build.ts). The model, the diagnostics and
// the places they point at must be those of the general way, maps with bad values included.

import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parser } from '../../grammar/src/parser';
import { PlainMap } from '../../grammar/src/plainMap';
import type { Analysis } from '../../server/src/engine';
import { analyzeText } from '../properties/invariants';
import { CORPUS } from '../properties/corpus';

function bothWays(text: string): { general: Analysis; plain: Analysis } {
  parser.plainMaps = false;
  try {
    const general = analyzeText(text);
    parser.plainMaps = true;
    return { general, plain: analyzeText(text) };
  } finally {
    parser.plainMaps = true;
  }
}

/** What the model holds of every domain's mappings, and every diagnostic with the text it covers. */
function outcome(a: Analysis) {
  const text = a.config.root.text;
  const at = (s: { start: number; end: number }) => `${s.start}-${s.end} ${JSON.stringify(text.slice(s.start, s.end))}`;
  return {
    maps: a.config.domains.map((d) => ({
      domain: d.name,
      maps: d.maps.map((m) => ({
        start: m.input.start,
        last: m.input.last,
        output: m.output,
        perm: m.perm,
        origin: m.origin,
        describe: m.describe,
        at: at(m.loc.span),
        stmt: m.stmt ? [at(m.stmt.span), at(m.stmt.keyword), m.stmt.perm?.text] : undefined,
      })),
    })),
    diagnostics: a.diagnostics.map((d) => `${d.code} ${d.severity} ${at(d.loc.span)} ${d.message}`),
  };
}

const plainCount = (a: Analysis) => a.config.domains.reduce((n, d) => n + d.maps.filter((m) => m.stmt instanceof PlainMap).length, 0);

describe('plain maps in the model', () => {
  it('give the mappings and diagnostics of the general way on every configuration of the project', () => {
    let plain = 0;
    for (const c of CORPUS) {
      const both = bothWays(c.text);
      expect(outcome(both.plain), c.name).toEqual(outcome(both.general));
      plain += plainCount(both.plain);
    }
    expect(plain).toBeGreaterThan(20);
  });

  it('give the mappings and diagnostics of the general way for any values and permissions', () => {
    const value = fc.constantFrom('0', '0x1000', '4K', '2M', '0x4000_0000', '0xffff_ffff_ffff_f000', '0xffff_ffff_ffff_ffff', '0x1_0000_0000_0000_0000', '0x20_0000_0000_0000', '99999999999999999', '0b1000');
    const perm = fc.constantFrom('', ' rw', ' r', ' w', ' wr', ' x', ' RW', '\n  r');
    const type = fc.constantFrom('paging', 'identity', 'nested', 'blocked', 'dma');
    const map = fc.tuple(value, value, value, fc.boolean(), perm).map(([a, s, t, sizeFirst, p]) => (sizeFirst ? `map ${a} size ${s} -> ${t}${p}` : `map ${a} -> ${t} size ${s}${p}`));
    fc.assert(
      fc.property(type, fc.array(map, { minLength: 1, maxLength: 5 }), (t, maps) => {
        const text = [
          'backend iommufd',
          'iommu smmu0 { model smmuv3 }',
          'irqchip its0 { model gicv3-its  base 0x0808_0000 }',
          'device nic { pci 0000:01:00.0  iommu smmu0  msi its0  driver vfio-pci }',
          `domain vm : ${t} {`,
          ...(t === 'nested' ? ['  parent s2'] : []),
          '  attach nic',
          ...maps.map((m) => `  ${m}`),
          '}',
          ...(t === 'nested' ? ['domain s2 : paging { nest-parent }'] : []),
          '',
        ].join('\n');
        const both = bothWays(text);
        expect(outcome(both.plain)).toEqual(outcome(both.general));
      }),
      { numRuns: 400 },
    );
  });
});
