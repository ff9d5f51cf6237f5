// One typo gives one diagnostic, at the right place, and the rest of the file is still parsed.
import { describe, expect, it } from 'vitest';
import { LineIndex, parse, type DeviceDecl, type DomainDecl, type IommuDecl, type TopStatement } from '../../grammar/src/index';
import { errs } from './util';

const names = (ss: TopStatement[]): string[] =>
  ss.map((s) => `${s.kind}${'name' in s && s.name ? ' ' + s.name.text : ''}`);

describe('a file with several independent errors', () => {
  const text = `backend iommufd
devce nic { pci 01:00.0 iommu smmu0 }
iommu smmu0 {
  mdoel smmuv3
  ias }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nic2 {
  iommu smmu0
  pci 01:00.1

device nic3 { iommu smmu0 msi its0 }
domain d : paging {
  attach nic3
  map 0x1000 size 4K -> 0x2000 rw
}
domain tail : nested {
  parent d
  attach nic2
`;
  const r = parse(text);
  const lines = new LineIndex(text);
  const at = r.errors.map((e) => [lines.position(e.span.start).line, text.slice(e.span.start, e.span.end), e.message]);

  it('reports each error exactly once, at the offending token', () => {
    expect(at).toEqual([
      [1, 'devce', "unknown statement 'devce'; did you mean 'device'?"],
      [3, 'mdoel', "unknown iommu property 'mdoel'; did you mean 'model'?"],
      [4, '}', "expected a number after 'ias', found '}'"],
      [6, '{', "expected '}' to close device 'nic2'"],
      [15, '{', "expected '}' to close domain 'tail'"],
    ]);
  });

  it('keeps every declaration after each error', () => {
    expect(names(r.ast.statements)).toEqual([
      'backend',
      'iommu smmu0',
      'irqchip its0',
      'device nic2',
      'device nic3',
      'domain d',
      'domain tail',
    ]);
    const iommu = r.ast.statements[1] as IommuDecl;
    expect(iommu.props.map((p) => p.kind)).toEqual(['ias']);
    expect(iommu.props[0]).toMatchObject({ kind: 'ias' });
    expect('value' in iommu.props[0]! && iommu.props[0].value).toBeUndefined();
    const nic2 = r.ast.statements[3] as DeviceDecl;
    expect(nic2.props.map((p) => p.kind)).toEqual(['iommu', 'pci']);
    expect(text.slice(nic2.body!.start, nic2.body!.end)).toBe('{\n  iommu smmu0\n  pci 01:00.1');
    const tail = r.ast.statements[6] as DomainDecl;
    expect(tail.stmts.map((s) => s.kind)).toEqual(['parent', 'attach']);
    expect(text.slice(tail.span.start, tail.span.end)).toBe(text.slice(text.indexOf('domain tail')).trimEnd());
  });
});

