// The SVG form: well-formed XML (parsed by @xmldom/xmldom, failing on any error or warning), one
// band element per band of the layout with its source position, and every label, range, detail
// and diagnostic the text form shows.
import { DOMParser, type Element } from '@xmldom/xmldom';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type Analysis } from '../../../server/src/engine';
import { buildAddressMap, buildAddressMaps } from '../../../server/src/ide/addressMap/build';
import { diagnosticLabel, gapLabel, rangeLabel } from '../../../server/src/ide/addressMap/labels';
import { findSubjects, type SubjectQuery } from '../../../server/src/ide/addressMap/subject';
import { addressMapSvg } from '../../../server/src/ide/addressMap/svg';
import type { AddressMap } from '../../../server/src/ide/addressMap/types';
import { analyzeFixture } from '../../helpers/check';
import { EDGE_64, EMPTY, MSI_BIND, NESTED_NO_RMR, PASID, WINDOW_TOO_SMALL } from './fixtures';

const SAMPLES = path.resolve(__dirname, '../../../samples');

function build(a: Analysis, q: SubjectQuery): AddressMap {
  const s = findSubjects(a, q);
  if (typeof s === 'string') throw new Error(s);
  return 'all' in q ? buildAddressMaps(a, s, 'x') : buildAddressMap(a, s[0]!);
}

function parse(svg: string) {
  const problems: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => problems.push(`${level}: ${msg}`) }).parseFromString(svg, 'image/svg+xml');
  expect(problems).toEqual([]);
  return doc;
}

function texts(el: Element): string[] {
  const out: string[] = [];
  const list = el.getElementsByTagName('text');
  for (let i = 0; i < list.length; i++) out.push(list.item(i)!.textContent ?? '');
  return out;
}

function checkSvg(map: AddressMap): void {
  const doc = parse(addressMapSvg(map));
  const root = doc.documentElement!;
  expect(root.tagName).toBe('svg');
  expect(root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
  const all = texts(root).join('\n');
  const groups = root.getElementsByTagName('g');
  const bands = new Map<string, Element>();
  for (let i = 0; i < groups.length; i++) {
    const g = groups.item(i)!;
    const id = g.getAttribute('data-band');
    if (id) bands.set(id, g);
  }
  const laneBands = map.views.flatMap((v) => v.lanes.flatMap((l) => l.bands));
  expect([...bands.keys()].sort()).toEqual(laneBands.map((b) => b.id).sort());
  for (const v of map.views) {
    expect(all).toContain(v.title);
    for (const n of v.notes) expect(all).toContain(n);
    for (const lane of v.lanes) {
      expect(all).toContain(lane.space);
      expect(all).toContain(lane.caption);
      for (const r of lane.rows) if (r.kind !== 'used') expect(all).toContain(gapLabel(r));
      for (const b of lane.bands) {
        const g = bands.get(b.id)!;
        // the visible lines, and the tooltip with everything
        const title = g.getElementsByTagName('title').item(0)!.textContent!;
        for (const piece of [b.label, rangeLabel(b.start, b.last), b.detail]) expect(title).toContain(piece);
        expect(texts(g).join('\n')).toContain(b.label);
        if (b.source) {
          expect(g.getAttribute('data-line')).toBe(String(b.source.line));
          expect(g.getAttribute('data-path')).toBe(b.source.path);
        }
        for (const i of b.diagnostics) expect(title).toContain(diagnosticLabel(map, i, v.diagnostics[i]!));
      }
    }
    // every diagnostic is listed under the view (wrapped over lines)
    const flat = all.replace(/\n {2}/g, ' ');
    v.diagnostics.forEach((d, i) => expect(flat).toContain(diagnosticLabel(map, i, d)));
  }
}

describe('address map SVG', () => {
  for (const name of fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.iommu')).sort())
    it(`${name}: well-formed, with every band and label`, () => {
      checkSvg(build(analyze(path.join(SAMPLES, name), { workspaceRoot: SAMPLES })!, { all: true }));
    });
  const cases: [string, string, SubjectQuery][] = [
    ['nested without rmr', NESTED_NO_RMR, { domain: 'guest' }],
    ['msi-bind', MSI_BIND, { device: 'vf0' }],
    ['PASID device', PASID, { device: 'acc' }],
    ['64-bit edge', EDGE_64, { domain: 'top' }],
    ['empty domain', EMPTY, { domain: 'spare' }],
    ['SW_MSI window too small', WINDOW_TOO_SMALL, { domain: 'vm' }],
  ];
  for (const [name, text, q] of cases) it(`${name}: well-formed, with every band and label`, () => checkSvg(build(analyzeFixture({ 'main.iommu': text }), q)));

  it('escapes names and messages: a diagnostic quoting markup stays text', () => {
    const a = analyzeFixture({ 'main.iommu': NESTED_NO_RMR.replace('attach nic', 'attach nic\n  attach <x&y>') });
    const map = build(a, { domain: 'guest' });
    const svg = addressMapSvg(map);
    parse(svg);
    expect(svg).not.toContain('<x&y>');
  });

  it('the nested guest without an rmr: the MSI address faults, marked with the unmapped-doorbell diagnostic', () => {
    const map = build(analyzeFixture({ 'main.iommu': NESTED_NO_RMR }), { domain: 'guest' });
    const doc = parse(addressMapSvg(map));
    const groups = doc.getElementsByTagName('g');
    let msi: Element | null = null;
    for (let i = 0; i < groups.length; i++) if (groups.item(i)!.getAttribute('class')?.startsWith('am-band k-msi')) msi = groups.item(i);
    expect(msi!.getAttribute('class')).toBe('am-band k-msi s-fault am-has-diag');
    expect(texts(msi!)).toEqual(['MSI of nic at 0x800_0040 [fault]', '!1']);
    expect(map.views[0]!.diagnostics.map((d) => d.code)).toEqual(['unmapped-doorbell', 's2-unmapped']);
  });
});
