// Every syntax form of language.md §1–§8, §10–§11 parses into the expected tree.
import { describe, expect, it } from 'vitest';
import {
  BLOCK_KEYWORDS,
  KEYWORDS,
  TOP_LEVEL_KEYWORDS,
  numberValue,
  parse,
  tokenize,
  type DeviceDecl,
  type DomainDecl,
  type DomainStmt,
  type IommuDecl,
  type IrqchipDecl,
  type MapStmt,
} from '../../grammar/src/index';
import { errs, ok, only, slice } from './util';

const domainStmts = (body: string, type = 'paging'): DomainStmt[] =>
  only(`domain d : ${type} {\n${body}\n}`, 'domain').stmts;
const map = (line: string): MapStmt => {
  const s = domainStmts(line);
  expect(s).toHaveLength(1);
  expect(s[0]!.kind).toBe('map');
  return s[0] as MapStmt;
};

describe('numbers', () => {
  const cases: [string, bigint][] = [
    ['0', 0n],
    ['4096', 4096n],
    ['0x8000000', 0x8000000n],
    ['0XFF'.toLowerCase(), 255n],
    ['0xFEE0_0000', 0xfee00000n],
    ['0b1010', 10n],
    ['0b1_0000', 16n],
    ['1_000_000', 1000000n],
    ['64K', 65536n],
    ['1M', 1n << 20n],
    ['4G', 4n << 30n],
    ['2T', 2n << 40n],
    ['1P', 1n << 50n],
    ['0x10K', 0x10n << 10n],
    ['0b11M', 3n << 20n],
    ['0x8_000_000', 0x8000000n],
    ['0xffff_ffff_ffff_f000', 0xfffffffffffff000n],
    ['0xffff_ffff_ffff_ffff', (1n << 64n) - 1n],
    ['18446744073709551615', (1n << 64n) - 1n],
    ['16383P', 16383n << 50n],
  ];
  for (const [text, value] of cases) {
    it(`${text} = ${value}`, () => {
      const s = only(`page-size ${text}`, 'page-size');
      expect(s.value).toEqual({ span: { start: 10, end: 10 + text.length }, text, value });
    });
  }
  for (const text of ['0x1_0000_0000_0000_0000', '18446744073709551616', '16384P', '0x1_0000_0000_0000_0000K']) {
    it(`${text} is ≥ 2^64: value null, no syntax error`, () => {
      const s = only(`page-size ${text}`, 'page-size');
      expect(s.value?.value).toBeNull();
      expect(s.value?.text).toBe(text);
    });
  }
  it('malformed numbers are one syntax error each', () => {
    expect(errs('page-size 4k')).toEqual(["4k: malformed number '4k'; did you mean '4K'?"]);
    expect(errs('page-size 0x')).toEqual(["0x: malformed number '0x'"]);
    expect(errs('page-size 0b102')).toEqual(["0b102: malformed number '0b102'"]);
    expect(numberValue('64KK')).toBeUndefined();
  });
});