describe('one typo, one error', () => {
  const cases: [string, string[], string[]][] = [
    // [text, errors as 'text: message', statements after]
    ['devce nic { pci 01:00.0 iommu smmu0 }\ndevice ok { }', ["devce: unknown statement 'devce'; did you mean 'device'?"], ['device ok']],
    ['bakcend iommufd\niommu a { model vtd }', ["bakcend: unknown statement 'bakcend'; did you mean 'backend'?"], ['iommu a']],
    ['iommu a { mdoel smmuv3 ias 48 }', ["mdoel: unknown iommu property 'mdoel'; did you mean 'model'?"], ['iommu a']],
    ['iommu a { model smmuv3 ias\n oas 44 }', ["ias: expected a number after 'ias'"], ['iommu a']],
    ['iommu a { ias foo oas 44 }', ["foo: expected a number after 'ias', found 'foo'"], ['iommu a']],
    ['iommu a { isolated ias 48 }', ["isolated: 'isolated' is not allowed in iommu 'a'"], ['iommu a']],
    ['device a { drvier vfio-pci iommu x }', ["drvier: unknown device property 'drvier'; did you mean 'driver'?"], ['device a']],
    ['device a { driver }', ["}: expected a driver name after 'driver', found '}'"], ['device a']],
    ['device a { pci }', ["}: expected a PCI address (SSSS:BB:DD.F) after 'pci', found '}'"], ['device a']],
    ['device a { 48 iommu x }', ["48: unexpected number '48' in device 'a'"], ['device a']],
    ['device a { { junk } iommu x }', ["{: unexpected '{' in device 'a'"], ['device a']],
    ['device a { iommu x\ndevice b { iommu x }', ["{: expected '}' to close device 'a'"], ['device a', 'device b']],
    ['device a { iommu x\niommu b { model vtd }', ["{: expected '}' to close device 'a'"], ['device a', 'iommu b']],
    ['device a { iommu x }}\ndevice b { }', ["}: unexpected '}'"], ['device a', 'device b']],
    ['device a iommu x }\ndevice b { }', ["a: expected '{' after device 'a'"], ['device a', 'device b']],
    ['device { iommu x }', ["{: expected a device name after 'device', found '{'"], ['device']],
    ['device\n{ iommu x }', ["device: expected a device name after 'device'"], ['device']],
    ['iommu\ndevice b { }', ["iommu: expected an iommu name after 'iommu'"], ['iommu', 'device b']],
    ['domain d paging { attach x }', ["paging: expected ':' before the domain type 'paging'"], ['domain d']],
    ['domain d { attach x }', ["d: expected ':' and a type after domain 'd'"], ['domain d']],
    ['domain d : paging { map 0x1000 -> 0x2000 }', ["0x1000: the map has no size: write 'A size S', 'A..L' or '-> T size S'"], ['domain d']],
    ['domain d : paging { map 0x1000 size 4K 0x2000 }', ["0x2000: expected '->' before number '0x2000'"], ['domain d']],
    ['domain d : paging { map 0x1000 size 4K -> }', ["->: expected an address or an irqchip name after '->'"], ['domain d']],
    ['domain d : paging { map 0x1000 size 4K -> 0x2000 size 4K }', ['size: the map already has a size'], ['domain d']],
    ['domain d : paging { map 0x1000 size -> 0x2000 }', ["->: expected a number after 'size', found '->'"], ['domain d']],
    ['domain d : nested { pasid-table 0x1000 size 4K smmuv3 }', ["smmuv3: expected 'format' before 'smmuv3'"], ['domain d']],
    ['domain d : nested { rmr 0x1000 }', ["0x1000: expected 'size' or '..' after '0x1000'"], ['domain d']],
    ['domain d : nested { attach\n map 0x1000 size 4K -> 0x2000 }', ["attach: expected a device or group name after 'attach'"], ['domain d']],
    ['expect nic 0x1000\nbackend iommufd', ["0x1000: expected '->' or 'fault' after '0x1000'"], ['expect', 'backend']],
    ['expect 0x1000 -> 0x2000', ["0x1000: expected a device name after 'expect', found number '0x1000'"], ['expect']],
    ['include foo.iommu', ["foo.iommu: expected a quoted path after 'include', found 'foo.iommu'"], ['include']],
    ['model smmuv3\niommu a { }', ["model: 'model' is only allowed inside a block"], ['iommu a']],
    ['iommu a { pgsizes }', ["pgsizes: expected page sizes after 'pgsizes'"], ['iommu a']],
    ['group g { a 0x10 b }', ["0x10: expected a device name in group 'g', found number '0x10'"], ['group g']],
    ['group g { a b\ndevice x { }', ["{: expected '}' to close group 'g'"], ['group g', 'device x']],
    ['iommu a { sw-msi }', ["}: expected a range or 'none' after 'sw-msi', found '}'"], ['iommu a']],
    ['device a { msi its0 at 1 at 2 }', ["at: 'at' given twice"], ['device a']],
  ];
  for (const [text, expected, after] of cases) {
    it(JSON.stringify(text), () => {
      expect(errs(text)).toEqual(expected);
      expect(names(parse(text).ast.statements)).toEqual(after);
    });
  }

  it('parts that could not be read are absent, spans still right', () => {
    const text = 'domain d : paging {\n  map 0x1000 -> \n  attach\n}';
    const d = parse(text).ast.statements[0] as DomainDecl;
    const [m, a] = d.stmts;
    expect(m).toMatchObject({ kind: 'map', input: { start: { value: 0x1000n } } });
    expect(m!.kind === 'map' && m.target).toBeUndefined();
    expect(text.slice(m!.span.start, m!.span.end)).toBe('map 0x1000 ->');
    expect(a).toMatchObject({ kind: 'attach' });
    expect(a!.kind === 'attach' && a.ref).toBeUndefined();
    expect(text.slice(a!.span.start, a!.span.end)).toBe('attach');
  });

  it('a missing } at the end of the file is one error', () => {
    const text = 'iommu a {\n  model vtd\n';
    expect(errs(text)).toEqual(["{: expected '}' to close iommu 'a'"]);
    const d = parse(text).ast.statements[0] as IommuDecl;
    expect(d.props).toHaveLength(1);
  });
});
