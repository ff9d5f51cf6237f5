import { describe, expect, it } from 'vitest';
import { completion } from '../../server/src/ide/completion';
import { foldingRanges } from '../../server/src/ide/folding';
import { inlayHints } from '../../server/src/ide/inlayHints';
import { definition, references, rename } from '../../server/src/ide/navigation';
import { semanticTokens } from '../../server/src/ide/semanticTokens';
import { documentSymbols, workspaceSymbols } from '../../server/src/ide/symbols';
import { analyzeFixture } from '../helpers/check';
import { abs, applyEdits, cursor, withCursor } from './helpers';

const BOARD = `include "devices.iommu"
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x201F_0000 }
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G rw
}
domain guest : nested {
  parent s2
  attach nic
  rmr 0x800_0000 size 1M
  map 0x1_0000_0000 -> 0x4000_0000 size 1G rw
  map 0x2_0000_0000 -> 0x9000_0000 size 1G rw
}
`;
const DEVICES = `device nic {
  iommu smmu0
  msi its0
  driver vfio-pci
}
`;

function complete(fixture: string): string[] {
  const { text, offset } = cursor(fixture);
  const a = analyzeFixture(text);
  return completion(text, offset, a.config).map((i) => i.label);
}

describe('completion', () => {
  const base = `iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x1000 }
group g { nic }
device nic { }
domain s2 : paging { nest-parent }
`;
  it('offers top-level keywords at the top level', () => {
    expect(complete(base + '$0')).toEqual(expect.arrayContaining(['iommu', 'device', 'domain', 'expect', 'include']));
  });
  it('offers block keywords inside a block', () => {
    const items = complete(base.replace('device nic { }', 'device nic { $0 }'));
    expect(items).toEqual(expect.arrayContaining(['pci', 'msi', 'driver', 'reserved']));
    expect(items).not.toContain('map');
  });
  it('offers devices and groups after attach', () => {
    expect(complete(base + 'domain d : paging { attach $0 }').sort()).toEqual(['g', 'nic']);
  });
  it('offers irqchips after msi, domains after parent, iommus after iommu', () => {
    expect(complete(base.replace('device nic { }', 'device nic { msi $0 }'))).toEqual(['its0']);
    expect(complete(base + 'domain n : nested { parent $0 }')).toContain('s2');
    expect(complete(base.replace('device nic { }', 'device nic { iommu sm$0 }'))).toEqual(['smmu0']);
  });
  it('PCI topology: port kinds after port, bridges after behind, physical functions after physfn, ACS flags after acs, group default types after group NAME :', () => {
    const topo = `iommu vtd0 { model vtd }
device rp { pci 0000:00:1c.0 port root }
device nic { pci 0000:01:00.0 behind rp }
device vf { pci 0000:01:10.0 physfn nic }
`;
    expect(complete(topo + 'device x { port $0 }')).toEqual(['root', 'upstream', 'downstream', 'pcie-to-pci', 'pci-to-pcie']);
    expect(complete(topo + 'device x { port down$0 }')).toEqual(['root', 'upstream', 'downstream', 'pcie-to-pci', 'pci-to-pcie']);
    expect(complete(topo + 'device x { behind $0 }')).toEqual(['rp']);
    expect(complete(topo + 'device x { physfn $0 }')).toEqual(['nic']);
    expect(complete(topo + 'device x { acs $0 }')).toEqual(['sv', 'tb', 'rr', 'cr', 'uf', 'ec', 'dt', 'none']);
    const after = complete(topo + 'device x { acs sv rr $0 }');
    expect(after.slice(0, 5)).toEqual(['tb', 'cr', 'uf', 'ec', 'dt']);
    expect(after).toContain('driver');
    expect(complete(topo + 'device x { acs none $0 }')).not.toContain('sv');
    expect(complete(topo + 'device x { dma-alias $0 }')).toEqual([]);
    expect(complete(topo + 'group g : $0')).toEqual(['dma', 'dma-fq', 'identity', 'blocked']);
  });
  it('inside expect: access and pasid after the device, then -> or fault after the address, never statement keywords', () => {
    expect(complete(base + 'expect nic $0').sort()).toEqual(['pasid', 'read', 'write']);
    expect(complete(base + 'expect nic pasid 1 $0').sort()).toEqual(['read', 'write']);
    expect(complete(base + 'expect nic write $0')).toEqual([]);
    expect(complete(base + 'expect nic write 0x1000 $0')).toEqual(['->', 'fault']);
    expect(complete(base + 'expect nic 0x1000 -> $0')).toEqual(['its0', 'fault']);
    expect(complete(base + 'expect nic 0x1000 fault\n$0')).toContain('device');
  });
  it('offers only paging domains after parent, nest parents first', () => {
    const fx = base + 'domain plain : paging { }\ndomain kernel : dma { }\ndomain n : nested { parent $0 }';
    expect(complete(fx)).toEqual(['s2', 'plain']);
  });
  it('names the kind with the right article when a rename collides', () => {
    const { a, file, offset } = withCursor('iommu smmu0 { model smmuv3 }\nirqchip its0 { model gicv3-its base 0x1000 }\ndevice n$0ic { }\n');
    const r = rename(a.config, file, offset, 'its0');
    expect('error' in r && r.error).toMatch(/already declared \(an irqchip in /);
  });
  it('offers property values', () => {
    expect(complete('iommu a { model $0 }')).toContain('smmuv3');
    expect(complete('irqchip a { model $0 }')).toContain('gicv3-its');
    expect(complete('domain d : $0')).toContain('nested');
    expect(complete('device d { reserved 0x1000 size 4K $0 }')).toEqual(['direct', 'direct-relaxable', 'reserved', 'msi', 'sw-msi']);
    expect(complete('backend $0')).toEqual(['iommufd', 'vfio-type1', 'dma-api']);
    expect(complete('device d { driver $0 }')).toContain('vfio-pci');
    expect(complete('domain d : nested { stage1 $0 }')).toEqual(['translate', 'bypass', 'abort']);
  });
  it('offers codes in a suppression comment', () => {
    expect(complete('// iommu-check: ignore $0\niommu a { model smmuv3 }')).toContain('group-split');
    expect(complete('// just a comment $0\n')).toEqual([]);
  });
});

describe('navigation and rename', () => {
  const files = { 'board.iommu': BOARD, 'devices.iommu': DEVICES };
  it('goes to the definition in the included file and finds references in both', () => {
    const { a, file, offset } = withCursor({ ...files, 'board.iommu': BOARD.replace('attach nic', 'attach n$0ic') }, 'board.iommu');
    const def = definition(a.config, file, offset)!;
    expect(def.file.path).toBe(abs('devices.iommu'));
    expect(references(a.config, file, offset).map((l) => l.file.path).sort()).toEqual([abs('board.iommu'), abs('devices.iommu')]);
  });
  it('renames across two included files and the result checks clean of unknown names', () => {
    const { a, file, offset } = withCursor({ 'board.iommu': BOARD, 'devices.iommu': DEVICES.replace('device nic', 'device n$0ic') }, 'devices.iommu');
    const r = rename(a.config, file, offset, 'eth0');
    if ('error' in r) throw new Error(r.error);
    expect(r.edits.map((e) => e.path).sort()).toEqual([abs('board.iommu'), abs('devices.iommu')]);
    const board = applyEdits(BOARD, r.edits.filter((e) => e.path === abs('board.iommu')));
    const devices = applyEdits(DEVICES, r.edits.filter((e) => e.path === abs('devices.iommu')));
    expect(board).toContain('attach eth0');
    expect(devices).toContain('device eth0');
    const after = analyzeFixture({ 'board.iommu': board, 'devices.iommu': devices });
    expect(after.diagnostics.filter((d) => d.code === 'unknown-name' || d.code === 'duplicate-name')).toEqual([]);
  });
  it('refuses an invalid or colliding name', () => {
    const { a, file, offset } = withCursor({ 'board.iommu': BOARD.replace('attach nic', 'attach n$0ic'), 'devices.iommu': DEVICES }, 'board.iommu');
    expect(rename(a.config, file, offset, '9lives')).toHaveProperty('error');
    expect(rename(a.config, file, offset, 'its0')).toHaveProperty('error');
  });
});

describe('inlay hints, symbols, tokens, folding', () => {
  const a = analyzeFixture({ 'board.iommu': BOARD, 'devices.iommu': DEVICES });
  const board = a.config.files[0]!;
  const devices = a.config.files[1]!;
  it('shows the final PA of nested maps and the programmed MSI address', () => {
    expect(inlayHints(a.config, a.tx, board).map((h) => h.label)).toEqual(['⇒ PA 0x80_0000_0000', '⇒ stage-2 fault']);
    expect(inlayHints(a.config, a.tx, devices).map((h) => h.label)).toEqual(['→ 0x8000040']);
  });
  it('outlines declarations with maps as children', () => {
    const syms = documentSymbols(board);
    expect(syms.map((s) => `${s.kind} ${s.name}`)).toEqual(['iommu smmu0', 'irqchip its0', 'domain s2', 'domain guest']);
    expect(syms[3]!.children.map((c) => c.name)).toEqual(['0x1_0000_0000 size 1G -> 0x4000_0000', '0x2_0000_0000 size 1G -> 0x9000_0000']);
    expect(workspaceSymbols([a.config], 'gst').map((s) => s.name)).toEqual(['guest']);
  });
  it('lists at most so many maps in the outline, the rest of each domain as one entry', () => {
    const maps = (n: number, base: number) => Array.from({ length: n }, (_, i) => `  map 0x${(base + i).toString(16)}000 -> 0x${(base + i).toString(16)}000 size 4K`).join('\n');
    const text = `domain a : paging {\n${maps(2, 0x10)}\n}\ndomain b : paging {\n${maps(4, 0x20)}\n  attach nic\n}\ndomain c : paging {\n${maps(1, 0x30)}\n}\n`;
    const f = analyzeFixture(text).config.files[0]!;
    const outline = documentSymbols(f, 3);
    const entry = (s: { name: string; detail: string; span: { start: number; end: number } }) => `${s.name} [${s.detail}] ${text.slice(s.span.start, s.span.end).replace(/\s+/g, ' ')}`;
    expect(outline.map((d) => [d.name, d.children.map(entry)])).toEqual([
      ['a', ['0x1_0000 size 4K -> 0x10000 [] map 0x10000 -> 0x10000 size 4K', '0x1_1000 size 4K -> 0x11000 [] map 0x11000 -> 0x11000 size 4K']],
      [
        'b',
        [
          '0x2_0000 size 4K -> 0x20000 [] map 0x20000 -> 0x20000 size 4K',
          '… 3 more maps [not listed: the outline shows at most 3 maps] map 0x21000 -> 0x21000 size 4K map 0x22000 -> 0x22000 size 4K map 0x23000 -> 0x23000 size 4K',
        ],
      ],
      ['c', ['… 1 more map [not listed: the outline shows at most 3 maps] map 0x30000 -> 0x30000 size 4K']],
    ]);
    expect(documentSymbols(f).flatMap((d) => d.children).length).toBe(7);
  });
  it('classifies names by kind and marks declarations', () => {
    const toks = semanticTokens(a.config, board);
    const at = (word: string, nth = 0) => {
      let i = -1;
      for (let k = 0; k <= nth; k++) i = board.text.indexOf(word, i + 1);
      return toks.find((t) => t.start === i);
    };
    expect(at('smmu0')).toMatchObject({ kind: 'iommu', declaration: true });
    expect(at('nic')).toMatchObject({ kind: 'device', declaration: false });
    expect(at('domain')).toMatchObject({ kind: 'keyword' });
    expect(at('0x4000_0000')).toMatchObject({ kind: 'number' });
    expect(at('smmuv3')).toMatchObject({ kind: 'value' });
  });
  it('folds blocks and comment runs', () => {
    const f = analyzeFixture('// one\n// two\niommu a {\n  model smmuv3\n}\n').config.files[0]!;
    expect(foldingRanges(f)).toEqual([
      { startLine: 0, endLine: 1, kind: 'comment' },
      { startLine: 2, endLine: 3, kind: 'region' },
    ]);
  });
});