describe('top-level statements', () => {
  it('backend, page-size, allow-unsafe-interrupts', () => {
    const text = 'backend vfio-type1\npage-size 16K\nallow-unsafe-interrupts\n';
    const r = ok(text);
    expect(r.ast.statements.map((s) => s.kind)).toEqual(['backend', 'page-size', 'allow-unsafe-interrupts']);
    const [b, p, a] = r.ast.statements;
    expect(b!.kind === 'backend' && slice(text, b.value?.span)).toBe('vfio-type1');
    expect(p!.kind === 'page-size' && p.value?.value).toBe(16384n);
    expect(slice(text, a!.span)).toBe('allow-unsafe-interrupts');
    expect(slice(text, a!.keyword)).toBe('allow-unsafe-interrupts');
  });

  it('include with escapes', () => {
    const text = String.raw`include "dir/a \"quoted\" \\ name.iommu"`;
    const s = only(text, 'include');
    expect(s.path?.value).toBe('dir/a "quoted" \\ name.iommu');
    expect(s.path?.text).toBe(String.raw`"dir/a \"quoted\" \\ name.iommu"`);
    expect(slice(text, s.path?.span)).toBe(s.path?.text);
    expect(slice(text, s.span)).toBe(text);
  });

  it('iommu with every property', () => {
    const text = `iommu smmu0 {
  model smmuv3
  ias 48
  oas 44
  pgsizes 4K 2M 1G
  nesting
  no-nesting
  sw-msi 0x8000000 size 1M
  sw-msi none
  msi-window 0xFEE00000..0xFEEFFFFF
  msi-window none
  reserved 0xFD_0000_0000..0xFF_FFFF_FFFF reserved
  reserved 0x1000 size 4K direct-relaxable
  default-domain dma-fq
}`;
    const d = only(text, 'iommu') as IommuDecl;
    expect(d.name?.text).toBe('smmu0');
    expect(slice(text, d.body)?.startsWith('{')).toBe(true);
    expect(slice(text, d.body)?.endsWith('}')).toBe(true);
    expect(slice(text, d.span)).toBe(text);
    expect(d.props.map((p) => p.kind)).toEqual([
      'model', 'ias', 'oas', 'pgsizes', 'nesting', 'no-nesting', 'sw-msi', 'sw-msi', 'msi-window', 'msi-window',
      'reserved', 'reserved', 'default-domain',
    ]);
    expect(d.props.map((p) => slice(text, p.span))).toEqual([
      'model smmuv3', 'ias 48', 'oas 44', 'pgsizes 4K 2M 1G', 'nesting', 'no-nesting', 'sw-msi 0x8000000 size 1M',
      'sw-msi none', 'msi-window 0xFEE00000..0xFEEFFFFF', 'msi-window none',
      'reserved 0xFD_0000_0000..0xFF_FFFF_FFFF reserved', 'reserved 0x1000 size 4K direct-relaxable',
      'default-domain dma-fq',
    ]);
    const pg = d.props[3]!;
    expect(pg.kind === 'pgsizes' && pg.values.map((v) => v.value)).toEqual([4096n, 2n << 20n, 1n << 30n]);
    const sw = d.props[6]!;
    if (sw.kind !== 'sw-msi') throw new Error();
    expect(sw.range?.start.value).toBe(0x8000000n);
    expect(sw.range?.size?.value).toBe(1n << 20n);
    expect(sw.range?.last).toBeUndefined();
    expect(slice(text, sw.range?.span)).toBe('0x8000000 size 1M');
    expect(sw.none).toBeUndefined();
    const none = d.props[7]!;
    expect(none.kind === 'sw-msi' && slice(text, none.none)).toBe('none');
    expect(none.kind === 'sw-msi' && none.range).toBeUndefined();
    const mw = d.props[8]!;
    if (mw.kind !== 'msi-window') throw new Error();
    expect(mw.range?.last?.value).toBe(0xfeefffffn);
    expect(mw.range?.size).toBeUndefined();
    const res = d.props[10]!;
    if (res.kind !== 'reserved') throw new Error();
    expect(res.type?.text).toBe('reserved');
    expect(slice(text, res.range?.span)).toBe('0xFD_0000_0000..0xFF_FFFF_FFFF');
  });

  it('irqchip with every property', () => {
    const text = 'irqchip its0 { model gicv3-its base 0x0808_0000 doorbell 0x0809_0040 isolated not-isolated }';
    const d = only(text, 'irqchip') as IrqchipDecl;
    expect(d.props.map((p) => p.kind)).toEqual(['model', 'base', 'doorbell', 'isolated', 'not-isolated']);
    const db = d.props[2]!;
    expect(db.kind === 'doorbell' && db.value?.value).toBe(0x08090040n);
    expect(slice(text, d.body)).toBe(text.slice(text.indexOf('{')));
  });

  it('device with every property', () => {
    const text = `device nic {
  pci 0000:01:00.0
  pci 3a:1f.7
  iommu smmu0
  msi its0
  msi its0 at 0x800_0040
  msi its0 vectors 32
  msi its0 at 0x1000 vectors 8
  msi its0 vectors 8 at 0x1000
  driver vfio-pci
  driver snd_hda_intel
  reserved 0x7000_0000 size 1M direct
  reserved 0x800_0000..0x80f_ffff sw-msi
  reserved 0xFEE0_0000 size 1M msi
  sw-msi 0x1000_0000 size 1M
  pasid 20
}`;
    const d = only(text, 'device') as DeviceDecl;
    expect(d.props.map((p) => p.kind)).toEqual([
      'pci', 'pci', 'iommu', 'msi', 'msi', 'msi', 'msi', 'msi', 'driver', 'driver', 'reserved', 'reserved', 'reserved',
      'sw-msi', 'pasid',
    ]);
    const [p1, p2, io, m1, m2, m3, m4, m5] = d.props;
    expect(p1!.kind === 'pci' && p1.value).toEqual({
      span: { start: 19, end: 31 }, text: '0000:01:00.0', segment: 0, bus: 1, device: 0, fn: 0,
    });
    expect(p2!.kind === 'pci' && p2.value && [p2.value.segment, p2.value.bus, p2.value.device, p2.value.fn]).toEqual([
      0, 0x3a, 0x1f, 7,
    ]);
    expect(io!.kind === 'iommu' && io.ref?.text).toBe('smmu0');
    for (const m of [m1, m2, m3, m4, m5]) expect(m!.kind === 'msi' && m.ref?.text).toBe('its0');
    expect(m1!.kind === 'msi' && [m1.at, m1.vectors]).toEqual([undefined, undefined]);
    expect(m2!.kind === 'msi' && m2.at?.value).toBe(0x8000040n);
    expect(m3!.kind === 'msi' && m3.vectors?.value).toBe(32n);
    expect(m4!.kind === 'msi' && [m4.at?.value, m4.vectors?.value]).toEqual([0x1000n, 8n]);
    expect(m5!.kind === 'msi' && [m5.at?.value, m5.vectors?.value]).toEqual([0x1000n, 8n]);
    expect(slice(text, m5!.span)).toBe('msi its0 vectors 8 at 0x1000');
    const r3 = d.props[12]!;
    expect(r3.kind === 'reserved' && r3.type?.text).toBe('msi');
    const r2 = d.props[11]!;
    expect(r2.kind === 'reserved' && r2.type?.text).toBe('sw-msi');
    const pasid = d.props[14]!;
    expect(pasid.kind === 'pasid' && pasid.value?.value).toBe(20n);
  });

  it('group', () => {
    const text = 'group g0 {\n  nic\n  nic_fn1 map\n}';
    const g = only(text, 'group');
    expect(g.name?.text).toBe('g0');
    expect(g.members.map((m) => m.text)).toEqual(['nic', 'nic_fn1', 'map']);
    expect(slice(text, g.members[2]!.span)).toBe('map');
    expect(only('group empty { }', 'group').members).toEqual([]);
  });

  it('domain types and every domain statement, in any domain type', () => {
    for (const type of ['paging', 'dma', 'dma-fq', 'identity', 'blocked', 'nested', 'made-up']) {
      const text = `domain d : ${type} {
  iommu smmu0
  nest-parent
  parent s2
  stage1 translate
  stage1 bypass
  stage1 abort
  attach nic
  attach nic pasid 1
  map 0x1000 size 4K -> 0x2000
  rmr 0x800_0000 size 1M
  msi-bind 0x800_0000 -> 0x900_0000 size 4K
  pasid-table 0x4000_0000 size 64K format smmuv3
  viommu vtd ias 39
  viommu virtio-iommu
}`;
      const d = only(text, 'domain') as DomainDecl;
      expect(d.type?.text).toBe(type);
      expect(d.stmts.map((s) => s.kind)).toEqual([
        'iommu', 'nest-parent', 'parent', 'stage1', 'stage1', 'stage1', 'attach', 'attach', 'map', 'rmr', 'msi-bind',
        'pasid-table', 'viommu', 'viommu',
      ]);
      const vi = d.stmts.filter((s) => s.kind === 'viommu').map((s) => s.kind === 'viommu' && [s.model?.text, s.ias?.value]);
      expect(vi).toEqual([['vtd', 39n], ['virtio-iommu', undefined]]);
      const st = d.stmts.filter((s) => s.kind === 'stage1').map((s) => s.kind === 'stage1' && s.value?.text);
      expect(st).toEqual(['translate', 'bypass', 'abort']);
      const at = d.stmts[7]!;
      expect(at.kind === 'attach' && [at.ref?.text, at.pasid?.value]).toEqual(['nic', 1n]);
      const pt = d.stmts[11]!;
      if (pt.kind !== 'pasid-table') throw new Error();
      expect(pt.format?.text).toBe('smmuv3');
      expect(pt.range?.size?.value).toBe(65536n);
      expect(slice(text, pt.span)).toBe('pasid-table 0x4000_0000 size 64K format smmuv3');
    }
  });

  it('domain with no body statements', () => {
    const d = only('domain blk : blocked { }', 'domain');
    expect(d.stmts).toEqual([]);
    expect(d.type?.text).toBe('blocked');
  });
});

