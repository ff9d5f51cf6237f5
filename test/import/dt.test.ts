// import-dt: a devicetree compiled with dtc from sources written for the tests. Each devicetree
// check fires on a tree made to trip it and stays silent on the correct one; every header offset
// and structure length of the blob is tested when wrong.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDevicetree, NotADevicetree } from '../../server/src/import/dt/import';
import { locationText } from '../../server/src/import/findings';
import { run, tmpTree } from '../cli/helpers';
import { compileDts, fixture } from './acpi-build';
import { engineCodes } from './helpers';

const BOARD = fixture('board.dts');

function dt(source: string | Uint8Array) {
  const data = typeof source === 'string' ? compileDts(source) : source;
  const r = importDevicetree(data, { path: 'board.dtb', abs: '/fixtures/board.dtb' }, 'iommu-check import-dt board.dtb');
  return { text: r.text, findings: r.findings.list.map((f) => `${locationText(f.loc)}: ${f.severity} ${f.code}: ${f.message}`) };
}

const TEXT = `// Imported with \`iommu-check import-dt board.dtb\`.
// Devicetree "iommu-check test board" (iommu-check,board), format version 17: 9 nodes

// /iommu@9050000: arm,smmu-v3 at 0x9050000, #iommu-cells 1
iommu iommu_9050000 {
  model smmuv3
}

// /interrupt-controller@8000000/msi-controller@8080000: arm,gic-v3-its, GITS_TRANSLATER at 0x8090040
irqchip msi-controller_8080000 { model gicv3-its  base 0x808_0000 }

// PCI host bridge /pcie@10000000, buses 0x0..0xFF:
//   iommu-map: RIDs 0x0..0xFFFF → iommu_9050000 StreamIDs 0x0..0xFFFF
//   msi-map: RIDs 0x0..0xFFFF → msi-controller_8080000 DeviceIDs 0x0..0xFFFF
//   dma-ranges: bus 0x0 → CPU 0x0 size 0x10000000000

// /dma-controller@9100000 (iommu-check,dma)
//   iommus: iommu_9050000 StreamID 0x10000
//   msi-parent: msi-controller_8080000 DeviceID 0x10000
device dma-controller_9100000 {
  iommu iommu_9050000
  msi msi-controller_8080000
}

// /display@9200000 (iommu-check,display)
//   iommus: iommu_9050000 StreamID 0x10001
device display_9200000 {
  iommu iommu_9050000
  reserved 0x8000_0000..0x807f_ffff direct  // /reserved-memory/framebuffer@80000000 (IOVA = physical: identity-mapped)
}
`;

