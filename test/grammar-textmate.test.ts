// Structural checks of the TextMate grammar shipped in the VS Code extension: it parses, every
// regex compiles as a JavaScript RegExp (the grammar is written in the subset that Oniguruma and
// JavaScript share), every include resolves, and the key patterns match what they should.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  include?: string;
  patterns?: Rule[];
  captures?: Record<string, { name?: string }>;
  beginCaptures?: Record<string, { name?: string }>;
  endCaptures?: Record<string, { name?: string }>;
}
interface Grammar {
  scopeName: string;
  name: string;
  fileTypes: string[];
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const grammar: Grammar = JSON.parse(readFileSync(join(__dirname, '..', 'grammar', 'iommu.tmLanguage.json'), 'utf8'));

function* rules(rule: Rule, path: string): Generator<[string, Rule]> {
  yield [path, rule];
  for (const [i, r] of (rule.patterns ?? []).entries()) yield* rules(r, `${path}.patterns[${i}]`);
}
function allRules(): [string, Rule][] {
  const out: [string, Rule][] = [];
  for (const [i, r] of grammar.patterns.entries()) out.push(...rules(r, `patterns[${i}]`));
  for (const [k, r] of Object.entries(grammar.repository)) out.push(...rules(r, `repository.${k}`));
  return out;
}
/** The first rule (depth first) whose scope name is `name`. */
function rule(name: string): Rule {
  const found = allRules().find(([, r]) => r.name === name);
  if (!found) throw new Error(`no rule named ${name}`);
  return found[1];
}
function matches(name: string, text: string): string | undefined {
  return new RegExp(rule(name).match!).exec(text)?.[0];
}

describe('TextMate grammar', () => {
  it('has the expected header', () => {
    expect(grammar.scopeName).toBe('source.iommu');
    expect(grammar.fileTypes).toContain('iommu');
    expect(grammar.patterns.length).toBeGreaterThan(0);
  });

  it('compiles every regex as a JavaScript RegExp', () => {
    const bad: string[] = [];
    let count = 0;
    for (const [path, r] of allRules()) {
      for (const key of ['match', 'begin', 'end'] as const) {
        const src = r[key];
        if (src === undefined) continue;
        count++;
        // Oniguruma-only constructs that JavaScript would misread or reject.
        if (/\\[hHAzZG]|\(\?[imx]+[):]|\(\?>|[*+?}]\+/.test(src)) bad.push(`${path}.${key}: Oniguruma-only construct in ${src}`);
        try {
          new RegExp(src);
        } catch (e) {
          bad.push(`${path}.${key}: ${(e as Error).message}`);
        }
      }
      if ((r.begin === undefined) !== (r.end === undefined)) bad.push(`${path}: begin without end (or the reverse)`);
    }
    expect(bad).toEqual([]);
    expect(count).toBeGreaterThan(15);
  });

  it('resolves every include', () => {
    const missing = allRules()
      .map(([path, r]) => [path, r.include] as const)
      .filter(([, inc]) => inc !== undefined && inc !== '$self' && inc !== '$base' && !(inc.startsWith('#') && inc.slice(1) in grammar.repository));
    expect(missing).toEqual([]);
  });

  it('gives every scope name the .iommu suffix', () => {
    const names: string[] = [];
    for (const [, r] of allRules()) {
      if (r.name) names.push(r.name);
      for (const caps of [r.captures, r.beginCaptures, r.endCaptures]) for (const c of Object.values(caps ?? {})) if (c.name) names.push(c.name);
    }
    expect(names.filter((n) => !n.endsWith('.iommu'))).toEqual([]);
  });

  it('matches numbers with separators and size suffixes, not digits inside names', () => {
    expect(matches('constant.numeric.hex.iommu', 'base 0x0808_0000 }')).toBe('0x0808_0000');
    expect(matches('constant.numeric.hex.iommu', 'size 0x10K')).toBe('0x10K');
    expect(matches('constant.numeric.binary.iommu', 'x 0b1010_1 ')).toBe('0b1010_1');
    expect(matches('constant.numeric.decimal.iommu', 'pgsizes 64K 2M')).toBe('64K');
    expect(matches('constant.numeric.decimal.iommu', 'iommu smmu0 {')).toBeUndefined();
    expect(matches('constant.numeric.decimal.iommu', 'backend vfio-type1')).toBeUndefined();
    expect(matches('constant.numeric.hex.iommu', 'map 0x0..0x1')).toBe('0x0');
    expect(new RegExp(rule('constant.numeric.hex.iommu').match!, 'g').exec('0x0..0xfff')?.[0]).toBe('0x0');
    expect('0x0..0xfff'.match(new RegExp(rule('constant.numeric.hex.iommu').match!, 'g'))).toEqual(['0x0', '0xfff']);
  });

  it('matches PCI addresses with and without a segment', () => {
    expect(matches('constant.other.pci-address.iommu', 'pci 0000:01:00.0  iommu')).toBe('0000:01:00.0');
    expect(matches('constant.other.pci-address.iommu', 'pci 01:1f.7 }')).toBe('01:1f.7');
  });

  it('captures declaration names and the domain type', () => {
    const decl = new RegExp(rule('meta.declaration.iommu').match!);
    expect(decl.exec('device nic { pci 0000:01:00.0  iommu smmu0 }')?.slice(1, 3)).toEqual(['device', 'nic']);
    expect(decl.exec('irqchip its0 { model gicv3-its }')?.[2]).toBe('its0');
    // a reference inside a block is not a declaration
    expect(decl.exec('  iommu smmu0  msi its0')).toBeNull();
    const dom = new RegExp(rule('meta.declaration.domain.iommu').match!);
    expect(dom.exec('domain vm : paging {')?.slice(1, 5)).toEqual(['domain', 'vm', ':', 'paging']);
  });

  it('keeps keywords whole (msi-window is one keyword, not msi)', () => {
    expect(matches('keyword.other.property.iommu', '  msi-window none')).toBe('msi-window');
    expect(matches('keyword.other.property.iommu', '  nest-parent')).toBe('nest-parent');
    expect(matches('keyword.control.toplevel.iommu', 'allow-unsafe-interrupts')).toBe('allow-unsafe-interrupts');
    expect(matches('keyword.other.property.iommu', 'mapping')).toBeUndefined();
  });

  it('highlights suppression comments', () => {
    const m = new RegExp(rule('meta.suppression.iommu').match!).exec('// iommu-check: ignore map-overlap, unused-suppression -- firmware bug');
    expect(m?.[1]).toBe('iommu-check');
    expect(m?.[3]).toBe('ignore');
    expect(m?.[4]?.trim()).toBe('map-overlap, unused-suppression');
    expect(m?.[6]).toBe('firmware bug');
    expect(new RegExp(rule('meta.suppression.iommu').match!).exec('# iommu-check: ignore-file sw-msi-exhausted')?.[3]).toBe('ignore-file');
  });
});