describe('map forms', () => {
  it('map A size S -> T [perm]', () => {
    const text = 'map 0x1000 size 4K -> 0x8000_0000 rw';
    const m = map(text);
    expect(m.input?.start.value).toBe(0x1000n);
    expect(m.input?.size?.value).toBe(4096n);
    expect(m.target).toMatchObject({ kind: 'address', value: { value: 0x80000000n } });
    expect(m.perm?.text).toBe('rw');
    const full = `domain d : paging {\n${text}\n}`;
    const mm = only(full, 'domain').stmts[0]!;
    expect(slice(full, mm.span)).toBe(text);
    expect(slice(full, mm.kind === 'map' ? mm.input?.span : undefined)).toBe('0x1000 size 4K');
  });
  it('map A -> T size S [perm] (size after the target; the range span covers only A)', () => {
    const full = 'domain d : paging {\n  map 0x4000_0000 -> 0x8_0000_0000 size 4G r\n}';
    const m = only(full, 'domain').stmts[0] as MapStmt;
    expect(slice(full, m.input?.span)).toBe('0x4000_0000');
    expect(slice(full, m.input?.size?.span)).toBe('4G');
    expect(m.input?.size?.value).toBe(4n << 30n);
    expect(m.target?.kind === 'address' && m.target.value.value).toBe(0x800000000n);
    expect(m.perm?.text).toBe('r');
    expect(slice(full, m.span)).toBe('map 0x4000_0000 -> 0x8_0000_0000 size 4G r');
  });
  it('map A..L -> T [perm]', () => {
    const m = map('map 0x10000..0x1ffff -> 0x20000 w');
    expect(m.input?.last?.value).toBe(0x1ffffn);
    expect(m.input?.size).toBeUndefined();
    expect(m.perm?.text).toBe('w');
  });
  it('map to an irqchip, without a permission', () => {
    const m = map('map 0x800_0000 size 4K -> its0');
    expect(m.target).toMatchObject({ kind: 'irqchip', ref: { text: 'its0' } });
    expect(m.perm).toBeUndefined();
    const m2 = map('map 0x800_0000 -> its0 size 4K');
    expect(m2.target).toMatchObject({ kind: 'irqchip', ref: { text: 'its0' } });
    expect(m2.input?.size?.value).toBe(4096n);
  });
  it('a permission on the next line is still read; a statement is not', () => {
    const s = domainStmts('map 0x1000 size 4K -> 0x2000\n  rw\n  attach nic');
    expect(s.map((x) => x.kind)).toEqual(['map', 'attach']);
    expect((s[0] as MapStmt).perm?.text).toBe('rw');
  });
  it('msi-bind forms', () => {
    for (const line of ['msi-bind 0x800_0000 -> 0x900_0000 size 4K', 'msi-bind 0x800_0000 size 4K -> 0x900_0000']) {
      const s = domainStmts(line, 'nested')[0]!;
      if (s.kind !== 'msi-bind') throw new Error();
      expect(s.giova?.start.value).toBe(0x8000000n);
      expect(s.giova?.size?.value).toBe(4096n);
      expect(s.gpa?.value).toBe(0x9000000n);
    }
  });
});