describe('import-dt', () => {
  it('imports the SMMU, the ITS doorbell, the devices and the identity-mapped framebuffer, with no finding', () => {
    const r = dt(BOARD);
    expect(r.findings).toEqual([]);
    expect(r.text).toBe(TEXT);
    expect(engineCodes(r.text)).toEqual([]);
  });

  it('iommu-addresses: IOVA ≠ physical gives reserved; no reg gives reserved', () => {
    const moved = dt(BOARD.replace('iommu-addresses = <&display 0x0 0x80000000', 'iommu-addresses = <&display 0x0 0x90000000'));
    expect(moved.text).toContain('  reserved 0x9000_0000..0x907f_ffff reserved  // /reserved-memory/framebuffer@80000000 (IOVA differs from the physical 0x80000000: the kernel warns "treating non-direct mapping … as reservation")\n');
    const noreg = dt(BOARD.replace('reg = <0x0 0x80000000 0x0 0x800000>;\n', ''));
    expect(noreg.text).toContain('  reserved 0x8000_0000..0x807f_ffff reserved  // /reserved-memory/framebuffer@80000000 (no reg: a reservation)\n');
  });

  it("a host bridge's msi-parent (without msi-map) sends every device below it to that controller; a dangling one is id-map-dangling", () => {
    const parent = dt(BOARD.replace('msi-map = <0x0 &its 0x0 0x10000>;', 'msi-parent = <&its>;'));
    expect(parent.findings).toEqual([]);
    expect(parent.text).toContain('//   msi-parent: every device below it sends MSIs to msi-controller_8080000\n');
    const dangling = dt(BOARD.replace('msi-map = <0x0 &its 0x0 0x10000>;', 'msi-parent = <0x77>;'));
    expect(dangling.findings).toEqual([
      '/pcie@10000000:msi-parent: error id-map-dangling: /pcie@10000000: msi-parent refers to phandle 0x77, which no node has; expected an MSI controller (a node with msi-controller)',
    ]);
  });

  it('id-map-dangling: iommus naming a node that is not an IOMMU, msi-map naming no node', () => {
    const r = dt(BOARD.replace('iommus = <&smmu 0x10000>;', 'iommus = <&gic 0x10000>;').replace('msi-map = <0x0 &its 0x0 0x10000>;', 'msi-map = <0x0 0x77 0x0 0x10000>;'));
    expect(r.findings).toEqual([
      '/dma-controller@9100000:iommus: error id-map-dangling: /dma-controller@9100000: iommus refers to /interrupt-controller@8000000, which is not an IOMMU (a node with #iommu-cells)',
      '/pcie@10000000:msi-map: error id-map-dangling: /pcie@10000000: msi-map refers to phandle 0x77, which no node has; expected an MSI controller (a node with msi-controller)',
    ]);
  });

  it('id-map-overlap: two iommu-map entries matching the same RIDs', () => {
    const r = dt(BOARD.replace('iommu-map = <0x0 &smmu 0x0 0x10000>;', 'iommu-map = <0x0 &smmu 0x0 0x8000>, <0x4000 &smmu 0x20000 0xc000>;'));
    expect(r.findings).toEqual(['/pcie@10000000:iommu-map: error id-map-overlap: /pcie@10000000: iommu-map entries 0 and 1 both match RIDs 0x4000..0x7FFF; the kernel uses entry 0 (the first match, of_map_id)']);
  });

  it('shared-stream-id and shared-device-id: a platform device on a StreamID and DeviceID of the host bridge', () => {
    const r = dt(BOARD.replace('iommus = <&smmu 0x10000>;', 'iommus = <&smmu 0x100>;').replace('msi-parent = <&its 0x10000>;', 'msi-parent = <&its 0x100>;'));
    expect(r.findings).toEqual([
      '/dma-controller@9100000:iommus: error shared-stream-id: /dma-controller@9100000 and /pcie@10000000 iommu-map entry 0 both reach StreamIDs 0x100 of /iommu@9050000: the requesters cannot be told apart, so they cannot be isolated from each other',
      '/dma-controller@9100000:msi-parent: error shared-device-id: /dma-controller@9100000 and /pcie@10000000 msi-map entry 0 both reach DeviceIDs 0x100 of /interrupt-controller@8000000/msi-controller@8080000: the requesters cannot be told apart, so they cannot be isolated from each other',
    ]);
  });

  it('iommu-map-gap: a map shorter than the bus range, a mask that folds RIDs onto a mapped range is fine, a mask that ignores rid-base bits is not', () => {
    const short = dt(BOARD.replace('iommu-map = <0x0 &smmu 0x0 0x10000>;', 'iommu-map = <0x0 &smmu 0x0 0x8000>;'));
    expect(short.findings).toEqual(['/pcie@10000000:iommu-map: warning iommu-map-gap: /pcie@10000000: iommu-map leaves RIDs 0x8000..0xFFFF of bus-range 0x0..0xFF unmapped: the kernel logs "no iommu-map translation for id" and those devices get no IOMMU']);
    const narrow = dt(BOARD.replace('bus-range = <0x0 0xff>;', 'bus-range = <0x0 0x7f>;').replace('iommu-map = <0x0 &smmu 0x0 0x10000>;', 'iommu-map = <0x0 &smmu 0x0 0x8000>;'));
    expect(narrow.findings).toEqual([]);
    const masked = dt(BOARD.replace('iommu-map = <0x0 &smmu 0x0 0x10000>;', 'iommu-map = <0x0 &smmu 0x0 0x100>;\n\t\tiommu-map-mask = <0xff>;'));
    expect(masked.findings).toEqual([]);
    const bad = dt(BOARD.replace('iommu-map = <0x0 &smmu 0x0 0x10000>;', 'iommu-map = <0x100 &smmu 0x0 0x100>;\n\t\tiommu-map-mask = <0xff>;'));
    expect(bad.findings[0]).toBe('/pcie@10000000:iommu-map: warning iommu-map-gap: /pcie@10000000: iommu-map-mask 0xFF ignores bits of iommu-map entry 0\'s rid-base 0x100: the kernel logs "Invalid iommu-map translation - iommu-map-mask (…) ignores id-base (…)" and maps no RID of this bridge (of_map_id, -EFAULT)');
  });

  it('host-bridge-iommu-addresses; rmr-no-device when the named device does not list the region', () => {
    const bridge = dt(BOARD.replace('pcie@10000000 {', 'pcie: pcie@10000000 {').replace('iommu-addresses = <&display 0x0 0x80000000 0x0 0x800000>;', 'iommu-addresses = <&pcie 0x0 0x80000000 0x0 0x800000>;'));
    expect(bridge.findings).toEqual(['/reserved-memory/framebuffer@80000000:iommu-addresses: warning host-bridge-iommu-addresses: /reserved-memory/framebuffer@80000000: iommu-addresses names the PCI host bridge /pcie@10000000; of_iommu_get_resv_regions applies it only to the device whose own node is named, so no PCI endpoint below the bridge gets this reservation']);
    const unlisted = dt(BOARD.replace('memory-region = <&fb>;', ''));
    expect(unlisted.findings).toEqual(['/reserved-memory/framebuffer@80000000:iommu-addresses: warning rmr-no-device: /reserved-memory/framebuffer@80000000: iommu-addresses names /display@9200000, whose memory-region does not list /reserved-memory/framebuffer@80000000: the kernel reads iommu-addresses only through the device\'s memory-region, so the reservation reaches no device']);
  });
});

describe('import-dt: a broken blob', () => {
  const blob = compileDts(BOARD);
  const be = (t: Uint8Array, o: number, v: number) => {
    const c = Uint8Array.from(t);
    new DataView(c.buffer).setUint32(o, v >>> 0);
    return c;
  };
  const off = (o: number) => new DataView(blob.buffer, blob.byteOffset).getUint32(o);

  it('not a devicetree: refused', () => {
    expect(() => dt(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(NotADevicetree);
  });

  it('totalsize past the file, structure and strings blocks outside the blob', () => {
    expect(dt(be(blob, 4, blob.length + 100)).findings).toEqual([`FDT+0x4: error table-malformed: totalsize 0x${(blob.length + 100).toString(16).toUpperCase()} points past the 0x${blob.length.toString(16).toUpperCase()} bytes of the file (truncated blob); reading only those`]);
    expect(dt(be(blob, 8, 0x10)).findings).toEqual(['FDT+0x8: error table-malformed: the structure block offset 0x10 is inside the header; no nodes read']);
    const strs = dt(be(blob, 12, blob.length + 8));
    expect(strs.findings[0]).toBe(`FDT+0xC: error table-malformed: the strings block (0x${(blob.length + 8).toString(16).toUpperCase()} + 0x${off(32).toString(16).toUpperCase()}) lies outside the blob (0x${blob.length.toString(16).toUpperCase()}); property names cannot be read`);
    const sz = dt(be(blob, 36, 0x100000));
    expect(sz.findings[0]).toMatch(/^FDT\+0x24: error table-malformed: the structure block \(0x38 \+ 0x100000\) reaches past the end of the blob/);
    expect(sz.text).toContain('iommu iommu_9050000 {');
  });

  it('a property length past the structure block; a name offset outside the strings block; an unknown token', () => {
    const s = off(8);
    // the first token of the root is BEGIN_NODE "" (8 bytes); its first property follows
    const prop = s + 8;
    const len = dt(be(blob, prop + 4, 0x100000));
    expect(len.findings).toEqual([`/: error table-malformed: the property at 0x${prop.toString(16).toUpperCase()} has length 0x100000, reaching past the end of the structure block (0x${(s + off(36)).toString(16).toUpperCase()}); the rest of the tree is not read`]);
    const name = dt(be(blob, prop + 8, 0x100000));
    expect(name.findings[0]).toBe(`/: error table-malformed: the property at 0x${prop.toString(16).toUpperCase()} names string offset 0x100000, outside the strings block; property skipped`);
    expect(name.text).toContain('iommu iommu_9050000 {');
    const token = dt(be(blob, prop, 7));
    expect(token.findings).toEqual([`/: error table-malformed: unknown token 0x7 at 0x${prop.toString(16).toUpperCase()}; the rest of the tree is not read`]);
  });

  it('every truncation and every corrupted word imports without throwing', () => {
    for (let n = 40; n <= blob.length; n += 4) expect(() => dt(blob.slice(0, n))).not.toThrow();
    for (let i = 4; i + 4 <= blob.length; i += 4) for (const v of [0, 0xffffffff, 3]) expect(() => dt(be(blob, i, v))).not.toThrow();
  });

  it('the command line: exit 2 for a file that is not a devicetree, findings on stderr with node paths', () => {
    const cwd = tmpTree({ 'notes.txt': 'hello\n' });
    fs.writeFileSync(path.join(cwd, 'board.dtb'), compileDts(BOARD.replace('iommus = <&smmu 0x10000>;', 'iommus = <&gic 0x10000>;')));
    expect(run(['import-dt', 'notes.txt'], { cwd })).toEqual({ code: 2, out: '', err: 'iommu-check: notes.txt: not a flattened devicetree (magic 0x68656C6C, expected 0xD00DFEED)\n' });
    const r = run(['import-dt', 'board.dtb'], { cwd });
    expect(r.code).toBe(1);
    expect(r.err).toBe('board.dtb: /dma-controller@9100000:iommus: error id-map-dangling: /dma-controller@9100000: iommus refers to /interrupt-controller@8000000, which is not an IOMMU (a node with #iommu-cells)\n1 error, 0 warnings, 0 information\n');
    // The rule settings apply as to every diagnostic.
    expect(run(['import-dt', 'board.dtb', '--rule', 'id-map-dangling=warning'], { cwd })).toMatchObject({ code: 0, err: r.err.replace(': error id-map-dangling', ': warning id-map-dangling').replace('1 error, 0 warnings', '0 errors, 1 warning') });
    expect(run(['import-dt', 'board.dtb', '--rule', 'id-map-dangling=off'], { cwd })).toMatchObject({ code: 0, err: '' });
    const j = JSON.parse(run(['import-dt', '--format', 'json', 'board.dtb'], { cwd }).err);
    expect(j.files[0].diagnostics[0].location).toMatchObject({ node: '/dma-controller@9100000', property: 'iommus', text: '/dma-controller@9100000:iommus' });
  });
});