describe('expect', () => {
  const forms: [string, object][] = [
    ['expect nic 0x1000 -> 0x2000', { device: { text: 'nic' }, address: { value: 0x1000n }, result: { kind: 'address', value: { value: 0x2000n } } }],
    ['expect nic 0x0800_0040 -> its0', { result: { kind: 'irqchip', ref: { text: 'its0' } } }],
    ['expect nic 0x1000 fault', { result: { kind: 'fault' } }],
    ['expect nic pasid 3 0x1000 fault', { pasid: { value: 3n }, result: { kind: 'fault' } }],
    ['expect nic read 0x1000 -> 0x2000', { access: { text: 'read' } }],
    ['expect nic write 0x1000 fault', { access: { text: 'write' }, result: { kind: 'fault' } }],
    ['expect nic pasid 1 write 0x1000 -> its0', { pasid: { value: 1n }, access: { text: 'write' }, result: { kind: 'irqchip' } }],
    ['expect map 0x1 -> map', { device: { text: 'map' }, result: { kind: 'irqchip', ref: { text: 'map' } } }],
  ];
  for (const [text, shape] of forms) {
    it(text, () => {
      const s = only(text, 'expect');
      expect(s).toMatchObject(shape);
      expect(slice(text, s.span)).toBe(text);
      expect(slice(text, s.result?.span)).toBe(text.split(/ (?:-> )?/).at(-1));
    });
  }
  it('no pasid or access when absent', () => {
    const s = only('expect nic 0x1000 -> 0x2000', 'expect');
    expect(s.pasid).toBeUndefined();
    expect(s.access).toBeUndefined();
  });
});

describe('names, keywords, comments, lexing', () => {
  it('keywords used as names', () => {
    const r = ok('device map { }\ndevice size { iommu iommu }\ndomain attach : paging { attach map attach size iommu device }\ngroup group { map size }');
    const names = r.ast.statements.map((s) => (s.kind === 'device' || s.kind === 'domain' || s.kind === 'group' ? s.name?.text : ''));
    expect(names).toEqual(['map', 'size', 'attach', 'group']);
    const dev = r.ast.statements[1] as DeviceDecl;
    expect(dev.props[0]).toMatchObject({ kind: 'iommu', ref: { text: 'iommu' } });
    const dom = r.ast.statements[2] as DomainDecl;
    expect(dom.stmts.map((s) => (s.kind === 'attach' ? s.ref?.text : s.kind === 'iommu' ? s.ref?.text : ''))).toEqual(['map', 'size', 'device']);
  });
  it('keyword prefixes do not shadow longer keywords or names', () => {
    const kinds = tokenize('msi msi-bind msi-window pasid pasid-table iommu iommu0 mapping map nest-parent nesting').map(
      (t) => `${t.kind}:${t.image}`,
    );
    expect(kinds).toEqual([
      'keyword:msi', 'keyword:msi-bind', 'keyword:msi-window', 'keyword:pasid', 'keyword:pasid-table', 'keyword:iommu',
      'name:iommu0', 'name:mapping', 'keyword:map', 'keyword:nest-parent', 'keyword:nesting',
    ]);
  });
  it('exports keyword lists', () => {
    expect(TOP_LEVEL_KEYWORDS).toContain('allow-unsafe-interrupts');
    expect(BLOCK_KEYWORDS.domain).toContain('pasid-table');
    expect(BLOCK_KEYWORDS.device).toContain('msi');
    expect(BLOCK_KEYWORDS.iommu).toContain('default-domain');
    expect(BLOCK_KEYWORDS.irqchip).toContain('not-isolated');
    for (const k of ['size', 'at', 'vectors', 'none', 'read', 'write', 'fault', 'format']) expect(KEYWORDS).toContain(k);
  });
  it('all three comment kinds are kept, suppressions included, and never errors', () => {
    const text = `// iommu-check: ignore-file unused-object
# hash comment
/* block
   comment */ backend iommufd /* inline */ // iommu-check: ignore bad-value -- reason
device /* here */ nic { pci 01:00.0 # trailing
}
/* unclosed? no: */ /**/ /***/
`;
    const r = ok(text);
    expect(r.ast.comments.map((c) => [c.kind, c.text])).toEqual([
      ['line', '// iommu-check: ignore-file unused-object'],
      ['line', '# hash comment'],
      ['block', '/* block\n   comment */'],
      ['block', '/* inline */'],
      ['line', '// iommu-check: ignore bad-value -- reason'],
      ['block', '/* here */'],
      ['line', '# trailing'],
      ['block', '/* unclosed? no: */'],
      ['block', '/**/'],
      ['block', '/***/'],
    ]);
    for (const c of r.ast.comments) expect(slice(text, c.span)).toBe(c.text);
    expect(r.ast.statements.map((s) => s.kind)).toEqual(['backend', 'device']);
  });
  it('CRLF line endings', () => {
    const r = ok('iommu a {\r\n  model vtd\r\n}\r\ndevice d {\r\n  iommu a\r\n}\r\n');
    expect(r.ast.statements).toHaveLength(2);
  });
  it('lexical errors: unterminated string, unterminated comment, stray characters', () => {
    expect(errs('include "abc\nbackend iommufd')).toEqual(['"abc: unterminated string']);
    const r = parse('include "abc\nbackend iommufd');
    expect(r.ast.statements.map((s) => s.kind)).toEqual(['include', 'backend']);
    expect(errs('backend iommufd /* open\ndevice x { }')).toEqual(["/*: unterminated comment: '/*' without '*/'"]);
    expect(errs('backend iommufd @@\ndevice x { }')).toEqual(["@@: unexpected characters '@@'"]);
    expect(errs('device x { pci 01:00.0 $ iommu a }')).toEqual(["$: unexpected character '$'"]);
  });
});
